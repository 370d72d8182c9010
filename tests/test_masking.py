"""Masking Word files and data (pipeline/publish/masking.py, pipeline/ooxml/replace.py)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.data.load import Loaded
from pipeline.data.version import Plan, Version
from pipeline.publish import masking

SECRET = "Polisen bedömer att gruppen rekryterar vid resecentrum"
MASKS = [masking.Mask(SECRET, masking.notice("OSL 18 kap. 1 §")), masking.Mask("Anna Hemlig", "Kommunpolis")]


def _document() -> bytes:
    """Return a .docx with the secret split across runs, in other case in the header, in a comment
    and in the document properties."""
    document = docx.Document()
    paragraph = document.add_paragraph("Inledning. ")
    for piece in ("Polisen bed", "ömer att grup", "pen rekryterar vid ", "resecentrum", ". Slut."):
        paragraph.add_run(piece).bold = piece.startswith("ömer")
    document.sections[0].header.paragraphs[0].text = SECRET.upper()
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.paragraphs[0].add_run("Kontakt: anna ")
    cell.paragraphs[0].add_run("HEMLIG")
    document.add_comment(paragraph.runs[0], text=f"Kolla: {SECRET}", author="Anna Hemlig")
    document.core_properties.title = f"Om {SECRET.lower()}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _all_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return " ".join(re.sub(r"<[^>]+>", "", archive.read(n).decode("utf-8")) + " "
                        + " ".join(re.findall(r'="([^"]*)"', archive.read(n).decode("utf-8")))
                        for n in archive.namelist() if n.endswith(".xml"))


def test_a_secret_split_across_runs_in_any_case_is_masked_everywhere():
    original = _document()
    squeezed = re.sub(r"\s+", "", _all_text(original)).casefold()
    assert re.sub(r"\s+", "", SECRET).casefold() in squeezed  # the control: it is there before
    masked = masking.mask_document(original, MASKS)
    text = re.sub(r"\s+", "", _all_text(masked)).casefold()
    assert re.sub(r"\s+", "", SECRET).casefold() not in text
    assert "annahemlig" not in text
    assert "uppgiftborttagenmedstödavosl18kap.1§" in text and "kommunpolis" in text
    assert masking.check_document("x.docx", masked, MASKS) == masked
    body = docx.Document(io.BytesIO(masked))
    assert body.paragraphs[0].text == "Inledning. [Uppgift borttagen med stöd av OSL 18 kap. 1 §]. Slut."


def test_a_marked_passage_and_a_role_only_name_in_data():
    text = "Före. [sekretess: OSL 18 kap. 1 §]Hemligt här.[/sekretess] Kontakta Anna Hemlig (exempel)."
    masks = [masking.Mask("Anna Hemlig (exempel)", "kommunpolisen"), masking.Mask("Anna Hemlig", "kommunpolisen")]
    assert masking.mask_text(text, masking.unique(masks)) == (
        "Före. [Uppgift borttagen med stöd av OSL 18 kap. 1 §] Kontakta kommunpolisen.")


def test_a_section_under_sekretess_keeps_one_notice_per_text():
    data = {"kartläggning": {"sekretess": "OSL 26 kap. 1 §", "beskrivning": "a b c", "källor": ["x", "y"]}}
    masked = masking._masked(data, [])
    assert masked["kartläggning"]["beskrivning"] == "[Uppgift borttagen med stöd av OSL 26 kap. 1 §]"
    assert masked["kartläggning"]["källor"] == ["[Uppgift borttagen med stöd av OSL 26 kap. 1 §]"]


# --- each rule of the public version ----------------------------------------------------------------

OSL = "OSL 18 kap. 1 §"
HIDDEN = masking.notice(OSL)


def a_version(data: dict, plans: list[dict] = ()) -> Version:
    return Version(folder=Path("orsa/2027"), agreement=Loaded(data=data, file=Path("orsa/2027/overenskommelse.yaml")),
                   plans=[Plan(Loaded(data=p, file=Path(f"orsa/2027/planer/0{i}.yaml")), i, f"p{i}")
                          for i, p in enumerate(plans, start=1)])


def test_a_notice_names_the_ground_with_single_spaces():
    assert masking.notice("OSL  18 kap.\n1 §") == "[Uppgift borttagen med stöd av OSL 18 kap. 1 §]"
    assert masking.PERSONAL_NOTICE == "[Personuppgift borttagen]"


def test_masks_are_unique_in_any_case_and_spacing_longest_first_and_never_too_short():
    masks = masking.unique([masking.Mask("Anna", "r"), masking.Mask("ab", "r"), masking.Mask("abc", "r"),
                            masking.Mask("ANNA  ", "x"), masking.Mask("Anna Hemlig", "r")])
    assert masks == [masking.Mask("Anna Hemlig", "r"), masking.Mask("Anna", "r"), masking.Mask("abc", "r")]


def test_masks_of_a_version_are_its_marked_passages_sections_and_role_only_persons():
    data = {
        "syfte": f"Öppet. [sekretess: {OSL}]Hemlig mening.[/sekretess] Öppet igen.",
        "lägesbild": {"sekretess": "OSL 26 kap. 1 §", "text": "Första stycket.\n\nAndra stycket.",
                      "källor": ["Rapport A"], "sekretess_kommentar": "ej"},
        "bakgrund": {"sekretess": "  ", "text": "Inte hemlig."},
        "handläggare": {"namn": "Anna Hemlig (exempel)", "titel": "Utredare", "publiceras_som": "roll",
                        "telefon": "0250-123 45", "epost": "anna@orsa.se"},
        "underskrifter": [{"namn": "Eva Öppen", "roll": "Ordförande"},
                          {"namn": "Per Dold", "roll": "Chef", "publiceras_som": "roll"},
                          {"namn": "Utan Roll", "publiceras_som": "roll"}],
    }
    plan = {"kartläggning": {"sekretess": OSL, "beskrivning": "Gruppen samlas vid resecentrum."}}
    found = masking.masks_of(a_version(data, [plan]))
    fields = masking.notice("OSL 26 kap. 1 §")
    assert sorted(found, key=lambda m: m.text) == sorted([
        masking.Mask("Hemlig mening.", HIDDEN, OSL), masking.Mask("Första stycket.", fields, "OSL 26 kap. 1 §"),
        masking.Mask("Andra stycket.", fields, "OSL 26 kap. 1 §"), masking.Mask("Rapport A", fields, "OSL 26 kap. 1 §"),
        masking.Mask("Gruppen samlas vid resecentrum.", HIDDEN, OSL),
        masking.Mask("Anna Hemlig (exempel)", "Utredare"), masking.Mask("Anna Hemlig", "Utredare"),
        masking.Mask("0250-123 45", masking.PERSONAL_NOTICE), masking.Mask("anna@orsa.se", masking.PERSONAL_NOTICE),
        masking.Mask("Per Dold", "Chef")], key=lambda m: m.text)
    assert [len(m.text) for m in found] == sorted((len(m.text) for m in found), reverse=True)
    assert sorted(masking.grounds_of(a_version(data, [plan]))) == sorted([OSL, "OSL 26 kap. 1 §"])  # each once


def test_a_name_without_a_note_in_brackets_gives_one_mask():
    person = {"namn": "  Per Dold  ", "roll": "Chef"}
    assert masking._person_masks(person) == [masking.Mask("Per Dold", "Chef")]
    assert masking._person_masks({"namn": "Per (t.f.) Dold (exempel)", "roll": "Chef", "telefon": 12}) == [
        masking.Mask("Per (t.f.) Dold (exempel)", "Chef"), masking.Mask("Per (t.f.) Dold", "Chef"),
        masking.Mask("12", masking.PERSONAL_NOTICE)]


def test_a_text_splits_into_paragraphs_at_blank_lines_and_bell_characters():
    assert masking._pieces("Ett.\n \t\nTvå.\aTre.\n\n\n  \n") == ["Ett.", "Två.", "Tre."]
    assert masking._pieces("En rad\nsamma stycke.") == ["En rad\nsamma stycke."]


def test_a_pattern_finds_the_text_in_any_case_across_any_whitespace_and_nothing_else():
    found = masking.pattern("Anna  Hemlig (t.f.)")
    assert found.fullmatch("anna\n\tHEMLIG (T.F.)")
    assert not found.search("Anna Hemlig (tXf.)") and not found.search("AnnaHemlig (t.f.)")
    assert masking.rules([masking.Mask("a b c", "X")])[0][1] == "X"


def test_mask_text_replaces_marked_passages_then_masked_texts_and_drops_stray_tags():
    masks = [masking.Mask("Per Dold", "Chef")]
    text = f"A [sekretess: {OSL}]x[/sekretess] B [sekretess: OSL 26 kap. 1 §]y[/sekretess] per  dold. [/sekretess]"
    assert masking.mask_text(text, masks) == (
        f"A {HIDDEN} B {masking.notice('OSL 26 kap. 1 §')} Chef. ")


def test_masked_data_keeps_the_mark_field_and_copies_other_values():
    data = {"lägesbild": {"sekretess": OSL, "text": "Hemligt.", "antal": 3, "lista": ["a", "b"],
                          "blandat": ["a", {"t": "b"}], "tom": []},
            "syfte": "Öppet om Per Dold.", "datum": [1, 2]}
    masked = masking._masked(data, [masking.Mask("Per Dold", "Chef")])
    assert masked == {"lägesbild": {"sekretess": OSL, "text": HIDDEN, "antal": 3, "lista": [HIDDEN],
                                    "blandat": [HIDDEN, {"t": HIDDEN}], "tom": []},
                      "syfte": "Öppet om Chef.", "datum": [1, 2]}
    assert masked["datum"] is not data["datum"]  # a copy: the version itself is not changed
    assert data["lägesbild"]["text"] == "Hemligt."


def test_the_public_version_shows_role_only_persons_by_role_without_telephone_or_email():
    data = {"handläggare": {"namn": "Anna Hemlig", "titel": "Utredare", "publiceras_som": "roll",
                            "telefon": "0250-1", "epost": "a@b.se"},
            "underskrifter": [{"namn": "Eva Öppen", "roll": "Ordförande", "telefon": "0250-2"},
                              {"namn": "Utan Roll", "publiceras_som": "roll", "epost": "u@b.se"}],
            "syfte": "Kontakta Anna Hemlig."}
    plan = {"titel": "Plan", "text": "Anna Hemlig leder."}
    version = a_version(data, [plan])
    public = masking.public_version(version, [masking.Mask("Eva Öppen", "ordföranden")])
    assert public.data["handläggare"] == {"namn": "Utredare", "titel": "Utredare", "publiceras_som": "roll"}
    assert public.data["underskrifter"] == [
        {"namn": "ordföranden", "roll": "Ordförande", "telefon": "0250-2"},
        {"namn": "Utan Roll", "publiceras_som": "roll", "epost": "u@b.se"}]  # no role to show: kept
    assert public.data["syfte"] == "Kontakta Utredare."
    assert public.plans[0].data == {"titel": "Plan", "text": "Utredare leder."}
    plan = public.plans[0]
    assert (plan.number, plan.slug, public.folder, public.county) == (1, "p1", version.folder, None)
    assert version.data["handläggare"]["namn"] == "Anna Hemlig"  # the version itself is untouched


def test_check_document_raises_when_a_masked_text_is_left_and_names_the_part(monkeypatch):
    document = _document()
    monkeypatch.setattr(masking, "mask_document", lambda data, masks: data)  # as if masking had missed it
    with pytest.raises(masking.MaskingError) as caught:
        masking.check_document("bilaga-1.docx", document, MASKS)
    problem = caught.value.problems[0]
    assert problem.message.startswith(
        "den offentliga versionen av bilaga-1.docx innehåller fortfarande en maskerad uppgift ("
    )
    assert problem.message.endswith("); inget skrevs")
    assert problem.hint == "Rapportera felet till dem som underhåller samverkan."


def test_mask_document_removes_the_sekretess_tags_in_any_case():
    document = docx.Document()
    document.add_paragraph("Före [SEKRETESS: OSL 18 kap. 1 §]kvar[/ Sekretess ] efter.")
    buffer = io.BytesIO()
    document.save(buffer)
    masked = docx.Document(io.BytesIO(masking.mask_document(buffer.getvalue(), [])))
    assert masked.paragraphs[0].text == "Före kvar efter."


def test_a_role_only_person_without_telephone_email_or_name_is_shown_by_role():
    data = {
        "handläggare": {"namn": "Anna Hemlig", "titel": "Utredare", "publiceras_som": "roll"},
        "underskrifter": [{"roll": "Chef", "publiceras_som": "roll"}],
    }
    public = masking.public_version(a_version(data))
    assert public.data["handläggare"] == {"namn": "Utredare", "titel": "Utredare", "publiceras_som": "roll"}
    assert public.data["underskrifter"] == [{"roll": "Chef", "publiceras_som": "roll", "namn": "Chef"}]
    assert masking._person_masks({"roll": "Chef", "telefon": "0250-1"}) == [
        masking.Mask("", "Chef"),
        masking.Mask("0250-1", masking.PERSONAL_NOTICE),
    ]


def test_the_public_version_keeps_the_county_text():
    county = Loaded(data={"gemensamt": {"syfte": "Länets text."}}, file=Path("dalarna/lan.yaml"))
    version = Version(folder=Path("orsa/2027"), agreement=Loaded(data={}), plans=[], county=county)
    assert masking.public_version(version).county is county


def test_check_document_names_the_part_where_a_masked_text_is_left(monkeypatch):
    document = docx.Document()
    document.add_paragraph(f"Inledning. {SECRET}.")
    buffer = io.BytesIO()
    document.save(buffer)
    monkeypatch.setattr(masking, "mask_document", lambda data, masks: data)
    with pytest.raises(masking.MaskingError) as caught:
        masking.check_document("bilaga-1.docx", buffer.getvalue(), MASKS)
    assert "maskerad uppgift (word/document.xml); inget skrevs" in caught.value.problems[0].message


def test_check_document_names_the_first_part_where_a_masked_text_is_left(monkeypatch):
    document = docx.Document()
    document.add_paragraph(f"Inledning. {SECRET}.")
    document.core_properties.title = SECRET  # found once there, before the body in the package
    buffer = io.BytesIO()
    document.save(buffer)
    monkeypatch.setattr(masking, "mask_document", lambda data, masks: data)
    with pytest.raises(masking.MaskingError) as caught:
        masking.check_document("bilaga-1.docx", buffer.getvalue(), MASKS)
    assert "maskerad uppgift (docProps/core.xml); inget skrevs" in caught.value.problems[0].message


# --- the residual search over data that leaves as text (the county export) --------------------------

SECRET_MASK = masking.Mask("rekryterar ungdomar vid resecentrum", "[Uppgift borttagen med stöd av OSL 18 kap. 1 §]")


@pytest.mark.parametrize("values", [
    "Polisen ser att en grupp rekryterar ungdomar vid resecentrum.",
    {"kommun": "Falun", "lägesbild": "en grupp rekryterar  ungdomar vid\nresecentrum"},
    [{"planer": ["Trygghet", {"text": "Någon rekryterar ungdomar vid resecentrum"}]}],
    {"text": "[sekretess: OSL 18 kap. 1 §]något[/sekretess]"},
])
def test_check_values_finds_a_masked_text_at_any_depth_and_names_what_was_not_written(values):
    with pytest.raises(masking.MaskingError) as caught:
        masking.check_values("Länsexporten", values, [SECRET_MASK])
    problem = caught.value.problems[0]
    assert (problem.file, problem.message, problem.hint) == (
        None, "Länsexporten innehåller fortfarande en maskerad uppgift; inget skrevs",
        "Rapportera felet till dem som underhåller samverkan.")


def test_check_values_passes_what_is_clean():
    clean = {"kommun": "Falun", "planer": [{"text": "Trygghet vid resecentrum"}, 3, None],
             "lägesbild": "[Uppgift borttagen med stöd av OSL 18 kap. 1 §]"}
    assert masking.check_values("Länsexporten", clean, [SECRET_MASK]) is None
    assert masking.check_values("Länsexporten", clean, []) is None

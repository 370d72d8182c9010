"""The tjänsteskrivelse: the parts a kommunstyrelse expects, in plain Swedish, with no field paths."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zipfile

import docx
import pytest
import yaml

from conftest import ROOT, edit
from pipeline.cli import main
from pipeline.compare import versions as compare
from pipeline.documents.changetable import change_rows
from pipeline.publish.pdf import pdf_bytes
from scenarios import orsa_2027, orsa_2027_moved

SECTIONS = ["Förslag till beslut", "Sammanfattning", "Bakgrund", "Ärendet", "Bedömning", "Konsekvenser",
            "Ekonomiska konsekvenser", "Konsekvenser för barn", "Konsekvenser för jämställdhet",
            "Konsekvenser för miljön", "Beslutsunderlag", "Beslutet skickas till"]


def memo_text(data: bytes) -> list[str]:
    """Return every paragraph of a memo: body, table cells and header, in order."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.sections[0].header.paragraphs]
    texts += [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return texts


@pytest.fixture
def orsa(county):
    """The Orsa 2023 → 2027 comparison of the scenario the documents are judged on."""
    return compare.compare(county / "orsa" / "2023", orsa_2027(county))


def test_the_memo_has_the_parts_of_a_real_tjansteskrivelse_in_order(orsa):
    texts = memo_text(orsa.memo.data)
    positions = [texts.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    header = " ".join(texts[:2])
    assert "Orsa kommun" in header and "TJÄNSTESKRIVELSE" in header and "Datum 2026-10-01" in header
    assert "Dnr KS 2026/0311" in header and "Sida 1 av 1" in header  # PAGE and NUMPAGES fields, as every footer
    xml = zipfile.ZipFile(io.BytesIO(orsa.memo.data)).read("word/header1.xml").decode()
    assert "NUMPAGES" in xml and "PAGE" in xml


def test_the_decision_is_numbered_points_in_proper_swedish(orsa):
    document = docx.Document(io.BytesIO(orsa.memo.data))
    points = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert points == [
        "Kommunstyrelsen godkänner samverkansöverenskommelsen mellan Orsa kommun och Polismyndigheten, "
        "lokalpolisområde Mora, med fyra bilagor, att gälla från och med 1 mars 2027 och tills vidare.",
        "Överenskommelsen ersätter den samverkansöverenskommelse som kommunstyrelsen godkände den "
        "13 februari 2023, § 12.",
        "Kommunstyrelsens ordförande får i uppdrag att underteckna överenskommelsen för Orsa kommun."]
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    assert "version" not in title


def test_the_change_table_is_for_people(orsa):
    rows = change_rows(orsa.changes)
    assert [r["område"] for r in rows] == ["Bilagor", "Bilagor", "Mål", "Giltighet", "Text", "Bilaga 2", "Datum"]
    assert rows[4]["ändring"].startswith("Texten i avsnittet Giltighetstid och uppsägning har ändrats")
    dates = [c for c in orsa.changes if c.old_value and hasattr(c.old_value, "isoformat")
             and c.plan is not None and c.kind == "ändrad"]
    assert rows[-1]["ändring"] == f"{len(dates)} datum i bilaga 1–3 flyttade fyra år framåt."
    assert rows[0]["ändring"] == "Ny bilaga 4: Rekrytering av unga till kriminella nätverk."
    assert rows[1]["ändring"] == "Bilaga 4 utgår: Alkohol och langning under sommarsäsongen."
    assert "Föräldravandringar varje fredag under skolterminen." in rows[5]["nytt"]
    assert len(orsa.changes) > 3 * len(rows)  # the full detail stays in `diff --format json`


@pytest.mark.libreoffice
def test_every_row_of_the_change_table_is_in_the_pdf(county, tmp_path):
    """Issue 20: the table's header row at the foot of page 1, and every row lost in the PDF."""
    comparison = compare.compare(county / "orsa" / "2023", orsa_2027_moved(county))
    rows = change_rows(comparison.changes)
    assert len(rows) >= 3
    pdf = tmp_path / "tjansteskrivelse.pdf"
    pdf.write_bytes(pdf_bytes([comparison.memo])["tjansteskrivelse.pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout

    def bare(value: str) -> str:  # the words without line breaks, hyphens or hyphenation
        return re.sub(r"[\s\-\u00ad]", "", value)
    for row in rows:
        for key in ("område", "ändring", "tidigare", "nytt"):
            assert bare(row[key]) in bare(text), (key, row[key])


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_no_field_path_or_yaml_key_in_any_memo(county, tmp_path):
    keys = schema_keys()
    memos = [orsa_2027_memo(county)]
    assert main(["batch", str(county), "--out", str(tmp_path / "ut"), "--datum", "2026-11-27"]) == 0
    memos += [p.read_bytes() for p in (tmp_path / "ut").rglob("tjansteskrivelse.docx")]
    assert len(memos) > 10
    for data in memos:
        text = "\n".join(memo_text(data))
        assert not re.search(r"\w\[\d+\]", text), "an index like aktiviteter[2]"
        for key in keys:
            for after in re.findall(rf"(?<![\w-]){re.escape(key)}[.\[](\w+)", text):
                assert after not in keys and not after.isdigit(), f"{key}.{after}"
            if "_" in key:
                assert key not in text, key
        for word in ("tillagd:", "borttagen:", "Ändrad:", "1 borttagna", " ärende "):
            assert word not in text
        for cell in table_cells(data):
            assert not schema_keys_in(cell), cell


def orsa_2027_memo(county) -> bytes:
    import shutil

    copy = county.parent / "orsa-kopia" / "dalarna"
    shutil.copytree(county, copy)
    return compare.compare(copy / "orsa" / "2023", orsa_2027(copy)).memo.data


def table_cells(data: bytes) -> list[str]:
    """Return the text of every cell of a memo's tables."""
    return [c.text for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells]


def schema_keys_in(text: str) -> list[str]:
    """Return the field names written as YAML keys in ``text``: "id: M2; mål: …"."""
    keys = schema_keys(shortest=1)
    return [key for key in re.findall(r"(?<![\w-])(\w+): ", text) if key in keys]


def schema_keys(shortest: int = 4) -> set[str]:
    """Return every field name of every schema (at least ``shortest`` letters)."""
    found = set()

    def walk(rules):
        if isinstance(rules, dict):
            for key, value in rules.items():
                if isinstance(value, dict) and ("type" in value or "schema" in value):
                    found.add(key)
                    walk(value.get("schema"))
                elif key == "schema":
                    walk(value)
    for name in ("overenskommelse", "plan", "lan"):
        walk(yaml.safe_load((ROOT / "schemas" / f"{name}.yaml").read_text(encoding="utf-8")))
    return {k for k in found if len(k) >= shortest}


# --- Falun 2023 → 2027: plans that got ids and links, written for a politician (issue 20) ---------

@pytest.fixture(scope="module")
def falun_rows():
    dalarna = ROOT / "agreements" / "dalarna"
    return change_rows(compare.compare(dalarna / "falun" / "2023", dalarna / "falun" / "2027").changes)


def sentences(text: str) -> list[str]:
    """Return the sentences of a cell (also those joined as "A.; B.")."""
    return [s.rstrip(";") for s in re.split(r"(?<=[.!?])\s+|(?<=\.);\s*", text) if s not in ("", "…", "–")]


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
def test_the_change_table_never_shows_schema_keys_or_a_stop_before_a_semicolon(falun_rows):
    for row in falun_rows:
        for key in ("ändring", "tidigare", "nytt"):
            assert not schema_keys_in(row[key]), (key, row[key])
            assert ".;" not in row[key], (key, row[key])


def test_no_sentence_is_said_twice_in_a_cell(falun_rows):
    for row in falun_rows:
        for key in ("ändring", "tidigare", "nytt"):
            said = sentences(row[key])
            assert len(said) == len(set(said)), (key, row[key])


def test_counts_count_items_and_name_them_by_what_they_say(falun_rows):
    plan = {r["ändring"].split(" (")[0]: r for r in falun_rows if r["område"] == "Bilaga 1"}
    assert ": ett nytt mål, ett mål utgår och två ändringar; målen har fått id;" in plan["Målen i bilaga 1"]["ändring"]
    assert plan["Målen i bilaga 1"]["nytt"].startswith(
        "Nytt mål M2: Ordningsvakter finns vid resecentrum varje helgnatt från den 1 maj 2027.")
    assert plan["Målen i bilaga 1"]["tidigare"].startswith(
        "Mål som utgår: Belysningen på gågatan är åtgärdad senast den 30 september 2023.")
    # four activities before and after: one added, one removed, three changed (A1's time now says 2027;
    # not "tio nya punkter")
    activities = plan["Aktiviteterna i bilaga 1"]
    assert (": en ny aktivitet, en aktivitet utgår och tre ändringar; aktiviteterna har fått id och kopplats till "
            "orsaker och mål; se ändringsdokumentet för bilaga 1.") in activities["ändring"]
    assert activities["nytt"].startswith("Ny aktivitet A2: Ordningsvakter vid resecentrum fredags- och lördagsnätter.")
    assert (": två nya indikatorer, en indikator utgår och två ändringar; indikatorerna har fått id och kopplats "
            "till mål;") in plan["Uppföljningen i bilaga 1"]["ändring"]
    assert ": en orsak utgår och en ändring; orsakerna har fått id;" in plan["Orsaksanalysen i bilaga 1"]["ändring"]
    causes = next(r for r in falun_rows if r["ändring"].startswith("Orsaksanalysen i bilaga 2"))
    assert ": orsakerna har fått id;" in causes["ändring"]  # the same four causes, now O1–O4
    assert causes["nytt"].startswith("O1: Narkotika är lätt att beställa via sociala medier. O2: ")


def test_tidigare_and_nytt_differ_where_the_text_changed(falun_rows):
    for row in falun_rows:
        assert row["tidigare"] != row["nytt"], row
    mapping = next(r for r in falun_rows if r["ändring"].startswith("Kartläggningen i bilaga 2"))
    assert mapping["tidigare"][:80] != mapping["nytt"][:80]  # the excerpts are around the change
    goals = next(r for r in falun_rows if r["ändring"].startswith("Målen i bilaga 1"))
    assert "ska öka från 58 till 65 procent" in goals["tidigare"] and "ska öka från 64 till 70 procent" in goals["nytt"]
    assert "[sekretess" not in mapping["nytt"]  # the text as the documents show it


def test_a_signature_published_by_role_is_said_in_words(falun_rows):
    row = next(r for r in falun_rows if r["område"] == "Underskrifter")
    assert (row["ändring"], row["tidigare"], row["nytt"]) == (
        "I den offentliga versionen visas underskriften av lokalpolisområdeschef med bara rollen.",
        "Namn och roll", "Bara roll, inte namn")


def test_the_case_is_described_from_the_data_where_it_exists(sealed_county):
    comparison = compare.compare(sealed_county / "falun" / "2023", sealed_county / "falun" / "2027")
    texts = memo_text(comparison.memo.data)
    assert "Kommunledningsförvaltningen\tDatum 2026-11-16\tDnr KS2026/0912" in texts[1]
    assert any(t.startswith("Kontakt: telefon 023-00 00 00, e-post sara.exempelsson@") for t in texts)
    assert ("Ärendet bereds av kommunstyrelsens arbetsutskott den 19 januari 2027 och avgörs av kommunstyrelsen "
            "den 9 februari 2027.") in texts
    assert any(t.startswith("Förvaltningen bedömer att den nya bilagan om våld i nära relationer") for t in texts)
    assert "Socialnämnden" in texts
    assert any(t.startswith("Gällande samverkansöverenskommelse, version 2023, beslutad av kommunstyrelsen")
               and "sigill SHA-256" in t for t in texts)


def test_a_first_agreement_gets_a_memo_without_a_change_table(county, tmp_path, capsys):
    out = tmp_path / "ut"
    assert main(["underlag", str(county / "hedemora" / "2026"), "--out", str(out)]) == 0
    assert "ingen föregående version" in capsys.readouterr().out
    data = (out / "tjansteskrivelse.docx").read_bytes()
    texts = memo_text(data)
    assert "Överenskommelsens innehåll" in texts
    assert "Ändringar jämfört med gällande överenskommelse" not in texts
    assert not docx.Document(io.BytesIO(data)).tables
    assert not any("ersätter" in t for t in texts)
    proposal = "Kommunstyrelsen godkänner samverkansöverenskommelsen mellan Hedemora kommun"
    assert any(t.startswith(proposal) for t in texts)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["tjansteskrivelse.docx"]


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_batch_makes_the_memo_of_a_first_agreement_awaiting_decision(county, tmp_path):
    out = tmp_path / "ut"
    assert main(["batch", str(county), "--out", str(out), "--datum", "2026-11-27"]) == 0
    assert (out / "dalarna" / "hedemora" / "underlag-2026" / "tjansteskrivelse.docx").is_file()
    assert (out / "dalarna" / "sater" / "underlag-2026" / "tjansteskrivelse.docx").is_file()
    assert not (out / "dalarna" / "gagnef" / "underlag-2024").exists()  # decided: no proposal


def test_a_reversed_diff_is_refused_unless_asked_for(county, tmp_path, capsys):
    new, old = county / "falun" / "2027", county / "falun" / "2023"
    assert main(["diff", str(new), str(old), "--out", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert "jämförelsen är bakvänd" in err and "--bakvänd" in err
    assert not (tmp_path / "a").exists()
    assert main(["diff", str(new), str(old), "--out", str(tmp_path / "b"), "--bakvänd"]) == 0


def test_a_diff_right_after_ny_does_not_contradict_itself(county, tmp_path, capsys):
    from pipeline.versions.lifecycle import start_version

    start_version(county / "orsa", "2027", keep_case_number=True)
    capsys.readouterr()
    assert (
        main(["diff", str(county / "orsa" / "2023"), str(county / "orsa" / "2027"), "--out", str(tmp_path / "ut")]) == 0
    )
    out = capsys.readouterr().out
    assert "Inga ändringar i innehållet." in out and "Inga ändringar.\n" not in out
    assert "Dokumenten skiljer sig ändå" in out


def test_the_summary_counts_in_swedish(orsa):
    texts = memo_text(orsa.memo.data)
    summary = texts[texts.index("Sammanfattning") + 1]
    assert "godkändes av kommunstyrelsen den 13 februari 2023, § 12" in summary
    assert "att bilagan alkohol och langning under sommarsäsongen utgår" in summary
    assert "1 borttagna" not in summary and "ärende" not in summary.lower().replace("ärendet", "")


def test_a_first_agreement_memo_names_each_focus_area_in_quotes():
    # Joined bare, "Trygghet i Hedemora tätort och Unga som riskerar …" read as one name with a stray capital.
    import io

    import docx

    from conftest import AGREEMENTS
    from pipeline.compare.versions import propose

    memo = propose(AGREEMENTS / "dalarna" / "hedemora" / "2026").documents()["tjansteskrivelse.docx"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(memo)).paragraphs)
    assert "Fokusområden: ”Trygghet i Hedemora tätort” och ”Unga som riskerar att dras in i kriminalitet”." in text


def test_a_handlaggare_published_by_role_is_named_by_the_role_once(county, tmp_path):
    """A role-only handläggare's public memo says "Brottsförebyggande samordnare" where the name stood –
    once, not "Brottsförebyggande samordnare, brottsförebyggande samordnare"."""
    from pipeline.publish.public import propose_public

    data = county / "hedemora" / "2026" / "overenskommelse.yaml"
    edit(data, "handläggare:\n", "handläggare:\n  publiceras_som: roll\n")
    comparison, _ = propose_public(county / "hedemora" / "2026", tmp_path / "ut")
    texts = memo_text(comparison.memo.data)
    role = yaml.safe_load((county / "hedemora" / "2026" / "overenskommelse.yaml").read_text())["handläggare"]["titel"]
    assert f"Handläggare: {role}" in texts
    assert texts[-2:] == [role, ""]  # the signature: the role, and no second line with it
    recipients = texts[texts.index("Beslutet skickas till") + 1:texts.index("Beslutet skickas till") + 4]
    assert role in recipients and not any(t.lower().count(role.lower()) > 1 for t in texts)


@pytest.mark.libreoffice
def test_the_seal_checksum_prints_whole_in_groups_of_four(sealed_county, tmp_path, monkeypatch):
    """The checksum of the decided version's seal in Beslutsunderlag prints in groups of four that a
    line breaks only between, never hyphenated ("…411ab-/d8135…" cannot be copied into
    `kontrollera --sigill`) – wherever on its line it begins and whatever its digits: eight
    checksums, moved along the line by the length of the decision's paragraf (LibreOffice
    hyphenated seven of these eight before)."""
    from pipeline.data import seal
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import version_documents
    from pipeline.publish.pdf import convert_run

    old, new = validate_version(sealed_county / "falun" / "2023"), validate_version(sealed_county / "falun" / "2027")
    documents = version_documents(new)
    memos, digests = [], []
    for number, paragraf in enumerate(["§ 2", "§ 23", "§ 123", "§ 23, punkt 1", "§ 23, punkt 12", "§ 23 a",
                                       "§ 23 (protokoll 4)", "§ 23, ärende 12 på dagordningen"]):
        digests.append(hashlib.sha256(str(number).encode()).hexdigest())
        monkeypatch.setattr(seal, "digest", lambda path, found=digests[-1]: found)
        old.data["beslut"]["paragraf"] = paragraf  # in memory only
        memo = compare.compare_versions(old, new, documents).memo
        body = zipfile.ZipFile(io.BytesIO(memo.data)).read("word/document.xml").decode("utf-8")
        run = re.search(r"<w:r><w:rPr>(?:(?!</w:r>).)*?</w:rPr><w:t[^>]*>" + re.escape(seal.grouped(digests[-1])), body)
        assert run and "<w:noProof/>" in run.group(0) and 'w:val="zxx"' in run.group(0)
        memos.append(tmp_path / f"memo-{number}.docx")
        memos[-1].write_bytes(memo.data)
    written, problems = convert_run(memos)
    assert problems == [] and len(written) == len(memos)
    for pdf, digest in zip(sorted(written), digests, strict=True):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout  # -layout: pdftotext would otherwise join "ab-/cd" itself
        assert re.search(r"\s+".join(seal.grouped(digest).split()), text), pdf.name  # broken only between groups


def section(texts: list[str], heading: str) -> list[str]:
    """Return the paragraphs under ``heading`` up to the next section heading of the memo."""
    start = texts.index(heading) + 1
    ends = [texts.index(h) for h in SECTIONS if texts.index(h) > texts.index(heading)]
    return texts[start:min(ends)] if ends else texts[start:]


def test_the_background_gives_the_legal_basis_and_the_agreements_place_in_it(orsa):
    background = " ".join(section(memo_text(orsa.memo.data), "Bakgrund"))
    assert "lag (2023:196) om kommuners ansvar för brottsförebyggande arbete" in background
    assert "lägesbild" in background and "åtgärdsplan" in background
    assert "Samverkansöverenskommelsen med Polismyndigheten är en del av det arbetet" in background
    assert "Orsa kommun och Polismyndigheten samverkar" in background  # and then the agreement's own purpose


def test_a_memo_dated_before_the_law_does_not_cite_it(county):
    memo = compare.compare(county / "orsa" / "2019", county / "orsa" / "2023").memo  # dated January 2023
    background = " ".join(section(memo_text(memo.data), "Bakgrund"))
    assert background.startswith("Polismyndigheten tecknar samverkansöverenskommelser med kommunerna")
    assert "2023:196" not in background


def test_consequences_for_children_equality_and_environment_say_plainly_what_is_known(orsa):
    texts = memo_text(orsa.memo.data)
    children = " ".join(section(texts, "Konsekvenser för barn"))
    # Orsa's fokusområde "Ungdomar/skolor" concerns children: named, and no analysis claimed.
    assert "fokusområdet ”Ungdomar/skolor”" in children and "barnkonventionen" in children
    assert children.endswith("Ingen särskild barnkonsekvensanalys redovisas i ärendet.")
    assert section(texts, "Konsekvenser för miljön") == ["Ingen särskild miljöbedömning redovisas i ärendet."]


def test_consequences_written_in_the_data_replace_the_defaults(county):
    edit(county / "falun" / "2027" / "overenskommelse.yaml", "bedömning:",
         "konsekvenser:\n  barn: Skolorna deltar i planeringen av aktiviteterna.\n"
         "  miljö: Färre nedskräpade platser i centrum.\nbedömning:")
    comparison = compare.compare(county / "falun" / "2023", county / "falun" / "2027")
    texts = memo_text(comparison.memo.data)
    assert section(texts, "Konsekvenser för barn") == ["Skolorna deltar i planeringen av aktiviteterna."]
    assert section(texts, "Konsekvenser för miljön") == ["Färre nedskräpade platser i centrum."]
    assert section(texts, "Konsekvenser för jämställdhet")[0].startswith("Överenskommelsen berör jämställdhet")
    rows = " ".join(f"{r['område']} {r['ändring']}" for r in change_rows(comparison.changes))
    assert "konsekvenser" not in rows.lower()  # a field of the case, not of the agreement


def test_every_memo_names_its_forvaltning(county):
    from pipeline.compare.versions import propose

    hedemora = memo_text(propose(county / "hedemora" / "2026").documents()["tjansteskrivelse.docx"])
    assert hedemora[1].startswith("Kommunstyrelsens förvaltning\tDatum")  # no unit in the data: the default
    falun = memo_text(compare.compare(county / "falun" / "2023", county / "falun" / "2027").memo.data)
    assert falun[1].startswith("Kommunledningsförvaltningen\tDatum")  # the data's unit


def test_a_first_agreement_memo_says_what_the_agreement_sets_up(county):
    from pipeline.compare.versions import propose

    texts = memo_text(propose(county / "hedemora" / "2026").documents()["tjansteskrivelse.docx"])
    case = " ".join(section(texts, "Ärendet"))
    assert "ingen tidigare version" not in case.lower() and "jämföra" not in case
    assert "lägger Hedemora kommun och polisen fast hur de samverkar" in case
    contents = " ".join(texts[texts.index("Överenskommelsens innehåll") + 1:texts.index("Bedömning")])
    data = yaml.safe_load((county / "hedemora" / "2026" / "overenskommelse.yaml").read_text(encoding="utf-8"))
    assert f"Möten: {data['organisation']['samverkansgrupp']['mötesfrekvens']}" in contents
    assert f"Uppföljning: {data['uppföljning']['frekvens']}" in contents
    assert "Bilaga 1 – " in contents and "Bilaga 2 – " in contents


def _pictures(data: bytes) -> tuple[list[str], str]:
    package = zipfile.ZipFile(io.BytesIO(data))
    return [n for n in package.namelist() if n.startswith("word/media/")], package.read("word/document.xml").decode()


def test_the_kommuns_logo_stands_on_the_memo_with_alt_text(county):
    memo = compare.compare(county / "falun" / "2023", county / "falun" / "2027").memo.data
    media, body = _pictures(memo)
    assert len(media) == 1
    assert zipfile.ZipFile(io.BytesIO(memo)).read(media[0]) == (county / "falun" / "logo.png").read_bytes()
    assert 'descr="Falu kommuns logotyp"' in body
    assert _pictures(compare.compare(county / "orsa" / "2019", county / "orsa" / "2023").memo.data)[0] == []


@pytest.mark.parametrize("damage", ["not a png", "huge", "link out"])
def test_a_logo_that_cannot_be_used_is_a_warning_and_the_memo_is_made_without_it(county, tmp_path, damage):
    from pipeline.data.validate import validate_with_warnings

    logo = county / "falun" / "logo.png"
    if damage == "not a png":
        logo.write_bytes(b"GIF89a" + bytes(100))
    elif damage == "huge":  # a header that claims 100 000 × 100 000 pixels
        logo.write_bytes(logo.read_bytes()[:16] + (100_000).to_bytes(4, "big") * 2 + logo.read_bytes()[24:])
    else:
        outside = tmp_path / "secret.png"
        outside.write_bytes(logo.read_bytes())
        logo.unlink()
        logo.symlink_to(outside)
    _, warnings = validate_with_warnings(county / "falun" / "2027")
    shown = [w.format() for w in warnings if w.file == logo]
    assert len(shown) == 1 and "logotypen" in shown[0]
    assert _pictures(compare.compare(county / "falun" / "2023", county / "falun" / "2027").memo.data)[0] == []


def test_an_svg_logo_alone_is_a_warning_that_says_what_to_do(county):
    from pipeline.data.validate import validate_with_warnings

    (county / "falun" / "logo.png").unlink()
    (county / "falun" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    _, warnings = validate_with_warnings(county / "falun" / "2027")
    shown = [w for w in warnings if w.file == county / "falun" / "logo.svg"]
    assert len(shown) == 1 and "PNG" in shown[0].format()


def test_changes_in_the_organisation_are_sentences_not_field_names():
    dalarna = ROOT / "agreements" / "dalarna"
    rows = change_rows(compare.compare(dalarna / "orsa" / "2019", dalarna / "orsa" / "2023").changes)
    said = [r["ändring"] for r in rows if r["område"] == "Organisation"]
    assert "BRÅ har en ny mötesfrekvens." in said
    assert "Kontaktfunktionen ”Säkerhetssamordnare” har en ny benämning." in said
    assert not any(word in " ".join(said) for word in ("kontaktfunktioner,", ", roll", ", uppgift", ", beskrivning"))

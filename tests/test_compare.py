"""diff: redlines whose accepted text is the new version and rejected text the old, a change
summary from the data, and the tjänsteskrivelse."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import AGREEMENTS, ROOT, edit
from fuzzing import examples
from pipeline.cli import main
from pipeline.compare.versions import compare, diff
from pipeline.data.changes import GROUPS, PLANS_GROUP
from pipeline.data.validate import validate_version
from pipeline.documents.render import render_version
from pipeline.errors import SchemaError
from pipeline.ooxml import redline
from pipeline.ooxml.redline import W
from pipeline.versions.lifecycle import start_version

ORSA = AGREEMENTS / "dalarna" / "orsa"


def parts(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: etree.fromstring(archive.read(n)) for n in archive.namelist()
                if n.startswith("word/") and n.endswith(".xml") and "/document" in n or "header" in n or "footer" in n}


def texts(root, accept=None):
    if accept is not None:
        root = redline.resolve(root, accept)
    return redline.paragraph_texts(root)


def assert_accept_and_reject(comparison, old_documents, new_documents):
    old_by_name = {d.name: d.data for d in old_documents}
    new_by_name = {d.name: d.data for d in new_documents}
    for item in comparison.redlines:
        marked = parts(item.data)
        name = item.name.removeprefix("andringar-")
        for part, root in marked.items():
            if item.status != "utgår":
                assert texts(root, accept=True) == texts(parts(new_by_name[name])[part]), (item.name, part)
            if item.status == "ändrad":
                assert texts(root, accept=False) == texts(parts(old_by_name[name])[part]), (item.name, part)
            if item.status == "ny" and part == "word/document.xml":
                assert texts(root, accept=False) == [""], item.name  # nothing was there before


@pytest.fixture(scope="module")
def orsa_comparison():
    return compare(ORSA / "2019", ORSA / "2023")


def test_orsa_outputs(orsa_comparison):
    assert list(orsa_comparison.documents()) == [
        "tjansteskrivelse.docx", "andringar-samverkansoverenskommelse.docx",
        "andringar-bilaga-1-ordningsstorningar-centrum.docx", "andringar-bilaga-2-ungdomar-skolor.docx",
        "andringar-bilaga-3-hot-mot-fortroendevalda.docx", "andringar-bilaga-4-alkohol-sommarsasong.docx"]
    assert [r.status for r in orsa_comparison.redlines] == ["ändrad", "ny", "ny", "ny", "ny"]
    assert all(r.revisions > 0 for r in orsa_comparison.redlines)


def test_orsa_accept_gives_2023_and_reject_gives_2019_both_as_decided(orsa_comparison):
    from pipeline.documents.render import decided_documents

    old_documents = decided_documents(validate_version(ORSA / "2019"))
    new_documents = decided_documents(validate_version(ORSA / "2023"))
    assert old_documents and new_documents, "both are sealed with their documents as decided"
    assert_accept_and_reject(orsa_comparison, old_documents, new_documents)


def test_revision_author_and_date_come_from_the_data(orsa_comparison):
    root = parts(orsa_comparison.redlines[0].data)["word/document.xml"]
    marks = list(root.iter(W + "ins", W + "del"))
    assert marks
    assert {m.get(W + "author") for m in marks} == {"Orsa kommun"}
    assert {m.get(W + "date") for m in marks} == {"2023-01-31T00:00:00Z"}


def test_summary_lists_the_changes(orsa_comparison):
    found = {(c.group, c.kind, c.what): (c.old, c.new) for c in orsa_comparison.changes}
    assert found[("Giltighetstid och uppsägning", "ändrad", "giltighetstid till")] == ("28 februari 2023",
                                                                                        "tills vidare")
    assert found[("Organisation", "ändrad", "organisation BRÅ mötesfrekvens")] == ("Två gånger per år.",
                                                                                   "Fyra gånger per år.")
    goal = found[("Mål", "ändrad", "mål")]
    assert goal[0].startswith("Utveckla samarbetet") and goal[1].startswith("Stärka samarbetet")
    assert found[("Beslut", "ändrad", "beslut datum")] == ("18 mars 2019", "13 februari 2023")
    plans = [c for c in orsa_comparison.changes if c.group == "Planer (bilagor)"]
    assert [c.kind for c in plans] == ["tillagd"] * 4


def test_memo_has_its_sections_and_the_change_table(orsa_comparison):
    memo = docx.Document(io.BytesIO(orsa_comparison.memo.data))
    paragraphs = [p.text for p in memo.paragraphs]
    for heading in ["Förslag till beslut", "Sammanfattning", "Ärendet",
                    "Ändringar jämfört med gällande överenskommelse", "Beslutsunderlag"]:
        assert heading in paragraphs
    header = " ".join(p.text for p in memo.sections[0].header.paragraphs)
    assert "Datum 2023-01-31" in header and "Dnr KS 2023/0042" in header and "TJÄNSTESKRIVELSE" in header
    assert any(p.startswith("Handläggare: Linda Björck-Jansson") for p in paragraphs)
    assert any(p.startswith("Kommunstyrelsen godkänner samverkansöverenskommelsen mellan Orsa kommun och "
                            "Polismyndigheten, lokalpolisområde Mora") for p in paragraphs)
    (table,) = memo.tables
    assert [c.text for c in table.rows[0].cells] == ["Område", "Ändring", "Tidigare", "Nytt"]
    assert 1 < len(table.rows) < len(orsa_comparison.changes)  # folded for people
    assert any("Ny bilaga 2: Trygghet för unga i skolan och på fritiden." in c.text
               for row in table.rows for c in row.cells)


def test_same_version_twice_has_no_changes(tmp_path, capsys):
    comparison, written = diff(ORSA / "2023", ORSA / "2023", tmp_path)
    assert comparison.changes == []
    assert all(r.revisions == 0 for r in comparison.redlines)
    for item in comparison.redlines:
        assert redline.count_revisions(parts(item.data)["word/document.xml"]) == 0
    memo_text = [p.text for p in docx.Document(io.BytesIO(comparison.memo.data)).paragraphs]
    assert "Förslaget innehåller inga ändringar i sak jämfört med den gällande överenskommelsen." in memo_text
    assert main(["diff", str(ORSA / "2023"), str(ORSA / "2023"), "--out", str(tmp_path)]) == 0
    assert "Inga ändringar." in capsys.readouterr().out


def test_different_kommuner_are_refused(county, tmp_path, capsys):
    shutil.copytree(county / "orsa", county / "Orsa")  # another folder, though the same name
    other = county / "Orsa" / "2023"
    with pytest.raises(SchemaError) as caught:
        compare(county / "orsa" / "2023", other)
    assert "olika kommuner" in caught.value.problems[0].message
    assert main(["diff", str(county / "orsa" / "2023"), str(other), "--out", str(tmp_path / "ut")]) == 1
    assert not (tmp_path / "ut").exists()


def test_invalid_version_is_refused_with_its_errors(county, tmp_path, capsys):
    edit(county / "orsa" / "2023" / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    code = main(["diff", str(county / "orsa" / "2019"), str(county / "orsa" / "2023"), "--out", str(tmp_path / "u")])
    assert code == 1 and "Menade du 'bakgrund'?" in capsys.readouterr().err
    assert not (tmp_path / "u").exists()


def test_template_wording_change_shows_in_a_draft_but_never_in_a_decided_version(sealed_county, tmp_path):
    """2023 was decided with today's templates; a draft made from it is rendered with reworded ones,
    while 2023 itself stays as decided whatever the templates say now."""
    templates = tmp_path / "mallar"
    shutil.copytree(ROOT / "templates", templates)
    with zipfile.ZipFile(templates / "overenskommelse.docx") as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    entries["word/document.xml"] = entries["word/document.xml"].replace(
        "Målen för samverkan är att:".encode(), "Parternas gemensamma mål är att:".encode())
    with zipfile.ZipFile(templates / "overenskommelse.docx", "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    draft, _ = start_version(sealed_county / "orsa", "2027", keep_case_number=True)
    comparison = compare(sealed_county / "orsa" / "2023", draft, templates)
    root = parts(comparison.redlines[0].data)["word/document.xml"]
    deleted = " ".join(t.text for t in root.iter(W + "delText"))
    inserted = " ".join(t.text for i in root.iter(W + "ins") for t in i.iter(W + "t"))
    assert "Målen" in deleted and "Parternas gemensamma" in inserted
    decided = compare(sealed_county / "orsa" / "2019", sealed_county / "orsa" / "2023", templates)
    root = parts(decided.redlines[0].data)["word/document.xml"]
    assert "Parternas gemensamma" not in " ".join(t.text for i in root.iter(W + "ins") for t in i.iter(W + "t"))


def test_removed_plan_is_a_wholly_deleted_document(county, tmp_path):
    new, _ = start_version(county / "orsa", "2027", keep_case_number=True)
    (new / "planer" / "03-hot-mot-fortroendevalda.yaml").unlink()
    comparison = compare(county / "orsa" / "2023", new)
    removed = [r for r in comparison.redlines if r.status == "utgår"]
    assert [r.name for r in removed] == ["andringar-utgar-3-hot-mot-fortroendevalda.docx"]
    root = parts(removed[0].data)["word/document.xml"]
    old_plan = render_version(validate_version(county / "orsa" / "2023"))[3]
    assert texts(root, accept=False) == texts(parts(old_plan.data)["word/document.xml"])
    assert texts(root, accept=True) == [""]
    attachments = [p.text for p in docx.Document(io.BytesIO(comparison.memo.data)).paragraphs]
    assert any("i version 2023, som utgår," in p for p in attachments)
    assert any(c.kind == "borttagen" and "Hot och trakasserier" in c.what for c in comparison.changes)


def test_plans_are_matched_by_file_then_by_title(county, tmp_path):
    """Plans named alike after their number (01-plan, 02-plan) and a renamed plan file."""
    new, _ = start_version(county / "orsa", "2027", keep_case_number=True)
    for folder in (county / "orsa" / "2023", new):
        for index, path in enumerate(sorted((folder / "planer").glob("*.yaml")), start=1):
            path.rename(path.with_name(f"0{index}-plan.yaml"))
    edit(new / "planer" / "01-plan.yaml", "titel: ", "titel: Reviderad – ")
    (new / "planer" / "04-plan.yaml").rename(new / "planer" / "02-alkohol.yaml")
    (new / "planer" / "02-plan.yaml").rename(new / "planer" / "05-plan.yaml")
    comparison = compare(county / "orsa" / "2023", new)
    assert [r.status for r in comparison.redlines] == ["ändrad"] * 5
    kinds = {(c.kind, c.what) for c in comparison.changes}
    assert ("ändrad", "plan ”Reviderad – Ordningsstörningar i Orsa centrum helgkvällar”: titel") in kinds
    assert not any(c.kind in ("tillagd", "borttagen") for c in comparison.changes if c.group == "Planer (bilagor)")
    assert ("ändrad", "plan ”Alkohol och langning under sommarsäsongen”: bilaga nummer") in kinds


def test_deterministic(tmp_path):
    first = compare(ORSA / "2019", ORSA / "2023").documents()
    second = compare(ORSA / "2019", ORSA / "2023").documents()
    assert first == second


def test_cli_text_and_json(tmp_path, capsys):
    assert main(["diff", str(ORSA / "2019"), str(ORSA / "2023"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ändringar från version 2019 till 2023 (Orsa kommun):")
    assert "\nMål\n" in out and "före: Utveckla samarbetet" in out
    assert f"Skrev {tmp_path / 'tjansteskrivelse.docx'}" in out
    assert main(["diff", str(ORSA / "2019"), str(ORSA / "2023"), "--out", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kommun"] == "Orsa kommun"
    assert {"område", "typ", "vad", "tidigare", "nytt"} == set(data["ändringar"][0])
    assert {"område": "Giltighetstid och uppsägning", "typ": "ändrad", "vad": "giltighetstid till",
            "tidigare": "28 februari 2023", "nytt": "tills vidare"} in data["ändringar"]
    groups = list(dict.fromkeys(change["område"] for change in data["ändringar"]))
    memo_order = list(dict.fromkeys(list(GROUPS.values()) + ["Övrigt", PLANS_GROUP]))
    assert groups == sorted(groups, key=memo_order.index) and groups[-1] == PLANS_GROUP
    assert data["dokument"][0]["fil"] == "andringar-samverkansoverenskommelse.docx"


# --- generated version pairs: random edits of the data, rendered and compared -----------------

GOALS = st.lists(st.sampled_from(["Öka tryggheten i centrum.", "Minska brotten mot unga.",
                                  "Stärka samarbetet.", "Fler trygghetsvandringar.", "Färre skadegörelser."]),
                 min_size=1, max_size=5)
ROWS = st.lists(st.tuples(st.sampled_from(["Trygghetsvandring", "Föräldramöte", "Polisnärvaro", "Belysning"]),
                          st.sampled_from(["Orsa kommun", "Lokalpolisområde Mora"]),
                          st.sampled_from(["Maj 2023", "Löpande", "Hösten 2023"])), min_size=1, max_size=5)


def set_goals(path, goals):
    text = path.read_text(encoding="utf-8")
    start = text.index("\nmål:\n") + 1
    end = text.index("\n\n", start)
    path.write_text(text[:start] + "mål:\n" + "".join(f"  - {g}\n" for g in goals) + text[end + 1:],
                    encoding="utf-8")


def set_activities(path, rows):
    text = path.read_text(encoding="utf-8")
    start = text.index("\naktiviteter:\n") + 1
    end = text.index("\nuppföljning:\n", start)
    body = "".join(f"  - aktivitet: {a}\n    ansvarig: {p}\n    när: {w}\n    resurser: Befintliga.\n"
                   for a, p, w in rows)
    path.write_text(text[:start] + "aktiviteter:\n" + body + "\n" + text[end + 1:], encoding="utf-8")


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old_goals=GOALS, new_goals=GOALS, old_rows=ROWS, new_rows=ROWS)
def test_generated_pairs(county, old_goals, new_goals, old_rows, new_rows):
    old, new = county / "orsa" / "2023", county / "orsa" / "2027"
    if not new.exists():
        start_version(county / "orsa", "2027", keep_case_number=True)
    plan = "planer/02-ungdomar-skolor.yaml"
    set_goals(old / "overenskommelse.yaml", old_goals)
    set_activities(old / plan, old_rows)
    set_goals(new / "overenskommelse.yaml", new_goals)
    set_activities(new / plan, new_rows)
    comparison = compare(old, new)
    assert_accept_and_reject(comparison, render_version(validate_version(old)),
                             render_version(validate_version(new)))

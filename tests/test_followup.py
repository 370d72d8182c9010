"""Follow-up: traceability, records beside a sealed version, reports with charts, workbooks, county export."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import edit, line_of, new_draft
from pipeline.cli import main
from pipeline.data.seal import check as seal_check
from pipeline.data.validate import validate_paths, validate_version
from pipeline.errors import PipelineError

ROOT = Path(__file__).resolve().parent.parent


# --- traceability ---------------------------------------------------------------------------

def test_broken_links_in_a_draft_are_located_errors(county):
    draft = county / "falun" / "2027" / "planer" / "01-trygghet-centrum.yaml"
    text = draft.read_text(encoding="utf-8")
    edit(draft, "    orsaker: [", "    orsaker: [O9, ", 1)
    report = validate_paths([county / "falun" / "2027"])
    messages = [p.format() for p in report.problems]
    assert any("'O9' är ingen orsak i planen" in m and "aktiviteter[1].orsaker[1]" in m for m in messages), messages
    draft.write_text(text.replace("    mål: [M1]\n", "", 1), encoding="utf-8")
    messages = [p.message for p in validate_paths([county / "falun" / "2027"]).problems]
    assert any("anger inte vilket mål" in m for m in messages), messages


def test_a_goal_without_indicator_is_a_located_error_in_a_draft(county):
    plan = county / "sater" / "2026" / "planer" / "01-bedragerier-aldre.yaml"
    edit(plan, "    mål: [E1]\n", "")
    problems = validate_paths([plan.parent.parent]).problems
    assert [(p.file, p.line, p.message) for p in problems] == [
        (plan, line_of(plan, "- id: E1"), "målet E1 (Antalet fullbordade bedrägerier mot äld…) har ingen indikator")]


def test_an_unaddressed_cause_in_a_draft_is_a_warning_and_strikt_makes_it_an_error(county, capsys):
    plan = county / "sater" / "2026" / "planer" / "01-bedragerier-aldre.yaml"
    edit(plan, "    orsaker: [O1, O2, O3]", "    orsaker: [O1, O2]")
    report = validate_paths([plan.parent.parent])
    assert report.ok
    assert [(w.file, w.line, w.message) for w in report.warnings] == [
        (
            plan,
            line_of(plan, "- id: O3"),
            "ingen aktivitet angriper orsaken O3 (Hemtjänstpersonal vet inte hur de ska a…)",
        )
    ]
    assert main(["validate", str(plan.parent.parent)]) == 0
    out = capsys.readouterr().out
    assert "Varningar: 1" in out and "--strikt" in out and "orsaken O3" in out
    assert main(["validate", "--strikt", str(plan.parent.parent)]) == 1
    err = capsys.readouterr().err
    assert "orsaken O3" in err and f"{plan}:{line_of(plan, '- id: O3')}" in err and "Traceback" not in err


def test_a_draft_plan_without_any_links_is_one_warning(county, capsys):
    """A plan as ``ny`` carries it over from a version decided before the rule: valid, one warning."""
    draft = new_draft(county)
    report = validate_paths([draft])
    assert report.ok
    plans = sorted((draft / "planer").glob("*.yaml"))
    # (The agreement's own warning, a validity still starting when the old one did, is test_stale's.)
    assert [(w.file, w.message) for w in report.warnings if w.file.parent.name == "planer"] == [
        (p, f"bilaga {n} har ingen spårbarhet: inga id:n eller länkar mellan orsaker, aktiviteter, mål och indikatorer")
        for n, p in enumerate(plans, start=1)
    ]
    assert main(["validate", "--strikt", str(draft)]) == 1
    assert "ingen spårbarhet" in capsys.readouterr().err


def test_decided_versions_give_no_tracing_warnings_even_with_strikt(sealed_county, capsys):
    """Nobody can change a decided version, so its links are never a warning."""
    report = validate_paths([sealed_county])
    sealed = {seal.parent for seal in sealed_county.rglob("sigill.json")}
    assert report.ok and len(sealed) == 20
    assert [w.format() for w in report.warnings if sealed & set(w.file.parents)] == []
    for kommun, version in (("mora", "2019"), ("orsa", "2023"), ("vansbro", "2025")):
        folder = sealed_county / kommun / version
        assert (folder / "sigill.json").is_file()
        assert validate_paths([folder], strict=True).ok
        assert validate_paths([folder]).warnings == []
        assert main(["validate", "--strikt", str(folder)]) == 0
        assert "Varningar" not in capsys.readouterr().out


def test_a_decided_version_whose_seal_was_removed_is_still_decided(county):
    assert validate_paths([county / "orsa" / "2023"], strict=True).ok


def test_sealed_versions_are_as_they_were_decided():
    """Issue 13 adds nothing to a decided version: its files are those its seal lists, and the
    follow-up records lie beside them in uppfoljning/, outside the seal."""
    for seal in sorted((ROOT / "agreements").rglob("sigill.json")):
        folder = seal.parent
        assert seal_check(folder) == [], folder
        assert not (folder / "beslutat" / "atgardsplan.docx").exists(), folder
        listed = set(json.loads(seal.read_text(encoding="utf-8"))["sha256"])
        own = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert own - listed - {"sigill.json"} == {p for p in own if p.startswith("uppfoljning/")}, folder


# --- records beside a sealed version -----------------------------------------------------------


def test_a_follow_up_record_never_breaks_a_sealed_versions_check(sealed_county):
    orsa = sealed_county / "orsa" / "2023"
    assert (orsa / "sigill.json").exists() and list((orsa / "uppfoljning").glob("*.yaml"))
    assert seal_check(orsa) == []
    (orsa / "uppfoljning" / "2026-10-01.yaml").write_text(
        "planer:\n  - plan: 01-ordningsstorningar-centrum\n    aktiviteter:\n      - id: A1\n        status: klar\n",
        encoding="utf-8",
    )
    assert seal_check(orsa) == []
    assert validate_paths([orsa]).ok
    assert main(["kontrollera", str(orsa)]) == 0


def test_a_record_naming_an_unknown_activity_or_status_is_a_located_error(sealed_county):
    orsa = sealed_county / "orsa" / "2023"
    record = orsa / "uppfoljning" / "2026-10-01.yaml"
    record.write_text(
        "planer:\n  - plan: 01-ordningsstorningar-centrum\n    aktiviteter:\n      - id: A9\n        status: grönt\n",
        encoding="utf-8",
    )
    problems = validate_paths([orsa]).problems
    assert any(p.line == 5 and "grönt" in p.message for p in problems), [p.format() for p in problems]
    record.write_text(
        "planer:\n  - plan: 01-ordningsstorningar-centrum\n    aktiviteter:\n      - id: A9\n        status: grön\n",
        encoding="utf-8",
    )
    problems = validate_paths([orsa]).problems
    assert any(p.line == 4 and "'A9' är ingen aktivitet i bilaga 1" in p.message for p in problems)


# --- the report and its charts -------------------------------------------------------------------


def test_report_has_charts_with_alt_text_and_tables(sealed_county, tmp_path):
    from pipeline.followup.report import write_report

    written = write_report(sealed_county / "orsa" / "2023", out_dir=tmp_path / "ut")
    assert [p.name for p in written] == ["uppfoljning-2026-09-17.docx"]
    with zipfile.ZipFile(written[0]) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        charts = [n for n in archive.namelist() if n.startswith("word/charts/") and n.endswith(".xml")]
        workbooks = [n for n in archive.namelist() if n.startswith("word/embeddings/")]
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        types = archive.read("[Content_Types].xml").decode("utf-8")
        chart = archive.read(charts[0]).decode("utf-8")
        chart_rels = archive.read("word/charts/_rels/" + charts[0].rsplit("/", 1)[1] + ".rels").decode("utf-8")
    # Word's own charts, each with its figures in a workbook Word's "Redigera data" opens
    assert len(charts) >= 2 and len(workbooks) == len(charts)
    assert not any(n.startswith("word/media/") for n in archive.namelist())
    assert document.count("<wp:docPr") == len(charts)
    assert 'descr="Stapeldiagram över aktiviteternas status per plan.' in document
    assert 'descr="Linjediagram för indikator I1' in document
    assert "rIdSamverkanDiagram1" in rels and "drawingml.chart+xml" in types and 'Extension="xlsx"' in types
    assert "<c:barChart>" in chart and "[$-41D]" in chart and 'r:id="rId1"' in chart
    assert "../embeddings/samverkan-diagram-1.xlsx" in chart_rels
    assert "Värden för indikator I1" in document  # the data table beside the chart


def test_identical_data_gives_identical_chart_and_report_bytes(sealed_county, tmp_path):
    from pipeline.followup.report import write_report

    first = write_report(sealed_county / "orsa" / "2023", out_dir=tmp_path / "a")[0].read_bytes()
    second = write_report(sealed_county / "orsa" / "2023", out_dir=tmp_path / "b")[0].read_bytes()
    assert first == second


def test_counts_agree_with_their_number_in_swedish(sealed_county, tmp_path):
    """"3 klara och 4 gröna", never "3 klar och 4 grön": in the report's summary, each plan's summary,
    the status chart's alt text and the county overview; a sentence begins with a capital."""
    import docx

    from pipeline.documents.overview import followup_text
    from pipeline.followup.report import write_report

    written = write_report(sealed_county / "falun" / "2023", out_dir=tmp_path / "ut")
    texts = [p.text for p in docx.Document(written[0]).paragraphs]
    assert "Sju aktiviteter i två planer: 3 klara och 4 gröna." in texts
    assert any(t.startswith("Aktiviteter: 4 (2 klara och 2 gröna).") for t in texts), texts
    with zipfile.ZipFile(written[0]) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "Bilaga 1: 2 klara, 2 gröna. Bilaga 2: 1 klar, 2 gröna." in document  # the chart's alt text
    latest = {"uppföljning": "2026-09-17", "version": "2023",
              "statusar": {"klar": 8, "grön": 6, "gul": 1, "röd": 1, "ej påbörjad": 2, "ej uppföljd": 3}}
    assert followup_text([latest], "2023") == ("17 september 2026 (version 2023): 8 klara, 6 gröna, 1 gul, 1 röd, "
                                               "2 ej påbörjade, 3 ej uppföljda")


def test_a_chart_axis_says_what_is_measured(sealed_county):
    """The value axis is titled with the indicator's unit when the data gives one, else with what its
    text counts ("antal", "andel"), never with the bare word "värde"."""
    from pipeline.data import followups
    from pipeline.followup.charts import axis_label
    from pipeline.followup.status import follow_up

    version = validate_version(sealed_county / "falun" / "2023")
    found, _ = followups.load_records(version)
    indicators = [i for p in follow_up(version, found).plans for i in p.indicators if i.points]
    labels = {i.item.text: axis_label(i) for i in indicators}
    assert labels["Antal anmälda misshandelsbrott i centrum helgnätter jämfört med 2022."] == "antal"
    assert labels["Andel invånare som känner sig trygga i centrum kvällstid (trygghetsmätning)."] == "andel"
    assert "värde" not in labels.values()
    indicators[0].item.data["enhet"] = "anmälningar per månad"
    assert axis_label(indicators[0]) == "anmälningar per månad"


def test_uppfoljning_command_and_a_missing_date(sealed_county, tmp_path, capsys):
    orsa = sealed_county / "orsa" / "2023"
    assert main(["uppfoljning", str(orsa), "--datum", "2026-05-14", "--out", str(tmp_path / "ut")]) == 0
    assert (tmp_path / "ut" / "uppfoljning-2026-05-14.docx").is_file()
    assert main(["uppfoljning", str(orsa), "--datum", "2026-05-15", "--out", str(tmp_path / "ut")]) == 1
    err = capsys.readouterr().err
    assert "ingen uppföljning den 2026-05-15" in err and "Traceback" not in err


# --- workbooks ------------------------------------------------------------------------------------


@pytest.fixture
def workbook(sealed_county, tmp_path):
    from pipeline.followup.workbook import export_workbook

    return export_workbook(sealed_county / "orsa" / "2023", tmp_path / "arbete" / "orsa.xlsx")


def test_a_round_trip_without_edits_writes_nothing(sealed_county, workbook):
    from pipeline.followup.importer import import_workbook

    record = sealed_county / "orsa" / "2023" / "uppfoljning" / "2026-09-17.yaml"
    before = record.read_bytes()
    result = import_workbook(workbook, sealed_county / "orsa" / "2023")
    assert result.outcome == "oförändrad" and record.read_bytes() == before


def test_an_edited_workbook_becomes_the_expected_record(sealed_county, workbook):
    import openpyxl
    import yaml

    from pipeline.followup.importer import import_workbook

    book = openpyxl.load_workbook(workbook)
    book["Uppföljning"]["B5"] = dt.date(2026, 11, 20)
    sheet = book["Bilaga 1"]
    sheet["G6"] = "gul"
    sheet["H6"] = "Ny belysning beställd."
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "I1")
    sheet.cell(row, 8).value = 29
    book.save(workbook)
    orsa = sealed_county / "orsa" / "2023"
    result = import_workbook(workbook, orsa, today=dt.date(2026, 11, 27))
    assert result.outcome == "ny" and result.path.name == "2026-11-20.yaml"
    data = yaml.safe_load(result.path.read_text(encoding="utf-8"))
    plan = data["planer"][0]
    assert plan["plan"] == "01-ordningsstorningar-centrum"
    assert plan["aktiviteter"][0] == {
        "id": "A1",
        "status": "gul",
        "kommentar": "Ny belysning beställd.",
        "rapporterad_av": "Orsa kommun",
    }
    assert {"id": "I1", "värde": 29} in plan["indikatorer"]
    assert seal_check(orsa) == [] and validate_paths([orsa]).ok


@pytest.mark.parametrize(
    "change, where, words",
    [
        (lambda b: b["Bilaga 1"].__setitem__("G6", "grönt"), "'Bilaga 1'!G6", "'grönt' är ingen status"),
        (lambda b: b["Bilaga 1"].__setitem__("A7", "A9"), "'Bilaga 1'!A7", "'A9' är ingen aktivitet"),
        (lambda b: b["Bilaga 2"].delete_cols(7), "'Bilaga 2'!G5", "kolumnen 'Status' saknas"),
        (lambda b: b["Bilaga 1"].__setitem__("H6", "=1+1"), "'Bilaga 1'!H6", "formel"),
    ],
)
def test_a_wrong_workbook_gives_located_errors_and_writes_nothing(
    sealed_county, workbook, change, where, words, capsys
):
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        sheet.protection.sheet = False
    change(book)
    book.save(workbook)
    folder = sealed_county / "orsa" / "2023" / "uppfoljning"
    before = sorted(folder.iterdir())
    assert main(["import", str(workbook), str(folder.parent), "--datum", "2026-11-20"]) == 1
    err = capsys.readouterr().err
    assert where in err and words in err and "Traceback" not in err, err
    assert sorted(folder.iterdir()) == before


def test_a_record_written_by_hand_is_not_replaced_without_ersatt(sealed_county, workbook, capsys):
    orsa = sealed_county / "orsa" / "2023"
    record = orsa / "uppfoljning" / "2026-11-20.yaml"
    record.write_text(
        "planer:\n  - plan: 01-ordningsstorningar-centrum\n    aktiviteter:\n      - id: A1\n        status: röd\n",
        encoding="utf-8",
    )
    assert main(["import", str(workbook), str(orsa), "--datum", "2026-11-20"]) == 1
    assert "för hand" in capsys.readouterr().err
    assert main(["import", str(workbook), str(orsa), "--datum", "2026-11-20", "--ersätt"]) == 0
    assert "ersatts" in capsys.readouterr().out
    assert record.read_text(encoding="utf-8").startswith("# Skriven av samverkan (import från orsa.xlsx)")


# --- the county --------------------------------------------------------------------------------------


def test_county_export_json_follows_its_schema_and_csv_opens_in_excel(sealed_county):
    import jsonschema

    from pipeline.followup.county import export_county

    text = export_county(sealed_county, "json", dt.date(2026, 11, 27))
    data = json.loads(text)
    jsonschema.validate(data, json.loads((ROOT / "schemas" / "export.schema.json").read_text(encoding="utf-8")))
    kommuner = {row["kommun"] for row in data["rader"]}
    assert len(kommuner) == 15
    orsa = [r for r in data["rader"] if r["kommun"] == "Orsa kommun"]
    assert orsa[0]["version"] == "2023" and orsa[0]["uppföljningsdatum"] == "2026-09-17"
    csv_text = export_county(sealed_county, "csv", dt.date(2026, 11, 27))
    assert csv_text.startswith("\ufefflän;kommun;") and "\r\n" in csv_text


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_batch_makes_follow_up_reports_and_the_overview_shows_them(sealed_county, tmp_path):
    import docx

    from pipeline.county.batch import run_batch

    report = run_batch(sealed_county, tmp_path / "ut", jobs=1, today=dt.date(2026, 11, 27))
    assert report.ok, [p.format() for p in report.problems]
    made = sorted((tmp_path / "ut" / "dalarna" / "orsa" / "2023" / "uppfoljning").glob("*.docx"))
    assert [p.name for p in made] == [
        "uppfoljning-2026-02-12.docx",
        "uppfoljning-2026-05-14.docx",
        "uppfoljning-2026-09-17.docx",
    ]
    overview = docx.Document(tmp_path / "ut" / "dalarna" / "lansoversikt.docx")
    cells = [c.text for t in overview.tables for row in t.rows for c in row.cells]
    assert any(c.startswith("17 september 2026 (version 2023)") for c in cells)
    shutil.copy(made[0], tmp_path / "kopia.docx")
    again = run_batch(sealed_county, tmp_path / "ut", jobs=1, today=dt.date(2026, 11, 27))
    assert not again.written


def test_render_writes_the_atgardsplan_with_bras_columns(sealed_county, tmp_path):
    import docx

    from pipeline.documents.render import render

    written = render(sealed_county / "falun" / "2027", tmp_path / "ut")
    assert written[-1].name == "atgardsplan.docx"
    document = docx.Document(written[-1])
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header == ["Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"]
    first = [c.text for c in document.tables[0].rows[1].cells]
    assert first[0].startswith("O3 ") and first[1].startswith("A1 ") and first[2].startswith("M1 ")
    assert first[5].startswith("I1 ")
    assert not any(p.text.startswith("Utan länkar") for p in document.paragraphs)
    with pytest.raises(PipelineError):
        render(sealed_county / "orsa" / "1999", tmp_path / "ut")


def test_the_atgardsplan_of_a_plan_without_links_ties_nothing_and_leaves_nothing_out(sealed_county, tmp_path):
    import io

    import docx

    from pipeline.documents.render import render_version

    # Orsa 2023 was decided before the åtgärdsplan existed (render writes what was decided), so its
    # plans – written without ids or links – are given to the renderer directly.
    documents = {d.name: d for d in render_version(validate_version(sealed_county / "orsa" / "2023"))}
    document = docx.Document(io.BytesIO(documents["atgardsplan.docx"].data))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert [r[1][:3] for r in rows] == ["A1 ", "A2 ", "A3 ", "A4 ", "A5 "]
    assert {(r[0], r[2], r[5]) for r in rows} == {("–", "–", "–")}
    notes = [p.text for p in document.paragraphs if p.text.startswith("Utan länkar: ")]
    assert len(notes) == 4 and notes[0].startswith("Utan länkar: Bilaga 1 anger inte vilka orsaker")
    assert "Orsaker: O1 Alkoholpåverkan efter stängning av serveringsställen; O2 " in notes[0]
    assert "Operativa mål: M1 " in notes[0] and "Indikatorer: I1 " in notes[0] and ".." not in notes[0]
    assert not any(p.text.startswith("Orsaker utan åtgärd") for p in document.paragraphs)
    assert (sealed_county / "orsa" / "2023" / "sigill.json").is_file()  # rendering changed nothing there
    assert validate_version(sealed_county / "orsa" / "2023") is not None

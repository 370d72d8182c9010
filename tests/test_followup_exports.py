"""What leaves through the follow-up exports: no secret passage in the county export, no formula
from a spreadsheet, and no spreadsheet that costs minutes to read."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main

SECRET = "Gruppen säljer från lägenheten på Storgatan 12"
CAUSE_SECRET = "Två namngivna personer langar till yngre"
COMMENT_SECRET = "Vittnet bor i huset mittemot"
DAY = dt.date(2026, 11, 27)


@pytest.fixture
def marked_orsa(county) -> Path:
    """Orsa 2023 (unsealed copy) with marked passages in an activity, a cause and a follow-up comment."""
    orsa = county / "orsa" / "2023"
    plan = orsa / "planer" / "01-ordningsstorningar-centrum.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace(
        "  - aktivitet: Se över och förbättra belysningen på torget och vid parkeringen vid Orsasjön.",
        f"  - aktivitet: 'Se över belysningen. [sekretess: OSL 18 kap. 1 §]{SECRET}[/sekretess]'")
    text = text.replace("    - Alkoholpåverkan efter stängning av serveringsställen",
                        f"    - 'Alkoholpåverkan. [sekretess: OSL 18 kap. 1 §]{CAUSE_SECRET}[/sekretess]'")
    plan.write_text(text, encoding="utf-8")
    record = orsa / "uppfoljning" / "2026-09-17.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "    kommentar: Genomförd enligt plan.",
        f"    kommentar: 'Klar. [sekretess: OSL 35 kap. 1 §]{COMMENT_SECRET}[/sekretess]'", 1), encoding="utf-8")
    return orsa


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_county_export_never_carries_a_secret_passage(marked_orsa, fmt):
    from pipeline.followup.county import export_county

    text = export_county(marked_orsa.parent.parent, fmt, DAY)
    for secret in (SECRET, CAUSE_SECRET, COMMENT_SECRET):
        assert secret not in text
    assert "sekretess]" not in text.lower() and "[sekretess" not in text.lower()
    assert "Uppgift borttagen med stöd av OSL 18 kap. 1 §" in text
    assert "Uppgift borttagen med stöd av OSL 35 kap. 1 §" in text
    assert "Se över belysningen." in text  # the rest of the text is there


def test_the_county_export_refuses_when_a_secret_survives_masking(marked_orsa, monkeypatch):
    """The residual search is a real check: with masking broken, nothing is exported."""
    from pipeline.followup import county
    from pipeline.publish import masking

    monkeypatch.setattr(masking, "public_version", lambda version, extra=(): version)
    with pytest.raises(masking.MaskingError):
        county.export_county(marked_orsa.parent.parent, "json", DAY)


def test_a_workbook_with_secret_passages_says_so_on_its_first_sheet(marked_orsa, tmp_path):
    import openpyxl

    from pipeline.followup.workbook import export_workbook

    path = export_workbook(marked_orsa, tmp_path / "orsa.xlsx")
    first = openpyxl.load_workbook(path).worksheets[0]
    notice = first["A2"].value
    assert first.title == "Uppföljning"
    assert "sekretess" in notice and "OSL 18 kap. 1 §" in notice and "Sprid inte" in notice


def test_a_workbook_without_secret_passages_has_no_such_notice(sealed_county, tmp_path):
    import openpyxl

    from pipeline.followup.workbook import export_workbook

    path = export_workbook(sealed_county / "orsa" / "2023", tmp_path / "orsa.xlsx")
    assert openpyxl.load_workbook(path).worksheets[0]["A2"].value is None


# --- formulas -------------------------------------------------------------------------------------

HYPERLINK = ' =HYPERLINK("http://example.org/stjal","klicka")'


def _unprotected(path: Path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        sheet.protection.sheet = False
    return book


@pytest.mark.parametrize("text", [HYPERLINK, "=1+1", "\t=1+1"])
def test_a_text_cell_that_starts_like_a_formula_is_refused_on_import(sealed_county, tmp_path, capsys, text):
    from pipeline.followup.workbook import export_workbook

    orsa = sealed_county / "orsa" / "2023"
    path = export_workbook(orsa, tmp_path / "orsa.xlsx")
    book = _unprotected(path)
    book["Bilaga 1"]["H6"] = text
    book["Bilaga 1"]["H6"].data_type = "s"  # typed as text, not as a formula
    book.save(path)
    before = sorted(p.name for p in (orsa / "uppfoljning").iterdir())
    assert main(["import", str(path), str(orsa), "--datum", "2026-11-20"]) == 1
    err = capsys.readouterr().err
    assert "'Bilaga 1'!H6" in err and "formel" in err and "Traceback" not in err
    assert sorted(p.name for p in (orsa / "uppfoljning").iterdir()) == before


def test_a_text_that_starts_with_equals_is_exported_as_text(sealed_county, tmp_path):
    """A record written by hand with such a comment: the workbook holds it as text, never a formula."""
    import openpyxl

    from pipeline.followup.workbook import export_workbook

    orsa = sealed_county / "orsa" / "2023"
    record = orsa / "uppfoljning" / "2026-09-17.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "    kommentar: Genomförd enligt plan.", "    kommentar: '=HYPERLINK(\"http://x\",\"y\")'", 1),
        encoding="utf-8")
    path = export_workbook(orsa, tmp_path / "orsa.xlsx")
    cells = [c for sheet in openpyxl.load_workbook(path).worksheets for row in sheet.iter_rows() for c in row]
    assert any(c.value == '=HYPERLINK("http://x","y")' for c in cells)
    assert not any(c.data_type == "f" for c in cells)
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (" =HYPERLINK(1)", "' =HYPERLINK(1)"),
        ("Klar.", "Klar."),
        ("", ""),
        (None, ""),
        (3, 3),
    ],
)
def test_csv_fields_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    from pipeline.followup.county import inert

    assert inert(value) == expected


def test_a_comment_like_a_formula_leaves_the_csv_export_inert(sealed_county):
    import csv

    from pipeline.followup.county import export_county

    record = sealed_county / "orsa" / "2023" / "uppfoljning" / "2026-09-17.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            "    kommentar: Genomförd enligt plan.", f"    kommentar: '{HYPERLINK.strip()}'", 1
        ),
        encoding="utf-8",
    )
    text = export_county(sealed_county, "csv", DAY)
    fields = [f for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") for f in row]
    assert "'" + HYPERLINK.strip() in fields
    assert not any(f.lstrip(" ").startswith(("=", "+", "@")) for f in fields)


# --- spreadsheets beyond the limits -------------------------------------------------------------


def _with_sheet(path: Path, rows: int) -> bytes:
    """Return the workbook at ``path`` with its second sheet replaced by one of ``rows`` rows."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(1, rows + 1))
    parts["xl/worksheets/sheet2.xml"] = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_spreadsheet_bomb_is_refused_before_it_is_parsed(sealed_county, tmp_path, capsys, monkeypatch):
    import openpyxl

    from pipeline.followup.workbook import export_workbook
    from pipeline.ooxml.package import MAX_SHEET_ROWS

    orsa = sealed_county / "orsa" / "2023"
    path = export_workbook(orsa, tmp_path / "orsa.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_with_sheet(path, 400_000))
    assert bomb.stat().st_size < 8 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl parsed a workbook beyond the limits")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    assert main(["import", str(bomb), str(orsa), "--datum", "2026-11-20"]) == 1
    err = capsys.readouterr().err
    assert "bomb.xlsx" in err and f"fler än {MAX_SHEET_ROWS} rader" in err and "Traceback" not in err


@pytest.mark.parametrize("rows, refused", [(10_000, False), (10_001, True)])
def test_the_row_limit_is_exact(sealed_county, tmp_path, rows, refused):
    from pipeline.errors import DataError
    from pipeline.followup.workbook import export_workbook
    from pipeline.ooxml.package import MAX_SHEET_ROWS, check_workbook

    assert MAX_SHEET_ROWS == 10_000
    path = export_workbook(sealed_county / "orsa" / "2023", tmp_path / "orsa.xlsx")
    data = _with_sheet(path, rows)
    if refused:
        with pytest.raises(DataError):
            check_workbook(data, tmp_path / "x.xlsx")
    else:
        check_workbook(data, tmp_path / "x.xlsx")


def test_a_workbook_with_a_document_type_declaration_is_refused(sealed_county, tmp_path, capsys):
    from pipeline.followup.workbook import export_workbook

    orsa = sealed_county / "orsa" / "2023"
    path = export_workbook(orsa, tmp_path / "orsa.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<workbook", b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><workbook', 1
    )
    bad = tmp_path / "entiteter.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert main(["import", str(bad), str(orsa), "--datum", "2026-11-20"]) == 1
    err = capsys.readouterr().err
    assert "dokumenttypsdeklaration" in err and "Traceback" not in err


def test_json_county_export_is_still_valid_json_after_masking(marked_orsa):
    from pipeline.followup.county import export_county

    data = json.loads(export_county(marked_orsa.parent.parent, "json", DAY))
    assert data["rader"]


# --- where a named file may go ---------------------------------------------------------------------


def test_a_workbook_named_in_the_project_folder_is_written_as_the_readme_shows(sealed_county, monkeypatch, capsys):
    project = sealed_county.parent.parent  # holds agreements/, as a clone does
    monkeypatch.chdir(project)
    assert main(["export", "agreements/dalarna/orsa/2023", "--xlsx", "orsa.xlsx"]) == 0, capsys.readouterr().err
    assert (project / "orsa.xlsx").is_file()
    assert main(["export", "agreements", "--format", "csv", "--ut", "lan.csv", "--datum", "2026-11-27"]) == 0
    assert (project / "lan.csv").read_bytes().startswith("\ufeff".encode())


@pytest.mark.parametrize(
    "args",
    [
        ["export", "agreements/dalarna/orsa/2023", "--xlsx", "agreements/dalarna/orsa/2023/orsa.xlsx"],
        ["export", "agreements", "--format", "csv", "--ut", "agreements/dalarna/lan.csv"],
    ],
)
def test_a_named_file_inside_the_data_is_refused(sealed_county, monkeypatch, capsys, args):
    project = sealed_county.parent.parent
    monkeypatch.chdir(project)
    before = sorted(p for p in (project / "agreements").rglob("*"))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "datamappen" in err and "Traceback" not in err
    assert sorted(p for p in (project / "agreements").rglob("*")) == before


def test_a_named_file_that_is_a_link_is_not_written_through(sealed_county, monkeypatch, capsys, tmp_path):
    project = sealed_county.parent.parent
    monkeypatch.chdir(project)
    victim = tmp_path / "annan.txt"
    victim.write_text("orörd", encoding="utf-8")
    try:
        (project / "orsa.xlsx").symlink_to(victim)
    except OSError:
        pytest.skip("links cannot be made here")
    assert main(["export", "agreements/dalarna/orsa/2023", "--xlsx", "orsa.xlsx"]) == 1
    assert "länk" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "orörd"

"""The follow-up workbook (``samverkan export VERSIONSMAPP --xlsx FIL``), written with openpyxl.

The people who follow up the work fill in spreadsheets. The workbook has a first sheet
"Uppföljning" (kommun, version, the follow-up's date, who followed up) and one sheet per
plan, "Bilaga N": the activities with their causes and goals, the status before and the
status now, a comment and who reported it; then the indicators with baseline, target and
the value now. Status and "rapporterad av" are drop-down lists; every sheet is protected
(no password) so that only the cells to fill in can change, and ids stay as they are.

This module knows the layout; :mod:`pipeline.followup.importer` reads it back by the same
names, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.data import followups
from pipeline.data.followups import STATUSES
from pipeline.data.rules import party_names
from pipeline.data.tracing import trace
from pipeline.data.validate import validate_version
from pipeline.errors import Problem, SchemaError
from pipeline.files import output
from pipeline.followup.status import NOT_FOLLOWED, follow_up
from pipeline.publish.masking import grounds_of

INFO_SHEET = "Uppföljning"
INFO_ROWS = {"kommun": 3, "version": 4, "datum": 5, "uppföljt_av": 6, "exempel": 7}
INFO_LABELS = {"kommun": "Kommun", "version": "Version (ändra inte)", "datum": "Uppföljningens datum",
               "uppföljt_av": "Uppföljt av (t.ex. samverkansgruppen)", "exempel": "Om innehållet"}
PLAN_KEY_CELL = "B2"
ACTIVITIES = "Aktiviteter"
INDICATORS = "Indikatorer"
ACTIVITY_COLUMNS = ["Id", "Aktivitet", "Orsaker", "Mål", "Ansvarig", "Föregående status", "Status", "Kommentar",
                    "Rapporterad av"]
INDICATOR_COLUMNS = ["Id", "Indikator", "Mål", "Enhet", "Utgångsvärde", "Målvärde", "Föregående värde", "Värde",
                     "Kommentar"]
EDITABLE = {"Status", "Kommentar", "Rapporterad av", "Värde"}
WIDTHS = [6, 46, 12, 12, 22, 14, 14, 40, 22]


def sheet_name(plan) -> str:
    """Return the sheet of a plan: "Bilaga 1"."""
    return f"Bilaga {plan.number}"


def export_workbook(version_dir: Path, target: Path, day: dt.date | None = None) -> Path:
    """Write the follow-up workbook of the version in ``version_dir`` to ``target`` and return it.

    Without ``day`` it holds the latest follow-up (reading it back unchanged writes nothing);
    with a ``day`` that has no follow-up yet, the statuses and values are empty, the latest
    ones before shown beside them."""
    version = validate_version(version_dir)
    found, problems = followups.load_records(version)
    if problems:
        raise SchemaError(problems)
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise SchemaError(Problem(target, "arbetsboken ska ha ändelsen .xlsx"))
    data = workbook_bytes(version, found, day)
    output.check_file_place(version.data_root, target)
    return output.write_all(target.parent, {target.name: data})[0]


def workbook_bytes(version, found: list, day: dt.date | None) -> bytes:
    """Return the workbook as .xlsx bytes."""

    dates = [r.date for r in found]
    day = day or (dates[-1] if dates else None)
    current = day in dates
    state = follow_up(version, found, day if current else None) if found else None
    before = follow_up(version, found, max((d for d in dates if d < day), default=None)) \
        if day and any(d < day for d in dates) else None
    record = next((r for r in found if r.date == day), None)
    book = Workbook()
    _info_sheet(book.active, version, day, record)
    parties = party_names(version.data)
    for index, plan in enumerate(version.plans):
        now = state.plans[index] if (state and current) else None
        earlier = before.plans[index] if before else None
        _plan_sheet(book.create_sheet(sheet_name(plan)), plan, now, earlier, parties, day if current else None)
    buffer = io.BytesIO()
    book.properties.creator = book.properties.lastModifiedBy = version.data["parter"]["kommun"]["namn"]
    book.save(buffer)
    return buffer.getvalue()


def _style():
    return Font, Alignment, PatternFill, Protection


def _info_sheet(sheet, version, day: dt.date | None, record) -> None:
    Font, Alignment, PatternFill, Protection = _style()
    sheet.title = INFO_SHEET
    text_cell(sheet, 1, 1, f"Uppföljning av samverkansöverenskommelsen, {version.data['parter']['kommun']['namn']}")
    sheet["A1"].font = Font(bold=True, size=14)
    own = record.loaded.data if record else {}
    values = {"kommun": version.data["parter"]["kommun"]["namn"], "version": version.ref.key, "datum": day,
              "uppföljt_av": own.get("uppföljt_av"), "exempel": own.get("exempel")}
    for key, row in INFO_ROWS.items():
        sheet.cell(row, 1, INFO_LABELS[key]).font = Font(bold=True)
        cell = text_cell(sheet, row, 2, values[key])
        if key in ("datum", "uppföljt_av", "exempel"):
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        if key == "datum":
            cell.number_format = "yyyy-mm-dd"
    sheet["A9"] = ("Fyll i de gula cellerna på varje blad: status, kommentar, vem som rapporterar och "
                   "indikatorernas värden. Id-kolumnerna och planens text är låsta. Läs in arbetsboken med: "
                   f"samverkan import ARBETSBOK.xlsx {version.ref.key}")
    sheet["A9"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A9:D12")

    grounds = grounds_of(version)
    if grounds:
        text_cell(sheet, 2, 1, f"INTERNT ARBETSMATERIAL – kan innehålla uppgifter som omfattas av sekretess "
                               f"({', '.join(grounds)}). Sprid inte arbetsboken utanför samverkansgruppen.")
        sheet["A2"].font = Font(bold=True, color="9C0006")
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 60
    sheet.protection.sheet = True


def _plan_sheet(sheet, plan, now, earlier, parties: list[str], day: dt.date | None) -> None:
    """Fill a plan's sheet: ``now`` is its state at ``day`` (None for a new follow-up), ``earlier``
    its state at the follow-up before."""


    Font, Alignment, _, _ = _style()
    text_cell(sheet, 1, 1, f"{sheet_name(plan)} – {plan.data['titel']}")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = "Plan (ändra inte)"
    sheet[PLAN_KEY_CELL] = followups.plan_key(plan)
    found = trace(plan.data)
    row = 4
    sheet.cell(row, 1, ACTIVITIES).font = Font(bold=True, size=12)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Status", error="Välj en status i listan.")
    reporter = DataValidation(type="list", formula1='"' + ",".join(parties) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="Rapporterad av", error="Välj en part i listan.")
    sheet.add_data_validation(status)
    sheet.add_data_validation(reporter)
    _header(sheet, row + 1, ACTIVITY_COLUMNS)
    for offset, item in enumerate(found.activities):
        r = row + 2 + offset
        state = now.activities[offset] if now else None
        before = earlier.activities[offset] if earlier else None
        responsible = item.data.get("ansvarig")
        values = [item.id, " ".join(item.text.split()), ", ".join(found.causes_of(item)),
                  ", ".join(found.goals_of(item)),
                  ", ".join(responsible) if isinstance(responsible, list) else responsible,
                  before.status if before and before.status != NOT_FOLLOWED else None,
                  state.status if state and state.since == day else None,
                  state.comment if state and state.since == day else None,
                  state.reported_by if state and state.since == day else None]
        _row(sheet, r, ACTIVITY_COLUMNS, values)
        status.add(sheet.cell(r, ACTIVITY_COLUMNS.index("Status") + 1))
        reporter.add(sheet.cell(r, ACTIVITY_COLUMNS.index("Rapporterad av") + 1))
    row = row + 3 + len(found.activities)
    sheet.cell(row, 1, INDICATORS).font = Font(bold=True, size=12)
    _header(sheet, row + 1, INDICATOR_COLUMNS)
    for offset, item in enumerate(found.indicators):
        r = row + 2 + offset
        indicator = now.indicators[offset] if now else None
        before = earlier.indicators[offset] if earlier else None
        value = next((v for d, v in indicator.points if d == day), None) if indicator else None
        values = [item.id, " ".join(item.text.split()), ", ".join(found.goals_of(item)), item.data.get("enhet"),
                  item.data.get("utgångsvärde"), item.data.get("målvärde"),
                  before.points[-1][1] if before and before.points else None, value,
                  indicator.comments.get(day) if indicator else None]
        _row(sheet, r, INDICATOR_COLUMNS, values)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + column)].width = width
    sheet.freeze_panes = "B6"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False


def _header(sheet, row: int, columns: list[str]) -> None:
    Font, Alignment, PatternFill, _ = _style()
    for column, name in enumerate(columns, start=1):
        cell = sheet.cell(row, column, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def text_cell(sheet, row: int, column: int, value):
    """Return the cell at (row, column) holding ``value``; a text is always stored as text, also
    one that starts with "=" (openpyxl would otherwise write it as a live formula)."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _row(sheet, row: int, columns: list[str], values: list) -> None:
    _, Alignment, PatternFill, Protection = _style()
    for column, (name, value) in enumerate(zip(columns, values, strict=False), start=1):
        cell = text_cell(sheet, row, column, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if name in EDITABLE:
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor="FFF2CC")

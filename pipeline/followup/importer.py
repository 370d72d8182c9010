"""Read a filled-in follow-up workbook back as a follow-up record (``samverkan import``).

Every mistake is named by sheet and cell ('Bilaga 1'!G7): a status that is not one of the
five, an id that is not in the plan, a column or sheet that was removed, a formula where a
value belongs, a value that is not a number. Nothing is written unless the whole workbook
reads. A workbook read back without edits gives the record it came from, and then nothing
is written (:func:`pipeline.data.followups.write` compares content, not bytes).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from pipeline.data import followups
from pipeline.data.followups import STATUSES
from pipeline.data.load import closest
from pipeline.data.rules import party_names
from pipeline.data.tracing import trace
from pipeline.data.validate import validate_version
from pipeline.errors import DataError, Problem, SchemaError
from pipeline.files import inputs
from pipeline.followup.workbook import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    INDICATOR_COLUMNS,
    INDICATORS,
    INFO_ROWS,
    INFO_SHEET,
    PLAN_KEY_CELL,
    sheet_name,
)
from pipeline.ooxml.package import check_workbook

MAX_WORKBOOK_BYTES = 20 * 1024 * 1024


class _Reader:
    """Reads cells and collects every problem, each named by sheet and cell."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, sheet, cell: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, f"'{sheet.title}'!{cell}: {message}", hint=hint))

    def value(self, sheet, row: int, column: int):
        """Return a cell's value (text stripped, None for empty); a formula is a problem."""
        cell = sheet.cell(row, column)
        value = cell.value
        if isinstance(value, str):
            value = " ".join(value.split()) or None
        # A text that starts with "=" (also after spaces) is taken for a formula: Excel and a CSV
        # reader would run it, so it never enters the data.
        if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
            self.problem(sheet, cell.coordinate, f"cellen innehåller en formel ({value}); skriv värdet i stället",
                         hint="Kopiera cellen och klistra in den som värde, eller skriv in talet. En text får "
                              "inte börja med likhetstecken.")
            return None
        return value


def read_workbook(path: Path, root: Path | None = None):
    """Return the openpyxl workbook at ``path``; raise DataError if it is not a readable .xlsx."""

    raw = inputs.read_bytes(path, root, MAX_WORKBOOK_BYTES, what="arbetsboken")
    check_workbook(raw, path)  # limits before openpyxl parses anything whole

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError) as exc:
        raise DataError(Problem(path, "filen är ingen läsbar Excel-arbetsbok (.xlsx)",
                                hint="Spara den som Excel-arbetsbok (.xlsx) och försök igen.")) from exc


def import_workbook(path: Path, version_dir: Path, day: dt.date | None = None, replace: bool = False,
                    today: dt.date | None = None) -> followups.Written:
    """Read the workbook at ``path`` as a follow-up of the version in ``version_dir`` and write it."""
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(path, "arbetsboken finns inte"))
    version = validate_version(version_dir)
    book = read_workbook(path)
    reader = _Reader(path)
    day, data = workbook_record(reader, book, version, day)
    if reader.problems or day is None:  # a missing date is among the problems
        raise SchemaError(reader.problems)
    if not data["planer"]:
        raise SchemaError(Problem(path, "arbetsboken har inga ifyllda statusar eller värden; ingenting skrevs",
                                  hint="Fyll i kolumnerna Status och Värde på bladen Bilaga 1 …"))
    if day > (today or dt.date.today()):
        raise SchemaError(Problem(path, f"'{INFO_SHEET}'!B{INFO_ROWS['datum']}: uppföljningens datum "
                                        f"{day.isoformat()} ligger i framtiden"))
    return followups.write(version, day, data, f"import från {path.name}", replace)


def workbook_record(reader: _Reader, book, version, day: dt.date | None) -> tuple[dt.date | None, dict]:
    """Return the follow-up date and the record data the workbook holds (problems in ``reader``)."""
    if INFO_SHEET not in book.sheetnames:
        reader.problems.append(Problem(reader.path, f"arbetsboken saknar bladet '{INFO_SHEET}'",
                                       hint="Utgå från en arbetsbok från samverkan export --xlsx."))
        return day, {"planer": []}
    info = book[INFO_SHEET]
    key = reader.value(info, INFO_ROWS["version"], 2)
    if key != version.ref.key:
        reader.problem(info, f"B{INFO_ROWS['version']}", f"arbetsboken gäller '{key}', inte {version.ref.key}",
                       hint="Läs in arbetsboken i den version den exporterades från.")
    day = day or _date(reader, info)
    data: dict = {}
    for name in ("exempel", "uppföljt_av"):
        value = reader.value(info, INFO_ROWS[name], 2)
        if value is not None:
            data[name] = str(value)
    parties = party_names(version.data)
    plans = []
    for plan in version.plans:
        entry = _plan(reader, book, plan, parties)
        if entry:
            plans.append(entry)
    data["planer"] = plans
    return day, data


def _date(reader: _Reader, info) -> dt.date | None:
    value = reader.value(info, INFO_ROWS["datum"], 2)
    cell = f"B{INFO_ROWS['datum']}"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    reader.problem(info, cell, "uppföljningens datum saknas eller är inget datum (ÅÅÅÅ-MM-DD)" if value is None
                   else f"'{value}' är inget datum (ÅÅÅÅ-MM-DD)",
                   hint="Skriv datumet för uppföljningen, t.ex. 2026-05-12, eller ange --datum.")
    return None


def _plan(reader: _Reader, book, plan, parties: list[str]) -> dict | None:
    name = sheet_name(plan)
    if name not in book.sheetnames:
        reader.problems.append(Problem(reader.path, f"arbetsboken saknar bladet '{name}' ({plan.data['titel']})",
                                       hint="Ta inte bort blad; lämna cellerna tomma för det som inte följs upp."))
        return None
    sheet = book[name]
    key = reader.value(sheet, 2, 2)
    if key != followups.plan_key(plan):
        reader.problem(sheet, PLAN_KEY_CELL, f"bladet gäller planen '{key}', inte {followups.plan_key(plan)}",
                       hint="Blad och planer hör ihop genom cellen B2; ändra den inte.")
        return None
    found = trace(plan.data)
    entry: dict = {"plan": followups.plan_key(plan)}
    activities = _section(reader, sheet, ACTIVITIES, ACTIVITY_COLUMNS, {a.id for a in found.activities}, "aktivitet",
                          lambda r, c: _activity(reader, sheet, r, c, parties))
    indicators = _section(reader, sheet, INDICATORS, INDICATOR_COLUMNS, {i.id for i in found.indicators}, "indikator",
                          lambda r, c: _indicator(reader, sheet, r, c))
    if activities:
        entry["aktiviteter"] = activities
    if indicators:
        entry["indikatorer"] = indicators
    return entry if len(entry) > 1 else None


def _section(reader: _Reader, sheet, title: str, columns: list[str], known: set[str], what: str, read) -> list[dict]:
    """Return the filled-in rows of one section (found by its title in column A)."""
    start = next((r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title), None)
    if start is None:
        reader.problem(sheet, "A1", f"avsnittet '{title}' saknas på bladet",
                       hint="Ta inte bort rader med rubriker; utgå från en ny export om bladet blivit fel.")
        return []
    header = start + 1
    names = {reader.value(sheet, header, c): c for c in range(1, sheet.max_column + 1)}
    where = {}
    for index, name in enumerate(columns, start=1):
        if name not in names:
            reader.problem(sheet, sheet.cell(header, index).coordinate, f"kolumnen '{name}' saknas",
                           hint="Ta inte bort eller byt namn på kolumner; utgå från en ny export.")
        where[name] = names.get(name)
    if None in where.values():
        return []
    rows, seen = [], set()
    for row in range(header + 1, sheet.max_row + 2):
        item_id = reader.value(sheet, row, where["Id"])
        if item_id is None:
            break  # the section ends at its first row without an id
        item_id = str(item_id)
        coordinate = sheet.cell(row, where["Id"]).coordinate
        if item_id not in known:
            suggestion = closest(item_id, known)
            reader.problem(sheet, coordinate, f"'{item_id}' är ingen {what} i planen",
                           hint=(f"Menade du '{suggestion}'? " if suggestion else "")
                           + "Id-kolumnen ska vara som i exporten; lägg inte till rader.")
            continue
        if item_id in seen:
            reader.problem(sheet, coordinate, f"{what}en {item_id} står två gånger")
            continue
        seen.add(item_id)
        result = read(row, where)
        if result:
            rows.append({"id": item_id, **result})
    return rows


def _activity(reader: _Reader, sheet, row: int, where: dict, parties: list[str]) -> dict | None:
    status = reader.value(sheet, row, where["Status"])
    comment = reader.value(sheet, row, where["Kommentar"])
    reporter = reader.value(sheet, row, where["Rapporterad av"])
    cell = sheet.cell(row, where["Status"]).coordinate
    if status is None:
        if comment is not None or reporter is not None:
            reader.problem(sheet, cell, "status saknas för en aktivitet med kommentar eller rapportör",
                           hint="Välj en status: " + ", ".join(STATUSES) + ".")
        return None
    status = str(status).strip().lower()
    if status not in STATUSES:
        suggestion = closest(status, STATUSES)
        reader.problem(sheet, cell, f"'{status}' är ingen status",
                       hint=(f"Menade du '{suggestion}'? " if suggestion else "") + "Tillåtna: "
                       + ", ".join(STATUSES) + ".")
        return None
    result = {"status": status}
    if comment is not None:
        result["kommentar"] = str(comment)
    if reporter is not None:
        if str(reporter) not in parties:
            reader.problem(sheet, sheet.cell(row, where["Rapporterad av"]).coordinate,
                           f"'{reporter}' är ingen part i överenskommelsen",
                           hint="Välj i listan: " + ", ".join(parties) + ".")
        result["rapporterad_av"] = str(reporter)
    return result


def _indicator(reader: _Reader, sheet, row: int, where: dict) -> dict | None:
    value = reader.value(sheet, row, where["Värde"])
    comment = reader.value(sheet, row, where["Kommentar"])
    result: dict = {}
    if value is not None:
        number = _number(value)
        if number is None:
            reader.problem(sheet, sheet.cell(row, where["Värde"]).coordinate, f"'{value}' är inget tal",
                           hint="Skriv bara talet, t.ex. 41 eller 12,5; enheten står i kolumnen Enhet.")
        else:
            result["värde"] = number
    if comment is not None:
        result["kommentar"] = str(comment)
    return result or None


def _number(value):
    """Return a cell's value as a number ("12,5" and "1 200" too), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        return None
    number = float(text)
    return int(number) if number.is_integer() else number

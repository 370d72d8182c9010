"""Brå's statistics of anmälda brott, read from the two files a secretary can download.

1. **Brå's yearly table of the kommuner** (``Anmälda brott i kommunerna 2024.csv`` on bra.se):
   one row per kommun, ``Kommun;Antal;Per 100 000 inv.`` (headers with ``(prel.)`` while the
   year's figures are preliminary; the 2021 file has no header and names "Ale kommun"),
   UTF-8 with byte order mark, semicolons, spaces between thousands. The year is the one in
   the file's name. Gives ``bra.samtliga-brott`` for the kommun (and the country's row, if any).
2. **A table from Brå's statistikdatabas** (per område, brottstyp and year), saved as text
   with semicolons: title rows, then the header ``Område;Brottstyp;2021;2022;…;2025 (prel.)``,
   one row per område and brottstyp (an empty Område repeats the one above), then notes.
   Each brottstyp becomes ``bra.<brottstyp>`` (``bra.misshandel``); the county's and the
   country's rows are series of their own (``area``). The exact layout is in
   docs/lan/lagesbild.md.

Cells: a number ("1 234", "12,5"), or a mark – ".." (missing or suppressed), "." or a dash – kept
as the value's note. A column headed ``2025 (prel.)``, ``2025 prel.`` or ``2025*`` is preliminary.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.lagesbild import kommuner, reading
from pipeline.lagesbild.reading import Raw, Row
from pipeline.lagesbild.series import SOURCE_NAMES, Import, Series, Source, Value

_YEAR = re.compile(r"^((?:19|20)[0-9]{2})\s*(\(prel\.?\)|prel\.?|preliminär|\*)?$", re.IGNORECASE)
_RETRIEVED = re.compile(r"(?:hämtad|uttag(?:et)?(?: gjort)?|datum för uttag)\s*:?\s*([0-9]{4}-[0-9]{2}-[0-9]{2})",
                        re.IGNORECASE)
_URL = re.compile(r"https?://[^\s;,\"']+")
_FILE_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
HEADER_SEARCH = 40  # title rows a table may have before its header
TOTAL = ("samtliga-brott", "Samtliga brott")


def read(source: Path | bytes, kommun: str, kommun_code: str = "", *, name: str | None = None,
         retrieved: dt.date | None = None) -> Import:
    """Return the kommun's figures in a Brå file (either layout); raise DataError when the file is
    in another layout, holds another kommun's figures, repeats a year or has a cell that is not a number."""
    raw = reading.load(source, name)
    content = reading.text(raw)
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines:
        raise raw.error("filen är tom")
    header = _first_table_line(lines)
    table = reading.rows(raw, content, reading.separator(raw, header, 1))
    start = _header_index(table)
    if start is not None:
        return _database(raw, table, start, kommun, kommun_code, retrieved)
    if _is_kommun_table(table):
        return _kommun_table(raw, table, kommun, kommun_code, retrieved)
    raise raw.error("filen ser inte ut som en fil från Brå",
                    hint="Samverkan läser Brås tabell 'Anmälda brott i kommunerna ÅÅÅÅ' (Kommun;Antal;Per 100 000 "
                         "inv.) och en tabell ur statistikdatabasen med rubrikraden Område;Brottstyp;år…")


def looks_like(content: str) -> bool:
    """``True`` when a text looks like one of Brå's two files (for guessing a file's source)."""
    head = [Row(0, [c.strip().strip('"') for c in re.split("[;\t]", line)])
            for line in content.splitlines()[:HEADER_SEARCH]]
    return _header_index(head) is not None or _is_kommun_table(head)


def _first_table_line(lines: list[str]) -> str:
    return next((line for line in lines[:HEADER_SEARCH] if ";" in line or "\t" in line), lines[0])


def _header_index(table: list[Row]) -> int | None:
    """Return the index of the statistikdatabas table's header row (Område;Brottstyp;…), if any."""
    for index, row in enumerate(table[:HEADER_SEARCH]):
        if kommuner.folded(row.cell(0)) == "område" and kommuner.folded(row.cell(1)) in ("brottstyp", "brottskategori"):
            return index
    return None


def _is_kommun_table(table: list[Row]) -> bool:
    """``True`` for Brå's yearly kommun table: a header "Kommun;Antal…", or (2021) rows "X kommun;123;4567"."""
    first = next((row for row in table if not row.empty()), None)
    if first is None:
        return False
    if kommuner.folded(first.cell(0)) == "kommun" and kommuner.folded(first.cell(1)).startswith("antal"):
        return True
    return kommuner.folded(first.cell(0)).endswith(" kommun") and _is_number(first.cell(1))


def _is_number(cell: str) -> bool:
    try:
        return reading.number(cell)[0] is not None
    except ValueError:
        return False


# --- the statistikdatabas table ------------------------------------------------------------------

def _database(raw: Raw, table: list[Row], start: int, kommun: str, code: str,
              retrieved: dt.date | None) -> Import:
    header = table[start]
    periods = _periods(raw, header)
    notes = [row.cell(0) for row in table[:start] if row.cell(0)]
    unit = "per 100 000 invånare" if any("per 100 000" in n.casefold() for n in notes) else "antal"
    found: dict[tuple[str, str], Series] = {}
    area_name, ended = "", False
    for row in table[start + 1:]:
        ended = ended or (row.empty() and bool(found))  # the table ends at its first empty row
        if ended or row.empty() or not any(row.cells[1:]):
            if row.cell(0):
                notes.append(";".join(c for c in row.cells if c))  # a note below the table
            continue
        area_name = row.cell(0) or area_name
        series = _database_row(raw, row, area_name, kommun, code, periods, unit)
        key = (series.area, series.id)
        if key in found:
            raise raw.error(f"'{series.name}' för {area_name} står två gånger", row.line, 2, header.cell(1))
        found[key] = series
    if not any(area == "kommun" for area, _ in found):
        raise raw.error(f"tabellen har inga uppgifter för {kommun}",
                        hint="Välj kommunen under Område i statistikdatabasen och hämta tabellen på nytt.")
    return Import(_source(raw, notes, kommun, code, retrieved), list(found.values()))


def _periods(raw: Raw, header: Row) -> list[tuple[str, bool]]:
    """Return the header's years and whether each is preliminary; refuse a year twice."""
    periods: list[tuple[str, bool]] = []
    for column, cell in enumerate(header.cells[2:], start=3):
        match = _YEAR.match(cell)
        if match is None:
            raise raw.error(f"kolumnrubriken '{cell}' är inget år", header.line, column,
                            hint="Efter Område och Brottstyp kommer ett år per kolumn, t.ex. 2024 eller 2025 (prel.).")
        year = match.group(1)
        if any(year == seen for seen, _ in periods):
            first = 3 + [seen for seen, _ in periods].index(year)
            raise raw.error(f"året {year} står två gånger (kolumn {first} och {column})", header.line, column, cell)
        periods.append((year, bool(match.group(2))))
    if not periods:
        raise raw.error("rubrikraden har inga år", header.line)
    return periods


def _database_row(raw: Raw, row: Row, area_name: str, kommun: str, code: str, periods, unit: str) -> Series:
    area = kommuner.area_of(area_name, kommun, code)
    if area is None:
        raise raw.error(f"raden gäller {area_name}, inte {kommun}", row.line, 1, "Område",
                        hint="Filen ska gälla kommunen, gärna med länet och riket som jämförelse.")
    crime = reading.name_cell(raw, row.cell(1), row.line, 2, "brottstyp", "Brottstyp")
    if len(row.cells) > len(periods) + 2 and any(row.cells[len(periods) + 2:]):
        raise raw.error("raden har fler värden än rubrikraden har år", row.line, len(periods) + 3)
    values = [_value(raw, row, column, year, preliminary)
              for column, (year, preliminary) in enumerate(periods, start=3)]
    identifier = "bra." + crime_slug(crime) + ("-per-100000" if unit != "antal" else "")
    return Series(identifier, crime, unit, area, values)


def crime_slug(text: str) -> str:
    """Return a crime category's part of a series id ("Misshandel inkl. grov" → "misshandel-inkl-grov")."""
    return kommuner.slug(text) or "okand"


def _value(raw: Raw, row: Row, column: int, period: str, preliminary: bool) -> Value:
    cell = row.cell(column - 1)
    try:
        number, mark = reading.number(cell)
    except ValueError:
        raise raw.error(f"'{cell[:40]}' är inget tal", row.line, column, period,
                        hint="Cellen ska vara ett antal, eller .. eller – där Brå inte redovisar något.") from None
    return Value(period, number, preliminary, mark)


# --- the yearly kommun table ---------------------------------------------------------------------

def _kommun_table(raw: Raw, table: list[Row], kommun: str, code: str, retrieved: dt.date | None) -> Import:
    year = _file_year(raw)
    rows = [row for row in table if not row.empty()]
    header = rows[0] if kommuner.folded(rows[0].cell(0)) == "kommun" else None
    preliminary = header is not None and "prel" in kommuner.folded(header.cell(1))
    found: dict[str, Series] = {}
    for row in rows[1 if header else 0:]:
        area = kommuner.area_of(row.cell(0), kommun, code)
        if area not in ("kommun", "riket"):
            continue  # another kommun, or a stadsdel: the table covers the whole country
        if area in found:
            raise raw.error(f"{row.cell(0)} står två gånger", row.line, 1, "Kommun")
        value = _value(raw, row, 2, year, preliminary)
        found[area] = Series("bra." + TOTAL[0], TOTAL[1], "antal", area, [value])
    if "kommun" not in found:
        raise raw.error(f"filen har ingen rad för {kommun}",
                        hint="Brås tabell över kommunerna har en rad per kommun; kontrollera att det är rätt fil.")
    title = f"Anmälda brott i kommunerna {year}" + (", preliminära uppgifter" if preliminary else "")
    return Import(_source(raw, [title], kommun, code, retrieved), [found[a] for a in ("kommun", "riket") if a in found])


def _file_year(raw: Raw) -> str:
    years = _FILE_YEAR.findall(raw.name)
    if not years:
        raise raw.error("året står inte i filens namn",
                        hint="Brås fil heter t.ex. 'Anmälda brott i kommunerna 2024.csv'; behåll namnet med året.")
    return years[-1]


def _source(raw: Raw, notes: list[str], kommun: str, code: str, retrieved: dt.date | None) -> Source:
    url = next((m.group() for n in notes for m in [_URL.search(n)] if m), "")
    own = next((m.group(1) for n in notes for m in [_RETRIEVED.search(n)] if m), None)
    day = retrieved or _date(own) or dt.date.today()
    description = reading.example_text(notes) or (notes[0] if notes else SOURCE_NAMES["bra"])
    return Source("bra", raw.name, day, kommun, code, url, description)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None

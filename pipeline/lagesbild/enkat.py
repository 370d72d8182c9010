"""A survey's results (Polisens trygghetsmätning, a kommun's own survey) as a CSV file.

The survey has no common download format, so samverkan defines one (docs/lan/lagesbild.md)::

    # Trygghetsmätning i Orsa (lines starting with # are notes; the first is the survey's title)
    kommun;år;fråga;id;andel;antal_svar;preliminär
    Orsa;2024;Känner du dig otrygg ute ensam sent en kväll i ditt bostadsområde?;otrygg-kvall;18,5;412;nej
    Dalarnas län;2024;Känner du dig otrygg …;otrygg-kvall;21;5120;

Required columns: ``kommun`` (the kommun, or its county or "Riket" for comparisons), ``år``,
``fråga`` and ``andel`` (per cent, 0–100). Optional: ``id`` (the question's short name in the
series id, ``enkat.<id>``; otherwise made from the question), ``antal_svar`` (kept as the series
``enkat.<id>.antal-svar``) and ``preliminär`` (ja or nej). Semicolons (Excel's Swedish CSV),
tabs or commas separate the columns; UTF-8 or Windows-1252. Another kommun's row, a question's
year twice or a cell that is not a number is a located error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.lagesbild import kommuner, reading
from pipeline.lagesbild.reading import Raw, Row
from pipeline.lagesbild.series import SOURCE_NAMES, Import, Series, Source, Value

REQUIRED = ("kommun", "år", "fråga", "andel")
OPTIONAL = ("id", "antal_svar", "preliminär")
YES, NO = ("ja", "j", "x", "1"), ("nej", "n", "0", "")


def read(source: Path | bytes, kommun: str, kommun_code: str = "", *, name: str | None = None,
         retrieved: dt.date | None = None) -> Import:
    """Return the kommun's survey results in a CSV file in the documented column set."""
    raw = reading.load(source, name)
    content = reading.text(raw)
    lines = content.splitlines()
    notes = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    header_line = next((i for i, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")), 0)
    table = [row for row in reading.rows(raw, content, reading.separator(raw, lines[header_line - 1], header_line))
             if not row.empty() and not row.cell(0).startswith("#")] if header_line else []
    if not table:
        raise raw.error("filen har ingen rubrikrad", hint="Första raden (efter rader som börjar med #) ska vara "
                        + ";".join(REQUIRED + OPTIONAL) + ".")
    columns = _columns(raw, table[0])
    found: dict[tuple[str, str], Series] = {}
    for row in table[1:]:
        _row(raw, row, columns, kommun, kommun_code, found)
    if not any(area == "kommun" for area, _ in found):
        raise raw.error(f"filen har inga svar för {kommun}",
                        hint=f"Kolumnen kommun ska ha kommunens namn ({kommun}) på kommunens rader.")
    for series in found.values():
        series.values.sort(key=lambda v: v.period)
    return Import(_source(raw, notes, kommun, kommun_code, retrieved), list(found.values()))


def looks_like(content: str) -> bool:
    """``True`` when a text has the survey's header row (for guessing a file's source)."""
    for line in content.splitlines()[:50]:
        if line.strip() and not line.startswith("#"):
            names = {_column_name(c) for c in line.replace("\t", ";").replace(",", ";").split(";")}
            return set(REQUIRED) <= names
    return False


def _column_name(cell: str) -> str:
    return "_".join(kommuner.folded(cell.strip().strip('"')).split())


def _columns(raw: Raw, header: Row) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        name = _column_name(cell)
        if name not in REQUIRED + OPTIONAL:
            raise raw.error(f"okänd kolumn '{cell}'", header.line, index + 1,
                            hint="Kolumnerna är " + ", ".join(REQUIRED) + " och, om de behövs, "
                            + ", ".join(OPTIONAL) + ".")
        if name in columns:
            raise raw.error(f"kolumnen '{cell}' står två gånger", header.line, index + 1)
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise raw.error(f"kolumnen '{missing[0]}' saknas", header.line,
                        hint="Rubrikraden ska ha " + ";".join(REQUIRED) + " (och gärna id;antal_svar;preliminär).")
    return columns


def _row(raw: Raw, row: Row, columns: dict[str, int], kommun: str, code: str,
         found: dict[tuple[str, str], Series]) -> None:
    def cell(name: str) -> str:
        return row.cell(columns[name]) if name in columns else ""

    def at(name: str) -> int:
        return columns[name] + 1

    area = kommuner.area_of(cell("kommun"), kommun, code)
    if area is None:
        raise raw.error(f"raden gäller {cell('kommun') or '(tom)'}, inte {kommun}", row.line, at("kommun"), "kommun")
    year = cell("år")
    if not (len(year) == 4 and year.isdigit() and "1900" <= year <= "2999"):
        raise raw.error(f"'{year}' är inget år", row.line, at("år"), "år")
    question = reading.name_cell(raw, cell("fråga"), row.line, at("fråga"), "frågan", "fråga")
    key = kommuner.slug(cell("id") or question, 40)
    if not key:
        raise raw.error("frågans id har inga bokstäver eller siffror", row.line, at("id" if cell("id") else "fråga"))
    preliminary = _preliminary(raw, row, cell("preliminär"), columns)
    share = _number(raw, row, "andel", columns, 0, 100)
    _add(raw, row, found, area, Series(f"enkat.{key}", question, "procent", area, []),
         Value(year, share[0], preliminary, share[1]), at("år"))
    if "antal_svar" in columns:
        answers = _number(raw, row, "antal_svar", columns, 0, None)
        _add(raw, row, found, area, Series(f"enkat.{key}.antal-svar", f"{question} – antal svar", "antal", area, []),
             Value(year, answers[0], preliminary, answers[1]), at("år"))


def _add(raw: Raw, row: Row, found, area: str, series: Series, value: Value, column: int) -> None:
    existing = found.setdefault((area, series.id), series)
    if existing.name != series.name:
        raise raw.error(f"id '{series.id.split('.')[1]}' används redan för frågan '{existing.name}'", row.line,
                        hint="Ge varje fråga ett eget id.")
    if any(v.period == value.period for v in existing.values):
        raise raw.error(f"året {value.period} står två gånger för frågan '{series.name[:60]}'", row.line, column, "år")
    existing.values.append(value)


def _number(raw: Raw, row: Row, name: str, columns: dict[str, int], low: float, high: float | None):
    text = row.cell(columns[name])
    try:
        value, mark = reading.number(text)
    except ValueError:
        raise raw.error(f"'{text[:40]}' är inget tal", row.line, columns[name] + 1, name) from None
    if value is not None and (value < low or (high is not None and value > high)):
        limits = f"{low:g}–{high:g}" if high is not None else f"minst {low:g}"
        raise raw.error(f"{text} ligger utanför {limits}", row.line, columns[name] + 1, name)
    return value, mark


def _preliminary(raw: Raw, row: Row, text: str, columns: dict[str, int]) -> bool:
    if kommuner.folded(text) in YES:
        return True
    if kommuner.folded(text) in NO:
        return False
    raise raw.error(f"'{text}' ska vara ja eller nej", row.line, columns["preliminär"] + 1, "preliminär")


def _source(raw: Raw, notes: list[str], kommun: str, code: str, retrieved: dt.date | None) -> Source:
    description = " ".join(n for n in notes[:3] if n) or SOURCE_NAMES["enkat"]
    return Source("enkat", raw.name, retrieved or dt.date.today(), kommun, code, "", description[:500])

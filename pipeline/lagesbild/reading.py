"""Reading a downloaded file as untrusted input: bytes, text, CSV rows, JSON, numbers.

Every reader of a source starts here. A file is read whole but never larger than
:data:`MAX_FILE_BYTES`, decoded as UTF-8 (with or without byte order mark), UTF-16 with a
byte order mark (Excel's "Unicode-text") or Windows-1252, split into at most :data:`MAX_ROWS`
rows of at most :data:`MAX_COLUMNS` cells, or parsed as JSON no deeper than
:data:`MAX_JSON_DEPTH` with at most :data:`MAX_JSON_ITEMS` values. Nothing in a file is ever
run: a cell that starts like a spreadsheet formula is refused where it would become a name.
Every problem names the file, and the row and column (or the JSON field) where it is.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.data.rules import INVISIBLE
from pipeline.errors import DataError, Problem
from pipeline.files import inputs
from pipeline.layout import nfc

MAX_FILE_BYTES = 20 * 1024 * 1024  # a year of Polisen's events for a kommun is under 1 MB
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
MAX_JSON_DEPTH = 12  # Kolada's answers are four levels deep, Polisen's three
MAX_JSON_ITEMS = 500_000
# The marks statistics put in a cell instead of a figure: ".." missing or too uncertain (also
# Brå's mark for suppressed cells), "." cannot occur, a dash nothing to report. Kept as the note.
MARKS = ("..", "...", ".", "-", "–", "—", "×", "x")
EXAMPLE_MARK = "exempeldata"  # the example files' title says "Exempeldata – påhittade värden"

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_NUMBER = re.compile(r"[-\u2212]?(?:[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)(?:,[0-9]+|\.[0-9]+)?")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')
_FORMULA_START = ("=", "+", "@")
Place = tuple[int | None, int | None]  # (line, column) in a file, either unknown


@dataclass
class Raw:
    """A downloaded file's bytes and the name it is known by (for every message)."""

    path: Path
    data: bytes

    @property
    def name(self) -> str:
        return self.path.name

    def problem(self, message: str, line: int | None = None, column: int | None = None, field: str | None = None,
                hint: str | None = None) -> Problem:
        """Return a problem located in this file."""
        return Problem(self.path, message, line=line, column=column, field=field, hint=hint)

    def error(self, message: str, line: int | None = None, column: int | None = None, field: str | None = None,
              hint: str | None = None) -> DataError:
        """Return a DataError with one problem located in this file."""
        return DataError(self.problem(message, line, column, field, hint))

    def error_at(self, message: str, place: Place, field: str | None = None, hint: str | None = None) -> DataError:
        """Return a DataError located at ``place`` (line, column) in this file."""
        return self.error(message, place[0], place[1], field, hint)


@dataclass
class Row:
    """One row of a table file: its line in the file (1-based) and its cells, stripped."""

    line: int
    cells: list[str]

    def cell(self, index: int) -> str:
        """Return the cell at ``index`` (0-based), or "" past the row's end."""
        return self.cells[index] if index < len(self.cells) else ""

    def empty(self) -> bool:
        return not any(self.cells)


def load(source: Path | bytes, name: str | None = None) -> Raw:
    """Return the file ``source`` (a path, or bytes already read with ``name``) within the size limit."""
    if isinstance(source, (bytes, bytearray)):
        path = Path(name or "fil")
        if len(source) > MAX_FILE_BYTES:
            raise DataError(Problem(path, f"filen är större än storleksgränsen {MAX_FILE_BYTES // (1024 * 1024)} MB"))
        return Raw(path, bytes(source))
    path = Path(source)
    data = inputs.read_bytes(path, None, MAX_FILE_BYTES, what="filen")
    return Raw(Path(name) if name else path, data)


def text(raw: Raw) -> str:
    """Return the file as text: UTF-8 (byte order mark or not), UTF-16 with a mark, or Windows-1252;
    raise DataError for anything else, or for characters no text file holds (a binary file)."""
    data = raw.data
    try:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode-text"
        decoded = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise raw.error("filen är varken UTF-8 eller Windows-1252 (ANSI) och kan inte läsas",
                            hint="Spara filen som CSV (UTF-8) eller hämta den på nytt.") from exc
    decoded = nfc(decoded.replace("\ufeff", ""))  # a byte order mark, also one left inside by joined files
    found = _CONTROL.search(decoded)
    if found:
        line = decoded.count("\n", 0, found.start()) + 1
        raise raw.error(f"filen innehåller styrtecken (\\x{ord(found.group()):02x}) och är ingen textfil", line,
                        hint="Kontrollera att det är den nedladdade filen och inte t.ex. ett Excel- eller zip-arkiv.")
    found = INVISIBLE.search(decoded)
    if found:  # a direction mark can make a name read otherwise than it shows
        line = decoded.count("\n", 0, found.start()) + 1
        raise raw.error(f"filen innehåller det osynliga tecknet U+{ord(found.group()):04X}", line,
                        hint="Ta bort tecknet (ofta inklistrat från en webbsida) eller hämta filen på nytt.")
    return decoded


def separator(raw: Raw, header: str, line: int) -> str:
    """Return the separator of a table whose header line is ``header``: semicolon, tab or comma."""
    for candidate in (";", "\t", ","):
        if candidate in header:
            return candidate
    raise raw.error("raden har inga kolumner (inga semikolon, tabbar eller kommatecken)", line,
                    hint="Spara tabellen som CSV med semikolon mellan kolumnerna.")


def rows(raw: Raw, content: str, delimiter: str) -> list[Row]:
    """Return the rows of a table text, each with its line; raise DataError past the limits."""
    found: list[Row] = []
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise raw.error(f"raden kan inte läsas som CSV ({exc})", reader.line_num) from exc
        line = reader.line_num
        if len(found) >= MAX_ROWS:
            raise raw.error(f"filen har fler än {MAX_ROWS} rader", line)
        if len(cells) > MAX_COLUMNS:
            raise raw.error(f"raden har fler än {MAX_COLUMNS} kolumner", line)
        for column, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise raw.error(f"cellen är längre än {MAX_CELL_CHARS} tecken", line, column)
        found.append(Row(line, [" ".join(cell.split()) for cell in cells]))
    return found


def number(cell: str) -> tuple[int | float | None, str]:
    """Return a cell as (number, "") – Swedish style, "1 234" and "12,5" too – or (None, mark) for a
    mark such as ".." or an empty cell; raise ValueError for anything else."""
    cell = cell.strip()
    if cell == "" or cell in MARKS:
        return None, cell
    if not _NUMBER.fullmatch(cell):
        raise ValueError(cell)
    value = float(re.sub(r"[ \u00a0\u202f]", "", cell).replace(",", ".").replace("\u2212", "-"))
    return whole(value), ""


def whole(value: float) -> int | float:
    """Return ``value`` as an int when it is whole (12.0 → 12)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def name_cell(raw: Raw, cell: str, line: int | None, column: int | None, what: str, field: str | None = None) -> str:
    """Return a cell that becomes a name (a crime category, a question); refuse an empty one and
    one that starts like a spreadsheet formula."""
    if not cell:
        raise raw.error(f"{what} saknas", line, column, field)
    if cell.startswith(_FORMULA_START):
        raise raw.error(f"{what} '{cell[:40]}' börjar som en formel i ett kalkylark", line, column, field,
                        hint="En text får inte börja med =, + eller @.")
    return cell


def example_text(texts) -> str:
    """Return the first of ``texts`` that says the file holds invented example data, or ""."""
    return next((t for t in texts if EXAMPLE_MARK in t.casefold()), "")


# --- JSON ----------------------------------------------------------------------------------------

def parse_json(raw: Raw, content: str) -> Any:
    """Return the JSON value of ``content``; raise DataError (with line and column) when it is not
    JSON, repeats a key, or is deeper or larger than the limits."""
    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                raise _DuplicateKey(key)
            seen[key] = value
        return seen

    try:
        value = json.loads(content, object_pairs_hook=pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise raw.error(f"filen är inte JSON ({_json_reason(exc.msg)})", exc.lineno, exc.colno,
                        hint="Spara svaret från webbläsaren eller API:t som det är, utan ändringar.") from exc
    except _DuplicateKey as exc:
        raise raw.error(f"nyckeln '{exc.args[0]}' står två gånger i samma objekt") from exc
    except RecursionError as exc:
        raise raw.error(f"filen är nästlad i fler än {MAX_JSON_DEPTH} nivåer") from exc
    except ValueError as exc:  # a number with more digits than Python converts, NaN, Infinity
        raise raw.error(f"filen har ett tal som inte kan läsas ({str(exc)[:80]})") from exc
    _check_size(raw, value)
    return value


class _DuplicateKey(Exception):
    pass


def _no_constant(name: str):
    raise ValueError(f"{name} är inget tal i JSON")


def _json_reason(message: str) -> str:
    reasons = {"Expecting value": "ett värde saknas", "Extra data": "text efter slutet",
               "Expecting ',' delimiter": "ett kommatecken saknas",
               "Expecting property name enclosed in double quotes": "en nyckel saknar citattecken",
               "Unterminated string starting at": "en text saknar avslutande citattecken"}
    return reasons.get(message, message)


def _check_size(raw: Raw, value: Any) -> None:
    """Raise DataError when ``value`` is nested deeper or holds more values than the limits."""
    stack, count = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_JSON_ITEMS:
            raise raw.error(f"filen har fler än {MAX_JSON_ITEMS} värden")
        if depth > MAX_JSON_DEPTH:
            raise raw.error(f"filen är nästlad i fler än {MAX_JSON_DEPTH} nivåer")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise raw.error("filen har ett tal som är för stort")


def object_places(content: str) -> dict[int, list[tuple[int, int]]]:
    """Return the (line, column) where each JSON object starts, in file order, by its depth
    (0 for the outermost value); call only on text that parsed as JSON."""
    newlines = [m.start() for m in re.finditer("\n", content)]
    places: dict[int, list[tuple[int, int]]] = {}
    depth = 0
    for match in _JSON_TOKEN.finditer(content):
        token = match.group()
        if token in "{[":
            if token == "{":
                line = bisect.bisect_left(newlines, match.start())
                column = match.start() - (newlines[line - 1] + 1 if line else 0) + 1
                places.setdefault(depth, []).append((line + 1, column))
            depth += 1
        elif token in "}]":
            depth -= 1
    return places

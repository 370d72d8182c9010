"""Load YAML files into plain Python data while remembering where every value was written.

PyYAML alone silently keeps the last of two duplicate keys, reports errors in
English, and expands alias bombs until memory runs out. This module composes the
YAML node graph (which keeps line and column of every node), then builds the
data itself so that it can refuse duplicates, count nodes, and record a
:class:`Source` for every field path. County data (``lan.yaml``) is merged into
a kommun's agreement here, keeping each value's source so errors point at the
file where the wrong value was written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from pipeline.data import inputs
from pipeline.errors import DataError, Problem

# A real agreement or plan has a few hundred values; anything near this is an alias bomb
# ("billion laughs") or a mistake, and must fail before it eats memory.
MAX_NODES = 10_000
MAX_DEPTH = 50  # the schemas nest five levels deep

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalar_constructor = yaml.constructor.SafeConstructor()

FieldPath = tuple  # of str (mapping keys) and int (0-based list indexes)


class Source(NamedTuple):
    """Where a value was written: file, 1-based line and column."""

    file: Path
    line: int
    column: int


@dataclass
class Loaded:
    """Data read from one or more YAML files, with the source of every value and key."""

    data: Any
    values: dict[FieldPath, Source] = field(default_factory=dict)
    keys: dict[FieldPath, Source] = field(default_factory=dict)
    file: Path | None = None
    # Field-name prefixes per file, for values merged in from elsewhere ("gemensamt." in lan.yaml).
    prefixes: dict[Path, str] = field(default_factory=dict)

    def source(self, path: FieldPath, *, key: bool = False) -> Source | None:
        """Return where the value (or key) at ``path`` was written, or its nearest parent."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: FieldPath, message: str, *, hint: str | None = None,
                key: bool = False) -> Problem:
        """Return a :class:`Problem` located at the value (or key) at ``path``."""
        src = self.source(path, key=key)
        name = format_path(path)
        if name and src and src.file in self.prefixes:
            name = self.prefixes[src.file] + name
        return Problem(
            file=src.file if src else self.file,
            line=src.line if src else None,
            column=src.column if src else None,
            field=name or None,
            message=message,
            hint=hint,
        )


def format_path(path: FieldPath) -> str:
    """Return a field path as users read it: ``aktiviteter[2].ansvarig`` (items count from 1)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


# --- reading text ------------------------------------------------------------

def _decode(path: Path, raw: bytes) -> str:
    """Return the file's text; accept a UTF-8 BOM, refuse anything but UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if _utf16(raw):
        raise DataError(Problem(path, "filen är sparad som UTF-16 (\"Unicode\" i Anteckningar), inte UTF-8", 1, 1,
                                hint="Spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → "
                                     "Kodning: UTF-8)."))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start : exc.start + 1]
        hint = "Spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → Kodning: UTF-8)."
        try:
            guess = raw[max(0, exc.start - 10) : exc.start + 10].decode("cp1252")
            hint = (f"Filen verkar vara sparad som Windows-1252/ANSI (\"…{guess.strip()}…\"). " + hint)
        except UnicodeDecodeError:
            pass
        raise DataError(Problem(path, f"filen är inte UTF-8 (byte 0x{bad.hex()} kan inte läsas)",
                                line, column, hint=hint)) from exc


def _utf16(raw: bytes) -> bool:
    """``True`` when ``raw`` looks like UTF-16: a UTF-16 byte-order mark, or a zero byte beside
    most ASCII characters."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = raw[:400]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 3


def _tab_problems(path: Path, text: str) -> list[Problem]:
    """Return a problem for every line indented with a tab (YAML forbids tabs there)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = re.match(r"[ \t]*", line).group(0)
        if "\t" in indent and line.strip():
            problems.append(Problem(
                path, "raden är indragen med tabbtecken, som YAML inte tillåter",
                number, indent.index("\t") + 1,
                hint="Använd mellanslag för indrag (t.ex. två per nivå)."))
    return problems


_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

_YAML_MESSAGES = [
    ("maximum nesting depth", "värdena är för djupt nästlade",
     "Kontrollera indragen; en överenskommelse har bara några nivåer."),
    ("while parsing a flow", "en lista [ ] eller mappning { } är inte stängd eller saknar kommatecken",
     "Kontrollera hakparenteser och klammerparenteser och kommatecknen mellan värdena."),
    ("found incompatible YAML document", "filen har en %YAML-rad som inte stöds",
     "Ta bort raden som börjar med %YAML."),
    ("while scanning a block scalar", "ett textblock (| eller >) är felaktigt",
     "Efter | eller > ska texten börja på nästa rad, indragen."),
    ("found a tab character", "ett tabbtecken där YAML kräver mellanslag",
     "Använd mellanslag för indrag."),
    ("mapping values are not allowed", "ett kolon på fel ställe",
     "Ett värde som innehåller ': ' måste stå inom citattecken."),
    ("could not find expected ':'", "förväntade ett kolon efter nyckeln",
     "Varje rad i en mappning skrivs 'nyckel: värde'."),
    ("did not find expected key", "indraget stämmer inte med raderna ovanför",
     "Kontrollera att nycklar på samma nivå har samma indrag."),
    ("did not find expected '-' indicator", "indraget stämmer inte i listan",
     "Alla punkter i en lista börjar med '-' på samma indrag."),
    ("expected <block end>", "indraget stämmer inte med raderna ovanför",
     "Kontrollera att nycklar på samma nivå har samma indrag."),
    ("found unexpected end of stream", "ett citattecken avslutas aldrig",
     "Kontrollera att varje citattecken har ett avslutande tecken."),
    ("found undefined alias", "alias (*namn) som inte är definierat", None),
    ("found character that cannot start any token", "ett tecken som inte kan inleda ett värde",
     "Sätt värdet inom citattecken om det börjar med t.ex. @, ` eller %."),
    ("expected a single document", "filen innehåller mer än ett YAML-dokument (---)",
     "En fil ska innehålla ett enda dokument; ta bort den extra '---'-raden."),
    ("found unknown escape character", "okänd escape-sekvens inom dubbla citattecken",
     "Använd enkla citattecken, eller skriv \\\\ för ett bakstreck."),
]


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> Problem:
    """Return a Swedish problem for a PyYAML syntax error, keeping its position."""
    if isinstance(exc, yaml.reader.ReaderError):
        # The C reader counts bytes, not characters: find the character ourselves.
        found = _NON_PRINTABLE.search(text)
        position = found.start() if found else exc.position
        before = text[:position]
        code = ord(found.group()) if found else _code(exc.character)
        return Problem(path, f"filen innehåller det otillåtna styrtecknet U+{code:04X}",
                       before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1,
                       hint="Ta bort tecknet (ofta inklistrat från ett annat program).")
    layout = _layout_problem(path, text, exc)
    if layout:
        return layout
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", ""))
    if ("end of stream" in problem or "expected ':'" in problem) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # where the unclosed quote or bracket opens, or the key without ':'
    detail = " ".join(filter(None, [getattr(exc, "context", None), getattr(exc, "problem", None)]))
    message, hint = f"YAML-syntaxfel (teknisk beskrivning: {detail or exc})", None
    for english, swedish, swedish_hint in _YAML_MESSAGES:
        if english in (detail or str(exc)):
            message, hint = f"YAML-syntaxfel: {swedish}", swedish_hint
            break
    return Problem(path, message, mark.line + 1 if mark else None,
                   mark.column + 1 if mark else None, hint=hint)


# --- explaining a syntax error from the layout of the lines ---------------------
# PyYAML notices an indentation slip, a missing '- ' or a 'key:value' where the text stops
# making sense, often a line or two after the mistake, and in words about tokens. Only when
# parsing has failed, the lines around that point are read again to find the line to fix.

_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks YAML counts
# A key as the schemas write them: one word, then ':' and a space or the end of the line.
_KEY = re.compile(r"([^\s:#'\"\[\]{}|>&*!%@`,-][^\s:]*):(?:[ \t]+|$)")
_ITEM = re.compile(r"-(?:[ \t]+|$)")
_NO_SPACE = re.compile(r"( *(?:- +)?)([^\s:#'\"\[\]{}|>&*!%@`,-][^\s:]*):(\S.*)")
_TEXT_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
_INDENT_ERRORS = ("mapping values are not allowed", "did not find expected key",
                  "did not find expected '-' indicator", "expected <block end>")


class _Line(NamedTuple):
    """A line that shapes the structure: a key, a list item, or both (``- key: value``)."""

    number: int  # 0-based
    indent: int  # column of the key, or of the '-' of an item
    item: bool
    key: str | None
    inner: int | None  # column of the key after '- '
    opens: bool  # 'key:' or '-' alone: deeper lines belong to it
    text_block: bool  # the value is a text block (| or >): deeper lines are its text


class _Level(NamedTuple):
    """An open level of indentation: its column, its first line, the key it belongs to."""

    indent: int
    first: _Line
    owner: str | None  # None for the top level
    seq: bool  # a level of list items


class _Slip(NamedTuple):
    """A line whose indentation does not fit, with what the explanations need to know."""

    line: _Line
    prev: _Line
    levels: list  # of _Level, open before the line
    closed: dict  # line number → the levels (_Level) that line closed
    structure: list  # of _Line, the whole file
    step: int  # the file's usual step of indentation


def _layout_problem(path: Path, text: str, exc: yaml.YAMLError) -> Problem | None:
    """Return a problem at the line to fix for a layout mistake (indentation, '- ', 'key:value'),
    or None when the error is of another kind."""
    problem = str(getattr(exc, "problem", "") or "")
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    lines = _BREAKS.split(text)
    if "could not find expected ':'" in problem and context:
        return _broken_line(path, lines, context.line)
    if not mark or not any(error in problem for error in _INDENT_ERRORS):
        return None
    no_space = _no_space_above(path, lines, mark.line)  # text that goes on from a 'key:value' above
    if no_space:
        return no_space
    if "mapping values" in problem and not _colon_of_key(lines[mark.line], mark.column):
        return None  # a ': ' inside a value: the general message (quotes) is right
    return _indent_problem(path, lines, mark.line)


def _colon_of_key(line: str, column: int) -> bool:
    """``True`` when the ':' at ``column`` ends the key the line starts with."""
    start = len(line) - len(line.lstrip(" "))
    item = _ITEM.match(line, start)
    key = _KEY.match(line, item.end() if item else start)
    return bool(key) and key.start() + len(key.group(1)) == column


def _structure(lines: list[str]) -> list[_Line]:
    """Return the key and list-item lines, skipping blank lines, comments and text blocks."""
    found: list[_Line] = []
    block, text = None, None  # a text block's key column, and its text's column once seen
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.strip() or stripped.startswith("#"):
            continue
        if block is not None and indent > block and (text is None or indent >= text):
            text = indent if text is None else text
            continue
        block, text = None, None
        parsed = _parse_line(number, indent, stripped)
        if parsed:
            found.append(parsed)
            if parsed.text_block:
                block = _column(parsed)
    return found


def _parse_line(number: int, indent: int, text: str) -> _Line | None:
    """Return a key or list-item line, or None for any other line (e.g. text that goes on)."""
    item = _ITEM.match(text)
    rest = text[item.end():] if item else text
    key = _KEY.match(rest)
    if not (item or key):
        return None
    value = rest[key.end():] if key else rest
    value = "" if value.startswith("#") else value.strip()
    inner = indent + item.end() if item and key else None
    return _Line(number, indent, bool(item), key.group(1) if key else None, inner,
                 opens=not value, text_block=bool(_TEXT_BLOCK.match(value)))


def _column(line: _Line) -> int:
    """Return the column of the line's key (after '- ' for a list item with a key)."""
    return line.indent if line.inner is None else line.inner


def _step(structure: list[_Line]) -> int:
    """Return the file's usual step of indentation (most often 2)."""
    steps = [b.indent - a.indent for a, b in zip(structure, structure[1:]) if b.indent > a.indent]
    return max(sorted(set(steps)), key=steps.count) if steps else 2


def _fit(levels: list[_Level], prev: _Line, line: _Line) -> tuple[list[_Level], str]:
    """Return the open levels after ``line`` and what is wrong with its indentation ('' if nothing)."""
    top = levels[-1]
    if prev.opens and (line.indent > top.indent or (line.item and line.indent == top.indent and prev.key)):
        return _with_inner(levels + [_Level(line.indent, line, prev.key or top.owner, line.item)], line), ""
    if line.indent > top.indent:
        return levels, "deeper"
    kept = [level for level in levels if level.indent <= line.indent]
    if not kept or kept[-1].indent != line.indent:
        return levels, "between"
    if kept[-1].seq and not line.item:
        if len(kept) < 2 or kept[-2].indent != line.indent:
            return levels, "in-list"  # a key among list items, not after the list
        kept = kept[:-1]
    return _with_inner(kept, line), ""


def _with_inner(levels: list[_Level], line: _Line) -> list[_Level]:
    """Return ``levels`` with the mapping that a ``- key: value`` line starts."""
    if line.inner is None:
        return levels
    return levels + [_Level(line.inner, line, levels[-1].owner, False)]


def _indent_problem(path: Path, lines: list[str], error_line: int) -> Problem | None:
    """Return the problem of the line whose indentation fits neither its siblings nor any
    enclosing level, when that is what stopped the parser at ``error_line``."""
    structure = _structure(lines)
    levels: list[_Level] = []
    prev, closed = None, {}
    for line in structure:
        if line.number > error_line:
            break
        if not levels:
            levels, verdict = _with_inner([_Level(line.indent, line, None, line.item)], line), ""
        else:
            after, verdict = _fit(levels, prev, line)
            if verdict:
                if line.number != error_line:
                    return None  # our reading of the file differs from the parser's: do not guess
                return _misindented(path, verdict, _Slip(line, prev, levels, closed, structure,
                                                         _step(structure)))
            closed[line.number] = [level for level in levels if level not in after]
            levels = after
        prev = line
    return None


def _misindented(path: Path, verdict: str, slip: _Slip) -> Problem:
    """Return the problem of the line to fix when ``slip.line`` does not fit as ``verdict`` says."""
    # Several readings can explain a slip; the one that a single moved line mends comes first.
    found = ((verdict == "deeper" and _first_item_without_dash(path, slip))
             or (verdict != "in-list" and _after_empty(path, slip)) or _odd_opener(path, slip, alone=True)
             or (verdict != "in-list" and _split(path, slip)) or _odd_opener(path, slip))
    if found:
        return found
    line, levels = slip.line, slip.levels
    if verdict == "in-list":
        return _key_in_list(path, slip)
    if verdict == "deeper":
        top = levels[-1]
        same = slip.prev if _column(slip.prev) == top.indent else top.first
        return _wrong_indent(path, line, line.indent, f"fälten på samma nivå har {_amount(top.indent)}",
                             _like(same, top.indent))
    kept = [level for level in levels if level.indent < line.indent]
    above = [level for level in levels if level.indent > line.indent][0]
    if not kept:  # less indented than the file's first line
        return _wrong_indent(path, line, line.indent, f"{_group(above)} har {_amount(above.indent)}",
                             _like(above.first, above.indent))
    return _wrong_indent(path, line, line.indent, f"{_group(above)} har {_amount(above.indent)} och "
                         f"{_group(kept[-1])} har {_amount(kept[-1].indent)}",
                         f"beroende på var fältet hör hemma, ändra indraget till {above.indent} "
                         f"eller {kept[-1].indent} mellanslag")


def _first_item_without_dash(path: Path, slip: _Slip) -> Problem | None:
    """Return the problem of the line above when it lacks the '- ' that the list items after it have."""
    prev = slip.prev
    later = [s for s in slip.structure if s.number > slip.line.number and s.indent <= prev.indent]
    if prev.item or not later or not (later[0].item and later[0].indent == prev.indent):
        return None
    return _missing_dash(path, prev.number, prev.indent, later[0].number, f"{prev.key}: …")


def _split(path: Path, slip: _Slip) -> Problem | None:
    """Return the problem of the line that jumped out of a block which ``slip.line`` goes on with
    (its own lines, if any, sit where they would if it stood in that block)."""
    line = slip.line
    before = [s for s in slip.structure if s.number < line.number]
    parents = [i for i, s in enumerate(before) if _column(s) < line.indent]
    if not parents:
        return None
    parent, children = before[parents[-1]], before[parents[-1] + 1:]
    closed = slip.closed.get(parent.number, [])
    if not any(level.indent == line.indent for level in closed):
        return None
    if children and children[0].indent != line.indent + slip.step:
        return None
    if any(a.opens and _column(b) <= _column(a) for a, b in zip(children, children[1:] + [line])):
        return None  # a 'key:' among its lines is left empty: the slip is in there
    block = next(level for level in closed if level.indent == line.indent)
    return _wrong_indent(path, parent, parent.indent, f"står mitt bland {_group(block)}, som har "
                         f"{_amount(line.indent)}", f"fälten närmast ovanför har {_amount(closed[-1].indent)}")


def _after_empty(path: Path, slip: _Slip) -> Problem | None:
    """Return the problem of the line after a 'key:' left empty, when ``slip.line`` sits where that
    key's fields would be: the line after the key should have been indented like it."""
    line = slip.line
    before = [s for s in slip.structure if s.number < line.number]
    shallower = [i for i, s in enumerate(before) if _column(s) < line.indent]
    if not shallower or shallower[-1] == 0:
        return None
    first, opener = before[shallower[-1]], before[shallower[-1] - 1]
    if not (opener.opens and _column(opener) == _column(first) and line.indent == _column(opener) + slip.step):
        return None
    return _wrong_indent(path, first, _column(first), f"fälten under '{opener.key}' har {_amount(line.indent)}",
                         _like(line, line.indent))


def _odd_opener(path: Path, slip: _Slip, alone: bool = False) -> Problem | None:
    """Return the problem of the line that opened a level off the file's usual step, when
    ``slip.line`` sits where that level would be without the slip (and, if ``alone``, no other
    line is at that level, so that moving the one line mends it)."""
    levels = slip.levels
    for parent, level in zip(levels, levels[1:]):
        shift = level.indent - parent.indent - slip.step
        if shift == 0 or level.first is parent.first or (level.seq and level.indent == parent.indent):
            continue  # on the step, a '- key:' line's own mapping, or a list written flush with its key
        if alone and any(s.indent == level.indent for s in slip.structure
                         if level.first.number < s.number < slip.line.number):
            continue
        if slip.line.indent in [other.indent - shift for other in levels if other.first is level.first]:
            return _first_of_level(path, level, level.indent - shift, slip)
    return None


def _first_of_level(path: Path, level: _Level, expected: int, slip: _Slip) -> Problem:
    """Return the problem of the first line of ``level``, which should have been at ``expected``."""
    first = level.first
    later = [s for s in slip.structure if s.number > first.number]
    ends = next((s.number for s in later if s.indent < expected), None)
    same = [s for s in later
            if s.indent == expected and s.item == first.item and (ends is None or s.number < ends)]
    if not same:
        return _wrong_indent(path, first, level.indent, "raderna under den är indragna som om den hade "
                             f"{_amount(expected)}", f"ändra indraget till {expected} mellanslag")
    kind = "punkterna" if first.item else "fälten"
    return _wrong_indent(path, first, level.indent, f"{kind} på samma nivå har {_amount(expected)}",
                         _like(same[0], expected))


def _key_in_list(path: Path, slip: _Slip) -> Problem:
    """Return the problem of a key written among list items, at the column of their '-'."""
    line, top = slip.line, slip.levels[-1]
    inner = [level for level in slip.levels if level.indent > line.indent]
    fix = (f"Hör fältet till punkten ovanför: dra in det {_amount(inner[0].indent)}, "
           f"som '{inner[0].first.key}' på rad {inner[0].first.number + 1}. " if inner else "")
    return Problem(path, f"fel indrag: raden står bland punkterna i listan '{top.owner}' men "
                   "börjar inte med '- '", line.number + 1, line.indent + 1,
                   hint=fix + "Är det en ny punkt: börja raden med '- '.")


def _wrong_indent(path: Path, line: _Line, column: int, others: str, fix: str) -> Problem:
    """Return 'fel indrag' at ``line`` (indented ``column``), saying how the lines around it are."""
    return Problem(path, f"fel indrag: raden är {_indented(column)}, men {others}",
                   line.number + 1, column + 1,
                   hint=f"Fält på samma nivå ska ha exakt lika många mellanslag före sig; {fix}.")


def _like(line: _Line, column: int) -> str:
    """Return advice to indent a line ``column`` spaces, as ``line`` is."""
    name = f"'{line.key}'" if line.key and column == _column(line) else "punkten"
    how = (f"dra in raden {column} mellanslag" if column
           else "ta bort indraget så att raden börjar längst till vänster")
    return f"{how}, som {name} på rad {line.number + 1}"


def _group(level: _Level) -> str:
    """Return who lives at ``level``: 'fälten under 'x'', or 'fälten på översta nivån'."""
    if level.seq:
        return f"punkterna i listan '{level.owner}'"
    return f"fälten under '{level.owner}'" if level.owner else "fälten på översta nivån"


def _indented(spaces: int) -> str:
    """Return 'indragen 4 mellanslag', or 'inte indragen'."""
    return f"indragen {spaces} mellanslag" if spaces else "inte indragen"


def _amount(spaces: int) -> str:
    """Return '4 mellanslag', or 'inget indrag'."""
    return f"{spaces} mellanslag" if spaces else "inget indrag"


def _broken_line(path: Path, lines: list[str], number: int) -> Problem | None:
    """Return the problem of a line that is neither 'key: value' nor '- item': a missing space
    after ':', a missing '- ', or text less indented than its key; None when it is none of these."""
    line = lines[number]
    no_space = _NO_SPACE.fullmatch(line.rstrip())
    if no_space:
        return _no_space(path, number, no_space)
    structure = _structure(lines)
    indent = len(line) - len(line.lstrip(" "))
    before = [s for s in structure if s.number < number][-1:]
    after = [s for s in structure if s.number > number][:1]
    key = before[0] if before and before[0].text_block else None
    if key and indent <= _column(key) and not any(text.strip() for text in lines[key.number + 1:number]):
        name = f"'{key.key}'" if key.key else "punkten"
        return Problem(path, f"fel indrag: raden är {_indented(indent)}, men texten under {name} (rad "
                       f"{key.number + 1}) ska vara indragen mer än fältet, som har {_amount(_column(key))}",
                       number + 1, indent + 1,
                       hint=f"Kontrollera indraget på rad {key.number + 1} och på texten under den: "
                            "fältet ska stå som fälten runt omkring, texten längre in.")
    items = [s for s in before + after if s.item and s.indent == indent]
    if items:
        words = line.split()
        return _missing_dash(path, number, indent, items[0].number,
                             " ".join(words[:3]) + (" …" if len(words) > 3 else ""))
    return None


def _missing_dash(path: Path, number: int, indent: int, item: int, start: str) -> Problem:
    """Return the problem of line ``number`` written without the '- ' of the list item on line ``item``."""
    return Problem(path, "raden saknar '- ' som de andra punkterna i listan", number + 1, indent + 1,
                   hint=f"Börja raden med '- ' på samma indrag som punkten på rad {item + 1}: "
                        f"'{' ' * indent}- {start}'")


def _no_space(path: Path, number: int, found: re.Match) -> Problem:
    """Return the problem of 'key:value' written without a space after the colon."""
    fixed = f"{found.group(2)}: {found.group(3)}"
    return Problem(path, f"efter kolon ska det stå ett mellanslag: '{fixed}'", number + 1,
                   found.end(2) + 1, hint=f"Skriv '{fixed}' i stället för '{found.group(2)}:{found.group(3)}'.")


def _no_space_above(path: Path, lines: list[str], number: int) -> Problem | None:
    """Return a missing space after ':' on a line above line ``number`` whose value runs on to
    it (through lines of text, up to the nearest key or list item), if there is one."""
    for above in range(number - 1, -1, -1):
        line = lines[above]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        found = _NO_SPACE.fullmatch(line.rstrip())
        if found and ": " not in stripped:
            return _no_space(path, above, found)
        if _parse_line(above, 0, line.lstrip(" ")):
            return None
    return None


# --- building data from nodes --------------------------------------------------

class _Builder:
    """Build plain data from a composed YAML node, recording sources and refusing traps."""

    def __init__(self, path: Path):
        self.path = path
        self.loaded = Loaded(data=None, file=path)
        self.problems: list[Problem] = []
        self.duplicates: list[Problem] = []  # the data is still whole: the first value is kept
        self.count = 0
        self.seen: set[int] = set()
        self.aliased = False  # a node was reached twice: the file uses aliases (&name / *name)

    def source(self, node: yaml.Node) -> Source:
        return Source(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, fpath: FieldPath) -> Any:
        self.count += 1
        if id(node) in self.seen:
            self.aliased = True
        self.seen.add(id(node))
        if self.count > MAX_NODES:
            raise DataError(self.too_many(node))
        if len(fpath) > MAX_DEPTH:  # also catches an alias that contains itself (&x [*x])
            raise DataError(Problem(self.path, f"värdena är nästlade i mer än {MAX_DEPTH} nivåer",
                                    *self.source(node)[1:], field=format_path(fpath[:3]) + " …",
                                    hint="Kontrollera indragen; ett alias (*namn) får inte innehålla sig självt."))
        self.loaded.values[fpath] = self.source(node)
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, fpath)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, fpath + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node, fpath)

    def too_many(self, node: yaml.Node) -> Problem:
        """Return the problem of a file over the size limit, saying whether aliases caused it."""
        if self.aliased:
            return Problem(self.path, f"filen växer till fler än {MAX_NODES} värden genom YAML-alias (&namn/*namn "
                           "som upprepas i många led, en så kallad aliasbomb)", *self.source(node)[1:],
                           hint="Skriv ut värdena i stället för att använda YAML-alias.")
        return Problem(self.path, f"filen har fler än {MAX_NODES} värden, mer än storleksgränsen för en "
                       "överenskommelse eller plan", *self.source(node)[1:],
                       hint="En överenskommelse eller plan har några hundra värden; dela upp innehållet "
                            "eller kontrollera att det är rätt fil.")

    def build_mapping(self, node: yaml.MappingNode, fpath: FieldPath) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.path, "en nyckel måste vara en enkel text",
                                             *self.source(key_node)[1:]))
                continue
            key = inputs.nfc(key_node.value)  # keys as written: "no:" stays "no", never False
            if key == "<<":
                self.problems.append(Problem(
                    self.path, "sammanslagningsnyckeln '<<' stöds inte", *self.source(key_node)[1:],
                    hint="Skriv ut fälten; gemensamma värden för hela länet hör hemma i lan.yaml."))
                continue
            if key in result:
                first = self.loaded.keys[fpath + (key,)]
                self.duplicates.append(Problem(
                    self.path, f"nyckeln '{key}' förekommer två gånger (först på rad {first.line})",
                    *self.source(key_node)[1:], field=format_path(fpath + (key,)),
                    hint="YAML behåller bara det sista värdet; slå ihop eller ta bort den ena."))
                continue
            self.loaded.keys[fpath + (key,)] = self.source(key_node)
            result[key] = self.build(value_node, fpath + (key,))
        return result

    def build_scalar(self, node: yaml.ScalarNode, fpath: FieldPath) -> Any:
        try:
            value = _scalar_constructor.construct_object(node, deep=True)
            if isinstance(value, dt.datetime):
                self.problems.append(Problem(
                    self.path, f"'{node.value}' har ett klockslag; här ska det vara ett datum",
                    *self.source(node)[1:], field=format_path(fpath) or None,
                    hint="Skriv datum som ÅÅÅÅ-MM-DD utan tid."))
                return None
            if node.style == ">" and isinstance(value, str):
                # In a folded block a blank line becomes one newline: a paragraph break.
                value = value.replace("\n", "\n\n")
            return inputs.nfc(value) if isinstance(value, str) else value
        except (ValueError, yaml.constructor.ConstructorError):
            if node.tag.endswith(":timestamp"):
                message = f"'{node.value}' är inget giltigt datum"
                hint = "Skriv datum som ÅÅÅÅ-MM-DD med en dag som finns i månaden."
            else:
                message = f"värdet '{node.value}' kan inte läsas ({node.tag})"
                hint = "Sätt värdet inom citattecken om det är en text."
            self.problems.append(Problem(self.path, message, *self.source(node)[1:],
                                         field=format_path(fpath) or None, hint=hint))
            return None
        finally:
            _scalar_constructor.constructed_objects.clear()


def load_yaml(path: Path, duplicates: list[Problem] | None = None, root: Path | None = None) -> Loaded:
    """Return the data of one YAML file with sources; raise :class:`DataError` if unreadable.

    A duplicate key is an error too; when ``duplicates`` is a list, such errors are
    added to it instead and the data (with each key's first value) is returned, so
    the rest of the file can still be checked. The file must be a regular file
    inside ``root`` (the data folder) when it is given.
    """
    path = Path(path)
    return load_text(path, _decode(path, inputs.read_bytes(path, root)), duplicates)


def load_text(path: Path, text: str, duplicates: list[Problem] | None = None) -> Loaded:
    """Return the data of YAML ``text`` as if read from ``path`` (see :func:`load_yaml`)."""
    path = Path(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        # Tabs are allowed inside texts; only when parsing fails are they the likely cause.
        raise DataError(_tab_problems(path, text) or [_yaml_problem(path, text, exc)]) from exc
    except RecursionError as exc:
        raise DataError(Problem(path, "filen är för djupt nästlad för att läsas", 1, 1,
                                hint="En överenskommelse har bara några nivåer av indrag.")) from exc
    if node is None:
        raise DataError(Problem(path, "filen är tom", 1, 1,
                                hint="Fyll i fälten enligt exemplen under agreements/."))
    builder = _Builder(path)
    builder.loaded.data = builder.build(node, ())
    if duplicates is None:
        builder.problems += builder.duplicates
    else:
        duplicates += builder.duplicates
    if builder.problems:
        raise DataError(builder.problems)
    if not isinstance(builder.loaded.data, dict):
        raise DataError(Problem(path, "filen ska innehålla fält (nyckel: värde) på översta nivån",
                                *builder.source(node)[1:]))
    return builder.loaded


def merge(base: Loaded, override: Loaded) -> Loaded:
    """Return ``base`` deep-merged with ``override``: mappings merge, everything else is replaced.

    A value in ``override`` replaces the value at the same path in ``base``; when
    both are mappings their keys are merged recursively. Lists are replaced whole,
    never appended. Every value keeps the source of the file it came from.
    """
    merged = Loaded(data=_merge_data(base.data, override.data), file=override.file,
                    prefixes={**base.prefixes, **override.prefixes})
    for table in ("values", "keys"):
        target = dict(getattr(override, table))
        for path, src in getattr(base, table).items():
            if path not in target and _from_base(override.data, path):
                target[path] = src
        setattr(merged, table, target)
    return merged


def _merge_data(base: Any, override: Any) -> Any:
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    result = dict(base)
    for key, value in override.items():
        result[key] = _merge_data(base.get(key), value) if key in base else value
    return result


def _from_base(override: Any, fpath: FieldPath) -> bool:
    """``True`` when the merged value at ``fpath`` comes from the base, not the override."""
    node = override
    for part in fpath:
        if not isinstance(node, dict):
            return False  # the override replaced this whole subtree
        if part not in node:
            return True
        node = node[part]
    return False


def closest(word: str, candidates) -> str | None:
    """Return the candidate most like ``word`` (a misspelt key), or None."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _code(character) -> int:
    return character if isinstance(character, int) else ord(character)

"""Find where the layout of a YAML file went wrong, when PyYAML could not parse it.

Reads the key and list-item lines (skipping comments and text blocks) and follows how
indentation opens and closes levels; the line that does not fit – indented one space
off, a key among list items, an item without "- ", "key:value" without a space – is
the one reported, with what to change. It answers only when its reading agrees with
the line where PyYAML stopped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import yaml

from pipeline.errors import Problem

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


def layout_problem(path: Path, text: str, exc: yaml.YAMLError) -> Problem | None:
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
    return key is not None and key.start() + len(key.group(1)) == column


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
    steps = [b.indent - a.indent for a, b in zip(structure, structure[1:], strict=False) if b.indent > a.indent]
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
    prev: _Line | None = None
    closed: dict[int, list[_Level]] = {}
    for line in structure:
        if line.number > error_line:
            break
        if not levels or prev is None:  # the first line (only then are there no levels)
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
    if any(a.opens and _column(b) <= _column(a) for a, b in zip(children, children[1:] + [line], strict=False)):
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
    for parent, level in zip(levels, levels[1:], strict=False):
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

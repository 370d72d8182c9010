"""Edit top-level fields of a YAML file as text, keeping the secretary's comments and layout.

Only whole top-level fields are replaced, added or removed; everything else in
the file stays byte for byte as it was.
"""

from __future__ import annotations

import re

import yaml

_TOP_KEY = re.compile(r"^([^\s#:][^:]*):(\s|$)")


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Return each top-level key's line range [start, end), comments before the next key excluded."""
    starts = [(i, m.group(1).strip()) for i, line in enumerate(lines) if (m := _TOP_KEY.match(line))]
    blocks = {}
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        blocks[key] = (start, end)
    return blocks


def dump_field(key: str, value) -> str:
    """Return ``key: value`` as YAML text (a block for mappings); texts YAML would misread get
    double quotes, as people write them ("2027", not '2027')."""
    if isinstance(value, str) and "\n" not in value and not _plain(value):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{key}: "{quoted}"\n'
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)


def _plain(text: str) -> bool:
    """``True`` when ``text`` reads back as itself without quotes."""
    try:
        return yaml.safe_load(f"x: {text}") == {"x": text}
    except yaml.YAMLError:
        return False


def set_field(text: str, key: str, value, after: str | None = None) -> str:
    """Return ``text`` with the top-level field ``key`` set to ``value``.

    An existing field is replaced where it stands; a new one goes after the field
    ``after`` (if given and present) or at the end.
    """
    lines = text.splitlines(keepends=True)
    new_lines = dump_field(key, value).splitlines(keepends=True)
    blocks = _blocks(lines)
    if key in blocks:
        start, end = blocks[key]
    elif after in blocks:
        start = end = blocks[after][1]
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        if lines and lines[-1].strip():
            lines.append("\n")
        start = end = len(lines)
    return "".join(lines[:start] + new_lines + lines[end:])


def remove_field(text: str, key: str) -> str:
    """Return ``text`` without the top-level field ``key`` (unchanged if it is not there)."""
    lines = text.splitlines(keepends=True)
    blocks = _blocks(lines)
    if key not in blocks:
        return text
    start, end = blocks[key]
    while end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
        end += 1  # do not leave a double blank line behind
    return "".join(lines[:start] + lines[end:])

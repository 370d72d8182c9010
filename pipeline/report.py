"""Print a comparison for people (grouped text) and for machines (JSON)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .changes import as_dicts

_WIDTH = 100


def _short(value: str | None, width: int = 60) -> str:
    if value is None:
        return "–"
    return textwrap.shorten(value, width=width, placeholder=" …")


def changes_text(comparison) -> str:
    """Return the change summary grouped by area, old value beside new, for a terminal."""
    old, new = comparison.old, comparison.new
    kommun = new.data["parter"]["kommun"]["namn"]
    lines = [f"Ändringar från version {old.folder.name} till {new.folder.name} ({kommun}):"]
    if not comparison.changes:
        lines.append("  Inga ändringar.")
    group = None
    for change in comparison.changes:
        if change.group != group:
            group = change.group
            lines += ["", group]
        lines.append(textwrap.fill(f"{change.kind:<9} {change.what}", width=_WIDTH, initial_indent="  ",
                                   subsequent_indent=" " * 12))
        if change.kind == "ändrad":
            lines.append(f"            före: {_short(change.old)}")
            lines.append(f"            nu:   {_short(change.new)}")
        elif change.kind == "borttagen" and change.old:
            lines.append(f"            var:  {_short(change.old)}")
        elif change.new:
            lines.append(f"            ny:   {_short(change.new)}")
    lines += ["", "Dokument:"]
    for item in comparison.redlines:
        lines.append(f"  {item.name}: {item.status}, {item.revisions} ändringsmarkeringar")
    return "\n".join(lines)


def changes_json(comparison, written: list[Path]) -> str:
    """Return the comparison as JSON: versions, changes, documents with revision counts."""
    return json.dumps({
        "kommun": comparison.new.data["parter"]["kommun"]["namn"],
        "gammal_version": str(comparison.old.folder),
        "ny_version": str(comparison.new.folder),
        "ändringar": as_dicts(comparison.changes),
        "dokument": [{"fil": r.name, "status": r.status, "ändringsmarkeringar": r.revisions}
                     for r in comparison.redlines],
        "skrivna_filer": [str(p) for p in written],
    }, ensure_ascii=False, indent=2)

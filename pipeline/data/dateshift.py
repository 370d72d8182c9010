"""Move every date of a new version by the distance between the old and the new start.

``samverkan ny --flytta-datum 2027-03-01`` uses this: the dates are found through the
loader (which knows the line and column of every value) and replaced in the text, so
comments, quoting and layout stay as the secretary wrote them. Dates move by whole
months when the two starts fall on the same day of the month (a month's last day
stays the last day: 29 februari 2024 → 29 februari 2028), otherwise by days.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.data import dates
from pipeline.data.load import format_path, load_text
from pipeline.errors import Problem, SchemaError

# Fields that belong to the old case, not to the new version's content.
NOT_MOVED = {"datum", "beslut", "beredning", "sammanträde"}


@dataclass(frozen=True)
class Moved:
    """One date that was moved: where (file and field), from and to."""

    file: str
    field: str
    old: dt.date
    new: dt.date


def shifter(old_start: dt.date, new_start: dt.date) -> Callable[[dt.date], dt.date]:
    """Return the function that moves a date as ``old_start`` moves to ``new_start``."""
    months = (new_start.year - old_start.year) * 12 + new_start.month - old_start.month
    if new_start.day == old_start.day or (_last_day(old_start) and _last_day(new_start)):
        return lambda day: add_months(day, months)
    days = new_start - old_start
    return lambda day: day + days


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved ``months`` on; a month's last day stays the last day of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    length = calendar.monthrange(year, month + 1)[1]
    target = length if _last_day(day) else min(day.day, length)
    return dt.date(year, month + 1, target)


def _last_day(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def dates_in(path: Path, text: str) -> list[tuple[tuple, dt.date, int, int]]:
    """Return every date value in a YAML text that belongs to the version's content:
    (field path, date, 1-based line, 1-based column)."""
    loaded = load_text(path, text)
    found = []

    def walk(value, fpath):
        if isinstance(value, dict):
            for key, child in value.items():
                if not (len(fpath) == 0 and key in NOT_MOVED):
                    walk(child, fpath + (key,))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, fpath + (index,))
        elif isinstance(value, dt.date):
            source = loaded.values[fpath]
            found.append((fpath, value, source.line, source.column))

    walk(loaded.data, ())
    return found


def shift_text(path: Path, text: str, move: Callable[[dt.date], dt.date]) -> tuple[str, list[Moved]]:
    """Return ``text`` with its content dates moved, and what was moved."""
    lines = text.splitlines(keepends=True)
    moved = []
    for fpath, day, line, column in sorted(dates_in(path, text), key=lambda d: (d[2], d[3]), reverse=True):
        written = day.isoformat()
        current = lines[line - 1]
        if current[column - 1:column - 1 + len(written)] != written:
            continue  # not written as a plain ISO date (e.g. quoted or in another form): left as it is
        try:
            new = move(day)
        except (OverflowError, ValueError):
            new = None
        if new is None or not dates.plausible(new):
            where = "utanför kalendern" if new is None else f"till {new.isoformat()}"
            raise SchemaError(Problem(path, f"datumet {written} skulle flyttas {where}, inte mellan åren "
                                            f"{dates.FIRST_YEAR} och {dates.LAST_YEAR}", line=line, column=column,
                                      field=format_path(fpath),
                                      hint="Kontrollera den nya startdagen, eller rätta datumet i filen först."))
        lines[line - 1] = current[:column - 1] + new.isoformat() + current[column - 1 + len(written):]
        moved.append(Moved(path.name, format_path(fpath), day, new))
    return "".join(lines), list(reversed(moved))

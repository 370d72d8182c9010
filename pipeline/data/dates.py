"""Dates a person types (a new start, a decision's day): ÅÅÅÅ-MM-DD within a plausible range.

The command line, the web app and the library take a typed date through this one rule, so
a year like 0001 or 9999 is refused with the same Swedish message everywhere, before any
date arithmetic could overflow.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.errors import Problem, SchemaError

FIRST_YEAR, LAST_YEAR = 1900, 2999
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_problem(text: str) -> str | None:
    """Return why ``text`` is not a date ÅÅÅÅ-MM-DD in the plausible range, or None."""
    try:
        parse(text)
    except ValueError:
        return not_a_date(text)
    return None


def not_a_date(text: str) -> str:
    """Return the message for ``text``, which :func:`parse` refused."""
    return (f"'{text.strip()}' är inget datum i formen ÅÅÅÅ-MM-DD mellan år {FIRST_YEAR} och {LAST_YEAR}, "
            "t.ex. 2026-11-27")


def parse(text: str) -> dt.date:
    """Return the date ``text`` names; raise ValueError unless it is ÅÅÅÅ-MM-DD between
    :data:`FIRST_YEAR` and :data:`LAST_YEAR`."""
    text = text.strip()
    if not _ISO.fullmatch(text):
        raise ValueError(text)
    day = dt.date.fromisoformat(text)
    if not plausible(day):
        raise ValueError(text)
    return day


def plausible(day: dt.date) -> bool:
    """``True`` for a date between the years :data:`FIRST_YEAR` and :data:`LAST_YEAR`."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def typed_date(text: str, where: Path | None = None, field: str | None = None) -> dt.date:
    """Return the date a person typed; raise SchemaError (Swedish, located) when it is none."""
    try:
        return parse(text)
    except ValueError:
        raise SchemaError(Problem(where, not_a_date(text), field=field,
                                  hint="Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2027-03-01.")) from None


def check_plausible(day: dt.date, where: Path | None = None, field: str | None = None) -> None:
    """Raise SchemaError when ``day`` lies outside the plausible years."""
    if not plausible(day):
        raise SchemaError(Problem(where, f"{day.isoformat()} ligger inte mellan år {FIRST_YEAR} och {LAST_YEAR}",
                                  field=field, hint="Kontrollera årtalet."))

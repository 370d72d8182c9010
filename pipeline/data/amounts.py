"""Money in the plans: the amounts an activity's resources name ("400 000 kronor per år"), and how
they differ between two versions, so that the memo's *Ekonomiska konsekvenser* says what the
proposal costs and never that it costs nothing when a plan names an amount.

An amount is read where the data puts resources: ``resurser`` of every activity. It is written
in kronor as people write it: "400 000 kronor", "150 000 kr", "1,5 miljoner kronor", "80 tkr",
optionally "per år".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.data.version import Version

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:,\d+)?"
_AMOUNT = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>miljoner kronor|miljon kronor|mnkr|tkr|kronor|kr\b)"
                     r"(?P<yearly>\s+(?:per|om|/)\s*år(?:et)?)?", re.IGNORECASE)
_SCALE = {"miljoner kronor": 1_000_000, "miljon kronor": 1_000_000, "mnkr": 1_000_000, "tkr": 1_000, "kronor": 1,
          "kr": 1}


@dataclass(frozen=True)
class Amount:
    """An amount named by an activity: where (bilaga, activity), what (kronor, yearly or once)."""

    bilaga: int
    activity: str  # the activity's text, which names it for a reader
    activity_id: str | None
    kronor: int
    yearly: bool
    written: str  # as the plan writes it


def amounts_in(text: str) -> list[tuple[int, bool, str]]:
    """Return each amount in ``text`` as (kronor, yearly, as written)."""
    found = []
    for match in _AMOUNT.finditer(text or ""):
        number = float(re.sub(r"[ \u00a0\u202f]", "", match.group("number")).replace(",", "."))
        kronor = round(number * _SCALE[match.group("unit").lower()])
        found.append((kronor, bool(match.group("yearly")), " ".join(match.group(0).split())))
    return found


def version_amounts(version: Version) -> list[Amount]:
    """Return every amount the version's plans name, in the order of the plans and activities."""
    result = []
    for plan in version.plans:
        for activity in plan.data.get("aktiviteter") or []:
            if not isinstance(activity, dict):
                continue
            text = str(activity.get("aktivitet") or "").strip()
            for kronor, yearly, written in amounts_in(str(activity.get("resurser") or "")):
                result.append(Amount(plan.number, text, activity.get("id"), kronor, yearly, written))
    return result


@dataclass(frozen=True)
class AmountChange:
    """An amount that is new, changed or gone in the new version (``old`` or ``new`` is None)."""

    old: Amount | None
    new: Amount | None


def amount_changes(old: Version | None, new: Version) -> list[AmountChange]:
    """Return the amounts that are new, changed or gone from ``old`` (None: all are new) to ``new``.
    An amount is the same activity's when both name it by the same id in the same bilaga, or, where
    one has no id yet, by the same text."""
    before = [] if old is None else _summed(version_amounts(old))
    changes = []
    for amount in _summed(version_amounts(new)):
        previous = next((b for b in before if _same_activity(b, amount)), None)
        if previous is not None:
            before.remove(previous)
        if previous is None or (previous.kronor, previous.yearly) != (amount.kronor, amount.yearly):
            changes.append(AmountChange(previous, amount))
    return changes + [AmountChange(amount, None) for amount in before]


def _same_activity(a: Amount, b: Amount) -> bool:
    if a.bilaga != b.bilaga or a.yearly != b.yearly:
        return False
    if a.activity_id and b.activity_id:
        return a.activity_id == b.activity_id
    return a.activity.casefold() == b.activity.casefold()


def _summed(amounts: list[Amount]) -> list[Amount]:
    """One amount per activity and kind (yearly or once): two amounts an activity names are added."""
    result: list[Amount] = []
    for amount in amounts:
        known = next((r for r in result if r.bilaga == amount.bilaga and r.activity == amount.activity
                      and r.activity_id == amount.activity_id and r.yearly == amount.yearly), None)
        if known is None:
            result.append(amount)
        else:
            result[result.index(known)] = Amount(amount.bilaga, amount.activity, amount.activity_id,
                                                 known.kronor + amount.kronor, amount.yearly,
                                                 f"{known.written} och {amount.written}")
    return result

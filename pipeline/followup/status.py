"""Where the work stands at a follow-up: each activity's status, each indicator's values over time.

Made from a version and its records up to a date. An activity's status is the one in the
latest record that mentions it; "förändring" compares it with the record before. An
indicator's values are every value recorded up to the date, in date order; an indicator that
names a series of the lägesbild (``serie``, ``utgångsår``) starts from the series' figure of its
year, and a record that has no value typed for it takes the series' newest figure from the
imports retrieved by the record's date (:mod:`pipeline.lagesbild.links`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.data.followups import STATUSES, Record, plan_key
from pipeline.data.tracing import Item, trace
from pipeline.data.version import Plan, Version
from pipeline.errors import PipelineError
from pipeline.lagesbild.links import Figure, Statistics, uses_statistics

NOT_FOLLOWED = "ej uppföljd"
ORDER = ("klar", "grön", "gul", "röd", "ej påbörjad", NOT_FOLLOWED)  # best first, as the overview counts them


@dataclass
class ActivityStatus:
    """One activity at the follow-up."""

    item: Item
    status: str  # one of STATUSES, or NOT_FOLLOWED
    previous: str | None  # at the follow-up before, None when there was none
    comment: str | None = None
    reported_by: str | None = None
    since: dt.date | None = None  # the record the status comes from

    @property
    def responsible(self) -> str:
        value = self.item.data.get("ansvarig")
        return ", ".join(value) if isinstance(value, list) else str(value or "")

    @property
    def change(self) -> str:
        """Return the change since the follow-up before, in words: "–", "oförändrad" or "gul → grön"."""
        if self.previous is None:
            return "–"
        if self.previous == self.status:
            return "oförändrad"
        return f"{self.previous} → {self.status}"


@dataclass
class Indicator:
    """One indicator: its baseline and target, and every value recorded up to the follow-up."""

    item: Item
    points: list[tuple[dt.date, float]] = field(default_factory=list)
    comments: dict[dt.date, str] = field(default_factory=dict)
    start: Figure | None = None  # the series' figure it starts from, when it names one
    from_series: dict[dt.date, Figure] = field(default_factory=dict)  # values taken from the lägesbild

    @property
    def unit(self) -> str | None:
        return self.item.data.get("enhet")

    @property
    def baseline(self) -> float | None:
        typed = self.item.data.get("utgångsvärde")
        return typed if typed is not None else (self.start.value if self.start else None)

    @property
    def target(self) -> float | None:
        return self.item.data.get("målvärde")

@dataclass
class PlanStatus:
    """One plan at the follow-up."""

    plan: Plan
    key: str
    activities: list[ActivityStatus]
    indicators: list[Indicator]

    def counts(self) -> dict[str, int]:
        """Return the number of activities per status, in :data:`ORDER`."""
        found = {status: 0 for status in ORDER}
        for activity in self.activities:
            found[activity.status] += 1
        return found


@dataclass
class FollowUp:
    """A version at one follow-up date: every plan's status, and the follow-up before."""

    version: Version
    date: dt.date | None  # None: no follow-up recorded yet
    previous: dt.date | None
    plans: list[PlanStatus]
    records: list[Record]

    def counts(self) -> dict[str, int]:
        total = {status: 0 for status in ORDER}
        for plan in self.plans:
            for status, n in plan.counts().items():
                total[status] += n
        return total


def follow_up(version, records: list[Record], date: dt.date | None = None) -> FollowUp:
    """Return the state of ``version`` at the record of ``date`` (default: the latest record)."""
    chosen = [r for r in records if date is None or r.date <= date]
    current = chosen[-1].date if chosen else None
    previous = chosen[-2].date if len(chosen) > 1 else None
    plans = []
    statistics = _statistics(version)
    for plan in version.plans:
        key = plan_key(plan)
        found = trace(plan.data)
        activities = [_activity(key, item, chosen, previous) for item in found.activities]
        indicators = [_indicator(key, item, chosen, statistics) for item in found.indicators]
        plans.append(PlanStatus(plan, key, activities, indicators))
    return FollowUp(version, current, previous, plans, chosen)


def _latest(key: str, item_id: str, records: list[Record], section: str, until: dt.date | None):
    """Return (record date, entry) of the latest record up to ``until`` that mentions the item."""
    for record in reversed(records):
        if until is not None and record.date > until:
            continue
        entry = record.entries(section).get((key, item_id))
        if entry is not None:
            return record.date, entry
    return None, None


def _activity(key: str, item: Item, records: list[Record], previous: dt.date | None) -> ActivityStatus:
    since, entry = _latest(key, item.id, records, "aktiviteter", None)
    before = None
    if previous is not None:
        _, earlier = _latest(key, item.id, records, "aktiviteter", previous)
        before = earlier["status"] if earlier else NOT_FOLLOWED
    if entry is None:
        return ActivityStatus(item, NOT_FOLLOWED, before)
    status = entry["status"] if entry["status"] in STATUSES else NOT_FOLLOWED
    return ActivityStatus(item, status, before, entry.get("kommentar"), entry.get("rapporterad_av"), since)


def _statistics(version) -> Statistics:
    """Return the kommun's lägesbild when the version's plans cite it; none when they do not or it
    cannot be read (``validate`` says why)."""
    if not uses_statistics(version.plans):
        return Statistics([])
    try:
        return Statistics.of_kommun(version.folder.parent)
    except PipelineError:
        return Statistics([])


def _indicator(key: str, item: Item, records: list[Record], statistics: Statistics) -> Indicator:
    indicator = Indicator(item, start=statistics.start(item.data))
    for record in records:
        entry = record.entries("indikatorer").get((key, item.id)) or {}
        typed = entry.get("värde")
        if isinstance(typed, (int, float)) and not isinstance(typed, bool):
            indicator.points.append((record.date, typed))
        else:
            measured = statistics.measured(item.data, record.date)
            if measured is not None:
                indicator.points.append((record.date, measured.value))
                indicator.from_series[record.date] = measured
        if entry.get("kommentar"):
            indicator.comments[record.date] = entry["kommentar"]
    return indicator

"""Traceability in a plan: from cause to activity to goal to indicator (Brå's "missing link").

Each cause (orsak), goal (effektmål, operativt mål), activity and indicator has a
short id. An activity names the causes it addresses and the goals it serves; an
indicator names the goals it measures. An item written as plain text, as plans were
before the rule, gets the id of its place: O1 is the first cause, E1 the first
effektmål, M1 the first operativt mål, A1 the first activity, I1 the first indicator.

In a draft, an activity without a cause or a goal, a goal without an indicator, a link
to an id that is not there and an id used twice are errors. Warnings, which
``validate --strikt`` makes errors, are for what a real plan may lack: a cause that no
activity addresses (it may lie outside what the parties can act on now; the
åtgärdsplan lists it under the table), and a plan written as before the rule, without
an id of a cause or goal, or any link – as ``ny`` carries it over from a version decided before the rule –
which gets one warning, not one error per item. A decided version is never changed, so nothing is said
about its links: a warning there would be noise each time the county is validated.
Ids of the wrong form are errors in every version (numbers are checked by the schema).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.data.load import Loaded, closest
from pipeline.errors import Problem
from pipeline.layout import SEAL_FILE

ID = re.compile(r"[0-9A-Za-zÅÄÖåäö][0-9A-Za-zÅÄÖåäö._-]{0,19}")


@dataclass(frozen=True)
class Item:
    """One cause, goal, activity or indicator of a plan, with its id and where it is written."""

    id: str
    text: str
    kind: str  # "orsak", "effektmål", "operativt mål", "aktivitet", "indikator"
    path: tuple  # field path in the plan: ("aktiviteter", 2)
    data: dict = field(default_factory=dict, compare=False, hash=False)  # the item as written (a mapping)


@dataclass
class Trace:
    """A plan's items and the links between them, by id."""

    causes: list[Item]
    goals: list[Item]
    activities: list[Item]
    indicators: list[Item]
    # Indexes built on first use, so that a plan of thousands of items is looked up, not searched.
    _by_id: dict | None = field(default=None, init=False, repr=False, compare=False)
    _measuring: dict | None = field(default=None, init=False, repr=False, compare=False)

    def by_id(self) -> dict[str, Item]:
        """Return every item by its id (the first, when an id is used twice)."""
        if self._by_id is None:
            found: dict[str, Item] = {}
            for item in self.causes + self.goals + self.activities + self.indicators:
                found.setdefault(item.id, item)
            self._by_id = found
        return self._by_id

    def causes_of(self, activity: Item) -> list[str]:
        return links(activity.data.get("orsaker"))

    def goals_of(self, item: Item) -> list[str]:
        return links(item.data.get("mål"))

    def indicators_of(self, goal_id: str) -> list[Item]:
        """Return the indicators that measure goal ``goal_id``."""
        if self._measuring is None:
            measuring: dict[str, list[Item]] = {}
            for indicator in self.indicators:
                for goal in dict.fromkeys(links(indicator.data.get("mål"))):
                    measuring.setdefault(goal, []).append(indicator)
            self._measuring = measuring
        return list(self._measuring.get(goal_id, []))


def links(value) -> list[str]:
    """Return the ids a link field names: one id or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _items(values, prefix: str, kind: str, path: tuple, text_key: str) -> list[Item]:
    items = []
    for index, value in enumerate(values if isinstance(values, list) else []):
        data = value if isinstance(value, dict) else {}
        text = value if isinstance(value, str) else data.get(text_key)
        written = data.get("id")
        item_id = written if isinstance(written, str) and written else f"{prefix}{index + 1}"
        items.append(Item(item_id, str(text or ""), kind, path + (index,), data))
    return items


def trace(plan: dict) -> Trace:
    """Return the items of a plan's data (already checked against its schema) and their links."""
    analysis, goals = plan.get("orsaksanalys") or {}, plan.get("mål") or {}
    return Trace(
        causes=_items(analysis.get("orsaker"), "O", "orsak", ("orsaksanalys", "orsaker"), "orsak"),
        goals=(_items(goals.get("effektmål"), "E", "effektmål", ("mål", "effektmål"), "mål")
               + _items(goals.get("operativa_mål"), "M", "operativt mål", ("mål", "operativa_mål"), "mål")),
        activities=_items(plan.get("aktiviteter"), "A", "aktivitet", ("aktiviteter",), "aktivitet"),
        indicators=_items(plan.get("uppföljning"), "I", "indikator", ("uppföljning",), "indikator"),
    )


def check(version, plans: list) -> tuple[list[Problem], list[Problem]]:
    """Return the errors and the warnings of the plans' traceability. A decided version gets
    only the errors of form: its links were decided as they are and can never change."""
    decided = version.data.get("status") == "beslutad" or (version.folder / SEAL_FILE).exists()
    errors, warnings = [], []
    for plan in plans:
        hard, links_errors, links_warnings = plan_problems(plan.loaded)
        errors += hard
        if decided:
            continue
        if not uses_links(plan.data):
            warnings.append(plan.loaded.problem(
                ("aktiviteter",), f"bilaga {plan.number} har ingen spårbarhet: inga id:n eller länkar mellan "
                                  "orsaker, aktiviteter, mål och indikatorer",
                hint="Ange för varje aktivitet 'orsaker' och 'mål', och för varje indikator 'mål' (se "
                     "docs/sekreterare/uppfoljning.md, Spårbarhet)."))
            continue
        errors += links_errors
        warnings += links_warnings
    return errors, warnings


def uses_links(plan: dict) -> bool:
    """``True`` when a plan's data is written with the rule: some cause or goal has an id, or some
    activity or indicator names a cause or goal. Ids of activities and indicators alone do not
    count: follow-ups name them, and the web app writes them down so that none is reused, in
    plans written before the rule too."""
    found = trace(plan)
    return any("id" in item.data for item in found.causes + found.goals) \
        or any(found.causes_of(a) or found.goals_of(a) for a in found.activities) \
        or any(found.goals_of(i) for i in found.indicators)


def plan_problems(loaded: Loaded) -> tuple[list[Problem], list[Problem], list[Problem]]:
    """Return a plan's problems of form (ids; numbers are the schema's), of its links, and what may be missing
    (causes no activity addresses)."""
    found = trace(loaded.data)
    form = _id_forms(loaded, found)
    links_found = (_duplicates(loaded, found) + _references(loaded, found) + _unlinked(loaded, found)
                   + _unmeasured(loaded, found))
    return form, links_found, _unaddressed(loaded, found)


def _id_forms(loaded: Loaded, found: Trace) -> list[Problem]:
    problems = []
    for item in found.causes + found.goals + found.activities + found.indicators:
        if "id" in item.data and isinstance(item.data["id"], str) and not ID.fullmatch(item.data["id"]):
            problems.append(loaded.problem(item.path + ("id",), f"id:t '{item.data['id']}' har fel form",
                                           hint="Ett id är kort, högst 20 tecken: bokstäver och siffror, "
                                                "t.ex. O1, M2 eller A3."))
    return problems


def _duplicates(loaded: Loaded, found: Trace) -> list[Problem]:
    seen: dict[str, Item] = {}
    problems = []
    for item in found.causes + found.goals + found.activities + found.indicators:
        if item.id in seen:
            first = seen[item.id]
            problems.append(loaded.problem(item.path + ("id",), f"id:t '{item.id}' används redan för "
                                           f"{first.kind}en {_where(loaded, first)}",
                                           hint="Varje orsak, mål, aktivitet och indikator i planen har ett "
                                                "eget id."))
        else:
            seen[item.id] = item
    return problems


def _where(loaded: Loaded, item: Item) -> str:
    source = loaded.source(item.path)
    return f"på rad {source.line}" if source else "ovan"


def _references(loaded: Loaded, found: Trace) -> list[Problem]:
    """Return a problem for every link to an id that is not a cause (or goal) of the plan."""
    causes = {c.id: c for c in found.causes}
    goals = {g.id: g for g in found.goals}
    every = found.by_id()
    problems = []
    for item in found.activities + found.indicators:
        wanted = [("mål", goals, "mål")] if item.kind == "indikator" else [("orsaker", causes, "orsak"),
                                                                            ("mål", goals, "mål")]
        for name, known, what in wanted:
            value = item.data.get(name)
            for offset, ref in enumerate(links(value)):
                if ref in known:
                    continue
                where = item.path + (name, offset) if isinstance(value, list) else item.path + (name,)
                other = every.get(ref)
                message = (f"'{ref}' är {_article(other.kind)} {other.kind}, inte {_article(what)} {what}"
                           if other else f"'{ref}' är inget {what} i planen" if what == "mål"
                           else f"'{ref}' är ingen {what} i planen")
                suggestion = closest(ref, known)
                listing = ", ".join(f"{k} ({_short(v.text)})" for k, v in known.items())
                problems.append(loaded.problem(where, message, hint=(f"Menade du '{suggestion}'? " if suggestion
                                                                    else "") + f"Planens {_plural(what)}: {listing}."))
    return problems


def _article(kind: str) -> str:
    return "en" if kind in ("orsak", "aktivitet", "indikator") else "ett"


def _plural(kind: str) -> str:
    return {"orsak": "orsaker", "mål": "mål"}[kind]


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _unlinked(loaded: Loaded, found: Trace) -> list[Problem]:
    """Return a problem for every activity that names no cause or no goal."""
    problems = []
    causes = ", ".join(c.id for c in found.causes)
    goals = ", ".join(g.id for g in found.goals)
    for activity in found.activities:
        label = f"aktiviteten {activity.id}"
        if not found.causes_of(activity):
            problems.append(loaded.problem(activity.path, f"{label} anger inte vilken orsak den angriper",
                                           hint=f"Lägg till 'orsaker: [O1]' med id:n ur orsaksanalysen "
                                                f"({causes})."))
        if not found.goals_of(activity):
            problems.append(loaded.problem(activity.path, f"{label} anger inte vilket mål den ska uppnå",
                                           hint=f"Lägg till 'mål: [M1]' med id:n för målen ({goals})."))
    return problems


def _unaddressed(loaded: Loaded, found: Trace) -> list[Problem]:
    """Return a problem for every cause that no activity addresses."""
    addressed = {ref for a in found.activities for ref in found.causes_of(a)}
    return [loaded.problem(cause.path, f"ingen aktivitet angriper orsaken {cause.id} ({_short(cause.text)})",
                           hint=f"Ange {cause.id} under 'orsaker' i den aktivitet som angriper orsaken, eller "
                                "lägg till en aktivitet. Ligger orsaken utanför det parterna kan påverka nu "
                                "kan den stå kvar; åtgärdsplanen visar den under tabellen.")
            for cause in found.causes if cause.id not in addressed]


def _unmeasured(loaded: Loaded, found: Trace) -> list[Problem]:
    """Return a problem for every goal that no indicator measures."""
    problems = []
    for goal in found.goals:
        if not found.indicators_of(goal.id):
            problems.append(loaded.problem(goal.path, f"målet {goal.id} ({_short(goal.text)}) har ingen indikator",
                                           hint=f"Ange {goal.id} under 'mål' i den indikator under uppföljning "
                                                "som mäter målet, eller lägg till en indikator."))
    return problems

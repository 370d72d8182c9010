"""A version as a case in steps: the short pages of the agreement, one page per bilaga, the
follow-up and the decision, with each part's state for the side navigation.

Every field of the agreement's schema belongs to exactly one step (a test holds it), so every
problem the library finds at a field of the agreement has a page where it is shown and fixed.
A plan's problems belong to its bilaga's page; problems in other files (the county's shared
text) are listed on the version's first page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Problem
from pipeline.layout import PLANS_FOLDER
from pipeline.web import forms


@dataclass(frozen=True)
class Step:
    """One page of the agreement: its address, title, what it asks for, and its top-level fields."""

    slug: str
    title: str
    intro: str
    keys: tuple[str, ...]

    def fields(self) -> tuple[forms.Field, ...]:
        """Return the agreement's fields this page shows, in the schema's order."""
        return tuple(f for f in forms.fields_of("overenskommelse") if f.key in self.keys)


AGREEMENT_STEPS = (
    Step("parter", "Parter", "Kommunen, Polisen och övriga parter som står bakom överenskommelsen.",
         ("parter",)),
    Step("syfte", "Syfte och mål", "Varför parterna samverkar, vad de vill uppnå och vilka områden de "
                                   "prioriterar.",
         ("bakgrund", "syfte", "mål", "fokusområden", "medborgarlöften")),
    Step("organisation", "Organisation", "Hur samverkan är organiserad, hur lägesbilden tas fram och hur "
                                         "problembilden dokumenteras.",
         ("organisation", "lägesbild", "dokumentation_av_problembild", "kommunikation")),
    Step("giltighet", "Giltighet", "Från och till när överenskommelsen gäller och hur den kan sägas upp.",
         ("giltighetstid", "uppsägning")),
    Step("underskrifter", "Underskrifter", "De som undertecknar överenskommelsen för parterna.",
         ("underskrifter",)),
)
FOLLOWUP_STEP = Step("uppfoljning", "Uppföljning", "Hur överenskommelsen följs upp, och de uppföljningar "
                                                   "som är gjorda.", ("uppföljning",))
DECISION_STEP = Step("beslut", "Beslut", "Tjänsteskrivelsen till kommunstyrelsen och beslutet.",
                     ("exempel", "version", "status", "datum", "diarienummer", "föregående_version",
                      "handläggare", "ärende", "sammanträde", "bedömning", "ekonomiska_konsekvenser",
                      "konsekvenser", "skickas_till", "beredning", "beslut"))
STEPS = AGREEMENT_STEPS + (FOLLOWUP_STEP, DECISION_STEP)
_BY_SLUG = {s.slug: s for s in STEPS}


def step(slug: str) -> Step | None:
    """Return the step with the address ``slug``, or None."""
    return _BY_SLUG.get(slug)


def step_of_field(field: str | None) -> Step | None:
    """Return the step whose page holds an agreement's field ("giltighetstid.till" → Giltighet)."""
    if not field:
        return None
    key = re.split(r"[.\[]", field, maxsplit=1)[0]
    return next((s for s in STEPS if key in s.keys), None)


@dataclass
class Part:
    """One entry of the side navigation: a step or a bilaga, with its problems counted."""

    title: str
    url: str
    problems: int = 0
    current: bool = False
    note: str = ""  # a state in words instead of the count: "Beslutad", "3 uppföljningar"

    @property
    def state(self) -> str:
        if self.note:
            return self.note
        if not self.problems:
            return "Klar"
        return f"{self.problems} {'sak' if self.problems == 1 else 'saker'} att rätta"


OTHER = "övrigt"  # the group of problems no page holds a field for


def plan_key(file_name: str) -> str:
    """Return the group of a plan's problems (by its file's name)."""
    return f"{PLANS_FOLDER}/{file_name}"


def group(problems: list[Problem], agreement: Path) -> dict[str, list[Problem]]:
    """Return the problems grouped by the page that holds them: a step's slug, a plan's
    :func:`plan_key`, or :data:`OTHER` (another file, or an agreement's problem without a field)."""
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        where = Path(problem.file) if problem.file is not None else None
        found = step_of_field(problem.field) if where == agreement else None
        if found is not None:
            key = found.slug
        elif where is not None and where.parent.name == PLANS_FOLDER:
            key = plan_key(where.name)
        else:
            key = OTHER
        groups.setdefault(key, []).append(problem)
    return groups

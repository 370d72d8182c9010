"""The lägesbild as data: series of figures per kommun, each with where it comes from.

An import (``samverkan lagesbild importera``) reads a file a secretary downloaded – Brå's
statistikdatabas, Kolada, Polisen's events, a survey – and stores its figures beside the
kommun's versions, never inside one: ``agreements/<län>/<kommun>/lagesbild/<källa>-<ÅÅÅÅ-MM-DD>.yaml``
(schema ``schemas/lagesbild.yaml``). A stored import is one :class:`Import`: its :class:`Source`
(provenance) and its :class:`Series`, each a list of :class:`Value` per period.

A period is a year (``"2024"``) or a month (``"2024-05"``, Polisen's events). A value is a
number, or None where the source suppressed or lacks the figure (with the source's mark kept
in ``note``). Figures the source calls preliminary are marked, per value.

Series ids are stable across imports so that plans and indicators can cite them:
``<källa>.<slug>`` – ``bra.misshandel``, ``kolada.N01951``, ``polisen.handelser.trafikolycka``,
``enkat.otrygg-kvall``. The comparison figures a source gives beside the kommun's (the county's,
the country's) are series of their own, with ``area`` saying whose they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SOURCES = ("bra", "kolada", "polisen", "enkat")
SOURCE_NAMES = {"bra": "Brå, statistikdatabasen över anmälda brott", "kolada": "Kolada (RKA)",
                "polisen": "Polisens händelser (polisen.se)", "enkat": "Trygghetsundersökning"}
UNITS = ("antal", "procent", "invånare", "kronor", "index", "per 100 000 invånare")
AREAS = ("kommun", "län", "riket")
POPULATION = "kolada.N01951"  # Kolada's KPI for the population (invånare totalt, 31 december)


@dataclass(frozen=True)
class Value:
    """One figure of a series: its period ("2024" or "2024-05"), the number or None, and marks."""

    period: str
    value: float | None
    preliminary: bool = False
    note: str = ""  # the source's mark for a missing or suppressed figure, e.g. ".." or "–"


@dataclass
class Series:
    """A series of figures for one kommun (or its county or the country, ``area``)."""

    id: str
    name: str
    unit: str = "antal"
    area: str = "kommun"
    values: list[Value] = field(default_factory=list)

    def by_period(self) -> dict[str, Value]:
        return {v.period: v for v in self.values}


@dataclass
class Source:
    """Where an import's figures come from."""

    source: str  # one of SOURCES
    file: str  # the downloaded file's name, as it was
    retrieved: dt.date  # when the file was downloaded (the file's own date when it says, else the import's)
    kommun: str  # the kommun's name as the source writes it ("Orsa")
    kommun_code: str = ""  # the kommun's code ("2034"), when the source gives it
    url: str = ""  # the address the file came from, when the file says so
    description: str = ""  # the source's own title of the table


@dataclass
class Import:
    """One stored import: provenance and series."""

    source: Source
    series: list[Series]

"""The plans' links to the lägesbild: a kartläggning citing series by id, an indicator starting from a
series' figure of a year, and the figures measured since.

A plan writes, in its kartläggning, ``statistik: [bra.misshandel-inkl-grov, …]`` – the series
the problem picture rests on – and, on an indicator under uppföljning, ``serie:`` and
``utgångsår:``: the series it is measured by and the year it starts from. The figure used is
the rate per 100 000 invånare when the indicator's unit (``enhet``) says so and the series is
a count, else the series' own value.

:class:`Statistics` holds a kommun's stored imports; :func:`check_plan` says where a plan's links
are wrong (an id the lägesbild lacks, a year it has no figure for, a typed utgångsvärde that is
not the series' figure); the documents cite the series through :meth:`Statistics.citation`
and :meth:`Statistics.start`, and the follow-up takes an indicator's newer figures from
:meth:`Statistics.measured` instead of having them typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.data.load import Loaded
from pipeline.errors import Problem, SchemaError
from pipeline.lagesbild import figures
from pipeline.lagesbild.figures import Indicator, Year
from pipeline.lagesbild.series import SOURCE_NAMES, Import
from pipeline.layout import LAGESBILD_FOLDER
from pipeline.swedish import amount, decimal, long_date

CITED_FIELD = ("kartläggning", "statistik")
SERIES_FIELD, START_FIELD = "serie", "utgångsår"
RATE_UNITS = ("per 100 000 invånare", "per 100000 invånare")
# How far a typed utgångsvärde may lie from the series' figure and still be the same figure
# (written with one decimal, or rounded to a whole number).
TOLERANCE = 0.5
NBSP = "\u00a0"  # keeps a figure and its unit on one line in a document (a message has plain spaces)


@dataclass(frozen=True)
class Figure:
    """One figure of a series as a plan or a follow-up uses it: year, number, unit, where from."""

    period: str
    value: float
    unit: str
    preliminary: bool
    source: str  # "Brå, hämtad 12 mars 2026"
    retrieved: dt.date

    def amount(self) -> str:
        """Return the figure with its unit: "522,6 per 100 000 invånare" (kept on one line)."""
        unit = self.unit.replace("100 000", "100\u00a0000")
        return f"{decimal(self.value, places(self.unit, self.value))}\u00a0{unit}"

    def text(self) -> str:
        """Return the figure as the documents write it: "810,2 per 100 000 invånare 2024 (Brå, hämtad …)"."""
        year = self.period + (", preliminär uppgift" if self.preliminary else "")
        return f"{self.amount()} {year} ({self.source})"


def places(unit: str, value: float) -> int:
    """Return the decimals a figure is written with: one for a rate or a share, none for a whole count."""
    return 0 if unit in ("antal", "invånare") and float(value).is_integer() else 1


class Statistics:
    """A kommun's stored lägesbild: its imports, and its indicators as the lägesbild computes them."""

    def __init__(self, imports: list[Import]):
        self.imports = imports
        self.indicators: dict[str, Indicator] = {i.id: i for i in figures.indicators(imports)} if imports else {}
        self._as_of: dict[dt.date, Statistics] = {}  # what was retrieved by a day, worked out once per day

    @classmethod
    def of_kommun(cls, kommun_dir: Path) -> Statistics:
        """Return the kommun's statistics (none when it has no lägesbild folder); raise SchemaError
        when a stored file is wrong."""
        from pipeline.lagesbild import store

        if not (Path(kommun_dir) / LAGESBILD_FOLDER).is_dir():
            return cls([])
        return cls(store.load_kommun(Path(kommun_dir)))

    def known(self) -> list[str]:
        """Return the ids of the kommun's series, as a hint names them."""
        return sorted(self.indicators)

    def citation(self, series_id: str) -> str | None:
        """Return a cited series as the kartläggning lists it: its name and latest figure with source."""
        indicator = self.indicators.get(series_id)
        if indicator is None:
            return None
        latest = next((y for y in reversed(indicator.years) if _figure_of(indicator, y, True) is not None), None)
        if latest is None:
            return f"{indicator.name} – uppgift saknas i lägesbilden"
        separator = " " if indicator.name.rstrip()[-1:] in "?!." else ": "
        return f"{indicator.name}{separator}{self._figure(indicator, latest, rated=True).text()}"

    def start(self, item: dict) -> Figure | None:
        """Return the figure an indicator (a plan's uppföljning item) starts from, if it names one."""
        indicator = self.indicators.get(item.get(SERIES_FIELD) or "")
        if indicator is None or item.get(START_FIELD) is None:
            return None
        year = next((y for y in indicator.years if y.period == str(item[START_FIELD])), None)
        if year is None or _figure_of(indicator, year, _per_100k(item)) is None:
            return None
        return self._figure(indicator, year, _per_100k(item))

    def measured(self, item: dict, until: dt.date | None = None) -> Figure | None:
        """Return the newest figure of an indicator's series after its start year, from the imports
        retrieved on or before ``until`` (all when None)."""
        series_id = item.get(SERIES_FIELD)
        if not series_id:
            return None
        known = self if until is None else self._retrieved_by(until)
        indicator = known.indicators.get(series_id)
        if indicator is None:
            return None
        start, rated = str(item.get(START_FIELD) or ""), _per_100k(item)
        later = [y for y in indicator.years if y.period > start and _figure_of(indicator, y, rated) is not None]
        return known._figure(indicator, later[-1], rated) if later else None

    def _retrieved_by(self, day: dt.date) -> Statistics:
        """Return the statistics of the imports retrieved on or before ``day``."""
        if day not in self._as_of:
            self._as_of[day] = Statistics([i for i in self.imports if i.source.retrieved <= day])
        return self._as_of[day]

    def _figure(self, indicator: Indicator, year: Year, rated: bool) -> Figure:
        rate = rated and indicator.rated
        sources = indicator.sources + (indicator.rate_sources if rate else [])
        names = list(dict.fromkeys(SOURCE_NAMES[s.source].split(",")[0].split(" (")[0] for s in sources))
        retrieved = max(s.retrieved for s in sources)
        value = _figure_of(indicator, year, rated)
        assert value is not None, "only a year with a figure is turned into one"
        return Figure(year.period, round(value, 1) if rate else value,
                      "per 100 000 invånare" if rate else indicator.unit, year.preliminary,
                      f"{' och '.join(names)}, hämtad {long_date(retrieved)}", retrieved)


def _per_100k(item: dict) -> bool:
    return str(item.get("enhet") or "").strip().lower() in RATE_UNITS


def _figure_of(indicator: Indicator, year: Year, rated: bool) -> float | None:
    return year.rate if (rated and indicator.rated) else year.value


# --- checking ------------------------------------------------------------------------------------

def uses_statistics(plans) -> bool:
    """``True`` when a plan cites the lägesbild (so that its kommun's statistics need reading)."""
    return any(_cited(plan.data) or any(item.get(SERIES_FIELD) or item.get(START_FIELD) is not None
                                        for item in _indicators(plan.data))
               for plan in plans)


def _cited(data: dict) -> list:
    cited = (data.get("kartläggning") or {}).get("statistik")
    return cited if isinstance(cited, list) else []


def _indicators(data: dict) -> list[dict]:
    return [i for i in data.get("uppföljning") or [] if isinstance(i, dict)]


def check_plan(loaded: Loaded, statistics: Statistics) -> list[Problem]:
    """Return where a plan's links to the lägesbild are wrong: every one, each at its field."""
    hint = _known_hint(statistics)
    problems = [loaded.problem((*CITED_FIELD, n), f"serien {series_id} finns inte i kommunens lägesbild", hint=hint)
                for n, series_id in enumerate(_cited(loaded.data)) if series_id not in statistics.indicators]
    for n, item in enumerate(_indicators(loaded.data)):
        problems += _indicator_problems(loaded, ("uppföljning", n), item, statistics, hint)
    return problems


def _indicator_problems(loaded: Loaded, path: tuple, item: dict, statistics: Statistics, hint: str) -> list[Problem]:
    series_id, year = item.get(SERIES_FIELD), item.get(START_FIELD)
    if not series_id:
        if year is not None:
            return [loaded.problem((*path, START_FIELD), "ett utgångsår kräver en serie att hämta värdet ur",
                                   hint="Ange serien (serie) eller ta bort utgångsåret.")]
        return []
    indicator = statistics.indicators.get(series_id)
    if indicator is None:
        return [loaded.problem((*path, SERIES_FIELD), f"serien {series_id} finns inte i kommunens lägesbild",
                               hint=hint)]
    if year is None:
        return []
    start = statistics.start(item)
    if start is None:
        years = ", ".join(y.period for y in indicator.years if _figure_of(indicator, y, _per_100k(item)) is not None)
        return [loaded.problem((*path, START_FIELD), f"serien {series_id} har inget värde för {year}",
                               hint=f"Välj ett av åren {years}." if years else "Serien har inga värden ännu.")]
    typed = item.get("utgångsvärde")
    if isinstance(typed, (int, float)) and not isinstance(typed, bool) and abs(typed - start.value) > TOLERANCE:
        return [loaded.problem((*path, "utgångsvärde"),
                               f"utgångsvärdet {amount(typed)} är inte seriens värde "
                               f"för {start.period}, {start.amount().replace(NBSP, ' ')} ({start.source})",
                               hint="Ta bort utgångsvärdet, så hämtas det ur lägesbilden, eller rätta det.")]
    return []


def _known_hint(statistics: Statistics) -> str:
    known = statistics.known()
    if not known:
        return ("Kommunen har ingen lägesbild inläst. Läs in statistiken med samverkan lagesbild importera, "
                "eller ta bort hänvisningen.")
    shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
    return f"Kommunens serier: {shown}. Läs in fler med samverkan lagesbild importera."


def for_version(version) -> Statistics:
    """Return the statistics a version's plans cite (none when they cite none); raise SchemaError
    when a draft's links are wrong (a decided version's documents are not made from them)."""
    if not uses_statistics(version.plans):
        return Statistics([])
    statistics = Statistics.of_kommun(version.folder.parent)
    if version.data.get("status") != "beslutad":
        problems = [p for plan in version.plans for p in check_plan(plan.loaded, statistics)]
        if problems:
            raise SchemaError(problems)
    return statistics


def check_version(version) -> tuple[list[Problem], list[Problem]]:
    """Return (problems, warnings) of a version's links to its kommun's lägesbild. A decided
    version's are warnings: a later import cannot make a decided version wrong."""
    if not uses_statistics(version.plans):
        return [], []
    from pipeline.errors import PipelineError

    try:
        statistics = Statistics.of_kommun(version.folder.parent)
    except PipelineError as exc:
        return list(exc.problems), []
    found = [p for plan in version.plans for p in check_plan(plan.loaded, statistics)]
    return ([], found) if version.data.get("status") == "beslutad" else (found, [])

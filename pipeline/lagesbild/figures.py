"""The figures of the lägesbild, computed from stored series: per 100 000 invånare, the change from
the year before and from the average of the three years before, and the county's and the
country's figures beside the kommun's.

Pure functions over :class:`~pipeline.lagesbild.series.Series`; nothing here reads a file or
formats a number. A figure that cannot be computed (a value or the population missing, no year
before) is None, never zero.

- **Per 100 000 invånare**: a count of anmälda brott (Brå, ``antal``) divided by the population of
  the same area and the same year (:data:`~pipeline.lagesbild.series.POPULATION`, 31 December),
  times 100 000. For an area without a population series, Brå's own rate (the series
  ``<id>-per-100000``) when the import has it. Other series – a share (procent), an index, a
  Kolada figure, the number of answers to a survey – are shown and compared as they are.
- **Change from the year before**: the count minus the year before's, and that as a percentage of
  the year before (None when the year before is 0).
- **Change from the three-year average**: the count minus the mean of the three years before it
  (all three needed), and that as a percentage of the mean.
- A year is preliminary when its value is, or – for the rate – the population it is divided by.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.lagesbild.series import POPULATION, SOURCES, Import, Series, Source, Value

PER = 100_000
RATED_UNIT = "antal"  # the unit whose figures are also shown per 100 000 invånare …
RATED_SOURCES = ("bra",)  # … when they are counts of anmälda brott
RATE_SUFFIX = "-per-100000"  # Brå's own rate of a series, beside its count (pipeline.lagesbild.bra)
ANSWERS_SUFFIX = ".antal-svar"  # the number of answers to a survey's question (pipeline.lagesbild.enkat)
AREAS_BESIDE = ("län", "riket")
AVERAGE_YEARS = 3


@dataclass(frozen=True)
class Change:
    """A change in the series' unit, and as a percentage of what it is compared with (None from 0)."""

    difference: float
    percent: float | None


@dataclass(frozen=True)
class Year:
    """One year of an indicator: the kommun's figures and the county's and country's beside them."""

    period: str
    value: float | None
    rate: float | None  # per 100 000 invånare; None for a series not counted in antal
    preliminary: bool
    note: str  # the source's mark for a missing value
    previous: Change | None  # from the year before
    average: Change | None  # from the average of the three years before
    county: float | None = None  # the county's rate (its value, for a series not counted in antal)
    country: float | None = None


@dataclass
class Indicator:
    """One series of the kommun as the lägesbild shows it: a row per year and where it comes from."""

    id: str
    name: str
    unit: str
    years: list[Year]
    sources: list[Source] = field(default_factory=list)
    rate_sources: list[Source] = field(default_factory=list)  # where the kommun's rates come from
    rate_series: str = ""  # the series they are computed from (the population) or taken from (Brå's rate)
    rated: bool = False  # a count shown per 100 000 invånare
    answers: dict[str, float | None] = field(default_factory=dict)  # a survey question's answers per year
    county: bool = False  # the county's figures are there
    country: bool = False

    @property
    def preliminary(self) -> bool:
        """``True`` when any year is preliminary."""
        return any(year.preliminary for year in self.years)


@dataclass(frozen=True)
class Stored:
    """A series merged from every import that holds it, with those imports' sources."""

    series: Series
    sources: list[Source]


# --- the arithmetic ------------------------------------------------------------------------------

def per_100k(value: float | None, population: float | None) -> float | None:
    """Return ``value`` per 100 000 of ``population``; None when either is missing or the population is 0."""
    if value is None or population is None or population <= 0:
        return None
    return value / population * PER


def change(value: float | None, before: float | None) -> Change | None:
    """Return the change from ``before`` to ``value``; None when either is missing."""
    if value is None or before is None:
        return None
    difference = value - before
    return Change(difference, difference / before * 100 if before else None)


def previous_year(period: str) -> str:
    """Return the year before a year ("2024" → "2023")."""
    return str(int(period) - 1)


def years_before(period: str, count: int = AVERAGE_YEARS) -> list[str]:
    """Return the ``count`` years before a year, oldest first ("2024" → 2021, 2022, 2023)."""
    year = int(period)
    return [str(y) for y in range(year - count, year)]


def average_before(values: dict[str, float | None], period: str) -> float | None:
    """Return the mean of the three years before ``period``; None unless all three have a value."""
    found = [values.get(p) for p in years_before(period)]
    if any(v is None for v in found):
        return None
    return sum(v for v in found if v is not None) / len(found)


# --- series ------------------------------------------------------------------------------------

def is_annual(series: Series) -> bool:
    """``True`` when every period of the series is a year ("2024"), not a month ("2024-05")."""
    return all(len(v.period) == 4 for v in series.values)


def merged(imports: list[Import]) -> dict[tuple[str, str], Stored]:
    """Return every series of the imports once by (id, area): where two imports hold the same
    series, the one retrieved last wins, as :func:`pipeline.lagesbild.store.current` has it."""
    ordered = sorted(imports, key=lambda i: (i.source.retrieved, i.source.source, i.source.file))
    return {(series.id, series.area): Stored(series, [item.source]) for item in ordered for series in item.series}


def is_rated(series: Series) -> bool:
    """``True`` when a series is a count of anmälda brott, shown per 100 000 invånare."""
    return series.unit == RATED_UNIT and series.id.split(".", 1)[0] in RATED_SOURCES


def numbers(series: Series | None) -> dict[str, float | None]:
    """Return a series' values by period (empty for no series)."""
    return {v.period: v.value for v in series.values} if series else {}


def rates(series: Series | None, population: Series | None) -> dict[str, float | None]:
    """Return a count per 100 000 of the population by period (empty without either series)."""
    if series is None or population is None:
        return {}
    people = numbers(population)
    return {v.period: per_100k(v.value, people.get(v.period)) for v in series.values}


def area_rates(stored: dict[tuple[str, str], Stored], series_id: str,
               area: str) -> tuple[dict[str, float | None], Stored | None]:
    """Return an area's rates of a count by period, and where they come from: computed from the
    area's population when there is one, else Brå's own rate series; empty when neither is."""
    count, population = stored.get((series_id, area)), stored.get((POPULATION, area))
    if count is not None and population is not None:
        return rates(count.series, population.series), population
    own = stored.get((series_id + RATE_SUFFIX, area))
    return (numbers(own.series), own) if own is not None else ({}, None)


def beside(stored: dict[tuple[str, str], Stored], series: Series, area: str) -> dict[str, float | None]:
    """Return the county's or the country's figures to put beside the kommun's: rates for a count,
    the values of the same series otherwise (none for the population, the rates' denominator)."""
    if series.id == POPULATION:
        return {}
    if is_rated(series):
        return area_rates(stored, series.id, area)[0]
    other = stored.get((series.id, area))
    return numbers(other.series) if other else {}


def _preliminary(value: Value, rate_source: Stored | None) -> bool:
    if value.preliminary:
        return True
    used = rate_source.series.by_period().get(value.period) if rate_source else None
    return bool(used and used.preliminary)


def year_rows(series: Series, own_rates: dict[str, float | None], rate_source: Stored | None,
              county: dict[str, float | None], country: dict[str, float | None]) -> list[Year]:
    """Return an annual series' rows, oldest first, with its rates (``own_rates``, from
    ``rate_source``) and changes, and the county's and country's figures beside them."""
    values = numbers(series)
    return [Year(v.period, v.value, own_rates.get(v.period), _preliminary(v, rate_source), v.note,
                 change(v.value, values.get(previous_year(v.period))),
                 change(v.value, average_before(values, v.period)),
                 county.get(v.period), country.get(v.period))
            for v in sorted(series.values, key=lambda v: v.period)]


def indicator(stored: dict[tuple[str, str], Stored], series_id: str) -> Indicator:
    """Return the kommun's indicator ``series_id`` with the county's and country's figures beside."""
    own = stored[(series_id, "kommun")]
    series = own.series
    rated = is_rated(series)
    own_rates, rate_source = area_rates(stored, series_id, "kommun") if rated else ({}, None)
    county, country = (beside(stored, series, area) for area in AREAS_BESIDE)
    answers = stored.get((series_id + ANSWERS_SUFFIX, "kommun"))
    return Indicator(series.id, series.name, series.unit,
                     year_rows(series, own_rates, rate_source, county, country),
                     list(own.sources), list(rate_source.sources) if rate_source else [],
                     rate_source.series.id if rate_source else "", rated, numbers(answers.series if answers else None),
                     county=any(v is not None for v in county.values()),
                     country=any(v is not None for v in country.values()))


def indicators(imports: list[Import]) -> list[Indicator]:
    """Return the kommun's annual indicators: the population (the rates' denominator) first, then
    by source (Brå, Kolada, the survey), otherwise in the imports' order. Brå's own rate of a count
    is shown in the count's table, and the number of answers to a survey's question under it, not
    on their own."""
    stored = merged(imports)
    ids = [key[0] for key, s in stored.items() if key[1] == "kommun" and is_annual(s.series) and s.series.values
           and not _companion(key[0], stored)]
    ids.sort(key=lambda i: (i != POPULATION, _source_rank(i)))
    return [indicator(stored, i) for i in ids]


def _companion(series_id: str, stored: dict[tuple[str, str], Stored]) -> bool:
    """``True`` for Brå's rate of a count, or the answers to a question, that the kommun also has."""
    return any(series_id.endswith(suffix) and (series_id[: -len(suffix)], "kommun") in stored
               for suffix in (RATE_SUFFIX, ANSWERS_SUFFIX))


def _source_rank(series_id: str) -> int:
    """Return where a series' source comes in the lägesbild: Brå, Kolada, Polisen, the survey."""
    source = series_id.split(".", 1)[0]
    return SOURCES.index(source) if source in SOURCES else len(SOURCES)


# --- Polisen's events ----------------------------------------------------------------------------

@dataclass(frozen=True)
class EventRow:
    """One type of event in one year: the count per month (None where the source has none) and the sum."""

    name: str
    months: list[float | None]
    total: float
    preliminary: bool


@dataclass
class EventYear:
    """Polisen's events in one year, a row per type."""

    year: str
    rows: list[EventRow]
    sources: list[Source]


def event_years(imports: list[Import]) -> list[EventYear]:
    """Return the kommun's monthly series (Polisen's events) as a table per year: a row per type,
    the most frequent first."""
    stored = [s for (_, area), s in merged(imports).items() if area == "kommun" and not is_annual(s.series)
              and s.series.values]
    years = sorted({v.period[:4] for s in stored for v in s.series.values})
    return [_event_year(year, stored) for year in years]


def _event_year(year: str, stored: list[Stored]) -> EventYear:
    rows, sources = [], []
    for item in stored:
        months = {v.period: v for v in item.series.values if v.period.startswith(year + "-")}
        if not months:
            continue
        counts = [months[p].value if p in months else None for p in (f"{year}-{m:02d}" for m in range(1, 13))]
        total = sum(c for c in counts if c is not None)
        rows.append(EventRow(item.series.name, counts, total, any(v.preliminary for v in months.values())))
        sources += [s for s in item.sources if s not in sources]
    rows.sort(key=lambda r: (-r.total, r.name))
    return EventYear(year, rows, sources)

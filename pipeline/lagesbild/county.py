"""The county's lägesbild: the kommuner compared per 100 000 invånare, and the series as export rows.

Only public figures: Brå's anmälda brott (with Kolada's population for the rate) and Kolada's
own key figures – never a kommun's own survey, which may hold what a kommun has not published.
Per indicator, a row per kommun with its rate for each of the last years, the change from the
year before in the latest year, and the county's and the country's rows when the data has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.lagesbild import figures
from pipeline.lagesbild.figures import Change
from pipeline.lagesbild.series import POPULATION, SOURCE_NAMES, Import, Source

PUBLIC_SOURCES = ("bra", "kolada", "polisen")
YEARS_SHOWN = 5


@dataclass
class Row:
    """One kommun (or the county, the country) in a county indicator: a figure per shown year."""

    name: str
    figures: list[float | None]
    preliminary: list[bool]
    change: Change | None = None  # the latest year from the year before


@dataclass
class CountyIndicator:
    """One indicator compared across the county's kommuner."""

    id: str
    name: str
    unit: str  # "per 100 000 invånare" for a count, else the series' unit
    years: list[str]
    rows: list[Row]
    beside: list[Row] = field(default_factory=list)  # the county and the country
    sources: list[Source] = field(default_factory=list)


def public(imports: list[Import]) -> list[Import]:
    """Return the imports whose figures are public."""
    return [i for i in imports if i.source.source in PUBLIC_SOURCES]


def county_indicators(kommuner: dict[str, list[Import]]) -> list[CountyIndicator]:
    """Return the annual indicators of the kommuner (name → its imports), compared: every series at
    least one kommun has, the kommuner that lack it shown without figures."""
    per_kommun = {name: {i.id: i for i in figures.indicators(public(imports))}
                  for name, imports in sorted(kommuner.items())}
    ids = sorted({series_id for found in per_kommun.values() for series_id in found} - {POPULATION},
                 key=_order)
    return [_compared(series_id, per_kommun) for series_id in ids]


def _order(series_id: str) -> tuple:
    return (series_id.split(".")[0] != "bra", series_id != "bra.samtliga-brott", series_id)


def _compared(series_id: str, per_kommun: dict[str, dict[str, figures.Indicator]]) -> CountyIndicator:
    found = {name: own[series_id] for name, own in per_kommun.items() if series_id in own}
    first = next(iter(found.values()))
    years = sorted({y.period for i in found.values() for y in i.years})[-YEARS_SHOWN:]
    rows = [_row(name, found.get(name), years) for name in per_kommun]
    beside = []
    for label, attribute in (("Länet", "county"), ("Riket", "country")):
        by_year: dict[str, float | None] = {}
        for indicator in found.values():
            for year in indicator.years:
                value = getattr(year, attribute)
                if value is not None:
                    by_year.setdefault(year.period, value)
        if by_year:
            beside.append(Row(label, [by_year.get(y) for y in years], [False] * len(years),
                              _change([by_year.get(y) for y in years])))
    sources = {(s.source, s.file, s.retrieved): s for i in found.values() for s in i.sources + i.rate_sources}
    return CountyIndicator(series_id, first.name, "per 100 000 invånare" if first.rated else first.unit, years,
                           rows, beside, sorted(sources.values(), key=lambda s: (s.source, s.retrieved, s.file)))


def _row(name: str, indicator: figures.Indicator | None, years: list[str]) -> Row:
    if indicator is None:
        return Row(name, [None] * len(years), [False] * len(years))
    by_period = {y.period: y for y in indicator.years}
    shown = [by_period.get(p) for p in years]
    values = [(y.rate if indicator.rated else y.value) if y else None for y in shown]
    return Row(name, values, [bool(y and y.preliminary) for y in shown], _change(values))


def _change(values: list[float | None]) -> Change | None:
    return figures.change(values[-1], values[-2]) if len(values) > 1 else None


def source_names(indicator: CountyIndicator) -> str:
    """Return where an indicator's figures come from, in words: "Brå och Kolada, hämtade 16 februari 2026"."""
    from pipeline.swedish import long_date

    names = list(dict.fromkeys(SOURCE_NAMES[s.source].split(",")[0].split(" (")[0] for s in indicator.sources))
    dates = sorted({s.retrieved for s in indicator.sources})
    when = long_date(dates[-1]) if len(dates) == 1 else f"{long_date(dates[0])} – {long_date(dates[-1])}"
    return f"{' och '.join(names)}, hämtade {when}"


# --- the export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = ["län", "kommun", "serie", "namn", "enhet", "område", "period", "värde", "per_100000",
                  "preliminär", "källa", "fil", "hämtad"]


def export_rows(county: str, kommun: str, imports: list[Import]) -> list[dict]:
    """Return the kommun's public series as export rows: one per series, area and period, with the
    rate per 100 000 invånare beside a count of anmälda brott."""
    rows = []
    stored = figures.merged(public(imports))
    for (series_id, area), found in sorted(stored.items()):
        rates = figures.area_rates(stored, series_id, area)[0] if figures.is_rated(found.series) else {}
        source = max(found.sources, key=lambda s: s.retrieved)
        for value in found.series.values:
            rate = rates.get(value.period)
            rows.append({"län": county, "kommun": kommun, "serie": series_id, "namn": found.series.name,
                         "enhet": found.series.unit, "område": area, "period": value.period, "värde": value.value,
                         "per_100000": round(rate, 1) if rate is not None else None,
                         "preliminär": value.preliminary, "källa": source.source, "fil": source.file,
                         "hämtad": source.retrieved.isoformat()})
    return rows

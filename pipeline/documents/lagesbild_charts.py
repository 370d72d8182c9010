"""The lägesbild's charts: one line chart per indicator over the years – the kommun per 100 000
invånare (or its value, for a series not counted in antal), with the county's and the country's
lines when the data has them, and a preliminary year marked with an open point and "*".

Native Word charts made by :mod:`pipeline.documents.charts` (same bytes for the same data). Every chart has
alt text that says what it shows in words and numbers; the document puts the table of the same
figures beside it.
"""

from __future__ import annotations

from pipeline.documents import charts
from pipeline.lagesbild.figures import Indicator, Year
from pipeline.ooxml.charts import Chart
from pipeline.swedish import decimal, joined

WIDTH_CM = 14.0
HEIGHT_CM = 4.8
KOMMUN_COLOUR, COUNTY_COLOUR, COUNTRY_COLOUR = "#1f4e79", "#c55a11", "#7f7f7f"
PRELIMINARY = "*"


def shown(indicator: Indicator, year: Year) -> float | None:
    """Return the figure the chart shows for a year: the rate for a count, else the value."""
    return year.rate if indicator.rated else year.value


def places(indicator: Indicator) -> int:
    """Return the decimals the indicator's charted figures are written with."""
    return 1 if indicator.rated or indicator.unit in ("procent", "index", "per 100 000 invånare") else 0


def axis_label(indicator: Indicator) -> str:
    """Return the title of the value axis: "per 100 000 invånare" for a count, else the unit."""
    return "per 100 000 invånare" if indicator.rated else indicator.unit


def period_label(year: Year) -> str:
    """Return a year as the chart and the table write it: "2025*" when it is preliminary."""
    return year.period + (PRELIMINARY if year.preliminary else "")


def _lines(indicator: Indicator, kommun: str) -> list[tuple[str, str, list[float | None]]]:
    """Return the chart's lines: (label, colour, figure per year); the county's and country's when present."""
    lines = [(kommun, KOMMUN_COLOUR, [shown(indicator, y) for y in indicator.years])]
    if indicator.county:
        lines.append(("Länet", COUNTY_COLOUR, [y.county for y in indicator.years]))
    if indicator.country:
        lines.append(("Riket", COUNTRY_COLOUR, [y.country for y in indicator.years]))
    return lines


def indicator_chart(indicator: Indicator, kommun: str, number: int) -> Chart:
    """Return the line chart of an indicator over the years, as a native Word chart with its alt
    text: the kommun's line (its figures written at its points when it is alone), the county's
    and the country's dashed, a preliminary year's point open, the value axis in round steps."""
    lines = _lines(indicator, kommun)
    preliminary = tuple(n for n, year in enumerate(indicator.years) if year.preliminary)
    drawn = [charts.Line(label, colour.lstrip("#").upper(), tuple(values), main=n == 0, open_points=preliminary)
             for n, (label, colour, values) in enumerate(lines)]
    axis = charts.round_axis([v for _, _, values in lines for v in values if v is not None], axis_label(indicator))
    xml, workbook = charts.line_chart(tuple(period_label(y) for y in indicator.years), drawn, axis,
                                      point_labels=len(lines) == 1, point_decimals=places(indicator))
    return Chart(number, xml, workbook, WIDTH_CM, HEIGHT_CM, indicator_alt(indicator, kommun))


def _series_text(label: str, indicator: Indicator, values: list[float | None]) -> str:
    parts = [f"{period_label(y)}: {decimal(v, places(indicator)) if v is not None else 'uppgift saknas'}"
             for y, v in zip(indicator.years, values, strict=False)]
    return f"{label} {', '.join(parts)}"


def indicator_alt(indicator: Indicator, kommun: str) -> str:
    """Return the chart's alt text: what it shows, over which years, and every figure of every line."""
    years = indicator.years
    span = f"{years[0].period}–{years[-1].period}" if len(years) > 1 else years[0].period
    what = f"{indicator.name}, {axis_label(indicator)}" if indicator.rated else f"{indicator.name} ({indicator.unit})"
    lines = [_series_text(label, indicator, values) for label, _, values in _lines(indicator, kommun)]
    text = f"Linjediagram: {what}, {span}. " + ". ".join(lines) + "."
    shown_lines = [label.lower() if label != kommun else kommun for label, _, _ in _lines(indicator, kommun)]
    if len(shown_lines) > 1:
        text += f" Linjerna visar {joined(shown_lines)}."
    if indicator.preliminary:
        text += " * preliminära uppgifter."
    return text

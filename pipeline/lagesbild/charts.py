"""The lägesbild's charts: one line chart per indicator over the years – the kommun per 100 000
invånare (or its value, for a series not counted in antal), with the county's and the country's
lines when the data has them, and a preliminary year marked with an open point and "*".

Drawn on :mod:`pipeline.documents.charts` (same PNG bytes for the same data). Every chart has
alt text that says what it shows in words and numbers; the document puts the table of the same
figures beside it.
"""

from __future__ import annotations

import math

from pipeline.documents import charts
from pipeline.lagesbild.figures import Indicator, Year
from pipeline.ooxml.images import Picture
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


def _limits(lines) -> tuple[float, float, float]:
    """Return the value axis: from 0 (or a round number below the lowest figure) to a round number
    with room above the highest, and the step between its ticks (1, 2, 2,5 or 5 times a power of
    ten, four or five steps)."""
    figures = [v for _, _, values in lines for v in values if v is not None] or [0.0]
    low, high = min(min(figures), 0.0), max(max(figures), 0.0)
    span = (high - low) * 1.15 or 1.0
    power = 10 ** math.floor(math.log10(span / 5))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if span / (m * power) <= 5)
    return math.floor(low / step) * step, math.ceil(high * 1.12 / step) * step if high > 0 else step, step


def _tick_labels(bottom: float, top: float, step: float) -> tuple[list[float], list[str]]:
    """Return the value axis' ticks and their labels, written the Swedish way."""
    count = round((top - bottom) / step)
    ticks = [bottom + n * step for n in range(count + 1)]
    decimals = 0 if float(step).is_integer() else 1
    return ticks, [decimal(t, decimals) for t in ticks]


# Charts already drawn in this process, by everything they show: a kommun's versions share one
# lägesbild's charts (batch renders them one after the other in the same worker).
_DRAWN: dict[tuple, bytes] = {}
_DRAWN_MAX = 256


def forget_drawn() -> None:
    """Forget the charts drawn so far in this process (for a measurement that draws them again)."""
    _DRAWN.clear()


def indicator_chart(indicator: Indicator, kommun: str, number: int) -> Picture:
    """Return the line chart of an indicator over the years, with its alt text."""
    lines = _lines(indicator, kommun)
    labels = tuple(period_label(y) for y in indicator.years)
    key = (kommun, axis_label(indicator), places(indicator), labels,
           tuple((label, colour, tuple(values)) for label, colour, values in lines))
    if key not in _DRAWN:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.clear()
        _DRAWN[key] = _drawn(indicator, lines, labels)
    return Picture(number, _DRAWN[key], WIDTH_CM, HEIGHT_CM, indicator_alt(indicator, kommun))


def _drawn(indicator: Indicator, lines, labels: tuple[str, ...]) -> bytes:
    """Return the chart as PNG: the lines, the kommun's figures written at its points when it is alone,
    a value axis with round ticks, and the legend below."""
    bottom, top, step = _limits(lines)
    ticks, tick_labels = _tick_labels(bottom, top, step)
    figure = charts.figure(WIDTH_CM, HEIGHT_CM, (1.0 + 0.18 * max(map(len, tick_labels)), 0.3, 1.35, 0.25))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    for label, colour, values in lines:
        _draw(axes, positions, values, indicator.years, label, colour, label == lines[0][0])
    if len(lines) == 1:  # beside other lines the figures would cover them
        for x, value in zip(positions, lines[0][2], strict=False):
            if value is not None:
                axes.annotate(decimal(value, places(indicator)), (x, value), textcoords="offset points",
                              xytext=(0, 6), ha="center", fontsize=8, color=KOMMUN_COLOUR)
    axes.set_xticks(positions, labels)
    axes.set_xlim(-0.5, max(len(positions) - 0.5, 0.5))
    axes.set_yticks(ticks, tick_labels)
    axes.set_ylim(bottom, top)
    axes.set_ylabel(axis_label(indicator), fontsize=8)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=len(lines), frameon=False, fontsize=8)
    return charts.png(figure)


def _draw(axes, positions, values, years, label, colour, main) -> None:
    """Draw one line with a point per year; a preliminary year's point open."""
    points = [(x, v, y.preliminary) for x, v, y in zip(positions, values, years, strict=False) if v is not None]
    final = [n for n, (_, _, preliminary) in enumerate(points) if not preliminary]
    size = 5 if main else 4
    axes.plot([x for x, _, _ in points], [v for _, v, _ in points], color=colour, linewidth=2 if main else 1.4,
              linestyle="-" if main else "--", label=label, marker="o", markersize=size, markevery=final)
    open_points = [(x, v) for x, v, preliminary in points if preliminary]
    if open_points:
        axes.plot([x for x, _ in open_points], [v for _, v in open_points], linestyle="none", marker="o",
                  markersize=size, color=colour, markerfacecolor="white")


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

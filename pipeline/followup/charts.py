"""Charts for the follow-up report, as Word's own charts (made by :mod:`pipeline.documents.charts`,
the same bytes for the same data): each indicator's values over time against its goal, and the
activities' status per plan.

Every chart comes with alt text that says what it shows in words and numbers; the report puts
a table of the same data beside it (DOS-lagen, WCAG 1.1.1).
"""

from __future__ import annotations

import math

from pipeline.documents import charts
from pipeline.ooxml.charts import Chart
from pipeline.swedish import amount, counted, long_date

WIDTH_CM = 15.5
COLOURS = {"klar": "#1b7837", "grön": "#7fbf7b", "gul": "#f1c232", "röd": "#d6604d", "ej påbörjad": "#9e9e9e",
           "ej uppföljd": "#e8e8e8"}


def _number(value: float, unit: str | None) -> str:
    return f"{amount(value)} {unit}" if unit else amount(value)


MEASURED, TARGET, BASELINE = "1F4E79", "1B7837", "7F7F7F"


def indicator_chart(indicator, number: int) -> Chart:
    """Return a line chart of an indicator's values over time, with its baseline and target as
    levels across it and each value written at its point."""
    height = 6.0
    dates = tuple(day.isoformat() for day, _ in indicator.points)
    values = tuple(value for _, value in indicator.points)
    lines = [charts.Line("Uppmätt", MEASURED, values)]
    if indicator.target is not None:
        lines.append(charts.Line(f"Mål: {_number(indicator.target, indicator.unit)}", TARGET,
                                 (indicator.target,) * len(dates), main=False, markers=False))
    if indicator.baseline is not None:
        lines.append(charts.Line(f"Utgångsvärde: {_number(indicator.baseline, indicator.unit)}", BASELINE,
                                 (indicator.baseline,) * len(dates), main=False, dash="sysDot", markers=False))
    axis = charts.round_axis([v for line in lines for v in line.values if v is not None], axis_label(indicator))
    xml, workbook = charts.line_chart(dates, lines, axis, point_labels=True, point_decimals=_decimals(values))
    return Chart(number, xml, workbook, WIDTH_CM, height, indicator_alt(indicator))


def _decimals(values) -> int:
    """Return the decimals the measured values need: none for whole numbers, else one or two."""
    return max((len(f"{round(v, 2):g}".partition(".")[2]) for v in values), default=0)


COUNTING_WORDS = ("antal", "andel")  # what an indicator's text may begin with: what it counts


def axis_label(indicator) -> str:
    """Return the title of an indicator chart's value axis: the indicator's unit (its ``enhet``) when
    the data gives one, else what its text says it counts ("Antal anmälda brott …" → "antal"),
    else "uppmätt värde"."""
    if indicator.unit:
        return indicator.unit
    words = indicator.item.text.split()
    first = words[0].lower() if words else ""
    return first if first in COUNTING_WORDS else "uppmätt värde"


def indicator_alt(indicator) -> str:
    """Return the alt text of an indicator's chart: what it measures, its goal and every value."""
    unit = indicator.unit
    parts = [f"Linjediagram för indikator {indicator.item.id}: {' '.join(indicator.item.text.split())}"]
    if indicator.baseline is not None:
        parts.append(f"Utgångsvärde {_number(indicator.baseline, unit)}")
    if indicator.target is not None:
        parts.append(f"mål {_number(indicator.target, unit)}")
    measured = ", ".join(f"{long_date(day)}: {_number(value, unit)}" for day, value in indicator.points)
    parts.append(f"uppmätt {measured}" if measured else "inga värden uppmätta")
    return ". ".join(parts[:1]) + ". " + ", ".join(parts[1:]) + "."


LIGHT_TEXT = ("klar", "röd")  # white figures on these colours


def status_chart(rows: list[tuple[str, dict[str, int]]], number: int) -> Chart:
    """Return a stacked bar chart of the activities' status, one bar per plan (label, counts)."""
    height = 1.6 + 0.9 * len(rows)
    bars = [charts.Line(status, colour.lstrip("#").upper(), tuple(counts.get(status, 0) for _, counts in rows))
            for status, colour in COLOURS.items() if any(counts.get(status, 0) for _, counts in rows)]
    axis = charts.round_axis([sum(counts.values()) for _, counts in rows], "antal aktiviteter")
    if not float(axis.step).is_integer():  # activities are counted whole
        axis = charts.Axis(axis.title, 0, math.ceil(axis.top), math.ceil(axis.step), 0)
    xml, workbook = charts.stacked_bar_chart(tuple(label for label, _ in rows), bars, axis, LIGHT_TEXT)
    return Chart(number, xml, workbook, WIDTH_CM, height, status_alt(rows))


def status_alt(rows: list[tuple[str, dict[str, int]]]) -> str:
    """Return the alt text of the status chart: the counts per plan in words."""
    parts = []
    for label, counts in rows:
        listed = ", ".join(counted(n, status) for status, n in counts.items() if n)
        parts.append(f"{label}: {listed or 'inga aktiviteter'}")
    return "Stapeldiagram över aktiviteternas status per plan. " + ". ".join(parts) + "."

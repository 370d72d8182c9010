"""Charts for the follow-up report, drawn with matplotlib (Agg) as PNG with the same bytes for the
same data: each indicator's values over time against its goal, and the activities' status per plan.

Every chart comes with alt text that says what it shows in words and numbers; the report puts
a table of the same data beside it (DOS-lagen, WCAG 1.1.1). matplotlib is set up in
:mod:`pipeline.documents.charts`, imported only when a chart is drawn.
"""

from __future__ import annotations

from pipeline.documents import charts
from pipeline.ooxml.images import Picture
from pipeline.swedish import amount, counted, long_date

WIDTH_CM = 15.5
COLOURS = {"klar": "#1b7837", "grön": "#7fbf7b", "gul": "#f1c232", "röd": "#d6604d", "ej påbörjad": "#9e9e9e",
           "ej uppföljd": "#e8e8e8"}


def _figure(height_cm: float, margins_cm: tuple[float, float, float, float] | None = None):
    """Return a figure the width of the report's text (see :func:`pipeline.documents.charts.figure`)."""
    return charts.figure(WIDTH_CM, height_cm, margins_cm)


def _left_margin_cm(levels: list[float]) -> float:
    """Return room for the y axis: its title and the widest tick label (9 pt digits ≈ 0.2 cm)."""
    widest = max(len(amount(round(value, 2))) for value in levels)
    return 0.7 + 0.2 * (widest + 1)


def _number(value: float, unit: str | None) -> str:
    return f"{amount(value)} {unit}" if unit else amount(value)


def indicator_chart(indicator, number: int) -> Picture:
    """Return a line chart of an indicator's values over time, with its baseline and target."""
    height = 6.0
    dates = [day for day, _ in indicator.points]
    values = [value for _, value in indicator.points]
    levels = values + [v for v in (indicator.target, indicator.baseline) if v is not None]
    low, high = min(levels), max(levels)
    margin = (high - low) * 0.2 or abs(high) * 0.2 or 1
    bottom_limit = 0 if low >= 0 else low - margin
    top_limit = high + max(margin, (high - bottom_limit) * 0.15)  # room for the value above the highest point
    figure = _figure(height, (_left_margin_cm([bottom_limit, top_limit]), 0.3, 0.9, 0.3))
    axes = figure.add_subplot()
    positions = list(range(len(dates)))
    axes.plot(positions, values, marker="o", color="#1f4e79", linewidth=2, label="Uppmätt")
    for x, value in zip(positions, values, strict=False):
        axes.annotate(amount(value), (x, value), textcoords="offset points", xytext=(0, 7), ha="center")
    if indicator.target is not None:
        axes.axhline(indicator.target, color="#1b7837", linestyle="--", linewidth=1.5,
                     label=f"Mål: {_number(indicator.target, indicator.unit)}")
    if indicator.baseline is not None:
        axes.axhline(indicator.baseline, color="#7f7f7f", linestyle=":", linewidth=1.5,
                     label=f"Utgångsvärde: {_number(indicator.baseline, indicator.unit)}")
    axes.set_xticks(positions, [day.isoformat() for day in dates])
    axes.set_xlim(-0.5, max(len(dates) - 0.5, 0.5))
    axes.set_ylim(bottom_limit, top_limit)
    axes.yaxis.set_major_formatter(lambda value, _pos: amount(round(value, 2)))
    axes.set_ylabel(axis_label(indicator))
    axes.legend(loc="best", frameon=False, fontsize=8)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    return Picture(number, charts.png(figure), WIDTH_CM, height, indicator_alt(indicator))


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


def status_chart(rows: list[tuple[str, dict[str, int]]], number: int) -> Picture:
    """Return a stacked bar chart of the activities' status, one bar per plan (label, counts)."""
    height = 1.6 + 0.9 * len(rows)
    figure = _figure(height)
    axes = figure.add_subplot()
    labels = [label for label, _ in rows]
    positions = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for status, colour in COLOURS.items():
        widths = [counts.get(status, 0) for _, counts in rows]
        if not any(widths):
            continue
        bars = axes.barh(positions, widths, left=left, color=colour, edgecolor="#555555", linewidth=0.5,
                         label=status, height=0.6)
        for bar, width in zip(bars, widths, strict=False):
            if width:
                axes.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2, str(width), ha="center",
                          va="center", color="white" if status in ("klar", "röd") else "black")
        left = [a + b for a, b in zip(left, widths, strict=False)]
    axes.set_yticks(positions, labels)
    axes.set_xlabel("antal aktiviteter")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(rows) < 3 else -0.2), ncols=6,
                frameon=False, fontsize=8)
    return Picture(number, charts.png(figure), WIDTH_CM, height, status_alt(rows))


def status_alt(rows: list[tuple[str, dict[str, int]]]) -> str:
    """Return the alt text of the status chart: the counts per plan in words."""
    parts = []
    for label, counts in rows:
        listed = ", ".join(counted(n, status) for status, n in counts.items() if n)
        parts.append(f"{label}: {listed or 'inga aktiviteter'}")
    return "Stapeldiagram över aktiviteternas status per plan. " + ". ".join(parts) + "."

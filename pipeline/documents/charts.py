"""matplotlib for the documents' charts: imported once and only when a chart is drawn, with settings
that give the same PNG bytes for the same data (no creation time, no program name, fixed fonts,
DPI and hash salt).

The follow-up report (:mod:`pipeline.followup.charts`) and the lägesbild
(:mod:`pipeline.documents.lagesbild_charts`) draw their charts on figures made here. Every chart in a
document comes with alt text and a table of the same data beside it (DOS-lagen, WCAG 1.1.1).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from pipeline.ooxml import safexml

DPI = 110
# (Figure class, canvas class), imported once per process, when the first chart is drawn: matplotlib
# costs about a second to import, and the renderers' modules are loaded by every batch worker, most of
# whose versions have no chart to draw.
_FIGURE = None


def matplotlib_classes():
    """Return matplotlib's Figure and Agg canvas, with settings that make bytes repeatable."""
    global _FIGURE
    if _FIGURE is None:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        matplotlib.rcParams.update({
            "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
            "svg.hashsalt": "samverkan", "path.simplify": True, "figure.dpi": DPI, "savefig.dpi": DPI,
            "axes.formatter.use_locale": False,
        })
        _FIGURE = (Figure, FigureCanvasAgg)
    return _FIGURE


def png(figure) -> bytes:
    """Return the figure as PNG without a creation time or program name, so bytes repeat."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def figure(width_cm: float, height_cm: float, margins_cm: tuple[float, float, float, float] | None = None):
    """Return a figure; with ``margins_cm`` (left, right, bottom, top) the axes are placed by them,
    without them matplotlib's constrained layout finds room for every label (a third of the
    time a chart takes, so only charts whose labels we cannot measure beforehand use it)."""
    figure_class, canvas_class = matplotlib_classes()
    made = figure_class(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI,
                        layout=None if margins_cm else "constrained")
    canvas_class(made)
    if margins_cm:
        left, right, bottom, top = margins_cm
        made.subplots_adjust(left=left / width_cm, right=1 - right / width_cm, bottom=bottom / height_cm,
                             top=1 - top / height_cm)
    return made


# --- native Word charts ------------------------------------------------------------------------------
# A line chart as a DrawingML chart part, its XML made by python-pptx's chart writer (the same XML
# Word and PowerPoint write) and styled through python-pptx's chart objects. Costs about a
# millisecond, where a matplotlib PNG costs a hundred; Word can restyle and edit it.

_WORKBOOK_DATE = dt.datetime(2000, 1, 1)  # the embedded workbook's created date: fixed, so bytes repeat


@dataclass(frozen=True)
class Line:
    """One line of a line chart: its label, colour ("1F4E79"), a figure per category (None: none),
    whether it is the chart's main line (solid and thicker; the others dashed), and the
    categories whose point is drawn open (a preliminary figure)."""

    label: str
    colour: str
    values: tuple[float | None, ...]
    main: bool = True
    open_points: tuple[int, ...] = ()


@dataclass(frozen=True)
class Axis:
    """The value axis: its title, lowest and highest value, the step between ticks, and decimals."""

    title: str
    bottom: float
    top: float
    step: float
    decimals: int


def number_format(decimals: int) -> str:
    """Return the Excel number format for figures with ``decimals`` decimals, marked Swedish
    ("[$-41D]#,##0.0", 0x41D being Swedish's language id): Word and LibreOffice then write
    "1 234,5" whatever the computer's own language."""
    return "[$-41D]#,##0" + ("." + "0" * decimals if decimals else "")


def line_chart(categories: tuple[str, ...], lines: list[Line], axis: Axis, point_labels: bool = False,
               point_decimals: int = 1) -> tuple[bytes, bytes]:
    """Return a line chart's XML and its workbook: a line per :class:`Line` with a point per
    category, the value axis as ``axis`` says with light grid lines, the legend below, and with
    ``point_labels`` the main line's figures written above its points.

    The look (colours, markers, axis title, labels) is styled once per process through
    python-pptx's chart objects; each chart then takes that styled XML with its own figures and
    scale, so a chart costs what writing its XML costs."""
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE

    look = (len(categories), tuple((line.colour, line.main, line.open_points) for line in lines), axis.title,
            axis.decimals, point_labels, point_decimals)
    if look not in _LOOKS:
        if len(_LOOKS) >= _LOOKS_MAX:
            _LOOKS.clear()
        _LOOKS[look] = _styled(categories, lines, axis, point_labels, point_decimals)
    space = safexml.parse(_LOOKS[look])
    data = CategoryChartData(number_format=number_format(point_decimals))
    data.categories = categories
    for line in lines:
        data.add_series(line.label, line.values)
    figures = safexml.parse(ChartXmlWriter(XL_CHART_TYPE.LINE_MARKERS, data).xml.encode("utf-8"))
    for styled, given in zip(space.iter(_C + "ser"), figures.iter(_C + "ser"), strict=True):
        for tag in ("tx", "cat", "val"):
            styled.replace(styled.find(_C + tag), given.find(_C + tag))
    _scale(space, axis)
    return _xml_bytes(space), _workbook(categories, lines, point_decimals)


_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
# The styled XML of each look drawn in this process (a county's charts have a handful of looks).
_LOOKS: dict[tuple, bytes] = {}
_LOOKS_MAX = 64


def _styled(categories: tuple[str, ...], lines: list[Line], axis: Axis, point_labels: bool,
            point_decimals: int) -> bytes:
    """Return the XML of a chart with the look of ``lines`` and ``axis``, styled by python-pptx."""
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    data = CategoryChartData(number_format=number_format(point_decimals))
    data.categories = categories
    for line in lines:
        data.add_series(line.label, line.values)
    space = parse_xml(ChartXmlWriter(XL_CHART_TYPE.LINE_MARKERS, data).xml.encode("utf-8"))
    chart = Chart(space, None)
    chart.font.size, chart.font.name = Pt(8), "Arial"
    chart.has_title = False  # the document's heading names the chart
    for series, line in zip(chart.plots[0].series, lines, strict=True):
        _style_line(series, line, XL_MARKER_STYLE.CIRCLE, Pt)
    if point_labels:
        labels = chart.plots[0].series[0].data_labels
        labels.number_format, labels.number_format_is_linked = number_format(point_decimals), False
        labels.position, labels.show_value = XL_LABEL_POSITION.ABOVE, True
        labels.font.size = Pt(8)
    _style_axes(chart, axis, Pt)
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    _finish_space(space)
    return _xml_bytes(space)


def _scale(space, axis: Axis) -> None:
    """Set the value axis' lowest and highest value and the step between its ticks."""
    values = space.find(f"{_C}chart/{_C}plotArea/{_C}valAx")
    scaling = values.find(_C + "scaling")
    scaling.find(_C + "max").set("val", _figure(axis.top))
    scaling.find(_C + "min").set("val", _figure(axis.bottom))
    values.find(_C + "majorUnit").set("val", _figure(axis.step))


def _figure(value: float) -> str:
    """Return a number as chart XML writes it ("2.5", "200")."""
    return repr(float(value)).removesuffix(".0")


def _style_line(series, line: Line, circle, Pt) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_LINE

    series.smooth = False
    series.format.line.color.rgb = RGBColor.from_string(line.colour)
    series.format.line.width = Pt(2 if line.main else 1.4)
    if not line.main:
        series.format.line.dash_style = MSO_LINE.DASH
    series.marker.style, series.marker.size = circle, 5 if line.main else 4
    for fill, index in [(line.colour, None)] + [("FFFFFF", n) for n in line.open_points]:
        marker = series.marker if index is None else series.points[index].marker
        if index is not None:
            marker.style, marker.size = circle, 5 if line.main else 4
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = RGBColor.from_string(fill)
        marker.format.line.color.rgb = RGBColor.from_string(line.colour)


def _style_axes(chart, axis: Axis, Pt) -> None:
    from pptx.dml.color import RGBColor

    values = chart.value_axis
    values.minimum_scale, values.maximum_scale, values.major_unit = axis.bottom, axis.top, axis.step
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor.from_string("DDDDDD")
    values.major_gridlines.format.line.width = Pt(0.6)
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = number_format(axis.decimals), False
    values.format.line.fill.background()  # no axis line: the grid lines carry the scale
    values.has_title = True
    values.axis_title.text_frame.text = axis.title
    values.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(8)
    values.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False
    chart.category_axis.tick_labels.font.size = Pt(8)


def _finish_space(space) -> None:
    """Give the chart Swedish as its language, no rounded corners or frame, the gaps of missing
    figures left open, and a link to its workbook."""
    from lxml import etree

    from pipeline.ooxml.charts import WORKBOOK_REL_ID

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    lang, corners = etree.Element(c + "lang"), etree.Element(c + "roundedCorners")
    lang.set("val", "sv-SE")
    corners.set("val", "0")
    space.insert(1, lang)
    space.insert(2, corners)
    chart = space.find(c + "chart")
    blanks = chart.find(c + "dispBlanksAs")
    if blanks is None:
        blanks = etree.SubElement(chart, c + "dispBlanksAs")
    blanks.set("val", "gap")
    outline = etree.fromstring('<c:spPr xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
                               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                               '<a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>')
    space.insert(list(space).index(chart) + 1, outline)
    external = etree.SubElement(space, c + "externalData")
    external.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", WORKBOOK_REL_ID)
    etree.SubElement(external, c + "autoUpdate").set("val", "0")


def _xml_bytes(space) -> bytes:
    from lxml import etree

    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)


def _workbook(categories: tuple[str, ...], lines: list[Line], decimals: int) -> bytes:
    """Return the chart's figures as a workbook in the layout the chart's XML refers to: the
    categories in column A from row 2, a column per line with its label in row 1."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _WORKBOOK_DATE})
    sheet = book.add_worksheet("Sheet1")
    figures = book.add_format({"num_format": number_format(decimals)})
    for row, category in enumerate(categories, start=1):
        sheet.write_string(row, 0, category)
    for column, line in enumerate(lines, start=1):
        sheet.write_string(0, column, line.label)
        for row, value in enumerate(line.values, start=1):
            if value is not None:
                sheet.write_number(row, column, value, figures)
    book.close()
    return buffer.getvalue()

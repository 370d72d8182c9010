"""The documents' charts, as Word's own charts: DrawingML chart parts whose XML python-pptx's chart
writer makes (the XML Word and PowerPoint write themselves), styled through python-pptx's chart
objects, with their figures in a small workbook beside them (XlsxWriter) that Word's "Redigera
data" opens. The same data gives the same bytes.

The lägesbild (:mod:`pipeline.documents.lagesbild_charts`) and the follow-up report
(:mod:`pipeline.followup.charts`) draw their charts here. Every chart in a document comes with alt
text and a table of the same data beside it (DOS-lagen, WCAG 1.1.1); LibreOffice draws them in
the PDFs.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, replace

from pipeline.ooxml import safexml

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
    dash: str = ""  # "" solid for the main line, dashed for the others; or a DrawingML dash ("sysDot")
    markers: bool = True  # a point per category (none for a level drawn as a line: a goal)


@dataclass(frozen=True)
class Axis:
    """The value axis: its title, lowest and highest value, the step between ticks, and decimals."""

    title: str
    bottom: float
    top: float
    step: float
    decimals: int


def round_axis(figures: list[float], title: str) -> Axis:
    """Return a value axis for ``figures``: from 0 (or a round number below the lowest) to a round
    number with room above the highest, in four or five steps of 1, 2, 2,5 or 5 times a power of ten."""
    figures = figures or [0.0]
    low, high = min(min(figures), 0.0), max(max(figures), 0.0)
    span = (high - low) * 1.15 or 1.0
    power = 10 ** math.floor(math.log10(span / 5))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if span / (m * power) <= 5)
    top = math.ceil(high * 1.12 / step) * step if high > 0 else step
    return Axis(title, math.floor(low / step) * step, top, step, 0 if float(step).is_integer() else 1)


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

    look = (len(categories), tuple((line.colour, line.main, line.open_points, line.dash, line.markers)
                                   for line in lines), axis.title, axis.decimals, point_labels, point_decimals)
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
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.util import Pt

    space, chart = _new_chart(XL_CHART_TYPE.LINE_MARKERS, categories, lines, number_format(point_decimals))
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


def stacked_bar_chart(categories: tuple[str, ...], bars: list[Line], axis: Axis,
                      light_text: tuple[str, ...] = ()) -> tuple[bytes, bytes]:
    """Return a horizontal stacked bar chart's XML and its workbook: a bar per category (the first
    at the top), a part per :class:`Line` of ``bars`` in its colour with its count written inside
    (white on the colours in ``light_text``; a zero writes nothing), the legend below."""
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Pt

    # A bar chart draws its first category at the foot: given last first, the first is at the top
    # (reversing the axis instead moves the counts' axis to the top in LibreOffice).
    categories = categories[::-1]
    bars = [replace(bar, values=bar.values[::-1]) for bar in bars]
    space, chart = _new_chart(XL_CHART_TYPE.BAR_STACKED, categories, bars, "0")
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, 100
    for series, bar in zip(plot.series, bars, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(bar.colour)
        series.format.line.color.rgb = RGBColor.from_string("555555")
        series.format.line.width = Pt(0.5)
        labels = series.data_labels
        labels.number_format, labels.number_format_is_linked = "0;;;", False  # a zero writes nothing
        labels.position, labels.show_value = XL_LABEL_POSITION.CENTER, True
        labels.font.size = Pt(8)
        labels.font.color.rgb = RGBColor.from_string("FFFFFF" if bar.label in light_text else "000000")
    chart.category_axis.tick_labels.font.size = Pt(8)
    _style_axes(chart, axis, Pt)
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    _finish_space(space)
    return _xml_bytes(space), _workbook(categories, bars, 0)


def _new_chart(chart_type, categories: tuple[str, ...], lines: list[Line], figures_format: str):
    """Return python-pptx's chart XML of a chart type with a series per line, parsed, and its chart
    object to style: Arial 8 pt, no title (the document's heading names the chart)."""
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    data = CategoryChartData(number_format=figures_format)
    data.categories = categories
    for line in lines:
        data.add_series(line.label, line.values)
    space = parse_xml(ChartXmlWriter(chart_type, data).xml.encode("utf-8"))
    chart = Chart(space, None)
    chart.font.size, chart.font.name = Pt(8), "Arial"
    chart.has_title = False
    return space, chart


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
    from pptx.enum.chart import XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE

    series.smooth = False
    series.format.line.color.rgb = RGBColor.from_string(line.colour)
    series.format.line.width = Pt(2 if line.main else 1.4)
    dash = line.dash or ("" if line.main else "dash")
    if dash:
        series.format.line.dash_style = {"dash": MSO_LINE.DASH, "sysDot": MSO_LINE.ROUND_DOT}[dash]
    if not line.markers:
        series.marker.style = XL_MARKER_STYLE.NONE
        return
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

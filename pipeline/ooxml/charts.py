"""Native Word charts in a rendered document: the drawing XML a template places, and the parts.

A chart is a DrawingML chart part (``word/charts/…``) with its figures in the XML and, beside
it, a small workbook holding the same figures, so that Word's "Redigera data" opens them. Word
shows it as a chart its user can restyle and edit, screen readers get the alt text from
``wp:docPr``, and LibreOffice draws it when it prints the PDF. The chart's XML is made by
:mod:`pipeline.documents.charts`; :func:`pipeline.ooxml.images.add_pictures` puts the parts
into the package, as it does for pictures.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ooxml.images import EMU_PER_CM, drawing

CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
WORKBOOK_REL_ID = "rId1"  # the chart's one relationship, named by its c:externalData


@dataclass(frozen=True)
class Chart:
    """A chart for a document: its number (unique among the document's charts), the chart part's
    XML (which names its workbook by :data:`WORKBOOK_REL_ID`), the workbook, size and alt text."""

    number: int
    xml: bytes
    workbook: bytes
    width_cm: float
    height_cm: float
    alt: str
    kind: str = "Diagram"

    @property
    def rel_id(self) -> str:
        return f"rIdSamverkanDiagram{self.number}"

    @property
    def part(self) -> str:
        return f"word/charts/samverkan-diagram-{self.number}.xml"

    @property
    def workbook_part(self) -> str:
        return f"word/embeddings/samverkan-diagram-{self.number}.xlsx"

    def relationship(self) -> tuple[str, str]:
        """Return the type and target of the document's relationship to the chart."""
        return _CHART_REL, self.part[len("word/"):]

    def package_parts(self) -> dict[str, bytes]:
        """Return the parts the chart brings: its XML, its relationships and its workbook."""
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="{WORKBOOK_REL_ID}" Type="{_PACKAGE_REL}" '
                f'Target="../embeddings/samverkan-diagram-{self.number}.xlsx"/></Relationships>')
        return {self.part: self.xml,
                f"word/charts/_rels/samverkan-diagram-{self.number}.xml.rels": rels.encode("utf-8"),
                self.workbook_part: self.workbook}

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return the content types the chart needs: (by extension, by part)."""
        return {"xlsx": WORKBOOK_TYPE}, {self.part: CHART_TYPE}

    def __html__(self) -> str:
        """Return the run XML that shows the chart (Jinja inserts it as markup, unescaped)."""
        graphic = (f'<a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" r:id="{self.rel_id}"/></a:graphicData>')
        return drawing(int(self.width_cm * EMU_PER_CM), int(self.height_cm * EMU_PER_CM), 2000 + self.number,
                       f"{self.kind} {self.number}", self.alt, graphic)

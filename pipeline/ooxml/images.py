"""Pictures in a rendered document: the drawing XML a template places, and the parts it needs.

A template shows a picture where a context value holds :func:`picture` (a run with a
``w:drawing`` whose ``wp:docPr`` carries the alt text, as Word's accessibility checker
and a tagged PDF want it). :func:`add_pictures` then puts the images into the package:
``word/media/…``, a relationship from the document, and the content type.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from lxml import etree

from pipeline.ooxml import safexml
from pipeline.ooxml.names import CONTENT_TYPES_NS, PACKAGE_RELS_NS
from pipeline.ooxml.package import CONTENT_TYPES, Package


def quoteattr(text: str) -> str:
    """Return ``text`` as a quoted XML attribute value (xml.sax.saxutils would import urllib and email)."""
    return '"' + html.escape(text, quote=True) + '"'

EMU_PER_CM = 360000
_DOCUMENT_RELS = "word/_rels/document.xml.rels"
_IMAGE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


@dataclass(frozen=True)
class Picture:
    """An image for a document: its number (unique in the document), PNG bytes, size and alt text."""

    number: int
    png: bytes
    width_cm: float
    height_cm: float
    alt: str
    kind: str = "Diagram"  # what the picture is called in Word's list of objects

    @property
    def rel_id(self) -> str:
        return f"rIdSamverkanBild{self.number}"

    @property
    def part(self) -> str:
        return f"word/media/samverkan-bild-{self.number}.png"

    def __html__(self) -> str:
        """Return the run XML that shows the picture (Jinja inserts it as markup, unescaped)."""
        return picture(self)


def picture(image: Picture) -> str:
    """Return XML that closes the current text run, shows ``image`` inline in a run of its own,
    and opens a new text run (the template's tag stands inside a ``w:t``)."""
    cx, cy = int(image.width_cm * EMU_PER_CM), int(image.height_cm * EMU_PER_CM)
    alt = quoteattr(" ".join(image.alt.split()))
    name = quoteattr(f"{image.kind} {image.number}")
    return (f'</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" {_NS}>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{1000 + image.number}" name={name} descr={alt}/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{1000 + image.number}" name={name} descr={alt}/>'
            '<pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{image.rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">')


def add_pictures(package: Package, parts: dict[str, bytes], images: list[Picture]) -> tuple[Package, dict[str, bytes]]:
    """Return the package with the images' parts added, and ``parts`` with the document's
    relationships and the content types updated to name them."""
    if not images:
        return package, parts
    parts = dict(parts)
    rels = safexml.parse(parts.get(_DOCUMENT_RELS, package.parts[_DOCUMENT_RELS]))
    for image in images:
        rel = etree.SubElement(rels, f"{{{PACKAGE_RELS_NS}}}Relationship")
        rel.set("Id", image.rel_id)
        rel.set("Type", _IMAGE_TYPE)
        rel.set("Target", image.part[len("word/"):])
    parts[_DOCUMENT_RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    types = safexml.parse(parts.get(CONTENT_TYPES, package.parts[CONTENT_TYPES]))
    if not any(d.get("Extension", "").lower() == "png" for d in types.iter(f"{{{CONTENT_TYPES_NS}}}Default")):
        default = etree.Element(f"{{{CONTENT_TYPES_NS}}}Default")
        default.set("Extension", "png")
        default.set("ContentType", "image/png")
        types.insert(0, default)
    parts[CONTENT_TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    extended = dict(package.parts)
    for image in images:
        extended[image.part] = image.png
        parts[image.part] = image.png
    return Package(extended, package.path), parts

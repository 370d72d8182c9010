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

    def relationship(self) -> tuple[str, str]:
        """Return the type and target of the document's relationship to the picture."""
        return _IMAGE_TYPE, self.part[len("word/"):]

    def package_parts(self) -> dict[str, bytes]:
        return {self.part: self.png}

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return the content types the picture needs: (by extension, by part)."""
        return {"png": "image/png"}, {}

    def __html__(self) -> str:
        """Return the run XML that shows the picture (Jinja inserts it as markup, unescaped)."""
        return picture(self)


def picture(image: Picture) -> str:
    """Return XML that closes the current text run, shows ``image`` inline in a run of its own,
    and opens a new text run (the template's tag stands inside a ``w:t``)."""
    cx, cy = int(image.width_cm * EMU_PER_CM), int(image.height_cm * EMU_PER_CM)
    name = quoteattr(f"{image.kind} {image.number}")
    alt = quoteattr(" ".join(image.alt.split()))
    graphic = ('<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
               f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{1000 + image.number}" name={name} descr={alt}/>'
               '<pic:cNvPicPr/></pic:nvPicPr>'
               f'<pic:blipFill><a:blip r:embed="{image.rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
               f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
               '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>')
    return drawing(cx, cy, 1000 + image.number, f"{image.kind} {image.number}", image.alt, graphic)


def drawing(cx: int, cy: int, shape_id: int, name: str, alt: str, graphic_data: str) -> str:
    """Return XML that closes the current text run, shows a drawing (``graphic_data``, ``cx`` × ``cy``
    EMU, its name and alt text in ``wp:docPr``) inline in a run of its own, and opens a new text run."""
    locks = '<a:graphicFrameLocks noChangeAspect="1"/>' if "/picture" in graphic_data[:80] else ""
    return (f'</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" {_NS}>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{shape_id}" name={quoteattr(name)} descr={quoteattr(" ".join(alt.split()))}/>'
            f'<wp:cNvGraphicFramePr>{locks}</wp:cNvGraphicFramePr>'
            f'<a:graphic>{graphic_data}</a:graphic></wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">')


def add_pictures(package: Package, parts: dict[str, bytes], images: list) -> tuple[Package, dict[str, bytes]]:
    """Return the package with the parts of ``images`` (pictures and charts)
    added, and ``parts`` with the document's relationships and the content types updated to name them."""
    if not images:
        return package, parts
    parts = dict(parts)
    rels = safexml.parse(parts.get(_DOCUMENT_RELS, package.parts[_DOCUMENT_RELS]))
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    added: dict[str, bytes] = {}
    for image in images:
        rel_type, target = image.relationship()
        rel = etree.SubElement(rels, f"{{{PACKAGE_RELS_NS}}}Relationship")
        rel.set("Id", image.rel_id)
        rel.set("Type", rel_type)
        rel.set("Target", target)
        by_extension, by_part = image.content_types()
        defaults.update(by_extension)
        overrides.update(by_part)
        added.update(image.package_parts())
    parts[_DOCUMENT_RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[CONTENT_TYPES] = _with_content_types(parts.get(CONTENT_TYPES, package.parts[CONTENT_TYPES]),
                                               defaults, overrides)
    parts.update(added)
    return Package({**package.parts, **added}, package.path), parts


def _with_content_types(xml: bytes, defaults: dict[str, str], overrides: dict[str, str]) -> bytes:
    """Return the content types part with a Default per extension and an Override per part added."""
    types = safexml.parse(xml)
    known = {d.get("Extension", "").lower() for d in types.iter(f"{{{CONTENT_TYPES_NS}}}Default")}
    for extension, content_type in sorted(defaults.items()):
        if extension not in known:
            default = etree.Element(f"{{{CONTENT_TYPES_NS}}}Default")
            default.set("Extension", extension)
            default.set("ContentType", content_type)
            types.insert(0, default)
    for part, content_type in overrides.items():
        override = etree.SubElement(types, f"{{{CONTENT_TYPES_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", content_type)
    return etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)

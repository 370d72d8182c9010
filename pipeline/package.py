"""The beslutspaket: one document per meeting item, made of the memo, the redlines, and the new
agreement with its plans, each part in its own section with its own header and footer.

docxcompose merges the parts' bodies, styles and numbering. It keeps only the
first part's section, so each part's section properties (page set-up, header,
footer) are carried over here, and a part heading ("Del 2 – …") starts each
part so the PDF's bookmarks list the parts with their sections beneath. Pages
are numbered through the whole package ("Sida 9 av 19").
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from .redline import W

PART_STYLE = "Paketdel"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass(frozen=True)
class Part:
    """One part of the package: its heading in the bookmarks and its .docx bytes."""

    label: str
    data: bytes


def compose(parts: list[Part], title: str) -> bytes:
    """Return one .docx titled ``title`` holding every part in order, each in a section of its own."""
    from docx import Document  # imported lazily: heavy, and only --paket needs it
    from docxcompose.composer import Composer

    master = Document(io.BytesIO(parts[0].data))
    master.core_properties.title = title
    _add_part_style(master)
    _outline_levels(master)
    _part_heading(master, parts[0].label, at_start=True)
    composer = Composer(master)
    for part in parts[1:]:
        document = Document(io.BytesIO(part.data))
        _end_section(master)
        _part_heading(master, part.label)
        composer.append(document)
        _take_section(master, document)
    buffer = io.BytesIO()
    composer.save(buffer)
    return buffer.getvalue()


def _add_part_style(document) -> None:
    """Add the paragraph style of part headings: bold, at the top of the outline."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    style = document.styles.add_style(PART_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.bold, style.font.size = True, Pt(10)
    _set_outline(style, 0)


def _set_outline(style, level: int) -> None:
    from docx.oxml import OxmlElement

    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(W + "outlineLvl"):
        ppr.remove(old)
    outline = OxmlElement("w:outlineLvl")
    outline.set(W + "val", str(level))
    ppr.append(outline)


def _outline_levels(document) -> None:
    """Put each part's title under its part heading, and its headings under the title."""
    for name, level in (("Title", 1), ("Heading 1", 2), ("Heading 2", 3), ("Heading 3", 4)):
        _set_outline(document.styles[name], level)


def _part_heading(document, label: str, at_start: bool = False) -> None:
    paragraph = document.add_paragraph(label, style=PART_STYLE)
    if at_start:
        body = document.element.body
        body.remove(paragraph._p)
        body.insert(0, paragraph._p)


def _end_section(document) -> None:
    """Close the current part: its section properties move into a paragraph of their own."""
    from docx.oxml import OxmlElement

    body = document.element.body
    section = body.find(W + "sectPr")
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(copy.deepcopy(section))
    paragraph.append(ppr)
    section.addprevious(paragraph)


def _take_section(master, document) -> None:
    """Make the appended document's page set-up, header and footer those of the last section."""
    body = master.element.body
    section = copy.deepcopy(document.element.body.find(W + "sectPr"))
    for reference in section.findall(W + "headerReference") + section.findall(W + "footerReference"):
        source = document.part.related_parts[reference.get(_R + "id")]
        reltype = document.part.rels[reference.get(_R + "id")].reltype
        kind = "header" if reference.tag == W + "headerReference" else "footer"
        copied = _copy_part(master, source, kind)
        reference.set(_R + "id", master.part.relate_to(copied, reltype))
    body.replace(body.find(W + "sectPr"), section)


def _copy_part(master, source, kind: str):
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart

    taken = {str(p.partname) for p in master.part.package.iter_parts()}
    number = 1
    while f"/word/{kind}{number}.xml" in taken:
        number += 1
    return XmlPart.load(PackURI(f"/word/{kind}{number}.xml"), source.content_type, source.blob,
                        master.part.package)



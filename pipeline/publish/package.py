"""The beslutspaket: one document per meeting item, made of a cover, a table of contents, the memo,
the redlines, and the new agreement with its plans, each part in its own section with its own
header and footer.

docxcompose merges the parts' bodies, styles and numbering. It keeps only the
first part's section, so each part's section properties (page set-up, header,
footer) are carried over here, and a part heading ("Del 2 – …") starts each
part so the PDF's bookmarks list the parts with their sections beneath. Pages
are numbered through the whole package ("Sida 9 av 19"), the cover included.

The table of contents gives each part's first page with a PAGEREF field to a
bookmark on the part's heading. LibreOffice computes PAGEREF fields when it lays
out the PDF; it does not fill or update a TOC field (tried with LibreOffice 7.4:
an empty TOC field stays empty, a cached result is printed as it is, with or
without ``w:updateFields`` or ``w:dirty``, and PAGEREF fields inside a TOC
field's result are frozen too). Word computes the same fields when they are
updated (F9, or printing with field updates on).

python-docx and docxcompose are imported inside the functions that build a package: together they
cost about 450 ms to import (``python -X importtime``), and this module is imported by every PDF
conversion (:mod:`pipeline.publish.pdf`), most of which make no package.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.documents import marking
from pipeline.layout import PACKAGE_FILE
from pipeline.ooxml import unpack
from pipeline.ooxml.names import XML_SPACE, R, W
from pipeline.ooxml.package import zip_bytes

PART_STYLE = "Paketdel"
REMOVED_STYLE = "Paketdel utgår"
TOC_STYLE = "toc 1"  # Word's built-in name; LibreOffice shows it as "Contents 1"
TOC_HEADING_STYLE = "TOC Heading"
STATUSES = ("ändrad", "ny", "utgår")
REMOVED = "utgår"
DEFAULT_ORGAN = "Kommunstyrelsen"
BOOKMARK_PREFIX = "_Paketdel"  # a leading underscore keeps the bookmarks out of Word's list
REMOVED_BANNER = ("UTGÅR – bilagan ingår inte i den nya överenskommelsen",
                  "Texten nedan är bilagan i den gällande överenskommelsen, struken i sin helhet.")
_R = R
_XML_SPACE = XML_SPACE
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# Children of w:pPr that come after w:outlineLvl and after w:pBdr (ECMA-376 CT_PPrBase order).
_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                  "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                  "w:outlineLvl", *_AFTER_OUTLINE)
_AFTER_HYPHENATION = _AFTER_BORDERS[_AFTER_BORDERS.index("w:suppressAutoHyphens") + 1:]
_PART_XML = ('<w:{tag} xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '{body}</w:{tag}>')


@dataclass(frozen=True)
class Part:
    """One part of the package: its heading ("Del 2 – …"), its .docx bytes, and for a compared
    document its status ("ändrad", "ny" or "utgår"; None for the memo and the new documents)."""

    label: str
    data: bytes = field(repr=False)
    status: str | None = None

    def __post_init__(self):
        if self.status not in (None, *STATUSES):
            raise ValueError(f"unknown part status {self.status!r}; expected one of {STATUSES} or None")


@dataclass(frozen=True)
class Cover:
    """What the cover page says: the case, who decides it and when, and the package's date."""

    kommun: str
    ärende: str
    diarienummer: str
    organ: str
    sammanträde: dt.date | None  # the meeting's date, when it is known
    datum: dt.date
    exempel: str | None = None  # the data's note on invented content, shown small at the foot
    markering: str | None = None  # "Offentlig version", or the line naming sekretess provisions


def compose(parts: list[Part], title: str, cover: Cover | None = None) -> bytes:
    """Return one .docx titled ``title``: a cover, a table of contents, then every part in order,
    each in a section of its own.

    Without ``cover``, the cover is made from the first part's document properties
    (see :func:`cover_from_properties`): kommun, ärende, diarienummer and date, organ
    Kommunstyrelsen, meeting date not given.
    """
    from docx import Document  # imported lazily: heavy, and only --paket needs it
    from docxcompose.composer import Composer

    if not parts:
        raise ValueError("a beslutspaket needs at least one part")
    master = Document(io.BytesIO(parts[0].data))
    cover = cover or cover_from_properties(master.core_properties, title)
    front_section = copy.deepcopy(master.element.body.find(W + "sectPr"))
    master.core_properties.title = title
    _add_styles(master)
    _outline_levels(master)
    headings = [_part_heading(master, parts[0], at_start=True)]
    composer = Composer(master)
    for part in parts[1:]:
        document = Document(io.BytesIO(part.data))
        _end_section(master)
        headings.append(_part_heading(master, part))
        composer.append(document)
        _take_section(master, document)
    anchors = _bookmark(master, headings)
    _front_matter(master, cover, [(heading_text(p), a) for p, a in zip(parts, anchors, strict=False)], front_section)
    buffer = io.BytesIO()
    composer.save(buffer)
    return _marked_on_every_page(buffer.getvalue(), cover.markering)


def _marked_on_every_page(data: bytes, line: str | None) -> bytes:
    """Return the package with ``line`` at the top of every page: added to each part's headers that
    lack it (a part without passages under sekretess is still part of a document with them)."""
    if not line:
        return data
    kind = marking.SECRECY_PREFIX if _is_secrecy(line) else marking.PUBLIC_LINE
    parts = unpack(data, Path(PACKAGE_FILE))
    lacking = {n: parts[n] for n in marking.header_parts(parts) if kind.encode() not in parts[n]}
    if not lacking:
        return data
    colour = marking.SECRECY_COLOUR if _is_secrecy(line) else None
    return zip_bytes({**parts, **marking.with_header_line(lacking, line, colour=colour)})


def heading_text(part: Part) -> str:
    """Return the part's heading: its label, with "Utgår" in it for a removed document."""
    if part.status != REMOVED or REMOVED in part.label.lower():
        return part.label
    number = re.match(r"Del \d+ – ", part.label)
    return (f"{number.group(0)}Utgår: {part.label[number.end():]}" if number
            else f"Utgår: {part.label}")


def cover_from_properties(properties, title: str) -> Cover:
    """Return a cover made from a rendered memo's core properties (as ``model.document_properties``
    writes them: organisation as creator, "Dnr …" as description, the version's date)."""
    ärende = title.split(": ", 1)[-1] if ": " in title else title
    created = properties.created
    return Cover(kommun=properties.author or "",
                 ärende=ärende,
                 diarienummer=re.sub(r"^Dnr\s+", "", properties.comments or ""),
                 organ=DEFAULT_ORGAN, sammanträde=None,
                 datum=created.date() if created else dt.date.today())  # else: made today


# --- styles ---------------------------------------------------------------------------------------

def _add_styles(document) -> None:
    """Add the package's paragraph styles: part headings at the top of the outline, the removed
    document's banner, and (when the template lacks it) Word's table-of-contents entry style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt, RGBColor, Twips

    style = document.styles.add_style(PART_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.bold, style.font.size = True, Pt(10)
    _set_outline(style, 0)

    banner = document.styles.add_style(REMOVED_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    banner.base_style = document.styles["Normal"]
    banner.font.bold, banner.font.size, banner.font.color.rgb = True, Pt(14), RGBColor(0x9C, 0x00, 0x06)
    banner.paragraph_format.space_before, banner.paragraph_format.space_after = Pt(6), Pt(6)
    banner.paragraph_format.keep_with_next = True
    _border(banner.element.get_or_add_pPr(), ("top", "bottom"), color="9C0006", size=12)

    if TOC_STYLE not in [s.name for s in document.styles]:
        entry = document.styles.add_style(TOC_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = document.styles["Normal"]
        entry.paragraph_format.space_after = Pt(8)
        entry.paragraph_format.right_indent = Twips(567)
        entry.paragraph_format.tab_stops.add_tab_stop(Twips(_text_width(document)), WD_TAB_ALIGNMENT.RIGHT,
                                                      WD_TAB_LEADER.DOTS)


def _text_width(document) -> int:
    """Return the width between the first section's margins, in twips."""
    section = document.sections[0]
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return 9072  # A4 with 2.5 cm margins
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


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


# --- the parts ------------------------------------------------------------------------------------

def _part_heading(document, part: Part, at_start: bool = False):
    """Add the part's heading (and a removed document's banner); return the heading's element."""
    paragraphs = [document.add_paragraph(heading_text(part), style=PART_STYLE)]
    if part.status == REMOVED:
        banner = document.add_paragraph(style=REMOVED_STYLE)
        banner.add_run(REMOVED_BANNER[0])
        note = document.add_paragraph(REMOVED_BANNER[1])
        note.runs[0].italic = True
        paragraphs += [banner, note]
    if at_start:
        body = document.element.body
        for index, paragraph in enumerate(paragraphs):
            body.remove(paragraph._p)
            body.insert(index, paragraph._p)
    return paragraphs[0]._p


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
        copied = _new_part(master, kind, source.content_type, source.blob)
        reference.set(_R + "id", master.part.relate_to(copied, reltype))
    body.replace(body.find(W + "sectPr"), section)


def _new_part(master, kind: str, content_type: str, blob: bytes):
    """Return a new header or footer part of ``master`` holding ``blob``, under an unused name."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart

    taken = {str(p.partname) for p in master.part.package.iter_parts()}
    number = 1
    while f"/word/{kind}{number}.xml" in taken:
        number += 1
    return XmlPart.load(PackURI(f"/word/{kind}{number}.xml"), content_type, blob, master.part.package)


def _bookmark(document, headings) -> list[str]:
    """Put a bookmark around each part heading; return the bookmarks' names in order.

    Done after docxcompose has finished, since it renumbers bookmarks on each append."""
    from docx.oxml import OxmlElement

    ids = [int(b.get(W + "id")) for b in document.element.body.iter(W + "bookmarkStart")
           if (b.get(W + "id") or "").isdigit()]
    next_id = max(ids, default=0) + 1
    names = []
    for number, heading in enumerate(headings, start=1):
        name = f"{BOOKMARK_PREFIX}{number}"
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(W + "id", str(next_id))
        start.set(W + "name", name)
        end.set(W + "id", str(next_id))
        ppr = heading.find(W + "pPr")
        if ppr is not None:
            ppr.addnext(start)
        else:
            heading.insert(0, start)
        heading.append(end)
        names.append(name)
        next_id += 1
    return names


# --- cover and table of contents ------------------------------------------------------------------

def _front_matter(document, cover: Cover, entries: list[tuple[str, str]], section) -> None:
    """Put the cover and the table of contents before the first part, in a section of their own:
    the cover without header and footer, the contents page with the package's header and the
    first part's footer (the page numbers)."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor

    start = document.add_paragraph(cover.kommun)
    start.runs[0].bold, start.runs[0].font.size = True, Pt(16)
    start.paragraph_format.space_after = Pt(0)
    paragraphs = [start]
    eyebrow = document.add_paragraph("Beslutspaket")
    eyebrow.paragraph_format.space_before, eyebrow.paragraph_format.space_after = Pt(150), Pt(6)
    eyebrow.runs[0].font.size = Pt(14)
    _direct_outline(eyebrow, 0)  # bookmark "Beslutspaket", with the case (a Title) beneath it
    paragraphs += [eyebrow, document.add_paragraph(_no_lone_last_word(cover.ärende), style="Title")]
    facts = [("Diarienummer", cover.diarienummer), ("Beslutsinstans", cover.organ)]
    if cover.sammanträde:
        facts.append(("Sammanträdesdatum", cover.sammanträde.isoformat()))
    facts.append(("Datum", cover.datum.isoformat()))
    for index, (name, value) in enumerate(facts):
        line = document.add_paragraph()
        line.add_run(f"{name}: ").bold = True
        line.add_run(value)
        line.paragraph_format.space_after = Pt(12 if index == len(facts) - 1 else 2)
        paragraphs.append(line)
    if cover.markering:
        line = document.add_paragraph()
        run = line.add_run(cover.markering)
        run.bold, run.font.size = True, Pt(12)
        if _is_secrecy(cover.markering):
            run.font.color.rgb = RGBColor.from_string(marking.SECRECY_COLOUR)
        line.paragraph_format.space_before = Pt(12)
        line._p.get_or_add_pPr().insert_element_before(OxmlElement("w:suppressAutoHyphens"), *_AFTER_HYPHENATION)
        paragraphs.append(line)
    if cover.exempel:
        note = document.add_paragraph()
        note.add_run("Om innehållet: ").bold = True
        note.add_run(cover.exempel).italic = True
        note.paragraph_format.space_before = Pt(48)
        for run in note.runs:
            run.font.size = Pt(9)
        paragraphs.append(note)

    contents = document.add_paragraph("Innehåll", style=TOC_HEADING_STYLE)
    contents.paragraph_format.page_break_before = True
    _direct_outline(contents, 0)
    paragraphs.append(contents)
    for text, anchor in entries:
        paragraphs.append(_toc_entry(document, text, anchor))
    paragraphs[-1]._p.get_or_add_pPr().append(_front_section(document, cover, section))

    body = document.element.body
    for index, paragraph in enumerate(paragraphs):
        body.remove(paragraph._p)
        body.insert(index, paragraph._p)


def _no_lone_last_word(text: str) -> str:
    """Return ``text`` with its last two words joined by a no-break space, so that a title never
    ends with a word alone on its line ("version" / "2027")."""
    head, space, last = text.rstrip().rpartition(" ")
    return f"{head}\u00a0{last}" if space and head else text


def _direct_outline(paragraph, level: int) -> None:
    from docx.oxml import OxmlElement

    outline = OxmlElement("w:outlineLvl")
    outline.set(W + "val", str(level))
    paragraph._p.get_or_add_pPr().insert_element_before(outline, *_AFTER_OUTLINE)


def _toc_entry(document, text: str, anchor: str):
    """Return a contents line: the part's heading, a dotted tab, and the page it starts on as a
    PAGEREF field, all one internal link to the heading. A line that wraps breaks between words,
    never inside one ("Po-lismyndigheten")."""
    from docx.oxml import OxmlElement

    paragraph = document.add_paragraph(style=TOC_STYLE)
    paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:suppressAutoHyphens"), *_AFTER_HYPHENATION)
    link = OxmlElement("w:hyperlink")
    link.set(W + "anchor", anchor)
    link.set(W + "history", "1")
    link.append(_run(text=text))
    link.append(_run(tab=True))
    link.append(_run(field="begin"))
    link.append(_run(instruction=f" PAGEREF {anchor} \\h "))
    link.append(_run(field="separate"))
    link.append(_run(text=""))  # no cached page number: LibreOffice and Word compute it
    link.append(_run(field="end"))
    paragraph._p.append(link)
    return paragraph


def _run(text: str | None = None, tab: bool = False, field: str | None = None, instruction: str | None = None):
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    if tab:
        run.append(OxmlElement("w:tab"))
    elif field:
        char = OxmlElement("w:fldChar")
        char.set(W + "fldCharType", field)
        run.append(char)
    else:
        element = OxmlElement("w:instrText" if instruction is not None else "w:t")
        element.set(_XML_SPACE, "preserve")
        element.text = instruction if instruction is not None else text
        run.append(element)
    return run


def _front_section(document, cover: Cover, section):
    """Return the section properties of the cover and contents: the first part's page set-up, an
    empty header and footer on the cover, the package's header and the first part's footer after."""
    from docx.oxml import OxmlElement, parse_xml

    section = copy.deepcopy(section) if section is not None else OxmlElement("w:sectPr")
    footer = next((r.get(_R + "id") for r in section.findall(W + "footerReference")
                   if r.get(W + "type", "default") == "default"), None)
    for reference in section.findall(W + "headerReference") + section.findall(W + "footerReference"):
        section.remove(reference)
    for old in section.findall(W + "titlePg") + section.findall(W + "pgNumType"):
        section.remove(old)
    marked = ""
    if cover.markering:
        colour = f'<w:color w:val="{marking.SECRECY_COLOUR}"/>' if _is_secrecy(cover.markering) else ""
        marked = (f'<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:b/>{colour}</w:rPr>'
                  f'<w:t xml:space="preserve">{_escape(cover.markering)}</w:t></w:r></w:p>')
    header_xml = (f'{marked}<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
                  f'<w:t xml:space="preserve">{_escape(cover.kommun)}</w:t></w:r>'
                  f'<w:r><w:tab/><w:t>Beslutspaket</w:t></w:r></w:p>')
    empty_xml = '<w:p><w:pPr><w:pStyle w:val="{}"/></w:pPr></w:p>'
    references = [("header", "default", _HEADER_TYPE, "hdr", header_xml, None),
                  ("header", "first", _HEADER_TYPE, "hdr", marked or empty_xml.format("Header"), None),
                  ("footer", "default", _FOOTER_TYPE, "ftr", None, footer),
                  ("footer", "first", _FOOTER_TYPE, "ftr", empty_xml.format("Footer"), None)]
    elements = []
    for kind, where, content_type, tag, body, existing in references:
        if existing is None:
            if body is None:
                continue  # the first part has no footer: the contents page has none either
            part = _new_part(document, kind, content_type, _PART_XML.format(tag=tag, body=body).encode())
            existing = document.part.relate_to(part, _REL + kind)
        reference = OxmlElement(f"w:{kind}Reference")
        reference.set(W + "type", where)
        reference.set(_R + "id", existing)
        elements.append(reference)
    for element in reversed(elements):  # references come first in w:sectPr
        section.insert(0, element)
    title_page = parse_xml(f'<w:titlePg xmlns:w="{W[1:-1]}"/>')
    _insert_in_order(section, title_page)
    return section


def _is_secrecy(line: str) -> bool:
    return line.startswith(marking.SECRECY_PREFIX)


def _insert_in_order(section, element) -> None:
    """Insert ``element`` into ``section`` where the schema's sequence puts it (titlePg comes after
    the page set-up, columns and form protection, before the text direction and grid)."""
    later = {W + n for n in ("textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings",
                             "sectPrChange")}
    for index, child in enumerate(section):
        if child.tag in later:
            section.insert(index, element)
            return
    section.append(element)


def _border(ppr, sides: tuple[str, ...], color: str, size: int) -> None:
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        for name, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
            line.set(W + name, value)
        borders.append(line)
    ppr.insert_element_before(borders, *_AFTER_BORDERS)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decision_package(comparison, folder: Path) -> tuple:
    """Return the beslutspaket of a comparison (its memo, redlines and proposed documents, in the
    order :meth:`Comparison.package_plan` gives) to make in ``folder`` by :func:`pdf.convert_run`."""
    documents = {("underlag", comparison.memo.name): comparison.memo.data}
    documents.update({("underlag", r.name): r.data for r in comparison.redlines})
    documents.update({("version", d.name): d.data for d in comparison.new_documents})
    return package_from_plan(comparison.package_plan(), lambda where, name: documents[(where, name)],
                             folder / PACKAGE_FILE)


def package_from_plan(plan: dict, read, target: Path) -> tuple:
    """Return (title, parts, target, cover) for :func:`pdf.convert_run` from a package plan, with
    ``read(where, name)`` giving each document's bytes."""
    cover = dict(plan["försättsblad"])
    cover["datum"] = dt.date.fromisoformat(cover["datum"])
    cover["sammanträde"] = dt.date.fromisoformat(cover["sammanträde"]) if cover["sammanträde"] else None
    parts = [Part(label, read(where, name), status) for label, where, name, status in plan["delar"]]
    return plan["titel"], parts, target, Cover(**cover)

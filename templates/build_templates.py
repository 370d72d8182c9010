"""Build the Word templates in this folder from python-docx's blank document.

Run ``python templates/build_templates.py`` after changing this script. The
result is ordinary .docx files with Jinja tags (docxtpl syntax) that a secretary
can open and edit in Word or LibreOffice; once edited by hand, keep the edited
file and stop regenerating it.

Accessibility (DOS-lagen): built-in heading styles in order (Title, Heading 1,
Heading 2), document language sv-SE, table header rows that repeat on every page
and carry a caption, no tables used for layout.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Arial"
TEXT_WIDTH = Cm(21.0 - 2.5 - 2.5)


# --- document set-up ---------------------------------------------------------

def new_document(title: str) -> docx.Document:
    """Return a blank A4 document with Swedish language, fonts and heading styles."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)
    _set_language(document)
    _set_styles(document)
    _slim(document)
    props = document.core_properties
    props.title, props.subject = title, "Mall för samverkan"
    props.author = props.last_modified_by = "samverkan"
    props.language, props.revision = "sv-SE", 1
    props.comments = props.keywords = props.category = ""
    return document


def _set_language(document) -> None:
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")
    settings = document.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), "sv-SE")
    settings.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    settings.find(qn("w:listSeparator")).set(qn("w:val"), ";")
    # Automatic hyphenation (Swedish compounds are long); its place in w:settings is after defaultTabStop.
    hyphenation = OxmlElement("w:autoHyphenation")
    settings.find(qn("w:defaultTabStop")).addnext(hyphenation)


def _set_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    # Single line spacing with space between paragraphs: LibreOffice 7.4 ignores "keep with next"
    # (headings alone at the foot of a page) when a proportional spacing above 1 meets space after.
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.0
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    defaults.find(qn("w:spacing")).set(qn("w:line"), "240")
    normal.paragraph_format.widow_control = True  # no single line of a paragraph alone on a page
    sizes = {"Title": 20, "Subtitle": 12, "Heading 1": 14, "Heading 2": 12, "Heading 3": 11}
    for name, size in sizes.items():
        style = styles[name]
        style.font.name, style.font.size = FONT, Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)
        style.font.italic = False
        _ascii_font(style, FONT)
        _no_hyphenation(style)  # a title or heading reads as a whole ("lokalpolisområ-de" does not)
        if name.startswith("Heading"):
            style.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
    _ascii_font(normal, FONT)
    grid = styles["Table Grid"]
    grid.font.size = Pt(9.5)  # Swedish compounds are long; keep words whole in narrow columns
    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(9)
        # python-docx's header style has US Letter tab stops; keep one right tab at the margin.
        tabs = styles[name].paragraph_format.tab_stops
        for stop in list(tabs):
            tabs._pPr.tabs.remove(stop._tab)
        tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


# Table styles the templates use; python-docx's blank document brings 100, 340 kB of styles.xml.
KEPT_TABLE_STYLES = ("TableNormal", "TableGrid")


def _slim(document) -> None:
    """Leave out what no template uses and every document would carry: Word 2010's second copy
    of the styles (stylesWithEffects.xml, 440 kB, read by no later Word nor LibreOffice) and
    the table styles other than the default and Table Grid. Half the time of writing a
    document went to compressing them."""
    part = document.part
    for rid, relationship in list(part.rels.items()):
        if relationship.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rid)
    styles = document.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in KEPT_TABLE_STYLES:
            styles.remove(style)


def _no_hyphenation(style) -> None:
    """Keep the style's paragraphs from being hyphenated automatically."""
    ppr = style.element.get_or_add_pPr()
    ppr.insert_element_before(OxmlElement("w:suppressAutoHyphens"), *_AFTER_SUPPRESS_HYPHENS)


# Children of w:pPr that come after w:suppressAutoHyphens (ECMA-376 CT_PPrBase order).
_AFTER_SUPPRESS_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                           "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                           "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                           "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                           "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _ascii_font(style, font: str) -> None:
    """Set the font for every script (theme fonts would otherwise win in Word)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)


def header_and_footer(document, kind_label: str) -> None:
    """Add the header (kommun, diarienummer, document type, date) and a "Sida X av Y" footer."""
    section = document.sections[0]
    header = section.header
    first = header.paragraphs[0]
    first.add_run("{{ kommun }}").bold = True
    first.add_run("\t{{ dnr }}")
    second = header.add_paragraph(style="Header")
    second.add_run(kind_label + "\t{{ datum.iso }}")
    page_numbers(section)


def simple_header(document, left: str, right: str) -> None:
    """Add a one-line header (``left`` in bold, ``right`` at the right margin) and page numbers."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.add_run(left).bold = True
    header.add_run("\t" + right)
    page_numbers(section)


def page_numbers(section) -> None:
    """Put "Sida X av Y" (PAGE and NUMPAGES fields) in the section's footer."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) as begin/instr/separate/result/end runs."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --- content helpers -----------------------------------------------------------

def para(document, text: str = "", style: str | None = None, bold_label: str | None = None):
    """Add a paragraph; ``bold_label`` is written in bold before the text."""
    paragraph = document.add_paragraph(style=style)
    if bold_label:
        paragraph.add_run(bold_label).bold = True
    if text:
        paragraph.add_run(text)
    return paragraph


def tag(document, text: str) -> None:
    """Add a paragraph holding only a docxtpl {%p %} tag (the paragraph itself disappears)."""
    document.add_paragraph(text)


def bullets(document, loop: str, item: str, style: str = "List Bullet") -> None:
    """Add a list rendered once per item of ``loop`` ("x in xs"). Every item but the last keeps
    with the next, so a short list never leaves one bullet alone at the top of a page."""
    tag(document, "{%p for " + loop + " %}")
    tag(document, "{%p if not loop.last %}")
    para(document, item, style=style).paragraph_format.keep_with_next = True
    tag(document, "{%p else %}")
    para(document, item, style=style)
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")


def lead_in(document, text: str):
    """Add a paragraph that introduces what follows (a list, a table) and stays on its page."""
    paragraph = para(document, text)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def optional(document, condition: str, build) -> None:
    """Add what ``build`` adds only when ``condition`` holds."""
    tag(document, "{%p if " + condition + " %}")
    build()
    tag(document, "{%p endif %}")


def optional_fields(document, prefix: str, fields) -> None:
    """Add "Label: value" paragraphs for optional fields ``prefix.key``, each only when set."""
    for key, label in fields:
        optional(document, f"{prefix}.{key}", lambda key=key, label=label: para(
            document, "{{ " + prefix + "." + key + " }}", bold_label=label + ": "))


def data_table(document, caption: str, headers: list[str], loop: str, cells: list[str],
               widths: list[float]):
    """Add a table with a repeating header row and one row per item of ``loop``; return it."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _caption(table, caption)
    header_row = table.rows[0]
    _repeat_header(header_row)
    for cell, text in zip(header_row.cells, headers, strict=False):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0]._p.get_or_add_pPr().insert_element_before(  # headings in whole words
            OxmlElement("w:suppressAutoHyphens"), *_AFTER_SUPPRESS_HYPHENS)
        _shade(cell, "D9D9D9")
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for " + loop + " %}")
    for cell, text in zip(table.rows[2].cells, cells, strict=False):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _cant_split(table.rows[2])
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)  # the cells, which Word follows
    document.add_paragraph()
    return table


def _caption(table, caption: str) -> None:
    tbl_pr = table._tbl.tblPr
    for name, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        tbl_pr.append(element)


def _repeat_header(row) -> None:
    """Repeat the header row on every page and keep it with the first row below it.

    The header row is not marked cantSplit: a repeated header row that cannot split, at the foot
    of a page where the next row does not fit, makes LibreOffice drop every row after it from the
    layout (issue 20: the memo's change table printed as a lone header row). Keep-with-next on its
    paragraphs moves the header to the next page with the first row instead, in Word and
    LibreOffice alike."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _cant_split(row) -> None:
    """Keep a row on one page; a row split over a page break is hard to read."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def example_banner(document) -> None:
    """Add a visible notice when the data says it is example data."""
    def build():
        paragraph = para(document, "{{ exempel }}", bold_label="Om innehållet: ")
        paragraph.runs[1].italic = True
    optional(document, "exempel", build)


def signatures(document) -> None:
    """Add the signature block: one group of lines per signatory, never split across pages."""
    document.add_heading("Underskrifter", level=1)
    para(document, "Denna överenskommelse har upprättats i två likalydande exemplar, "
                   "av vilka parterna tagit var sitt.")
    tag(document, "{%p for u in underskrifter %}")
    for text, bold in (("För {{ u.part_visning }}", True), ("Ort och datum: ________________________", False),
                       ("", False), ("______________________________________", False),
                       ("{{ u.namn }}", False), ("{{ u.roll }}", False)):
        if text == "{{ u.namn }}":
            tag(document, "{%p if u.namn %}")  # a person published by the role has no name line
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Pt(2)
        if text:
            paragraph.add_run(text).bold = bold
        if text == "{{ u.namn }}":
            tag(document, "{%p endif %}")
    document.add_paragraph()
    tag(document, "{%p endfor %}")


# --- the templates -------------------------------------------------------------

def agreement_template() -> docx.Document:
    """Return the template of the agreement itself."""
    d = new_document("Mall: samverkansöverenskommelse")
    header_and_footer(d, "Samverkansöverenskommelse")
    d.add_heading("{{ titel }}", level=0)
    para(d, "{{ statusrad }}", style="Subtitle")
    example_banner(d)

    d.add_heading("Parter", level=1)
    para(d, "Denna överenskommelse om samverkan i brottsförebyggande och trygghetsskapande arbete "
            "har träffats mellan {{ kommun }} och Polismyndigheten, {{ polisen.namn }} (polisområde "
            "{{ parter.polisen.polisområde }}, polisregion {{ parter.polisen.polisregion }}).")
    optional(d, "parter.övriga", lambda: (
        lead_in(d, "Följande aktörer deltar också i samverkan:"),
        bullets(d, "o in parter.övriga", "{{ o.namn }}{% if o.roll %} – {{ o.roll }}{% endif %}")))

    d.add_heading("Bakgrund", level=1)
    para(d, "{{ bakgrund }}")

    d.add_heading("Syfte och mål", level=1)
    para(d, "{{ syfte }}")
    lead_in(d, "Målen för samverkan är att:")
    bullets(d, "m in mål", "{{ m }}")

    d.add_heading("Giltighetstid och uppsägning", level=1)
    para(d, "Överenskommelsen gäller {{ giltighet }}.")
    para(d, "{{ uppsägning }}")

    d.add_heading("Organisation och mötesformer", level=1)
    d.add_heading("Samverkansgrupp", level=2)
    para(d, "{{ organisation.samverkansgrupp.beskrivning }}")
    para(d, "{{ organisation.samverkansgrupp.mötesfrekvens }}", bold_label="Mötesfrekvens: ")
    optional(d, "organisation.brå", lambda: (
        d.add_heading("{{ organisation.brå.namn }}", level=2),
        para(d, "{{ organisation.brå.beskrivning }}"),
        para(d, "{{ organisation.brå.mötesfrekvens }}", bold_label="Mötesfrekvens: ")))
    d.add_heading("Kontaktfunktioner", level=2)
    data_table(d, "Kontaktfunktioner", ["Roll", "Part", "Uppgift"],
               "k in organisation.kontaktfunktioner",
               ["{{ k.roll }}", "{{ k.part }}", "{{ k.uppgift or '' }}"], [4.5, 4.5, 7.0])

    d.add_heading("Gemensam lägesbild", level=1)
    para(d, "{{ lägesbild.beskrivning }}")
    para(d, "{{ lägesbild.frekvens }}", bold_label="Uppdateras: ")

    d.add_heading("Fokusområden", level=1)
    lead_in(d, "Parterna har kommit överens om följande fokusområden:")
    bullets(d, "f in fokusområden", "{{ f.namn }}{% if f.beskrivning %} – {{ f.beskrivning }}{% endif %}")

    d.add_heading("Dokumentation av problembild", level=1)
    para(d, "{{ dokumentation_av_problembild.beskrivning }}")
    bullets(d, "del in dokumentation_av_problembild.delar", "{{ del.namn }}: {{ del.beskrivning }}")

    def promises():
        d.add_heading("Medborgarlöften", level=1)
        tag(d, "{%p for löfte in medborgarlöften %}")
        d.add_heading("{{ löfte.titel }}", level=2)
        para(d, "{{ löfte.problembild }}", bold_label="Problembild: ")
        optional_fields(d, "löfte", (("effekt", "Effekt"), ("tidsram", "Tidsram"),
                                     ("uppföljning", "Uppföljning"),
                                     ("kommunicering", "Kommunicering till medborgarna")))
        lead_in(d, "Polisen lovar att:")
        bullets(d, "p in löfte.polisen_lovar", "{{ p }}")
        lead_in(d, "Kommunen lovar att:")
        bullets(d, "k in löfte.kommunen_lovar", "{{ k }}")
        tag(d, "{%p endfor %}")
    optional(d, "medborgarlöften", promises)

    d.add_heading("Uppföljning", level=1)
    para(d, "{{ uppföljning.beskrivning }}")
    para(d, "{{ uppföljning.frekvens }}", bold_label="Frekvens: ")
    para(d, "{{ uppföljning.ansvarig }}", bold_label="Ansvarig: ")

    d.add_heading("Kommunikation", level=1)
    para(d, "{{ kommunikation }}")

    optional(d, "beslut", lambda: (
        d.add_heading("Beslut", level=1),
        para(d, "{{ beslutstext }}")))

    d.add_heading("Bilagor", level=1)
    tag(d, "{%p if planer %}")
    bullets(d, "p in planer", "Bilaga {{ p.nummer }} – {{ p.titel }} (fokusområde: {{ p.fokusområde }})")
    tag(d, "{%p else %}")
    para(d, "Överenskommelsen har inga bilagor.")
    tag(d, "{%p endif %}")

    signatures(d)
    return d


def plan_template() -> docx.Document:
    """Return the template of one plan (problembild), rendered as a bilaga."""
    d = new_document("Mall: problembild (bilaga)")
    header_and_footer(d, "Bilaga {{ bilaga }} till samverkansöverenskommelse")
    d.add_heading("Bilaga {{ bilaga }} – {{ titel }}", level=0)
    para(d, "Problembild till {{ överenskommelse.titel_gemener }}, version {{ överenskommelse.version }}",
         style="Subtitle")
    example_banner(d)
    para(d, "{{ fokusområde }}", bold_label="Fokusområde: ")
    optional(d, "period", lambda: para(d, "{{ period.från }} – {{ period.till }}", bold_label="Period: "))

    d.add_heading("1. Kartläggning", level=1)
    para(d, "{{ kartläggning.beskrivning }}")
    optional_fields(d, "kartläggning", (("var", "Var"), ("när", "När"), ("vilka", "Vilka")))
    d.add_heading("Källor", level=2)
    bullets(d, "k in kartläggning.källor", "{{ k }}")

    d.add_heading("2. Orsaksanalys", level=1)
    para(d, "{{ orsaksanalys.beskrivning }}")
    optional_fields(d, "orsaksanalys", (("offer", "Offer"), ("gärningsperson", "Gärningsperson"),
                                        ("plats", "Plats")))
    d.add_heading("Orsaker", level=2)
    bullets(d, "o in orsaksanalys.orsaker", "{{ o }}")

    d.add_heading("3. Mål", level=1)
    d.add_heading("Effektmål", level=2)
    bullets(d, "m in mål.effektmål", "{{ m }}")
    d.add_heading("Operativa mål", level=2)
    bullets(d, "m in mål.operativa_mål", "{{ m }}")

    d.add_heading("4. Aktiviteter", level=1)
    data_table(d, "Aktiviteter", ["Aktivitet", "Ansvarig", "När", "Resurser"], "a in aktiviteter",
               ["{{ a.aktivitet }}", "{{ a.ansvarig }}", "{{ a.när }}", "{{ a.resurser }}"],
               [4.7, 3.7, 3.2, 4.4])

    d.add_heading("5. Uppföljning", level=1)
    data_table(d, "Uppföljning", ["Indikator", "När", "Ansvarig", "Status", "Kommentar"],
               "u in uppföljning",
               ["{{ u.indikator }}", "{{ u.när }}", "{{ u.ansvarig }}", "{{ u.status }}",
                "{{ u.kommentar or '' }}"], [4.2, 2.5, 3.7, 1.9, 3.7])
    return d


def memo_header(document) -> None:
    """Add the memo's header on every page: kommun, document type and page; unit, date and dnr."""
    section = document.sections[0]
    first = section.header.paragraphs[0]
    second = section.header.add_paragraph(style="Header")
    for paragraph in (first, second):
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(9.0), WD_TAB_ALIGNMENT.LEFT)
    first.add_run("{{ kommun }}").bold = True
    first.add_run("\tTJÄNSTESKRIVELSE").bold = True
    first.add_run("\tSida ")
    _field(first, "PAGE", "1")
    first.add_run(" av ")  # "Sida 3 av 35", as every other document's footer says it
    _field(first, "NUMPAGES", "1")
    second.add_run("{{ enhet }}\tDatum {{ datum.iso }}\t{{ dnr }}")
    second.paragraph_format.space_after = Pt(12)


def memo_template() -> docx.Document:
    """Return the template of the tjänsteskrivelse (decision memo) to kommunstyrelsen."""
    d = new_document("Mall: tjänsteskrivelse")
    memo_header(d)
    tag(d, "{%p if logotyp %}")
    para(d, "{{ logotyp }}").paragraph_format.space_after = Pt(12)
    tag(d, "{%p endif %}")

    para(d, "{% if handläggare and handläggare.namn %}{{ handläggare.namn }}, {{ handläggare.titel|lower }}"
            "{% elif handläggare %}{{ handläggare.titel }}{% else %}–{% endif %}", bold_label="Handläggare: ")
    optional(d, "handläggare and (handläggare.telefon or handläggare.epost)", lambda: para(
        d, "{% if handläggare.telefon %}telefon {{ handläggare.telefon }}{% endif %}"
           "{% if handläggare.telefon and handläggare.epost %}, {% endif %}"
           "{% if handläggare.epost %}e-post {{ handläggare.epost }}{% endif %}", bold_label="Kontakt: "))
    para(d, "{{ mottagare }}", bold_label="Till: ")
    d.add_heading("{{ ärende }}", level=0)
    example_banner(d)

    d.add_heading("Förslag till beslut", level=1)
    bullets(d, "f in förslag", "{{ f }}", style="List Number")

    d.add_heading("Sammanfattning", level=1)
    para(d, "{{ sammanfattning }}")

    d.add_heading("Bakgrund", level=1)
    para(d, "{{ bakgrund }}")

    d.add_heading("Ärendet", level=1)
    para(d, "{{ ärendet }}")
    para(d, "{{ beredning }}")
    tag(d, "{%p if första %}")
    d.add_heading("Överenskommelsens innehåll", level=2)
    bullets(d, "i in innehåll", "{{ i }}")
    tag(d, "{%p else %}")
    d.add_heading("Ändringar jämfört med gällande överenskommelse", level=2)
    tag(d, "{%p if ändringar %}")
    data_table(d, "Ändringar jämfört med gällande överenskommelse",
               ["Område", "Ändring", "Tidigare", "Nytt"], "c in ändringar",
               ["{{ c.område }}", "{{ c.ändring }}", "{{ c.tidigare }}", "{{ c.nytt }}"],
               [2.6, 5.8, 3.8, 3.8])
    tag(d, "{%p else %}")
    para(d, "Förslaget innehåller inga ändringar i sak jämfört med den gällande överenskommelsen.")
    tag(d, "{%p endif %}")
    tag(d, "{%p endif %}")

    d.add_heading("Bedömning", level=1)
    para(d, "{{ bedömning }}")
    d.add_heading("Konsekvenser", level=1)
    for heading, text in (("Ekonomiska konsekvenser", "ekonomiska_konsekvenser"),
                          ("Konsekvenser för barn", "konsekvenser.barn"),
                          ("Konsekvenser för jämställdhet", "konsekvenser.jämställdhet"),
                          ("Konsekvenser för miljön", "konsekvenser.miljö")):
        d.add_heading(heading, level=2)
        para(d, "{{ %s }}" % text)
    d.add_heading("Beslutsunderlag", level=1)
    bullets(d, "b in beslutsunderlag", "{{ b }}")
    d.add_heading("Beslutet skickas till", level=1)
    bullets(d, "s in skickas_till", "{{ s }}")

    signature = para(d, "{% if handläggare %}{{ handläggare.namn or handläggare.titel }}{% endif %}")
    signature.paragraph_format.space_before = Pt(24)
    signature.paragraph_format.keep_with_next = True
    para(d, "{% if handläggare and handläggare.namn %}{{ handläggare.titel }}{% endif %}")
    return d


def overview_template() -> docx.Document:
    """Return the template of the county overview (länsöversikt) for the county coordinator."""
    d = new_document("Mall: länsöversikt")
    landscape(d)  # seven columns: in portrait the words broke in the middle
    simple_header(d, "{{ län }}", "Länsöversikt {{ datum.iso }}")
    d.add_heading("Samverkansöverenskommelser i {{ län }}", level=0)
    para(d, "Läget den {{ datum }}", style="Subtitle")
    example_banner(d)
    para(d, "{{ sammanfattning }}")
    d.add_heading("Kommunerna", level=1)
    data_table(d, "Samverkansöverenskommelser per kommun",
               ["Kommun", "Lokalpolisområde", "Gällande version", "Giltighetstid", "Senaste version",
                "Senaste uppföljning", "Observera"], "k in kommuner",
               ["{{ k.kommun }}", "{{ k.lokalpolisområde }}", "{{ k.gällande }}", "{{ k.giltighet }}",
                "{{ k.senaste }}", "{{ k.uppföljning }}", "{{ k.flagga }}"], [3.9, 4.0, 2.2, 4.1, 2.8, 5.0, 3.7])
    d.add_heading("Indelning i lokalpolisområden", level=1)
    para(d, "{{ polisorganisation }}")
    bullets(d, "o in lokalpolisområden", "{{ o }}")
    return d


def landscape(document) -> None:
    """Turn the document's page to A4 landscape with 2 cm margins (wide tables)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    for name in ("Header", "Footer"):
        tabs = document.styles[name].paragraph_format.tab_stops
        for stop in list(tabs):
            tabs._pPr.tabs.remove(stop._tab)
        tabs.add_tab_stop(Cm(25.7), WD_TAB_ALIGNMENT.RIGHT)


def action_plan_template() -> docx.Document:
    """Return the template of the åtgärdsplan: Brå's columns, one table per problembild."""
    d = new_document("Mall: åtgärdsplan")
    landscape(d)
    header_and_footer(d, "Åtgärdsplan")
    d.add_heading("{{ titel }}", level=0)
    para(d, "{{ statusrad }}", style="Subtitle")
    example_banner(d)
    para(d, "{{ inledning }}")
    optional(d, "beslutstext", lambda: para(d, "{{ beslutstext }}"))
    tag(d, "{%p for p in planer %}")
    d.add_heading("{{ p.rubrik }}", level=1)
    para(d, "{{ p.fokusområde }}{% if p.period %}. Period: {{ p.period }}{% endif %}.", bold_label="Fokusområde: ")
    lead_in(d, "Effektmål:")
    bullets(d, "e in p.effektmål", "{{ e }}")
    data_table(d, "Åtgärdsplan: orsak, åtgärd, operativa mål, när, vem och uppföljning",
               ["Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"], "r in p.rader",
               ["{{ r.orsak }}", "{{ r.åtgärd }}", "{{ r.mål }}", "{{ r.när }}", "{{ r.vem }}", "{{ r.uppföljning }}"],
               [4.4, 5.0, 4.6, 2.9, 3.2, 5.6])
    optional(d, "p.utan_åtgärd", lambda: para(d, "{{ p.utan_åtgärd }}", bold_label="Orsaker utan åtgärd: "))
    optional(d, "p.utan_länkar", lambda: para(d, "{{ p.utan_länkar }}", bold_label="Utan länkar: "))
    tag(d, "{%p endfor %}")
    return d


def followup_template() -> docx.Document:
    """Return the template of the follow-up report (uppföljning) for the samverkansgrupp or BRÅ."""
    d = new_document("Mall: uppföljning")
    header_and_footer(d, "Uppföljning")
    d.add_heading("{{ titel }}", level=0)
    para(d, "{{ undertitel }}", style="Subtitle")
    example_banner(d)
    d.add_heading("Sammanfattning", level=1)
    bullets(d, "s in sammanfattning", "{{ s }}")
    d.add_heading("Status per plan", level=1)
    para(d, "{{ översikt.bild }}")
    data_table(d, "{{ översikt.rubrik }}", ["Plan", "Klar", "Grön", "Gul", "Röd", "Ej påbörjad", "Ej uppföljd"],
               "r in översikt.rader", ["{{ r.plan }}", "{{ r.klar }}", "{{ r.grön }}", "{{ r.gul }}", "{{ r.röd }}",
                                        "{{ r.ej_påbörjad }}", "{{ r.ej_uppföljd }}"],
               [5.2, 1.6, 1.6, 1.6, 1.6, 2.2, 2.2])
    tag(d, "{%p for p in planer %}")
    d.add_heading("{{ p.rubrik }}", level=1)
    para(d, "{{ p.sammanfattning }}")
    d.add_heading("Aktiviteter", level=2)
    data_table(d, "Aktiviteter: status och förändring sedan föregående uppföljning",
               ["Id", "Aktivitet", "Ansvarig", "Status", "Förändring", "Kommentar"], "a in p.aktiviteter",
               ["{{ a.id }}", "{{ a.aktivitet }}", "{{ a.ansvarig }}", "{{ a.status }}", "{{ a.förändring }}",
                "{{ a.kommentar }}"], [1.0, 4.6, 2.8, 1.9, 2.2, 3.5])
    d.add_heading("Indikatorer", level=2)
    data_table(d, "Indikatorer: utgångsvärde, mål och uppmätta värden",
               ["Id", "Indikator", "Utgångsvärde", "Mål", "Senaste värde", "Förändring"], "i in p.indikatorer",
               ["{{ i.id }}", "{{ i.indikator }}", "{{ i.utgångsvärde }}", "{{ i.målvärde }}", "{{ i.senaste }}",
                "{{ i.förändring }}"], [1.0, 5.6, 2.3, 2.0, 2.6, 2.5])
    tag(d, "{%p for c in p.diagram %}")
    d.add_heading("{{ c.rubrik }}", level=3)
    para(d, "{{ c.bild }}")
    data_table(d, "{{ c.tabelltext }}", ["Datum", "Värde", "Kommentar"], "v in c.värden",
               ["{{ v.datum }}", "{{ v.värde }}", "{{ v.kommentar }}"], [3.0, 4.5, 8.5])
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    return d


MONTH_COLUMNS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def numbers_right(table, first: int = 1, size: float | None = None) -> None:
    """Align the columns from ``first`` on to the right (figures line up by their last digit), with
    no space after a cell's line (a table of figures reads in rows), and set the table's text to
    ``size`` points when given (a table with many narrow columns)."""
    for row in table.rows:
        for number, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(1)
                if number >= first:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if size:
                    for run in paragraph.runs:
                        run.font.size = Pt(size)


def small_line(document, text: str, keep_with_next: bool = False):
    """Add a line in small print (a note on the figures below or above it)."""
    paragraph = para(document, text)
    paragraph.runs[0].font.size = Pt(9)
    paragraph.paragraph_format.keep_with_next = keep_with_next
    return paragraph


def keep_together(table) -> None:
    """Keep a table's rows on one page with what follows, so a short table is never split."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def whole_words(paragraph) -> None:
    """Keep a paragraph from being hyphenated automatically (an address must stay as it is)."""
    paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:suppressAutoHyphens"),
                                                        *_AFTER_SUPPRESS_HYPHENS)


# The lägesbild's indicator table in its six shapes: a count (with its rate per 100 000 invånare)
# or another unit, with the county's and the country's figures beside, one of them, or neither.
HUNDRED_THOUSAND = "100\u00a0000"  # never broken over two lines
_CHANGE_HEADERS = ["Mot året före", "Mot snittet av de tre åren före"]
_UNIT_CHANGE_HEADERS = [h + "{{ i.förändring_i }}" for h in _CHANGE_HEADERS]  # ", procentenheter" for a share
_CHANGE_CELLS = ["{{ r.föregående }}", "{{ r.snitt }}"]
_COUNTED = (["År", "Antal", f"Per {HUNDRED_THOUSAND} invånare", *_CHANGE_HEADERS],
            ["{{ r.år }}", "{{ r.värde }}", "{{ r.per100k }}", *_CHANGE_CELLS])
_OTHER = (["År", "{{ i.enhet }}", *_UNIT_CHANGE_HEADERS], ["{{ r.år }}", "{{ r.värde }}", *_CHANGE_CELLS])
INDICATOR_WIDTHS = {  # (a count?, columns beside) → widths in cm, 16 cm in all
    (True, 2): [1.5, 1.5, 2.0, 3.2, 3.2, 2.3, 2.3], (True, 1): [1.6, 1.8, 2.4, 3.6, 3.8, 2.8],
    (True, 0): [2.0, 2.4, 3.4, 4.0, 4.2], (False, 2): [1.5, 2.2, 3.5, 3.6, 2.6, 2.6],
    (False, 1): [1.8, 2.6, 4.0, 4.2, 3.4], (False, 0): [2.4, 3.4, 5.0, 5.2],
}


def indicator_table(document) -> None:
    """Add the table of one indicator ``i``, in the shape its figures call for: the columns of the
    county and the country (``i.jämförelse``, their headings ``i.jämförelse_rubriker``) only when
    the data has them."""
    first = True
    for (counted, beside), widths in INDICATOR_WIDTHS.items():
        headers, cells = _COUNTED if counted else _OTHER
        headers = headers + [f"{{{{ i.jämförelse_rubriker[{n}] }}}}" for n in range(beside)]
        cells = cells + [f"{{{{ r.jämförelse[{n}] }}}}" for n in range(beside)]
        condition = f"{'' if counted else 'not '}i.räknas and i.jämförelse|length == {beside}"
        tag(document, ("{%p if " if first else "{%p elif ") + condition + " %}")
        table = data_table(document, "{{ i.tabelltext }}", headers, "r in i.rader", cells, widths)
        numbers_right(table)
        keep_together(table)
        first = False
    tag(document, "{%p endif %}")


def lagesbild_template() -> docx.Document:
    """Return the template of the lägesbild: the parties' own text, then the statistics under it –
    per indicator a chart and a table over the years, Polisen's events per type and month, and
    every source with its date."""
    d = new_document("Mall: lägesbild")
    header_and_footer(d, "Lägesbild")
    d.add_heading("{{ titel }}", level=0)
    para(d, "{{ undertitel }}", style="Subtitle")
    example_banner(d)

    d.add_heading("Parternas lägesbild", level=1)
    para(d, "{{ lägesbild.beskrivning }}")
    para(d, "{{ lägesbild.frekvens }}", bold_label="Uppdateras: ")

    d.add_heading("Statistiken", level=1)
    bullets(d, "s in om_statistiken", "{{ s }}")
    tag(d, "{%p for i in indikatorer %}")
    d.add_heading("{{ i.rubrik }}", level=2)
    lead_in(d, "{{ i.källa }}")
    optional(d, "i.fotnot", lambda: small_line(d, "{{ i.fotnot }}", keep_with_next=True))
    # The chart below its table: LibreOffice keeps a heading with a table that keeps with the next
    # paragraph, but leaves it alone at the foot of a page above a paragraph that is a tall picture.
    indicator_table(d)
    optional(d, "i.bild", lambda: para(d, "{{ i.bild }}"))
    tag(d, "{%p endfor %}")

    def events():
        d.add_heading("Polisens händelser", level=1)
        lead_in(d, "{{ händelser.inledning }}")
        lead_in(d, "{{ händelser.källa }}")
        tag(d, "{%p for å in händelser.år %}")
        d.add_heading("{{ å.rubrik }}", level=2)
        optional(d, "å.fotnot", lambda: small_line(d, "{{ å.fotnot }}", keep_with_next=True))
        table = data_table(d, "{{ å.tabelltext }}", ["Typ", *MONTH_COLUMNS, "Summa"], "r in å.rader",
                           ["{{ r.typ }}", *(f"{{{{ r.månader[{m}] }}}}" for m in range(12)), "{{ r.summa }}"],
                           [3.3] + [0.9] * 12 + [1.5])
        numbers_right(table, size=8)
        tag(d, "{%p endfor %}")
    optional(d, "händelser", events)

    d.add_heading("Källor", level=1)
    tag(d, "{%p for k in källor %}")
    whole_words(para(d, "{{ k }}", style="List Bullet"))
    tag(d, "{%p endfor %}")
    return d


def county_lagesbild_template() -> docx.Document:
    """Return the template of the county's lägesbild: per indicator the kommuner compared per
    100 000 invånare over the last years, the county and the country beside, sources under."""
    d = new_document("Mall: lägesbild för länet")
    landscape(d)
    simple_header(d, "{{ län }}", "Lägesbild för länet {{ datum.iso }}")
    d.add_heading("{{ titel }}", level=0)
    para(d, "{{ undertitel }}", style="Subtitle")
    example_banner(d)
    bullets(d, "s in om_statistiken", "{{ s }}")
    tag(d, "{%p for i in indikatorer %}")
    d.add_heading("{{ i.rubrik }}", level=1)
    lead_in(d, "{{ i.källa }}")
    optional(d, "i.fotnot", lambda: small_line(d, "{{ i.fotnot }}", keep_with_next=True))
    table = data_table(d, "{{ i.tabelltext }}",
                       ["Kommun", *(f"{{{{ i.år[{n}] }}}}" for n in range(5)), "Mot året före"], "r in i.rader",
                       ["{{ r.namn }}", *(f"{{{{ r.värden[{n}] }}}}" for n in range(5)), "{{ r.förändring }}"],
                       [6.0, 2.8, 2.8, 2.8, 2.8, 2.8, 5.6])
    numbers_right(table)
    keep_together(table)  # the county's and the country's rows with the kommuner they compare
    tag(d, "{%p endfor %}")
    d.add_heading("Källor", level=1)
    tag(d, "{%p for k in källor %}")
    whole_words(para(d, "{{ k }}", style="List Bullet"))
    tag(d, "{%p endfor %}")
    return d


# --- saving ----------------------------------------------------------------------

def save(document, path: Path) -> None:
    """Save without python-docx's thumbnail picture (it shows a blank page in file browsers)."""
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "docProps/thumbnail.jpeg":
                continue
            data = source.read(item.filename)
            if item.filename == "_rels/.rels":
                data = re.sub(rb'<Relationship [^>]*thumbnail\.jpeg"/>', b"", data)
            item.date_time = (1980, 1, 1, 0, 0, 0)
            target.writestr(item, data)


def main() -> int:
    save(agreement_template(), HERE / "overenskommelse.docx")
    save(plan_template(), HERE / "plan.docx")
    save(memo_template(), HERE / "tjansteskrivelse.docx")
    save(overview_template(), HERE / "lansoversikt.docx")
    save(action_plan_template(), HERE / "atgardsplan.docx")
    save(followup_template(), HERE / "uppfoljning.docx")
    save(lagesbild_template(), HERE / "lagesbild.docx")
    save(county_lagesbild_template(), HERE / "lagesbild-lan.docx")
    print("skrev overenskommelse.docx, plan.docx, tjansteskrivelse.docx, lansoversikt.docx, atgardsplan.docx, "
          "uppfoljning.docx, lagesbild.docx och lagesbild-lan.docx i", HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Markings for the registrator, and codes that print whole.

Texts reach a template as plain strings that Jinja escapes, so data never writes Word
markup. Two kinds of passage still need formatting of their own; the context marks them with
characters from Unicode's private use area, and rendering (:func:`resolve`) turns the marks into
runs after Jinja has escaped the text:

- a passage under sekretess (:func:`secret`). An internal document shows it shaded between two
  bold labels, "[Sekretessmarkering: OSL 18 kap. 1 §]" … "[Slut på sekretessmarkering]": the
  labels survive printing in black and white and copying, the shading helps on screen. A
  document with such a passage says at the top of every page which provisions apply
  (:func:`secrecy_line`, put in every header by :func:`with_header_line`);
- a code that must print whole (:func:`code`), such as a seal's checksum: never hyphenated,
  never spell-checked (``w:noProof`` and the language ``zxx``, "no linguistic content").

A public document says "Offentlig version" at the top of every page instead
(:data:`PUBLIC_LINE`); :func:`unmarked` takes an internal document's markings away before it is
masked, and :data:`LEFTOVERS` finds any that remain.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree

from pipeline import ooxml
from pipeline.ooxml import safexml
from pipeline.ooxml.names import W
from pipeline.ooxml.package import zip_bytes
from pipeline.swedish import joined

SECRET, GROUND_END, SECRET_END = "\ue000", "\ue001", "\ue002"  # SECRET ground GROUND_END passage SECRET_END
CODE, CODE_END = "\ue003", "\ue004"
MARKS = SECRET + GROUND_END + SECRET_END + CODE + CODE_END
OPEN_LABEL = "[Sekretessmarkering: {ground}]"
OPEN_LABEL_BARE = "[Sekretessmarkering]"
CLOSE_LABEL = "[Slut på sekretessmarkering]"
SECRECY_PREFIX = "Innehåller uppgifter som kan omfattas av sekretess"
PUBLIC_LINE = "Offentlig version"
SHADING = "D9D9D9"  # light grey: prints as grey in black and white, the text stays readable
SECRECY_COLOUR = "C00000"
# What must never stand in a public document: an internal document's labels and header line.
LEFTOVERS = [re.compile(r"\[\s*Sekretessmarkering\b[^\]]*\]", re.IGNORECASE),
             re.compile(re.escape(CLOSE_LABEL), re.IGNORECASE),
             re.compile(re.escape(SECRECY_PREFIX), re.IGNORECASE)]


# --- marking a text (the context) ----------------------------------------------------------------

def secret(text: str, ground: str | None) -> str:
    """Return ``text`` marked as a passage under sekretess on ``ground`` ("OSL 18 kap. 1 §")."""
    if not text.strip():
        return text
    return f"{SECRET}{' '.join((ground or '').split())}{GROUND_END}{text}{SECRET_END}"


def code(text: str) -> str:
    """Return ``text`` marked as a code that prints whole: no hyphenation, no spelling check."""
    return f"{CODE}{text}{CODE_END}"


def clean(text: str) -> str:
    """Return ``text`` without the marking characters (data cannot mark a passage by writing them)."""
    if not any(c in text for c in MARKS):
        return text
    return text.translate({ord(c): None for c in MARKS})


def plain(text: str) -> str:
    """Return a marked text as plain text, where no formatting is possible (an attribute, a property)."""
    if not any(c in text for c in MARKS):
        return text
    return clean(_GROUND.sub("", text))


_GROUND = re.compile(f"{SECRET}[^{GROUND_END}{SECRET_END}]*{GROUND_END}")


# --- rendering the marks as runs -----------------------------------------------------------------

_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"(<w:t(?: [^>]*)?>)(.*?)</w:t>", re.DOTALL)
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)
_TOKEN = re.compile(f"({SECRET}[^{GROUND_END}{SECRET_END}]*{GROUND_END}|{SECRET_END}|{CODE}|{CODE_END})")
_TEXT_START = '<w:t xml:space="preserve">'
# The children of w:rPr in the order ECMA-376 gives them (CT_RPr), for inserting one in its place.
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
              "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange")
_RPR_CHILD = re.compile(r"<w:(\w+)\b[^>]*?/>|<w:(\w+)\b[^>]*?>.*?</w:\2>", re.DOTALL)


def resolve(xml: str) -> tuple[str, list[str]]:
    """Return a rendered part with its marks made into runs, and the legal grounds of the passages
    under sekretess in it, in order. A mark that stands where no run can be made (an attribute's
    value) leaves its text plain."""
    if not any(c in xml for c in MARKS):
        return xml, []
    grounds: list[str] = []
    xml = _RUN.sub(lambda run: _resolve_run(run.group(0), grounds), xml)
    if any(c in xml for c in MARKS):
        xml = plain(xml)
    return xml, list(dict.fromkeys(g for g in grounds if g))


def _resolve_run(run: str, grounds: list[str]) -> str:
    if not any(c in run for c in MARKS):
        return run
    found = _RPR.search(run)
    base = found.group(0) if found else ""
    return _TEXT.sub(lambda text: _resolve_text(base, text.group(2), grounds), run)


def _resolve_text(base: str, content: str, grounds: list[str]) -> str:
    """Return one w:t's replacement: its text cut into runs at the marks, each with the formatting
    its place asks for; the last run is closed by the w:r the w:t stood in."""
    parts = [_TEXT_START]
    in_secret = in_code = False

    def switch(text: str = "", properties: str | None = None) -> None:
        parts.append(f"</w:t></w:r><w:r>{properties if properties is not None else current()}{_TEXT_START}{text}")

    def current() -> str:
        return _properties(base, secret=in_secret, code=in_code)

    for piece in _TOKEN.split(content):
        if not piece:
            continue
        if piece.startswith(SECRET):
            ground = piece[1:-1]
            grounds.append(html.unescape(ground))
            label = OPEN_LABEL.format(ground=ground.replace(" ", "\u00a0")) if ground else OPEN_LABEL_BARE
            switch(label + " ", _properties(base, secret=True, label=True))
            in_secret = True
            switch()
        elif piece == SECRET_END:
            in_secret = False
            switch(" " + CLOSE_LABEL, _properties(base, secret=True, label=True))
            switch()
        elif piece == CODE:
            in_code = True
            switch()
        elif piece == CODE_END:
            in_code = False
            switch()
        else:
            parts.append(piece)
    parts.append("</w:t>")
    return "".join(parts)


_NO_LANGUAGE = '<w:lang w:val="zxx" w:eastAsia="zxx" w:bidi="zxx"/>'  # "no linguistic content": no hyphenation


def _properties(base: str, secret: bool = False, label: bool = False, code: bool = False) -> str:
    """Return run properties ``base`` with what a marked passage, its label or a code adds."""
    added = {}
    if label:  # bold, and never hyphenated ("[Slut på sekretessmar-/kering]")
        added["b"] = "<w:b/>"
        added["lang"] = _NO_LANGUAGE
    if secret:
        added["shd"] = f'<w:shd w:val="clear" w:color="auto" w:fill="{SHADING}"/>'
    if code:
        added["noProof"] = "<w:noProof/>"
        added["lang"] = _NO_LANGUAGE
    if not added:
        return base
    inner = base[len("<w:rPr>"):-len("</w:rPr>")] if base else ""
    children = [(m.group(1) or m.group(2), m.group(0)) for m in _RPR_CHILD.finditer(inner)]
    children = [(name, xml) for name, xml in children if name not in added] + list(added.items())
    children.sort(key=lambda child: _RPR_ORDER.index(child[0]) if child[0] in _RPR_ORDER else len(_RPR_ORDER))
    return "<w:rPr>" + "".join(xml for _, xml in children) + "</w:rPr>"


# --- the line at the top of every page ------------------------------------------------------------

def secrecy_line(grounds: list[str]) -> str:
    """Return the header line of an internal document with passages under sekretess:
    "Innehåller uppgifter som kan omfattas av sekretess enligt OSL 18 kap. 1 § (markerade i texten)"."""
    named = joined([" ".join(g.split()) for g in grounds if g.strip()])
    return f"{SECRECY_PREFIX}{' enligt ' + named if named else ''} (markerade i texten)"


def header_parts(names) -> list[str]:
    """Return the header parts among part names, in order."""
    return sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))


def with_header_line(parts: dict[str, bytes], text: str, colour: str | None = None) -> dict[str, bytes]:
    """Return the changed header parts of ``parts`` (name → XML), each with ``text`` as its first
    paragraph in bold, so that it stands at the top of every page."""
    return {name: ooxml.prepend_paragraph(parts[name], text, colour=colour, style="Header")
            for name in header_parts(parts)}


def public_document(data: bytes, name: str = "dokument.docx") -> bytes:
    """Return a public .docx with "Offentlig version" at the top of every page (once)."""
    parts = ooxml.unpack(data, Path(name))
    headers = {n: parts[n] for n in header_parts(parts) if PUBLIC_LINE.encode() not in parts[n]}
    if not headers:
        return data
    return zip_bytes({**parts, **with_header_line(headers, PUBLIC_LINE)})


# --- taking an internal document's markings away -----------------------------------------------------

def unmarked(data: bytes, name: str = "dokument.docx") -> bytes:
    """Return a .docx without an internal document's markings: no secrecy line in its headers, no
    labels around the marked passages and no shading on them (the passages themselves are left to
    the masking). A document without markings comes back as it was."""
    parts = ooxml.unpack(data, Path(name))
    changed = {}
    for part in sorted(parts):
        if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml", part):
            continue
        raw = parts[part]
        if b"Sekretessmarkering" not in raw and SECRECY_PREFIX.encode() not in raw and SHADING.encode() not in raw:
            continue
        root = safexml.parse(raw)
        if _unmark(root):
            changed[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return zip_bytes({**parts, **changed}) if changed else data


def _unmark(root) -> bool:
    """Take the markings out of one part; ``True`` when anything was taken."""
    changed = False
    for paragraph in list(root.iter(f"{W}p")):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        if text.startswith(SECRECY_PREFIX) and paragraph.getparent() is not None:
            paragraph.getparent().remove(paragraph)
            changed = True
    for run in list(root.iter(f"{W}r")):
        text = "".join(t.text or "" for t in run.iter(f"{W}t")).strip()
        if (text == CLOSE_LABEL or re.fullmatch(r"\[Sekretessmarkering(: [^\]]*)?\]", text)) \
                and run.getparent() is not None:
            run.getparent().remove(run)
            changed = True
            continue
        for shading in run.findall(f"{W}rPr/{W}shd"):
            if shading.get(f"{W}fill") == SHADING:
                shading.getparent().remove(shading)
                changed = True
    return changed

"""A Word document's body as HTML: what the web app shows as a preview or a redline.

The documents this program makes use a few built-in styles (Title, Subtitle,
Heading 1–3, List Bullet and List Number at three levels) and plain tables; those
become ``h1``–``h4``, ``ul``/``ol`` and ``table`` with header cells and caption.
Tracked changes become ``ins`` and ``del`` – marked for screen readers too, not by
colour alone (the style sheet adds the words). Any other paragraph is a ``p``; any
text is escaped. Headers, footers and fields' codes are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from pipeline.ooxml import safexml
from pipeline.ooxml.names import W

_HEADINGS = {"Title": "h1", "Heading1": "h2", "Heading2": "h3", "Heading3": "h4"}
_LISTS = {"ListBullet": ("ul", 1), "ListBullet2": ("ul", 2), "ListBullet3": ("ul", 3),
          "ListNumber": ("ol", 1), "ListNumber2": ("ol", 2), "ListNumber3": ("ol", 3)}
_SUBTITLE = "Subtitle"
_CAPTION_STYLES = ("Caption",)


@dataclass
class _Out:
    """HTML being written, with the lists that are open."""

    parts: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)  # open list tags, outermost first

    def close_lists(self, depth: int = 0) -> None:
        while len(self.lists) > depth:
            self.parts.append(f"</li></{self.lists.pop()}>")


def body_html(document_xml: bytes) -> str:
    """Return the body of ``word/document.xml`` as an HTML fragment."""
    root = safexml.parse(document_xml)
    body = root.find(W + "body")
    out = _Out()
    if body is not None:
        _blocks(body, out)
    out.close_lists()
    return "".join(out.parts)


def _blocks(container, out: _Out) -> None:
    for child in container:
        if child.tag == W + "p":
            _paragraph(child, out)
        elif child.tag == W + "tbl":
            out.close_lists()
            out.parts.append(_table(child))
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                _blocks(content, out)


def _style(paragraph) -> str:
    ppr = paragraph.find(W + "pPr")
    style = ppr.find(W + "pStyle") if ppr is not None else None
    return style.get(W + "val", "") if style is not None else ""


def _paragraph_change(paragraph) -> str | None:
    """Return "ins" or "del" when the paragraph itself (its mark) was inserted or deleted."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is None:
        return None
    if rpr.find(W + "ins") is not None:
        return "ins"
    if rpr.find(W + "del") is not None:
        return "del"
    return None


def _paragraph(paragraph, out: _Out) -> None:
    style = _style(paragraph)
    content = _inline(paragraph)
    change = _paragraph_change(paragraph)
    if not content.strip() and change is None:
        if style not in _LISTS:
            out.close_lists()
        return  # an empty paragraph is spacing in Word, nothing to read
    marker = f' class="stycke-{change}"' if change else ""
    if style in _LISTS:
        tag, depth = _LISTS[style]
        while len(out.lists) > depth:
            out.parts.append(f"</li></{out.lists.pop()}>")
        if len(out.lists) == depth:
            out.parts.append("</li>")
        while len(out.lists) < depth:
            out.lists.append(tag)
            out.parts.append(f"<{tag}>")
        out.parts.append(f"<li{marker}>{content}")
        return
    out.close_lists()
    if style in _HEADINGS:
        tag = _HEADINGS[style]
        out.parts.append(f"<{tag}{marker}>{content}</{tag}>")
    elif style == _SUBTITLE:
        out.parts.append(f'<p class="underrubrik{" stycke-" + change if change else ""}">{content}</p>')
    else:
        out.parts.append(f"<p{marker}>{content}</p>")


def _inline(element) -> str:
    """Return the text of a paragraph or cell paragraph as HTML, changes as ins/del."""
    parts = []
    for child in element:
        tag = child.tag
        if tag == W + "r":
            parts.append(_run(child))
        elif tag in (W + "ins", W + "del", W + "moveTo", W + "moveFrom"):
            kind = "ins" if tag in (W + "ins", W + "moveTo") else "del"
            inner = "".join(_run(r) for r in child.iter(W + "r"))
            if inner:
                parts.append(f"<{kind}>{inner}</{kind}>")
        elif tag in (W + "hyperlink", W + "smartTag", W + "fldSimple", W + "customXml"):
            parts.append(_inline(child))
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                parts.append(_inline(content))
    return "".join(parts)


def _run(run) -> str:
    pieces = []
    for child in run:
        if child.tag in (W + "t", W + "delText"):
            pieces.append(escape(child.text or "", quote=False))
        elif child.tag == W + "tab":
            pieces.append(" ")
        elif child.tag in (W + "br", W + "cr"):
            pieces.append("<br>")
        elif child.tag == W + "noBreakHyphen":
            pieces.append("\u2011")
    return "".join(pieces)


def _table(table) -> str:
    caption = table.find(f"{W}tblPr/{W}tblCaption")
    rows = []
    for row in table.iter(W + "tr"):
        if row.getparent() is not table:
            continue
        header = row.find(f"{W}trPr/{W}tblHeader") is not None
        change = None
        if row.find(f"{W}trPr/{W}ins") is not None:
            change = "ins"
        elif row.find(f"{W}trPr/{W}del") is not None:
            change = "del"
        cells = []
        for cell in row.findall(W + "tc"):
            text = "<br>".join(filter(None, (_inline(p) for p in cell.iter(W + "p"))))
            if change:
                text = f"<{change}>{text}</{change}>" if text else text
            tag = "th" if header else "td"
            scope = ' scope="col"' if header else ""
            cells.append(f"<{tag}{scope}>{text}</{tag}>")
        rows.append(("head" if header else "body", "<tr>" + "".join(cells) + "</tr>"))
    head = "".join(r for kind, r in rows if kind == "head")
    body = "".join(r for kind, r in rows if kind == "body")
    title = caption.get(W + "val") if caption is not None else ""
    return ("<table>" + (f"<caption>{escape(title)}</caption>" if title else "")
            + (f"<thead>{head}</thead>" if head else "") + f"<tbody>{body}</tbody></table>")


def count_changes(html_text: str) -> tuple[int, int]:
    """Return how many insertions and deletions an HTML fragment from :func:`body_html` marks."""
    return html_text.count("<ins>"), html_text.count("<del>")

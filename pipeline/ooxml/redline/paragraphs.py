"""Compare two paragraphs token by token and write the result as runs with w:ins/w:del.

The new paragraph's properties are kept (with a w:pPrChange when they differ);
equal text keeps the new runs' formatting (with w:rPrChange when it differs);
changed stretches become one w:del followed by one w:ins (see redline_words).
Content that comes from the old document is handed to ``revisions.sides.adopt``
so the package can bring its pictures, styles, numbering and notes along.
"""

from __future__ import annotations

import copy

from lxml import etree

from pipeline.ooxml.redline import words as redline_words
from pipeline.ooxml.redline.formatting import paragraph_key
from pipeline.ooxml.redline.tokens import (
    MARKERS,
    NOTE_REFERENCES,
    XML_SPACE,
    Token,
    Tokenizer,
    W,
    as_deleted,
    complex_field,
    mark_inside,
    rpr_key,
)

_HEADING_STYLES = ("heading", "rubrik", "title", "titel", "subtitle", "underrubrik")
_WRAPPABLE_UNITS = ("field", "oMath", "oMathPara")  # runs or equations: allowed inside w:ins/w:del


def shell(paragraph) -> etree._Element:
    """Return an empty copy of a paragraph: its element and properties, no runs."""
    result = etree.Element(paragraph.tag, attrib=dict(paragraph.attrib))
    ppr = paragraph.find(W + "pPr")
    if ppr is not None:
        result.append(copy.deepcopy(ppr))
    return result


def ppr_key(ppr) -> bytes:
    """Return paragraph properties as bytes for comparing (their effect, however written), without
    mark, revisions or section."""
    return paragraph_key(ppr, {W + "rPr", W + "pPrChange", W + "sectPr"})


def is_heading(paragraph) -> bool:
    """True when a paragraph is a title or heading (by its style or outline level)."""
    ppr = paragraph.find(W + "pPr")
    if ppr is None:
        return False
    style = ppr.find(W + "pStyle")
    name = (style.get(W + "val") or "").lower() if style is not None else ""
    return ppr.find(W + "outlineLvl") is not None or name.startswith(_HEADING_STYLES)


def diff_paragraph(old, new, revisions) -> etree._Element:
    """Return ``new`` with word-level revisions against ``old``."""
    result = shell(new)
    if ppr_key(old.find(W + "pPr")) != ppr_key(new.find(W + "pPr")):
        ppr_change(result, old.find(W + "pPr"), revisions)
    if section(old) is not None and section(result) is not None:
        section_change(section(result), section(old), revisions)
    sides = revisions.sides
    old_tokens, _ = Tokenizer(sides.relkey_old, sides.styles_old).tokens(old)
    new_tokens, new_tail = Tokenizer(sides.relkey_new, sides.styles_new).tokens(new)
    ops = redline_words.opcodes([t.key for t in old_tokens], [t.key for t in new_tokens],
                                ([t.is_word for t in old_tokens], [t.is_word for t in new_tokens]),
                                heading=is_heading(new) or is_heading(old))
    pieces = []
    for op, i1, i2, j1, j2 in ops:
        if op == redline_words.EQUAL:
            pieces += _equal_pieces(old_tokens[i1:i2], new_tokens[j1:j2], revisions)
            continue
        result.extend(_build(pieces, None, revisions))
        result.extend(_build(_changed_pieces(old_tokens[i1:i2], "del", revisions), "del", revisions))
        result.extend(_build(_changed_pieces(new_tokens[j1:j2], "ins", revisions), "ins", revisions))
        pieces = []
    result.extend(_build(pieces, None, revisions))
    result.extend(copy.deepcopy(m) for m in new_tail)
    return result


def whole_paragraph(paragraph, revisions, kind: str, mark: bool = True) -> etree._Element:
    """Return a paragraph whose content (and, if ``mark``, its mark) is all inserted or deleted."""
    result = copy.deepcopy(paragraph)
    if kind == "del":
        result = revisions.sides.adopt(result)  # a section break it carries comes back on reject
    mark_inside(result, kind, revisions)
    if len(result) > (1 if result.find(W + "pPr") is not None else 0):
        revisions.counts[kind] += 1
    if mark:
        set_mark(result, revisions.mark(kind))
    return result


def section(paragraph):
    """Return the section properties a paragraph's mark carries (a section break), or None."""
    return paragraph.find(f"{W}pPr/{W}sectPr")


_SECTION_STORIES = (W + "headerReference", W + "footerReference", W + "sectPrChange")


def section_layout(sect) -> bytes:
    """Return a section's properties as bytes for comparing: page, margins, columns, break type …
    (not its headers and footers, which are parts of their own, nor revision ids)."""
    if sect is None:
        return b""
    kept = [copy.deepcopy(c) for c in sect if c.tag not in _SECTION_STORIES and isinstance(c.tag, str)]
    return b"".join(etree.tostring(c) for c in kept)


def section_change(sect, old_sect, revisions) -> None:
    """Record on ``sect`` that its layout changed from ``old_sect``'s (a w:sectPrChange), if it did."""
    if section_layout(sect) == section_layout(old_sect):
        return
    for change in sect.findall(W + "sectPrChange"):
        sect.remove(change)
    change = revisions.mark("sectPrChange")
    previous = etree.SubElement(change, W + "sectPr")
    if old_sect is not None:
        previous.extend(copy.deepcopy(c) for c in old_sect
                        if c.tag not in _SECTION_STORIES and isinstance(c.tag, str))
        revisions.sides.adopt(previous)
    sect.append(change)  # the change is the last child of sectPr
    revisions.counts["format"] += 1


def split_at_section_break(old, new, revisions) -> list:
    """Return two paragraphs for a pair of which only one carries a section break.

    Word keeps a section's properties in a paragraph mark, and a mark that is neither
    inserted nor deleted cannot gain or lose them. The compared content therefore ends
    in the old paragraph's mark, deleted, followed by an empty paragraph with the new
    paragraph's mark, inserted: accepting removes the old mark and the content joins the
    new one; rejecting removes the new mark, and the empty paragraph joins what follows
    (before a table, where nothing can join, it stays: the one inexact case, see the docs).
    """
    result = diff_paragraph(old, new, revisions)
    ppr = result.find(W + "pPr")
    if ppr is not None:
        result.remove(ppr)
    if old.find(W + "pPr") is not None:
        result.insert(0, revisions.sides.adopt(copy.deepcopy(old.find(W + "pPr"))))
    set_mark(result, revisions.mark("del"))
    other = shell(new)
    set_mark(other, revisions.mark("ins"))
    return [result, other]


def pair_references(old, new, sides) -> None:
    """Tell the package which note references of two equal blocks belong together, in order."""
    for tag in NOTE_REFERENCES:
        for old_ref, new_ref in zip(old.iter(tag), new.iter(tag), strict=False):
            sides.paired(old_ref, new_ref)


# --- pieces: what goes into runs ------------------------------------------------------------

def _equal_pieces(old_tokens: list[Token], new_tokens: list[Token], revisions) -> list:
    """Return the pieces of equal tokens: the new content, with the old formatting if it changed."""
    pieces: list[tuple] = []  # ("marker", element), ("text" or "run", …) and ("unit", …), as _build takes them
    for old, new in zip(old_tokens, new_tokens, strict=False):
        pieces += [("marker", copy.deepcopy(m)) for m in new.markers]
        if new.kind == "text":
            pieces += _text_pieces(old, new)
        elif new.kind == "run":
            element = copy.deepcopy(new.items[0])
            if element.tag in NOTE_REFERENCES:
                revisions.sides.paired(old.items[0], new.items[0])
            _diff_boxes(old.items[0], element, revisions)
            changed = old.style != new.style  # the look of the two runs (see formatting)
            pieces.append(("run", new.rpr, (old.rpr,) if changed else None, element))
        elif new.key[1] == "sdt" and old.style != new.style:
            pieces.append(("unit", [_diff_control(old.items[0], new.items[0], revisions)], "sdt"))
        else:
            pieces.append(("unit", [copy.deepcopy(e) for e in new.items], new.key[1]))
    return pieces


def _diff_control(old, new, revisions) -> etree._Element:
    """Return the new inline content control with what it holds compared with the old one's."""
    result = copy.deepcopy(new)
    old_content, content = old.find(W + "sdtContent"), result.find(W + "sdtContent")
    if content is None:
        return result
    old_holder, new_holder = etree.Element(W + "p"), etree.Element(W + "p")
    old_holder.extend(copy.deepcopy(c) for c in (old_content if old_content is not None else ()))
    new_holder.extend(content)
    content.extend(diff_paragraph(old_holder, new_holder, revisions))
    return result


def _text_pieces(old: Token, new: Token) -> list:
    """Return text pieces of a word in the new formatting, split where the old formatting differs."""
    if old.style == new.style:
        return [("text", rpr, None, text) for text, rpr in new.items]
    bounds = sorted({0, len(new.key[1])} | _bounds(old.items) | _bounds(new.items))
    pieces = []
    for start, stop in zip(bounds, bounds[1:], strict=False):
        (new_rpr, new_key), (old_rpr, old_key) = _rpr_at(new, start), _rpr_at(old, start)
        changed = old_key != new_key
        pieces.append(("text", new_rpr, (old_rpr,) if changed else None, new.key[1][start:stop]))
    return pieces


def _bounds(items) -> set:
    """Return the offsets where a token's formatting pieces end."""
    offset, found = 0, set()
    for text, _ in items:
        offset += len(text)
        found.add(offset)
    return found


def _rpr_at(token: Token, position: int) -> tuple:
    """Return the run properties at ``position`` in a word token, and their comparable look."""
    offset = 0
    for (text, rpr), (_, key) in zip(token.items, token.style, strict=False):
        if offset <= position < offset + len(text):
            return rpr, key
        offset += len(text)
    return token.items[-1][1], token.style[-1][1]


def _changed_pieces(tokens: list[Token], kind: str, revisions) -> list:
    """Return the pieces of inserted (new) or deleted (old) tokens."""
    pieces: list[tuple] = []
    adopt = revisions.sides.adopt if kind == "del" else (lambda e: e)
    for token in tokens:
        if kind == "ins":
            pieces += [("marker", copy.deepcopy(m)) for m in token.markers]
        if token.kind == "text":
            pieces += [("text", rpr, None, text) for text, rpr in token.items]
        elif token.kind == "run":
            pieces.append(("run", token.rpr, None, adopt(copy.deepcopy(token.items[0]))))
        else:
            # Markers inside a field (a bookmark between its runs) stay with the new document only.
            elements = [adopt(copy.deepcopy(e)) for e in token.items if kind == "ins" or e.tag not in MARKERS]
            if token.key[1] == "fldSimple":
                elements, name = complex_field(elements[0]), "field"
            else:
                name = token.key[1]
            pieces.append(("unit", elements, name))
    return pieces


def _build(pieces: list, kind: str | None, revisions) -> list:
    """Return paragraph children for ``pieces``: runs grouped by formatting, wrapped in ``kind``."""
    out, wrapper, run, run_key = [], None, None, None
    adopt = revisions.sides.adopt if kind == "del" else (lambda e: e)
    for piece in pieces:
        if piece[0] == "marker":
            out.append(piece[1])
            wrapper = run = None
            continue
        if kind and wrapper is None and not (piece[0] == "unit" and piece[2] not in _WRAPPABLE_UNITS):
            wrapper = revisions.mark(kind)
            revisions.counts[kind] += 1
            out.append(wrapper)
        parent = wrapper if wrapper is not None else out
        if piece[0] == "unit":
            run = None
            if kind and piece[2] not in _WRAPPABLE_UNITS:
                for element in piece[1]:
                    mark_inside(element, kind, revisions)
                wrapper = None
                out.extend(piece[1])
            else:
                parent.extend(piece[1])
            continue
        _, rpr, old_rpr, content = piece
        key = (rpr_key(rpr), rpr_key(old_rpr[0]) if old_rpr is not None else None)
        if run is None or key != run_key:
            run, run_key = _new_run(rpr, old_rpr, revisions, adopt), key
            parent.append(run)
        _append_content(run, content, kind == "del")
    if kind == "del":
        for element in out:
            as_deleted(element)
    return out


def _new_run(rpr, old_rpr, revisions, adopt) -> etree._Element:
    """Return an empty run with (adopted) properties and, if given, their old version."""
    run = etree.Element(W + "r")
    if rpr is not None:
        props = adopt(copy.deepcopy(rpr))
        for change in props.findall(W + "rPrChange"):
            props.remove(change)
        run.append(props)
    if old_rpr is not None:  # a one-tuple: the old properties, which may be None
        rpr_change(run, old_rpr[0], revisions)
    return run


def _append_content(run, content, deleted: bool) -> None:
    """Append text (joined to the run's last text element) or an element to a run."""
    if not isinstance(content, str):
        run.append(content)
        return
    last = run[-1] if len(run) else None
    if last is not None and last.tag in (W + "t", W + "delText"):
        last.text += content
        return
    text = etree.SubElement(run, W + ("delText" if deleted else "t"))
    text.set(XML_SPACE, "preserve")
    text.text = content


def _diff_boxes(old_element, new_copy, revisions) -> None:
    """Compare the text boxes inside a picture or shape with the old one's, box by box."""
    old_boxes = list(old_element.iter(W + "txbxContent"))
    new_boxes = list(new_copy.iter(W + "txbxContent"))
    if len(old_boxes) == len(new_boxes):
        for old_box, new_box in zip(old_boxes, new_boxes, strict=False):
            revisions.compare_blocks(old_box, new_box)


# --- paragraph marks and property changes ---------------------------------------------------

def set_mark(paragraph, mark) -> None:
    """Put the revision element ``mark`` on the paragraph's mark, replacing any other."""
    ppr = paragraph.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        paragraph.insert(0, ppr)
    rpr = ppr.find(W + "rPr")
    if rpr is None:
        rpr = etree.SubElement(ppr, W + "rPr")
        # rPr must precede sectPr and pPrChange inside pPr.
        for later in ppr.findall(W + "sectPr") + ppr.findall(W + "pPrChange"):
            ppr.remove(later)
            ppr.append(later)
    for old in rpr.findall(W + "ins") + rpr.findall(W + "del"):
        rpr.remove(old)
    rpr.insert(0, mark)


def mark_kind(paragraph) -> str | None:
    """Return "ins"/"del" when the paragraph's mark is a revision, else None."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is None:
        return None
    for kind in ("ins", "del"):
        if rpr.find(W + kind) is not None:
            return kind
    return None


def unmark(paragraph) -> None:
    """Remove a revision from the paragraph's mark."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is not None:
        for mark in rpr.findall(W + "ins") + rpr.findall(W + "del"):
            rpr.remove(mark)


def rpr_change(run, old_rpr, revisions) -> None:
    """Record that a run's formatting changed from ``old_rpr``."""
    property_change(run, "rPr", "rPrChange", old_rpr, (W + "rPrChange", W + "ins", W + "del"), revisions)


def ppr_change(paragraph, old_ppr, revisions) -> None:
    """Record that a paragraph's properties (style, alignment …) changed from ``old_ppr``."""
    property_change(paragraph, "pPr", "pPrChange", old_ppr,
                    (W + "rPr", W + "sectPr", W + "pPrChange"), revisions)


def property_change(owner, props_tag: str, change_tag: str, old_props, excluded: tuple, revisions) -> None:
    """Append a w:rPrChange/w:pPrChange holding ``old_props`` to ``owner``'s properties."""
    props = owner.find(W + props_tag)
    if props is None:
        props = etree.Element(W + props_tag)
        owner.insert(0, props)
    change = revisions.mark(change_tag)
    previous = etree.SubElement(change, W + props_tag)
    if old_props is not None:
        previous.extend(copy.deepcopy(c) for c in old_props if c.tag not in excluded and isinstance(c.tag, str))
        revisions.sides.adopt(previous)
    props.append(change)  # the change element is the last child of rPr/pPr
    revisions.counts["format"] += 1


def strip_markers(element) -> None:
    """Remove bookmarks, comment ranges and the like from old content (the new document's stay)."""
    for marker in list(element.iter(*MARKERS)):
        if marker.getparent() is not None:  # a marker that is the element itself: its caller leaves it out
            marker.getparent().remove(marker)

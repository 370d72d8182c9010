"""Accept or reject every tracked change in a part: the engine's own resolver.

Used to prove a redline (accepting gives the new text, rejecting the old), and to
take documents that already carry tracked changes as their accepted text before
they are compared.
"""

from __future__ import annotations

import copy

from lxml import etree

from pipeline.ooxml.redline.tokens import M, W

_PROPERTY_CHANGES = {W + t for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                                     "tcPrChange", "tblGridChange", "tblPrExChange", "numberingChange")}
_RANGE_MARKERS = {W + t for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                                  "moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
                                  "customXmlDelRangeStart", "customXmlDelRangeEnd",
                                  "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
                                  "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd")}
_PROPS = (W + "rPr", W + "pPr", W + "trPr", M + "rPr")
# What a property change does not record, so rejecting it keeps: a paragraph's mark and section,
# a section's headers and footers.
_KEPT_ON_REJECT = {W + "pPr": (W + "rPr", W + "sectPr"),
                   W + "sectPr": (W + "headerReference", W + "footerReference")}
_REMOVED = "{urn:samverkan}removed-mark"


def resolve(root, accept: bool) -> etree._Element:
    """Return a copy of ``root`` with every revision accepted (or rejected)."""
    root = copy.deepcopy(root)
    keep_tags = {W + "ins", W + "moveTo"} if accept else {W + "del", W + "moveFrom"}
    drop_tags = {W + "del", W + "moveFrom"} if accept else {W + "ins", W + "moveTo"}
    _resolve_rows_and_cells(root, keep_tags, drop_tags, accept)
    for paragraph in list(root.iter(W + "p")):
        _resolve_mark(paragraph, keep_tags, drop_tags)
    _resolve_math_runs(root, drop_tags)
    for element in list(root.iter(*drop_tags)):
        parent = element.getparent()
        if parent is not None and parent.tag not in _PROPS:
            parent.remove(element)
    for element in list(root.iter(*keep_tags)):
        parent = element.getparent()
        if parent is not None and parent.tag not in _PROPS:
            _unwrap(element)
        elif parent is not None:
            parent.remove(element)
    for text in root.iter(W + "delText", W + "delInstrText"):
        text.tag = W + ("t" if text.tag == W + "delText" else "instrText")
    _resolve_property_changes(root, accept)
    for element in list(root.iter(*_RANGE_MARKERS)):
        element.getparent().remove(element)
    _merge_removed_marks(root)
    return root


def _unwrap(element) -> None:
    """Replace an element by its children."""
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _resolve_rows_and_cells(root, keep_tags, drop_tags, accept: bool) -> None:
    """Remove rows (and cells) whose mark this choice drops; clear the marks of those kept."""
    for row in list(root.iter(W + "tr")):
        trpr = row.find(W + "trPr")
        if trpr is None:
            continue
        if any(trpr.find(t) is not None for t in drop_tags):
            row.getparent().remove(row)
        else:
            for mark in [c for c in trpr if c.tag in keep_tags]:
                trpr.remove(mark)
    dropped_cell, kept_cell = (W + "cellDel", W + "cellIns") if accept else (W + "cellIns", W + "cellDel")
    for cell in list(root.iter(W + "tc")):
        tcpr = cell.find(W + "tcPr")
        if tcpr is None:
            continue
        if tcpr.find(dropped_cell) is not None:
            cell.getparent().remove(cell)
        for mark in tcpr.findall(kept_cell) + tcpr.findall(W + "cellMerge"):
            tcpr.remove(mark)
    for table in list(root.iter(W + "tbl")):
        parent = table.getparent()
        if parent is not None and not _has_rows(table):
            parent.remove(table)


def _has_rows(table) -> bool:
    """True when a table has a row of its own (rows in content controls count, a nested table's not)."""
    return any(next(row.iterancestors(W + "tbl")) is table for row in table.iter(W + "tr"))


def _resolve_math_runs(root, drop_tags) -> None:
    """Remove equation runs whose own properties mark them as dropped (Word's way in math)."""
    for run in list(root.iter(M + "r")):
        rpr = run.find(W + "rPr")
        if rpr is not None and any(rpr.find(t) is not None for t in drop_tags):
            run.getparent().remove(run)


def _resolve_mark(paragraph, keep_tags, drop_tags) -> None:
    """Clear a paragraph mark's revision; note when the mark itself goes."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is None:
        return
    for mark in list(rpr):
        if mark.tag in keep_tags:
            rpr.remove(mark)
        elif mark.tag in drop_tags:
            rpr.remove(mark)
            paragraph.set(_REMOVED, "1")


def _merge_removed_marks(root) -> None:
    """Join each paragraph whose mark was removed with the paragraph after it.

    An emptied paragraph simply goes; one with text left joins the next paragraph,
    as in Word. A container's last mark stays: Word cannot remove it.
    """
    for paragraph in list(root.iter(W + "p")):
        if paragraph.get(_REMOVED) is None:
            continue
        del paragraph.attrib[_REMOVED]
        following = paragraph.getnext()
        while following is not None and following.tag not in (W + "p", W + "tbl", W + "sectPr"):
            following = following.getnext()
        if following is None or following.tag == W + "sectPr":
            continue
        content = [c for c in paragraph if c.tag != W + "pPr"]
        if content and following.tag == W + "p":
            ppr = following.find(W + "pPr")
            index = 0 if ppr is None else following.index(ppr) + 1
            for offset, child in enumerate(content):
                following.insert(index + offset, child)
        elif content:
            continue  # text before a table keeps its paragraph
        paragraph.getparent().remove(paragraph)


def _resolve_property_changes(root, accept: bool) -> None:
    """Drop formatting revisions; when rejecting, restore the formatting they recorded."""
    for change in list(root.iter(*_PROPERTY_CHANGES)):
        owner = change.getparent()
        if owner is None:
            continue
        owner.remove(change)
        if accept or change.tag in (W + "numberingChange", W + "tblGridChange"):
            continue
        previous = list(change[0]) if len(change) else []
        kept = [c for c in owner if c.tag in _KEPT_ON_REJECT.get(owner.tag, ())]
        for child in list(owner):
            owner.remove(child)
        restored = [copy.deepcopy(c) for c in previous]
        # A section's header and footer references come first in it; a paragraph's mark and section last.
        owner.extend(kept + restored if owner.tag == W + "sectPr" else restored + kept)

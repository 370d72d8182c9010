"""Compare two WordprocessingML documents and write the differences as tracked changes.

The result is the new document with revision marks that Word's and LibreOffice's
review tools understand: ``w:ins``/``w:del`` runs at word level inside changed
paragraphs, whole paragraphs inserted or deleted with their paragraph marks,
table rows inserted or deleted with row marks, changed cells at word level, and
formatting changes as ``w:rPrChange``/``w:pPrChange``. :func:`resolve` accepts
or rejects every change, so tests can prove that accepting gives the new text
and rejecting gives the old.

All raw XML handling of revisions lives in this module.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Words, spaces and punctuation; a date or number such as 2023-01-31 or 7,5 stays one token.
_WORD = re.compile(r"\d+(?:[-/.:,]\d+)*|\w+|\s+|[^\w\s]", re.UNICODE)
_SKIPPED_IN_PARAGRAPH = {W + "proofErr", W + "bookmarkStart", W + "bookmarkEnd"}
# Below this similarity two blocks are shown as one deleted and one inserted, not as a
# word-by-word edit that would read as confetti.
_PAIR_CUTOFF = 0.5


@dataclass
class Revisions:
    """Author, date and the running id of the revision marks in one document."""

    author: str
    date: str  # W3CDTF, e.g. "2023-01-31T00:00:00Z"
    next_id: int = 1
    counts: dict = field(default_factory=lambda: {"ins": 0, "del": 0, "format": 0, "rows": 0})

    def mark(self, tag: str) -> etree._Element:
        """Return a new revision element (w:ins, w:del, w:rPrChange …) with id, author and date."""
        element = etree.Element(W + tag)
        element.set(W + "id", str(self.next_id))
        element.set(W + "author", self.author)
        element.set(W + "date", self.date)
        self.next_id += 1
        return element


# --- tokens: a paragraph as a sequence of words, spaces and special run content ----

@dataclass(frozen=True)
class _Token:
    key: tuple  # what is compared: ("t", "word") or ("tab",) …
    rpr: bytes  # the run properties, serialised, for formatting changes
    rpr_element: object
    special: object = None  # the element for non-text content (tab, br, fldChar …)


def _serialise(element) -> bytes:
    return b"" if element is None else etree.tostring(element)


def _tokens(paragraph) -> list[_Token]:
    """Return the tokens of a paragraph's runs, in order."""
    tokens = []
    for run in paragraph.iter(W + "r"):
        rpr = run.find(W + "rPr")
        rpr_bytes = _serialise(rpr)
        for child in run:
            if child.tag == W + "rPr":
                continue
            if child.tag in (W + "t", W + "delText"):
                for word in _WORD.findall(child.text or ""):
                    tokens.append(_Token(("t", word), rpr_bytes, rpr))
            elif child.tag in (W + "instrText", W + "delInstrText"):
                tokens.append(_Token(("instr", child.text or ""), rpr_bytes, rpr, child))
            else:
                tokens.append(_Token((etree.QName(child).localname, etree.tostring(child)), rpr_bytes, rpr, child))
    return tokens


def _run(tokens: list[_Token], deleted: bool) -> etree._Element:
    """Return one w:r holding ``tokens`` (which share run properties)."""
    run = etree.Element(W + "r")
    if tokens[0].rpr_element is not None:
        run.append(copy.deepcopy(tokens[0].rpr_element))
    text = None
    for token in tokens:
        if token.key[0] == "t":
            if text is None:
                text = etree.SubElement(run, W + ("delText" if deleted else "t"))
                text.set(XML_SPACE, "preserve")
                text.text = ""
            text.text += token.key[1]
            continue
        text = None
        element = copy.deepcopy(token.special)
        if token.key[0] == "instr":
            element.tag = W + ("delInstrText" if deleted else "instrText")
        run.append(element)
    return run


def _runs(tokens: list[_Token], deleted: bool = False) -> list[etree._Element]:
    """Return runs for ``tokens``, one per stretch of equal run properties."""
    runs, group = [], []
    for token in tokens:
        if group and token.rpr != group[0].rpr:
            runs.append(_run(group, deleted))
            group = []
        group.append(token)
    if group:
        runs.append(_run(group, deleted))
    return runs


# --- paragraphs -----------------------------------------------------------------------

def _text(element) -> str:
    """Return the visible text of a paragraph, cell or table (deleted text excluded)."""
    return "".join(t.text or "" for t in element.iter(W + "t"))


def _ppr_without_mark(ppr) -> bytes:
    if ppr is None:
        return b""
    clone = copy.deepcopy(ppr)
    for child in clone.findall(W + "rPr") + clone.findall(W + "pPrChange") + clone.findall(W + "sectPr"):
        clone.remove(child)
    return etree.tostring(clone) if len(clone) else b""


def _shell(paragraph) -> etree._Element:
    """Return an empty copy of a paragraph: its element and properties, no runs."""
    shell = etree.Element(paragraph.tag, attrib=dict(paragraph.attrib))
    ppr = paragraph.find(W + "pPr")
    if ppr is not None:
        shell.append(copy.deepcopy(ppr))
    return shell


def _mark_paragraph(paragraph, revisions: Revisions, kind: str) -> None:
    """Mark a paragraph's mark (its ¶) as inserted or deleted (kind "ins" or "del")."""
    _set_mark(paragraph, revisions.mark(kind))


def _set_mark(paragraph, mark) -> None:
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


def _mark_kind(paragraph) -> str | None:
    """Return "ins"/"del" when the paragraph's mark is a revision, else None."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is None:
        return None
    for kind in ("ins", "del"):
        if rpr.find(W + kind) is not None:
            return kind
    return None


def _unmark(paragraph) -> None:
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    if rpr is not None:
        for mark in rpr.findall(W + "ins") + rpr.findall(W + "del"):
            rpr.remove(mark)


def whole_paragraph(paragraph, revisions: Revisions, kind: str) -> etree._Element:
    """Return a paragraph whose content and mark are all inserted (kind "ins") or deleted."""
    result = _shell(paragraph)
    tokens = _tokens(paragraph)
    if tokens:
        wrapper = revisions.mark(kind)
        wrapper.extend(_runs(tokens, deleted=kind == "del"))
        result.append(wrapper)
        revisions.counts[kind] += 1
    _mark_paragraph(result, revisions, kind)
    return result


def diff_paragraph(old, new, revisions: Revisions) -> etree._Element:
    """Return ``new`` with word-level revisions against ``old``."""
    result = _shell(new)
    old_ppr, new_ppr = old.find(W + "pPr"), new.find(W + "pPr")
    if _ppr_without_mark(old_ppr) != _ppr_without_mark(new_ppr):
        _ppr_change(result, old_ppr, revisions)
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result.extend(_equal_runs(old_tokens[i1:i2], new_tokens[j1:j2], revisions))
            continue
        if i2 > i1:
            wrapper = revisions.mark("del")
            wrapper.extend(_runs(old_tokens[i1:i2], deleted=True))
            result.append(wrapper)
            revisions.counts["del"] += 1
        if j2 > j1:
            wrapper = revisions.mark("ins")
            wrapper.extend(_runs(new_tokens[j1:j2]))
            result.append(wrapper)
            revisions.counts["ins"] += 1
    return result


def _equal_runs(old_tokens, new_tokens, revisions: Revisions) -> list[etree._Element]:
    """Return runs for equal text, with w:rPrChange where the formatting changed."""
    runs, start = [], 0
    for index in range(1, len(new_tokens) + 1):
        boundary = index == len(new_tokens) or (
            new_tokens[index].rpr != new_tokens[start].rpr or old_tokens[index].rpr != old_tokens[start].rpr)
        if not boundary:
            continue
        piece = new_tokens[start:index]
        run_list = _runs(piece)
        if old_tokens[start].rpr != new_tokens[start].rpr:
            for run in run_list:
                _rpr_change(run, old_tokens[start].rpr_element, revisions)
        runs += run_list
        start = index
    return runs


def _rpr_change(run, old_rpr, revisions: Revisions) -> None:
    """Record that a run's formatting changed from ``old_rpr``."""
    _property_change(run, "rPr", "rPrChange", old_rpr, (W + "rPrChange",), revisions)


def _ppr_change(paragraph, old_ppr, revisions: Revisions) -> None:
    """Record that a paragraph's properties (style, alignment …) changed from ``old_ppr``."""
    _property_change(paragraph, "pPr", "pPrChange", old_ppr,
                     (W + "rPr", W + "sectPr", W + "pPrChange"), revisions)


def _property_change(owner, props_tag: str, change_tag: str, old_props, excluded: tuple,
                     revisions: Revisions) -> None:
    props = owner.find(W + props_tag)
    if props is None:
        props = etree.Element(W + props_tag)
        owner.insert(0, props)
    change = revisions.mark(change_tag)
    previous = etree.SubElement(change, W + props_tag)
    if old_props is not None:
        previous.extend(copy.deepcopy(c) for c in old_props if c.tag not in excluded)
    props.append(change)  # the change element is the last child of rPr/pPr
    revisions.counts["format"] += 1


# --- tables ----------------------------------------------------------------------------

def _rows(table) -> list:
    return table.findall(W + "tr")


def _cells(row) -> list:
    return row.findall(W + "tc")


def _grid(table) -> int:
    grid = table.find(W + "tblGrid")
    return len(grid.findall(W + "gridCol")) if grid is not None else 0


def _caption(table) -> str:
    caption = table.find(f"{W}tblPr/{W}tblCaption")
    return caption.get(W + "val") if caption is not None else ""


def whole_table(table, revisions: Revisions, kind: str) -> etree._Element:
    """Return a table whose rows and content are all inserted or deleted."""
    result = copy.deepcopy(table)
    for row in _rows(result):
        new_row = whole_row(row, revisions, kind)
        result.replace(row, new_row)
    return result


def whole_row(row, revisions: Revisions, kind: str) -> etree._Element:
    """Return a table row marked as inserted or deleted, its content marked the same way."""
    result = copy.deepcopy(row)
    for cell in _cells(result):
        for paragraph in cell.findall(W + "p"):
            marked = whole_paragraph(paragraph, revisions, kind)
            _unmark(marked)  # a cell's paragraphs go with the row's mark
            cell.replace(paragraph, marked)
    trpr = result.find(W + "trPr")
    if trpr is None:
        trpr = etree.Element(W + "trPr")
        tblpr_ex = result.find(W + "tblPrEx")
        result.insert(1 if tblpr_ex is not None else 0, trpr)
    trpr.append(revisions.mark(kind))
    revisions.counts["rows"] += 1
    return result


def diff_table(old, new, revisions: Revisions) -> etree._Element:
    """Return ``new`` with row and cell revisions against ``old``."""
    result = copy.deepcopy(new)
    for row in _rows(result):
        result.remove(row)
    old_rows, new_rows = _rows(old), _rows(new)
    keys_old = [tuple(_text(c) for c in _cells(r)) for r in old_rows]
    keys_new = [tuple(_text(c) for c in _cells(r)) for r in new_rows]
    for i, j in _align(old_rows, new_rows, keys_old, keys_new, _rows_pair):
        if i is None:
            result.append(whole_row(new_rows[j], revisions, "ins"))
        elif j is None:
            result.append(whole_row(old_rows[i], revisions, "del"))
        else:
            result.append(diff_row(old_rows[i], new_rows[j], revisions))
    return result


def _rows_pair(old_row, new_row) -> float:
    if len(_cells(old_row)) != len(_cells(new_row)):
        return 0.0
    return _similarity(" ".join(_text(c) for c in _cells(old_row)), " ".join(_text(c) for c in _cells(new_row)))


def diff_row(old, new, revisions: Revisions) -> etree._Element:
    """Return ``new`` row with its cells compared to ``old``'s cell by cell."""
    if etree.tostring(old) == etree.tostring(new):
        return copy.deepcopy(new)
    result = copy.deepcopy(new)
    for old_cell, new_cell, cell in zip(_cells(old), _cells(new), _cells(result)):
        for child in list(cell):
            if child.tag != W + "tcPr":
                cell.remove(child)
        cell.extend(diff_blocks(_blocks(old_cell), _blocks(new_cell), revisions))
    return result


# --- block containers: body, cells, headers and footers -------------------------------------

def _blocks(container) -> list:
    return [child for child in container if child.tag in (W + "p", W + "tbl")]


def _block_key(block) -> tuple:
    if block.tag == W + "tbl":
        return ("tbl", _caption(block), _grid(block))
    ppr = block.find(W + "pPr")
    style = ppr.find(W + "pStyle") if ppr is not None else None
    return ("p", style.get(W + "val") if style is not None else "", _text(block))


def _blocks_pair(old, new) -> float:
    if old.tag != new.tag:
        return 0.0
    if old.tag == W + "tbl":
        return 1.0 if (_caption(old), _grid(old)) == (_caption(new), _grid(new)) else 0.0
    return _similarity(_text(old), _text(new))


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, _WORD.findall(a), _WORD.findall(b), autojunk=False)
    if matcher.real_quick_ratio() < _PAIR_CUTOFF or matcher.quick_ratio() < _PAIR_CUTOFF:
        return 0.0
    return matcher.ratio()


def _align(old, new, keys_old, keys_new, similarity) -> list[tuple[int | None, int | None]]:
    """Return pairs (i, j) aligning two sequences; None on one side means inserted or deleted."""
    pairs = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += zip(range(i1, i2), range(j1, j2))
        else:
            pairs += _pair_up(old, new, range(i1, i2), range(j1, j2), similarity)
    return pairs


def _pair_up(old, new, old_range: range, new_range: range, similarity) -> list:
    """Pair the most similar blocks of a changed stretch, in order; the rest are lone."""
    if not old_range or not new_range:
        return [(i, None) for i in old_range] + [(None, j) for j in new_range]
    best, best_i, best_j = _PAIR_CUTOFF, None, None
    if len(old_range) * len(new_range) <= 400:
        for i in old_range:
            for j in new_range:
                score = similarity(old[i], new[j])
                if score > best:
                    best, best_i, best_j = score, i, j
    else:  # a long stretch: only pair blocks at the same offset
        for i, j in zip(old_range, new_range):
            score = similarity(old[i], new[j])
            if score > best:
                best, best_i, best_j = score, i, j
    if best_i is None:
        return [(i, None) for i in old_range] + [(None, j) for j in new_range]
    return (_pair_up(old, new, range(old_range.start, best_i), range(new_range.start, best_j), similarity)
            + [(best_i, best_j)]
            + _pair_up(old, new, range(best_i + 1, old_range.stop), range(best_j + 1, new_range.stop),
                       similarity))


def diff_blocks(old_blocks: list, new_blocks: list, revisions: Revisions) -> list:
    """Return the blocks of a container (body, cell, header) with revisions against the old."""
    keys_old = [_block_key(b) for b in old_blocks]
    keys_new = [_block_key(b) for b in new_blocks]
    result = []
    pairs = _pair_last_paragraphs(_align(old_blocks, new_blocks, keys_old, keys_new, _blocks_pair),
                                  old_blocks, new_blocks)
    for i, j in pairs:
        if i is None:
            block = new_blocks[j]
            result.append(whole_paragraph(block, revisions, "ins") if block.tag == W + "p"
                          else whole_table(block, revisions, "ins"))
        elif j is None:
            block = old_blocks[i]
            result.append(whole_paragraph(block, revisions, "del") if block.tag == W + "p"
                          else whole_table(block, revisions, "del"))
        elif old_blocks[i].tag == W + "tbl":
            result.append(diff_table(old_blocks[i], new_blocks[j], revisions))
        elif etree.tostring(old_blocks[i]) == etree.tostring(new_blocks[j]):
            result.append(copy.deepcopy(new_blocks[j]))
        else:
            result.append(diff_paragraph(old_blocks[i], new_blocks[j], revisions))
    _keep_last_mark(result)
    return result


def _pair_last_paragraphs(pairs: list, old_blocks: list, new_blocks: list) -> list:
    """Pair a container's last old and new paragraphs when both would stand alone at the end.

    A container must end with a paragraph whose mark is not a revision (see
    :func:`_keep_last_mark`); a replaced last paragraph is therefore shown as one
    paragraph with its words deleted and inserted.
    """
    if not old_blocks or not new_blocks:
        return pairs
    last_old, last_new = (len(old_blocks) - 1, None), (None, len(new_blocks) - 1)
    if (last_old not in pairs or last_new not in pairs or old_blocks[-1].tag != W + "p"
            or new_blocks[-1].tag != W + "p"):
        return pairs
    first = min(pairs.index(last_old), pairs.index(last_new))
    if any(i is not None and j is not None for i, j in pairs[first:]):
        return pairs
    return [p for p in pairs if p not in (last_old, last_new)] + [(len(old_blocks) - 1, len(new_blocks) - 1)]


def _keep_last_mark(blocks: list) -> None:
    """Move paragraph-mark revisions off the container's last paragraph.

    Word cannot insert or delete the last paragraph mark of a body or cell. When
    trailing paragraphs are inserted or deleted, each mark's revision moves to the
    paragraph before it; the text after accepting or rejecting stays the same.
    """
    if not blocks or blocks[-1].tag != W + "p" or _mark_kind(blocks[-1]) is None:
        return
    start = len(blocks) - 1
    while start > 0 and blocks[start - 1].tag == W + "p" and _mark_kind(blocks[start - 1]) is not None:
        start -= 1
    if start == 0 or blocks[start - 1].tag != W + "p":
        return  # nothing to shift onto (e.g. a wholly inserted document)
    run = blocks[start - 1:]
    marks = [p.find(f"{W}pPr/{W}rPr/{W}{_mark_kind(p)}") if _mark_kind(p) else None for p in run]
    for paragraph in run:
        _unmark(paragraph)
    for paragraph, mark in zip(run[:-1], marks[1:]):
        _set_mark(paragraph, mark)


# --- accepting and rejecting -------------------------------------------------------------------

def resolve(root, accept: bool) -> etree._Element:
    """Return a copy of ``root`` with every revision accepted (or rejected)."""
    root = copy.deepcopy(root)
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    keep_tags = {W + keep, W + ("moveTo" if accept else "moveFrom")}
    drop_tags = {W + drop, W + ("moveFrom" if accept else "moveTo")}
    for row in list(root.iter(W + "tr")):
        trpr = row.find(W + "trPr")
        if trpr is None:
            continue
        if any(trpr.find(t) is not None for t in drop_tags):
            row.getparent().remove(row)
        else:
            for mark in [c for c in trpr if c.tag in keep_tags]:
                trpr.remove(mark)
    for table in list(root.iter(W + "tbl")):
        if not table.findall(W + "tr"):
            table.getparent().remove(table)
    for paragraph in list(root.iter(W + "p")):
        _resolve_mark(paragraph, keep_tags, drop_tags)
    for element in list(root.iter(*drop_tags)):
        if element.getparent() is not None and element.getparent().tag != W + "rPr":
            element.getparent().remove(element)
    for element in list(root.iter(*keep_tags)):
        parent = element.getparent()
        if parent is not None and parent.tag != W + "rPr":
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset, child)
            parent.remove(element)
    for text in root.iter(W + "delText", W + "delInstrText"):
        text.tag = W + ("t" if text.tag == W + "delText" else "instrText")
    _resolve_property_changes(root, accept)
    for element in list(root.iter(W + "moveFromRangeStart", W + "moveFromRangeEnd",
                                  W + "moveToRangeStart", W + "moveToRangeEnd")):
        element.getparent().remove(element)
    _merge_removed_marks(root)
    return root


_REMOVED = "{urn:samverkan}removed-mark"


def _resolve_mark(paragraph, keep_tags, drop_tags) -> None:
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
    for change in list(root.iter(W + "rPrChange", W + "pPrChange")):
        owner = change.getparent()
        owner.remove(change)
        if accept:
            continue
        previous = list(change[0]) if len(change) else []
        kept = [c for c in owner if c.tag in (W + "rPr", W + "sectPr")] if owner.tag == W + "pPr" else []
        for child in list(owner):
            owner.remove(child)
        owner.extend(copy.deepcopy(c) for c in previous)
        owner.extend(kept)


# --- text, for tests and summaries --------------------------------------------------------------

def paragraph_texts(container) -> list[str]:
    """Return the text of every paragraph in order, table cells included, as a reader sees it."""
    texts = []
    for paragraph in container.iter(W + "p"):
        parts = []
        for element in paragraph.iter(W + "t", W + "tab", W + "br"):
            parts.append(element.text or "" if element.tag == W + "t" else
                         "\t" if element.tag == W + "tab" else "\n")
        texts.append("".join(parts))
    return texts


def count_revisions(root) -> int:
    """Return the number of revision marks in ``root``."""
    tags = ("ins", "del", "rPrChange", "pPrChange", "moveFrom", "moveTo")
    return sum(1 for _ in root.iter(*(W + t for t in tags)))


def body(document_root) -> etree._Element:
    """Return the w:body of a w:document root."""
    return document_root.find(W + "body")


def diff_body(old_root, new_root, revisions: Revisions) -> etree._Element:
    """Return a copy of the new w:document whose body carries revisions against the old."""
    result = copy.deepcopy(new_root)
    old_blocks = _blocks(body(old_root)) if old_root is not None else []
    _replace_blocks(body(result), diff_blocks(old_blocks, _blocks(body(result)), revisions))
    return result


def diff_part(old_root, new_root, revisions: Revisions) -> etree._Element:
    """Return a copy of a header or footer root with revisions against the old one."""
    result = copy.deepcopy(new_root)
    old_blocks = _blocks(old_root) if old_root is not None else []
    _replace_blocks(result, diff_blocks(old_blocks, _blocks(result), revisions))
    return result


def deleted_document(old_root, revisions: Revisions) -> etree._Element:
    """Return a copy of ``old_root`` with every block deleted (a plan that was removed)."""
    result = copy.deepcopy(old_root)
    _replace_blocks(body(result), diff_blocks(_blocks(body(result)), [], revisions))
    return result


def _replace_blocks(container, blocks: list) -> None:
    """Put ``blocks`` in place of the container's paragraphs and tables, before any sectPr."""
    for child in _blocks(container):
        container.remove(child)
    section = container.find(W + "sectPr")
    for block in blocks:
        if section is not None:
            section.addprevious(block)
        else:
            container.append(block)

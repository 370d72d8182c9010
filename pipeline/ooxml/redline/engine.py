"""Compare two WordprocessingML documents and write the differences as tracked changes.

The result is the new document with revision marks that Word's and LibreOffice's
review tools understand: ``w:ins``/``w:del`` runs at word level inside changed
paragraphs, whole paragraphs inserted or deleted with their paragraph marks,
table rows inserted or deleted with row marks, changed cells at word level, and
formatting changes as ``w:rPrChange``/``w:pPrChange``. :func:`resolve` accepts
or rejects every change, so tests can prove that accepting gives the new text
and rejecting gives the old.

This module works on block containers (body, cells, headers, footers, notes,
text boxes, content controls); paragraphs are compared in
:mod:`pipeline.ooxml.redline.paragraphs`, words in :mod:`pipeline.ooxml.redline.words`,
blocks aligned in :mod:`pipeline.ooxml.redline.align`. Package-level work (pictures,
styles, numbering, notes) is behind :class:`Sides`, which
:mod:`pipeline.ooxml.redline.docx` implements for whole .docx files.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from pipeline.ooxml.redline import align as redline_align
from pipeline.ooxml.redline.formatting import StyleBook
from pipeline.ooxml.redline.paragraphs import (
    diff_paragraph,
    mark_kind,
    pair_references,
    ppr_change,
    ppr_key,
    section,
    section_change,
    set_mark,
    split_at_section_break,
    strip_markers,
    unmark,
    whole_paragraph,
)
from pipeline.ooxml.redline.resolve import resolve
from pipeline.ooxml.redline.tokens import M, W, control_identity, normal

_SAME_CONTROL = 0.75  # how alike two block content controls with the same name, tag and kind count
_BLOCKS = (W + "p", W + "tbl", W + "sdt", W + "customXml")
_CONTAINER_PROPS = (W + "tcPr", W + "sectPr", W + "sdtPr", W + "sdtEndPr", W + "customXmlPr")


class Sides:
    """What the engine asks of the packages being compared; this default has no package.

    ``relkey_old``/``relkey_new`` turn a relationship id into a key that is equal when the
    targets are (a picture's bytes); ``adopt`` makes old content valid in the new
    package and returns it; ``paired`` is told which note references belong together;
    ``styles_old``/``styles_new`` are the character styles of each side (None: not known).
    """

    styles_old: StyleBook | None = None
    styles_new: StyleBook | None = None

    def relkey_old(self, rid: str) -> str:
        """Return a comparable key for a relationship id of the old part."""
        return rid

    def relkey_new(self, rid: str) -> str:
        """Return a comparable key for a relationship id of the new part."""
        return rid

    def adopt(self, element):
        """Return old content made fit for the new document (here: markers removed)."""
        strip_markers(element)
        return element

    def paired(self, old_reference, new_reference) -> None:
        """Note that an old and a new note reference are the same note."""

    def renumbered(self, element):
        """Return a second copy of content that stays in the document (markers removed; a package
        also gives its drawings and content controls ids of their own)."""
        strip_markers(element)
        return element


@dataclass
class Revisions:
    """Author, date and the running id of the revision marks in one document."""

    author: str
    date: str  # W3CDTF, e.g. "2023-01-31T00:00:00Z"
    next_id: int = 1
    counts: dict = field(default_factory=lambda: {"ins": 0, "del": 0, "format": 0, "rows": 0})
    sides: Sides = field(default_factory=Sides)
    stats: Counter = field(default_factory=Counter)  # work done, e.g. similarity computations

    def compare_blocks(self, old_container, new_container) -> None:
        """Compare the blocks of two containers (text boxes met inside a paragraph's runs): the
        block level, reached from the paragraph level without it importing this module."""
        diff_container(old_container, new_container, self)

    def mark(self, tag: str) -> etree._Element:
        """Return a new revision element (w:ins, w:del, w:rPrChange …) with id, author and date."""
        element = etree.Element(W + tag)
        element.set(W + "id", str(self.next_id))
        element.set(W + "author", self.author)
        element.set(W + "date", self.date)
        self.next_id += 1
        return element


# --- whole blocks -------------------------------------------------------------------------------

def mark_block(block, revisions: Revisions, kind: str, paragraph_marks: bool = True) -> etree._Element:
    """Return a copy of a block (paragraph, table, content control) all inserted or deleted."""
    if block.tag == W + "p":
        return whole_paragraph(block, revisions, kind, mark=paragraph_marks)
    result = copy.deepcopy(block)
    if kind == "del":
        result = revisions.sides.adopt(result)
    if block.tag == W + "tbl":
        for row in _rows(result):
            result.replace(row, _mark_row(row, revisions, kind))
        return result
    content = result.find(W + "sdtContent") if block.tag == W + "sdt" else result
    if content is not None:
        for child in _blocks(content):
            content.replace(child, _mark_adopted(child, revisions, kind, paragraph_marks))
    return result


def _mark_adopted(block, revisions: Revisions, kind: str, paragraph_marks: bool) -> etree._Element:
    """Return ``block`` (already adopted) marked as inserted or deleted."""
    plain = Sides()
    sides, revisions.sides = revisions.sides, plain
    try:
        return mark_block(block, revisions, kind, paragraph_marks)
    finally:
        revisions.sides = sides


def whole_row(row, revisions: Revisions, kind: str) -> etree._Element:
    """Return a table row marked as inserted or deleted, its content marked the same way."""
    result = copy.deepcopy(row)
    if kind == "del":
        result = revisions.sides.adopt(result)
    return _mark_row(result, revisions, kind)


def _mark_row(row, revisions: Revisions, kind: str) -> etree._Element:
    """Return ``row`` (already adopted) with a row mark and every cell's content marked."""
    for cell in _cells(row):
        for child in _blocks(cell):
            cell.replace(child, _mark_adopted(child, revisions, kind, paragraph_marks=False))
    trpr = row.find(W + "trPr")
    if trpr is None:
        trpr = etree.Element(W + "trPr")
        tblpr_ex = row.find(W + "tblPrEx")
        row.insert(1 if tblpr_ex is not None else 0, trpr)
    for old in trpr.findall(W + "ins") + trpr.findall(W + "del"):
        trpr.remove(old)
    trpr.append(revisions.mark(kind))
    revisions.counts["rows"] += 1
    return row


# --- tables ----------------------------------------------------------------------------------

def _rows(table) -> list:
    """Return a table's rows."""
    return table.findall(W + "tr")


def _cells(row) -> list:
    """Return a row's cells, those in content controls (w:sdt around a w:tc) included, in order."""
    cells = []
    for child in row:
        if child.tag == W + "tc":
            cells.append(child)
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            cells += _cells(content) if content is not None else []
    return cells


def _grid(table) -> int:
    """Return the number of columns in a table's grid."""
    grid = table.find(W + "tblGrid")
    return len(grid.findall(W + "gridCol")) if grid is not None else 0


def _caption(table) -> str:
    """Return a table's caption (its description for screen readers)."""
    caption = table.find(f"{W}tblPr/{W}tblCaption")
    return caption.get(W + "val") if caption is not None else ""


def diff_table(old, new, revisions: Revisions) -> etree._Element:
    """Return ``new`` with row and cell revisions against ``old``."""
    result = copy.deepcopy(new)
    for row in _rows(result):
        result.remove(row)
    old_rows, new_rows = _rows(old), _rows(new)
    keys_old = [tuple(_text(c) for c in _cells(r)) for r in old_rows]
    keys_new = [tuple(_text(c) for c in _cells(r)) for r in new_rows]

    def score(i, j):
        if len(_cells(old_rows[i])) != len(_cells(new_rows[j])):
            return 0.0
        return redline_align.similarity(" ".join(keys_old[i]), " ".join(keys_new[j]))

    def words(side, index):
        return " ".join(keys_old[index] if side == "old" else keys_new[index])

    for i, j in redline_align.align(keys_old, keys_new, score, revisions.stats, words):
        if i is None:
            result.append(whole_row(new_rows[j], revisions, "ins"))
        elif j is None:
            result.append(whole_row(old_rows[i], revisions, "del"))
        else:
            result.append(diff_row(old_rows[i], new_rows[j], revisions))
    return result


def diff_row(old, new, revisions: Revisions) -> etree._Element:
    """Return ``new`` row with its cells compared to ``old``'s cell by cell."""
    if len(_cells(old)) != len(_cells(new)):
        return _replaced_row(old, new, revisions)
    if _same(old, new, revisions):
        pair_references(old, new, revisions.sides)
        return copy.deepcopy(new)
    result = copy.deepcopy(new)
    for old_cell, cell in zip(_cells(old), _cells(result), strict=False):
        diff_container(old_cell, cell, revisions)
    return result


def _replaced_row(old, new, revisions: Revisions):
    """Return a deleted old row and an inserted new row, as a fragment of two rows."""
    holder = etree.Element(W + "tbl")
    holder.append(whole_row(old, revisions, "del"))
    holder.append(whole_row(new, revisions, "ins"))
    return holder


# --- block containers: body, cells, headers, footers, notes, text boxes -------------------------

def _blocks(container) -> list:
    """Return the paragraphs, tables and block-level controls of a container."""
    return [child for child in container if child.tag in _BLOCKS]


_OBJECT = "\ufffc"  # stands for a picture, equation or object in a block's text
_TEXT_TAGS = (W + "t", M + "t", W + "drawing", W + "pict", W + "object")


def _text(element) -> str:
    """Return the visible text of a block (deleted text excluded), pictures and equations as \ufffc."""
    return "".join(t.text or "" if t.tag in (W + "t", M + "t") else _OBJECT for t in element.iter(*_TEXT_TAGS))


def _block_key(block, text: str | None = None) -> tuple:
    """Return what must be equal for two blocks to be matched as unchanged anchors (``text``:
    the block's text when it is already known)."""
    if block.tag == W + "tbl":
        return ("tbl", _caption(block), str(_grid(block)))
    text = _text(block) if text is None else text
    if block.tag != W + "p":
        return (etree.QName(block).localname, text)
    ppr = block.find(W + "pPr")
    style = ppr.find(W + "pStyle") if ppr is not None else None
    # A paragraph that ends a section is an anchor only for one that ends a section too.
    return ("p", style.get(W + "val") if style is not None else "", text, section(block) is not None)


def _same(old, new, revisions: Revisions) -> bool:
    """True when two blocks are identical, pictures and links included."""
    old_xml, new_xml = etree.tostring(old), etree.tostring(new)
    if old_xml != new_xml:
        # The same XML may differ in the namespace declarations it inherits (a file saved by a newer
        # Word declares more at its root): exclusive canonical XML keeps only those it uses.
        old_xml, new_xml = (etree.tostring(old, method="c14n", exclusive=True),
                            etree.tostring(new, method="c14n", exclusive=True))
        if old_xml != new_xml:
            return False
    if b" r:" not in new_xml and b"Reference" not in new_xml:
        return True

    return normal([old], revisions.sides.relkey_old) == normal([new], revisions.sides.relkey_new)


def _aligned_output(old_blocks: list, new_blocks: list, revisions: Revisions) -> list[tuple]:
    """Return (new index or None, output blocks) for each aligned pair, in order."""
    texts = {"old": [_text(b) for b in old_blocks], "new": [_text(b) for b in new_blocks]}
    keys_old = [_block_key(b, t) for b, t in zip(old_blocks, texts["old"], strict=False)]
    keys_new = [_block_key(b, t) for b, t in zip(new_blocks, texts["new"], strict=False)]
    controls = {side: [control_identity(b) if b.tag == W + "sdt" else b"" for b in blocks]
                for side, blocks in (("old", old_blocks), ("new", new_blocks))}

    def score(i, j):
        if old_blocks[i].tag != new_blocks[j].tag:
            return 0.0
        similarity = redline_align.similarity(texts["old"][i], texts["new"][j])
        if old_blocks[i].tag == W + "tbl":
            return 1.0 if keys_old[i] == keys_new[j] else similarity * 0.99
        if controls["old"][i] and controls["old"][i] == controls["new"][j]:
            return max(similarity, _SAME_CONTROL)  # the same control, whatever it now holds
        return similarity

    def words(side, index):
        return texts[side][index]

    pairs = redline_align.align(keys_old, keys_new, score, revisions.stats, words)
    pairs = _pair_last_paragraphs(pairs, old_blocks, new_blocks)
    output = [(j, _diff_pair(old_blocks[i] if i is not None else None,
                             new_blocks[j] if j is not None else None, revisions)) for i, j in pairs]
    _keep_last_mark([block for _, blocks in output for block in blocks], revisions)
    return _keep_marks_before_tables(output, revisions)


def _diff_pair(old, new, revisions: Revisions) -> list:
    """Return the output blocks for one aligned pair (either side may be None)."""
    if old is None:
        return [mark_block(new, revisions, "ins")]
    if new is None:
        return [mark_block(old, revisions, "del")]
    if _same(old, new, revisions):
        pair_references(old, new, revisions.sides)
        return [copy.deepcopy(new)]
    if old.tag == W + "tbl":
        table = diff_table(old, new, revisions)
        for holder in [r for r in table if r.tag == W + "tbl"]:  # rows replaced whole
            index = table.index(holder)
            table.remove(holder)
            for offset, row in enumerate(list(holder)):
                table.insert(index + offset, row)
        return [table]
    if old.tag == W + "p" and (section(old) is None) != (section(new) is None):
        return split_at_section_break(old, new, revisions)
    if old.tag == W + "p":
        return [diff_paragraph(old, new, revisions)]
    if old.tag == W + "sdt" and old.find(W + "sdtContent") is not None \
            and new.find(W + "sdtContent") is not None:
        result = copy.deepcopy(new)
        diff_container(old.find(W + "sdtContent"), result.find(W + "sdtContent"), revisions)
        return [result]
    return [mark_block(old, revisions, "del"), mark_block(new, revisions, "ins")]


def _pair_last_paragraphs(pairs: list, old_blocks: list, new_blocks: list) -> list:
    """Pair the last old and new paragraphs of a stretch of changed blocks that ends a container
    or stands before a table.

    Such a paragraph's mark cannot be removed (Word and LibreOffice keep a container's last
    mark, and a paragraph cannot join a table), so a replaced paragraph there is shown as one
    paragraph with its words deleted and inserted.
    """
    result, index = [], 0
    while index < len(pairs):
        stop = index
        while stop < len(pairs) and (pairs[stop][0] is None or pairs[stop][1] is None):
            stop += 1
        if stop == index:
            result.append(pairs[index])
            index += 1
            continue
        gap = pairs[index:stop]
        following = pairs[stop] if stop < len(pairs) else None
        if following is None or old_blocks[following[0]].tag == W + "tbl":
            gap = _paired_at_end(gap, old_blocks, new_blocks)
        result += gap
        index = stop
    return result


def _paired_at_end(gap: list, old_blocks: list, new_blocks: list) -> list:
    """Return a stretch of unpaired blocks with its last old and last new paragraph paired, when
    both are paragraphs and nothing of their side follows them in the stretch."""
    olds = [i for i, _ in gap if i is not None]
    news = [j for _, j in gap if j is not None]
    if not olds or not news or old_blocks[olds[-1]].tag != W + "p" or new_blocks[news[-1]].tag != W + "p":
        return gap
    last_old, last_new = (olds[-1], None), (None, news[-1])
    return [p for p in gap if p not in (last_old, last_new)] + [(olds[-1], news[-1])]


def _keep_last_mark(blocks: list, revisions: Revisions) -> None:
    """Move paragraph-mark revisions off the container's last paragraph.

    Word cannot insert or delete the last paragraph mark of a body or cell. When
    trailing paragraphs are inserted or deleted, each mark's revision moves to the
    paragraph before it – across tables inserted or deleted with the same kind as
    the moving mark, which vanish together with it; the text after accepting or
    rejecting stays the same. A paragraph that ends a section never takes a revision
    this way: its section would be lost.
    """
    if not blocks or blocks[-1].tag != W + "p" or mark_kind(blocks[-1]) is None:
        return
    chain, index = [blocks[-1]], len(blocks) - 1
    while index > 0:
        before = blocks[index - 1]
        if before.tag == W + "p" and mark_kind(before) is not None:
            chain.insert(0, before)
        elif not (before.tag == W + "tbl" and _table_kind(before) == mark_kind(chain[0])):
            break
        index -= 1
    if index == 0 or blocks[index - 1].tag != W + "p" or not _sections_stay([blocks[index - 1]] + chain):
        return  # nothing to shift onto (e.g. a wholly inserted document), or a section break would move
    _shift_marks([blocks[index - 1]] + chain, revisions)


def _keep_marks_before_tables(output: list[tuple], revisions: Revisions) -> list[tuple]:
    """Return ``output`` with paragraph-mark revisions kept off paragraphs directly before a table.

    A paragraph before a table cannot join it when its mark goes, so it would stay, empty,
    after accepting or rejecting. The marks of such a run of paragraphs move one paragraph
    back, onto an unchanged paragraph before them. With none there (the run starts the
    container, or follows a table or a content control): a wholly inserted or deleted
    table changes place with paragraphs of the other kind before it; otherwise, when the
    paragraphs are all wholly inserted (or all wholly deleted), the table is shown as the
    old one deleted and the new one inserted on either side of them, so that each view has
    its table and the paragraphs vanish where they should. Paragraphs that carry a section
    break are left alone: moving their marks would move the break.
    """
    items = [(j, block) for j, blocks in output for block in blocks]
    index = len(items) - 1
    while index > 0:
        block = items[index][1]
        if block.tag != W + "tbl" or items[index - 1][1].tag != W + "p" or mark_kind(items[index - 1][1]) is None:
            index -= 1
            continue
        start = index - 1
        while start > 0 and items[start - 1][1].tag == W + "p" and mark_kind(items[start - 1][1]) is not None:
            start -= 1
        anchor = items[start - 1][1] if start > 0 else None
        chain = [b for _, b in items[start:index]]
        kinds = {mark_kind(b) for b in chain}
        if anchor is not None and anchor.tag == W + "p" and _sections_stay([anchor] + chain):
            _shift_marks([anchor] + chain, revisions)
        elif _table_kind(block) is not None and kinds == {"ins", "del"} - {_table_kind(block)}:
            items[start:index + 1] = [items[index]] + items[start:index]
        else:
            views = (resolve(block, accept=True), resolve(block, accept=False))
            if _rows(views[0]) and _rows(views[1]):
                items[start:index + 1] = _both_views(chain, views, items[index][0], revisions)
        index = start - 1
    return [(j, [block]) for j, block in items]


def _both_views(chain: list, views: tuple, j, revisions: Revisions) -> list[tuple]:
    """Return output items showing ``chain`` (revised paragraphs with no paragraph before them to take
    their marks) and the table after it (``views``: as accepting and as rejecting show it) once as
    accepting shows them, inserted, and once as rejecting shows them, deleted: [accepted paragraphs,
    new table, rejected paragraphs, old table]. Each view then has its own paragraphs directly
    before its own table, and the other view's vanish (a paragraph whose mark goes joins what
    follows the vanished table)."""
    accepted = [_mark_adopted(p, revisions, "ins", True) for p in _view(chain, accept=True)]
    rejected = [_mark_adopted(revisions.sides.renumbered(p), revisions, "del", True)
                for p in _view(chain, accept=False)]
    new_table = _mark_adopted(views[0], revisions, "ins", paragraph_marks=False)
    old_table = _mark_adopted(revisions.sides.renumbered(views[1]), revisions, "del", paragraph_marks=False)
    return [(None, p) for p in accepted] + [(None, new_table)] + [(None, p) for p in rejected] + [(j, old_table)]


def _view(paragraphs: list, accept: bool) -> list:
    """Return the paragraphs as accepting (or rejecting) every change shows them, before a table:
    a last paragraph whose mark goes and that holds nothing is not there at all."""
    holder = etree.Element(W + "body")
    holder.extend(copy.deepcopy(p) for p in paragraphs)
    marks_going = [mark_kind(p) == ("del" if accept else "ins") for p in paragraphs]
    shown = list(resolve(holder, accept=accept))
    if shown and marks_going[-1] and not _text(shown[-1]).strip():
        shown.pop()
    return shown


def _sections_stay(chain: list) -> bool:
    """True when shifting the marks of ``chain`` (see _shift_marks) leaves every paragraph that carries
    a section break with the revision it has, so that each break stays in the views it belongs to."""
    kinds = [mark_kind(p) for p in chain]
    shifted = kinds[1:] + [None]
    return all(kind == after for p, kind, after in zip(chain, kinds, shifted, strict=True) if section(p) is not None)


def _shift_marks(chain: list, revisions: Revisions) -> None:
    """Give each paragraph of ``chain`` the mark revision of the one after it; the last gets none.

    Word keeps a paragraph's properties in its mark, so after the shift the paragraph that all
    the others join in one view is the last one. When the moved marks are all inserted (or all
    deleted), the last paragraph is given the properties that view must show – the anchor's old
    ones when rejecting removes the inserted marks, the anchor's new ones when accepting removes
    the deleted – with a recorded change for the other view.
    """
    kinds = {mark_kind(p) for p in chain[1:]}
    marks = [p.find(f"{W}pPr/{W}rPr/{W}{mark_kind(p)}") if mark_kind(p) else None for p in chain]
    for paragraph in chain:
        unmark(paragraph)
    for paragraph, mark in zip(chain[:-1], marks[1:], strict=False):
        set_mark(paragraph, mark)
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind is not None and not any(section(p) is not None for p in chain):
        _carry_properties(chain[0], chain[-1], kind, revisions)


def _carry_properties(anchor, last, kind: str, revisions: Revisions) -> None:
    """Give ``last`` what the view in which the chain joins it must show (see _shift_marks)."""
    anchor_ppr = anchor.find(W + "pPr")
    if kind == "ins":  # rejecting: everything joins the last, which must look like the anchor did
        recorded = anchor_ppr.find(f"{W}pPrChange/{W}pPr") if anchor_ppr is not None else None
        old = recorded if recorded is not None else anchor_ppr
        if ppr_key(old) != ppr_key(last.find(W + "pPr")):
            for change in last.findall(f"{W}pPr/{W}pPrChange"):
                change.getparent().remove(change)
            ppr_change(last, old, revisions)
        return
    # accepting: everything joins the last, which must look like the anchor does now
    last_ppr = last.find(W + "pPr")
    if ppr_key(anchor_ppr) == ppr_key(last_ppr):
        return
    previous = copy.deepcopy(last_ppr) if last_ppr is not None else None
    if last_ppr is None:
        last_ppr = etree.Element(W + "pPr")
        last.insert(0, last_ppr)
    for child in [c for c in last_ppr if c.tag not in (W + "rPr", W + "sectPr")]:
        last_ppr.remove(child)
    for child in reversed([copy.deepcopy(c) for c in (anchor_ppr if anchor_ppr is not None else ())
                           if c.tag not in (W + "rPr", W + "sectPr", W + "pPrChange")]):
        last_ppr.insert(0, child)
    ppr_change(last, previous, revisions)


def _table_kind(table) -> str | None:
    """Return "ins"/"del" when every row of a table is inserted (or deleted), else None."""
    kinds = set()
    for row in _rows(table):
        trpr = row.find(W + "trPr")
        kinds.add(next((k for k in ("ins", "del") if trpr is not None and trpr.find(W + k) is not None), None))
    return kinds.pop() if len(kinds) == 1 else None


def diff_container(old_container, new_container, revisions: Revisions) -> None:
    """Replace the blocks of ``new_container`` (a copy) by its blocks compared with the old's.

    Markers between blocks (bookmarks, comment ranges) stay before the block they
    preceded; the container's own properties (tcPr, sectPr …) stay where they are.
    """
    old_blocks = _blocks(old_container) if old_container is not None else []
    new_blocks = _blocks(new_container)
    before: dict[int, list] = {}  # block number → the markers before it
    pending: list = []
    for child in list(new_container):
        if child.tag in _BLOCKS:
            before[len(before)] = pending
            pending = []
        elif child.tag not in _CONTAINER_PROPS:
            pending.append(child)
    child = None
    output = _aligned_output(old_blocks, new_blocks, revisions)
    leading = [c for c in new_container if c.tag in _CONTAINER_PROPS and c.tag != W + "sectPr"]
    tail = new_container.find(W + "sectPr")
    # Emptied in one step with no element of it still referenced from Python: lxml then frees
    # the old children instead of moving each one (and its subtree) to a document of its own,
    # which costs time that grows with the square of a big table's size.
    del new_blocks
    del new_container[:]
    new_container.extend(leading)
    for j, blocks in output:
        new_container.extend(before.pop(j, []) if j is not None else [])  # once, before its first block
        new_container.extend(blocks)
    new_container.extend(pending)
    if tail is not None:
        new_container.append(tail)


# --- text, for tests and summaries --------------------------------------------------------------

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
    diff_container(body(old_root) if old_root is not None else None, body(result), revisions)
    old_final = body(old_root).find(W + "sectPr") if old_root is not None else None
    final = body(result).find(W + "sectPr")
    if final is None and old_final is not None:  # no properties in the new: Word's defaults
        final = etree.SubElement(body(result), W + "sectPr")
    if final is not None:
        section_change(final, old_final, revisions)
    return result


def diff_part(old_root, new_root, revisions: Revisions) -> etree._Element:
    """Return a copy of a header, footer or note root with revisions against the old one."""
    result = copy.deepcopy(new_root)
    diff_container(old_root, result, revisions)
    return result


def deleted_document(old_root, revisions: Revisions) -> etree._Element:
    """Return a copy of ``old_root`` with every block deleted (a plan that was removed)."""
    result = copy.deepcopy(old_root)
    container = body(result)
    kept = [c for c in container if c.tag not in _BLOCKS]  # markers and the section's properties
    del container[:]  # in one step, nothing referenced: see diff_container
    container.extend(kept)
    diff_container(body(old_root), container, revisions)
    return result

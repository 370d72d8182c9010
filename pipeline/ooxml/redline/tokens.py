"""A paragraph as a sequence of comparable tokens, and tokens written back as runs.

Text is split into words, spaces and punctuation across run boundaries, so a word
that Word happened to store as "w" + "ay" is one token "way": run boundaries never
show as changes. Run content that is not text (tabs, breaks, pictures, text boxes,
note references, field characters) is one token each. Paragraph content that must
stay whole (hyperlinks, content controls, simple and complex fields, equations,
smart tags) is one *unit* token, compared and copied as a whole. Zero-width
markers (bookmarks, comment ranges) ride along with the token after them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from pipeline.ooxml.names import XML_SPACE, M, R, W
from pipeline.ooxml.redline.formatting import StyleBook, run_key

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"

# Words, spaces and punctuation; a date or number such as 2023-01-31 or 7,5 stays one token.
WORD = re.compile(r"\d+(?:[-/.:,]\d+)*|\w+|\s+|[^\w\s]", re.UNICODE)
MARKERS = {W + t for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                           "permStart", "permEnd", "moveFromRangeStart", "moveFromRangeEnd",
                           "moveToRangeStart", "moveToRangeEnd")}
DROPPED = {W + "proofErr", W + "lastRenderedPageBreak", W + "rPr"}
NOTE_REFERENCES = {W + "footnoteReference": "fnref", W + "endnoteReference": "enref",
                   W + "commentReference": "cref"}
# Inline wrappers whose runs are marked inside them (a w:hyperlink may not sit in a w:ins).
INLINE_WRAPPERS = {W + t for t in ("hyperlink", "smartTag", "customXml", "dir", "bdo", "sdt", "sdtContent",
                                   "fldSimple", "ins", "moveTo")}
_VOLATILE = re.compile(r"\{[^}]*(wordprocessingml/2006/main|word/2010/wordml|wordprocessingDrawing)\}"
                       r"(rsid\w*|paraId|textId|anchorId|editId)$")
_TEXT_TAGS = (W + "t", W + "delText")


@dataclass(eq=False)
class Token:
    """One comparable piece of a paragraph."""

    key: tuple
    kind: str  # "text": a word or space; "run": one element inside a run; "unit": whole elements
    items: list  # text: [(text, rPr)]; run: [element]; unit: [elements]
    rpr: object = None  # the run properties of a "run" token
    markers: list = field(default_factory=list)  # bookmarks etc. just before this token
    style: tuple = ()  # formatting, to see formatting changes of equal text

    @property
    def is_word(self) -> bool:
        """True when the token counts as a word for "how much of the sentence changed"."""
        return self.kind != "text" or bool(re.search(r"\w", self.key[1]))


def rpr_key(rpr) -> bytes:
    """Return run properties as bytes for comparing: their look, however written (see formatting)."""
    return run_key(rpr)


_CONTROL_STATE = {W + "id", W + "placeholder", W + "showingPlcHdr", W + "rPr", W + "dataBinding", W + "lock",
                  W14 + "checked"}


def control_identity(sdt) -> bytes:
    """Return what makes a content control the same control in two versions: its name, tag and kind
    (drop-down and its items, date, check box …), not its id, value or what it shows."""
    props = sdt.find(W + "sdtPr")
    if props is None:
        return b""
    clone = copy.deepcopy(props)
    for node in list(clone.iter()):
        if isinstance(node.tag, str) and node.tag in _CONTROL_STATE and node.getparent() is not None:
            node.getparent().remove(node)
        elif isinstance(node.tag, str):
            for name in ("lastValue", "fullDate"):
                node.attrib.pop(W + name, None)
    return etree.tostring(clone)


def normal(elements: list, relkey) -> bytes:
    """Return elements as bytes for comparing: volatile ids dropped, relationships as their targets,
    text boxes emptied (they are compared inside)."""
    parts = []
    for element in elements:
        clone = copy.deepcopy(element)
        doomed = []
        for node in clone.iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag == W + "txbxContent":
                node[:] = []
            if node.tag in DROPPED - {W + "rPr"} or node.tag in MARKERS:
                doomed.append(node)
            for name in list(node.attrib):
                if _VOLATILE.match(name) or name in ("id", "{urn:schemas-microsoft-com:office:office}spid") \
                        or (name == W + "id" and node.tag in MARKERS):
                    del node.attrib[name]
                elif name.startswith(R):
                    node.set(name, relkey(node.get(name)))
        for node in doomed:
            if node.getparent() is not None:
                node.getparent().remove(node)
        parts.append(etree.tostring(clone))
    return b"".join(parts)


class Tokenizer:
    """Turns paragraphs of one side (old or new) into tokens."""

    def __init__(self, relkey=None, styles: StyleBook | None = None):
        self.relkey = relkey or (lambda rid: rid)
        self.styles = styles
        self._rpr_keys: dict = {}

    def _rkey(self, rpr) -> bytes:
        """Return the comparable run properties (character styles resolved), once per element."""
        ident = id(rpr)
        if ident not in self._rpr_keys:
            self._rpr_keys[ident] = (rpr, run_key(rpr, self.styles))  # keep rpr alive so its id stays unique
        return self._rpr_keys[ident][1]

    def tokens(self, paragraph) -> tuple[list[Token], list]:
        """Return the paragraph's tokens and the markers after its last token."""
        state = _State()
        children = [c for c in paragraph if c.tag != W + "pPr" and isinstance(c.tag, str)]
        index = 0
        while index < len(children):
            child = children[index]
            end = _field_end(children, index) if child.tag == W + "r" else None
            if end is not None:
                self._unit(state, children[index:end + 1], "field")
                index = end + 1
                continue
            if child.tag == W + "r":
                self._run(state, child)
            elif child.tag in MARKERS:
                self._flush(state)
                state.markers.append(child)
            elif child.tag not in DROPPED:
                self._unit(state, [child], etree.QName(child).localname)
            index += 1
        self._flush(state)
        return state.tokens, state.markers

    def _run(self, state, run) -> None:
        """Add the tokens of one run: its text collected, other content as tokens."""
        rpr = run.find(W + "rPr")
        for child in run:
            if not isinstance(child.tag, str) or child.tag in DROPPED:
                continue
            if child.tag in _TEXT_TAGS:
                state.text.append((child.text or "", rpr))
                continue
            self._flush(state)
            state.add(Token(self._special_key(child), "run", [child], rpr, style=((1, self._rkey(rpr)),)))

    def _special_key(self, element) -> tuple:
        """Return the comparable key of non-text run content."""
        if element.tag in NOTE_REFERENCES:
            return (NOTE_REFERENCES[element.tag],)
        if element.tag in (W + "instrText", W + "delInstrText"):
            return ("instr", element.text or "")
        if len(element) == 0 and not element.text:
            return ("r", etree.QName(element).localname,
                    tuple(sorted((k, v) for k, v in element.attrib.items() if not _VOLATILE.match(k))))
        return ("g", normal([element], self.relkey))

    def _unit(self, state, elements: list, name: str) -> None:
        """Add elements as one unit token (a content control by what it is, not what it holds:
        an edited control is compared inside, see paragraphs)."""
        self._flush(state)
        whole = normal(elements, self.relkey)
        key = ("u", name, control_identity(elements[0])) if name == "sdt" else ("u", name, whole)
        state.add(Token(key, "unit", list(elements), style=(whole,)))

    def _flush(self, state) -> None:
        """Turn the collected text pieces into word, space and punctuation tokens."""
        if not state.text:
            return
        pieces, state.text = _merged(state.text, self._rkey), []
        whole = "".join(text for text, _ in pieces)
        if len(pieces) == 1:  # the usual case: one formatting for the whole stretch
            rpr = pieces[0][1]
            key = self._rkey(rpr)
            for word in WORD.findall(whole):
                state.add(Token(("t", word), "text", [(word, rpr)], style=((len(word), key),)))
            return
        spans, offset = [], 0
        for text, rpr in pieces:
            spans.append((offset, offset + len(text), rpr))
            offset += len(text)
        cursor = 0
        for match in WORD.finditer(whole):
            start, stop = match.span()
            items = []
            while spans[cursor][1] <= start:
                cursor += 1
            scan = cursor
            while scan < len(spans) and spans[scan][0] < stop:
                a, b, rpr = spans[scan]
                items.append((whole[max(a, start):min(b, stop)], rpr))
                scan += 1
            style = tuple((len(text), self._rkey(rpr)) for text, rpr in items)
            state.add(Token(("t", match.group()), "text", items, style=style))


def _merged(pieces: list, rkey) -> list:
    """Return text pieces with neighbours of equal formatting joined (run boundaries are no change)."""
    merged: list[tuple] = []
    for text, rpr in pieces:
        if not text:
            continue
        if merged and rkey(merged[-1][1]) == rkey(rpr):
            merged[-1] = (merged[-1][0] + text, merged[-1][1])
        else:
            merged.append((text, rpr))
    return merged


class _State:
    def __init__(self):
        self.tokens: list[Token] = []
        self.markers: list = []
        self.text: list = []

    def add(self, token: Token) -> None:
        """Add a token, giving it the markers collected before it."""
        token.markers, self.markers = self.markers, []
        self.tokens.append(token)


def _field_type(run) -> str | None:
    """Return the fldCharType of a run's field character, if any."""
    char = run.find(W + "fldChar")
    return char.get(W + "fldCharType") if char is not None else None


def _field_end(children: list, start: int) -> int | None:
    """Return the index of the run ending the complex field begun at ``start``, if in this paragraph."""
    if _field_type(children[start]) != "begin":
        return None
    depth = 0
    for index in range(start, len(children)):
        child = children[index]
        if child.tag != W + "r":
            if child.tag in MARKERS or child.tag in DROPPED:
                continue
            return None  # a field around a hyperlink or the like: keep its pieces as tokens
        for char in child.iter(W + "fldChar"):
            kind = char.get(W + "fldCharType")
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if depth == 0:
                return index
    return None


# --- writing tokens back -----------------------------------------------------------------

_DELETED_FORM = {W + "t": W + "delText", W + "instrText": W + "delInstrText"}
_LIVE_FORM = {deleted: live for live, deleted in _DELETED_FORM.items()}


def as_deleted(element) -> None:
    """Turn text and field instructions inside ``element`` into their deleted forms (not in text boxes)."""
    _retag(element, _DELETED_FORM)


def _retag(element, names: dict) -> None:
    for node in _iter_outside_boxes(element):
        if node.tag in names:
            node.tag = names[node.tag]


def _iter_outside_boxes(element):
    """Yield ``element`` and its descendants, not entering text boxes (their text is their own)."""
    stack = [element]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        yield node
        if node.tag != W + "txbxContent":
            stack.extend(reversed(node))


def mark_inside(element, kind: str, revisions) -> None:
    """Wrap every run (and equation) reachable inside ``element``'s inline wrappers in w:ins/w:del."""
    for child in list(element):
        if not isinstance(child.tag, str):
            continue
        if child.tag in (W + "r", M + "oMath", M + "oMathPara", W + "fldSimple"):
            wrapper = revisions.mark(kind)
            child.addprevious(wrapper)
            # A simple field becomes the runs of the same complex field, so no live field is left
            # behind when the deletion is accepted (or the insertion rejected): Word would fill it again.
            wrapper.extend(complex_field(child) if child.tag == W + "fldSimple" else [child])
            if kind == "del":
                as_deleted(wrapper)
        elif child.tag in INLINE_WRAPPERS:
            mark_inside(child, kind, revisions)


def complex_field(simple) -> list:
    """Return the runs of the complex field equal to a w:fldSimple (removing it from its parent)."""
    runs = simple.findall(W + "r")
    rpr = runs[0].find(W + "rPr") if runs else None

    def run(child):
        element = etree.Element(W + "r")
        if rpr is not None:
            element.append(copy.deepcopy(rpr))
        element.append(child)
        return element

    chars = []
    for kind in ("begin", "separate", "end"):
        char = etree.Element(W + "fldChar")
        char.set(W + "fldCharType", kind)
        chars.append(char)
    instr = etree.Element(W + "instrText")
    instr.set(XML_SPACE, "preserve")
    instr.text = simple.get(W + "instr", "")
    if simple.getparent() is not None:
        simple.getparent().remove(simple)
    return [run(chars[0]), run(instr), run(chars[1])] + runs + [run(chars[2])]

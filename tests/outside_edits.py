"""Edit pairs for the outside corpus: a real .docx and a copy of it with a few edits made in its XML.

:func:`make_pair` takes one source file and returns ``(old, new, edits)``: ``old`` is the
file's own bytes, ``new`` the same package with 2 to 5 edits of different kinds made with
lxml, and ``edits`` says in words what was done. The edits are chosen, among the kinds the
document allows, by a random generator seeded with the file's name, so a pair is the same on
every run and every machine.

The kinds (:data:`EDITS`): a word changed, inserted or deleted inside a run; a paragraph
inserted (the properties of its neighbour, new text), deleted or moved; bold or italic on part
of a run (the run split in three); a table cell's text changed; a table row inserted (a copy of
a row with new text) or deleted; a footnote's or endnote's text changed; a header's or footer's
text changed; the text inside a content control changed; a hyperlink's text changed; a text
box's text changed (its VML fallback, if any, given the same text); the run of a picture
deleted; a section break inserted (an empty paragraph whose pPr/sectPr is a copy of the body's
final sectPr, with or without its header and footer references) or removed. Features (tables,
notes, headers, controls, links, text boxes, pictures, removed breaks) are picked three times as
often as plain words and paragraphs.

Only ordinary content is edited: never text inside tracked changes (w:ins, w:del, w:moveFrom,
w:moveTo), the fallback copies of mc:AlternateContent, equations or fields, and no word is
edited twice. What Word itself never writes is not made either: no section break after the
body's last block (an empty final section), no paragraph taken from between two tables (they
would become one). Every part that is not edited keeps its bytes; the parts that are edited are
written again by lxml. Only lxml, zipfile and the standard library are used.
"""

from __future__ import annotations

import copy
import hashlib
import io
import posixpath
import random
import re
import zipfile

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_blank_text=False, no_network=True)

# Content that is not ordinary: tracked changes, alternative copies, text boxes, field results,
# ruby text. Text below one of these is never edited.
_FENCED = {W + t for t in ("ins", "del", "moveFrom", "moveTo", "txbxContent", "fldSimple", "ruby")} | {
    MC + "AlternateContent", M + "oMath", M + "oMathPara"}
_TRACKED = (W + "ins", W + "del", W + "moveFrom", W + "moveTo")
_MARKERS = {W + t for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                            "commentReference", "footnoteReference", "endnoteReference", "permStart", "permEnd",
                            "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                            "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
                            "customXmlDelRangeEnd")}
_PARA_IDS = ("{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
             "{http://schemas.microsoft.com/office/word/2010/wordml}textId")
# The order of a few run properties in CT_RPr: bold and italic go after these.
_RPR_BEFORE = {"b": ("rStyle", "rFonts", "b"), "i": ("rStyle", "rFonts", "b", "bCs", "i")}
WORDS = ["amber", "harbour", "lantern", "meadow", "quartz", "orchard", "velvet", "granite", "saffron",
         "willow", "cobalt", "thistle", "ember", "juniper", "falcon", "marble", "hazel", "tundra"]
LETTERS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
GENERIC = ("change a word", "insert a word", "delete a word", "insert a paragraph", "delete a paragraph",
           "move a paragraph", "bold or italic on part of a run")
FEATURES = ("change a table cell", "insert a table row", "delete a table row", "edit a note",
            "edit a header or footer", "edit a content control", "change a hyperlink", "edit a text box",
            "delete a picture", "insert a section break", "remove a section break")


class Document:
    """The parts of a .docx that edits touch, parsed; the rest left as bytes."""

    def __init__(self, data: bytes | None = None, source: Document | None = None):
        """Read ``data``, or copy ``source`` (a fresh copy of its parsed parts, before any edit)."""
        if source is None:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self.infos = [i for i in archive.infolist()]
                self.parts = {i.filename: archive.read(i) for i in self.infos}
            self._parsed: dict[str, etree._Element] = {}
            self._rels: dict[str, dict] = {}
        else:
            self.infos, self.parts, self._parsed, self._rels = source.infos, source.parts, source._parsed, source._rels
        self.roots: dict[str, etree._Element] = {}
        self.changed: set[str] = set()
        self.edited: list = []  # the w:t elements edited so far: a later edit takes other words
        self._fields: dict[int, tuple] = {}
        rels = self.rels("")
        self.main = next(target for kind, target in rels.values() if kind.endswith("/officeDocument"))
        self.body = self.xml(self.main).find(W + "body")

    def xml(self, name: str) -> etree._Element:
        """Return the parsed part ``name``."""
        if name not in self.roots:
            if name not in self._parsed:  # parsed once; every copy of the document edits its own tree
                self._parsed[name] = etree.fromstring(self.parts[name], PARSER)
            self.roots[name] = copy.deepcopy(self._parsed[name])
        return self.roots[name]

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Return {id: (type, target part or URL)} for a part's relationships."""
        if part in self._rels:
            return self._rels[part]
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        found = self._rels[part] = {}
        if rels_name not in self.parts:
            return found
        for rel in etree.fromstring(self.parts[rels_name], PARSER).iter(PKG_RELS + "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id")] = (rel.get("Type", ""), target)
        return found

    def related(self, kind: str) -> str | None:
        """Return the part the main document relates to by the type ending in ``/kind``."""
        for rel_kind, target in self.rels(self.main).values():
            if rel_kind.endswith("/" + kind) and target in self.parts:
                return target
        return None

    def headers(self) -> list[str]:
        """Return the header and footer parts the sections refer to, in order of first reference."""
        rels, found = self.rels(self.main), []
        for section in self.xml(self.main).iter(W + "sectPr"):
            if section.getparent().tag == W + "sectPrChange":
                continue
            for reference in section:
                if reference.tag in (W + "headerReference", W + "footerReference"):
                    target = rels.get(reference.get(f"{{{R_NS}}}id"), ("", None))[1]
                    if target in self.parts and target not in found:
                        found.append(target)
        return found

    def fields(self, element) -> set:
        """Return the runs inside complex fields in the story of ``element`` (worked out once)."""
        root = element.getroottree().getroot()
        if id(root) not in self._fields:
            self._fields[id(root)] = (root, _in_fields(root))  # the root kept, so its id stays its own
        return self._fields[id(root)][1]

    def touch(self, part: str) -> None:
        """Note that ``part`` was edited (it is written again)."""
        self.changed.add(part)

    def to_bytes(self) -> bytes:
        """Return the package: edited parts serialised again, every other entry as it was."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for info in self.infos:
                data = self.parts[info.filename]
                if info.filename in self.changed:
                    data = etree.tostring(self.roots[info.filename], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type = info.compress_type
                entry.external_attr = info.external_attr
                archive.writestr(entry, data)
        return buffer.getvalue()


# --- what may be edited ------------------------------------------------------------------------

def _ordinary(element, stop) -> bool:
    """True when no ancestor of ``element`` below ``stop`` is a tracked change or other fenced content."""
    return not _has_ancestor(element, _FENCED, stop)


def _in_fields(root) -> set:
    """Return the runs of ``root`` that lie inside a complex field (its code or its result)."""
    inside, depth = set(), 0
    for run in root.iter(W + "r"):
        chars = [c.get(W + "fldCharType") for c in run.iter(W + "fldChar")]
        if depth > 0 or chars or run.find(W + "instrText") is not None:
            inside.add(run)
        for kind in chars:
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            depth = max(depth, 0)
    return inside


def _tracked_run(run) -> bool:
    """True when a run's properties carry a tracked change of their own."""
    rpr = run.find(W + "rPr")
    return rpr is not None and any(c.tag in _TRACKED for c in rpr)


def _texts(doc: Document, root, stop=None, where=None) -> list:
    """Return the w:t elements of ordinary runs under ``root`` that hold a word (``where`` filters runs)."""
    stop = root if stop is None else stop
    fields = doc.fields(root)
    found = []
    for text in root.iter(W + "t"):
        run = text.getparent()
        if run.tag != W + "r" or run in fields or _tracked_run(run) or not LETTERS.search(text.text or ""):
            continue
        if _ordinary(run, stop) and (where is None or where(run)) and not any(text is e for e in doc.edited):
            found.append(text)
    return found


def _has_ancestor(element, tags, stop) -> bool:
    node = element.getparent()
    while node is not None and node is not stop:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _plain_paragraph(paragraph) -> bool:
    """True when a paragraph holds no tracked change, marker, note reference, field code or section."""
    for node in paragraph.iter():
        if node.tag in _TRACKED or node.tag in _MARKERS or node.tag in (W + "fldChar", W + "instrText",
                                                                         W + "sectPr", W + "pPrChange"):
            return False
    return True


def _anchor(paragraph) -> bool:
    """True when a paragraph may have a new one inserted after it: its mark is not a tracked change."""
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    return rpr is None or not any(c.tag in _TRACKED for c in rpr)


def _containers(doc: Document) -> list:
    """Return the body and the block-level content controls in it (not in tables or tracked changes)."""
    found = [doc.body]
    for content in doc.body.iter(W + "sdtContent"):
        node, ok = content, True
        while node is not doc.body and ok:
            ok = node.tag in (W + "sdtContent", W + "sdt")
            node = node.getparent()
        if ok:
            found.append(content)
    return found


def _body_paragraphs(doc: Document) -> list:
    """Return the paragraphs of the body (or of block-level content controls in it) that lie outside
    any field spanning paragraphs."""
    fields = doc.fields(doc.body)
    result = []
    for container in _containers(doc):
        for paragraph in container.findall(W + "p"):
            runs = [r for r in paragraph.iter(W + "r") if next(r.iterancestors(W + "p")) is paragraph]
            if not any(r in fields for r in runs):
                result.append(paragraph)
    return result


def _blocks(container) -> list:
    return [c for c in container if c.tag in (W + "p", W + "tbl", W + "sdt", W + "customXml")]


def _last_block(container):
    blocks = _blocks(container)
    return blocks[-1] if blocks else None


def _word_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(W + "t"))


# --- small helpers -----------------------------------------------------------------------------

def _set_text(text, value: str) -> None:
    text.text = value
    if value != value.strip():
        text.set(XML_SPACE, "preserve")


def _fresh_word(rng: random.Random, avoid: str) -> str:
    choices = [w for w in WORDS if w.lower() != avoid.lower()]
    return rng.choice(choices)


def _clean_copy(element):
    """Return a deep copy without tracked-change marks, paragraph ids or rsids."""
    clone = copy.deepcopy(element)
    for node in list(clone.iter(W + "pPrChange", W + "rPrChange", W + "sectPrChange", *_TRACKED)):
        if node.getparent() is not None:
            node.getparent().remove(node)
    for node in clone.iter():
        if not isinstance(node.tag, str):
            continue
        for name in list(node.attrib):
            if name in _PARA_IDS or name.startswith(W + "rsid"):
                del node.attrib[name]
    return clone


def _run_props(paragraph):
    """Return a copy of the properties of the paragraph's first ordinary text run, if any."""
    for run in paragraph.iter(W + "r"):
        if run.find(W + "t") is not None and _ordinary(run, paragraph) and not _tracked_run(run):
            rpr = run.find(W + "rPr")
            return _clean_copy(rpr) if rpr is not None else None
    return None


def _new_run(text: str, rpr=None):
    run = etree.Element(W + "r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    element = etree.SubElement(run, W + "t")
    _set_text(element, text)
    return run


def _where(element) -> str:
    """Return a short description of where an element is: paragraph number in its story."""
    root = element.getroottree().getroot()
    paragraph = element if element.tag == W + "p" else next(element.iterancestors(W + "p"), None)
    if paragraph is None:
        return etree.QName(root).localname
    number = next((n for n, p in enumerate(root.iter(W + "p")) if p is paragraph), -1)
    return f"{etree.QName(root).localname} paragraph {number}"


def _edit_word(doc: Document, rng: random.Random, texts: list, mode: str) -> str | None:
    """Change, insert or delete one word in one of ``texts``; return what was done."""
    if not texts:
        return None
    if mode == "delete":  # a word among others, so that the run keeps some text
        texts = [t for t in texts if len(LETTERS.findall(t.text)) >= 2] or texts
    text = rng.choice(texts)
    doc.edited.append(text)
    value = text.text
    words = list(LETTERS.finditer(value))
    if mode == "delete" and len(words) < 2 and len(value.strip()) == len(words[0].group()):
        mode = "change"  # deleting the only word would empty the run
    match = rng.choice(words)
    start, end = match.span()
    place = _where(text)
    if mode == "change":
        word = _fresh_word(rng, match.group())
        _set_text(text, value[:start] + word + value[end:])
        return f"changed the word {match.group()!r} to {word!r} ({place})"
    if mode == "insert":
        word = _fresh_word(rng, match.group())
        _set_text(text, value[:end] + " " + word + value[end:])
        return f"inserted the word {word!r} after {match.group()!r} ({place})"
    if end < len(value) and value[end] == " ":
        end += 1
    elif start > 0 and value[start - 1] == " ":
        start -= 1
    _set_text(text, value[:start] + value[end:])
    return f"deleted the word {match.group()!r} ({place})"


# --- the edits ---------------------------------------------------------------------------------

def _body_texts(doc: Document) -> list:
    """Return words in paragraphs directly in the body (not tables, controls, links)."""
    def direct(run):
        return run.getparent().tag == W + "p" and run.getparent().getparent() is doc.body
    return _texts(doc, doc.body, where=direct)


def edit_word(doc: Document, rng: random.Random, mode: str) -> str | None:
    done = _edit_word(doc, rng, _body_texts(doc), mode)
    if done:
        doc.touch(doc.main)
    return done


def insert_paragraph(doc: Document, rng: random.Random) -> str | None:
    anchors = [p for p in _body_paragraphs(doc) if _anchor(p)]
    if not anchors:
        return None
    anchor = rng.choice(anchors)
    paragraph = etree.Element(W + "p")
    ppr = anchor.find(W + "pPr")
    if ppr is not None:
        ppr = _clean_copy(ppr)
        for section in ppr.findall(W + "sectPr"):
            ppr.remove(section)
        paragraph.append(ppr)
    words = rng.sample(WORDS, 3)
    text = f"A new paragraph about the {words[0]}, the {words[1]} and the {words[2]}."
    paragraph.append(_new_run(text, _run_props(anchor)))
    anchor.addnext(paragraph)
    doc.touch(doc.main)
    return f"inserted a paragraph {text!r} after {_where(anchor)}"


def _between_tables(paragraph) -> bool:
    """True when a paragraph is all that keeps two tables apart (without it they would be one)."""
    before, after = paragraph.getprevious(), paragraph.getnext()
    while before is not None and before.tag not in (W + "p", W + "tbl", W + "sdt"):
        before = before.getprevious()
    while after is not None and after.tag not in (W + "p", W + "tbl", W + "sdt"):
        after = after.getnext()
    return before is not None and after is not None and before.tag == after.tag == W + "tbl"


def _removable(doc: Document) -> list:
    containers = _containers(doc)  # kept alive, so that each element keeps its one proxy (and id)
    last = {id(c): _last_block(c) for c in containers}
    return [p for p in _body_paragraphs(doc) if p is not last[id(p.getparent())] and _plain_paragraph(p)
            and _word_text(p).strip() and not _between_tables(p)]


def _remove_one(doc: Document, rng: random.Random, candidates: list):
    """Remove one of ``candidates`` (chosen by ``rng``) from the main part; return it and where it was."""
    element = rng.choice(candidates)
    place = _where(element)
    element.getparent().remove(element)
    doc.touch(doc.main)
    return element, place


def delete_paragraph(doc: Document, rng: random.Random) -> str | None:
    candidates = _removable(doc)
    if not candidates:
        return None
    paragraph, place = _remove_one(doc, rng, candidates)
    return f"deleted {place} {_word_text(paragraph)[:40]!r}"


def move_paragraph(doc: Document, rng: random.Random) -> str | None:
    candidates = _removable(doc)
    if not candidates:
        return None
    paragraph = rng.choice(candidates)
    targets = [p for p in _body_paragraphs(doc) if p is not paragraph and p.getnext() is not paragraph
               and p.getparent() is paragraph.getparent() and p.find(f"{W}pPr/{W}sectPr") is None]
    if not targets:
        return None
    place = _where(paragraph)
    target = rng.choice(targets)
    target_place = _where(target)
    paragraph.getparent().remove(paragraph)
    target.addnext(paragraph)
    doc.touch(doc.main)
    return f"moved {place} {_word_text(paragraph)[:40]!r} to after {target_place}"


def _insert_rpr_child(rpr, name: str) -> None:
    child = etree.Element(W + name)
    before = [c for c in rpr if isinstance(c.tag, str) and etree.QName(c).localname in _RPR_BEFORE[name]]
    if before:
        before[-1].addnext(child)
    else:
        rpr.insert(0, child)


def format_part(doc: Document, rng: random.Random) -> str | None:
    def splittable(run):
        others = [c for c in run if c.tag not in (W + "rPr", W + "t")]
        return not others and len(run.findall(W + "t")) == 1 and len(LETTERS.findall(run.find(W + "t").text)) >= 3

    texts = [t for t in _body_texts(doc) if splittable(t.getparent())]
    for text in list(texts):
        rpr = text.getparent().find(W + "rPr")
        if rpr is not None and rpr.find(W + "b") is not None and rpr.find(W + "i") is not None:
            texts.remove(text)
    if not texts:
        return None
    text = rng.choice(texts)
    run = text.getparent()
    rpr = run.find(W + "rPr")
    options = [n for n in ("b", "i") if rpr is None or rpr.find(W + n) is None]
    prop = rng.choice(options)
    words = list(LETTERS.finditer(text.text))
    first = rng.randrange(1, len(words) - 1)
    count = min(rng.choice((1, 2)), len(words) - 1 - first)
    start, end = words[first].start(), words[first + count - 1].end()
    value = text.text
    pieces = [value[:start], value[start:end], value[end:]]
    runs = []
    for index, piece in enumerate(pieces):
        clone = _new_run(piece, rpr)
        if index == 1:
            props = clone.find(W + "rPr")
            if props is None:
                props = etree.Element(W + "rPr")
                clone.insert(0, props)
            _insert_rpr_child(props, prop)
        runs.append(clone)
    for attribute, value_ in run.attrib.items():
        for clone in runs:
            clone.set(attribute, value_)
    run.addprevious(runs[0])
    run.addprevious(runs[1])
    run.addprevious(runs[2])
    run.getparent().remove(run)
    doc.touch(doc.main)
    label = "bold" if prop == "b" else "italic"
    return f"made {value[start:end]!r} {label} inside a run ({_where(runs[1])})"


def _tables(doc: Document) -> list:
    return [t for t in doc.body.iter(W + "tbl") if _ordinary(t, doc.body)]


def change_cell(doc: Document, rng: random.Random) -> str | None:
    cells = [c for t in _tables(doc) for r in t.findall(W + "tr") for c in r.findall(W + "tc")]
    cells = [c for c in cells if not _has_ancestor(c, (W + "sdt",), doc.body)]
    if not cells:
        return None
    with_text = [c for c in cells if _texts(doc, c, stop=doc.body)]
    if with_text:
        cell = rng.choice(with_text)
        texts = [t for t in _texts(doc, cell, stop=doc.body) if next(t.iterancestors(W + "tc")) is cell]
        done = _edit_word(doc, rng, texts, "change")
        doc.touch(doc.main)
        return f"in a table cell: {done}"
    empty = [c for c in cells if c.find(W + "p") is not None and _plain_paragraph(c.find(W + "p"))]
    if not empty:
        return None
    cell = rng.choice(empty)
    paragraph = cell.find(W + "p")
    word = rng.choice(WORDS)
    paragraph.append(_new_run(f"Cell {word}"))
    doc.touch(doc.main)
    return f"wrote 'Cell {word}' into an empty table cell ({_where(paragraph)})"


def _plain_row(row) -> bool:
    for node in row.iter():
        if node.tag in _TRACKED or node.tag in _MARKERS or node.tag in (W + "fldChar", W + "instrText",
                                                                         W + "cellIns", W + "cellDel",
                                                                         W + "cellMerge", W + "sectPr"):
            return False
    return True


def _rows(doc: Document) -> list:
    rows = []
    for table in _tables(doc):
        for row in table.findall(W + "tr"):
            if _plain_row(row) and not _has_ancestor(row, (W + "sdt",), doc.body):
                rows.append(row)
    return rows


def insert_row(doc: Document, rng: random.Random) -> str | None:
    rows = _rows(doc)
    if not rows:
        return None
    row = rng.choice(rows)
    clone = _clean_copy(row)
    word = rng.choice(WORDS)
    for number, cell in enumerate(clone.findall(W + "tc"), start=1):
        paragraphs = [c for c in cell if c.tag == W + "p"]
        ppr = paragraphs[0].find(W + "pPr") if paragraphs else None
        rpr = _run_props(paragraphs[0]) if paragraphs else None
        for child in list(cell):
            if child.tag != W + "tcPr":
                cell.remove(child)
        paragraph = etree.SubElement(cell, W + "p")
        if ppr is not None:
            paragraph.append(ppr)
        paragraph.append(_new_run(f"{word.capitalize()} {number}", rpr))
    for node in clone.iter(W + "trPr"):
        for child in list(node):
            if child.tag in _TRACKED:
                node.remove(child)
    row.addnext(clone)
    doc.touch(doc.main)
    return f"inserted a table row after {_where(row.find(f'.//{W}p'))} with cells '{word.capitalize()} 1', …"


def delete_row(doc: Document, rng: random.Random) -> str | None:
    def removable(row):
        table = row.getparent()
        if len(table.findall(W + "tr")) < 2:
            return False
        following = row.getnext()
        restarts = [m for m in row.iter(W + "vMerge") if m.get(W + "val") == "restart"]
        continued = following is not None and following.tag == W + "tr" and any(
            m.get(W + "val") in (None, "continue") for m in following.iter(W + "vMerge"))
        return not (restarts and continued)

    rows = [r for r in _rows(doc) if removable(r)]
    if not rows:
        return None
    row = rng.choice(rows)
    place = _where(row.find(f".//{W}p")) if row.find(f".//{W}p") is not None else "a table"
    text = " | ".join(_word_text(c) for c in row.findall(W + "tc"))
    row.getparent().remove(row)
    doc.touch(doc.main)
    return f"deleted the table row at {place} {text[:40]!r}"


def _referenced_notes(doc: Document, kind: str) -> tuple[str | None, list]:
    part = doc.related(kind)
    if part is None:
        return None, []
    tag = W + ("footnoteReference" if kind == "footnotes" else "endnoteReference")
    ids = {r.get(W + "id") for r in doc.xml(doc.main).iter(tag) if _ordinary(r.getparent(), doc.body)}
    notes = [n for n in doc.xml(part) if n.get(W + "id") in ids and n.get(W + "type") in (None, "normal")]
    return part, notes


def edit_note(doc: Document, rng: random.Random) -> str | None:
    choices = []
    for kind in ("footnotes", "endnotes"):
        part, notes = _referenced_notes(doc, kind)
        for note in notes:
            texts = _texts(doc, note)
            if texts:
                choices.append((kind, part, note, texts))
    if not choices:
        return None
    kind, part, note, texts = rng.choice(choices)
    done = _edit_word(doc, rng, texts, rng.choice(("change", "insert")))
    doc.touch(part)
    return f"in {kind[:-1]} {note.get(W + 'id')}: {done}"


def edit_header(doc: Document, rng: random.Random) -> str | None:
    choices = []
    for part in doc.headers():
        root = doc.xml(part)
        texts = _texts(doc, root)
        paragraphs = [p for p in root.iter(W + "p") if _ordinary(p, root) and _plain_paragraph(p)]
        if texts or paragraphs:
            choices.append((part, texts, paragraphs))
    if not choices:
        return None
    part, texts, paragraphs = rng.choice(choices)
    if texts:
        done = _edit_word(doc, rng, texts, rng.choice(("change", "insert", "delete")))
    else:
        word = rng.choice(WORDS)
        label = "Footer" if "footer" in part else "Header"
        paragraphs[0].append(_new_run(f"{label} {word}"))
        done = f"wrote '{label} {word}' into an empty paragraph"
    doc.touch(part)
    return f"in {part}: {done}"


def edit_control(doc: Document, rng: random.Random) -> str | None:
    texts = [t for t in _texts(doc, doc.body) if _has_ancestor(t, (W + "sdtContent",), doc.body)]
    if not texts:
        return None
    doc.touch(doc.main)
    return "in a content control: " + _edit_word(doc, rng, texts, rng.choice(("change", "insert")))


def change_link(doc: Document, rng: random.Random) -> str | None:
    texts = [t for t in _texts(doc, doc.body) if _has_ancestor(t, (W + "hyperlink",), doc.body)]
    if not texts:
        return None
    doc.touch(doc.main)
    return "in a hyperlink: " + _edit_word(doc, rng, texts, rng.choice(("change", "insert")))


def _box_texts(doc: Document, box) -> list:
    """Return the words of a text box's own ordinary runs."""
    return [t for t in _texts(doc, box) if next(t.iterancestors(W + "txbxContent")) is box]


def edit_textbox(doc: Document, rng: random.Random) -> str | None:
    """Change a word in a text box; the VML fallback of the same box (if any) gets the same text."""
    choices = []
    for box in doc.body.iter(W + "txbxContent"):
        if _has_ancestor(box, set(_TRACKED) | {MC + "Fallback", W + "txbxContent"}, doc.body):
            continue
        texts = _box_texts(doc, box)
        choice = next(box.iterancestors(MC + "Choice"), None)
        twins = [None] * len(texts)
        if choice is not None:
            fallback = choice.getparent().find(MC + "Fallback")
            boxes = [b for b in choice.iter(W + "txbxContent")]
            others = list(fallback.iter(W + "txbxContent")) if fallback is not None else []
            if len(boxes) != len(others):
                continue
            twins = _box_texts(doc, others[boxes.index(box)])
            if [t.text for t in twins] != [t.text for t in texts]:
                continue
        choices += list(zip(texts, twins, strict=True))
    if not choices:
        return None
    text, twin = rng.choice(choices)
    done = _edit_word(doc, rng, [text], rng.choice(("change", "insert")))
    if twin is not None:
        _set_text(twin, text.text)
    doc.touch(doc.main)
    return f"in a text box{' and its fallback' if twin is not None else ''}: {done}"


def delete_picture(doc: Document, rng: random.Random) -> str | None:
    runs = []
    for run in doc.body.iter(W + "r"):
        if not _ordinary(run, doc.body) or _tracked_run(run):
            continue
        pictures = [n for n in run.iter(A + "blip", V + "imagedata")
                    if any(k.startswith(f"{{{R_NS}}}") for k in n.attrib)]
        if pictures and next(run.iter(W + "txbxContent"), None) is None \
                and not any(n.tag in _MARKERS for n in run.iter()):
            runs.append(run)
    if not runs:
        return None
    _, place = _remove_one(doc, rng, runs)
    return f"deleted the run of a picture ({place})"


def insert_section(doc: Document, rng: random.Random) -> str | None:
    final = doc.body.find(W + "sectPr")
    last = _last_block(doc.body)  # a break after it would leave the final section empty, as Word never does
    anchors = [p for p in _body_paragraphs(doc) if _anchor(p) and p.getparent() is doc.body and p is not last]
    if final is None or not anchors:
        return None
    anchor = rng.choice(anchors)
    section = _clean_copy(final)
    with_references = rng.random() < 0.5 and any(
        c.tag in (W + "headerReference", W + "footerReference") for c in section)
    if not with_references:
        for reference in section.findall(W + "headerReference") + section.findall(W + "footerReference"):
            section.remove(reference)
    paragraph = etree.Element(W + "p")
    etree.SubElement(paragraph, W + "pPr").append(section)
    anchor.addnext(paragraph)
    doc.touch(doc.main)
    refs = "with" if with_references else "without"
    return f"inserted a section break after {_where(anchor)} ({refs} header/footer references)"


def remove_section(doc: Document, rng: random.Random) -> str | None:
    paragraphs = []
    for paragraph in doc.body.findall(W + "p"):
        ppr = paragraph.find(W + "pPr")
        if ppr is None or ppr.find(W + "sectPr") is None or ppr.find(W + "pPrChange") is not None:
            continue
        if any(n.tag in _TRACKED for n in paragraph.iter()):
            continue
        paragraphs.append(paragraph)
    if not paragraphs:
        return None
    paragraph = rng.choice(paragraphs)
    place = _where(paragraph)
    ppr = paragraph.find(W + "pPr")
    ppr.remove(ppr.find(W + "sectPr"))
    empty = not [c for c in paragraph if c.tag != W + "pPr"]
    if empty and paragraph is not _last_block(paragraph.getparent()):
        paragraph.getparent().remove(paragraph)
        how = "deleted the empty paragraph that held it"
    else:
        how = "took the sectPr out of its paragraph"
    doc.touch(doc.main)
    return f"removed the section break at {place} ({how})"


EDITS = {
    "change a word": lambda d, r: edit_word(d, r, "change"),
    "insert a word": lambda d, r: edit_word(d, r, "insert"),
    "delete a word": lambda d, r: edit_word(d, r, "delete"),
    "insert a paragraph": insert_paragraph,
    "delete a paragraph": delete_paragraph,
    "move a paragraph": move_paragraph,
    "bold or italic on part of a run": format_part,
    "change a table cell": change_cell,
    "insert a table row": insert_row,
    "delete a table row": delete_row,
    "edit a note": edit_note,
    "edit a header or footer": edit_header,
    "edit a content control": edit_control,
    "change a hyperlink": change_link,
    "edit a text box": edit_textbox,
    "delete a picture": delete_picture,
    "insert a section break": insert_section,
    "remove a section break": remove_section,
}


def applicable(source: Document) -> list[str]:
    """Return the kinds of edit that a document allows (each tried on a fresh copy of it)."""
    return [kind for kind, edit in EDITS.items() if edit(Document(source=source), random.Random(0)) is not None]


def seed(name: str) -> int:
    """Return the random seed of a source file: from its name, the same on every machine."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def make_pair(name: str, data: bytes) -> tuple[bytes, bytes, list[str]]:
    """Return (old, new, edits) for the source file ``name`` with bytes ``data``."""
    rng = random.Random(seed(name))
    source = Document(data)
    kinds = applicable(source)
    wanted = rng.randint(2, 5)
    # Features weigh more than words and paragraphs; a section break can be inserted almost anywhere.
    weights = {k: (1.0 if k in GENERIC or k == "insert a section break" else 3.0) for k in kinds}
    order = []
    while weights:  # a weighted shuffle: features first more often than plain words and paragraphs
        total = sum(weights.values())
        pick, acc = rng.random() * total, 0.0
        chosen = kind = ""
        for kind, weight in weights.items():
            acc += weight
            if pick < acc:
                chosen = kind
                break
        chosen = chosen or kind  # rounding: the last one
        order.append(chosen)
        del weights[chosen]
    doc = Document(source=source)
    edits = []
    for kind in order:
        if len(edits) == wanted:
            break
        done = EDITS[kind](doc, rng)
        if done:
            edits.append(f"{kind}: {done}")
    return data, doc.to_bytes(), edits

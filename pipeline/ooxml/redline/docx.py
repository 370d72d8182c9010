"""Redline two whole .docx packages: body, headers, footers, footnotes, endnotes and comments.

The output is the new package. Old content that comes back as a deletion is
*adopted*: its pictures and other related parts are copied with their
relationships and content types, its styles, lists and fonts are merged in, its
footnotes and endnotes are copied (marked deleted) under fresh ids, and its
comments are copied. Notes whose references match are compared like the body.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from pipeline.ooxml import redline
from pipeline.ooxml.package import Package, rels_name
from pipeline.ooxml.parts import DOC_REL, Definitions, PartCopier
from pipeline.ooxml.redline.formatting import StyleBook
from pipeline.ooxml.redline.paragraphs import strip_markers
from pipeline.ooxml.redline.tokens import R, W

_STORY = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\w*\.xml$")
_TRACKED = re.compile(rb"<(?:\w+:)?(?:ins|del|moveFrom|moveTo|rPrChange|pPrChange|sectPrChange|tblPrChange|"
                      rb"trPrChange|tcPrChange|cellIns|cellDel|numberingChange)[\s>/]")
_VOLATILE = ("{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
             "{http://schemas.microsoft.com/office/word/2010/wordml}textId")
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
NOTE_KINDS = {"footnotes": ("footnote", W + "footnoteReference"), "endnotes": ("endnote", W + "endnoteReference")}
_STORY_TYPES = {"header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
                "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"}
_NOTE_TYPES = {"footnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
               "endnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
               "comments": "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"}


def accept_tracked_changes(package: Package) -> list[str]:
    """Accept every tracked change already in the package's stories; return the parts changed."""
    changed = []
    for name in sorted(package.parts):
        if name.endswith(".xml") and (_STORY.match(name) or name in ("word/styles.xml", "word/numbering.xml")) \
                and _TRACKED.search(package.parts[name]):
            package.roots[name] = redline.resolve(package.xml(name), accept=True)
            changed.append(name)
    return changed


class PackageSides(redline.Sides):
    """The engine's view of one old part and the output part it is compared into."""

    def __init__(self, job: RedlineJob, old_part: str | None, new_part: str, source: str | None = "same"):
        self.job, self.old_part, self.new_part = job, old_part, new_part
        self.source = new_part if source == "same" else source  # the new document's part it shows
        self.styles_old, self.styles_new = job.styles

    def relkey_old(self, rid: str) -> str:
        """Return what an old relationship points at (a picture's bytes, a URL)."""
        return self.job.old.target_key(self.old_part, rid) if self.old_part else rid

    def relkey_new(self, rid: str) -> str:
        """Return what a new relationship points at."""
        return self.job.new.target_key(self.source, rid) if self.source else rid

    def adopt(self, element):
        """Return old content made valid in the output: relationships, styles, lists, notes."""
        strip_markers(element)
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            for name in list(node.attrib):
                if name.startswith(R):
                    self._relationship(node, name)
                elif name in _VOLATILE:
                    del node.attrib[name]
            self._definition(node)
            if node.tag == _DOC_PR:
                node.set("id", str(self.job.drawing_id()))  # drawing ids must stay unique in a document
            elif node.tag == W + "id" and node.getparent() is not None and node.getparent().tag == W + "sdtPr":
                node.set(W + "val", self.job.control_id())  # so must a content control's
        return element

    def renumbered(self, element):
        """Return a second copy of new content: markers removed, drawing and control ids its own."""
        strip_markers(element)
        for node in element.iter(_DOC_PR, W + "id"):
            if node.tag == _DOC_PR:
                node.set("id", str(self.job.drawing_id()))
            elif node.getparent() is not None and node.getparent().tag == W + "sdtPr":
                node.set(W + "val", self.job.control_id())
        return element

    def _relationship(self, node, name: str) -> None:
        """Point an old relationship attribute at a copy of its target in the output."""
        if self.old_part is None:
            return
        old_rid = node.get(name)
        rid = self.job.copier.relationship(self.old_part, old_rid, self.new_part)
        if rid is None:
            del node.attrib[name]
        else:
            node.set(name, rid)
            if node.tag in (W + "headerReference", W + "footerReference"):
                self.job.adopt_story(self.old_part, old_rid, self.new_part, rid)

    def _definition(self, node) -> None:
        """Bring the style, list, font, note or comment an old element refers to into the output."""
        tag = node.tag
        definitions = self.job.definitions
        if tag in (W + "pStyle", W + "rStyle", W + "tblStyle"):
            definitions.style(node.get(W + "val"))
        elif tag == W + "numId" and node.get(W + "val") is not None:
            node.set(W + "val", definitions.numbering(node.get(W + "val")))
        elif tag == W + "rFonts":
            for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
                definitions.font(node.get(W + attribute))
        elif tag in (W + "footnoteReference", W + "endnoteReference"):
            book = self.job.notes["footnotes" if tag == W + "footnoteReference" else "endnotes"]
            node.set(W + "id", book.deleted(node.get(W + "id")))
        elif tag == W + "commentReference":
            node.set(W + "id", self.job.comments.copied(node.get(W + "id")))

    def paired(self, old_reference, new_reference) -> None:
        """Note that two note references are the same note, so the notes are compared."""
        for kind, (_, tag) in NOTE_KINDS.items():
            if new_reference.tag == tag:
                self.job.notes[kind].pairs[new_reference.get(W + "id")] = old_reference.get(W + "id")


class NoteBook:
    """The footnotes (or endnotes) of both documents, and how they end up in the output."""

    def __init__(self, job: RedlineJob, kind: str):
        self.job, self.kind = job, kind
        self.tag = W + NOTE_KINDS[kind][0]
        self.old_part = job.old.related(job.old_main, kind)
        self.new_part = job.new.related(job.new_main, kind)
        self.pairs: dict[str, str] = {}  # new id → old id
        self.allocated: dict[str, str] = {}  # old id of a deleted note → its id in the output
        # Above every id of the new part, and of the old separators a created part would take.
        ids = [int(n.get(W + "id")) for package, part in ((job.new, self.new_part), (job.old, self.old_part))
               if part and part in package.parts for n in package.xml(part)
               if n.tag == self.tag and (n.get(W + "id") or "").lstrip("-").isdigit()]
        self._next = max(ids + [0]) + 1

    def _notes(self, package: Package, part: str | None) -> list:
        """Return the numbered notes (not separators) of a notes part."""
        if not part or part not in package.parts:
            return []
        return [n for n in package.xml(part) if n.tag == self.tag and n.get(W + "id") is not None]

    def deleted(self, old_id: str) -> str:
        """Return the output id of the old note ``old_id``, which is copied as deleted."""
        if old_id not in self.allocated:
            self.allocated[old_id] = str(self._next)
            self._next += 1
        return self.allocated[old_id]

    def build(self, revisions: redline.Revisions) -> None:
        """Write the output's notes part: new notes compared with their old ones, deleted notes after."""
        if not self.new_part and not self.allocated:
            return
        part = self.new_part or self._create_part()
        root = self.job.out.xml(part)
        old_notes = {n.get(W + "id"): n for n in self._notes(self.job.old, self.old_part)}
        for note in [n for n in root if n.tag == self.tag]:
            if note.get(W + "type") not in (None, "normal"):
                continue  # separators
            revisions.sides = PackageSides(self.job, self.old_part, part)
            old = old_notes.get(self.pairs.get(note.get(W + "id")))
            if old is None:
                _mark_all(note, revisions, "ins")
            else:
                redline.diff_container(old, note, revisions)
        for old_id, new_id in self.allocated.items():
            if old_id in old_notes:
                revisions.sides = PackageSides(self.job, self.old_part, part)
                copied = revisions.sides.adopt(copy.deepcopy(old_notes[old_id]))
                copied.set(W + "id", new_id)
                _mark_all(copied, revisions, "del", adopted=True)
                root.append(copied)

    def _create_part(self) -> str:
        """Create the notes part in the output from the old one's separators."""
        name = self.job.out_free_name(f"word/{self.kind}.xml")
        old_root = self.job.old.xml(self.old_part)
        root = etree.Element(old_root.tag, nsmap=old_root.nsmap)
        root.extend(copy.deepcopy(n) for n in old_root if n.get(W + "type") not in (None, "normal"))
        self.job.out.parts[name] = b""
        self.job.out.roots[name] = root
        self.job.out.set_content_type(name, _NOTE_TYPES[self.kind])
        self.job.out.relate(self.job.new_main, f"{DOC_REL}/{self.kind}", name)
        return name


def _mark_all(container, revisions: redline.Revisions, kind: str, adopted: bool = False) -> None:
    """Mark every block of a note as inserted or deleted (its paragraph marks left alone)."""
    sides = revisions.sides
    if adopted:
        revisions.sides = redline.Sides()
    for block in [c for c in container if c.tag in (W + "p", W + "tbl", W + "sdt")]:
        container.replace(block, redline.mark_block(block, revisions, kind, paragraph_marks=False))
    revisions.sides = sides


class CommentBook:
    """Comments on deleted old content, copied into the output under fresh ids."""

    def __init__(self, job: RedlineJob):
        self.job = job
        self.old_part = job.old.related(job.old_main, "comments")
        self.new_part = job.new.related(job.new_main, "comments")
        self.allocated: dict[str, str] = {}
        ids = [int(c.get(W + "id")) for c in self._comments(job.new, self.new_part)]
        self._next = max(ids + [0]) + 1

    @staticmethod
    def _comments(package: Package, part: str | None) -> list:
        """Return the comments of a comments part."""
        if not part or part not in package.parts:
            return []
        return [c for c in package.xml(part) if c.tag == W + "comment"]

    def copied(self, old_id: str) -> str:
        """Return the output id of the old comment ``old_id``, which is copied."""
        if old_id not in self.allocated:
            self.allocated[old_id] = str(self._next)
            self._next += 1
        return self.allocated[old_id]

    def build(self) -> None:
        """Append the copied old comments to the output's comments part (created if needed)."""
        if not self.allocated:
            return
        old = {c.get(W + "id"): c for c in self._comments(self.job.old, self.old_part)}
        part = self.new_part
        if not part:
            part = self.job.out_free_name("word/comments.xml")
            self.job.out.parts[part] = b""
            self.job.out.roots[part] = etree.Element(W + "comments", nsmap={"w": W[1:-1]})
            self.job.out.set_content_type(part, _NOTE_TYPES["comments"])
            self.job.out.relate(self.job.new_main, f"{DOC_REL}/comments", part)
        root = self.job.out.xml(part)
        for old_id, new_id in self.allocated.items():
            if old_id in old:
                comment = PackageSides(self.job, self.old_part, part).adopt(copy.deepcopy(old[old_id]))
                comment.set(W + "id", new_id)
                root.append(comment)


class RedlineJob:
    """One comparison of two packages into an output package."""

    def __init__(self, old: Package, new: Package):
        self.old, self.new = old, new
        self.out = Package(new.to_bytes())
        self.old_main, self.new_main = _main_part(old), _main_part(new)
        self.copier = PartCopier(old, self.out)
        self.definitions = Definitions(old, self.out, self.old_main, self.new_main)
        self.styles = (_style_book(old, self.old_main), _style_book(new, self.new_main))
        self.notes = {kind: NoteBook(self, kind) for kind in NOTE_KINDS}
        self.comments = CommentBook(self)
        self._drawing_id: int | None = None
        self._control_ids: set[str] | None = None
        self._adopted_stories: set[str] = set()
        self._next_control = 0

    def drawing_id(self) -> int:
        """Return a drawing id (wp:docPr/@id) that no other drawing in the output uses."""
        if self._drawing_id is None:
            ids = [int(d.get("id")) for d in self.new.xml(self.new_main).iter(_DOC_PR)
                   if (d.get("id") or "").isdigit()]
            self._drawing_id = max(ids + [0]) + 1000
        self._drawing_id += 1
        return self._drawing_id

    def adopt_story(self, old_part: str, old_rid: str, new_part: str, rid: str) -> None:
        """Make a header or footer copied with an old section fit the output: its styles, lists,
        fonts and notes brought along (once per copy)."""
        old_story = self.old.relationships(old_part).get(old_rid)
        copied = self.out.relationships(new_part).get(rid)
        if not old_story or not copied or copied[1] in self._adopted_stories or copied[1] not in self.out.parts:
            return
        self._adopted_stories.add(copied[1])
        PackageSides(self, old_story[1], copied[1]).adopt(self.out.xml(copied[1]))

    def control_id(self) -> str:
        """Return a content-control id (w:sdtPr/w:id) that no control of the new document uses."""
        if self._control_ids is None:
            self._control_ids = {i.get(W + "val") for name in self.new.parts if _STORY.match(name)
                                 for i in self.new.xml(name).iter(W + "id")}
            self._next_control = 1_000_000
        while str(self._next_control) in self._control_ids:
            self._next_control += 1
        self._control_ids.add(str(self._next_control))
        return str(self._next_control)

    def out_free_name(self, name: str) -> str:
        """Return ``name``, or a variant of it, not yet used in the output."""
        stem, number = name[:-4], 1
        while name in self.out.parts:
            name = f"{stem}{number}.xml"
            number += 1
        return name

    def run(self, revisions: redline.Revisions) -> Package:
        """Compare body, headers, footers and notes; return the output package."""
        revisions.sides = PackageSides(self, self.old_main, self.new_main)
        self.out.roots[self.new_main] = redline.diff_body(self.old.xml(self.old_main),
                                                          self.new.xml(self.new_main), revisions)
        Stories(self, revisions).compare()
        for book in self.notes.values():
            book.build(revisions)
        self.comments.build()
        return self.out


class Stories:
    """The headers and footers of the output, section by section.

    A section shows its own header of a kind (default, first page, even pages) or, without
    one, the previous section's. Word cannot track a header added to or taken from a section,
    so every section of both documents gets, where the two differ in what they refer to, a
    reference of its own to a header that is the new one compared with the old one it showed
    (an empty one where it showed none): accepting then shows the new header, rejecting the
    old. Sections only one side has (a section break inserted or deleted) keep their own.
    """

    def __init__(self, job: RedlineJob, revisions: redline.Revisions):
        self.job, self.revisions = job, revisions
        self.made: dict[tuple, str] = {}  # (new part, old part) → the output part comparing them
        self.compared: set[str] = set()  # new parts compared in place

    def compare(self) -> None:
        """Give each section of the output the headers and footers that accept and reject need."""
        job = self.job
        old_sections = _section_references(job.old, job.old_main)
        new_sections = _section_references(job.new, job.new_main)
        old_shown, new_shown = _shown(old_sections), _shown(new_sections)
        rels = job.out.relationships(job.new_main)
        old_index = new_index = 0
        for sect in _sections(job.out.xml(job.new_main)):
            kind = _section_kind(sect)
            if kind == "del":
                old_index += 1
            elif kind == "ins":
                new_index += 1
            elif old_index < len(old_sections) and new_index < len(new_sections):
                self._both(sect, old_sections[old_index], new_sections[new_index],
                           old_shown[old_index], new_shown[new_index], rels)
                old_index, new_index = old_index + 1, new_index + 1
        for part in {p for references in new_sections for p in references.values()} - self.compared:
            self._story(part, None)  # a header of a section only the new document has

    def _both(self, sect, old_own: dict, new_own: dict, old_shown: dict, new_shown: dict, rels: dict) -> None:
        """Point a section both documents have at headers comparing what each showed."""
        for key in sorted(set(old_own) | set(new_own)):
            if old_own.get(key) is None and new_own.get(key) is None:
                continue  # both inherit from the section before, which is set up already
            part = self._story(new_shown.get(key), old_shown.get(key))
            own = _own_ids(sect, rels)
            rid = own.get((key, part)) or self.job.out.relate(self.job.new_main, f"{DOC_REL}/{key[0]}", part)
            _set_reference(sect, key, rid)

    def _story(self, new_part: str | None, old_part: str | None) -> str:
        """Return the output part showing ``new_part`` (None: empty) compared with ``old_part``."""
        if (new_part, old_part) in self.made:
            return self.made[(new_part, old_part)]
        job = self.job
        source: str | None
        if new_part is not None and new_part not in self.compared:
            target, source = new_part, new_part
            self.compared.add(new_part)
            new_root = job.new.xml(new_part)
        else:
            target, source, new_root = self._copy(new_part, old_part)
        self.revisions.sides = PackageSides(job, old_part, target, source)
        old_root = job.old.xml(old_part) if old_part else None
        job.out.roots[target] = redline.diff_part(old_root, new_root, self.revisions)
        self.made[(new_part, old_part)] = target
        return target

    def _copy(self, new_part: str | None, old_part: str | None) -> tuple[str, str | None, etree._Element]:
        """Return a fresh output part for another comparison of ``new_part`` (or an empty story)."""
        job = self.job
        kind = "header" if "header" in (new_part or old_part or "") else "footer"
        name = job.out_free_name(f"word/{kind}.xml")
        if new_part is not None:
            root = copy.deepcopy(job.new.xml(new_part))
            rels = rels_name(new_part)
            if rels in job.new.parts:
                job.out.parts[rels_name(name)] = job.new.parts[rels]
            content_type = job.new.content_type(new_part)
        else:
            tag = W + ("hdr" if kind == "header" else "ftr")
            root = etree.Element(tag, nsmap={"w": W[1:-1], "r": R[1:-1]})
            etree.SubElement(root, W + "p")
            content_type = _STORY_TYPES[kind]
        job.out.parts[name] = b""
        job.out.roots[name] = root
        job.out.set_content_type(name, content_type or _STORY_TYPES[kind])
        return name, new_part, root


def _sections(document) -> list:
    """Return the section properties of a document in order (not recorded old ones)."""
    return [s for s in document.iter(W + "sectPr") if s.getparent().tag != W + "sectPrChange"]


def _section_kind(sect) -> str | None:
    """Return "ins"/"del" when a section's break (its paragraph mark) is inserted or deleted."""
    paragraph = sect.getparent().getparent() if sect.getparent().tag == W + "pPr" else None
    if paragraph is None:
        return None
    rpr = paragraph.find(f"{W}pPr/{W}rPr")
    return next((k for k in ("ins", "del") if rpr is not None and rpr.find(W + k) is not None), None)


def _shown(sections: list[dict]) -> list[dict]:
    """Return, per section, the header and footer parts it shows (its own or those before it)."""
    shown: dict = {}
    result = []
    for references in sections:
        shown = {**shown, **references}
        result.append(shown)
    return result


def _own_ids(sect, rels: dict) -> dict:
    """Return {((tag, type), part): id} of a section's own references."""
    found = {}
    for reference in sect:
        if reference.tag in (W + "headerReference", W + "footerReference"):
            rid = reference.get(R + "id")
            target = rels.get(rid)
            if target:
                key = (etree.QName(reference).localname, reference.get(W + "type", "default"))
                found[(_story_key(key), target[1])] = rid
    return found


def _story_key(key: tuple) -> tuple:
    """Return (relationship kind, type) for (reference tag, type): ("header", "first")."""
    return ("header" if key[0] == "headerReference" else "footer", key[1])


def _set_reference(sect, key: tuple, rid: str) -> None:
    """Give a section its own reference of ``key`` (("header", "first") …) to ``rid``."""
    tag = W + f"{key[0]}Reference"
    for reference in sect.findall(tag):
        if reference.get(W + "type", "default") == key[1]:
            reference.set(R + "id", rid)
            return
    reference = etree.Element(tag)
    reference.set(W + "type", key[1])
    reference.set(R + "id", rid)
    sect.insert(0, reference)  # references come first in a section's properties


def _style_book(package: Package, main: str) -> StyleBook:
    """Return the character styles of a package (none when it has no styles part)."""
    part = package.related(main, "styles")
    return StyleBook(package.xml(part) if part is not None and part in package.parts else None)


def _main_part(package: Package) -> str:
    """Return the package's main document part (jamfor.read_word has checked that there is one)."""
    main = package.main_part()
    if main is None:
        raise ValueError("the package has no main document part")
    return main


def _section_references(package: Package, main: str) -> list[dict]:
    """Return, per section, {("header" or "footer", type): part} of its own references."""
    rels = package.relationships(main)
    sections = []
    for section in _sections(package.xml(main)):
        found = {}
        for reference in section:
            if reference.tag in (W + "headerReference", W + "footerReference"):
                target = rels.get(reference.get(R + "id"))
                if target and not target[2] and target[1] in package.parts:
                    key = (etree.QName(reference).localname, reference.get(W + "type", "default"))
                    found[_story_key(key)] = target[1]
        sections.append(found)
    return sections

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
from pipeline.ooxml.package import Package
from pipeline.ooxml.parts import DOC_REL, Definitions, PartCopier
from pipeline.ooxml.redline.paragraphs import strip_markers
from pipeline.ooxml.redline.tokens import R, W

_STORY = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\w*\.xml$")
_TRACKED = re.compile(rb"<(?:\w+:)?(?:ins|del|moveFrom|moveTo|rPrChange|pPrChange|sectPrChange|tblPrChange|"
                      rb"trPrChange|tcPrChange|cellIns|cellDel|numberingChange)[\s>/]")
_VOLATILE = ("{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
             "{http://schemas.microsoft.com/office/word/2010/wordml}textId")
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
NOTE_KINDS = {"footnotes": ("footnote", W + "footnoteReference"), "endnotes": ("endnote", W + "endnoteReference")}
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

    def __init__(self, job: RedlineJob, old_part: str | None, new_part: str):
        self.job, self.old_part, self.new_part = job, old_part, new_part

    def relkey_old(self, rid: str) -> str:
        """Return what an old relationship points at (a picture's bytes, a URL)."""
        return self.job.old.target_key(self.old_part, rid) if self.old_part else rid

    def relkey_new(self, rid: str) -> str:
        """Return what a new relationship points at."""
        return self.job.new.target_key(self.new_part, rid)

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
        return element

    def _relationship(self, node, name: str) -> None:
        """Point an old relationship attribute at a copy of its target in the output."""
        if self.old_part is None:
            return
        rid = self.job.copier.relationship(self.old_part, node.get(name), self.new_part)
        if rid is None:
            del node.attrib[name]
        else:
            node.set(name, rid)

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
        ids = [int(n.get(W + "id")) for n in self._notes(job.new, self.new_part)]
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
        self.notes = {kind: NoteBook(self, kind) for kind in NOTE_KINDS}
        self.comments = CommentBook(self)
        self._drawing_id: int | None = None

    def drawing_id(self) -> int:
        """Return a drawing id (wp:docPr/@id) that no other drawing in the output uses."""
        if self._drawing_id is None:
            ids = [int(d.get("id")) for d in self.new.xml(self.new_main).iter(_DOC_PR)
                   if (d.get("id") or "").isdigit()]
            self._drawing_id = max(ids + [0]) + 1000
        self._drawing_id += 1
        return self._drawing_id

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
        for new_part, old_part in self._header_pairs():
            revisions.sides = PackageSides(self, old_part, new_part)
            old_root = self.old.xml(old_part) if old_part else None
            self.out.roots[new_part] = redline.diff_part(old_root, self.new.xml(new_part), revisions)
        for book in self.notes.values():
            book.build(revisions)
        self.comments.build()
        return self.out

    def _header_pairs(self) -> list[tuple[str, str | None]]:
        """Return (new part, old part or None) for each header and footer, matched by section and kind."""
        old_sections = _section_references(self.old, self.old_main)
        pairs, seen = [], set()
        for index, references in enumerate(_section_references(self.new, self.new_main)):
            old_refs = old_sections[min(index, len(old_sections) - 1)] if old_sections else {}
            for key, part in references.items():
                if part in seen:
                    continue
                seen.add(part)
                pairs.append((part, old_refs.get(key)))
        return pairs


def _main_part(package: Package) -> str:
    """Return the package's main document part (jamfor.read_word has checked that there is one)."""
    main = package.main_part()
    if main is None:
        raise ValueError("the package has no main document part")
    return main


def _section_references(package: Package, main: str) -> list[dict]:
    """Return, per section, {(header or footer, type): part}."""
    rels = package.relationships(main)
    sections = []
    for section in package.xml(main).iter(W + "sectPr"):
        if section.getparent().tag == W + "sectPrChange":
            continue
        found = {}
        for reference in section:
            if reference.tag in (W + "headerReference", W + "footerReference"):
                target = rels.get(reference.get(R + "id"))
                if target and not target[2] and target[1] in package.parts:
                    found[(reference.tag, reference.get(W + "type", "default"))] = target[1]
        sections.append(found)
    return sections

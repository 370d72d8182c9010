"""Moving parts between packages: copying what old content needs, merging styles and numbering,
and pruning an output to what its relationships reach.

A redline is the new package with old content brought back as deletions; that old
content may point at pictures, diagrams, styles, numbering and notes that only the
old package has. This module copies what such content needs, with its own
relationships and content types, into the output package (:class:`Package`).
"""

from __future__ import annotations

import copy
import posixpath

from lxml import etree

from pipeline.ooxml.names import CONTENT_TYPES_NS as CT_NS
from pipeline.ooxml.names import PACKAGE_RELS_NS as REL_NS
from pipeline.ooxml.names import R_NS as DOC_REL
from pipeline.ooxml.names import W
from pipeline.ooxml.package import CONTENT_TYPES, Package, relative_target, rels_name

_DIAGRAM = "{http://schemas.microsoft.com/office/drawing/2008/diagram}"


_MACRO_RELATIONSHIPS = ("/vbaProject", "/wordVbaData", "/keyMapCustomizations", "/attachedToolbars")
_MACRO_FREE_MAIN = {
    "application/vnd.ms-word.document.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}


def safe_part_name(name: str) -> bool:
    """``True`` when a part name can be written into a zip without pointing out of it."""
    return bool(name) and not name.startswith(("/", "../")) and "\\" not in name and ":" not in name \
        and ".." not in name.split("/") and not any(ord(c) < 32 for c in name)


def prune(package: Package) -> None:
    """Keep only the parts a reader can reach through relationships, with safe names, and no
    macros: what the input carried besides (stray entries, "../" names, a VBA project) goes."""
    keep, todo = {CONTENT_TYPES}, [""]
    while todo:
        part = todo.pop()
        rels = rels_name(part)
        if rels not in package.parts and rels not in package.roots:
            continue
        keep.add(rels)
        root, targets = package.xml(rels), package.relationships(part)
        for rel in list(root):
            if rel.get("TargetMode") == "External":
                continue
            target = targets.get(rel.get("Id"), ("", "", True))[1]
            if rel.get("Type", "").endswith(_MACRO_RELATIONSHIPS) or not safe_part_name(target):
                root.remove(rel)
            elif target in package.parts and target not in keep:
                keep.add(target)
                todo.append(target)
    for name in [n for n in package.parts if n not in keep]:
        del package.parts[name]
        package.roots.pop(name, None)
    types = package.xml(CONTENT_TYPES)
    for entry in list(types):
        content_type = entry.get("ContentType", "")
        stray = entry.tag == f"{{{CT_NS}}}Override" and entry.get("PartName", "").lstrip("/") not in keep
        if stray or "vbaProject" in content_type or "vbaData" in content_type:
            types.remove(entry)
        elif content_type in _MACRO_FREE_MAIN:
            entry.set("ContentType", _MACRO_FREE_MAIN[content_type])


class PartCopier:
    """Copies parts (and what they relate to) from a source package into a target package."""

    def __init__(self, source: Package, target: Package):
        self.source, self.target = source, target
        self._copied: dict[str, str] = {}
        self._fresh: set[str] = set()  # parts copied now, not found already in the target

    def relationship(self, source_part: str, rid: str, target_part: str) -> str | None:
        """Return the id, from ``target_part``, of a relationship like ``source_part``'s ``rid``."""
        rel = self.source.relationships(source_part).get(rid)
        if rel is None:
            return None
        rel_type, target, external = rel
        if external:
            return self.target.relate(target_part, rel_type, target, external=True)
        if target not in self.source.parts:
            return None
        fresh = target not in self._copied
        copied = self.copy(target)
        if fresh and rel_type.endswith("/diagramData") and copied in self._fresh:
            self._diagram_drawing(source_part, copied, target_part)
        return self.target.relate(target_part, rel_type, copied)

    def _diagram_drawing(self, source_part: str, data_part: str, target_part: str) -> None:
        """Bring along a SmartArt's drawing, which its data names by an id of the *referring* part."""
        for extension in self.target.xml(data_part).iter(_DIAGRAM + "dataModelExt"):
            rid = extension.get("relId")
            new_rid = self.relationship(source_part, rid, target_part) if rid else None
            if new_rid:
                extension.set("relId", new_rid)

    def copy(self, part: str) -> str:
        """Return the name in the target of a copy of the source's ``part`` (reusing an equal one)."""
        if part in self._copied:
            return self._copied[part]
        content_type = self.source.content_type(part) or "application/octet-stream"
        name = self._free_name(part)
        self._copied[part] = name
        if name in self.target.parts:
            return name  # the same bytes are already there
        self.target.parts[name] = self.source.parts[part]
        self._fresh.add(name)
        self.target.set_content_type(name, content_type)
        for rid, (rel_type, target, external) in self.source.relationships(part).items():
            if external:
                self.target.relate(name, rel_type, target, external=True)
            elif target in self.source.parts:
                self._relate_as(name, rid, rel_type, self.copy(target))
        return name

    def _relate_as(self, part: str, rid: str, rel_type: str, target: str) -> None:
        """Add a relationship with a given id (a copied XML part refers to its ids as they were)."""
        name = rels_name(part)
        if name not in self.target.roots:
            self.target.roots[name] = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
            self.target.parts[name] = b""
        rel = etree.SubElement(self.target.xml(name), f"{{{REL_NS}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", rel_type)
        rel.set("Target", relative_target(posixpath.dirname(part), target))

    def _free_name(self, part: str) -> str:
        """Return ``part``'s name if the target has it free or with the same bytes, else a new one."""
        data = self.source.parts[part]
        stem, extension = posixpath.splitext(part)
        candidate, number = part, 1
        while candidate in self.target.parts and self.target.parts[candidate] != data:
            candidate = f"{stem}_old{number}{extension}"
            number += 1
        return candidate


# --- styles, numbering and fonts that old content needs ---------------------------------

NUMBERING_REL = DOC_REL + "/numbering"
NUMBERING_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"


class Definitions:
    """Styles, numbering and fonts of old content, merged into the output when it needs them."""

    def __init__(self, old: Package, out: Package, old_main: str, out_main: str):
        self.old, self.out, self.out_main = old, out, out_main
        self._old_styles = _root_of(old, old.related(old_main, "styles"))
        self._out_styles = _root_of(out, out.related(out_main, "styles"))
        self._old_numbering = _root_of(old, old.related(old_main, "numbering"))
        self._out_numbering = _root_of(out, out.related(out_main, "numbering"))
        self._old_fonts = _root_of(old, old.related(old_main, "fontTable"))
        self._out_fonts = _root_of(out, out.related(out_main, "fontTable"))
        self._numbers: dict[str, str] = {"0": "0"}

    def style(self, style_id: str) -> None:
        """Make sure the output defines ``style_id``, copying it (and its bases) from the old."""
        if self._out_styles is None or self._old_styles is None or style_id is None:
            return
        if _find(self._out_styles, "style", "styleId", style_id) is not None:
            return
        source = _find(self._old_styles, "style", "styleId", style_id)
        if source is None:
            return
        copied = _deepcopy(source)
        self._out_styles.append(copied)
        for link in copied.iter(W + "basedOn", W + "next", W + "link"):
            self.style(link.get(W + "val"))
        for number in copied.iter(W + "numId"):
            number.set(W + "val", self.numbering(number.get(W + "val")))

    def numbering(self, num_id: str) -> str:
        """Return the output's id for the old numbering ``num_id`` (copied when the output's differs)."""
        if num_id in self._numbers:
            return self._numbers[num_id]
        self._numbers[num_id] = num_id
        old_num = _find(self._old_numbering, "num", "numId", num_id) if self._old_numbering is not None else None
        if old_num is None:
            return num_id
        old_abstract = self._abstract(self._old_numbering, old_num)
        if self._out_numbering is None:
            self._out_numbering = self._create_numbering()
        out_num = _find(self._out_numbering, "num", "numId", num_id)
        if out_num is not None and _same_list(self._abstract(self._out_numbering, out_num), old_abstract):
            return num_id
        self._numbers[num_id] = new_id = self._copy_list(old_num, old_abstract)
        return new_id

    def _abstract(self, numbering, num):
        """Return the abstract list definition a w:num points to."""
        ref = num.find(W + "abstractNumId")
        return _find(numbering, "abstractNum", "abstractNumId", ref.get(W + "val")) if ref is not None else None

    def _copy_list(self, old_num, old_abstract) -> str:
        """Copy a list definition into the output under fresh ids; return its numId."""
        root = self._out_numbering
        abstract_id = str(1 + max([int(a.get(W + "abstractNumId", 0)) for a in root.findall(W + "abstractNum")]
                                  + [0]))
        num_id = str(1 + max([int(n.get(W + "numId", 0)) for n in root.findall(W + "num")] + [0]))
        # Known, and taken, before the list's styles are copied: a style that uses this very list
        # gets the new id, and another list copied meanwhile does not take it too.
        self._numbers[old_num.get(W + "numId")] = num_id
        num = _deepcopy(old_num)
        num.set(W + "numId", num_id)
        ref = num.find(W + "abstractNumId")
        if ref is not None:
            ref.set(W + "val", abstract_id)
        root.append(num)
        if old_abstract is not None:
            abstract = _deepcopy(old_abstract)
            abstract.set(W + "abstractNumId", abstract_id)
            for nsid in abstract.findall(W + "nsid"):
                abstract.remove(nsid)  # a copy must not claim to be the same list
            root.find(W + "num").addprevious(abstract)  # abstract definitions come before the lists
            for link in abstract.iter(W + "styleLink", W + "numStyleLink", W + "pStyle"):
                self.style(link.get(W + "val"))
        return num_id

    def _create_numbering(self):
        """Create an empty numbering part in the output and return its root."""
        name = "word/numbering.xml"
        while name in self.out.parts:
            name = name.replace(".xml", "1.xml")
        self.out.parts[name] = b""
        self.out.roots[name] = etree.Element(W + "numbering", nsmap={"w": W[1:-1]})
        self.out.set_content_type(name, NUMBERING_TYPE)
        self.out.relate(self.out_main, NUMBERING_REL, name)
        return self.out.roots[name]

    def font(self, name: str) -> None:
        """Make sure the output's font table lists ``name`` when the old one did."""
        if self._out_fonts is None or self._old_fonts is None or not name:
            return
        if _find(self._out_fonts, "font", "name", name) is not None:
            return
        source = _find(self._old_fonts, "font", "name", name)
        if source is not None:
            copied = _deepcopy(source)
            for embedded in [c for c in copied if c.tag.startswith(W + "embed")]:
                copied.remove(embedded)  # embedded font files are not copied
            self._out_fonts.append(copied)


def _root_of(package: Package, part: str | None):
    """Return a part's parsed XML, or None when there is no such part."""
    return package.xml(part) if part and part in package.parts else None


def _find(root, tag: str, attribute: str, value: str):
    """Return the first ``tag`` element whose ``attribute`` is ``value``."""
    for element in root.iter(W + tag):
        if element.get(W + attribute) == value:
            return element
    return None


def _deepcopy(element):
    """Return a deep copy of an element."""

    return copy.deepcopy(element)


def _same_list(a, b) -> bool:
    """True when two abstract list definitions are the same apart from their ids."""
    if a is None or b is None:
        return a is b

    def key(element):
        clone = _deepcopy(element)
        clone.attrib.pop(W + "abstractNumId", None)
        for volatile in clone.findall(W + "nsid") + clone.findall(W + "tmpl"):
            clone.remove(volatile)
        return etree.tostring(clone)

    return key(a) == key(b)

"""An accept/reject resolver for tests, written apart from pipeline.redline.

It never changes XML: it reads a .docx as a word processor would after accepting
(or rejecting) every tracked change, and returns the visible content as text:
paragraphs and table cells, footnotes and endnotes at their references, comments,
text boxes, equations, hyperlink targets, field instructions, pictures (as a digest
of the image bytes) and headers and footers. It also checks a package's integrity:
strict XML, relationships, content types, styles, numbering and note references.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
STRICT = etree.XMLParser(resolve_entities=False, huge_tree=True, recover=False)
WRAPPERS = {W + t for t in ("hyperlink", "smartTag", "customXml", "dir", "bdo", "sdtContent", "fldSimple")}
NOTE_TYPES = {"footnotes": "footnoteReference", "endnotes": "endnoteReference", "comments": "commentReference"}


class Doc:
    """A .docx read for checking: parts, relationships, and the text under accept or reject."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
        self._xml = {}
        rels = self.rels("")
        self.main = next(t for t, (k, _) in rels.items() if k.endswith("/officeDocument"))

    def xml(self, name):
        """Return the parsed part ``name`` (strictly)."""
        if name not in self._xml:
            self._xml[name] = etree.fromstring(self.parts[name], STRICT)
        return self._xml[name]

    def canonical(self, part: str) -> bytes:
        """Return a part's bytes; an XML part canonicalised, with ids naming relationships left out."""
        if not part.endswith(".xml"):
            return self.parts[part]
        root = etree.fromstring(self.parts[part], STRICT)
        for node in root.iter():
            node.attrib.pop("relId", None)  # SmartArt data names its drawing by the referrer's id
        return etree.tostring(root, method="c14n")

    def rels(self, part: str) -> dict:
        """Return {target part or URL: (type, id)} … keyed both ways: use rel_by_id for ids."""
        return {target: (kind, rid) for rid, (kind, target) in self.rel_by_id(part).items()}

    def rel_by_id(self, part: str) -> dict:
        """Return {id: (type, target)} for a part's relationships (target resolved to a part name)."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.parts:
            return {}
        result = {}
        for rel in self.xml(rels_name).iter(PKG_RELS + "Relationship"):
            target = rel.get("Target")
            if rel.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/") if not target.startswith("/") \
                    else target.lstrip("/")
            result[rel.get("Id")] = (rel.get("Type"), target)
        return result

    def related(self, part: str, kind: str) -> str | None:
        """Return the part related to ``part`` by the relationship type ending in ``kind``."""
        for rel_kind, target in self.rel_by_id(part).values():
            if rel_kind.endswith("/" + kind):
                return target
        return None


class Reader:
    """The visible content of a Doc after accepting (accept=True) or rejecting every change."""

    def __init__(self, doc: Doc, accept: bool):
        self.doc, self.accept = doc, accept

    def shown(self, element) -> bool:
        """True when a tracked insertion (or deletion) element's content is shown in this mode."""
        inserted = element.tag in (W + "ins", W + "moveTo")
        return inserted == self.accept

    def mark_removed(self, props) -> bool:
        """True when properties (pPr/rPr, trPr, tcPr) carry a revision this mode removes."""
        if props is None:
            return False
        if props.tag == W + "tcPr":
            return props.find(W + ("cellDel" if self.accept else "cellIns")) is not None
        for child in props:
            if child.tag in (W + "ins", W + "moveTo", W + "del", W + "moveFrom") and not self.shown(child):
                return True
        return False

    def blocks(self, container, part: str) -> list[str]:
        """Return the texts of a container's blocks; a removed paragraph mark joins the next paragraph.

        A paragraph directly before a table cannot join it: its mark stays, and so does the
        paragraph, even when nothing is left in it (as in Word and LibreOffice).
        """
        out, carry = [], ""
        flat = self._flat_blocks(container)
        tables = {id(b): self.table(b, part) for b in flat if b.tag == W + "tbl"}
        for index, block in enumerate(flat):
            if block.tag == W + "tbl":
                out += tables[id(block)]
                continue
            text = carry + self.inline(block, part)
            carry = ""
            following = flat[index + 1] if index + 1 < len(flat) else None
            if self.mark_removed(block.find(f"{W}pPr/{W}rPr")) and following is not None \
                    and not (following.tag == W + "tbl" and tables[id(following)]):
                carry = text
            else:
                out.append(text)
        if carry:
            out.append(carry)
        return out

    def _flat_blocks(self, container) -> list:
        found = []
        for child in container:
            if child.tag in (W + "p", W + "tbl"):
                found.append(child)
            elif child.tag in (W + "sdt",):
                content = child.find(W + "sdtContent")
                if content is not None:
                    found += self._flat_blocks(content)
            elif (
                child.tag in (W + "customXml", W + "sdtContent")
                or child.tag in (W + "ins", W + "del", W + "moveTo", W + "moveFrom")
                and self.shown(child)
            ):
                found += self._flat_blocks(child)
        return found

    def table(self, table, part: str) -> list[str]:
        """Return a table's texts: a marker per row and per cell, then the cell's paragraphs."""
        out = ["[tbl]"]
        for row in table.iter(W + "tr"):
            if row.getparent() is not table and row.getparent().getparent() is not table:
                continue  # a nested table's row: read through its cell
            if self.mark_removed(row.find(W + "trPr")):
                continue
            out.append("[tr]")
            for cell in row.findall(W + "tc") + row.findall(f"{W}sdt/{W}sdtContent/{W}tc"):
                if self.mark_removed(cell.find(W + "tcPr")):
                    continue
                out.append("[tc]")
                out += self.blocks(cell, part)
        return out if len(out) > 1 else []  # a table whose every row is removed is gone

    def inline(self, element, part: str) -> str:
        """Return the visible text of a paragraph or inline wrapper."""
        parts = []
        for child in element:
            tag = child.tag
            if tag == W + "r":
                parts.append(self.run(child, part))
            elif tag in (W + "ins", W + "del", W + "moveTo", W + "moveFrom"):
                if self.shown(child):
                    parts.append(self.inline(child, part))
            elif tag == W + "hyperlink":
                inner = self.inline(child, part)
                if inner:
                    target = (
                        child.get(W + "anchor")
                        or self.doc.rel_by_id(part).get(child.get(f"{{{R_NS}}}id"), ("", "?"))[1]
                    )
                    parts.append(f"<a {target}>{inner}</a>")
            elif tag == W + "fldSimple":
                parts.append("⟦" + " ".join(child.get(W + "instr", "").split()) + "⟧" + self.inline(child, part))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                parts.append(self.inline(content, part) if content is not None else "")
            elif tag in WRAPPERS:
                parts.append(self.inline(child, part))
            elif tag in (M + "oMath", M + "oMathPara"):
                math = self.math(child)
                parts.append(f"⟨{math}⟩" if math else "")
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                parts.append(self.inline(choice, part) if choice is not None else "")
        return re.sub("⟧⟦", "", "".join(parts))

    def math(self, element) -> str:
        """Return the text of an equation, tracked math changes resolved."""
        parts = []
        for child in element:
            if child.tag in (W + "ins", W + "del", W + "moveTo", W + "moveFrom"):
                if self.shown(child):
                    parts.append(self.math(child))
            elif child.tag == M + "r":
                if not self.mark_removed(child.find(W + "rPr")):
                    parts.append("".join(t.text or "" for t in child.iter(M + "t")))
            elif child.tag == M + "t":
                parts.append(child.text or "")
            elif not child.tag.endswith("Pr"):
                inner = self.math(child)
                parts.append(f"{etree.QName(child).localname}({inner})" if inner else "")
        return "".join(parts)

    def run(self, run, part: str) -> str:
        """Return the visible text of a run: text, tabs, breaks, notes, pictures, text boxes."""
        if self.mark_removed(run.find(W + "rPr")):
            return ""
        parts = []
        for child in run:
            parts.append(self.run_item(child, part))
        return "".join(parts)

    def run_item(self, child, part: str) -> str:
        """Return the text of one element inside a run."""
        tag = child.tag
        if tag in (W + "t", W + "delText"):
            return child.text or ""
        if tag in (W + "tab", W + "ptab"):
            return "\t"
        if tag in (W + "br", W + "cr"):
            return "\n"
        if tag == W + "noBreakHyphen":
            return "‑"
        if tag == W + "sym":
            return f"[sym {child.get(W + 'char')}]"
        if tag in (W + "instrText", W + "delInstrText"):
            return "⟦" + " ".join((child.text or "").split()) + "⟧"
        if tag in (W + "footnoteReference", W + "endnoteReference", W + "commentReference"):
            return self.note(child, part)
        if tag in (W + "drawing", W + "pict", W + "object"):
            return self.graphic(child, part)
        if tag == MC + "AlternateContent":
            choice = child.find(MC + "Choice")
            return "".join(self.run_item(c, part) for c in choice) if choice is not None else ""
        return ""

    def note(self, reference, part: str) -> str:
        """Return a footnote, endnote or comment as text, at its reference."""
        kind = {v: k for k, v in NOTE_TYPES.items()}[etree.QName(reference).localname]
        notes_part = self.doc.related(self.doc.main, kind)
        if notes_part is None or notes_part not in self.doc.parts:
            return f"[{kind}:MISSING]"
        ident = reference.get(W + "id")
        for note in self.doc.xml(notes_part):
            if note.get(W + "id") == ident:
                return f"[{kind}:" + "¶".join(self.blocks(note, notes_part)) + "]"
        return f"[{kind}:MISSING {ident}]"

    def graphic(self, element, part: str) -> str:
        """Return pictures (digests of their bytes) and text boxes of a drawing, picture or object."""
        parts = []
        rels = self.doc.rel_by_id(part)
        for node in element.iter():
            for name, value in node.attrib.items():
                if (
                    name.startswith(f"{{{R_NS}}}")
                    and name != f"{{{R_NS}}}id"
                    or (name == f"{{{R_NS}}}id" and node.tag.endswith("imagedata"))
                ):
                    kind, target = rels.get(value, ("", None))
                    data = self.doc.canonical(target) if target in self.doc.parts else None
                    digest = (
                        hashlib.sha1(data).hexdigest()[:8]
                        if data is not None
                        else (target if kind.endswith("/hyperlink") or target and "://" in target else "MISSING")
                    )
                    parts.append(f"[img {digest}]")
        seen_box = False
        for box in element.iter(W + "txbxContent"):
            if seen_box:
                break  # VML fallback of the same box
            seen_box = True
            parts.append("[tb:" + "¶".join(self.blocks(box, part)) + "]")
        return "".join(parts)

    def document(self) -> dict[str, list]:
        """Return body and sections (with the headers and footers each shows) after accept or reject."""
        root = self.doc.xml(self.doc.main)
        body = root.find(W + "body")
        return {"body": self.blocks(body, self.doc.main), "sections": self.sections(body)}

    def sections(self, body) -> list[tuple]:
        """Return each section as it is shown: its break, page, columns and the headers and footers
        it shows – a section without its own header takes the one before, an empty header is none."""
        found = [p.find(f"{W}pPr/{W}sectPr") for p in self._body_paragraphs(body)
                 if p.find(f"{W}pPr/{W}sectPr") is not None and not self.mark_removed(p.find(f"{W}pPr/{W}rPr"))]
        final = body.find(W + "sectPr")
        found.append(final if final is not None else etree.Element(W + "sectPr"))  # none: Word's defaults
        shown, out = {}, []
        for section in found:
            shown = {**shown, **self.section_stories(section)}
            out.append((self.section_layout(section), tuple(sorted((k, v) for k, v in shown.items() if v))))
        return out

    def _body_paragraphs(self, container) -> list:
        """Return the body's own paragraphs (not those in tables), through controls and shown revisions."""
        return [b for b in self._flat_blocks(container) if b.tag == W + "p"]

    def section_layout(self, section) -> tuple:
        """Return what a section's properties show (the recorded old ones when a change is rejected)."""
        change = section.find(W + "sectPrChange")
        props = section
        if change is not None and not self.accept:
            props = change.find(W + "sectPr")
            props = props if props is not None else etree.Element(W + "sectPr")
        out = []
        for tag, attributes in (("type", ("val",)), ("pgSz", ("w", "h", "orient")),
                                ("pgMar", ("top", "bottom", "left", "right")), ("cols", ("num",)),
                                ("titlePg", ("val",)), ("pgNumType", ("start", "fmt"))):
            element = props.find(W + tag)
            if element is not None:
                out.append((tag, *(element.get(W + a, "") for a in attributes)))
        return tuple(out)

    def section_stories(self, section) -> dict:
        """Return {(header or footer, kind): text} for the references a section has of its own."""
        rels = self.doc.rel_by_id(self.doc.main)
        found = {}
        for reference in section:
            if reference.tag in (W + "headerReference", W + "footerReference"):
                target = rels.get(reference.get(f"{{{R_NS}}}id"), ("", None))[1]
                key = (etree.QName(reference).localname, reference.get(W + "type", "default"))
                if target in self.doc.parts:
                    found[key] = "¶".join(t for t in self.blocks(self.doc.xml(target), target))
                else:
                    found[key] = "MISSING"
        return {key: "" if not text.replace("¶", "").strip() else text for key, text in found.items()}


def content(data: bytes, accept: bool) -> dict[str, list[str]]:
    """Return what a reader sees in a .docx after accepting (or rejecting) every change."""
    return Reader(Doc(data), accept).document()


def notes_in(texts: dict) -> str:
    """Return every footnote, endnote and comment text in ``texts`` (to report a note check apart)."""
    joined = "\n".join(texts["body"] + [str(s) for s in texts["sections"]])
    return "\n".join(re.findall(r"\[(?:footnotes|endnotes|comments):[^\]]*\]", joined))


def integrity(data: bytes) -> list[str]:
    """Return what is broken in a package: XML, relationships, content types, styles, numbering, notes."""
    doc = Doc(data)
    problems = []
    for name in doc.parts:
        if name.endswith((".xml", ".rels")):
            try:
                doc.xml(name)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: invalid XML ({exc})")
    if problems:
        return problems
    problems += _content_type_problems(doc)
    problems += _relationship_problems(doc)
    problems += _definition_problems(doc)
    problems += _duplicate_ids(doc)
    return problems


def _duplicate_ids(doc: Doc) -> list[str]:
    """Return content-control ids used twice in one story (Word and LibreOffice take them for one control)."""
    problems = []
    for name in doc.parts:
        if not re.match(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$", name):
            continue
        ids = [i.get(W + "val") for i in doc.xml(name).iter(W + "id") if i.getparent().tag == W + "sdtPr"]
        problems += [f"{name}: content control id {i} is used {ids.count(i)} times"
                     for i in sorted(set(ids)) if ids.count(i) > 1]
    return problems


def _content_type_problems(doc: Doc) -> list[str]:
    types = doc.xml("[Content_Types].xml")
    defaults = {d.get("Extension").lower() for d in types.iter(CT + "Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iter(CT + "Override")}
    return [
        f"{name}: no content type"
        for name in doc.parts
        if name != "[Content_Types].xml" and name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults
    ]


def _relationship_problems(doc: Doc) -> list[str]:
    problems = []
    for name in doc.parts:
        if name.endswith(".rels") or not name.endswith(".xml") or name == "[Content_Types].xml":
            continue
        rels = doc.rel_by_id(name)
        for target_kind, target in rels.values():
            if (
                "://" not in target
                and not target.startswith(("mailto:", "#", "file:", ".."))
                and target not in doc.parts
                and not target_kind.endswith("/hyperlink")
            ):
                problems.append(f"{name}: relationship to missing part {target}")
        for node in doc.xml(name).iter():
            for attr, value in node.attrib.items():
                if attr.startswith(f"{{{R_NS}}}") and value and value not in rels:
                    problems.append(
                        f"{name}: {etree.QName(node).localname}/@r:{etree.QName(attr).localname}"
                        f"={value} has no relationship"
                    )
    return problems


def _styles_for(doc: Doc, part: str, main_styles: set) -> set:
    """Return the style ids a part may use: a glossary document's parts have their own styles part."""
    if not part.startswith("word/glossary/"):
        return main_styles
    glossary = next((t for k, t in doc.rel_by_id(doc.main).values() if k.endswith("/glossaryDocument")), None)
    styles_part = doc.related(glossary, "styles") if glossary else None
    return {s.get(W + "styleId") for s in doc.xml(styles_part).iter(W + "style")} if styles_part in doc.parts \
        else main_styles


def _definition_problems(doc: Doc) -> list[str]:
    problems = []
    styles_part = doc.related(doc.main, "styles")
    styles = {s.get(W + "styleId") for s in doc.xml(styles_part).iter(W + "style")} if styles_part else set()
    numbering_part = doc.related(doc.main, "numbering")
    nums, abstracts = set(), set()
    if numbering_part:
        numbering = doc.xml(numbering_part)
        nums = {n.get(W + "numId") for n in numbering.iter(W + "num")}
        abstracts = {a.get(W + "abstractNumId") for a in numbering.iter(W + "abstractNum")}
        for num in numbering.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            if ref is not None and ref.get(W + "val") not in abstracts:
                problems.append(f"numbering: num {num.get(W + 'numId')} → missing abstractNum")
    note_ids = {}
    for kind in NOTE_TYPES:
        part = doc.related(doc.main, kind)
        note_ids[kind] = {n.get(W + "id") for n in doc.xml(part)} if part in doc.parts else set()
    for name in doc.parts:
        if not name.startswith("word/") or not name.endswith(".xml"):
            continue
        for node in doc.xml(name).iter(
            W + "pStyle", W + "rStyle", W + "tblStyle", W + "numId", *(W + t for t in NOTE_TYPES.values())
        ):
            local = etree.QName(node).localname
            if local.endswith("Style") and "styles" not in name and node.get(W + "val") not in _styles_for(doc, name,
                                                                                                     styles):
                problems.append(f"{name}: style {node.get(W + 'val')} is not defined")
            elif local == "numId" and node.get(W + "val") not in nums | {"0"} and "numbering" not in name:
                problems.append(f"{name}: numbering {node.get(W + 'val')} is not defined")
            elif local.endswith("Reference"):
                kind = {v: k for k, v in NOTE_TYPES.items()}[local]
                if node.get(W + "id") not in note_ids[kind]:
                    problems.append(f"{name}: {local} {node.get(W + 'id')} points nowhere")
    return problems


# --- the resolver itself is tested: it must see what it is there to see ----------------------------


def test_resolver_reads_tracked_changes_and_joins_removed_paragraph_marks():
    from test_jamfor import docx

    data = docx(
        '<w:p><w:pPr><w:rPr><w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr></w:pPr>'
        '<w:r><w:t>Ett</w:t></w:r><w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
        '<w:t xml:space="preserve"> nytt</w:t></w:r></w:ins></w:p><w:p><w:del w:id="3" w:author="A" '
        'w:date="2024-01-01T00:00:00Z"><w:r><w:delText>gammalt</w:delText></w:r></w:del>'
        "<w:r><w:t>stycke</w:t></w:r></w:p>"
    )
    assert content(data, accept=True)["body"] == ["Ett nytt", "stycke"]
    assert content(data, accept=False)["body"] == ["Ettgammaltstycke"]


def test_integrity_finds_dangling_references():
    from test_jamfor import docx, picture

    data = docx(
        '<w:p><w:pPr><w:pStyle w:val="Saknas"/><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr>'
        + picture("rIdSaknas")
        + '<w:r><w:footnoteReference w:id="9"/></w:r></w:p>'
    )
    problems = "\n".join(integrity(data))
    for expected in (
        "style Saknas is not defined",
        "numbering 4 is not defined",
        "r:embed=rIdSaknas",
        "footnoteReference 9 points nowhere",
    ):
        assert expected in problems

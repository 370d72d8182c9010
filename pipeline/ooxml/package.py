"""The one place that handles .docx packages as zip files and XML parts.

:class:`Package` is the one type of a Word package, whatever it is used for (a template, a
document to compare, a redline being built): its parts, parsed XML on demand, relationships and
content types. :func:`unpack` is the one reader of a package's zip, with the limits against zip
bombs (part count, unpacked size, packing ratio); :func:`write_zip` the one writer, deterministic
(sorted entries, fixed timestamps) so the same input gives the same bytes. Also here: reading a
template's parts, checking rendered XML strictly, and the core and app properties from the data.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.errors import DataError, Problem, TemplateError
from pipeline.files import inputs
from pipeline.ooxml import safexml
from pipeline.ooxml.names import CONTENT_TYPES_NS as CT_NS
from pipeline.ooxml.names import PACKAGE_RELS_NS as REL_NS
from pipeline.ooxml.names import ZIP_LEVEL, W
from pipeline.ooxml.text import document_title  # noqa: F401  (kept where callers look for it)

_TAG = re.compile(r"{[{%#]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_W = W
CORE_PART = "docProps/core.xml"
APP_PART = "docProps/app.xml"
CONTENT_TYPES = "[Content_Types].xml"
# A .docx beyond these is a zip bomb or not a document: a template with a logo has a few dozen
# parts and a few MB unpacked.
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # unpacked/packed for one large part; text compresses about 10:1


def rels_name(part: str) -> str:
    """Return the name of a part's relationships part ("word/_rels/document.xml.rels")."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def relative_target(folder: str, target: str) -> str:
    """Return ``target`` relative to ``folder``, as relationships write it."""
    return posixpath.relpath(target, folder or ".")


class Package:
    """A Word package: its parts (name → bytes) in their original order, with parsed XML and
    relationships on demand; ``path`` names the file it came from in messages."""

    def __init__(self, parts: dict[str, bytes], path: Path | None = None):
        self.parts = parts
        self.path = Path(path) if path is not None else Path("dokument.docx")
        self.roots: dict[str, etree._Element] = {}  # parsed (and possibly changed) XML parts
        self._digests: dict[str, str] = {}

    def xml(self, name: str) -> etree._Element:
        """Return the parsed XML part ``name`` (kept, so changes to it are written back)."""
        if name not in self.roots:
            self.roots[name] = safexml.parse(self.parts[name])
        return self.roots[name]

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """Return {id: (type, target part or URL, external)} of ``part``."""
        name = rels_name(part)
        if name not in self.parts and name not in self.roots:
            return {}
        folder = posixpath.dirname(part)
        found = {}
        for rel in self.xml(name).iter(f"{{{REL_NS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not external:
                target = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id")] = (rel.get("Type", ""), target, external)
        return found

    def related(self, part: str, kind: str) -> str | None:
        """Return the part that ``part`` relates to with a type ending in "/kind", if any."""
        for rel_type, target, external in self.relationships(part).values():
            if rel_type.endswith("/" + kind) and not external:
                return target
        return None

    def main_part(self) -> str | None:
        """Return the name of the main document part."""
        for rel_type, target, external in self.relationships("").values():
            if rel_type.endswith("/officeDocument") and not external:
                return target
        return None

    def digest(self, part: str) -> str:
        """Return a short digest of a part's bytes."""
        if part not in self._digests:
            # Python's own hash: stable within the process, and hashlib costs start-up time.
            self._digests[part] = format(hash(self.parts.get(part, b"")) & 0xFFFFFFFFFFFFFFFF, "016x")
        return self._digests[part]

    def target_key(self, part: str, rid: str) -> str:
        """Return what a relationship points at, comparable across packages (bytes, or a URL)."""
        rel_type, target, external = self.relationships(part).get(rid, ("", rid, True))
        if external or target not in self.parts:
            return f"{rel_type.rsplit('/', 1)[-1]}:{target}"
        return f"{rel_type.rsplit('/', 1)[-1]}:{self.digest(target)}"

    def content_type(self, part: str) -> str | None:
        """Return the content type of ``part``."""
        types = self.xml(CONTENT_TYPES)
        for override in types.iter(f"{{{CT_NS}}}Override"):
            if override.get("PartName", "").lstrip("/") == part:
                return override.get("ContentType")
        extension = posixpath.splitext(part)[1].lstrip(".").lower()
        for default in types.iter(f"{{{CT_NS}}}Default"):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType")
        return None

    def set_content_type(self, part: str, content_type: str) -> None:
        """Make ``part`` have ``content_type`` (an Override unless the extension's default says so)."""
        if self.content_type(part) == content_type:
            return
        override = etree.SubElement(self.xml(CONTENT_TYPES), f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", content_type)

    def relate(self, part: str, rel_type: str, target: str, external: bool = False) -> str:
        """Return the id of a relationship from ``part`` to ``target``, adding it if needed."""
        for rid, (kind, existing, is_external) in self.relationships(part).items():
            if kind == rel_type and existing == target and is_external == external:
                return rid
        name = rels_name(part)
        if name not in self.parts and name not in self.roots:
            self.roots[name] = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
            self.parts[name] = b""
            self.set_content_type(name, "application/vnd.openxmlformats-package.relationships+xml")
        root = self.xml(name)
        taken = {r.get("Id") for r in root}
        number = len(taken) + 1
        while f"rIdS{number}" in taken:
            number += 1
        rel = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
        rel.set("Id", f"rIdS{number}")
        rel.set("Type", rel_type)
        rel.set("Target", target if external else relative_target(posixpath.dirname(part), target))
        if external:
            rel.set("TargetMode", "External")
        return f"rIdS{number}"

    def to_bytes(self) -> dict[str, bytes]:
        """Return every part as bytes, changed XML parts serialised."""
        result = dict(self.parts)
        for name, root in self.roots.items():
            result[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return result


# Parts that hold or drive macros; an output of samverkan never carries them.

    def templated_parts(self) -> list[str]:
        """Return the names of the Word XML parts that contain Jinja tags."""
        return [name for name, data in self.parts.items()
                if name.startswith("word/") and name.endswith(".xml")
                and _TAG.search(data.decode("utf-8", "replace"))]

    def xml_text(self, name: str) -> str:
        """Return a part as XML text without declaration, as docxtpl expects it."""
        try:
            root = safexml.parse(self.parts[name])
        except etree.XMLSyntaxError as exc:
            raise TemplateError(Problem(self.path, f"mallen innehåller ogiltig XML i {name}: {exc.msg}")) from exc
        return etree.tostring(root, encoding="unicode")


def read_package(path: Path, root: Path | None = None) -> Package:
    """Return the template package at ``path`` (a regular file inside ``root``); raise
    TemplateError if it is not a readable .docx or exceeds the size limits."""
    try:
        raw = inputs.read_bytes(path, root, inputs.MAX_TEMPLATE_BYTES, what="mallen")
        parts = unpack(raw, path)
    except DataError as exc:
        raise TemplateError(exc.problems) from exc
    if "word/document.xml" not in parts:
        raise TemplateError(Problem(path, "mallen saknar word/document.xml och är ingen Word-fil"))
    return Package(parts, Path(path))


def unpack(data: bytes, path: Path) -> dict[str, bytes]:
    """Return the parts of a .docx (name → bytes); raise DataError for a damaged file, an
    encrypted one, or one beyond the part and size limits (a zip bomb)."""

    if data[:8] == _OLE_MAGIC:  # OLE: an encrypted or pre-2007 Word file
        raise DataError(Problem(path, "filen är lösenordsskyddad eller i det gamla .doc-formatet",
                                hint="Spara den som en vanlig .docx utan lösenord och försök igen."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {}
            for info in checked_entries(archive, path, "ett Word-dokument"):
                parts[info.filename] = _read_limited(archive, info)
    except _ZIP_ERRORS as exc:
        raise DataError(Problem(path, f"filen är ingen läsbar .docx-fil ({exc})")) from exc
    return parts


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError)


def checked_entries(archive: zipfile.ZipFile, path: Path, kind: str) -> list[zipfile.ZipInfo]:
    """Return the file entries of an Office zip package; raise DataError when they are beyond
    the limits of every package samverkan reads (part count, unpacked size, packing ratio)."""
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES or any(
            i.file_size > (1 << 24) and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos):
        raise DataError(Problem(path, f"filen packas upp till fler än {MAX_PARTS} delar, mer än "
                                      f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB eller orimligt mycket "
                                      f"för sin storlek (en zip-bomb?) – över storleksgränsen för {kind}",
                                hint="Kontrollera att det är rätt fil."))
    return infos


# A follow-up workbook has a sheet per plan with a few dozen rows; these are far above that.
MAX_SHEET_ROWS = 10_000
MAX_WORKBOOK_ELEMENTS = 2_000_000


def check_workbook(data: bytes, path: Path) -> None:
    """Raise DataError unless the .xlsx in ``data`` is within the limits before anyone parses it
    whole: the package limits, no document type declarations (entities), at most
    :data:`MAX_SHEET_ROWS` rows per sheet and :data:`MAX_WORKBOOK_ELEMENTS` XML elements in all.
    The parts are streamed, so a bomb is refused after reading only what the limit allows."""

    if data[:8] == _OLE_MAGIC:
        raise DataError(Problem(path, "arbetsboken är lösenordsskyddad eller i det gamla .xls-formatet",
                                hint="Spara den som en Excel-arbetsbok (.xlsx) utan lösenord och försök igen."))
    elements = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in checked_entries(archive, path, "en arbetsbok"):
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as stream:
                    elements = _count_elements(stream, info.filename, path, elements)
    except DataError:
        raise
    except etree.XMLSyntaxError as exc:
        raise DataError(Problem(path, f"arbetsboken är skadad ({exc.msg})",
                                hint="Spara den som Excel-arbetsbok (.xlsx) och försök igen.")) from exc
    except _ZIP_ERRORS as exc:
        raise DataError(Problem(path, "filen är ingen läsbar Excel-arbetsbok (.xlsx)",
                                hint="Spara den som Excel-arbetsbok (.xlsx) och försök igen.")) from exc


def _count_elements(stream, name: str, path: Path, elements: int) -> int:
    """Stream one part, counting its elements (and a sheet's rows) on top of ``elements``; each
    element is dropped once counted, so memory stays small whatever the part holds."""
    row = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"
    sheet, rows, first = name.startswith("xl/worksheets/"), 0, True
    for _, element in etree.iterparse(stream, events=("end",), resolve_entities=False, huge_tree=False,
                                      no_network=True, load_dtd=False):
        if first and element.getroottree().docinfo.doctype:
            raise DataError(Problem(path, f"arbetsboken innehåller en dokumenttypsdeklaration ({name}), som "
                                          "Excel aldrig skriver; den läses inte"))
        first = False
        elements += 1
        rows += sheet and element.tag == row
        if rows > MAX_SHEET_ROWS or elements > MAX_WORKBOOK_ELEMENTS:
            raise DataError(Problem(path, f"arbetsboken är för stor: fler än {MAX_SHEET_ROWS} rader på ett blad "
                                          f"eller {MAX_WORKBOOK_ELEMENTS} XML-element i allt",
                                    hint="En uppföljning har några dussin rader per plan; kontrollera att det är "
                                         "rätt fil."))
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return elements


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Return a zip member's bytes, refusing one that unpacks to more than it claims."""
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ValueError(f"{info.filename} är större än zip-filen anger")
    return data


def finish_part(template: Path, name: str, xml: str) -> bytes:
    """Return rendered XML as bytes after a strict parse; raise TemplateError if it is broken.

    docxtpl itself parses with ``recover=True``, which silently drops whatever
    does not parse; a strict parse makes such a template fail loudly instead.
    """
    try:
        root = safexml.parse(xml.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise TemplateError(Problem(
            template, f"mallen gav ogiltig XML i {name}: {exc.msg}",
            hint="Kontrollera att {%p %}- och {%tr %}-taggar står ensamma i sitt stycke "
                 "eller sin tabellrad.")) from exc
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass(frozen=True)
class Properties:
    """Document properties written into docProps/, all taken from the data."""

    title: str
    subject: str
    organisation: str
    date: dt.date
    keywords: str = ""
    description: str = ""
    language: str = "sv-SE"


def _escape(text: str) -> str:
    """Return ``text`` with XML's three special characters of element content escaped
    (xml.sax.saxutils would import urllib and http for this)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _one_line(text: str) -> str:
    """Return ``text`` on one line: metadata has no paragraphs ("\a" marks one in our texts)."""
    return " ".join(text.replace("\a", " ").split())


def core_xml(props: Properties) -> bytes:
    """Return docProps/core.xml for ``props`` (no user name, no clock time)."""
    stamp = f"{props.date.isoformat()}T00:00:00Z"
    fields = [
        ("dc:title", props.title), ("dc:subject", props.subject),
        ("dc:creator", props.organisation), ("cp:keywords", props.keywords),
        ("dc:description", props.description), ("cp:lastModifiedBy", props.organisation),
        ("cp:revision", "1"), ("dc:language", props.language),
    ]
    body = "".join(f"<{tag}>{_escape(_one_line(value))}</{tag}>" for tag, value in fields)
    body += (f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
             f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{body}</cp:coreProperties>").encode()


def app_xml(props: Properties) -> bytes:
    """Return docProps/app.xml naming the organisation and this program."""
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>samverkan</Application><Company>{_escape(_one_line(props.organisation))}</Company>"
            "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
            "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
            "</Properties>").encode()


def write_docx(target, package: Package, replaced: dict[str, bytes]) -> None:
    """Write ``package`` with ``replaced`` parts to the open binary file ``target`` (see :func:`write_zip`)."""
    write_zip(target, {name: replaced.get(name, data) for name, data in package.parts.items()})


def write_zip(target, parts: dict[str, bytes], level: int = ZIP_LEVEL) -> None:
    """Write ``parts`` as a zip to the open binary file ``target``, the one writer of every package
    samverkan makes: [Content_Types].xml first, the rest in their order, fixed timestamps and
    permissions, so the same parts give the same bytes."""
    names = sorted(parts, key=lambda n: n != CONTENT_TYPES)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, parts[name])


def zip_bytes(parts: dict[str, bytes], level: int = ZIP_LEVEL) -> bytes:
    """Return ``parts`` packed by :func:`write_zip`."""
    buffer = io.BytesIO()
    write_zip(buffer, parts, level)
    return buffer.getvalue()


def prepend_paragraph(xml: bytes, text: str, colour: str | None = "C00000", style: str | None = None) -> bytes:
    """Return a header or footer part with a first paragraph of bold ``text`` (red unless ``colour``
    says otherwise; None: the text's own colour), a notice that then stands on every page the part
    is used on; ``style``: the paragraph's style id ("Header")."""
    root = safexml.parse(xml)
    paragraph = etree.Element(f"{W}p")
    if style:
        etree.SubElement(etree.SubElement(paragraph, f"{W}pPr"), f"{W}pStyle").set(f"{W}val", style)
    run = etree.SubElement(paragraph, f"{W}r")
    props = etree.SubElement(run, f"{W}rPr")
    etree.SubElement(props, f"{W}b")
    if colour:
        etree.SubElement(props, f"{W}color").set(f"{W}val", colour)
    etree.SubElement(run, f"{W}t").text = text
    root.insert(0, paragraph)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

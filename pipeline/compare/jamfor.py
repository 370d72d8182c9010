"""The use case *jämför*: any two Word files in, the new one with tracked changes against the old out.

Inputs are checked before anything is compared: a missing file, a file that is
not a zip, not a Word document, password protected (an OLE compound file),
saved as Strict Open XML, or a zip bomb is an error naming the file. Inputs that
already carry tracked changes are compared on their accepted text, and the
result says so. The output is written beside the new file as
``<NY>-andringar.docx`` unless another name is given, atomically, and never over
a file that samverkan did not write.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.errors import DataError, PipelineError, Problem
from pipeline.files import inputs, output
from pipeline.ooxml import package as ooxml_package
from pipeline.ooxml import redline, safexml
from pipeline.ooxml.package import Package, zip_bytes
from pipeline.ooxml.parts import prune
from pipeline.ooxml.redline.docx import RedlineJob, accept_tracked_changes

SUFFIX = "-andringar.docx"
DEFAULT_AUTHOR = "samverkan"
APPLICATION = "samverkan jämför"  # written into the output's app.xml: how we know a file is ours
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STRICT_NS = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_APP_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_READ = re.compile(r"^(\[Content_Types\]\.xml|(word/)?_rels/.*|word/(document|header\d*|footer\d*|footnotes|"
                   r"endnotes|comments|styles|numbering|fontTable)\.xml)$")


class CompareError(PipelineError):
    """Raised when a file to compare cannot be read as a Word document, or the result not written."""


@dataclass
class FileComparison:
    """The redline of two Word files: its bytes, how many revision marks, and notices for the user."""

    data: bytes = field(repr=False)
    revisions: int
    notices: list[str]


@dataclass
class WrittenRedline:
    """What ``jamfor`` wrote: the redline, and the comparison it holds."""

    path: Path
    comparison: FileComparison


def parse_date(text: str | None) -> dt.date:
    """Return the date ÅÅÅÅ-MM-DD in ``text`` (today when None); raise CompareError otherwise."""
    if text is None:
        return dt.date.today()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CompareError(Problem(None, f"'{text}' är inget giltigt datum", field="--datum",
                                   hint="Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2024-03-01.")) from exc


def read_word(path: Path) -> Package:
    """Return the Word package at ``path``; raise CompareError naming the file if it cannot be one."""
    path = Path(path)
    try:
        data = inputs.read_bytes(path, None, ooxml_package.MAX_UNPACKED_BYTES)
    except DataError as exc:
        raise CompareError(exc.problems) from exc
    if data.startswith(_OLE_MAGIC):
        raise CompareError(Problem(path, "filen är lösenordsskyddad (krypterad) eller i det gamla .doc-formatet",
                                   hint="Ta bort lösenordet eller spara som Word-dokument (.docx) och försök igen."))
    if not data.startswith(b"PK"):
        raise CompareError(Problem(path, "filen är inget Word-dokument (.docx)",
                                   hint="Spara filen som Word-dokument (.docx) och försök igen."))
    try:
        parts = ooxml_package.unpack(data, path)  # the size and part-count limits of every Word file read
    except DataError as exc:
        raise CompareError(exc.problems) from exc
    return _checked(path, Package(parts, path))


def _checked(path: Path, package: Package) -> Package:
    """Return ``package`` if it is a readable transitional Word document."""
    try:
        main = package.main_part()
    except (KeyError, etree.XMLSyntaxError):
        main = None
    if main is None or main not in package.parts or "[Content_Types].xml" not in package.parts:
        raise CompareError(Problem(path, "filen är inget Word-dokument (.docx): huvuddokumentet saknas"))
    if _STRICT_NS in package.parts[main][:4096]:
        raise CompareError(Problem(path, "filen är sparad som Strict Open XML, som inte kan jämföras",
                                   hint="Öppna den i Word och spara som vanligt Word-dokument (.docx)."))
    for name, data in package.parts.items():
        if name.lower().endswith((".xml", ".rels")):  # every XML part: any of them may be read or carried
            try:  # parts the comparison reads are kept parsed; others are only checked
                package.xml(name) if _READ.match(name) else safexml.parse(data)
            except etree.XMLSyntaxError as exc:
                raise CompareError(Problem(path, f"filen är skadad: {name} är ingen giltig XML ({exc.msg})")) from exc
    if package.xml(main).find(f"{redline.W}body") is None:
        raise CompareError(Problem(path, "filen är inget Word-dokument (.docx): dokumentet saknar brödtext"))
    return package


def compare_files(old_path: Path, new_path: Path, author: str = DEFAULT_AUTHOR,
                  date: dt.date | None = None) -> FileComparison:
    """Return the new file with tracked changes against the old (nothing is written)."""
    old, new = read_word(old_path), read_word(new_path)
    notices = []
    for path, package in ((old_path, old), (new_path, new)):
        if accept_tracked_changes(package):
            notices.append(f"{path} innehöll spårade ändringar; de godkändes före jämförelsen, så den "
                           f"jämförs som den ser ut med alla ändringar godkända.")
    revisions = redline.Revisions(author or DEFAULT_AUTHOR, f"{(date or dt.date.today()).isoformat()}T00:00:00Z")
    result = RedlineJob(old, new).run(revisions)
    _mark_as_ours(result)
    prune(result)
    return FileComparison(zip_bytes(result.to_bytes()), revisions.next_id - 1, notices)


def _mark_as_ours(package: Package) -> None:
    """Name this program as the output's application, so a later run knows it may replace the file."""
    part = "docProps/app.xml"
    if part not in package.parts:
        package.parts[part] = b""
        package.roots[part] = etree.Element(_APP + "Properties", nsmap={None: _APP[1:-1]})
        package.set_content_type(part, "application/vnd.openxmlformats-officedocument.extended-properties+xml")
        package.relate("", _APP_REL, part)
    root = package.xml(part)
    application = root.find(_APP + "Application")
    if application is None:
        application = etree.SubElement(root, _APP + "Application")
    application.text = APPLICATION


def default_output(new_path: Path) -> Path:
    """Return where the redline goes by default: beside the new file, "<name>-andringar.docx"."""
    new_path = Path(new_path)
    return new_path.with_name(new_path.stem + SUFFIX)


def jamfor(old_path: Path, new_path: Path, out: Path | None = None, author: str | None = None,
           date: str | None = None) -> WrittenRedline:
    """Compare two Word files and write the redline; return where it went and what it holds."""
    day = parse_date(date)
    target = Path(out) if out else default_output(new_path)
    _check_target(target, old_path, new_path)
    comparison = compare_files(old_path, new_path, author or DEFAULT_AUTHOR, day)
    (written,) = output.write_all(target.parent, {target.name: comparison.data})
    return WrittenRedline(written, comparison)


def _check_target(target: Path, old_path: Path, new_path: Path) -> None:
    """Raise CompareError when writing ``target`` would destroy one of the files compared. (A file
    there that samverkan did not write is refused by :func:`output.write_all`.)"""
    for source in (old_path, new_path):
        if target.exists() and Path(source).exists() and target.resolve() == Path(source).resolve():
            raise CompareError(Problem(target, "utfilen är en av filerna som jämförs",
                                       hint="Ange ett annat namn med --out."))
"""``samverkan granska``: make every document of a data folder (or of one kommun) in a folder of
its own and read each of them as its reader will, against the rules of
:mod:`pipeline.documents.review`.

Nothing is written beside the data or into the user's output folder: the documents are made by a
batch run (internal and public, with PDFs when LibreOffice is there) into a temporary folder that
is removed afterwards. A version or kommun folder is reviewed by copying its kommun, with the
county's lan.yaml, into that temporary folder first, so that its comparisons with earlier
versions are made as in the real batch.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.county.batch import run_batch
from pipeline.data.tree import check_root
from pipeline.documents.review import DocumentText, Finding, read_docx, read_html, read_pdf_pages, review
from pipeline.errors import DataError, PipelineError, Problem
from pipeline.layout import AGREEMENT_FILE, COUNTY_FILE, PUBLIC_FOLDER
from pipeline.publish.pdf import soffice

MAX_DOCUMENTS = 20_000


@dataclass
class ReviewReport:
    """What was read and what was found; ``problems`` are data errors that stopped a document."""

    documents: int = 0
    with_pdf: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pdf: bool = False


def review_folder(folder: Path, pdf: bool | None = None, progress=None) -> ReviewReport:
    """Make and review every document for ``folder`` (a data folder, a county, a kommun or a version).
    ``pdf``: also print each document with LibreOffice and read the pages (default: when installed)."""
    folder = Path(folder)
    if pdf is None:
        pdf = _libreoffice_installed()
    with tempfile.TemporaryDirectory(prefix="samverkan-granska-") as work:
        root = _data_to_review(folder, Path(work) / "data")
        out = Path(work) / "ut"
        batch = run_batch(root, out, jobs=1, pdf=pdf, public=True, progress=progress)
        report = review_outputs(out)
        report.pdf = pdf
        report.problems = list(batch.problems) + report.problems
        return report


def _libreoffice_installed() -> bool:
    try:
        soffice()
    except PipelineError:
        return False
    return True


def _data_to_review(folder: Path, copy: Path) -> Path:
    """Return the data folder to make documents from: ``folder`` itself when it is a data folder or
    a county, else a copy of its kommun (with the county's lan.yaml) under ``copy``."""
    if (folder / AGREEMENT_FILE).is_file():
        folder = folder.parent  # a version: review its kommun
    if (folder.parent / COUNTY_FILE).is_file() and not (folder / COUNTY_FILE).is_file():
        county = copy / folder.parent.name
        county.mkdir(parents=True)
        shutil.copy2(folder.parent / COUNTY_FILE, county / COUNTY_FILE, follow_symlinks=False)
        shutil.copytree(folder, county / folder.name, symlinks=True)
        return copy
    check_root(folder)
    return folder


def review_outputs(out: Path) -> ReviewReport:
    """Review every document under ``out`` (the .docx with its PDF beside it, PDFs without a .docx
    such as a beslutspaket, and web pages)."""
    report = ReviewReport()
    files = sorted(path for path in out.rglob("*") if path.is_file() and not path.is_symlink())
    if len(files) > MAX_DOCUMENTS:
        raise DataError(Problem(out, f"fler än {MAX_DOCUMENTS} filer att granska"))
    names = {path for path in files}
    for path in files:
        document = _read(path, out, names, report)
        if document is not None:
            report.documents += 1
            report.with_pdf += document.pages is not None
            report.findings += review(document)
    return report


def _read(path: Path, out: Path, names: set[Path], report: ReviewReport) -> DocumentText | None:
    name = path.relative_to(out).as_posix()
    public = PUBLIC_FOLDER in path.relative_to(out).parts
    try:
        if path.suffix == ".docx":
            document = read_docx(path, name, public)
            printed = path.with_suffix(".pdf")
            if printed in names:
                document.pages = read_pdf_pages(printed)
            return document
        if path.suffix == ".pdf" and path.with_suffix(".docx") not in names:
            return DocumentText(name, public, pages=read_pdf_pages(path))
        if path.suffix == ".html":
            return read_html(path, name)
    except DataError as exc:
        report.problems += exc.problems
    return None

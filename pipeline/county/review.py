"""``samverkan granska``: make every document of a data folder (or of one kommun) in a folder of
its own and read each of them as its reader will, against the rules of
:mod:`pipeline.documents.review`.

Nothing is written beside the data or into the user's output folder: the documents are made by a
batch run (internal and public, with PDFs when LibreOffice is there) into a temporary folder that
is removed afterwards. A version or kommun folder is reviewed by copying its kommun, with the
county's lan.yaml, into that temporary folder first, so that its comparisons with earlier
versions are made as in the real batch.

A decided version's documents are those it was decided with, and the comparison that led to it
was what the kommunstyrelse read: neither can change any more. What is found in them is reported
apart, as history, and does not make the review fail; its follow-up reports are made now and are
reviewed like any document.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.county.batch import run_batch
from pipeline.data import seal
from pipeline.data.tree import check_root, find_counties, kommun_versions
from pipeline.documents.review import DocumentText, Finding, read_docx, read_html, read_pdf_pages, review
from pipeline.errors import DataError, PipelineError, Problem
from pipeline.layout import AGREEMENT_FILE, COUNTY_FILE, FOLLOWUP_FOLDER, PUBLIC_FOLDER, VersionRef, comparison_name
from pipeline.publish.pdf import soffice

MAX_DOCUMENTS = 20_000


@dataclass
class ReviewReport:
    """What was read and what was found; ``problems`` are data errors that stopped a document."""

    documents: int = 0
    with_pdf: int = 0
    findings: list[Finding] = field(default_factory=list)
    decided: list[Finding] = field(default_factory=list)  # in documents of decided versions
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
        report = review_outputs(out, decided_outputs(root, out))
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


def decided_outputs(root: Path, out: Path) -> list[Path]:
    """Return the output folders of documents that can no longer change: a decided version's own
    documents (not its follow-up reports) and the comparisons that end in a decided version."""
    counties, _ = find_counties(root)
    folders = []
    for kommuner in counties.values():
        for kommun in kommuner:
            versions, _ = kommun_versions(kommun)
            for version in (v for v in versions if seal.is_sealed(v)):
                ref = VersionRef(version)
                folders.append(ref.output_dir(out))
                folders += sorted(ref.output_dir(out).parent.glob(comparison_name("*", ref.name)))
    return folders


def _is_decided(path: Path, decided: Sequence[Path]) -> bool:
    for folder in decided:
        if path.is_relative_to(folder):
            return FOLLOWUP_FOLDER not in path.relative_to(folder).parts
    return False


def review_outputs(out: Path, decided: Sequence[Path] = ()) -> ReviewReport:
    """Review every document under ``out`` (the .docx with its PDF beside it, PDFs without a .docx
    such as a beslutspaket, and web pages); what is found in ``decided`` folders is kept apart."""
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
            if _is_decided(path, decided):
                report.decided += review(document)
            else:
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

"""PDF/A-2, tagged, with bookmarks: every document of a run converted by one LibreOffice process.

LibreOffice converts the files one after another in the order given. If it
crashes or stops making progress on a document, that document is reported, the
process group is killed, and a new process carries on with the rest. PDFs are
made in a private folder and moved into place whole; no soffice process
outlives the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import output
from .errors import PipelineError, Problem

SOFFICE_VARIABLE = "SAMVERKAN_SOFFICE"  # path to soffice, when it is not on PATH
STALL_VARIABLE = "SAMVERKAN_PDF_STALL"  # seconds without progress before a document counts as hung
DEFAULT_STALL = 180.0
# PDF/A-2 (LibreOffice writes level B), tagged, PDF/UA, bookmarks from the headings.
EXPORT_FILTER = ('pdf:writer_pdf_Export:{'
                 '"SelectPdfVersion":{"type":"long","value":"2"},'
                 '"UseTaggedPDF":{"type":"boolean","value":"true"},'
                 '"PDFUACompliance":{"type":"boolean","value":"true"},'
                 '"ExportBookmarks":{"type":"boolean","value":"true"},'
                 '"ExportNotes":{"type":"boolean","value":"false"}}')
INSTALL_HINT = ("Installera LibreOffice: på Debian/Ubuntu 'sudo apt-get install libreoffice-writer-nogui', "
                "annars från libreoffice.org. Ange sökvägen i SAMVERKAN_SOFFICE om soffice inte hittas.")


class ConversionError(PipelineError):
    """Raised when LibreOffice is missing, or could not convert one or more documents."""


@dataclass(frozen=True)
class Job:
    """A document to convert, and where its PDF goes."""

    source: Path
    target: Path


def soffice() -> str:
    """Return the soffice command; raise ConversionError with install help if there is none."""
    configured = os.environ.get(SOFFICE_VARIABLE)
    found = configured or shutil.which("soffice") or shutil.which("libreoffice")
    if not found or (configured and not Path(configured).exists()):
        raise ConversionError(Problem(None, "LibreOffice (soffice) behövs för PDF men hittas inte",
                                      hint=INSTALL_HINT))
    return found


def convert(jobs: list[Job]) -> tuple[list[Path], list[Problem]]:
    """Convert every job's document to PDF; return the PDFs written and the documents that failed."""
    if not jobs:
        return [], []
    command = soffice()
    stall = _stall_seconds()
    work = Path(tempfile.mkdtemp(prefix="samverkan-pdf-"))
    try:
        staged = _stage(jobs, work / "in")
        done, problems = _run(command, staged, work, stall)
        written = []
        for job, pdf in done:
            written += output.write_all(job.target.parent, {job.target.name: pdf.read_bytes()})
        return written, problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stall_seconds() -> float:
    text = os.environ.get(STALL_VARIABLE)
    if text is None:
        return DEFAULT_STALL
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ConversionError(Problem(None, f"{STALL_VARIABLE}={text} är inget positivt antal sekunder",
                                      hint=f"Ta bort variabeln (standard {DEFAULT_STALL:.0f} s) eller ange t.ex. 300."))
    return value


def _stage(jobs: list[Job], folder: Path) -> list[tuple[Job, Path]]:
    """Link each document into the work folder under a unique name (LibreOffice names the PDF
    after the document, and documents from different folders share names)."""
    folder.mkdir(parents=True)
    staged = []
    for index, job in enumerate(jobs):
        link = folder / f"{index:05d}-{job.source.stem}.docx"
        try:
            os.link(job.source, link)
        except OSError:
            shutil.copyfile(job.source, link)
        staged.append((job, link))
    return staged


def _complete(pdf: Path) -> bool:
    """``True`` when a PDF file is finished (ends with %%EOF)."""
    try:
        with open(pdf, "rb") as handle:
            handle.seek(max(0, pdf.stat().st_size - 32))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _run(command: str, staged: list[tuple[Job, Path]], work: Path,
         stall: float) -> tuple[list[tuple[Job, Path]], list[Problem]]:
    """Run LibreOffice over the staged documents, restarting it past any that fail."""
    out = work / "out"
    done, problems = [], []
    remaining = list(staged)
    failed_at_once = 0
    while remaining:
        process = subprocess.Popen(
            [command, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
             "--nolockcheck", "--nodefault", "--convert-to", EXPORT_FILTER, "--outdir", str(out),
             *[str(link) for _, link in remaining]],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "TMPDIR": str(work)})  # LibreOffice's own temporary files go too
        try:
            finished, reason = _watch(process, remaining, out, stall)
        finally:
            _kill(process)
        done += [(job, out / f"{link.stem}.pdf") for job, link in remaining[:finished]]
        failed_at_once = failed_at_once + 1 if finished == 0 and process.returncode not in (None, 0) else 0
        if failed_at_once == 2 and not done:  # it fails before converting anything: it does not start
            raise ConversionError(Problem(None, f"LibreOffice ({command}) startar inte ({reason})",
                                          hint=INSTALL_HINT))
        if finished < len(remaining):
            job = remaining[finished][0]
            problems.append(Problem(job.source, f"LibreOffice kunde inte göra PDF av dokumentet ({reason})",
                                    hint="Öppna dokumentet i Word eller LibreOffice och kontrollera det; "
                                         "de andra dokumenten gjordes klart."))
            remaining = remaining[finished + 1:]
        else:
            remaining = []
    return done, problems


def _watch(process: subprocess.Popen, remaining, out: Path, stall: float) -> tuple[int, str]:
    """Return how many of ``remaining`` were converted before the process ended or stalled."""
    finished, last_progress = 0, time.monotonic()
    while True:
        while finished < len(remaining) and _complete(out / f"{remaining[finished][1].stem}.pdf"):
            finished += 1
            last_progress = time.monotonic()
        code = process.poll()
        if code is not None:
            while finished < len(remaining) and _complete(out / f"{remaining[finished][1].stem}.pdf"):
                finished += 1
            return finished, f"LibreOffice avslutades med kod {code}" if code else "ingen PDF skapades"
        if finished == len(remaining):
            try:
                process.wait(timeout=max(stall, 1))
            except subprocess.TimeoutExpired:
                pass  # every PDF is done; the process is killed by the caller
            return finished, ""
        if time.monotonic() - last_progress > stall:
            return finished, f"inget svar på {stall:.0f} sekunder"
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    """End LibreOffice and every process it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def convert_run(documents: list[Path], packages: list[tuple[str, list[tuple[str, bytes]], Path]] = ()
                ) -> tuple[list[Path], list[Problem]]:
    """Convert .docx files to PDFs beside them, and compose and convert each beslutspaket
    (title, parts of (label, .docx bytes), target PDF), all in one LibreOffice run."""
    from .package import Part, compose

    jobs = [Job(Path(p), Path(p).with_suffix(".pdf")) for p in documents]
    with tempfile.TemporaryDirectory(prefix="samverkan-paket-") as folder:
        for index, (title, parts, target) in enumerate(packages):
            source = Path(folder) / f"{index}-{Path(target).stem}.docx"
            source.write_bytes(compose([Part(label, data) for label, data in parts], title))
            jobs.append(Job(source, Path(target)))
        return convert(jobs)

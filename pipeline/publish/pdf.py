"""PDF/A-2, tagged, with bookmarks: every document of a run converted by one LibreOffice process.

LibreOffice converts the files one after another in the order given. If it
crashes or stops making progress on a document, that document is reported, the
process group is killed, and a new process carries on with the rest. PDFs are
made in a private folder and moved into place whole; no soffice process
outlives the run.

LibreOffice's profile (its settings, made on first start: a second or two) is kept in the user's
cache folder and reused by the next run; a run that finds it in use by another takes a fresh one
of its own, and a kept profile LibreOffice cannot start with is thrown away and made again.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import platform
from pipeline.errors import PipelineError, Problem
from pipeline.files import output
from pipeline.publish.package import Part, compose

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
WORK_PREFIX = "samverkan-pdf-"  # + the owner's process id: a killed run's folder is found and removed


class ConversionError(PipelineError):
    """Raised when LibreOffice is missing, or could not convert one or more documents."""


@dataclass(frozen=True)
class PdfJob:
    """A document to convert, and where its PDF goes."""

    source: Path
    target: Path


def soffice() -> str:
    """Return the soffice program; raise ConversionError with install help if there is none."""
    configured = os.environ.get(SOFFICE_VARIABLE)
    found = platform.find_soffice(configured)
    if not found:
        raise ConversionError(Problem(None, "LibreOffice (soffice) behövs för PDF men hittas inte",
                                      hint=platform.soffice_install_hint()))
    if configured and (not Path(configured).is_file() or not os.access(configured, os.X_OK)):
        raise ConversionError(Problem(Path(configured), "LibreOffice (soffice) behövs för PDF men hittas inte: "
                                                        f"{SOFFICE_VARIABLE} pekar inte på ett program som kan köras",
                                      hint=platform.soffice_install_hint()))
    return found


def convert(jobs: list[PdfJob]) -> tuple[list[Path], list[Problem]]:
    """Convert every job's document to PDF; return the PDFs written and the documents that failed."""
    if not jobs:
        return [], []
    command = soffice()
    stall = _stall_seconds()
    remove_abandoned_work()
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    try:
        staged = _stage(jobs, work / "in")
        with _profile(work) as profile:
            fresh = work / PROFILE
            try:
                done, problems = _run(command, staged, work, stall, profile)
            except ConversionError:
                if profile == fresh:
                    raise
                done, problems = [], [Problem(None, "LibreOffice startar inte med den sparade profilen")]
            if profile != fresh and problems and not done:
                # Nothing converted with the kept profile (broken by a kill, or by hand): throw it away
                # and try once more with a fresh one, which the next run keeps.
                _discard(profile)
                done, problems = _run(command, staged, work, stall, fresh)
        written = []
        for job, pdf in done:
            written += output.write_all(job.target.parent, {job.target.name: pdf.read_bytes()})
        return written, problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


PROFILE = "profile"
KEPT_PROFILE_FOLDER = "libreoffice"  # in the user's cache folder, beside the prepared templates
_PROFILE_LOCK = ".profil.lock"


@contextlib.contextmanager
def _profile(work: Path):
    """Yield the LibreOffice profile folder for this run: the one kept in the user's cache when the
    cache is on and no other run is using it (it is locked meanwhile), else a fresh one in ``work``."""
    from pipeline.documents import templatecache
    from pipeline.files.lock import Lock

    cache = templatecache.folder()
    kept = cache.parent / KEPT_PROFILE_FOLDER if cache is not None else None
    if kept is None or not platform.make_private_folder(kept):
        yield work / PROFILE
        return
    lock = Lock(kept, "gör PDF med LibreOffice", name=_PROFILE_LOCK)
    try:
        lock.acquire()
    except PipelineError:  # another run converts with it now: LibreOffice would hand our files to it
        yield work / PROFILE
        return
    try:
        yield kept / PROFILE
    finally:
        lock.release()


def _discard(profile: Path) -> None:
    """Remove a kept profile (only the entry itself when it is a file or a link: nothing it points at)."""
    if os.path.islink(profile) or os.path.isfile(profile):
        with contextlib.suppress(OSError):
            os.unlink(profile)
    else:
        shutil.rmtree(profile, ignore_errors=True)


def remove_abandoned_work() -> list[Path]:
    """End LibreOffice processes and remove work folders that a killed run of samverkan left
    behind (folders named for a process that no longer runs); return the folders removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        owner = folder.name[len(WORK_PREFIX):].split("-", 1)[0]
        if not owner.isdigit() or platform.pid_alive(int(owner)) or not _ours(folder):
            continue
        platform.kill_processes_using(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _ours(folder: Path) -> bool:
    """``True`` when ``folder`` is a real folder of this user (not a link someone planted)."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    owner = getattr(os, "getuid", None)
    return not os.path.islink(folder) and os.path.isdir(folder) and (owner is None or info.st_uid == owner())


def _stall_seconds() -> float:
    text = os.environ.get(STALL_VARIABLE)
    if text is None:
        return DEFAULT_STALL
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not math.isfinite(value) or value <= 0:
        raise ConversionError(Problem(None, f"{STALL_VARIABLE}={text} är inget positivt antal sekunder",
                                      hint=f"Ta bort variabeln (standard {DEFAULT_STALL:.0f} s) eller ange t.ex. 300."))
    return value


def _stage(jobs: list[PdfJob], folder: Path) -> list[tuple[PdfJob, Path]]:
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


def _run(command: str, staged: list[tuple[PdfJob, Path]], work: Path, stall: float,
         profile: Path) -> tuple[list[tuple[PdfJob, Path]], list[Problem]]:
    """Run LibreOffice over the staged documents, restarting it past any that fail."""
    out = work / "out"
    done, problems = [], []
    remaining = list(staged)
    failed_at_once = 0
    while remaining:
        arguments = [command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                     "--nolockcheck", "--nodefault", "--convert-to", EXPORT_FILTER, "--outdir", str(out),
                     *[str(link) for _, link in remaining]]
        try:  # LibreOffice's own temporary files go into the work folder too
            process = platform.ProcessTree(arguments, marker=str(work), stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL,
                                           env={**os.environ, "TMPDIR": str(work), "TMP": str(work), "TEMP": str(work)})
        except OSError as exc:
            raise ConversionError(Problem(Path(command), f"LibreOffice kan inte startas ({exc.strerror or exc})",
                                          hint=platform.soffice_install_hint())) from exc
        try:
            finished, reason = _watch(process, remaining, out, stall)
        finally:
            process.kill()
        done += [(job, out / f"{link.stem}.pdf") for job, link in remaining[:finished]]
        failed_at_once = failed_at_once + 1 if finished == 0 and process.returncode not in (None, 0) else 0
        if failed_at_once == 2 and not done:  # it fails before converting anything: it does not start
            raise ConversionError(Problem(None, f"LibreOffice ({command}) startar inte ({reason})",
                                          hint=platform.soffice_install_hint()))
        if finished < len(remaining):
            job = remaining[finished][0]
            problems.append(Problem(job.source, f"LibreOffice kunde inte göra PDF av dokumentet ({reason})",
                                    hint="Öppna dokumentet i Word eller LibreOffice och kontrollera det; "
                                         "de andra dokumenten gjordes klart."))
            remaining = remaining[finished + 1:]
        else:
            remaining = []
    return done, problems


def _watch(process: platform.ProcessTree, remaining, out: Path, stall: float) -> tuple[int, str]:
    """Return how many of ``remaining`` were converted before the process ended or stalled."""
    finished, last_progress = 0, time.monotonic()
    while True:
        process.note()
        while finished < len(remaining) and _complete(out / f"{remaining[finished][1].stem}.pdf"):
            finished += 1
            last_progress = time.monotonic()
        code = process.poll()
        if code is not None:
            while finished < len(remaining) and _complete(out / f"{remaining[finished][1].stem}.pdf"):
                finished += 1
            return finished, f"LibreOffice avslutades med kod {code}" if code else "ingen PDF skapades"
        if finished == len(remaining):
            # Every PDF is done; the process is killed by the caller.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(stall, 1))
            return finished, ""
        if time.monotonic() - last_progress > stall:
            return finished, f"inget svar på {stall:.0f} sekunder"
        time.sleep(0.05)


def convert_run(documents: list[Path], packages: Sequence[tuple] = ()) -> tuple[list[Path], list[Problem]]:
    """Convert .docx files to PDFs beside them, and compose and convert each beslutspaket
    (title, parts, target PDF[, cover]), all in one LibreOffice run. A part is a
    :class:`package.Part` or a (label, .docx bytes) pair; without a cover, the
    composer makes one from the first part (see :func:`package.compose`)."""

    jobs = [PdfJob(Path(p), Path(p).with_suffix(".pdf")) for p in documents]
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-paket-") as folder:
        for index, (title, parts, target, *cover) in enumerate(packages):
            source = Path(folder) / f"{index}-{Path(target).stem}.docx"
            parts = [part if isinstance(part, Part) else Part(*part) for part in parts]
            source.write_bytes(compose(parts, title, *cover))
            jobs.append(PdfJob(source, Path(target)))
        return convert(jobs)


def pdf_bytes(documents: list) -> dict[str, bytes]:
    """Return documents held in memory (each with ``name`` and ``data``) as PDF/A, name → bytes in
    the documents' order, made in one LibreOffice run in a private folder; raise if any failed."""
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-minne-") as folder:
        sources = []
        for document in documents:
            path = Path(folder) / document.name
            path.write_bytes(document.data)
            sources.append(path)
        written, problems = convert_run(sources)
        if problems:
            raise ConversionError(problems)
        return {path.name: path.read_bytes()
                for path in sorted(written, key=lambda p: sources.index(p.with_suffix(".docx")))}

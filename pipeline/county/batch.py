"""Regenerate everything for every kommun of a county: documents, redlines, memos, overview.

One task per kommun runs in a pool of worker processes (:mod:`pool`, :mod:`work`).
A worker validates the kommun's versions, renders each valid one, and compares each
with its predecessor, reusing the documents it has just rendered. A broken kommun is
reported and the rest are generated. The manifest makes runs incremental: a job whose
inputs and outputs are unchanged is not run again (:mod:`plan`). Overviews and PDFs
keep their own books (:mod:`overviews`, :mod:`pdfs`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path

from pipeline.county import pool
from pipeline.county.manifest import Manifest
from pipeline.county.overviews import make_overviews
from pipeline.county.pdfs import make_pdfs
from pipeline.county.plan import BatchPlan, plan_batch
from pipeline.county.published import make_archives, make_public
from pipeline.county.results import BatchReport
from pipeline.county.work import JobResult
from pipeline.data.tree import check_root
from pipeline.errors import PipelineError
from pipeline.files import output, transaction
from pipeline.files.lock import Lock
from pipeline.layout import data_root

BATCH_LOCK_FILE = ".samverkan-batch.lock"
_SAVE_EVERY = 2.0  # seconds between manifest saves while jobs finish


def run_batch(root: Path, out: Path, jobs: int | None = None, force: bool = False,
              today: dt.date | None = None, progress=None, pdf: bool = False, public: bool = False,
              archive: bool = False) -> BatchReport:
    """Regenerate everything under ``root`` into ``out``; return what was done.

    ``progress(done, total, results)`` is called after each kommun. With ``pdf``,
    every document also gets a PDF/A, and every version awaiting decision a
    beslutspaket, all converted by one LibreOffice run. With ``public``, every version and
    comparison also gets its public documents; with ``archive``, every decided version an
    archive package.
    """
    root, out = Path(root), Path(out)
    check_root(root)
    output.check_output_place(data_root(root), out)
    output.prepare_folder(out)
    notices: list[str] = []
    with Lock(out, "batch", BATCH_LOCK_FILE, notice=notices.append):
        tidy_output(out)
        manifest = Manifest.load(out)
        if manifest.problem:
            notices.append(manifest.problem)
        manifest.adopt_outputs()
        plan = plan_batch(root, out, manifest, force)
        report = BatchReport(out, skipped=len(plan.skipped), problems=list(plan.problems), notices=notices)
        _forget_vanished(plan, manifest, report)
        try:
            _run_tasks(plan.tasks, jobs, manifest, report, progress)
        except KeyboardInterrupt as exc:
            report.interrupted = getattr(exc, "signum", 2)
            tidy_output(out)  # of writes the stopped workers had begun
        finally:
            manifest.save()
        if not report.interrupted:
            make_overviews(plan, manifest, report, today or dt.date.today(), force)
            manifest.save()
            make_public(plan, manifest, report, force, make=public)
            manifest.save()
            make_pdfs(plan, manifest, report, force, make=pdf)
            manifest.save()
            if archive:
                make_archives(plan, manifest, report, force)
                manifest.save()
    return report


def _run_tasks(tasks: list, jobs: int | None, manifest: Manifest, report: BatchReport, progress) -> None:
    """Run the tasks on the worker pool, recording each kommun's results as it finishes."""
    last_save = time.monotonic()

    def finished(results: list[JobResult], done: int) -> None:
        nonlocal last_save
        for result in results:
            _record(result, manifest, report)
        if progress:
            progress(done, len(tasks), results)
        if time.monotonic() - last_save > _SAVE_EVERY:
            manifest.save()
            last_save = time.monotonic()

    pool.run(tasks, jobs, finished)


def _forget_vanished(plan: BatchPlan, manifest: Manifest, report: BatchReport) -> None:
    """Remove the outputs of versions and comparisons that no longer exist in the data."""
    counties = {county.name for county in plan.counties}
    for key in [k for k in manifest.entries if k not in plan.known and k.split("/")[0] in counties]:
        report.removed += manifest.drop(key)


def _record(result: JobResult, manifest: Manifest, report: BatchReport) -> None:
    report.ran.append(result)
    if result.problems:
        report.problems += result.problems
        manifest.forget(result.key)
        return
    manifest.record(result.key, result.fingerprint, list(result.files), result.files, result.facts)
    report.written += list(result.files)
    report.removed += result.removed


def tidy_output(out: Path) -> None:
    """Complete or clear what interrupted writes left anywhere below ``out`` (our names only)."""
    for folder, dirs, files in os.walk(out, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        if transaction.JOURNAL in files or any(f.startswith(transaction.TEMP_PREFIX) for f in files):
            with contextlib.suppress(PipelineError):  # another run is writing there; it cleans up after itself
                transaction.tidy(Path(folder))

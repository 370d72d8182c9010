"""Public versions and archive packages in a batch run, each a job with its own books.

``batch --offentlig`` writes, for every version and comparison, its public documents in
an ``offentlig/`` folder beside its documents: the job "offentlig:<key>", fingerprinted
by the job it is the public version of. Without the flag, public documents that no
longer match their data are removed – a public version made before a passage was
marked must not stay behind. ``batch --arkiv`` writes an archive package for every
decided, sealed version ("arkiv:<key>"); packages are never removed, since a decided
version does not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pipeline.county.manifest import Manifest, fingerprint
from pipeline.county.plan import BatchPlan
from pipeline.county.results import BatchReport
from pipeline.county.work import write_job
from pipeline.data import seal
from pipeline.data.validate import validate_version
from pipeline.errors import PipelineError
from pipeline.layout import PUBLIC_FOLDER, VersionRef
from pipeline.publish.archive import build, package_id, write
from pipeline.publish.public import compare_public, public_documents

PUBLIC_PREFIX = "offentlig:"
ARCHIVE_PREFIX = "arkiv:"
# The jobs whose documents have a public version: a version's documents, and its comparison with the
# one before it (or the decision documents of a first agreement). Follow-up reports are internal.
PUBLIC_KINDS = ("render", "diff", "first")


def _jobs(plan: BatchPlan) -> list:
    """Return every job of the run, run now or skipped."""
    return [job for task in plan.tasks for job in task.jobs] + list(plan.skipped)


def make_public(plan: BatchPlan, manifest: Manifest, report: BatchReport, force: bool, make: bool) -> None:
    """Write the public documents that are missing or older than their job; without ``make``,
    remove those that are older."""
    if not make and not any(k.startswith(PUBLIC_PREFIX) for k in manifest.entries):
        return
    wanted = {}
    for job in _jobs(plan):
        if job.kind in PUBLIC_KINDS and job.key in manifest.entries:  # the job itself succeeded
            wanted[PUBLIC_PREFIX + job.key] = (job, fingerprint(manifest.entries[job.key].fingerprint, "offentlig"))
    counties = {county.name for county in plan.counties}
    for key in [k for k in manifest.entries if k.startswith(PUBLIC_PREFIX) and k not in wanted
                and k[len(PUBLIC_PREFIX):].split("/")[0] in counties]:
        report.removed += manifest.drop(key)
    for key, (job, print_) in sorted(wanted.items()):
        if manifest.up_to_date(key, print_) and not force:
            continue
        if not make:
            if key in manifest.entries:
                report.removed += manifest.drop(key)
            continue
        try:
            files = _public_job(job, Path(job.out) / PUBLIC_FOLDER, report.out)
        except PipelineError as exc:
            report.problems += exc.problems
            continue
        manifest.record(key, print_, list(files), files)
        report.written += list(files)


def _public_job(job, folder: Path, out: Path) -> dict[Path, str]:
    """Write one job's public documents and return their checksums."""

    version = validate_version(job.version)
    if job.kind == "render":
        files = {d.name: d.data for d in public_documents(version)}
    else:
        previous = validate_version(job.previous) if job.kind == "diff" else None
        files = compare_public(previous, version).documents()
    written, _ = write_job(folder, files, out)
    return written


def make_archives(plan: BatchPlan, manifest: Manifest, report: BatchReport, force: bool) -> None:
    """Write an archive package for every decided, sealed version that has none or an old one."""

    for job in _jobs(plan):
        entry = manifest.entries.get(job.key)
        if job.kind != "render" or entry is None or (entry.facts or {}).get("status") != "beslutad" \
                or not seal.is_sealed(job.version):
            continue
        key, print_ = ARCHIVE_PREFIX + job.key, fingerprint(entry.fingerprint, "arkiv")
        if manifest.up_to_date(key, print_) and not force:
            continue
        try:
            version = validate_version(job.version)
            package = build(version, dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
            written = write(package, VersionRef.of(job.version).archive_dir(report.out), within=report.out)
        except PipelineError as exc:
            report.problems += exc.problems
            continue
        hashes = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in written}
        manifest.record(key, print_, written, hashes, {"paket": package_id(version)})
        report.written += written

"""Planning a batch: which kommuner and versions there are, and which jobs need running.

A job is a version's documents (with the kommun's lägesbild when it has stored figures), the
comparison with its predecessor, a first agreement's memo, or a version's follow-up reports (one
per follow-up record). Its fingerprint covers everything it is made from (data, county text, the
lägesbild's figures, templates, schemas, the program's version); a job whose fingerprint and
outputs are unchanged since the last run is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import resources
from pipeline.county.manifest import Entry, FileHashes, Manifest, fingerprint
from pipeline.data import rules
from pipeline.data.followups import record_files
from pipeline.data.load import load_yaml
from pipeline.data.logo import LOGO_FILE
from pipeline.data.tree import find_counties, kommun_versions
from pipeline.data.version import plan_files
from pipeline.errors import PipelineError, Problem
from pipeline.layout import (
    AGREEMENT_FILE,
    ARCHIVE_FOLDER,
    COUNTY_FILE,
    FROZEN_COUNTY_FILE,
    LAGESBILD_FOLDER,
    VersionRef,
)

COUNTY_LAGESBILD_KEY = "lagesbild-lan"  # the county lägesbild's output, beside the länsöversikt


@dataclass
class BatchJob:
    """One unit of output: a version's documents, or the comparison with its predecessor."""

    key: str  # its output folder relative to the output root: "dalarna/orsa/andringar-2019-2023"
    kind: str  # "render", "diff", "first" or "uppfoljning"
    version: Path
    previous: Path | None
    fingerprint: str
    out: Path
    own_print: str = ""  # the fingerprint of the version's own files


@dataclass
class KommunTask:
    """The jobs of one kommun that need running."""

    kommun: Path
    jobs: list[BatchJob]
    out: Path


@dataclass
class BatchPlan:
    """Everything the batch found under ROOT: tasks to run and problems found before running."""

    counties: dict[Path, list[Path]]  # county folder → its kommun folders
    tasks: list[KommunTask]
    skipped: list[BatchJob]
    problems: list[Problem]
    known: set[str]  # every job key that still exists


def inputs_of_run() -> list[str]:
    """Return what every job depends on besides its data: templates and schemas."""
    hashes = FileHashes()
    files = sorted(resources.templates_dir().glob("*.docx")) + sorted(resources.schemas_dir().glob("*.yaml"))
    return [f"{p.name}={hashes(p)}" for p in files]


def _version_inputs(folder: Path, hashes: FileHashes) -> list[str]:
    files = [folder / AGREEMENT_FILE, folder / "sigill.json", folder / FROZEN_COUNTY_FILE] + plan_files(folder)
    files.append(folder.parent / LOGO_FILE)  # the kommun's logo, on the memo
    files += sorted((folder.parent / LAGESBILD_FOLDER).glob("*.yaml"))  # the lägesbild's figures, when stored
    archive = folder / ARCHIVE_FOLDER
    if archive.is_dir():
        files += sorted(archive.glob("*.docx"))
    if not (folder / FROZEN_COUNTY_FILE).is_file():
        files.append(folder.parent.parent / COUNTY_FILE)
    return [f"{p.relative_to(folder.parent.parent) if p.is_relative_to(folder.parent.parent) else p}"
            f"={hashes(p)}" for p in files]


def _links(folder: Path, own_print: str, known: Entry | None) -> tuple[str | None, str | None]:
    """Return the version's föregående_version and status (None where unreadable or unset).

    When the version's files are unchanged since the last run, the answer is in the manifest.
    """
    if known is not None and known.facts and known.facts.get("indata") == own_print:
        return known.facts.get("föregående_version"), known.facts.get("status")
    try:
        data = load_yaml(folder / AGREEMENT_FILE, root=VersionRef.of(folder).root).data
    except PipelineError:
        return None, None
    previous, status = data.get("föregående_version"), data.get("status")
    return (previous if isinstance(previous, str) else None), (status if isinstance(status, str) else None)


def plan_batch(root: Path, out: Path, manifest: Manifest, force: bool) -> BatchPlan:
    """Return the jobs to run: every version and comparison whose inputs or outputs changed."""
    counties, problems = find_counties(root)
    run_inputs, hashes = inputs_of_run(), FileHashes()
    tasks, skipped = [], []
    known: set[str] = set()
    for _county, kommuner in counties.items():
        for kommun in kommuner:
            jobs = _kommun_jobs(kommun, out, manifest, run_inputs, hashes)
            known.update(j.key for j in jobs)
            stale = [j for j in jobs if force or not manifest.up_to_date(j.key, j.fingerprint)]
            skipped += [j for j in jobs if j not in stale]
            if stale:
                tasks.append(KommunTask(kommun, stale, out))
    tasks.sort(key=lambda t: -len(t.jobs))  # the biggest first, for an even load
    known.update(f"{county.name}/{name}" for county in counties for name in ("lansoversikt", COUNTY_LAGESBILD_KEY))
    return BatchPlan(counties, tasks, skipped, problems, known)


def _kommun_jobs(kommun: Path, out: Path, manifest: Manifest, run_inputs: list[str],
                 hashes: FileHashes) -> list[BatchJob]:
    """Return a kommun's jobs: each version's documents, and its comparison with its predecessor
    or, for a first agreement awaiting decision, its memo. A job's key is its output folder
    relative to ``out``."""
    versions = kommun_versions(kommun)[0]
    prints = {v.name: fingerprint(run_inputs, _version_inputs(v, hashes)) for v in versions}
    jobs = []
    for version in versions:
        ref = VersionRef.of(version)
        key = _key(ref.output_dir(out), out)
        previous_name, status = _links(version, prints[version.name], manifest.entries.get(key))
        if previous_name is not None and rules.name_problem(previous_name):
            previous_name = None  # reported by validation; never a path out of the kommun
        previous = kommun / previous_name if previous_name else None
        # The predecessor's presence is part of the version's validity.
        wanted = fingerprint(prints[version.name], previous_name or "-", prints.get(previous_name or "", "saknas"))
        jobs.append(BatchJob(key, "render", version, previous, wanted, ref.output_dir(out), prints[version.name]))
        if previous is not None and previous.name in prints:
            folder = ref.comparison_dir(VersionRef.of(previous), out)
            jobs.append(BatchJob(_key(folder, out), "diff", version, previous,
                            fingerprint(wanted, prints[previous.name], "diff"), folder))
        elif previous is None and status == "utkast":  # a first agreement awaiting decision
            folder = ref.first_dir(out)
            jobs.append(BatchJob(_key(folder, out), "first", version, None, fingerprint(wanted, "first"), folder))
        followups = _followup_inputs(version, hashes)
        if followups:  # the follow-up reports, one per record, in <version>/uppfoljning/
            folder = ref.followup_output_dir(out)
            jobs.append(BatchJob(_key(folder, out), "uppfoljning", version, None,
                            fingerprint(wanted, followups, "uppfoljning"), folder))
    return jobs


def _followup_inputs(version: Path, hashes: FileHashes) -> list[str]:
    """Return the version's follow-up records with their checksums (none: no follow-up job)."""

    files, problems = record_files(version)
    return [f"{p.name}={hashes(p)}" for _, p in files] + [f"fel:{p.file}" for p in problems]


def _key(folder: Path, out: Path) -> str:
    """Return a job's key: its output folder relative to the output root ("dalarna/orsa/2023")."""
    return folder.relative_to(out).as_posix()

"""Regenerate everything for every kommun of a county: documents, redlines, memos, overview.

One task per kommun runs in a pool of worker processes. A worker validates the
kommun's versions, renders each valid one, and compares each with its
predecessor, reusing the documents it has just rendered. A broken kommun is
reported and the rest are generated. The manifest makes runs incremental: a job
whose inputs and outputs are unchanged is not run again.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.files import output
from pipeline import platform
from pipeline import resources
from pipeline.data import rules
from pipeline.files import transaction
from pipeline.errors import PipelineError, Problem, os_reason
from pipeline.layout import (AGREEMENT_FILE, ARCHIVE_FOLDER, COUNTY_FILE, FROZEN_COUNTY_FILE, VersionRef, comparison_name,
                     data_root)
from pipeline.data.load import load_yaml
from pipeline.files.lock import Lock
from pipeline.county.manifest import Entry, FileHashes, Manifest, fingerprint
from pipeline.data.version import folder_problem, is_version_folder, plan_files, slugify

BATCH_LOCK_FILE = ".samverkan-batch.lock"
_SAVE_EVERY = 2.0  # seconds between manifest saves while jobs finish


# --- planning (main process) --------------------------------------------------------------------

@dataclass
class Job:
    """One unit of output: a version's documents, or the comparison with its predecessor."""

    key: str  # e.g. "dalarna/orsa/2023" or "dalarna/orsa/andringar-2019-2023"
    kind: str  # "render" or "diff"
    version: Path
    previous: Path | None
    fingerprint: str
    out: Path
    own_print: str = ""  # the fingerprint of the version's own files


@dataclass
class KommunTask:
    """The jobs of one kommun that need running."""

    kommun: Path
    jobs: list[Job]
    out: Path


@dataclass
class JobResult:
    """What a worker did for one job: the files it wrote, or the problems that stopped it."""

    key: str
    kind: str
    fingerprint: str
    files: dict[Path, str] = field(default_factory=dict)  # path → sha256
    facts: dict | None = None
    problems: list[Problem] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # earlier outputs the job no longer makes


@dataclass
class Plan:
    """Everything the batch found under ROOT: tasks to run and problems found before running."""

    counties: dict[Path, list[Path]]  # county folder → its kommun folders
    tasks: list[KommunTask]
    skipped: list[Job]
    problems: list[Problem]
    known: set[str]  # every job key that still exists


def _inputs_of_run() -> list[str]:
    """Return what every job depends on besides its data: templates and schemas."""
    hashes = FileHashes()
    files = sorted(resources.templates_dir().glob("*.docx")) + sorted(resources.schemas_dir().glob("*.yaml"))
    return [f"{p.name}={hashes(p)}" for p in files]


def _version_inputs(folder: Path, hashes: FileHashes) -> list[str]:
    files = [folder / AGREEMENT_FILE, folder / "sigill.json", folder / FROZEN_COUNTY_FILE] + plan_files(folder)
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


def check_root(root: Path) -> None:
    """Raise PipelineError unless ``root`` is the data folder or one county's folder."""
    root = Path(root)
    hint = "Ange hela datamappen (agreements/) eller ett län (t.ex. agreements/dalarna)."
    if not root.is_dir():
        raise PipelineError(Problem(root, "datamappen finns inte", hint=hint))
    children = [c for c in root.iterdir() if c.is_dir()]
    if (root / AGREEMENT_FILE).is_file() or any((c / AGREEMENT_FILE).is_file() for c in children):
        raise PipelineError(Problem(root, "är en version eller en kommun, inte ett län eller hela data",
                                    hint=hint + " En enskild version skapas med samverkan render."))
    if not (root / COUNTY_FILE).is_file() and not any(next(c.rglob(AGREEMENT_FILE), None) for c in children):
        raise PipelineError(Problem(root, "inga versioner hittades", hint=hint))


def find_counties(root: Path) -> tuple[dict[Path, list[Path]], list[Problem]]:
    """Return each county folder under ``root`` with its kommun folders, and structural problems."""
    root = Path(root)
    if not root.is_dir():
        raise PipelineError(Problem(root, "datamappen finns inte"))
    problems: list[Problem] = []
    county_dirs = [root] if (root / COUNTY_FILE).is_file() else _subfolders(root, problems)
    counties = {}
    for county in county_dirs:
        seen: dict[str, Path] = {}
        usable = []
        for kommun in _subfolders(county, problems):
            slug = slugify(kommun.name)
            if slug in seen:
                problems.append(Problem(kommun, f"två kommunmappar har samma namn: {seen[slug].name} och "
                                                f"{kommun.name}",
                                        hint="Varje kommun ska ha en enda mapp; slå ihop versionerna."))
                continue
            seen[slug] = kommun
            versions, found = kommun_versions(kommun)
            problems += found
            if not versions and not found:
                problems.append(Problem(kommun, "kommunmappen saknar versioner",
                                        hint="En version är en mapp med overenskommelse.yaml, t.ex. "
                                             f"{kommun / '2023' / AGREEMENT_FILE}."))
            if versions:
                usable.append(kommun)
        counties[county] = usable
    return counties, problems


def _subfolders(folder: Path, problems: list[Problem]) -> list[Path]:
    """Return the visible sub-folders of ``folder`` (links not followed); report an unreadable one."""
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as exc:
        problems.append(Problem(folder, f"mappen kan inte läsas ({os_reason(exc)})"))
        return []
    result = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.append(Problem(Path(entry.path), "mappen är en länk; samverkan följer inte länkade mappar "
                                                      "i data"))
        elif entry.is_dir():
            result.append(Path(entry.path))
    return result


def kommun_versions(kommun: Path) -> tuple[list[Path], list[Problem]]:
    """Return a kommun's version folders, and problems with folders that should be versions
    (a misnamed agreement file, a name that collides with output names, an unreadable folder)."""
    problems: list[Problem] = []
    versions = []
    for folder in _subfolders(kommun, problems):
        if not is_version_folder(folder):
            problem = folder_problem(folder)
            if problem is not None:
                problems.append(problem)
            continue
        wrong = rules.name_problem(folder.name)
        if wrong:
            problems.append(Problem(folder / AGREEMENT_FILE, f"versionens namn '{folder.name}' {wrong}",
                                    field="version", hint="Byt namn på mappen och fältet version."))
            continue
        versions.append(folder)
    return versions, problems


def plan_batch(root: Path, out: Path, manifest: Manifest, force: bool) -> Plan:
    """Return the jobs to run: every version and comparison whose inputs or outputs changed."""
    counties, problems = find_counties(root)
    run_inputs = _inputs_of_run()
    hashes = FileHashes()
    tasks, skipped, known = [], [], set()
    for county, kommuner in counties.items():
        for kommun in kommuner:
            jobs = []
            versions = kommun_versions(kommun)[0]
            prints = {v.name: fingerprint(run_inputs, _version_inputs(v, hashes)) for v in versions}
            for version in versions:
                key = "/".join((county.name, kommun.name, version.name))
                previous_name, status = _links(version, prints[version.name], manifest.entries.get(key))
                if previous_name is not None and rules.name_problem(previous_name):
                    previous_name = None  # reported by validation; never a path out of the kommun
                previous = kommun / previous_name if previous_name else None
                # The predecessor's presence is part of the version's validity.
                wanted = fingerprint(prints[version.name], previous_name or "-",
                                     prints.get(previous_name or "", "saknas"))
                jobs.append(Job(key, "render", version, previous, wanted, out / county.name / kommun.name
                                / version.name, prints[version.name]))
                ref = VersionRef.of(version)
                if previous is not None and previous.name in prints:
                    name = comparison_name(previous.name, version.name)
                    jobs.append(Job("/".join((county.name, kommun.name, name)), "diff", version, previous,
                                    fingerprint(wanted, prints[previous.name], "diff"),
                                    ref.comparison_dir(VersionRef.of(previous), out)))
                elif previous is None and status == "utkast":  # a first agreement awaiting decision
                    folder = ref.first_dir(out)
                    jobs.append(Job("/".join((county.name, kommun.name, folder.name)), "first", version, None,
                                    fingerprint(wanted, "first"), folder))
            known.update(j.key for j in jobs)
            stale = [j for j in jobs if force or not manifest.up_to_date(j.key, j.fingerprint)]
            skipped += [j for j in jobs if j not in stale]
            if stale:
                tasks.append(KommunTask(kommun, stale, out))
    tasks.sort(key=lambda t: -len(t.jobs))  # the biggest first, for an even load
    known.update(f"{county.name}/lansoversikt" for county in counties)
    return Plan(counties, tasks, skipped, problems, known)


# --- work (worker processes) --------------------------------------------------------------------

_VALIDATOR = None


def _validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        from pipeline.data.validate import Validator

        _VALIDATOR = Validator()
    return _VALIDATOR


def run_task(task: KommunTask) -> list[JobResult]:
    """Run one kommun's jobs: validate, render, compare; never raise for a user's error."""
    from pipeline.compare.versions import compare_versions
    from pipeline.documents.overview import version_facts
    from pipeline.documents.render import render_version

    versions, problems = {}, {}

    def valid(folder: Path):
        if folder not in versions:
            version, found = _validator().version(folder)
            versions[folder], problems[folder] = (version if not found else None), found
        return versions[folder]

    rendered: dict[Path, list] = {}
    results = []
    for job in sorted(task.jobs, key=lambda j: j.kind != "render"):
        result = JobResult(job.key, job.kind, job.fingerprint)
        try:
            version = valid(job.version)
            if version is None:
                result.problems = problems[job.version]
            elif job.kind == "render":
                documents = render_version(version)
                rendered[job.version] = documents
                result.facts = version_facts(version) | {"indata": job.own_print}
                result.files, result.removed = _write(job.out, {d.name: d.data for d in documents}, task.out)
            elif job.kind == "first":
                comparison = compare_versions(None, version, rendered.get(job.version) or render_version(version))
                result.facts = {"underlag": version.name, "paket": comparison.package_plan()}
                result.files, result.removed = _write(job.out, comparison.documents(), task.out)
            else:
                previous = valid(job.previous)
                if previous is None:
                    result.problems = [Problem(job.previous, "föregående version har fel; jämförelsen "
                                                             "görs när den är rättad")]
                else:
                    new_documents = rendered.get(job.version) or render_version(version)
                    comparison = compare_versions(previous, version, new_documents,
                                                  old_documents=rendered.get(job.previous))
                    result.facts = {"jämförelse": [previous.name, version.name], "paket": comparison.package_plan()}
                    result.files, result.removed = _write(job.out, comparison.documents(), task.out)
        except PipelineError as exc:
            result.problems = exc.problems
        except Exception as exc:  # a bug must not stop the other kommuner; it is still reported
            result.problems = [Problem(job.version, f"oväntat programfel: {exc!r}",
                                       hint="Rapportera felet till dem som underhåller samverkan.")]
        results.append(result)
    return results


def _write(folder: Path, files: dict[str, bytes], out: Path) -> tuple[dict[Path, str], list[Path]]:
    """Write a job's files (its earlier documents not made now go) and return their checksums and
    what was removed."""
    result = output.publish(folder, files, stale=("*.docx",), within=out)
    return {path: transaction.sha256(files[path.name]) for path in result.written}, result.removed


# --- the run --------------------------------------------------------------------------------------

@dataclass
class BatchReport:
    """What a batch run did."""

    out: Path
    ran: list[JobResult] = field(default_factory=list)
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    overview: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    interrupted: int = 0  # the signal that stopped the run (2 for Ctrl-C), 0 when it ran to the end

    @property
    def ok(self) -> bool:
        return not self.problems and not self.interrupted


def run_batch(root: Path, out: Path, jobs: int | None = None, force: bool = False,
              today: dt.date | None = None, progress=None, pdf: bool = False) -> BatchReport:
    """Regenerate everything under ``root`` into ``out``; return what was done.

    ``progress(done, total, results)`` is called after each kommun. With ``pdf``,
    every document also gets a PDF/A, and every version awaiting decision a
    beslutspaket, all converted by one LibreOffice run.
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
            _overviews(plan, manifest, report, today or dt.date.today(), force)
            manifest.save()
            _pdfs(plan, manifest, report, force, make=pdf)
            manifest.save()
    return report


def _run_tasks(tasks: list[KommunTask], jobs: int | None, manifest: Manifest, report: BatchReport,
               progress) -> None:
    processes = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
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

    if processes == 1:
        for done, task in enumerate(tasks, start=1):
            finished(run_task(task), done)
        return
    _warm_up()  # compile templates before forking, so each worker starts with them
    context = multiprocessing.get_context(platform.worker_start_method())
    with context.Pool(processes, initializer=_worker_start) as pool:
        for done, results in enumerate(pool.imap_unordered(run_task, tasks), start=1):
            finished(results, done)


def _worker_start() -> None:
    """Leave Ctrl-C to the main process, and end with it if it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in platform.termination_signals():
        signal.signal(signum, signal.SIG_DFL)  # the pool ends its workers with SIGTERM
    platform.end_with_parent()


def _warm_up() -> None:
    from pipeline.documents import context
    from pipeline.documents import memo
    from pipeline.documents import template
    from pipeline.compare.versions import MEMO_TEMPLATE
    from pipeline.documents.render import AGREEMENT_TEMPLATE, PLAN_TEMPLATE

    folder = resources.templates_dir()
    for name, names in ((AGREEMENT_TEMPLATE, context.agreement_names()), (PLAN_TEMPLATE, context.plan_names()),
                        (MEMO_TEMPLATE, memo.MEMO_NAMES)):
        try:
            template.load(folder / name, names)
        except PipelineError:
            pass  # the workers report it, once per job
    _validator()


def _forget_vanished(plan: Plan, manifest: Manifest, report: BatchReport) -> None:
    """Remove the outputs of versions and comparisons that no longer exist in the data."""
    counties = {county.name for county in plan.counties}
    for key in [k for k in manifest.entries if k not in plan.known and k.split("/")[0] in counties]:
        _drop(manifest, key, report)


def _record(result: JobResult, manifest: Manifest, report: BatchReport) -> None:
    report.ran.append(result)
    if result.problems:
        report.problems += result.problems
        manifest.forget(result.key)
        return
    manifest.record(result.key, result.fingerprint, list(result.files), result.files, result.facts)
    report.written += list(result.files)
    report.removed += result.removed


def _overviews(plan: Plan, manifest: Manifest, report: BatchReport, today: dt.date, force: bool) -> None:
    from pipeline.documents.overview import kommun_row, overview_context, render_overview

    broken_keys = {r.key for r in report.ran if r.problems}
    for county, kommuner in plan.counties.items():
        rows = []
        for kommun in kommuner:
            prefix = f"{county.name}/{kommun.name}/"
            facts = [e.facts for k, e in sorted(manifest.entries.items())
                     if k.startswith(prefix) and e.facts is not None and "status" in e.facts]  # versions
            broken = any(k.startswith(prefix) for k in broken_keys)
            rows.append(kommun_row(kommun.name, facts, broken, today))
        county_data = _county_data(county)
        key = f"{county.name}/lansoversikt"
        wanted = fingerprint(_inputs_of_run(), today.isoformat(), repr(rows), repr(county_data))
        if not force and manifest.up_to_date(key, wanted):
            report.skipped += 1
            continue
        try:
            document = render_overview(overview_context(county_data, rows, today))
            files, _ = _write(report.out / county.name, {document.name: document.data}, report.out)
        except PipelineError as exc:
            report.problems += exc.problems
            continue
        manifest.record(key, wanted, list(files), files)
        report.written += list(files)
        report.overview += list(files)


def _county_data(county: Path) -> dict:
    path = county / COUNTY_FILE
    if not path.is_file():
        return {"län": county.name}
    try:
        return load_yaml(path).data
    except PipelineError:
        return {"län": county.name}


PACKAGE_FILE = "beslutspaket.pdf"


def _pdfs(plan: Plan, manifest: Manifest, report: BatchReport, force: bool, make: bool) -> None:
    """Make the PDFs (and beslutspaket) that are missing or older than their documents; without
    ``make``, remove the ones that are older, so no PDF disagrees with its document."""
    from pipeline.publish.pdf import EXPORT_FILTER, convert_run

    if not make and not any(k.startswith(("pdf:", "paket:")) for k in manifest.entries):
        return  # no PDFs were ever made here: nothing can be out of date
    counties = {county.name for county in plan.counties}
    documents, wanted = [], {}
    for key, entry in sorted(manifest.entries.items()):
        if key.split("/")[0] not in counties:
            continue
        for name, record in entry.files.items():
            if name.endswith(".docx"):
                pdf_key = "pdf:" + name[: -len(".docx")] + ".pdf"
                wanted[pdf_key] = fingerprint(record["sha256"], EXPORT_FILTER)
                if force or not manifest.up_to_date(pdf_key, wanted[pdf_key]):
                    documents.append(manifest.folder / name)
    packages = []
    for key, members in _awaiting_decision(manifest, counties).items():
        target = manifest.folder / key / PACKAGE_FILE
        wanted["paket:" + key] = fingerprint([manifest.entries[m].files for m in members], EXPORT_FILTER)
        if force or not manifest.up_to_date("paket:" + key, wanted["paket:" + key]):
            packages.append((key, members, target))
    for key in [k for k in manifest.entries if k.startswith(("pdf:", "paket:")) and k not in wanted
                and k.split(":", 1)[1].split("/")[0] in counties]:
        _drop(manifest, key, report)  # the document it was made from is gone
    if not make:
        for path in documents:
            key = "pdf:" + path.with_suffix(".pdf").relative_to(manifest.folder).as_posix()
            if key in manifest.entries:
                _drop(manifest, key, report)
        for key, _, _ in packages:
            if "paket:" + key in manifest.entries:
                _drop(manifest, "paket:" + key, report)
        return
    if not documents and not packages:
        return
    written, problems = convert_run(documents, [_package(manifest, members, target)
                                                for _, members, target in packages])
    report.problems += problems
    made = set(written)
    for path in documents:
        pdf = path.with_suffix(".pdf")
        if pdf in made:
            key = "pdf:" + pdf.relative_to(manifest.folder).as_posix()
            manifest.record(key, wanted[key], [pdf], {pdf: _sha(pdf)})
    for key, _, target in packages:
        if target in made:
            manifest.record("paket:" + key, wanted["paket:" + key], [target], {target: _sha(target)})
    report.written += written


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _drop(manifest: Manifest, key: str, report: BatchReport) -> None:
    """Delete a job's files (only those samverkan wrote and nobody changed) and forget the job."""
    by_folder: dict[Path, list[str]] = {}
    for name in manifest.entries[key].files:
        path = manifest.folder / name
        by_folder.setdefault(path.parent, []).append(path.name)
    for folder, names in by_folder.items():
        report.removed += output.remove_owned(folder, names, within=manifest.folder)
    manifest.forget(key)


def tidy_output(out: Path) -> None:
    """Complete or clear what interrupted writes left anywhere below ``out`` (our names only)."""
    for folder, dirs, files in os.walk(out, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        if transaction.JOURNAL in files or any(f.startswith(transaction.TEMP_PREFIX) for f in files):
            try:
                transaction.tidy(Path(folder))
            except PipelineError:
                pass  # another run is writing there; it cleans up after itself


def _awaiting_decision(manifest: Manifest, counties: set[str]) -> dict[str, list[str]]:
    """Return, for each comparison or first-agreement memo whose version is a draft, the jobs its
    package is made of (the memo and redlines, then the version's documents). Which version a job
    belongs to is a fact the job recorded, never parsed out of its name."""
    found = {}
    for key, entry in manifest.entries.items():
        county, _, rest = key.partition("/")
        facts = entry.facts or {}
        if county not in counties or not ("jämförelse" in facts or "underlag" in facts):
            continue
        version = facts["jämförelse"][1] if "jämförelse" in facts else facts["underlag"]
        version_key = f"{county}/{rest.rsplit('/', 1)[0]}/{version}"
        version_facts = manifest.entries[version_key].facts if version_key in manifest.entries else None
        if version_facts and version_facts.get("status") == "utkast" and entry.files and "paket" in facts:
            found[key] = [key, version_key]
    return found


def _package(manifest: Manifest, members: list[str], target: Path):
    """Return (title, parts, target, cover) for pdf.convert_run, as the comparison planned it: the
    memo and redlines from its folder, the proposal from the version's folder."""
    from pipeline.compare.versions import package_from_plan

    comparison, version = (manifest.entries[m] for m in members)
    folders = {"underlag": target.parent, "version": manifest.folder / members[1]}
    plan = comparison.facts["paket"]
    return package_from_plan(plan, lambda where, name: (folders[where] / name).read_bytes(), target)

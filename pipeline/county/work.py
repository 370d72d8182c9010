"""What a worker process does for one kommun: validate, render, compare, write – never raise
for a user's error, so one broken kommun never stops the others."""

from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import platform, resources
from pipeline.compare.versions import MEMO_TEMPLATE, compare_versions
from pipeline.county.plan import KommunTask
from pipeline.data.validate import Validator
from pipeline.documents import context, memo, template
from pipeline.documents.atgardsplan import ACTION_PLAN_NAMES, ACTION_PLAN_TEMPLATE
from pipeline.documents.lagesbild import LAGESBILD_NAMES, LAGESBILD_TEMPLATE, with_lagesbild
from pipeline.documents.overview import version_facts
from pipeline.documents.render import AGREEMENT_TEMPLATE, PLAN_TEMPLATE, version_documents
from pipeline.errors import PipelineError, Problem
from pipeline.files import output, transaction
from pipeline.followup.report import render_all
from pipeline.layout import VersionRef


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


_VALIDATOR = None


def _validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = Validator()
    return _VALIDATOR


def run_task(task: KommunTask) -> list[JobResult]:
    """Run one kommun's jobs: validate, render, compare; never raise for a user's error."""
    kommun = _Kommun(task)
    results = []
    for job in sorted(task.jobs, key=lambda j: j.kind != "render"):  # documents first, then reuse them
        result = JobResult(job.key, job.kind, job.fingerprint)
        try:
            version = kommun.valid(job.version)
            if version is None:
                result.problems = kommun.problems[job.version]
            else:
                {"render": kommun.render, "first": kommun.first, "diff": kommun.diff,
                 "uppfoljning": kommun.followup}[job.kind](job, version, result)
        except PipelineError as exc:
            result.problems = exc.problems
        except Exception as exc:  # a bug must not stop the other kommuner; it is still reported
            result.problems = [Problem(job.version, f"oväntat programfel: {exc!r}",
                                       hint="Rapportera felet till dem som underhåller samverkan.")]
        results.append(result)
    return results


class _Kommun:
    """One kommun's task in a worker: its versions validated once, its documents rendered once."""

    def __init__(self, task: KommunTask):
        self.task = task
        self.versions: dict[Path, object] = {}
        self.problems: dict[Path, list[Problem]] = {}
        self.rendered: dict[Path, list] = {}

    def valid(self, folder: Path):
        """Return the valid version in ``folder``, or None (its problems in ``self.problems``)."""
        if folder not in self.versions:
            version, found = _validator().version(folder)
            self.versions[folder], self.problems[folder] = (version if not found else None), found
        return self.versions[folder]

    def documents(self, job, version) -> list:
        """A version's documents, with the lägesbild when the kommun has stored data for it."""
        if job.version not in self.rendered:
            self.rendered[job.version] = with_lagesbild(version, version_documents(version))
        return self.rendered[job.version]

    def render(self, job, version, result: JobResult) -> None:
        """A version's documents, and the facts the overview needs."""

        documents = self.documents(job, version)
        result.facts = version_facts(version) | {"indata": job.own_print}
        result.files, result.removed = write_job(job.out, {d.name: d.data for d in documents}, self.task.out)

    def first(self, job, version, result: JobResult) -> None:
        """A first agreement's memo (no predecessor to compare with)."""

        comparison = compare_versions(None, version, self.documents(job, version))
        result.facts = {"underlag": version.name, "version_jobb": _version_key(job, self.task),
                        "paket": comparison.package_plan()}
        result.files, result.removed = write_job(job.out, comparison.documents(), self.task.out)

    def diff(self, job, version, result: JobResult) -> None:
        """The comparison with the predecessor: redlines and memo."""

        previous = self.valid(job.previous)
        if previous is None:
            result.problems = [Problem(job.previous, "föregående version har fel; jämförelsen görs när den är rättad")]
            return
        comparison = compare_versions(previous, version, self.documents(job, version),
                                      old_documents=self.rendered.get(job.previous))
        result.facts = {"jämförelse": [previous.name, version.name], "version_jobb": _version_key(job, self.task),
                        "paket": comparison.package_plan()}
        result.files, result.removed = write_job(job.out, comparison.documents(), self.task.out)


    def followup(self, job, version, result: JobResult) -> None:
        """The version's follow-up reports, one per record, and the facts the overview needs."""

        documents, facts, problems = render_all(version)
        if problems:
            result.problems = problems
            return
        result.facts = facts
        result.files, result.removed = write_job(job.out, documents, self.task.out)


def _version_key(job, task: KommunTask) -> str:
    """Return the key of the job that renders ``job``'s version (its output folder)."""
    return VersionRef.of(job.version).output_dir(task.out).relative_to(task.out).as_posix()


def write_job(folder: Path, files: dict[str, bytes], out: Path,
              stale: tuple[str, ...] = ("*.docx",)) -> tuple[dict[Path, str], list[Path]]:
    """Write a job's files (its earlier documents not made now go, those matching ``stale``) and
    return their checksums and what was removed."""
    result = output.publish(folder, files, stale=stale, within=out)
    return {path: transaction.sha256(files[path.name]) for path in result.written}, result.removed


def worker_start(compile_templates: bool = False) -> None:
    """Leave Ctrl-C to the main process, end with it if it is killed, and (a spawned worker, which
    inherits nothing) compile the templates once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in platform.termination_signals():
        signal.signal(signum, signal.SIG_DFL)  # the pool ends its workers with SIGTERM
    platform.end_with_parent()
    if compile_templates:
        warm_up()


def warm_up() -> None:
    """Compile the templates and load the schemas of this process, before any task needs them."""

    folder = resources.templates_dir()
    for name, names in ((AGREEMENT_TEMPLATE, context.agreement_names()), (PLAN_TEMPLATE, context.plan_names()),
                        (MEMO_TEMPLATE, memo.MEMO_NAMES), (ACTION_PLAN_TEMPLATE, ACTION_PLAN_NAMES),
                        (LAGESBILD_TEMPLATE, LAGESBILD_NAMES)):
        with contextlib.suppress(PipelineError):  # the workers report it, once per job
            template.load(folder / name, names)
    _validator()

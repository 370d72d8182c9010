"""Validate agreement versions: read every file, check schemas and cross-field rules.

Every problem of every file is collected before anything is reported, so a
secretary sees all of them in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.data import followups, logo, marks, rules, schema, seal, stale, tracing
from pipeline.data.version import (
    COUNTY_SHARED_KEY,
    Version,
    find_versions,
    folder_problem,
    is_version_folder,
    read_version,
    scan,
)
from pipeline.errors import DataError, Problem, SchemaError
from pipeline.layout import AGREEMENT_FILE


@dataclass
class Report:
    """The outcome of validating some paths: how many versions were checked, every problem found,
    and the warnings (what a draft may lack, such as a cause no activity addresses)."""

    problems: list[Problem] = field(default_factory=list)
    checked: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Validator:
    """Validates versions, checking each county file once however many kommuner share it."""

    def __init__(self):
        self._counties: dict[Path, object] = {}
        self._county_checked: set[Path | None] = set()
        self.warnings: dict[Path, list[Problem]] = {}  # per version folder, from its last check

    def version(self, folder: Path, texts: dict[Path, str] | None = None) -> tuple[Version | None, list[Problem]]:
        """Return the loaded version (None if a file is unreadable) and its problems; ``texts``:
        files as edited but not saved (see :func:`read_version`)."""
        version, problems = read_version(folder, self._counties, texts)
        problems = seal.check(folder) + problems
        if version is None:
            return None, problems
        readable = not problems
        problems += self.check(version)
        return (version if readable else None), problems

    def check(self, version: Version) -> list[Problem]:
        """Return the problems of a loaded version: schemas, characters and cross-field rules."""
        problems = []
        county_valid = True
        if version.county is not None:
            county_problems = (schema.check(version.county, "lan")
                               + rules.forbidden_characters(version.county, skip=(COUNTY_SHARED_KEY,)))
            county_valid = not county_problems
            if version.county.file not in self._county_checked:
                self._county_checked.add(version.county.file)
                problems += county_problems
        agreement_problems = schema.check(version.agreement, "overenskommelse")
        problems += (agreement_problems + rules.forbidden_characters(version.agreement)
                     + marks.problems(version.agreement))
        valid_plans = []
        for plan in version.plans:
            plan_problems = schema.check(plan.loaded, "plan")
            problems += plan_problems + rules.forbidden_characters(plan.loaded) + marks.problems(plan.loaded)
            if not plan_problems:
                valid_plans.append(plan)
        broken = {p.field.split(".")[0].split("[")[0] if p.field else "" for p in agreement_problems}
        if "" not in broken:  # a problem without a field (e.g. not a mapping) breaks everything
            problems += rules.check_version(version, valid_plans, broken, county_valid)
        errors, warnings = tracing.check(version, valid_plans) if "status" not in broken else ([], [])
        if "" not in broken:
            warnings += stale.check(version, valid_plans, broken)
        warnings += logo.logo_problems(version.folder.parent, version.data_root)
        self.warnings[version.folder] = warnings
        return problems + errors


def validate_paths(paths: list[Path], strict: bool = False, checks: tuple = ()) -> Report:
    """Return a report on every version at or under ``paths`` and its follow-up records; with
    ``strict``, warnings count as problems. ``checks`` are more checks of a valid version from
    the layers above (the plans' links to the lägesbild), each giving (problems, warnings)."""

    report = Report()
    validator = Validator()
    folders: list[Path] = []
    for path in paths:
        try:
            found, problems = scan(Path(path)) if Path(path).is_dir() else (find_versions(Path(path)), [])
            if not found and not problems:
                found = find_versions(Path(path))  # raises with the reason
        except DataError as exc:
            found, problems = [], exc.problems
        report.problems += problems
        folders += [f for f in found if f not in folders]
    for folder in folders:
        version, problems = validator.version(folder)
        report.checked += 1
        report.problems += problems
        report.warnings += validator.warnings.pop(folder, []) if version is not None else []
        if version is not None and not problems:
            report.problems += followups.check_version(version)
            for check in checks:
                more, warnings = check(version)
                report.problems += more
                report.warnings += warnings
    if strict:
        report.problems, report.warnings = report.problems + report.warnings, []
    report.problems = _unique(report.problems)
    report.warnings = _unique(report.warnings)
    return report


def validate_version(folder: Path) -> Version:
    """Return the valid version in ``folder``; raise SchemaError or DataError with every problem."""
    return validate_with_warnings(folder)[0]


def validate_with_warnings(folder: Path) -> tuple[Version, list[Problem]]:
    """Return the valid version in ``folder`` and its warnings; raise SchemaError or DataError with
    every problem."""
    folder = Path(folder)
    if folder.is_file():
        meant = folder.parent.parent if folder.parent.name == "planer" else folder.parent
        raise DataError(Problem(folder, "är en fil; ange versionens mapp", hint=f"Till exempel {meant}."))
    if not folder.is_dir():
        raise DataError(Problem(folder, "versionsmappen finns inte"))
    if not is_version_folder(folder):
        raise DataError(folder_problem(folder) or Problem(
            folder, f"mappen är ingen version ({AGREEMENT_FILE} saknas)",
            hint="Ange en mapp agreements/<län>/<kommun>/<version>/."))
    validator = Validator()
    version, problems = validator.version(folder)
    if problems or version is None:  # no version comes without the problems that say why
        raise (DataError if version is None else SchemaError)(problems)
    return version, _unique(validator.warnings.get(folder, []))


def _unique(problems: list[Problem]) -> list[Problem]:
    """Return problems without repeats (a county file's error found through many kommuner)."""
    seen, result = set(), []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            result.append(problem)
    return sorted(result, key=Problem.sort_key)

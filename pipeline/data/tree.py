"""The data tree on disk: the counties under a data folder, their kommuner and their versions.

``<data>/<län>/<kommun>/<version>/`` (:mod:`pipeline.layout`); links are never followed, and
every folder that should be a version and is not one is a located problem.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.data import rules
from pipeline.data.version import folder_problem, is_version_folder, slugify
from pipeline.errors import PipelineError, Problem, os_reason
from pipeline.layout import AGREEMENT_FILE, COUNTY_FILE


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

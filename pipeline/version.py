"""Find agreement versions on disk and assemble one: county file, agreement and plans.

Layout: ``agreements/<län>/<kommun>/<version>/overenskommelse.yaml`` with plans in
``planer/*.yaml`` and county-wide content in ``agreements/<län>/lan.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem
from .load import Loaded, load_yaml, merge

AGREEMENT_FILE = "overenskommelse.yaml"
COUNTY_FILE = "lan.yaml"
PLANS_FOLDER = "planer"
COUNTY_SHARED_KEY = "gemensamt"
# Written by `samverkan beslut`: the county's shared text as it was when the version was decided,
# and the documents as decided. A decided version no longer follows later county edits.
FROZEN_COUNTY_FILE = "lan-gemensamt.yaml"
ARCHIVE_FOLDER = "beslutat"


@dataclass
class Plan:
    """One plan (problembild) of a version, to be rendered as bilaga ``number``."""

    loaded: Loaded
    number: int
    slug: str

    @property
    def data(self) -> dict:
        return self.loaded.data

    @property
    def file_name(self) -> str:
        """Return the name of the plan's file: what identifies it from version to version."""
        return self.loaded.file.name


def match_plans(old: list[Plan], new: list[Plan]) -> list[tuple[Plan | None, Plan | None]]:
    """Pair each plan with its counterpart in the other version: by file name, then by title
    (a renamed or renumbered file); the rest were added or removed."""
    pairs, left = [], list(old)
    unmatched_new = []
    for plan in new:
        same = next((o for o in left if o.file_name == plan.file_name), None)
        if same is None:
            unmatched_new.append(plan)
        else:
            left.remove(same)
            pairs.append((same, plan))
    for plan in unmatched_new:
        same = next((o for o in left if o.data.get("titel") == plan.data.get("titel")), None)
        if same is not None:
            left.remove(same)
        pairs.append((same, plan))
    return pairs + [(plan, None) for plan in left]


@dataclass
class Version:
    """One version of a kommun's agreement, with the county's shared content merged in."""

    folder: Path
    agreement: Loaded
    plans: list[Plan] = field(default_factory=list)
    county: Loaded | None = None

    @property
    def data(self) -> dict:
        return self.agreement.data

    @property
    def name(self) -> str:
        """Return the version's name, its folder's (also when given as "." or "..")."""
        return self.folder.resolve().name

    @property
    def data_root(self) -> Path:
        """Return the folder that holds all data (agreements/): the county folder's parent."""
        return self.folder.resolve().parent.parent.parent

    @property
    def kommun_slug(self) -> str:
        return self.folder.resolve().parent.name

    @property
    def county_slug(self) -> str:
        return self.folder.resolve().parent.parent.name

    @property
    def files(self) -> list[Path]:
        """Return every data file this version is made from."""
        files = [self.folder / AGREEMENT_FILE] + [p.loaded.file for p in self.plans]
        if (self.folder / FROZEN_COUNTY_FILE).is_file():
            files.insert(0, self.folder / FROZEN_COUNTY_FILE)
        elif self.county is not None:
            files.insert(0, self.county.file)
        return files


def slugify(text: str) -> str:
    """Return ``text`` as a lower-case ASCII file-name part: "Ungdomar i centrum" → "ungdomar-i-centrum"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "plan"


def is_version_folder(path: Path) -> bool:
    """``True`` when ``path`` is a folder holding an agreement version."""
    return (path / AGREEMENT_FILE).is_file()


def find_versions(path: Path) -> list[Path]:
    """Return the version folders at or under ``path`` (a file, version, kommun, county or root)."""
    path = Path(path)
    if not path.exists():
        raise DataError(Problem(path, "sökvägen finns inte"))
    if path.is_dir() and path.name == PLANS_FOLDER and is_version_folder(path.parent):
        return [path.parent]
    if path.is_file():
        if path.name == COUNTY_FILE:
            return find_versions(path.parent)
        folder = path.parent.parent if path.parent.name == PLANS_FOLDER else path.parent
        if not is_version_folder(folder):
            raise DataError(Problem(path, f"filen hör inte till någon version (ingen {AGREEMENT_FILE} bredvid)"))
        return [folder]
    if is_version_folder(path):
        return [path]
    found = sorted(p.parent for p in path.rglob(AGREEMENT_FILE)
                   if not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not found:
        raise DataError(Problem(path, f"inga versioner hittades (ingen mapp med {AGREEMENT_FILE})",
                                hint="En version är en mapp agreements/<län>/<kommun>/<version>/."))
    return found


def plan_files(folder: Path) -> list[Path]:
    """Return the plan files of a version in bilaga order: by the number the name starts with,
    then by name ("2-…" before "10-…")."""
    plans_dir = folder / PLANS_FOLDER
    if not plans_dir.is_dir():
        return []
    files = [p for p in plans_dir.iterdir()
             if p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith((".", "~")) and p.is_file()]
    return sorted(files, key=_bilaga_order)


def _bilaga_order(path: Path) -> tuple:
    number = re.match(r"[0-9]+", path.name)
    return (int(number.group()) if number else float("inf"), path.name)


def folder_problems(folder: Path) -> list[Problem]:
    """Return problems with a version folder's layout that would make files be ignored."""
    problems = []
    plans_dir = folder / PLANS_FOLDER
    if plans_dir.exists() and not plans_dir.is_dir():
        problems.append(Problem(plans_dir, f"{PLANS_FOLDER} ska vara en mapp med en fil per plan"))
    elif plans_dir.is_dir():
        for path in sorted(plans_dir.iterdir()):
            if path.name.startswith((".", "~")):
                continue
            if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
                problems.append(Problem(path, "filen är ingen plan och skulle hoppas över",
                                        hint="Planer är YAML-filer (.yaml) direkt i mappen planer/; "
                                             "flytta andra filer någon annanstans."))
    return problems


def plan_slug(path: Path) -> str:
    """Return the name part of a plan's file: "01-ungdomar-centrum.yaml" → "ungdomar-centrum"."""
    return slugify(re.sub(r"^[0-9]+[-_ .]*", "", path.stem))


def load_county(version_folder: Path, cache: dict | None = None) -> Loaded | None:
    """Return the county file beside the kommun folders, or None when there is none."""
    path = Path(version_folder).resolve().parent.parent / COUNTY_FILE
    if path.is_dir():
        raise DataError(Problem(path, f"{COUNTY_FILE} är en mapp, inte en fil"))
    if not path.exists():
        return None
    if cache is not None and path in cache:
        return cache[path]
    loaded = load_yaml(path)
    if cache is not None:
        cache[path] = loaded
    return loaded


def shared_part(county: Loaded) -> Loaded:
    """Return the county's ``gemensamt`` mapping as a Loaded rooted at the agreement's top level."""
    shared = county.data.get(COUNTY_SHARED_KEY)
    if not isinstance(shared, dict):
        return Loaded(data={}, file=county.file)
    n = 1
    prefix = (COUNTY_SHARED_KEY,)
    return Loaded(
        data=shared,
        values={p[n:]: s for p, s in county.values.items() if p[:n] == prefix},
        keys={p[n:]: s for p, s in county.keys.items() if p[:n] == prefix and len(p) > n},
        file=county.file,
        prefixes={county.file: f"{COUNTY_SHARED_KEY}."},
    )


def load_version(folder: Path, county_cache: dict | None = None) -> Version:
    """Return the version in ``folder``; raise DataError listing every unreadable file."""
    version, problems = read_version(folder, county_cache)
    if problems:
        raise DataError(problems)
    return version


def read_version(folder: Path, county_cache: dict | None = None) -> tuple[Version | None, list[Problem]]:
    """Return the version in ``folder`` (None if its agreement is unreadable) and the problems of
    every file that could not be read; readable plans are kept so they can still be checked."""
    folder = Path(folder)
    problems: list[Problem] = folder_problems(folder)
    county = agreement = None
    county_ok = True
    try:
        county = load_county(folder, county_cache)
    except DataError as exc:
        problems.extend(exc.problems)
        county_ok = False  # without the county's text the agreement would look incomplete
    try:
        agreement = load_yaml(folder / AGREEMENT_FILE, duplicates=problems)
    except DataError as exc:
        problems.extend(exc.problems)
    plans = []
    for number, path in enumerate(plan_files(folder), start=1):
        try:
            plans.append(Plan(load_yaml(path, duplicates=problems), number, plan_slug(path)))
        except DataError as exc:
            problems.extend(exc.problems)
    frozen = None
    if (folder / FROZEN_COUNTY_FILE).is_file():
        try:
            frozen = load_yaml(folder / FROZEN_COUNTY_FILE)
        except DataError as exc:
            problems.extend(exc.problems)
            county_ok = False
    if agreement is None or not county_ok:
        return None, problems
    shared = frozen or county
    if shared is not None:
        agreement = merge(shared_part(shared), agreement)
    return Version(folder=folder, agreement=agreement, plans=plans, county=county), problems

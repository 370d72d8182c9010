"""Find agreement versions on disk and assemble one: county file, agreement and plans.

Layout: ``agreements/<län>/<kommun>/<version>/overenskommelse.yaml`` with plans in
``planer/*.yaml`` and county-wide content in ``agreements/<län>/lan.yaml``.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.data.load import Loaded, load_text, load_yaml, merge
from pipeline.errors import DataError, PipelineError, Problem
from pipeline.files import transaction
from pipeline.layout import (
    AGREEMENT_FILE,
    ARCHIVE_FOLDER,
    COUNTY_FILE,
    FROZEN_COUNTY_FILE,
    LAGESBILD_FOLDER,
    PLANS_FOLDER,
    SEAL_FILE,
    VersionRef,
    nfc,
)

COUNTY_SHARED_KEY = "gemensamt"
# Never versions, never holding one: a version's plans and decided documents, a kommun's lägesbild.
_SKIPPED_FOLDERS = {PLANS_FOLDER, ARCHIVE_FOLDER, LAGESBILD_FOLDER}


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
        return nfc(self.loaded.known_file.name)


def match_plans(old: list[Plan], new: list[Plan]) -> list[tuple[Plan | None, Plan | None]]:
    """Pair each plan with its counterpart in the other version: by file name, then by title
    (a renamed or renumbered file); the rest were added or removed."""
    pairs: list[tuple[Plan | None, Plan | None]] = []
    left = list(old)
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
    def ref(self) -> VersionRef:
        """Return where the version lives in the data."""
        return VersionRef.of(self.folder)

    @property
    def name(self) -> str:
        """Return the version's name, its folder's (also when given as "." or "..")."""
        return self.ref.name

    @property
    def data_root(self) -> Path:
        """Return the folder that holds all data (agreements/): the county folder's parent."""
        return self.ref.root

    @property
    def kommun_slug(self) -> str:
        return self.ref.kommun

    @property
    def county_slug(self) -> str:
        return self.ref.county

    @property
    def files(self) -> list[Path]:
        """Return every data file this version is made from."""
        files = [self.folder / AGREEMENT_FILE] + [p.loaded.known_file for p in self.plans]
        if (self.folder / FROZEN_COUNTY_FILE).is_file():
            files.insert(0, self.folder / FROZEN_COUNTY_FILE)
        elif self.county is not None:
            files.insert(0, self.county.known_file)
        return files


def slugify(text: str) -> str:
    """Return ``text`` as a lower-case ASCII file-name part: "Ungdomar i centrum" → "ungdomar-i-centrum"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "plan"


def is_version_folder(path: Path) -> bool:
    """``True`` when ``path`` is a folder holding an agreement version (its file named exactly)."""
    return AGREEMENT_FILE in _names(path)


def _names(folder: Path) -> list[str]:
    """Return the names in ``folder`` as stored (exact case), or [] when it cannot be listed."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _loose(name: str) -> str:
    """Return a file name reduced for near-miss comparison: no accents, case, .yml or .txt."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"\.txt$", "", text)
    return re.sub(r"\.yml$", ".yaml", text)


def near_miss(folder: Path) -> str | None:
    """Return the name of a file in ``folder`` that was meant to be the agreement file, if any
    (Overenskommelse.yaml, överenskommelse.yml, overenskommelse.yaml.txt …)."""
    for name in sorted(_names(folder)):
        if name == AGREEMENT_FILE:
            return None
        loose = _loose(name)
        if loose == AGREEMENT_FILE or (loose.endswith(".yaml") and difflib.SequenceMatcher(
                None, loose, AGREEMENT_FILE).ratio() >= 0.9):
            return name
    return None


def folder_problem(folder: Path) -> Problem | None:
    """Return why ``folder``, which is not a version, looks like one that lost its agreement file."""
    names = _names(folder)
    if AGREEMENT_FILE in names:
        return None
    meant = near_miss(folder)
    if meant is not None:
        return Problem(folder / meant, f"filen heter '{meant}' men ska heta exakt '{AGREEMENT_FILE}'",
                       hint=f"Byt namn på filen till {AGREEMENT_FILE} (små bokstäver, o utan prickar, "
                            "ändelsen .yaml).")
    if SEAL_FILE in names or ARCHIVE_FOLDER in names:
        return Problem(folder / AGREEMENT_FILE, f"den förseglade versionens {AGREEMENT_FILE} saknas",
                       hint="Återställ filen från säkerhetskopia eller versionshantering; en beslutad "
                            "version ändras aldrig.")
    return None


def scan(path: Path) -> tuple[list[Path], list[Problem]]:
    """Return the version folders at or under ``path`` and problems with folders that look like
    versions but cannot be read as one. Links to folders are not followed."""
    path = Path(path)
    if path.is_file() or not path.is_dir():
        return [], []
    found, problems = [], []
    for top, dirs, _files in os.walk(path, followlinks=False):
        folder = Path(top)
        if is_version_folder(folder):
            found.append(folder)
            dirs.clear()
            continue
        problem = folder_problem(folder)
        if problem is not None:
            problems.append(problem)
            dirs.clear()
            continue
        for name in list(dirs):
            if name.startswith(".") or name in _SKIPPED_FOLDERS:
                dirs.remove(name)
            elif os.path.islink(folder / name):
                dirs.remove(name)
                problems.append(Problem(folder / name, "mappen är en länk; samverkan följer inte länkade "
                                                       "mappar i data",
                                        hint="Flytta mappen hit i stället för att länka till den."))
        dirs.sort()
    return sorted(found), problems


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
            raise DataError(folder_problem(folder) or Problem(
                path, f"filen hör inte till någon version (ingen {AGREEMENT_FILE} bredvid)"))
        return [folder]
    found, problems = scan(path)
    if problems:
        raise DataError(problems)
    if not found:
        raise DataError(Problem(path, f"inga versioner hittades (ingen mapp med {AGREEMENT_FILE})",
                                hint="En version är en mapp agreements/<län>/<kommun>/<version>/."))
    return found


def plan_files(folder: Path, links: bool = True) -> list[Path]:
    """Return the plan files of a version in bilaga order: by the number the name starts with,
    then by name ("2-…" before "10-…"). ``links=False``: only regular files, no links (what
    the web app may change); the loader reads a link inside the data as the file it names."""
    plans_dir = folder / PLANS_FOLDER
    if not plans_dir.is_dir() or (not links and os.path.islink(plans_dir)):
        return []
    wanted = (lambda p: p.is_file()) if links else _is_regular
    files = [plans_dir / name for name in _names(plans_dir) if _is_plan_name(name) and wanted(plans_dir / name)]
    return sorted(files, key=_bilaga_order)


def _is_regular(path: Path) -> bool:
    """``True`` for a regular file that is not a link."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_plan_name(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml")) and not name.startswith((".", "~"))


def _bilaga_order(path: Path) -> tuple:
    number = re.match(r"[0-9]+", path.name)
    return (int(number.group()) if number else float("inf"), nfc(path.name))


def folder_problems(folder: Path) -> list[Problem]:
    """Return problems with a version folder's layout that would make files be ignored."""
    problems = []
    plans_dir = folder / PLANS_FOLDER
    if os.path.islink(plans_dir):
        problems.append(Problem(plans_dir, f"{PLANS_FOLDER} är en länk; samverkan följer inte länkade mappar"))
    elif plans_dir.exists() and not plans_dir.is_dir():
        problems.append(Problem(plans_dir, f"{PLANS_FOLDER} ska vara en mapp med en fil per plan"))
    elif plans_dir.is_dir():
        for name in sorted(_names(plans_dir)):
            path = plans_dir / name
            if name.startswith((".", "~")):
                continue
            if not _is_plan_name(name) or not path.is_file():
                problems.append(Problem(path, "filen är ingen plan och skulle hoppas över",
                                        hint="Planer är YAML-filer (.yaml) direkt i mappen planer/; "
                                             "flytta andra filer någon annanstans."))
    return problems


def plan_slug(path: Path) -> str:
    """Return the name part of a plan's file: "01-ungdomar-centrum.yaml" → "ungdomar-centrum"."""
    return slugify(re.sub(r"^[0-9]+[-_ .]*", "", path.stem))


def load_county(version_folder: Path, cache: dict | None = None) -> Loaded | None:
    """Return the county file beside the kommun folders, or None when there is none."""
    ref = VersionRef.of(version_folder)
    path = ref.county_file
    if path.is_dir():
        raise DataError(Problem(path, f"{COUNTY_FILE} är en mapp, inte en fil"))
    if not os.path.lexists(path):
        return None
    if cache is not None and path in cache:
        return cache[path]
    loaded = load_yaml(path, root=ref.root)
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
    if problems or version is None:  # no version comes without the problems that say why
        raise DataError(problems)
    return version


def _load(path: Path, root: Path, texts: dict[Path, str], duplicates: list[Problem]) -> Loaded:
    """Return a data file as edited (``texts``) or as on disk."""
    if path in texts:
        return load_text(path, texts[path], duplicates)
    return load_yaml(path, duplicates=duplicates, root=root)


def read_version(folder: Path, county_cache: dict | None = None,
                 texts: dict[Path, str] | None = None) -> tuple[Version | None, list[Problem]]:
    """Return the version in ``folder`` (None if its agreement is unreadable) and the problems of
    every file that could not be read; readable plans are kept so they can still be checked.

    ``texts`` gives the text of some of the version's files as edited but not saved (the web
    app's form): they are read from there instead of from disk."""
    folder = Path(folder)
    texts = texts or {}
    root = VersionRef.of(folder).root
    try:
        transaction.settle(folder)  # an interrupted decision is completed before anything is read
        transaction.settle(folder.parent, strict=False)  # and what an interrupted `ny` left is cleared
    except PipelineError as exc:
        return None, exc.problems
    problems: list[Problem] = folder_problems(folder)
    county = agreement = None
    county_ok = True
    try:
        county = load_county(folder, county_cache)
    except DataError as exc:
        problems.extend(exc.problems)
        county_ok = False  # without the county's text the agreement would look incomplete
    try:
        agreement = _load(folder / AGREEMENT_FILE, root, texts, problems)
    except DataError as exc:
        problems.extend(exc.problems)
    plans = []
    for number, path in enumerate(plan_files(folder), start=1):
        try:
            plans.append(Plan(_load(path, root, texts, problems), number, plan_slug(path)))
        except DataError as exc:
            problems.extend(exc.problems)
    frozen = None
    if os.path.lexists(folder / FROZEN_COUNTY_FILE):
        try:
            frozen = load_yaml(folder / FROZEN_COUNTY_FILE, root=root)
        except DataError as exc:
            problems.extend(exc.problems)
            county_ok = False
    if agreement is None or not county_ok:
        return None, problems
    shared = frozen or county
    if shared is not None:
        agreement = merge(shared_part(shared), agreement)
    return Version(folder=folder, agreement=agreement, plans=plans, county=county), problems

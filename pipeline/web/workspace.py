"""The web app's use cases over the library: find versions, read a file for its form,
check a form's data, preview, compare, and the lifecycle steps.

Routes in :mod:`pipeline.web.app` only translate HTTP to these functions and back.
A version is always found by its names (län, kommun, version) among the folders that
exist in the data – never by joining a path from the request – so a request cannot
name anything outside the data folder.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app

from pipeline.data import followups, seal
from pipeline.data.load import load_yaml, merge
from pipeline.data.validate import Validator, validate_version
from pipeline.data.version import load_county, plan_files, shared_part
from pipeline.documents.overview import swedish_key, version_states
from pipeline.errors import PipelineError, Problem
from pipeline.files.inputs import read_bytes
from pipeline.lagesbild import links
from pipeline.lagesbild.series import SOURCE_NAMES
from pipeline.layout import AGREEMENT_FILE, COUNTY_FILE, LAGESBILD_FOLDER, PLANS_FOLDER, nfc
from pipeline.web import edits, forms, undo


def current_workspace() -> Workspace:
    """Return the workspace of the web app handling the request now."""

    return current_app.extensions["samverkan"]["workspace"]


class NotFound(Exception):
    """A name in the address that is not in the data."""


@dataclass
class VersionInfo:
    """A version as the start page lists it."""

    county: str
    kommun: str
    name: str
    folder: Path
    status: str
    date: dt.date | None
    valid_from: object = None
    valid_to: object = None
    sealed: bool = False
    kommun_name: str = ""


@dataclass
class KommunInfo:
    county: str
    kommun: str
    name: str
    versions: list[VersionInfo] = field(default_factory=list)

    @property
    def current(self) -> VersionInfo | None:
        """Return the latest decided version (the one in force), if any."""
        decided = [v for v in self.versions if v.status == "beslutad"]
        return max(decided, key=lambda v: (v.date or dt.date.min, v.name)) if decided else None

    @property
    def drafts(self) -> list[VersionInfo]:
        return [v for v in self.versions if v.status != "beslutad"]

    def states(self, today: dt.date) -> dict[str, str]:
        """Return each version's state on ``today`` (Utkast, Gällande, Ersatt, …), as the länsöversikt says it."""
        return version_states([(v.name, v.status, v.valid_from, v.valid_to) for v in self.versions], today)


class Workspace:
    """The data folder the web app works on."""

    def __init__(self, root: Path):
        self.root = Path(os.path.abspath(root))

    # --- finding ---------------------------------------------------------------------------------

    def counties(self) -> dict[str, list[KommunInfo]]:
        """Return every county with its kommuner and their versions, in name order."""
        result = {}
        for county in _folders(self.root):
            if not (county / COUNTY_FILE).is_file():
                continue
            kommuner = []
            for kommun in _folders(county):
                versions = [self._info(county.name, kommun.name, folder) for folder in _folders(kommun)
                            if (folder / AGREEMENT_FILE).is_file()]
                if versions:
                    name = next((v.kommun_name for v in versions if v.kommun_name), kommun.name)
                    kommuner.append(KommunInfo(county.name, kommun.name, name, versions))
            result[county.name] = sorted(kommuner, key=lambda k: swedish_key(k.name))  # å, ä, ö last
        return result

    def _info(self, county: str, kommun: str, folder: Path) -> VersionInfo:
        try:
            data = load_yaml(folder / AGREEMENT_FILE, root=self.root).data
        except PipelineError:
            data = {}
        validity = data.get("giltighetstid") if isinstance(data.get("giltighetstid"), dict) else {}
        parties = data.get("parter") if isinstance(data.get("parter"), dict) else {}
        kommun_name = (parties.get("kommun") or {}).get("namn", "") if isinstance(parties.get("kommun"), dict) else ""
        return VersionInfo(county, kommun, nfc(folder.name), folder, str(data.get("status", "okänd")),
                           data.get("datum") if isinstance(data.get("datum"), dt.date) else None,
                           validity.get("från"), validity.get("till"), seal.is_sealed(folder), kommun_name)

    def kommun(self, county: str, kommun: str) -> KommunInfo:
        """Return a kommun with its versions by its names; raise NotFound for a name not in the data."""
        folder = self._kommun_folder(county, kommun)
        versions = [self._info(county, kommun, v) for v in _folders(folder) if (v / AGREEMENT_FILE).is_file()]
        if not versions:
            raise NotFound(f"{county}/{kommun}")
        name = next((v.kommun_name for v in versions if v.kommun_name), kommun)
        return KommunInfo(county, kommun, name, versions)

    def version(self, county: str, kommun: str, name: str) -> VersionInfo:
        """Return a version by its names; raise NotFound for any name not in the data."""
        folder = _child(self._kommun_folder(county, kommun), name)
        if folder is None or not (folder / AGREEMENT_FILE).is_file():
            raise NotFound(f"{county}/{kommun}/{name}")
        return self._info(county, kommun, folder)

    def _kommun_folder(self, county: str, kommun: str) -> Path:
        county_folder = _child(self.root, county)
        if county_folder is None or not (county_folder / COUNTY_FILE).is_file():
            raise NotFound(county)
        folder = _child(county_folder, kommun)
        if folder is None:
            raise NotFound(f"{county}/{kommun}")
        return folder

    def plan_file(self, version: VersionInfo, file_name: str) -> Path:
        """Return a plan's file by its name; raise NotFound if the version has no such plan.
        Only a regular file is a plan here: the web app never reads or changes through a link."""
        for path in plan_files(version.folder, links=False):
            if nfc(path.name) == file_name:
                return path
        raise NotFound(file_name)

    # --- a file as a form ---------------------------------------------------------------------------

    def form_file(self, version: VersionInfo, plan: str | None = None) -> FormFile:
        """Return a version's agreement file, or one of its plans, ready for its form."""
        path = self.plan_file(version, plan) if plan else version.folder / AGREEMENT_FILE
        raw = read_bytes(path, self.root, links=False)
        loaded = load_yaml(path, root=self.root)
        inherited = None
        if plan is None:
            county = load_county(version.folder)
            inherited = shared_part(county).data if county is not None else None
        agreement = self.merged_agreement(version)
        return FormFile(path=path, schema="plan" if plan else "overenskommelse", data=loaded.data,
                        digest=edits.digest(raw), inherited=inherited, agreement=agreement,
                        read_only=version.sealed or version.status == "beslutad")

    def merged_agreement(self, version: VersionInfo) -> dict:
        """Return the version's agreement with the county's shared text merged in (for choices)."""
        try:
            loaded = load_yaml(version.folder / AGREEMENT_FILE, root=self.root)
            county = load_county(version.folder)
        except PipelineError:
            return {}
        if county is None:
            return loaded.data

        return merge(shared_part(county), loaded).data

    def file_data(self, version: VersionInfo, plan: str | None = None) -> tuple[Path, str, dict]:
        """Return a file's path, schema and data as on disk (what a form's check starts from)."""
        path = self.plan_file(version, plan) if plan else version.folder / AGREEMENT_FILE
        return path, "plan" if plan else "overenskommelse", load_yaml(path, root=self.root).data

    def used_ids(self, version: VersionInfo, plan: str) -> set[str]:
        """Return the ids a plan has given its items: in this file as saved, in the plan of the same
        name in the kommun's other versions, and in this version's follow-ups of it – so a new item
        never takes the id of one removed (which a decided document or a follow-up may name)."""
        found: set[str] = set()
        for folder in _folders(version.folder.parent):
            path = folder / PLANS_FOLDER / plan
            if os.path.isfile(path) and not os.path.islink(path):
                try:
                    found |= undo.ids_in_plan(load_yaml(path, root=self.root).data)
                except PipelineError:
                    continue
        key = plan.rsplit(".", 1)[0]
        for _, path in followups.record_files(version.folder)[0]:
            try:
                record = load_yaml(path, root=self.root).data
            except PipelineError:
                continue
            for entry in record.get("planer") or [] if isinstance(record, dict) else []:
                if isinstance(entry, dict) and entry.get("plan") == key:
                    for section in ("aktiviteter", "indikatorer"):
                        found |= {str(i.get("id")) for i in entry.get(section) or [] if isinstance(i, dict)}
        return found

    # --- checking ----------------------------------------------------------------------------------------

    def check(self, version: VersionInfo, path: Path, data: dict) -> list[Problem]:
        """Return every problem of the version with ``path`` holding ``data`` (not saved)."""
        return self.check_with_warnings(version, path, data)[0]

    def check_with_warnings(self, version: VersionInfo, path: Path,
                            data: dict) -> tuple[list[Problem], list[Problem]]:
        """Return every problem and every warning (what validate warns about) of the version with
        ``path`` holding ``data`` (not saved)."""
        text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                         sort_keys=False, width=4096)
        validator = Validator()
        checked, problems = validator.version(version.folder, texts={path: text})
        warnings = sorted(set(validator.warnings.get(version.folder, [])), key=Problem.sort_key)
        if checked is not None and not problems:  # the plans' links to the kommun's lägesbild
            more, more_warnings = links.check_version(checked)
            problems, warnings = problems + more, sorted(set(warnings + more_warnings), key=Problem.sort_key)
        return problems, warnings


# The series a plan's form offers, per kommun and the state of its lägesbild folder (a page with
# many indicators asks once per field).
_SERIES: dict[tuple, list[tuple[str, str]]] = {}


def series_of_file(path: Path) -> list[tuple[str, str]]:
    """Return (id, name and source) of each series in the lägesbild of the kommun whose plan is at
    ``path`` (<kommun>/<version>/planer/<plan>.yaml); none when it has none or it cannot be read."""
    kommun = Path(path).parents[2]
    folder = kommun / LAGESBILD_FOLDER
    try:
        with os.scandir(folder) as entries:
            state = tuple(sorted((e.name, e.stat(follow_symlinks=False).st_mtime_ns) for e in entries))
    except OSError:
        return []
    key = (str(kommun), state)
    if key not in _SERIES:
        try:
            statistics = links.Statistics.of_kommun(kommun)
        except PipelineError:
            return []
        if len(_SERIES) > 64:
            _SERIES.clear()
        _SERIES[key] = [(i.id, f"{i.name} ({SOURCE_NAMES[i.id.split('.', 1)[0]].split(',')[0].split(' (')[0]})")
                        for i in statistics.indicators.values()]
    return _SERIES[key]


@dataclass
class FormFile:
    """A data file as its form needs it."""

    path: Path
    schema: str
    data: dict
    digest: str
    inherited: dict | None
    agreement: dict
    read_only: bool

    @property
    def fields(self) -> tuple[forms.Field, ...]:
        return forms.fields_of(self.schema)


def _child(folder: Path, name: str) -> Path | None:
    """Return the real sub-folder of ``folder`` named exactly ``name`` (no link, no "..")."""
    return next((f for f in _folders(folder) if f.name == name), None)


def _folders(folder: Path) -> list[Path]:
    """Return the visible real sub-folders of ``folder`` (links are not followed), by name."""
    try:
        with os.scandir(folder) as entries:
            return sorted((Path(e.path) for e in entries
                           if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)), key=lambda p: p.name)
    except OSError:
        return []


def problem_in(problems: list[Problem], path: Path, fields: tuple) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """Split problems into those at a field of the file ``path`` (by form name) and the rest."""
    at_fields: dict[str, list[Problem]] = {}
    rest = []
    for problem in problems:
        name = forms.input_of_problem(problem.field, fields)
        if problem.file is not None and Path(problem.file) == path and name:
            at_fields.setdefault(name, []).append(problem)
        else:
            rest.append(problem)
    return at_fields, rest


def version_problems(folder: Path) -> list[Problem]:
    """Return the problems of a saved version (empty when valid)."""
    try:
        validate_version(folder)
    except PipelineError as exc:
        return exc.problems
    return []


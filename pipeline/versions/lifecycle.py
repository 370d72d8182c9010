"""A version's life: start a new draft from the latest version, record and seal the decision.

``ny`` creates the new version in a hidden folder and renames it into place in
one step. ``beslut`` and ``forsegla`` prepare everything in memory and then write
the decision, the frozen county text, the documents as decided and the seal in
one :mod:`transaction`: after a kill at any point the version is either as
before or decided, and the next command that touches it completes an
interrupted decision. A lock on the version (on the kommun for ``ny``) makes a
second, concurrent run stop with a clear message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from pipeline.data import dates, dateshift, load, names, rules, seal, yamledit
from pipeline.data.load import load_text, load_yaml, merge
from pipeline.data.validate import Validator, validate_version, validate_with_warnings
from pipeline.data.version import COUNTY_SHARED_KEY, Version, load_county, plan_files, scan, shared_part
from pipeline.documents.render import render_version
from pipeline.errors import DataError, OutputError, Problem, SchemaError, os_reason
from pipeline.files import inputs, transaction
from pipeline.files.lock import LOCK_FILE, Lock
from pipeline.layout import (
    AGREEMENT_FILE,
    ARCHIVE_FOLDER,
    COUNTY_FILE,
    FROZEN_COUNTY_FILE,
    PLANS_FOLDER,
    SEAL_FILE,
    VERSION_NAME,
    VersionRef,
    nfc,
)

STAGING_PREFIX = transaction.TEMP_PREFIX + "ny-"


# --- ny ----------------------------------------------------------------------------------------

def check_version_name(name: str, where: Path) -> None:
    """Raise SchemaError unless ``name`` can be a version's (and so a folder's and file's) name
    on every platform."""
    if not VERSION_NAME.fullmatch(name):
        raise SchemaError(Problem(where, f"'{name}' kan inte vara namnet på en version",
                                  hint="Använd högst 64 tecken: bokstäverna a–z, siffror, punkt, bindestreck "
                                       "och understreck, t.ex. 2027."))
    wrong = rules.name_problem(name)
    if wrong:
        raise SchemaError(Problem(where, f"'{name}' kan inte vara namnet på en version: det {wrong}",
                                  hint="Välj ett annat namn, t.ex. årtalet."))


def latest_version(kommun_dir: Path) -> Path:
    """Return the kommun's latest version folder: the one with the latest date (then name)."""
    kommun_dir = Path(kommun_dir)
    if not kommun_dir.is_dir():
        raise DataError(Problem(kommun_dir, "kommunmappen finns inte"))
    found, problems = scan(kommun_dir)
    folders = [f for f in found if f.parent == kommun_dir]
    if problems:
        raise DataError(problems)
    if not folders:
        raise DataError(Problem(kommun_dir, "kommunen har ingen version att utgå från"))
    dated = []
    for folder in folders:
        data = load_yaml(folder / AGREEMENT_FILE, root=VersionRef.of(folder).root).data
        when = data.get("datum") if isinstance(data.get("datum"), dt.date) else dt.date.min
        dated.append((when, nfc(folder.name), folder))
    return max(dated)[2]


@dataclass(frozen=True)
class NewVersion:
    """What ``ny`` made: the new folder, its source, and the dates moved (or left to update)."""

    folder: Path
    source: Path
    moved: list = field(default_factory=list)  # dateshift.Moved, with --flytta-datum
    to_update: list = field(default_factory=list)  # dateshift.Moved with old == new: dates to check
    warnings: list = field(default_factory=list)  # what validate warns about in the new draft
    case_number: str = ""  # the new version's diarienummer
    kept_case_number: bool = False  # the predecessor's, kept on purpose (--behall-diarienummer)

    def __iter__(self):  # (folder, source) = start_version(...)
        return iter((self.folder, self.source))


def start_version(kommun_dir: Path, name: str, today: dt.date | None = None,
                  new_start: dt.date | None = None, case_number: str | None = None,
                  keep_case_number: bool = False) -> NewVersion:
    """Create draft ``name`` from the kommun's latest version. With ``new_start`` every date of
    the content moves by the distance from the old giltighetstid's start to it. The new version
    gets ``case_number`` as its diarienummer, or keeps the old one with ``keep_case_number``; one
    of the two must be given, so a new case never prints the old case's number by oversight."""
    kommun_dir = Path(kommun_dir)
    check_version_name(name, kommun_dir)
    if new_start is not None:
        dates.check_plausible(new_start, kommun_dir, "ny startdag")
    if not kommun_dir.is_dir():
        raise DataError(Problem(kommun_dir, "kommunmappen finns inte"))
    target = kommun_dir / name
    with Lock(kommun_dir, "ny version"):
        _recover(kommun_dir)  # what an interrupted `ny` left
        _check_free(kommun_dir, name)
        source = latest_version(kommun_dir)
        old = validate_version(source)
        number = new_case_number(old, case_number, keep_case_number, target)
        files = {AGREEMENT_FILE: _draft_text(source, name, today or dt.date.today(), number)}
        root = VersionRef.of(source).root  # a plan is read as the loader reads it: never through a link out
        files.update({f"{PLANS_FOLDER}/{p.name}": inputs.read_bytes(p, root).decode("utf-8-sig")
                      for p in plan_files(source)})
        files, moved = _move_dates(files, old, new_start, source)
        _create_folder(kommun_dir, target, files)
    return NewVersion(target, source, moved, [] if new_start else _dates(files), _warnings(target),
                      number or " ".join(str(old.data.get("diarienummer", "")).split()), keep_case_number)


def _check_free(kommun_dir: Path, name: str) -> None:
    """Raise SchemaError when the kommun has a version (or anything) of that name, in any case."""
    target = kommun_dir / name
    if os.path.lexists(target) or any(nfc(n).lower() == name.lower() for n in os.listdir(kommun_dir)):
        raise SchemaError(Problem(target, "versionen finns redan; ingenting skrevs över",
                                  hint="Välj ett annat namn på den nya versionen."))


@dataclass(frozen=True)
class NewVersionPreview:
    """What a new version would carry over, found before it is made: its problems and warnings."""

    source: Path
    case_number: str
    problems: list
    warnings: list
    moved: int = 0  # dates moved to the new period


def preview_version(kommun_dir: Path, name: str, today: dt.date | None = None, new_start: dt.date | None = None,
                    case_number: str | None = None, keep_case_number: bool = False) -> NewVersionPreview:
    """Return what :func:`start_version` would make – checked the same way – made in a temporary copy
    of the kommun's versions and the county's shared text; nothing in the data changes."""
    kommun_dir = Path(kommun_dir)
    check_version_name(name, kommun_dir)
    if not kommun_dir.is_dir():
        raise DataError(Problem(kommun_dir, "kommunmappen finns inte"))
    _check_free(kommun_dir, name)
    source = latest_version(kommun_dir)
    county_file = kommun_dir.parent / COUNTY_FILE
    with tempfile.TemporaryDirectory(prefix="samverkan-ny-") as temp:
        copy = Path(temp) / kommun_dir.parent.name / kommun_dir.name
        # The kommun's versions (the source names its predecessor); a link stays a link, read as the data reads it.
        shutil.copytree(kommun_dir, copy, symlinks=True,
                        ignore=shutil.ignore_patterns(LOCK_FILE, transaction.TEMP_PREFIX + "*"))
        if county_file.is_file():
            shutil.copyfile(county_file, copy.parent / COUNTY_FILE)
        made = start_version(copy, name, today, new_start, case_number, keep_case_number)
        validator = Validator()
        _, problems = validator.version(made.folder)
        warnings = sorted(set(validator.warnings.get(made.folder, [])), key=Problem.sort_key)
        return NewVersionPreview(source, made.case_number, problems, warnings, len(made.moved))


def new_case_number(old: Version, given: str | None, keep: bool, target: Path) -> str | None:
    """Return the new version's diarienummer as ``given``, or None to keep the old version's
    (``keep``); raise SchemaError when neither or both are given, or ``given`` cannot be one."""
    own = " ".join(str(old.data.get("diarienummer", "")).split())
    where = target.parent
    if given is not None and keep:
        raise SchemaError(Problem(where, "ange antingen ett nytt diarienummer eller att det gamla behålls, inte båda",
                                  field="--nytt-diarienummer",
                                  hint="Ta bort --nytt-diarienummer eller --behall-diarienummer."))
    if given is None and not keep:
        raise SchemaError(Problem(
            where, f"den nya versionen behöver ett diarienummer; version {old.name} har {own}",
            field="--nytt-diarienummer",
            hint="Ange det nya ärendets diarienummer, till exempel --nytt-diarienummer \"KS 2027/0011\". "
                 "Ska versionen ha kvar det gamla, eller finns inget nytt ännu, lägg till --behall-diarienummer; "
                 "validate varnar då tills numret är ändrat i fältet diarienummer. Ingenting skrevs."))
    if keep or given is None:
        return None
    found = rules.XML_FORBIDDEN.search(given) or rules.INVISIBLE.search(given)
    bad = found.group() if found else names.control_character(given)
    if bad:
        raise SchemaError(Problem(where, f"diarienumret innehåller styrtecknet U+{ord(bad):04X}",
                                  field="--nytt-diarienummer", hint="Skriv diarienumret utan styrtecken."))
    number = " ".join(given.split())
    if not number:
        raise SchemaError(Problem(where, "diarienumret får inte vara tomt", field="--nytt-diarienummer",
                                  hint="Ange det nya ärendets diarienummer, t.ex. \"KS 2027/0011\"."))
    if number.casefold() == own.casefold():
        raise SchemaError(Problem(where, f"det nya diarienumret {number} är detsamma som den föregående versionens "
                                         f"(version {old.name})",
                                  field="--nytt-diarienummer",
                                  hint="Ange det nya ärendets nummer, eller --behall-diarienummer för att med vilje "
                                       "behålla det gamla."))
    return number


def _warnings(folder: Path) -> list[Problem]:
    """Return what validate warns about in a version just made (its errors are validate's to say)."""
    validator = Validator()
    validator.version(folder)
    return sorted(set(validator.warnings.get(folder, [])), key=Problem.sort_key)


def _move_dates(files: dict[str, str], old: Version, new_start: dt.date | None,
                source: Path) -> tuple[dict[str, str], list]:
    """Return the files with every content date moved as the start moves to ``new_start``."""
    if new_start is None:
        return files, []
    move = dateshift.shifter(old.data["giltighetstid"]["från"], new_start)
    moved, result = [], {}
    for name, text in files.items():
        result[name], found = dateshift.shift_text(source / name, text, move)
        moved += found
    return result, moved


def _dates(files: dict[str, str]) -> list:
    """Return every content date of the new version: what the secretary must look over."""
    return [dateshift.Moved(Path(name).name, load.format_path(fpath), day, day)
            for name, text in files.items() for fpath, day, _, _ in dateshift.dates_in(Path(name), text)]


def _draft_text(source: Path, name: str, today: dt.date, case_number: str | None) -> str:
    """Return the new draft's agreement file: the source's, with version, status, links and (unless
    None: kept) diarienummer updated."""
    text = (source / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
    text = yamledit.set_field(text, "version", name)
    if case_number is not None:
        text = yamledit.set_field(text, "diarienummer", case_number)
    text = yamledit.set_field(text, "status", "utkast")
    text = yamledit.set_field(text, "datum", today)
    text = yamledit.set_field(text, "föregående_version", nfc(source.name), after="diarienummer")
    for case_field in ("beslut", "beredning", "sammanträde", "ärende", "bedömning"):
        text = yamledit.remove_field(text, case_field)  # the old case's, not the new one's
    return text


def _create_folder(kommun_dir: Path, target: Path, files: dict[str, str]) -> None:
    """Write the new version in a hidden folder, then rename it into place in one step."""
    staging = kommun_dir / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    try:
        os.mkdir(staging)
        if any("/" in name for name in files):
            os.mkdir(staging / PLANS_FOLDER)
        for name, text in files.items():
            transaction.write_new(staging / name, text.encode("utf-8"))
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(Problem(target, f"den nya versionen kunde inte skapas ({os_reason(exc)})",
                                  hint="Ingenting ändrades.")) from exc


# --- beslut --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A decision as the secretary types it after the meeting."""

    organ: str
    datum: str
    paragraf: str
    diarienummer: str
    new_case_number: bool = False  # the decision's dnr replaces the version's (--nytt-diarienummer)


@dataclass(frozen=True)
class Sealed:
    """What ``beslut`` or ``forsegla`` did: the files written and the seal's digest."""

    written: list[Path]
    digest: str
    already: bool = False  # the same decision was already recorded (e.g. by an interrupted run)
    notices: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()  # what validate warned about in the draft that was decided


def _decision_data(decision: Decision, folder: Path) -> dict:
    """Return the decision's values as they are written; raise SchemaError with every problem at once
    (each at its option: "--datum", "--organ", "--paragraf", "--diarienummer")."""
    problems: list[Problem] = []
    when = _decision_day(decision.datum, folder, problems)
    for option in ("organ", "paragraf", "diarienummer"):
        value = getattr(decision, option)
        found = rules.XML_FORBIDDEN.search(value) or rules.INVISIBLE.search(value)
        bad = found.group() if found else names.control_character(value)  # also DEL, C1, U+2028
        if bad:
            problems.append(Problem(folder, f"innehåller styrtecknet U+{ord(bad):04X}",
                                    field=f"--{option}", hint="Skriv värdet utan styrtecken."))
    typed_paragraph = " ".join(decision.paragraf.split())
    values: dict[str, object] = {"organ": " ".join(decision.organ.split()), "datum": when,
                                 "paragraf": typed_paragraph, "diarienummer": " ".join(decision.diarienummer.split())}
    shown = {p.field for p in problems}
    for key, value in values.items():
        if value == "" and f"--{key}" not in shown:
            problems.append(Problem(folder, "får inte vara tomt", field=f"--{key}"))
    if typed_paragraph and "--paragraf" not in {p.field for p in problems}:
        try:
            values["paragraf"] = paragraph(typed_paragraph, folder)
        except SchemaError as exc:
            problems += exc.problems
    if problems:
        raise SchemaError(problems)
    return values


def _decision_day(text: str, folder: Path, problems: list[Problem]) -> dt.date | str:
    """Return the decision's date; add a problem (and return "") when it is no date or in the future."""
    typed = text.strip()
    if typed == "":
        return ""  # reported as empty
    try:
        when = dates.parse(typed)
    except ValueError:
        problems.append(Problem(folder, dates.not_a_date(typed), field="--datum",
                                hint="Skriv beslutsdatumet som ÅÅÅÅ-MM-DD, t.ex. 2023-02-13."))
        return "-"
    if when > dt.date.today():
        problems.append(Problem(folder, f"beslutsdatumet {when.isoformat()} ligger i framtiden", field="--datum",
                                hint="Registrera beslutet efter sammanträdet, med dagens eller ett tidigare datum."))
    return when


def paragraph(text: str, folder: Path) -> str:
    """Return a protocol paragraph written "§ 7"; "7" and "§7" are read as that, anything else is
    an error."""
    match = re.fullmatch(r"\s*(§)?\s*([0-9]{1,4}[a-z]?)\s*", text)
    if not match:
        raise SchemaError(Problem(folder, f"'{text}' är ingen paragraf i ett protokoll", field="--paragraf",
                                  hint="Skriv paragrafen som \"§ 7\"."))
    return f"§ {match.group(2)}"


def _case_number(version: Version, values: dict, decision: Decision) -> None:
    """Raise SchemaError when the decision's dnr is not the version's, unless it is a new one."""
    own = " ".join(str(version.data.get("diarienummer", "")).split())
    if values["diarienummer"] == own or decision.new_case_number:
        return
    raise SchemaError(Problem(version.folder, f"beslutets diarienummer {values['diarienummer']} är inte "
                                              f"versionens ({own})", field="--diarienummer",
                              hint="Kontrollera numret. Har ärendet fått ett nytt diarienummer, lägg till "
                                   "--nytt-diarienummer så skrivs det in i versionen också."))


@dataclass(frozen=True)
class DecisionCheck:
    """What a decision would record, checked and not written: the decided version as it will be, the
    values as they are written, the agreement's text with them, and the draft's warnings."""

    version: Version
    values: dict
    text: str
    warnings: list[Problem]


def check_decision(version_dir: Path, decision: Decision) -> DecisionCheck:
    """Return the decision as it would be recorded, or raise SchemaError/DataError with every problem
    (the web app's summary before *Bekräfta och försegla*; :func:`record_decision` under its lock)."""
    folder = Path(version_dir)
    _check_folder(folder)
    problems: list[Problem] = []
    try:
        version, warnings = validate_with_warnings(folder)
    except SchemaError as exc:  # the version's problems and the decision's, all at once
        version, warnings, problems = None, [], list(exc.problems)
    try:
        values = _decision_data(decision, folder)
    except SchemaError as exc:
        problems += exc.problems
        values = {"diarienummer": " ".join(decision.diarienummer.split())}
    decided = version is not None and version.data.get("status") == "beslutad"
    if version is not None and not decided and values["diarienummer"]:
        try:  # with the other problems: every one at once
            _case_number(version, values, decision)
        except SchemaError as exc:
            problems += exc.problems
    if problems or version is None:
        raise SchemaError(problems)
    if decided:
        _already_decided(version, values)  # raises unless it is the same decision
        return DecisionCheck(version, values, "", warnings)
    text = (folder / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
    text = yamledit.set_field(text, "status", "beslutad")
    text = yamledit.set_field(text, "beslut", values)
    if decision.new_case_number:
        text = yamledit.set_field(text, "diarienummer", values["diarienummer"])
        warnings = [w for w in warnings if w.field != "diarienummer"]  # the old number is replaced now
    return DecisionCheck(_decided_version(version, text), values, text, warnings)


def record_decision(version_dir: Path, decision: Decision, strict: bool = False,
                    before_sealing: Callable[[list[Problem]], None] | None = None) -> Sealed:
    """Record the decision in a draft, freeze and seal it, all or nothing. The draft's warnings
    (old text, the old diarienummer, missing links) go to ``before_sealing`` before anything is
    written; with ``strict`` they are errors and nothing is written."""
    folder = Path(version_dir)
    _check_folder(folder)
    with Lock(folder, "beslut"):
        _recover(folder)
        checked = check_decision(folder, decision)
        if not checked.text:  # the same decision was recorded before
            return _already_decided(checked.version, checked.values)
        if strict and checked.warnings:
            raise SchemaError(checked.warnings)
        if before_sealing is not None and checked.warnings:
            before_sealing(checked.warnings)
        documents = {d.name: d.data for d in render_version(checked.version)}
        sealed = _write_decision(folder, checked.text, _frozen_county_text(folder), documents, checked.values)
        typed = decision.paragraf.strip()
        if typed != checked.values["paragraf"]:
            sealed = replace(sealed, notices=(f"Paragrafen '{typed}' skrevs som '{checked.values['paragraf']}'.",))
        return replace(sealed, warnings=tuple(checked.warnings))


def seal_decided(version_dir: Path) -> Sealed:
    """Freeze and seal a version whose data already records its decision (e.g. an imported one)."""
    folder = Path(version_dir)
    _check_folder(folder)
    with Lock(folder, "forsegla"):
        _recover(folder)
        if seal.is_sealed(folder):
            validate_version(folder)  # a tampered seal is reported as such
            raise SchemaError(Problem(folder / SEAL_FILE, "versionen är redan förseglad",
                                      hint="Kontrollera den med samverkan kontrollera "
                                           f"{folder}."))
        version = validate_version(folder)
        if version.data.get("status") != "beslutad":
            raise SchemaError(version.agreement.problem(
                ("status",), "bara en beslutad version kan förseglas",
                hint="Registrera beslutet med samverkan beslut, som också förseglar versionen."))
        text = (folder / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
        documents = {d.name: d.data for d in render_version(version)}
        return _write_decision(folder, text, _frozen_county_text(folder), documents, version.data["beslut"],
                               data_changed=False)


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise DataError(Problem(folder, "versionsmappen finns inte"))


def _recover(folder: Path) -> None:
    """Complete what an interrupted earlier run left in ``folder`` (the lock is held)."""
    try:
        transaction.recover(folder)
    except OSError as exc:
        raise OutputError(Problem(folder, f"en avbruten körning kan inte slutföras ({os_reason(exc)})")) from exc


def _already_decided(version: Version, values: dict) -> Sealed:
    """Return the recorded decision when it is the one given; raise otherwise."""
    decided = version.data.get("beslut") or {}
    same = all(decided.get(k) == v for k, v in values.items()) and seal.is_sealed(version.folder)
    if same:
        return Sealed([], seal.digest(version.folder / SEAL_FILE), already=True)
    raise SchemaError(version.agreement.problem(
        ("status",), f"versionen är redan beslutad ({decided.get('organ')} {decided.get('datum')}, "
                     f"{decided.get('paragraf')})",
        hint=f"Ändringar görs i en ny version: samverkan ny {version.ref.kommun_dir} <ny version> "
             "--nytt-diarienummer <DNR>."))


def _decided_version(version: Version, text: str) -> Version:
    """Return the version as it will be once the decision is written, checked like any version."""
    own = load_text(version.folder / AGREEMENT_FILE, text)
    merged = merge(shared_part(version.county), own) if version.county is not None else own
    decided = Version(folder=version.folder, agreement=merged, plans=version.plans, county=version.county)
    problems = Validator().check(decided)
    if problems:
        raise SchemaError(problems)
    return decided


def _frozen_county_text(folder: Path) -> str | None:
    county = load_county(folder)
    if county is None:
        return None
    header = (f"# Länets gemensamma text ({county.known_file.name}) som den var när versionen beslutades.\n"
              "# Den beslutade versionen följer inte senare ändringar i länsfilen. Ändra inte filen.\n")
    body = yaml.safe_dump({COUNTY_SHARED_KEY: county.data.get(COUNTY_SHARED_KEY) or {}},
                          allow_unicode=True, sort_keys=False, width=100)
    return header + body


def _write_decision(folder: Path, text: str, frozen: str | None, documents: dict[str, bytes],
                    values: dict, data_changed: bool = True) -> Sealed:
    """Write archive, frozen county text, seal and data in one transaction (the lock is held)."""
    pending = {f"{ARCHIVE_FOLDER}/{name}": data for name, data in documents.items()}
    if data_changed:
        pending[AGREEMENT_FILE] = text.encode("utf-8")
    if frozen is not None:
        pending[FROZEN_COUNTY_FILE] = frozen.encode("utf-8")
    _refuse_foreign(folder, [n for n in pending if n != AGREEMENT_FILE] + [SEAL_FILE])
    seal_json = seal.seal_text(folder, values, pending).encode("utf-8")
    pending[SEAL_FILE] = seal_json
    written = transaction.apply(folder, pending, locked=True)
    return Sealed(written, seal.seal_digest(seal_json))


def _refuse_foreign(folder: Path, names: list[str]) -> None:
    """Raise OutputError for files the decision would create that already exist (not ours)."""
    taken = [folder / n for n in names if os.path.lexists(folder / n)]
    archive = folder / ARCHIVE_FOLDER
    if os.path.lexists(archive) and (os.path.islink(archive) or not archive.is_dir()):
        taken.append(archive)
    if taken:
        raise OutputError([Problem(path, "finns redan; beslutet skriver inte över den",
                                   hint="Flytta filen, som inte är skriven av samverkan, och försök igen.")
                           for path in taken])

"""A version's life: start a new draft from the latest version, record and seal the decision.

``ny`` never overwrites a version's data; ``beslut`` writes the decision into the
data, freezes the county's shared text and the documents as decided, and seals
the version. Both prepare everything first and only then write, so a failure
leaves the data as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import output, rules, schema, seal, yamledit
from .errors import DataError, OutputError, Problem, SchemaError, os_reason
from .load import load_text, load_yaml, merge
from .render import render_version
from .validate import validate_version
from .version import (AGREEMENT_FILE, ARCHIVE_FOLDER, COUNTY_SHARED_KEY, FROZEN_COUNTY_FILE, PLANS_FOLDER,
                      Version, find_versions, load_county, plan_files, shared_part)

_VERSION_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


# --- ny ----------------------------------------------------------------------------------------

def latest_version(kommun_dir: Path) -> Path:
    """Return the kommun's latest version folder: the one with the latest date (then name)."""
    kommun_dir = Path(kommun_dir)
    if not kommun_dir.is_dir():
        raise DataError(Problem(kommun_dir, "kommunmappen finns inte"))
    folders = [f for f in find_versions(kommun_dir) if f.parent == kommun_dir]
    if not folders:
        raise DataError(Problem(kommun_dir, "kommunen har ingen version att utgå från"))
    dated = []
    for folder in folders:
        data = load_yaml(folder / AGREEMENT_FILE).data
        when = data.get("datum") if isinstance(data.get("datum"), dt.date) else dt.date.min
        dated.append((when, folder.name, folder))
    return max(dated)[2]


def start_version(kommun_dir: Path, name: str, today: dt.date | None = None) -> tuple[Path, Path]:
    """Create draft ``name`` from the kommun's latest version; return (new folder, source folder)."""
    kommun_dir = Path(kommun_dir)
    if not _VERSION_NAME.fullmatch(name):
        raise SchemaError(Problem(kommun_dir / name, f"'{name}' kan inte vara namnet på en version",
                                  hint="Använd bokstäverna a–z, siffror, punkt, bindestreck och understreck, "
                                       "t.ex. 2027."))
    target = kommun_dir / name
    if target.exists():
        raise SchemaError(Problem(target, "versionen finns redan; ingenting skrevs över",
                                  hint="Välj ett annat namn på den nya versionen."))
    source = latest_version(kommun_dir)
    validate_version(source)
    text = (source / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
    text = yamledit.set_field(text, "version", name)
    text = yamledit.set_field(text, "status", "utkast")
    text = yamledit.set_field(text, "datum", today or dt.date.today())
    text = yamledit.set_field(text, "föregående_version", source.name, after="diarienummer")
    text = yamledit.remove_field(text, "beslut")
    text = yamledit.remove_field(text, "beredning")
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=kommun_dir))
    try:
        staging.chmod(output.default_mode(directory=True))
        (staging / AGREEMENT_FILE).write_text(text, encoding="utf-8")
        plans = plan_files(source)
        if plans:
            (staging / PLANS_FOLDER).mkdir()
            for plan in plans:
                shutil.copy2(plan, staging / PLANS_FOLDER / plan.name)
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(Problem(target, f"den nya versionen kunde inte skapas ({os_reason(exc)})")) from exc
    return target, source


# --- beslut --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A decision as the secretary types it after the meeting."""

    organ: str
    datum: str
    paragraf: str
    diarienummer: str


def _decision_data(decision: Decision, folder: Path) -> dict:
    text = decision.datum.strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(text)
        when = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SchemaError(Problem(folder, f"'{decision.datum}' är inget giltigt datum", field="--datum",
                                  hint="Skriv beslutsdatumet som ÅÅÅÅ-MM-DD, t.ex. 2023-02-13.")) from exc
    if when > dt.date.today():
        raise SchemaError(Problem(folder, f"beslutsdatumet {when.isoformat()} ligger i framtiden", field="--datum",
                                  hint="Registrera beslutet efter sammanträdet, med dagens eller ett tidigare datum."))
    for option in ("organ", "paragraf", "diarienummer"):
        value = getattr(decision, option)
        found = rules.XML_FORBIDDEN.search(value) or re.search(r"[\x00-\x1f]", value)
        if found:
            raise SchemaError(Problem(folder, f"innehåller styrtecknet U+{ord(found.group()):04X}",
                                      field=f"--{option}", hint="Skriv värdet utan styrtecken."))
    values = {"organ": decision.organ.strip(), "datum": when, "paragraf": decision.paragraf.strip(),
              "diarienummer": decision.diarienummer.strip()}
    empty = [k for k, v in values.items() if v == ""]
    if empty:
        raise SchemaError([Problem(folder, "får inte vara tomt", field=f"--{k}") for k in empty])
    return values


def record_decision(version_dir: Path, decision: Decision) -> list[Path]:
    """Record the decision in a draft, freeze and seal it; return the files written."""
    folder = Path(version_dir)
    _discard_interrupted_decision(folder)
    version = validate_version(folder)
    if version.data.get("status") == "beslutad":
        decided = version.data.get("beslut") or {}
        raise SchemaError(version.agreement.problem(
            ("status",), f"versionen är redan beslutad ({decided.get('organ')} {decided.get('datum')}, "
                         f"{decided.get('paragraf')})",
            hint=f"Ändringar görs i en ny version: samverkan ny {folder.resolve().parent} <ny version>."))
    values = _decision_data(decision, folder)
    text = (folder / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
    text = yamledit.set_field(text, "status", "beslutad")
    text = yamledit.set_field(text, "beslut", values)
    decided = _decided_version(version, text)
    documents = render_version(decided)
    frozen = _frozen_county_text(folder)
    return _write_decision(folder, text, frozen, {d.name: d.data for d in documents}, values)


def seal_decided(version_dir: Path) -> list[Path]:
    """Freeze and seal a version whose data already records its decision (e.g. an imported one)."""
    folder = Path(version_dir)
    if seal.is_sealed(folder):
        raise SchemaError(Problem(folder / seal.SEAL_FILE, "versionen är redan förseglad"))
    version = validate_version(folder)
    if version.data.get("status") != "beslutad":
        raise SchemaError(version.agreement.problem(
            ("status",), "bara en beslutad version kan förseglas",
            hint="Registrera beslutet med samverkan beslut, som också förseglar versionen."))
    text = (folder / AGREEMENT_FILE).read_text(encoding="utf-8-sig")
    documents = {d.name: d.data for d in render_version(version)}
    return _write_decision(folder, text, _frozen_county_text(folder), documents, version.data["beslut"],
                           data_changed=False)


def _discard_interrupted_decision(folder: Path) -> None:
    """Remove what an interrupted `beslut` left behind (a seal beside a draft)."""
    if not seal.is_sealed(folder):
        return
    data = load_yaml(folder / AGREEMENT_FILE).data
    if data.get("status") != "utkast":
        return
    for leftover in (folder / seal.SEAL_FILE, folder / FROZEN_COUNTY_FILE):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(folder / ARCHIVE_FOLDER, ignore_errors=True)


def _decided_version(version: Version, text: str) -> Version:
    """Return the version as it will be once the decision is written, checked like any version."""
    own = load_text(version.folder / AGREEMENT_FILE, text)
    merged = merge(shared_part(version.county), own) if version.county is not None else own
    decided = Version(folder=version.folder, agreement=merged, plans=version.plans, county=version.county)
    problems = schema.check(merged, "overenskommelse") + rules.check_version(decided, decided.plans)
    if problems:
        raise SchemaError(problems)
    return decided


def _frozen_county_text(folder: Path) -> str | None:
    county = load_county(folder)
    if county is None:
        return None
    header = (f"# Länets gemensamma text ({county.file.name}) som den var när versionen beslutades.\n"
              "# Den beslutade versionen följer inte senare ändringar i länsfilen. Ändra inte filen.\n")
    body = yaml.safe_dump({COUNTY_SHARED_KEY: county.data.get(COUNTY_SHARED_KEY) or {}},
                          allow_unicode=True, sort_keys=False, width=100)
    return header + body


def _write_decision(folder: Path, text: str, frozen: str | None, documents: dict[str, bytes],
                    values: dict, data_changed: bool = True) -> list[Path]:
    """Write archive, frozen county text and seal, and the data last.

    If this is interrupted, the seal stands beside a draft; the next `beslut`
    sees that and starts over, and validation refuses the half-decided version.
    """
    pending = {f"{ARCHIVE_FOLDER}/{name}": data for name, data in documents.items()}
    pending[AGREEMENT_FILE] = text.encode("utf-8")
    if frozen is not None:
        pending[FROZEN_COUNTY_FILE] = frozen.encode("utf-8")
    seal_json = seal.seal_text(folder, values, pending).encode("utf-8")
    written = output.write_all(folder / ARCHIVE_FOLDER, documents)
    if frozen is not None:
        written += output.write_all(folder, {FROZEN_COUNTY_FILE: pending[FROZEN_COUNTY_FILE]})
    written += output.write_all(folder, {seal.SEAL_FILE: seal_json})
    if data_changed:
        written += output.write_all(folder, {AGREEMENT_FILE: pending[AGREEMENT_FILE]})
    return written

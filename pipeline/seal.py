"""The seal of a decided version: a checksum of every file it consists of, kept beside it.

``samverkan beslut`` writes ``sigill.json``; from then on validation refuses the
version if any file it lists has changed, disappeared, or a data file was added,
naming the files. What kommunstyrelsen approved is never silently altered.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import Problem
from .version import AGREEMENT_FILE, ARCHIVE_FOLDER, FROZEN_COUNTY_FILE, plan_files

SEAL_FILE = "sigill.json"


def sealed_files(folder: Path) -> list[Path]:
    """Return every file of a version that a seal covers: data, frozen county text, archive."""
    files = [folder / AGREEMENT_FILE, folder / FROZEN_COUNTY_FILE] + plan_files(folder)
    archive = folder / ARCHIVE_FOLDER
    if archive.is_dir():
        files += sorted(archive.glob("*.docx"))
    return [f for f in files if f.is_file()]


def digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seal_text(folder: Path, decision: dict, pending: dict[str, bytes]) -> str:
    """Return the JSON text of a seal over the version in ``folder`` once ``pending`` is written.

    ``pending`` maps file names relative to the folder to the bytes they will hold.
    """
    files = {p.relative_to(folder).as_posix(): digest(p) for p in sealed_files(folder)}
    files.update({name: hashlib.sha256(data).hexdigest() for name, data in pending.items()})
    record = {"beslut": {k: str(v) for k, v in decision.items()}, "sha256": files}
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def is_sealed(folder: Path) -> bool:
    """``True`` when the version has a seal."""
    return (folder / SEAL_FILE).is_file()


def check(folder: Path) -> list[Problem]:
    """Return a problem for every file of a sealed version that differs from its seal."""
    path = folder / SEAL_FILE
    if not path.is_file():
        if (folder / ARCHIVE_FOLDER).is_dir() or (folder / FROZEN_COUNTY_FILE).is_file():
            return [Problem(path, "sigillet saknas, men versionen har förseglats (beslutat/ och "
                                  f"{FROZEN_COUNTY_FILE} finns)",
                            hint="Återställ sigill.json från säkerhetskopia eller versionshantering; "
                                 "ändringar görs i en ny version.")]
        return []
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        files = record["sha256"]
        decision = record.get("beslut", {})
    except (OSError, ValueError, KeyError, TypeError):
        return [Problem(path, "sigillet kan inte läsas; versionens innehåll kan inte bekräftas",
                        hint="Återställ sigill.json från säkerhetskopia eller versionshantering.")]
    when = f"{decision.get('organ', 'beslutsorganet')} {decision.get('datum', '')}".strip()
    hint = (f"Versionen beslutades av {when} och är förseglad. Återställ filen, eller gör ändringen i en "
            f"ny version: samverkan ny {folder.resolve().parent} <ny version>.")
    problems = []
    for name, expected in sorted(files.items()):
        file = folder / name
        if not file.is_file():
            problems.append(Problem(file, "filen har tagits bort sedan versionen beslutades", hint=hint))
        elif digest(file) != expected:
            problems.append(Problem(file, "filen har ändrats sedan versionen beslutades", hint=hint))
    for file in sealed_files(folder):
        if file.relative_to(folder).as_posix() not in files:
            problems.append(Problem(file, "filen har lagts till sedan versionen beslutades", hint=hint))
    return problems

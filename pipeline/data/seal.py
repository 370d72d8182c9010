"""The seal of a decided version: a checksum of every file it consists of, kept beside it.

``samverkan beslut`` writes ``sigill.json``; from then on validation refuses the
version if any file it lists has changed, disappeared, or a data file was added,
naming the files. What kommunstyrelsen approved is never silently altered.

The checksums catch accidental change, not a determined editor, who could
change a file and write a new seal. For that, the seal itself has one digest
(SHA-256 over ``sigill.json``), printed when the decision is recorded and in the
tjänsteskrivelse's Beslutsunderlag; the copy in the kommun's diarium is the
outside anchor that :func:`verify` compares with.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from pipeline.data.version import plan_files
from pipeline.errors import DataError, Problem, os_reason
from pipeline.layout import AGREEMENT_FILE, ARCHIVE_FOLDER, FROZEN_COUNTY_FILE, SEAL_FILE

_HEX = re.compile(r"[0-9a-f]{64}")


def grouped(digest: str) -> str:
    """Return a digest as a document prints it: in groups of four ("9c96 7757 a717 …"), so that
    a line breaks only between groups and the eye can compare it group by group."""
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def sealed_files(folder: Path) -> list[Path]:
    """Return every file of a version that a seal covers: data, frozen county text, archive."""
    files = [folder / AGREEMENT_FILE, folder / FROZEN_COUNTY_FILE] + plan_files(folder)
    archive = folder / ARCHIVE_FOLDER
    if archive.is_dir() and not archive.is_symlink():
        files += sorted(p for p in archive.iterdir() if p.suffix.lower() == ".docx")
    return [f for f in files if os.path.lexists(f)]


def digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes; raise DataError if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError as exc:
        raise DataError(Problem(path, f"filen kan inte läsas ({os_reason(exc)})")) from exc


def seal_text(folder: Path, decision: dict, pending: dict[str, bytes]) -> str:
    """Return the JSON text of a seal over the version in ``folder`` once ``pending`` is written.

    ``pending`` maps file names relative to the folder to the bytes they will hold.
    """
    files = {p.relative_to(folder).as_posix(): digest(p) for p in sealed_files(folder)}
    files.update({name: hashlib.sha256(data).hexdigest() for name, data in pending.items()})
    record = {"beslut": {k: str(v) for k, v in decision.items()}, "sha256": files}
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def seal_digest(text: bytes) -> str:
    """Return the digest of a seal: SHA-256 over the bytes of ``sigill.json``."""
    return hashlib.sha256(text).hexdigest()


def is_sealed(folder: Path) -> bool:
    """``True`` when the version has a seal."""
    return os.path.lexists(folder / SEAL_FILE)


def read(folder: Path) -> tuple[dict, dict[str, str]]:
    """Return the seal's decision and its checksums (name → sha256); raise DataError if the seal
    is not one that samverkan wrote."""
    path = folder / SEAL_FILE
    try:
        if os.path.islink(path) or not path.is_file():
            raise ValueError("not a file")
        record = json.loads(path.read_text(encoding="utf-8"))
        files, decision = record["sha256"], record.get("beslut", {})
        if not (isinstance(files, dict) and isinstance(decision, dict) and files
                and all(isinstance(k, str) and _inside(folder, k) and isinstance(v, str) and _HEX.fullmatch(v)
                        for k, v in files.items())
                and all(isinstance(v, str) for v in decision.values())):
            raise ValueError("wrong shape")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(Problem(path, "sigillet kan inte läsas eller har fel form; versionens innehåll kan inte "
                                      "bekräftas",
                                hint="Återställ sigill.json från säkerhetskopia eller versionshantering.")) from exc
    return decision, files


def check(folder: Path) -> list[Problem]:
    """Return a problem for every file of a sealed version that differs from its seal."""
    path = folder / SEAL_FILE
    if not os.path.lexists(path):
        if (folder / ARCHIVE_FOLDER).is_dir() or (folder / FROZEN_COUNTY_FILE).is_file():
            return [Problem(path, "sigillet saknas, men versionen har förseglats (beslutat/ och "
                                  f"{FROZEN_COUNTY_FILE} finns)",
                            hint="Återställ sigill.json från säkerhetskopia eller versionshantering; "
                                 "ändringar görs i en ny version.")]
        return []
    try:
        decision, files = read(folder)
    except DataError as exc:
        return exc.problems
    when = f"{decision.get('organ', 'beslutsorganet')} {decision.get('datum', '')}".strip()
    hint = (f"Versionen beslutades av {when} och är förseglad. Återställ filen, eller gör ändringen i en "
            f"ny version: samverkan ny {folder.resolve().parent} <ny version> --nytt-diarienummer <DNR>.")
    problems = []
    for name, expected in sorted(files.items()):
        file = folder / name
        if not _inside(folder, name) or not os.path.lexists(file):
            problems.append(Problem(file, "filen har tagits bort sedan versionen beslutades", hint=hint))
            continue
        try:
            actual = digest(file)
        except DataError as exc:
            problems += exc.problems
            continue
        if actual != expected:
            problems.append(Problem(file, "filen har ändrats sedan versionen beslutades", hint=hint))
    for file in sealed_files(folder):
        if file.relative_to(folder).as_posix() not in files:
            problems.append(Problem(file, "filen har lagts till sedan versionen beslutades", hint=hint))
    return problems


def verify(folder: Path, expected: str | None) -> tuple[str, list[Problem]]:
    """Return the seal's digest and every problem: files against the seal, and the seal against
    ``expected`` (the digest kept in the diarium), when given."""
    path = folder / SEAL_FILE
    if not os.path.lexists(path):
        return "", [Problem(path, "versionen är inte förseglad",
                            hint="En version förseglas när beslutet registreras (samverkan beslut).")]
    problems = check(folder)
    try:
        actual = digest(path)
    except DataError as exc:
        return "", problems + exc.problems
    if expected is not None and "".join(expected.split()).lower() != actual:  # as printed, in groups, or whole
        problems.append(Problem(path, f"sigillets kontrollsumma är {actual}, inte {expected.strip()} som "
                                      "angavs; sigillet har bytts ut eller ändrats",
                                hint="Jämför med kontrollsumman i beslutsunderlaget i kommunens diarium."))
    return actual, problems


def _inside(folder: Path, name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts and "\\" not in name

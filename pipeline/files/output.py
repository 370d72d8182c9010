"""Write output files all-or-nothing, and only over files this program wrote itself.

Every output folder has a list of the files samverkan wrote there, with their
checksums (``.samverkan-filer.json``). A file is ours when it is in the list and
still has the checksum we wrote; anything else in the folder – a file a user
put there, or one of ours that someone has since edited – is never overwritten
or deleted. Nothing is written through a link. The files and the list change
together in one :mod:`transaction`, so a killed run leaves either the old files
or the new ones.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import OutputError, Problem, os_reason
from pipeline.files import transaction
from pipeline.files.lock import LOCK_FILE, Lock

LEDGER = ".samverkan-filer.json"
_OWN_NAMES = {LEDGER, LOCK_FILE, transaction.JOURNAL}


@dataclass
class Result:
    """What a write did: the files written and the earlier outputs removed."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def prepare_folder(folder: Path, within: Path | None = None) -> Path:
    """Create ``folder`` (and the folders between ``within`` and it) and return it.

    No folder between ``within`` and ``folder`` may be a link; raise OutputError
    if one is, or if the folder cannot be created or written.
    """
    folder = Path(folder)
    base = Path(within) if within is not None else folder
    try:
        steps = [base] + [base / Path(*folder.relative_to(base).parts[:i + 1])
                          for i in range(len(folder.relative_to(base).parts))]
    except ValueError:
        steps = [folder]
    for step in steps:
        _make_folder(step, refuse_link=step != base)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(Problem(folder, "utdatamappen är skrivskyddad",
                                  hint="Välj en annan mapp med --out, eller ändra mappens behörigheter."))
    return folder


def _make_folder(folder: Path, refuse_link: bool) -> None:
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    except NotADirectoryError as exc:
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en del av sökvägen är en fil")) from exc
    except OSError as exc:
        raise OutputError(Problem(folder, f"utdatamappen kan inte läsas ({os_reason(exc)})")) from exc
    if info is not None and stat.S_ISLNK(info.st_mode):
        if refuse_link:
            raise OutputError(Problem(folder, "är en länk; samverkan skriver inte genom länkar",
                                      hint="Ta bort länken, eller välj en annan mapp med --out."))
        raise OutputError(Problem(folder, "utdatamappen är en länk; samverkan skriver inte genom länkar",
                                  hint=f"Ange mappen som länken pekar på: --out {folder.resolve()}"))
    if info is not None and not stat.S_ISLNK(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en fil med samma namn finns"))
    if info is not None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en fil med samma namn finns")) from exc
    except NotADirectoryError as exc:
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en del av sökvägen är en fil")) from exc
    except OSError as exc:
        raise OutputError(Problem(folder, f"utdatamappen kan inte skapas ({os_reason(exc)})")) from exc


def write_all(folder: Path, files: dict[str, bytes], *, stale: tuple[str, ...] = (),
              within: Path | None = None) -> list[Path]:
    """Write every file into ``folder``, all of them or none, and return their paths in order.

    ``stale`` are name patterns of earlier outputs (e.g. ``bilaga-*.docx``): those
    of ours not written now are removed in the same change. ``within`` is the
    output root below which no folder may be a link (default: ``folder``).
    """
    return publish(folder, files, stale=stale, within=within).written


def publish(folder: Path, files: dict[str, bytes], *, stale: tuple[str, ...] = (), remove: tuple[str, ...] = (),
            within: Path | None = None, replace: tuple[str, ...] = ()) -> Result:
    """Write ``files`` and remove our own files matching ``stale`` (not written now) or named in
    ``remove``; return what was written and removed. Foreign files are never touched; names in
    ``replace`` (state files such as the manifest) may be written over once this program wrote
    them, even if they were changed since."""
    folder = prepare_folder(folder, within)
    with Lock(folder, "skriver utdata"):
        try:
            transaction.recover(folder)
        except OSError as exc:
            raise OutputError(Problem(folder, f"en avbruten skrivning kan inte slutföras ({os_reason(exc)})")) from exc
        ledger = Ledger.read(folder)
        _check_targets(folder, files, ledger, replace)
        removed = _removals(folder, ledger, set(files), stale, remove)
        for name in removed:
            ledger.files.pop(name, None)
        for name, data in files.items():
            ledger.files[name] = {"sha256": transaction.sha256(data), "storlek": len(data)}
        writes = dict(files)
        writes[LEDGER] = ledger.encode()
        written = transaction.apply(folder, writes, removed, locked=True)
    return Result(written[:-1], [folder / name for name in removed])


def remove_owned(folder: Path, names: list[str], within: Path | None = None) -> list[Path]:
    """Remove those of ``names`` in ``folder`` that this program wrote and nobody changed;
    return them. Missing folders, foreign files and links are left alone."""
    folder = Path(folder)
    try:
        info = os.lstat(folder)
    except OSError:
        return []
    if not stat.S_ISDIR(info.st_mode):
        return []
    return publish(folder, {}, remove=tuple(names), within=within).removed


def owns(folder: Path, name: str) -> bool:
    """``True`` when ``folder/name`` is a file this program wrote and nobody has changed since."""
    return Ledger.read(Path(folder)).owns(Path(folder), name)


def _check_targets(folder: Path, files: dict[str, bytes], ledger: Ledger, replace=()) -> None:
    """Raise OutputError for every target name that is taken by something not ours."""
    problems = []
    for name in files:
        if "/" in name or "\\" in name or name in ("", ".", "..") or name in _OWN_NAMES:
            problems.append(Problem(folder / name, "ogiltigt filnamn för utdata"))
            continue
        target = folder / name
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode):
            problems.append(Problem(target, "kan inte skrivas: det finns en mapp med samma namn"))
        elif stat.S_ISLNK(info.st_mode):
            problems.append(Problem(target, "kan inte skrivas: det finns en länk med samma namn, och "
                                            "samverkan skriver inte genom länkar",
                                    hint="Ta bort länken eller välj en annan mapp med --out."))
        elif not ledger.owns(folder, name) and not (name in replace and name in ledger.files):
            problems.append(Problem(target, "filen finns redan och är inte skriven av samverkan (eller har "
                                            "ändrats sedan); den skrivs inte över",
                                    hint="Flytta eller byt namn på filen, eller välj en annan mapp med --out."))
    if problems:
        raise OutputError(problems)


def _removals(folder: Path, ledger: Ledger, keep: set[str], stale, remove) -> list[str]:
    """Return the names of our files to remove: matching ``stale`` and not kept, or in ``remove``."""
    names = [n for n in ledger.files if n not in keep and any(fnmatch.fnmatchcase(n, p) for p in stale)]
    names += [n for n in remove if n not in names and n not in keep]
    result = []
    for name in names:
        if ledger.owns(folder, name):
            result.append(name)
        elif not transaction.exists(folder / name):
            ledger.files.pop(name, None)  # gone already
    return result


class Ledger:
    """The list of files samverkan wrote in one folder, with their checksums."""

    FORMAT = 1

    def __init__(self, files: dict[str, dict] | None = None):
        self.files: dict[str, dict] = files or {}

    @classmethod
    def read(cls, folder: Path) -> Ledger:
        """Return the folder's list; an unreadable or malformed one counts as empty (nothing is
        ours, so nothing is overwritten or removed)."""
        path = folder / LEDGER
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return cls()
            with open(path, "rb") as handle:
                data = json.loads(handle.read().decode("utf-8"))
            files = data["filer"] if data.get("format") == cls.FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()
        if not isinstance(files, dict):
            return cls()
        return cls({name: record for name, record in files.items()
                    if isinstance(name, str) and "/" not in name and "\\" not in name and name not in ("..", ".")
                    and isinstance(record, dict) and isinstance(record.get("sha256"), str)
                    and isinstance(record.get("storlek"), int)})

    def owns(self, folder: Path, name: str) -> bool:
        """``True`` when ``name`` is listed and the file on disk is a plain file with its checksum."""
        record = self.files.get(name)
        if record is None:
            return False
        path = folder / name
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size != record["storlek"]:
                return False
            with open(path, "rb") as handle:
                return hashlib.sha256(handle.read()).hexdigest() == record["sha256"]
        except OSError:
            return False

    def encode(self) -> bytes:
        """Return the list as JSON bytes."""
        data = {"format": self.FORMAT,
                "om": "Filer som samverkan har skrivit i mappen. Bara dessa skrivs över eller tas bort.",
                "filer": dict(sorted(self.files.items()))}
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def adopt(folder: Path, files: dict[str, str]) -> None:
    """Add files that an earlier version of samverkan wrote (name → sha256 from a manifest) to the
    folder's list, where the file on disk still has that checksum."""
    folder = Path(folder)
    ledger = Ledger.read(folder)
    found = {}
    for name, digest in files.items():
        if name in ledger.files or "/" in name:
            continue
        path = folder / name
        try:
            if stat.S_ISREG(os.lstat(path).st_mode) and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                found[name] = {"sha256": digest, "storlek": path.stat().st_size}
        except OSError:
            continue
    if found:
        ledger.files.update(found)
        with Lock(folder, "skriver utdata"):
            transaction.apply(folder, {LEDGER: ledger.encode()}, locked=True)


def check_output_place(data: Path, out: Path) -> None:
    """Raise OutputError when the output folder is inside the data folder (or the reverse)."""
    data_resolved, out_resolved = Path(data).resolve(), Path(out).resolve()
    if out_resolved == data_resolved or out_resolved.is_relative_to(data_resolved):
        raise OutputError(Problem(out, f"utdatamappen ligger i datamappen {data}",
                                  hint="Välj en mapp utanför data, t.ex. --out ut i projektmappen."))
    if data_resolved.is_relative_to(out_resolved):
        raise OutputError(Problem(out, f"datamappen {data} ligger i utdatamappen",
                                  hint="Välj en utdatamapp som inte innehåller data."))


def check_file_place(data: Path, target: Path) -> None:
    """Raise OutputError when a single file the user named would land inside the data folder.

    A named file may go anywhere else (the folder rule of :func:`check_output_place` is for
    commands that own a whole output folder); it is still written all or nothing, never through
    a link and never over a file samverkan did not write (:func:`write_all`)."""
    folder = Path(target).parent if str(Path(target).parent) else Path(".")
    data_resolved, folder_resolved = Path(data).resolve(), folder.resolve()
    if folder_resolved == data_resolved or folder_resolved.is_relative_to(data_resolved):
        raise OutputError(Problem(target, f"filen skulle hamna i datamappen {data}, där bara data hör hemma",
                                  hint="Ange en fil utanför datamappen, t.ex. i projektmappen."))


"""Changes to several files in one folder that happen all or not at all, even after a kill.

A change is made in three steps, under the folder's lock:

1. every new file is written completely beside its target, as a temporary file
   with a name only this program makes (``.samverkan-tmp-…``), and every file
   that will be replaced or removed gets a second name (a hard link) as backup;
2. a journal (``.samverkan-journal.json``) listing the temporary files, their
   targets and checksums, the backups, and the files to remove, is written in
   one atomic rename – the moment the change is decided;
3. the temporary files are renamed onto their targets, the removals made, and
   the backups and the journal deleted.

If the process dies before step 2, the temporary files are leftovers, removed
the next time; nothing else was touched. If it dies after, the journal is there
and the next command that touches the folder completes the change. If step 3
fails while the process lives (a file held open by Word on Windows, a full
disk), the backups put everything back as it was. Every file system call goes
through ``os`` in this module, so tests can fail the k-th one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path, PurePosixPath

from pipeline import platform
from pipeline.errors import OutputError, Problem, os_reason
from pipeline.files.lock import LOCK_FILE, Busy, Lock, describe, holder_of

JOURNAL = ".samverkan-journal.json"
TEMP_PREFIX = ".samverkan-tmp-"


def apply(root: Path, writes: dict[str, bytes], removes: Sequence[str] = (), *, locked: bool = False,
          purpose: str = "skriver") -> list[Path]:
    """Write ``writes`` (relative path → bytes) and remove ``removes`` under ``root``, all or
    nothing; return the paths written. ``locked``: the caller already holds the folder's lock."""
    root = Path(root)
    for name in list(writes) + list(removes):
        check_relative(root, name)
    with nullcontext() if locked else Lock(root, purpose):
        try:
            recover(root)
            journal = _stage(root, writes, removes)
        except OSError as exc:
            raise OutputError(Problem(root, f"ändringen kunde inte förberedas ({os_reason(exc)})",
                                      hint="Ingenting ändrades.")) from exc
        try:
            _complete(root, journal)
        except OSError as exc:
            raise _failed(root, journal, exc) from exc
        except OutputError:
            _roll_back(root, journal)
            raise
    return [root / name for name in writes]


def _failed(root: Path, journal: dict, exc: OSError) -> OutputError:
    """Undo a change that failed half-way and return the error to raise."""
    try:
        _roll_back(root, journal)
    except OSError:
        return OutputError(Problem(root, f"ändringen avbröts ({os_reason(exc)}) och kunde inte ångras nu",
                                   hint="Den slutförs nästa gång ett kommando används på mappen. Stäng "
                                        "dokument som är öppna i Word."))
    return OutputError(Problem(root, f"ändringen kunde inte göras ({os_reason(exc)}); allt är som förut",
                               hint="Stäng dokument som är öppna i Word eller ett annat program och försök "
                                    "igen."))


def settle(root: Path, strict: bool = True) -> None:
    """Make ``root`` ready to read: complete an interrupted change and clear what a killed run
    left; raise if another run is changing it now (return quietly when not ``strict``)."""
    root = Path(root)
    journal, lock = exists(root / JOURNAL), exists(root / LOCK_FILE)
    if not journal and not lock and not _leftovers(root):
        return
    holder = holder_of(root) if lock else None
    if holder is not None and holder.get("pid") == os.getpid() and holder.get("dator") == platform.hostname():
        return  # this process holds the lock and has completed any earlier change
    if holder is not None and not strict:
        return
    if holder is not None:
        raise Busy(Problem(root, f"mappen ändras just nu av en annan körning ({describe(holder)})",
                           hint="Vänta tills den är klar och försök igen."))
    if journal:
        tidy(root)
        return
    with contextlib.suppress(OutputError, OSError):
        tidy(root)  # only leftovers: reading goes on even where they cannot be removed


def _leftovers(root: Path) -> bool:
    """``True`` when ``root`` holds temporary files of an earlier, killed run."""
    try:
        with os.scandir(root) as entries:
            return any(entry.name.startswith(TEMP_PREFIX) for entry in entries)
    except OSError:
        return False


def tidy(root: Path) -> None:
    """Complete an interrupted change in ``root`` and remove leftovers, if no one is writing there."""
    try:
        with Lock(root, "slutför en avbruten ändring"):
            recover(root)
    except OSError as exc:
        raise OutputError(Problem(root, f"en avbruten ändring kan inte slutföras ({os_reason(exc)})",
                                  hint="Kontrollera att mappen går att skriva i och försök igen.")) from exc


def recover(root: Path) -> bool:
    """Finish a journalled change (forward, or back if it was being undone) and remove leftovers
    of an undecided one; the lock is held. Return ``True`` when a change was finished."""
    completed = False
    journal_path = root / JOURNAL
    if exists(journal_path):
        journal = _read_journal(journal_path)
        if journal.get("ångra"):
            _roll_back(root, journal)
        else:
            _complete(root, journal)
        completed = True
    with os.scandir(root) as entries:
        leftovers = [(e.path, e.is_dir(follow_symlinks=False)) for e in entries if e.name.startswith(TEMP_PREFIX)]
    for path, folder in leftovers:
        if folder:
            _remove_tree(Path(path))
        else:
            os.unlink(path)
    return completed


def _remove_tree(folder: Path) -> None:
    """Remove a temporary folder this program made (e.g. an interrupted new version), links
    inside it removed as links, never followed."""
    with os.scandir(folder) as entries:
        children = [(Path(e.path), e.is_dir(follow_symlinks=False)) for e in entries]
    for child, is_folder in children:
        if is_folder:
            _remove_tree(child)
        else:
            os.unlink(child)
    os.rmdir(folder)


def check_relative(root: Path, name: str) -> PurePosixPath:
    """Return ``name`` as a safe relative path below ``root``; raise OutputError otherwise."""
    path = PurePosixPath(name)
    if (not name or not path.parts or "\\" in name or path.is_absolute() or ":" in path.parts[0]
            or any(part in ("", ".", "..") for part in path.parts) or name != path.as_posix()):
        raise OutputError(Problem(root, f"sökvägen '{name}' leder utanför mappen och används inte"))
    return path


def sha256(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as hex."""
    return hashlib.sha256(data).hexdigest()


# --- the steps --------------------------------------------------------------------------------

def _stage(root: Path, writes: dict[str, bytes], removes) -> dict:
    """Write every new file and every backup beside the folder, then the journal; return it."""
    token = os.urandom(6).hex()
    made: list[str] = []

    def temporary(kind: str, index: int) -> str:
        name = f"{TEMP_PREFIX}{token}-{kind}{index}"
        made.append(name)
        return name

    try:
        writes_list = []
        for index, (name, data) in enumerate(writes.items()):
            entry = {"tmp": temporary("n", index), "mål": name, "sha256": sha256(data),
                     "kopia": _backup(root, name, temporary("b", index))}
            write_new(root / entry["tmp"], data)
            writes_list.append(entry)
        removes_list = [{"mål": name, "kopia": _backup(root, name, temporary("r", index))}
                        for index, name in enumerate(removes)]
        journal = {"format": 1, "skriv": writes_list, "ta_bort": removes_list,
                   "nya_mappar": _new_folders(root, writes)}
        _write_journal(root, journal, temporary("j", 0))  # the change is decided here
    except BaseException:
        for name in made:
            with contextlib.suppress(OSError):
                os.unlink(root / name)
        raise
    return journal


def _new_folders(root: Path, writes: dict) -> list[str]:
    """Return the folders the change will create (deepest last), to remove them if it is undone."""
    folders = []
    for name in writes:
        parts = PurePosixPath(name).parts[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in folders and not exists(root / folder):
                folders.append(folder)
    return folders


def _backup(root: Path, name: str, backup: str) -> str | None:
    """Give an existing target a second name, so the change can be undone; return that name."""
    target = root / name
    if not exists(target) or _is_link_or_folder(target):
        return None
    try:
        os.link(target, root / backup)
    except OSError:
        return None  # a file system without hard links: the change can only be completed
    return backup


def _write_journal(root: Path, journal: dict, temporary: str) -> None:
    write_new(root / temporary, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
    os.replace(root / temporary, root / JOURNAL)
    platform.fsync_folder(root)


def _complete(root: Path, journal: dict) -> None:
    """Move the journal's files into place, make its removals, then delete backups and journal."""
    for entry in journal["skriv"]:
        target = root / entry["mål"]
        temporary = root / entry["tmp"]
        if not exists(temporary):
            continue  # moved before an interruption
        _make_parents(root, target)
        if _is_link_or_folder(target):
            raise OutputError(Problem(target, "målet är en länk eller en mapp; ändringen slutförs inte",
                                      hint=f"Ta bort {target} och kör kommandot igen."))
        os.replace(temporary, target)
    for entry in journal["ta_bort"]:
        target = root / entry["mål"]
        if exists(target) and not _is_link_or_folder(target):
            os.unlink(target)
    platform.fsync_folder(root)
    _finish(root, journal)


def _roll_back(root: Path, journal: dict) -> None:
    """Put every file back as it was before the change, then delete backups and journal."""
    if not journal.get("ångra"):
        journal = dict(journal, ångra=True)
        _write_journal(root, journal, f"{TEMP_PREFIX}{os.urandom(6).hex()}-j1")
    for entry in journal["skriv"]:
        target, temporary = root / entry["mål"], root / entry["tmp"]
        if exists(temporary):
            os.unlink(temporary)  # never moved
        elif entry["kopia"] and exists(root / entry["kopia"]):
            os.replace(root / entry["kopia"], target)
        elif not entry["kopia"] and exists(target):
            os.unlink(target)  # it did not exist before
    for entry in journal["ta_bort"]:
        target = root / entry["mål"]
        if entry["kopia"] and exists(root / entry["kopia"]) and not exists(target):
            os.replace(root / entry["kopia"], target)
    for folder in reversed(journal.get("nya_mappar", [])):
        with contextlib.suppress(OSError):  # gone already, or holds something that is not ours
            os.rmdir(root / folder)
    platform.fsync_folder(root)
    _finish(root, journal)


def _finish(root: Path, journal: dict) -> None:
    """Delete the journal (the change is then over), then the backups it no longer needs."""
    os.unlink(root / JOURNAL)
    for entry in journal["skriv"] + journal["ta_bort"]:
        if entry.get("kopia"):
            with contextlib.suppress(OSError):  # a leftover with our prefix; the next change in the folder removes it
                os.unlink(root / entry["kopia"])


def _read_journal(path: Path) -> dict:
    """Return the journal at ``path``; raise OutputError when it is not one of ours."""
    root = path.parent
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise ValueError("not a file")
        with open(path, "rb") as handle:
            journal = json.loads(handle.read().decode("utf-8"))
        for entry in journal["skriv"]:
            _check_temporary(entry["tmp"])
            check_relative(root, entry["mål"])
            if entry["kopia"] is not None:
                _check_temporary(entry["kopia"])
        for entry in journal["ta_bort"]:
            check_relative(root, entry["mål"])
            if entry["kopia"] is not None:
                _check_temporary(entry["kopia"])
        for folder in journal.get("nya_mappar", []):
            check_relative(root, folder)
    except (OSError, ValueError, KeyError, TypeError, OutputError) as exc:
        raise OutputError(Problem(path, "journalen över en avbruten ändring kan inte läsas",
                                  hint="Kontrollera mappens filer mot en säkerhetskopia och ta sedan bort "
                                       "journalfilen.")) from exc
    return journal


def _check_temporary(name) -> None:
    if not (isinstance(name, str) and name.startswith(TEMP_PREFIX) and "/" not in name and "\\" not in name):
        raise ValueError(name)


def write_new(path: Path, data: bytes) -> None:
    """Write a new file (never an existing one, never through a link) and flush it to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | platform.NOFOLLOW | platform.BINARY
    handle = os.open(path, flags, 0o666)  # the user's umask applies, as for any new file
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.fsync(handle)
    finally:
        os.close(handle)


def _make_parents(root: Path, target: Path) -> None:
    """Create the folders between ``root`` and ``target``, refusing links."""
    folder = root
    for part in target.relative_to(root).parts[:-1]:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            os.mkdir(folder)
            continue
        if not stat.S_ISDIR(info.st_mode):
            raise OutputError(Problem(folder, "är en länk eller en fil, inte en mapp; samverkan skriver inte "
                                              "genom länkar"))


def exists(path: Path) -> bool:
    """``True`` when something (a file, folder or link, not followed) is at ``path``; an error other
    than "not found" is raised, so a file that cannot be looked at is never taken for gone."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    return True


def _is_link_or_folder(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return stat.S_ISLNK(mode) or stat.S_ISDIR(mode)

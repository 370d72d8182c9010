"""Exclusive locks on folders, as lock files that work the same on every platform.

A lock is a file created with ``O_CREAT|O_EXCL`` (never through a link) holding
the owner's process id, computer and command. A lock whose process has died on
this computer is stale and is taken over with a message; a lock held by a live
process, or by another computer, is an error that names the holder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
from pathlib import Path

from pipeline import platform
from pipeline.errors import OutputError, Problem, os_reason

LOCK_FILE = ".samverkan.lock"
# Files made on the way to a lock carry the prefix of all temporary files, so that what a killed
# run leaves is cleared with them (see transaction.recover).
_DRAFT_PREFIX = ".samverkan-tmp-lock-"
_UNREADABLE_GRACE = 5.0  # seconds
_HELD: set[str] = set()  # lock files this process holds now


class Busy(OutputError):
    """Raised when another run holds the lock."""


class Lock:
    """An exclusive lock on ``folder`` for the duration of a ``with`` block."""

    def __init__(self, folder: Path, purpose: str, name: str = LOCK_FILE, notice=None):
        self.path = Path(folder) / name
        self.purpose = purpose
        self.notice = notice  # called with a Swedish message when a stale lock is taken over
        self.held = False

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def record(self) -> dict:
        """Return what the lock file says about its owner (this process)."""
        return {"pid": os.getpid(), "dator": platform.hostname(), "kommando": self.purpose,
                "sedan": dt.datetime.now().isoformat(timespec="seconds")}

    def acquire(self) -> None:
        """Take the lock, taking over a stale one; raise Busy if someone else holds it."""
        for _ in range(3):
            if self._create():
                self.held = True
                _HELD.add(str(self.path))
                return
            holder = self._holder()
            if holder is None:
                continue  # it vanished meanwhile: try again
            if not self._stale(holder):
                raise Busy(Problem(self.path.parent, f"en annan körning ({_describe(holder)}) ändrar redan "
                                                     "i mappen",
                                   hint="Vänta tills den är klar och försök igen. Om ingen sådan körning "
                                        f"pågår kan du ta bort låsfilen {self.path}."))
            if self._take_over(holder):
                if self.notice:
                    self.notice(f"Tog över ett övergivet lås i {self.path.parent} ({_describe(holder)} "
                                "avslutades utan att släppa det).")
                continue
        raise Busy(Problem(self.path.parent, "mappen är låst av en annan körning",
                           hint=f"Försök igen, eller ta bort låsfilen {self.path} om ingen körning pågår."))

    def release(self) -> None:
        """Remove the lock file if this process holds it."""
        if not self.held:
            return
        self.held = False
        _HELD.discard(str(self.path))
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def _create(self) -> bool:
        """Create the lock file with its owner record in one step; ``False`` if it exists.

        The record is written to a file of its own first and then linked to the lock's name,
        so a lock is never seen without its owner (a kill cannot leave it empty). Where the
        file system has no hard links, the lock is created empty and then written.
        """
        record = json.dumps(self.record(), ensure_ascii=False).encode("utf-8")
        draft = self.path.with_name(f"{_DRAFT_PREFIX}{os.urandom(6).hex()}")
        try:
            self._write_exclusive(draft, record)
        except OSError as exc:
            raise OutputError(Problem(self.path, f"låsfilen kan inte skapas ({os_reason(exc)})")) from exc
        try:
            os.link(draft, self.path)
            return True
        except FileExistsError:
            return False
        except OSError:
            return self._create_in_place(record)  # no hard links here
        finally:
            with contextlib.suppress(OSError):
                os.unlink(draft)

    def _create_in_place(self, record: bytes) -> bool:
        try:
            self._write_exclusive(self.path, record)
        except FileExistsError:
            return False
        except OSError as exc:
            raise OutputError(Problem(self.path, f"låsfilen kan inte skapas ({os_reason(exc)})")) from exc
        return True

    @staticmethod
    def _write_exclusive(path: Path, data: bytes) -> None:
        """Create ``path`` (never through a link) holding ``data``; remove it again on failure."""
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | platform.NOFOLLOW | platform.BINARY, 0o666)
        try:
            os.write(handle, data)
        except OSError:
            os.close(handle)
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        os.close(handle)

    def _holder(self) -> dict | None:
        """Return the lock file's owner record; raise if the lock file is not a plain file."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(Problem(self.path, "låsfilen är en länk eller inte en vanlig fil; samverkan "
                                                 "följer inga länkar",
                                      hint=f"Ta bort {self.path} och försök igen."))
        try:
            handle = os.open(self.path, os.O_RDONLY | platform.NOFOLLOW | platform.BINARY)
            try:
                raw = os.read(handle, 4096)
            finally:
                os.close(handle)
            record = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            record = {}
        return record if isinstance(record, dict) else {}

    def _stale(self, holder: dict) -> bool:
        """``True`` when the holder is a process of this computer that no longer runs.

        A lock file without a readable owner is stale once it is a few seconds old
        (a new lock is written within microseconds of its creation).
        """
        pid = holder.get("pid")
        if not isinstance(pid, int):
            try:
                age = dt.datetime.now().timestamp() - os.lstat(self.path).st_mtime
            except OSError:
                return False
            return age > _UNREADABLE_GRACE
        if holder.get("dator") != platform.hostname():
            return False  # another computer's process: we cannot tell whether it runs
        if pid == os.getpid():
            return str(self.path) not in _HELD  # left by this process when a release failed
        return not platform.pid_alive(pid)

    def _take_over(self, holder: dict) -> bool:
        """Move the stale lock aside (only one process can) and remove it; ``True`` if we did."""
        aside = self.path.with_name(f"{_DRAFT_PREFIX}{os.urandom(6).hex()}-stale")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return False
        try:
            with open(aside, "rb") as handle:
                moved = json.loads(handle.read().decode("utf-8") or "{}")
        except (OSError, ValueError):
            moved = {}
        if moved != holder and moved:  # a new owner got there first: give it back
            with contextlib.suppress(OSError):
                os.rename(aside, self.path)
            return False
        os.unlink(aside)
        return True


def _describe(holder: dict) -> str:
    parts = [str(holder.get("kommando") or "okänt kommando")]
    if holder.get("pid"):
        parts.append(f"process {holder['pid']}")
    if holder.get("dator"):
        parts.append(f"på {holder['dator']}")
    if holder.get("sedan"):
        parts.append(f"sedan {holder['sedan']}")
    return ", ".join(parts)


def holder_of(folder: Path, name: str = LOCK_FILE) -> dict | None:
    """Return the owner record of a lock in ``folder`` held by a live process, else None."""
    lock = Lock(folder, "läser", name)
    holder = lock._holder()
    if holder is None or lock._stale(holder):
        return None
    return holder


def describe(holder: dict) -> str:
    """Return a lock owner as Swedish text: "beslut, process 123 på dator, sedan …"."""
    return _describe(holder)

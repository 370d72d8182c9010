"""Fault injection: make the k-th file-system change of a command fail, or kill the process there.

The modules that change files (transaction, lock, lifecycle) call ``os`` for every
change; :func:`install` replaces their ``os`` with a proxy that counts the changes
and runs an action at the k-th one: raise ``OSError`` (a full disk, a file held
open) in-process, or ``os._exit`` in a child process (a kill: no clean-up runs).
"""

from __future__ import annotations

import errno
import importlib
import os

# Every change that makes a new state visible on disk. Opening a file for writing counts;
# so do writes and flushes in the in-process sweep, where they can fail on a full disk.
BOUNDARIES = frozenset({"open", "replace", "rename", "unlink", "remove", "mkdir", "rmdir", "link"})
ALL_CHANGES = BOUNDARIES | {"write", "fsync"}
MODULES = ("pipeline.files.transaction", "pipeline.files.lock", "pipeline.versions.lifecycle")
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT
# transaction.JOURNAL and lifecycle.STAGING_PREFIX, named here so this module imports nothing of the
# package before install() puts the counting os in place.
JOURNAL = ".samverkan-journal.json"
STAGED_VERSION = ".samverkan-tmp-ny-"


class Faults:
    """Counts file-system changes and runs ``action(name)`` at change number ``fail_at``."""

    def __init__(self, fail_at: int | None, action):
        self.fail_at = fail_at
        self.action = action
        self.count = 0
        self.names: list[str] = []
        self.paths: list[tuple[str, ...]] = []  # the paths each change touched (none for writes)

    def step(self, name: str, *paths) -> None:
        self.count += 1
        self.names.append(name)
        self.paths.append(tuple(os.fspath(p) for p in paths if isinstance(p, (str, os.PathLike))))
        if self.count == self.fail_at:
            self.action(name)

    def commits(self) -> list[int]:
        """Return the numbers of the changes that decide a change: the atomic rename of a
        transaction's journal onto its name, or of a staged new version folder onto its own."""
        found = []
        for k, (name, paths) in enumerate(zip(self.names, self.paths, strict=False), start=1):
            if name not in ("replace", "rename") or len(paths) != 2:
                continue
            source, target = (os.path.basename(p) for p in paths)
            if target == JOURNAL or source.startswith(STAGED_VERSION):
                found.append(k)
        return found


class FaultyOs:
    """Stands in for the ``os`` module, counting the calls named in ``kinds``."""

    def __init__(self, faults: Faults, kinds):
        self._faults = faults
        self._kinds = kinds

    def __getattr__(self, name):
        real = getattr(os, name)
        if name == "open":
            def opened(path, flags, *args, **kwargs):
                if flags & _WRITING:
                    self._faults.step("open")
                return real(path, flags, *args, **kwargs)
            return opened
        if name in self._kinds:
            def changed(*args, **kwargs):
                self._faults.step(name, *(args[:2] if name in ("replace", "rename") else ()))
                return real(*args, **kwargs)
            return changed
        return real


def install(faults: Faults, kinds=ALL_CHANGES, modules=MODULES):
    """Put a counting ``os`` into ``modules``; return a function that undoes it."""
    loaded = [importlib.import_module(m) for m in modules]
    for module in loaded:
        module.os = FaultyOs(faults, kinds)

    def undo():
        for module in loaded:
            module.os = os
    return undo


def disk_full(name: str) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def killed(name: str) -> None:
    os._exit(137)

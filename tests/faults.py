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
MODULES = ("pipeline.files.transaction", "pipeline.files.lock", "pipeline.data.lifecycle")
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT


class Faults:
    """Counts file-system changes and runs ``action(name)`` at change number ``fail_at``."""

    def __init__(self, fail_at: int | None, action):
        self.fail_at = fail_at
        self.action = action
        self.count = 0
        self.names: list[str] = []

    def step(self, name: str) -> None:
        self.count += 1
        self.names.append(name)
        if self.count == self.fail_at:
            self.action(name)


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
                self._faults.step(name)
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

"""The one place that knows how Windows, macOS and Linux differ.

Everything else asks this module: whether a process is alive, how to start and
end a LibreOffice process tree, where soffice is installed, which start method
worker processes use, and the flags that open a file without following a link.
No other module imports ``fcntl`` or ``msvcrt``, or calls ``os.killpg``,
``os.fchmod`` or ``os.setsid``; a test reads the source to make sure.

psutil (about 80 ms to import), subprocess and ctypes (Windows only) are imported inside the
functions that need them: most commands start no program and end none.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import socket
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"

# Open flags: never follow a link at the last component (where the OS can tell), binary on Windows.
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
BINARY = getattr(os, "O_BINARY", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)

SOFFICE_CANDIDATES = {
    "win32": [r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"],
    "darwin": ["/Applications/LibreOffice.app/Contents/MacOS/soffice"],
}


def _posix_process_control() -> bool:
    """``True`` when process groups can be made and signalled (POSIX)."""
    return hasattr(os, "killpg") and hasattr(os, "setsid") and hasattr(signal, "SIGKILL")


def pid_alive(pid: int) -> bool:
    """``True`` when a process with this id is running on this computer."""
    if pid <= 0:
        return False
    if hasattr(signal, "SIGKILL") and not WINDOWS:  # POSIX: signal 0 only asks
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # it exists, it is someone else's
        except OSError:
            return False
    import psutil

    try:  # a killed process that nobody has reaped yet (a zombie) no longer runs
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class ProcessTree:
    """A started program and every process it starts, to be ended together.

    On POSIX the program leads a process group of its own, and the group is killed.
    Elsewhere (Windows) there are no process groups: the tree's members are noted while
    the program runs (:meth:`note`), so that helpers it left behind when it exited are
    still found and ended.
    """

    def __init__(self, command: list[str], marker: str | None = None, **kwargs):
        import subprocess  # here, not at the top: most commands start no program

        self.groups = _posix_process_control()
        self.marker = marker  # text in every member's command line (soffice.bin repeats its arguments)
        if self.groups:
            self.process = subprocess.Popen(command, start_new_session=True, **kwargs)
        else:
            flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
            self.process = subprocess.Popen(command, creationflags=flags, **kwargs)
        self.members: dict[int, object] = {}
        self._noted = 0.0

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self):
        return self.process.returncode

    def poll(self):
        return self.process.poll()

    def wait(self, timeout=None):
        return self.process.wait(timeout=timeout)

    def note(self) -> None:
        """Remember the program's descendants (a few times a second at most; POSIX: nothing)."""
        if self.groups or time.monotonic() - self._noted < 0.2:
            return
        self._noted = time.monotonic()
        import psutil

        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.members.setdefault(child.pid, child)
        except psutil.Error:
            pass

    def kill(self) -> None:
        """End the program and every process it started, then reap it."""
        if self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.note()
            _kill_with_children(self.process.pid, list(self.members.values()))
            if self.marker:
                kill_processes_using(self.marker)  # members that outlived the program
        import subprocess

        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def _kill_with_children(pid: int, noted: Iterable = ()) -> None:
    """End a process, its descendants, and ``noted`` processes (psutil.Process objects, which
    know their start time, so a reused process id is never killed)."""
    import psutil

    family = list(noted)
    try:
        parent = psutil.Process(pid)
        family += parent.children(recursive=True) + [parent]
    except psutil.Error:
        pass
    alive = [member for member in family if _running(member)]
    for member in alive:
        try:
            if WINDOWS:
                member.kill()  # TerminateProcess
            else:  # a POSIX system run without its POSIX-only names (the tests' shim)
                member.send_signal(getattr(signal, "SIGKILL", 9))
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=10)


def _running(member) -> bool:
    try:
        return member.is_running()
    except Exception:  # psutil.Error, or a process object of another kind
        return False


def kill_processes_using(folder) -> int:
    """End processes whose command line names ``folder`` (left by a killed run); return how many."""
    import psutil

    marker = str(folder)
    count = 0
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in process.info["cmdline"] or []):
                _kill_with_children(process.pid)
                count += 1
        except psutil.Error:
            continue
    return count


def find_soffice(configured: str | None) -> str | None:
    """Return the soffice program: ``configured``, else on PATH, else where installers put it."""

    if configured:
        return configured
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in SOFFICE_CANDIDATES.get(sys.platform, []):
        if Path(candidate).is_file():
            return candidate
    return None


def soffice_install_hint() -> str:
    """Return how to install LibreOffice on this kind of computer, in Swedish."""
    if WINDOWS:
        where = "Windows: installera från libreoffice.org (eller 'winget install TheDocumentFoundation.LibreOffice')"
    elif MACOS:
        where = "macOS: installera från libreoffice.org (eller 'brew install --cask libreoffice')"
    else:
        where = "Debian/Ubuntu: 'sudo apt-get install libreoffice-writer-nogui'"
    return (f"Installera LibreOffice – {where}. Ange sökvägen till soffice i SAMVERKAN_SOFFICE "
            "om den inte hittas.")


def worker_start_method() -> str:
    """Return the start method for worker processes: fork on Linux only, spawn elsewhere."""

    forced = os.environ.get("SAMVERKAN_START_METHOD")
    if forced in multiprocessing.get_all_start_methods():
        return forced
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def end_with_parent() -> None:
    """Make this (worker) process end when its parent is killed, where the OS offers that."""
    if not sys.platform.startswith("linux") or not hasattr(signal, "SIGKILL"):
        return  # elsewhere an orphaned worker finishes its task and exits
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened)."""
    if WINDOWS:
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def termination_signals() -> list[int]:
    """Return the signals that ask a process to stop (besides Ctrl-C)."""
    return [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


def hostname() -> str:
    """Return this computer's name."""
    if hasattr(os, "uname"):  # POSIX: the same name, without importing socket
        return os.uname().nodename

    return socket.gethostname()


def make_private_folder(folder: Path) -> bool:
    """Create ``folder`` (and its parents) readable and writable by its owner only, and return
    ``True`` when it is private: a real folder (not a link), owned by this user, that nobody
    else may write in. On Windows a folder under the user's profile is private by its ACL and
    only the link test applies."""

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if WINDOWS or not hasattr(os, "geteuid"):
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def write_private_file(path: Path, data: bytes) -> bool:
    """Create ``path`` as a new file only its owner may read (never through a link, never over
    an existing file); return ``False`` when it could not be made."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY
    try:
        handle = os.open(path, flags, 0o600)
    except OSError:
        return False
    try:
        os.write(handle, data)
    except OSError:
        os.close(handle)
        return False
    os.close(handle)
    return True

"""The one place that knows how Windows, macOS and Linux differ.

Everything else asks this module: whether a process is alive, how to start and
end a LibreOffice process tree, where soffice is installed, which start method
worker processes use, and the flags that open a file without following a link.
No other module imports ``fcntl`` or ``msvcrt``, or calls ``os.killpg``,
``os.fchmod`` or ``os.setsid``; a test reads the source to make sure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
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


def popen_tree(command: list[str], **kwargs) -> subprocess.Popen:
    """Start ``command`` so that it and every process it starts can be ended together."""
    if _posix_process_control():
        return subprocess.Popen(command, start_new_session=True, **kwargs)
    flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    return subprocess.Popen(command, creationflags=flags, **kwargs)


def kill_tree(process: subprocess.Popen) -> None:
    """End ``process`` and every process it started, then reap it."""
    if _posix_process_control():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    else:
        _kill_with_children(process.pid)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _kill_with_children(pid: int) -> None:
    """End a process and its descendants without process groups (Windows, or no POSIX calls)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.Error:
        return
    for member in family:
        try:
            member.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(family, timeout=10)


def kill_processes_using(folder: Path) -> int:
    """End processes of this user whose command line names ``folder`` (left by a killed run);
    return how many."""
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
    import multiprocessing

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
    import socket

    return socket.gethostname()

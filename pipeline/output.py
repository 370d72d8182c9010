"""Write output files all-or-nothing: temporary files first, then atomic renames.

A render either replaces every output file or leaves the old ones untouched; a
reader never sees a half-written .docx, even if the process is killed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError, Problem


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and return it; raise OutputError if it cannot be written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en fil med samma namn finns")) from exc
    except NotADirectoryError as exc:
        raise OutputError(Problem(folder, "utdatamappen kan inte skapas: en del av sökvägen är en fil")) from exc
    except OSError as exc:
        raise OutputError(Problem(folder, f"utdatamappen kan inte skapas ({exc.strerror})")) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(Problem(folder, "utdatamappen är skrivskyddad",
                                  hint="Välj en annan mapp med --out, eller ändra mappens behörigheter."))
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def default_mode(directory: bool = False) -> int:
    """Return the permissions a new file (or folder) gets from the user's umask."""
    return (0o777 if directory else 0o666) & ~_umask()


def write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into ``folder`` atomically and return their paths in order."""
    folder = prepare_folder(folder)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((temporary, folder / name))
            os.fchmod(handle, default_mode())  # mkstemp makes 0600; outputs are ordinary files
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, final in staged:
            os.replace(temporary, final)
    except OSError as exc:
        raise OutputError(Problem(folder, f"utdata kunde inte skrivas ({exc.strerror or exc})")) from exc
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return [final for _, final in staged]

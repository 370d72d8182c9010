"""Write output files all-or-nothing: temporary files first, then atomic renames.

A render either replaces every output file or leaves the old ones untouched; a
reader never sees a half-written .docx, even if the process is killed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError, Problem, os_reason


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
        raise OutputError(Problem(folder, f"utdatamappen kan inte skapas ({os_reason(exc)})")) from exc
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
    """Write every file into ``folder`` and return their paths in order: all of them, or none.

    Each file is written beside its target first; then the targets are swapped in,
    and if one swap fails the ones already made are undone.
    """
    folder = prepare_folder(folder)
    for name in files:
        if (folder / name).is_dir():
            raise OutputError(Problem(folder / name, "kan inte skrivas: det finns en mapp med samma namn"))
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
        _swap_in(staged)
    except OSError as exc:
        raise OutputError(Problem(folder, f"utdata kunde inte skrivas ({os_reason(exc)})")) from exc
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return [final for _, final in staged]


def _swap_in(staged: list[tuple[str, Path]]) -> None:
    """Move staged files onto their targets; on failure put back what was there before."""
    done: list[tuple[Path, str | None]] = []  # target, backup of its old content
    try:
        for temporary, final in staged:
            backup = None
            if final.exists():
                backup = temporary + ".old"
                try:
                    os.link(final, backup)  # readers keep seeing the old file until the swap
                except OSError:
                    os.replace(final, backup)  # a filesystem without hard links
            try:
                os.replace(temporary, final)
            except OSError:
                if backup:
                    os.unlink(backup)
                raise
            done.append((final, backup))
    except OSError:
        for final, backup in reversed(done):
            if backup:
                os.replace(backup, final)
            else:
                final.unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup:
            os.unlink(backup)


def remove_stale(folder: Path, pattern: str, keep: list[Path]) -> list[Path]:
    """Delete files matching ``pattern`` in ``folder`` that are not in ``keep`` (our own outputs
    from an earlier run, e.g. the bilaga of a plan that was removed); return them."""
    kept = {Path(p).name for p in keep}
    removed = []
    for path in sorted(Path(folder).glob(pattern)):
        if path.name not in kept and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def check_output_place(data: Path, out: Path) -> None:
    """Raise OutputError when the output folder is inside the data folder (or the reverse)."""
    data_resolved, out_resolved = Path(data).resolve(), Path(out).resolve()
    if out_resolved == data_resolved or out_resolved.is_relative_to(data_resolved):
        raise OutputError(Problem(out, f"utdatamappen ligger i datamappen {data}",
                                  hint="Välj en mapp utanför data, t.ex. --out ut i projektmappen."))
    if data_resolved.is_relative_to(out_resolved):
        raise OutputError(Problem(out, f"datamappen {data} ligger i utdatamappen",
                                  hint="Välj en utdatamapp som inte innehåller data."))

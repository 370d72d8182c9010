"""Read input files safely: plain files inside their own folder tree, never too large.

Data and templates are read only from regular files. A link is followed only
when it leads to a place inside the same data (or template) folder; a FIFO,
a device or a file over the size limit is a located error rather than a hang
or an exhausted memory.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from pipeline import platform
from pipeline.errors import DataError, Problem, os_reason

MAX_DATA_BYTES = 2 * 1024 * 1024  # a real agreement or plan is a few kB
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # a template with a logo is a few hundred kB


def check_inside(path: Path, root: Path | None, what: str = "filen") -> None:
    """Raise DataError when ``path`` (after following links) lies outside ``root``."""
    if root is None:
        return
    try:
        real, real_root = Path(path).resolve(), Path(root).resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise DataError(Problem(path, f"{what} är en länk som inte kan följas ({exc})")) from exc
    if real != real_root and not real.is_relative_to(real_root):
        raise DataError(Problem(path, f"{what} är en länk till {real}, utanför {root}; samverkan läser bara "
                                      "filer inne i sin egen mapp",
                                hint="Kopiera filen hit i stället för att länka till den."))


def read_bytes(path: Path, root: Path | None, limit: int = MAX_DATA_BYTES, what: str = "filen",
               links: bool = True) -> bytes:
    """Return the bytes of the regular file ``path`` inside ``root``; raise DataError otherwise.

    ``links=False``: ``path`` itself must not be a link either (what is changed – a plan that
    is renamed, a file that is saved – is taken only from a regular file)."""
    path = Path(path)
    check_name(path)
    check_inside(path, root, what)
    try:
        info = os.stat(path) if links else os.lstat(path)
    except FileNotFoundError as exc:
        raise DataError(Problem(path, f"{what} finns inte")) from exc
    except OSError as exc:
        raise DataError(Problem(path, f"{what} kan inte läsas ({os_reason(exc)})")) from exc
    if stat.S_ISLNK(info.st_mode):
        raise DataError(Problem(path, f"{what} är en länk; samverkan ändrar bara vanliga filer",
                                hint="Kopiera filen hit i stället för att länka till den."))
    if stat.S_ISDIR(info.st_mode):
        raise DataError(Problem(path, "är en mapp, inte en fil"))
    if not stat.S_ISREG(info.st_mode):
        raise DataError(Problem(path, f"{what} är ingen vanlig fil (utan t.ex. en namngiven pipe eller en enhet)",
                                hint="Ange en vanlig fil."))
    if info.st_size > limit:
        raise DataError(_too_large(path, limit, what))
    try:
        handle = os.open(path, os.O_RDONLY | platform.BINARY | platform.NONBLOCK | (0 if links else platform.NOFOLLOW))
    except OSError as exc:
        raise DataError(Problem(path, f"{what} kan inte läsas ({os_reason(exc)})")) from exc
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):  # swapped after the check
            raise DataError(Problem(path, f"{what} är ingen vanlig fil"))
        chunks, total = [], 0
        while True:
            chunk = os.read(handle, 1 << 16)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise DataError(_too_large(path, limit, what))
            chunks.append(chunk)
    except OSError as exc:
        raise DataError(Problem(path, f"{what} kan inte läsas ({os_reason(exc)})")) from exc
    finally:
        os.close(handle)
    return b"".join(chunks)


def _too_large(path: Path, limit: int, what: str) -> Problem:
    return Problem(path, f"{what} är större än storleksgränsen {limit // (1024 * 1024)} MB",
                   hint="En överenskommelse eller plan är några kB; kontrollera att det är rätt fil.")


def check_name(path: Path) -> None:
    """Raise DataError when a file name cannot be shown or stored (not UTF-8, control characters)."""
    text = str(path)
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in text):  # bytes the file system could not decode
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise DataError(Problem(None, f"filnamnet '{shown}' är inte giltig UTF-8",
                                hint="Byt namn på filen eller mappen så att den bara har vanliga tecken."))
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise DataError(Problem(None, f"filnamnet '{text}' innehåller styrtecken (t.ex. en radbrytning)",
                                hint="Byt namn på filen eller mappen."))


def yaml_files(place: Path) -> tuple[list[Path], list[Problem]]:
    """Return the YAML files in a data sub-folder (``uppfoljning/``, ``lagesbild/``) in name order –
    none when it does not exist – leaving out hidden files, Office's "~" files and what is kept
    beside them (a workbook, a downloaded file); a folder that is a link is a problem, never followed."""
    if os.path.islink(place):
        return [], [Problem(place, f"{place.name} är en länk; samverkan följer inte länkade mappar")]
    if not place.is_dir():
        return [], []
    return [place / name for name in sorted(os.listdir(place))
            if not name.startswith((".", "~")) and name.lower().endswith((".yaml", ".yml"))], []

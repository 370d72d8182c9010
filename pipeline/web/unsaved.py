"""What a secretary typed but has not saved, and a bilaga just removed, kept privately on this
computer so that nothing typed is lost: after a reload, a closed tab or a restart of
``samverkan webb`` the page offers it back (**Återställ osparade ändringar**, **Ångra**).

The kept copies are never in the data: they lie in the user's private state folder (as the
web session does, :func:`pipeline.web.security.sessions_folder`), one file per page, written
whole or not at all, and removed when the page is saved or the copy is thrown away. A data
folder may be shared or published; text that was never saved stays with its writer.

A kept copy is read as untrusted input: its size, shape and number of fields are checked,
and anything else is treated as no copy at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pipeline import platform
from pipeline.web import forms
from pipeline.web.security import sessions_folder

MAX_BYTES = 4 * 1024 * 1024  # as a submitted form (pipeline.web.app.MAX_BYTES)
MAX_PLAN_BYTES = 2 * 1024 * 1024  # a removed plan: as a data file (pipeline.files.inputs.MAX_DATA_BYTES)


@dataclass
class Kept:
    """A page's unsaved form: its inputs as submitted, and when they were typed."""

    pairs: list[tuple[str, str]]
    when: dt.datetime


def _folder(root: Path, kind: str) -> Path:
    digest = hashlib.sha256(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:16]
    return sessions_folder() / kind / digest


def _file(root: Path, kind: str, page: str) -> Path:
    return _folder(root, kind) / (hashlib.sha256(page.encode("utf-8")).hexdigest()[:32] + ".json")


def _write(root: Path, kind: str, page: str, content: dict) -> bool:
    """Write a copy all or nothing (a new private file, then renamed over the old one)."""
    folder = _folder(root, kind)
    if not platform.make_private_folder(folder):
        return False
    target = _file(root, kind, page)
    temporary = folder / f".{secrets.token_hex(8)}.tmp"
    if not platform.write_private_file(temporary, json.dumps(content, ensure_ascii=False).encode("utf-8")):
        return False
    try:
        os.replace(temporary, target)  # replaces a link itself, never what it points to
    except OSError:
        _unlink(temporary)
        return False
    return True


def _read(root: Path, kind: str, page: str, limit: int) -> dict | None:
    path = _file(root, kind, page)
    try:
        info = os.lstat(path)
        if not os.path.isfile(path) or os.path.islink(path) or info.st_size > limit:
            return None
        with open(path, "rb") as handle:
            content = json.loads(handle.read(limit + 1).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) and content.get("sida") == page else None


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


# --- a page's unsaved form ---------------------------------------------------------------------------------------

def keep(root: Path, page: str, pairs: list[tuple[str, str]]) -> bool:
    """Keep the inputs of ``page``'s form as typed (its fields only, no key or button)."""
    fields = [(name, value) for name, value in pairs if name.startswith(forms.PREFIX + ".")][: forms.MAX_FIELDS]
    return _write(root, "osparat", page, {"sida": page, "tid": dt.datetime.now().isoformat(timespec="seconds"),
                                          "fält": fields})


def kept(root: Path, page: str) -> Kept | None:
    """Return ``page``'s kept form, or None (also for a copy that is not what :func:`keep` writes)."""
    content = _read(root, "osparat", page, MAX_BYTES)
    if content is None:
        return None
    fields = content.get("fält")
    if not isinstance(fields, list) or len(fields) > forms.MAX_FIELDS:
        return None
    pairs = []
    for pair in fields:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            return None
        pairs.append((pair[0], pair[1]))
    try:
        when = dt.datetime.fromisoformat(str(content.get("tid")))
    except ValueError:
        return None
    return Kept(pairs, when)


def forget(root: Path, page: str) -> None:
    """Throw away ``page``'s kept form (it was saved, restored or refused)."""
    _unlink(_file(root, "osparat", page))


# --- a removed bilaga --------------------------------------------------------------------------------------------

def keep_removed(root: Path, version_page: str, name: str, data: bytes) -> bool:
    """Keep the file of a bilaga just removed from a version, for **Ångra**."""
    if len(data) > MAX_PLAN_BYTES:
        return False
    return _write(root, "borttaget", f"{version_page}#{name}",
                  {"sida": f"{version_page}#{name}", "namn": name, "innehåll": data.decode("utf-8", "replace")})


def removed(root: Path, version_page: str, name: str) -> bytes | None:
    """Return the kept file of a removed bilaga, or None."""
    content = _read(root, "borttaget", f"{version_page}#{name}", 2 * MAX_PLAN_BYTES)
    if content is None or content.get("namn") != name or not isinstance(content.get("innehåll"), str):
        return None
    return content["innehåll"].encode("utf-8")


def forget_removed(root: Path, version_page: str, name: str) -> None:
    _unlink(_file(root, "borttaget", f"{version_page}#{name}"))

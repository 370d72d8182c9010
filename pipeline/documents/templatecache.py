"""Prepared templates kept on disk, so a new process neither prepares nor compiles them again.

Preparing a template – docxtpl's patching of the Word XML, the checks of its tags –
and compiling its Jinja code cost more than rendering it. Both are kept in the user's
cache folder (``platformdirs``: e.g. ``~/.cache/samverkan`` on Linux,
``%LOCALAPPDATA%\\samverkan\\Cache`` on Windows, ``~/Library/Caches/samverkan`` on macOS;
``SAMVERKAN_CACHE`` names another folder, or ``av`` turns the cache off):

- ``<key>.json``: the patched XML of each templated part and the names the template uses;
- Jinja's own bytecode cache for the compiled code, one file per part.

The key is a SHA-256 over the template's parts, the code that prepares them (this
package's template module) and docxtpl's source, and the versions of Jinja and Python, so a changed
template or a changed program never meets an old entry. Files are written beside their
name and renamed into place (safe when processes run at once); an entry that cannot be
read is ignored and made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

CACHE_VARIABLE = "SAMVERKAN_CACHE"
OFF = "av"
FORMAT = 1


@lru_cache(maxsize=None)
def folder() -> Path | None:
    """Return the cache folder (created), or None when the cache is off or cannot be made."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured == OFF:
        return None
    if configured:
        path = Path(configured)
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("samverkan", appauthor=False))
    path = path / "mallar"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


@lru_cache(maxsize=None)
def _stamp() -> str:
    """Return what, besides the template, decides how it is prepared and compiled."""
    preparer = Path(__file__).with_name("template.py").read_bytes()
    return "|".join([str(FORMAT), hashlib.sha256(preparer).hexdigest(), _docxtpl_code(), jinja2.__version__,
                     sys.version])


def _docxtpl_code() -> str:
    """Return a digest of docxtpl's source, which prepares the templates: any other version or
    a patched copy gives another digest (found without importing docxtpl, which is slow)."""
    from importlib.util import find_spec

    spec = find_spec("docxtpl")
    if spec is None or not spec.origin:
        return "?"
    digest = hashlib.sha256()
    for source in sorted(Path(spec.origin).parent.glob("*.py")):
        digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes())
    return digest.hexdigest()


def key(parts: dict[str, bytes]) -> str:
    """Return the cache key of a template package (its parts, in order)."""
    digest = hashlib.sha256(_stamp().encode("utf-8"))
    for name, data in parts.items():
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def read(entry: str) -> dict | None:
    """Return the prepared template ``entry`` ({"parts": {name: source}, "names": [...]}), or None
    when it is not there or cannot be read."""
    where = folder()
    if where is None:
        return None
    try:
        data = json.loads((where / f"{entry}.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("parts"), dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["parts"].items()):
            return None
        if not isinstance(data.get("names"), list):
            return None
    except (OSError, ValueError, AttributeError):
        return None
    return data


def write(entry: str, parts: dict[str, str], names: set[str]) -> None:
    """Keep a prepared template; a cache that cannot be written is simply not used."""
    where = folder()
    if where is None:
        return
    text = json.dumps({"format": FORMAT, "parts": parts, "names": sorted(names)}, ensure_ascii=False)
    _write_atomically(where / f"{entry}.json", text.encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


class _ForgivingBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, for which a damaged file only means compiling again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: unpickling and unmarshalling can fail in many ways
            bucket.reset()


@lru_cache(maxsize=None)
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Return the bytecode cache for compiled template code, or None when the cache is off."""
    where = folder()
    return _ForgivingBytecodeCache(str(where), "%s.jinja") if where is not None else None


def clear_process_state() -> None:
    """Forget the cache folder this process chose (for tests that change SAMVERKAN_CACHE)."""
    folder.cache_clear()
    bytecode_cache.cache_clear()

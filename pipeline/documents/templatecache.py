"""Prepared templates kept on disk, so a new process neither prepares nor compiles them again.

Preparing a template – docxtpl's patching of the Word XML, the checks of its tags –
and compiling its Jinja code cost more than rendering it. Both are kept in the user's
cache folder (``platformdirs``: e.g. ``~/.cache/samverkan`` on Linux,
``%LOCALAPPDATA%\\samverkan\\Cache`` on Windows, ``~/Library/Caches/samverkan`` on macOS;
``SAMVERKAN_CACHE`` names another folder, or ``av`` turns the cache off):

- ``<key>.json``: the patched XML of each templated part and the names the template uses;
- ``<bucket>.kod``: the compiled code of one part (Python's ``marshal`` format).

Nothing read from the cache is trusted. Every entry carries an HMAC-SHA256 over its
name and its bytes under a key of the user's own: 32 random bytes in a file only the
user can read, kept in the user's data folder (``platformdirs.user_data_dir``), not in
the cache. An entry whose MAC does not match – planted, copied from another computer,
damaged – is ignored and made again; compiled code is loaded only after its MAC
matched, and nothing is ever unpickled (Jinja's own bytecode cache unpickles, so it is
not used). The cache folder is created private (owner only); one that others may write
in, or that is a link, is not used at all.

The entry key is a SHA-256 over the template's parts, the code that prepares them (this
package's template module) and docxtpl's source, and the versions of Jinja and Python, so
a changed template or a changed program never meets an old entry. Files are written
beside their name and renamed into place (safe when processes run at once).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import marshal
import os
import secrets
import stat
import sys
import tempfile
import types
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import jinja2
import platformdirs

from pipeline import platform

CACHE_VARIABLE = "SAMVERKAN_CACHE"
OFF = "av"
FORMAT = 2
KEY_FILE = "mallcache-nyckel"
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # a prepared template is a few hundred kB
_MAC_BYTES = 32


@cache
def folder() -> Path | None:
    """Return the cache folder (created private), or None when the cache is off, cannot be
    made, or may be written by others."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured == OFF:
        return None
    path = Path(configured) if configured else Path(platformdirs.user_cache_dir("samverkan", appauthor=False))
    path = path / "mallar"
    if not platform.make_private_folder(path) or _key() is None:
        return None
    return path


@cache
def _key() -> bytes | None:
    """Return the user's cache key, made on first use; None when it cannot be kept privately."""

    where = Path(platformdirs.user_data_dir("samverkan", appauthor=False))
    if not platform.make_private_folder(where):
        return None
    path = where / KEY_FILE
    if not os.path.lexists(path):
        platform.write_private_file(path, secrets.token_bytes(32))  # a lost race leaves the other's key
    data = _read_regular(path, 64)
    return data if data is not None and len(data) == 32 else None


def _read_regular(path: Path, limit: int) -> bytes | None:
    """Return the bytes of a regular file of at most ``limit`` bytes that others may not write
    (never through a link), or None."""
    try:
        handle = os.open(path, os.O_RDONLY | platform.NOFOLLOW | platform.BINARY)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        if not platform.WINDOWS and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        with os.fdopen(os.dup(handle), "rb") as stream:
            data = stream.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    return data if len(data) <= limit else None


def _mac(name: str, context: bytes, payload: bytes) -> bytes:
    key = _key()
    assert key is not None  # folder() is None without a key, and nothing is read or written then
    message = b"samverkan-mallcache\0" + name.encode("utf-8") + b"\0" + context + b"\0" + payload
    return hmac.new(key, message, hashlib.sha256).digest()


def _read_verified(name: str, context: bytes = b"") -> bytes | None:
    """Return the payload of cache file ``name`` when its MAC matches, else None."""
    where = folder()
    if where is None:
        return None
    data = _read_regular(where / name, MAX_ENTRY_BYTES)
    if data is None or len(data) < _MAC_BYTES:
        return None
    mac, payload = data[:_MAC_BYTES], data[_MAC_BYTES:]
    return payload if hmac.compare_digest(mac, _mac(name, context, payload)) else None


def _write_verified(name: str, payload: bytes, context: bytes = b"") -> None:
    where = folder()
    if where is not None:
        _write_atomically(where / name, _mac(name, context, payload) + payload)


@cache
def _stamp() -> str:
    """Return what, besides the template, decides how it is prepared and compiled."""
    preparer = Path(__file__).with_name("template.py").read_bytes()
    return "|".join([str(FORMAT), hashlib.sha256(preparer).hexdigest(), _docxtpl_code(), jinja2.__version__,
                     sys.version])


def _docxtpl_code() -> str:
    """Return a digest of docxtpl's source, which prepares the templates: any other version or
    a patched copy gives another digest (found without importing docxtpl, which is slow)."""

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
    when it is not there, cannot be read or was not written by this user's samverkan."""
    payload = _read_verified(f"{entry}.json")
    if payload is None:
        return None
    try:
        data = json.loads(payload.decode("utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("parts"), dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["parts"].items()):
            return None
        if not isinstance(data.get("names"), list) or not all(isinstance(n, str) for n in data["names"]):
            return None
    except (ValueError, AttributeError):
        return None
    return data


def write(entry: str, parts: dict[str, str], names: set[str]) -> None:
    """Keep a prepared template; a cache that cannot be written is simply not used."""
    text = json.dumps({"format": FORMAT, "parts": parts, "names": sorted(names)}, ensure_ascii=False)
    _write_verified(f"{entry}.json", text.encode("utf-8"))


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
        with contextlib.suppress(OSError):
            os.unlink(temporary)


class VerifiedBytecodeCache(jinja2.BytecodeCache):
    """Compiled template code on disk, loaded only when its MAC matches (no pickle, unlike
    Jinja's FileSystemBytecodeCache). The MAC covers the bucket's source checksum, so code is
    never paired with another source."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = _read_verified(f"{bucket.key}.kod", bucket.checksum.encode("ascii"))
        if payload is None:
            return
        try:
            # Loaded only after the MAC under the user's own key matched (bandit B302).
            code = marshal.loads(payload)  # nosec B302
        except (ValueError, EOFError, TypeError):
            return
        if isinstance(code, types.CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            _write_verified(f"{bucket.key}.kod", marshal.dumps(bucket.code), bucket.checksum.encode("ascii"))


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Return the bytecode cache for compiled template code, or None when the cache is off."""
    return VerifiedBytecodeCache() if folder() is not None else None


def clear_process_state() -> None:
    """Forget the cache folder and key this process chose (for tests that change SAMVERKAN_CACHE)."""
    folder.cache_clear()
    _key.cache_clear()
    bytecode_cache.cache_clear()

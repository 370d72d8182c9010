"""The batch manifest: which outputs were made from which inputs, so unchanged work is skipped.

``manifest.json`` in the output folder maps each job (a version's documents, a
comparison, a county overview) to a fingerprint of its inputs (data files,
templates, schemas, the package's version) and to the files it wrote with
their SHA-256, size and modification time. An entry is written only after all
of a job's files are in place, so an interrupted run never records unfinished
work.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, output

MANIFEST_FILE = "manifest.json"
FORMAT = 1


class FileHashes:
    """SHA-256 of input files, each read once per run."""

    def __init__(self):
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        path = Path(path)
        if path not in self._known:
            try:
                self._known[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except FileNotFoundError:
                self._known[path] = "saknas"
        return self._known[path]


def fingerprint(*parts) -> str:
    """Return one hash over strings (and nested lists/tuples of strings)."""
    digest = hashlib.sha256()

    def feed(value):
        if isinstance(value, (list, tuple)):
            for item in value:
                feed(item)
        else:
            digest.update(str(value).encode("utf-8"))
            digest.update(b"\0")

    feed([__version__, *parts])
    return digest.hexdigest()


@dataclass
class Entry:
    """One job's record: its input fingerprint, its files, and facts for the county overview."""

    fingerprint: str
    files: dict[str, dict] = field(default_factory=dict)  # relative path → {sha256, size, mtime_ns}
    facts: dict | None = None


class Manifest:
    """The manifest of one output folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_FILE
        self.entries: dict[str, Entry] = {}
        self._dirty = False

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Return the manifest in ``folder``; an unreadable one is treated as empty (all work redone)."""
        manifest = cls(folder)
        try:
            data = json.loads(manifest.path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                manifest.entries = {k: Entry(v["fingeravtryck"], v.get("filer", {}), v.get("fakta"))
                                    for k, v in data.get("jobb", {}).items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            manifest.entries = {}
        return manifest

    def up_to_date(self, key: str, wanted: str) -> bool:
        """``True`` when job ``key`` was done with inputs ``wanted`` and its files are untouched."""
        entry = self.entries.get(key)
        if entry is None or entry.fingerprint != wanted:
            return False
        for name, record in entry.files.items():
            try:
                stat = (self.folder / name).stat()
            except OSError:
                return False
            if stat.st_size != record["size"] or stat.st_mtime_ns != record["mtime_ns"]:
                return False
        return True

    def record(self, key: str, wanted: str, files: list[Path], hashes: dict[Path, str],
               facts: dict | None = None) -> list[Path]:
        """Record a finished job; return its previous files that it no longer makes."""
        previous = self.entries.get(key)
        records = {}
        for path in files:
            stat = path.stat()
            records[path.relative_to(self.folder).as_posix()] = {
                "sha256": hashes[path], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        self.entries[key] = Entry(wanted, records, facts)
        self._dirty = True
        if previous is None:
            return []
        return [self.folder / name for name in previous.files if name not in records]

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the manifest atomically (only if it changed)."""
        if not self._dirty:
            return
        data = {"format": FORMAT, "paket": __version__,
                "jobb": {k: {"fingeravtryck": e.fingerprint, "filer": e.files, "fakta": e.facts}
                         for k, e in sorted(self.entries.items())}}
        output.write_all(self.folder, {MANIFEST_FILE: json.dumps(data, ensure_ascii=False, indent=1)
                                       .encode("utf-8")})
        self._dirty = False


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files an interrupted run left in ``folder``; return how many."""
    count = 0
    for path in Path(folder).rglob(".*.tmp"):
        try:
            os.unlink(path)
            count += 1
        except OSError:
            pass
    return count

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
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.errors import OutputError, Problem
from pipeline.files import output

MANIFEST_FILE = "manifest.json"
MAX_HASHED_BYTES = 64 * 1024 * 1024  # above every input's own limit: such a file is refused when read
FORMAT = 1


class FileHashes:
    """SHA-256 of input files, each read once per run."""

    def __init__(self):
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        path = Path(path)
        if path not in self._known:
            try:
                info = path.stat()
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HASHED_BYTES:
                    # A FIFO would hang the read, a huge file exhaust memory: the job runs, and its
                    # validation names the file.
                    self._known[path] = f"ingen-datafil-{info.st_mode}-{info.st_size}-{info.st_mtime_ns}"
                else:
                    self._known[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except FileNotFoundError:
                self._known[path] = "saknas"
            except OSError as exc:  # unreadable: the job runs, and its validation names the file
                self._known[path] = f"oläslig-{exc.errno}"
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
        self.problem: str | None = None
        self._dirty = False

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Return the manifest in ``folder``. One that cannot be read, or whose entries have the
        wrong shape or name files outside the folder, is reported in ``problem`` and rebuilt:
        all work is redone, and no file it names is trusted."""
        manifest = cls(folder)
        path = manifest.path
        if not os.path.lexists(path):
            return manifest
        listed = MANIFEST_FILE in output.Ledger.read(manifest.folder).files
        try:
            if os.path.islink(path):
                raise ValueError("a link")
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("another format")
            manifest.entries = {key: _entry(value) for key, value in data["jobb"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            if not listed and not _looks_like_ours(path):
                raise OutputError(Problem(path, "utdatamappen har en manifest.json som inte är skriven av samverkan",
                                          hint="Välj en annan utdatamapp med --out.")) from exc
            manifest.entries = {}
            manifest._dirty = True
            manifest.problem = (f"{path} kunde inte läsas eller hade fel form ({_reason(exc)}); "
                                "den byggs om och allt görs om.")
        if not listed:  # ours by its form (e.g. written before the output folders had lists)
            output.adopt(manifest.folder, {MANIFEST_FILE: hashlib.sha256(path.read_bytes()).hexdigest()})
        return manifest

    def adopt_outputs(self) -> None:
        """Let the output folders' lists of our files include what the manifest recorded (outputs
        written before those lists existed)."""
        by_folder: dict[Path, dict[str, str]] = {}
        for entry in self.entries.values():
            for name, record in entry.files.items():
                path = self.folder / name
                by_folder.setdefault(path.parent, {})[path.name] = record["sha256"]
        for folder, files in by_folder.items():
            if folder.is_dir() and not os.path.lexists(folder / output.LEDGER):
                output.adopt(folder, files)

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
               facts: dict | None = None) -> None:
        """Record a finished job and the files it wrote."""
        records = {}
        for path in files:
            stat = path.stat()
            records[path.relative_to(self.folder).as_posix()] = {
                "sha256": hashes[path], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        self.entries[key] = Entry(wanted, records, facts)
        self._dirty = True

    def drop(self, key: str) -> list[Path]:
        """Delete a job's files (only those samverkan wrote and nobody changed), forget the job,
        and return the files removed."""
        by_folder: dict[Path, list[str]] = {}
        for name in self.entries[key].files:
            path = self.folder / name
            by_folder.setdefault(path.parent, []).append(path.name)
        removed = []
        for folder, names in by_folder.items():
            removed += output.remove_owned(folder, names, within=self.folder)
        self.forget(key)
        return removed

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
        output.publish(self.folder, {MANIFEST_FILE: json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")},
                       replace=(MANIFEST_FILE,))
        self._dirty = False


def _looks_like_ours(path: Path) -> bool:
    """``True`` when ``path`` is a manifest of samverkan's (a JSON object with its keys), however
    damaged its entries."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "jobb" in data and "format" in data


def _entry(value) -> Entry:
    """Return a manifest entry from its JSON form; raise ValueError for a wrong shape or a file
    outside the output folder."""
    if not isinstance(value, dict) or not isinstance(value.get("fingeravtryck"), str):
        raise ValueError("en post saknar fingeravtryck")
    files, facts = value.get("filer", {}), value.get("fakta")
    if not isinstance(files, dict) or (facts is not None and not isinstance(facts, dict)):
        raise ValueError("en post har fel form")
    for name, record in files.items():
        _check_name(name)
        if not (isinstance(record, dict) and isinstance(record.get("sha256"), str)
                and isinstance(record.get("size"), int) and isinstance(record.get("mtime_ns"), int)):
            raise ValueError(f"filen {name} har fel form")
    return Entry(value["fingeravtryck"], files, facts)


def _check_name(name) -> None:
    """Raise ValueError unless ``name`` is a relative path inside the output folder."""
    if not isinstance(name, str) or not name or "\\" in name or name.startswith("/") or ":" in name:
        raise ValueError(f"sökvägen {name!r} ligger inte i utdatamappen")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(f"sökvägen {name!r} ligger inte i utdatamappen")


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ValueError) and str(exc) else "ogiltig JSON eller oläsbar fil"

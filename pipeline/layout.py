"""The folder convention, known in this one place: ``<data>/<län>/<kommun>/<version>/``.

A :class:`VersionRef` names a version by its folder and answers every question
about where things are: the data root, the county file, sibling versions, the
job key used by batch, and where its documents and comparisons are written.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

AGREEMENT_FILE = "overenskommelse.yaml"
COUNTY_FILE = "lan.yaml"
PLANS_FOLDER = "planer"
SEAL_FILE = "sigill.json"
# Written when a version is decided: the county's shared text as it was, and the documents as decided.
FROZEN_COUNTY_FILE = "lan-gemensamt.yaml"
ARCHIVE_FOLDER = "beslutat"
# Follow-up records beside a version, outside what its seal covers: uppfoljning/ÅÅÅÅ-MM-DD.yaml.
FOLLOWUP_FOLDER = "uppfoljning"
# The lägesbild's imported statistics beside a kommun's versions, never inside one:
# <kommun>/lagesbild/<källa>-ÅÅÅÅ-MM-DD.yaml (not a version: it holds no overenskommelse.yaml).
LAGESBILD_FOLDER = "lagesbild"
COMPARISON_PREFIX = "andringar-"
FIRST_PREFIX = "underlag-"  # the decision documents of a first agreement (no predecessor)
DEFAULT_OUTPUT = Path("ut")
PUBLIC_FOLDER = "offentlig"  # the public version of a folder's documents, inside it
WEB_FOLDER = "webb"  # the web publication of a version, beside its documents
PACKAGE_FILE = "beslutspaket.pdf"  # a comparison's beslutspaket, beside its memo
ARCHIVE_PACKAGE_FOLDER = "arkiv"  # the E-ARK package of a decided version, beside its documents

# A version's name: what folders, file names and job keys can all hold on every platform.
VERSION_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC form (macOS file names come in NFD)."""
    return unicodedata.normalize("NFC", text)


def absolute(path: Path) -> Path:
    """Return ``path`` made absolute without following links ("a/b/.." → "a")."""
    return Path(os.path.abspath(path))


@dataclass(frozen=True)
class VersionRef:
    """A version's place in the data: ``root/county/kommun/name``."""

    folder: Path  # absolute, links not followed

    @classmethod
    def of(cls, folder: Path) -> VersionRef:
        """Return the reference of the version in ``folder`` (relative or absolute)."""
        return cls(absolute(folder))

    @property
    def name(self) -> str:
        return nfc(self.folder.name)

    @property
    def kommun_dir(self) -> Path:
        return self.folder.parent

    @property
    def county_dir(self) -> Path:
        return self.folder.parent.parent

    @property
    def root(self) -> Path:
        """Return the data folder that holds every county (agreements/)."""
        return self.folder.parent.parent.parent

    @property
    def kommun(self) -> str:
        return nfc(self.kommun_dir.name)

    @property
    def county(self) -> str:
        return nfc(self.county_dir.name)

    @property
    def county_file(self) -> Path:
        return self.county_dir / COUNTY_FILE

    @property
    def key(self) -> str:
        """Return the version's job key: "dalarna/orsa/2023"."""
        return f"{self.county}/{self.kommun}/{self.name}"

    def sibling(self, name: str) -> VersionRef:
        """Return the version ``name`` of the same kommun."""
        return VersionRef(self.kommun_dir / name)

    def output_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the version's documents go: ``out/<län>/<kommun>/<version>``."""
        return Path(out) / self.county / self.kommun / self.name

    def comparison_dir(self, old: VersionRef, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the comparison from ``old`` goes: ``out/<län>/<kommun>/andringar-<old>-<new>``."""
        return Path(out) / self.county / self.kommun / comparison_name(old.name, self.name)

    @property
    def followup_dir(self) -> Path:
        """Return the folder of the version's follow-up records (not covered by its seal)."""
        return self.folder / FOLLOWUP_FOLDER

    def followup_output_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the version's follow-up reports go: ``out/<län>/<kommun>/<version>/uppfoljning``."""
        return self.output_dir(out) / FOLLOWUP_FOLDER

    def public_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the version's public documents go: ``out/<län>/<kommun>/<version>/offentlig``."""
        return self.output_dir(out) / PUBLIC_FOLDER

    def web_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the version's web publication goes: ``out/<län>/<kommun>/<version>/webb``."""
        return self.output_dir(out) / WEB_FOLDER

    def archive_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where the version's archive package goes: ``out/<län>/<kommun>/<version>/arkiv``."""
        return self.output_dir(out) / ARCHIVE_PACKAGE_FOLDER

    def first_dir(self, out: Path = DEFAULT_OUTPUT) -> Path:
        """Return where a first agreement's decision documents go: ``out/<län>/<kommun>/underlag-<version>``."""
        return Path(out) / self.county / self.kommun / f"{FIRST_PREFIX}{self.name}"


def comparison_name(old: str, new: str) -> str:
    """Return the name of a comparison's folder: "andringar-2019-2023"."""
    return f"{COMPARISON_PREFIX}{old}-{new}"


def data_root(root: Path) -> Path:
    """Return the folder holding all data: ``root`` itself, or its parent when it is one county."""
    root = absolute(root)
    return root.parent if (root / COUNTY_FILE).is_file() else root

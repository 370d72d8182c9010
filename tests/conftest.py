"""Shared fixtures: a private copy of the example data, and a way to edit it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "agreements"
ORSA_2023 = AGREEMENTS / "dalarna" / "orsa" / "2023"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def sealed_county(tmp_path) -> Path:
    """Return a copy of agreements/dalarna as it is: Orsa's decided versions sealed."""
    target = tmp_path / "agreements" / "dalarna"
    shutil.copytree(AGREEMENTS / "dalarna", target)
    return target


@pytest.fixture
def county(sealed_county) -> Path:
    """Return a copy of agreements/dalarna whose versions a test may edit: seals removed."""
    for seal in sealed_county.rglob("sigill.json"):
        folder = seal.parent
        seal.unlink()
        (folder / "lan-gemensamt.yaml").unlink()
        shutil.rmtree(folder / "beslutat")
    return sealed_county


@pytest.fixture
def orsa(county) -> Path:
    """Return the copied Orsa 2023 version folder."""
    return county / "orsa" / "2023"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a data file; fail if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """Return the 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def visible(folder: Path) -> dict[str, bytes]:
    """Return the files a user sees in ``folder`` (name → bytes), without samverkan's hidden list
    of the files it wrote there."""
    return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir()) if not p.name.startswith(".")}


def new_draft(county: Path, kommun: str = "orsa", name: str = "2027", today=None,
              diarienummer: str = "KS 2027/0011") -> Path:
    """Return a new draft made with ``ny``, its diarienummer updated as a secretary would."""
    import datetime as dt
    import re

    from pipeline.data.lifecycle import start_version

    folder, _ = start_version(county / kommun, name, today=today or dt.date(2026, 1, 20))
    path = folder / "overenskommelse.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^diarienummer: .*$", f"diarienummer: {diarienummer}", text, count=1),
                    encoding="utf-8")
    return folder

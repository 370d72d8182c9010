"""Shared fixtures: a private copy of the example data, and a way to edit it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

if os.environ.get("SAMVERKAN_TEST_NO_POSIX") == "1":
    import noposix  # noqa: F401  (before the package is imported anywhere)

import signal  # noqa: E402

from hypothesis import settings  # noqa: E402

# Random tests that set no example count of their own (the fuzzing of the web app's routes,
# tests/test_fuzz_web.py) run a few examples in the default run and many in CI, which sets
# HYPOTHESIS_PROFILE=ci (.ci/run). Tests that set max_examples themselves keep their count.
settings.register_profile("default", max_examples=10)
settings.register_profile("ci", max_examples=150)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Tests that send POSIX signals themselves (kill -9 a run, SIGTERM) cannot run without them.
posix_signals = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "killpg"),
                                   reason="needs POSIX signals (SIGKILL, process groups)")

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "agreements"
ORSA_2023 = AGREEMENTS / "dalarna" / "orsa" / "2023"
# A draft: rendered with the templates (a decided version's documents are those it was decided with).
FALUN_2027 = AGREEMENTS / "dalarna" / "falun" / "2027"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# --- tiers: what a test needs besides Python ------------------------------------------------------
#
# A test marked `libreoffice`, `browser` or `corpus` needs that installed (or the material beside
# the project); it is skipped, with what is missing, where it is not – except under CI=true (and,
# for the corpus, SAMVERKAN_REQUIRE_CORPUS=1), where a missing tool stops the run. Such tests are
# also slow: `pytest -m "not slow"` is the quick tier for developers.

def _missing_libreoffice() -> str | None:
    import shutil

    tools = {"soffice": shutil.which("soffice") or shutil.which("libreoffice"), "pdftotext": shutil.which("pdftotext"),
             "pdfinfo": shutil.which("pdfinfo"), "pdftoppm": shutil.which("pdftoppm")}
    missing = [name for name, found in tools.items() if not found]
    return f"LibreOffice eller poppler-utils saknas ({', '.join(missing)})" if missing else None


def _missing_browser() -> str | None:
    from browser import MISSING

    return MISSING


def _missing_corpus() -> str | None:
    corpus = ROOT.parent / "shared" / "redline-corpus" / "pairs.tsv"
    vocabularies = ROOT.parent / "shared" / "eark-vocabularies"
    if not corpus.is_file() or not vocabularies.is_dir():
        return f"materialet bredvid projektet saknas ({corpus.parent}, {vocabularies})"
    return None


LIBREOFFICE = _missing_libreoffice() is None  # for tests that add a PDF step when they can

NEEDS = {"libreoffice": (_missing_libreoffice, "CI"), "browser": (_missing_browser, "CI"),
         "corpus": (_missing_corpus, "SAMVERKAN_REQUIRE_CORPUS")}
_REQUIRED = {"CI": "true", "SAMVERKAN_REQUIRE_CORPUS": "1"}


def pytest_collection_modifyitems(config, items):
    found: dict[str, str | None] = {}
    for item in items:
        for marker, (missing, variable) in NEEDS.items():
            if item.get_closest_marker(marker) is None:
                continue
            item.add_marker(pytest.mark.slow)
            if marker not in found:
                found[marker] = missing()
            if found[marker] is None:
                continue
            if os.environ.get(variable) == _REQUIRED[variable]:
                raise pytest.UsageError(f"{variable}={_REQUIRED[variable]} men {found[marker]}; "
                                        ".ci/run ska installera det")
            item.add_marker(pytest.mark.skip(reason=found[marker]))


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory):
    """Keep the prepared templates of the test run in a folder of its own, not the user's cache."""
    from pipeline.documents import templatecache

    folder = tmp_path_factory.mktemp("mallcache")
    os.environ[templatecache.CACHE_VARIABLE] = str(folder)
    templatecache.clear_process_state()
    return folder


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """Keep what the web app keeps privately (sessions, unsaved text) in the test's own folder."""
    monkeypatch.setenv("SAMVERKAN_SESSION_DIR", str(tmp_path / "privat"))
    return tmp_path / "privat"


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
    """Return a new draft made with ``ny`` and the new case's diarienummer (``--nytt-diarienummer``)."""
    import datetime as dt

    from pipeline.versions.lifecycle import start_version

    folder, _ = start_version(county / kommun, name, today=today or dt.date(2026, 1, 20), case_number=diarienummer)
    return folder


FAKE_SOFFICE_SCRIPT = Path(__file__).resolve().parent / "fake_soffice.py"


def fake_soffice(folder: Path) -> Path:
    """Return a program that runs the stand-in for LibreOffice with this Python, on any platform
    (a .cmd file on Windows, a shell script elsewhere), for SAMVERKAN_SOFFICE."""
    import os
    import sys

    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        launcher = folder / "soffice.cmd"
        launcher.write_text(f'@set "FAKE_SOFFICE_HOME={folder}"\r\n@"{sys.executable}" "{FAKE_SOFFICE_SCRIPT}" %*\r\n',
                            encoding="utf-8")
    else:
        launcher = folder / "soffice"
        script = f'#!/bin/sh\nFAKE_SOFFICE_HOME="{folder}" exec "{sys.executable}" "{FAKE_SOFFICE_SCRIPT}" "$@"\n'
        launcher.write_text(script, encoding="utf-8")
        os.chmod(launcher, 0o755)
    return launcher


def stray_fake_children(home: Path) -> list:
    """Return the helper processes of the stand-in for LibreOffice in ``home`` (the folder given to
    :func:`fake_soffice`) that still run – only this test's, also when tests run in parallel."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            line = process.info["cmdline"] or []
            if "fake-soffice-child" in line and str(home) in line:
                found.append(process)
        except psutil.Error:
            continue
    return found


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file below ``folder`` (hidden ones too) with its bytes; links as their target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = b"->" + os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
    return found

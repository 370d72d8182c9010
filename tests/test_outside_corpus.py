"""The outside corpus: real .docx files from other projects' test suites, each made into an edit pair.

The files lie in ``fixtures/outside-corpus`` (their sources, commits and licences in
``SOURCES.tsv`` and ``LICENSES/``; see its README). For every file :mod:`outside_edits` makes an
edit pair – the file itself and a copy with 2 to 5 edits chosen by the file's name – and the
pair is compared with :func:`pipeline.compare.jamfor.compare_files`. The result is checked with
the resolver in ``test_redline_oracle`` (not the engine's own): no integrity problem that the
inputs do not already have (a few sources carry their own, e.g. a glossary document whose styles
live in its own part), accepting every change gives the edited file and rejecting every change
gives the original (with the original's own tracked changes accepted).

The files in ``invalid/`` (encrypted, broken zips, Strict Open XML, not a Word document) must be
refused by ``samverkan jamfor`` with a Swedish message naming the file, exit code 1 and no
traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import zipfile

import pytest
from lxml import etree

from conftest import FIXTURES
from outside_edits import make_pair
from pipeline.cli import main
from pipeline.compare.jamfor import compare_files
from test_redline_oracle import content, integrity

CORPUS = FIXTURES / "outside-corpus"
with open(CORPUS / "SOURCES.tsv", encoding="utf-8", newline="") as stream:
    SOURCES = list(csv.DictReader(stream, delimiter="\t"))
FILES = [s["file"] for s in SOURCES if not s["file"].startswith("invalid/")]
INVALID = [s["file"] for s in SOURCES if s["file"].startswith("invalid/")]
# Pairs that fail, each with the reason; none at present. Use
# pytest.mark.xfail(strict=True, reason="…") through this dict, so a fix shows.
EXPECTED_FAILURES: dict[str, str] = {}
# Files in invalid/ that samverkan jamfor does not refuse with exit code 1, each with the reason.
INVALID_ACCEPTED: dict[str, str] = {}


def pair(name: str) -> tuple[bytes, bytes, list[str]]:
    """Return (old, new, edits) for a corpus file."""
    return make_pair(name, (CORPUS / name).read_bytes())


def redline(tmp_path, old: bytes, new: bytes) -> bytes:
    """Return our redline of two files' bytes."""
    (tmp_path / "old.docx").write_bytes(old)
    (tmp_path / "new.docx").write_bytes(new)
    return compare_files(tmp_path / "old.docx", tmp_path / "new.docx", "Test", dt.date(2024, 1, 1)).data


def params(names: list[str], expected: dict[str, str]):
    for name in names:
        marks = [pytest.mark.xfail(strict=True, reason=expected[name])] if name in expected else []
        yield pytest.param(name, id=name, marks=marks)


def test_the_corpus_is_all_there_with_sources_and_licences():
    assert len(FILES) >= 100 and len(INVALID) >= 5
    listed = {s["file"] for s in SOURCES}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.docx")}
    assert on_disk == listed and len(listed) == len(SOURCES)
    digests = set()
    for source in SOURCES:
        data = (CORPUS / source["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source["sha256"], source["file"]
        digests.add(source["sha256"])
        assert source["licence"] and source["repository"].count("/") == 1 and len(source["commit"]) == 40
        project = source["file"].removeprefix("invalid/").split("/")[0]
        assert (CORPUS / "LICENSES" / f"{project}.txt").is_file(), project
    assert len(digests) == len(SOURCES)  # no file twice
    assert sum(p.stat().st_size for p in CORPUS.rglob("*")) < 25 * 1024 * 1024


def check_pair(name: str, old: bytes, new: bytes, edits: list[str]) -> None:
    """Check an edit pair: the file's own bytes, 2 to 5 edits, only edited XML parts differ and parse."""
    assert old == (CORPUS / name).read_bytes() and 2 <= len(edits) <= 5, edits
    with zipfile.ZipFile(io.BytesIO(old)) as before, zipfile.ZipFile(io.BytesIO(new)) as after:
        assert before.namelist() == after.namelist()
        changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
        assert changed and all(n.endswith(".xml") for n in changed), changed
        for part in changed:
            etree.fromstring(after.read(part), etree.XMLParser(resolve_entities=False, huge_tree=True))


def test_pairs_are_the_same_every_time():
    """A pair depends on the file's name only: made twice, in the order of the files or not."""
    sample = sorted(FILES, key=lambda n: (CORPUS / n).stat().st_size)[:12]
    first = {name: pair(name) for name in sample}
    for name in reversed(sample):
        assert pair(name) == first[name], name
        check_pair(name, *first[name])


# In CI each file also gets edit pairs of two further seeds: edits this engine was not tuned on.
SEEDS = [""] + (["#2", "#3"] if os.environ.get("CI") else [])


@pytest.mark.slow  # the corpus lies in the project, so only the time marks it
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(params(FILES, EXPECTED_FAILURES)))
def test_round_trip(tmp_path, name, seed):
    old, new, edits = make_pair(name + seed, (CORPUS / name).read_bytes())
    if not seed:
        check_pair(name, old, new, edits)
    data = redline(tmp_path, old, new)
    problems = integrity(data)
    if problems:  # leave out what the source has itself (e.g. a glossary's styles, in a part of their own)
        inherited = set(integrity(old)) | set(integrity(new))
        problems = [problem for problem in problems if problem not in inherited]
    assert problems == [], edits
    assert content(data, accept=True) == content(new, accept=True), edits
    assert content(data, accept=False) == content(old, accept=True), edits


@pytest.mark.slow  # the corpus lies in the project, so only the time marks it
def test_the_checks_can_fail(tmp_path):
    """The resolver sees the edits: comparing a pair the wrong way round fails both checks."""
    old, new, _ = pair("pandoc/notes.docx")
    data = redline(tmp_path, new, old)
    assert content(old, accept=True) != content(new, accept=True)
    assert content(data, accept=True) != content(new, accept=True)
    assert content(data, accept=False) != content(old, accept=True)


@pytest.mark.parametrize("name", list(params(INVALID, INVALID_ACCEPTED)))
@pytest.mark.parametrize("side", ["old", "new"])
def test_invalid_input_is_a_swedish_error_naming_the_file(tmp_path, capsys, name, side):
    bad = tmp_path / name.rsplit("/", 1)[1]
    bad.write_bytes((CORPUS / name).read_bytes())
    good = tmp_path / "ok.docx"
    good.write_bytes((CORPUS / FILES[0]).read_bytes())
    files = [bad, good] if side == "old" else [good, bad]
    code = main(["jamfor", *map(str, files), "--out", str(tmp_path / "ut.docx")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert code == 1 and captured.err.startswith("Fel: ") and bad.name in captured.err, captured.err
    assert "filen" in captured.err  # the message is Swedish: "Fel: …: filen är …"
    assert not (tmp_path / "ut.docx").exists()

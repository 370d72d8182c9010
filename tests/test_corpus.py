"""The redline corpus: 118 real-world pairs from Open-Xml-PowerTools' WmlComparer tests.

Every pair is compared with :func:`pipeline.jamfor.compare_files` and checked with
the resolver in ``test_redline_oracle`` (not the engine's own): every part is
strict XML, no relationship, content type, style, list or note reference dangles,
accepting every change gives the modified document and rejecting every change
gives the original (body, tables, footnotes and endnotes at their references,
text boxes, equations, pictures by their bytes, hyperlink targets, field
instructions, headers and footers). Inputs with tracked changes are compared on
their accepted text, so "the original" is the original with its changes accepted.

A sample is opened in LibreOffice (PDF and ODT; the ODT must list the tracked changes).
The corpus lives beside the project (``../shared/redline-corpus``), not in it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import zipfile

import pytest

from conftest import ROOT
from pipeline.compare.jamfor import compare_files
from test_redline_oracle import content, integrity

CORPUS = ROOT.parent / "shared" / "redline-corpus"
if not (CORPUS / "pairs.tsv").is_file():
    # .ci/run requires it (the corpus lies beside the project there); elsewhere, e.g. on GitHub, it
    # may be missing.
    if os.environ.get("SAMVERKAN_REQUIRE_CORPUS") == "1":
        raise RuntimeError(f"korpusen saknas: {CORPUS}")
    pytest.skip(f"korpusen finns inte: {CORPUS}", allow_module_level=True)

pytestmark = pytest.mark.corpus

with open(CORPUS / "pairs.tsv", encoding="utf-8", newline="") as stream:
    PAIRS = [row for row in csv.DictReader(stream, delimiter="\t")]
# Pairs that may fail, each with the reason; none at present. Use
# pytest.param(..., marks=pytest.mark.xfail(strict=True, reason="…")).
EXPECTED_FAILURES: dict[str, str] = {}
# Opened in LibreOffice: math, picture, SmartArt, hyperlink, footnotes, endnotes, text box,
# table in a text box, an input with tracked changes, and the largest pair.
LIBREOFFICE_SAMPLE = ["WC-1230", "WC-1240", "WC-1280", "WC-1380", "WC-1610", "WC-1680", "WC-1770",
                      "WC-1920", "CZ001-Plain-Mod", "WC-1130"]


def redline(pair: dict) -> bytes:
    """Return our redline of a corpus pair."""
    return compare_files(CORPUS / pair["original"], CORPUS / pair["modified"], "Test", dt.date(2024, 1, 1)).data


def params():
    for pair in PAIRS:
        marks = [pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[pair["id"]])] \
            if pair["id"] in EXPECTED_FAILURES else []
        yield pytest.param(pair, id=pair["id"], marks=marks)


def test_the_corpus_is_all_there():
    assert len(PAIRS) == 118
    for pair in PAIRS:
        assert (CORPUS / pair["original"]).is_file() and (CORPUS / pair["modified"]).is_file(), pair["id"]


@pytest.mark.parametrize("pair", list(params()))
def test_round_trip(pair):
    data = redline(pair)
    assert integrity(data) == []
    original = content((CORPUS / pair["original"]).read_bytes(), accept=True)
    modified = content((CORPUS / pair["modified"]).read_bytes(), accept=True)
    assert content(data, accept=True) == modified
    assert content(data, accept=False) == original


def test_the_checks_can_fail():
    """The resolver sees a difference: comparing a pair the wrong way round fails both checks."""
    pair = next(p for p in PAIRS if p["id"] == "WC-1400")  # a changed footnote
    data = redline(pair)
    original = content((CORPUS / pair["original"]).read_bytes(), accept=True)
    modified = content((CORPUS / pair["modified"]).read_bytes(), accept=True)
    assert original != modified
    assert content(data, accept=True) != original and content(data, accept=False) != modified


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
def test_libreoffice_opens_a_sample(tmp_path):
    pairs = {p["id"]: p for p in PAIRS}
    files = []
    for name in LIBREOFFICE_SAMPLE:
        path = tmp_path / f"{name}.docx"
        path.write_bytes(redline(pairs[name]))
        files.append(path)
    for kind in ("pdf", "odt"):
        subprocess.run([SOFFICE, "-env:UserInstallation=" + (tmp_path / "profile").as_uri(), "--headless",
                        "--norestore", "--convert-to", kind, "--outdir", str(tmp_path / kind), *map(str, files)],
                       check=True, capture_output=True, timeout=600)
    for path in files:
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), path.stem
        with zipfile.ZipFile(tmp_path / "odt" / f"{path.stem}.odt") as archive:
            odt = archive.read("content.xml").decode("utf-8")
        assert "<text:tracked-changes" in odt and "<text:changed-region" in odt, path.stem


def test_deleted_smartart_keeps_its_drawing():
    """SmartArt's data names its drawing by an id of the document's relationships: it must resolve."""
    from test_redline_oracle import Doc

    pair = next(p for p in PAIRS if p["id"] == "WC-1310")  # SmartArt with a picture, deleted
    doc = Doc(redline(pair))
    rels = doc.rel_by_id(doc.main)
    data_parts = [target for kind, target in rels.values() if kind.endswith("/diagramData")]
    assert data_parts
    for data_part in data_parts:
        ids = [e.get("relId") for e in doc.xml(data_part).iter(
            "{http://schemas.microsoft.com/office/drawing/2008/diagram}dataModelExt")]
        assert ids and all(rels[i][0].endswith("/diagramDrawing") and rels[i][1] in doc.parts for i in ids)


def unrelated_pairs(count: int = 40) -> list[tuple[str, str]]:
    """Return a fixed sample of pairs of unrelated corpus files (the hardest case for pairing)."""
    import random

    files = sorted({p["original"] for p in PAIRS} | {p["modified"] for p in PAIRS})
    rng = random.Random(11)
    return [(rng.choice(files), rng.choice(files)) for _ in range(count)]


# Unrelated pairs that may fail, (old, new) → the reason; none at present.
UNRELATED_FAILURES: dict[tuple[str, str], str] = {}


def unrelated_params():
    for old, new in unrelated_pairs():
        reason = UNRELATED_FAILURES.get((old, new))
        yield pytest.param(old, new, marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [])


@pytest.mark.parametrize("old, new", list(unrelated_params()))
def test_unrelated_documents(old, new):
    """Any two corpus files: body and sections (page, headers, footers) round-trip both ways and the
    package holds together."""
    data = compare_files(CORPUS / old, CORPUS / new, "Test", dt.date(2024, 1, 1)).data
    assert integrity(data) == []
    assert content(data, accept=True) == content((CORPUS / new).read_bytes(), accept=True)
    assert content(data, accept=False) == content((CORPUS / old).read_bytes(), accept=True)

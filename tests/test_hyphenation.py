"""No word is broken across lines without a hyphen, in any document a reader meets as PDF.

Every document type is rendered (agreement, bilagor, memo, redlines, overview) for the
Orsa 2023 → 2027 scenario and Falun, converted by LibreOffice, and the text of each line
end is compared with the words of the source document.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.compare import versions as compare
from pipeline.documents.render import render
from scenarios import orsa_2027
from test_libreoffice import convert  # skips without LibreOffice, as the tests there do

pytestmark = pytest.mark.libreoffice
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def source_words(docx_path) -> set[str]:
    """Return every word in a .docx's text (body, headers, footers), lower-case."""
    words = set()
    with zipfile.ZipFile(docx_path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                root = etree.fromstring(archive.read(name))
                for paragraph in root.iter(W + "p"):
                    text = "".join(t.text or "" if t.tag in (W + "t", W + "delText") else " "
                                   for t in paragraph.iter(W + "t", W + "delText", W + "tab", W + "br"))
                    words.update(w.lower() for w in WORD.findall(text))
    return words


def broken_words(pdf_text: str, words: set[str]) -> list[str]:
    """Return words split across two lines without a hyphen: "Giltighetsti|d"."""
    lines = [line.strip() for line in pdf_text.splitlines() if line.strip()]
    broken = []
    for first, second in zip(lines, lines[1:], strict=False):
        end, start = WORD.findall(first[-40:]), WORD.findall(second[:40])
        if not end or not start or not first[-1].isalpha() or not second[0].isalpha():
            continue
        joined = (end[-1] + start[0]).lower()
        if joined in words and not (end[-1].lower() in words and start[0].lower() in words):
            broken.append(f"{end[-1]}|{start[0]}")
    return broken


def test_no_word_is_split_without_a_hyphen(county, tmp_path):
    out = tmp_path / "ut"
    new = orsa_2027(county)
    comparison, written = compare.diff(county / "orsa" / "2023", new, out / "orsa-diff")
    written += render(new, out / "orsa")
    written += compare.diff(county / "falun" / "2023", county / "falun" / "2027", out / "falun-diff")[1]
    assert main(["batch", str(county), "--out", str(out / "batch"), "--datum", "2026-11-27"]) == 0
    written += [out / "batch" / "dalarna" / "lansoversikt.docx"]
    staged = tmp_path / "staged"
    staged.mkdir()
    copies = []
    for index, path in enumerate(written):
        copy = staged / f"{index:02d}-{path.name}"
        shutil.copy(path, copy)
        copies.append(copy)
    pdfs = convert(copies, tmp_path / "pdf", tmp_path / "profile")
    found = {}
    for copy, pdf in zip(copies, pdfs, strict=False):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        broken = broken_words(text, source_words(copy))
        if broken:
            found[copy.name] = broken
    assert found == {}


def test_the_check_finds_a_broken_word():
    words = {"giltighetstid", "organisation"}
    assert broken_words("Område Giltighetsti\nd och", words) == ["Giltighetsti|d"]
    assert broken_words("Område Giltighets-\ntid och", words) == []
    assert broken_words("gäller från\ngiltighetstid", words | {"från"}) == []

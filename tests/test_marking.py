"""The registrator's markings: an internal document with passages under sekretess says so at the top
of every page and shows each passage labelled and shaded; a public document says "Offentlig
version" on every page, and the beslutspaket says either on its cover. The example data's marked
versions (Falun 2027, Hedemora 2026, Säter 2026; see tests/test_leak.py) are rendered as the
commands render them."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import docx
import pytest
from lxml import etree

from conftest import AGREEMENTS
from pipeline.compare import versions as compare
from pipeline.documents import marking
from pipeline.documents.render import render_version
from pipeline.ooxml.names import W
from pipeline.publish import public
from pipeline.publish.package import compose, decision_package

DALARNA = AGREEMENTS / "dalarna"
PASSAGE = ("Enligt polisens underrättelser sker försäljningen från en lägenhet vid Exempelgatan i Falun och via "
           "kontot Snöfallet123 i en krypterad app.")
FALUN_LINE = "Innehåller uppgifter som kan omfattas av sekretess enligt OSL 18 kap. 1 § (markerade i texten)"


def single(text: str) -> str:
    """Return text with every run of whitespace (no-break spaces too) one space."""
    return " ".join(text.split())


def header_lines(data: bytes) -> list[str]:
    """Return the first paragraph of every header of a .docx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"word/header\d*\.xml", n))
        firsts = [etree.fromstring(archive.read(n)).find(f"{W}p") for n in names]
    return [single("".join(t.text or "" for t in p.iter(f"{W}t"))) if p is not None else "" for p in firsts]


def body_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return single(" ".join([p.text for p in document.paragraphs]
                           + [c.text for t in document.tables for row in t.rows for c in row.cells]))


@pytest.fixture(scope="module")
def internal():
    """The documents of the three marked drafts, by version and file name."""
    return {key: {d.name: d.data for d in render_version(_valid(key))}
            for key in ("falun/2027", "hedemora/2026", "sater/2026")}


def _valid(key):
    from pipeline.data.validate import validate_version

    return validate_version(DALARNA / key)


# --- marking a text and rendering it ------------------------------------------------------------------

def test_a_marked_passage_becomes_labelled_shaded_runs():
    xml = ('<w:p><w:r><w:rPr><w:i/></w:rPr><w:t>Före. ' + marking.secret("Hemligt &amp; mer.", "OSL 18 kap. 1 §")
           + ' Efter.</w:t></w:r></w:p>')
    resolved, grounds = marking.resolve(xml)
    assert grounds == ["OSL 18 kap. 1 §"]
    assert not any(c in resolved for c in marking.MARKS)
    runs = re.findall(r"<w:r>(.*?)</w:r>", resolved)
    texts = [single(re.sub(r"<[^>]+>", "", r)) for r in runs]
    assert [t for t in texts if t] == ["Före.", "[Sekretessmarkering: OSL 18 kap. 1 §]", "Hemligt &amp; mer.",
                                       "[Slut på sekretessmarkering]", "Efter."]
    by_text = {t: r for t, r in zip(texts, runs, strict=True) if t}
    assert ('<w:rPr><w:b/><w:i/><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>'
            '<w:lang w:val="zxx" w:eastAsia="zxx" w:bidi="zxx"/></w:rPr>') in by_text[
        "[Sekretessmarkering: OSL 18 kap. 1 §]"]  # a bold label, never hyphenated; in the order CT_RPr gives
    assert '<w:rPr><w:i/><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/></w:rPr>' in by_text["Hemligt &amp; mer."]
    assert by_text["Efter."].startswith("<w:rPr><w:i/></w:rPr>")


def test_a_code_prints_whole_and_a_mark_in_an_attribute_is_plain_text():
    xml = (f'<w:p><w:r><w:t>sigill {marking.code("9c96 7757")}</w:t></w:r></w:p>'
           f'<w:tblCaption w:val="{marking.secret("x", "OSL 1 kap. 1 §")}"/>')
    resolved, grounds = marking.resolve(xml)
    assert grounds == []  # the passage in the attribute is not printed as a marked passage
    assert '<w:rPr><w:noProof/><w:lang w:val="zxx" w:eastAsia="zxx" w:bidi="zxx"/></w:rPr>' \
           '<w:t xml:space="preserve">9c96 7757' in resolved
    assert 'w:val="x"' in resolved and not any(c in resolved for c in marking.MARKS)


def test_data_cannot_write_a_mark():
    from pipeline.documents.context import printable

    assert printable(f"a{marking.SECRET}OSL{marking.GROUND_END}b{marking.SECRET_END}") == "aOSLb"


# --- internal documents -------------------------------------------------------------------------------------

def test_only_documents_with_marked_passages_say_so_on_every_page(internal):
    marked = {("falun/2027", "samverkansoverenskommelse.docx"), ("falun/2027", "bilaga-2-narkotika-unga.docx"),
              ("hedemora/2026", "bilaga-2-unga-i-riskzon.docx"), ("sater/2026", "bilaga-1-bedragerier-aldre.docx")}
    lines = {"falun/2027": FALUN_LINE, "sater/2026": FALUN_LINE,
             "hedemora/2026": FALUN_LINE.replace("18 kap.", "26 kap.")}
    for key, documents in internal.items():
        for name, data in documents.items():
            headers = header_lines(data)
            assert headers, (key, name)
            if (key, name) in marked:
                assert all(h == lines[key] for h in headers), (key, name, headers)
            else:
                assert not any(marking.SECRECY_PREFIX in h for h in headers), (key, name)
                assert "Sekretessmarkering" not in body_text(data), (key, name)


def test_a_marked_passage_is_labelled_and_shaded(internal):
    data = internal["falun/2027"]["bilaga-2-narkotika-unga.docx"]
    assert f"[Sekretessmarkering: OSL 18 kap. 1 §] {PASSAGE} [Slut på sekretessmarkering]" in body_text(data)
    body = docx.Document(io.BytesIO(data)).element.body
    shaded = "".join(t.text for r in body.iter(f"{W}r") if r.find(f"{W}rPr/{W}shd") is not None
                     for t in r.iter(f"{W}t"))
    assert single(shaded) == f"[Sekretessmarkering: OSL 18 kap. 1 §] {PASSAGE} [Slut på sekretessmarkering]"


def test_a_marked_section_is_marked_text_by_text(internal):
    """Hedemora's whole kartläggning is under sekretess: each of its texts is marked, the headings not."""
    text = body_text(internal["hedemora/2026"]["bilaga-2-unga-i-riskzon.docx"])
    section = text[text.index("1. Kartläggning"):text.index("2. Orsaksanalys")]
    assert section.count("[Sekretessmarkering: OSL 26 kap. 1 §]") >= 4
    assert section.count("[Sekretessmarkering: OSL 26 kap. 1 §]") == section.count("[Slut på sekretessmarkering]")
    assert "Källor [Sekretessmarkering" in section  # the heading stays outside


# --- public documents ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def public_falun(tmp_path_factory):
    """The public comparison Falun 2023 → 2027 and Falun 2027's public documents."""
    comparison = public.compare_public(_valid("falun/2023"), _valid("falun/2027"))
    return comparison, public.public_documents(_valid("falun/2027"))


def test_public_documents_say_offentlig_version_on_every_page_and_nothing_internal(public_falun):
    comparison, documents = public_falun
    everything = [*documents, comparison.memo, *comparison.redlines, *comparison.new_documents]
    assert len(everything) >= 12
    for document in everything:
        headers = header_lines(document.data)
        assert headers and all(h == "Offentlig version" for h in headers), (document.name, headers)
        with zipfile.ZipFile(io.BytesIO(document.data)) as archive:
            text = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
        assert "Sekretessmarkering" not in text and marking.SECRECY_PREFIX not in text, document.name
        assert f'w:fill="{marking.SHADING}"' not in re.sub(r"<w:tcPr>.*?</w:tcPr>", "", text), document.name


def test_an_internal_document_is_unmarked_before_it_is_masked(internal):
    """A version decided with its markings (its beslutat/) is published without them."""
    from pipeline.publish import masking

    data = internal["falun/2027"]["bilaga-2-narkotika-unga.docx"]
    unmarked = marking.unmarked(data)
    text = body_text(unmarked)
    assert "Sekretessmarkering" not in text and PASSAGE in text  # the masking takes the passage
    assert not any(marking.SECRECY_PREFIX in h for h in header_lines(unmarked))
    masked = masking.mask_document(data, masking.masks_of(_valid("falun/2027")))
    assert "Sekretessmarkering" not in body_text(masked) and "[Uppgift borttagen med stöd av" in body_text(masked)


# --- the beslutspaket ------------------------------------------------------------------------------------

def cover_texts(data: bytes) -> list[str]:
    texts = [single(p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]
    return texts[:texts.index("Innehåll")]


def test_the_internal_package_names_the_provisions_on_its_cover_and_every_page():
    comparison = compare.compare(DALARNA / "falun" / "2023", DALARNA / "falun" / "2027")
    title, parts, _, cover = decision_package(comparison, DALARNA)
    assert cover.markering == FALUN_LINE
    data = compose(parts, title, cover)
    assert FALUN_LINE in cover_texts(data)
    assert set(header_lines(data)) == {FALUN_LINE}


def test_the_public_package_says_offentlig_version_on_its_cover_and_every_page(public_falun):
    comparison, _ = public_falun
    title, parts, _, cover = decision_package(comparison, DALARNA)
    assert cover.markering == "Offentlig version"
    data = compose(parts, title, cover)
    assert "Offentlig version" in cover_texts(data)
    assert set(header_lines(data)) == {"Offentlig version"}


def test_a_package_without_marked_passages_has_no_marking():
    orsa = DALARNA / "orsa"
    comparison = compare.compare(orsa / "2019", orsa / "2023")
    title, parts, _, cover = decision_package(comparison, orsa)
    assert cover.markering is None
    data = compose(parts, title, cover)
    assert not any(marking.SECRECY_PREFIX in t or t == "Offentlig version" for t in cover_texts(data))
    assert not any(marking.SECRECY_PREFIX in h for h in header_lines(data))


# --- as printed -------------------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_the_printed_packages_differ_on_every_page(public_falun, tmp_path):
    """Internal and public beslutspaket as PDF: the internal one names the provision at the top of
    every page and marks the passage; the public one says "Offentlig version" on every page and
    on its cover, and neither says the other's."""
    from pipeline.publish.pdf import convert_run

    internal_comparison = compare.compare(DALARNA / "falun" / "2023", DALARNA / "falun" / "2027")
    packages = [decision_package(internal_comparison, tmp_path / "intern"),
                decision_package(public_falun[0], tmp_path / "offentlig")]
    written, problems = convert_run([], packages)
    assert problems == [] and len(written) == 2
    internal_pages, public_pages = (_pdf_pages(p) for p in (packages[0][2], packages[1][2]))
    assert all(FALUN_LINE in page for page in internal_pages)
    assert any(f"[Sekretessmarkering: OSL 18 kap. 1 §] {PASSAGE} [Slut på sekretessmarkering]" in page
               for page in internal_pages)
    assert all("Offentlig version" in page and "Sekretessmarkering" not in page
               and marking.SECRECY_PREFIX not in page for page in public_pages)
    assert "Offentlig version" in public_pages[0].split("Beslutspaket", 1)[1]  # on the cover itself, too
    assert not any("Offentlig version" in page for page in internal_pages)


def _pdf_pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [single(page) for page in text.split("\f")[:-1]]

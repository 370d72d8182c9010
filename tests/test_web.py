"""The web publication (pipeline/publish/site.py): self-contained, semantic, and without WCAG 2.1 AA
violations in Chromium (axe-core)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from browser import axe_violations, chromium, describe, needs_chromium
from conftest import AGREEMENTS, LIBREOFFICE
from pipeline.data.validate import validate_version
from pipeline.publish.site import PublicationError, publication, publish_version

ORSA_2023 = AGREEMENTS / "dalarna" / "orsa" / "2023"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Return the folder of Orsa 2023's publication (with PDFs when LibreOffice is there)."""
    folder = tmp_path_factory.mktemp("webb")
    files = publication(validate_version(ORSA_2023), dt.date(2026, 11, 27), pdf=bool(LIBREOFFICE))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def test_every_page_is_swedish_titled_and_self_contained(site):
    assert [p.name for p in pages(site)] == ["beslut.html", "bilaga-1-ordningsstorningar-centrum.html",
                                            "bilaga-2-ungdomar-skolor.html", "bilaga-3-hot-mot-fortroendevalda.html",
                                            "bilaga-4-alkohol-sommarsasong.html", "index.html", "medborgarloften.html",
                                            "overenskommelse.html"]
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="sv">' in text and re.search(r"<title>[^<]+</title>", text)
        links = re.findall(r'(?:href|src)="([^"]+)"', text)
        assert all(not re.match(r"[a-z]+:|//", link) for link in links), links  # nothing from elsewhere
        assert all((site / link.split("#")[0]).is_file() for link in links if not link.startswith("#")), links
        assert "<script" not in text


def test_headings_come_in_order_and_tables_have_captions_and_header_cells(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        levels = [int(n) for n in re.findall(r"<h([1-6])", text)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (page.name, levels)
        for table in re.findall(r"<table>.*?</table>", text, re.DOTALL):
            assert "<caption>" in table and 'scope="' in table


def test_the_style_sheet_has_a_print_style(site):
    assert "@media print" in (site / "stil.css").read_text(encoding="utf-8")


@pytest.mark.libreoffice
def test_the_overview_links_the_pdf_a_documents(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    pdfs = sorted(p.name for p in site.glob("*.pdf"))
    assert len(pdfs) == 5 and all(f'href="{name}"' in index for name in pdfs)


def test_a_draft_is_not_published(tmp_path):
    with pytest.raises(PublicationError) as caught:
        publish_version(AGREEMENTS / "dalarna" / "falun" / "2027", tmp_path)
    assert "render --offentlig" in caught.value.problems[0].hint


def test_values_are_escaped():
    version = validate_version(ORSA_2023)
    version.data["bakgrund"] = "<script>alert(1)</script> & {{ 7*7 }}"
    files = publication(version, dt.date(2026, 11, 27), pdf=False)
    page = files["overenskommelse.html"].decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ 7*7 }}" in page and "<script>" not in page


@needs_chromium
def test_no_wcag_21_aa_violations_on_any_page_in_chromium(site):
    with chromium() as page:
        for path in pages(site):
            page.goto(path.as_uri())
            assert page.evaluate("document.documentElement.lang") == "sv"
            violations = axe_violations(page)
            assert violations == [], f"{path.name}:\n{describe(violations)}"
        page.set_viewport_size({"width": 360, "height": 740})  # a phone: reflow, no horizontal scrolling
        page.goto((site / "bilaga-1-ordningsstorningar-centrum.html").as_uri())
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@needs_chromium
def test_the_print_style_hides_the_menu(site):
    with chromium() as page:
        page.goto((site / "overenskommelse.html").as_uri())
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"

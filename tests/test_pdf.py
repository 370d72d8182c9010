"""PDF/A-2, tagged, with bookmarks, from one LibreOffice run; failures isolated; the first page of
each document type matches a reviewed picture."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AGREEMENTS, edit, fake_soffice, stray_fake_children, visible
from pipeline.cli import main
from pipeline.publish import pdf
from pipeline.publish.pdf import ConversionError, PdfJob, convert
from synthetic import make_country

HERE = Path(__file__).resolve().parent
PICTURES = HERE / "fixtures" / "pictures"
needs_libreoffice = pytest.mark.libreoffice
ORSA = AGREEMENTS / "dalarna" / "orsa"


# --- the real thing ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    assert main(["render", str(ORSA / "2023"), "--out", str(out / "2023"), "--pdf"]) == 0
    assert main(["diff", str(ORSA / "2019"), str(ORSA / "2023"), "--out", str(out / "diff"), "--pdf",
                 "--paket"]) == 0
    # The åtgärdsplan of a draft whose plans link causes, activities, goals and indicators, and the
    # follow-up report of a decided version with its charts.
    assert main(["render", str(AGREEMENTS / "dalarna" / "falun" / "2027"), "--out", str(out / "falun"),
                 "--pdf"]) == 0
    assert main(["uppfoljning", str(ORSA / "2023"), "--out", str(out / "uppfoljning"), "--pdf"]) == 0
    country = make_country(tmp_path_factory.mktemp("data") / "agreements", 1, plans=1)
    assert main(["batch", str(country.parent), "--out", str(out / "batch"), "--jobs", "1", "--datum",
                 "2026-11-27", "--pdf"]) == 0
    return out


def info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def text(path: Path) -> str:
    """Return a PDF's text on one line, words hyphenated at a line end joined again."""
    joined = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                     check=True).stdout.split())
    return re.sub(r"(?<=[a-zåäö])- (?=[a-zåäö])", "", joined)


def outline_titles(path: Path) -> list[str]:
    """Return the bookmark titles of a PDF (LibreOffice writes them as UTF-16 hex strings)."""
    data = path.read_bytes()
    titles = []
    for match in re.finditer(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", data):
        titles.append(bytes.fromhex(match.group(1).decode()).decode("utf-16-be"))
    return titles


@needs_libreoffice
def test_every_pdf_is_tagged_pdfa2_with_language_and_title(made):
    pdfs = sorted(made.rglob("*.pdf"))
    # render 5 (Orsa 2023 as decided, before the åtgärdsplan existed), diff 6, its package 1; Falun 2027
    # 5; the follow-up report 1; batch of one kommun: 3 + 3 documents, 3 in the comparison, the
    # overview and the package of the version awaiting decision. Orsa and Falun have their lägesbild
    # beside their documents when their statistics are imported.
    lagesbild = sum((ORSA.parent / kommun / "lagesbild").is_dir() for kommun in ("orsa", "falun"))
    assert len(pdfs) == 5 + 6 + 1 + 5 + 1 + (3 + 3 + 3 + 1 + 1) + lagesbild
    for path in pdfs:
        details = info(path)
        assert re.search(r"Tagged:\s+yes", details), path
        title = re.search(r"Title:\s+(.+)", details)
        assert title and title.group(1).strip(), path
        meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True).stdout
        assert "<pdfaid:part>2</pdfaid:part>" in meta, path
        assert b"/Lang(sv-SE)" in path.read_bytes().replace(b" ", b""), path


@needs_libreoffice
def test_pdf_text_holds_the_key_values(made):
    agreement = text(made / "2023" / "samverkansoverenskommelse.pdf")
    for expected in ["Samverkansöverenskommelse mellan Orsa kommun och lokalpolisområde Mora", "Dnr KS 2023/0042",
                     "13 februari 2023", "Mikael Thalin (C)", "Sida 1 av"]:
        assert expected in agreement
    memo = text(made / "diff" / "tjansteskrivelse.pdf")
    assert "Förslag till beslut" in memo and "Ändringar jämfört med gällande överenskommelse" in memo


@needs_libreoffice
def test_redline_pdf_shows_deleted_and_inserted_words(made):
    redline = text(made / "diff" / "andringar-samverkansoverenskommelse.pdf")
    # Deleted and inserted words stand side by side, marked: "UtvecklaStärka samarbetet".
    assert "Utveckla" in redline and "Stärka samarbetet" in redline
    assert "TvåFyra gånger per år" in redline.replace(" ", "") or ("Två" in redline and "Fyra" in redline)


@needs_libreoffice
def test_package_has_every_part_in_order_with_bookmarks(made):
    package = made / "diff" / "beslutspaket.pdf"
    titles = outline_titles(package)
    parts = [t for t in titles if t.startswith("Del ")]
    assert parts[0].startswith("Del 1 – Tjänsteskrivelse")
    assert parts[1].startswith("Del 2 – Ändringar: Samverkansöverenskommelse")
    assert any(t.startswith("Del 7 – Förslag: Samverkansöverenskommelse mellan Orsa kommun") for t in parts)
    lagesbild = (ORSA / "lagesbild").is_dir()  # after the agreement, before the bilagor
    assert len(parts) == 1 + 5 + 5 + lagesbild and "Förslag till beslut" in titles
    assert not lagesbild or parts[7].startswith("Del 8 – Underlag: Lägesbild – Orsa kommun")
    assert re.search(r"Title:\s+Beslutspaket: ", info(package))
    assert (made / "batch" / "dalarna" / "exempelby001" / "andringar-2023-2027" / "beslutspaket.pdf").is_file()


@needs_libreoffice
def test_batch_pdfs_are_incremental(made, capsys, tmp_path):
    country = make_country(tmp_path / "agreements", 1, plans=1)
    out = tmp_path / "ut"
    assert main(["batch", str(country.parent), "--out", str(out), "--jobs", "1", "--pdf"]) == 0
    capsys.readouterr()
    assert main(["batch", str(country.parent), "--out", str(out), "--jobs", "1", "--pdf"]) == 0
    assert "Inget har ändrats" in capsys.readouterr().out


# --- pictures: the first page of each document type, against a reviewed reference ----------------

PAGES = {
    "overenskommelse": "2023/samverkansoverenskommelse.pdf",
    "bilaga": "2023/bilaga-2-ungdomar-skolor.pdf",
    "tjansteskrivelse": "diff/tjansteskrivelse.pdf",
    "andringar": "diff/andringar-samverkansoverenskommelse.pdf",
    "lansoversikt": "batch/dalarna/lansoversikt.pdf",
    "beslutspaket": "diff/beslutspaket.pdf",
    "atgardsplan": "falun/atgardsplan.pdf",
    "uppfoljning": "uppfoljning/uppfoljning-2026-09-17.pdf",
}


def first_page(path: Path, tmp_path: Path) -> tuple[int, int, bytes]:
    """Return width, height and grey pixels of the PDF's first page at 20 dpi."""
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
                   check=True)
    data = next(tmp_path.glob("p*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    for old in tmp_path.glob("p*.pgm"):
        old.unlink()
    return int(header.group(1)), int(header.group(2)), data[header.end():]


@needs_libreoffice
@pytest.mark.skipif(sys.platform != "linux", reason="referensbilderna är gjorda med Linux typsnitt (Liberation)")
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_first_page_looks_as_reviewed(made, tmp_path, kind):
    width, height, pixels = first_page(made / PAGES[kind], tmp_path)
    reference = PICTURES / f"{kind}.pgm.gz"
    if os.environ.get("UPDATE_PICTURES") == "1":
        reference.write_bytes(gzip.compress(f"P5 {width} {height} 255\n".encode() + pixels, mtime=0))
    stored = gzip.decompress(reference.read_bytes())
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", stored)
    assert (int(header.group(1)), int(header.group(2))) == (width, height)
    expected = stored[header.end():]
    different = sum(1 for a, b in zip(pixels, expected, strict=False) if abs(a - b) > 64)
    mean = sum(abs(a - b) for a, b in zip(pixels, expected, strict=False)) / len(pixels)
    # A moved heading or a missing table changes thousands of pixels; font hinting changes few.
    assert different / len(pixels) < 0.01 and mean < 2.0, (kind, different, mean)


# --- failures, with a stand-in for LibreOffice -------------------------------------------------------

def documents(tmp_path: Path, names: list[str]) -> list[PdfJob]:
    jobs = []
    for name in names:
        source = tmp_path / f"{name}.docx"
        source.write_bytes(b"PK not really a docx")
        jobs.append(PdfJob(source, tmp_path / "ut" / f"{name}.pdf"))
    return jobs


@pytest.fixture
def fake(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.SOFFICE_VARIABLE, str(fake_soffice(tmp_path / "bin")))
    monkeypatch.setenv(pdf.STALL_VARIABLE, "2")
    return monkeypatch


@pytest.mark.parametrize("failure", ["FAKE_SOFFICE_HANG", "FAKE_SOFFICE_CRASH"])
def test_a_document_that_hangs_or_crashes_is_reported_and_the_rest_finished(fake, tmp_path, failure):
    fake.setenv(failure, "andra")
    written, problems = convert(documents(tmp_path, ["forsta", "andra", "tredje", "fjarde"]))
    assert sorted(p.name for p in written) == ["fjarde.pdf", "forsta.pdf", "tredje.pdf"]
    assert [p.file.name for p in problems] == ["andra.docx"]
    assert "LibreOffice kunde inte göra PDF" in problems[0].message
    assert sorted(visible(tmp_path / "ut")) == ["fjarde.pdf", "forsta.pdf", "tredje.pdf"]
    assert stray_fake_children(tmp_path / "bin") == []


def test_missing_libreoffice_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(pdf.SOFFICE_VARIABLE, str(tmp_path / "finns-inte"))
    with pytest.raises(ConversionError) as caught:
        convert(documents(tmp_path, ["a"]))
    assert "apt-get install libreoffice-writer-nogui" in caught.value.problems[0].hint
    assert main(["render", str(ORSA / "2023"), "--out", str(tmp_path / "ut2"), "--pdf"]) == 1
    err = capsys.readouterr().err
    assert "LibreOffice (soffice) behövs för PDF men hittas inte" in err and "Traceback" not in err


def test_cli_reports_the_failed_document_with_exit_1(fake, tmp_path, capsys):
    fake.setenv("FAKE_SOFFICE_CRASH", "bilaga-2")
    assert main(["render", str(ORSA / "2023"), "--out", str(tmp_path), "--pdf"]) == 1
    captured = capsys.readouterr()
    assert "bilaga-2-ungdomar-skolor.docx" in captured.err and "LibreOffice kunde inte göra PDF" in captured.err
    assert f"Skrev {tmp_path / 'bilaga-3-hot-mot-fortroendevalda.pdf'}" in captured.out
    assert not (tmp_path / "bilaga-2-ungdomar-skolor.pdf").exists()


def test_bad_stall_setting_and_a_libreoffice_that_does_not_start(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.SOFFICE_VARIABLE, str(fake_soffice(tmp_path / "bin")))
    monkeypatch.setenv(pdf.STALL_VARIABLE, "abc")
    with pytest.raises(ConversionError) as caught:
        convert(documents(tmp_path, ["a"]))
    assert "SAMVERKAN_PDF_STALL=abc" in caught.value.problems[0].message
    monkeypatch.setenv(pdf.STALL_VARIABLE, "5")
    monkeypatch.setenv(pdf.SOFFICE_VARIABLE, shutil.which("false"))
    with pytest.raises(ConversionError) as caught:
        convert(documents(tmp_path, ["a", "b", "c"]))
    (problem,) = caught.value.problems
    assert "startar inte" in problem.message


@needs_libreoffice
def test_a_draft_whose_predecessor_has_a_hyphen_in_its_name_gets_its_package(tmp_path):
    country = make_country(tmp_path / "data" / "agreements", 1, plans=1)
    kommun = country / "exempelby001"
    (kommun / "2023").rename(kommun / "2023-a")
    edit(kommun / "2023-a" / "overenskommelse.yaml", 'version: "2023"', 'version: "2023-a"')
    edit(kommun / "2027" / "overenskommelse.yaml", 'föregående_version: "2023"', 'föregående_version: "2023-a"')
    out = tmp_path / "ut"
    assert main(["batch", str(country.parent), "--out", str(out), "--jobs", "1", "--datum", "2026-11-27",
                 "--pdf"]) == 0
    package = out / "dalarna" / "exempelby001" / "andringar-2023-a-2027" / "beslutspaket.pdf"
    assert package.is_file() and "Del 1 – Tjänsteskrivelse" in " ".join(outline_titles(package))


# --- the LibreOffice profile kept between runs ---------------------------------------------------------

def kept_profile() -> Path:
    from pipeline.documents import templatecache

    return templatecache.folder().parent / pdf.KEPT_PROFILE_FOLDER / pdf.PROFILE


@needs_libreoffice
def test_the_profile_is_kept_and_reused_and_a_broken_one_made_again(tmp_path):
    """LibreOffice's profile is made by the first conversion and used by the next (its first start
    costs a second or two); one LibreOffice cannot start with is replaced, and the PDFs still come."""
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    shutil.rmtree(kept_profile(), ignore_errors=True)
    document = render_version(validate_version(ORSA / "2023"))[0]
    (tmp_path / "a.docx").write_bytes(document.data)
    written, problems = convert([PdfJob(tmp_path / "a.docx", tmp_path / "ut" / "a.pdf")])
    assert problems == [] and written and (kept_profile() / "user").is_dir()
    made = (kept_profile() / "user").stat()
    written, problems = convert([PdfJob(tmp_path / "a.docx", tmp_path / "ut2" / "a.pdf")])
    used = (kept_profile() / "user").stat()
    assert problems == [] and written
    assert used.st_ino == made.st_ino and used.st_mtime_ns != made.st_mtime_ns  # the same one, used again
    shutil.rmtree(kept_profile())
    kept_profile().write_bytes(b"not a folder")  # what a kill or a person could leave
    written, problems = convert([PdfJob(tmp_path / "a.docx", tmp_path / "ut3" / "a.pdf")])
    assert problems == [] and (tmp_path / "ut3" / "a.pdf").read_bytes().startswith(b"%PDF")
    assert not list(Path(pdf.tempfile.gettempdir()).glob(f"{pdf.WORK_PREFIX}{os.getpid()}-*"))


def test_a_run_that_finds_the_kept_profile_in_use_takes_a_fresh_one(tmp_path):
    """Two runs at once must not share a profile: LibreOffice would hand the second run's files to
    the first one's process."""
    from pipeline.files.lock import Lock

    kept = kept_profile().parent
    with pdf._profile(tmp_path) as first:
        assert first == kept / pdf.PROFILE
        with pdf._profile(tmp_path) as second:
            assert second == tmp_path / pdf.PROFILE
    with Lock(kept, "en annan körning", name=pdf._PROFILE_LOCK), pdf._profile(tmp_path) as third:
        assert third == tmp_path / pdf.PROFILE
    with pdf._profile(tmp_path) as again:  # released: kept again
        assert again == kept / pdf.PROFILE

"""A real word processor opens every rendered document: LibreOffice converts each to PDF.

Locally these tests skip when LibreOffice or poppler is missing; under CI=true
they never skip (.ci/run installs both).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from pipeline.render import render

from conftest import ORSA_2023, ROOT

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

if not (SOFFICE and PDFTOTEXT):
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true men LibreOffice (soffice) eller pdftotext saknas; .ci/run ska installera dem")
    pytestmark = pytest.mark.skip(reason="LibreOffice (soffice) eller pdftotext (poppler-utils) är inte installerat")


def to_pdf(files, out, profile):
    """Convert all files with one LibreOffice process; return the PDFs."""
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=600)
    return [out / (f.stem + ".pdf") for f in files]


def pdf_text(pdf):
    return subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    documents = render(ORSA_2023, out / "2023")
    # The 2019 agreement has the same file name: copy it under another before converting.
    old = render(ROOT / "agreements" / "dalarna" / "orsa" / "2019", out / "2019")[0]
    documents.append(old.rename(out / "2023" / "samverkansoverenskommelse-2019.docx"))
    pdfs = to_pdf(documents, out, tmp_path_factory.mktemp("lo-profile"))
    return {d.name: pdf for d, pdf in zip(documents, pdfs)}


def test_every_document_converts(pdfs):
    assert len(pdfs) == 6
    for name, pdf in pdfs.items():
        assert pdf.is_file() and pdf.stat().st_size > 5000, name
        text = pdf_text(pdf)
        assert "Orsa kommun" in text and "Sida 1 av" in text, name


def test_agreement_pdf_text(pdfs):
    text = " ".join(pdf_text(pdfs["samverkansoverenskommelse.docx"]).split())
    for expected in ["Samverkansöverenskommelse mellan Orsa kommun och lokalpolisområde Mora",
                     "Dnr KS 2023/0042", "Öka tryggheten och minska brottsligheten i Orsa kommun.",
                     "13 februari 2023", "Mikael Thalin (C)", "Bilaga 4"]:
        assert expected in text, expected


def test_plan_pdf_text_and_tables(pdfs):
    text = " ".join(pdf_text(pdfs["bilaga-2-ungdomar-skolor.docx"]).split())
    for expected in ["Bilaga 2", "1. Kartläggning", "2. Orsaksanalys", "3. Mål", "4. Aktiviteter",
                     "5. Uppföljning", "Aktivitet Ansvarig När Resurser"]:
        assert expected in text, expected


def test_decided_2019_version_without_plans(pdfs):
    text = " ".join(pdf_text(pdfs["samverkansoverenskommelse-2019.docx"]).split())
    assert "Dnr KS 2019/0031" in text and "Överenskommelsen har inga bilagor." in text


def test_pdf_metadata_comes_from_the_data(pdfs):
    info = subprocess.run(["pdfinfo", str(pdfs["samverkansoverenskommelse.docx"])],
                          check=True, capture_output=True, text=True).stdout
    assert "Title:           Samverkansöverenskommelse mellan Orsa kommun" in info
    assert "Author:          Orsa kommun" in info
    assert "A4" in info

"""LibreOffice reads the redline engine's formatting changes (w:rPrChange, w:pPrChange).

Locally skipped without LibreOffice; under CI=true it never skips.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from test_jamfor import docx, p

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
def test_libreoffice_sees_formatting_changes(tmp_path):
    from pipeline.compare.jamfor import compare_files

    bold = '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Mötesfrekvens:</w:t></w:r>' \
           '<w:r><w:t xml:space="preserve"> fyra gånger per år.</w:t></w:r></w:p>'
    (tmp_path / "new.docx").write_bytes(docx(bold + p("Centrerad", ppr='<w:pPr><w:jc w:val="center"/></w:pPr>')))
    (tmp_path / "old.docx").write_bytes(docx(p("Mötesfrekvens:", " fyra gånger per år.") + p("Centrerad")))
    result = compare_files(tmp_path / "old.docx", tmp_path / "new.docx", "Test")
    (tmp_path / "ut.docx").write_bytes(result.data)
    subprocess.run([SOFFICE, "-env:UserInstallation=" + (tmp_path / "profile").as_uri(), "--headless", "--norestore",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(tmp_path / "ut.docx")],
                   check=True, capture_output=True, timeout=300)
    with zipfile.ZipFile(tmp_path / "ut.odt") as archive:
        odt = archive.read("content.xml").decode("utf-8")
    # The bold label is a format change; LibreOffice 7.4 keeps the centred paragraph's change as
    # a paragraph-attribute change that its ODT export calls "UnknownChange".
    assert odt.count("<text:changed-region") == 2 and odt.count("<text:format-change") >= 1
    assert "<text:deletion" not in odt and "<text:insertion" not in odt

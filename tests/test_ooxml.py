"""Word packages: read with limits, written byte for byte the same, properties from the data."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline import ooxml
from pipeline.errors import DataError, TemplateError
from pipeline.ooxml import text

TEMPLATE = ROOT / "templates" / "overenskommelse.docx"


def test_read_package_finds_the_templated_parts():
    package = ooxml.read_package(TEMPLATE, TEMPLATE.parent)
    assert "word/document.xml" in package.templated_parts()
    assert "word/styles.xml" not in package.templated_parts()


def test_writing_is_deterministic_and_content_types_come_first():
    package = ooxml.read_package(TEMPLATE, TEMPLATE.parent)
    first, second = io.BytesIO(), io.BytesIO()
    ooxml.write_docx(first, package, {})
    ooxml.write_docx(second, package, {})
    assert first.getvalue() == second.getvalue()
    with zipfile.ZipFile(first) as archive:
        assert archive.infolist()[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_properties_come_from_the_data_never_from_the_computer():
    props = ooxml.Properties(title="Titel", subject="Ämne", organisation="Orsa kommun", date=dt.date(2023, 1, 31))
    core = ooxml.core_xml(props).decode()
    assert "<dc:creator>Orsa kommun</dc:creator>" in core and "2023-01-31T00:00:00Z" in core
    assert "<dc:language>sv-SE</dc:language>" in core
    assert "<Application>samverkan</Application>" in ooxml.app_xml(props).decode()


@pytest.mark.parametrize("data, words", [
    (b"inte en zip", "ingen läsbar .docx-fil"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "lösenordsskyddad"),
])
def test_a_damaged_or_encrypted_file_is_a_clear_error(data, words):
    with pytest.raises(DataError) as caught:
        ooxml.unpack(data, Path("x.docx"))
    assert words in caught.value.problems[0].message


def test_too_many_parts_is_a_size_limit(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(5):
            archive.writestr(f"word/p{index}.xml", b"<x/>")
    monkeypatch.setattr(ooxml.package, "MAX_PARTS", 3)
    with pytest.raises(DataError) as caught:
        ooxml.unpack(buffer.getvalue(), Path("x.docx"))
    assert "storleksgränsen" in caught.value.problems[0].message


def test_finish_part_refuses_broken_xml():
    with pytest.raises(TemplateError):
        ooxml.finish_part(Path("mall.docx"), "word/document.xml", "<w:document><w:body></w:document>")


def test_paragraph_texts_and_title():
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p></w:body></w:document>')
    assert text.paragraph_texts(xml) == ["a\tb\nc"]
    assert text.document_title(b"nope") is None

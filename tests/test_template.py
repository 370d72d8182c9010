"""Compiled templates: checked at load time, filled in a sandbox, every part parsed strictly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.documents import template
from pipeline.errors import TemplateError


def make_template(folder: Path, *paragraphs: str) -> Path:
    """Return a small .docx template holding ``paragraphs``."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / "mall.docx"
    folder.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def body_text(parts: dict[str, bytes]) -> list[str]:
    document = docx.Document(io.BytesIO(_docx_with(parts)))
    return [p.text for p in document.paragraphs]


def _docx_with(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rendered(path: Path, names: set[str], values: dict) -> list[str]:
    compiled = template.load(path, names)
    parts = dict(compiled.package.parts)
    parts.update(compiled.render(values))
    return body_text(parts)


def test_values_are_escaped_data_never_template_code(tmp_path):
    path = make_template(tmp_path, "Kommun: {{ kommun }}")
    text = rendered(path, {"kommun"}, {"kommun": "{{ 7*7 }} & <b> \"Orsa\""})
    assert "Kommun: {{ 7*7 }} & <b> \"Orsa\"" in text


def test_a_template_is_compiled_once_per_file(tmp_path):
    path = make_template(tmp_path, "{{ kommun }}")
    assert template.load(path, {"kommun"}) is template.load(path, {"kommun"})


def test_an_unknown_name_is_refused_when_the_template_loads(tmp_path):
    path = make_template(tmp_path, "{{ kommunn }}")
    with pytest.raises(TemplateError) as caught:
        template.load(path, {"kommun"})
    assert caught.value.problems[0].message == "mallen använder variabeln 'kommunn' som inte finns i data"


def test_a_tag_that_does_not_close_is_refused(tmp_path):
    path = make_template(tmp_path, "{{ kommun }", "{{ kommun }}")
    with pytest.raises(TemplateError) as caught:
        template.load(path, {"kommun"})
    assert "en tagg öppnas eller stängs inte" in caught.value.problems[0].message


def test_a_missing_attribute_at_render_names_the_variable(tmp_path):
    path = make_template(tmp_path, "{{ beslut.paragraf }}")
    with pytest.raises(TemplateError) as caught:
        rendered(path, {"beslut"}, {"beslut": {"organ": "KS"}})
    assert "variabeln 'paragraf'" in caught.value.problems[0].message


def test_the_sandbox_refuses_python_internals(tmp_path):
    path = make_template(tmp_path, "{{ kommun.__class__.__mro__ }}")
    with pytest.raises(TemplateError) as caught:
        rendered(path, {"kommun"}, {"kommun": "Orsa"})
    assert "utanför data" in caught.value.problems[0].message


def test_paragraph_and_line_breaks_become_word_paragraphs_and_breaks(tmp_path):
    path = make_template(tmp_path, "{{ text }}")
    text = rendered(path, {"text"}, {"text": "Första\aAndra"})
    assert "Första" in text and "Andra" in text

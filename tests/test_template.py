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


# --- the prepared templates on disk ---------------------------------------------------------------

def test_resolve_listing_is_docxtpl_s():
    from docxtpl import DocxTemplate

    xml = ('<w:document><w:body><w:p><w:pPr><w:pStyle w:val="X"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
           '<w:t xml:space="preserve">a\tb\nc\ad\fe</w:t></w:r><w:r><w:t>plain</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>f\ag</w:t></w:r></w:p></w:body></w:document>')
    assert template._resolve_listing(xml) == DocxTemplate(None).resolve_listing(xml)


def test_a_new_process_uses_the_prepared_template_without_docxtpl(tmp_path):
    import subprocess
    import sys

    from conftest import FALUN_2027

    code = ("import sys\nfrom pipeline.documents.render import render\n"
            f"render({str(FALUN_2027)!r}, sys.argv[1])\n"
            "print('docxtpl' in sys.modules)\n")
    env = {**__import__("os").environ, "SAMVERKAN_CACHE": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a")], capture_output=True, text=True,
                           env=env, check=True)
    second = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b")], capture_output=True, text=True,
                            env=env, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")
    assert list((tmp_path / "cache" / "mallar").glob("*.json")) and list((tmp_path / "cache" / "mallar").glob("*.kod"))
    for name in ("samverkansoverenskommelse.docx", "atgardsplan.docx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_damaged_cache_is_ignored_and_made_again(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import FALUN_2027

    code = f"import sys\nfrom pipeline.documents.render import render\nrender({str(FALUN_2027)!r}, sys.argv[1])\n"
    env = {**os.environ, "SAMVERKAN_CACHE": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "a")], env=env, check=True)
    entries = list((tmp_path / "cache" / "mallar").iterdir())
    for number, entry in enumerate(entries):
        entry.write_bytes(b"\x00broken" if number % 2 else entry.read_bytes()[: len(entry.read_bytes()) // 2])
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "b")], env=env, check=True)
    for name in os.listdir(tmp_path / "a"):
        if not name.startswith("."):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_changed_template_never_meets_an_old_entry(tmp_path):
    path = make_template(tmp_path / "m", "Kommun: {{ kommun }}")
    assert "Kommun: Orsa" in rendered(path, {"kommun"}, {"kommun": "Orsa"})
    path = make_template(tmp_path / "m", "Län: {{ kommun }}")
    template._CACHE.clear()
    assert "Län: Orsa" in rendered(path, {"kommun"}, {"kommun": "Orsa"})


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    from pipeline.documents import templatecache

    monkeypatch.setenv("SAMVERKAN_CACHE", "av")
    templatecache.clear_process_state()
    try:
        assert templatecache.folder() is None and templatecache.read("x") is None
        path = make_template(tmp_path / "m", "{{ kommun }}")
        template._CACHE.clear()
        assert "Orsa" in rendered(path, {"kommun"}, {"kommun": "Orsa"})
    finally:
        monkeypatch.undo()
        templatecache.clear_process_state()

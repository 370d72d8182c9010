"""Rendering: the documents hold the data, look like a formal document, and are safe."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import docx
import pytest
from lxml import etree

from conftest import ORSA_2023, ROOT, edit, visible
from pipeline.data.validate import validate_version
from pipeline.documents.render import render, render_version
from pipeline.errors import OutputError, SchemaError, TemplateError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def orsa_documents():
    return {d.name: d for d in render_version(validate_version(ORSA_2023))}


def text_of(data: bytes) -> str:
    """Return all text of a .docx: body paragraphs, table cells, headers and footers."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def test_file_names(orsa_documents):
    assert list(orsa_documents) == [
        "samverkansoverenskommelse.docx",
        "bilaga-1-ordningsstorningar-centrum.docx",
        "bilaga-2-ungdomar-skolor.docx",
        "bilaga-3-hot-mot-fortroendevalda.docx",
        "bilaga-4-alkohol-sommarsasong.docx",
        "atgardsplan.docx",
    ]


def test_agreement_holds_the_data(orsa_documents):
    text = text_of(orsa_documents["samverkansoverenskommelse.docx"].data)
    for expected in [
        "Samverkansöverenskommelse mellan Orsa kommun och lokalpolisområde Mora",
        "Öka tryggheten och minska brottsligheten i Orsa kommun.",
        "Hot mot kommunala tjänstemän och politiker",
        "från och med 1 mars 2023 och tills vidare",
        "Kommunstyrelsen beslutade den 13 februari 2023, § 12, att godkänna överenskommelsen",
        "strategiutskottet den 31 januari 2023",
        "Bilaga 1 – Ordningsstörningar i Orsa centrum helgkvällar",
        "Mikael Thalin (C)",
        "Dnr KS 2023/0042",
        "polisområde Dalarna, polisregion Bergslagen",  # from the county file
    ]:
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text


def test_plan_holds_the_five_parts_and_tables(orsa_documents):
    data = orsa_documents["bilaga-2-ungdomar-skolor.docx"].data
    text = text_of(data)
    for heading in ["1. Kartläggning", "2. Orsaksanalys", "3. Mål", "4. Aktiviteter", "5. Uppföljning"]:
        assert heading in text
    assert "Orsa kommun, Lokalpolisområde Mora" in text  # a list of responsible parties
    tables = docx.Document(io.BytesIO(data)).tables
    assert [c.text for c in tables[0].rows[0].cells] == ["Aktivitet", "Ansvarig", "När", "Resurser"]
    assert [c.text for c in tables[1].rows[0].cells][:4] == ["Indikator", "När", "Ansvarig", "Status"]


def test_headings_are_built_in_and_in_order(orsa_documents):
    for document in orsa_documents.values():
        styles = [p.style.name for p in docx.Document(io.BytesIO(document.data)).paragraphs
                  if p.style.name == "Title" or p.style.name.startswith("Heading")]
        assert styles[0] == "Title" and styles.count("Title") == 1
        levels = [int(s.split()[-1]) for s in styles[1:]]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_accessibility_metadata(orsa_documents):
    # Read with lxml: importing docxtpl imports docxcompose, which remaps python-docx's "cp"
    # namespace, so python-docx then misreads cp:lastModifiedBy.
    dc, cp = "{http://purl.org/dc/elements/1.1/}", "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    for document in orsa_documents.values():
        core = part(document.data, "docProps/core.xml")
        assert core.findtext(dc + "title") == document.title and core.findtext(dc + "subject")
        assert core.findtext(dc + "creator") == core.findtext(cp + "lastModifiedBy") == "Orsa kommun"
        assert core.findtext(dc + "language") == "sv-SE"
        styles = part(document.data, "word/styles.xml")
        assert styles.find(f".//{W}docDefaults//{W}lang").get(f"{W}val") == "sv-SE"
        body = part(document.data, "word/document.xml")
        for table in body.iter(f"{W}tbl"):
            first_row = table.find(f"{W}tr")
            assert first_row.find(f"{W}trPr/{W}tblHeader") is not None  # repeats on each page
            assert table.find(f"{W}tblPr/{W}tblCaption") is not None


def test_header_and_footer(orsa_documents):
    data = orsa_documents["samverkansoverenskommelse.docx"].data
    section = docx.Document(io.BytesIO(data)).sections[0]
    header = "\n".join(p.text for p in section.header.paragraphs)
    assert "Orsa kommun" in header and "Dnr KS 2023/0042" in header and "2023-01-31" in header
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        footer = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("word/footer"))
    assert b"Sida " in footer and b" PAGE " in footer and b" NUMPAGES " in footer


def test_same_input_gives_identical_bytes(tmp_path, orsa):
    first = render(orsa, tmp_path / "a")
    os.utime(orsa / "overenskommelse.yaml", (0, 0))  # a different mtime must not matter
    second = render(orsa, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=False):
        assert a.read_bytes() == b.read_bytes(), a.name
    with zipfile.ZipFile(first[0]) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


DANGEROUS = "A & B < C > D \"citat\" 'apostrof' {{ 7*7 }} {% if x %}ja{% endif %} 🚓 ✅"


def test_markup_and_template_code_in_data_render_literally(orsa):
    quoted = DANGEROUS.replace(chr(39), chr(39) * 2)
    edit(orsa / "overenskommelse.yaml", "diarienummer: KS 2023/0042", f"diarienummer: '{quoted}'")
    edit(
        orsa / "planer" / "01-ordningsstorningar-centrum.yaml",
        "titel: Ordningsstörningar i Orsa centrum helgkvällar",
        f"titel: '{DANGEROUS.replace(chr(39), chr(39) * 2)}'",
    )
    documents = render_version(validate_version(orsa))
    agreement_text = text_of(documents[0].data)
    assert f"Dnr {DANGEROUS}" in agreement_text
    assert "49" not in agreement_text.split("Dnr")[1][:60]
    assert f"Bilaga 1 – {DANGEROUS}" in text_of(documents[1].data)


def test_paragraphs_and_line_breaks_in_text(orsa):
    path = orsa / "overenskommelse.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("kommunikation:")
    end = text.index("\n\n", start)
    path.write_text(
        text[:start] + "kommunikation: |\n  Första stycket.\n\n  Andra stycket,\n  med radbrytning.\n" + text[end:],
        encoding="utf-8",
    )
    document = docx.Document(io.BytesIO(render_version(validate_version(orsa))[0].data))
    texts = [p.text for p in document.paragraphs]
    first = texts.index("Första stycket.")
    assert texts[first + 1] == "Andra stycket,\nmed radbrytning."


@pytest.mark.parametrize("count", [0, 1, 3])
def test_loops_with_zero_one_and_many_items(orsa, count):
    path = orsa / "overenskommelse.yaml"
    others = "".join(f"    - namn: Aktör {i}\n      roll: Roll {i}\n" for i in range(1, count + 1))
    edit(path, "parter:\n", "parter:\n  övriga:\n" + others if count else "parter:\n")
    if count:
        edit(path, "  övriga:\n", "  övriga:\n", 1)
    documents = render_version(validate_version(orsa))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(documents[0].data)).paragraphs]
    listed = [t for t in paragraphs if t.startswith("Aktör ")]
    assert listed == [f"Aktör {i} – Roll {i}" for i in range(1, count + 1)]
    assert ("Följande aktörer deltar också i samverkan:" in paragraphs) == bool(count)
    assert not any("{%" in t or "%}" in t for t in paragraphs)


def test_version_without_plans_says_so():
    version = validate_version(ROOT / "agreements" / "dalarna" / "orsa" / "2019")
    (document,) = render_version(version)
    assert "Överenskommelsen har inga bilagor." in text_of(document.data)


def test_output_is_replaced_atomically_and_untouched_on_error(tmp_path, orsa):
    out = tmp_path / "ut"
    written = render(orsa, out)
    before = {p.name: p.read_bytes() for p in written}
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: beslutat")
    with pytest.raises(SchemaError):
        render(orsa, out)
    assert visible(out) == before
    edit(orsa / "overenskommelse.yaml", "status: beslutat", "status: beslutad")
    edit(orsa / "overenskommelse.yaml", "diarienummer: KS 2023/0042", "diarienummer: KS 2023/0043")
    render(orsa, out)
    assert sorted(visible(out)) == sorted(before)  # no temporary files left
    assert b"KS 2023/0043" not in before["samverkansoverenskommelse.docx"]


def test_failed_write_leaves_old_files_and_no_temporaries(tmp_path, orsa, monkeypatch):
    out = tmp_path / "ut"
    written = render(orsa, out)
    before = {p.name: p.read_bytes() for p in written}
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    edit(orsa / "overenskommelse.yaml", "diarienummer: KS 2023/0042", "diarienummer: KS 2023/0043")
    with pytest.raises(OutputError) as caught:
        render(orsa, out)
    assert "disken är full" in str(caught.value)
    assert visible(out) == before


def test_unwritable_output_folder(tmp_path, orsa):
    blocker = tmp_path / "fil"
    blocker.write_text("inte en mapp")
    with pytest.raises(OutputError) as caught:
        render(orsa, blocker / "ut")
    assert "en del av sökvägen är en fil" in str(caught.value)
    with pytest.raises(OutputError):
        render(orsa, blocker)


def copy_templates(tmp_path):
    folder = tmp_path / "mallar"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def rewrite_part(docx_path, name, change):
    with zipfile.ZipFile(docx_path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(docx_path, "w") as archive:
        for item, data in parts.items():
            archive.writestr(item, data)


def test_unknown_template_variable_is_found_when_the_template_loads(tmp_path):
    folder = copy_templates(tmp_path)
    rewrite_part(
        folder / "overenskommelse.docx", "word/document.xml", lambda xml: xml.replace("{{ bakgrund }}", "{{ bakgrun }}")
    )
    with pytest.raises(TemplateError) as caught:
        render_version(validate_version(ORSA_2023), folder)
    (problem,) = caught.value.problems
    assert problem.file == folder / "overenskommelse.docx"
    assert "variabeln 'bakgrun'" in problem.message


def test_missing_nested_variable_is_an_error_not_empty_text(tmp_path):
    folder = copy_templates(tmp_path)
    rewrite_part(
        folder / "plan.docx", "word/document.xml", lambda xml: xml.replace("{{ a.resurser }}", "{{ a.resurs }}")
    )
    with pytest.raises(TemplateError) as caught:
        render_version(validate_version(ORSA_2023), folder)
    (problem,) = caught.value.problems
    assert problem.file == folder / "plan.docx" and "variabeln 'resurs'" in problem.message


def test_tags_split_by_word_editing_still_render(tmp_path):
    """Word splits runs at spell-check marks and edits; docxtpl's patching must join them."""
    folder = copy_templates(tmp_path)

    def word_like(xml):
        split = (
            '{{ </w:t></w:r><w:proofErr w:type="spellStart"/><w:r w:rsidR="00A1B2C3">'
            '<w:t>bakgrund</w:t></w:r><w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve"> }}'
        )
        assert "{{ bakgrund }}" in xml
        return xml.replace("{{ bakgrund }}", split).replace("{{ syfte }}", "{{ syfte ”}}".replace("”", ""))

    rewrite_part(folder / "overenskommelse.docx", "word/document.xml", word_like)
    version = validate_version(ORSA_2023)
    (document, *_) = render_version(version, folder)
    assert version.data["bakgrund"].split()[0] in text_of(document.data)


def test_template_syntax_error_names_the_template(tmp_path):
    folder = copy_templates(tmp_path)
    rewrite_part(
        folder / "overenskommelse.docx", "word/document.xml", lambda xml: xml.replace("{{ syfte }}", "{{ syfte }")
    )
    with pytest.raises(TemplateError) as caught:
        render_version(validate_version(ORSA_2023), folder)
    assert caught.value.problems[0].file == folder / "overenskommelse.docx"
    assert "syntaxfel" in caught.value.problems[0].message
    assert "{{ syfte }" in caught.value.problems[0].hint


def test_template_producing_broken_xml_fails_loudly(tmp_path):
    folder = copy_templates(tmp_path)
    # A paragraph-level if that ends inside a table: docxtpl's recover=True would
    # silently drop the half table; the strict parse refuses it.
    rewrite_part(
        folder / "overenskommelse.docx",
        "word/document.xml",
        lambda xml: xml.replace("{{ syfte }}", "{%p if false %}").replace(">Roll<", ">{%p endif %}<"),
    )
    with pytest.raises(TemplateError) as caught:
        render_version(validate_version(ORSA_2023), folder)
    assert "ogiltig XML" in caught.value.problems[0].message


def test_templates_are_in_sync_with_their_build_script(tmp_path):
    """The committed templates are what build_templates.py makes (or were edited on purpose)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, build in (
        ("overenskommelse.docx", module.agreement_template),
        ("plan.docx", module.plan_template),
        ("tjansteskrivelse.docx", module.memo_template),
        ("lansoversikt.docx", module.overview_template),
        ("lagesbild.docx", module.lagesbild_template),
    ):
        module.save(build(), tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as fresh, zipfile.ZipFile(ROOT / "templates" / name) as kept:
            assert fresh.read("word/document.xml") == kept.read("word/document.xml"), name


def test_every_table_header_row_repeats_keeps_with_the_next_row_and_may_split():
    """A repeated header row marked cantSplit at the foot of a page makes LibreOffice lose every row
    after it (issue 20); kept with the next row instead, it moves to the next page with it."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    headers = 0
    for path in sorted((ROOT / "templates").glob("*.docx")):
        with zipfile.ZipFile(path) as archive:
            body = etree.fromstring(archive.read("word/document.xml"))
        for table in body.iter(f"{w}tbl"):
            first = table.find(f"{w}tr")
            assert first.find(f"{w}trPr/{w}tblHeader") is not None, path.name
            assert first.find(f"{w}trPr/{w}cantSplit") is None, path.name
            for paragraph in first.iter(f"{w}p"):
                assert paragraph.find(f"{w}pPr/{w}keepNext") is not None, path.name
            headers += 1
    assert headers >= 10


def test_the_validity_is_said_once_and_the_police_sign_as_polismyndigheten(county, tmp_path):
    written = render(county / "falun" / "2027", tmp_path / "ut")
    document = docx.Document(written[0])
    texts = [p.text for p in document.paragraphs]
    section = texts[texts.index("Giltighetstid och uppsägning") + 1 : texts.index("Organisation och mötesformer")]
    assert sum("gäller från" in t for t in section) == 1
    assert "För Polismyndigheten, lokalpolisområde Falun" in texts
    assert "För Lokalpolisområde Falun" not in texts


# --- a decided version's documents are the decided documents ------------------------------------


def test_render_of_a_decided_version_writes_the_documents_it_was_decided_with(sealed_county, tmp_path):
    for name in ("2019", "2023"):
        version = sealed_county / "orsa" / name
        written = render(version, tmp_path / name)
        decided = sorted(p.name for p in (version / "beslutat").iterdir())
        assert sorted(p.name for p in written) == decided  # no åtgärdsplan made today for 2023
        for path in written:
            assert path.read_bytes() == (version / "beslutat" / path.name).read_bytes(), path.name


def test_a_decided_version_keeps_its_decided_wording_when_the_templates_change(sealed_county, tmp_path):
    """Orsa 2019 was decided with "För Lokalpolisområde Mora"; today's templates say otherwise."""
    fresh = text_of(
        next(
            d
            for d in render_version(validate_version(sealed_county / "orsa" / "2019"))
            if d.name == "samverkansoverenskommelse.docx"
        ).data
    )
    written = render(sealed_county / "orsa" / "2019", tmp_path / "ut")
    decided = text_of(written[0].read_bytes())
    assert decided != fresh
    assert decided == text_of((sealed_county / "orsa" / "2019" / "beslutat" / written[0].name).read_bytes())


def test_a_diff_of_two_decided_versions_accepts_to_the_decided_document(sealed_county, tmp_path):
    from pipeline.compare.versions import diff
    from test_redline_oracle import content

    orsa = sealed_county / "orsa"
    comparison, written = diff(orsa / "2019", orsa / "2023", tmp_path / "ut")
    redline = next(p for p in written if p.name == "andringar-samverkansoverenskommelse.docx")
    accepted = content(redline.read_bytes(), accept=True)
    decided = content((orsa / "2023" / "beslutat" / "samverkansoverenskommelse.docx").read_bytes(), accept=True)
    assert accepted["body"] == decided["body"]
    rejected = content(redline.read_bytes(), accept=False)
    assert (
        rejected["body"]
        == content((orsa / "2019" / "beslutat" / "samverkansoverenskommelse.docx").read_bytes(), accept=False)["body"]
    )


def test_a_fresh_rendering_of_a_decided_unsealed_version_says_so_on_every_page(county, tmp_path):
    from pipeline.documents.render import NOT_DECIDED

    written = render(county / "orsa" / "2023", tmp_path / "ut")  # the fixture removed its seal and beslutat/
    assert written
    for path in written:
        with zipfile.ZipFile(path) as archive:
            headers = [n for n in archive.namelist() if n.startswith("word/header")]
            assert headers, path.name
            for name in headers:
                assert NOT_DECIDED in "".join(part(path.read_bytes(), name).itertext()), (path.name, name)


def test_a_draft_carries_no_such_notice(county, tmp_path):
    from pipeline.documents.render import NOT_DECIDED

    for path in render(county / "falun" / "2027", tmp_path / "ut"):
        with zipfile.ZipFile(path) as archive:
            assert all(NOT_DECIDED.encode() not in archive.read(n) for n in archive.namelist()), path.name

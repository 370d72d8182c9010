"""samverkan jamfor: any two Word files, what real documents contain, bad input, and the output file."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.compare.jamfor import CompareError, compare_files, default_output, jamfor, read_word
from pipeline.errors import PipelineError
from pipeline.ooxml.redline import W
from test_redline_oracle import Doc, content, integrity

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
TYPES = {"styles": "styles", "numbering": "numbering", "footnotes": "footnotes", "comments": "comments",
         **{f"{kind}{n}": kind for kind in ("header", "footer") for n in range(1, 5)}}
PNG_A = b"\x89PNG\r\n\x1a\nA-picture"
PNG_B = b"\x89PNG\r\n\x1a\nB-picture"


def docx(body: str, parts: dict[str, str] | None = None, media: dict[str, bytes] | None = None,
         section: str = "") -> bytes:
    """Return a small .docx: ``body`` paragraphs, extra word/ parts (name → inner XML), pictures."""
    parts = {"styles": '<w:styles {ns}><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/>'
                       '</w:style></w:styles>', **(parts or {})}
    media = media or {}
    overrides = "".join(f'<Override PartName="/word/{n}.xml" ContentType="application/vnd.openxmlformats-'
                        f'officedocument.wordprocessingml.{TYPES[n]}+xml"/>' for n in parts)
    rels = "".join(f'<Relationship Id="rId{n}" Type="{REL}/{TYPES[n]}" Target="{n}.xml"/>' for n in parts)
    rels += "".join(f'<Relationship Id="{rid}" Type="{REL}/image" Target="media/{rid}.png"/>' for rid in media)
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" '
        'ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' + overrides + "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>",
        "word/_rels/document.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        f'org/package/2006/relationships">{rels}</Relationships>',
        "word/document.xml": f'<?xml version="1.0"?><w:document {NS}><w:body>{body}'
        f"<w:sectPr>{section}</w:sectPr></w:body></w:document>",
    }
    files.update({f"word/{n}.xml": '<?xml version="1.0"?>' + xml.format(ns=NS) for n, xml in parts.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for rid, data in media.items():
            archive.writestr(f"word/media/{rid}.png", data)
    return buffer.getvalue()


def p(*runs: str, ppr: str = "") -> str:
    """Return a paragraph of plain runs."""
    return f"<w:p>{ppr}" + "".join(f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs) + "</w:p>"


def picture(rid: str) -> str:
    return (f'<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Bild"/><a:graphic><a:graphicData>'
            f'<pic:pic><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")


def textbox(text: str) -> str:
    return ('<w:r><w:drawing><wp:anchor><wp:docPr id="2" name="Ruta"/><a:graphic><a:graphicData><wps:wsp>'
            f"<wps:txbx><w:txbxContent>{p(text)}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData>"
            "</a:graphic></wp:anchor></w:drawing></w:r>")


def compared(tmp_path, old: bytes, new: bytes):
    """Return (redline bytes, notices) after checking integrity and both round trips."""
    (tmp_path / "old.docx").write_bytes(old)
    (tmp_path / "new.docx").write_bytes(new)
    result = compare_files(tmp_path / "old.docx", tmp_path / "new.docx", "Test", dt.date(2024, 1, 2))
    assert integrity(result.data) == []
    assert content(result.data, accept=True) == content(new, accept=True)
    assert content(result.data, accept=False) == content(old, accept=True)
    return result


def part(data: bytes, name: str = "word/document.xml"):
    return Doc(data).xml(name)


# --- what real documents contain -------------------------------------------------------------

def test_a_word_split_across_runs_is_no_change(tmp_path):
    old = docx(p("Samverkan ", "w", "ay ut"))
    new = docx(p("Samverkan way ut"))
    result = compared(tmp_path, old, new)
    assert result.revisions == 0


def test_a_text_box_is_compared_inside_and_never_copied_again(tmp_path):
    old = docx("<w:p>" + textbox("In") + '<w:r><w:t xml:space="preserve"> före</w:t></w:r></w:p>')
    new = docx("<w:p>" + textbox("Out") + '<w:r><w:t xml:space="preserve"> efter</w:t></w:r></w:p>')
    result = compared(tmp_path, old, new)
    root = part(result.data)
    box = root.find(f".//{W}txbxContent")
    assert [t.text for t in box.iter(W + "delText")] == ["In"] and [t.text for t in box.iter(W + "t")] == ["Out"]
    outside = [(t.tag, t.text.strip()) for t in root.iter(W + "t", W + "delText")
               if not list(t.iterancestors(W + "txbxContent")) and t.text.strip()]
    assert outside == [(W + "delText", "före"), (W + "t", "efter")]
    assert len(list(root.iter(W + "txbxContent"))) == 1


def test_a_deleted_picture_keeps_its_own_bytes(tmp_path):
    old = docx(p("Före") + "<w:p>" + picture("rIdP") + "</w:p>" + p("Efter"), media={"rIdP": PNG_A})
    new = docx(p("Före") + p("Efter") + "<w:p>" + picture("rIdP") + "</w:p>", media={"rIdP": PNG_B})
    result = compared(tmp_path, old, new)
    parts = Doc(result.data).parts
    assert PNG_A in parts.values() and PNG_B in parts.values()
    ids = [d.get("id") for d in part(result.data).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_hyperlinks_and_bookmarks_in_a_changed_paragraph_are_kept(tmp_path):
    link = ('<w:hyperlink w:anchor="mal"><w:r><w:t>länken</w:t></w:r></w:hyperlink>'
            '<w:bookmarkStart w:id="7" w:name="mal"/>')
    old = docx(f'<w:bookmarkStart w:id="1" w:name="topp"/>{p("Rubrik")}<w:bookmarkEnd w:id="1"/>'
               f'<w:p><w:r><w:t xml:space="preserve">Läs mer i </w:t></w:r>{link}'
               '<w:r><w:t xml:space="preserve"> om två möten.</w:t></w:r><w:bookmarkEnd w:id="7"/></w:p>')
    new = docx(f'<w:bookmarkStart w:id="1" w:name="topp"/>{p("Rubrik")}<w:bookmarkEnd w:id="1"/>'
               f'<w:p><w:r><w:t xml:space="preserve">Läs mer i </w:t></w:r>{link}'
               '<w:r><w:t xml:space="preserve"> om fyra möten.</w:t></w:r><w:bookmarkEnd w:id="7"/></w:p>')
    result = compared(tmp_path, old, new)
    body = part(result.data).find(f"{W}body")
    assert [c.tag for c in body][:3] == [W + "bookmarkStart", W + "p", W + "bookmarkEnd"]
    changed = body.findall(W + "p")[1]
    assert changed.find(W + "hyperlink") is not None and changed.find(W + "bookmarkStart") is not None
    assert [t.text for t in changed.iter(W + "delText")] == ["två"]


def test_equations_are_replaced_whole(tmp_path):
    math = ('<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
            '<m:r><m:t>{}</m:t></m:r></m:oMath>')
    old = docx(f'<w:p><w:r><w:t xml:space="preserve">Formel </w:t></w:r>{math.format("a+b")}</w:p>')
    new = docx(f'<w:p><w:r><w:t xml:space="preserve">Formel </w:t></w:r>{math.format("a+c")}</w:p>')
    result = compared(tmp_path, old, new)
    root = part(result.data)
    assert [etree_local(c[0]) for c in root.iter(W + "del", W + "ins")] == ["oMath", "oMath"]


def etree_local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def test_a_footnote_only_the_old_document_had_is_created_in_the_output(tmp_path):
    notes = ('<w:footnotes {ns}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Källa: BRÅ 2022.</w:t></w:r></w:p></w:footnote>'
             '</w:footnotes>')
    old = docx('<w:p><w:r><w:t>Brotten ökar.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
               {"footnotes": notes})
    new = docx(p("Brotten minskar."))
    result = compared(tmp_path, old, new)
    assert "word/footnotes.xml" in Doc(result.data).parts
    assert "Källa: BRÅ 2022." in content(result.data, accept=False)["body"][0]


def test_a_changed_footnote_is_compared_like_the_body(tmp_path):
    notes = ('<w:footnotes {ns}><w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Källa: BRÅ {year}.'
             '</w:t></w:r></w:p></w:footnote></w:footnotes>')
    body = '<w:p><w:r><w:t>Brotten ökar.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    old = docx(body, {"footnotes": notes.replace("{year}", "2022")})
    new = docx(body, {"footnotes": notes.replace("{year}", "2023")})
    result = compared(tmp_path, old, new)
    notes_root = part(result.data, "word/footnotes.xml")
    assert [t.text for t in notes_root.iter(W + "delText")] == ["2022"]


def test_a_comment_on_deleted_text_is_copied_with_it(tmp_path):
    comments = ('<w:comments {ns}><w:comment w:id="0" w:author="Eva"><w:p><w:r><w:t>Stämmer detta?</w:t></w:r>'
                '</w:p></w:comment></w:comments>')
    old = docx(p("Kvar.") + '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Bort.</w:t></w:r>'
               '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>' + p("Slut."),
               {"comments": comments})
    new = docx(p("Kvar.") + p("Slut."))
    result = compared(tmp_path, old, new)
    assert "[comments:Stämmer detta?]" in "".join(content(result.data, accept=False)["body"])


def test_a_footer_page_field_in_a_content_control_survives_reject(tmp_path):
    footer = ('<w:ftr {ns}><w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Page Numbers (Bottom of Page)"/>'
              '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t xml:space="preserve">{text} </w:t></w:r>'
              '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:sdtContent></w:sdt>'
              "</w:ftr>")
    section = '<w:footerReference w:type="default" r:id="rIdfooter1"/>'
    old = docx(p("Text"), {"footer1": footer.replace("{text}", "Sida")}, section=section)
    new = docx(p("Text"), {"footer1": footer.replace("{text}", "Blad")}, section=section)
    result = compared(tmp_path, old, new)
    assert content(result.data, accept=False)["sections"][0][1] == ((("footerReference", "default"), "Sida ⟦PAGE⟧1"),)
    assert part(result.data, "word/footer1.xml").find(f"{W}sdt/{W}sdtContent/{W}p") is not None


def test_a_restored_list_paragraph_brings_its_numbering(tmp_path):
    numbering = ('<w:numbering {ns}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
                 '<w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/>'
                 "</w:num></w:numbering>")
    listed = '<w:pPr><w:pStyle w:val="Lista"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    styles = ('<w:styles {ns}><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Lista"><w:name w:val="Lista"/><w:basedOn w:val="Normal"/>'
              "</w:style></w:styles>")
    old = docx(p("Punkter:") + p("Trygghetsvandring", ppr=listed) + p("Slut."),
               {"numbering": numbering, "styles": styles})
    new = docx(p("Punkter:") + p("Slut."))
    result = compared(tmp_path, old, new)
    doc = Doc(result.data)
    assert doc.related(doc.main, "numbering") is not None
    assert any(s.get(W + "styleId") == "Lista" for s in doc.xml("word/styles.xml").iter(W + "style"))


def test_tracked_changes_in_an_input_are_accepted_first_with_a_notice(tmp_path):
    old = docx(p("Mötet hålls varje månad."))
    new = docx('<w:p><w:r><w:t xml:space="preserve">Mötet hålls </w:t></w:r><w:del w:id="1" w:author="A" '
               'w:date="2024-01-01T00:00:00Z"><w:r><w:delText>varje månad</w:delText></w:r></w:del>'
               '<w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>varje vecka</w:t></w:r>'
               "</w:ins><w:r><w:t>.</w:t></w:r></w:p>")
    result = compared(tmp_path, old, new)
    assert content(result.data, accept=True)["body"] == ["Mötet hålls varje vecka."]
    assert len(result.notices) == 1 and "new.docx" in result.notices[0] and "godkändes" in result.notices[0]


# --- bad input ------------------------------------------------------------------------------------

def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def with_document(document: bytes | None = None, strict: bool = False) -> bytes:
    """Return a small .docx whose document part is replaced, or made Strict Open XML."""
    files = unzipped(docx(p("x")))
    if strict:
        document = files["word/document.xml"].replace(W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    files["word/document.xml"] = document
    return zipped(files)


BAD_INPUT = {
    "saknas.docx": (None, "filen finns inte"),
    "text.docx": ("Detta är ingen Word-fil".encode(), "är inget Word-dokument"),
    "krypterad.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "lösenordsskyddad"),
    "ingen-word.docx": (zipped({"hej.txt": b"hej"}), "huvuddokumentet saknas"),
    "strikt.docx": (with_document(strict=True), "Strict Open XML"),
    "trasig.docx": (with_document(b"<w:document><w:body>"), "ingen giltig XML"),
    "bomb.docx": (zipped({"word/document.xml": b"<" + b" " * (40 << 20)}), "zip-bomb"),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_is_a_swedish_error_naming_the_file(tmp_path, capsys, name):
    data, message = BAD_INPUT[name]
    if data is not None:
        (tmp_path / name).write_bytes(data)
    (tmp_path / "ny.docx").write_bytes(docx(p("x")))
    with pytest.raises(CompareError) as error:
        read_word(tmp_path / name)
    assert message in str(error.value) and name in str(error.value)
    code = main(["jamfor", str(tmp_path / name), str(tmp_path / "ny.docx")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Fel: ") and name in err and "Traceback" not in err
    assert not (tmp_path / "ny-andringar.docx").exists()


def test_datum_must_be_a_date_in_iso_form(tmp_path, capsys):
    (tmp_path / "a.docx").write_bytes(docx(p("a")))
    for value in ("2024-02-30", "1/2/2024", "2024-1-2"):
        assert main(["jamfor", str(tmp_path / "a.docx"), str(tmp_path / "a.docx"), "--datum", value]) == 1
        assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err


# --- the output file ---------------------------------------------------------------------------

def test_cli_writes_beside_the_new_file_with_author_and_date(tmp_path, capsys):
    (tmp_path / "gammal.docx").write_bytes(docx(p("Två möten per år.")))
    (tmp_path / "ny.docx").write_bytes(docx(p("Fyra möten per år.")))
    code = main(["jämför", str(tmp_path / "gammal.docx"), str(tmp_path / "ny.docx"),
                 "--forfattare", "Orsa kommun", "--datum", "2024-03-01"])
    out = capsys.readouterr().out
    target = tmp_path / "ny-andringar.docx"
    assert code == 0 and f"Skrev {target} (2 ändringsmarkeringar)" in out
    marks = list(part(target.read_bytes()).iter(W + "ins", W + "del"))
    assert {(m.get(W + "author"), m.get(W + "date")) for m in marks} == {("Orsa kommun", "2024-03-01T00:00:00Z")}


def test_a_file_samverkan_did_not_write_is_never_replaced(tmp_path):
    (tmp_path / "gammal.docx").write_bytes(docx(p("a")))
    (tmp_path / "ny.docx").write_bytes(docx(p("b")))
    foreign = default_output(tmp_path / "ny.docx")
    foreign.write_bytes(b"min egen fil")
    for out in (None, foreign):  # also when named with --out: samverkan never writes over a foreign file
        with pytest.raises(PipelineError, match="inte skriven av samverkan"):
            jamfor(tmp_path / "gammal.docx", tmp_path / "ny.docx", out=out)
        assert foreign.read_bytes() == b"min egen fil"
    foreign.unlink()
    jamfor(tmp_path / "gammal.docx", tmp_path / "ny.docx")
    jamfor(tmp_path / "gammal.docx", tmp_path / "ny.docx")  # ours now: replaced again
    with pytest.raises(CompareError, match="en av filerna som jämförs"):
        jamfor(tmp_path / "gammal.docx", tmp_path / "ny.docx", out=tmp_path / "ny.docx")
    assert sorted(n for n in os.listdir(tmp_path) if not n.startswith(".")) == [
        "gammal.docx", "ny-andringar.docx", "ny.docx"]


def test_help_shows_jamfor_once(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    commands = [line.split()[0] for line in out.split("Kommandon:")[1].splitlines()
                if line.startswith("  ") and line.strip()]
    assert commands.count("jamfor") == 1 and "jämför" not in commands
    assert main(["jämför", "--help"]) == 0 and "GAMMAL.docx NY.docx" in capsys.readouterr().out


@pytest.mark.libreoffice
def test_pdf_beside_the_redline(tmp_path, capsys):
    (tmp_path / "a.docx").write_bytes(docx(p("Två möten per år.")))
    (tmp_path / "b.docx").write_bytes(docx(p("Fyra möten per år.")))
    assert main(["jamfor", str(tmp_path / "a.docx"), str(tmp_path / "b.docx"), "--pdf"]) == 0
    assert Path(tmp_path / "b-andringar.pdf").read_bytes().startswith(b"%PDF")


# --- hostile Word files -------------------------------------------------------------------------------

def nested_controls(depth: int, inner: str) -> str:
    return "<w:sdt><w:sdtContent>" * depth + inner + "</w:sdtContent></w:sdt>" * depth


def deflated(data: bytes) -> bytes:
    """Return a .docx packed as Word packs it (deflated), so a deep file is as small as an attacker's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in unzipped(data).items():
            archive.writestr(name, part)
    return buffer.getvalue()


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_content_controls_nested_thousands_deep_are_a_swedish_error(tmp_path, capsys, depth):
    (tmp_path / "djup.docx").write_bytes(deflated(docx(nested_controls(depth, p("x")))))
    (tmp_path / "ny.docx").write_bytes(docx(p("x")))
    assert len((tmp_path / "djup.docx").read_bytes()) < 50_000
    code = main(["jamfor", str(tmp_path / "djup.docx"), str(tmp_path / "ny.docx")])
    err = capsys.readouterr().err
    assert code == 1 and "djup.docx" in err and "nästlad djupare än" in err and "Traceback" not in err
    assert not (tmp_path / "ny-andringar.docx").exists()


@pytest.mark.skipif(not hasattr(__import__("os"), "wait4"), reason="needs the child's peak memory (wait4)")
def test_a_24_kb_file_nested_100000_deep_stays_within_a_memory_bound(tmp_path):
    """The file that once grew to 10 GB: the whole command stays below 400 MB. It is started from a
    small launcher, because a child forked from this (large) test process would report the test
    process's size as its own peak."""
    import subprocess
    import sys

    (tmp_path / "djup.docx").write_bytes(deflated(docx(nested_controls(100_000, p("x")))))
    (tmp_path / "ny.docx").write_bytes(docx(p("x")))
    launcher = ("import os, subprocess, sys\n"
                "child = subprocess.Popen([sys.executable, '-m', 'pipeline', 'jamfor', sys.argv[1], sys.argv[2]],\n"
                "                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                "_, status, usage = os.wait4(child.pid, 0)\n"
                "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", launcher, str(tmp_path / "djup.docx"), str(tmp_path / "ny.docx")],
                          capture_output=True, text=True, check=True)
    code, peak_kb = (int(v) for v in done.stdout.split())
    assert code == 1
    assert peak_kb < 400 * 1024, f"peak {peak_kb // 1024} MB"  # kB on Linux


def test_nesting_within_the_limit_is_compared_without_recursion_error(tmp_path):
    old, new = docx(nested_controls(100, p("gammal text"))), docx(nested_controls(100, p("ny text")))
    (tmp_path / "a.docx").write_bytes(old)
    (tmp_path / "b.docx").write_bytes(new)
    try:
        comparison = compare_files(tmp_path / "a.docx", tmp_path / "b.docx")
    except PipelineError as exc:  # a located refusal is acceptable; a RecursionError is not
        assert "b.docx" in str(exc) or "a.docx" in str(exc)
    else:
        assert comparison.revisions > 0


def test_the_output_carries_no_stray_entries_unsafe_names_or_macros(tmp_path):
    files = unzipped(docx(p("ny text")))
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.main+xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/'
                             b'relationships/vbaProject" Target="vbaProject.bin"/>'
                             b'<Relationship Id="rIdX" Type="http://example.org/x" Target="../../../etc/x.xml"/>'
                             b"</Relationships>")
    files["word/vbaProject.bin"] = b"Attribute VB_Name = \"Evil\"\nSub AutoOpen()\nEnd Sub"
    files["../../utanfor.txt"] = b"escape"
    files["/abs/utanfor.txt"] = b"escape"
    files["word/lost.xml"] = b"<x/>"
    (tmp_path / "gammal.docx").write_bytes(docx(p("gammal text")))
    (tmp_path / "ny.docm").write_bytes(zipped(files))

    written = jamfor(tmp_path / "gammal.docx", tmp_path / "ny.docm", out=tmp_path / "ut.docx")

    out = unzipped(written.path.read_bytes())
    assert all(not n.startswith(("/", "..")) and ".." not in n.split("/") for n in out), sorted(out)
    assert not any("vba" in n.lower() for n in out) and "word/lost.xml" not in out
    types = out["[Content_Types].xml"].decode()
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "vbaProject" not in out["word/_rels/document.xml.rels"].decode()
    import docx as python_docx

    assert "text" in "".join(par.text for par in python_docx.Document(str(written.path)).paragraphs)
    assert written.comparison.revisions >= 2

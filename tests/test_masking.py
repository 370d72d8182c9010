"""Masking Word files and data (pipeline/publish/masking.py, pipeline/ooxml/replace.py)."""

from __future__ import annotations

import io
import re
import zipfile

import docx

from pipeline.publish import masking

SECRET = "Polisen bedömer att gruppen rekryterar vid resecentrum"
MASKS = [masking.Mask(SECRET, masking.notice("OSL 18 kap. 1 §")), masking.Mask("Anna Hemlig", "Kommunpolis")]


def _document() -> bytes:
    """Return a .docx with the secret split across runs, in other case in the header, in a comment
    and in the document properties."""
    document = docx.Document()
    paragraph = document.add_paragraph("Inledning. ")
    for piece in ("Polisen bed", "ömer att grup", "pen rekryterar vid ", "resecentrum", ". Slut."):
        paragraph.add_run(piece).bold = piece.startswith("ömer")
    document.sections[0].header.paragraphs[0].text = SECRET.upper()
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.paragraphs[0].add_run("Kontakt: anna ")
    cell.paragraphs[0].add_run("HEMLIG")
    document.add_comment(paragraph.runs[0], text=f"Kolla: {SECRET}", author="Anna Hemlig")
    document.core_properties.title = f"Om {SECRET.lower()}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _all_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return " ".join(re.sub(r"<[^>]+>", "", archive.read(n).decode("utf-8")) + " "
                        + " ".join(re.findall(r'="([^"]*)"', archive.read(n).decode("utf-8")))
                        for n in archive.namelist() if n.endswith(".xml"))


def test_a_secret_split_across_runs_in_any_case_is_masked_everywhere():
    original = _document()
    squeezed = re.sub(r"\s+", "", _all_text(original)).casefold()
    assert re.sub(r"\s+", "", SECRET).casefold() in squeezed  # the control: it is there before
    masked = masking.mask_document(original, MASKS)
    text = re.sub(r"\s+", "", _all_text(masked)).casefold()
    assert re.sub(r"\s+", "", SECRET).casefold() not in text
    assert "annahemlig" not in text
    assert "uppgiftborttagenmedstödavosl18kap.1§" in text and "kommunpolis" in text
    assert masking.check_document("x.docx", masked, MASKS) == masked
    body = docx.Document(io.BytesIO(masked))
    assert body.paragraphs[0].text == "Inledning. [Uppgift borttagen med stöd av OSL 18 kap. 1 §]. Slut."


def test_a_marked_passage_and_a_role_only_name_in_data():
    text = "Före. [sekretess: OSL 18 kap. 1 §]Hemligt här.[/sekretess] Kontakta Anna Hemlig (exempel)."
    masks = [masking.Mask("Anna Hemlig (exempel)", "kommunpolisen"), masking.Mask("Anna Hemlig", "kommunpolisen")]
    assert masking.mask_text(text, masking.unique(masks)) == (
        "Före. [Uppgift borttagen med stöd av OSL 18 kap. 1 §] Kontakta kommunpolisen.")


def test_a_section_under_sekretess_keeps_one_notice_per_text():
    data = {"kartläggning": {"sekretess": "OSL 26 kap. 1 §", "beskrivning": "a b c", "källor": ["x", "y"]}}
    masked = masking._masked(data, [])
    assert masked["kartläggning"]["beskrivning"] == "[Uppgift borttagen med stöd av OSL 26 kap. 1 §]"
    assert masked["kartläggning"]["källor"] == ["[Uppgift borttagen med stöd av OSL 26 kap. 1 §]"]

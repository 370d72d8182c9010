"""The document rules of pipeline/documents/review.py and `samverkan granska` (issue 20).

Every rule is shown catching a document that breaks it and passing one that keeps it; the readers
are tried on real files (a .docx made by python-docx, a PDF written here, a web page) and on
damaged ones.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AGREEMENTS
from fuzzing import examples
from pipeline.documents import review
from pipeline.documents.review import Cell, DocumentText
from pipeline.errors import DataError


def pdf_bytes(pages: list[str]) -> bytes:
    """Return a small, valid PDF with one line of Helvetica text per page (enough for pypdf)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for text in pages:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 40 800 Td ({escaped}) Tj ET".encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(len(objects))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + (body if isinstance(body, bytes) else body.encode("cp1252")) + \
            b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return bytes(out)


def findings(document: DocumentText, rule: str) -> list[str]:
    return [f.message for f in review.review(document, {rule: review.RULES[rule]})]


def doc(running=(), cells=(), headers=(), pages=None, public=False, headings=()) -> DocumentText:
    return DocumentText("prov.docx", public, list(running), list(cells), list(headers), pages, list(headings))


def change_table(*changes: str) -> list[Cell]:
    cells = [Cell(1, 1, 1, "Område"), Cell(1, 1, 2, "Ändring"), Cell(1, 1, 3, "Tidigare"), Cell(1, 1, 4, "Nytt")]
    for row, change in enumerate(changes, start=2):
        cells += [Cell(1, row, 1, "Bilaga 1"), Cell(1, row, 2, change), Cell(1, row, 3, "–"), Cell(1, row, 4, "–")]
    return cells


# --- each rule catches what breaks it, and passes what keeps it -------------------------------------------

CASES = [
    # (rule, a document breaking it, the same kept)
    ("fältnamn", doc(cells=[Cell(1, 2, 2, "id: M2; mål: Ordningsvakter finns vid resecentrum")]),
     doc(cells=[Cell(1, 2, 2, "Nytt mål M2: Ordningsvakter finns vid resecentrum")])),
    ("fältnamn", doc(running=["Alla övriga formuleringar, gäller_från och lägesbilden."]),
     doc(running=["Alla övriga formuleringar, giltighetstiden och lägesbilden."])),
    ("skiljetecken", doc(cells=[Cell(1, 2, 3, "Gågatan är dåligt belyst.; Många stänger samtidigt.")]),
     doc(cells=[Cell(1, 2, 3, "Gågatan är dåligt belyst. Många stänger samtidigt.")])),
    ("upprepning", doc(cells=[Cell(1, 3, 4, "Fler vuxna ute på kvällarna. Ny belysning. Fler vuxna ute på "
                                           "kvällarna.")]),
     doc(cells=[Cell(1, 3, 4, "Fler vuxna ute på kvällarna. Ny belysning på gågatan.")])),
    ("giltighet", doc(running=["Överenskommelsen gäller från och med 1 mars 2027.",
                               "Den gäller från den 1 mars 2023 och tills vidare."]),
     doc(running=["Överenskommelsen gäller från och med 1 mars 2027.", "Den följs upp varje år."],
         cells=[Cell(1, 2, 3, "gäller från den 1 mars 2023")])),
    ("datum", doc(cells=[Cell(1, 3, 4, "Från 2027-05-01")]),
     doc(cells=[Cell(1, 3, 4, "Från den 1 maj 2027"), Cell(1, 3, 5, "2027-05-01 – 2027-09-30")])),
    ("datum", doc(running=["Från 2027-05-01 finns ordningsvakter vid resecentrum."]),
     doc(running=["Från den 1 maj 2027 finns ordningsvakter vid resecentrum."], headers=["Datum 2027-03-01"],
         cells=[Cell(1, 2, 1, "2027-05-01")])),
    ("ändringstabell", doc(cells=change_table("Nytt mål M2: Ordningsvakter vid resecentrum",
                                              "Ny aktivitet A5: Föräldravandringar"),
                           pages=["Område Ändring Tidigare Nytt Bilaga 1 Nytt mål M2: Ordnings-\nvakter vid "
                                  "resecentrum"]),
     doc(cells=change_table("Nytt mål M2: Ordningsvakter vid resecentrum", "Ny aktivitet A5: Föräldravandringar"),
         pages=["Bilaga 1 Nytt mål M2: Ordnings-\nvakter vid resecentrum", "Ny aktivitet A5: Föräldra-\nvandringar"])),
    ("kontrollsumma", doc(running=["Kontrollsumma: 411a b0c1 d2e3 f405 1627 3849 5a6b 7c8d 9e0f a1b2 c3d4 e5f6 0718 "
                                   "293a 4b5c d813"],
                          pages=["Kontrollsumma: 411a b0c1 d2e3 f405 1627 3849 5a6b 7c8d 9e0f a1b2 c3d4 e5f6 0718 "
                                 "293a 4b5c d8-\n13"]),
     doc(running=["Kontrollsumma: 411a b0c1 d2e3 f405 1627 3849 5a6b 7c8d 9e0f a1b2 c3d4 e5f6 0718 293a 4b5c d813"],
         pages=["Kontrollsumma: 411a b0c1 d2e3 f405 1627 3849 5a6b 7c8d\n9e0f a1b2 c3d4 e5f6 0718 293a 4b5c d813"])),
    ("sidnummer", doc(pages=["Tjänsteskrivelse Sida 1 (35)", "Beslutspaket Sida 9 av 35"]),
     doc(pages=["Tjänsteskrivelse Sida 1 av 35", "Beslutspaket Sida 9 av 35"])),
    ("offentlig", doc(public=True, pages=["Offentlig version\nSamverkansöverenskommelse", "Bilaga 1"]),
     doc(public=True, pages=["Offentlig version\nSamverkansöverenskommelse", "Bilaga 1  Offentlig version"])),
    ("offentlig", doc(public=True, headers=["Falu kommun  Sida 1 av 3"], running=["Samverkansöverenskommelse"]),
     doc(public=True, headers=["Falu kommun  Offentlig version  Sida 1 av 3"], running=["Samverkansöverenskommelse"])),
    ("plural", doc(cells=[Cell(1, 2, 2, "8 klar, 6 grön")]), doc(cells=[Cell(1, 2, 2, "8 klara, 6 gröna, 1 röd")])),
    ("plural", doc(running=["Översikten omfattar 1 kommuner och elva ny punkter."]),
     doc(running=["Översikten omfattar 1 kommun och elva nya punkter."])),
    ("rubrik", doc(headings=["2. Orsaksanalys", "3. Mål"], headers=["Falu kommun"],
                   pages=["O3 Information går långsamt\n3. Mål\nSida 1 av 2\nFalu kommun", "Effektmål\nE1 …"]),
     doc(headings=["2. Orsaksanalys", "3. Mål"], headers=["Falu kommun"],
         pages=["O3 Information går långsamt\nSida 1 av 2\nFalu kommun", "3. Mål\nEffektmål\nE1 …\n3. Mål"])),
]


@pytest.mark.parametrize(("rule", "broken", "kept"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_catches_a_document_that_breaks_it(rule, broken, kept):
    assert findings(broken, rule), f"{rule} missed what breaks it"
    assert findings(kept, rule) == []


def test_every_rule_has_a_case():
    assert {case[0] for case in CASES} == set(review.RULES)


def test_a_field_name_a_person_writes_is_not_a_finding():
    kept = doc(running=["Kommunen och polisen har kommit överens om följande fokusområden:",
                        "Ort och datum: ________________________",
                        "Minska otryggheten i centrum (fokusområde: Trygghet i Falu centrum)."])
    assert findings(kept, "fältnamn") == []


def test_one_day_written_two_ways_is_one_validity():
    assert findings(doc(running=["Den gäller från den 1 maj 2024.", "Överenskommelsen gäller från 2024-05-01."]),
                    "giltighet") == []


def test_a_number_that_names_is_not_a_count():
    assert findings(doc(cells=[Cell(1, 2, 2, "2 datum i bilaga 1 ändrade. Enligt kap. 2 ny lag.")]), "plural") == []


def test_a_finding_says_where_in_plain_swedish():
    found = review.review(doc(cells=[Cell(2, 5, 3, "Belysning.; Vakter.")]))
    assert [(f.rule, f.where) for f in found] == [("skiljetecken", "tabell 2, rad 5")]
    assert found[0].format() == "prov.docx (tabell 2, rad 5): ”.;” i texten: ”Belysning.; Vakter.”"


def test_the_pdf_rules_wait_for_a_pdf():
    unprinted = doc(cells=change_table("Nytt mål M2"), running=["411a " * 15 + "d813"])
    assert findings(unprinted, "ändringstabell") == [] and findings(unprinted, "kontrollsumma") == []


# --- the readers --------------------------------------------------------------------------------------------

def test_read_docx_separates_running_text_cells_and_headers(tmp_path):
    document = docx.Document()
    document.add_paragraph("Från 2027-05-01 gäller det nya.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Område", "Ändring"
    table.cell(1, 0).text, table.cell(1, 1).text = "Bilaga 1", "id: M2; mål: Vakter"
    document.sections[0].header.paragraphs[0].text = "Datum 2027-03-01"
    path = tmp_path / "prov.docx"
    document.save(path)
    read = review.read_docx(path, "prov.docx")
    assert read.running == ["Från 2027-05-01 gäller det nya."]
    assert read.tables() == {1: [["Område", "Ändring"], ["Bilaga 1", "id: M2; mål: Vakter"]]}
    assert read.headers == ["Datum 2027-03-01"]
    assert {f.rule for f in review.review(read)} == {"datum", "fältnamn"}  # not the header's ISO date


def test_read_pdf_pages_gives_each_page_s_text(tmp_path):
    path = tmp_path / "prov.pdf"
    path.write_bytes(pdf_bytes(["Sida 1 av 2 Offentlig version", "Sida 2 av 2 (rad)"]))
    pages = review.read_pdf_pages(path)
    assert len(pages) == 2 and "Sida 1 av 2" in pages[0] and "Sida 2 av 2 (rad)" in pages[1]


def test_read_html_gives_running_text_and_cells(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("<html><head><style>p{}</style><script>var x='id: M2;'</script></head><body>"
                    "<header><p>Offentlig version</p></header><h1>Falun</h1><p>Gäller från 2027-03-01.</p>"
                    "<table><tr><th>Mål</th></tr><tr><td><p>Vakter.; Ljus.</p></td></tr></table></body></html>",
                    encoding="utf-8")
    read = review.read_html(path, "index.html")
    assert read.public and read.running == ["Offentlig version", "Falun", "Gäller från 2027-03-01."]
    assert read.tables() == {1: [["Mål"], ["Vakter.; Ljus."]]}


def test_a_pdf_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "stor.pdf"
    path.write_bytes(pdf_bytes(["x"]))
    monkeypatch.setattr(review, "MAX_PDF_BYTES", 100)
    with pytest.raises(DataError) as caught:
        review.read_pdf_pages(path)
    assert "större än" in caught.value.problems[0].message and caught.value.problems[0].file == path


FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(max_examples=examples(40), **FUZZ)
@given(cut=st.integers(0, 10_000), flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12))
def test_a_damaged_pdf_is_a_located_error_or_read(tmp_path, cut, flips):
    data = bytearray(pdf_bytes(["Sida 1 av 1 Offentlig version", "Sida 2"]))
    data = data[:max(1, cut % (len(data) + 1))]
    for position, value in flips:
        data[position % len(data)] = value
    path = tmp_path / "trasig.pdf"
    path.write_bytes(bytes(data))
    try:
        pages = review.read_pdf_pages(path)
    except DataError as exc:
        assert exc.problems[0].file == path
    else:
        assert all(isinstance(page, str) for page in pages)


@settings(max_examples=examples(40), **FUZZ)
@given(cut=st.integers(0, 100_000), flips=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)),
                                                  max_size=12))
def test_a_damaged_docx_is_a_located_error_or_read(tmp_path, cut, flips):
    document = docx.Document()
    document.add_paragraph("Gäller från och med 1 mars 2027.")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Vakter.; Ljus."
    path = tmp_path / "trasig.docx"
    document.save(path)
    data = bytearray(path.read_bytes())
    data = data[:max(1, cut % (len(data) + 1))]
    for position, value in flips:
        data[position % len(data)] = value
    path.write_bytes(bytes(data))
    try:
        read = review.read_docx(path, "trasig.docx")
    except DataError as exc:
        assert exc.problems[0].file == path
    else:
        review.review(read)


@settings(max_examples=examples(60), **FUZZ)
@given(text=st.text(alphabet=st.sampled_from("<>/tdrph1 =\"'!-&;ablescript\n"), max_size=400))
def test_any_html_is_read_without_a_traceback(tmp_path, text):
    path = tmp_path / "sida.html"
    path.write_text(text, encoding="utf-8")
    review.review(review.read_html(path, "sida.html"))


# --- samverkan granska ------------------------------------------------------------------------------------

def _kommun_copy(tmp_path: Path, kommun: str) -> Path:
    county = tmp_path / "agreements" / "dalarna"
    county.mkdir(parents=True)
    shutil.copy(AGREEMENTS / "dalarna" / "lan.yaml", county / "lan.yaml")
    shutil.copytree(AGREEMENTS / "dalarna" / kommun, county / kommun)
    return county / kommun


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
def test_granska_names_each_finding_and_writes_nothing_beside_the_data(tmp_path):
    kommun = _kommun_copy(tmp_path, "falun")
    agreement = kommun / "2027" / "overenskommelse.yaml"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(text.replace("har under flera år samverkat", "har samverkat.; Under flera år har de samverkat",
                                      1), encoding="utf-8")
    before = _snapshot(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pipeline", "granska", str(kommun / "2027"), "--utan-pdf"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert _snapshot(tmp_path) == before
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.strip().splitlines()
    agreement_doc = lines.index("dalarna/falun/2027/samverkansoverenskommelse.docx:")
    assert any(line.startswith("  Inga hopfogade meningar (”.;”) – stycke ") and "har samverkat.; Under" in line
               for line in lines[agreement_doc + 1:])
    assert lines[-1].startswith("Granskade ") and "inte som utskrivna sidor" in lines[-1]


def test_granska_refuses_a_folder_that_is_not_data(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline", "granska", str(tmp_path), "--utan-pdf"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.stderr.startswith("Fel: ")


def test_what_is_found_in_a_decided_version_s_documents_is_kept_apart_but_its_follow_ups_are_reviewed(tmp_path):
    from pipeline.county.review import review_outputs

    def write(path: Path) -> None:
        document = docx.Document()
        document.add_paragraph("Belysning.; Vakter.")
        path.parent.mkdir(parents=True, exist_ok=True)
        document.save(path)

    decided = tmp_path / "dalarna" / "mora" / "2019"
    write(decided / "samverkansoverenskommelse.docx")
    write(decided / "uppfoljning" / "uppfoljning-2026-05-14.docx")
    write(tmp_path / "dalarna" / "mora" / "2027" / "samverkansoverenskommelse.docx")
    report = review_outputs(tmp_path, [decided])
    assert report.documents == 3
    assert [f.document for f in report.decided] == ["dalarna/mora/2019/samverkansoverenskommelse.docx"]
    assert sorted(f.document for f in report.findings) == ["dalarna/mora/2019/uppfoljning/uppfoljning-2026-05-14.docx",
                                                           "dalarna/mora/2027/samverkansoverenskommelse.docx"]


# --- every document the product writes keeps the rules ---------------------------------------------------

@pytest.mark.slow  # a batch over the whole example data, internal and public
def test_every_document_of_the_example_data_keeps_the_rules():
    from pipeline.county.review import review_folder

    report = review_folder(AGREEMENTS, pdf=False)
    assert report.problems == [] and report.documents > 200
    assert [f.format() for f in report.findings] == []


@pytest.mark.libreoffice
def test_falun_s_documents_keep_the_rules_on_paper_too(tmp_path):
    """Falun has a decided version, a draft with sekretess, a change table, a seal digest in the memo
    and public versions: every page LibreOffice prints is read."""
    from pipeline.county.review import review_folder

    report = review_folder(_kommun_copy(tmp_path, "falun") / "2027", pdf=True)
    assert report.problems == [] and report.with_pdf >= 15  # every internal document; public ones as Word
    assert [f.format() for f in report.findings] == []

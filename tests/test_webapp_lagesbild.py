"""The kommun's lägesbild in the web app (issue 22, item 5): the stored series with their sources,
and an import of downloaded files – all or nothing, located Swedish errors, nothing outside the
kommun's lagesbild/ folder."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from conftest import ROOT, tree
from test_webapp import HOST, ORIGIN, get, web  # noqa: F401  (web: a fixture)

FIXTURES = ROOT / "tests" / "fixtures" / "lagesbild"
URL = "/k/dalarna/orsa/lagesbild"


def upload(client, session, files: list[tuple[Path | bytes, str]], **fields):
    data = {"csrf": session.csrf, **fields,
            "filer": [(io.BytesIO(f.read_bytes() if isinstance(f, Path) else f), name) for f, name in files]}
    return client.post(URL, data=data, headers={"Host": HOST, "Origin": ORIGIN}, content_type="multipart/form-data")


def text_of(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def test_downloaded_files_are_read_in_and_shown_with_their_sources(web):
    client, session, county = web
    shutil.rmtree(county / "orsa" / "lagesbild", ignore_errors=True)  # from the fixtures only
    assert "Ingen statistik är inläst ännu." in text_of(get(client, URL))
    answer = upload(client, session, [(FIXTURES / "bra" / "statistikdatabas-orsa.csv", "statistikdatabas-orsa.csv"),
                                      (FIXTURES / "kolada" / "orsa.json", "orsa.json"),
                                      (FIXTURES / "enkat" / "trygghet-orsa.csv", "trygghet-orsa.csv")])
    assert answer.status_code == 303
    stored = sorted(p.name for p in (county / "orsa" / "lagesbild").iterdir())
    assert [re.sub(r"-\d{4}-\d\d-\d\d\.yaml$", "", n) for n in stored] == ["bra", "enkat", "kolada"]
    page = text_of(get(client, URL))
    assert "Inläst." in page and "Brå, statistikdatabasen över anmälda brott" in page
    assert "Filen statistikdatabas-orsa.csv, hämtad 16 februari 2026" in page  # provenance, the file's own name
    assert "Samtliga brott kommunen 612 598 655 640 621*" in page  # preliminary marked
    assert "preliminära uppgifter" in page
    assert not (county / "orsa" / "2023" / "lagesbild").exists()  # beside the versions, never in one


def test_another_kommun_s_file_is_refused_at_its_row_and_nothing_is_stored(web):
    client, session, county = web
    before = tree(county.parent)
    answer = upload(client, session, [(FIXTURES / "bra" / "statistikdatabas-orsa.csv", "orsa.csv"),
                                      (FIXTURES / "bra" / "statistikdatabas-mora.csv", "mora.csv")])
    assert answer.status_code == 400
    page = text_of(answer)
    assert re.search(r"I filen mora\.csv, rad \d+, kolumn \d+: raden gäller Mora kommun, inte Orsa", page)
    assert "Traceback" not in page and "--" not in page
    assert tree(county.parent) == before  # all or nothing: the Orsa file is not stored either


def test_wrong_uploads_are_refused_in_swedish_and_change_nothing(web):
    client, session, county = web
    before = tree(county.parent)
    cases = [([], {}, "välj minst en fil"),
             ([(b"x;y\n1;2\n", "okand.csv")], {}, "kan inte avgöra vilken källa"),
             ([(b"{}", "a.json")] * 11, {}, "högst 10 filer"),
             ([(FIXTURES / "kolada" / "orsa.json", "orsa.json")], {"kalla": "exe"}, "källan finns inte"),
             ([(FIXTURES / "kolada" / "orsa.json", "orsa.json")], {"hamtad": "2999-01-01"}, "")]
    for files, fields, expected in cases:
        answer = upload(client, session, files, **fields)
        assert answer.status_code == 400, (files, fields)
        assert expected.lower() in text_of(answer).lower() and "Traceback" not in text_of(answer)
    assert tree(county.parent) == before


def test_an_uploaded_file_s_name_cannot_place_anything_outside(web):
    client, session, county = web
    answer = upload(client, session, [(FIXTURES / "kolada" / "orsa.json", "../../../../utanfor.json")])
    assert answer.status_code == 303
    assert not any(p.name == "utanfor.json" for p in county.parent.parent.rglob("*"))
    assert "Filen utanfor.json" in text_of(get(client, URL))  # named by its own name, without folders


def test_the_start_page_links_each_kommun_s_lagesbild(web):
    client, _, _ = web
    page = get(client, "/").get_data(as_text=True)
    assert page.count('/lagesbild">Lägesbild<span class="dold"> för ') == 15

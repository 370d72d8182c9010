"""The web app tried as an attacker would: a change racing a decision, a plan that is a link,
huge and crafted forms, impossible dates, control characters and names Windows cannot hold.

Each test is named after what it protects. The random submissions to every route are in
tests/test_fuzz_web.py; Enter in a text field in a real browser is in tests/test_webapp_browser.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from conftest import new_draft, tree
from pipeline.cli import main
from pipeline.data import seal
from pipeline.errors import DataError, SchemaError
from pipeline.files.lock import Lock
from pipeline.versions.lifecycle import Decision, record_decision, start_version
from pipeline.web import forms, plans
from pipeline.web.steps import STEPS
from test_webapp import HOST, ORIGIN, form_of, get, post, submit, web  # noqa: F401  (web: a fixture)

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                    reason="symbolic links need extra rights on Windows")


def refused_in_swedish(answer, status: int, *words: str) -> str:
    page = answer.get_data(as_text=True)
    assert answer.status_code == status, page
    assert "Traceback" not in page and 'lang="sv"' in page
    for word in words:
        assert word in page, (word, page)
    return page


# --- 1. a change in flight while the version is decided ------------------------------------------------

@pytest.fixture
def racing(web, monkeypatch):
    """Return (client, session, draft folder, decide_before_lock): a draft Orsa 2027, and a switch that
    records its decision just before the next lock on it is taken – after the request's own early
    check that it is a draft, before the write (what `samverkan beslut` in another window does)."""
    client, session, county = web
    folder = new_draft(county)
    original = Lock.acquire
    pending = []

    def acquire(self):
        if pending and self.path.parent == folder:
            pending.clear()
            record_decision(folder, Decision("Kommunstyrelsen", dt.date.today().isoformat(), "§ 7", "KS 2027/0011"))
        return original(self)

    monkeypatch.setattr(Lock, "acquire", acquire)
    return client, session, folder, lambda: pending.append(True)


def first_plan(folder: Path) -> str:
    return sorted(p.name for p in (folder / "planer").iterdir())[0]


@pytest.mark.parametrize("change", ["spara", "ny-plan", "ta-bort", "byt-namn"])
def test_a_change_that_races_a_decision_is_refused_and_the_seal_holds(racing, change):
    client, session, folder, decide_before_lock = racing
    base = "/v/dalarna/orsa/2027"
    plan = first_plan(folder)
    if change == "spara":
        values = form_of(get(client, base + "/del/syfte").get_data(as_text=True))
        values["f.mål.0"] = ["Ett mål som sparas medan beslutet registreras."]
    decide_before_lock()
    if change == "spara":
        answer = submit(client, session, base + "/del/syfte", values, "spara")
    elif change == "ny-plan":
        answer = post(client, session, base + "/planer", {"titel": "Trygghet vid resecentrum"})
    elif change == "ta-bort":
        answer = post(client, session, f"{base}/plan/{plan}/ta-bort", {"bekräfta": "ja"})
    else:
        answer = post(client, session, f"{base}/plan/{plan}/byt-namn", {"nytt_namn": "01-nytt-namn"})
    sealed = tree(folder)
    assert seal.is_sealed(folder)  # the decision went first
    refused_in_swedish(answer, 400, "beslutad och kan inte ändras")
    digest, problems = seal.verify(folder, None)
    assert problems == [] and digest  # `samverkan kontrollera` passes
    assert main(["kontrollera", str(folder)]) == 0
    assert tree(folder) == sealed


def test_the_library_decides_whether_a_version_may_change_under_the_lock(county):
    from pipeline.data.drafts import change_draft

    folder = new_draft(county)
    calls = []

    def change():
        calls.append(True)
        return {"planer/99-ny.yaml": b"titel: x\n"}, []

    record_decision(folder, Decision("Kommunstyrelsen", dt.date.today().isoformat(), "§ 7", "KS 2027/0011"))
    with pytest.raises(DataError) as caught:
        change_draft(folder, "test", change)
    assert "beslutad" in caught.value.problems[0].message and calls == []
    assert seal.verify(folder, None)[1] == []


# --- 2. a plan that is a link -------------------------------------------------------------------------------

@needs_symlinks
def test_renaming_a_plan_that_is_a_link_copies_nothing_into_the_data(web, tmp_path):
    client, session, county = web
    planer = county / "falun" / "2027" / "planer"
    secret = tmp_path / "hemlig.yaml"
    secret.write_text("titel: HEMLIGT innehåll utanför datamappen\n", encoding="utf-8")
    (planer / "05-lank.yaml").symlink_to(secret)
    before = tree(county.parent)
    answer = post(client, session, "/v/dalarna/falun/2027/plan/05-lank.yaml/byt-namn", {"nytt_namn": "06-kopia"})
    refused_in_swedish(answer, 404, "Sidan finns inte")
    assert get(client, "/v/dalarna/falun/2027/plan/05-lank.yaml").status_code == 404
    assert tree(county.parent) == before
    assert not any(b"HEMLIGT" in data for data in tree(county.parent).values() if not data.startswith(b"->"))
    with pytest.raises(DataError):  # the library refuses too, under its lock
        plans.rename(county / "falun" / "2027", planer / "05-lank.yaml", "06-kopia")
    with pytest.raises(DataError):
        plans.remove(county / "falun" / "2027", planer / "05-lank.yaml")
    assert tree(county.parent) == before


# --- 8. form parsing: linear, bounded ------------------------------------------------------------------------

class CountingForm(MultiDict):
    """A submitted form that counts the work done reading it: every name visited, every lookup."""

    operations = 0

    def keys(self):
        for key in super().keys():  # noqa: SIM118 - the counted call itself
            type(self).operations += 1
            yield key

    def get(self, *args, **kwargs):
        type(self).operations += 1
        return super().get(*args, **kwargs)

    def getlist(self, *args, **kwargs):
        type(self).operations += 1
        return super().getlist(*args, **kwargs)


def plan_form(items: int) -> CountingForm:
    """Return a plan's form with ``items`` items in each of its lists, every field of each filled."""
    pairs = []
    for field in forms.fields_of("plan"):
        lists = [field] if field.kind == "list" else [c for c in field.children if c.kind == "list"]
        for holder in lists:
            name = forms.input_name(holder.path)
            for i in range(items):
                if holder.scalar_list:
                    pairs.append((f"{name}.{i}", "text"))
                for child in holder.children:
                    pairs.append((f"{name}.{i}.{child.key}", "text"))
    return CountingForm(pairs)


def test_reading_a_form_takes_work_in_proportion_to_its_size():
    fields = forms.fields_of("plan")
    work = {}
    for items in (7, 70):  # 70 items of every list stay under the limit on fields
        form = plan_form(items)
        CountingForm.operations = 0
        data = forms.data_from_form(fields, form, {})
        assert len(data["aktiviteter"]) == items
        work[items] = (CountingForm.operations, len(list(MultiDict.keys(form))))
    (small, small_keys), (large, large_keys) = work[7], work[70]
    assert large_keys == 10 * small_keys
    assert large / small < 12, work  # linear: ten times the names, ten times the work (it was a hundred)


def test_a_form_with_too_many_fields_or_list_items_is_refused_with_a_swedish_page(web):
    client, session, county = web
    before = tree(county.parent)
    url = "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"
    many = {f"f.x{i}": "a" for i in range(forms.MAX_FIELDS + 1)}
    refused_in_swedish(post(client, session, url, {**many, "åtgärd": "spara"}), 413, "för många fält")
    refused_in_swedish(post(client, session, url + "/kontroll", many), 413, "för många fält")
    items = {f"f.aktiviteter.{i}.aktivitet": "a" for i in range(forms.MAX_ITEMS + 1)}
    refused_in_swedish(post(client, session, url, {**items, "åtgärd": "spara"}), 413, "för många poster")
    full = {f"f.aktiviteter.{i}.aktivitet": "a" for i in range(forms.MAX_ITEMS)}
    refused_in_swedish(post(client, session, url, {**full, "åtgärd": "lägg-till:f.aktiviteter"}), 413,
                       "för många poster")
    assert tree(county.parent) == before


def test_names_with_digits_that_are_no_index_are_no_list_items():
    fields = forms.fields_of("overenskommelse")
    form = MultiDict([("f.mål.²", "x"), ("f.mål.١", "y"), ("f.mål." + "9" * 5000, "z"), ("f.mål.0", "ett mål")])
    assert forms.data_from_form(fields, form, {})["mål"] == ["ett mål"]


# --- 9. crafted actions, impossible dates, any failure: 4xx and a Swedish page --------------------------------

@pytest.mark.parametrize(
    "action",
    [
        "",
        "foo",
        "ärv:f",
        "ta-bort:f.mål.x",
        "lägg-till:f.exempel",
        "lägg-till:f.mål.0",
        "ned:f.mål.²",
        "upp:f.mål.99",
        "ta-bort:f",
        "lägg-till:f.beslut",
        "skriv-över:f.finns.inte",
        "lägg-till:f.beredning.0.organ",
        "ärv:x.mål",
        "ned:f.mål.0.x",
        "lägg-till:f.." + "a" * 3000,
        "ta-bort:f.mål.-1",
        "lägg-till:f.aktiviteter",
        "spara:f.mål",
    ],
)
@pytest.mark.parametrize("step", ["syfte", "beslut"])
def test_a_crafted_form_action_is_refused_with_a_swedish_page(web, action, step):
    client, session, county = web
    before = tree(county.parent)
    values = form_of(get(client, f"/v/dalarna/falun/2027/del/{step}").get_data(as_text=True))
    answer = submit(client, session, f"/v/dalarna/falun/2027/del/{step}", values, action)
    refused_in_swedish(answer, 400, "hör inte till det här formuläret")
    assert tree(county.parent) == before


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
def test_the_form_s_own_buttons_are_all_accepted(web):
    client, session, _ = web
    steps = [f"/v/dalarna/falun/2027/del/{step.slug}" for step in STEPS]
    for url in (*steps, "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"):
        page = get(client, url).get_data(as_text=True)
        values = form_of(page)
        for action in sorted(set(re.findall(r'name="åtgärd" value="([^"]+)"', page)) - {"spara"}):
            assert submit(client, session, url, values, action).status_code == 200, action


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "2027-02-30", "i morgon"])
def test_a_new_version_with_an_impossible_start_date_is_refused(web, day):
    client, session, county = web
    before = tree(county.parent)
    answer = post(
        client, session, "/k/dalarna/orsa/ny-version", {"namn": "2031", "flytta_datum": "ja", "ny_start": day}
    )
    refused_in_swedish(answer, 400, "inget datum", "1900", "2999")
    assert tree(county.parent) == before


def test_a_decision_with_an_impossible_date_is_refused(web):
    client, session, county = web
    before = tree(county.parent)
    for day in ("0001-01-01", "9999-12-31"):
        answer = post(
            client,
            session,
            "/v/dalarna/falun/2027/beslut",
            {"organ": "Kommunstyrelsen", "paragraf": "1", "diarienummer": "KS2026/0912", "datum": day,
             "steg": "bekrafta"},
        )
        refused_in_swedish(answer, 400, "inget datum")
    assert tree(county.parent) == before


def test_ny_with_a_start_that_moves_a_date_outside_the_calendar_says_where(county, capsys):
    from pipeline.data.dateshift import shift_text, shifter

    text = "titel: x\nnär: 9000-06-01\n"
    with pytest.raises(SchemaError) as caught:  # year 10099: no date at all
        shift_text(Path("planer/01-x.yaml"), text, shifter(dt.date(1900, 3, 1), dt.date(2999, 3, 1)))
    problem = caught.value.problems[0]
    assert (problem.field, problem.line) == ("när", 2) and "utanför kalendern" in problem.message
    with pytest.raises(SchemaError) as caught:  # a date, but not a plausible one
        shift_text(Path("planer/01-x.yaml"), text, shifter(dt.date(2023, 3, 1), dt.date(2027, 3, 1)))
    assert "till 9004-06-01" in caught.value.problems[0].message
    with pytest.raises(SchemaError):
        start_version(county / "orsa", "2031", new_start=dt.date(9999, 12, 31))
    assert main(["ny", str(county / "orsa"), "2031", "--flytta-datum", "9999-12-31"]) == 2  # click: a usage error
    assert not (county / "orsa" / "2031").exists()


def test_an_unexpected_error_is_a_swedish_page_without_a_traceback(web, monkeypatch):
    client, _, _ = web

    def broken(*args, **kwargs):
        raise RuntimeError("hemlig detalj")

    monkeypatch.setattr("pipeline.web.pages.render_template", broken)
    answer = get(client, "/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Ett oväntat fel" in page
    assert "hemlig detalj" not in page and "Traceback" not in page


def test_a_wrong_method_or_unknown_address_is_a_swedish_page(web):
    client, session, _ = web
    refused_in_swedish(post(client, session, "/v/dalarna/falun/2027/beslut/kvitto", {}), 405, "Fel sorts begäran")
    refused_in_swedish(get(client, "/finns/inte"), 404, "Adressen finns inte")


# --- 10. the default button of a form --------------------------------------------------------------------------


class Buttons(HTMLParser):
    """The submit buttons of each form of a page, in order: form id or action → [(name, value)]."""

    def __init__(self):
        super().__init__()
        self.form = None
        self.buttons: dict[str, list] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = a.get("id") or a.get("action")
            self.buttons[self.form] = []
        elif tag == "button" and self.form and a.get("type", "submit") == "submit":
            self.buttons[self.form].append((a.get("name"), a.get("value")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


@pytest.mark.parametrize("url", ["/v/dalarna/falun/2027/del/syfte", "/v/dalarna/falun/2027/del/beslut",
                                 "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"])
def test_the_default_button_of_the_form_is_spara(web, url):
    client, _, _ = web
    parser = Buttons()
    parser.feed(get(client, url).get_data(as_text=True))
    assert parser.buttons["formular"][0] == ("åtgärd", "spara")
    assert any(value.startswith(("ned:", "ta-bort:")) for _, value in parser.buttons["formular"][1:])
    for form, buttons in parser.buttons.items():  # the other forms have one button each: their own
        assert form == "formular" or len(buttons) == 1, form


# --- 11. control characters in what becomes a file or a YAML text -------------------------------------------------


@pytest.mark.parametrize("title", ["Plan\x00x", "Plan\x1bx", "Plan\u2028x", "Plan\x85x", "Plan\ufffex"])
def test_a_control_character_in_a_new_plan_s_title_is_refused(web, title):
    client, session, county = web
    before = tree(county.parent)
    answer = post(client, session, "/v/dalarna/falun/2027/planer", {"titel": title})
    refused_in_swedish(answer, 400, "styrtecknet")
    assert tree(county.parent) == before


def test_a_control_character_in_a_form_s_text_is_not_saved_and_the_form_keeps_it(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = path.read_bytes()
    values = form_of(get(client, "/v/dalarna/falun/2027/del/syfte").get_data(as_text=True))
    values["f.mål.0"] = ["Ett mål\x00 med ett nolltecken"]
    answer = submit(client, session, "/v/dalarna/falun/2027/del/syfte", values, "spara")
    page = refused_in_swedish(answer, 400, "Inte sparat", "styrtecknet U+0000", "mål (nummer 1)")
    assert "mål[1]" not in page  # the place in words, not as a field path
    assert "Ett mål" in page
    assert path.read_bytes() == before
    assert get(client, "/v/dalarna/falun/2027/del/syfte").status_code == 200  # the file still opens


def test_a_control_character_in_a_new_name_of_a_plan_is_refused(web):
    client, session, county = web
    before = tree(county.parent)
    answer = post(
        client, session, "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml/byt-namn", {"nytt_namn": "01-ny\x00tt"}
    )
    refused_in_swedish(answer, 400, "styrtecknet")
    assert tree(county.parent) == before


@pytest.mark.parametrize("organ", ["Kommun\u2028styrelsen", "Kommun\x85styrelsen", "Kommun\x7fstyrelsen"])
def test_a_control_character_in_a_decision_is_refused(web, organ):
    client, session, county = web
    folder = new_draft(county)
    before = tree(county.parent)
    answer = post(
        client,
        session,
        "/v/dalarna/orsa/2027/beslut",
        {"organ": organ, "paragraf": "12", "diarienummer": "KS 2027/0011", "datum": dt.date.today().isoformat(),
         "steg": "bekrafta"},
    )
    refused_in_swedish(answer, 400, "styrtecknet")
    assert tree(county.parent) == before and not seal.is_sealed(folder)


# --- 12. names that cannot exist on Windows ----------------------------------------------------------------------

RESERVED = ["CON", "nul", "com1", "lpt9.txt", "Aux.2027", "PRN", "2027.", "conin$"]


@pytest.mark.parametrize("name", RESERVED)
def test_a_name_windows_cannot_hold_is_refused_as_a_version_name(county, name, capsys):
    before = tree(county / "orsa")
    with pytest.raises(SchemaError):
        start_version(county / "orsa", name)
    assert main(["ny", str(county / "orsa"), name]) == 1
    assert "kan inte vara namnet på en version" in capsys.readouterr().err
    assert tree(county / "orsa") == before


@pytest.mark.parametrize("name", ["CON", "nul", "com1", "lpt9.txt", "2027."])
def test_a_name_windows_cannot_hold_is_refused_by_the_web_app(web, name):
    client, session, county = web
    before = tree(county.parent)
    answer = post(client, session, "/k/dalarna/orsa/ny-version", {"namn": name})
    refused_in_swedish(answer, 400, "kan inte vara namnet på en version")
    assert tree(county.parent) == before


def test_a_plan_cannot_be_renamed_to_a_device_name(web):
    client, session, county = web
    planer = county / "falun" / "2027" / "planer"
    (planer / "01-trygghet-centrum.yaml").rename(planer / "trygghet.yaml")  # no number to keep
    before = tree(county.parent)
    for new in ("con", "LPT1.yaml", "Nul"):
        answer = post(client, session, "/v/dalarna/falun/2027/plan/trygghet.yaml/byt-namn", {"nytt_namn": new})
        refused_in_swedish(answer, 400, "Windows")
    assert tree(county.parent) == before


def test_the_one_place_that_says_what_can_be_a_file_name():
    from pipeline.data.names import file_name_problem, text_problem

    for bad in [
        "CON",
        "con",
        "Con.txt",
        "nul.tar.gz",
        "COM1",
        "com9.yaml",
        "LPT1",
        "lpt9.txt",
        "AUX",
        "PRN.x",
        "COM¹",
        "x.",
        "x ",
        "a:b",
        "a|b",
        "a\x00b",
        "a\nb",
        "",
        ".",
        "..",
        "x" * 256,
    ]:
        assert file_name_problem(bad), bad
    for good in ["2027", "console", "com10", "lpt", "nul-plan.yaml", "01-con.yaml", "a.b", "å" * 100]:
        assert file_name_problem(good) is None, good
    assert text_problem("rad ett\nrad två\tflik", multiline=True) is None
    assert text_problem("rad ett\nrad två") and text_problem("a\x7fb") and text_problem("a\u2029b")
    assert text_problem("a\ufffeb") and text_problem("a\x9bb") and text_problem("\ud800")

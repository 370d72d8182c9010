"""The local web app (pipeline/web): security, forms from the schemas, saving that keeps the
YAML's comments, conflicts, live checks, plans, preview, comparison and the lifecycle –
through Flask's test client. The secretary's whole path in a real browser is in
tests/test_webapp_browser.py."""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from pathlib import Path

import pytest

from conftest import AGREEMENTS, new_draft, tree
from pipeline.data import seal, yamledit
from pipeline.data.load import load_yaml
from pipeline.documents.overview import swedish_key
from pipeline.web import forms
from pipeline.web.app import create_app
from pipeline.web.security import COOKIE, Session

PORT = 8765
HOST = f"127.0.0.1:{PORT}"
ORIGIN = f"http://{HOST}"


@pytest.fixture
def web(sealed_county, monkeypatch):
    """Return (client, session, data root) for the app over a copy of the example data."""
    monkeypatch.chdir(sealed_county.parent.parent)  # documents it writes go to ./ut, as the commands'
    session = Session(port=PORT)
    app = create_app(sealed_county.parent, session)
    client = app.test_client()
    client.set_cookie(COOKIE, session.token, domain="127.0.0.1")
    return client, session, sealed_county


def get(client, path, **kwargs):
    return client.get(path, headers={"Host": HOST}, **kwargs)


def post(client, session, path, data, **kwargs):
    data = {"csrf": session.csrf, **data}
    return client.post(path, data=data, headers={"Host": HOST, "Origin": ORIGIN}, **kwargs)


def form_of(html: str) -> dict[str, list[str]]:
    """Return the inputs of the page's main form as a browser would submit them (no buttons)."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = self.text_name = self.select_name = None
            self.option_selected = False
            self.values: dict[str, list[str]] = {}
            self.buffer = ""

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("id") == "formular":
                self.inside = True
            if not self.inside:
                return
            if tag == "input" and a.get("name"):
                if a.get("type") == "checkbox" and "checked" not in a:
                    return
                self.values.setdefault(a["name"], []).append(a.get("value") or "")
            elif tag == "textarea":
                self.text_name, self.buffer = a.get("name"), ""
            elif tag == "select":
                self.select_name, self.chosen = a.get("name"), None
            elif tag == "option" and self.select_name:
                self.option_selected, self.buffer, self.option_value = "selected" in a, "", a.get("value")

        def handle_data(self, data):
            self.buffer += data

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = None
            elif tag == "textarea" and self.text_name:
                self.values.setdefault(self.text_name, []).append(self.buffer.lstrip("\n"))
                self.text_name = None
            elif tag == "option" and self.select_name and self.option_selected:
                self.chosen = self.buffer if self.option_value is None else self.option_value
            elif tag == "select" and self.select_name:
                self.values.setdefault(self.select_name, []).append(self.chosen or "")
                self.select_name = None

    parser = Form()
    parser.feed(html)
    return parser.values


def submit(client, session, path, values: dict[str, list[str]], action: str):
    from werkzeug.datastructures import MultiDict

    data = MultiDict([(k, v) for k, vs in values.items() for v in vs])
    data["åtgärd"] = action
    data["csrf"] = session.csrf
    return client.post(path, data=data, headers={"Host": HOST, "Origin": ORIGIN})


# --- security -------------------------------------------------------------------------------------------

def test_a_request_without_the_token_is_refused(sealed_county):
    session = Session(port=PORT)
    client = create_app(sealed_county.parent, session).test_client()
    answer = get(client, "/")
    assert answer.status_code == 403 and "engångsnyckel" in answer.get_data(as_text=True)


def test_the_token_in_the_address_becomes_a_cookie_and_leaves_the_address(sealed_county):
    session = Session(port=PORT)
    client = create_app(sealed_county.parent, session).test_client()
    answer = get(client, f"/?token={session.token}")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert session.token in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert get(client, "/").status_code == 200
    assert get(create_app(sealed_county.parent, session).test_client(), "/?token=fel").status_code == 403


def test_a_wrong_host_is_refused(web):
    client, _, _ = web
    for host in ("evil.example:8765", "127.0.0.1:9999", "localhost.evil.example:8765"):
        assert client.get("/", headers={"Host": host}).status_code == 400


def test_a_post_without_csrf_token_or_from_another_origin_is_refused(web):
    client, session, county = web
    before = (county / "falun" / "2027" / "overenskommelse.yaml").read_bytes()
    path = "/v/dalarna/falun/2027/"
    assert client.post(path, data={"åtgärd": "spara"}, headers={"Host": HOST, "Origin": ORIGIN}).status_code == 403
    assert client.post(path, data={"åtgärd": "spara", "csrf": session.csrf},
                       headers={"Host": HOST, "Origin": "http://evil.example"}).status_code == 403
    assert client.post(path, data={"åtgärd": "spara", "csrf": session.csrf}, headers={"Host": HOST}).status_code == 403
    assert (county / "falun" / "2027" / "overenskommelse.yaml").read_bytes() == before


def test_a_path_outside_the_data_is_not_found(web):
    client, _, _ = web
    for path in ("/v/dalarna/falun/../../../etc/", "/v/dalarna/falun/..%2F..%2Fetc/", "/v/dalarna/%2e%2e/2027/",
                 "/v/dalarna/falun/2027/plan/..%2F..%2Foverenskommelse.yaml", "/v/dalarna/falun/2099/",
                 "/k/dalarna/falun/jamfor?gammal=../../x&ny=2027"):
        assert get(client, path).status_code == 404, path


def test_data_with_script_is_shown_literally(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    text = path.read_text(encoding="utf-8").replace("diarienummer: KS2026/0912",
                                                    "diarienummer: \"<script>alert(1)</script>\"", 1)
    path.write_text(text, encoding="utf-8")
    page = get(client, "/v/dalarna/falun/2027/del/beslut").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in get(client, "/").get_data(as_text=True)


def test_pages_forbid_inline_script_and_framing(web):
    client, _, _ = web
    policy = get(client, "/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_the_server_listens_on_localhost_only(tmp_path):
    from pipeline.web.server import make_server

    server, session = make_server(AGREEMENTS, 0)
    try:
        assert server.socket.getsockname() == ("127.0.0.1", session.port)
    finally:
        server.close()


def test_a_restart_on_the_same_port_takes_it_at_once_and_keeps_the_browser_s_session(tmp_path, monkeypatch):
    import socket

    from pipeline.web.server import bind, make_server

    monkeypatch.setenv("SAMVERKAN_SESSION_DIR", str(tmp_path / "sessioner"))
    server, first = make_server(AGREEMENTS, 0)
    port = first.port
    server.close()
    # A connection the server closed first lingers in TIME_WAIT on the port; a restart binds it anyway.
    listener = bind(port)
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()
    client.close()
    listener.close()
    server, session = make_server(AGREEMENTS, port)
    server.close()
    again, restarted = make_server(AGREEMENTS, port)  # the same port again: the same keys
    again.close()
    assert (restarted.token, restarted.csrf) == (session.token, session.csrf)
    kept = next((tmp_path / "sessioner").glob("webb-*.json"))
    if os.name == "posix":
        assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    other, fresh = make_server(tmp_path, port)  # another data folder: its own session
    other.close()
    assert fresh.token != session.token
    kept.write_text('{"token": "kort", "csrf": 1}', encoding="utf-8")  # damaged: a new session
    damaged, renewed = make_server(AGREEMENTS, port)
    damaged.close()
    assert renewed.token != session.token and len(renewed.token) == 43


def test_the_style_sheet_needs_no_key_so_a_refusal_is_styled(sealed_county):
    client = create_app(sealed_county.parent, Session(port=PORT)).test_client()
    refused = get(client, "/")
    assert refused.status_code == 403 and "samverkan.css" in refused.get_data(as_text=True)
    for asset in ("samverkan.css", "samverkan.js"):
        answer = get(client, f"/statiskt/{asset}")
        answer.close()  # a file response holds its file open until closed
        assert answer.status_code == 200
    assert "samverkan webb" not in refused.get_data(as_text=True)  # no command: the window where it runs


# --- forms from the schemas --------------------------------------------------------------------------------

@pytest.mark.parametrize("schema", ["overenskommelse", "plan"])
def test_every_field_of_the_schemas_has_a_swedish_label(schema):
    def walk(fields):
        for field in fields:
            yield field
            yield from walk(field.children)

    labels = forms.labels()[schema]
    missing = [".".join(f.path) for f in walk(forms.fields_of(schema)) if ".".join(f.path) not in labels]
    assert missing == []
    unknown = [k for k in labels if k not in {".".join(f.path) for f in walk(forms.fields_of(schema))}]
    assert unknown == []  # no label for a field the schema does not have


def test_every_data_file_is_saved_back_byte_for_byte_when_nothing_changed():
    files = [Path(f) for f in glob.glob(str(AGREEMENTS / "**" / "*.yaml"), recursive=True)
             if not f.endswith("lan-gemensamt.yaml")
             and not {"uppfoljning", "lagesbild"} & set(Path(f).parts)]  # records and imports: not edited here
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamledit.updated_text(text, load_yaml(path).data) == text, path


def test_the_form_shows_the_inherited_county_text_and_can_override_it(web):
    client, session, county = web
    page = get(client, "/v/dalarna/falun/2027/del/parter").get_data(as_text=True)
    assert "Ärvs från länets gemensamma text" in page and "Bergslagen" in page
    values = form_of(page)
    assert "f.parter.polisen.polisregion" not in values  # inherited: not a field of this file
    url = "/v/dalarna/falun/2027/del/parter"
    answer = submit(client, session, url, values, "skriv-över:f.parter.polisen.polisregion")
    assert 'name="f.parter.polisen.polisregion"' in answer.get_data(as_text=True)


# --- saving -----------------------------------------------------------------------------------------------------

def test_saving_a_changed_goal_keeps_the_files_comments(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = path.read_text(encoding="utf-8")
    values = form_of(get(client, "/v/dalarna/falun/2027/del/syfte").get_data(as_text=True))
    values["f.mål.0"] = ["Fler invånare i Falun ska känna sig trygga i centrum, också på kvällen."]
    answer = submit(client, session, "/v/dalarna/falun/2027/del/syfte", values, "spara")
    assert answer.status_code == 303
    after = path.read_text(encoding="utf-8")
    assert load_yaml(path).data["mål"][0] == "Fler invånare i Falun ska känna sig trygga i centrum, också på kvällen."
    def comments(text):
        return [line.split("#", 1)[1] for line in text.splitlines() if "  # " in line or line.startswith("#")]

    assert comments(after) == comments(before)
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed and all("trygga i centrum" in line or line.strip().startswith(("- ", "kvällen"))
                           for line in changed), changed


def test_ids_links_and_numbers_of_a_plan_are_fields_and_saved_as_the_file_writes_them(web):
    client, session, county = web
    url = "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"
    path = county / "falun" / "2027" / "planer" / "01-trygghet-centrum.yaml"
    before = path.read_text(encoding="utf-8")
    values = form_of(get(client, url).get_data(as_text=True))
    assert values["f.orsaksanalys.orsaker.0.id"] == ["O1"] and values["f.mål.operativa_mål.2.id"] == ["M3"]
    assert values["f.aktiviteter.3.orsaker"] == ["O1, O2"]  # a list of ids in one input
    assert values["f.uppföljning.0.utgångsvärde"] == ["40"]
    assert submit(client, session, url, values, "spara").status_code == 303
    assert path.read_text(encoding="utf-8") == before  # nothing changed: not a byte

    values["f.aktiviteter.0.orsaker"] = ["O3; O2"]
    values["f.uppföljning.0.utgångsvärde"] = ["40,5"]
    values["f.orsaksanalys.orsaker.1.id"] = [""]  # no id: written back as a plain text, as before 2026
    assert submit(client, session, url, values, "spara").status_code == 303
    data = load_yaml(path).data
    assert data["aktiviteter"][0]["orsaker"] == ["O3", "O2"]
    assert data["uppföljning"][0]["utgångsvärde"] == 40.5
    assert isinstance(data["orsaksanalys"]["orsaker"][1], str)
    assert "# exempel" in path.read_text(encoding="utf-8").split("utgångsvärde: 40.5", 1)[1].splitlines()[0]


def test_a_value_that_is_not_a_number_gets_the_schema_s_message_at_its_field(web):
    client, session, _ = web
    url = "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"
    values = form_of(get(client, url).get_data(as_text=True))
    values["f.uppföljning.0.målvärde"] = ["trettio"]
    assert submit(client, session, url, values, "spara").status_code == 303  # a draft may hold errors
    page = get(client, url).get_data(as_text=True)
    error = page.split('id="fel-f-uppföljning-0-målvärde"', 1)[1].split("</div>", 1)[0]
    assert "tal" in error


def test_a_save_is_refused_when_the_file_changed_on_disk(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    values = form_of(get(client, "/v/dalarna/falun/2027/del/syfte").get_data(as_text=True))
    edited_elsewhere = path.read_text(encoding="utf-8").replace("KS2026/0912", "KS2026/0999", 1)
    path.write_text(edited_elsewhere, encoding="utf-8")
    values["f.mål.0"] = ["Ett mål skrivet i formuläret."]
    answer = submit(client, session, "/v/dalarna/falun/2027/del/syfte", values, "spara")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "har ändrats sedan formuläret öppnades" in page
    assert "Ett mål skrivet i formuläret." in page  # what the person wrote is still there to copy
    assert path.read_text(encoding="utf-8") == edited_elsewhere


def test_a_decided_version_is_read_only(web):
    client, session, county = web
    path = county / "orsa" / "2023" / "overenskommelse.yaml"
    before = path.read_bytes()
    for step in ("", "del/parter", "del/syfte", "del/organisation", "del/giltighet", "del/underskrifter",
                 "del/uppfoljning", "del/beslut", "plan/01-ordningsstorningar-centrum.yaml"):
        page = get(client, f"/v/dalarna/orsa/2023/{step}").get_data(as_text=True)
        assert "kan inte ändras" in page and 'name="f.' not in page, step
    answer = post(client, session, "/v/dalarna/orsa/2023/del/syfte", {"åtgärd": "spara", "f.mål.0": "Nytt"})
    assert answer.status_code == 400 and "beslutad" in answer.get_data(as_text=True)
    assert path.read_bytes() == before


# --- list buttons and the live check ------------------------------------------------------------------------------

def test_list_buttons_add_move_and_remove_items(web):
    client, session, _ = web
    url = "/v/dalarna/falun/2027/del/syfte"
    values = form_of(get(client, url).get_data(as_text=True))
    goals = [v for k, v in values.items() if re.fullmatch(r"f\.mål\.\d+", k)]
    page = submit(client, session, url, values, "lägg-till:f.mål").get_data(as_text=True)
    added = form_of(page)
    assert len([k for k in added if re.fullmatch(r"f\.mål\.\d+", k)]) == len(goals) + 1
    assert re.search(rf'name="f\.mål\.{len(goals)}"[^>]*autofocus', page)  # the new item gets the focus
    moved = form_of(submit(client, session, url, values, "ned:f.mål.0").get_data(as_text=True))
    assert moved["f.mål.0"] == values["f.mål.1"] and moved["f.mål.1"] == values["f.mål.0"]
    removed = form_of(submit(client, session, url, values, "ta-bort:f.mål.0").get_data(as_text=True))
    assert removed["f.mål.0"] == values["f.mål.1"]


def test_the_live_check_puts_the_cli_s_message_at_the_field(web):
    client, session, _ = web
    from werkzeug.datastructures import MultiDict

    def check(step, change):
        values = form_of(get(client, f"/v/dalarna/falun/2027/del/{step}").get_data(as_text=True))
        values.update(change)
        data = MultiDict([(k, v) for k, vs in values.items() for v in vs] + [("csrf", session.csrf)])
        answer = client.post(f"/v/dalarna/falun/2027/del/{step}/kontroll", data=data,
                             headers={"Host": HOST, "Origin": ORIGIN})
        return answer.get_data(as_text=True)

    html = check("beslut", {"f.diarienummer": [""]})
    box = re.search(r'<div class="fel" id="fel-f-diarienummer" hx-swap-oob="true">(.*?)</div>', html, re.S).group(1)
    assert "måste fyllas i" in box.lower()
    assert re.search(r'id="fel-f-ärende" hx-swap-oob="true"></div>', html)  # a field without a problem is cleared
    # The side navigation follows: the decision's page has one thing to fix, the others none.
    nav = re.search(r'<nav aria-label="Ärendets delar" class="delar" id="delar" hx-swap-oob="true">(.*?)</nav>',
                    html, re.S).group(1)
    assert re.search(r'aria-current="page"><span class="del-namn">Beslut</span> <span class="del-status">1 sak '
                     r'att rätta', nav)
    assert re.search(r'Giltighet</span> <span class="del-status">Klar', nav)

    html = check("giltighet", {"f.giltighetstid.från": ["2027-13-01"]})
    box = re.search(r'<div class="fel" id="fel-f-giltighetstid-från" hx-swap-oob="true">(.*?)</div>', html, re.S)
    assert box.group(1).strip()
    assert 'id="fel-f-diarienummer"' not in html  # another page's field is not on this one


# --- plans, preview, comparison, lifecycle -------------------------------------------------------------------------

def test_a_plan_can_be_added_renamed_and_removed_in_a_draft(web):
    client, session, county = web
    plans = county / "falun" / "2027" / "planer"
    before = sorted(p.name for p in plans.iterdir())
    answer = post(client, session, "/v/dalarna/falun/2027/planer", {"titel": "Trygghet vid resecentrum"})
    assert answer.status_code == 303
    made = sorted(set(p.name for p in plans.iterdir()) - set(before))
    assert made == ["04-trygghet-vid-resecentrum.yaml"]
    assert load_yaml(plans / made[0]).data["titel"] == "Trygghet vid resecentrum"
    answer = post(client, session, f"/v/dalarna/falun/2027/plan/{made[0]}/byt-namn", {"nytt_namn": "04-resecentrum"})
    assert answer.status_code == 303 and (plans / "04-resecentrum.yaml").is_file()
    answer = post(client, session, "/v/dalarna/falun/2027/plan/04-resecentrum.yaml/ta-bort", {"bekräfta": "ja"})
    assert answer.status_code == 303 and sorted(p.name for p in plans.iterdir()) == before


def test_the_preview_shows_each_document_as_html_and_offers_word(web):
    client, _, _ = web
    page = get(client, "/v/dalarna/orsa/2023/forhandsvisning").get_data(as_text=True)
    # Decided before the åtgärdsplan existed: the agreement and four bilagor, as decided.
    assert page.count('<article class="dokument"') == 5 and "Åtgärdsplan" not in page
    draft = get(client, "/v/dalarna/falun/2027/forhandsvisning").get_data(as_text=True)
    assert "Åtgärdsplan" in draft
    assert "<h1>Samverkansöverenskommelse mellan Orsa kommun och lokalpolisområde Mora</h1>" in page
    answer = get(client, "/v/dalarna/orsa/2023/dokument/samverkansoverenskommelse.docx")
    assert answer.status_code == 200 and answer.data[:2] == b"PK"


def test_the_comparison_shows_the_memo_s_table_and_marked_redlines(web):
    client, _, _ = web
    page = get(client, "/k/dalarna/orsa/jamfor?gammal=2019&ny=2023").get_data(as_text=True)
    assert "<caption>Ändringarna som tjänsteskrivelsen redovisar dem</caption>" in page
    assert "<ins>" in page and "<del>" in page
    memo = get(client, "/k/dalarna/orsa/jamfor/2019/2023/tjansteskrivelse.docx")
    assert memo.status_code == 200 and memo.data[:2] == b"PK"


def test_a_new_version_and_its_decision_from_the_web(web):
    client, session, county = web
    refused = post(client, session, "/k/dalarna/orsa/ny-version", {"namn": "2027"})
    assert refused.status_code == 400 and "behöver ett diarienummer" in refused.get_data(as_text=True)
    assert not (county / "orsa" / "2027").exists()
    answer = post(client, session, "/k/dalarna/orsa/ny-version", {"namn": "2027", "nytt_diarienummer": "KS 2027/0011"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/v/dalarna/orsa/2027/")
    page = get(client, answer.headers["Location"]).get_data(as_text=True)
    assert "Version 2027 är skapad" in page and "varningar att se över" in page
    # The dates were not moved: what is said is that the validity still starts when the old one did.
    assert "I överenskommelsen, gäller från: giltighetstiden börjar 1 mars 2023" in page
    assert "fältet giltighetstid" not in page and "samverkan validate" not in page  # no field path, no command
    agreement = county / "orsa" / "2027" / "overenskommelse.yaml"
    number = load_yaml(agreement).data["diarienummer"]
    assert number == "KS 2027/0011"
    page = get(client, "/v/dalarna/orsa/2027/beslut").get_data(as_text=True)  # the decision's page
    assert "Att se över före beslutet (" in page
    assert "I överenskommelsen, gäller från: giltighetstiden börjar 1 mars 2023" in page
    decision = {"organ": "Kommunstyrelsen", "paragraf": "12", "diarienummer": number}
    future = post(client, session, "/v/dalarna/orsa/2027/beslut", {**decision, "datum": "2999-01-01"})
    assert future.status_code == 400 and "ligger i framtiden" in future.get_data(as_text=True)
    today = dt.date.today().isoformat()
    summary = post(client, session, "/v/dalarna/orsa/2027/beslut", {**decision, "datum": today, "steg": "granska"})
    page = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "Bekräfta och försegla" in page and "§ 12" in page
    assert not (county / "orsa" / "2027" / "sigill.json").exists()  # nothing sealed before the confirmation
    assert load_yaml(agreement).data["status"] == "utkast"
    answer = post(client, session, "/v/dalarna/orsa/2027/beslut", {**decision, "datum": today, "steg": "bekrafta"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/beslut/kvitto")
    assert (county / "orsa" / "2027" / "sigill.json").is_file()
    assert load_yaml(agreement).data["status"] == "beslutad"
    receipt = get(client, answer.headers["Location"]).get_data(as_text=True)
    assert "Beslutet är registrerat" in receipt and "Sigill att skriva in i diariet" in receipt
    page = get(client, "/v/dalarna/orsa/2027/").get_data(as_text=True)
    assert "beslutad" in page.lower() and 'name="f.' not in page


# --- the decision: every problem at once, a summary to confirm, a receipt ----------------------------------------

def test_a_decision_form_shows_every_problem_at_its_field_and_keeps_what_was_typed(web):
    client, session, county = web
    folder = new_draft(county)
    before = tree(county.parent)
    typed = {"organ": "", "datum": "13/2", "paragraf": "tolv", "diarienummer": "KS 1999/1", "steg": "granska"}
    page = post(client, session, "/v/dalarna/orsa/2027/beslut", typed).get_data(as_text=True)
    summary = page[page.index('id="felsammanfattning"'):page.index("</div>", page.index('id="felsammanfattning"'))]
    links = re.findall(r'<a href="#([a-z-]+)">', summary)
    assert links == ["beslut-organ", "beslut-datum", "beslut-paragraf", "beslut-dnr"]  # all four, in the form's order
    for input_id in links:  # the same message at the field, marked invalid
        field = re.search(rf'<input id="{input_id}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field and f"{input_id}-fel" in field
        assert re.search(rf'<div class="fel" id="{input_id}-fel"><p>[^<]+</p>', page)
    assert 'value="tolv"' in page and 'value="KS 1999/1"' in page and 'value="13/2"' in page  # nothing lost
    assert "--" not in summary and "samverkan " not in summary  # no option, no command
    assert "kryssa i rutan" in summary  # the number that is not the version's: what to do, in the page's words
    assert tree(county.parent) == before and not seal.is_sealed(folder)


def test_changing_the_details_from_the_summary_goes_back_to_the_form_with_them(web):
    client, session, county = web
    new_draft(county)
    values = {"organ": "Kommunstyrelsen", "datum": dt.date.today().isoformat(), "paragraf": "§ 7",
              "diarienummer": "KS 2027/0011"}
    page = post(client, session, "/v/dalarna/orsa/2027/beslut", {**values, "steg": "andra"}).get_data(as_text=True)
    assert "Registrera beslut för version 2027" in page and 'value="§ 7"' in page
    assert "Bekräfta och försegla" not in page


def test_the_summary_lists_what_will_be_sealed(web):
    client, session, county = web
    new_draft(county)
    values = {"organ": "Kommunstyrelsen", "datum": dt.date.today().isoformat(), "paragraf": "7",
              "diarienummer": "KS 2027/0011", "steg": "granska"}
    page = post(client, session, "/v/dalarna/orsa/2027/beslut", values).get_data(as_text=True)
    assert "§ 7" in page and "KS 2027/0011" in page and "Överenskommelsen gäller" in page
    assert "Bilaga 1 – " in page and "Samverkansöverenskommelsen" in page and "Åtgärdsplanen" in page
    assert page.count('type="hidden" name="paragraf" value="7"') == 1  # the confirmation sends what was typed


def test_the_receipt_of_a_decided_version_gives_the_seal_and_its_documents(web):
    client, _, county = web
    page = get(client, "/v/dalarna/orsa/2023/beslut")
    assert page.status_code == 303 and page.headers["Location"].endswith("/beslut/kvitto")
    receipt = get(client, page.headers["Location"]).get_data(as_text=True)
    digest = seal.grouped(seal.digest(county / "orsa" / "2023" / "sigill.json"))
    assert digest in receipt and "§ 12" in receipt
    assert receipt.count("/v/dalarna/orsa/2023/dokument/") >= 2  # Word and PDF of each decided document
    assert get(client, "/v/dalarna/orsa/2027/beslut/kvitto").status_code == 404  # no such version yet


def test_the_overview_lists_every_version_with_its_state_in_swedish_order(web):
    client, _, _ = web
    page = get(client, "/").get_data(as_text=True)
    names = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert names[0] == "Avesta kommun" and names[-1] == "Älvdalens kommun"  # Ä after V, not first
    assert names == sorted(names, key=swedish_key) and len(names) == 15
    orsa = page[page.index("Orsa kommun</th>"):page.index("</tr>", page.index("Orsa kommun</th>"))]
    assert "Version 2019" in orsa and "Version 2023" in orsa  # every version, not only the one in force
    assert re.search(r"Version 2019<span[^>]*>[^<]*</span></a>\s*<span class=\"markering\">Ersatt", orsa)
    assert re.search(r"Version 2023<span[^>]*>[^<]*</span></a>\s*<span class=\"markering gallande\">Gällande", orsa)
    falun = page[page.index("Falu kommun</th>"):page.index("</tr>", page.index("Falu kommun</th>"))]
    assert re.search(r"Version 2027<span[^>]*>[^<]*</span></a>\s*<span class=\"markering utkast\">Utkast", falun)


def test_the_version_page_lists_its_follow_ups_with_a_status_summary_and_the_report(web):
    client, _, county = web
    page = get(client, "/v/dalarna/orsa/2023/del/uppfoljning").get_data(as_text=True)
    section = page[page.index('id="uppfoljningar"'):page.index("</section>", page.index('id="uppfoljningar"'))]
    days = re.findall(r"Uppföljningen (\d+ \w+ \d{4})</a>:", section)
    assert days == ["17 september 2026", "14 maj 2026", "12 februari 2026"]  # newest first
    assert re.search(r"Uppföljningen 17 september 2026</a>: \d+ klar", section)
    report = get(client, "/v/dalarna/orsa/2023/uppfoljning/2026-09-17")
    assert report.status_code == 200 and report.data[:2] == b"PK"
    assert get(client, "/v/dalarna/orsa/2023/uppfoljning/2026-09-18").status_code == 404
    assert get(client, "/v/dalarna/orsa/2023/uppfoljning/x").status_code == 404
    none_yet = get(client, "/v/dalarna/falun/2027/del/uppfoljning").get_data(as_text=True)
    assert "Ingen uppföljning är gjord ännu" in none_yet


def test_a_new_version_shows_what_it_carries_over_before_it_is_made(web):
    client, session, county = web
    before = tree(county.parent)
    values = {"namn": "2027", "nytt_diarienummer": "KS 2027/0011", "steg": "granska"}
    page = post(client, session, "/k/dalarna/orsa/ny-version", values).get_data(as_text=True)
    assert "Inget är skapat ännu" in page and "KS 2027/0011" in page and "version 2023" in page
    assert "I överenskommelsen, gäller från: giltighetstiden börjar 1 mars 2023" in page  # the old period's start
    assert 'value="skapa"' in page and 'type="hidden" name="nytt_diarienummer" value="KS 2027/0011"' in page
    assert tree(county.parent) == before  # nothing made, nothing left behind
    taken = post(client, session, "/k/dalarna/orsa/ny-version", {**values, "namn": "2023"})
    assert taken.status_code == 400 and "finns redan" in taken.get_data(as_text=True)
    made = post(client, session, "/k/dalarna/orsa/ny-version", {**values, "steg": "skapa"})
    assert made.status_code == 303 and (county / "orsa" / "2027" / "overenskommelse.yaml").is_file()


def test_a_plan_page_shows_its_activities_status_in_the_latest_follow_up(web):
    client, _, _ = web
    page = get(client, "/v/dalarna/orsa/2023/plan/01-ordningsstorningar-centrum.yaml").get_data(as_text=True)
    start = page.index('id="senaste-uppfoljning"')
    section = page[start:page.index("</section>", start)]
    assert "Senaste uppföljningen, 17 september 2026" in section
    record = load_yaml(AGREEMENTS / "dalarna" / "orsa" / "2023" / "uppfoljning" / "2026-09-17.yaml").data
    plan = next(p for p in record["planer"] if p["plan"] == "01-ordningsstorningar-centrum")
    for entry in plan["aktiviteter"]:
        assert re.search(rf"Aktivitet {entry['id']}: <span class=\"markering\">{entry['status']}</span>", section)
    draft = get(client, "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml").get_data(as_text=True)
    assert 'id="senaste-uppfoljning"' not in draft  # no follow-up of the draft yet


# --- the case in steps ----------------------------------------------------------------------------------------------

def test_every_field_of_the_agreement_is_on_exactly_one_step():
    from pipeline.web.steps import STEPS

    keys = [f.key for f in forms.fields_of("overenskommelse")]
    placed = [key for step in STEPS for key in step.keys]
    assert sorted(placed) == sorted(keys)  # each once: no field without a page, none on two


def test_the_version_s_first_page_shows_every_part_and_its_state(web):
    client, session, county = web
    page = get(client, "/v/dalarna/orsa/2023/").get_data(as_text=True)
    start = page.index('aria-label="Ärendets delar"')
    nav = page[start:page.index("</nav>", start)]
    titles = re.findall(r'<span class="del-namn">([^<]+)</span>', nav)
    assert titles[:6] == ["Översikt", "Parter", "Syfte och mål", "Organisation", "Giltighet", "Underskrifter"]
    assert titles[-2:] == ["Uppföljning", "Beslut"]
    assert [t for t in titles if t.startswith("Bilaga")] == [
        "Bilaga 1: Ordningsstörningar i Orsa centrum helgkvällar",
        "Bilaga 2: Trygghet för unga i skolan och på fritiden",
        "Bilaga 3: Hot och trakasserier mot förtroendevalda och tjänstemän",
        "Bilaga 4: Alkohol och langning under sommarsäsongen"]
    assert 'Beslut</span> <span class="del-status">Beslutad' in nav
    for name in ("Förhandsvisa", "Jämför", "Kvitto på beslutet", "Ny version"):
        assert f">{name}</" in page, name


def test_a_step_shows_and_saves_only_its_own_fields(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = load_yaml(path).data
    values = form_of(get(client, "/v/dalarna/falun/2027/del/giltighet").get_data(as_text=True))
    assert {k.split(".")[1] for k in values if k.startswith("f.")} == {"giltighetstid", "uppsägning"}
    values["f.uppsägning"] = ["Var och en av parterna kan säga upp överenskommelsen med tre månaders varsel."]
    values["f.syfte"] = ["Ett syfte som inte hör till den här sidan."]  # crafted: not a field of the page
    assert submit(client, session, "/v/dalarna/falun/2027/del/giltighet", values, "spara").status_code == 303
    after = load_yaml(path).data
    assert after["uppsägning"].startswith("Var och en av parterna kan säga upp") and after["syfte"] == before["syfte"]
    assert {k: v for k, v in after.items() if k != "uppsägning"} == {k: v for k, v in before.items()
                                                                      if k != "uppsägning"}
    assert get(client, "/v/dalarna/falun/2027/del/finns-inte").status_code == 404


def test_a_problem_on_one_step_is_counted_on_the_others(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    data = path.read_text(encoding="utf-8").replace("diarienummer: KS2026/0912", "diarienummer: ''", 1)
    path.write_text(data, encoding="utf-8")
    page = get(client, "/v/dalarna/falun/2027/del/parter").get_data(as_text=True)
    assert "Inga fel på den här sidan." in page
    assert re.search(r'<a href="/v/dalarna/falun/2027/del/beslut">Beslut: 1 sak att rätta</a>', page)
    decision = get(client, "/v/dalarna/falun/2027/del/beslut").get_data(as_text=True)
    assert re.search(r'id="f-diarienummer"[^>]*aria-invalid="true"', decision)
    assert "1 sak att rätta på den här sidan" in decision


def test_a_plan_s_links_to_the_lagesbild_are_fields_checked_at_the_field(web):
    """The series a kartläggning cites are boxes to tick and an indicator's series a list to choose
    from – each by its name and source, never its id – and its start year a number; a series the
    kommun's lägesbild lacks (a crafted form) is said at its field, in plain Swedish."""
    client, session, county = web
    url = "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml"
    path = county / "falun" / "2027" / "planer" / "01-trygghet-centrum.yaml"
    before = path.read_text(encoding="utf-8")
    page = get(client, url).get_data(as_text=True)
    values = form_of(page)
    assert values["f.kartläggning.statistik"] == ["", "bra.misshandel-inkl-grov", "enkat.otrygg-kvall"]
    assert values["f.uppföljning.3.serie"] == ["bra.misshandel-inkl-grov"]
    assert values["f.uppföljning.3.utgångsår"] == ["2024"]
    assert ">Misshandel inkl. grov (Brå)</label>" in page and ">Bostadsinbrott (Brå)</label>" in page
    assert '<option value="bra.misshandel-inkl-grov" selected>Misshandel inkl. grov (Brå)</option>' in page
    assert submit(client, session, url, values, "spara").status_code == 303
    assert path.read_text(encoding="utf-8") == before  # saved back as the file had it: not a byte changed
    values["f.kartläggning.statistik"] = ["", "bra.misshandel-inkl-grov"]  # one ticked is still a list
    assert submit(client, session, url, values, "spara").status_code == 303
    assert load_yaml(path).data["kartläggning"]["statistik"] == ["bra.misshandel-inkl-grov"]
    values = form_of(get(client, url).get_data(as_text=True))  # the form of the file as it is now
    values["f.kartläggning.statistik"] = ["", "bra.misshandel-inkl-grov", "enkat.finns-inte"]
    assert submit(client, session, url, values, "spara").status_code == 303  # a draft may hold errors
    page = get(client, url).get_data(as_text=True)
    error = page.split('id="fel-f-kartläggning-statistik"', 1)[1].split("</div>", 1)[0]
    assert "enkat.finns-inte finns inte i kommunens lägesbild" in error
    assert "fältet" not in error and "statistik[" not in error  # no field path shown

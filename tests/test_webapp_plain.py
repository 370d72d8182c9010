"""Every page of the web app over the example data, read as a secretary reads it: no file name,
field path, YAML key, command, option or path on disk – in the pages, in the messages after a
mistake, and in the read-only views of decided versions (issue: the web app speaks plain Swedish).

A word the data itself contains (an example text that names a file) is the secretary's own
text and is allowed; everything else the app writes is held to the rule.
"""

from __future__ import annotations

import html
import re

import pytest

from conftest import new_draft
from pipeline.web import forms
from test_webapp import form_of, get, post, submit, web  # noqa: F401 – the app over a copy of the example data

COMMANDS = ("validate", "render", "diff", "beslut", "ny", "batch", "webb", "granska", "kontrollera", "forsegla",
            "underlag", "jamfor", "import", "export", "publicera", "arkiv")


def visible_text(page: str) -> str:
    """Return what a reader sees of a page: its text, without tags, scripts and attribute values."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def forbidden() -> list[re.Pattern]:
    """Return the patterns of what a secretary must never see."""
    keys = set()
    for schema in forms.labels().values():
        for path in schema:
            keys.update(k for k in path.split(".") if "_" in k)
            if "." in path:
                keys.add(path)
    return [re.compile(r"\b[\w-]+\.(?:ya?ml|docx|json)\b"), re.compile(r"(?<![\w-])--[a-zåäö]"),
            re.compile(r"(?:/tmp/|/home/|/root/|[A-Z]:\\\\)"),
            re.compile(r"\bsamverkan (?:" + "|".join(COMMANDS) + r")\b"),
            re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
                       + r")(?![\w])")]


def findings(page: str, data_text: str) -> list[str]:
    text = visible_text(page)
    found = []
    for pattern in forbidden():
        found += [m.group(0) for m in pattern.finditer(text) if m.group(0) not in data_text]
    return found


@pytest.fixture
def data_text(web):  # noqa: F811
    _, _, county = web
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(county.rglob("*.yaml")))


def crawl(client) -> dict[str, str]:
    """Return every page reachable from the start page by links (documents and downloads excepted)."""
    pages, queue = {}, ["/"]
    while queue:
        url = queue.pop()
        if url in pages or "/dokument/" in url or "/statiskt/" in url or url.endswith((".pdf", ".docx")):
            continue
        answer = get(client, url)
        if answer.status_code in (301, 302, 303):
            queue.append(answer.headers["Location"])
            pages[url] = ""
            continue
        if answer.mimetype != "text/html":  # a download (a report, a document)
            answer.close()
            pages[url] = ""
            continue
        pages[url] = answer.get_data(as_text=True)
        queue += [html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', pages[url]) if h not in pages]
    return pages


@pytest.mark.slow  # every page of every version of the example data
def test_no_page_of_the_example_data_shows_a_file_name_key_field_path_or_option(web, data_text):  # noqa: F811
    client, _, _ = web
    pages = crawl(client)
    assert len(pages) > 100  # every version's form, plan, preview and comparison
    found = {url: findings(page, data_text) for url, page in pages.items()}
    assert {url: f for url, f in found.items() if f} == {}


def test_the_pages_after_mistakes_speak_plain_swedish(web, data_text):  # noqa: F811
    client, session, county = web
    new_draft(county)
    url = "/v/dalarna/orsa/2027/del/syfte"
    values = form_of(get(client, url).get_data(as_text=True))
    values["f.syfte"] = [""]  # a required text emptied
    assert submit(client, session, url, values, "spara").status_code == 303  # a draft may hold errors
    form = get(client, url).get_data(as_text=True)
    url = "/v/dalarna/orsa/2027/del/giltighet"
    values = form_of(get(client, url).get_data(as_text=True))
    values["f.giltighetstid.från"] = ["1 mars"]  # no date
    check = post(client, session, url + "/kontroll", {k: v[0] for k, v in values.items()}).get_data(as_text=True)
    overview = get(client, "/v/dalarna/orsa/2027/").get_data(as_text=True)
    plan = re.search(r'href="(/v/dalarna/orsa/2027/plan/[^"]+)"', form).group(1)
    values = form_of(get(client, plan).get_data(as_text=True))
    values["f.aktiviteter.0.aktivitet"], values["f.titel"] = [""], [""]
    assert submit(client, session, plan, values, "spara").status_code == 303
    plan_form = get(client, plan).get_data(as_text=True)
    decision = post(client, session, "/v/dalarna/orsa/2027/beslut",
                    {"organ": "", "datum": "2999-01-01", "paragraf": "x", "diarienummer": "KS 1/1"}
                    ).get_data(as_text=True)
    reversed_compare = get(client, "/k/dalarna/orsa/jamfor?gammal=2027&ny=2023").get_data(as_text=True)
    new_version = post(client, session, "/k/dalarna/orsa/ny-version", {"namn": "2031"}).get_data(as_text=True)
    pages = {"formuläret": form, "kontrollen": check, "översikten": overview, "planens formulär": plan_form,
             "beslutet": decision, "jämförelsen": reversed_compare, "ny version": new_version}
    for name, page in pages.items():
        assert findings(page, data_text) == [], name
    assert "1 sak att rätta på den här sidan" in visible_text(form) and "måste fyllas i" in visible_text(plan_form)
    assert "Syfte och mål: 1 sak att rätta" in visible_text(overview)  # each part's state, linked

"""A follow-up entered in the browser (pipeline/web/followup_form.py, pipeline/web/followup_pages.py):
the form with a row per activity and indicator, the record it writes – the same as ``import``
writes for a workbook with the same content – the mistakes it refuses, the follow-up's page and
the workbook to download, in plain Swedish and accessible (WCAG 2.2 AA at 1280 and 320 CSS px)."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from werkzeug.datastructures import MultiDict

from browser import axe_violations, chromium, describe, needs_chromium
from conftest import tree
from pipeline.data import followups, seal
from pipeline.data.validate import validate_version
from pipeline.followup.importer import import_workbook
from pipeline.followup.status import NOT_FOLLOWED, follow_up
from pipeline.followup.workbook import ACTIVITIES, INDICATORS, INFO_ROWS, INFO_SHEET, workbook_bytes
from pipeline.web import forms
from test_webapp import HOST, ORIGIN, form_of, get, web  # noqa: F401 – the app over a copy of the example data
from test_webapp_browser import WCAG_22_AA, server  # noqa: F401 – the app on a port, for Chromium
from test_webapp_plain import data_text, findings, visible_text  # noqa: F401

DECIDED = "/v/dalarna/orsa/2023"
FORM = f"{DECIDED}/uppfoljning/ny"
PLAN_1 = "01-ordningsstorningar-centrum"
PLAN_2 = "02-ungdomar-skolor"


def name(kind: str, plan: str, item: str, part: str) -> str:
    """Return the name of a row's input in the form."""
    return f"{kind}|{plan}|{item}|{part}"


def values_of(page: str) -> dict[str, list[str]]:
    """Return the form's values as a browser submits them: a list's empty choice is an empty value
    (the page's parser gives the text of the chosen option)."""
    empty = {"(ingen ny bedömning)", "(ingen uppgift)"}
    return {k: ["" if v in empty else v for v in vs] for k, vs in form_of(page).items()}


def send(client, session, url: str, values: dict[str, list[str]]):
    """Submit the form with ``values`` as a browser does (the button included)."""
    data = MultiDict([(k, v) for k, vs in values.items() for v in vs])
    data["åtgärd"] = "spara"
    data["csrf"] = session.csrf
    return client.post(url, data=data, headers={"Host": HOST, "Origin": ORIGIN})


def field_html(page: str, element_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea) id="{re.escape(element_id)}"[^>]*>', page).group(0)


def message_at(page: str, element_id: str) -> str:
    return re.search(rf'<div class="fel" id="{re.escape(element_id)}-fel">(.*?)</div>', page, re.S).group(1)


def summary_of(page: str) -> str:
    start = page.index('id="felsammanfattning"')
    return page[start:page.index("</div>", start)]


def edited(values: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the form's values with a follow-up's changes: A5 of bilaga 1 yellow with a comment,
    A1 of bilaga 2 without a new assessment, two indicator values (one with a decimal comma)."""
    values = {k: list(v) for k, v in values.items()}
    values["uppfoljt_av"] = ["Samverkansgruppen  i Orsa"]  # spaces collapse, as a workbook's cell
    values[name("aktivitet", PLAN_1, "A5", "status")] = ["gul"]
    values[name("aktivitet", PLAN_1, "A5", "kommentar")] = ["Startar i januari\nmed två krögare."]
    values[name("aktivitet", PLAN_1, "A5", "rapporterad")] = ["Orsa kommun"]
    for part in ("status", "kommentar", "rapporterad"):
        values[name("aktivitet", PLAN_2, "A1", part)] = [""]
    values[name("indikator", PLAN_1, "I1", "varde")] = ["12,5"]
    values[name("indikator", PLAN_1, "I1", "kommentar")] = ["Halvår."]
    values[name("indikator", PLAN_2, "I3", "varde")] = ["1 200"]
    return values


def new_day(folder) -> dt.date:
    """Return the latest date up to today on which the version has no follow-up."""
    taken = {day for day, _ in followups.record_files(folder)[0]}
    day = dt.date.today()
    while day in taken:
        day -= dt.timedelta(days=1)
    return day


def record_of(folder, day: dt.date) -> dict:
    found, problems = followups.load_records(validate_version(folder))
    assert problems == []
    return next(r for r in found if r.date == day).loaded.data


# --- the form ----------------------------------------------------------------------------------------------

def test_the_form_has_a_row_per_activity_and_indicator_with_the_latest_status_chosen(web):
    client, _, county = web
    answer = get(client, FORM)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Spara uppföljningen" in page
    values = values_of(page)
    version = validate_version(county / "orsa" / "2023")
    latest = follow_up(version, followups.load_records(version)[0])
    activities = indicators = 0
    for plan in latest.plans:
        assert f"Bilaga {plan.plan.number} – {plan.plan.data['titel']}" in page
        for activity in plan.activities:
            assert f"<legend>Aktivitet {activity.item.id}: " in page
            chosen = "" if activity.status == NOT_FOLLOWED else activity.status
            assert values[name("aktivitet", plan.key, activity.item.id, "status")] == [chosen]
            activities += 1
        for indicator in plan.indicators:
            assert values[name("indikator", plan.key, indicator.item.id, "varde")] == [""]
            indicators += 1
    assert page.count("<legend>Aktivitet ") == activities and page.count("<legend>Indikator ") == indicators
    assert values[name("aktivitet", PLAN_1, "A5", "status")] == ["röd"]  # the latest record's red
    assert values["datum"] == [dt.date.today().isoformat()] and values["uppfoljt_av"] == ["Samverkansgruppen"]
    assert '<option value="">(ingen ny bedömning)</option>' in page
    assert re.search(r'<input id="b1-i-I1-varde"[^>]*inputmode="decimal"', page)


def test_a_follow_up_saved_in_the_browser_is_the_record_import_writes(web, tmp_path):
    client, session, county = web
    folder = county / "orsa" / "2023"
    values = edited(values_of(get(client, FORM).get_data(as_text=True)))
    day = new_day(folder)
    values["datum"] = [day.isoformat()]
    answer = send(client, session, FORM, values)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{DECIDED}/uppfoljning/{day.isoformat()}/visa")
    path = folder / "uppfoljning" / f"{day.isoformat()}.yaml"
    assert "webbformulär" in path.read_text(encoding="utf-8").splitlines()[0]
    written = record_of(folder, day)
    plan_1 = next(p for p in written["planer"] if p["plan"] == PLAN_1)
    assert written["uppföljt_av"] == "Samverkansgruppen i Orsa"
    assert next(a for a in plan_1["aktiviteter"] if a["id"] == "A5") == {
        "id": "A5", "status": "gul", "kommentar": "Startar i januari med två krögare.", "rapporterad_av": "Orsa kommun"}
    assert next(i for i in plan_1["indikatorer"] if i["id"] == "I1") == {"id": "I1", "värde": 12.5,
                                                                        "kommentar": "Halvår."}
    plan_2 = next(p for p in written["planer"] if p["plan"] == PLAN_2)
    assert "A1" not in [a["id"] for a in plan_2["aktiviteter"]]  # no new assessment: left out
    assert next(i for i in plan_2["indikatorer"] if i["id"] == "I3")["värde"] == 1200
    page = get(client, answer.headers["Location"]).get_data(as_text=True)
    assert "Uppföljningen är sparad." in page
    row = re.search(r"<tr><th scope=\"row\">A5: .*?</tr>", page, re.S).group(0)
    assert "gul" in row and "röd → gul" in row and "Startar i januari med två krögare." in row

    # The same content in the workbook, read by import for another date: the same record.
    other = new_day(folder)
    book = tmp_path / "uppfoljning.xlsx"
    book.write_bytes(filled_workbook(folder, other, values))
    import_workbook(book, folder, day=other)
    assert record_of(folder, other) == written


def filled_workbook(folder, day: dt.date, values: dict[str, list[str]]) -> bytes:
    """Return the version's workbook for ``day`` filled in with what the form's ``values`` say."""
    version = validate_version(folder)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(version, followups.load_records(version)[0], day)))
    book[INFO_SHEET].cell(INFO_ROWS["uppföljt_av"], 2, values["uppfoljt_av"][0])
    for plan in version.plans:
        sheet = book[f"Bilaga {plan.number}"]
        key = followups.plan_key(plan)
        for section, kind, parts in ((ACTIVITIES, "aktivitet", {"Status": "status", "Kommentar": "kommentar",
                                                                   "Rapporterad av": "rapporterad"}),
                                     (INDICATORS, "indikator", {"Värde": "varde", "Kommentar": "kommentar"})):
            for row, item_id, columns in section_rows(sheet, section):
                for column, part in parts.items():
                    typed = values.get(name(kind, key, item_id, part), [""])[0]
                    sheet.cell(row, columns[column], typed or None)
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def section_rows(sheet, title: str):
    """Yield (row, id, columns by name) of a section of a plan's sheet."""
    start = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title)
    columns = {sheet.cell(start + 1, c).value: c for c in range(1, sheet.max_column + 1)}
    row = start + 2
    while sheet.cell(row, 1).value:
        yield row, str(sheet.cell(row, 1).value), columns
        row += 1


# --- mistakes ------------------------------------------------------------------------------------------------

def test_a_value_that_is_no_number_is_shown_at_its_field_with_everything_typed_and_nothing_written(web):
    client, session, county = web
    before = tree(county.parent)
    values = edited(values_of(get(client, FORM).get_data(as_text=True)))
    values[name("indikator", PLAN_1, "I1", "varde")] = ["tolv"]
    answer = send(client, session, FORM, values)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    field = field_html(page, "b1-i-I1-varde")
    assert 'aria-invalid="true"' in field and 'value="tolv"' in field and "b1-i-I1-varde-fel" in field
    assert "inget tal" in message_at(page, "b1-i-I1-varde")
    summary = summary_of(page)
    assert 'role="alert"' in page and 'href="#b1-i-I1-varde"' in summary
    assert "Värde för indikator I1 i bilaga 1" in summary
    kept = values_of(page)
    assert kept[name("aktivitet", PLAN_1, "A5", "kommentar")] == ["Startar i januari\nmed två krögare."]
    assert kept[name("aktivitet", PLAN_1, "A5", "status")] == ["gul"]
    assert kept[name("aktivitet", PLAN_2, "A1", "status")] == [""]
    assert tree(county.parent) == before


@pytest.mark.parametrize("typed, said", [("13/2", "inget datum"), ("2999-01-01", "ligger i framtiden"),
                                         ("", "skriv datumet")])
def test_a_date_that_is_none_or_in_the_future_is_refused_at_its_field(web, typed, said):
    client, session, county = web
    before = tree(county.parent)
    values = values_of(get(client, FORM).get_data(as_text=True))
    values["datum"] = [typed]
    page = send(client, session, FORM, values).get_data(as_text=True)
    assert said in message_at(page, "uppf-datum").lower() and 'aria-invalid="true"' in field_html(page, "uppf-datum")
    assert tree(county.parent) == before


def test_a_comment_without_a_status_asks_for_one(web):
    client, session, county = web
    before = tree(county.parent)
    values = values_of(get(client, FORM).get_data(as_text=True))
    values[name("aktivitet", PLAN_1, "A2", "status")] = [""]  # the latest comment is still there
    answer = send(client, session, FORM, values)
    assert answer.status_code == 400
    assert "välj en status" in message_at(answer.get_data(as_text=True), "b1-a-A2-status").lower()
    assert tree(county.parent) == before


def test_an_existing_date_is_refused_without_the_box_and_replaced_with_it(web):
    client, session, county = web
    path = county / "orsa" / "2023" / "uppfoljning" / "2026-09-17.yaml"
    before = path.read_bytes()
    values = edited(values_of(get(client, FORM).get_data(as_text=True)))
    values["datum"] = ["2026-09-17"]
    refused = send(client, session, FORM, values)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "finns redan en uppföljning den 17 september 2026" in message_at(
        page, "uppf-datum")
    assert "Ersätt uppföljningen för det datumet" in summary_of(page)
    assert path.read_bytes() == before
    both = send(client, session, FORM, {**values, name("indikator", PLAN_1, "I1", "varde"): ["tolv"]})
    page = both.get_data(as_text=True)  # every problem at once: the date taken and the value
    assert "finns redan" in message_at(page, "uppf-datum") and "inget tal" in message_at(page, "b1-i-I1-varde")
    assert "2 saker att rätta" in page and path.read_bytes() == before
    replaced = send(client, session, FORM, {**values, "ersatt": ["ja"]})
    assert replaced.status_code == 303 and path.read_bytes() != before
    assert "ersatte den tidigare" in get(client, replaced.headers["Location"]).get_data(as_text=True)
    assert next(a for a in record_of(path.parent.parent, dt.date(2026, 9, 17))["planer"][0]["aktiviteter"]
                if a["id"] == "A5")["status"] == "gul"


@pytest.mark.parametrize("crafted", [name("aktivitet", PLAN_1, "A99", "status"),
                                     name("indikator", "09-finns-inte", "I1", "varde"),
                                     name("aktivitet", PLAN_1, "A1", "okänd")])
def test_an_activity_or_indicator_the_version_does_not_have_refuses_the_form(web, crafted):
    client, session, county = web
    before = tree(county.parent)
    values = values_of(get(client, FORM).get_data(as_text=True))
    values[crafted] = ["grön"]
    answer = send(client, session, FORM, values)
    assert answer.status_code == 400 and "inte finns i versionen" in summary_of(answer.get_data(as_text=True))
    assert tree(county.parent) == before


def test_a_status_or_party_outside_the_lists_is_refused(web):
    client, session, county = web
    before = tree(county.parent)
    values = values_of(get(client, FORM).get_data(as_text=True))
    values[name("aktivitet", PLAN_1, "A1", "status")] = ["grönt"]
    values[name("aktivitet", PLAN_1, "A2", "rapporterad")] = ["Någon annan"]
    page = send(client, session, FORM, values).get_data(as_text=True)
    assert "välj en status i listan" in message_at(page, "b1-a-A1-status").lower()
    assert "välj en part i listan" in message_at(page, "b1-a-A2-rapporterad").lower()
    assert tree(county.parent) == before


def test_a_huge_form_is_refused_as_too_large(web):
    client, session, county = web
    before = tree(county.parent)
    values = {f"aktivitet|{PLAN_1}|A{n}|status": ["grön"] for n in range(forms.MAX_FIELDS + 10)}
    answer = send(client, session, FORM, values)
    assert answer.status_code == 413
    assert tree(county.parent) == before


def test_a_follow_up_leaves_the_decided_version_s_seal_as_it_was(web):
    client, session, county = web
    folder = county / "orsa" / "2023"
    digest, problems = seal.verify(folder, None)
    assert problems == []
    values = edited(values_of(get(client, FORM).get_data(as_text=True)))
    assert send(client, session, FORM, values).status_code == 303
    assert seal.verify(folder, None) == (digest, [])
    assert seal.check(folder) == []


def test_a_draft_is_followed_up_too_and_an_empty_follow_up_writes_nothing(web):
    client, session, county = web
    url = "/v/dalarna/falun/2027/uppfoljning/ny"
    values = values_of(get(client, url).get_data(as_text=True))
    assert all(v == [""] for k, v in values.items() if k.endswith("|status"))  # never followed up
    empty = send(client, session, url, values)
    assert empty.status_code == 400 and "ingenting sparades" in empty.get_data(as_text=True)
    assert not (county / "falun" / "2027" / "uppfoljning").exists()
    status = next(k for k in values if k.endswith("|status"))
    answer = send(client, session, url, {**values, status: ["ej påbörjad"]})
    assert answer.status_code == 303
    assert len(list((county / "falun" / "2027" / "uppfoljning").glob("*.yaml"))) == 1


# --- the follow-up's page and the workbook -------------------------------------------------------------------

def test_the_follow_up_s_page_shows_each_status_and_value_and_offers_the_report(web):
    client, _, _ = web
    page = get(client, f"{DECIDED}/uppfoljning/2026-09-17/visa").get_data(as_text=True)
    assert "<h1>Uppföljningen 17 september 2026</h1>" in page and "Röd status, behöver åtgärdas: A5 i bilaga 1" in page
    row = re.search(r"<tr><th scope=\"row\">A5: .*?</tr>", page, re.S).group(0)
    assert "röd" in row and "Har inte kommit i gång" in row
    assert f'href="{DECIDED}/uppfoljning/2026-09-17"' in page  # the report in Word
    assert f'href="{DECIDED}/uppfoljning/ny"' in page and ">Ny uppföljning</a>" in page
    assert page.count('<div class="tabellruta"') >= 8  # activities and indicators of four plans
    for missing in ("2026-09-18", "x", "2026-13-01"):
        assert get(client, f"{DECIDED}/uppfoljning/{missing}/visa").status_code == 404


def test_the_workbook_download_is_the_version_s_workbook(web):
    client, _, _ = web
    answer = get(client, f"{DECIDED}/uppfoljning/arbetsbok?datum={dt.date.today().isoformat()}")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    assert "uppfoljning-orsa-2023" in answer.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == [INFO_SHEET, "Bilaga 1", "Bilaga 2", "Bilaga 3", "Bilaga 4"]
    assert book[INFO_SHEET].cell(INFO_ROWS["version"], 2).value == "dalarna/orsa/2023"
    latest = openpyxl.load_workbook(io.BytesIO(get(client, f"{DECIDED}/uppfoljning/arbetsbok").data))
    assert latest[INFO_SHEET].cell(INFO_ROWS["datum"], 2).value.date() == dt.date(2026, 9, 17)
    assert get(client, f"{DECIDED}/uppfoljning/arbetsbok?datum=igår").status_code == 404


def test_the_follow_up_pages_speak_plain_swedish(web, data_text):  # noqa: F811
    client, session, _ = web
    form = get(client, FORM).get_data(as_text=True)
    values = edited(values_of(form))
    values[name("indikator", PLAN_1, "I1", "varde")] = ["tolv"]
    values[name("aktivitet", PLAN_1, "A1", "kommentar")] = ["=SUMMA(A1)"]
    mistakes = send(client, session, FORM, values).get_data(as_text=True)
    existing = send(client, session, FORM, {**edited(values_of(form)), "datum": ["2026-09-17"]}).get_data(as_text=True)
    crafted = send(client, session, FORM, {**values_of(form), name("aktivitet", PLAN_1, "A9", "status"): ["gul"]})
    shown = get(client, f"{DECIDED}/uppfoljning/2026-09-17/visa").get_data(as_text=True)
    pages = {"formuläret": form, "fel": mistakes, "datumet finns": existing,
             "okänd aktivitet": crafted.get_data(as_text=True), "uppföljningen": shown}
    for where, page in pages.items():
        text = visible_text(page)
        assert findings(page, data_text) == [], where
        assert ".yaml" not in text and "värde:" not in text and "--" not in text, where
        assert "rapporterad_av" not in text and "uppföljt_av" not in text and "webbformulär" not in text, where


# --- in Chromium: WCAG 2.2 AA, and no page wider than the screen ------------------------------------------

@needs_chromium
@pytest.mark.parametrize("width", [1280, 320])
def test_the_follow_up_pages_pass_wcag_22_aa_and_never_scroll_sideways(server, width):  # noqa: F811
    base, session, county = server
    with chromium(viewport={"width": width, "height": 800}, bypass_csp=True) as page:
        page.goto(session.url())

        def check(where: str) -> None:
            page.wait_for_load_state("networkidle")
            violations = axe_violations(page, WCAG_22_AA)
            assert not violations, f"{where} at {width} px:\n{describe(violations)}"
            overflow = page.evaluate("() => document.documentElement.scrollWidth"
                                     " - document.documentElement.clientWidth")
            assert overflow <= 0, f"{where} scrolls {overflow} px sideways at {width} px"

        for path in (f"{DECIDED}/uppfoljning/2026-09-17/visa", "/v/dalarna/falun/2027/uppfoljning/ny"):
            page.goto(base + path)
            check(path)
        page.goto(f"{base}{DECIDED}/uppfoljning/2026-09-17/visa")
        with page.expect_navigation():
            page.get_by_role("link", name="Ny uppföljning").click()
        check("Ny uppföljning")
        page.fill("#b1-i-I1-varde", "tolv")
        with page.expect_navigation():
            page.get_by_role("button", name="Spara uppföljningen").click()
        assert page.get_attribute("#b1-i-I1-varde", "aria-invalid") == "true"
        check("Ny uppföljning med ett fel")
        page.fill("#b1-i-I1-varde", "12,5")
        with page.expect_navigation():
            page.get_by_role("button", name="Spara uppföljningen").click()
        assert "Uppföljningen är sparad." in page.inner_text("main")
        check("den sparade uppföljningen")

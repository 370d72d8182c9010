"""A secretary's whole path through `samverkan webb` in Chromium, with the keyboard only, and
axe-core (WCAG 2.1 AA) on every page on the way.

Open Orsa 2023 → "Ny version" 2027 → change a goal → see a validation error at its field and
fix it → save → add an aktivitet to a plan → preview → compare 2023 ↔ 2027 → download the
beslutspaket → register the decision. Afterwards the YAML on disk is what the form showed,
with the file's comments kept.

The screenshot in the docs (docs/sekreterare/webbappen.md) is taken here: ``UPDATE_PICTURES=1`` writes it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import threading

import pytest

from browser import axe_violations, chromium, describe, needs_chromium
from conftest import AGREEMENTS, LIBREOFFICE, ROOT
from pipeline.data.load import load_yaml

pytestmark = needs_chromium
SCREENSHOT = ROOT / "docs" / "sekreterare" / "webb-formular.png"
NEW_GOAL = "Fler invånare i Orsa ska känna sig trygga i centrum, också sena kvällar."
NEW_ACTIVITY = "Nattvandring med föräldrar fredagskvällar under sommarlovet."


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Start the web app on a free port over a copy of the example data; yield (base, session, data)."""
    from pipeline.web.server import make_server

    shutil.copytree(AGREEMENTS / "dalarna", tmp_path / "agreements" / "dalarna")
    monkeypatch.chdir(tmp_path)
    running, session = make_server(tmp_path / "agreements", 0)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{session.port}", session, tmp_path / "agreements" / "dalarna"
    finally:
        running.close()
        thread.join(timeout=10)


def tab_to(page, selector: str, limit: int = 600) -> None:
    """Press Tab until the element matching ``selector`` has the focus (the keyboard's way there)."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def enter(page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def type_date(page, selector: str, day: dt.date) -> None:
    """Type a date into the focused date field, in the order of day, month and year the browser's
    language shows (found by typing a probe date first), with the keyboard only."""
    page.keyboard.type("01022003")
    order = {"2003-01-02": "mdy", "2003-02-01": "dmy"}.get(page.input_value(selector), "ymd")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    parts = {"y": f"{day.year:04d}", "m": f"{day.month:02d}", "d": f"{day.day:02d}"}
    page.keyboard.type("".join(parts[c] for c in order))
    assert page.input_value(selector) == day.isoformat()


def check_accessibility(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}:\n{describe(violations)}"


# Counts what the user typed and which typing the live check last answered: every input event
# takes a number; a check request carries the number current when htmx sends it, and its answer,
# once swapped in, marks that number answered. Installed before the page's own scripts run.
TRACK_CHECKS = """
window.__typed = 0; window.__answered = -1;
document.addEventListener('input', () => { window.__typed += 1; }, true);
document.addEventListener('change', () => { window.__typed += 1; }, true);
document.addEventListener('htmx:beforeRequest', (e) => { e.detail.xhr.__typed = window.__typed; });
document.addEventListener('htmx:afterSettle', (e) => {
  if (e.detail.xhr && e.detail.xhr.__typed !== undefined) { window.__answered = e.detail.xhr.__typed; }
});
"""


def wait_for_check(page) -> None:
    """Wait until the live check has answered everything typed so far (a state, not a time: on a
    loaded machine the answer may take seconds)."""
    page.wait_for_function("() => window.__answered === window.__typed", timeout=30_000)


def shows(page, selector: str, text) -> None:
    """Assert that the element shows ``text`` (a text it contains, or a pattern of all of it) once
    the live check has answered – waiting for it a while, for a slow (loaded) machine."""
    from playwright.sync_api import expect

    if isinstance(text, str):
        expect(page.locator(selector)).to_contain_text(text, ignore_case=True, timeout=15_000)
    else:
        expect(page.locator(selector)).to_have_text(text, timeout=15_000)


def test_the_secretary_s_whole_path_with_the_keyboard(server, tmp_path):
    base, session, county = server
    original = (county / "orsa" / "2023" / "overenskommelse.yaml").read_text(encoding="utf-8")
    with chromium(bypass_csp=True) as page:
        page.add_init_script(TRACK_CHECKS)
        page.goto(session.url())
        assert page.url == base + "/"
        check_accessibility(page, "startsidan")

        # Orsa's version in force, from the overview.
        tab_to(page, 'a[href="/v/dalarna/orsa/2023/"]')
        enter(page)
        assert page.url == base + "/v/dalarna/orsa/2023/"
        check_accessibility(page, "Orsa 2023 (beslutad)")

        # Ny version 2027.
        tab_to(page, "#ny-namn")
        page.keyboard.type("2027")
        tab_to(page, "#ny-dnr")
        page.keyboard.type("KS 2027/0011")
        tab_to(page, 'form[action$="/ny-version"] button[value="granska"]')
        enter(page)
        assert "Inget är skapat ännu" in page.inner_text("main")  # what is carried over, first
        assert "giltighetstiden börjar 1 mars 2023" in page.inner_text("main")
        assert not (county / "orsa" / "2027").exists()
        check_accessibility(page, "ny version, före")
        tab_to(page, 'button[value="skapa"]')
        enter(page)
        assert page.url == base + "/v/dalarna/orsa/2027/"
        assert "Version 2027 är skapad" in page.inner_text("main")
        check_accessibility(page, "Orsa 2027, nytt utkast")

        # Change a goal.
        tab_to(page, '[name="f.mål.0"]')
        page.keyboard.press("Control+A")
        page.keyboard.type(NEW_GOAL)
        # An error at its field, then fixed.
        tab_to(page, '[name="f.diarienummer"]')
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        wait_for_check(page)
        shows(page, "#fel-f-diarienummer", "tom")
        shows(page, "#kontroll", re.compile(r"^\s*1 sak", re.S))
        check_accessibility(page, "formuläret med ett fel")
        if os.environ.get("UPDATE_PICTURES") == "1":
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": 1100, "height": 760})
            page.evaluate("document.querySelector('[name=\"f.diarienummer\"]').scrollIntoView({block: 'center'})")
            page.screenshot(path=str(SCREENSHOT))
        page.keyboard.type("KS 2027/0042")
        wait_for_check(page)
        shows(page, "#fel-f-diarienummer", re.compile(r"^\s*$"))
        shows(page, "#kontroll", "Inga fel")

        # Save.
        tab_to(page, 'button[value="spara"]')
        enter(page)
        assert "Sparat." in page.inner_text("main")

        # Add an aktivitet to bilaga 1.
        tab_to(page, 'nav.planer a[href*="/plan/01-"]')
        enter(page)
        check_accessibility(page, "plan 1")
        tab_to(page, 'button[value="lägg-till:f.aktiviteter"]')
        enter(page)
        focused = page.evaluate("document.activeElement.name")
        assert focused.startswith("f.aktiviteter.") and focused.endswith(".id")  # the new item's first field
        index = focused.split(".")[2]
        tab_to(page, f'[name="f.aktiviteter.{index}.aktivitet"]')
        page.keyboard.type(NEW_ACTIVITY)
        tab_to(page, f'[name="f.aktiviteter.{index}.ansvarig"][value="Orsa kommun"]')
        page.keyboard.press("Space")
        tab_to(page, f'[name="f.aktiviteter.{index}.när"]')
        page.keyboard.type("Juni–augusti 2027")
        tab_to(page, f'[name="f.aktiviteter.{index}.resurser"]')
        page.keyboard.type("Fritidsgårdens personal och föräldrar.")
        wait_for_check(page)
        shows(page, "#kontroll", "Inga fel")
        tab_to(page, 'button[value="spara"]')
        enter(page)
        assert "Sparat." in page.inner_text("main")

        # Preview.
        tab_to(page, 'a[href$="/forhandsvisning"]')
        enter(page)
        assert NEW_GOAL in page.inner_text("main") and NEW_ACTIVITY in page.inner_text("main")
        check_accessibility(page, "förhandsvisningen")

        # Compare 2023 ↔ 2027.
        page.goto(f"{base}/v/dalarna/orsa/2027/")
        tab_to(page, 'a[href*="/jamfor"]')
        enter(page)
        tab_to(page, "#gammal")
        page.keyboard.type("2023")  # a list box's type-ahead
        assert page.input_value("#gammal") == "2023"
        tab_to(page, 'form[action$="/jamfor"] button[type=submit]')
        enter(page)
        text = page.inner_text("main")
        assert "Ändringar jämfört med version 2023" in text and NEW_GOAL in text
        assert page.locator("ins").count() > 0
        check_accessibility(page, "jämförelsen")

        # The beslutspaket.
        if LIBREOFFICE:
            tab_to(page, 'a[href$="/beslutspaket.pdf"]')
            with page.expect_download(timeout=240_000) as download:
                page.keyboard.press("Enter")
            saved = tmp_path / "beslutspaket.pdf"
            download.value.save_as(saved)
            assert saved.read_bytes()[:5] == b"%PDF-"

        # Register the decision: the form, a mistake shown at its field, the summary, the confirmation.
        page.goto(f"{base}/v/dalarna/orsa/2027/")
        tab_to(page, 'a[href$="/beslut"]')
        enter(page)
        check_accessibility(page, "beslutets formulär")
        tab_to(page, "#beslut-paragraf")
        page.keyboard.type("tolv")  # no paragraf, and no date yet
        tab_to(page, 'button[value="granska"]')
        enter(page)
        assert page.get_attribute("#beslut-paragraf", "aria-invalid") == "true"
        assert page.get_attribute("#beslut-datum", "aria-invalid") == "true"
        check_accessibility(page, "beslutets formulär med fel")
        tab_to(page, "#beslut-datum")
        type_date(page, "#beslut-datum", dt.date.today())
        tab_to(page, "#beslut-paragraf")
        page.keyboard.press("Control+A")
        page.keyboard.type("§ 12")
        tab_to(page, 'button[value="granska"]')
        enter(page)
        assert "Bekräfta beslutet" in page.inner_text("h1")
        assert not (county / "orsa" / "2027" / "sigill.json").exists()  # nothing sealed before the confirmation
        check_accessibility(page, "sammanställningen före beslutet")
        tab_to(page, 'button[value="bekrafta"]')
        enter(page)
        assert "Beslutet är registrerat" in page.inner_text("main")
        check_accessibility(page, "kvittot på beslutet")
        page.goto(f"{base}/v/dalarna/orsa/2027/")
        assert page.locator('[name^="f."]').count() == 0  # decided: read only
        check_accessibility(page, "den beslutade versionen")

    agreement = county / "orsa" / "2027" / "overenskommelse.yaml"
    data = load_yaml(agreement).data
    assert data["mål"][0] == NEW_GOAL and data["diarienummer"] == "KS 2027/0042"
    assert data["status"] == "beslutad" and data["beslut"]["paragraf"] == "§ 12"
    plan = next((county / "orsa" / "2027" / "planer").glob("01-*.yaml"))
    activities = load_yaml(plan).data["aktiviteter"]
    assert any(a["aktivitet"] == NEW_ACTIVITY and a["ansvarig"] == "Orsa kommun" for a in activities)
    comments = [line.split("  # ", 1)[1] for line in original.splitlines() if "  # " in line]
    saved = agreement.read_text(encoding="utf-8")
    assert comments and all(comment in saved for comment in comments if "2023" not in comment)
    assert (county / "orsa" / "2027" / "sigill.json").is_file()


def test_a_plan_with_ids_links_and_numbers_with_the_keyboard(server):
    """Falun 2027's first plan: the causes' ids, an activity's links ("O1, O2") and an indicator's
    values as fields; a link to a cause that does not exist is named at its field, and a target
    typed with a decimal comma is saved as a number."""
    base, session, county = server
    with chromium(bypass_csp=True) as page:
        page.add_init_script(TRACK_CHECKS)
        page.goto(session.url())
        page.goto(f"{base}/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml")
        check_accessibility(page, "en plan med id:n, länkar och tal")
        assert page.input_value('[name="f.aktiviteter.3.orsaker"]') == "O1, O2"
        tab_to(page, '[name="f.aktiviteter.0.orsaker"]')
        page.keyboard.press("Control+a")
        page.keyboard.type("O9")
        wait_for_check(page)
        shows(page, "#fel-f-aktiviteter-0-orsaker", "O9")
        check_accessibility(page, "en plan med ett fel vid en länk")
        page.keyboard.press("Control+a")
        page.keyboard.type("O3")
        tab_to(page, '[name="f.uppföljning.0.målvärde"]')
        page.keyboard.press("Control+a")
        page.keyboard.type("33,5")
        wait_for_check(page)
        shows(page, "#kontroll", "Inga fel")
        tab_to(page, 'button[value="spara"]')
        enter(page)
        assert "Sparat." in page.inner_text("main")
    data = load_yaml(county / "falun" / "2027" / "planer" / "01-trygghet-centrum.yaml").data
    assert data["aktiviteter"][0]["orsaker"] == ["O3"] and data["uppföljning"][0]["målvärde"] == 33.5


def test_enter_in_a_text_field_saves_and_moves_nothing(server):
    """Enter in a text field presses the form's default button: Spara, the form's first button –
    never a list's "Flytta ned" or "Ta bort" (the first item of "Beslutet skickas till" was moved
    down and saved when that was the first button)."""
    base, session, county = server
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = load_yaml(path).data
    with chromium(bypass_csp=True) as page:
        page.add_init_script(TRACK_CHECKS)
        page.goto(session.url())
        page.goto(f"{base}/v/dalarna/falun/2027/")
        check_accessibility(page, "formuläret med Spara först")
        tab_to(page, '[name="f.diarienummer"]')
        page.keyboard.press("End")
        page.keyboard.type("-1")
        enter(page)
        assert "Sparat." in page.inner_text("main")
        assert page.input_value('[name="f.skickas_till.0"]') == before["skickas_till"][0]
    after = load_yaml(path).data
    assert after["diarienummer"] == before["diarienummer"] + "-1"
    assert after["skickas_till"] == before["skickas_till"]


def test_unsaved_changes_are_marked_warned_about_and_saved_with_ctrl_s(server):
    """A change marks the form "Osparade ändringar"; Ctrl+S saves and the mark goes away; leaving a
    page with an unsaved change asks first (the browser's own question)."""
    base, session, county = server
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = load_yaml(path).data
    with chromium(bypass_csp=True) as page:  # bypassed only so axe-core can be added to the page
        page.goto(session.url())
        page.goto(f"{base}/v/dalarna/falun/2027/")
        assert not page.locator(".osparat").first.is_visible()
        tab_to(page, '[name="f.diarienummer"]')
        page.keyboard.press("End")
        page.keyboard.type("-2")
        page.locator(".osparat").first.wait_for(state="visible")
        with page.expect_navigation():
            page.keyboard.press("Control+s")
        page.wait_for_load_state("networkidle")
        assert "Sparat." in page.inner_text("main")
        assert not page.locator(".osparat").first.is_visible()
        check_accessibility(page, "formuläret efter Ctrl+S")
        tab_to(page, '[name="f.diarienummer"]')
        page.keyboard.type("x")  # a change not saved: leaving asks first
        page.locator(".osparat").first.wait_for(state="visible")
        with page.expect_event("dialog") as asked:
            page.close(run_before_unload=True)
        assert asked.value.type == "beforeunload"
        asked.value.dismiss()
    assert load_yaml(path).data["diarienummer"] == before["diarienummer"] + "-2"  # the unsaved "x" is not


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.parametrize("width", [1280, 320])
def test_every_kind_of_page_passes_wcag_22_aa_and_never_scrolls_sideways(server, width):
    """The overview, a version's form, a plan, the preview, the comparison, the decision's form and a
    decided version's receipt: axe-core with the WCAG 2.2 AA rules, and at 320 CSS px no page wider
    than the screen (a wide table scrolls in its own region)."""
    base, session, _ = server
    pages = ["/", "/v/dalarna/falun/2027/", "/v/dalarna/falun/2027/plan/01-trygghet-centrum.yaml",
             "/v/dalarna/falun/2027/forhandsvisning", "/k/dalarna/falun/jamfor", "/v/dalarna/falun/2027/beslut",
             "/v/dalarna/orsa/2023/beslut/kvitto"]
    with chromium(viewport={"width": width, "height": 800}, bypass_csp=True) as page:
        page.goto(session.url())
        for path in pages:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            violations = axe_violations(page, WCAG_22_AA)
            assert not violations, f"{path} at {width} px:\n{describe(violations)}"
            overflow = page.evaluate("() => document.documentElement.scrollWidth"
                                     " - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls {overflow} px sideways at {width} px"

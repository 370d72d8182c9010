"""Random form submissions to every POST route of the web app, as an attacker would send them.

Random names (also ones shaped like the form's own, ``f.aktiviteter.0.orsaker``), values
(control characters, any Unicode, huge texts, dates from year 1 to 9999), button actions
(the form's own, and made-up ones) and sizes (up to just past the limit), to a draft and to a
decided version. Whatever comes in:

- the answer is never a server error, and never shows a traceback;
- a decided version does not change (its seal still holds);
- nothing changes outside the draft's folder – except that "Ny version" may create a new,
  properly named version folder beside the others.

The number of examples comes from the Hypothesis profile (tests/conftest.py): a few in the
default run, many with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from conftest import AGREEMENTS
from pipeline.data import seal
from pipeline.files.lock import LOCK_FILE
from pipeline.versions.lifecycle import check_version_name
from pipeline.web import forms
from pipeline.web.app import create_app
from pipeline.web.security import COOKIE, Session
from pipeline.web.steps import STEPS
from test_webapp import HOST, ORIGIN, PORT, form_of

DRAFT = ("falun", "2027")
DECIDED = ("orsa", "2023")
ROUTES = ["formulär", "plan", "kontroll", "plankontroll", "ny-plan", "ta-bort", "byt-namn", "beslut", "ny-version"]
OTHER_NAMES = ["titel", "nytt_namn", "namn", "ny_start", "flytta_datum", "datum", "organ", "paragraf", "diarienummer",
               "nytt_diarienummer", "behall_diarienummer", "bekräfta", "sha", "åtgärd"]


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Return every file (bytes), folder and link below ``root``, hidden ones too."""
    found: dict[str, bytes | str] = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


def restore(root: Path, baseline: dict) -> None:
    """Put ``root`` back as ``baseline`` was (after an example changed the draft)."""
    now = snapshot(root)
    for key in sorted((k for k in now if k not in baseline), key=lambda k: -k.count("/")):
        path = root / key
        if now[key] == "folder":
            os.rmdir(path)
        else:
            os.unlink(path)
    for key, value in sorted(baseline.items()):
        if now.get(key) == value:
            continue
        path = root / key
        if value == "folder":
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(value)


class Site:
    """The app over a copy of the example data, and what a form there looks like."""

    def __init__(self, root: Path):
        self.root = root  # holds agreements/ and, if ever written, ut/
        self.data = root / "agreements" / "dalarna"
        self.session = Session(port=PORT)
        self.app = create_app(root / "agreements", self.session)
        self.baseline = snapshot(root)
        self.plans = {version: sorted(p.name for p in (self.data / version[0] / version[1] / "planer").iterdir())
                      for version in (DRAFT, DECIDED)}
        client = self.client()
        draft = f"/v/dalarna/{DRAFT[0]}/{DRAFT[1]}/"
        self.steps = {step.slug: client.get(f"{draft}del/{step.slug}", headers={"Host": HOST}).get_data(as_text=True)
                      for step in STEPS}
        self.pages = {"formulär": "".join(self.steps.values()),
                      "plan": client.get(f"{draft}plan/{self.plans[DRAFT][0]}", headers={"Host": HOST}).get_data(
                          as_text=True)}
        self.inputs = sorted({name for page in self.pages.values() for name in form_of(page)})
        self.actions = {kind: sorted(set(re.findall(r'name="åtgärd" value="([^"]+)"', page)) - {"spara"})
                        for kind, page in self.pages.items()}

    def client(self):
        client = self.app.test_client()
        client.set_cookie(COOKIE, self.session.token, domain="127.0.0.1")
        return client

    def folder(self, version: tuple[str, str]) -> Path:
        return self.data / version[0] / version[1]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The app over a copy of the county file, Falun (a draft 2027) and Orsa (sealed 2019 and 2023)."""
    county = tmp_path / "agreements" / "dalarna"
    for kommun in (DRAFT[0], DECIDED[0]):
        shutil.copytree(AGREEMENTS / "dalarna" / kommun, county / kommun)
    shutil.copy2(AGREEMENTS / "dalarna" / "lan.yaml", county / "lan.yaml")
    monkeypatch.chdir(tmp_path)
    # What the app keeps privately (unsaved text) lies outside the folder whose changes are checked.
    monkeypatch.setenv("SAMVERKAN_SESSION_DIR", str(tmp_path.parent / f"{tmp_path.name}-privat"))
    return Site(tmp_path)


# --- what is sent ---------------------------------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # a lone surrogate cannot be sent
values = st.one_of(
    texts,
    st.dates().map(lambda d: d.isoformat()),  # years 1 to 9999
    st.sampled_from(["", "ja", "spara", "Kommunstyrelsen", "§ 12", "KS2026/0912", "2026-11-27", "O1, O2", "4,5",
                     "1e400", "nan", "-0", "\x00", "\r\n\r\n", "\u202e", "\ufeff", "CON", "nul.txt", "2027.", "../x"]),
    st.integers(0, 300_000).map(lambda n: "å" * n),
)
form_parts = st.one_of(st.sampled_from(["mål", "aktiviteter", "orsaker", "parter", "polisen", "beslut", "exempel",
                                        "skickas_till", "uppföljning", "id", "x", ""]),
                       st.integers(0, 120).map(str), st.sampled_from(["²", "-1", "00", "9" * 30]), texts)
form_names = st.lists(form_parts, min_size=0, max_size=7).map(lambda parts: ".".join(["f", *parts]))
days = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["2026-11-27", "2027-03-01", "9999-12-31",
                                                                           "0001-01-01", "2027-02-30", ""]))
ROUTE_FIELDS = {
    "ny-plan": {"titel": st.one_of(texts, st.just("Trygghet vid resecentrum"))},
    "byt-namn": {"nytt_namn": st.one_of(texts, st.sampled_from(["04-resecentrum", "con", "LPT1.yaml", "07"]))},
    "ta-bort": {"bekräfta": st.sampled_from(["ja", "", "nej"])},
    "beslut": {"organ": st.one_of(st.just("Kommunstyrelsen"), texts), "paragraf": st.one_of(st.just("§ 12"), texts),
               "diarienummer": st.sampled_from(["KS2026/0912", "KS 2027/1", ""]), "datum": days,
               "nytt_diarienummer": st.sampled_from(["", "ja"]),
               "steg": st.sampled_from(["granska", "bekrafta", "andra", "", "x"])},
    "ny-version": {"namn": st.one_of(texts, st.sampled_from(["2031", "CON", "nul", "2027.", "2023", "../x",
                                                             "com1.txt"])),
                   "flytta_datum": st.sampled_from(["", "ja"]), "ny_start": days,
                   "nytt_diarienummer": st.one_of(texts, st.sampled_from(["KS 2031/0001", "", "KS2026/0912"])),
                   "behall_diarienummer": st.sampled_from(["", "ja"])},
}


@st.composite
def submissions(draw, site: Site, route: str):
    """Return (version, plan name, form pairs) of a random submission to ``route``."""
    version = draw(st.sampled_from([DRAFT, DECIDED]))
    if route in ("formulär", "kontroll"):  # a step of the agreement, or a made-up one
        plan = draw(st.one_of(st.sampled_from([step.slug for step in STEPS]), texts))
    else:
        plan = draw(st.one_of(st.sampled_from(site.plans[version]), texts))
    names = st.one_of(st.sampled_from(site.inputs), form_names, st.sampled_from(OTHER_NAMES), texts)
    pairs = []
    if draw(st.booleans()):  # the form as the page has it: deeper into saving and the buttons
        page = site.pages["plan" if route.startswith("plan") else "formulär"]
        pairs += [(k, v) for k, vs in form_of(page).items() for v in vs]
    if draw(st.booleans()):  # the route's own fields, with values that may well be accepted
        pairs += [(name, draw(strategy)) for name, strategy in ROUTE_FIELDS.get(route, {}).items()]
    pairs += draw(st.lists(st.tuples(names, values), max_size=12))
    size = draw(st.integers(0, 19))  # now and then many inputs, up to just past the limits
    bulk = draw(st.sampled_from([forms.MAX_ITEMS + 1, forms.MAX_FIELDS + 1])) if size == 0 else size * (size < 6)
    if bulk:
        head = draw(st.sampled_from(["f.mål", "f.aktiviteter", "f.skickas_till", "f.x", "titel"]))
        tail = draw(st.sampled_from(["", ".aktivitet", ".id"]))
        pairs += [(f"{head}.{i}{tail}", "x") for i in range(bulk)]
    action = draw(st.one_of(st.just("spara"), st.sampled_from(site.actions["formulär"] + site.actions["plan"]),
                            st.builds(lambda verb, name: f"{verb}:{name}",
                                      st.sampled_from(forms.ACTIONS + ("spara", "", "foo")), form_names),
                            texts))
    pairs.append(("åtgärd", action))
    digest = draw(st.sampled_from(["real", "none", "wrong"]))
    if digest != "none":
        pairs.append(("sha", _digest(site, version, route, plan) if digest == "real" else "0" * 64))
    if draw(st.integers(0, 9)):  # now and then without its security key: refused, changes nothing
        pairs.append(("csrf", site.session.csrf))
    return version, plan, pairs


def _digest(site: Site, version, route: str, plan: str) -> str:
    from pipeline.web.edits import digest

    folder = site.folder(version)
    path = folder / "planer" / plan if route.startswith("plan") else folder / "overenskommelse.yaml"
    try:
        return digest(path.read_bytes())
    except (OSError, ValueError):
        return ""


def url(route: str, version: tuple[str, str], plan: str) -> str:
    base = f"/v/dalarna/{version[0]}/{version[1]}"
    plan_url = f"{base}/plan/{quote(plan, safe='')}"
    step_url = f"{base}/del/{quote(plan, safe='')}"
    return {"formulär": step_url, "kontroll": step_url + "/kontroll", "plan": plan_url,
            "plankontroll": plan_url + "/kontroll",
            "ny-plan": base + "/planer", "ta-bort": plan_url + "/ta-bort", "byt-namn": plan_url + "/byt-namn",
            "beslut": base + "/beslut", "ny-version": f"/k/dalarna/{version[0]}/ny-version"}[route]


# --- what must hold --------------------------------------------------------------------------------------

def check_answer(answer) -> None:
    body = answer.get_data(as_text=True)
    assert answer.status_code < 500, body[:2000]
    assert "Traceback" not in body and 'File "' not in body


def check_changes(site: Site, route: str, version: tuple, answer) -> None:
    """Nothing changed outside the draft's folder but a new version from "Ny version"; the decided
    version is as sealed; no lock is left behind."""
    now = snapshot(site.root)
    draft = f"agreements/dalarna/{DRAFT[0]}/{DRAFT[1]}/"
    changed = {k for k in set(now) | set(site.baseline) if now.get(k) != site.baseline.get(k)}
    outside = {k for k in changed if not k.startswith(draft)}
    if route == "ny-version" and outside:
        assert answer.status_code == 303, sorted(outside)
        kommun = f"agreements/dalarna/{version[0]}/"
        made = {k[len(kommun):].split("/")[0] for k in outside if k.startswith(kommun)}
        assert len(made) == 1 and all(k.startswith(kommun + next(iter(made))) for k in outside), sorted(outside)
        name = next(iter(made))
        assert f"{kommun}{name}" not in site.baseline
        check_version_name(name, site.data)  # a name every platform can hold
        outside = set()
    assert outside == set(), sorted(outside)
    assert not any(k.endswith(LOCK_FILE) for k in now), "a lock was left behind"
    assert seal.verify(site.folder(DECIDED), None)[1] == []


@pytest.mark.parametrize("route", ROUTES)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])  # restored after each example
@given(data=st.data())
def test_random_submissions_never_fail_the_server_nor_change_what_they_must_not(site, route, data):
    version, plan, pairs = data.draw(submissions(site, route), label="submission")
    client = site.client()  # a new one each time: no flashed messages piling up in its cookie
    try:
        answer = client.post(url(route, version, plan), data=MultiDict(pairs), headers={"Host": HOST, "Origin": ORIGIN})
        event(f"{'utkast' if version == DRAFT else 'beslutad'}: {answer.status_code}")  # --hypothesis-show-statistics
        check_answer(answer)
        check_changes(site, route, version, answer)
    finally:
        restore(site.root, site.baseline)


def test_the_fuzzing_reaches_saving_and_the_buttons(site):
    """The random submissions above do get past the checks: the page's own form with its own digest
    saves, and its own buttons are shown again (so a passing fuzz run is not all refusals)."""
    client = site.client()
    for step, page in site.steps.items():
        draft = f"/v/dalarna/{DRAFT[0]}/{DRAFT[1]}/del/{step}"
        pairs = [(k, v) for k, vs in form_of(page).items() for v in vs if k != "sha"]
        actions = sorted(set(re.findall(r'name="åtgärd" value="([^"]+)"', page)) - {"spara"})
        for action, status in (("spara", 303), *((a, 200) for a in actions)):
            sha = _digest(site, DRAFT, "formulär", "")
            data = MultiDict(pairs + [("åtgärd", action), ("sha", sha), ("csrf", site.session.csrf)])
            answer = client.post(draft, data=data, headers={"Host": HOST, "Origin": ORIGIN})
            assert answer.status_code == status, (step, action, answer.get_data(as_text=True)[:2000])
    restore(site.root, site.baseline)
    assert snapshot(site.root) == site.baseline

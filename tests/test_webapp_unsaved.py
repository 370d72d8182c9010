"""Nothing typed is lost (issue 21, item 5): what is typed and not saved is kept privately and
offered back after a reload or a restart; a removed item or bilaga can be brought back with
Ångra; a new item never takes the id of one removed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from conftest import new_draft, tree
from pipeline.data.load import load_yaml
from pipeline.web import unsaved
from pipeline.web.app import create_app
from pipeline.web.security import COOKIE
from test_webapp import HOST, ORIGIN, form_of, get, post, submit, web  # noqa: F401  (web: a fixture)

SYFTE = "/v/dalarna/falun/2027/del/syfte"
TYPED = "Ett mål som skrevs men aldrig sparades."


def live_check(client, session, url, values):
    data = MultiDict([(k, v) for k, vs in values.items() for v in vs] + [("csrf", session.csrf)])
    return client.post(url + "/kontroll", data=data, headers={"Host": HOST, "Origin": ORIGIN})


def test_typed_text_is_kept_and_offered_back_after_a_reload_and_a_restart(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = path.read_bytes()
    values = form_of(get(client, SYFTE).get_data(as_text=True))
    values["f.mål.0"] = [TYPED]
    assert live_check(client, session, SYFTE, values).status_code == 200  # as the page does while typing
    assert path.read_bytes() == before  # nothing in the data
    assert TYPED not in "".join(p.read_text(encoding="utf-8") for p in county.rglob("*.yaml"))

    restarted = create_app(county.parent, session).test_client()  # a new server over the same data
    restarted.set_cookie(COOKIE, session.token, domain="127.0.0.1")
    page = get(restarted, SYFTE).get_data(as_text=True)
    assert "Återställ osparade ändringar" in page and TYPED not in page  # offered, not forced
    shown = post(restarted, session, SYFTE, {"åtgärd": "återställ", "sha": values["sha"][0]}).get_data(as_text=True)
    assert TYPED in shown and 'data-osparat="ja"' in shown
    assert path.read_bytes() == before
    assert submit(restarted, session, SYFTE, form_of(shown), "spara").status_code == 303
    assert load_yaml(path).data["mål"][0] == TYPED
    assert "Återställ osparade ändringar" not in get(restarted, SYFTE).get_data(as_text=True)  # saved: forgotten


def test_unsaved_text_can_be_thrown_away_and_is_not_offered_when_it_equals_the_file(web):
    client, session, _ = web
    values = form_of(get(client, SYFTE).get_data(as_text=True))
    live_check(client, session, SYFTE, values)  # typed, then typed back: the same as the file
    assert "Återställ osparade ändringar" not in get(client, SYFTE).get_data(as_text=True)
    values["f.mål.0"] = [TYPED]
    live_check(client, session, SYFTE, values)
    assert "Återställ osparade ändringar" in get(client, SYFTE).get_data(as_text=True)
    assert post(client, session, SYFTE, {"åtgärd": "släng", "sha": values["sha"][0]}).status_code == 303
    assert "Återställ osparade ändringar" not in get(client, SYFTE).get_data(as_text=True)
    other = "/v/dalarna/falun/2027/del/giltighet"
    assert "Återställ osparade ändringar" not in get(client, other).get_data(as_text=True)  # kept per page


def test_a_removed_goal_comes_back_with_angra_until_the_page_is_saved(web):
    client, session, county = web
    path = county / "falun" / "2027" / "overenskommelse.yaml"
    before = path.read_bytes()
    values = form_of(get(client, SYFTE).get_data(as_text=True))
    goals = [values[f"f.mål.{i}"][0] for i in range(2)]
    page = submit(client, session, SYFTE, values, "ta-bort:f.mål.0").get_data(as_text=True)
    assert "Mål 1 är borttagen" in page and ">Ångra</button>" in page
    assert form_of(page)["f.mål.0"] == [goals[1]] and "f.mål.1" not in form_of(page)
    assert path.read_bytes() == before  # removed on the page, not in the file
    back = form_of(submit(client, session, SYFTE, form_of(page), "ångra").get_data(as_text=True))
    assert [back[f"f.mål.{i}"][0] for i in range(2)] == goals  # in its place again
    assert "borttagna" not in back  # nothing more to undo


def test_a_crafted_removal_to_undo_is_refused_and_changes_nothing(web):
    client, session, county = web
    before = tree(county.parent)
    values = form_of(get(client, SYFTE).get_data(as_text=True))
    for crafted in ("inte json", json.dumps([{"lista": "f.beslut", "plats": 0, "post": "x"}]),
                    json.dumps([{"lista": "f.mål", "plats": 0, "post": {"a": {"b": {"c": {"d": 1}}}}}]),
                    json.dumps([{"lista": "f.mål", "plats": "0", "post": "x"}]), "[" * 100_000,
                    json.dumps([{"lista": "f.mål", "plats": 0, "post": "x"}] * 21)):
        values["borttagna"] = [crafted]
        answer = submit(client, session, SYFTE, values, "ångra")
        assert answer.status_code in (400, 413) and "Traceback" not in answer.get_data(as_text=True)
    assert tree(county.parent) == before


def test_a_new_activity_never_takes_the_id_of_a_removed_one(web):
    """Orsa 2023's first plan has A1–A5, and its follow-ups mark A5; in the new version A5 is removed
    and saved, and the next new activity is A6 – never A5 again."""
    client, session, county = web
    new_draft(county)
    folder = county / "orsa" / "2027" / "planer"
    plan = sorted(p.name for p in folder.iterdir())[0]
    url = f"/v/dalarna/orsa/2027/plan/{plan}"
    values = form_of(get(client, url).get_data(as_text=True))
    assert [values[f"f.aktiviteter.{i}.id"] for i in range(5)] == [[""]] * 5  # ids by their places
    page = submit(client, session, url, values, "ta-bort:f.aktiviteter.1").get_data(as_text=True)
    assert "Aktivitet 2 (A2) är borttagen" in page
    kept = form_of(page)
    assert [kept[f"f.aktiviteter.{i}.id"] for i in range(4)] == [["A1"], ["A3"], ["A4"], ["A5"]]  # none moves up
    assert submit(client, session, url, form_of(page), "spara").status_code == 303
    assert [a["id"] for a in load_yaml(folder / plan).data["aktiviteter"]] == ["A1", "A3", "A4", "A5"]
    added = form_of(submit(client, session, url, form_of(get(client, url).get_data(as_text=True)),
                           "lägg-till:f.aktiviteter").get_data(as_text=True))
    assert added["f.aktiviteter.4.id"] == ["A6"]  # not A2, which the follow-ups of 2023 name


def test_a_removed_bilaga_comes_back_with_angra(web):
    client, session, county = web
    folder = new_draft(county)
    path = sorted((folder / "planer").iterdir())[1]
    before = path.read_bytes()
    answer = post(client, session, f"/v/dalarna/orsa/2027/plan/{path.name}/ta-bort", {"bekräfta": "ja"})
    assert answer.status_code == 303 and not path.exists()
    page = get(client, answer.headers["Location"]).get_data(as_text=True)
    assert "Vill du ha tillbaka bilagan du tog bort?" in page
    back = post(client, session, "/v/dalarna/orsa/2027/planer/angra", {"namn": path.name})
    assert back.status_code == 303 and path.read_bytes() == before
    again = post(client, session, "/v/dalarna/orsa/2027/planer/angra", {"namn": path.name})
    assert again.status_code == 404  # once
    assert post(client, session, "/v/dalarna/orsa/2027/planer/angra", {"namn": "../../x.yaml"}).status_code == 404


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=st.one_of(st.binary(max_size=2000), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30).map(lambda v: json.dumps({"sida": "/s", "tid": "2026-12-07T10:00:00", "fält": v}).encode())))
def test_a_kept_copy_is_read_as_untrusted_input(tmp_path, content):
    root = tmp_path / "data"
    assert unsaved.keep(root, "/s", [("f.mål.0", "x")])
    target = next(p for p in unsaved._folder(root, "osparat").iterdir())
    target.write_bytes(content)
    found = unsaved.kept(root, "/s")  # never an exception: a copy or none
    assert found is None or all(isinstance(k, str) and isinstance(v, str) for k, v in found.pairs)


def test_ids_written_for_activities_keep_a_plan_written_before_the_rule_as_it_was():
    """The ids the web app writes down for activities (so none is reused) do not make a plan written
    before the traceability rule into one that must link every activity: one warning, as before."""
    from pipeline.data.tracing import uses_links

    legacy = {"orsaksanalys": {"orsaker": ["Dålig belysning"]}, "mål": {"effektmål": ["Tryggare"]},
              "aktiviteter": [{"aktivitet": "Belysning"}, {"aktivitet": "Polisnärvaro"}],
              "uppföljning": [{"indikator": "Andel trygga"}]}
    assert not uses_links(legacy)
    with_ids = {**legacy, "aktiviteter": [{"id": "A1", "aktivitet": "Belysning"}, {"id": "A3", "aktivitet": "Ny"}],
                "uppföljning": [{"id": "I1", "indikator": "Andel trygga"}]}
    assert not uses_links(with_ids)
    assert uses_links({**legacy, "orsaksanalys": {"orsaker": [{"id": "O1", "orsak": "Dålig belysning"}]}})
    assert uses_links({**legacy, "aktiviteter": [{"aktivitet": "Belysning", "orsaker": "O1"}]})

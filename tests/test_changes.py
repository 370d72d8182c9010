"""The change summary from the data: every change once, old value beside new, in the memo's order,
named so a committee can read it.

The versions are built in memory, so each case shows exactly one kind of change; test_compare
checks the summary of the real Orsa versions end to end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.data.changes import (
    ADDED,
    CHANGED,
    GROUPS,
    PLANS_GROUP,
    REMOVED,
    Change,
    as_dicts,
    item_text,
    summarize,
)
from pipeline.data.load import Loaded
from pipeline.data.version import Plan, Version


def version(data: dict, plans: list[tuple[str, int, dict]] = ()) -> Version:
    """Return a version of ``data`` with plans given as (file name, bilaga number, data)."""
    return Version(folder=Path("orsa") / str(data.get("version", "x")), agreement=Loaded(data=data),
                   plans=[Plan(Loaded(data=plan, file=Path("planer") / name), number, name)
                          for name, number, plan in plans])


def summary(old: dict, new: dict, old_plans=(), new_plans=()) -> list[tuple]:
    """Return the changes from ``old`` to ``new`` as (group, kind, what, old, new)."""
    return [(c.group, c.kind, c.what, c.old, c.new)
            for c in summarize(version(old, old_plans), version(new, new_plans))]


# --- values, labels and the JSON form ---------------------------------------------------------------

def test_a_changed_value_keeps_the_old_beside_the_new_with_its_label():
    old = {"giltighetstid": {"från": dt.date(2023, 3, 1), "till": dt.date(2027, 2, 28)}}
    new = {"giltighetstid": {"från": dt.date(2027, 3, 1), "till": "tills vidare"}}
    changes = summarize(version(old), version(new))
    assert [(c.group, c.kind, c.what, c.old, c.new) for c in changes] == [
        ("Giltighetstid och uppsägning", CHANGED, "giltighetstid från", "1 mars 2023", "1 mars 2027"),
        ("Giltighetstid och uppsägning", CHANGED, "giltighetstid till", "28 februari 2027", "tills vidare")]
    assert (changes[0].path, changes[0].old_value, changes[0].new_value) == (
        ("giltighetstid", "från"), dt.date(2023, 3, 1), dt.date(2027, 3, 1))
    assert changes[0].plan is None


def test_the_json_form_has_the_old_value_under_tidigare_and_the_new_under_nytt():
    changes = summarize(version({"syfte": "Förr."}), version({"syfte": "Nu."}))
    assert as_dicts(changes) == [{"område": "Syfte", "typ": "ändrad", "vad": "syfte", "tidigare": "Förr.",
                                  "nytt": "Nu."}]
    added = summarize(version({}), version({"bakgrund": "Ny."}))
    removed = summarize(version({"bakgrund": "Gammal."}), version({}))
    assert as_dicts(added + removed) == [
        {"område": "Bakgrund", "typ": "tillagd", "vad": "bakgrund", "tidigare": None, "nytt": "Ny."},
        {"område": "Bakgrund", "typ": "borttagen", "vad": "bakgrund", "tidigare": "Gammal.", "nytt": None}]
    assert (added[0].old_value, added[0].new_value, removed[0].old_value, removed[0].new_value) == (
        None, "Ny.", "Gammal.", None)
    assert (added[0].path, removed[0].path) == (("bakgrund",), ("bakgrund",))


def test_labels_use_the_words_of_the_documents_and_name_the_item():
    old = {"parter": {"övriga": [{"namn": "Orsa Besparingsskog", "roll": "markägare"}]},
           "organisation": {"samverkansgrupp": {"brå": {"mötesfrekvens": "Två gånger per år."}},
                            "ny_rubrik": "a"},
           "beslut": {"organ": "KS", "datum": dt.date(2023, 2, 13)}}
    new = {"parter": {"övriga": [{"namn": "Orsa Besparingsskog", "roll": "skogsägare"}]},
           "organisation": {"samverkansgrupp": {"brå": {"mötesfrekvens": "Fyra gånger per år."}},
                            "ny_rubrik": "b"},
           "beslut": {"organ": "KS", "datum": dt.date(2027, 2, 15)}}
    assert summary(old, new) == [
        ("Parter", CHANGED, "parter övriga parter ”Orsa Besparingsskog” roll", "markägare", "skogsägare"),
        ("Organisation", CHANGED, "organisation samverkansgrupp BRÅ mötesfrekvens", "Två gånger per år.",
         "Fyra gånger per år."),
        ("Organisation", CHANGED, "organisation ny rubrik", "a", "b"),
        ("Beslut", CHANGED, "beslut datum", "13 februari 2023", "15 februari 2027")]


def test_values_are_printed_as_people_read_them():
    old = {"uppsägning": {"tid": "Sex   månader\n", "villkor": None, "lista": [], "karta": {}}}
    new = {"uppsägning": {"tid": "Tre månader.", "datum": [dt.date(2027, 1, 2), "och sedan."]}}
    group = "Giltighetstid och uppsägning"
    assert summary(old, new) == [
        (group, CHANGED, "uppsägning tid", "Sex månader", "Tre månader."),
        (group, REMOVED, "uppsägning lista", "", None),
        (group, REMOVED, "uppsägning karta", "", None),
        (group, ADDED, "uppsägning datum", None, "2 januari 2027; och sedan.")]


def test_a_mapping_is_printed_without_its_empty_fields_and_a_list_without_a_stop_before_a_semicolon():
    old = {"medborgarlöften": [{"titel": "Trygg i centrum", "text": "Vi lovar.", "tom": None, "inga": []}]}
    changes = summarize(version(old), version({}))
    assert [(c.kind, c.what, c.old) for c in changes] == [
        (REMOVED, "medborgarlöfte", "titel: Trygg i centrum; text: Vi lovar.")]
    listed = summarize(version({"mål": ["Ett.", "Två.", "Tre."]}), version({}))
    assert [c.old for c in listed] == ["Ett; Två; Tre."]
    assert listed[0].old_value == ["Ett.", "Två.", "Tre."]


# --- lists: matched by name, reworded, reordered -------------------------------------------------------

def test_a_renamed_focus_area_is_one_change_of_its_name():
    old = {"fokusområden": [{"namn": "Hot och våld mot förtroendevalda", "beskrivning": "Samma."},
                            {"namn": "Ungdomar", "beskrivning": "Oförändrad."}]}
    new = {"fokusområden": [{"namn": "Ungdomar", "beskrivning": "Oförändrad."},
                            {"namn": "Hot och våld mot förtroendevalda och tjänstepersoner",
                             "beskrivning": "Samma."}]}
    changes = summarize(version(old), version(new))
    assert [(c.group, c.kind, c.what, c.old, c.new) for c in changes] == [
        ("Fokusområden", CHANGED, "fokusområde ”Hot och våld mot förtroendevalda” namn",
         "Hot och våld mot förtroendevalda", "Hot och våld mot förtroendevalda och tjänstepersoner")]
    assert changes[0].path == ("fokusområden", ("namn", "Hot och våld mot förtroendevalda"), "namn")


def test_a_renamed_citizen_promise_with_new_text_is_changed_not_removed_and_added():
    old = {"medborgarlöften": [{"titel": "Trygg i centrum på kvällen", "text": "Vi patrullerar."}]}
    new = {"medborgarlöften": [{"titel": "Trygg i centrum på kvällarna", "text": "Vi patrullerar oftare."}]}
    assert summary(old, new) == [
        ("Medborgarlöften", CHANGED, "medborgarlöfte ”Trygg i centrum på kvällen” titel",
         "Trygg i centrum på kvällen", "Trygg i centrum på kvällarna"),
        ("Medborgarlöften", CHANGED, "medborgarlöfte ”Trygg i centrum på kvällen” text", "Vi patrullerar.",
         "Vi patrullerar oftare.")]


def test_items_matched_by_name_are_added_and_removed_when_nothing_is_close():
    old = {"fokusområden": [{"namn": "Narkotika", "beskrivning": "A."}, {"namn": "Ungdomar", "beskrivning": "B."}]}
    new = {"fokusområden": [{"namn": "Ungdomar", "beskrivning": "B."}, {"namn": "Cykelstölder", "beskrivning": "C."}]}
    changes = summarize(version(old), version(new))
    assert [(c.kind, c.what, c.old, c.new) for c in changes] == [
        (REMOVED, "fokusområde ”Narkotika”", "namn: Narkotika; beskrivning: A.", None),
        (ADDED, "fokusområde ”Cykelstölder”", None, "namn: Cykelstölder; beskrivning: C.")]
    assert [(c.path, c.old_value, c.new_value) for c in changes] == [
        (("fokusområden", ("namn", "Narkotika")), old["fokusområden"][0], None),
        (("fokusområden", ("namn", "Cykelstölder")), None, new["fokusområden"][1])]


def test_a_reworded_item_of_a_text_list_is_one_change():
    old = {"mål": ["Öka tryggheten i Orsa centrum.", "Minska skadegörelsen."]}
    new = {"mål": ["Öka tryggheten i hela Orsa centrum.", "Minska skadegörelsen."]}
    changes = summarize(version(old), version(new))
    assert [(c.kind, c.what, c.old, c.new) for c in changes] == [
        (CHANGED, "mål", "Öka tryggheten i Orsa centrum.", "Öka tryggheten i hela Orsa centrum.")]
    assert (changes[0].path, changes[0].old_value, changes[0].new_value) == (
        ("mål",), "Öka tryggheten i Orsa centrum.", "Öka tryggheten i hela Orsa centrum.")


def test_two_reworded_items_are_each_one_change_and_an_unrelated_one_is_removed_and_added():
    old = {"mål": ["Öka tryggheten i Orsa centrum.", "Minska skadegörelsen i skolorna.", "Färre inbrott."]}
    new = {"mål": ["Öka tryggheten i hela Orsa centrum.", "Minska skadegörelsen i alla skolor.",
                   "Starkare samverkan med föreningslivet."]}
    assert [(c.kind, c.old, c.new) for c in summarize(version(old), version(new))] == [
        (CHANGED, "Öka tryggheten i Orsa centrum.", "Öka tryggheten i hela Orsa centrum."),
        (CHANGED, "Minska skadegörelsen i skolorna.", "Minska skadegörelsen i alla skolor."),
        (REMOVED, "Färre inbrott.", None),
        (ADDED, None, "Starkare samverkan med föreningslivet.")]


def test_reordered_items_are_one_change_of_the_order():
    old = {"mål": ["Ett.", "Två.", "Tre."]}
    new = {"mål": ["Tre.", "Ett.", "Två."]}
    changes = summarize(version(old), version(new))
    assert [(c.kind, c.what, c.old, c.new, c.path) for c in changes] == [
        (CHANGED, "mål (ordning)", "Ett; Två; Tre.", "Tre; Ett; Två.", ("mål", "ordning"))]
    assert (changes[0].old_value, changes[0].new_value) == (["Ett.", "Två.", "Tre."], ["Tre.", "Ett.", "Två."])


def test_an_item_of_a_text_list_that_got_an_id_is_matched_by_what_it_says_and_kept_whole():
    old_plans = [("01-a.yaml", 1, {"titel": "Centrum", "orsaksanalys": {"orsaker": ["Mörkt", "Hög alkoholpåverkan"]}})]
    new_plans = [("01-a.yaml", 1, {"titel": "Centrum", "orsaksanalys": {"orsaker": [
        {"id": "O1", "orsak": "Mörkt"}, {"id": "O2", "orsak": "Hög alkoholpåverkan"}]}})]
    changes = summarize(version({}, old_plans), version({}, new_plans))
    assert [(c.kind, c.old_value, c.new_value) for c in changes] == [
        (CHANGED, "Mörkt", {"id": "O1", "orsak": "Mörkt"}),  # too short to be close as printed texts
        (CHANGED, "Hög alkoholpåverkan", {"id": "O2", "orsak": "Hög alkoholpåverkan"})]
    assert changes[1].new == "id: O2; orsak: Hög alkoholpåverkan"  # the full detail, for diff --format json


def test_what_an_item_says_is_its_text_field_or_itself():
    assert item_text(" Hög   alkoholpåverkan ") == "Hög alkoholpåverkan"
    assert item_text({"id": "M2", "mål": "Ordningsvakter vid resecentrum."}) == "Ordningsvakter vid resecentrum."
    assert item_text({"id": "A1", "aktivitet": "Synlig polisnärvaro.", "mål": ["M1"]}) == "Synlig polisnärvaro."
    assert item_text({"kanal": "Webb"}) is None and item_text(3) is None


def test_a_list_of_mappings_without_an_identity_is_compared_as_texts():
    old = {"kommunikation": [{"kanal": "Webb", "när": "Löpande"}]}
    new = {"kommunikation": [{"kanal": "Webb", "när": "Varje månad"}]}
    assert summary(old, new) == [("Kommunikation", CHANGED, "kommunikation", "kanal: Webb; när: Löpande",
                                  "kanal: Webb; när: Varje månad")]


def test_a_list_matched_by_name_holding_other_than_mappings_is_compared_as_texts():
    assert summary({"fokusområden": ["Narkotika"]}, {"fokusområden": ["Narkotikan"]}) == [
        ("Fokusområden", CHANGED, "fokusområde", "Narkotika", "Narkotikan")]


# --- what is reported, and in which order --------------------------------------------------------------

def test_groups_come_in_the_memos_order_whatever_the_order_of_the_fields():
    old = {"beslut": {"organ": "KS"}, "okänt_fält": "a", "mål": ["A."], "parter": {"kommun": {"namn": "Orsa"}},
           "uppföljning": "Årligen."}
    new = {"beslut": {"organ": "KF"}, "okänt_fält": "b", "mål": ["B."], "parter": {"kommun": {"namn": "Orsa kommun"}},
           "uppföljning": "Varje halvår."}
    plans_old = [("01-a.yaml", 1, {"titel": "A", "mål": "Förr."})]
    plans_new = [("01-a.yaml", 1, {"titel": "A", "mål": "Nu."})]
    assert [(c[0], c[2]) for c in summary(old, new, plans_old, plans_new)] == [
        ("Parter", "parter kommun namn"), ("Mål", "mål"), ("Mål", "mål"), ("Uppföljning", "uppföljning"),
        ("Beslut", "beslut organ"),
        ("Övrigt", "okänt fält"), (PLANS_GROUP, "plan ”A”: mål")]


def test_the_groups_are_the_memos_headings():
    assert list(dict.fromkeys(GROUPS.values())) == [
        "Parter", "Giltighetstid och uppsägning", "Mål", "Syfte", "Bakgrund", "Fokusområden", "Organisation",
        "Lägesbild", "Dokumentation av problembild", "Medborgarlöften", "Uppföljning", "Kommunikation",
        "Underskrifter", "Ärende", "Beslut"]
    assert (GROUPS["diarienummer"], GROUPS["handläggare"], GROUPS["beredning"]) == ("Ärende", "Ärende", "Beslut")


def test_bookkeeping_fields_are_not_changes_to_decide_on():
    old = {"exempel": True, "version": "2023", "föregående_version": "2019", "status": "beslutad",
           "datum": dt.date(2023, 1, 31)}
    new = {"exempel": False, "version": "2027", "föregående_version": "2023", "status": "utkast",
           "datum": dt.date(2026, 1, 20)}
    assert summary(old, new) == []


def test_a_new_draft_without_a_decision_does_not_report_the_old_decision():
    old = {"beslut": {"organ": "KS", "datum": dt.date(2023, 2, 13)}, "beredning": [{"organ": "SU"}]}
    assert summary(old, {}) == []
    decided = {"beslut": {"organ": "KS", "datum": dt.date(2027, 2, 15)}, "beredning": [{"organ": "SU"}]}
    assert summary(old, decided) == [("Beslut", CHANGED, "beslut datum", "13 februari 2023", "15 februari 2027")]
    assert summary({}, decided) == [
        ("Beslut", ADDED, "beslut", None, "organ: KS; datum: 15 februari 2027"),
        ("Beslut", ADDED, "beredning", None, "organ: SU")]


# --- plans ---------------------------------------------------------------------------------------------

def test_plans_added_removed_renumbered_and_changed_are_named_by_title_and_bilaga():
    old_plans = [("01-a.yaml", 1, {"titel": "Centrum", "exempel": True, "mål": "Förr."}),
                 ("02-b.yaml", 2, {"titel": "Skolor"})]
    new_plans = [("01-c.yaml", 1, {"titel": "Sommar"}),
                 ("02-a.yaml", 2, {"titel": "Centrum", "exempel": False, "mål": "Nu."})]
    changes = summarize(version({}, old_plans), version({}, new_plans))
    assert [(c.group, c.kind, c.what, c.old, c.new, c.plan) for c in changes] == [
        (PLANS_GROUP, ADDED, "plan ”Sommar”", None, "bilaga 1", (1, "Sommar")),
        (PLANS_GROUP, CHANGED, "plan ”Centrum”: bilaga nummer", "1", "2", (2, "Centrum")),
        (PLANS_GROUP, CHANGED, "plan ”Centrum”: mål", "Förr.", "Nu.", (2, "Centrum")),
        (PLANS_GROUP, REMOVED, "plan ”Skolor”", "bilaga 2", None, (2, "Skolor"))]
    assert [(c.path, c.old_value, c.new_value) for c in changes] == [
        (("planer",), None, new_plans[0][2]), (("bilaga",), 1, 2), (("mål",), "Förr.", "Nu."),
        (("planer",), old_plans[1][2], None)]


def test_a_plan_without_changes_gives_none():
    plans = [("01-a.yaml", 1, {"titel": "Centrum", "mål": "Samma."})]
    assert summary({}, {}, plans, plans) == []


def test_a_change_is_a_value():
    change = Change("Mål", CHANGED, "mål", "a", "b")
    assert (change.path, change.old_value, change.new_value, change.plan) == ((), None, None, None)
    with pytest.raises(AttributeError):
        change.kind = REMOVED  # frozen: a summary cannot be changed after the fact


def test_added_and_removed_items_of_a_text_list_keep_their_path_and_values():
    changes = summarize(version({"mål": ["Färre inbrott.", "Samma."]}),
                        version({"mål": ["Samma.", "Starkare samverkan med föreningslivet."]}))
    assert [(c.kind, c.path, c.old, c.new, c.old_value, c.new_value) for c in changes] == [
        (REMOVED, ("mål",), "Färre inbrott.", None, "Färre inbrott.", None),
        (ADDED, ("mål",), None, "Starkare samverkan med föreningslivet.", None,
         "Starkare samverkan med föreningslivet.")]


def test_a_field_that_changed_between_text_and_a_mapping_or_list_is_one_change():
    assert summary({"syfte": {"text": "A."}}, {"syfte": "A."}) == [("Syfte", CHANGED, "syfte", "text: A.", "A.")]
    assert summary({"syfte": "A."}, {"syfte": {"text": "A."}}) == [("Syfte", CHANGED, "syfte", "A.", "text: A.")]
    assert summary({"mål": ["A.", "B."]}, {"mål": "A. B."}) == [("Mål", CHANGED, "mål", "A; B.", "A. B.")]
    assert summary({"mål": "A. B."}, {"mål": ["A.", "B."]}) == [("Mål", CHANGED, "mål", "A. B.", "A; B.")]


def test_a_renamed_item_after_a_changed_one_keeps_both_changes():
    old = {"fokusområden": [{"namn": "Ungdomar", "beskrivning": "Förr."},
                            {"namn": "Hot mot förtroendevalda", "beskrivning": "Samma."}]}
    new = {"fokusområden": [{"namn": "Ungdomar", "beskrivning": "Nu."},
                            {"namn": "Hot mot förtroendevalda och tjänstepersoner", "beskrivning": "Samma."}]}
    assert [(c.kind, c.what) for c in summarize(version(old), version(new))] == [
        (CHANGED, "fokusområde ”Ungdomar” beskrivning"), (CHANGED, "fokusområde ”Hot mot förtroendevalda” namn")]


def test_a_list_item_ending_in_a_capital_x_keeps_its_letter():
    assert [c.old for c in summarize(version({"mål": ["Etapp X", "Etapp XX."]}), version({}))] == [
        "Etapp X; Etapp XX."]


def test_every_removed_plan_is_listed():
    old_plans = [("01-a.yaml", 1, {"titel": "Centrum"}), ("02-b.yaml", 2, {"titel": "Skolor"}),
                 ("03-c.yaml", 3, {"titel": "Sommar"})]
    assert [(c.kind, c.what) for c in summarize(version({}, old_plans), version({}, old_plans[:1]))] == [
        (REMOVED, "plan ”Skolor”"), (REMOVED, "plan ”Sommar”")]


def test_a_plans_example_mark_is_skipped_and_the_fields_after_it_are_compared():
    old_plans = [("01-a.yaml", 1, {"exempel": True, "titel": "Centrum", "mål": "Förr."})]
    new_plans = [("01-a.yaml", 1, {"exempel": False, "titel": "Centrum", "mål": "Nu."})]
    assert [c.what for c in summarize(version({}, old_plans), version({}, new_plans))] == ["plan ”Centrum”: mål"]


def test_a_field_added_to_or_removed_from_a_plan_is_listed():
    old_plans = [("01-a.yaml", 1, {"titel": "Centrum", "bakgrund": "Gammal."})]
    new_plans = [("01-a.yaml", 1, {"titel": "Centrum", "resurser": "Nya."})]
    assert [(c.kind, c.what, c.old, c.new) for c in summarize(version({}, old_plans), version({}, new_plans))] == [
        (REMOVED, "plan ”Centrum”: bakgrund", "Gammal.", None), (ADDED, "plan ”Centrum”: resurser", None, "Nya.")]


def test_fields_after_a_bookkeeping_field_are_still_compared():
    old = {"version": "2023", "status": "beslutad", "syfte": "Förr.", "exempel": True, "bakgrund": "A."}
    new = {"version": "2027", "status": "utkast", "syfte": "Nu.", "exempel": False, "bakgrund": "B."}
    assert [c[2] for c in summary(old, new)] == ["syfte", "bakgrund"]


def test_reworded_items_of_a_long_list_are_found_without_comparing_all_against_all():
    """Thousands of activities: each old text is compared only with the new texts that share its
    rarer words, yet every reworded one is still found, each new text taken once, and a text
    like none of them is found nowhere."""
    from pipeline.data.changes import _ALL_PAIRS, closest

    olds = [f"Åtgärd nummer {n} för tryggheten i centrum." for n in range(400)] + ["Helt annan sak"]
    news = [f"Åtgärd nummer {n} för tryggheten i centrum, med fler vuxna i rörelse." for n in range(400)]
    assert len(olds) * len(news) > _ALL_PAIRS  # the long way
    matches = closest(olds, news)
    assert matches[:400] == list(range(400)) and matches[400] is None
    assert closest(["Åtgärd nummer 5 för tryggheten i centrum."] * 2, news[5:6] * 300)[1] is not None
    assert closest(["Åtgärd nummer 5 för tryggheten i centrum."] * 2, news[5:6])[1] is None  # taken once


def test_a_short_list_is_compared_all_against_all():
    from pipeline.data.changes import closest

    olds = ["Hög alkoholpåverkan", "Mörka gångstråk"]
    assert closest(olds, ["Mörka gång- och cykelstråk", "Hög alkoholpåverkan bland unga"]) == [1, 0]


def test_in_a_long_list_the_closest_wins_nothing_below_the_cutoff_counts_and_each_is_taken_once():
    from pipeline.data.changes import closest

    filler = [f"Rad {n} om något helt annat i kommunen" for n in range(300)]
    news = filler + ["Trygghetsvandring i Orsa centrum varje vecka", "Trygghetsvandring i Orsa",
                     "Möte i Orsa folkets hus med alla föreningar"]
    olds = ["Trygghetsvandring i Orsa centrum varje månad", "Trygghetsvandring i Orsa centrum varje månad",
            "Trygghetsvandring", "Orsa"] + [f"Något annat {n}" for n in range(10)]
    assert len(olds) * len(news) > 2_500  # the long way
    matches = closest(olds, news)
    assert matches[0] == 300  # the closer of the two
    assert matches[1] == 301  # the closer one is taken: the next best, above the cutoff (0,71)
    assert matches[2] is None  # both it resembles are taken
    assert matches[3] is None  # shares a rare word with 302, but is far below the cutoff (0,17)

"""Cross-field rules: a draft's plans lie within its giltighetstid, follow-ups within their plan."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import ORSA_2023, edit, new_draft
from pipeline.cli import main
from pipeline.data import rules
from pipeline.data.load import Loaded
from pipeline.data.validate import validate_paths
from pipeline.data.version import Plan, Version, load_version


@pytest.fixture
def draft(county):
    folder = new_draft(county)
    edit(folder / "overenskommelse.yaml", "från: 2023-03-01", "från: 2027-03-01")
    return folder


def test_a_draft_whose_plans_all_ended_before_its_start_names_each_plan(draft, capsys):
    assert main(["validate", str(draft)]) == 1
    err = capsys.readouterr().err
    for number, name in ((1, "01-ordningsstorningar-centrum"), (2, "02-ungdomar-skolor"),
                         (3, "03-hot-mot-fortroendevalda"), (4, "04-alkohol-sommarsasong")):
        assert f"{name}.yaml:" in err
        assert f"bilaga {number} (" in err
    assert err.count("fältet 'period.till'") == 4 and "bilagan är inaktuell" in err
    assert "--flytta-datum" in err


def test_a_plan_starting_before_the_agreement_is_an_error(draft):
    plan = draft / "planer" / "01-ordningsstorningar-centrum.yaml"
    edit(plan, "till: 2024-02-29", "till: 2028-02-29")
    problems = [p for p in validate_paths([draft]).problems if p.file == plan]
    assert [p.field for p in problems if p.message.startswith("bilaga 1 (")] == ["period.från"]


def test_a_follow_up_outside_its_plan_is_an_error(county):
    folder = new_draft(county)
    plan = folder / "planer" / "04-alkohol-sommarsasong.yaml"
    edit(plan, "när: 2023-09-15  # exempel", "när: 2023-10-15  # exempel")
    problems = validate_paths([folder]).problems
    assert any(p.field == "uppföljning[1].när" and "utanför planens period" in p.message for p in problems)


def test_a_decided_version_is_not_judged_by_the_draft_rules(sealed_county):
    assert validate_paths([sealed_county / "orsa" / "2019"]).ok


def test_moving_the_dates_makes_the_draft_valid(county, capsys):
    assert main(["ny", str(county / "orsa"), "2027", "--flytta-datum", "2027-03-01", "--behall-diarienummer"]) == 0
    out = capsys.readouterr().out
    assert "Flyttade 24 datum fyra år framåt:" in out
    assert "01-ordningsstorningar-centrum.yaml: period.till 2024-02-29 → 2028-02-29" in out
    assert main(["validate", str(county / "orsa" / "2027")]) == 0
    text = (county / "orsa" / "2027" / "planer" / "01-ordningsstorningar-centrum.yaml").read_text(encoding="utf-8")
    assert "från: 2027-03-01  # exempel" in text  # the secretary's comments stay


def test_without_moving_ny_lists_the_dates_to_update(county, capsys):
    assert main(["ny", str(county / "orsa"), "2027", "--behall-diarienummer"]) == 0
    out = capsys.readouterr().out
    assert "De 24 datumen är desamma som i den förra versionen" in out and "--flytta-datum" in out
    assert "overenskommelse.yaml: giltighetstid.från 2023-03-01" in out


# --- every rule at its edge -----------------------------------------------------------------------
# Each rule is run on Orsa 2023 held in memory with one change; the test names what the rule
# promises and asserts the exact problems (field and message), so that a boundary moved by one
# day or one character, or a message that lost its field, is noticed.

START = dt.date(2023, 3, 1)  # Orsa 2023's giltighetstid.från
DAY = dt.timedelta(days=1)


# Read once when the tests are collected: the mutation tests run these tests once per mutant.
ORSA_2023_VERSION = load_version(ORSA_2023)


@pytest.fixture
def orsa_2023() -> Version:
    return ORSA_2023_VERSION


def variant(base: Version, change=None, plan_change=None, *, draft: bool = False, folder: Path | None = None,
            county="same", plan_names: dict | None = None) -> Version:
    """Return ``base`` with its data changed by ``change(data)`` and each plan's by
    ``plan_change(number, data)``; ``draft``: status utkast without decision."""
    data = copy.deepcopy(base.data)
    if draft:
        data["status"] = "utkast"
        data.pop("beslut")
    if change:
        change(data)
    plans = []
    for plan in base.plans:
        plan_data = copy.deepcopy(plan.data)
        if plan_change:
            plan_change(plan.number, plan_data)
        file = plan.loaded.file
        if plan_names and plan.number in plan_names:
            file = file.with_name(plan_names[plan.number])
        plans.append(Plan(dataclasses.replace(plan.loaded, data=plan_data, file=file), plan.number, plan.slug))
    return Version(folder=folder or base.folder, agreement=dataclasses.replace(base.agreement, data=data),
                   plans=plans, county=base.county if county == "same" else county)


def found(version: Version, **kwargs) -> list[tuple]:
    """Return the version's problems as (field, message) pairs."""
    return [(p.field, p.message) for p in rules.check_version(version, version.plans, **kwargs)]


def setting(*path, value):
    def change(data):
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value
    return change


def test_orsa_2023_as_decided_and_as_a_draft_has_no_problem(orsa_2023):
    assert found(orsa_2023) == []
    assert found(variant(orsa_2023, draft=True)) == []


def test_a_giltighetstid_ending_on_its_first_day_is_refused_and_one_day_later_accepted(orsa_2023):
    same_day = variant(orsa_2023, setting("giltighetstid", "till", value=START))
    assert found(same_day) == [("giltighetstid.till",
                                "slutdatumet 2023-03-01 ligger inte efter startdatumet 2023-03-01")]
    assert found(variant(orsa_2023, setting("giltighetstid", "till", value=START + DAY))) == []
    before = variant(orsa_2023, setting("giltighetstid", "till", value=START - DAY))
    assert found(before) == [("giltighetstid.till",
                              "slutdatumet 2023-02-28 ligger inte efter startdatumet 2023-03-01")]


def test_a_giltighetstid_ending_in_words_other_than_tills_vidare_is_refused(orsa_2023):
    version = variant(orsa_2023, setting("giltighetstid", "till", value="tills  vidare"))
    problems = rules.check_version(version, version.plans)
    assert [(p.field, p.message) for p in problems] == [
        ("giltighetstid.till", "'tills  vidare' är varken ett datum eller 'tills vidare'")]
    assert problems[0].hint == "Skriv ett slutdatum som ÅÅÅÅ-MM-DD eller texten 'tills vidare'."


def test_a_decision_on_the_drafts_own_date_is_accepted_and_one_day_before_refused(orsa_2023):
    drafted = orsa_2023.data["datum"]
    assert found(variant(orsa_2023, setting("beslut", "datum", value=drafted))) == []
    early = variant(orsa_2023, setting("beslut", "datum", value=drafted - DAY))
    problems = rules.check_version(early, early.plans)
    # the preparation (on the draft's date) now also lies after the decision
    assert [(p.field, p.message) for p in problems] == [
        ("beslut.datum", "beslutet 2023-01-30 ligger före versionens datum 2023-01-31"),
        ("beredning[1].datum", "beredningen 2023-01-31 ligger efter beslutet 2023-01-30")]
    assert problems[0].hint == "Ett beslut kan inte fattas innan förslaget finns."


def test_a_preparation_on_the_day_of_the_decision_is_accepted_and_one_day_after_refused(orsa_2023):
    decided = orsa_2023.data["beslut"]["datum"]
    same_day = variant(orsa_2023, lambda d: d["beredning"][0].update(datum=decided))
    assert found(same_day) == []
    late = variant(orsa_2023, lambda d: d["beredning"].append({"organ": "KS", "datum": decided + DAY}))
    assert found(late) == [("beredning[2].datum", "beredningen 2023-02-14 ligger efter beslutet 2023-02-13")]


def test_a_decided_version_needs_its_decision_and_a_draft_has_none(orsa_2023):
    no_decision = variant(orsa_2023, lambda d: d.pop("beslut"))
    problems = rules.check_version(no_decision, no_decision.plans)
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("status", "en beslutad version måste ha ett beslut",
         "Fyll i 'beslut' med organ, datum, paragraf och diarienummer.")]
    with_decision = variant(orsa_2023, setting("status", value="utkast"))
    problems = rules.check_version(with_decision, with_decision.plans)
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("beslut", "ett utkast kan inte ha ett beslut", "Sätt status: beslutad, eller ta bort beslutet.")]


def period(number, first=None, last=None):
    """Return a plan change giving plan ``number`` the period ``first``–``last`` (None: kept)."""
    def change(n, data):
        if n == number:
            if first is not None:
                data["period"]["från"] = first
            if last is not None:
                data["period"]["till"] = last
    return change


def test_a_drafts_plan_ending_on_the_agreements_first_day_is_current_and_one_day_before_is_not(orsa_2023):
    # plan 4 runs 2023-05-01 – 2023-09-30; its follow-ups move along so that only the period speaks
    def on(last):
        def change(n, data):
            if n == 4:
                data["period"] = {"från": last - 10 * DAY, "till": last}
                for row in data["uppföljning"]:
                    row["när"] = last
                for row in data["aktiviteter"]:
                    if isinstance(row.get("när"), dt.date):
                        row["när"] = last
        return change
    agreement = setting("giltighetstid", "från", value=dt.date(2023, 9, 30))
    shifted = lambda d: (agreement(d), d["giltighetstid"].update(till="tills vidare"))  # noqa: E731
    draft = variant(orsa_2023, shifted, on(dt.date(2023, 9, 30)), draft=True)
    assert [f for f in found(draft) if f[1].startswith("bilaga 4")] == [  # current, but starts too early
        ("period.från", "bilaga 4 (Alkohol och langning under sommarsäsongen) börjar 20 september 2023, "
                        "före överenskommelsens start 30 september 2023")]
    draft = variant(orsa_2023, shifted, on(dt.date(2023, 9, 29)), draft=True)
    problems = [p for p in rules.check_version(draft, draft.plans) if p.message.startswith("bilaga 4")]
    assert [p.hint for p in problems] == [
        "Uppdatera planen för den nya perioden (samverkan ny --flytta-datum flyttar alla datum), eller ta bort den."]
    assert [f for f in found(draft) if f[1].startswith("bilaga 4")] == [
        ("period.till", "bilaga 4 (Alkohol och langning under sommarsäsongen) slutade 29 september 2023, "
                        "före överenskommelsens start 30 september 2023: bilagan är inaktuell")]


def test_a_drafts_plan_starting_on_the_agreements_first_day_is_accepted_and_one_day_before_refused(orsa_2023):
    assert found(variant(orsa_2023, None, period(4, first=START), draft=True)) == []
    early = variant(orsa_2023, None, period(4, first=START - DAY), draft=True)
    problems = rules.check_version(early, early.plans)
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("period.från", "bilaga 4 (Alkohol och langning under sommarsäsongen) börjar 28 februari 2023, före "
                        "överenskommelsens start 1 mars 2023",
         "En plans period ligger inom överenskommelsens giltighetstid.")]
    assert problems[0].file.name == "04-alkohol-sommarsasong.yaml"


def test_a_drafts_plan_ending_on_the_agreements_last_day_is_accepted_and_one_day_after_refused(orsa_2023):
    end = dt.date(2023, 9, 30)  # plan 4's last day
    agreement_ends = setting("giltighetstid", "till", value=end)
    only_plan_4 = lambda version: [f for f in found(version) if f[1].startswith("bilaga 4")]  # noqa: E731
    assert only_plan_4(variant(orsa_2023, agreement_ends, draft=True)) == []
    late = variant(orsa_2023, setting("giltighetstid", "till", value=end - DAY), draft=True)
    assert {p.hint for p in rules.check_version(late, late.plans) if p.message.startswith("bilaga 4")} == {
        "En plans period ligger inom överenskommelsens giltighetstid."}
    assert only_plan_4(late) == [
        ("period.till", "bilaga 4 (Alkohol och langning under sommarsäsongen) slutar 30 september 2023, "
                        "efter att överenskommelsen slutar gälla 29 september 2023")]


def test_a_plan_period_ending_on_its_first_day_is_refused_and_one_day_later_accepted(orsa_2023):
    first = dt.date(2023, 5, 1)  # plan 4's first day
    assert found(variant(orsa_2023, None, period(4, last=first))) == [
        ("period.till", "slutdatumet 2023-05-01 ligger inte efter startdatumet 2023-05-01")]
    # a decided version: only the period's own order is checked, not the follow-ups within it
    assert found(variant(orsa_2023, None, period(4, last=first + DAY))) == []


def follow_up(number, index, when, section="uppföljning"):
    def change(n, data):
        if n == number:
            data[section][index]["när"] = when
    return change


@pytest.mark.parametrize("section, index, what", [("uppföljning", 0, "uppföljningen"),
                                                  ("aktiviteter", 1, "aktiviteten")])
def test_a_drafts_follow_up_on_its_plans_first_or_last_day_is_within_and_a_day_outside_is_not(
        orsa_2023, section, index, what):
    first, last = dt.date(2023, 5, 1), dt.date(2023, 9, 30)  # plan 4's period
    for inside in (first, last):
        assert found(variant(orsa_2023, None, follow_up(4, index, inside, section), draft=True)) == []
    for outside in (first - DAY, last + DAY):
        version = variant(orsa_2023, None, follow_up(4, index, outside, section), draft=True)
        assert [p.hint for p in rules.check_version(version, version.plans)] == [
            "Flytta datumet in i perioden, eller ändra periodens datum."]
        problems = found(version)
        day = f"{outside.day} {('april', 'oktober')[outside.month == 10]} 2023"
        assert problems == [(f"{section}[{index + 1}].när", f"{what} {day} ligger utanför planens period "
                                                         "1 maj 2023 – 30 september 2023")]


def test_a_follow_up_on_the_agreements_first_day_is_accepted_and_one_day_before_refused(orsa_2023):
    # plan 1 starts with the agreement; a decided version is not held to the draft's period rules
    assert found(variant(orsa_2023, None, follow_up(1, 0, START))) == []
    assert found(variant(orsa_2023, None, follow_up(1, 0, START - DAY))) == [
        ("uppföljning[1].när", "uppföljningen 2023-02-28 ligger före överenskommelsens start 2023-03-01")]


def test_a_plan_name_of_80_characters_is_accepted_and_81_refused(orsa_2023):
    def named(name):
        return variant(orsa_2023, plan_names={1: name})
    ok, long = "01-" + "a" * (80 - 8) + ".yaml", "01-" + "a" * (81 - 8) + ".yaml"
    assert (len(ok), len(long)) == (80, 81)
    assert found(named(ok)) == []
    problems = rules.plan_name_problems(named(long))
    assert [(p.file.name, p.message, p.hint) for p in problems] == [
        (long, "filnamnet är för långt (81 tecken; högst 80) för att namnge planens dokument",
         "Korta filnamnet; planens titel i filen kan vara hur lång som helst.")]


def test_a_plan_name_of_160_bytes_is_accepted_and_161_refused(orsa_2023):
    def named(name):
        return variant(orsa_2023, plan_names={1: name})
    ok = "01-" + "€" * 40 + "a" * 32 + ".yaml"  # 80 characters, 160 bytes
    long = "01-" + "€" * 40 + "ö" + "a" * 31 + ".yaml"  # 80 characters, 161 bytes
    assert (len(ok), len(ok.encode()), len(long), len(long.encode())) == (80, 160, 80, 161)
    assert found(named(ok)) == []
    assert [p.message for p in rules.plan_name_problems(named(long))] == [
        "filnamnet är för långt (80 tecken; högst 80) för att namnge planens dokument"]


@pytest.mark.parametrize("name", ["andringar-2027", "Andringar-2027", "ANDRINGAR-x", "underlag-2027",
                                  "Underlag-2027"])
def test_a_version_name_taken_by_the_decision_documents_is_refused_in_any_case(name):
    prefix = "andringar-" if name.lower().startswith("a") else "underlag-"
    assert rules.name_problem(name) == (f"får inte börja med '{prefix}', som används för beslutsunderlagen "
                                        "i utdata")


def test_a_version_name_of_64_characters_is_accepted_and_65_refused():
    assert rules.name_problem("a" * 64) is None
    assert rules.name_problem("andringar") is None and rules.name_problem("2027-andringar-") is None
    assert rules.name_problem("a" * 65) == ("ska vara högst 64 tecken: bokstäverna a–z, siffror, punkt, bindestreck "
                                           "och understreck (ett mappnamn bredvid, utan / eller ..)")


def kommun_with(tmp_path: Path, *versions: tuple[str, bool]) -> Path:
    """Return a kommun folder holding version folders, each with (True) or without an agreement."""
    kommun = tmp_path / "dalarna" / "orsa"
    for name, with_agreement in versions:
        (kommun / name).mkdir(parents=True)
        if with_agreement:
            (kommun / name / "overenskommelse.yaml").write_text("version: x\n", encoding="utf-8")
    return kommun


def predecessor_problems(orsa_2023, folder: Path) -> list[tuple]:
    return [f for f in found(variant(orsa_2023, folder=folder)) if f[0] == "föregående_version"]


def test_a_predecessor_folder_without_an_agreement_file_does_not_exist(orsa_2023, tmp_path):
    kommun = kommun_with(tmp_path, ("2023", True), ("2019", False))
    problems = [p for p in rules.check_version(variant(orsa_2023, folder=kommun / "2023"), [])
                if p.field == "föregående_version"]
    assert [(p.message, p.hint) for p in problems] == [
        ("den föregående versionen '2019' finns inte",
         f"Det ska finnas en mapp {kommun / '2019'} med en overenskommelse.yaml.")]
    (kommun / "2019" / "overenskommelse.yaml").write_text("version: x\n", encoding="utf-8")
    assert predecessor_problems(orsa_2023, kommun / "2023") == []


def test_a_predecessor_that_is_missing_or_the_version_itself_is_refused(orsa_2023, tmp_path):
    kommun = kommun_with(tmp_path, ("2023", True))
    assert predecessor_problems(orsa_2023, kommun / "2023") == [
        ("föregående_version", "den föregående versionen '2019' finns inte")]
    itself = variant(orsa_2023, setting("föregående_version", value="2023"), folder=kommun / "2023")
    assert [f for f in found(itself) if f[0] == "föregående_version"] == [
        ("föregående_version", "en version kan inte föregå sig själv")]
    first = variant(orsa_2023, lambda d: d.pop("föregående_version"), folder=kommun / "2023")
    assert found(first) == []


def test_a_predecessor_named_like_the_decision_documents_is_refused(orsa_2023):
    version = variant(orsa_2023, setting("föregående_version", value="Andringar-2019"))
    problems = [p for p in rules.check_version(version, []) if p.field == "föregående_version"]
    assert [(p.message, p.hint) for p in problems] == [
        ("'Andringar-2019' får inte börja med 'andringar-', som används för beslutsunderlagen i utdata",
         "Skriv namnet på en version av samma kommun, t.ex. 2019.")]


def test_a_version_whose_folder_has_another_name_is_refused(orsa_2023, tmp_path):
    kommun = kommun_with(tmp_path, ("2023b", True), ("2019", True))
    problems = rules.check_version(variant(orsa_2023, folder=kommun / "2023b"), [])
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("version", "versionen heter '2023' men mappen heter '2023b'",
         "Versionens id och mappens namn ska vara lika.")]
    kommun = kommun_with(tmp_path / "b", ("Andringar-1", True), ("2019", True))
    problems = rules.check_version(variant(orsa_2023, folder=kommun / "Andringar-1"), [])
    assert problems[0].hint == "Byt namn på mappen och fältet version."
    assert [(p.field, p.message) for p in problems] == [
        ("version", "versionens namn 'Andringar-1' får inte börja med 'andringar-', som används för "
                    "beslutsunderlagen i utdata")]


def test_a_version_without_a_county_file_is_not_held_to_the_countys_police_areas(orsa_2023):
    elsewhere = variant(orsa_2023, setting("parter", "polisen", "lokalpolisområde", value="Falun"), county=None)
    assert [f for f in found(elsewhere) if f[0] == "parter.polisen.lokalpolisområde"] == []
    with_county = variant(orsa_2023, setting("parter", "polisen", "lokalpolisområde", value="Falun"))
    assert [f for f in found(with_county) if f[0] == "parter.polisen.lokalpolisområde"] == [
        ("parter.polisen.lokalpolisområde", "kommunen hör till lokalpolisområde Mora enligt lan.yaml, inte Falun")]
    assert found(with_county, county_valid=False) == [
        f for f in found(with_county) if f[0] != "parter.polisen.lokalpolisområde"]


def test_a_kommun_missing_from_the_countys_police_areas_is_named(orsa_2023, tmp_path):
    county = copy.deepcopy(orsa_2023.county.data)
    for area in county["polisorganisation"]["lokalpolisområden"]:
        area["kommuner"] = [k for k in area["kommuner"] if k != "Orsa"]
    version = variant(orsa_2023, county=dataclasses.replace(orsa_2023.county, data=county))
    problems = rules.check_version(version, [])
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("parter.polisen.lokalpolisområde", "kommunen (orsa) finns inte i länets indelning i lokalpolisområden",
         f"Lägg till kommunen under polisorganisation.lokalpolisområden i {orsa_2023.county.file}.")]


def test_a_signature_or_contact_for_someone_not_a_party_is_refused_with_a_suggestion(orsa_2023):
    def change(data):
        data["underskrifter"][0]["part"] = "Orsa komun"
        data["organisation"]["kontaktfunktioner"][1]["part"] = ["Orsa kommun", "Polisen"]
    version = variant(orsa_2023, change)
    problems = rules.check_version(version, [])
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("underskrifter[1].part", "'Orsa komun' är ingen part i överenskommelsen",
         "Menade du 'Orsa kommun'? Parterna är: 'Orsa kommun', 'Lokalpolisområde Mora'."),
        ("organisation.kontaktfunktioner[2].part[2]", "'Polisen' är ingen part i överenskommelsen",
         "Parterna är: 'Orsa kommun', 'Lokalpolisområde Mora'.")]


def test_other_parties_are_parties_too():
    agreement = {"parter": {"kommun": {"namn": "Orsa kommun"}, "polisen": {"lokalpolisområde": "Mora"},
                            "övriga": [{"namn": "Orsa Besparingsskog"}, {"roll": "utan namn"}]}}
    assert rules.party_names(agreement) == ["Orsa kommun", "Lokalpolisområde Mora", "Orsa Besparingsskog"]
    assert rules.party_names({"parter": {"kommun": {}, "polisen": {}}}) == []
    assert rules.party_names({}) == []


def test_an_activity_by_someone_not_a_party_and_an_unknown_focus_area_are_refused(orsa_2023):
    def change(number, data):
        if number == 2:
            data["fokusområde"] = "Ungdomar i riskzon"
            data["aktiviteter"][0]["ansvarig"] = "Skolan"
            data["uppföljning"][1]["ansvarig"] = ["Orsa kommun", "Socialtjänsten"]
    problems = rules.check_version(variant(orsa_2023, None, change), [])
    assert problems == []  # plans are checked only when given
    version = variant(orsa_2023, None, change)
    problems = rules.check_version(version, version.plans)
    focus = "', '".join(f["namn"] for f in orsa_2023.data["fokusområden"])
    assert [(p.field, p.message) for p in problems] == [
        ("fokusområde", "'Ungdomar i riskzon' är inget fokusområde i överenskommelsen"),
        ("aktiviteter[1].ansvarig", "'Skolan' är ingen part i överenskommelsen"),
        ("uppföljning[2].ansvarig[2]", "'Socialtjänsten' är ingen part i överenskommelsen")]
    assert problems[0].hint.endswith(f"Fokusområdena är: '{focus}'.")


def test_a_focus_area_named_twice_is_refused_at_the_second(orsa_2023):
    twice = variant(orsa_2023, lambda d: d["fokusområden"].append(dict(d["fokusområden"][0])))
    index = len(orsa_2023.data["fokusområden"])
    assert found(twice) == [(f"fokusområden[{index + 1}].namn",
                             "fokusområdet 'Ordningsstörningar och otrygghet' finns redan")]


def test_a_rule_whose_fields_failed_their_schema_is_not_run(orsa_2023):
    broken_validity = variant(orsa_2023, setting("giltighetstid", "till", value=START))
    assert found(broken_validity, broken={"giltighetstid"}) == []
    unknown_party = variant(orsa_2023, lambda d: d["underskrifter"][0].update(part="X"))
    assert found(unknown_party, broken={"underskrifter"}) == []
    assert len(found(unknown_party)) == 1
    late_plan = variant(orsa_2023, None, period(4, first=START - DAY), draft=True)
    assert found(late_plan, broken={"status"}) == []  # not known to be a draft: no time rules
    assert len(found(late_plan)) == 1


@pytest.mark.parametrize("character, name", [
    ("\u202a", "styr textens riktning"), ("\u202e", "styr textens riktning"),
    ("\u2066", "styr textens riktning"), ("\u2069", "styr textens riktning"),
    ("\u200e", "styr textens riktning"), ("\u200f", "styr textens riktning"),
    ("\u2060", "osynligt mellanrum eller tecken"), ("\u2064", "osynligt mellanrum eller tecken"),
    ("\ufeff", "byteordningsmärke"), ("\ufff9", "osynligt mellanrum eller tecken"),
])
def test_each_invisible_character_is_named_by_its_kind_at_the_edges_of_its_range(character, name):
    problems = rules.forbidden_characters(Loaded(data={"syfte": f"x{character}"}))
    assert [p.message for p in problems] == [
        f"texten innehåller det osynliga tecknet U+{ord(character):04X} ({name})"]


@pytest.mark.parametrize("character, message, hint_start", [
    ("\x07", "texten innehåller det otillåtna tecknet U+0007", "Word-dokument kan inte innehålla styrtecken"),
    ("\u202e", "texten innehåller det osynliga tecknet U+202E (styr textens riktning)", "Osynliga tecken"),
    ("\u200f", "texten innehåller det osynliga tecknet U+200F (styr textens riktning)", "Osynliga tecken"),
    ("\u2067", "texten innehåller det osynliga tecknet U+2067 (styr textens riktning)", "Osynliga tecken"),
    ("\ufeff", "texten innehåller det osynliga tecknet U+FEFF (byteordningsmärke)", "Osynliga tecken"),
    ("\u200b", "texten innehåller det osynliga tecknet U+200B (osynligt mellanrum eller tecken)",
     "Osynliga tecken"),
])
def test_a_forbidden_or_invisible_character_is_named_at_its_field(character, message, hint_start):
    loaded = Loaded(data={"titel": "ok", "mål": [{"text": f"a{character}b"}], "n": 3})
    problems = rules.forbidden_characters(loaded)
    assert [(p.field, p.message) for p in problems] == [("mål[1].text", message)]
    assert problems[0].hint == {
        "Word-dokument": "Word-dokument kan inte innehålla styrtecken; ta bort tecknet (ofta inklistrat från ett annat "
                "program).",
        "Osynliga": "Osynliga tecken kan få texten att läsas på ett annat sätt än den ser ut; ta bort tecknet "
                    "(ofta inklistrat från en webbsida eller ett annat program)."}[hint_start.split()[0]]
    assert rules.forbidden_characters(loaded, skip=("mål",)) == []
    assert rules.forbidden_characters(Loaded(data=["a\x07"])) == []


def test_a_plans_unknown_focus_area_is_suggested_only_when_one_is_close(orsa_2023):
    def focus(value):
        def change(number, data):
            if number == 1:
                data["fokusområde"] = value
        version = variant(orsa_2023, None, change)
        return [(p.message, p.hint) for p in rules.check_version(version, version.plans)]
    assert focus("Ordningsstörning och otrygghet") == [(
        "'Ordningsstörning och otrygghet' är inget fokusområde i överenskommelsen",
        "Menade du 'Ordningsstörningar och otrygghet'? Fokusområdena är: " + ", ".join(
            f"'{f['namn']}'" for f in orsa_2023.data["fokusområden"]) + ".")]
    assert focus("Q")[0][1] == "Fokusområdena är: " + ", ".join(
        f"'{f['namn']}'" for f in orsa_2023.data["fokusområden"]) + "."


@pytest.mark.parametrize("broken", ["parter", "fokusområden", "giltighetstid"])
def test_plan_rules_need_the_parties_focus_areas_and_giltighetstid_to_have_passed_their_schema(orsa_2023, broken):
    def change(number, data):
        if number == 1:
            data["fokusområde"] = "Q"
    version = variant(orsa_2023, None, change)
    assert found(version) == [("fokusområde", "'Q' är inget fokusområde i överenskommelsen")]
    assert found(version, broken={broken}) == []


def test_county_rules_need_the_parties_to_have_passed_their_schema(orsa_2023):
    elsewhere = variant(orsa_2023, setting("parter", "polisen", "lokalpolisområde", value="Falun"))
    lpo = "parter.polisen.lokalpolisområde"
    assert [f for f in found(elsewhere) if f[0] == lpo] == [
        (lpo, "kommunen hör till lokalpolisområde Mora enligt lan.yaml, inte Falun")]
    assert [f for f in found(elsewhere, broken={"parter"}) if f[0] == lpo] == []

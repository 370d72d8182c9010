"""Validation: schemas and cross-field rules, every problem located in its own file."""

from __future__ import annotations

import pytest

from conftest import AGREEMENTS, edit, line_of
from pipeline.data.validate import validate_paths, validate_version
from pipeline.errors import SchemaError


def problems_of(path):
    report = validate_paths([path])
    assert not report.ok, "expected problems"
    return report.problems


def test_example_data_is_valid():
    report = validate_paths([AGREEMENTS])
    assert report.ok, "\n".join(p.format() for p in report.problems)
    assert report.checked == len(list(AGREEMENTS.rglob("overenskommelse.yaml"))) >= 2


def test_misspelt_key_suggests_the_right_one(orsa):
    edit(orsa / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    problems = problems_of(orsa)
    unknown = [p for p in problems if "okänt fält" in p.message]
    assert len(unknown) == 1
    assert unknown[0].line == line_of(orsa / "overenskommelse.yaml", "bakgrun:")
    assert unknown[0].hint == "Menade du 'bakgrund'?"
    missing = [p for p in problems if "obligatoriskt fält 'bakgrund' saknas" in p.message]
    assert missing and missing[0].field == "bakgrund"


def test_wrong_type_says_what_was_expected(orsa):
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    text = path.read_text(encoding="utf-8")
    edit(path, "    när: 2024-01-31", '    när: "2024-01-31"')
    (problem,) = problems_of(orsa)
    assert problem.field.startswith("uppföljning[") and problem.field.endswith("].när")
    assert "ska vara ett datum" in problem.message and "utan citattecken" in problem.hint
    assert text != path.read_text(encoding="utf-8")


def test_missing_required_field_in_plan(orsa):
    path = orsa / "planer" / "01-ordningsstorningar-centrum.yaml"
    edit(path, "fokusområde: Ordningsstörningar och otrygghet\n", "")
    (problem,) = problems_of(orsa)
    assert problem.file == path and problem.field == "fokusområde"
    assert problem.message == "obligatoriskt fält 'fokusområde' saknas"


def test_end_before_start(orsa):
    edit(orsa / "overenskommelse.yaml", "till: tills vidare", "till: 2022-12-31")
    (problem,) = problems_of(orsa)
    assert problem.field == "giltighetstid.till"
    assert "ligger inte efter startdatumet 2023-03-01" in problem.message


def test_till_must_be_date_or_tills_vidare(orsa):
    edit(orsa / "overenskommelse.yaml", "till: tills vidare", "till: tillsvidare")
    (problem,) = problems_of(orsa)
    assert "varken ett datum eller 'tills vidare'" in problem.message


def test_decided_version_needs_its_decision(orsa):
    path = orsa / "overenskommelse.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("beslut:")
    end = text.index("\n", text.index("diarienummer:", start))
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    (problem,) = problems_of(orsa)
    assert problem.field == "status" and "måste ha ett beslut" in problem.message


def test_draft_cannot_have_a_decision(orsa):
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: utkast")
    (problem,) = problems_of(orsa)
    assert problem.field == "beslut" and "utkast kan inte ha ett beslut" in problem.message


def test_status_value_suggests(orsa):
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: beslutat")
    problems = problems_of(orsa)
    assert any(p.field == "status" and p.hint == "Menade du 'beslutad'?" for p in problems)


def test_plan_fokusomrade_must_exist(orsa):
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    edit(path, "fokusområde: Ungdomar/skolor", "fokusområde: Ungdomar och skolor")
    (problem,) = problems_of(orsa)
    assert problem.file == path and problem.line == line_of(path, "fokusområde:")
    assert "Menade du 'Ungdomar/skolor'?" in problem.hint


def test_responsible_party_must_be_a_party(orsa):
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    edit(path, "ansvarig: [Orsa kommun, Lokalpolisområde Mora]", "ansvarig: [Orsa kommun, Polisen i Mora]")
    (problem,) = problems_of(orsa)
    assert problem.field.endswith("].ansvarig[2]")
    assert "'Polisen i Mora' är ingen part" in problem.message
    assert "'Lokalpolisområde Mora'" in problem.hint


def test_signature_party_must_be_a_party(orsa):
    edit(orsa / "overenskommelse.yaml", "part: Orsa kommun", "part: Orsa komun", count=99)
    problems = problems_of(orsa)
    assert problems and all("Menade du 'Orsa kommun'?" in p.hint for p in problems)


def test_error_in_county_file_points_to_county_file(orsa, county):
    edit(county / "lan.yaml", "      polisregion: Bergslagen", "      polisregion: 17")
    edit(county / "lan.yaml", "  polisregion: Bergslagen", "  polisregion: 17")
    problems = problems_of(orsa)
    assert len(problems) == 2
    assert {p.file for p in problems} == {county / "lan.yaml"}
    assert {p.line for p in problems} == {line_of(county / "lan.yaml", "  polisregion: 17"),
                                          line_of(county / "lan.yaml", "      polisregion: 17")}


def test_lpo_must_match_county_mapping(orsa):
    edit(orsa / "overenskommelse.yaml", "lokalpolisområde: Mora", "lokalpolisområde: Falun")
    problems = problems_of(orsa)
    assert any("hör till lokalpolisområde Mora enligt lan.yaml" in p.message for p in problems)


def test_xml_forbidden_character_is_rejected_with_field(orsa):
    edit(orsa / "overenskommelse.yaml", "diarienummer: KS 2023/0042", 'diarienummer: "KS\\v2023/0042"')
    (problem,) = problems_of(orsa)
    assert problem.field == "diarienummer" and "U+000B" in problem.message


def test_version_must_match_folder(orsa):
    edit(orsa / "overenskommelse.yaml", 'version: "2023"', 'version: "2024"')
    (problem,) = problems_of(orsa)
    assert "mappen heter '2023'" in problem.message


def test_missing_predecessor(orsa, county):
    import shutil
    shutil.rmtree(county / "orsa" / "2019")
    (problem,) = problems_of(orsa)
    assert problem.field == "föregående_version" and "finns inte" in problem.message


def test_every_error_of_every_file_at_once(orsa, county):
    edit(orsa / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    edit(orsa / "planer" / "02-ungdomar-skolor.yaml", "fokusområde: Ungdomar/skolor", "fokusområde: X")
    (orsa / "planer" / "03-hot-mot-fortroendevalda.yaml").write_text("titel: [\n", encoding="utf-8")
    edit(county / "orsa" / "2019" / "overenskommelse.yaml", "status: beslutad", "status: klar")
    files = {p.file.name for p in problems_of(county)}
    assert files == {"overenskommelse.yaml", "02-ungdomar-skolor.yaml", "03-hot-mot-fortroendevalda.yaml"}
    report = validate_paths([county])
    assert {p.file.parent.name for p in report.problems if p.file.name == "overenskommelse.yaml"} == {
        "2019", "2023"}


@pytest.mark.parametrize("target", ["version", "kommun", "county", "file", "plan"])
def test_validate_accepts_any_level(orsa, target):
    path = {"version": orsa, "kommun": orsa.parent, "county": orsa.parent.parent,
            "file": orsa / "overenskommelse.yaml",
            "plan": orsa / "planer" / "02-ungdomar-skolor.yaml"}[target]
    assert validate_paths([path]).ok


def test_validate_version_raises_with_all_problems(orsa):
    edit(orsa / "overenskommelse.yaml", "status: beslutad", "status: x")
    with pytest.raises(SchemaError):
        validate_version(orsa)

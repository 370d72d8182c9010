"""The cerberus schemas and their Swedish explanations, checked directly on loaded data."""

from __future__ import annotations

from pathlib import Path

from pipeline.data import schema
from pipeline.data.load import load_text

PLAN = Path("planer/01-x.yaml")


def problems(text: str, name: str = "plan"):
    return schema.check(load_text(PLAN, text), name)


VALID_PLAN = """titel: T
fokusområde: F
kartläggning: {beskrivning: B, källor: [K]}
orsaksanalys: {beskrivning: B, orsaker: [O]}
mål: {effektmål: [E], operativa_mål: [O]}
aktiviteter: [{aktivitet: A, ansvarig: Orsa kommun, när: våren, resurser: R}]
uppföljning: [{indikator: I, när: 2023-09-15, ansvarig: Orsa kommun, status: ej bedömd}]
"""


def test_a_valid_plan_has_no_problems():
    assert problems(VALID_PLAN) == []


def test_a_missing_field_is_named_with_its_path():
    (problem,) = problems(VALID_PLAN.replace("titel: T\n", ""))
    assert problem.field == "titel" and "obligatoriskt fält 'titel' saknas" in problem.message


def test_a_wrong_type_says_what_was_expected_and_what_was_found():
    (problem,) = problems(VALID_PLAN.replace("när: 2023-09-15", "när: '15 sept'"))
    assert problem.field == "uppföljning[1].när"
    assert problem.message == "ska vara ett datum (ÅÅÅÅ-MM-DD), men är texten '15 sept'"
    assert "utan citattecken" in problem.hint


def test_a_number_field_takes_integers_and_decimals_but_not_text_or_true():
    numbers = VALID_PLAN.replace("status: ej bedömd}", "status: ej bedömd, utgångsvärde: 62, målvärde: 70.5}")
    assert problems(numbers) == []
    (problem,) = problems(numbers.replace("målvärde: 70.5", "målvärde: '70,5 %'"))
    assert (problem.field, problem.line) == ("uppföljning[1].målvärde", 7)
    assert problem.message == "ska vara ett tal, men är texten '70,5 %'"
    assert problem.hint == "Skriv bara talet, utan enhet, t.ex. 62 eller 12.5 (punkt som decimaltecken)."
    (problem,) = problems(numbers.replace("utgångsvärde: 62", "utgångsvärde: true"))
    assert problem.message == "ska vara ett tal, men är sant/falskt (True)"


def test_a_follow_up_value_is_a_number():
    record = "planer:\n  - plan: 01-x\n    indikatorer:\n      - id: I1\n        värde: 38,5\n"
    (problem,) = problems(record, "uppfoljning")
    assert (problem.field, problem.line) == ("planer[1].indikatorer[1].värde", 5)
    assert problem.message == "ska vara ett tal, men är texten '38,5'"
    assert problems(record.replace("38,5", "38.5"), "uppfoljning") == []


def test_a_closed_set_suggests_the_nearest_value():
    (problem,) = problems(VALID_PLAN.replace("status: ej bedömd", "status: gröm"))
    assert problem.message.startswith("'gröm' är inte tillåtet") and problem.hint == "Menade du 'grön'?"


def test_an_unknown_key_suggests_the_spelling():
    (problem,) = problems(VALID_PLAN.replace("titel: T", "titel: T\ntitle: T"))
    assert problem.message == "okänt fält 'title'" and problem.hint == "Menade du 'titel'?"
    assert problem.line == 2


def test_a_list_where_a_mapping_belongs_is_named_without_crashing():
    (problem,) = problems(VALID_PLAN.replace("kartläggning: {beskrivning: B, källor: [K]}", "kartläggning: [B]"))
    assert problem.field == "kartläggning" and problem.message.startswith("ska vara fält med underfält")


def test_schemas_are_read_once_per_process():
    assert schema.load_schema("plan") is schema.load_schema("plan")

"""Messages a secretary can act on: the line to fix and what to do, for the usual YAML slips.

PyYAML notices an indentation slip, a missing '- ' or a 'key:value' a line or two late and
in words about tokens; these tests hold the Swedish message to the line where the mistake
is and to advice that fits it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ORSA_2023, edit, line_of
from pipeline.cli import main
from pipeline.data import schema, yamlerrors
from pipeline.data.load import load_text, load_yaml
from pipeline.data.validate import validate_paths
from pipeline.errors import DataError

BAD = FIXTURES / "bad"
MISLEADING = ("kolon på fel ställe", "citattecken", "Tillåtna fält här: exempel, version")


def only_problem(path):
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert len(caught.value.problems) == 1, caught.value
    return caught.value.problems[0]


def problem_of_text(text):
    with pytest.raises(DataError) as caught:
        load_text(Path("x.yaml"), text)
    assert len(caught.value.problems) == 1, caught.value
    return caught.value.problems[0]


def only_validation_problem(folder):
    report = validate_paths([folder])
    assert len(report.problems) == 1, "\n".join(p.format() for p in report.problems)
    return report.problems[0]


def assert_not_misleading(problem):
    text = problem.format()
    for words in MISLEADING:
        assert words not in text, text


# --- the fixtures named for their case ------------------------------------------

def test_three_space_indent_points_at_the_line_and_says_indrag():
    path = BAD / "three-space-indent.yaml"
    problem = only_problem(path)
    assert problem.line == line_of(path, "   namn: Orsa BRÅ") == 87  # PyYAML stops on line 88
    assert problem.column == 4
    assert problem.message == ("fel indrag: raden är indragen 3 mellanslag, men fälten på samma nivå "
                               "har 4 mellanslag")
    assert "dra in raden 4 mellanslag, som 'beskrivning' på rad 88" in problem.hint
    assert_not_misleading(problem)


def test_missing_dash_is_reported_on_its_own_line():
    path = BAD / "missing-dash.yaml"
    problem = only_problem(path)
    assert problem.line == line_of(path, "  Stärka samarbetet") == 55  # PyYAML stops on line 57
    assert problem.message == "raden saknar '- ' som de andra punkterna i listan"
    assert "'  - Stärka samarbetet mellan …'" in problem.hint and "rad 54" in problem.hint
    assert_not_misleading(problem)


def test_no_space_after_colon_is_reported_on_its_own_line():
    path = BAD / "no-space-after-colon.yaml"
    problem = only_problem(path)
    assert problem.line == line_of(path, "till:2030-12-31") == 29  # PyYAML stops on line 31
    assert problem.column == 7  # the colon
    assert problem.message == "efter kolon ska det stå ett mellanslag: 'till: 2030-12-31'"
    assert_not_misleading(problem)


def test_unindented_field_says_where_it_belongs_once(orsa):
    shutil.copy(BAD / "unindented-field.yaml", orsa / "overenskommelse.yaml")
    problem = only_validation_problem(orsa)  # no separate "obligatoriskt fält saknas"
    assert problem.line == line_of(orsa / "overenskommelse.yaml", "mötesfrekvens: En gång") == 99
    assert problem.column == 1
    assert problem.field == "organisation.samverkansgrupp.mötesfrekvens"
    assert problem.message == ("står på fel nivå (fel indrag): 'mötesfrekvens' hör hemma under "
                               "organisation.samverkansgrupp, inte på översta nivån")
    assert "dra in den 4 mellanslag, som 'beskrivning' på rad 81" in problem.hint
    assert "saknas" not in problem.format() and "okänt fält" not in problem.format()
    assert_not_misleading(problem)


def test_unindented_field_in_a_plan_says_where_it_belongs_once(orsa):
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    shutil.copy(BAD / "unindented-field-plan.yaml", path)
    problem = only_validation_problem(orsa)
    assert (problem.file, problem.line) == (path, line_of(path, "operativa_mål:")) == (path, 50)
    assert problem.field == "mål.operativa_mål"
    assert "fel indrag" in problem.message and "hör hemma under mål, inte på översta nivån" in problem.message
    assert "dra in den 2 mellanslag, som 'effektmål' på rad 45" in problem.hint
    assert "Tillåtna fält här" not in problem.format()


@pytest.mark.parametrize("name, target, words", [
    ("three-space-indent.yaml", "overenskommelse.yaml", ":87:4: fel indrag: raden är indragen 3 mellanslag"),
    ("missing-dash.yaml", "overenskommelse.yaml", ":55:3: raden saknar '- '"),
    ("no-space-after-colon.yaml", "overenskommelse.yaml", ":29:7: efter kolon ska det stå ett mellanslag"),
    ("unindented-field.yaml", "overenskommelse.yaml", ":99:1: fältet 'organisation.samverkansgrupp."
                                                      "mötesfrekvens': står på fel nivå (fel indrag)"),
    ("unindented-field-plan.yaml", "planer/02-ungdomar-skolor.yaml", ":50:1: fältet 'mål.operativa_mål'"),
])
def test_validate_command_shows_one_located_message(orsa, capsys, name, target, words):
    shutil.copy(BAD / name, orsa / target)
    assert main(["validate", str(orsa)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert "problem hittades" not in err  # exactly one problem


# --- indentation, in its different shapes ---------------------------------------

@pytest.mark.parametrize("text, line, message", [
    # one space deeper than the siblings above
    ("organisation:\n  samverkansgrupp:\n    beskrivning: a\n     mötesfrekvens: b\n  brå:\n    namn: x\n",
     4, "raden är indragen 5 mellanslag, men fälten på samma nivå har 4 mellanslag"),
    # between two levels
    ("organisation:\n  samverkansgrupp:\n    beskrivning: a\n   mötesfrekvens: b\n  brå:\n    namn: x\n",
     4, "raden är indragen 3 mellanslag, men fälten under 'samverkansgrupp' har 4 mellanslag och "
        "fälten under 'organisation' har 2 mellanslag"),
    # the first of its siblings is the odd one, though the parser stops at the second
    ("organisation:\n   samverkansgrupp:\n     beskrivning: a\n  brå:\n    namn: x\n  kontakt: y\n",
     2, "raden är indragen 3 mellanslag, men fälten på samma nivå har 2 mellanslag"),
    # at the top level
    ("titel: a\n fokusområde: b\nperiod: c\n", 2,
     "raden är indragen 1 mellanslag, men fälten på samma nivå har inget indrag"),
    # a line that fell out of its block, which goes on below it
    ("organisation:\n  samverkansgrupp:\n    beskrivning: a\nmötesfrekvens: b\n  brå:\n    namn: x\n",
     4, "raden är inte indragen, men står mitt bland fälten under 'organisation', som har 2 mellanslag"),
    # the line after an empty 'key:' should have been indented under it
    ("organisation:\n  samverkansgrupp:\n  beskrivning: a\n    mötesfrekvens: b\n  brå: c\n",
     3, "raden är indragen 2 mellanslag, men fälten under 'samverkansgrupp' har 4 mellanslag"),
    # a list item one space off: the item line, not the field under it
    ("period:\n  från: a\n  till: b\nfokusområden:\n   - namn: a\n    beskrivning: b\n  - namn: c\n"
     "    beskrivning: d\n", 5, "raden är indragen 3 mellanslag, men punkterna på samma nivå har 2 mellanslag"),
])
def test_indentation_slip_is_located_and_explained(text, line, message):
    problem = problem_of_text(text)
    assert problem.line == line
    assert problem.message == "fel indrag: " + message
    assert_not_misleading(problem)


def test_field_among_list_items_says_it_lacks_a_dash_or_an_indent():
    problem = problem_of_text("aktiviteter:\n  - aktivitet: a\n    ansvarig: b\n  resurser: c\nx: y\n")
    assert problem.line == 4
    assert "fel indrag" in problem.message and "börjar inte med '- '" in problem.message
    assert "dra in det 4 mellanslag, som 'aktivitet' på rad 2" in problem.hint


def test_text_block_less_indented_than_its_field():
    problem = problem_of_text("titel: a\nkartläggning:\n  beskrivning: >-\n  En text.\n  källor: [a]\n")
    assert problem.line == 4
    assert "fel indrag" in problem.message and "texten under 'beskrivning' (rad 3)" in problem.message


def test_colon_inside_a_value_still_asks_for_quotes():
    problem = only_problem(BAD / "syntax-error.yaml")
    assert problem.line == 3 and "kolon på fel ställe" in problem.message
    assert "citattecken" in problem.hint


def test_colon_in_wrapped_text_is_not_taken_for_an_indentation_slip():
    problem = problem_of_text("a:\n  beskrivning: Lång text som\n    fortsätter här: med kolon\n  b: c\n")
    assert "kolon på fel ställe" in problem.message and "indrag" not in problem.message


# --- a missing '- ' or a missing space --------------------------------------------

def test_no_space_after_colon_at_the_top_level_is_reported_where_it_is():
    problem = problem_of_text("titel:Plan\nfokusområde: x\n")
    assert problem.line == 1  # PyYAML stops on line 2
    assert problem.message == "efter kolon ska det stå ett mellanslag: 'titel: Plan'"


def test_no_space_before_a_text_block_is_reported_where_it_is():
    problem = problem_of_text("titel: a\nbeskrivning:>-\n  Text som: har ett kolon.\nsyfte: b\n")
    assert problem.line == 2 and "efter kolon ska det stå ett mellanslag: 'beskrivning: >-'" in problem.message


def test_no_space_where_fields_belong_gives_a_hint_after_parsing(orsa):
    edit(orsa / "overenskommelse.yaml", "    namn: Orsa kommun\n", "    namn:Orsa kommun\n")
    problem = only_validation_problem(orsa)
    assert problem.field == "parter.kommun"
    assert problem.hint == "Efter kolon ska det stå ett mellanslag: 'namn: Orsa kommun'."


def test_missing_dash_in_the_middle_of_a_list():
    problem = problem_of_text("mål:\n  - A\n  - B\n  C\n  - D\nsyfte: x\n")
    assert problem.line == 4 and problem.message == "raden saknar '- ' som de andra punkterna i listan"


def test_missing_dash_on_the_first_item_of_a_list_of_fields():
    problem = problem_of_text("fokusområden:\n  namn: a\n    beskrivning: b\n  - namn: c\n    beskrivning: d\n")
    assert problem.line == 2 and problem.message == "raden saknar '- ' som de andra punkterna i listan"


# --- every line of the example data, slipped --------------------------------------

EXAMPLES = [ORSA_2023 / "overenskommelse.yaml", *sorted((ORSA_2023 / "planer").glob("*.yaml"))]
STRUCTURAL = re.compile(r" *(- +)?[^\s:#]+:( |$)| *- ")


def slipped(path, number, line):
    """Return the text of ``path`` with line ``number`` (0-based) replaced."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:number] + [line] + lines[number + 1:])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_key_or_item_line_one_space_off_is_found_on_its_line(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    checked = 0
    for number, line in enumerate(lines[1:], start=1):  # the first line has nothing above it
        if not STRUCTURAL.match(line):
            continue
        for shift in (-1, 1):
            indent = len(line) - len(line.lstrip(" "))
            if indent + shift < 0:
                continue
            try:
                load_text(path, slipped(path, number, " " * (indent + shift) + line.lstrip(" ")))
            except DataError as exc:
                problem = exc.problems[0]
                assert (problem.line, "fel indrag" in problem.message) == (number + 1, True), \
                    f"line {number + 1} shifted {shift:+}: {problem.format()}"
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_missing_space_after_a_colon_is_found_on_its_line(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    checked = 0
    for number, line in enumerate(lines):
        found = re.fullmatch(r"( *(?:- )?[^\s:#]+): (\S.*)", line)
        if not found:
            continue
        try:
            load_text(path, slipped(path, number, found.group(1) + ":" + found.group(2)))
        except DataError as exc:
            problem = exc.problems[0]
            assert problem.line == number + 1 and "efter kolon" in problem.message, problem.format()
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_missing_dash_in_a_list_of_texts_is_found_on_its_line(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    checked = 0
    for number, line in enumerate(lines):
        found = re.fullmatch(r"( *)- ([^\s:>|#][^:]*)", line)
        previous = lines[number - 1].strip()
        if not found or not (previous.startswith("- ") and ": " not in previous):
            continue  # only items after an item of the same kind (the first is the list's value)
        try:
            load_text(path, slipped(path, number, found.group(1) + found.group(2)))
        except DataError as exc:
            problem = exc.problems[0]
            assert problem.line == number + 1 and "saknar '- '" in problem.message, problem.format()
            checked += 1
    assert checked >= 1


# --- a field at the wrong level, at any depth -------------------------------------

def test_field_indented_into_the_block_above_belongs_at_the_top_level(orsa):
    path = orsa / "overenskommelse.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nuppsägning:")
    end = text.index("\n\n", start + 1)
    block = "\n".join("  " + line for line in text[start + 1:end].split("\n"))
    path.write_text(text[:start - 1] + "\n" + block + text[end:], encoding="utf-8")  # no blank line
    problem = only_validation_problem(orsa)
    assert problem.line == line_of(path, "  uppsägning: >-") and problem.field == "uppsägning"
    assert problem.message.endswith("'uppsägning' hör hemma på översta nivån, inte under giltighetstid")


def test_field_indented_into_a_sibling_belongs_to_the_parent(orsa):
    path = orsa / "overenskommelse.yaml"
    edit(path, "  kontaktfunktioner:", "    kontaktfunktioner:")
    problem = only_validation_problem(orsa)
    assert problem.field == "organisation.kontaktfunktioner"
    assert "hör hemma under organisation, inte under organisation.brå" in problem.message
    assert "rader som hör till fältet flyttas lika mycket" in problem.hint


def test_field_belonging_in_a_list_item_names_the_item(orsa):
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    edit(path, "    resurser: Ingripandepersonal, fritidsledare och socialtjänstens fältarbete.\n",
         "resurser: Ingripandepersonal.\n")
    problem = only_validation_problem(orsa)
    assert problem.field == "aktiviteter[4].resurser" and problem.line == line_of(path, "resurser: Ingrip")
    assert "hör hemma under aktiviteter[4]" in problem.message


def test_misspelt_field_keeps_its_suggestion_and_its_missing_field(orsa):
    edit(orsa / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    problems = validate_paths([orsa]).problems
    assert [p.hint for p in problems if "okänt fält 'bakgrun'" in p.message] == ["Menade du 'bakgrund'?"]
    assert any("obligatoriskt fält 'bakgrund' saknas" in p.message for p in problems)
    assert not any("fel nivå" in p.message for p in problems)


@pytest.mark.parametrize("added", ["xyzzy: 1\n", "namn: Orsa\n"])  # 'namn' exists deeper, but is not missing
def test_unknown_top_level_field_names_the_schema_instead_of_23_fields(orsa, added):
    edit(orsa / "overenskommelse.yaml", "bakgrund:", added + "bakgrund:")
    problem = only_validation_problem(orsa)
    assert problem.message.startswith("okänt fält")
    assert problem.hint.startswith("Fälten som är tillåtna på översta nivån står i ")
    assert problem.hint.endswith("schemas/overenskommelse.yaml.")
    assert "exempel, version" not in problem.hint


def test_unknown_field_among_few_lists_them(orsa):
    edit(orsa / "overenskommelse.yaml", "  samverkansgrupp:\n", "  qqq: 1\n  samverkansgrupp:\n")
    problem = only_validation_problem(orsa)
    assert problem.hint == "Tillåtna fält här: samverkansgrupp, brå, kontaktfunktioner"


def test_field_of_another_section_at_the_same_depth_is_unknown_not_misplaced(orsa):
    # 'kommentar' belongs in uppföljning's items; an activity with one was not mis-indented.
    path = orsa / "planer" / "02-ungdomar-skolor.yaml"
    edit(path, "    resurser: Kommunpolis, två timmar per klass.\n",
         "    resurser: Kommunpolis, två timmar per klass.\n    kommentar: x\n")
    problem = only_validation_problem(orsa)
    assert problem.message == "okänt fält 'kommentar'" and problem.field == "aktiviteter[1].kommentar"


# --- the happy path does none of this ----------------------------------------------

def test_valid_data_never_runs_the_explanations(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("explanations ran on valid data")

    monkeypatch.setattr(yamlerrors, "layout_problem", fail)
    monkeypatch.setattr(yamlerrors, "syntax_problems", fail)
    monkeypatch.setattr(schema, "_mappings", fail)
    assert validate_paths([ORSA_2023.parent.parent]).ok

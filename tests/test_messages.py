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

from pipeline import load
from pipeline.cli import main
from pipeline.errors import DataError
from pipeline.load import load_text, load_yaml
from pipeline.validate import validate_paths

from conftest import FIXTURES, ORSA_2023, line_of

BAD = FIXTURES / "bad"
MISLEADING = ("kolon på fel ställe", "citattecken")


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


@pytest.mark.parametrize("name, target, words", [
    ("three-space-indent.yaml", "overenskommelse.yaml", ":87:4: fel indrag: raden är indragen 3 mellanslag"),
    ("missing-dash.yaml", "overenskommelse.yaml", ":55:3: raden saknar '- '"),
    ("no-space-after-colon.yaml", "overenskommelse.yaml", ":29:7: efter kolon ska det stå ett mellanslag"),
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


# --- the happy path does none of this ----------------------------------------------

def test_valid_data_never_runs_the_explanations(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("explanations ran on valid data")

    monkeypatch.setattr(load, "_layout_problem", fail)
    assert validate_paths([ORSA_2023.parent.parent]).ok

"""The type-check gate (tests/typecheck.py): mypy finds no error that tests/mypy-baseline.txt
does not hold, and the baseline is compared line by line as a multiset, without line numbers."""

from __future__ import annotations

import importlib.util
import re

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("typecheck", ROOT / "tests" / "typecheck.py")
typecheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(typecheck)


def test_an_error_is_known_by_file_code_and_message_not_by_line():
    output = ("pipeline/a.py:12: error: Need type annotation for \"x\"  [var-annotated]\n"
              "pipeline/a.py:13: note: Left operand is of type \"int | None\"\n"
              "pipeline\\b.py:40:7: error: Name \"f\" already defined on line 3  [no-redef]\n"
              "Found 2 errors in 2 files (checked 2 source files)\n")
    assert typecheck.parse(output) == [
        "pipeline/a.py: [var-annotated] Need type annotation for \"x\"",
        "pipeline/b.py: [no-redef] Name \"f\" already defined on line N",
    ]


def test_a_second_error_of_the_same_text_is_new_and_a_fixed_one_is_gone():
    baseline = ["a.py: [misc] x", "b.py: [misc] y"]
    assert typecheck.compare(["a.py: [misc] x", "a.py: [misc] x"], baseline) == (["a.py: [misc] x"],
                                                                                 ["b.py: [misc] y"])
    assert typecheck.compare(sorted(baseline), baseline) == ([], [])


def test_the_baseline_is_sorted_and_has_no_line_numbers():
    lines = typecheck.read_baseline()
    assert lines == sorted(lines)
    assert all(re.match(r"pipeline/[\w/]+\.py: \[[a-z0-9-]+\] ", line) for line in lines), lines


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="needs mypy (pip install -e '.[lint]')")
def test_mypy_finds_no_error_the_baseline_does_not_hold():
    new, _gone = typecheck.check()
    assert not new, "new mypy errors (python tests/typecheck.py lists them):\n" + "\n".join(new)

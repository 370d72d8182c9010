"""Reading YAML: every way a file can be wrong gets a located Swedish error."""

from __future__ import annotations

import datetime as dt
import resource
import time

import pytest

from conftest import FIXTURES, line_of
from pipeline.data.load import load_yaml, merge
from pipeline.data.version import load_version, shared_part
from pipeline.errors import DataError

BAD = FIXTURES / "bad"


def only_problem(path):
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert len(caught.value.problems) == 1, caught.value
    return caught.value.problems[0]


def test_utf8_bom_is_accepted():
    assert load_yaml(BAD / "bom.yaml").data == {"titel": "Med BOM"}


def test_windows_1252_file_names_line_column_and_encoding():
    problem = only_problem(BAD / "windows-1252.yaml")
    assert (problem.line, problem.column) == (1, 18)
    assert "inte UTF-8" in problem.message
    assert "Windows-1252" in problem.hint and "Ordningsstörningar" in problem.hint


def test_empty_file():
    problem = only_problem(BAD / "empty.yaml")
    assert problem.message == "filen är tom"


def test_tab_indentation_is_located():
    problem = only_problem(BAD / "tabs.yaml")
    assert (problem.line, problem.column) == (3, 1)
    assert "tabbtecken" in problem.message and "mellanslag" in problem.hint


def test_duplicate_key_is_an_error_naming_both_lines():
    problem = only_problem(BAD / "duplicate-key.yaml")
    assert (problem.line, problem.field) == (3, "titel")
    assert "två gånger (först på rad 1)" in problem.message


def test_impossible_date_names_field_and_line():
    problem = only_problem(BAD / "impossible-date.yaml")
    assert (problem.line, problem.field) == (3, "period.från")
    assert "'2023-02-30' är inget giltigt datum" in problem.message


@pytest.mark.parametrize("name, line, words", [
    ("syntax-error.yaml", 3, "kolon på fel ställe"),
    ("unclosed-quote.yaml", 1, "citattecken avslutas aldrig"),  # where the quote opens
    ("two-documents.yaml", 2, "mer än ett YAML-dokument"),
    ("not-a-mapping.yaml", 1, "nyckel: värde"),
])
def test_syntax_errors_are_swedish_and_located(name, line, words):
    problem = only_problem(BAD / name)
    assert problem.line == line
    assert words in problem.message


def test_control_character_in_file_is_located(tmp_path):
    path = tmp_path / "ctl.yaml"
    path.write_bytes(b"titel: a\x01b\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (1, 9)
    assert "U+0001" in problem.message


def test_alias_bomb_fails_fast_without_eating_memory():
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    problem = only_problem(BAD / "alias-bomb.yaml")
    assert "aliasbomb" in problem.message
    # Fully expanded, the bomb is 9**9 (387 million) strings; we stop at 10 000 values.
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kb) / 1024
    assert grown_mb < 100
    assert time.process_time() - started < 30  # a guard against hanging, not a speed target


def test_keys_stay_as_written_and_values_keep_yaml_types(tmp_path):
    path = tmp_path / "types.yaml"
    path.write_text("no: ja\ndatum: 2023-02-13\ntid: 10:30\n", encoding="utf-8")
    assert load_yaml(path).data == {"no": "ja", "datum": dt.date(2023, 2, 13), "tid": 630}


def test_sources_point_at_value_lines(orsa):
    loaded = load_yaml(orsa / "overenskommelse.yaml")
    src = loaded.source(("giltighetstid", "till"))
    assert src.line == line_of(orsa / "overenskommelse.yaml", "till: tills vidare")


def test_county_merge_keeps_values_and_their_files(orsa, county):
    version = load_version(orsa)
    data = version.data
    # From the county file only:
    assert data["parter"]["polisen"]["polisområde"] == "Dalarna"
    assert version.agreement.source(("parter", "polisen", "polisområde")).file == county / "lan.yaml"
    # Overridden by the kommun, with the county's sibling key kept:
    assert version.agreement.source(("lägesbild", "beskrivning")).file == orsa / "overenskommelse.yaml"
    assert version.agreement.source(("lägesbild", "frekvens")).file == county / "lan.yaml"
    # The kommun's own keys keep the kommun's file:
    assert data["parter"]["polisen"]["lokalpolisområde"] == "Mora"


def test_merge_replaces_lists_whole(tmp_path):
    base, over = tmp_path / "a.yaml", tmp_path / "b.yaml"
    base.write_text("gemensamt:\n  mål: [a, b]\n  x: {y: 1, z: 2}\n", encoding="utf-8")
    over.write_text("mål: [c]\nx: {z: 3}\n", encoding="utf-8")
    merged = merge(shared_part(load_yaml(base)), load_yaml(over))
    assert merged.data == {"mål": ["c"], "x": {"y": 1, "z": 3}}
    assert merged.source(("x", "y")).file == base
    assert merged.source(("x", "z")).file == over


def test_a_big_honest_file_is_read_and_aliases_are_what_is_limited(tmp_path):
    """A plan of 5 000 activities (some 25 000 values) is honest size: read. Values repeated through
    aliases are what is limited – a few repeats are fine, ten thousand are an alias bomb."""
    path = tmp_path / "stor.yaml"
    rows = "".join(f"  - aktivitet: Åtgärd {n}\n    ansvarig: Kommunen\n    när: Löpande\n" for n in range(5000))
    path.write_text("titel: Stor plan\naktiviteter:\n" + rows, encoding="utf-8")
    assert len(load_yaml(path).data["aktiviteter"]) == 5000
    path.write_text("a: &a [x, y]\nb: [*a, *a, *a]\n", encoding="utf-8")
    assert load_yaml(path).data["b"] == [["x", "y"]] * 3
    path.write_text("a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 101) + "]\n",
                    encoding="utf-8")
    assert "aliasbomb" in only_problem(path).message

"""Sekretess marks in the data: how they are read, stripped and checked (pipeline/data/marks.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.data import marks
from pipeline.data.validate import validate_version
from pipeline.errors import SchemaError

ROOT = Path(__file__).resolve().parent.parent
FALUN = ROOT / "agreements" / "dalarna" / "falun"


def test_a_marked_sentence_is_read_with_its_ground():
    text = "Före. [sekretess: OSL 18 kap. 1 §]Hemlig mening.[/sekretess] Efter."
    found, wrong = marks.spans(text)
    assert wrong == []
    assert [(s.text, s.ground) for s in found] == [("Hemlig mening.", "OSL 18 kap. 1 §")]
    assert marks.strip(text) == "Före. Hemlig mening. Efter."


@pytest.mark.parametrize(
    "text", ["[Sekretess OSL 18 kap. 1 §]x[/SEKRETESS]", "[ sekretess : 21 kap. 3 § OSL ]x[ /sekretess ]"]
)
def test_tags_are_read_loosely(text):
    found, wrong = marks.spans(text)
    assert wrong == [] and found[0].text == "x" and marks.strip(text) == "x"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("[sekretess: OSL 18 kap. 1 §]aldrig stängd", "avslutas aldrig"),
        ("ingen början[/sekretess]", "utan ett"),
        ("[sekretess: OSL 18 kap. 1 §]a[sekretess: OSL 18 kap. 1 §]b[/sekretess]", "börjar innan"),
    ],
)
def test_tags_that_do_not_pair_are_reported(text, reason):
    assert any(reason in w for w in marks.spans(text)[1])


@pytest.mark.parametrize(
    "ground, ok",
    [
        ("OSL 18 kap. 1 §", True),
        ("26 kap. 1 § offentlighets- och sekretesslagen", True),
        ("", False),
        (None, False),
        ("hemligt", False),
    ],
)
def test_a_ground_names_chapter_and_section(ground, ok):
    assert (marks.ground_problem(ground) is None) == ok


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "agreements" / "dalarna"
    target.mkdir(parents=True)
    shutil.copy(ROOT / "agreements" / "dalarna" / "lan.yaml", target)
    shutil.copytree(FALUN / "2027", target / "falun" / "2027")
    shutil.copytree(FALUN / "2023", target / "falun" / "2023")
    return target / "falun" / "2027"


def test_validation_flags_a_marked_passage_without_legal_ground(tmp_path):
    version = _copy(tmp_path)
    plan = version / "planer" / "02-narkotika-unga.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("[sekretess: OSL 18 kap. 1 §]", "[sekretess]"), encoding="utf-8"
    )
    with pytest.raises(SchemaError) as caught:
        validate_version(version)
    problem = caught.value.problems[0]
    assert problem.file == plan and problem.field == "kartläggning.beskrivning" and problem.line
    assert "saknar lagrum" in problem.message and "OSL 18 kap. 1 §" in problem.hint


def test_validation_flags_a_section_mark_without_legal_ground_and_a_person_without_role(tmp_path):
    version = _copy(tmp_path)
    plan = version / "planer" / "01-trygghet-centrum.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("kartläggning:\n", "kartläggning:\n  sekretess:\n"), encoding="utf-8"
    )
    with pytest.raises(SchemaError) as caught:
        validate_version(version)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("kartläggning.sekretess", "sekretessmarkeringen saknar lagrum")
    ]


def test_an_unknown_publication_choice_is_refused(tmp_path):
    version = _copy(tmp_path)
    agreement = version / "overenskommelse.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace("publiceras_som: roll", "publiceras_som: namn"), encoding="utf-8"
    )
    with pytest.raises(SchemaError) as caught:
        validate_version(version)
    assert caught.value.problems[0].field == "underskrifter[2].publiceras_som"

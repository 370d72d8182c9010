"""Cross-field rules: a draft's plans lie within its giltighetstid, follow-ups within their plan."""

from __future__ import annotations

import pytest

from pipeline.cli import main
from pipeline.data.validate import validate_paths

from conftest import edit, new_draft


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
    assert main(["ny", str(county / "orsa"), "2027", "--flytta-datum", "2027-03-01"]) == 0
    out = capsys.readouterr().out
    assert "Flyttade 24 datum fyra år framåt:" in out
    assert "01-ordningsstorningar-centrum.yaml: period.till 2024-02-29 → 2028-02-29" in out
    assert main(["validate", str(county / "orsa" / "2027")]) == 0
    text = (county / "orsa" / "2027" / "planer" / "01-ordningsstorningar-centrum.yaml").read_text(encoding="utf-8")
    assert "från: 2027-03-01  # exempel" in text  # the secretary's comments stay


def test_without_moving_ny_lists_the_dates_to_update(county, capsys):
    assert main(["ny", str(county / "orsa"), "2027"]) == 0
    out = capsys.readouterr().out
    assert "De 24 datumen är desamma som i den förra versionen" in out and "--flytta-datum" in out
    assert "overenskommelse.yaml: giltighetstid.från 2023-03-01" in out

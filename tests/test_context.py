"""What the templates see: Swedish dates, paragraphs, derived texts, every schema field present."""

from __future__ import annotations

import datetime as dt

from conftest import ORSA_2023
from pipeline.data.validate import validate_version
from pipeline.documents import context


def test_dates_print_in_swedish_and_iso():
    day = context.SvDate(2023, 2, 13)
    assert str(day) == "13 februari 2023" and day.iso == "2023-02-13"


def test_the_agreement_context():
    data = context.agreement_context(validate_version(ORSA_2023))
    assert data["titel"] == "Samverkansöverenskommelse mellan Orsa kommun och lokalpolisområde Mora"
    assert data["statusrad"] == "Version 2023 · Beslutad av kommunstyrelsen den 13 februari 2023, § 12"
    assert data["giltighet"] == "från och med 1 mars 2023 och tills vidare"
    assert data["dnr"] == "Dnr KS 2023/0042"
    assert data["parter"]["övriga"] is None  # every schema field is there, unset ones as None
    assert isinstance(data["beslut"]["datum"], context.SvDate)
    assert "\a" in data["bakgrund"]  # a blank line in the data starts a new paragraph in Word
    police = [s for s in data["underskrifter"] if s["part"] == "Lokalpolisområde Mora"]
    assert police[0]["part_visning"] == "Polismyndigheten, lokalpolisområde Mora"


def test_the_plan_context_carries_the_agreement_it_belongs_to():
    version = validate_version(ORSA_2023)
    agreement = context.agreement_context(version)
    plan = context.plan_context(version.plans[3], agreement)
    assert plan["bilaga"] == 4 and plan["kommun"] == "Orsa kommun"
    assert plan["överenskommelse"]["version"] == "2023"
    assert any(", " in row["ansvarig"] for row in plan["aktiviteter"])  # a list of parties joined
    assert plan["period"]["från"] == dt.date(2023, 5, 1)


def test_dnr_is_written_once():
    assert context.dnr_label("KS 2023/1") == "Dnr KS 2023/1"
    assert context.dnr_label("Dnr KS 2024/163") == "Dnr KS 2024/163"

"""Old text in a new draft (pipeline/data/stale.py): times of the old period in sentences carried over
from the predecessor, a validity stated twice, the predecessor's diarienummer – warnings at their field
in a draft, errors with --strikt, nothing in a decided version."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import AGREEMENTS, edit, line_of
from pipeline.cli import main
from pipeline.data.stale import mentions
from pipeline.data.validate import validate_paths
from pipeline.versions.lifecycle import Decision, record_decision, start_version

NEW_START = dt.date(2027, 3, 1)  # Orsa 2023 starts 2023-03-01 and runs "tills vidare"
AGREEMENT = "overenskommelse.yaml"
PLAN_1 = "planer/01-ordningsstorningar-centrum.yaml"
PURPOSE = "  polisens insatser i gemensamma frågor."  # the last line of Orsa's syfte, in 2023 and in the draft


@pytest.fixture
def draft(county):
    """Orsa's 2027 draft as `ny --flytta-datum 2027-03-01 --nytt-diarienummer "KS 2027/0011"` makes it."""
    folder, _ = start_version(county / "orsa", "2027", today=dt.date(2026, 11, 2), new_start=NEW_START,
                              case_number="KS 2027/0011")
    return folder


def warnings_of(folder):
    report = validate_paths([folder])
    assert report.ok, "\n".join(p.format() for p in report.problems)
    return report.warnings


def fields(warnings, file=None):
    return [w.field for w in warnings if file is None or w.file.as_posix().endswith(file)]


def stale(warnings):
    """Return the warnings of this module (not those of the plans' links)."""
    return [w for w in warnings if "spårbarhet" not in w.message]


# --- times in running text ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, written, first, last", [
    ("senast den 31 maj 2023.", "31 maj 2023", "2023-05-31", "2023-05-31"),
    ("från den 1:a mars 2027", "1:a mars 2027", "2027-03-01", "2027-03-01"),
    ("Juni–augusti 2023, minst två", "augusti 2023", "2023-08-01", "2023-08-31"),
    ("Februari 2024", "Februari 2024", "2024-02-01", "2024-02-29"),
    ("trygghetsmätningen 2024.", "2024", "2024-01-01", "2024-12-31"),
    ("uppföljning 2023-09-15 i BRÅ", "2023-09-15", "2023-09-15", "2023-09-15"),
    ("under läsåret 2023/24", "2023/24", "2023-08-01", "2024-06-30"),
    ("anmälningar 2023–2026", "2023–2026", "2023-01-01", "2026-12-31"),
    ("anmälningar 2023-2026", "2023-2026", "2023-01-01", "2026-12-31"),
])
def test_a_date_a_month_a_year_a_school_year_and_a_range_are_times(text, written, first, last):
    found = mentions(text)
    assert [(m.text, m.span[0].isoformat(), m.span[1].isoformat()) for m in found] == [(written, first, last)]


@pytest.mark.parametrize("text", ["Dnr KS 2023/0042", "KS-2021-156", "Dnr 2019/00089-KS", "SFS 2010:800",
                                  "lag 2023:196", "12023 invånare", "§ 2023", "rum 2023a", "2023/25", "2023-02-30",
                                  "version 2,2023", "400 000 kronor"])
def test_case_numbers_statutes_and_other_numbers_are_no_times(text):
    assert mentions(text) == []


# --- 1. old times in carried-over sentences ---------------------------------------------------------------

def test_a_carried_over_sentence_with_a_time_of_the_old_period_is_a_warning_at_its_field(draft):
    warnings = stale(warnings_of(draft))
    plan = draft / PLAN_1
    found = [w for w in warnings if w.file == plan and w.field == "aktiviteter[2].när"]
    assert len(found) == 1
    warning = found[0]
    assert warning.line == line_of(plan, "när: Juni–augusti 2023")
    assert warning.message == (
        "texten står kvar oförändrad från version 2023 och nämner augusti 2023, som ligger i den versionens "
        "giltighetstid (1 mars 2023 – 28 februari 2027): \"Juni–augusti 2023, minst två helgkvällar i månaden\"")
    assert "skriv om meningen" in warning.hint
    # Before the old period (the baseline year 2022) is history: not judged.
    assert "mål.effektmål[2]" not in fields(warnings, PLAN_1)  # "… jämfört med 2022."
    assert "kartläggning.beskrivning" not in fields(warnings, PLAN_1)  # "Under 2022 har …"


@pytest.mark.parametrize("time, warned", [
    ("2022", False),
    ("den 28 februari 2023", False),  # the day before the old period
    ("den 1 mars 2023", True),  # its first day
    ("2025", True),
    ("hösten 2026", True),
    ("den 28 februari 2027", True),  # its last day: the day before the new start ("tills vidare" ends there)
    ("den 1 mars 2027", False),  # the new validity's first day
    ("2027", False),  # a year in the new period too
    ("2028", False),
    ("läsåret 2025/26", True),
    ("läsåret 2026/27", False),  # it runs into the new period
    ("2024–2026", True),
    ("2026–2028", False),
])
def test_years_inside_the_old_period_are_flagged_and_outside_not(county, draft, time, warned):
    for folder in (county / "orsa" / "2023", draft):
        edit(folder / AGREEMENT, PURPOSE, f"{PURPOSE} Arbetet följs upp {time}.")
    found = [w for w in warnings_of(draft) if w.field == "syfte"]
    assert bool(found) == warned, [w.message for w in found]
    if warned:
        assert found[0].line == line_of(draft / AGREEMENT, "syfte:")
        written = time.removeprefix("den ").removeprefix("hösten ").removeprefix("läsåret ")
        assert f"nämner {written}, som ligger i den versionens giltighetstid" in found[0].message


def test_a_sentence_rewritten_in_the_new_version_is_not_judged(county, draft):
    edit(county / "orsa" / "2023" / AGREEMENT, PURPOSE, f"{PURPOSE} Arbetet följs upp hösten 2025.")
    edit(draft / AGREEMENT, PURPOSE, f"{PURPOSE} Arbetet följdes upp hösten 2025.")
    assert "syfte" not in fields(warnings_of(draft))


def test_a_carried_over_sentence_wrapped_anew_in_the_file_is_still_carried_over(county, draft):
    edit(county / "orsa" / "2023" / AGREEMENT, PURPOSE, f"{PURPOSE} Arbetet följs upp hösten 2025.")
    edit(draft / AGREEMENT, PURPOSE, f"{PURPOSE} Arbetet följs\n  upp hösten  2025.")
    assert "syfte" in fields(warnings_of(draft))


def test_the_countys_text_and_the_example_note_are_not_judged(county, draft):
    edit(county / "lan.yaml", "dokumenteras i en egen plan som bifogas överenskommelsen.",
         "dokumenteras i en egen plan som bifogas överenskommelsen. Överenskommelsen gäller från den 1 mars 2023.")
    edit(draft / AGREEMENT, "exempel: >-\n", "exempel: >-\n  Överenskommelsen gäller från den 1 mars 2023.\n")
    warnings = warnings_of(draft)
    assert not [w for w in warnings if w.file == county / "lan.yaml"]
    assert "exempel" not in fields(warnings)


# --- 2. the validity stated twice ------------------------------------------------------------------------

def test_a_restated_validity_with_another_date_is_a_warning(draft):
    found = [w for w in warnings_of(draft) if w.field == "uppsägning"]
    assert [(w.line, w.message) for w in found] == [(
        line_of(draft / AGREEMENT, "uppsägning:"),
        "texten anger överenskommelsens giltighet en gång till, med en annan tid än giltighetstiden (från 1 mars "
        "2027, tills vidare): \"Överenskommelsen gäller från den 1 mars 2023\"")]
    assert "giltighetstid" in found[0].hint


@pytest.mark.parametrize("sentence, till, warned", [
    ("Överenskommelsen gäller från den 1 mars 2027 och tills vidare", None, False),  # the same date
    ("Överenskommelsen gäller från och med mars 2027", None, False),
    ("Denna överenskommelse ska gälla fr.o.m. 2027-03-01", None, False),
    ("Överenskommelsen gäller från den 1 april 2027", None, True),
    ("Överenskommelsen gällde från den 1 mars 2023", None, False),  # the past: history, not a validity
    ("Överenskommelsen gäller till och med den 28 februari 2031", None, True),  # giltighetstid says tills vidare
    ("Överenskommelsen gäller till och med den 28 februari 2031", "2031-02-28", False),
    ("Överenskommelsen gäller från den 1 mars 2027 och tills vidare", "2031-02-28", True),
    ("Medborgarlöftet gäller från den 1 maj 2027", None, False),  # not the agreement's validity
])
def test_a_restated_validity_is_judged_against_giltighetstid(draft, sentence, till, warned):
    edit(draft / AGREEMENT, "Överenskommelsen gäller från den 1 mars 2023 och tills vidare", sentence)
    if till:
        edit(draft / AGREEMENT, "  till: tills vidare", f"  till: {till}")
    assert ("uppsägning" in fields(warnings_of(draft))) == warned


def test_a_first_version_is_held_to_its_validity_too(county):
    folder = county / "hedemora" / "2026"  # a draft without a predecessor
    assert stale(warnings_of(folder)) == []
    edit(folder / AGREEMENT, "uppsägningstid.", "uppsägningstid. Överenskommelsen gäller från den 1 januari 2026.")
    assert fields(stale(warnings_of(folder))) == ["uppsägning"]


# --- 3. the diarienummer; 4. the old start -------------------------------------------------------------------

@pytest.mark.parametrize("number", ["KS 2023/0042", "ks  2023/0042"])
def test_the_predecessors_diarienummer_is_a_warning_at_the_field(draft, number):
    assert "diarienummer" not in fields(warnings_of(draft))
    edit(draft / AGREEMENT, "diarienummer: KS 2027/0011", f"diarienummer: {number}")
    found = [w for w in warnings_of(draft) if w.field == "diarienummer"]
    assert [(w.line, w.message) for w in found] == [(
        line_of(draft / AGREEMENT, "diarienummer:"),
        f"diarienumret {' '.join(number.split())} är den föregående versionens (version 2023)")]
    assert "nytt ärende" in found[0].hint


def test_the_number_the_predecessor_was_decided_under_is_the_predecessors_too(county, draft):
    edit(county / "orsa" / "2023" / AGREEMENT, "  diarienummer: KS 2023/0042", "  diarienummer: KS 2023/0099")
    edit(draft / AGREEMENT, "diarienummer: KS 2027/0011", "diarienummer: KS 2023/0099")
    assert "diarienummer" in fields(warnings_of(draft))


def test_a_validity_starting_when_the_old_one_did_is_a_warning_and_hides_no_old_time(county):
    folder, _ = start_version(county / "orsa", "2027", case_number="KS 2027/0011")  # dates not moved
    warnings = stale(warnings_of(folder))
    assert [(w.field, w.message) for w in warnings] == [(
        "giltighetstid.från", "giltighetstiden börjar 1 mars 2023, inte efter den föregående versionens (version "
                              "2023) start 1 mars 2023")]
    assert "--flytta-datum" in warnings[0].hint
    edit(folder / AGREEMENT, "från: 2023-03-01", "från: 2027-03-01")  # the plans' periods are errors now
    assert "aktiviteter[2].när" in fields(validate_paths([folder]).warnings, PLAN_1)  # and the old times told apart


# --- drafts only; --strikt ----------------------------------------------------------------------------------

def test_a_decided_version_gets_no_warning(draft):
    assert stale(warnings_of(draft))
    record_decision(draft, Decision("Kommunstyrelsen", dt.date.today().isoformat(), "§ 7", "KS 2027/0011"))
    assert stale(warnings_of(draft)) == []


def test_the_example_data_has_no_old_text():
    report = validate_paths([AGREEMENTS], strict=True)
    assert report.ok, "\n".join(p.format() for p in report.problems)


def test_strict_makes_the_warnings_errors_with_exit_1(draft, capsys):
    assert main(["validate", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "Varningar:" in out and f"{draft / AGREEMENT}:{line_of(draft / AGREEMENT, 'uppsägning:')}:" in out
    assert main(["validate", str(draft), "--strikt"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Fel: ") and "fältet 'uppsägning': texten anger överenskommelsens giltighet" in \
        captured.err
    assert "Traceback" not in captured.err and captured.out == ""

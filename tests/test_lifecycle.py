"""ny and beslut: a new draft never overwrites data; a decided version is sealed and stays as decided."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from conftest import edit, line_of, new_draft
from pipeline.cli import main
from pipeline.data.load import load_yaml
from pipeline.data.validate import validate_paths, validate_version
from pipeline.documents.render import render_version
from pipeline.errors import DataError, SchemaError
from pipeline.versions.lifecycle import Decision, record_decision, start_version

DECISION = Decision("Kommunstyrelsen", "2026-02-15", "§ 7", "KS 2027/0011")


def snapshot(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def draft(county):
    return new_draft(county)


def test_ny_starts_a_draft_from_the_latest_version(county, draft):
    data = load_yaml(draft / "overenskommelse.yaml").data
    assert (data["version"], data["status"], data["föregående_version"]) == ("2027", "utkast", "2023")
    assert data["datum"] == dt.date(2026, 1, 20)
    assert "beslut" not in data and "beredning" not in data
    text = (draft / "overenskommelse.yaml").read_text(encoding="utf-8")
    assert "# exempel" in text  # the secretary's comments are kept
    assert sorted(p.name for p in (draft / "planer").iterdir()) == sorted(
        p.name for p in (county / "orsa" / "2023" / "planer").iterdir())
    assert validate_paths([draft]).ok


def test_ny_never_overwrites(county, draft, capsys):
    before = snapshot(draft)
    with pytest.raises(SchemaError) as caught:
        start_version(county / "orsa", "2027")
    assert "finns redan" in caught.value.problems[0].message
    assert main(["ny", str(county / "orsa"), "2023"]) == 1
    assert "versionen finns redan; ingenting skrevs över" in capsys.readouterr().err
    assert snapshot(draft) == before


def test_ny_refuses_bad_names_and_missing_kommun(county, tmp_path):
    with pytest.raises(SchemaError):
        start_version(county / "orsa", "../x")
    with pytest.raises(DataError):
        start_version(tmp_path / "finns-inte", "2027")
    assert not any(p.name.startswith(".") for p in (county / "orsa").iterdir())


def test_beslut_records_and_seals(draft, capsys):
    assert main(["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15",
                 "--paragraf", "§ 7", "--diarienummer", "KS 2027/0011"]) == 0
    data = load_yaml(draft / "overenskommelse.yaml").data
    assert data["status"] == "beslutad"
    assert data["beslut"] == {"organ": "Kommunstyrelsen", "datum": dt.date(2026, 2, 15), "paragraf": "§ 7",
                              "diarienummer": "KS 2027/0011"}
    assert (draft / "sigill.json").is_file() and (draft / "lan-gemensamt.yaml").is_file()
    # Decided now, under lag 2023:196: the åtgärdsplan is part of the decision.
    assert sorted(p.name for p in (draft / "beslutat").iterdir()) == [
        "atgardsplan.docx", "bilaga-1-ordningsstorningar-centrum.docx", "bilaga-2-ungdomar-skolor.docx",
        "bilaga-3-hot-mot-fortroendevalda.docx", "bilaga-4-alkohol-sommarsasong.docx",
        "samverkansoverenskommelse.docx"]
    assert validate_paths([draft]).ok
    assert "Beslutet registrerat" in capsys.readouterr().out


def test_beslut_on_a_decided_version_is_refused(county, capsys):
    folder = county / "orsa" / "2023"
    before = snapshot(folder)
    assert main(["beslut", str(folder), "--organ", "KS", "--datum", "2023-02-13", "--paragraf", "§ 1",
                 "--diarienummer", "1"]) == 1
    assert "versionen är redan beslutad" in capsys.readouterr().err
    assert snapshot(folder) == before


@pytest.mark.parametrize("date", ["2026-02-30", "15 februari 2026", "", "2026-2-3", "20260215"])
def test_beslut_with_a_bad_date_writes_nothing(draft, date, capsys):
    before = snapshot(draft)
    assert main(["beslut", str(draft), "--organ", "KS", "--datum", date, "--paragraf", "§ 1",
                 "--diarienummer", "1"]) == 2  # a malformed option is a usage error
    assert "är inget datum i formen ÅÅÅÅ-MM-DD" in capsys.readouterr().err
    assert snapshot(draft) == before


def test_beslut_before_the_proposal_is_refused(draft):
    with pytest.raises(SchemaError) as caught:
        record_decision(draft, Decision("Kommunstyrelsen", "2025-12-01", "§ 1", "KS 2027/0011"))
    assert "ligger före versionens datum" in caught.value.problems[0].message


@pytest.mark.parametrize("change, words", [
    ("edit-data", "filen har ändrats sedan versionen beslutades"),
    ("add-plan", "filen har lagts till sedan versionen beslutades"),
    ("remove-archive", "filen har tagits bort sedan versionen beslutades"),
])
def test_a_sealed_version_edited_by_hand_is_refused_everywhere(sealed_county, tmp_path, capsys, change, words):
    folder = sealed_county / "orsa" / "2023"
    if change == "edit-data":
        edit(folder / "planer" / "02-ungdomar-skolor.yaml", "Orsa kommun", "Orsa kommun", 1)
        edit(folder / "overenskommelse.yaml", "Fyra gånger per år.", "Sex gånger per år.")
        changed = folder / "overenskommelse.yaml"
    elif change == "add-plan":
        changed = folder / "planer" / "05-ny.yaml"
        changed.write_text((folder / "planer" / "01-ordningsstorningar-centrum.yaml").read_text(encoding="utf-8"),
                           encoding="utf-8")
    else:
        changed = folder / "beslutat" / "samverkansoverenskommelse.docx"
        changed.unlink()
    report = validate_paths([folder])
    assert [(p.file, p.message) for p in report.problems] == [(changed, words)]
    assert "samverkan ny" in report.problems[0].hint
    assert main(["render", str(folder), "--out", str(tmp_path / "ut")]) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "ut").exists()


def test_decided_version_keeps_the_county_text_it_was_decided_with(county, draft):
    record_decision(draft, DECISION)
    edit(county / "lan.yaml", "likartat i hela länet. Dokumentationen", "likartat i länet. Dokumentationen")
    decided = validate_version(draft)
    assert "likartat i hela länet. Dokumentationen" in decided.data["dokumentation_av_problembild"]["beskrivning"]
    another, _ = start_version(county / "orsa", "2028", keep_case_number=True)
    fresh = validate_version(another)
    assert "likartat i länet. Dokumentationen" in fresh.data["dokumentation_av_problembild"]["beskrivning"]
    assert render_version(decided)


def test_beslut_in_the_future_or_with_control_characters_is_refused(draft, capsys):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert main(["beslut", str(draft), "--organ", "KS", "--datum", future, "--paragraf", "§ 1",
                 "--diarienummer", "1"]) == 1
    assert "ligger i framtiden" in capsys.readouterr().err
    assert main(["beslut", str(draft), "--organ", "Kommun\x01styrelsen", "--datum", "2026-02-15",
                 "--paragraf", "§ 1", "--diarienummer", "1"]) == 1
    err = capsys.readouterr().err
    assert "--organ" in err and "U+0001" in err


def test_a_removed_seal_is_noticed(sealed_county):
    folder = sealed_county / "orsa" / "2023"
    (folder / "sigill.json").unlink()
    (problem,) = validate_paths([folder]).problems
    assert "sigillet saknas" in problem.message


@pytest.mark.parametrize("typed, recorded", [("7", "§ 7"), ("§7", "§ 7"), (" § 12 ", "§ 12"), ("§ 3a", "§ 3a")])
def test_beslut_writes_the_paragraph_as_a_protocol_does(draft, capsys, typed, recorded):
    assert main(["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", typed,
                 "--diarienummer", "KS 2027/0011"]) == 0
    out = capsys.readouterr().out
    assert load_yaml(draft / "overenskommelse.yaml").data["beslut"]["paragraf"] == recorded
    assert (f"Obs: Paragrafen '{typed.strip()}' skrevs som '{recorded}'." in out) == (typed.strip() != recorded)


@pytest.mark.parametrize("typed", ["sju", "7, 8", "§", "KS 7"])
def test_beslut_refuses_what_is_no_paragraph(draft, capsys, typed):
    before = snapshot(draft)
    assert main(["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", typed,
                 "--diarienummer", "KS 2027/0011"]) == 1
    assert "är ingen paragraf" in capsys.readouterr().err
    assert snapshot(draft) == before


def test_beslut_checks_the_diarienummer_against_the_version(draft, capsys):
    args = ["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", "§ 7",
            "--diarienummer", "KS 2027/0099"]
    before = snapshot(draft)
    assert main(args) == 1
    assert "beslutets diarienummer KS 2027/0099 är inte versionens (KS 2027/0011)" in capsys.readouterr().err
    assert snapshot(draft) == before
    assert main(args + ["--nytt-diarienummer"]) == 0
    data = load_yaml(draft / "overenskommelse.yaml").data
    assert data["diarienummer"] == data["beslut"]["diarienummer"] == "KS 2027/0099"


# --- ny asks for the new case's diarienummer and lists what to look over; beslut shows it before sealing ---

def test_ny_without_a_diarienummer_is_refused_and_writes_nothing(county, capsys):
    before = snapshot(county / "orsa")
    assert main(["ny", str(county / "orsa"), "2027", "--flytta-datum", "2027-03-01"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Fel: {county / 'orsa'}: fältet '--nytt-diarienummer': den nya versionen behöver ett "
                          "diarienummer; version 2023 har KS 2023/0042")
    assert "--nytt-diarienummer \"KS 2027/0011\"" in err and "--behall-diarienummer" in err
    assert "Traceback" not in err
    assert snapshot(county / "orsa") == before and not (county / "orsa" / "2027").exists()


@pytest.mark.parametrize("args, words", [
    (["--nytt-diarienummer", "KS 2027/0011", "--behall-diarienummer"], "inte båda"),
    (["--nytt-diarienummer", "ks  2023/0042"], "är detsamma som den föregående versionens (version 2023)"),
    (["--nytt-diarienummer", "  "], "diarienumret får inte vara tomt"),
    (["--nytt-diarienummer", "KS 2027/\x1b0011"], "styrtecknet U+001B"),
])
def test_ny_refuses_a_diarienummer_that_cannot_be_the_new_ones(county, capsys, args, words):
    before = snapshot(county / "orsa")
    assert main(["ny", str(county / "orsa"), "2027", *args]) == 1
    assert words in capsys.readouterr().err
    assert snapshot(county / "orsa") == before


def test_ny_writes_the_new_diarienummer_and_lists_the_old_text_to_look_over(county, capsys):
    assert main(["ny", str(county / "orsa"), "2027", "--flytta-datum", "2027-03-01",
                 "--nytt-diarienummer", "KS 2027/0011"]) == 0
    out = capsys.readouterr().out
    folder = county / "orsa" / "2027"
    text = (folder / "overenskommelse.yaml").read_text(encoding="utf-8")
    assert "\ndiarienummer: KS 2027/0011\n" in text
    assert "Diarienummer: KS 2027/0011." in out
    warnings = validate_paths([folder]).warnings
    assert out.index("Varningar: ") > out.index("Skapade ") and f"Varningar: {len(warnings)} " in out
    agreement = folder / "overenskommelse.yaml"
    assert (f"{agreement}:{line_of(agreement, 'uppsägning:')}:13: fältet 'uppsägning': texten anger "
            "överenskommelsens giltighet en gång till") in out
    plan = folder / "planer" / "04-alkohol-sommarsasong.yaml"
    assert (f"{plan}:{line_of(plan, 'när: Före midsommar 2023')}:10: fältet 'aktiviteter[3].när': texten står kvar "
            "oförändrad från version 2023 och nämner 2023") in out
    assert "fältet 'diarienummer'" not in out


def test_ny_keeping_the_diarienummer_says_so_and_warns_until_it_is_changed(county, capsys):
    assert main(["ny", str(county / "orsa"), "2027", "--flytta-datum", "2027-03-01", "--behall-diarienummer"]) == 0
    out = capsys.readouterr().out
    agreement = county / "orsa" / "2027" / "overenskommelse.yaml"
    assert "\ndiarienummer: KS 2023/0042  # exempel\n" in agreement.read_text(encoding="utf-8")  # as it was
    assert ("Diarienumret KS 2023/0042 är kvar från version 2023 (--behall-diarienummer). Skriv det nya ärendets "
            "diarienummer i fältet diarienummer när det finns.") in out
    assert (f"{agreement}:{line_of(agreement, 'diarienummer: KS')}:15: fältet 'diarienummer': diarienumret "
            "KS 2023/0042 är den föregående versionens (version 2023)") in out
    edit(agreement, "diarienummer: KS 2023/0042", "diarienummer: KS 2027/0011")
    assert not [w for w in validate_paths([agreement.parent]).warnings if w.field == "diarienummer"]


@pytest.fixture
def moved(county):
    """Orsa's 2027 draft with its dates moved: its carried-over text names the old period."""
    folder, _ = start_version(county / "orsa", "2027", today=dt.date(2026, 1, 20), new_start=dt.date(2027, 3, 1),
                              case_number="KS 2027/0011")
    return folder


BESLUT = ["--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", "§ 7", "--diarienummer", "KS 2027/0011"]


def test_beslut_lists_the_warnings_before_it_seals(moved, capsys):
    warnings = validate_paths([moved]).warnings
    assert main(["beslut", str(moved), *BESLUT]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Varningar före beslutet: {len(warnings)} (versionen beslutas och förseglas som den är; "
                          "--strikt stoppar beslutet):\n")
    assert "fältet 'uppsägning': texten anger överenskommelsens giltighet en gång till" in out
    assert out.index("fältet 'uppsägning'") < out.index("Beslutet registrerat och versionen förseglad")
    assert (moved / "sigill.json").is_file()


def test_beslut_hands_over_the_warnings_before_anything_is_written(moved):
    seen = []

    def before_sealing(warnings):
        seen.append((len(warnings), (moved / "sigill.json").exists(), (moved / "beslutat").exists()))

    sealed = record_decision(moved, Decision("Kommunstyrelsen", "2026-02-15", "§ 7", "KS 2027/0011"),
                             before_sealing=before_sealing)
    assert seen == [(len(sealed.warnings), False, False)] and sealed.warnings


def test_beslut_strikt_refuses_a_draft_with_warnings_and_writes_nothing(moved, capsys):
    before = snapshot(moved)
    assert main(["beslut", str(moved), *BESLUT, "--strikt"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Fel: ") and "fältet 'uppsägning': texten anger" in captured.err
    assert "Traceback" not in captured.err and "Beslutet registrerat" not in captured.out
    assert snapshot(moved) == before


def test_beslut_with_a_new_diarienummer_no_longer_warns_about_the_old(county, capsys):
    folder, _ = start_version(county / "orsa", "2027", today=dt.date(2026, 1, 20), keep_case_number=True)
    assert main(["beslut", str(folder), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", "§ 7",
                 "--diarienummer", "KS 2027/0011", "--nytt-diarienummer"]) == 0
    out = capsys.readouterr().out
    assert "Varningar före beslutet" in out and "fältet 'diarienummer'" not in out

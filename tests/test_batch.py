"""batch: every kommun generated, incremental, isolated failures, safe to interrupt and to run twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ROOT, edit, posix_signals
from pipeline.cli import main
from pipeline.county import work
from pipeline.county.batch import BATCH_LOCK_FILE, run_batch
from pipeline.county.manifest import MANIFEST_FILE
from pipeline.errors import OutputError
from pipeline.files.lock import Lock
from synthetic import make_country

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def country(tmp_path):
    return make_country(tmp_path / "agreements", 4, plans=2)


def outputs(out):
    return {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*.docx")}


def visible_names(folder):
    """Return the names a user sees in a folder (not samverkan's own hidden list of its files)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_first_run_makes_everything(country, tmp_path):
    out = tmp_path / "ut"
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert report.ok, [p.format() for p in report.problems]
    kommun = out / "dalarna" / "exempelby001"
    assert visible_names(kommun / "2023") == visible_names(kommun / "2027") == [
        "atgardsplan.docx", "bilaga-1-plan.docx", "bilaga-2-plan.docx", "samverkansoverenskommelse.docx"]
    assert visible_names(kommun / "andringar-2023-2027") == [
        "andringar-bilaga-1-plan.docx", "andringar-bilaga-2-plan.docx",
        "andringar-samverkansoverenskommelse.docx", "tjansteskrivelse.docx"]
    assert (out / "dalarna" / "lansoversikt.docx").is_file()
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert len(manifest["jobb"]) == 4 * 3 + 1
    assert len(outputs(out)) == 4 * (4 + 4 + 4) + 1  # each version: agreement, 2 bilagor, åtgärdsplan


def test_second_run_writes_nothing_and_says_so(country, tmp_path, capsys):
    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    before = outputs(out)
    manifest_before = (out / MANIFEST_FILE).read_bytes()
    assert main(["batch", str(country.parent), "--out", str(out), "--jobs", "1", "--datum", "2026-11-27"]) == 0
    assert "Inget har ändrats sedan förra körningen; inga filer skrevs" in capsys.readouterr().out
    assert outputs(out) == before
    assert (out / MANIFEST_FILE).read_bytes() == manifest_before


def test_only_what_changed_is_redone(country, tmp_path):
    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    before = outputs(out)
    edit(country / "exempelby002" / "2027" / "planer" / "02-plan.yaml", "titel: ", "titel: Reviderad: ")
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert sorted(r.key for r in report.ran) == ["dalarna/exempelby002/2027",
                                                 "dalarna/exempelby002/andringar-2023-2027"]
    changed = {p for p, m in outputs(out).items() if before.get(p) != m}
    assert changed and all(str(p).startswith("dalarna/exempelby002/") or p.name == "lansoversikt.docx"
                           for p in changed)
    assert not any("/2023/" in str(p) for p in changed)


@pytest.mark.slow  # two batch runs
def test_a_new_logo_remakes_the_kommuns_memo_and_nothing_else(country, tmp_path):
    import shutil
    import zipfile

    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    shutil.copyfile(ROOT / "agreements" / "dalarna" / "falun" / "logo.png", country / "exempelby002" / "logo.png")
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    ran = sorted(r.key for r in report.ran)
    assert "dalarna/exempelby002/andringar-2023-2027" in ran
    assert all(key.startswith("dalarna/exempelby002/") for key in ran)
    memo = out / "dalarna" / "exempelby002" / "andringar-2023-2027" / "tjansteskrivelse.docx"
    assert any(name.startswith("word/media/") for name in zipfile.ZipFile(memo).namelist())


def test_force_redoes_everything(country, tmp_path):
    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    report = run_batch(country.parent, out, jobs=1, force=True, today=TODAY)
    assert len(report.ran) == 12 and report.skipped == 0


def test_a_broken_kommun_does_not_stop_the_others(country, tmp_path, capsys):
    edit(country / "exempelby003" / "2027" / "overenskommelse.yaml", "bakgrund:", "bakgrun:")
    out = tmp_path / "ut"
    code = main(["batch", str(country.parent), "--out", str(out), "--jobs", "2", "--datum", "2026-11-27"])
    captured = capsys.readouterr()
    assert code == 1
    assert "okänt fält 'bakgrun'" in captured.out and "Menade du 'bakgrund'?" in captured.out
    assert (out / "dalarna" / "exempelby003" / "2023" / "samverkansoverenskommelse.docx").is_file()
    assert not (out / "dalarna" / "exempelby003" / "2027").exists()
    for other in ("exempelby001", "exempelby002", "exempelby004"):
        assert (out / "dalarna" / other / "andringar-2023-2027" / "tjansteskrivelse.docx").is_file()
    # The broken version is tried (and reported) again on the next run; the rest is not redone.
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert [r.key for r in report.ran] == ["dalarna/exempelby003/2027", "dalarna/exempelby003/andringar-2023-2027"]
    assert not report.ok


def test_parallel_and_serial_runs_give_identical_files(country, tmp_path):
    run_batch(country.parent, tmp_path / "a", jobs=1, today=TODAY)
    run_batch(country.parent, tmp_path / "b", jobs=2, today=TODAY)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.docx"))
    assert files_a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.docx"))
    for name in files_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_kommun_without_versions_and_duplicate_names(country, tmp_path):
    (country / "tom").mkdir()
    shutil.copytree(country / "exempelby001", country / "exempelbÿ001")  # the same name but for an accent
    report = run_batch(country.parent, tmp_path / "ut", jobs=1, today=TODAY)
    messages = {(p.file.name, p.message.split(":")[0]) for p in report.problems}
    assert ("tom", "kommunmappen saknar versioner") in messages
    assert ("exempelby001", "två kommunmappar har samma namn") in messages or \
           ("exempelbÿ001", "två kommunmappar har samma namn") in messages
    assert (tmp_path / "ut" / "dalarna" / "exempelby002" / "2027").is_dir()


def test_missing_predecessor_is_reported(country, tmp_path):
    edit(country / "exempelby004" / "2027" / "overenskommelse.yaml", 'föregående_version: "2023"',
         'föregående_version: "2019"')
    report = run_batch(country.parent, tmp_path / "ut", jobs=1, today=TODAY)
    assert any(p.field == "föregående_version" and "'2019' finns inte" in p.message for p in report.problems)


def test_output_inside_the_data_is_refused(country, capsys):
    assert main(["batch", str(country.parent), "--out", str(country / "ut")]) == 1
    assert "utdatamappen ligger i datamappen" in capsys.readouterr().err
    assert not (country / "ut").exists()


def test_a_second_batch_at_the_same_time_is_refused(country, tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    with Lock(out, "batch", BATCH_LOCK_FILE), pytest.raises(OutputError) as caught:
        run_batch(country.parent, out, jobs=1, today=TODAY)
    assert "en annan körning (batch, process" in caught.value.problems[0].message
    assert not list(out.rglob("*.docx"))


def test_removed_version_takes_its_outputs_along(country, tmp_path):
    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    shutil.rmtree(country / "exempelby001" / "2027")
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert report.ok
    assert not (out / "dalarna" / "exempelby001" / "2027" / "samverkansoverenskommelse.docx").exists()
    assert not (out / "dalarna" / "exempelby001" / "andringar-2023-2027" / "tjansteskrivelse.docx").exists()


def test_interrupted_run_records_only_finished_work(country, tmp_path, monkeypatch):
    out = tmp_path / "ut"
    real = work.run_task
    calls = []

    def interrupted(task):
        calls.append(task)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(work, "run_task", interrupted)
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert report.interrupted
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    for entry in manifest["jobb"].values():
        for name in entry["filer"]:
            assert (out / name).is_file()
    monkeypatch.setattr(work, "run_task", real)
    (out / "dalarna" / ".samverkan-tmp-abc-n0").write_bytes(b"PK")  # what a killed write leaves
    (out / "dalarna" / ".halv.docx.abc.tmp").write_bytes(b"PK")  # a user's own file: not ours
    report = run_batch(country.parent, out, jobs=1, today=TODAY)
    assert report.ok and len(report.ran) == 12 - 2 * 3
    assert not list(out.rglob(".samverkan-tmp-*"))
    assert (out / "dalarna" / ".halv.docx.abc.tmp").read_bytes() == b"PK"


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
@posix_signals
def test_killed_process_leaves_no_half_written_file(tmp_path):
    country = make_country(tmp_path / "agreements", 12, plans=3)
    out = tmp_path / "ut"
    command = [sys.executable, "-m", "pipeline", "batch", str(country.parent), "--out", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.docx"))) < 20:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for path in out.rglob("*.docx"):
        with zipfile.ZipFile(path) as archive:  # a half-written .docx is not a valid zip
            assert archive.testzip() is None
    manifest = out / MANIFEST_FILE
    if manifest.exists():
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["jobb"].values():
            for name in entry["filer"]:
                assert (out / name).is_file()
    report = run_batch(country.parent, out, jobs=2, today=TODAY)
    assert report.ok, [p.format() for p in report.problems]
    assert len(list(out.rglob("*.docx"))) == 12 * (5 + 5 + 5) + 1  # versions with their åtgärdsplan
    assert not list(out.rglob("*.tmp"))


def test_overview_flags(county, tmp_path):
    """Orsa's agreement runs tills vidare; a kommun with only a draft is flagged."""
    from pipeline.documents.overview import kommun_row

    facts = [{"kommun": "Exempelby kommun", "lokalpolisområde": "Mora", "version": "2023", "status": "beslutad",
              "datum": "2023-01-01", "från": "2023-03-01", "till": "2027-03-31", "beslut": "KS"}]
    row = kommun_row("exempelby", facts, False, TODAY)
    assert row["flagga"] == "Löper ut 31 mars 2027" and row["gällande"] == "2023"
    draft = [dict(facts[0], status="utkast")]
    assert kommun_row("exempelby", draft, False, TODAY)["flagga"] == "Saknar beslutad version"
    ended = [dict(facts[0], till="2025-12-31")]
    assert kommun_row("exempelby", ended, False, TODAY)["flagga"] == "Ingen överenskommelse gäller"
    lasting = [dict(facts[0], till="tills vidare")]
    assert kommun_row("exempelby", lasting, True, TODAY)["flagga"] == "Fel i data – se valideringen"


def test_overview_document(country, tmp_path):
    import docx

    out = tmp_path / "ut"
    run_batch(country.parent, out, jobs=1, today=TODAY)
    document = docx.Document(out / "dalarna" / "lansoversikt.docx")
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells][:3] == ["Kommun", "Lokalpolisområde", "Gällande version"]
    assert [r.cells[0].text for r in table.rows[1:]] == [f"Exempelby{i:03d} kommun" for i in range(1, 5)]
    assert all(r.cells[4].text == "2027 (utkast)" for r in table.rows[1:])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Läget den 27 november 2026" in text and "(antagande)" in text


def test_overview_names_each_police_area_once_and_flags_a_coming_version():
    from pipeline.documents.overview import kommun_row, overview_context

    county = {"län": "Dalarnas län", "polisorganisation": {"lokalpolisområden": [
        {"namn": "Mora", "kommuner": ["Mora", "Orsa"], "källa": "morakommun.se", "säkerhet": "källa"},
        {"namn": "Mora", "kommuner": ["Leksand"], "källa": "antagande: sju kommuner", "säkerhet": "antagande"}]}}
    areas = overview_context(county, [], TODAY)["lokalpolisområden"]
    assert len(areas) == 1 and areas[0].startswith("Lokalpolisområde Mora: Mora, Orsa, Leksand (antagande).")
    assert "Källa: morakommun.se." in areas[0] and "antagande: sju" not in areas[0]
    facts = [{"kommun": "Orsa kommun", "lokalpolisområde": "Mora", "version": v, "status": "beslutad",
              "datum": d, "från": f, "till": "tills vidare", "beslut": "KS"}
             for v, d, f in (("2023", "2023-01-31", "2023-03-01"), ("2027", "2026-10-01", "2027-03-01"))]
    row = kommun_row("orsa", facts, False, TODAY)
    assert row["gällande"] == "2023" and row["flagga"] == "Version 2027 beslutad, gäller från 1 mars 2027"


def test_an_unreadable_county_file_is_a_located_error_not_a_traceback(sealed_county, tmp_path, capsys,
                                                                      monkeypatch):
    """As a user without read permission meets it (the tests may run as root, so the refusal is simulated)."""
    import builtins
    import errno
    import io

    target = str(sealed_county / "lan.yaml")
    real_open, real_os_open = builtins.open, os.open

    def refuse(path):
        if not isinstance(path, int) and os.fspath(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", target)

    def guarded_open(file, *args, **kwargs):
        refuse(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path, *args, **kwargs):
        refuse(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    code = main(["batch", str(sealed_county.parent), "--out", str(tmp_path / "ut"), "--jobs", "1"])
    captured = capsys.readouterr()
    err = captured.out + captured.err
    assert code == 1 and "Traceback" not in err
    assert f"{target}: filen kan inte läsas (behörighet saknas)" in err
    assert "övriga kommuner är genererade" not in err  # none could be: every kommun needs the county file


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
def test_public_documents_are_made_for_versions_and_comparisons_never_for_follow_ups(tmp_path):
    from conftest import AGREEMENTS

    county = tmp_path / "agreements" / "dalarna"
    county.mkdir(parents=True)
    shutil.copy(AGREEMENTS / "dalarna" / "lan.yaml", county / "lan.yaml")
    shutil.copytree(AGREEMENTS / "dalarna" / "avesta", county / "avesta")  # two versions, follow-ups on 2024
    out = tmp_path / "ut"
    report = run_batch(county, out, jobs=1, public=True)
    assert not report.problems, report.problems
    public = sorted(p.relative_to(out).parent.as_posix() for p in out.rglob("offentlig/*.docx"))
    assert "dalarna/avesta/2024/uppfoljning/offentlig" not in public  # a first-agreement memo was written here
    assert {"dalarna/avesta/2020/offentlig", "dalarna/avesta/2024/offentlig",
            "dalarna/avesta/andringar-2020-2024/offentlig"} == set(public)

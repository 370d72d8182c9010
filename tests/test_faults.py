"""Every multi-file change completes or leaves everything as before: beslut, forsegla, ny, render,
and the web app's saving and plan buttons.

Each command is interrupted at every file-system change in turn – in-process with a
full disk (``OSError``), and in a child process killed outright (no clean-up runs).
A full disk leaves the folder exactly as before (the change is undone while the process
lives) or, where the command went on without the failed call, exactly as after. A kill
leaves it as before when it came before the change was decided (the journal committed by
an atomic rename) and as after once it was decided: the next command completes it. Running
the command again after an interruption completes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import webcalls
from conftest import edit, new_draft
from faults import ALL_CHANGES, Faults, disk_full, install
from pipeline.cli import main
from pipeline.documents.lagesbild import render_with_lagesbild as render  # what `samverkan render` runs
from pipeline.errors import PipelineError
from pipeline.files.lock import LOCK_FILE, holder_of
from pipeline.versions.lifecycle import Decision, record_decision, seal_decided, start_version

HERE = Path(__file__).resolve().parent
DECISION = Decision("Kommunstyrelsen", "2026-02-15", "§ 7", "KS 2027/0011")
BESLUT_ARGS = ["--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", "§ 7",
               "--diarienummer", "KS 2027/0011"]


def snapshot(folder: Path) -> dict[str, str]:
    """Return every file and folder below ``folder`` (hidden ones too) with its checksum.

    A lock file that no live run holds is left out: when removing a lock fails, the lock is
    stale and the next run takes it over (tested in test_safety).
    """
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
            for p in sorted(folder.rglob("*"))
            if not (p.name == LOCK_FILE and holder_of(p.parent) is None)}


# --- the commands, each on a fresh copy -----------------------------------------------------------

@pytest.fixture
def pristine(county, tmp_path):
    """Return a county copy with a draft 2027 of Orsa, to be copied for every interruption."""
    new_draft(county)
    return county


def fresh(pristine: Path, tmp_path: Path, k: int) -> Path:
    """Return a copy of the county file and Orsa, all that the commands here touch."""
    target = tmp_path / f"run-{k}" / "agreements" / "dalarna"
    shutil.copytree(pristine / "orsa", target / "orsa")
    shutil.copy2(pristine / "lan.yaml", target / "lan.yaml")
    return target


COMMANDS = {
    # name: (folder that changes, in-process call, CLI arguments)
    "beslut": (lambda c: c / "orsa" / "2027", lambda c: record_decision(c / "orsa" / "2027", DECISION),
               lambda c: ["beslut", str(c / "orsa" / "2027"), *BESLUT_ARGS]),
    "forsegla": (lambda c: c / "orsa" / "2023", lambda c: seal_decided(c / "orsa" / "2023"),
                 lambda c: ["forsegla", str(c / "orsa" / "2023")]),
    "ny": (lambda c: c / "orsa", lambda c: start_version(c / "orsa", "2028", today=dt.date.today(),
                                                                case_number="KS 2028/0001"),
           lambda c: ["ny", str(c / "orsa"), "2028", "--nytt-diarienummer", "KS 2028/0001"]),
    "render": (lambda c: c.parent.parent / "ut", lambda c: render(c / "orsa" / "2027", c.parent.parent / "ut"),
               lambda c: ["render", str(c / "orsa" / "2027"), "--out", str(c.parent.parent / "ut")]),
    **{f"webb-{name}": (lambda c: c / "orsa" / "2027", lambda c, call=call: call(c / "orsa" / "2027"),
                        lambda c, name=name: ["--webb", name, str(c / "orsa" / "2027")])
       for name, call in webcalls.CALLS.items()},
}


def prepare(name: str, county: Path) -> None:
    """Give the render case earlier outputs to replace (and one bilaga that must go)."""
    if name == "render":
        render(county / "orsa" / "2027", county.parent.parent / "ut")
        (county / "orsa" / "2027" / "planer" / "03-hot-mot-fortroendevalda.yaml").unlink()
        edit(county / "orsa" / "2027" / "overenskommelse.yaml", "diarienummer: KS 2027/0011",
             "diarienummer: KS 2027/0012")


def before_and_after(name: str, pristine: Path, tmp_path: Path) -> tuple[dict, dict]:
    """Return the changing folder's snapshot before the command and after an uninterrupted run."""
    county = fresh(pristine, tmp_path, 0)
    prepare(name, county)
    folder, call, _ = COMMANDS[name]
    before = snapshot(folder(county))
    call(county)
    return before, snapshot(folder(county))


def settle_and_snapshot(name: str, county: Path) -> dict:
    """Let the next command (validate) settle the data, then return the changing folder's state."""
    folder = COMMANDS[name][0](county)
    main(["validate", str(county / "orsa")])
    if name == "render":  # an output folder is settled by the next write into it
        from pipeline.files import transaction

        transaction.settle(folder)
    return snapshot(folder)


# --- in-process: a full disk at every change ----------------------------------------------------

@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_full_disk_at_any_change_leaves_everything_as_before(name, pristine, tmp_path):
    before, after = before_and_after(name, pristine, tmp_path)
    counting = Faults(None, disk_full)
    county = fresh(pristine, tmp_path, 1)
    prepare(name, county)
    undo = install(counting, ALL_CHANGES)
    try:
        COMMANDS[name][1](county)
    finally:
        undo()
    assert counting.count > 5
    for k in range(1, counting.count + 1):
        county = fresh(pristine, tmp_path, 100 + k)
        prepare(name, county)
        undo = install(Faults(k, disk_full), ALL_CHANGES)
        try:
            COMMANDS[name][1](county)
            failed = False  # e.g. no hard link for a backup: the change goes on without one
        except PipelineError:
            failed = True
        finally:
            undo()
        state = settle_and_snapshot(name, county)
        where = f"{name}: change {k} of {counting.count} ({counting.names[k - 1]})"
        assert state == (before if failed else after), f"{where} left a half-made state"
        if failed:
            COMMANDS[name][1](county)  # the next run completes
            assert snapshot(COMMANDS[name][0](county)) == after, where


# --- a child process killed at every change -----------------------------------------------------

def run_killed(county: Path, arguments: list[str], k: int, count_file: Path) -> int:
    return subprocess.run([sys.executable, str(HERE / "crash_at.py"), str(k), str(count_file), *arguments],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=county.parent.parent).returncode


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_kill_before_the_decision_leaves_the_old_state_and_after_it_the_new(name, pristine, tmp_path):
    """The moment a change is decided is the atomic rename of its journal (or of a staged new
    version folder): killed before it, the next command finds everything as before; killed after
    it – while the files are being moved into place – the next command completes the change."""
    before, after = before_and_after(name, pristine, tmp_path)
    count_file = tmp_path / "count"
    county = fresh(pristine, tmp_path, 1)
    prepare(name, county)
    assert run_killed(county, COMMANDS[name][2](county), 0, count_file) == 0
    total, *decided_at = (int(n) for n in count_file.read_text().split())
    assert total > 3
    assert len(decided_at) == 1, f"{name}: one change decided once, not at {decided_at}"
    decision = decided_at[0]
    assert 1 < decision < total, f"{name}: changes come before and after the decision ({decision} of {total})"
    for k in range(1, total + 1):
        county = fresh(pristine, tmp_path, 100 + k)
        prepare(name, county)
        assert run_killed(county, COMMANDS[name][2](county), k, count_file) == 137
        state = settle_and_snapshot(name, county)
        if k <= decision:
            assert state == before, f"{name}: a kill at change {k}, before the decision ({decision}), left " \
                                    f"{'the new state' if state == after else 'a half-made state'}"
            if name.startswith("webb-"):
                COMMANDS[name][1](county)  # the next press of the button completes
            else:
                assert main(COMMANDS[name][2](county)) == 0, f"{name}: the run after a kill at change {k} failed"
            assert snapshot(COMMANDS[name][0](county)) == after
        else:
            assert state == after, f"{name}: a kill at change {k}, after the decision ({decision}), was not " \
                                   f"completed: {'rolled back' if state == before else 'a half-made state'}"

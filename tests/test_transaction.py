"""All-or-nothing changes to a folder, step by step: staging, the journal, completing, undoing, and
what a journal or a name may hold.

tests/test_faults.py interrupts whole commands at every change; these tests hold each promise of
pipeline/files/transaction.py on its own, on a small folder.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from faults import Faults, disk_full, install
from pipeline.errors import OutputError
from pipeline.files import transaction
from pipeline.files.lock import LOCK_FILE, Busy, Lock
from pipeline.files.transaction import JOURNAL, TEMP_PREFIX

MODULE = ("pipeline.files.transaction",)


@pytest.fixture(autouse=True)
def elsewhere(tmp_path_factory, monkeypatch):
    """Run each test in an empty folder of its own: a mutant that loses a folder argument (so that
    os.scandir(None) lists the current folder) then removes nothing but that folder's contents."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def files(folder: Path) -> dict[str, bytes | str]:
    """Return everything below ``folder``: files with their bytes, links as "-> target", folders as "/"."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "/"
        else:
            found[name] = path.read_bytes()
    return found


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "mapp"
    root.mkdir()
    (root / "a.txt").write_bytes(b"gammal a")
    (root / "b.txt").write_bytes(b"gammal b")
    return root


class Only(Faults):
    """Counts only the calls of one kind (faults.py counts every opening for writing too)."""

    def __init__(self, fail_at: int | None, kind: str):
        super().__init__(fail_at, disk_full)
        self.kind = kind

    def step(self, name, *paths):
        if name == self.kind:
            super().step(name, *paths)


def failing(k: int, kind: str = "replace"):
    """Return an undo function after making the k-th call of ``kind`` in transaction fail."""
    return install(Only(k, kind), frozenset({kind}), MODULE)


def journal_of(root: Path, writes: dict, removes=()) -> dict:
    """Return the journal of a change staged (decided) but not yet moved into place."""
    return transaction._stage(root, writes, list(removes))


# --- apply ------------------------------------------------------------------------------------------

def test_apply_writes_new_and_replaced_files_removes_others_and_leaves_nothing_of_its_own(folder):
    written = transaction.apply(folder, {"a.txt": b"ny a", "sub/c.txt": b"ny c"}, ["b.txt"])
    assert written == [folder / "a.txt", folder / "sub" / "c.txt"]
    assert files(folder) == {"a.txt": b"ny a", "sub": "/", "sub/c.txt": b"ny c"}


def test_a_failure_moving_files_into_place_puts_everything_back(folder):
    undo = failing(3)  # 1: the journal; 2: a.txt moved into place; 3: sub/c.txt
    try:
        with pytest.raises(OutputError) as caught:
            transaction.apply(folder, {"a.txt": b"ny a", "sub/c.txt": b"ny c"}, ["b.txt"])
    finally:
        undo()
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}
    problem = caught.value.problems[0]
    assert problem.message == "ändringen kunde inte göras (disken är full); allt är som förut"
    assert problem.hint.startswith("Stäng dokument som är öppna i Word")


def test_a_failure_that_cannot_be_undone_either_is_completed_by_the_next_change(folder):
    class FromTheSecond(Only):  # a.txt into place fails, and so does every replace after it
        def step(self, name, *paths):
            super().step(name, *paths)
            if self.count >= 2:
                disk_full(name)
    undo = install(FromTheSecond(None, "replace"), frozenset({"replace"}), MODULE)
    try:
        with pytest.raises(OutputError) as caught:
            transaction.apply(folder, {"a.txt": b"ny a"}, ["b.txt"])
    finally:
        undo()
    problem = caught.value.problems[0]
    assert problem.message == "ändringen avbröts (disken är full) och kunde inte ångras nu"
    assert problem.hint.startswith("Den slutförs nästa gång ett kommando används på mappen.")
    assert (folder / JOURNAL).exists()
    transaction.apply(folder, {"d.txt": b"d"})  # the next change first completes the interrupted one
    assert files(folder) == {"a.txt": b"ny a", "d.txt": b"d"}


def test_a_failure_while_staging_changes_nothing_and_says_so(folder):
    undo = failing(2, "open")  # 1: a.txt's temporary file
    try:
        with pytest.raises(OutputError) as caught:
            transaction.apply(folder, {"a.txt": b"ny a", "c.txt": b"ny c"})
    finally:
        undo()
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}
    assert (caught.value.problems[0].message, caught.value.problems[0].hint) == (
        "ändringen kunde inte förberedas (disken är full)", "Ingenting ändrades.")


def test_apply_first_completes_a_change_interrupted_after_its_decision(folder):
    journal_of(folder, {"a.txt": b"avbruten a"}, ["b.txt"])  # decided, then "killed"
    transaction.apply(folder, {"c.txt": b"c"})
    assert files(folder) == {"a.txt": b"avbruten a", "c.txt": b"c"}


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_folder_or_link_where_a_file_goes_stops_the_change_and_undoes_it(folder, kind):
    if kind == "folder":
        (folder / "c.txt").mkdir()
    else:
        (folder / "c.txt").symlink_to(folder / "b.txt")
    before = files(folder)
    with pytest.raises(OutputError) as caught:
        transaction.apply(folder, {"a.txt": b"ny a", "c.txt": b"ny c"})
    assert files(folder) == before  # a.txt, already moved, is back too
    problem = caught.value.problems[0]
    assert (problem.file, problem.message) == (folder / "c.txt",
                                               "målet är en länk eller en mapp; ändringen slutförs inte")
    assert problem.hint == f"Ta bort {folder / 'c.txt'} och kör kommandot igen."


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_file_or_link_where_a_folder_goes_stops_the_change_and_undoes_it(folder, tmp_path, kind):
    outside = tmp_path / "utanför"
    outside.mkdir()
    if kind == "file":
        (folder / "sub").write_bytes(b"en fil")
    else:
        (folder / "sub").symlink_to(outside, target_is_directory=True)
    before = files(folder)
    with pytest.raises(OutputError) as caught:
        transaction.apply(folder, {"a.txt": b"ny a", "sub/c.txt": b"ny c"})
    assert files(folder) == before
    assert list(outside.iterdir()) == []  # nothing was written through the link
    assert [(p.file, p.message) for p in caught.value.problems] == [{
        # a file is noticed while the change is prepared, a link as the files are moved into place
        "file": (folder, "ändringen kunde inte förberedas (en del av sökvägen är inte en mapp)"),
        "link": (folder / "sub", "är en länk eller en fil, inte en mapp; samverkan skriver inte genom länkar"),
    }[kind]]


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_file_or_link_put_where_a_decided_change_makes_a_folder_is_not_written_through(folder, tmp_path, kind):
    outside = tmp_path / "utanför"
    outside.mkdir()
    journal_of(folder, {"sub/c.txt": b"ny c"})
    if kind == "file":
        (folder / "sub").write_bytes(b"en fil")
    else:
        (folder / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError) as caught:
        transaction.recover(folder)
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (folder / "sub", "är en länk eller en fil, inte en mapp; samverkan skriver inte genom länkar")]
    assert list(outside.iterdir()) == [] and (folder / JOURNAL).exists()


def test_folders_a_change_made_go_when_it_is_undone(folder):
    undo = failing(3)  # 2: deep/er/c.txt moved into place; 3: e.txt fails
    try:
        with pytest.raises(OutputError):
            transaction.apply(folder, {"deep/er/c.txt": b"c", "e.txt": b"e"})
    finally:
        undo()
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_a_folder_holding_something_else_is_kept_when_a_change_is_undone(folder):
    journal = journal_of(folder, {"ny/c.txt": b"c"})
    (folder / "ny").mkdir()
    (folder / "ny" / "annat.txt").write_bytes(b"annat")
    transaction._roll_back(folder, journal)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b", "ny": "/", "ny/annat.txt": b"annat"}


def test_new_folders_are_listed_outermost_first_and_once(folder):
    (folder / "finns").mkdir()
    assert transaction._new_folders(folder, {"x/y/z.txt": b"", "x/w.txt": b"", "finns/v.txt": b"",
                                             "finns/ny/u.txt": b"", "top.txt": b""}) == [
        "x", "x/y", "finns/ny"]


def test_apply_refuses_a_name_outside_the_folder_before_touching_anything(folder):
    with pytest.raises(OutputError) as caught:
        transaction.apply(folder, {"a.txt": b"ny"}, ["../b.txt"])
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}
    assert caught.value.problems[0].message == "sökvägen '../b.txt' leder utanför mappen och används inte"


def test_apply_takes_the_folders_lock_unless_the_caller_holds_it(folder):
    with Lock(folder, "en annan körning"):
        transaction.apply(folder, {"c.txt": b"c"}, locked=True)
        assert (folder / "c.txt").read_bytes() == b"c"
    with Lock(folder, "en annan körning"):
        # held by this process under another name: the same process may not take it twice
        (folder / LOCK_FILE).write_text(json.dumps({"pid": 1, "dator": "annan-dator"}), encoding="utf-8")
        with pytest.raises(Busy):
            transaction.apply(folder, {"d.txt": b"d"})
    assert not (folder / "d.txt").exists()


def test_a_removal_of_a_missing_file_a_folder_or_a_link_does_nothing(folder):
    (folder / "mapp").mkdir()
    (folder / "länk").symlink_to(folder / "a.txt")
    transaction.apply(folder, {}, ["saknas.txt", "mapp", "länk"])
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b", "länk": f"-> {folder / 'a.txt'}",
                             "mapp": "/"}


def test_a_removed_file_is_put_back_when_the_change_is_undone(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"}, ["b.txt"])
    os.unlink(folder / "b.txt")  # removed as the change went on, then undone
    transaction._roll_back(folder, journal)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_a_file_recreated_after_its_removal_is_not_overwritten_by_the_undo(folder):
    journal = journal_of(folder, {}, ["b.txt"])
    os.unlink(folder / "b.txt")
    (folder / "b.txt").write_bytes("ny b av någon annan".encode())
    transaction._roll_back(folder, journal)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": "ny b av någon annan".encode()}


def test_a_file_the_change_created_is_removed_when_it_is_undone(folder):
    journal = journal_of(folder, {"c.txt": b"c", "a.txt": b"ny a"})
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "c.txt")  # moved before the failure
    transaction._roll_back(folder, journal)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


# --- the journal on disk ----------------------------------------------------------------------------

def test_the_journal_lists_temporary_files_targets_checksums_backups_and_new_folders(folder):
    journal = journal_of(folder, {"a.txt": b"ny a", "n/c.txt": b"c"}, ["b.txt"])
    assert json.loads((folder / JOURNAL).read_text(encoding="utf-8")) == journal
    assert journal["format"] == 1 and journal["nya_mappar"] == ["n"]
    first, second = journal["skriv"]
    assert (first["mål"], first["sha256"], second["mål"], second["kopia"]) == (
        "a.txt", transaction.sha256(b"ny a"), "n/c.txt", None)
    for name in (first["tmp"], first["kopia"], journal["ta_bort"][0]["kopia"]):
        assert name.startswith(TEMP_PREFIX) and "/" not in name
    assert (folder / first["tmp"]).read_bytes() == b"ny a"
    assert (folder / first["kopia"]).read_bytes() == b"gammal a"  # a second name of the old file
    assert os.path.samefile(folder / first["kopia"], folder / "a.txt")
    assert journal["ta_bort"][0]["mål"] == "b.txt"
    assert {first["tmp"], first["kopia"], second["tmp"]} < set(os.listdir(folder))


def test_a_target_that_is_a_link_or_folder_gets_no_backup(folder):
    (folder / "länk").symlink_to(folder / "a.txt")
    (folder / "mapp").mkdir()
    assert transaction._backup(folder, "länk", TEMP_PREFIX + "x") is None
    assert transaction._backup(folder, "mapp", TEMP_PREFIX + "y") is None
    assert transaction._backup(folder, "saknas", TEMP_PREFIX + "z") is None
    assert transaction._backup(folder, "a.txt", TEMP_PREFIX + "v") == TEMP_PREFIX + "v"


def test_without_hard_links_a_change_goes_on_without_backups(folder):
    undo = install(Faults(1, lambda name: (_ for _ in ()).throw(OSError(errno.EPERM, "no links"))),
                   frozenset({"link"}), MODULE)
    try:
        assert transaction._backup(folder, "a.txt", TEMP_PREFIX + "v") is None
    finally:
        undo()


@pytest.mark.parametrize("journal, why", [
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "n0", "mål": "../utanför.txt", "kopia": None}], "ta_bort": []},
     "a target above the folder"),
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "n0", "mål": "/etc/passwd", "kopia": None}], "ta_bort": []},
     "an absolute target"),
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "n0", "mål": ".", "kopia": None}], "ta_bort": []},
     "the folder itself as a target"),
    ({"format": 1, "skriv": [{"tmp": "../" + TEMP_PREFIX + "n0", "mål": "a.txt", "kopia": None}], "ta_bort": []},
     "a temporary file above the folder"),
    ({"format": 1, "skriv": [{"tmp": "a.txt", "mål": "b.txt", "kopia": None}], "ta_bort": []},
     "a temporary file that is not one of ours"),
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "n0", "mål": "a.txt", "kopia": "b.txt"}], "ta_bort": []},
     "a backup that is not one of ours"),
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "n0", "mål": "a.txt", "kopia": TEMP_PREFIX + "a\\b"}],
      "ta_bort": []}, "a backup with a backslash"),
    ({"format": 1, "skriv": [{"tmp": TEMP_PREFIX + "a/b", "mål": "a.txt", "kopia": None}], "ta_bort": []},
     "a temporary file in a subfolder"),
    ({"format": 1, "skriv": [], "ta_bort": [{"mål": "../b.txt", "kopia": None}]}, "a removal above the folder"),
    ({"format": 1, "skriv": [], "ta_bort": [{"mål": "b.txt", "kopia": "a.txt"}]}, "a removal's foreign backup"),
    ({"format": 1, "skriv": [], "ta_bort": [], "nya_mappar": [".."]}, "a new folder above the folder"),
    ({"format": 1, "skriv": [{"tmp": 7, "mål": "a.txt", "kopia": None}], "ta_bort": []}, "a number as a name"),
    ({"format": 1, "skriv": [{"mål": "a.txt", "kopia": None}], "ta_bort": []}, "a write without its file"),
    ({"format": 1, "skriv": []}, "no removals"),
    ([], "not a mapping"),
])
def test_a_journal_that_is_not_one_of_ours_is_refused_and_nothing_is_touched(folder, journal, why):
    (folder / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    before = files(folder)
    with pytest.raises(OutputError) as caught:
        transaction.recover(folder)
    assert files(folder) == before, why
    problem = caught.value.problems[0]
    assert (problem.file, problem.message) == (folder / JOURNAL, "journalen över en avbruten ändring kan inte läsas")
    assert problem.hint.startswith("Kontrollera mappens filer mot en säkerhetskopia")


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", None])
def test_a_journal_that_cannot_be_read_or_is_no_file_is_refused(folder, content):
    if content is None:
        (folder / JOURNAL).mkdir()
    else:
        (folder / JOURNAL).write_bytes(content)
    with pytest.raises(OutputError):
        transaction.recover(folder)


def test_a_journal_that_is_a_link_is_not_followed(folder, tmp_path):
    good = journal_of(tmp_path, {})
    (tmp_path / "riktig.json").write_text(json.dumps(good), encoding="utf-8")
    (folder / JOURNAL).symlink_to(tmp_path / "riktig.json")
    with pytest.raises(OutputError):
        transaction.recover(folder)


def test_a_journal_of_ours_is_read_back_as_written(folder):
    journal = journal_of(folder, {"a.txt": b"ny a", "n/c.txt": b"c"}, ["b.txt"])
    assert transaction._read_journal(folder / JOURNAL) == journal


# --- recover, settle and tidy -------------------------------------------------------------------------

def test_recover_completes_a_decided_change_and_removes_its_backups(folder):
    journal_of(folder, {"a.txt": b"ny a", "n/c.txt": b"c"}, ["b.txt"])
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"ny a", "n": "/", "n/c.txt": b"c"}


def test_recover_completes_a_change_interrupted_half_way(folder):
    journal = journal_of(folder, {"a.txt": b"ny a", "c.txt": b"c"})
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "a.txt")  # the first one was moved
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"ny a", "b.txt": b"gammal b", "c.txt": b"c"}


def test_recover_finishes_undoing_a_change_whose_undo_was_interrupted(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"}, ["b.txt"])
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "a.txt")
    os.unlink(folder / "b.txt")
    transaction._write_journal(folder, dict(journal, ångra=True), TEMP_PREFIX + "j9")  # undo decided
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_recover_removes_the_leftovers_of_an_undecided_change_and_nothing_else(folder):
    (folder / (TEMP_PREFIX + "abc-n0")).write_bytes(b"halv")
    staged = folder / (TEMP_PREFIX + "ny-2028")
    (staged / "planer").mkdir(parents=True)
    (staged / "planer" / "01.yaml").write_bytes(b"x")
    (staged / "länk").symlink_to(folder / "a.txt")
    (folder / ".samverkan-annat").write_bytes("inte tillfällig".encode())
    (folder / "x.samverkan-tmp-").write_bytes(b"inte heller")
    assert transaction.recover(folder) is False
    assert files(folder) == {".samverkan-annat": "inte tillfällig".encode(), "a.txt": b"gammal a", "b.txt": b"gammal b",
                             "x.samverkan-tmp-": b"inte heller"}


def test_settle_does_nothing_to_a_folder_without_a_journal_lock_or_leftovers(folder):
    transaction.settle(folder)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}
    assert transaction._leftovers(folder) is False
    assert transaction._leftovers(folder / "saknas") is False


def test_settle_completes_a_decided_change_before_anything_is_read(folder):
    journal_of(folder, {"a.txt": b"ny a"})
    transaction.settle(folder)
    assert files(folder) == {"a.txt": b"ny a", "b.txt": b"gammal b"}


def test_settle_clears_leftovers(folder):
    (folder / (TEMP_PREFIX + "abc-n0")).write_bytes(b"halv")
    assert transaction._leftovers(folder) is True
    transaction.settle(folder)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_settle_refuses_while_another_run_changes_the_folder_unless_not_strict(folder):
    journal_of(folder, {"a.txt": b"ny a"})
    (folder / LOCK_FILE).write_text(json.dumps({"pid": 1, "dator": "annan-dator", "kommando": "beslut"}),
                                    encoding="utf-8")
    with pytest.raises(Busy) as caught:
        transaction.settle(folder)
    assert caught.value.problems[0].message.startswith("mappen ändras just nu av en annan körning (")
    assert caught.value.problems[0].hint == "Vänta tills den är klar och försök igen."
    transaction.settle(folder, strict=False)  # quietly: the other run completes it
    assert (folder / "a.txt").read_bytes() == b"gammal a"


def test_settle_within_the_lock_this_process_holds_leaves_the_folder_to_it(folder):
    with Lock(folder, "skriver"):
        journal_of(folder, {"a.txt": b"ny a"})
        transaction.settle(folder)
        assert (folder / JOURNAL).exists()
    transaction.settle(folder)
    assert files(folder) == {"a.txt": b"ny a", "b.txt": b"gammal b"}


def test_settle_goes_on_reading_where_leftovers_cannot_be_removed(folder):
    (folder / (TEMP_PREFIX + "abc-n0")).write_bytes(b"halv")
    undo = failing(1, "unlink")
    try:
        transaction.settle(folder)  # no error: only leftovers
    finally:
        undo()
    assert (folder / (TEMP_PREFIX + "abc-n0")).exists()


def test_settle_reports_a_decided_change_that_cannot_be_completed(folder):
    journal_of(folder, {"a.txt": b"ny a"})
    undo = failing(1, "replace")
    try:
        with pytest.raises(OutputError) as caught:
            transaction.settle(folder)
    finally:
        undo()
    problem = caught.value.problems[0]
    assert problem.message == "en avbruten ändring kan inte slutföras (disken är full)"
    assert problem.hint == "Kontrollera att mappen går att skriva i och försök igen."


# --- names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a.txt", "sub/c.txt", "ett namn med mellanslag.docx", "a..b", ".dold"])
def test_a_plain_relative_name_is_accepted(folder, name):
    assert transaction.check_relative(folder, name).as_posix() == name


@pytest.mark.parametrize("name", ["", "..", "../a", "a/../../b", "a/..", ".", "./a", "a/./b", "/etc/passwd",
                                  "//server/share", "a\\b", "..\\a", "C:/a", "C:a", "a//b", "a/"])
def test_a_name_that_could_lead_outside_the_folder_is_refused(folder, name):
    with pytest.raises(OutputError) as caught:
        transaction.check_relative(folder, name)
    assert caught.value.problems[0].message == f"sökvägen '{name}' leder utanför mappen och används inte"
    assert caught.value.problems[0].file == folder


@pytest.mark.parametrize("name", [TEMP_PREFIX + "x", TEMP_PREFIX])
def test_a_temporary_name_of_ours_is_accepted(name):
    assert transaction._check_temporary(name) is None  # no ValueError


@pytest.mark.parametrize("name", ["a.txt", ".samverkan-journal.json", "x" + TEMP_PREFIX, TEMP_PREFIX + "a/b",
                                  TEMP_PREFIX + "a\\b", None, 3])
def test_a_name_that_is_not_a_temporary_file_of_ours_is_refused(name):
    with pytest.raises(ValueError):
        transaction._check_temporary(name)


def test_write_new_writes_everything_and_never_over_an_existing_file_or_through_a_link(folder, tmp_path):
    data = bytes(range(256)) * 5000
    transaction.write_new(folder / "stor.bin", data)
    assert (folder / "stor.bin").read_bytes() == data
    with pytest.raises(FileExistsError):
        transaction.write_new(folder / "a.txt", b"x")
    (folder / "länk").symlink_to(tmp_path / "mål.txt")
    with pytest.raises(OSError):
        transaction.write_new(folder / "länk", b"x")
    assert not (tmp_path / "mål.txt").exists()
    assert (folder / "a.txt").read_bytes() == b"gammal a"


def test_write_new_writes_in_as_many_pieces_as_the_system_takes(folder):
    calls = []

    class Slow:
        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def write(handle, view):
            calls.append(len(view))
            return os.write(handle, bytes(view[:3]))

    transaction.os = Slow()
    try:
        transaction.write_new(folder / "c.txt", b"abcdefgh")
    finally:
        transaction.os = os
    assert (folder / "c.txt").read_bytes() == b"abcdefgh" and calls == [8, 5, 2]


def test_sha256_is_the_hex_digest():
    assert transaction.sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --- what a change tells others, and what reading never does -----------------------------------------

class Recorded(Lock):
    """A lock that notes the purpose it was taken for."""

    purposes: list[str] = []

    def __init__(self, folder, purpose, *args, **kwargs):
        Recorded.purposes.append(purpose)
        super().__init__(folder, purpose, *args, **kwargs)


@pytest.fixture
def purposes(monkeypatch) -> list[str]:
    Recorded.purposes = []
    monkeypatch.setattr(transaction, "Lock", Recorded)
    return Recorded.purposes


def test_the_lock_says_what_the_change_does(folder, purposes):
    transaction.apply(folder, {"c.txt": b"c"})
    transaction.apply(folder, {"d.txt": b"d"}, purpose="beslut")
    transaction.apply(folder, {"e.txt": b"e"}, locked=True)
    journal_of(folder, {"a.txt": b"ny a"})
    transaction.settle(folder)
    assert purposes == ["skriver", "beslut", "slutför en avbruten ändring"]


def test_reading_a_settled_folder_takes_no_lock_and_writes_nothing(folder, purposes):
    transaction.settle(folder)
    transaction.settle(folder, strict=False)
    assert purposes == []


def test_problems_name_the_folder(folder):
    with pytest.raises(OutputError) as caught:
        transaction.apply(folder, {"../x": b"x"})
    assert caught.value.problems[0].file == folder
    undo = failing(2)
    try:
        with pytest.raises(OutputError) as caught:
            transaction.apply(folder, {"a.txt": b"ny a"})
    finally:
        undo()
    assert caught.value.problems[0].file == folder
    assert caught.value.problems[0].hint == ("Stäng dokument som är öppna i Word eller ett annat program och "
                                             "försök igen.")


def test_a_change_that_cannot_be_undone_names_the_folder_and_what_to_do(folder):
    class FromTheSecond(Only):
        def step(self, name, *paths):
            super().step(name, *paths)
            if self.count >= 2:
                disk_full(name)
    undo = install(FromTheSecond(None, "replace"), frozenset({"replace"}), MODULE)
    try:
        with pytest.raises(OutputError) as caught:
            transaction.apply(folder, {"a.txt": b"ny a"})
    finally:
        undo()
    assert (caught.value.problems[0].file, caught.value.problems[0].hint) == (
        folder, "Den slutförs nästa gång ett kommando används på mappen. Stäng dokument som är öppna i Word.")


def test_settle_names_the_busy_folder_and_the_unfinishable_change(folder):
    journal_of(folder, {"a.txt": b"ny a"})
    (folder / LOCK_FILE).write_text(json.dumps({"pid": 1, "dator": "annan-dator", "kommando": "beslut"}),
                                    encoding="utf-8")
    with pytest.raises(Busy) as caught:
        transaction.settle(folder)
    assert caught.value.problems[0].file == folder
    (folder / LOCK_FILE).unlink()
    undo = failing(1)
    try:
        with pytest.raises(OutputError) as caught:
            transaction.settle(folder)
    finally:
        undo()
    assert caught.value.problems[0].file == folder


def test_an_undo_already_decided_is_not_decided_again(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"})
    transaction._write_journal(folder, dict(journal, ångra=True), TEMP_PREFIX + "j9")
    counting = Only(None, "replace")
    undo = install(counting, frozenset({"replace"}), MODULE)
    try:
        transaction.recover(folder)
    finally:
        undo()
    assert counting.commits() == []  # the journal is not written again, only the files put back
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_an_undo_is_decided_in_the_journal_before_any_file_is_put_back(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"})
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "a.txt")
    counting = Only(None, "replace")
    undo = install(counting, frozenset({"replace"}), MODULE)
    try:
        transaction._roll_back(folder, journal)
    finally:
        undo()
    assert counting.commits() == [1] and counting.count == 2  # the journal, then the backup of a.txt
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_a_journal_without_its_list_of_new_folders_is_still_completed_or_undone(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"})
    del journal["nya_mappar"]  # as journals were before new folders were listed
    (folder / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"ny a", "b.txt": b"gammal b"}
    journal = journal_of(folder, {"a.txt": b"nyare a"})
    del journal["nya_mappar"]
    (folder / JOURNAL).write_text(json.dumps(dict(journal, ångra=True)), encoding="utf-8")
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"ny a", "b.txt": b"gammal b"}


def test_leftovers_are_removed_without_following_links_to_folders(folder, tmp_path):
    outside = tmp_path / "utanför"
    outside.mkdir()
    (outside / "viktig.txt").write_bytes("orörd".encode())
    (folder / (TEMP_PREFIX + "länk")).symlink_to(outside, target_is_directory=True)
    staged = folder / (TEMP_PREFIX + "ny-2028")
    staged.mkdir()
    (staged / "länk").symlink_to(outside, target_is_directory=True)
    transaction.recover(folder)
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}
    assert files(outside) == {"viktig.txt": "orörd".encode()}


def test_an_undo_interrupted_after_its_journal_is_finished_backwards_by_the_next_command(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"}, ["b.txt"])
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "a.txt")
    os.unlink(folder / "b.txt")
    undo = failing(2)  # 1: the undo's journal; 2: putting a.txt back fails
    try:
        with pytest.raises(OSError):
            transaction._roll_back(folder, journal)
    finally:
        undo()
    assert json.loads((folder / JOURNAL).read_text(encoding="utf-8"))["ångra"] is True
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_an_undo_interrupted_after_putting_a_file_back_does_not_remove_it(folder):
    journal = journal_of(folder, {"a.txt": b"ny a"})
    os.replace(folder / journal["skriv"][0]["tmp"], folder / "a.txt")
    transaction._write_journal(folder, dict(journal, ångra=True), TEMP_PREFIX + "j9")
    os.replace(folder / journal["skriv"][0]["kopia"], folder / "a.txt")  # put back, then killed
    assert transaction.recover(folder) is True
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b"}


def test_every_replaced_and_removed_file_has_its_own_backup_and_comes_back(folder):
    (folder / "c.txt").write_bytes(b"gammal c")
    (folder / "d.txt").write_bytes(b"gammal d")
    undo = failing(4)  # 1: the journal; 2, 3: a.txt and b.txt moved into place; 4: e.txt fails
    try:
        with pytest.raises(OutputError):
            transaction.apply(folder, {"a.txt": b"ny a", "b.txt": b"ny b", "e.txt": b"e"}, ["c.txt", "d.txt"])
    finally:
        undo()
    assert files(folder) == {"a.txt": b"gammal a", "b.txt": b"gammal b", "c.txt": b"gammal c",
                             "d.txt": b"gammal d"}
    journal = journal_of(folder, {"a.txt": b"x", "b.txt": b"y"}, ["c.txt", "d.txt"])
    backups = [e["kopia"] for e in journal["skriv"] + journal["ta_bort"]]
    assert None not in backups and len(set(backups)) == 4


def test_new_files_get_the_permissions_of_the_users_umask(folder):
    old = os.umask(0o022)
    try:
        transaction.write_new(folder / "c.txt", b"c")
        transaction.apply(folder, {"d.txt": b"d"})
    finally:
        os.umask(old)
    assert [(folder / name).stat().st_mode & 0o777 for name in ("c.txt", "d.txt")] == [0o644, 0o644]


def test_a_journal_that_cannot_be_read_says_how_to_go_on(folder):
    (folder / JOURNAL).write_text("{", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        transaction.recover(folder)
    assert caught.value.problems[0].hint == ("Kontrollera mappens filer mot en säkerhetskopia och ta sedan bort "
                                             "journalfilen.")

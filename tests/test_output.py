"""Output folders: only files samverkan wrote (and nobody changed since) are written over or removed,
nothing is written through a link, and the list of our files is kept with them in one step.

tests/test_safety.py holds these promises through whole commands; these tests hold each rule of
pipeline/files/output.py on a small folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from faults import Faults, disk_full, install
from pipeline.errors import OutputError
from pipeline.files import output, transaction
from pipeline.files.lock import LOCK_FILE, Lock
from pipeline.files.output import LEDGER, Ledger
from pipeline.files.transaction import JOURNAL, sha256


@pytest.fixture(autouse=True)
def elsewhere(tmp_path_factory, monkeypatch):
    """Run each test in an empty folder of its own: a mutant that loses a folder argument (so that
    os.scandir(None) lists the current folder) then removes nothing but that folder's contents."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def visible_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != LEDGER}


def ledger_of(folder: Path) -> dict:
    return json.loads((folder / LEDGER).read_text(encoding="utf-8"))


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "ut"


# --- writing -------------------------------------------------------------------------------------------

def test_write_all_writes_the_files_and_lists_them_with_checksum_and_size(out):
    written = output.write_all(out, {"b.docx": b"bbb", "a.docx": b"aa"})
    assert written == [out / "b.docx", out / "a.docx"]
    assert visible_files(out) == {"a.docx": b"aa", "b.docx": b"bbb"}
    assert ledger_of(out) == {
        "format": 1,
        "om": "Filer som samverkan har skrivit i mappen. Bara dessa skrivs över eller tas bort.",
        "filer": {
            "a.docx": {"sha256": sha256(b"aa"), "storlek": 2},
            "b.docx": {"sha256": sha256(b"bbb"), "storlek": 3},
        },
    }
    assert list(ledger_of(out)["filer"]) == ["a.docx", "b.docx"]  # sorted, so the list is the same every time
    assert (out / LEDGER).read_text(encoding="utf-8").endswith("}\n")


def test_our_own_files_are_written_over_and_stale_ones_removed(out):
    output.write_all(out, {"bilaga-1.docx": b"1", "bilaga-2.docx": b"2", "x.docx": b"x"})
    result = output.publish(out, {"bilaga-1.docx": b"ett"}, stale=("bilaga-*.docx",))
    assert (result.written, result.removed) == ([out / "bilaga-1.docx"], [out / "bilaga-2.docx"])
    assert visible_files(out) == {"bilaga-1.docx": b"ett", "x.docx": b"x"}
    assert set(ledger_of(out)["filer"]) == {"bilaga-1.docx", "x.docx"}


def test_a_stale_pattern_matches_case_sensitively_and_never_a_foreign_file(out):
    output.write_all(out, {"bilaga-1.docx": b"1", "Bilaga-2.docx": b"2"})
    (out / "bilaga-3.docx").write_bytes("en användares fil".encode())
    result = output.publish(out, {}, stale=("bilaga-*.docx",))
    assert result.removed == [out / "bilaga-1.docx"]
    assert set(visible_files(out)) == {"Bilaga-2.docx", "bilaga-3.docx"}


def test_a_foreign_file_with_a_name_we_need_is_an_error_and_nothing_is_written(out):
    out.mkdir()
    (out / "a.docx").write_bytes(b"en annans")
    with pytest.raises(OutputError) as caught:
        output.write_all(out, {"a.docx": b"v\xc3\xa5r", "b.docx": b"b"})
    assert visible_files(out) == {"a.docx": b"en annans"}
    problem = caught.value.problems[0]
    assert (problem.file, problem.message) == (
        out / "a.docx",
        "filen finns redan och är inte skriven av samverkan (eller har ändrats sedan); den skrivs inte över",
    )
    assert problem.hint == "Flytta eller byt namn på filen, eller välj en annan mapp med --out."


def test_one_of_our_files_edited_since_is_not_written_over(out):
    output.write_all(out, {"a.docx": "vår".encode()})
    (out / "a.docx").write_bytes(b"redigerad")
    with pytest.raises(OutputError):
        output.write_all(out, {"a.docx": b"ny"})
    (out / "a.docx").write_bytes(b"v\xc3\xa4r")  # same size as ours, other bytes
    with pytest.raises(OutputError):
        output.write_all(out, {"a.docx": b"ny"})
    assert (out / "a.docx").read_bytes() == b"v\xc3\xa4r"


def test_a_state_file_we_wrote_may_be_replaced_even_when_changed_since(out):
    output.write_all(out, {"manifest.json": b"{}"})
    (out / "manifest.json").write_bytes(b'{"changed": 1}')
    output.publish(out, {"manifest.json": b"{}\n"}, replace=("manifest.json",))
    assert (out / "manifest.json").read_bytes() == b"{}\n"
    (out / "other.json").write_bytes(b"foreign")
    with pytest.raises(OutputError):  # only once this program wrote it
        output.publish(out, {"other.json": b"x"}, replace=("other.json",))


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", LEDGER, LOCK_FILE, JOURNAL])
def test_an_output_name_that_is_no_plain_file_name_or_one_of_our_own_is_refused(out, name):
    with pytest.raises(OutputError) as caught:
        output.write_all(out, {name: b"x", "ok.docx": b"ok"})
    assert [(p.file, p.message) for p in caught.value.problems] == [(out / name, "ogiltigt filnamn för utdata")]
    assert not (out / "ok.docx").exists()


def test_a_folder_or_link_with_a_name_we_need_is_an_error_naming_each(out, tmp_path):
    out.mkdir()
    (out / "a.docx").mkdir()
    (out / "b.docx").symlink_to(tmp_path / "elsewhere.docx")
    with pytest.raises(OutputError) as caught:
        output.write_all(out, {"a.docx": b"a", "b.docx": b"b", "c.docx": b"c"})
    assert [(p.file, p.message, p.hint) for p in caught.value.problems] == [
        (out / "a.docx", "kan inte skrivas: det finns en mapp med samma namn", None),
        (
            out / "b.docx",
            "kan inte skrivas: det finns en länk med samma namn, och samverkan skriver inte genom länkar",
            "Ta bort länken eller välj en annan mapp med --out.",
        ),
    ]
    assert not (tmp_path / "elsewhere.docx").exists() and not (out / "c.docx").exists()


def test_publish_first_completes_an_interrupted_write(out):
    from pipeline.files import transaction

    output.write_all(out, {"a.docx": b"a"})
    transaction._stage(out, {"b.docx": b"b"}, [])  # decided, then killed
    output.write_all(out, {"c.docx": b"c"})
    assert visible_files(out) == {"a.docx": b"a", "b.docx": b"b", "c.docx": b"c"}


# --- removing ------------------------------------------------------------------------------------------


def test_remove_owned_removes_only_our_unchanged_files(out):
    output.write_all(out, {"a.docx": b"a", "b.docx": b"b", "c.docx": b"c"})
    (out / "b.docx").write_bytes(b"changed")
    (out / "d.docx").write_bytes(b"foreign")
    removed = output.remove_owned(out, ["a.docx", "b.docx", "d.docx", "missing.docx"])
    assert removed == [out / "a.docx"]
    assert visible_files(out) == {"b.docx": b"changed", "c.docx": b"c", "d.docx": b"foreign"}
    assert set(ledger_of(out)["filer"]) == {"b.docx", "c.docx"}


def test_a_listed_file_that_is_gone_leaves_the_list(out):
    output.write_all(out, {"a.docx": b"a", "b.docx": b"b"})
    (out / "a.docx").unlink()
    assert output.remove_owned(out, ["a.docx"]) == []
    assert set(ledger_of(out)["filer"]) == {"b.docx"}


def test_a_file_we_write_now_is_never_removed_as_stale(out):
    output.write_all(out, {"bilaga-1.docx": b"1"})
    result = output.publish(out, {"bilaga-1.docx": b"1"}, stale=("bilaga-*",), remove=("bilaga-1.docx",))
    assert result.removed == [] and (out / "bilaga-1.docx").exists()


def test_remove_owned_leaves_a_missing_folder_or_a_file_in_its_place_alone(tmp_path):
    assert output.remove_owned(tmp_path / "saknas", ["a.docx"]) == []
    (tmp_path / "fil").write_bytes(b"x")
    assert output.remove_owned(tmp_path / "fil", ["a.docx"]) == []
    assert not (tmp_path / "saknas").exists() and (tmp_path / "fil").read_bytes() == b"x"


# --- the list of our files -----------------------------------------------------------------------------


def test_owns_is_true_only_for_a_listed_plain_file_with_its_size_and_checksum(out, tmp_path):
    output.write_all(out, {"a.docx": b"abc", "b.docx": b"b", "c.docx": b"c"})
    assert output.owns(out, "a.docx") is True
    assert output.owns(out, "saknas.docx") is False
    (out / "b.docx").write_bytes(b"x")  # same size
    assert output.owns(out, "b.docx") is False
    (out / "c.docx").unlink()
    (out / "c.docx").symlink_to(tmp_path / "c")
    (tmp_path / "c").write_bytes(b"c")
    assert output.owns(out, "c.docx") is False
    (out / "a.docx").unlink()
    assert output.owns(out, "a.docx") is False


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        b'{"format": 2, "filer": {"a.docx": {"sha256": "x", "storlek": 1}}}',
        b'{"format": 1}',
        b'{"format": 1, "filer": []}',
        "\xff".encode("latin-1"),
    ],
)
def test_a_list_that_cannot_be_read_or_has_the_wrong_shape_counts_as_empty(out, content):
    out.mkdir()
    (out / "a.docx").write_bytes(b"a")
    (out / LEDGER).write_bytes(content)
    assert Ledger.read(out).files == {}
    with pytest.raises(OutputError):
        output.write_all(out, {"a.docx": b"ny"})


def test_a_list_that_is_a_link_or_folder_counts_as_empty(out, tmp_path):
    output.write_all(out, {"a.docx": b"a"})
    real = tmp_path / "riktig.json"
    os.replace(out / LEDGER, real)
    (out / LEDGER).symlink_to(real)
    assert Ledger.read(out).files == {}
    (out / LEDGER).unlink()
    (out / LEDGER).mkdir()
    assert Ledger.read(out).files == {}


def test_entries_of_the_wrong_shape_are_dropped_from_the_list(out):
    out.mkdir()
    good = {"sha256": sha256(b"a"), "storlek": 1}
    (out / LEDGER).write_text(
        json.dumps(
            {
                "format": 1,
                "filer": {
                    "a.docx": good,
                    "../x": good,
                    "sub/b.docx": good,
                    "c\\d": good,
                    "..": good,
                    ".": good,
                    "e.docx": {"sha256": 1, "storlek": 1},
                    "f.docx": {"sha256": "x", "storlek": "1"},
                    "g.docx": "x",
                    "h.docx": {"storlek": 1},
                },
            }
        ),
        encoding="utf-8",
    )
    assert Ledger.read(out).files == {"a.docx": good}


def test_adopt_lists_files_an_earlier_version_wrote_when_they_are_unchanged(out):
    out.mkdir()
    (out / "a.docx").write_bytes(b"a")
    (out / "b.docx").write_bytes(b"changed")
    (out / "sub").mkdir()
    output.adopt(
        out, {"a.docx": sha256(b"a"), "b.docx": sha256(b"b"), "missing.docx": sha256(b"m"), "sub/c.docx": sha256(b"c")}
    )
    assert ledger_of(out)["filer"] == {"a.docx": {"sha256": sha256(b"a"), "storlek": 1}}
    output.adopt(out, {"a.docx": sha256(b"other")})  # already listed: kept as it is
    assert ledger_of(out)["filer"]["a.docx"]["sha256"] == sha256(b"a")


def test_adopt_writes_nothing_when_nothing_is_found(out):
    out.mkdir()
    output.adopt(out, {"a.docx": hashlib.sha256(b"a").hexdigest()})
    assert list(out.iterdir()) == []


# --- folders -------------------------------------------------------------------------------------------


def test_prepare_folder_creates_the_folders_between_and_returns_the_folder(tmp_path):
    assert output.prepare_folder(tmp_path / "ut" / "a" / "b", within=tmp_path / "ut") == tmp_path / "ut" / "a" / "b"
    assert (tmp_path / "ut" / "a" / "b").is_dir()
    assert output.prepare_folder(tmp_path / "annan", within=tmp_path / "ut") == tmp_path / "annan"


def test_a_link_between_the_output_root_and_the_folder_is_refused(tmp_path):
    (tmp_path / "ut").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "ut" / "a").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut" / "a" / "b", within=tmp_path / "ut")
    assert [(p.file, p.message, p.hint) for p in caught.value.problems] == [
        (
            tmp_path / "ut" / "a",
            "är en länk; samverkan skriver inte genom länkar",
            "Ta bort länken, eller välj en annan mapp med --out.",
        )
    ]
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_output_root_that_is_a_link_is_refused_naming_where_it_leads(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "ut").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut")
    assert [(p.message, p.hint) for p in caught.value.problems] == [
        (
            "utdatamappen är en länk; samverkan skriver inte genom länkar",
            f"Ange mappen som länken pekar på: --out {tmp_path / 'elsewhere'}",
        )
    ]


def test_a_file_where_the_output_folder_or_a_folder_above_it_goes_is_an_error(tmp_path):
    (tmp_path / "fil").write_bytes(b"x")
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "fil")
    assert caught.value.problems[0].message == "utdatamappen kan inte skapas: en fil med samma namn finns"
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "fil" / "ut")
    assert caught.value.problems[0].message == "utdatamappen kan inte skapas: en del av sökvägen är en fil"
    (tmp_path / "ut").mkdir()
    (tmp_path / "ut" / "fil").write_bytes(b"x")
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut" / "fil" / "b", within=tmp_path / "ut")
    assert caught.value.problems[0].message == "utdatamappen kan inte skapas: en fil med samma namn finns"


def test_a_folder_that_cannot_be_written_is_an_error(tmp_path, monkeypatch):
    asked = []

    def access(path, mode):  # as for a read-only folder (root may write anywhere, so it is simulated)
        asked.append((Path(path), mode))
        return False

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut")
    assert (caught.value.problems[0].message, caught.value.problems[0].hint) == (
        "utdatamappen är skrivskyddad",
        "Välj en annan mapp med --out, eller ändra mappens behörigheter.",
    )
    assert asked == [(tmp_path / "ut", os.W_OK | os.X_OK)]


def test_the_output_folder_may_not_lie_in_the_data_or_hold_it(tmp_path):
    data = tmp_path / "agreements"
    data.mkdir()
    output.check_output_place(data, tmp_path / "ut")
    for inside in (data, data / "ut"):
        with pytest.raises(OutputError) as caught:
            output.check_output_place(data, inside)
        assert (caught.value.problems[0].message, caught.value.problems[0].hint) == (
            f"utdatamappen ligger i datamappen {data}",
            "Välj en mapp utanför data, t.ex. --out ut i projektmappen.",
        )
    with pytest.raises(OutputError) as caught:
        output.check_output_place(data, tmp_path)
    assert (caught.value.problems[0].message, caught.value.problems[0].hint) == (
        f"datamappen {data} ligger i utdatamappen",
        "Välj en utdatamapp som inte innehåller data.",
    )


# --- every error names its folder, and what it was doing ------------------------------------------------


def raising(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.mark.parametrize(
    "exc, message",
    [
        (PermissionError(13, "denied"), "utdatamappen kan inte läsas (behörighet saknas)"),
        (NotADirectoryError(20, "not a dir"), "utdatamappen kan inte skapas: en del av sökvägen är en fil"),
    ],
)
def test_a_folder_that_cannot_be_looked_at_is_an_error_naming_it(tmp_path, monkeypatch, exc, message):
    monkeypatch.setattr(output.os, "lstat", raising(exc))
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut")
    assert [(p.file, p.message) for p in caught.value.problems] == [(tmp_path / "ut", message)]


@pytest.mark.parametrize(
    "exc, message",
    [
        (FileExistsError(17, "exists"), "utdatamappen kan inte skapas: en fil med samma namn finns"),
        (NotADirectoryError(20, "not a dir"), "utdatamappen kan inte skapas: en del av sökvägen är en fil"),
        (OSError(28, "full"), "utdatamappen kan inte skapas (disken är full)"),
    ],
)
def test_a_folder_that_cannot_be_made_is_an_error_naming_it(tmp_path, monkeypatch, exc, message):
    monkeypatch.setattr(Path, "mkdir", raising(exc))
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut")
    assert [(p.file, p.message) for p in caught.value.problems] == [(tmp_path / "ut", message)]


def test_a_folder_made_by_another_run_meanwhile_is_used(tmp_path, monkeypatch):
    (tmp_path / "ut").mkdir()
    real = os.lstat

    def not_yet(path, *args, **kwargs):  # it did not exist when looked at, and does when made
        if Path(path) == tmp_path / "ut":
            raise FileNotFoundError(2, "missing")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(output.os, "lstat", not_yet)
    assert output.prepare_folder(tmp_path / "ut") == tmp_path / "ut"


def test_a_deep_output_folder_is_made_with_every_folder_above_it(tmp_path):
    assert output.prepare_folder(tmp_path / "a" / "b" / "c") == tmp_path / "a" / "b" / "c"
    assert (tmp_path / "a" / "b" / "c").is_dir()


def test_errors_about_folders_name_the_folder(tmp_path, monkeypatch):
    (tmp_path / "fil").write_bytes(b"x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "länk").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for folder in (tmp_path / "fil", tmp_path / "länk"):
        with pytest.raises(OutputError) as caught:
            output.prepare_folder(folder)
        assert caught.value.problems[0].file == folder
    data = tmp_path / "data"
    for out, data_ in ((data / "ut", data), (tmp_path, data)):
        with pytest.raises(OutputError) as caught:
            output.check_output_place(data_, out)
        assert caught.value.problems[0].file == out
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "elsewhere")
    assert caught.value.problems[0].file == tmp_path / "elsewhere"


def test_an_interrupted_write_that_cannot_be_completed_stops_the_next_one(out):
    output.write_all(out, {"a.docx": b"a"})
    transaction._stage(out, {"b.docx": b"b"}, [])  # decided, then killed
    undo = install(Faults(1, disk_full), frozenset({"replace"}), ("pipeline.files.transaction",))
    try:
        with pytest.raises(OutputError) as caught:
            output.write_all(out, {"c.docx": b"c"})
    finally:
        undo()
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (out, "en avbruten skrivning kan inte slutföras (disken är full)")
    ]
    assert not (out / "c.docx").exists()


def test_every_problem_with_the_targets_is_listed_whatever_comes_first(out, tmp_path):
    out.mkdir()
    (out / "främmande.docx").write_bytes(b"foreign")
    (out / "mapp.docx").mkdir()
    with pytest.raises(OutputError) as caught:
        output.write_all(out, {"ny.docx": b"n", "a/b": b"x", "främmande.docx": b"f", "mapp.docx": b"m"})
    assert sorted(p.file.name for p in caught.value.problems) == ["b", "främmande.docx", "mapp.docx"]
    with pytest.raises(OutputError):  # a new name first does not let a foreign file after it through
        output.write_all(out, {"ny.docx": b"n", "främmande.docx": b"f"})
    assert (out / "främmande.docx").read_bytes() == b"foreign" and not (out / "ny.docx").exists()


class Recorded(Lock):
    purposes: list[str] = []

    def __init__(self, folder, purpose, *args, **kwargs):
        Recorded.purposes.append(purpose)
        super().__init__(folder, purpose, *args, **kwargs)


def test_the_lock_of_an_output_folder_says_that_outputs_are_written(out, monkeypatch):
    Recorded.purposes = []
    monkeypatch.setattr(output, "Lock", Recorded)
    output.write_all(out, {"a.docx": b"a"})
    (out / "b.docx").write_bytes(b"b")
    output.adopt(out, {"b.docx": sha256(b"b")})
    assert Recorded.purposes == ["skriver utdata", "skriver utdata"]


def test_adopt_goes_through_every_name_and_never_one_in_a_subfolder(out):
    out.mkdir()
    (out / "sub").mkdir()
    (out / "sub" / "c.docx").write_bytes(b"c")
    (out / "b.docx").write_bytes(b"b")
    output.write_all(out, {"a.docx": b"a"})
    output.adopt(
        out, {"a.docx": sha256(b"a"), "saknas.docx": sha256(b"s"), "sub/c.docx": sha256(b"c"), "b.docx": sha256(b"b")}
    )
    assert set(ledger_of(out)["filer"]) == {"a.docx", "b.docx"}


def test_write_all_removes_stale_outputs_and_keeps_links_between_out_of_bounds(tmp_path):
    out = tmp_path / "ut"
    output.write_all(out / "orsa", {"bilaga-1.docx": b"1", "bilaga-2.docx": b"2"}, within=out)
    output.write_all(out / "orsa", {"bilaga-1.docx": b"1"}, stale=("bilaga-*.docx",), within=out)
    assert visible_files(out / "orsa") == {"bilaga-1.docx": b"1"}
    (tmp_path / "elsewhere").mkdir()
    (out / "mora").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError):
        output.write_all(out / "mora" / "2023", {"a.docx": b"a"}, within=out)
    with pytest.raises(OutputError):
        output.publish(out / "mora" / "2023", {"a.docx": b"a"}, within=out)
    output.write_all(tmp_path / "elsewhere" / "x", {"a.docx": b"a"})
    with pytest.raises(OutputError):
        output.remove_owned(out / "mora" / "x", ["a.docx"], within=out)
    assert (tmp_path / "elsewhere" / "x" / "a.docx").exists()
    assert list((tmp_path / "elsewhere").iterdir()) == [tmp_path / "elsewhere" / "x"]


def test_the_list_is_written_as_indented_utf8_json(out):
    output.write_all(out, {"å.docx": b"a"})
    text = (out / LEDGER).read_bytes().decode("utf-8")
    assert text == (
        '{\n "format": 1,\n "om": "Filer som samverkan har skrivit i mappen. Bara dessa skrivs över eller '
        'tas bort.",\n "filer": {\n  "å.docx": {\n   "sha256": "' + sha256(b"a") + '",\n   "storlek": 1\n'
        "  }\n }\n}\n"
    )



# --- a single file the user names (--xlsx, --ut) -----------------------------------------------------

def test_a_named_file_in_the_data_folder_or_below_it_is_refused(tmp_path):
    data = tmp_path / "agreements"
    (data / "dalarna").mkdir(parents=True)
    for target in (data / "export.xlsx", data / "dalarna" / "export.xlsx"):
        with pytest.raises(OutputError) as caught:
            output.check_file_place(data, target)
        problem = caught.value.problems[0]
        assert (problem.file, problem.message, problem.hint) == (
            target, f"filen skulle hamna i datamappen {data}, där bara data hör hemma",
            "Ange en fil utanför datamappen, t.ex. i projektmappen.")


def test_a_named_file_beside_the_data_folder_is_allowed(tmp_path):
    data = tmp_path / "agreements"
    data.mkdir()
    assert output.check_file_place(data, tmp_path / "export.xlsx") is None
    assert output.check_file_place(data, tmp_path / "agreements-export" / "export.xlsx") is None


def test_a_bare_file_name_is_placed_in_the_working_folder(tmp_path, monkeypatch):
    data = tmp_path / "agreements"
    data.mkdir()
    monkeypatch.chdir(tmp_path)
    assert output.check_file_place(Path("agreements"), Path("export.xlsx")) is None
    monkeypatch.chdir(data)
    with pytest.raises(OutputError):
        output.check_file_place(data, Path("export.xlsx"))

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

from pipeline.errors import OutputError
from pipeline.files import output
from pipeline.files.output import LEDGER, Ledger
from pipeline.files.lock import LOCK_FILE
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
        "format": 1, "om": "Filer som samverkan har skrivit i mappen. Bara dessa skrivs över eller tas bort.",
        "filer": {"a.docx": {"sha256": sha256(b"aa"), "storlek": 2}, "b.docx": {"sha256": sha256(b"bbb"), "storlek": 3}}}
    assert list(ledger_of(out)["filer"]) == ["a.docx", "b.docx"]  # sorted, so the list is the same every time
    assert (out / LEDGER).read_text(encoding="utf-8").endswith("}\n")


def test_our_own_files_are_written_over_and_stale_ones_removed(out):
    output.write_all(out, {"bilaga-1.docx": b"1", "bilaga-2.docx": b"2", "x.docx": b"x"})
    result = output.publish(out, {"bilaga-1.docx": b"ett"}, stale=("bilaga-*.docx",))
    assert (result.written, result.removed) == ([out / "bilaga-1.docx"], [out / "bilaga-2.docx"])
    assert visible_files(out) == {"bilaga-1.docx": "ett".encode(), "x.docx": b"x"}
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
    assert visible_files(out) == {"a.docx": "en annans".encode()}
    problem = caught.value.problems[0]
    assert (problem.file, problem.message) == (out / "a.docx", "filen finns redan och är inte skriven av samverkan "
                                                               "(eller har ändrats sedan); den skrivs inte över")
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
        (out / "b.docx", "kan inte skrivas: det finns en länk med samma namn, och samverkan skriver inte genom "
                         "länkar", "Ta bort länken eller välj en annan mapp med --out.")]
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


@pytest.mark.parametrize("content", [
    b"not json", b"[]", b'{"format": 2, "filer": {"a.docx": {"sha256": "x", "storlek": 1}}}', b'{"format": 1}',
    b'{"format": 1, "filer": []}', "\xff".encode("latin-1")])
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
    (out / LEDGER).write_text(json.dumps({"format": 1, "filer": {
        "a.docx": good, "../x": good, "sub/b.docx": good, "c\\d": good, "..": good, ".": good,
        "e.docx": {"sha256": 1, "storlek": 1}, "f.docx": {"sha256": "x", "storlek": "1"}, "g.docx": "x",
        "h.docx": {"storlek": 1}}}), encoding="utf-8")
    assert Ledger.read(out).files == {"a.docx": good}


def test_adopt_lists_files_an_earlier_version_wrote_when_they_are_unchanged(out):
    out.mkdir()
    (out / "a.docx").write_bytes(b"a")
    (out / "b.docx").write_bytes(b"changed")
    (out / "sub").mkdir()
    output.adopt(out, {"a.docx": sha256(b"a"), "b.docx": sha256(b"b"), "missing.docx": sha256(b"m"),
                       "sub/c.docx": sha256(b"c")})
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
        (tmp_path / "ut" / "a", "är en länk; samverkan skriver inte genom länkar",
         "Ta bort länken, eller välj en annan mapp med --out.")]
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_output_root_that_is_a_link_is_refused_naming_where_it_leads(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "ut").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError) as caught:
        output.prepare_folder(tmp_path / "ut")
    assert [(p.message, p.hint) for p in caught.value.problems] == [
        ("utdatamappen är en länk; samverkan skriver inte genom länkar",
         f"Ange mappen som länken pekar på: --out {tmp_path / 'elsewhere'}")]


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
        "utdatamappen är skrivskyddad", "Välj en annan mapp med --out, eller ändra mappens behörigheter.")
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
            "Välj en mapp utanför data, t.ex. --out ut i projektmappen.")
    with pytest.raises(OutputError) as caught:
        output.check_output_place(data, tmp_path)
    assert (caught.value.problems[0].message, caught.value.problems[0].hint) == (
        f"datamappen {data} ligger i utdatamappen", "Välj en utdatamapp som inte innehåller data.")


def test_default_mode_follows_the_umask():
    old = os.umask(0o027)
    try:
        assert (output.default_mode(), output.default_mode(directory=True)) == (0o640, 0o750)
    finally:
        os.umask(old)

"""The seal: checksums of a decided version, their check, and the digest kept in the diarium."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.data import seal
from pipeline.errors import DataError


def test_a_sealed_example_version_matches_its_seal(sealed_county):
    folder = sealed_county / "orsa" / "2023"
    assert seal.check(folder) == []
    digest, problems = seal.verify(folder, None)
    assert problems == [] and digest == hashlib.sha256((folder / "sigill.json").read_bytes()).hexdigest()


def test_changed_removed_and_added_files_are_each_named(sealed_county):
    folder = sealed_county / "orsa" / "2023"
    (folder / "planer" / "01-ordningsstorningar-centrum.yaml").write_text("ändrad\n", encoding="utf-8")
    (folder / "beslutat" / "bilaga-2-ungdomar-skolor.docx").unlink()
    (folder / "planer" / "09-ny.yaml").write_text("titel: x\n", encoding="utf-8")
    found = {(p.file.name, p.message) for p in seal.check(folder)}
    assert found == {("01-ordningsstorningar-centrum.yaml", "filen har ändrats sedan versionen beslutades"),
                     ("bilaga-2-ungdomar-skolor.docx", "filen har tagits bort sedan versionen beslutades"),
                     ("09-ny.yaml", "filen har lagts till sedan versionen beslutades")}


def test_seal_text_covers_the_files_to_be_written(tmp_path):
    (tmp_path / "overenskommelse.yaml").write_text("gammal\n", encoding="utf-8")
    text = seal.seal_text(tmp_path, {"organ": "KS"}, {"overenskommelse.yaml": b"ny\n", "beslutat/a.docx": b"PK"})
    record = json.loads(text)
    assert record["sha256"] == {"overenskommelse.yaml": hashlib.sha256(b"ny\n").hexdigest(),
                                "beslutat/a.docx": hashlib.sha256(b"PK").hexdigest()}
    assert record["beslut"] == {"organ": "KS"}


def test_verify_compares_with_the_diarium(sealed_county):
    folder = sealed_county / "orsa" / "2023"
    digest, _ = seal.verify(folder, None)
    assert seal.verify(folder, digest.upper())[1] == []
    (problem,) = seal.verify(folder, "f" * 64)[1]
    assert "har bytts ut eller ändrats" in problem.message


def test_an_unsealed_version_cannot_be_verified(county):
    _, problems = seal.verify(county / "orsa" / "2023", None)
    assert problems[0].message == "versionen är inte förseglad"


# --- each rule on a small version ----------------------------------------------------------------------

DECISION = {"organ": "Kommunstyrelsen", "datum": "2023-02-13"}


@pytest.fixture
def version(tmp_path) -> Path:
    """Return a small decided version: agreement, frozen county text, two plans, decided documents."""
    folder = tmp_path / "dalarna" / "orsa" / "2023"
    (folder / "planer").mkdir(parents=True)
    (folder / "beslutat").mkdir()
    for name, text in {"overenskommelse.yaml": "a", "lan-gemensamt.yaml": "l", "planer/10-b.yaml": "b",
                       "planer/2-a.yaml": "p", "planer/.dold.yaml": "d", "beslutat/b.docx": "B",
                       "beslutat/a.DOCX": "A", "beslutat/noter.txt": "n", "annat.yaml": "x"}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def sealed(folder: Path, decision=DECISION) -> Path:
    (folder / "sigill.json").write_text(seal.seal_text(folder, decision, {}), encoding="utf-8")
    return folder


def names(folder: Path, problems) -> list[tuple[str, str]]:
    return [(p.file.relative_to(folder).as_posix(), p.message) for p in problems]


def test_a_seal_covers_the_agreement_county_text_plans_in_order_and_decided_documents(version):
    assert [p.relative_to(version).as_posix() for p in seal.sealed_files(version)] == [
        "overenskommelse.yaml", "lan-gemensamt.yaml", "planer/2-a.yaml", "planer/10-b.yaml", "beslutat/a.DOCX",
        "beslutat/b.docx"]


def test_a_seal_leaves_out_missing_files_and_a_decided_folder_that_is_a_link(version, tmp_path):
    (version / "lan-gemensamt.yaml").unlink()
    os.rename(version / "beslutat", tmp_path / "elsewhere")
    (version / "beslutat").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [p.name for p in seal.sealed_files(version)] == ["overenskommelse.yaml", "2-a.yaml", "10-b.yaml"]
    (version / "overenskommelse.yaml").unlink()
    (version / "overenskommelse.yaml").symlink_to(tmp_path / "saknas.yaml")  # a dangling link still counts
    assert [p.name for p in seal.sealed_files(version)][0] == "overenskommelse.yaml"


def test_the_seal_text_is_sorted_indented_and_names_the_decision_as_text(version):
    text = seal.seal_text(version, {"organ": "KS", "datum": dt.date(2023, 2, 13), "paragraf": 12},
                          {"overenskommelse.yaml": b"ny"})
    record = json.loads(text)
    assert record["beslut"] == {"organ": "KS", "datum": "2023-02-13", "paragraf": "12"}
    assert record["sha256"]["overenskommelse.yaml"] == hashlib.sha256(b"ny").hexdigest()
    assert record["sha256"]["planer/10-b.yaml"] == hashlib.sha256(b"b").hexdigest()
    assert list(record) == ["beslut", "sha256"] and list(record["sha256"]) == sorted(record["sha256"])
    assert text.endswith("}\n") and text.startswith('{\n  "beslut": {\n    "datum": "2023-02-13"')
    assert "\\u" not in seal.seal_text(version, {"organ": "Kommunstyrelsen i Älvdalen"}, {})
    assert seal.seal_digest(b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_a_sealed_version_is_one_with_a_seal_file_even_a_link(version, tmp_path):
    assert seal.is_sealed(version) is False
    (version / "sigill.json").symlink_to(tmp_path / "saknas.json")
    assert seal.is_sealed(version) is True


def test_a_freshly_sealed_version_has_no_problem_and_reads_back(version):
    sealed(version)
    assert seal.check(version) == []
    decision, files = seal.read(version)
    assert decision == DECISION and set(files) == {p.relative_to(version).as_posix()
                                                   for p in seal.sealed_files(version)}


def test_each_changed_removed_or_added_file_is_named_with_the_decision_in_the_hint(version):
    sealed(version)
    (version / "planer" / "2-a.yaml").write_text("ändrad", encoding="utf-8")
    (version / "beslutat" / "b.docx").unlink()
    (version / "planer" / "3-c.yaml").write_text("ny", encoding="utf-8")
    problems = seal.check(version)
    assert names(version, problems) == [
        ("beslutat/b.docx", "filen har tagits bort sedan versionen beslutades"),
        ("planer/2-a.yaml", "filen har ändrats sedan versionen beslutades"),
        ("planer/3-c.yaml", "filen har lagts till sedan versionen beslutades")]
    assert {p.hint for p in problems} == {
        "Versionen beslutades av Kommunstyrelsen 2023-02-13 och är förseglad. Återställ filen, eller gör "
        f"ändringen i en ny version: samverkan ny {version.resolve().parent} <ny version> --nytt-diarienummer <DNR>."}


def test_a_hint_without_a_named_body_says_beslutsorganet(version):
    sealed(version, {"paragraf": "§ 12"})
    (version / "overenskommelse.yaml").write_text("ändrad", encoding="utf-8")
    assert seal.check(version)[0].hint.startswith("Versionen beslutades av beslutsorganet och är förseglad.")


def test_a_missing_seal_of_a_version_that_was_sealed_is_an_error(version):
    problems = seal.check(version)
    assert [(p.file.name, p.message) for p in problems] == [
        ("sigill.json", "sigillet saknas, men versionen har förseglats (beslutat/ och lan-gemensamt.yaml finns)")]
    assert problems[0].hint.startswith("Återställ sigill.json från säkerhetskopia eller versionshantering")
    (version / "lan-gemensamt.yaml").unlink()
    assert len(seal.check(version)) == 1  # beslutat/ alone tells
    shutil.rmtree(version / "beslutat")
    (version / "lan-gemensamt.yaml").write_text("l", encoding="utf-8")
    assert len(seal.check(version)) == 1  # and so does the frozen county text alone
    (version / "lan-gemensamt.yaml").unlink()
    assert seal.check(version) == []  # a draft


def test_an_unreadable_sealed_file_is_named(version):
    sealed(version)
    (version / "planer" / "2-a.yaml").unlink()
    (version / "planer" / "2-a.yaml").mkdir()  # exists, cannot be read as a file
    problems = seal.check(version)
    assert [(p.file.name, p.message.split(" (")[0]) for p in problems] == [("2-a.yaml", "filen kan inte läsas")]
    with pytest.raises(DataError):
        seal.digest(version / "planer" / "2-a.yaml")


HEX = "0" * 64


@pytest.mark.parametrize("record", [
    {"beslut": {}, "sha256": {}},
    {"beslut": {}, "sha256": []},
    {"beslut": [], "sha256": {"overenskommelse.yaml": HEX}},
    {"beslut": {"datum": 2023}, "sha256": {"overenskommelse.yaml": HEX}},
    {"beslut": {}, "sha256": {"../mora/2023/overenskommelse.yaml": HEX}},
    {"beslut": {}, "sha256": {"/etc/passwd": HEX}},
    {"beslut": {}, "sha256": {"planer\\a.yaml": HEX}},
    {"beslut": {}, "sha256": {"": HEX}},
    {"beslut": {}, "sha256": {"overenskommelse.yaml": "F" * 64}},
    {"beslut": {}, "sha256": {"overenskommelse.yaml": "0" * 63}},
    {"beslut": {}, "sha256": {"overenskommelse.yaml": 0}},
    {"beslut": {}},
    [],
])
def test_a_seal_of_the_wrong_shape_is_refused_with_its_reason(version, record):
    (version / "sigill.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        seal.read(version)
    problem = caught.value.problems[0]
    assert (problem.file.name, problem.message, problem.hint) == (
        "sigill.json", "sigillet kan inte läsas eller har fel form; versionens innehåll kan inte bekräftas",
        "Återställ sigill.json från säkerhetskopia eller versionshantering.")
    assert seal.check(version) == caught.value.problems


def test_a_seal_without_a_decision_and_with_plain_names_is_read(version):
    (version / "sigill.json").write_text(json.dumps({"sha256": {"overenskommelse.yaml": HEX}}), encoding="utf-8")
    assert seal.read(version) == ({}, {"overenskommelse.yaml": HEX})


@pytest.mark.parametrize("kind", ["link", "folder", "text"])
def test_a_seal_that_is_a_link_a_folder_or_not_json_is_refused(version, tmp_path, kind):
    if kind == "link":
        (tmp_path / "riktig.json").write_text(seal.seal_text(version, DECISION, {}), encoding="utf-8")
        (version / "sigill.json").symlink_to(tmp_path / "riktig.json")
    elif kind == "folder":
        (version / "sigill.json").mkdir()
    else:
        (version / "sigill.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(DataError):
        seal.read(version)


def test_verify_accepts_the_digest_in_any_case_and_with_spaces_and_names_a_wrong_one(version):
    sealed(version)
    digest, problems = seal.verify(version, None)
    assert problems == [] and digest == hashlib.sha256((version / "sigill.json").read_bytes()).hexdigest()
    assert seal.verify(version, f"  {digest.upper()}\n") == (digest, [])
    wrong = "ab" * 32
    actual, problems = seal.verify(version, f" {wrong} ")
    assert actual == digest
    assert [(p.file.name, p.message, p.hint) for p in problems] == [(
        "sigill.json", f"sigillets kontrollsumma är {digest}, inte {wrong} som angavs; sigillet har bytts ut eller "
                       "ändrats", "Jämför med kontrollsumman i beslutsunderlaget i kommunens diarium.")]


def test_verify_accepts_the_digest_as_the_memo_prints_it_in_groups_of_four(version):
    sealed(version)
    digest, _ = seal.verify(version, None)
    printed = seal.grouped(digest)
    assert printed.split() == [digest[i:i + 4] for i in range(0, 64, 4)]
    assert seal.verify(version, printed) == (digest, [])
    assert seal.verify(version, printed.replace(" ", "\u00a0")) == (digest, [])  # copied with no-break spaces


def test_verify_reports_changed_files_as_well_as_the_digest(version):
    sealed(version)
    (version / "overenskommelse.yaml").write_text("ändrad", encoding="utf-8")
    digest, problems = seal.verify(version, "0" * 64)
    assert [p.message.split(";")[0].split(",")[0] for p in problems] == [
        "filen har ändrats sedan versionen beslutades", f"sigillets kontrollsumma är {digest}"]


def test_an_unsealed_version_cannot_be_verified_and_says_how_to_seal(version):
    assert [(p.message, p.hint) for p in seal.verify(version, None)[1]] == [
        ("versionen är inte förseglad", "En version förseglas när beslutet registreras (samverkan beslut).")]
    assert seal.verify(version, None)[0] == ""


def test_verify_of_a_seal_that_cannot_be_read_gives_no_digest(version):
    (version / "sigill.json").mkdir()
    digest, problems = seal.verify(version, None)
    assert digest == "" and len(problems) == 2  # the seal's shape, and its bytes


@pytest.mark.parametrize("name, inside", [("a.yaml", True), ("planer/a.yaml", True), ("", False), ("..", False),
                                          ("a/../../b", False), ("/a", False), ("a\\b", False)])
def test_a_sealed_name_lies_inside_the_version(version, name, inside):
    assert seal._inside(version, name) is inside


def test_a_missing_seal_says_how_to_restore_it_and_where_changes_go(version):
    assert seal.check(version)[0].hint == ("Återställ sigill.json från säkerhetskopia eller versionshantering; "
                                           "ändringar görs i en ny version.")


def test_every_file_is_checked_after_one_that_cannot_be_read(version):
    sealed(version)
    (version / "beslutat" / "a.DOCX").write_text("ändrad", encoding="utf-8")
    (version / "lan-gemensamt.yaml").unlink()
    (version / "lan-gemensamt.yaml").mkdir()  # listed before the others, cannot be read
    (version / "planer" / "2-a.yaml").unlink()
    (version / "planer" / "2-a.yaml").mkdir()
    (version / "planer" / "10-b.yaml").write_text("ändrad", encoding="utf-8")
    problems = seal.check(version)
    assert [(p.file.relative_to(version).as_posix(), p.message.split(" (")[0]) for p in problems] == [
        ("beslutat/a.DOCX", "filen har ändrats sedan versionen beslutades"),
        ("lan-gemensamt.yaml", "filen kan inte läsas"),
        ("planer/10-b.yaml", "filen har ändrats sedan versionen beslutades"),
        ("planer/2-a.yaml", "filen kan inte läsas")]


def test_an_unsealed_version_is_named_when_it_cannot_be_verified(version):
    assert [p.file for p in seal.verify(version, None)[1]] == [version / "sigill.json"]

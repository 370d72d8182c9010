"""The seal: checksums of a decided version, their check, and the digest kept in the diarium."""

from __future__ import annotations

import hashlib
import json

from pipeline.data import seal


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

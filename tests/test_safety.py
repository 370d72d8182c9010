"""Nothing outside its place is ever touched; every hostile input is a located Swedish error.

Each test is one case of a hostile user: a forged manifest, planted links, foreign files in
the output folder, template code, links and FIFOs in the data, misnamed files, names that
collide with outputs, damaged seals and archives, signals and a closed stdout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import edit, fake_soffice, new_draft, stray_fake_children, visible
from pipeline.cli import main
from pipeline.county.batch import BATCH_LOCK_FILE, run_batch
from pipeline.county.manifest import MANIFEST_FILE
from pipeline.data.validate import validate_paths
from pipeline.documents.render import render
from pipeline.errors import DataError, OutputError, PipelineError, SchemaError, TemplateError
from pipeline.files import lock
from pipeline.versions.lifecycle import Decision, record_decision, start_version

TODAY = dt.date(2026, 11, 27)
F = "overenskommelse.yaml"
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                    reason="symbolic links need extra rights on Windows")


def tree(folder: Path) -> dict[str, str]:
    """Return every file below ``folder`` with its checksum (links not followed)."""
    result = {}
    for current, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(current) / name
            if not path.is_symlink():
                result[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def err_of(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


# --- 1. output ownership --------------------------------------------------------------------------

@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_manifest_cannot_delete_outside_ut(county, tmp_path, capsys):
    out = tmp_path / "ut"
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "x").write_text("mitt", encoding="utf-8")
    assert main(["batch", str(county), "--out", str(out), "--datum", "2026-11-27"]) == 0
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    record = {"sha256": "0" * 64, "size": 4, "mtime_ns": 1}
    manifest["jobb"]["dalarna/borttagen/2020"] = {
        "fingeravtryck": "x", "fakta": None,
        "filer": {"../victim/x": record, str(county / "lan.yaml"): record}}
    (out / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    before = (county / "lan.yaml").read_bytes()
    capsys.readouterr()
    assert main(["batch", str(county), "--out", str(out), "--datum", "2026-11-27"]) == 0
    text = capsys.readouterr().out
    assert "kunde inte läsas eller hade fel form" in text and "byggs om" in text
    assert (victim / "x").read_text(encoding="utf-8") == "mitt"
    assert (county / "lan.yaml").read_bytes() == before


@pytest.mark.parametrize("jobs", [[], {"a": []}, {"a": {"fingeravtryck": 1}},
                                  {"a": {"fingeravtryck": "x", "filer": ["y"]}},
                                  {"a": {"fingeravtryck": "x", "filer": {"y": "z"}}}])
@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_manifest_of_the_wrong_shape_is_reported_and_rebuilt(county, tmp_path, capsys, jobs):
    out = tmp_path / "ut"
    out.mkdir()
    (out / MANIFEST_FILE).write_text(json.dumps({"format": 1, "jobb": jobs}), encoding="utf-8")
    report = run_batch(county, out, jobs=1, today=TODAY)
    assert report.ok and report.notices and "byggs om" in report.notices[0]


@needs_symlinks
def test_a_link_planted_as_the_lock_is_not_followed(county, tmp_path, capsys):
    out = tmp_path / "ut"
    out.mkdir()
    before = (county / "lan.yaml").read_bytes()
    (out / BATCH_LOCK_FILE).symlink_to(county / "lan.yaml")
    assert main(["batch", str(county), "--out", str(out)]) == 1
    assert "låsfilen är en länk" in err_of(capsys)
    assert (county / "lan.yaml").read_bytes() == before


@needs_symlinks
@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_link_inside_ut_is_never_written_through(sealed_county, tmp_path):
    out = tmp_path / "ut"
    archive = sealed_county / "mora" / "2023" / "beslutat"
    before = tree(archive)
    (out / "dalarna" / "falun").mkdir(parents=True)
    (out / "dalarna" / "falun" / "2023").symlink_to(archive)
    report = run_batch(sealed_county, out, jobs=1, today=TODAY)
    assert any("länk" in p.message for p in report.problems)
    assert tree(archive) == before


def test_render_into_a_shared_folder_keeps_what_it_did_not_write(orsa, tmp_path, capsys):
    shared = tmp_path / "delad"
    shared.mkdir()
    foreign = {"bilaga-9-egen.docx": b"egen", "andringar-egen.docx": b"egen", "egen.pdf": b"egen",
               "tjansteskrivelse.pdf": b"egen", ".egen.docx.abc.tmp": b"egen"}
    for name, data in foreign.items():
        (shared / name).write_bytes(data)
    render(orsa, shared)
    assert main(["diff", str(orsa.parent / "2019"), str(orsa), "--out", str(shared)]) == 0
    render(orsa, shared)  # again: its own earlier files are replaced, the others stay
    for name, data in foreign.items():
        assert (shared / name).read_bytes() == data


def test_a_name_taken_by_a_foreign_file_is_an_error_not_an_overwrite(orsa, tmp_path, capsys):
    shared = tmp_path / "delad"
    shared.mkdir()
    (shared / "samverkansoverenskommelse.docx").write_bytes(b"mitt eget dokument")
    assert main(["render", str(orsa), "--out", str(shared)]) == 1
    err = err_of(capsys)
    assert "samverkansoverenskommelse.docx" in err and "inte skriven av samverkan" in err
    assert visible(shared) == {"samverkansoverenskommelse.docx": b"mitt eget dokument"}


def test_an_output_edited_since_it_was_written_is_not_overwritten(orsa, tmp_path):
    out = tmp_path / "ut"
    written = render(orsa, out)
    written[0].write_bytes(written[0].read_bytes() + b" ")  # someone saved their own edits
    with pytest.raises(OutputError) as caught:
        render(orsa, out)
    assert "har ändrats sedan" in caught.value.problems[0].message


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_batch_into_an_existing_folder_keeps_foreign_temporary_files(county, tmp_path):
    out = tmp_path / "ut"
    (out / "egen").mkdir(parents=True)
    (out / "egen" / ".utkast.docx.tmp").write_bytes(b"mitt")
    (out / ".x.tmp").write_bytes(b"mitt")
    assert run_batch(county, out, jobs=1, today=TODAY).ok
    assert (out / "egen" / ".utkast.docx.tmp").read_bytes() == b"mitt"
    assert (out / ".x.tmp").read_bytes() == b"mitt"


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_stale_lock_of_a_dead_process_is_taken_over_with_a_message(county, tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    record = {"pid": int(dead.stdout), "dator": lock.platform.hostname(), "kommando": "batch"}
    (out / BATCH_LOCK_FILE).write_text(json.dumps(record), encoding="utf-8")
    report = run_batch(county, out, jobs=1, today=TODAY)
    assert report.ok
    assert any("Tog över ett övergivet lås" in n for n in report.notices)
    assert not (out / BATCH_LOCK_FILE).exists()


def test_a_lock_held_by_another_computer_is_not_taken_over(county, tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    record = {"pid": 1, "dator": "en-annan-dator", "kommando": "batch"}
    (out / BATCH_LOCK_FILE).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        run_batch(county, out, jobs=1, today=TODAY)
    assert "en-annan-dator" in caught.value.problems[0].message


# --- 2. inputs are regular files inside the data ----------------------------------------------------

@needs_symlinks
def test_a_plan_linked_to_a_file_outside_the_data_is_refused(orsa, tmp_path):
    secret = tmp_path / "hemlig.yaml"
    shutil.copy(orsa / "planer" / "01-ordningsstorningar-centrum.yaml", secret)
    (orsa / "planer" / "05-lank.yaml").symlink_to(secret)
    report = validate_paths([orsa])
    assert any("utanför" in p.message and p.file.name == "05-lank.yaml" for p in report.problems)
    with pytest.raises(PipelineError):
        render(orsa, tmp_path / "ut")


@needs_symlinks
def test_a_link_inside_the_data_is_followed(orsa, tmp_path):
    (orsa.parent / "2023" / "planer" / "04-lank.yaml").symlink_to(
        orsa.parent / "2023" / "planer" / "01-ordningsstorningar-centrum.yaml")
    assert validate_paths([orsa]).ok


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_the_county_file_is_an_error_not_a_hang(county, capsys):
    (county / "lan.yaml").unlink()
    os.mkfifo(county / "lan.yaml")
    assert main(["validate", str(county / "orsa" / "2023")]) == 1
    assert "ingen vanlig fil" in err_of(capsys)


def test_a_file_over_the_size_limit_says_it_is_a_size_limit(orsa, capsys):
    with open(orsa / F, "a", encoding="utf-8") as handle:
        handle.write("# " + "x" * (3 * 1024 * 1024) + "\n")
    assert main(["validate", str(orsa)]) == 1
    assert "storleksgränsen" in err_of(capsys)


def test_many_plain_values_are_honest_size_not_an_alias_bomb(orsa, capsys):
    """Eleven thousand plain values (a big plan has more) are read: what the check then says is what
    is wrong with them – here a field the agreement does not have – not a size limit or an alias bomb."""
    with open(orsa / F, "a", encoding="utf-8") as handle:
        handle.write("rader:\n" + "".join(f"  - rad {i}\n" for i in range(11000)))
    assert main(["validate", str(orsa)]) == 1
    err = err_of(capsys)
    assert "okänt fält 'rader'" in err and "storleksgränsen" not in err and "alias" not in err


@pytest.mark.parametrize("name", ["overenskommelse.yml", "Overenskommelse.yaml", "överenskommelse.yaml",
                                  "overenskommelse.yaml.txt", "overenskomelse.yaml"])
@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_near_miss_agreement_name_is_an_error_naming_the_expected_name(county, name, capsys):
    folder = county / "orsa" / "2023"
    (folder / F).rename(folder / name)
    assert main(["validate", str(county)]) == 1
    err = err_of(capsys)
    assert f"filen heter '{name}' men ska heta exakt 'overenskommelse.yaml'" in err
    report = run_batch(county, county.parent.parent / "ut", jobs=1, today=TODAY)
    assert any(name in p.message for p in report.problems)


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_a_sealed_version_without_its_agreement_is_an_error(sealed_county, capsys, tmp_path):
    (sealed_county / "orsa" / "2023" / F).unlink()
    assert main(["validate", str(sealed_county)]) == 1
    assert "den förseglade versionens overenskommelse.yaml saknas" in err_of(capsys)
    out = tmp_path / "ut"
    report = run_batch(sealed_county, out, jobs=1, today=TODAY)
    assert any("förseglade" in p.message for p in report.problems)


def test_names_are_compared_in_nfc(orsa, capsys):
    import unicodedata

    text = (orsa / F).read_text(encoding="utf-8")
    (orsa / F).write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    assert main(["validate", str(orsa)]) == 0, err_of(capsys)


# --- 3. templates cannot run code ---------------------------------------------------------------

def template_with(tmp_path: Path, text: str) -> Path:
    from pipeline import resources

    folder = tmp_path / "hem"
    shutil.copytree(resources.project_dir() / "templates", folder / "templates")
    shutil.copytree(resources.project_dir() / "schemas", folder / "schemas")
    source = folder / "templates" / "overenskommelse.docx"
    with zipfile.ZipFile(source) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"{{ kommun }}", text.encode("utf-8"), 1)
    with zipfile.ZipFile(source, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return folder


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ kommun.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
])
def test_templates_cannot_run_code(orsa, tmp_path, monkeypatch, payload):
    home = template_with(tmp_path, payload)
    monkeypatch.setenv("SAMVERKAN_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError) as caught:
        render(orsa, tmp_path / "ut")
    problem = caught.value.problems[0]
    assert problem.file.name == "overenskommelse.docx"
    assert not (tmp_path / "PWNED").exists()


def test_a_zip_bomb_template_is_refused_before_it_is_unpacked(orsa, tmp_path, monkeypatch):
    from pipeline import ooxml

    home = template_with(tmp_path, "{{ kommun }}")
    with zipfile.ZipFile(home / "templates" / "overenskommelse.docx", "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/noll.bin", b"\0" * (3 * 1024 * 1024))  # compresses to a few kB
    monkeypatch.setattr(ooxml.package, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    monkeypatch.setenv("SAMVERKAN_HOME", str(home))
    with pytest.raises(TemplateError) as caught:
        render(orsa, tmp_path / "ut")
    assert "storleksgränsen" in caught.value.problems[0].message


def test_a_zip_member_larger_than_declared_is_refused(tmp_path):
    from pipeline import ooxml

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>" * 1000)
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")  # claim 10 bytes unpacked
    with pytest.raises(DataError):
        ooxml.unpack(bytes(data), tmp_path / "x.docx")


# --- 4. decisions: concurrency ------------------------------------------------------------------

@pytest.fixture
def draft(county):
    return new_draft(county)


def hold_lock(folder: Path, purpose: str) -> subprocess.Popen:
    """Start a process that holds ``folder``'s lock until it is killed; return once it does."""
    code = ("import sys, time\nfrom pipeline.files.lock import Lock\n"
            f"with Lock({str(folder)!r}, {purpose!r}):\n    print('held', flush=True)\n    time.sleep(120)\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_beslut_while_another_holds_the_version_is_refused(draft, tmp_path):
    before = tree(draft)
    holder = hold_lock(draft, "beslut")
    try:
        with pytest.raises(OutputError) as caught:
            record_decision(draft, Decision("Kommunstyrelsen", "2026-02-15", "§ 7", "KS 2027/0011"))
        assert "ändrar redan" in caught.value.problems[0].message
        with pytest.raises(PipelineError) as reading:
            render(draft, tmp_path / "ut")
        assert "ändras just nu av en annan körning (beslut, process" in reading.value.problems[0].message
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert render(draft, tmp_path / "ut")  # the holder is dead: its lock is stale and cleared
    assert tree(draft) == before


def test_two_beslut_at_once_one_wins_and_the_data_agrees_with_the_seal(draft):
    commands = [[sys.executable, "-m", "pipeline", "beslut", str(draft), "--organ", "Kommunstyrelsen",
                 "--datum", "2026-02-15", "--paragraf", f"§ {n}", "--diarienummer", "KS 2027/0011"]
                for n in (7, 8)]
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    results = [(p.wait(), p.stderr.read()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    assert sorted(code for code, _ in results) == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert "ändrar redan" in loser or "redan beslutad" in loser
    assert validate_paths([draft]).ok  # the seal matches the data: one decision, not a mix


def test_beslut_again_with_the_same_decision_is_a_no_op(draft, capsys):
    args = ["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15", "--paragraf", "§ 7",
            "--diarienummer", "KS 2027/0011"]
    assert main(args) == 0
    before = tree(draft)
    capsys.readouterr()
    assert main(args) == 0
    assert "redan registrerat" in capsys.readouterr().out
    assert tree(draft) == before


# --- 5. seal honesty ------------------------------------------------------------------------------

def test_kontrollera_matches_only_the_digest_in_the_diarium(draft, capsys):
    assert main(["beslut", str(draft), "--organ", "Kommunstyrelsen", "--datum", "2026-02-15",
                 "--paragraf", "§ 7", "--diarienummer", "KS 2027/0011"]) == 0
    out = capsys.readouterr().out
    digest = out.split("Sigillets kontrollsumma (SHA-256): ")[1].split()[0]
    assert digest == hashlib.sha256((draft / "sigill.json").read_bytes()).hexdigest()
    assert main(["kontrollera", str(draft), "--sigill", digest]) == 0
    assert main(["kontrollera", str(draft), "--sigill", "0" * 64]) == 1
    assert "inte " + "0" * 64 in err_of(capsys)
    # A determined editor changes a file and writes a new seal: the digest in the diarium catches it.
    edit(draft / F, "Orsa", "Orsaa")
    record = json.loads((draft / "sigill.json").read_text(encoding="utf-8"))
    record["sha256"][F] = hashlib.sha256((draft / F).read_bytes()).hexdigest()
    (draft / "sigill.json").write_text(json.dumps(record), encoding="utf-8")
    assert main(["kontrollera", str(draft)]) == 0  # the files agree with the (new) seal
    assert main(["kontrollera", str(draft), "--sigill", digest]) == 1


@pytest.mark.parametrize("record", ['{"sha256": ["a"]}', '{"sha256": {"overenskommelse.yaml": 5}}',
                                    '{"beslut": [], "sha256": {}}', '[]', '{"sha256": {"../x": "' + "0" * 64 + '"}}'])
def test_a_seal_of_the_wrong_shape_is_an_error_not_a_traceback(sealed_county, capsys, record):
    (sealed_county / "orsa" / "2023" / "sigill.json").write_text(record, encoding="utf-8")
    assert main(["validate", str(sealed_county / "orsa" / "2023")]) == 1
    assert "sigill" in err_of(capsys)


# --- 6. names and references ----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["../mora/2023", "/tmp/2023", "..", "a\\\\b"])
def test_the_predecessor_is_a_sibling_folder_name(orsa, value, capsys):
    edit(orsa / F, 'föregående_version: "2019"', f'föregående_version: "{value}"')
    assert main(["validate", str(orsa)]) == 1
    assert "föregående_version" in err_of(capsys)


def test_a_version_named_like_a_comparison_is_refused(county, capsys):
    with pytest.raises(SchemaError):
        start_version(county / "orsa", "andringar-2019-2023")
    shutil.copytree(county / "orsa" / "2019", county / "orsa" / "andringar-2019-2023")
    edit(county / "orsa" / "andringar-2019-2023" / F, 'version: "2019"', 'version: "andringar-2019-2023"')
    assert main(["validate", str(county / "orsa")]) == 1
    assert "får inte börja med 'andringar-'" in err_of(capsys)


def test_an_over_long_plan_name_is_a_validation_error(orsa, capsys):
    plan = orsa / "planer" / "01-ordningsstorningar-centrum.yaml"
    plan.rename(plan.with_name("01-" + "mycket-lang-" * 20 + ".yaml"))
    assert main(["validate", str(orsa)]) == 1
    assert "filnamnet är för långt" in err_of(capsys)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="these file systems insist on UTF-8 names")
def test_a_file_name_that_is_not_utf8_is_an_error(orsa, capsys):
    os.rename(orsa / "planer" / "01-ordningsstorningar-centrum.yaml",
              os.path.join(os.fsencode(orsa / "planer"), b"01-\xff.yaml"))
    assert main(["validate", str(orsa)]) == 1
    assert "inte giltig UTF-8" in err_of(capsys)


# --- 7. tracebacks, hangs and messages -------------------------------------------------------------

def test_ny_in_a_folder_it_cannot_write_is_an_error(county, monkeypatch, capsys):
    from pipeline.versions import lifecycle

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(lifecycle.os, "mkdir", refused)
    assert main(["ny", str(county / "orsa"), "2027", "--behall-diarienummer"]) == 1
    assert "behörighet saknas" in err_of(capsys)
    assert not (county / "orsa" / "2027").exists()


@pytest.mark.slow  # a batch over the whole example county, or every step of a change
def test_an_unreadable_kommun_folder_is_an_error(county, monkeypatch, tmp_path):
    from pipeline.county import batch

    real = os.scandir

    def scandir(path):
        if Path(path).name == "orsa":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(batch.os, "scandir", scandir)
    report = run_batch(county, tmp_path / "ut", jobs=1, today=TODAY)
    assert any(p.file.name == "orsa" and "behörighet saknas" in p.message for p in report.problems)


def test_an_unreadable_sealed_file_is_an_error(sealed_county, monkeypatch, capsys):
    real = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("beslutat/samverkansoverenskommelse.docx"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded)
    assert main(["validate", str(sealed_county / "orsa" / "2023")]) == 1
    assert "kan inte läsas (behörighet saknas)" in err_of(capsys)


def test_a_damaged_archived_document_is_an_error(sealed_county, tmp_path, capsys):
    folder = sealed_county / "orsa" / "2023"
    (folder / "beslutat" / "samverkansoverenskommelse.docx").write_bytes(b"inte en zip")
    record = json.loads((folder / "sigill.json").read_text(encoding="utf-8"))
    record["sha256"]["beslutat/samverkansoverenskommelse.docx"] = hashlib.sha256(b"inte en zip").hexdigest()
    (folder / "sigill.json").write_text(json.dumps(record), encoding="utf-8")
    start_version(sealed_county / "orsa", "2027", keep_case_number=True)
    assert main(["diff", str(folder), str(sealed_county / "orsa" / "2027"), "--out", str(tmp_path / "u")]) == 1
    assert "ingen läsbar .docx-fil" in err_of(capsys)


@pytest.mark.parametrize("value", ["20261127", "2026-W48-5", "", "9999-08-01", "2026-11-27T10:00"])
def test_datum_takes_only_yyyy_mm_dd(county, tmp_path, capsys, value):
    assert main(["batch", str(county), "--out", str(tmp_path / "ut"), "--datum", value]) == 2
    assert "ÅÅÅÅ-MM-DD" in err_of(capsys)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "x"])
def test_a_stall_setting_that_is_no_positive_number_is_an_error(orsa, tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("SAMVERKAN_PDF_STALL", value)
    monkeypatch.setenv("SAMVERKAN_SOFFICE", sys.executable)
    assert main(["render", str(orsa), "--out", str(tmp_path / "ut"), "--pdf"]) == 1
    assert "SAMVERKAN_PDF_STALL" in err_of(capsys)


def test_soffice_setting_pointing_at_a_folder_is_an_error(orsa, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMVERKAN_SOFFICE", str(tmp_path))
    assert main(["render", str(orsa), "--out", str(tmp_path / "ut"), "--pdf"]) == 1
    assert "pekar inte på ett program" in err_of(capsys)


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\ufeff"])
def test_invisible_direction_and_space_characters_are_refused(orsa, capsys, character):
    edit(orsa / F, "Stärka samarbetet", f"Stärka {character}samarbetet")
    assert main(["validate", str(orsa)]) == 1
    err = err_of(capsys)
    assert f"U+{ord(character):04X}" in err and "fältet 'mål" in err


def test_a_newline_in_a_file_name_cannot_forge_a_line(county, capsys):
    forged = county / "orsa" / "2023x\nGiltigt: 99 versioner kontrollerade."
    shutil.copytree(county / "orsa" / "2023", forged)
    assert main(["validate", str(county / "orsa")]) == 1
    output_text = capsys.readouterr()
    assert "\nGiltigt" not in output_text.err and "\\x0aGiltigt" in output_text.err


def test_os_errors_are_in_swedish(tmp_path):
    import errno

    from pipeline.errors import os_reason

    assert os_reason(OSError(errno.ENOTEMPTY, "Directory not empty")) == "mappen är inte tom"
    assert "Directory" not in os_reason(OSError(errno.EOVERFLOW, "Value too large"))


def test_ctrl_c_exits_130_in_every_command(draft, monkeypatch, capsys):
    from pipeline.versions import lifecycle

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(lifecycle, "render_version", interrupted)
    assert main(["beslut", str(draft), "--organ", "KS", "--datum", "2026-02-15", "--paragraf", "§ 7",
                 "--diarienummer", "KS 2027/0011"]) == 130
    assert "Avbrutet" in capsys.readouterr().err


def test_a_closed_stdout_ends_quietly(county):
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "validate", str(county)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader has gone, as in `samverkan validate | true`
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait() == 141
    assert err == b""


# --- PDF work stopped by a signal -----------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and SIGKILL are POSIX signals")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_pdf_work_stopped_by_a_signal_leaves_no_process_or_folder(county, tmp_path, how):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "SAMVERKAN_SOFFICE": str(fake_soffice(tmp_path / "bin")),
        "FAKE_SOFFICE_HANG": "samverkan",
        "SAMVERKAN_PDF_STALL": "600",
    }
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "render",
        str(county / "orsa" / "2023"),
        "--out",
        str(tmp_path / "ut"),
        "--pdf",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not stray_fake_children(tmp_path / "bin"):
        time.sleep(0.05)
    assert stray_fake_children(tmp_path / "bin"), "the stand-in for LibreOffice never started"
    process.send_signal(getattr(signal, how))
    code = process.wait()
    if how == "SIGTERM":
        assert code == 128 + signal.SIGTERM
    else:  # nothing can run in a killed process: the next PDF run clears what it left
        subprocess.run(
            command, env={**env, "FAKE_SOFFICE_HANG": ""}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and stray_fake_children(tmp_path / "bin"):
        time.sleep(0.05)
    assert stray_fake_children(tmp_path / "bin") == []
    assert not list(temp.glob("samverkan-pdf-*"))


# --- everything outside the output folder stays byte for byte --------------------------------------


@pytest.mark.slow  # a batch over the whole example county, twice
@needs_symlinks
def test_links_planted_in_ut_and_the_data_change_nothing_outside(sealed_county, tmp_path, capsys):
    root = sealed_county.parent
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / "hemlig.yaml").write_text("hemligt: ja\n", encoding="utf-8")
    (outside / "mål.docx").write_bytes(b"inte ditt")
    out = tmp_path / "ut"
    (out / "dalarna" / "orsa").mkdir(parents=True)
    (out / "dalarna" / "orsa" / "2019").symlink_to(outside)
    (out / "dalarna" / "mora").symlink_to(sealed_county / "mora")
    (sealed_county / "orsa" / "2023" / "planer" / "09-lank.yaml").symlink_to(outside / "hemlig.yaml")
    (sealed_county / "leksand" / "2024" / "planer" / "09-lank.yaml").symlink_to(
        sealed_county / "orsa" / "2023" / "beslutat" / "samverkansoverenskommelse.docx"
    )
    before_outside, before_data = tree(outside), tree(root)
    main(["batch", str(root), "--out", str(out), "--datum", "2026-11-27"])
    main(["render", str(sealed_county / "falun" / "2023"), "--out", str(out / "dalarna" / "orsa" / "2019")])
    main(["render", str(sealed_county / "falun" / "2023")])
    main(
        [
            "diff",
            str(sealed_county / "falun" / "2023"),
            str(sealed_county / "falun" / "2027"),
            "--out",
            str(out / "dalarna" / "mora"),
        ]
    )
    assert tree(outside) == before_outside
    assert tree(root) == before_data
    assert main(["ny", str(sealed_county / "borlange"), "2029", "--nytt-diarienummer", "2029/KS 0001"]) == 0
    folder = sealed_county / "borlange" / "2029"
    assert (
        main(
            [
                "beslut",
                str(folder),
                "--organ",
                "Kommunstyrelsen",
                "--datum",
                dt.date.today().isoformat(),
                "--paragraf",
                "§ 1",
                "--diarienummer",
                "KS 2029/1",
                "--nytt-diarienummer",
            ]
        )
        == 0
    ), err_of(capsys)
    assert tree(outside) == before_outside
    after = tree(root)
    assert {k: v for k, v in after.items() if not k.startswith("dalarna/borlange/2029/")} == before_data

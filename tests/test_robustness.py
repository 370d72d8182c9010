"""Inputs a secretary can get wrong in ways the schemas alone do not catch cleanly: each gives a
Swedish error and exit code 1, never a traceback (found by a review of the first version)."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import docx
import pytest
from lxml import etree

from conftest import ROOT, edit, visible
from pipeline.cli import main
from pipeline.data import yamledit
from pipeline.data.validate import validate_paths, validate_version
from pipeline.documents.render import render, render_version
from pipeline.errors import OutputError, TemplateError
from pipeline.files import output

F, P, C = "overenskommelse.yaml", "planer/02-ungdomar-skolor.yaml", "../../lan.yaml"


def set_field(path, key, value):
    path.write_text(yamledit.set_field(path.read_text(encoding="utf-8"), key, value), encoding="utf-8")


@pytest.mark.parametrize("file, key, value", [
    (F, "parter", "text"), (F, "parter", ["x"]), (F, "giltighetstid", "tills vidare"),
    (F, "organisation", ["a"]), (F, "underskrifter", "Mikael Thalin"), (F, "underskrifter", ["x"]),
    (F, "fokusområden", ["Hot och våld"]), (F, "mål", {"type": "x"}), (F, "beredning", "i januari"),
    (P, "period", "hela läsåret"), (P, "period", [2023]), (P, "aktiviteter", {"type": "x"}),
    (P, "uppföljning", "varje år"), (C, "polisorganisation", "text"), (C, "polisorganisation", ["x"]),
])
def test_wrong_shapes_are_clean_errors(orsa, capsys, file, key, value):
    set_field(orsa / file, key, value)
    assert main(["validate", str(orsa)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fel") and "Traceback" not in err
    assert f"'{key}" in err or f".{key}" in err


@pytest.mark.parametrize("text, words", [
    ("x: &x [*x]\n", "nästlade i mer än"),
    ("x: " + "[" * 900 + "]" * 900 + "\n", "nästlade i mer än"),
    ("x:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1500)), "nästlad"),  # 1.1 MB, under the size limit
], ids=["alias-in-itself", "900-brackets", "1500-indents"])
def test_self_referencing_alias_and_deep_nesting(orsa, capsys, text, words):
    with open(orsa / F, "a", encoding="utf-8") as handle:
        handle.write(text)
    assert main(["validate", str(orsa)]) == 1
    assert words in capsys.readouterr().err


@pytest.mark.parametrize("text", ["2023-01-31 09:00:00", "2023-01-31T09:00:00+01:00"])
def test_a_date_with_a_time_is_refused(orsa, capsys, text):
    edit(orsa / F, "    datum: 2023-01-31\n", f"    datum: {text}\n")
    assert main(["validate", str(orsa)]) == 1
    err = capsys.readouterr().err
    assert "har ett klockslag" in err and "beredning[1].datum" in err


def test_raw_control_character_is_located_on_its_line(orsa):
    path = orsa / "overenskommelse.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[14] = lines[14].rstrip("\n") + "\x01\n"  # line 15, after åäö earlier in the file
    path.write_text("".join(lines), encoding="utf-8")
    (problem,) = validate_paths([orsa]).problems
    assert (problem.line, problem.column) == (15, len(lines[14]) - 1)  # the \x01, not the newline


def test_duplicate_key_does_not_hide_the_other_errors(orsa):
    edit(orsa / F, "status: beslutad\n", "status: beslutad\nstatus: beslutad\n")
    edit(orsa / F, "bakgrund:", "bakgrun:")
    edit(orsa / P, "fokusområde: Ungdomar/skolor", "fokusområde: Ungdomar")
    messages = " | ".join(p.message for p in validate_paths([orsa]).problems)
    assert "förekommer två gånger" in messages and "okänt fält 'bakgrun'" in messages
    assert "obligatoriskt fält 'bakgrund' saknas" in messages


def test_validate_dot_inside_a_version_folder(orsa, monkeypatch, capsys):
    monkeypatch.chdir(orsa)
    assert main(["validate", "."]) == 0
    assert main(["validate", "planer"]) == 0
    capsys.readouterr()
    assert main(["render", F, "--out", str(orsa.parent / "ut")]) == 1
    assert "är en fil; ange versionens mapp" in capsys.readouterr().err


def test_lpo_check_works_for_any_folder_spelling_and_missing_kommuner(county):
    (county / "orsa").rename(county / "Orsa")
    edit(county / "Orsa" / "2023" / F, "lokalpolisområde: Mora", "lokalpolisområde: Falun")
    assert any(
        "hör till lokalpolisområde Mora" in p.message for p in validate_paths([county / "Orsa" / "2023"]).problems
    )
    (county / "Orsa").rename(county / "nyby")
    problems = validate_paths([county / "nyby" / "2023"]).problems
    assert any("finns inte i länets indelning" in p.message for p in problems)


def test_errors_in_the_shared_county_text_name_the_county_field(orsa, county):
    edit(county / "lan.yaml", "      polisregion: Bergslagen", "      polisregion: 17")
    (problem,) = validate_paths([orsa]).problems
    assert problem.file == county / "lan.yaml" and problem.field == "gemensamt.parter.polisen.polisregion"


def test_plans_in_numeric_order_and_odd_files_reported(orsa):
    plans = orsa / "planer"
    for old, new in (
        ("01-ordningsstorningar-centrum", "1-a"),
        ("02-ungdomar-skolor", "2-b"),
        ("03-hot-mot-fortroendevalda", "9-c"),
        ("04-alkohol-sommarsasong", "10-d"),
    ):
        (plans / f"{old}.yaml").rename(plans / f"{new}.yaml")
    (plans / "10-d.yaml").rename(plans / "10-d.YAML")
    version = validate_version(orsa)
    assert [p.slug for p in version.plans] == ["a", "b", "c", "d"]
    (plans / "anteckningar.txt").write_text("x")
    assert [p.message for p in validate_paths([orsa]).problems] == ["filen är ingen plan och skulle hoppas över"]


def test_planer_that_is_a_file(orsa):
    shutil.rmtree(orsa / "planer")
    (orsa / "planer").write_text("x")
    assert "planer ska vara en mapp" in validate_paths([orsa]).problems[0].message


def test_folded_text_keeps_its_paragraphs(orsa):
    edit(orsa / F, "kommunikation: >-\n", "kommunikation: >-\n  Första stycket.\n\n")
    document = docx.Document(io.BytesIO(render_version(validate_version(orsa))[0].data))
    texts = [p.text for p in document.paragraphs]
    assert "Första stycket." in texts
    assert texts[texts.index("Första stycket.") + 1].startswith("Parterna informerar")


def test_metadata_with_a_blank_line_stays_valid_xml(orsa):
    edit(orsa / F, "diarienummer: KS 2023/0042", 'diarienummer: "KS\\n\\n2023/0042"')
    data = render_version(validate_version(orsa))[0].data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                etree.fromstring(archive.read(name))  # strict: raises on "\a" and friends


def test_template_expression_that_fails_is_a_template_error(tmp_path):
    folder = tmp_path / "mallar"
    shutil.copytree(ROOT / "templates", folder)
    path = folder / "overenskommelse.docx"
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"{{ syfte }}", b"{{ 1/0 }}")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(TemplateError) as caught:
        render_version(validate_version(ROOT / "agreements" / "dalarna" / "orsa" / "2023"), folder)
    assert "ZeroDivisionError" in caught.value.problems[0].message


def test_a_failed_swap_restores_every_file(tmp_path, monkeypatch):
    out = tmp_path / "ut"
    output.write_all(out, {"a.docx": b"gammal a", "b.docx": b"gammal b", "c.docx": b"gammal c"})
    real, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if str(dst).endswith("c.docx") and not str(src).endswith(".old"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OutputError):
        output.write_all(out, {"a.docx": b"ny a", "b.docx": b"ny b", "c.docx": b"ny c"})
    monkeypatch.setattr(os, "replace", real)
    assert visible(out) == {"a.docx": b"gammal a", "b.docx": b"gammal b", "c.docx": b"gammal c"}


def test_a_folder_in_the_way_stops_before_anything_is_replaced(tmp_path, orsa):
    out = tmp_path / "ut"
    written = render(orsa, out)
    before = {p.name: p.read_bytes() for p in written}
    (out / written[2].name).unlink()
    (out / written[2].name).mkdir()
    edit(orsa / F, "diarienummer: KS 2023/0042", "diarienummer: KS 2023/0043")
    with pytest.raises(OutputError):
        render(orsa, out)
    assert (out / written[0].name).read_bytes() == before[written[0].name]


def test_bilagor_of_removed_plans_are_removed(tmp_path, orsa):
    out = tmp_path / "ut"
    render(orsa, out)
    (orsa / "planer" / "03-hot-mot-fortroendevalda.yaml").unlink()
    render(orsa, out)
    assert sorted(visible(out)) == [
        "atgardsplan.docx",
        "bilaga-1-ordningsstorningar-centrum.docx",
        "bilaga-2-ungdomar-skolor.docx",
        "bilaga-3-alkohol-sommarsasong.docx",
        "samverkansoverenskommelse.docx",
    ]


def test_render_and_diff_refuse_to_write_into_the_data(orsa, capsys):
    assert main(["render", str(orsa), "--out", str(orsa / "beslutat")]) == 1
    assert "utdatamappen ligger i datamappen" in capsys.readouterr().err
    assert main(["diff", str(orsa.parent / "2019"), str(orsa), "--out", str(orsa / "planer")]) == 1
    assert "utdatamappen ligger i datamappen" in capsys.readouterr().err
    assert not (orsa / "beslutat").exists()


def test_batch_needs_the_data_folder_or_a_county(orsa, county, tmp_path, capsys):
    for root in (orsa, orsa.parent, tmp_path / "tom"):
        (tmp_path / "tom").mkdir(exist_ok=True)
        assert main(["batch", str(root), "--out", str(tmp_path / "ut")]) == 1
        assert "tips: Ange hela datamappen" in capsys.readouterr().err
    assert main(["batch", str(county), "--out", str(county.parent / "ut")]) == 1
    assert "utdatamappen ligger i datamappen" in capsys.readouterr().err


def test_reordered_goals_are_a_reordering(county):
    from pipeline.data.changes import summarize
    from pipeline.versions.lifecycle import start_version

    new, _ = start_version(county / "orsa", "2027", keep_case_number=True)
    text = (new / F).read_text(encoding="utf-8")
    first = "  - Öka tryggheten och minska brottsligheten i Orsa kommun.\n"
    assert first in text
    text = text.replace(first, "").replace(
        "\nfokusområden:", "  - " + first.strip()[2:] + "\n  - Ett helt nytt mål.\n\nfokusområden:", 1
    )
    (new / F).write_text(text, encoding="utf-8")
    goals = [
        c for c in summarize(validate_version(county / "orsa" / "2023"), validate_version(new)) if c.group == "Mål"
    ]
    assert [(c.kind, c.what, c.new) for c in goals] == [
        ("tillagd", "mål", "Ett helt nytt mål."),
        (
            "ändrad",
            "mål (ordning)",
            "Stärka samarbetet mellan Orsa kommun och lokalpolisområde Mora; "
            "Öka tryggheten och minska brottsligheten i Orsa kommun.",
        ),
    ]

"""The county's lägesbild (issue 22, item 4): the kommuner compared per 100 000 invånare in a
document ``batch`` writes beside the länsöversikt – public figures only – and the series in the
county export (JSON always, CSV with --lägesbild)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import docx

from conftest import ROOT, edit
from pipeline.cli import main
from pipeline.lagesbild.county import county_indicators, export_rows
from pipeline.lagesbild.series import POPULATION, Import, Series, Source, Value

RETRIEVED = dt.date(2026, 3, 1)


def kommun(name: str, counts: list[int], people: list[int], survey: float | None = None) -> list[Import]:
    years = ["2023", "2024", "2025"]
    bra = Source("bra", f"bra-{name}.csv", RETRIEVED, name)
    kolada = Source("kolada", f"kolada-{name}.json", RETRIEVED, name)
    counted = [Value(y, c, preliminary=y == "2025") for y, c in zip(years, counts, strict=True)]
    imports = [Import(bra, [Series("bra.misshandel", "Misshandel", "antal", "kommun", counted)]),
               Import(kolada, [Series(POPULATION, "Invånare totalt", "invånare", "kommun",
                                      [Value(y, p) for y, p in zip(years, people, strict=True)])])]
    if survey is not None:
        imports.append(Import(Source("enkat", "enkat.csv", RETRIEVED, name),
                              [Series("enkat.otrygg", "Otrygg", "procent", "kommun", [Value("2025", survey)])]))
    return imports


def test_the_kommuner_are_compared_per_100000_and_a_survey_is_left_out():
    compared = county_indicators({"Orsa kommun": kommun("Orsa", [52, 56, 60], [6930, 6912, 6905], survey=24.2),
                                  "Mora kommun": kommun("Mora", [140, 150, 120], [20000, 20100, 20050])})
    assert [i.id for i in compared] == ["bra.misshandel"]  # the survey is the kommun's own, not public
    table = compared[0]
    assert table.years == ["2023", "2024", "2025"] and table.unit == "per 100 000 invånare"
    mora, orsa = table.rows
    # by hand: 56 / 6 912 × 100 000 = 810,19 and 60 / 6 905 × 100 000 = 868,94; 150 / 20 100 × 100 000 = 746,27
    assert (orsa.name, round(orsa.figures[1], 2), round(orsa.figures[2], 2)) == ("Orsa kommun", 810.19, 868.94)
    assert round(mora.figures[1], 2) == 746.27 and orsa.preliminary == [False, False, True]
    assert round(orsa.change.difference, 2) == 58.75 and round(orsa.change.percent, 2) == 7.25


def test_a_kommun_without_a_series_has_a_row_without_figures():
    only_orsa = kommun("Orsa", [52, 56, 60], [6930, 6912, 6905])
    compared = county_indicators({"Orsa kommun": only_orsa, "Mora kommun": only_orsa[1:]})
    mora = next(r for r in compared[0].rows if r.name == "Mora kommun")
    assert mora.figures == [None, None, None] and mora.change is None


def test_export_rows_carry_the_rate_and_the_provenance():
    rows = export_rows("dalarna", "Orsa kommun", kommun("Orsa", [52, 56, 60], [6930, 6912, 6905], survey=24.2))
    misshandel = [r for r in rows if r["serie"] == "bra.misshandel"]
    assert misshandel[1] == {"län": "dalarna", "kommun": "Orsa kommun", "serie": "bra.misshandel",
                             "namn": "Misshandel", "enhet": "antal", "område": "kommun", "period": "2024",
                             "värde": 56, "per_100000": 810.2, "preliminär": False, "källa": "bra",
                             "fil": "bra-Orsa.csv", "hämtad": "2026-03-01"}
    assert not any(r["källa"] == "enkat" for r in rows)


def document_text(path) -> list[list[str]]:
    word = docx.Document(path)
    return [[c.text for c in row.cells] for t in word.tables for row in t.rows]


def test_batch_writes_the_county_lagesbild_and_keeps_it_while_nothing_changed(county, tmp_path, capsys):
    out = tmp_path / "ut"
    assert main(["batch", str(county.parent), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    written = out / "dalarna" / "lagesbild-lan.docx"
    assert f"Länets lägesbild: {written}" in said
    rows = document_text(written)
    header = rows[0]
    assert header == ["Kommun", "2021", "2022", "2023", "2024", "2025*", "Mot året före"]
    orsa = next(r for r in rows if r[0] == "Orsa kommun")
    assert orsa[4] == "8\u00a0101,0"  # samtliga brott 2024: 552 / 6 814 × 100 000 (the example data)
    assert any(r[0] == "Länet" for r in rows) and any(r[0] == "Riket" for r in rows)
    texts = "\n".join(p.text for p in docx.Document(written).paragraphs)
    assert "Känner du dig otrygg" not in texts  # the kommuner's own surveys are not in it
    before = written.stat().st_mtime_ns
    assert main(["batch", str(county.parent), "--out", str(out)]) == 0
    assert written.stat().st_mtime_ns == before  # nothing changed, nothing written
    edit(county / "orsa" / "lagesbild" / "bra-2026-02-16.yaml", "värde: 552}", "värde: 553}")
    edit(county / "orsa" / "lagesbild" / "bra-2026-02-16.yaml", "# Skriven av samverkan", "# Ändrad för hand")
    assert main(["batch", str(county.parent), "--out", str(out)]) == 0
    orsa = next(r for r in document_text(written) if r[0] == "Orsa kommun")
    assert orsa[4] == "8\u00a0115,6"  # 553 / 6 814 × 100 000


def test_batch_leaves_out_a_kommun_whose_statistics_are_broken_and_says_so(county, tmp_path, capsys):
    (county / "mora" / "lagesbild" / "bra-2026-02-16.yaml").write_text("källa: [trasig\n", encoding="utf-8")
    out = tmp_path / "ut"
    code = main(["batch", str(county.parent), "--out", str(out)])
    said = capsys.readouterr()
    assert code == 1 and "mora/lagesbild/bra-2026-02-16.yaml" in said.out + said.err
    names = [r[0] for r in document_text(out / "dalarna" / "lagesbild-lan.docx")]
    assert "Orsa kommun" in names and "Mora kommun" not in names


def test_the_export_carries_the_series(county, capsys):
    assert main(["export", str(county.parent), "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    import jsonschema

    jsonschema.validate(exported, json.loads((ROOT / "schemas" / "export.schema.json").read_text(encoding="utf-8")))
    orsa = [r for r in exported["lägesbild"] if r["kommun"] == "Orsa kommun" and r["serie"] == "bra.samtliga-brott"
            and r["område"] == "kommun"]
    assert [(r["period"], r["värde"], r["per_100000"]) for r in orsa][3] == ("2024", 552, 8101.0)
    assert {r["källa"] for r in exported["lägesbild"]} == {"bra", "kolada", "polisen"}
    assert main(["export", str(county.parent), "--format", "csv", "--lägesbild"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:3] == ["län", "kommun", "serie"]
    assert ["dalarna", "Orsa kommun", "bra.samtliga-brott", "Samtliga brott", "antal", "kommun", "2024", "552",
            "8101", "nej", "bra", "bra-anmalda-brott.csv", "2026-02-16"] in table
    assert main(["export", str(county.parent), "--xlsx", "x.xlsx", "--lägesbild"]) == 2  # not for a workbook

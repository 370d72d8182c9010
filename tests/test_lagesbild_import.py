"""Importing the lägesbild's statistics: each source's reader against files in its real layout
(tests/fixtures/lagesbild/), every broken file as a located Swedish error, the stored imports
beside a kommun's versions, the command from end to end – nothing half-written, whatever fails –
and every reader fuzzed: whatever comes in, the answer is an import that stores or a DataError."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AGREEMENTS, FIXTURES, tree
from faults import ALL_CHANGES, Faults, disk_full, install
from fuzzing import examples
from pipeline.cli import main
from pipeline.errors import DataError, PipelineError
from pipeline.files import transaction
from pipeline.lagesbild import bra, enkat, kolada, polisen, store
from pipeline.lagesbild.importer import guess
from pipeline.lagesbild.reading import load
from pipeline.lagesbild.series import Import, Series, Source, Value

HERE = FIXTURES / "lagesbild"
BROKEN = HERE / "broken"
DAY = dt.date(2026, 2, 16)
READERS = {"bra": bra.read, "kolada": kolada.read, "polisen": polisen.read, "enkat": enkat.read}


def values(imported: Import, series_id: str, area: str = "kommun") -> dict[str, tuple]:
    """Return a series' values by period as (value, preliminary, note)."""
    series = next(s for s in imported.series if s.id == series_id and s.area == area)
    return {v.period: (v.value, v.preliminary, v.note) for v in series.values}


# --- Brå ------------------------------------------------------------------------------------------

def test_a_table_from_bras_statistikdatabas_gives_every_brottstyp_with_county_and_country():
    imported = bra.read(HERE / "bra" / "statistikdatabas-orsa.csv", "Orsa", "2034")
    assert [(s.id, s.area) for s in imported.series] == [
        ("bra.samtliga-brott", "kommun"), ("bra.misshandel-inkl-grov", "kommun"), ("bra.skadegorelsebrott", "kommun"),
        ("bra.bostadsinbrott", "kommun"), ("bra.samtliga-brott", "län"), ("bra.samtliga-brott", "riket")]
    assert values(imported, "bra.samtliga-brott") == {
        "2021": (612, False, ""), "2022": (598, False, ""), "2023": (655, False, ""), "2024": (640, False, ""),
        "2025": (621, True, "")}
    assert values(imported, "bra.misshandel-inkl-grov")["2023"] == (None, False, "..")  # suppressed
    assert values(imported, "bra.bostadsinbrott")["2024"] == (None, False, "–")
    assert values(imported, "bra.samtliga-brott", "riket")["2024"] == (1_489_319, False, "")
    source = imported.source
    assert (source.source, source.file, source.kommun, source.kommun_code) == (
        "bra", "statistikdatabas-orsa.csv", "Orsa", "2034")
    assert source.retrieved == dt.date(2026, 2, 16)  # the table's own "Hämtad:" line
    assert source.url == "https://statistik.bra.se/solwebb/action/index"
    assert source.description == "Anmälda brott, antal. Testdata – påhittade värden"


def test_a_brå_table_in_windows_1252_repeating_the_område_and_marking_prel_without_brackets():
    imported = bra.read(HERE / "bra" / "statistikdatabas-mora.csv", "Mora", "2062", retrieved=DAY)
    assert values(imported, "bra.samtliga-brott") == {
        "2022": (2105, False, ""), "2023": (2180, False, ""), "2024": (2096, False, ""), "2025": (2050, True, "")}
    assert values(imported, "bra.misshandel-inkl-grov")["2025"] == (None, True, "..")
    assert imported.source.retrieved == DAY


def test_brås_yearly_table_of_the_kommuner_gives_the_kommuns_total_and_the_country():
    imported = bra.read(HERE / "bra" / "Anmalda brott i kommunerna 2025.csv", "Malung-Sälen", "2023")
    assert values(imported, "bra.samtliga-brott") == {"2025": (980, True, "")}  # "Antal (prel.)"
    assert values(imported, "bra.samtliga-brott", "riket") == {"2025": (1_455_020, True, "")}
    assert imported.source.description == "Anmälda brott i kommunerna 2025, preliminära uppgifter"


def test_the_2021_table_without_header_names_the_kommuner_in_the_genitive_with_a_dash():
    imported = bra.read(HERE / "bra" / "anmalda_brott_kommuner_2021.csv", "Malung-Sälen", "2023")
    assert values(imported, "bra.samtliga-brott") == {"2021": (1003, False, "")}
    assert values(bra.read(HERE / "bra" / "anmalda_brott_kommuner_2021.csv", "Orsa", "2034"),
                  "bra.samtliga-brott") == {"2021": (612, False, "")}


# --- Kolada -----------------------------------------------------------------------------------------

def test_koladas_answer_gives_each_kpi_for_kommun_region_and_country_total_only():
    imported = kolada.read(HERE / "kolada" / "orsa.json", "Orsa", "2034", retrieved=DAY)
    assert sorted((s.id, s.area, s.unit) for s in imported.series) == sorted(
        (kpi, area, unit) for kpi, unit in (("kolada.N01951", "invånare"), ("kolada.N07403", "per 100 000 invånare"))
        for area in ("kommun", "län", "riket"))
    assert values(imported, "kolada.N01951") == {
        "2021": (6993, False, ""), "2022": (6941, False, ""), "2023": (6908, False, ""), "2024": (6876, False, "")}
    assert values(imported, "kolada.N07403")["2021"] == (None, False, "")  # null: no figure
    assert values(imported, "kolada.N07403", "län")["2022"] == (1044.8, False, "")
    assert values(imported, "kolada.N01951", "riket")["2024"] == (10_587_710, False, "")
    assert imported.source.description == "Kolada, nyckeltal N01951, N07403"


def test_koladas_answer_on_one_line_with_v2_periods_as_text():
    imported = kolada.read(HERE / "kolada" / "mora.json", "Mora", "2062", retrieved=DAY)
    assert values(imported, "kolada.N01951") == {"2022": (20465, False, ""), "2023": (20431, False, ""),
                                                 "2024": (20409, False, "")}
    assert values(imported, "kolada.N07403") == {"2024": (1103.6, False, "")}


# --- Polisen ----------------------------------------------------------------------------------------

def test_polisens_events_are_counted_per_type_and_month_in_the_kommun():
    imported = polisen.read(HERE / "polisen" / "handelser-orsa-2025.json", "Orsa", "2034", retrieved=DAY)
    counts = {s.id: [v.value for v in s.values] for s in imported.series}
    # Mora's events are left out; one placed in the county whose name ends ", Orsa" counts for Orsa;
    # the county's night summary does not.
    assert counts == {"polisen.handelser.brand": [0, 1, 0], "polisen.handelser.misshandel": [1, 1, 0],
                      "polisen.handelser.stold": [0, 0, 1], "polisen.handelser.trafikolycka": [2, 1, 0]}
    assert [v.period for v in imported.series[0].values] == ["2025-01", "2025-02", "2025-03"]
    assert not any(v.preliminary for s in imported.series for v in s.values)


def test_months_from_the_retrieval_month_on_are_preliminary():
    imported = polisen.read(HERE / "polisen" / "handelser-orsa-2025.json", "Orsa", "2034",
                            retrieved=dt.date(2025, 2, 20))
    assert {v.period: v.preliminary for v in imported.series[0].values} == {
        "2025-01": False, "2025-02": True, "2025-03": True}


def test_files_read_together_count_an_event_in_both_once():
    path = HERE / "polisen" / "handelser-orsa-2025.json"
    once = polisen.read(path, "Orsa", "2034", retrieved=DAY)
    twice = polisen.read_many([(path, None), (path.read_bytes(), "kopia.json")], "Orsa", "2034", retrieved=DAY)
    assert [(s.id, s.values) for s in twice.series] == [(s.id, s.values) for s in once.series]
    assert twice.source.file == "handelser-orsa-2025.json, kopia.json"


# --- the survey -------------------------------------------------------------------------------------

def test_a_survey_in_windows_1252_with_every_column():
    imported = enkat.read(HERE / "enkat" / "trygghet-orsa.csv", "Orsa", "2034", retrieved=DAY)
    assert values(imported, "enkat.otrygg-kvall") == {
        "2022": (19.5, False, ""), "2023": (18, False, ""), "2024": (17.2, False, ""), "2025": (16.8, True, "")}
    assert values(imported, "enkat.otrygg-kvall.antal-svar")["2024"] == (415, False, "")
    assert values(imported, "enkat.har-du-avstatt-fran-nagon-aktivitet-pa")["2023"] == (None, False, "..")
    assert values(imported, "enkat.otrygg-kvall", "län") == {"2024": (21.3, False, "")}
    assert imported.source.description == "Trygghetsmätning i Orsa kommun. Testdata – påhittade värden"


def test_a_survey_with_only_the_required_columns():
    imported = enkat.read(HERE / "enkat" / "trygghet-mora.csv", "Mora", "2062", retrieved=DAY)
    assert [s.id for s in imported.series] == ["enkat.kanner-du-dig-otrygg-ute-ensam-sent-en"]
    assert values(imported, imported.series[0].id) == {"2024": (22.5, False, ""), "2025": (21, False, "")}


# --- broken files -----------------------------------------------------------------------------------

BROKEN_CASES = [
    # file, where (file:row:column, or the file alone), what the message says
    ("bra-cell-not-a-number.csv", ":3:5:", "'64O' är inget tal"),
    ("bra-year-twice.csv", ":2:5:", "året 2023 står två gånger"),
    ("bra-other-kommun.csv", ":4:1:", "raden gäller Mora kommun, inte Orsa"),
    ("bra-crime-twice.csv", ":3:2:", "'Misshandel' för Orsa kommun står två gånger"),
    ("bra-wrong-layout.csv", ": ", "ser inte ut som en fil från Brå"),
    ("bra-kommuner-utan-ar.csv", ": ", "året står inte i filens namn"),
    ("kolada-value-not-a-number.json", ":21:9:", "'sju tusen' är inget tal"),
    ("kolada-year-twice.json", ":16:5:", "året 2024 står två gånger för N01951"),
    ("kolada-other-kommun.json", ":16:5:", "posten gäller kommunkod 2062, inte Orsa (2034)"),
    ("kolada-metadata.json", ":3:5:", "posten är inte ett värde från Kolada"),
    ("kolada-not-json.json", ":3:1:", "filen är inte JSON"),
    ("polisen-bad-datetime.json", ":14:3:", "'1 maj 2024 kl. 22' är ingen tidpunkt"),
    ("polisen-id-twice.json", ":14:3:", "händelsen 1 står två gånger"),
    ("polisen-missing-type.json", ":14:3:", "händelsen saknar fältet 'type'"),
    ("polisen-other-kommun.json", ": ", "filen har inga händelser i Orsa"),
    ("enkat-not-a-number.csv", ":3:4:", "'sjutton' är inget tal"),
    ("enkat-year-twice.csv", ":3:2:", "året 2024 står två gånger för frågan"),
    ("enkat-other-kommun.csv", ":3:1:", "raden gäller Mora, inte Orsa"),
    ("enkat-missing-column.csv", ":1:", "kolumnen 'fråga' saknas"),
    ("enkat-formula.csv", ":2:3:", "börjar som en formel"),
    ("enkat-share-over-100.csv", ":2:4:", "118,0 ligger utanför 0–100"),
    ("not-a-text-file.csv", ":1:", "styrtecken"),
    ("neither-utf8-nor-cp1252.csv", ": ", "varken UTF-8 eller Windows-1252"),
]


@pytest.mark.parametrize(("name", "where", "said"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_a_broken_file_is_a_located_swedish_error(name, where, said):
    reader = READERS.get(name.split("-")[0], enkat.read)
    with pytest.raises(DataError) as caught:
        reader(BROKEN / name, "Orsa", "2034", retrieved=DAY)
    (problem,) = caught.value.problems
    text = problem.format()
    assert f"{BROKEN / name}{where}" in text and said in text, text


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    from pipeline.lagesbild import reading

    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    with pytest.raises(DataError, match="storleksgränsen"):
        kolada.read(HERE / "kolada" / "orsa.json", "Orsa", "2034")


def test_json_nested_too_deep_or_too_large_is_a_data_error(monkeypatch):
    from pipeline.lagesbild import reading

    with pytest.raises(DataError, match="nästlad"):
        kolada.read(b"[" * 100_000 + b"]" * 100_000, "Orsa", "2034", name="djup.json")
    monkeypatch.setattr(reading, "MAX_JSON_ITEMS", 50)
    with pytest.raises(DataError, match="fler än 50 värden"):
        kolada.read(HERE / "kolada" / "orsa.json", "Orsa", "2034")


@pytest.mark.parametrize(("name", "source"), [
    ("bra/statistikdatabas-orsa.csv", "bra"), ("bra/Anmalda brott i kommunerna 2025.csv", "bra"),
    ("bra/anmalda_brott_kommuner_2021.csv", "bra"), ("kolada/mora.json", "kolada"),
    ("polisen/handelser-orsa-2025.json", "polisen"), ("enkat/trygghet-orsa.csv", "enkat")])
def test_a_files_source_is_guessed_from_its_content(name, source):
    assert guess(load(HERE / name))[0] == source


def test_a_file_of_no_known_source_asks_for_the_source():
    with pytest.raises(DataError, match="kan inte avgöra vilken källa"):
        guess(load(b"a;b\n1;2\n", "x.csv"))


# --- storing ----------------------------------------------------------------------------------------

@pytest.fixture
def kommun(sealed_county) -> Path:
    """Return a copy of Orsa's folder (its versions sealed) without the example lägesbild."""
    shutil.rmtree(sealed_county / "orsa" / "lagesbild")
    return sealed_county / "orsa"


def an_import(day: dt.date, value: float, series_id: str = "bra.samtliga-brott") -> Import:
    return Import(Source("bra", "x.csv", day, "Orsa", "2034", "", "Test"),
                  [Series(series_id, "Samtliga brott", "antal", "kommun", [Value("2024", value), Value("2025", None,
                                                                                                      True, "..")])])


def test_an_import_is_stored_beside_the_versions_and_read_back_as_it_was(kommun):
    versions = {p: tree(p) for p in (kommun / "2019", kommun / "2023")}
    imported = bra.read(HERE / "bra" / "statistikdatabas-orsa.csv", "Orsa", "2034")
    (written,) = store.write(kommun, [imported])
    assert written.path == kommun / "lagesbild" / "bra-2026-02-16.yaml" and written.outcome == "ny"
    assert store.load_kommun(kommun) == [imported]
    assert {p: tree(p) for p in versions} == versions  # no version changes
    (again,) = store.write(kommun, [imported])
    assert again.outcome == "oförändrad"


def test_the_import_retrieved_last_wins_per_series_and_area(kommun):
    store.write(kommun, [an_import(dt.date(2026, 1, 10), 600), an_import(dt.date(2025, 6, 1), 590)])
    store.write(kommun, [an_import(dt.date(2026, 1, 11), 610, "bra.misshandel")])
    imports = store.load_kommun(kommun)
    assert [i.source.retrieved for i in imports] == [dt.date(2025, 6, 1), dt.date(2026, 1, 10), dt.date(2026, 1, 11)]
    current = {(s.id, s.area): (s.values[0].value, src.retrieved) for s, src in store.current(imports)}
    assert current == {("bra.samtliga-brott", "kommun"): (600, dt.date(2026, 1, 10)),
                       ("bra.misshandel", "kommun"): (610, dt.date(2026, 1, 11))}


def test_a_stored_file_with_a_wrong_value_is_a_located_schema_problem(kommun):
    (written,) = store.write(kommun, [an_import(DAY, 600)])
    text = written.path.read_text(encoding="utf-8").replace("värde: 600", "värde: sexhundra")
    written.path.write_text(text, encoding="utf-8")
    (kommun / "lagesbild" / "anteckning.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        store.load_kommun(kommun)
    found = [p.format() for p in caught.value.problems]
    line = text.splitlines().index(next(t for t in text.splitlines() if "sexhundra" in t)) + 1
    assert any(f"bra-2026-02-16.yaml:{line}:" in f and "serier[1].värden[1].värde" in f for f in found), found
    assert any("anteckning.yaml" in f and "<källa>-ÅÅÅÅ-MM-DD.yaml" in f for f in found), found


def with_our_checksum(body: str) -> str:
    """Return a stored file's text with a first line that says samverkan wrote it (its checksum holds)."""
    import hashlib

    return f"# Skriven av samverkan (test); kontrollsumma {hashlib.sha256(body.encode()).hexdigest()}\n{body}"


def test_a_file_that_claims_to_be_ours_is_still_checked_and_located(kommun):
    """Files as samverkan wrote them are read by libyaml; one whose checksum holds but whose content is
    wrong, or one with anchors (an alias bomb), is read by the careful loader: located, limited."""
    (written,) = store.write(kommun, [an_import(DAY, 600)])
    body = written.path.read_text(encoding="utf-8").split("\n", 1)[1].replace("värde: 600", "värde: sexhundra")
    from pipeline.data.followups import written_by_us

    assert written_by_us(with_our_checksum(body))  # so the fast path is the one tried first
    written.path.write_text(with_our_checksum(body), encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        store.load_kommun(kommun)
    line = with_our_checksum(body).splitlines().index(next(t for t in body.splitlines() if "sexhundra" in t)) + 1
    assert any(f"bra-2026-02-16.yaml:{line}:" in p.format() for p in caught.value.problems)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
        f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(12))
    written.path.write_text(with_our_checksum(bomb), encoding="utf-8")
    with pytest.raises(PipelineError):  # refused by the node limit, not expanded
        store.load_kommun(kommun)


def test_a_hand_edited_import_is_replaced_only_with_ersatt(kommun, capsys):
    files = [str(HERE / "enkat" / "trygghet-orsa.csv")]
    assert main(["lagesbild", "importera", str(kommun), *files, "--hämtad", "2026-02-16"]) == 0
    stored = kommun / "lagesbild" / "enkat-2026-02-16.yaml"
    stored.write_text(stored.read_text(encoding="utf-8").replace("värde: 19.5", "värde: 19.6"), encoding="utf-8")
    edited = stored.read_bytes()
    capsys.readouterr()
    assert main(["lagesbild", "importera", str(kommun), *files, "--hämtad", "2026-02-16"]) == 1
    assert "skriven eller ändrad för hand" in capsys.readouterr().err and stored.read_bytes() == edited
    assert main(["lagesbild", "importera", str(kommun), *files, "--hämtad", "2026-02-16", "--ersätt"]) == 0
    said = capsys.readouterr().out
    assert "Obs:" in said and "Ersatte 6 serier, åren 2022–2025" in said and b"19.6" not in stored.read_bytes()


def test_nothing_is_ever_stored_inside_a_version_or_beside_the_kommuner(kommun, capsys):
    code = main(["lagesbild", "importera", str(kommun / "2023"), str(HERE / "enkat" / "trygghet-orsa.csv")])
    assert code == 1 and "aldrig i en version" in capsys.readouterr().err
    assert not (kommun / "2023" / "lagesbild").exists()
    code = main(["lagesbild", "importera", str(kommun.parent), str(HERE / "enkat" / "trygghet-orsa.csv"),
                 "--kommun", "Orsa"])
    assert code == 1 and "ett län eller hela data" in capsys.readouterr().err
    assert not (kommun.parent / "lagesbild").exists()


@pytest.mark.slow  # a whole batch of a kommun (quick tier < 3 min)
def test_a_kommun_with_a_lagesbild_folder_still_validates_and_batches(tmp_path):
    """The lagesbild/ folder beside the versions is no version: discovery, validate and batch pass it by."""
    from pipeline.county.batch import run_batch
    from pipeline.data.validate import validate_paths
    from pipeline.data.version import find_versions

    county = tmp_path / "agreements" / "dalarna"
    shutil.copytree(AGREEMENTS / "dalarna" / "orsa", county / "orsa")
    shutil.copy(AGREEMENTS / "dalarna" / "lan.yaml", county / "lan.yaml")
    assert (county / "orsa" / "lagesbild" / "bra-2026-02-16.yaml").is_file()
    assert find_versions(county / "orsa") == [county / "orsa" / "2019", county / "orsa" / "2023"]
    assert validate_paths([county]).ok
    report = run_batch(county, tmp_path / "ut", jobs=1)
    assert not report.problems, [p.format() for p in report.problems]
    assert main(["validate", str(county)]) == 0


# --- the command from end to end --------------------------------------------------------------------

def test_importera_stores_every_source_and_says_what_and_visa_shows_it(kommun, capsys):
    files = [HERE / "bra" / "statistikdatabas-orsa.csv", HERE / "kolada" / "orsa.json",
             HERE / "polisen" / "handelser-orsa-2025.json", HERE / "enkat" / "trygghet-orsa.csv"]
    assert main(["lagesbild", "importera", str(kommun), *map(str, files), "--hämtad", "2026-02-16"]) == 0
    said = capsys.readouterr().out
    assert "statistikdatabas-orsa.csv: källan gissades till bra" in said
    assert "Skrev 6 serier, åren 2021–2025: " in said and "Skrev 4 serier, månaderna 2025-01–2025-03: " in said
    assert sorted(p.name for p in (kommun / "lagesbild").iterdir()) == [
        "bra-2026-02-16.yaml", "enkat-2026-02-16.yaml", "kolada-2026-02-16.yaml", "polisen-2026-02-16.yaml"]
    assert main(["lagesbild", "visa", str(kommun)]) == 0
    shown = capsys.readouterr().out
    assert "Lägesbild för Orsa: 22 serier ur 4 importer" in shown
    assert "bra.misshandel-inkl-grov" in shown and "621*" in shown and "1 502 113" in shown
    assert "polisen.handelser.trafikolycka" in shown and "2025-03" in shown


def test_importera_with_a_broken_file_exits_1_and_stores_nothing(kommun, capsys):
    before = tree(kommun)
    files = [str(HERE / "bra" / "statistikdatabas-orsa.csv"), str(BROKEN / "enkat-not-a-number.csv")]
    assert main(["lagesbild", "importera", str(kommun), *files, "--källa", "enkat"]) == 1
    err = capsys.readouterr().err
    assert "Fel: " in err and "Traceback" not in err
    assert tree(kommun) == before


def test_importera_names_the_broken_file_row_and_column(kommun, capsys):
    assert main(["lagesbild", "importera", str(kommun), str(BROKEN / "bra-cell-not-a-number.csv")]) == 1
    err = capsys.readouterr().err
    assert f"{BROKEN / 'bra-cell-not-a-number.csv'}:3:5: fältet '2024': '64O' är inget tal" in err


def test_a_full_disk_at_any_change_of_an_import_leaves_the_kommun_as_before(kommun, tmp_path):
    """Two new files and one replaced, in one step: a failure at any file-system change leaves the
    kommun's folder exactly as it was (after the next command has cleared what the run left)."""
    files = [str(HERE / "bra" / "statistikdatabas-orsa.csv"), str(HERE / "kolada" / "orsa.json"),
             str(HERE / "enkat" / "trygghet-orsa.csv")]
    arguments = ["lagesbild", "importera", None, *files, "--hämtad", "2026-02-16"]
    pristine = tmp_path / "pristine" / "orsa"
    shutil.copytree(kommun, pristine)
    assert main(["lagesbild", "importera", str(pristine), files[2], "--hämtad", "2026-02-16", "--källa", "enkat"]) == 0
    stored = pristine / "lagesbild" / "enkat-2026-02-16.yaml"
    stored.write_text(stored.read_text(encoding="utf-8").replace("värde: 19.5", "värde: 0"), encoding="utf-8")

    def run(k: int | None, name: str) -> tuple[int, Path, Faults]:
        folder = tmp_path / name / "orsa"
        shutil.copytree(pristine, folder)
        faults = Faults(k, disk_full)
        undo = install(faults, ALL_CHANGES)
        try:
            code = main([a if a is not None else str(folder) for a in arguments] + ["--ersätt"])
        finally:
            undo()
        return code, folder, faults

    before = tree(pristine)
    code, done, counting = run(None, "whole")
    assert code == 0 and counting.count > 5
    after = tree(done)
    assert after != before
    for k in range(1, counting.count + 1):
        code, folder, _ = run(k, f"run-{k}")
        transaction.settle(folder)  # what the next command does first
        state = {name: data for name, data in tree(folder).items() if not name.endswith(".samverkan.lock")}
        assert state == (before if code else after), f"change {k} of {counting.count} ({counting.names[k - 1]})"


# --- the examples -----------------------------------------------------------------------------------

def test_the_stored_examples_are_what_the_script_and_the_importer_make(tmp_path):
    sys.path.insert(0, str(HERE))
    try:
        import make_examples
    finally:
        sys.path.remove(str(HERE))
    assert make_examples.differences(tmp_path) == []
    for folder in make_examples.KOMMUNER:
        imports = store.load_kommun(AGREEMENTS / "dalarna" / folder)
        assert [i.source.source for i in imports] == ["bra", "enkat", "kolada", "polisen"]
        assert all("Exempeldata" in i.source.description for i in imports), folder


def test_examples_hold_the_series_the_lagesbild_needs():
    imports = store.load_kommun(AGREEMENTS / "dalarna" / "orsa")
    ids = {(s.id, s.area) for s, _ in store.current(imports)}
    assert {("bra.samtliga-brott", "kommun"), ("bra.samtliga-brott", "län"), ("kolada.N01951", "kommun"),
            ("kolada.N07403", "kommun"), ("enkat.otrygg-kvall", "kommun")} <= ids
    assert sum(1 for i, _ in ids if i.startswith("bra.")) >= 5
    events = next(s for s, _ in store.current(imports) if s.id == "polisen.handelser.trafikolycka")
    assert all(v.period.startswith("2025-") for v in events.values)


# --- fuzzing every reader ---------------------------------------------------------------------------

FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEEDS = {"bra": HERE / "bra" / "statistikdatabas-orsa.csv", "kolada": HERE / "kolada" / "orsa.json",
         "polisen": HERE / "polisen" / "handelser-orsa-2025.json", "enkat": HERE / "enkat" / "trygghet-orsa.csv"}
PIECES = [b";", b"\n", b"\r\n", b'"', b"..", b"\xe2\x80\x93", b"=", b"{", b"}", b"[", b"]", b",", b"2024",
          b"2025 (prel.)", b"Mora kommun", b"null", b"-1", b"1e999", b"\x00", b"\xff", b"Hela landet", b"0020",
          b'"T"', b"9" * 5000]


def outcome(source: str, data: bytes) -> None:
    """Read ``data`` as ``source``: an import that stores, or a DataError – never anything else."""
    try:
        imported = READERS[source](data, "Orsa", "2034", name=f"fuzz.{source}", retrieved=DAY)
    except DataError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    store.checked_encoding(Path("lagesbild") / store.file_name(imported.source), imported)


@pytest.mark.parametrize("source", sorted(READERS))
@settings(max_examples=examples(60), **FUZZ)
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_a_data_error_or_an_import(source, data):
    outcome(source, data)


@pytest.mark.parametrize("source", sorted(READERS))
@settings(max_examples=examples(80), **FUZZ)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.sampled_from(PIECES)), min_size=1,
                      max_size=6))
def test_a_mutated_real_file_is_a_data_error_or_an_import(source, edits):
    data = SEEDS[source].read_bytes()
    for at, cut, piece in edits:
        at %= len(data) + 1
        data = data[:at] + piece + data[at + cut:]
    outcome(source, data)

"""The lägesbild document: figures checked by hand for Orsa, the tables, sources and marks as Word
and paper show them, the charts' alt text, and where the document goes (render, beslutspaket)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import docx
import pytest

from conftest import ORSA_2023
from pipeline.documents.lagesbild import LAGESBILD_FILE_NAME, lagesbild_imports, render_lagesbild
from pipeline.documents.lagesbild_charts import indicator_alt, indicator_chart
from pipeline.documents.model import RenderedDocument
from pipeline.lagesbild import figures
from pipeline.lagesbild.series import POPULATION, Import, Series, Source, Value

NBSP = "\u00a0"
BRA = Source("bra", "Anmälda brott Orsa.csv", dt.date(2026, 3, 12), "Orsa", "2034",
             "https://statistik.bra.se/solwebb/action/index", "Anmälda brott efter brottstyp, region och år")
KOLADA = Source("kolada", "kolada-N01951.json", dt.date(2026, 3, 10), "Orsa", "2034",
                "https://api.kolada.se/v2/data/kpi/N01951/municipality/2034/year/2021,2022,2023,2024,2025")
POLISEN = Source("polisen", "events-orsa-2025.json", dt.date(2026, 3, 14), "Orsa", "",
                 "https://polisen.se/api/events?locationname=Orsa")
ENKAT = Source("enkat", "trygghet-orsa.csv", dt.date(2026, 2, 2), "Orsa", "", "", "Orsa kommuns trygghetsenkät")
YEARS = ["2021", "2022", "2023", "2024", "2025"]


def values(numbers: list, preliminary_last: bool = False) -> list[Value]:
    return [Value(year, number, preliminary_last and year == YEARS[-1]) for year, number in zip(YEARS, numbers,
                                                                                                    strict=True)]


def orsa_imports(county: bool = True, events: bool = True) -> list[Import]:
    """Orsa's figures, invented: misshandel with the county and the country, the population of all
    three, a share from a survey, and Polisen's events in 2025 (2025's Brå figures preliminary)."""
    bra = [Series("bra.misshandel", "Misshandel", "antal", "kommun", values([52, 50, 54, 56, 60], True))]
    kolada = [Series(POPULATION, "Invånare totalt", "invånare", "kommun",
                     values([6934, 6950, 6930, 6912, 6905], True))]
    if county:
        bra += [Series("bra.misshandel", "Misshandel", "antal", "län", values([1830, 1875, 1910, 1950, 1990], True)),
                Series("bra.misshandel", "Misshandel", "antal", "riket",
                       values([90000, 92000, 94000, 95500, 97000], True))]
        kolada += [Series(POPULATION, "Invånare totalt", "invånare", "län",
                          values([288387, 288819, 287966, 287795, 287500])),
                   Series(POPULATION, "Invånare totalt", "invånare", "riket",
                          values([10452326, 10521556, 10551707, 10587710, 10600000]))]
    imports = [Import(BRA, bra), Import(KOLADA, kolada),
               Import(ENKAT, [Series("enkat.otrygg-kvall", "Otrygg ute sent en kväll", "procent", "kommun",
                                     [Value("2023", 21.0), Value("2024", 21.0), Value("2025", 24.2)])])]
    if events:
        months = [3, 2, 4, 1, 5, 6, 8, 7, 3, 2, 4, 5]
        imports.append(Import(POLISEN, [
            Series("polisen.handelser.trafikolycka", "Trafikolycka", "antal", "kommun",
                   [Value(f"2025-{m:02d}", n) for m, n in enumerate(months, start=1)]),
            Series("polisen.handelser.brand", "Brand", "antal", "kommun", [Value("2025-07", 2)])]))
    return imports


def misshandel(imports=None) -> figures.Indicator:
    return next(i for i in figures.indicators(imports or orsa_imports()) if i.id == "bra.misshandel")


def year(indicator: figures.Indicator, period: str) -> figures.Year:
    return next(y for y in indicator.years if y.period == period)


# --- the figures, by hand ------------------------------------------------------------------------

def test_per_100k_is_the_count_over_the_population_of_the_same_year():
    # 2024: 56 anmälda misshandel, 6 912 invånare: 56 / 6 912 × 100 000 = 810,185… → 810,2
    assert round(year(misshandel(), "2024").rate, 1) == 810.2
    assert figures.per_100k(56, 6912) == pytest.approx(810.185, abs=0.001)
    # 2021: 52 / 6 934 × 100 000 = 749,928… → 749,9
    assert round(year(misshandel(), "2021").rate, 1) == 749.9
    assert figures.per_100k(56, None) is None and figures.per_100k(None, 6912) is None
    assert figures.per_100k(56, 0) is None


def test_change_from_the_year_before_in_count_and_percent():
    # 2024 against 2023: 56 − 54 = +2; 2 / 54 = 3,703… % → +3,7 %
    found = year(misshandel(), "2024").previous
    assert found.difference == 2 and round(found.percent, 1) == 3.7
    # 2022 against 2021: 50 − 52 = −2; −2 / 52 = −3,846… % → −3,8 %
    found = year(misshandel(), "2022").previous
    assert found.difference == -2 and round(found.percent, 1) == -3.8
    assert year(misshandel(), "2021").previous is None  # no 2020 in the data
    assert figures.change(5, 0) == figures.Change(5, None)  # no percentage of nothing


def test_change_from_the_average_of_the_three_years_before():
    # 2024: (52 + 50 + 54) / 3 = 52,0; 56 − 52 = +4,0; 4 / 52 = 7,692… % → +7,7 %
    found = year(misshandel(), "2024").average
    assert found.difference == pytest.approx(4.0) and round(found.percent, 1) == 7.7
    # 2025: (50 + 54 + 56) / 3 = 53,333…; 60 − 53,333 = +6,667 → +6,7; 6,667 / 53,333 = 12,5 %
    found = year(misshandel(), "2025").average
    assert round(found.difference, 1) == 6.7 and round(found.percent, 1) == 12.5
    # 2023 has only two years before it in the data: no average
    assert year(misshandel(), "2023").average is None
    assert figures.years_before("2024") == ["2021", "2022", "2023"]


def test_county_and_country_beside_per_100k_from_their_own_population():
    found = year(misshandel(), "2024")
    # the county: 1 950 / 287 795 × 100 000 = 677,565… → 677,6; the country: 95 500 / 10 587 710 × 100 000
    # = 901,988… → 902,0
    assert round(found.county, 1) == 677.6 and round(found.country, 1) == 902.0
    assert misshandel().county and misshandel().country
    alone = misshandel(orsa_imports(county=False))
    assert not alone.county and year(alone, "2024").county is None


def test_brås_own_rate_for_an_area_without_a_population_series():
    imports = orsa_imports(county=False)
    imports[0].series.append(Series("bra.misshandel-per-100000", "Misshandel", "per 100 000 invånare", "län",
                                    values([634.6, 649.2, 663.3, 677.6, 692.2])))
    indicator = misshandel(imports)
    assert year(indicator, "2024").county == 677.6 and indicator.county and not indicator.country
    assert [i.id for i in figures.indicators(imports)].count("bra.misshandel-per-100000") == 0


def test_a_missing_value_leaves_its_figures_missing_not_zero():
    imports = orsa_imports()
    imports[0].series[0].values[1] = Value("2022", None, False, "..")
    indicator = misshandel(imports)
    assert year(indicator, "2022").rate is None and year(indicator, "2022").note == ".."
    assert year(indicator, "2023").previous is None  # 2022 is missing
    assert year(indicator, "2024").average is None  # 2021–2023 lacks 2022


def test_preliminary_when_the_value_or_the_population_is():
    indicator = misshandel()
    assert year(indicator, "2025").preliminary and not year(indicator, "2024").preliminary
    imports = orsa_imports()
    imports[0].series[0].values[-1] = Value("2025", 60)  # Brå final, the population still preliminary
    assert year(misshandel(imports), "2025").preliminary


def test_the_newest_import_of_a_series_wins_whole():
    newer = Source("bra", "Anmälda brott Orsa 2.csv", dt.date(2026, 4, 1), "Orsa", "2034")
    imports = orsa_imports() + [Import(newer, [Series("bra.misshandel", "Misshandel", "antal", "kommun",
                                                       [Value("2024", 57), Value("2025", 61)])])]
    indicator = misshandel(imports)
    assert [(y.period, y.value) for y in indicator.years] == [("2024", 57), ("2025", 61)]
    assert indicator.sources == [newer]


def test_the_population_comes_first_and_the_events_by_year_most_frequent_first():
    assert [i.id for i in figures.indicators(orsa_imports())] == [POPULATION, "bra.misshandel", "enkat.otrygg-kvall"]
    (events,) = figures.event_years(orsa_imports())
    assert events.year == "2025" and [r.name for r in events.rows] == ["Trafikolycka", "Brand"]
    assert events.rows[0].total == 50 and events.rows[1].months[6] == 2 and events.rows[1].months[0] is None


# --- the document --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered() -> RenderedDocument:
    return render_lagesbild(ORSA_2023, orsa_imports())


def paragraphs(document: RenderedDocument) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(document.data)).paragraphs]


def tables(document: RenderedDocument) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in docx.Document(io.BytesIO(document.data)).tables]


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_the_document_starts_with_the_parties_own_lägesbild(rendered):
    texts = paragraphs(rendered)
    assert rendered.name == LAGESBILD_FILE_NAME and texts[0] == "Lägesbild – Orsa kommun"
    own = next(n for n, t in enumerate(texts) if t.startswith("Kommunen och polisen arbetar gemensamt fram lokala"))
    assert texts.index("Parternas lägesbild") < own < texts.index("Statistiken")


def test_the_indicator_table_holds_the_hand_checked_figures_in_swedish(rendered):
    table = next(t for t in tables(rendered) if t[0][1] == "Antal")
    assert [plain(h) for h in table[0]] == ["År", "Antal", "Per 100 000 invånare", "Mot året före",
                                            "Mot snittet av de tre åren före", "Länet per 100 000",
                                            "Riket per 100 000"]
    rows = {row[0]: [plain(c) for c in row] for row in table[1:]}
    assert rows["2024"] == ["2024", "56", "810,2", "+2 (+3,7 %)", "+4,0 (+7,7 %)", "677,6", "902,0"]
    assert rows["2022"][3] == "−2 (−3,8 %)"  # a true minus sign
    assert rows["2025*"][:3] == ["2025*", "60", "868,9"]  # preliminary: marked
    assert rows["2021"][3:5] == ["–", "–"]


def test_thousands_are_kept_together_by_a_no_break_space(rendered):
    population = next(t for t in tables(rendered) if t[0][1] == "Invånare")
    assert population[4][:2] == ["2024", f"6{NBSP}912"]


def test_each_figure_has_its_source_and_date_and_the_star_is_explained(rendered):
    texts = paragraphs(rendered)
    heading = texts.index("Misshandel")
    assert texts[heading + 1] == ("Källa: Brå, statistikdatabasen över anmälda brott, filen Anmälda brott Orsa.csv, "
                                  "hämtad 12 mars 2026. Invånare: Kolada (RKA), filen kolada-N01951.json, hämtad "
                                  "10 mars 2026.")
    assert texts[heading + 2].startswith("* preliminära uppgifter")
    sources = texts[texts.index("Källor") + 1:]
    assert ("Polisens händelser (polisen.se), filen events-orsa-2025.json, från "
            "https://polisen.se/api/events?locationname=Orsa, hämtad 14 mars 2026") in sources
    assert len(sources) == 4


def test_a_share_changes_in_percentage_points_without_county_columns(rendered):
    table = next(t for t in tables(rendered) if t[0][1] == "Procent")
    assert table[0] == ["År", "Procent", "Mot året före, procentenheter",
                        "Mot snittet av de tre åren före, procentenheter"]
    assert [plain(c) for c in table[3]] == ["2025", "24,2", "+3,2", "–"]  # 24,2 − 21,0
    assert [plain(c) for c in table[2]] == ["2024", "21,0", "0,0", "–"]


def test_only_the_areas_the_data_has_stand_beside():
    imports = orsa_imports()
    imports[0].series.pop()  # Brå's country row
    document = render_lagesbild(ORSA_2023, imports)
    table = next(t for t in tables(document) if t[0][1] == "Antal")
    assert [plain(h) for h in table[0][-2:]] == ["Mot snittet av de tre åren före", "Länet per 100 000"]
    assert [plain(c) for c in table[4]] == ["2024", "56", "810,2", "+2 (+3,7 %)", "+4,0 (+7,7 %)", "677,6"]


def test_a_survey_question_has_its_number_of_answers_under_its_source():
    imports = orsa_imports()
    imports[2].series.append(Series("enkat.otrygg-kvall.antal-svar", "Otrygg ute sent en kväll – antal svar",
                                    "antal", "kommun", [Value("2024", 412), Value("2025", 1398)]))
    assert [i.id for i in figures.indicators(imports)][-1] == "enkat.otrygg-kvall"
    texts = paragraphs(render_lagesbild(ORSA_2023, imports))
    source = texts.index("Otrygg ute sent en kväll") + 1
    assert texts[source].startswith("Källa: Trygghetsundersökning, filen trygghet-orsa.csv, hämtad 2 februari 2026")
    assert plain(texts[source + 1]) == "Antal svar: 2024 412, 2025 1 398."


def test_polisens_events_per_type_and_month(rendered):
    table = next(t for t in tables(rendered) if t[0][0] == "Typ")
    assert table[0] == ["Typ", "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
                        "Summa"]
    assert table[1] == ["Trafikolycka", "3", "2", "4", "1", "5", "6", "8", "7", "3", "2", "4", "5", "50"]
    assert table[2] == ["Brand"] + ["–"] * 6 + ["2"] + ["–"] * 5 + ["2"]
    assert "Händelser 2025" in paragraphs(rendered)


def test_the_charts_alt_text_says_what_it_shows_in_words_and_numbers(rendered):
    alt = indicator_alt(misshandel(), "Orsa kommun")
    assert alt.startswith("Linjediagram: Misshandel, per 100 000 invånare, 2021–2025. Orsa kommun 2021: 749,9")
    assert "2024: 810,2" in plain(alt) and "2025*: 868,9" in plain(alt)
    assert "Länet 2021: 634,6" in plain(alt) and "Riket" in alt and alt.endswith("* preliminära uppgifter.")
    described = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', rendered.parts["word/document.xml"].decode())
    assert len(described) == 2  # misshandel and the survey; the population has a table only
    assert plain(described[0]) == plain(alt)


def test_without_events_or_comparisons_the_document_leaves_them_out():
    document = render_lagesbild(ORSA_2023, orsa_imports(county=False, events=False))
    texts = paragraphs(document)
    assert "Polisens händelser" not in texts
    counted = next(t for t in tables(document) if t[0][1] == "Antal")
    assert len(counted[0]) == 5 and not any("Länet och riket" in t for t in texts)


def test_only_events_and_one_indicator_render_too():
    only_events = render_lagesbild(ORSA_2023, [orsa_imports()[-1]])
    assert "Polisens händelser" in paragraphs(only_events) and len(tables(only_events)) == 1
    one = render_lagesbild(ORSA_2023, [Import(ENKAT, [Series("enkat.x", "En fråga", "procent", "kommun",
                                                                [Value("2025", 12.5)])])])
    assert [plain(c) for c in tables(one)[0][1]] == ["2025", "12,5", "–", "–"]
    assert "word/charts/samverkan-diagram-1.xml" not in one.parts  # a single point is no chart


def test_data_is_text_never_template_code():
    imports = [Import(ENKAT, [Series("enkat.x", "{{ kommun }} {% if true %}<b>&", "procent", "kommun",
                                     [Value("2024", 1.0), Value("2025", 2.0)])])]
    texts = paragraphs(render_lagesbild(ORSA_2023, imports))
    assert "{{ kommun }} {% if true %}<b>&" in texts


def test_the_same_figures_give_the_same_bytes(rendered):
    assert render_lagesbild(ORSA_2023, orsa_imports()).data == rendered.data
    first, again = indicator_chart(misshandel(), "Orsa kommun", 1), indicator_chart(misshandel(), "Orsa kommun", 1)
    assert (first.xml, first.workbook) == (again.xml, again.workbook)


# --- where it goes ---------------------------------------------------------------------------------

def store_imports(kommun, imports) -> None:
    from pipeline.lagesbild import store

    store.write(kommun, imports)


def test_render_writes_the_lägesbild_beside_the_documents_only_with_stored_data(orsa, tmp_path):
    from pipeline.cli import main

    shutil.rmtree(orsa.parent / "lagesbild", ignore_errors=True)  # the example data's, if any
    assert lagesbild_imports(orsa.parent) == []
    assert main(["render", str(orsa), "--out", str(tmp_path / "utan")]) == 0
    without = sorted(p.name for p in (tmp_path / "utan").glob("*.docx"))
    assert LAGESBILD_FILE_NAME not in without
    store_imports(orsa.parent, orsa_imports())
    assert main(["render", str(orsa), "--out", str(tmp_path / "med")]) == 0
    assert sorted(p.name for p in (tmp_path / "med").glob("*.docx")) == sorted(without + [LAGESBILD_FILE_NAME])
    for name in without:  # the other documents as they were
        assert (tmp_path / "med" / name).read_bytes() == (tmp_path / "utan" / name).read_bytes()


@pytest.mark.slow  # two batch runs
def test_batch_writes_the_lägesbild_and_makes_it_again_when_the_figures_change(tmp_path, capsys):
    from pipeline.cli import main
    from synthetic import make_country

    county = make_country(tmp_path / "agreements", 1, plans=1)
    kommun = county / "exempelby001"
    store_imports(kommun, orsa_imports(events=False))
    args = ["batch", str(county.parent), "--out", str(tmp_path / "ut"), "--jobs", "1", "--datum", "2026-11-27"]
    assert main(args) == 0
    made = tmp_path / "ut" / "dalarna" / "exempelby001" / "2027" / LAGESBILD_FILE_NAME
    first = made.read_bytes()
    capsys.readouterr()
    assert main(args) == 0 and "Inget har ändrats" in capsys.readouterr().out
    newer = Source("bra", "Anmälda brott 2.csv", dt.date(2026, 4, 1), "Orsa", "2034")
    store_imports(kommun, [Import(newer, [Series("bra.misshandel", "Misshandel", "antal", "kommun",
                                                 [Value("2024", 57), Value("2025", 61)])])])
    assert main(args) == 0
    assert made.read_bytes() != first


def test_the_beslutspaket_has_the_lägesbild_before_the_bilagor_and_the_memo_lists_it(county):
    from pipeline.compare.versions import propose

    draft = county / "falun" / "2027"  # Falun's example lägesbild, which its plans cite
    comparison = propose(draft)
    labels = [label for label, *_ in comparison.package_plan()["delar"]]
    lagesbild = next(n for n, label in enumerate(labels) if "Lägesbild" in label)
    first_bilaga = next(n for n, label in enumerate(labels) if "– Förslag: Bilaga" in label)
    assert labels[lagesbild - 1].endswith("Samverkansöverenskommelse mellan Falu kommun och lokalpolisområde Falun")
    assert lagesbild < first_bilaga and labels[lagesbild].startswith(f"Del {lagesbild + 1} – Underlag: Lägesbild")
    memo = "\n".join(p.text for p in docx.Document(io.BytesIO(comparison.memo.data)).paragraphs)
    assert "Lägesbild – Falu kommun: statistiken under överenskommelsen, med källor" in memo


# --- on paper --------------------------------------------------------------------------------------

def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "lagesbild.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def reviewed(rendered: RenderedDocument, tmp_path, pdf: bytes | None = None) -> list:
    """Return where the document breaks the rules every document keeps (read with its PDF when given)."""
    from pipeline.documents import review

    (tmp_path / LAGESBILD_FILE_NAME).write_bytes(rendered.data)
    document = review.read_docx(tmp_path / LAGESBILD_FILE_NAME, LAGESBILD_FILE_NAME)
    if pdf is not None:
        (tmp_path / "granskad.pdf").write_bytes(pdf)
        document.pages = review.read_pdf_pages(tmp_path / "granskad.pdf")
    return review.review(document)


def test_the_document_keeps_the_rules_every_document_keeps(rendered, tmp_path):
    assert reviewed(rendered, tmp_path) == []


@pytest.mark.libreoffice
def test_the_table_rows_are_on_paper(rendered, tmp_path):
    from pipeline.publish.pdf import pdf_bytes

    pdf = pdf_bytes([rendered])["lagesbild.pdf"]
    assert reviewed(rendered, tmp_path, pdf) == []  # no heading alone at the foot of a page, …
    text = plain(pdf_text(pdf, tmp_path))
    for row in ("2024 56 810,2 +2 (+3,7 %) +4,0 (+7,7 %) 677,6 902,0",
                "2025* 60 868,9 +4 (+7,1 %) +6,7 (+12,5 %) 692,2 915,1",
                "2024 6 912 −18 (−0,3 %) −26,0 (−0,4 %)",
                "Trafikolycka 3 2 4 1 5 6 8 7 3 2 4 5 50"):
        assert row in text, row
    assert "* preliminära uppgifter" in text and "hämtad 12 mars 2026" in text
    # the charts are drawn, Word's own charts printed by LibreOffice: the survey's line has its
    # figures at its points, written the Swedish way whatever this computer's language
    printed = subprocess.run(["pdftotext", str(tmp_path / "lagesbild.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
    lines = [plain(line.strip()) for line in printed.splitlines()]
    assert {"procent", "per 100 000 invånare", "24,2", "Orsa kommun"} <= set(lines)  # axis titles, a point, legend
    assert "24.2" not in text and "21.0" not in text

"""The plans' links to the lägesbild (issue 22, item 3): a kartläggning citing series, an indicator
starting from a series' figure of a year, validate's checks of both, the documents using them,
and the follow-up taking an indicator's newer figures from later imports instead of typed ones.

Falun's example data: plan 1 of the 2027 draft cites bra.misshandel-inkl-grov and
enkat.otrygg-kvall, and its indicator I4 starts from misshandel per 100 000 invånare in 2024 –
310 anmälda / 59 322 invånare × 100 000 = 522,6 (checked by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import edit, line_of, tree
from pipeline.cli import main
from pipeline.data.followups import load_records
from pipeline.data.validate import validate_version
from pipeline.errors import SchemaError
from pipeline.followup.status import follow_up
from pipeline.lagesbild import links, store
from pipeline.lagesbild.links import Statistics
from pipeline.lagesbild.series import Import, Series, Source, Value

PLAN = "planer/01-trygghet-centrum.yaml"


@pytest.fixture
def falun(county):
    return county / "falun" / "2027"


def run(args, capsys) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- the figures ---------------------------------------------------------------------------------

def test_an_indicator_starts_from_the_rate_of_its_year(falun):
    version = validate_version(falun)
    statistics = Statistics.of_kommun(falun.parent)
    i4 = version.plans[0].data["uppföljning"][3]
    start = statistics.start(i4)
    assert (start.period, start.value, start.unit, start.preliminary) == ("2024", 522.6, "per 100 000 invånare", False)
    assert start.source == "Brå och Kolada, hämtad 16 februari 2026"
    # the same series without "per 100 000 invånare" as its unit starts from the count itself
    assert statistics.start({**i4, "enhet": "anmälningar"}).value == 310
    # the newest figure after the start year: 2025, preliminary, 352 / 59 110 × 100 000 = 595,5
    latest = statistics.measured(i4)
    assert (latest.period, latest.value, latest.preliminary) == ("2025", 595.5, True)
    assert statistics.measured(i4, until=dt.date(2026, 2, 15)) is None  # nothing retrieved by then


def test_a_citation_names_the_series_its_latest_figure_and_source(falun):
    statistics = Statistics.of_kommun(falun.parent)
    assert statistics.citation("bra.misshandel-inkl-grov") == (
        "Misshandel inkl. grov: 595,5\u00a0per 100\u00a0000 invånare 2025, preliminär uppgift "
        "(Brå och Kolada, hämtad 16 februari 2026)")
    survey = statistics.citation("enkat.otrygg-kvall")
    assert survey.startswith("Känner du dig otrygg ute ensam sent en kväll i ditt bostadsområde? 19,3\u00a0procent")
    assert statistics.citation("bra.finns-inte") is None


# --- validate --------------------------------------------------------------------------------------

def test_the_example_links_are_valid(falun, capsys):
    code, out = run(["validate", str(falun)], capsys)
    assert code == 0, out


def test_a_series_the_lagesbild_lacks_is_an_error_at_its_line(falun, capsys):
    plan = falun / PLAN
    edit(plan, "    - enkat.otrygg-kvall\n", "    - enkat.otrygg-kvall-fel\n")
    code, out = run(["validate", str(falun)], capsys)
    assert code == 1 and "Traceback" not in out
    assert f"{plan}:{line_of(plan, 'otrygg-kvall-fel')}:" in out
    assert "fältet 'kartläggning.statistik[2]': serien enkat.otrygg-kvall-fel finns inte i kommunens lägesbild" in out
    assert "Kommunens serier: bra.bostadsinbrott, bra.misshandel-inkl-grov" in out


def test_a_start_year_without_a_figure_is_an_error_that_names_the_years(falun, capsys):
    plan = falun / PLAN
    edit(plan, "    utgångsår: 2024", "    utgångsår: 2019")
    code, out = run(["validate", str(falun)], capsys)
    assert code == 1
    assert f"{plan}:{line_of(plan, 'utgångsår: 2019')}:" in out
    assert "serien bra.misshandel-inkl-grov har inget värde för 2019" in out and "2021, 2022, 2023, 2024, 2025" in out


def test_a_typed_baseline_must_be_the_series_figure(falun, capsys):
    plan = falun / PLAN
    edit(plan, "    utgångsår: 2024\n", "    utgångsår: 2024\n    utgångsvärde: 500\n")
    code, out = run(["validate", str(falun)], capsys)
    assert code == 1 and "utgångsvärdet 500 är inte seriens värde för 2024, 522,6 per 100 000" in " ".join(out.split())
    edit(plan, "    utgångsvärde: 500\n", "    utgångsvärde: 522.6\n")  # the figure itself is fine …
    assert run(["validate", str(falun)], capsys)[0] == 0
    edit(plan, "    utgångsvärde: 522.6\n", "    utgångsvärde: 523\n")  # … and so is it rounded
    assert run(["validate", str(falun)], capsys)[0] == 0
    edit(plan, "    utgångsvärde: 523\n", "    utgångsvärde: 523.2\n")  # the boundary: 0,5 off and more is not
    assert run(["validate", str(falun)], capsys)[0] == 1


def test_a_start_year_needs_a_series(falun, capsys):
    edit(falun / PLAN, "    serie: bra.misshandel-inkl-grov\n", "")
    code, out = run(["validate", str(falun)], capsys)
    assert code == 1 and "utgångsår" in out and "serie" in out


def test_a_kommun_without_a_lagesbild_is_told_how_to_get_one(falun, capsys):
    import shutil

    shutil.rmtree(falun.parent / "lagesbild")
    code, out = run(["validate", str(falun)], capsys)
    assert code == 1 and "Kommunen har ingen lägesbild inläst" in out


def test_a_decided_versions_broken_link_is_only_a_warning(county, capsys):
    """A later import (or a removed one) cannot make a decided version wrong: Falun's decided 2023
    citing a series the lägesbild does not have is told, not refused."""
    decided = county / "falun" / "2023"
    edit(decided / PLAN, "    - Den gemensamma lokala lägesbilden\n",
         "    - Den gemensamma lokala lägesbilden\n  statistik: [bra.rån]\n")
    problems, warnings = links.check_version(validate_version(decided))
    assert problems == [] and [w.message for w in warnings] == ["serien bra.rån finns inte i kommunens lägesbild"]
    code, out = run(["validate", str(decided)], capsys)
    assert code == 0 and "bra.rån" in out


# --- the documents ---------------------------------------------------------------------------------

def texts(document) -> str:
    import io

    import docx

    word = docx.Document(io.BytesIO(document.data))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_the_bilaga_and_the_action_plan_cite_the_series(falun):
    from pipeline.documents.render import render_version

    documents = {d.name: d for d in render_version(validate_version(falun))}
    bilaga = texts(documents["bilaga-1-trygghet-centrum.docx"])
    assert ("Misshandel inkl. grov: 595,5\u00a0per 100\u00a0000 invånare 2025, preliminär uppgift (Brå och Kolada, "
            "hämtad 16 februari 2026) – ur kommunens lägesbild") in bilaga
    assert "Utgår från 522,6\u00a0per 100\u00a0000 invånare 2024 (Brå och Kolada, hämtad 16 februari 2026)." in bilaga
    plan = texts(documents["atgardsplan.docx"])
    assert "I4 Anmälda misshandelsbrott i hela kommunen (Brå), per 100 000 invånare. Utgår från 522,6" in plan
    assert "bra.misshandel-inkl-grov" not in bilaga + plan  # ids are for the data, not the reader


def test_a_draft_with_a_broken_link_is_not_rendered(falun, tmp_path, capsys):
    edit(falun / PLAN, "    - enkat.otrygg-kvall\n", "    - enkat.otrygg-kvall-fel\n")
    out = tmp_path / "ut"
    code, said = run(["render", str(falun), "--out", str(out)], capsys)
    assert code == 1 and "otrygg-kvall-fel" in said and not out.exists()
    with pytest.raises(SchemaError):
        links.for_version(validate_version(falun))


# --- the follow-up ---------------------------------------------------------------------------------

FOLLOW_UP = """uppföljt_av: Samverkansgruppen
planer:
- plan: 01-trygghet-centrum
  indikatorer:
  - id: I1
    värde: 38
{typed}"""


def newer_imports(kommun) -> None:
    """Store Brå's figures as retrieved on 2 May 2026: 2025 final, and revised (340, not 352)."""
    bra = Source("bra", "bra-maj.csv", dt.date(2026, 5, 2), "Falun", "2080")
    store.write(kommun, [
        Import(bra, [Series("bra.misshandel-inkl-grov", "Misshandel inkl. grov", "antal", "kommun",
                            [Value("2024", 310), Value("2025", 340)])])])


def test_the_follow_up_takes_a_linked_indicators_figure_from_the_import_of_its_time(falun):
    (falun / "uppfoljning").mkdir()
    (falun / "uppfoljning" / "2026-03-01.yaml").write_text(FOLLOW_UP.format(typed=""), encoding="utf-8")
    (falun / "uppfoljning" / "2026-09-01.yaml").write_text(FOLLOW_UP.format(typed=""), encoding="utf-8")
    newer_imports(falun.parent)
    version = validate_version(falun)
    records, problems = load_records(version)
    assert problems == []
    i4 = follow_up(version, records).plans[0].indicators[3]
    # 1 March: only the February imports → 2025 preliminary, 352 / 59 110 × 100 000 = 595,5;
    # 1 September: Brå's May import → 2025 final, 340 / 59 110 × 100 000 = 575,2
    assert i4.points == [(dt.date(2026, 3, 1), 595.5), (dt.date(2026, 9, 1), 575.2)]
    assert i4.from_series[dt.date(2026, 3, 1)].preliminary and not i4.from_series[dt.date(2026, 9, 1)].preliminary
    assert i4.from_series[dt.date(2026, 9, 1)].source == "Brå och Kolada, hämtad 2 maj 2026"
    assert i4.baseline == 522.6  # 2024 is the same in both imports: 310 / 59 322
    # a value typed in the record wins over the series'
    (falun / "uppfoljning" / "2026-09-01.yaml").write_text(
        FOLLOW_UP.format(typed="  - id: I4\n    värde: 500\n"), encoding="utf-8")
    records, _ = load_records(version)
    i4 = follow_up(version, records).plans[0].indicators[3]
    assert i4.points[-1] == (dt.date(2026, 9, 1), 500) and dt.date(2026, 9, 1) not in i4.from_series


def test_the_follow_up_report_says_where_a_figure_comes_from(falun, tmp_path, capsys):
    (falun / "uppfoljning").mkdir()
    (falun / "uppfoljning" / "2026-09-01.yaml").write_text(FOLLOW_UP.format(typed=""), encoding="utf-8")
    newer_imports(falun.parent)
    before = tree(falun)
    code, said = run(["uppfoljning", str(falun), "--out", str(tmp_path / "rapport")], capsys)
    assert code == 0, said
    assert tree(falun) == before  # the figures are read, never written into the record
    import docx

    word = docx.Document(next((tmp_path / "rapport").glob("*.docx")))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "522,6 per 100 000 invånare (2024, Brå och Kolada)" in cells  # the baseline, from the series
    assert "575,2 per 100 000 invånare (2026-09-01)" in cells  # the latest value
    assert any(c.startswith("Ur lägesbilden: 2025 (Brå och Kolada, hämtad 2 maj 2026)") for c in cells)


def test_the_follow_up_form_says_a_linked_value_may_be_left_to_the_lagesbild(falun):
    from pipeline.web.followup_form import _indicator_row

    version = validate_version(falun)
    state = follow_up(version, [])
    plan, i4 = state.plans[0], state.plans[0].indicators[3]
    said = _indicator_row(plan.plan, i4.item, i4)["om"]
    assert "Utgångsvärdet är 522,6 per 100 000 invånare." in said  # from the series: the plan types none
    assert "Lämnas värdet tomt hämtas det ur kommunens lägesbild." in said
    assert "lägesbild" not in _indicator_row(plan.plan, plan.indicators[0].item, plan.indicators[0])["om"]

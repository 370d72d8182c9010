"""A command pays for what it needs and no more (issue 15).

Times are measured side by side in tests/benchmarks/bench_latency.py, never here. These
tests check the causes instead: which libraries a command imports, that nothing is
validated twice, that the template cache is safe when processes race, and that the work
(counted in Python function calls, which do not depend on the machine) grows linearly
with the number of plans.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import FALUN_2027, ORSA_2023, ROOT
from pipeline.layout import LAGESBILD_FOLDER

ORSA_2019 = ORSA_2023.parent / "2019"
HEAVY = ("docx", "docxtpl", "cerberus", "jinja2", "lxml", "PIL", "psutil", "subprocess", "urllib.request",
         "email", "http", "matplotlib", "openpyxl", "pptx")


def imported_by(args: list[str], tmp_path) -> set[str]:
    """Return the top modules a `samverkan` command imports in a fresh process (it must succeed)."""
    code = ("import sys\nfrom pipeline.cli import main\ncode = main(sys.argv[1:])\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = set(done.stderr.split())
    return {name for name in HEAVY if name in modules}


def test_help_imports_only_click(tmp_path):
    assert imported_by(["--help"], tmp_path) == set()


def test_validate_imports_no_template_word_or_xml_library(tmp_path):
    # cerberus is asked only when something is wrong (it writes the messages).
    assert imported_by(["validate", str(ORSA_2023)], tmp_path) == set()


def test_validate_asks_cerberus_when_something_is_wrong(tmp_path, orsa):
    text = (orsa / "overenskommelse.yaml").read_text(encoding="utf-8")
    (orsa / "overenskommelse.yaml").write_text(text.replace("version: ", "versionen: ", 1), encoding="utf-8")
    code = "import sys\nfrom pipeline.cli import main\nmain(sys.argv[1:])\nprint('cerberus' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code, "validate", str(orsa)], capture_output=True, text=True)
    assert done.stdout.strip() == "True" and "versionen" in done.stderr


@pytest.mark.slow  # seconds: a batch, a whole review or many requests (quick tier < 3 min)
def test_only_the_commands_that_draw_charts_import_the_chart_writer(tmp_path):
    # The follow-up report draws charts (Word's own, through python-pptx); the county export and the
    # workbook do not, and validating a version with follow-up records reads YAML only
    # (test_validate_imports_no_… above). matplotlib is no longer used at all.
    report = imported_by(["uppfoljning", str(ORSA_2023), "--out", str(tmp_path / "u")], tmp_path)
    assert "pptx" in report and "matplotlib" not in report
    assert "pptx" not in imported_by(["export", str(ORSA_2023), "--xlsx", str(tmp_path / "b.xlsx")], tmp_path)
    county = imported_by(["export", str(ROOT / "agreements"), "--format", "json", "--ut", str(tmp_path / "l.json")],
                         tmp_path)
    assert not county & {"matplotlib", "pptx", "openpyxl", "docx", "docxtpl"}


def without_lagesbild(tmp_path, version: Path) -> Path:
    """Return a copy of ``version``'s county in which its kommun has no imported statistics (a
    lägesbild's charts need python-pptx) and its plans cite none."""
    county = tmp_path / "data" / "agreements" / version.parent.parent.name
    shutil.copytree(version.parent.parent, county)
    shutil.rmtree(county / version.parent.name / LAGESBILD_FOLDER, ignore_errors=True)
    for plan in (county / version.parent.name / version.name / "planer").glob("*.yaml"):
        text = re.sub(r"\n  statistik:\n(    - .*\n)+", "\n", plan.read_text(encoding="utf-8"))
        plan.write_text(re.sub(r"\n    (serie|utgångsår): .*", "", text), encoding="utf-8")
    return county / version.parent.name / version.name


def test_render_with_a_warm_cache_needs_neither_docxtpl_nor_python_docx(tmp_path):
    falun = without_lagesbild(tmp_path, FALUN_2027)
    imported_by(["render", str(falun), "--out", str(tmp_path / "first")], tmp_path)  # fills the cache
    assert imported_by(["render", str(falun), "--out", str(tmp_path / "a")], tmp_path) == {"jinja2", "lxml"}


def test_a_diff_names_the_lagesbild_without_drawing_it(tmp_path):
    # The memo lists the lägesbild among the Beslutsunderlag; only the beslutspaket needs its pages.
    orsa = without_lagesbild(tmp_path, ORSA_2023).parent
    from pipeline.lagesbild import store
    from pipeline.lagesbild.series import POPULATION, Import, Series, Source, Value

    source = Source("kolada", "kolada.json", dt.date(2026, 2, 16), "Orsa", "2034")
    store.write(orsa, [Import(source, [Series(POPULATION, "Invånare", "invånare", "kommun",
                                              [Value("2024", 6912.0), Value("2025", 6905.0)]),
                                       Series("kolada.N07403", "Våldsbrott", "per 100 000 invånare", "kommun",
                                              [Value("2024", 722.0), Value("2025", 1290.6)])])])
    diff = ["diff", str(orsa / "2019"), str(orsa / "2023"), "--out", str(tmp_path / "d")]
    assert "pptx" not in imported_by(diff, tmp_path)
    assert "pptx" in imported_by(["render", str(orsa / "2023"), "--out", str(tmp_path / "r")], tmp_path)


def test_diff_needs_neither_docxtpl_python_docx_nor_cerberus(tmp_path):
    imported_by(["diff", str(ORSA_2019), str(ORSA_2023), "--out", str(tmp_path / "first")], tmp_path)
    used = imported_by(["diff", str(ORSA_2019), str(ORSA_2023), "--out", str(tmp_path / "d")], tmp_path)
    assert used == {"jinja2", "lxml"}


def test_diff_validates_each_version_once_and_renders_the_new_one_once(monkeypatch, tmp_path):
    from pipeline import ooxml
    from pipeline.compare import versions
    from pipeline.data import validate

    calls = Counter()

    def counting(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(validate.Validator, "version")
    counting(versions, "render_version")
    counting(versions, "version_documents")
    counting(ooxml, "write_docx")
    comparison, written = versions.diff(ORSA_2019, ORSA_2023, tmp_path / "d")
    assert calls["version"] == 2
    assert calls["version_documents"] == 1  # the new side: both sides are the decided documents
    assert calls["render_version"] == 0  # so nothing is rendered with today's templates
    # Zipped: the memo and the redlines, which are written; not the rendered new documents,
    # whose parts the redlines read.
    assert calls["write_docx"] == len(written) == 1 + len(comparison.redlines)


def test_rendering_a_document_zips_it_once_when_it_is_written(tmp_path):
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    document = render_version(validate_version(ORSA_2023))[0]
    assert document.source is None and document.parts["word/document.xml"]
    assert document.data is document.data and document.data[:2] == b"PK"


def test_processes_racing_on_an_empty_cache_all_render_the_same(tmp_path):
    code = f"import sys\nfrom pipeline.documents.render import render\nrender({str(FALUN_2027)!r}, sys.argv[1])\n"
    env = {**os.environ, "SAMVERKAN_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / f"out{n}")], env=env,
                             stderr=subprocess.PIPE) for n in range(4)]
    for run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors
    names = sorted(p.name for p in (tmp_path / "out0").glob("*.docx"))
    for n in range(1, 4):
        for name in names:
            assert (tmp_path / f"out{n}" / name).read_bytes() == (tmp_path / "out0" / name).read_bytes()
    assert not [p for p in (tmp_path / "cache").rglob("*.tmp")]  # no half-written entries left


# --- growth: the work of a command, counted in function calls ----------------------------------------

def function_calls(action) -> int:
    """Return how many Python functions ``action`` calls (a measure of work that is the same on
    every machine and every run)."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return count


@pytest.fixture(scope="module")
def plan_kommuner(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "tests"))
    from synthetic import plans_kommun

    root = tmp_path_factory.mktemp("plans")
    return {count: plans_kommun(root / str(count), count) for count in (5, 50)}


@pytest.mark.parametrize("command", ["validate", "diff"])
def test_work_grows_linearly_with_the_plans(command, plan_kommuner, tmp_path):
    from pipeline.compare import versions
    from pipeline.data.validate import validate_version

    def run(kommun):
        if command == "validate":
            return lambda: validate_version(kommun / "2027")
        return lambda: versions.compare(kommun / "2023", kommun / "2027")

    run(plan_kommuner[5])()  # warm: templates compiled, schemas read
    small, large = function_calls(run(plan_kommuner[5])), function_calls(run(plan_kommuner[50]))
    # Ten times the plans may cost at most ten times the work (the fixed part makes it less).
    assert large <= 10 * small, (small, large)
    assert large > 3 * small  # the count does see the plans (else this test would prove nothing)


@pytest.fixture(scope="module")
def row_kommuner(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "tests"))
    from synthetic import rows_kommun

    root = tmp_path_factory.mktemp("rows")
    return {count: rows_kommun(root / str(count), count) for count in (20, 200)}


@pytest.mark.parametrize("command", ["validate", "render", "diff"])
def test_work_grows_linearly_with_the_rows_of_a_plan(command, row_kommuner):
    from pipeline.compare import versions
    from pipeline.data.validate import validate_version
    from pipeline.documents.render import render_version

    def run(kommun):
        if command == "validate":
            return lambda: validate_version(kommun / "2027")
        if command == "render":
            return lambda: render_version(validate_version(kommun / "2027"))
        return lambda: versions.compare(kommun / "2023", kommun / "2027")

    run(row_kommuner[20])()
    small, large = function_calls(run(row_kommuner[20])), function_calls(run(row_kommuner[200]))
    assert large <= 10 * small, (small, large)
    assert large > 2 * small, (small, large)

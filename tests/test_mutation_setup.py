"""The mutation testing set-up (tests/mutation/run.py) names real modules and tests, and knows a
surviving mutant by what it changes."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT

spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "tests" / "mutation" / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def test_every_core_module_and_its_tests_exist():
    modules = run.modules()
    assert set(modules) == {"rules", "changes", "transaction", "output", "seal", "masking", "resolve"}
    for module in modules.values():
        assert (ROOT / module["path"]).is_file(), module["path"]
        assert module["tests"] and all((ROOT / test).is_file() for test in module["tests"]), module


def test_the_baseline_names_only_known_modules_and_gives_every_equivalent_mutant_a_reason():
    baseline = json.loads(run.BASELINE.read_text(encoding="utf-8"))
    modules = run.modules()
    assert set(baseline["moduler"]) <= set(modules)
    for mutant in baseline["ekvivalenta"]:
        assert mutant["modul"] in modules and mutant["funktion"] and mutant["ändring"].startswith("- ")
        assert len(mutant["varför"]) > 20, mutant
    for name, result in baseline["moduler"].items():
        assert result["sökväg"] == modules[name]["path"]
        assert result["dödade"] + result["överlevande"] + result["ekvivalenta"] == result["mutanter"], name
        counted = result["mutanter"] - result["ekvivalenta"]
        assert result["poäng"] == round(100 * result["dödade"] / counted, 1), name


def test_a_mutant_is_known_by_its_function_and_changed_lines():
    diff = ("--- pipeline/data/rules.py\n+++ pipeline/data/rules.py\n@@ -1,3 +1,3 @@\n def f(a, b):\n"
            "-    return a <= b\n+    return a < b\n")
    assert run.change_of(diff) == "- return a <= b / + return a < b"
    assert run.function_of("pipeline.data.rules.x__plan_rules__mutmut_7") == "_plan_rules"
    assert run.function_of("pipeline.files.output.xǁLedgerǁowns__mutmut_12") == "Ledger.owns"


def test_the_docs_table_lists_every_module():
    table = run.doc_table(json.loads(run.BASELINE.read_text(encoding="utf-8")))
    for module in run.modules().values():
        assert f"`{module['path']}`" in table
    text = run.DOC.read_text(encoding="utf-8")
    assert run.DOC_START in text and run.DOC_END in text

"""Mutation testing of the core modules with mutmut, compared against the recorded scores.

    python tests/mutation/run.py [MODULE ...]          the named modules (default: all)
    python tests/mutation/run.py --changed REF         the modules whose code or tests differ from REF
    python tests/mutation/run.py --stale               the modules whose code or tests changed since
                                                       their score was recorded
    python tests/mutation/run.py --ci                  what CI runs: --stale, then within the time
                                                       budget also the modules the last commit or
                                                       merge changed (against its first parent)
    python tests/mutation/run.py --record [MODULE ...] run and record the scores (baseline.json and
                                                       the table in docs/utveckling/mutationstester.md)
    python tests/mutation/run.py --docs                only rewrite that table from baseline.json

The modules and the tests that judge each are named in one place: pyproject.toml,
[tool.samverkan.mutation.modules]. The shared mutmut settings stand under [tool.mutmut]; each
module runs in a folder of its own (build/mutation/<name>/) whose pyproject.toml adds the
module and its tests to them, so one module's mutants meet only its own, fast tests.

A surviving mutant is known by its function and the lines it changes, not by mutmut's number
(which shifts when code is added above it). baseline.json lists the equivalent mutants – those
no test can kill, since they do what the code does – with the reason; they do not count. The
score is killed / (all − equivalent). The run fails when a module's score is below its recorded
one, or when a module changed since its score was recorded could not be run within the time budget.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).resolve().parent / "baseline.json"
DOC = ROOT / "docs" / "utveckling" / "mutationstester.md"
WORK = ROOT / "build" / "mutation"
# What a module's tests need beside the code: the example data, schemas and templates.
LINKED = ("pipeline", "tests", "agreements", "schemas", "templates")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_KILLED = {"survived", "no tests", "suspicious"}
DOC_START, DOC_END = "<!-- mutationsresultat: start -->", "<!-- mutationsresultat: slut -->"


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(path.read_text(encoding="utf-8"))


def modules() -> dict[str, dict]:
    """Return the core modules: name → {"path": ..., "tests": [...]}, from pyproject.toml."""
    return load_toml(ROOT / "pyproject.toml")["tool"]["samverkan"]["mutation"]["modules"]


def checksum(module: dict) -> str:
    """Return a digest of what a module's score depends on: its code and its tests."""
    digest = hashlib.sha256()
    for name in [module["path"], *module["tests"]]:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def read_baseline() -> dict:
    if BASELINE.exists():
        return json.loads(BASELINE.read_text(encoding="utf-8"))
    return {"moduler": {}, "ekvivalenta": []}


def changed_since(ref: str, known: dict[str, dict]) -> list[str]:
    """Return the modules whose code or tests differ between ``ref`` and the work tree."""
    names = subprocess.run(["git", "diff", "--name-only", ref, "--"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    return [name for name, module in known.items() if {module["path"], *module["tests"]} & set(names)]


def stale(known: dict[str, dict], baseline: dict) -> list[str]:
    """Return the modules whose code or tests changed since their score was recorded."""
    recorded = baseline["moduler"]
    return [name for name, module in known.items()
            if recorded.get(name, {}).get("kontrollsumma") != checksum(module)]


# --- one module -----------------------------------------------------------------------------------

def mutmut_section(name: str, module: dict, shared: dict) -> str:
    """Return the [tool.mutmut] section for one module: the shared settings, its file and tests."""
    settings = dict(shared)
    settings["source_paths"] = ["pipeline"]
    settings["only_mutate"] = [module["path"]]
    settings["pytest_add_cli_args_test_selection"] = list(module["tests"])
    lines = ["[tool.mutmut]"] + [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def prepare(name: str, module: dict, fresh: bool) -> Path:
    """Return the module's work folder: links to the project and a pyproject.toml of its own."""
    folder = WORK / name
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for part in LINKED:
        link = folder / part
        if not link.is_symlink():
            link.symlink_to(ROOT / part, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    shared = load_toml(ROOT / "pyproject.toml")["tool"].get("mutmut", {})
    # The project's own [tool.mutmut] section is replaced by the module's (same settings, plus the
    # module and its tests); pytest's settings (filterwarnings = error …) stay as they are.
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    (folder / "pyproject.toml").write_text(text.rstrip() + "\n\n" + mutmut_section(name, module, shared),
                                           encoding="utf-8")
    return folder


def environment() -> dict:
    env = dict(os.environ)
    # The mutants' copy lies in build/, away from ../shared: corpus tests are not part of a module's
    # tests, and must not fail for a corpus that is not beside the copy.
    env.pop("SAMVERKAN_REQUIRE_CORPUS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def mutmut(folder: Path, *arguments: str, timeout: float | None = None, log=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mutmut", *arguments]
    process = subprocess.Popen(command, cwd=folder, env=environment(), stdout=log or subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out or "", "")


def change_of(diff: str) -> str:
    """Return a mutant's change as its removed and added lines ("- a < b / + a <= b")."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return " / ".join([f"- {line}" for line in removed] + [f"+ {line}" for line in added])


_SHOW = """
import json, sys
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant
print(json.dumps({name: get_diff_for_mutant(name, path=find_mutant(name).path) for name in sys.argv[1:]}))
"""


def show_all(folder: Path, names: list[str]) -> dict[str, str]:
    """Return each mutant's diff: in one process (mutmut's own function, as ``mutmut show`` uses it),
    or, should that fail, with ``mutmut show`` for each."""
    if not names:
        return {}
    done = subprocess.run([sys.executable, "-c", _SHOW, *names], cwd=folder, env=environment(),
                          capture_output=True, text=True)
    if done.returncode == 0:
        return json.loads(done.stdout)
    return {name: mutmut(folder, "show", name).stdout for name in names}


def function_of(mutant: str) -> str:
    """Return the function a mutant lies in: "pipeline.data.rules.x__plan_rules__mutmut_7" → "_plan_rules"."""
    name = mutant.rsplit(".", 1)[-1]
    name = re.sub(r"__mutmut_\d+$", "", name)
    return re.sub(r"^x[_ǁ]", "", name).replace("ǁ", ".")


def run_module(name: str, module: dict, budget: float, fresh: bool, equivalents: list[dict]) -> dict:
    """Run mutmut on one module; return its counts and the mutants that were not killed."""
    folder = prepare(name, module, fresh)
    started = time.monotonic()
    with open(folder / "mutmut.log", "w", encoding="utf-8") as log:
        try:
            done = mutmut(folder, "run", timeout=budget, log=log)
        except subprocess.TimeoutExpired:
            return {"fel": f"tidsgränsen {budget:.0f} s nåddes (se {folder / 'mutmut.log'})"}
    seconds = time.monotonic() - started
    if done.returncode != 0:
        return {"fel": f"mutmut avslutades med {done.returncode} (se {folder / 'mutmut.log'})"}
    statuses = {}
    for line in mutmut(folder, "results", "--all=true").stdout.splitlines():
        match = re.fullmatch(r"\s*(\S+): (.+)", line)
        if match:
            statuses[match.group(1)] = match.group(2).strip()
    unknown = {s for s in statuses.values() if s not in KILLED | NOT_KILLED | {"skipped"}}
    if unknown or not statuses:
        return {"fel": f"oväntat resultat från mutmut: {sorted(unknown) or 'inga mutanter'}"}
    known: dict[tuple, list[dict]] = {}
    for entry in equivalents:
        if entry.get("modul") == name:
            known.setdefault((entry["funktion"], entry["ändring"]), []).append(entry)
    survivors, equivalent = [], []
    alive = sorted((m for m, s in statuses.items() if s in NOT_KILLED), key=_natural)
    diffs = show_all(folder, alive)
    for mutant in alive:
        status = statuses[mutant]
        shown = diffs[mutant]
        entry = {"mutant": mutant, "status": status, "funktion": function_of(mutant), "ändring": change_of(shown)}
        match = equivalent_entry(known.get((entry["funktion"], entry["ändring"]), []), mutant)
        if match:
            equivalent.append(dict(entry, varför=match["varför"]))
        else:
            survivors.append(entry)
    total = sum(1 for s in statuses.values() if s != "skipped")
    killed = sum(1 for s in statuses.values() if s in KILLED)
    counted = total - len(equivalent)
    return {"mutanter": total, "dödade": killed, "överlevande": len(survivors), "ekvivalenta": len(equivalent),
            "poäng": round(100 * killed / counted, 1) if counted else 100.0, "sekunder": round(seconds),
            "överlevande_mutanter": survivors, "ekvivalenta_mutanter": equivalent}


def equivalent_entry(entries: list[dict], mutant: str) -> dict | None:
    """Return the equivalent-mutant entry for ``mutant`` among those with its function and change.
    Where the same change stands twice in a function, the entry names mutmut's mutant ("mutant"),
    and only that one matches."""
    tail = mutant.rsplit(".", 1)[-1]
    for entry in entries:
        if entry.get("mutant") in (None, tail):
            return entry
    return None


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


# --- the report -----------------------------------------------------------------------------------

def doc_table(baseline: dict) -> str:
    """Return the Markdown of the recorded results, for the docs page."""
    known = modules()
    lines = ["| modul | mutanter | dödade | överlevande | ekvivalenta | poäng | tid |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, module in known.items():
        result = baseline["moduler"].get(name)
        if result is None:
            lines.append(f"| `{module['path']}` | – | – | – | – | ej mätt | – |")
            continue
        lines.append(f"| `{module['path']}` | {result['mutanter']} | {result['dödade']} | {result['överlevande']} "
                     f"| {result['ekvivalenta']} | {str(result['poäng']).replace('.', ',')} % "
                     f"| {result['sekunder']} s |")
    lines += ["", "Testerna som bedömer varje modul:", ""]
    lines += [f"- `{module['path']}`: " + ", ".join(f"`{t}`" for t in module["tests"]) for module in known.values()]
    for title, key in (("Överlevande mutanter", "överlevande_mutanter"),
                       ("Ekvivalenta mutanter (räknas inte)", "ekvivalenta_mutanter")):
        rows = [(name, m) for name, result in baseline["moduler"].items() for m in result.get(key, [])]
        lines += ["", f"### {title}", ""]
        if not rows:
            lines.append("Inga.")
            continue
        lines += ["| modul | funktion | ändring | varför |", "|---|---|---|---|"]
        for name, mutant in rows:
            change = mutant["ändring"].replace("|", "\\|")
            lines.append(f"| {name} | `{mutant['funktion']}` | `{change}` | {mutant.get('varför', '')} |")
    return "\n".join(lines)


def write_doc(baseline: dict) -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(DOC_START) + len(DOC_START), text.index(DOC_END)
    DOC.write_text(text[:start] + "\n" + doc_table(baseline) + "\n" + text[end:], encoding="utf-8")


def first_parent() -> str | None:
    """Return HEAD's first parent (the main line before the last commit or merge), if any."""
    found = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD^1"], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modulernas namn (standard: alla)")
    parser.add_argument("--changed", metavar="REF", help="bara moduler vars kod eller tester skiljer sig från REF")
    parser.add_argument("--stale", action="store_true",
                        help="bara moduler vars kod eller tester ändrats sedan poängen registrerades")
    parser.add_argument("--ci", action="store_true",
                        help="--stale och, inom tidsbudgeten, modulerna som senaste commit eller merge ändrade")
    parser.add_argument("--record", action="store_true", help="registrera poängen i baseline.json och dokumentationen")
    parser.add_argument("--budget", type=float, default=900, help="högst så många sekunder per modul (standard 900)")
    parser.add_argument("--total-budget", type=float, default=None,
                        help="högst så många sekunder sammanlagt; moduler som inte hinns med hoppas över")
    parser.add_argument("--keep", action="store_true", help="återanvänd mutmuts tidigare resultat i build/mutation")
    parser.add_argument("--docs", action="store_true",
                        help="skriv bara om tabellen i dokumentationen från baseline.json (t.ex. efter att ett skäl "
                             "har skrivits in) och kör inget")
    args = parser.parse_args(argv)

    known = modules()
    baseline = read_baseline()
    if args.docs:
        write_doc(baseline)
        print(f"Skrev om tabellen i {DOC.relative_to(ROOT)}.")
        return 0
    unknown = [name for name in args.modules if name not in known]
    if unknown:
        parser.error(f"okända moduler: {', '.join(unknown)} (kända: {', '.join(known)})")
    chosen = args.modules or list(known)
    must: list[str] = []  # modules whose run is required (a changed module's score is unrecorded)
    if args.changed or args.stale or args.ci:
        selected = set()
        if args.changed:
            selected |= set(changed_since(args.changed, known))
        if args.stale or args.ci:
            must = [name for name in stale(known, baseline) if name in chosen]
            selected |= set(must)
        if args.ci:
            parent = first_parent()
            selected |= set(changed_since(parent, known)) if parent else set()
        chosen = [name for name in chosen if name in selected]
    if not chosen:
        print("Mutationstester: ingen kärnmodul eller dess tester har ändrats; inget att köra.")
        return 0
    recorded_time = {name: baseline["moduler"].get(name, {}).get("sekunder", 600) for name in chosen}
    chosen.sort(key=lambda name: (name not in must, recorded_time[name]))

    failed = False
    started = time.monotonic()
    ran = 0
    for name in chosen:
        module = known[name]
        budget = args.budget
        if args.total_budget is not None:
            left = args.total_budget - (time.monotonic() - started)
            # the recorded time is the estimate; the first module is always tried, within the budget
            if left <= 0 or (ran and recorded_time[name] > left):
                if name in must:
                    print(f"Mutationstester: {name} ändrades sedan poängen registrerades men hinns inte med inom "
                          f"tidsbudgeten ({args.total_budget:.0f} s). Kör tests/mutation/run.py --record {name} "
                          "och checka in resultatet.")
                    failed = True
                else:
                    print(f"Mutationstester: {name} hoppas över; tidsbudgeten ({args.total_budget:.0f} s) räcker "
                          "inte (dess poäng är registrerad för den nuvarande koden).")
                continue
            budget = min(budget, left)
        print(f"Mutationstester: {name} ({module['path']}) med {', '.join(module['tests'])} …", flush=True)
        result = run_module(name, module, budget, not args.keep, baseline.get("ekvivalenta", []))
        ran += 1
        if "fel" in result:
            print(f"  FEL: {result['fel']}")
            failed = failed or name in must or not args.ci
            continue
        recorded = baseline["moduler"].get(name)
        print(f"  {result['mutanter']} mutanter: {result['dödade']} dödade, {result['överlevande']} överlevde, "
              f"{result['ekvivalenta']} ekvivalenta; poäng {result['poäng']} % "
              f"(registrerad: {recorded['poäng'] if recorded else '–'} %) på {result['sekunder']} s", flush=True)
        for mutant in result["överlevande_mutanter"]:
            print(f"    överlevde: {mutant['funktion']}: {mutant['ändring']}  [{mutant['mutant']}]")
        if args.record:
            reasons = {(m["funktion"], m["ändring"]): m.get("varför", "")
                       for m in (recorded or {}).get("överlevande_mutanter", [])}
            for mutant in result["överlevande_mutanter"]:
                mutant["varför"] = reasons.get((mutant["funktion"], mutant["ändring"]), "")
                del mutant["mutant"]
            for mutant in result["ekvivalenta_mutanter"]:
                del mutant["mutant"]
            baseline["moduler"][name] = dict(result, sökväg=module["path"], tester=module["tests"],
                                             kontrollsumma=checksum(module))
            BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        elif recorded and result["poäng"] < recorded["poäng"]:
            print(f"  FEL: poängen {result['poäng']} % är lägre än den registrerade {recorded['poäng']} %. "
                  "Döda de nya överlevande mutanterna med tester, eller förklara dem som ekvivalenta i "
                  f"{BASELINE.relative_to(ROOT)}.")
            failed = True
        elif not recorded:
            print("  (ingen registrerad poäng att jämföra med; registrera med --record)")
    if args.record:
        write_doc(baseline)
        print(f"Registrerat i {BASELINE.relative_to(ROOT)} och {DOC.relative_to(ROOT)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of issue 15: a command on one version costs little more than starting Python.

    python tests/benchmarks/bench_latency.py [--rounds N]      (pip install -e '.[bench]' for (c))

Whole processes, measured side by side in one run (rounds interleaved, medians):

(a) `samverkan validate orsa/2023` vs `python -c "import yaml, cerberus, click"`. Target ≤ 1.5.
(b) `samverkan render orsa/2023` (fresh process, template cache warm) vs a bare docxtpl
    script rendering the same templates with the same contexts. Target ≤ 0.6.
(c) `samverkan diff orsa/2019 orsa/2023` vs python-redlines' Docxodus comparing the two
    rendered agreements (its process, as its Python API runs it). Target ≤ 0.2.
(d) growth: `diff` and `validate` of a version with 50 plans vs the same with 5. Target ≤ 10.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORSA = ROOT / "agreements" / "dalarna" / "orsa"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

BARE_DOCXTPL = """
import sys, pickle
from pathlib import Path
from docxtpl import DocxTemplate
jobs = pickle.load(open(sys.argv[2], 'rb'))
for path, ctx, name in jobs:
    d = DocxTemplate(path); d.render(ctx, autoescape=True); d.save(Path(sys.argv[1]) / name)
"""

DOCXODUS = """
import sys
from python_redlines.engines import DocxodusEngine
old, new = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
DocxodusEngine().run_redline('samverkan', old, new)
"""


def samverkan() -> list[str]:
    script = shutil.which("samverkan", path=str(Path(sys.executable).parent)) or shutil.which("samverkan")
    return [script] if script else [sys.executable, "-m", "pipeline"]


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def side_by_side(ours: list[str], theirs: list[str], rounds: int, env: dict) -> tuple[float, float]:
    """Return the median whole-process time of both commands, rounds interleaved (one warm-up each)."""
    timed(ours, env), timed(theirs, env)
    a, b = [], []
    for _ in range(rounds):
        a.append(timed(ours, env))
        b.append(timed(theirs, env))
    return statistics.median(a), statistics.median(b)


def docxtpl_jobs(scratch: Path) -> Path:
    """Pickle (template, context, name) for every document of Orsa 2023, built by the pipeline."""
    from pipeline.data.validate import validate_version
    from pipeline.documents import context
    from pipeline.documents.atgardsplan import ACTION_PLAN_FILE_NAME, ACTION_PLAN_TEMPLATE, action_plan_context
    from pipeline.documents.render import AGREEMENT_FILE_NAME, plan_file_name
    from pipeline.resources import templates_dir

    version = validate_version(ORSA / "2023")
    agreement = context.agreement_context(version)
    jobs = [(templates_dir() / "overenskommelse.docx", agreement, AGREEMENT_FILE_NAME)]
    jobs += [(templates_dir() / "plan.docx", context.plan_context(p, agreement), plan_file_name(p.number, p.slug))
             for p in version.plans]
    jobs.append(
        (templates_dir() / ACTION_PLAN_TEMPLATE, action_plan_context(version, agreement), ACTION_PLAN_FILE_NAME)
    )
    path = scratch / "jobs.pickle"
    path.write_bytes(pickle.dumps(jobs))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    # As an installed program runs: with bytecode files (this machine sets PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True, env=env)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        env["SAMVERKAN_CACHE"] = str(scratch / "cache")
        report(args.rounds, scratch, env)
    return 0


def report(rounds: int, scratch: Path, env: dict) -> None:
    me = samverkan()
    ours, base = side_by_side(
        me + ["validate", str(ORSA / "2023")], [sys.executable, "-c", "import yaml, cerberus, click"], rounds, env
    )
    print(
        f"(a) validate Orsa 2023:   {ours * 1000:6.0f} ms   import yaml, cerberus, click {base * 1000:6.0f} ms"
        f"   ratio {ours / base:.2f}  (target ≤ 1.5)"
    )
    jobs = docxtpl_jobs(scratch)
    (scratch / "bare").mkdir()
    ours, base = side_by_side(
        me + ["render", str(ORSA / "2023"), "--out", str(scratch / "r")],
        [sys.executable, "-c", BARE_DOCXTPL, str(scratch / "bare"), str(jobs)],
        rounds,
        env,
    )
    print(
        f"(b) render Orsa 2023:     {ours * 1000:6.0f} ms   bare docxtpl script {base * 1000:6.0f} ms"
        f"   ratio {ours / base:.2f}  (target ≤ 0.6; template cache warm)"
    )
    diff = me + ["diff", str(ORSA / "2019"), str(ORSA / "2023"), "--out", str(scratch / "d")]
    try:
        import python_redlines  # noqa: F401
    except ImportError:
        print("(c) diff: python-redlines is not installed (pip install -e '.[bench]'); skipped")
    else:
        old, new = (
            ORSA / "2019" / "beslutat" / "samverkansoverenskommelse.docx",
            ORSA / "2023" / "beslutat" / "samverkansoverenskommelse.docx",
        )
        ours, base = side_by_side(diff, [sys.executable, "-c", DOCXODUS, str(old), str(new)], rounds, env)
        print(
            f"(c) diff Orsa 2019→2023:  {ours * 1000:6.0f} ms   Docxodus, one agreement {base * 1000:6.0f} ms"
            f"   ratio {ours / base:.2f}  (target ≤ 0.2)"
        )
    from synthetic import plans_kommun

    small, large = plans_kommun(scratch / "plans5", 5), plans_kommun(scratch / "plans50", 50)
    for command, label in (("diff", "diff"), ("validate", "validate")):

        def run(kommun, name, command=command):
            extra = ["--out", str(scratch / f"o-{name}")] if command == "diff" else []
            return (
                me + [command] + ([str(kommun / "2023")] if command == "diff" else []) + [str(kommun / "2027")] + extra
            )

        big, little = side_by_side(run(large, "50"), run(small, "5"), rounds, env)
        print(
            f"(d) {label:8} 50 plans:  {big * 1000:6.0f} ms   5 plans {little * 1000:6.0f} ms"
            f"   ratio {big / little:.2f}  (target ≤ 10)"
        )


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of issue 2, measured side by side in one run (ratios, not wall-clock limits).

    python tests/benchmarks/bench_render.py [--rounds N]

(a) Rendering every document of Orsa 2023 through the pipeline (validate, render,
    write) vs bare docxtpl (DocxTemplate(path), render(ctx, autoescape=True),
    save) on the same templates and contexts: warm (in one process, rounds
    interleaved) and cold (a fresh process each, imports included). Target ≤ 1.3.
(b) `samverkan --help` vs `python -c "import click"`. Target ≤ 1.5.
(c) Peak memory (VmHWM) of a process that renders Orsa 2023, and of one that
    only imports the libraries.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORSA_2023 = ROOT / "agreements" / "dalarna" / "orsa" / "2023"
sys.path.insert(0, str(ROOT))


def pipeline_once(out: Path) -> None:
    from pipeline.documents.render import render

    render(ORSA_2023, out)


def docxtpl_jobs():
    """Return (template path, context, file name) for every document, built by the pipeline."""
    from pipeline.data.validate import validate_version
    from pipeline.documents import context
    from pipeline.documents.render import AGREEMENT_FILE_NAME, plan_file_name
    from pipeline.resources import templates_dir

    version = validate_version(ORSA_2023)
    agreement = context.agreement_context(version)
    jobs = [(templates_dir() / "overenskommelse.docx", agreement, AGREEMENT_FILE_NAME)]
    for plan in version.plans:
        jobs.append((templates_dir() / "plan.docx", context.plan_context(plan, agreement),
                     plan_file_name(plan.number, plan.slug)))
    return jobs


def docxtpl_once(jobs, out: Path) -> None:
    from docxtpl import DocxTemplate

    out.mkdir(parents=True, exist_ok=True)
    for path, ctx, name in jobs:
        document = DocxTemplate(path)
        document.render(ctx, autoescape=True)
        document.save(out / name)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def warm_render(rounds: int, scratch: Path) -> tuple[float, float]:
    jobs = docxtpl_jobs()
    pipeline_once(scratch / "warmup-a")
    docxtpl_once(jobs, scratch / "warmup-b")
    ours, bare = [], []
    for i in range(rounds):  # interleaved, so both see the same machine load
        ours.append(timed(pipeline_once, scratch / f"a{i}"))
        bare.append(timed(docxtpl_once, jobs, scratch / f"b{i}"))
    return statistics.median(ours), statistics.median(bare)


COLD_PIPELINE = f"""
import sys; sys.path.insert(0, {str(ROOT)!r})
from pipeline.documents.render import render
render({str(ORSA_2023)!r}, sys.argv[1])
"""

COLD_DOCXTPL = f"""
import sys, pickle; sys.path.insert(0, {str(ROOT)!r})
from docxtpl import DocxTemplate
from pathlib import Path
jobs = pickle.load(open(sys.argv[2], 'rb'))
for path, ctx, name in jobs:
    d = DocxTemplate(path); d.render(ctx, autoescape=True); d.save(Path(sys.argv[1]) / name)
"""


def command_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def cold_render(rounds: int, scratch: Path) -> tuple[float, float]:
    import pickle

    jobs_file = scratch / "jobs.pickle"
    jobs_file.write_bytes(pickle.dumps(docxtpl_jobs()))
    ours, bare = [], []
    for i in range(rounds):
        (scratch / f"cb{i}").mkdir()
        ours.append(command_time([sys.executable, "-c", COLD_PIPELINE, str(scratch / f"ca{i}")]))
        bare.append(command_time([sys.executable, "-c", COLD_DOCXTPL, str(scratch / f"cb{i}"), str(jobs_file)]))
    return statistics.median(ours), statistics.median(bare)


def help_time(rounds: int) -> tuple[float, float]:
    script = shutil.which("samverkan")
    ours_command = [script, "--help"] if script else [sys.executable, "-m", "pipeline", "--help"]
    ours, click_only = [], []
    for _ in range(rounds):
        ours.append(command_time(ours_command))
        click_only.append(command_time([sys.executable, "-c", "import click"]))
    return statistics.median(ours), statistics.median(click_only)


# VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec and would report the parent's peak.
MEMORY = f"""
import re, sys; sys.path.insert(0, {str(ROOT)!r})
import docx, docxtpl, cerberus, yaml, click, lxml.etree
if sys.argv[1] == 'render':
    from pipeline.documents.render import render
    render({str(ORSA_2023)!r}, sys.argv[2])
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def peak_memory(scratch: Path) -> tuple[float, float]:
    def run(mode: str) -> float:
        result = subprocess.run([sys.executable, "-c", MEMORY, mode, str(scratch / "mem")],
                                check=True, capture_output=True, text=True)
        return int(result.stdout.strip()) / 1024

    return run("render"), run("imports")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        ours, bare = warm_render(args.rounds, scratch)
        print(f"(a) render Orsa 2023, warm:  pipeline {ours * 1000:7.1f} ms   docxtpl {bare * 1000:7.1f} ms"
              f"   ratio {ours / bare:.2f}  (target ≤ 1.3)")
        ours, bare = cold_render(max(3, args.rounds // 3), scratch)
        print(f"(a) render Orsa 2023, cold:  pipeline {ours * 1000:7.1f} ms   docxtpl {bare * 1000:7.1f} ms"
              f"   ratio {ours / bare:.2f}  (target ≤ 1.3; fresh process, imports included)")
        ours, click_only = help_time(args.rounds)
        print(f"(b) samverkan --help:        {ours * 1000:7.1f} ms   import click {click_only * 1000:7.1f} ms"
              f"   ratio {ours / click_only:.2f}  (target ≤ 1.5)")
        render_mb, imports_mb = peak_memory(scratch)
        print(f"(c) peak memory (VmHWM):     render {render_mb:6.1f} MB   imports only {imports_mb:6.1f} MB"
              f"   render adds {render_mb - imports_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

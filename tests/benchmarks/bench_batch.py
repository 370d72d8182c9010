"""Benchmark of issue 4: a synthetic country, measured side by side in one run.

    python tests/benchmarks/bench_batch.py [--kommuner 290] [--sample 20]

Generates --kommuner kommuner (two versions, three plans each) from the Dalarna
data and prints:
- the amortized cost per document of `samverkan batch --jobs 1` vs bare docxtpl
  per document (DocxTemplate(path), render, save) on a sample of the same
  templates and contexts — target ≤ 0.5;
- the speed-up of --jobs 2 over --jobs 1 — target ≥ 1.7 on 2 cores;
- a second run with nothing changed vs the first — target ≤ 0.05;
- peak memory (VmHWM) per worker process — target ≤ 200 MB;
and how long the whole country takes.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import make_country  # noqa: E402


def _peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) if match else 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if re.search(rf"PPid:\s+{pid}\n", (entry / "status").read_text()):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def run_batch(root: Path, out: Path, jobs: int) -> tuple[float, dict[int, int]]:
    """Run `samverkan batch` in a process; return seconds and the peak memory (kB) of each process."""
    command = [sys.executable, "-m", "pipeline", "batch", str(root), "--out", str(out), "--jobs", str(jobs),
               "--datum", "2026-11-27", "--format", "json"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[int, int] = {}

    def watch():
        while process.poll() is None:
            for pid in [process.pid] + _children(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    process.wait()
    watcher.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"batch misslyckades (kod {process.returncode})")
    return seconds, peaks


def docxtpl_per_document(county: Path, sample: int, scratch: Path) -> float:
    """Return the median seconds per document for bare docxtpl on the batch's own templates and contexts."""
    from docxtpl import DocxTemplate

    from pipeline.data.validate import validate_version
    from pipeline.documents import context
    from pipeline.resources import templates_dir

    jobs = []
    for kommun in sorted(county.iterdir())[:sample]:
        if not kommun.is_dir():
            continue
        for version_dir in sorted(kommun.iterdir()):
            version = validate_version(version_dir)
            agreement = context.agreement_context(version)
            jobs.append((templates_dir() / "overenskommelse.docx", agreement))
            jobs += [(templates_dir() / "plan.docx", context.plan_context(p, agreement)) for p in version.plans]
    times = []
    for index, (path, ctx) in enumerate(jobs):
        started = time.perf_counter()
        document = DocxTemplate(path)
        document.render(ctx, autoescape=True)
        document.save(scratch / f"{index}.docx")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=int, default=290)
    parser.add_argument("--sample", type=int, default=20, help="kommuner in the docxtpl sample")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        county = make_country(scratch / "agreements", args.kommuner, plans=3)
        print(f"Syntetiskt land: {args.kommuner} kommuner × 2 versioner × 3 planer")
        serial, serial_peaks = run_batch(scratch / "agreements", scratch / "ut1", jobs=1)
        parallel, peaks = run_batch(scratch / "agreements", scratch / "ut2", jobs=2)
        again, _ = run_batch(scratch / "agreements", scratch / "ut2", jobs=2)
        documents = len(list((scratch / "ut1").rglob("*.docx")))
        (scratch / "docxtpl").mkdir()
        bare = docxtpl_per_document(county, args.sample, scratch / "docxtpl")
        ours = serial / documents
        workers = [kb for pid, kb in peaks.items() if kb]
        print(f"  dokument per körning: {documents} (överenskommelser, bilagor, ändringsdokument, "
              f"tjänsteskrivelser, länsöversikt)")
        print(f"  hela landet: --jobs 1 {serial:.1f} s, --jobs 2 {parallel:.1f} s")
        print(f"  per dokument: batch --jobs 1 {ours * 1000:.1f} ms, docxtpl {bare * 1000:.1f} ms, "
              f"kvot {ours / bare:.2f} (mål ≤ 0,5)")
        print(f"  --jobs 2 mot --jobs 1: {serial / parallel:.2f} gånger snabbare (mål ≥ 1,7)")
        print(f"  andra körningen utan ändringar: {again:.2f} s, kvot {again / parallel:.3f} (mål ≤ 0,05)")
        print(f"  toppminne per process (VmHWM): högst {max(workers) / 1024:.0f} MB med --jobs 2, "
              f"{max(serial_peaks.values()) / 1024:.0f} MB med --jobs 1 (mål ≤ 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

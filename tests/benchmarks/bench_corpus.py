"""Benchmark of issue 11: `samverkan jamfor` vs python-redlines' Docxodus on the redline corpus.

    pip install -e '.[bench]'        # python-redlines[docxodus], only for this script
    python tests/benchmarks/bench_corpus.py [--pairs N]

For each of the 118 pairs in ../shared/redline-corpus, side by side (the order of
the two tools alternates from pair to pair): the whole process
``samverkan jamfor`` (start-up, imports, reading, comparing, writing) and
Docxodus' ``run_redline``, timed by the wall clock. Both outputs are checked with
the test suite's own resolver (tests/test_redline_oracle.py): package integrity
(strict XML, relationships, content types, styles, lists, notes), accept-all =
modified and reject-all = original for the body (with notes, text boxes,
equations, pictures) and for headers and footers.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from test_redline_oracle import content, integrity  # noqa: E402

CORPUS = ROOT.parent / "shared" / "redline-corpus"
CHECKS = ["XML och referenser", "godkänn → ny (brödtext)", "avvisa → gammal (brödtext)",
          "godkänn → ny (sidhuvud/sidfot)", "avvisa → gammal (sidhuvud/sidfot)"]


def checks(data: bytes | None, original: bytes, modified: bytes) -> list[bool]:
    """Return, per check in CHECKS, whether the redline ``data`` passes it."""
    if data is None:
        return [False] * len(CHECKS)
    try:
        whole = integrity(data) == []
        accepted, rejected = content(data, True), content(data, False)
    except Exception:  # noqa: BLE001 - a redline the resolver cannot even read fails every check
        return [False] * len(CHECKS)
    old, new = content(original, True), content(modified, True)
    return [whole, accepted["body"] == new["body"], rejected["body"] == old["body"],
            accepted["headers"] == new["headers"], rejected["headers"] == old["headers"]]


def ours(original: Path, modified: Path, out: Path, env: dict) -> tuple[float, bytes | None]:
    """Return the wall time of one whole `samverkan jamfor` process and its output."""
    command = [str(Path(sys.executable).parent / "samverkan"), "jamfor", str(original), str(modified),
               "--out", str(out), "--forfattare", "Test", "--datum", "2024-01-01"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    return elapsed, out.read_bytes() if done.returncode == 0 else None


def theirs(engine, original: bytes, modified: bytes) -> tuple[float, bytes | None]:
    """Return the wall time of one Docxodus redline and its output."""
    started = time.perf_counter()
    try:
        data = engine.run_redline("Test", original, modified)[0]
    except Exception:  # noqa: BLE001 - a crash counts as a failed pair
        data = None
    return time.perf_counter() - started, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=None, help="only the first N pairs")
    args = parser.parse_args()
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        print("python-redlines med Docxodus saknas: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    engine = DocxodusEngine()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode
    with open(CORPUS / "pairs.tsv", encoding="utf-8", newline="") as stream:
        pairs = list(csv.DictReader(stream, delimiter="\t"))[:args.pairs]
    results = {"samverkan": [], "Docxodus": []}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "ut.docx"
        first = pairs[0]
        ours(CORPUS / first["original"], CORPUS / first["modified"], out, env)  # warm-up: bytecode, disk cache
        for number, pair in enumerate(pairs):
            original, modified = CORPUS / pair["original"], CORPUS / pair["modified"]
            old, new = original.read_bytes(), modified.read_bytes()
            size = len(old) + len(new)
            runs = [("samverkan", lambda original=original, modified=modified: ours(original, modified, out, env)),
                    ("Docxodus", lambda old=old, new=new: theirs(engine, old, new))]
            for name, run in (runs if number % 2 == 0 else runs[::-1]):
                elapsed, data = run()
                results[name].append((pair["id"], size, elapsed, checks(data, old, new)))
    report(results)
    floor = []
    for _ in range(10):  # what any click program pays before it does anything
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import click, lxml.etree"], env=env, check=True)
        floor.append(time.perf_counter() - started)
    docxodus = statistics.median(r[2] for r in results["Docxodus"])
    print(f"golv: python -c 'import click, lxml.etree' {statistics.median(floor) * 1000:.0f} ms "
          f"= {statistics.median(floor) / docxodus:.3f} av Docxodus mediantid")
    return 0


def report(results: dict) -> None:
    """Print pass counts per check, median and worst times, and the time ratios."""
    total = len(results["samverkan"])
    print(f"{total} par")
    print("| kontroll | samverkan | Docxodus |\n|---|---|---|")
    for index, check in enumerate(CHECKS + ["alla kontroller"]):
        counts = [sum(all(r[3]) if index == len(CHECKS) else r[3][index] for r in results[name])
                  for name in ("samverkan", "Docxodus")]
        print(f"| {check} | {counts[0]}/{total} | {counts[1]}/{total} |")
    times = {name: [r[2] for r in rows] for name, rows in results.items()}
    for name, values in times.items():
        worst = max(results[name], key=lambda r: r[2])
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms, sämst {worst[2] * 1000:.0f} ms ({worst[0]})")
    ratios = [a[2] / b[2] for a, b in zip(results["samverkan"], results["Docxodus"], strict=False)]
    largest = max(range(total), key=lambda i: results["samverkan"][i][1])
    ratio = statistics.median(times["samverkan"]) / statistics.median(times["Docxodus"])
    print(
        f"kvot (samverkan/Docxodus): mediantider {ratio:.3f}, "
        f"median per par {statistics.median(ratios):.3f}, största paret ({results['samverkan'][largest][0]}) "
        f"{ratios[largest]:.3f} (mål ≤ 0,1)"
    )
    failed = [
        (r[0], [c for c, ok in zip(CHECKS, r[3], strict=False) if not ok])
        for r in results["samverkan"]
        if not all(r[3])
    ]
    print("samverkan, par som inte klarar alla kontroller:", failed or "inga")
    failed = [
        (r[0], [c for c, ok in zip(CHECKS, r[3], strict=False) if not ok]) for r in results["Docxodus"] if not all(r[3])
    ]
    print("Docxodus, par som inte klarar alla kontroller:", failed or "inga")


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of issue 24, item 5: `diff` of a plan as it grows, side by side in one run.

    python tests/benchmarks/bench_big_plans.py [--sizes 100 1000 2000 5000] [--rounds 3]

A kommun whose one plan has n more activities (tests/synthetic.py, rows_kommun: every seventh
reworded in the new version) is compared with `pipeline.compare.versions.compare` – what
`samverkan diff` does: both versions read and checked, the changes found, the changed
documents rendered and redlined, the memo written. Each size runs in a child process of its
own (one warm-up, then the median of the rounds), which also gives its peak memory. The growth
exponent between two sizes is log(t₂/t₁) / log(n₂/n₁); issue 24's target is at most 1.15 up to
5 000 activities (it was 1.58 between 1 000 and 1 800). Plans over about 1 980 activities were
refused by a 10 000-value limit before; the limit is now on values repeated through aliases.
It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, resource, statistics, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from pipeline.compare import versions
kommun, rounds = Path(sys.argv[1]), int(sys.argv[2])
versions.compare(kommun / "2023", kommun / "2027")
times = []
for _ in range(rounds):
    started = time.perf_counter()
    result = versions.compare(kommun / "2023", kommun / "2027")
    times.append(time.perf_counter() - started)
print(json.dumps({{"seconds": statistics.median(times),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(kommun: Path, rounds: int) -> dict:
    """Return the median time and peak memory of comparing the kommun's two versions."""
    code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    answer = subprocess.run([sys.executable, "-c", code, str(kommun), str(rounds)], check=True,
                            capture_output=True, text=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from synthetic import rows_kommun

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            kommun = rows_kommun(Path(scratch) / str(size), size)
            rows.append((size, measure(kommun, args.rounds)))
    print("| aktiviteter | diff s | topp MB | exponent mot föregående |")
    print("|---|---|---|---|")
    previous = None
    for size, figures in rows:
        exponent = (f"{math.log(figures['seconds'] / previous[1]['seconds']) / math.log(size / previous[0]):.2f}"
                    if previous else "–")
        print(f"| {size} | {figures['seconds']:.2f} | {figures['peak_mb']:.0f} | {exponent} |")
        previous = (size, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())

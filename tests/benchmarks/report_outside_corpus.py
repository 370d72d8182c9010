"""The redline on the outside corpus beyond the test suite: fresh edit seeds and unrelated pairs.

    python tests/benchmarks/report_outside_corpus.py [--seeds 1,2,3,4,5,6] [--unrelated 200]

The test suite checks each file of ``tests/fixtures/outside-corpus`` with the edit pair of its
own name (and, in CI, two more seeds). This report makes pairs with further seeds – edits the
engine was not tuned on – and pairs of two unrelated files (a fixed random sample), and checks
each with the suite's independent resolver: no integrity problem the inputs do not have
themselves, accept-all = the new file, reject-all = the old (body, sections, headers and
footers). It prints the share that passes and, for each pair that does not, what differs first.
It asserts nothing and measures no time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import traceback
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from outside_edits import make_pair  # noqa: E402
from pipeline.compare.jamfor import compare_files  # noqa: E402
from test_redline_oracle import content, integrity  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "outside-corpus"


def files() -> list[str]:
    """Return the corpus's valid files, as SOURCES.tsv lists them."""
    with open(CORPUS / "SOURCES.tsv", encoding="utf-8", newline="") as stream:
        return sorted(r["file"] for r in csv.DictReader(stream, delimiter="\t") if not r["file"].startswith("invalid/"))


def verdict(old: bytes, new: bytes) -> str:
    """Return "ok" or what differs first in the redline of two files' bytes."""
    with tempfile.TemporaryDirectory() as folder:
        old_path, new_path = Path(folder) / "old.docx", Path(folder) / "new.docx"
        old_path.write_bytes(old)
        new_path.write_bytes(new)
        try:
            data = compare_files(old_path, new_path, "Test", dt.date(2024, 1, 1)).data
        except Exception:  # noqa: BLE001 – reported, not raised: this is a report
            return "fel: " + traceback.format_exc().splitlines()[-1]
    inherited = set(integrity(old)) | set(integrity(new))
    problems = [p for p in integrity(data) if p not in inherited]
    if problems:
        return "paketet: " + problems[0]
    for accept, wanted in ((True, new), (False, old)):
        got, expected = content(data, accept), content(wanted, True)
        for key in got:
            if got[key] != expected[key]:
                return f"{'godkänn' if accept else 'avvisa'} allt: {key} skiljer"
    return "ok"


def edited(job: tuple[str, str]) -> tuple[str, str]:
    name, seed = job
    old, new, _ = make_pair(f"{name}#{seed}", (CORPUS / name).read_bytes())
    return f"{name} (frö {seed})", verdict(old, new)


def unrelated(job: tuple[str, str]) -> tuple[str, str]:
    old, new = job
    return f"{old} → {new}", verdict((CORPUS / old).read_bytes(), (CORPUS / new).read_bytes())


def report(title: str, results: list[tuple[str, str]]) -> None:
    failed = [r for r in results if r[1] != "ok"]
    share = 100 * (len(results) - len(failed)) / max(len(results), 1)
    print(f"{title}: {len(results) - len(failed)} av {len(results)} klarar sig ({share:.1f} %)")
    for name, what in failed:
        print(f"  {name}: {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,4,5,6", help="frön för nya redigeringspar")
    parser.add_argument("--unrelated", type=int, default=200, help="antal par av orelaterade filer")
    args = parser.parse_args()
    names = files()
    rng = random.Random(5)
    pairs = [(rng.choice(names), rng.choice(names)) for _ in range(args.unrelated)]
    with Pool(2) as pool:
        report("Redigeringspar med nya frön", pool.map(edited, [(n, s) for s in args.seeds.split(",") for n in names]))
        report("Orelaterade par", pool.map(unrelated, pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

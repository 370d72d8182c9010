"""Benchmark of issue 22: the lägesbild of Dalarna's 15 kommuner, measured side by side in one run.

    python tests/benchmarks/bench_lagesbild.py [--rounds N]

One side, **the lägesbild**: for each kommun, import its downloaded example files (Brå's table,
Kolada's answer, Polisen's events, the survey – tests/fixtures/lagesbild/dalarna/<kommun>/) into
a copy of the data with ``samverkan lagesbild importera``'s function, then render its
lägesbild document (figures, tables and a chart per indicator) for the kommun's current
version. The other side, **the agreements**: render the same versions' documents (the
agreement and its bilagor) as ``render`` does.

Both in one process, warm (one round each first), rounds interleaved; the figure is the median
time of each side and their ratio. Target (issue 22): the lägesbild adds at most half of the
agreements' time, a ratio ≤ 0.5. No limit is asserted anywhere: this prints.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RAW = ROOT / "tests" / "fixtures" / "lagesbild" / "dalarna"


def current_versions(county: Path) -> list:
    """Return each kommun's latest version (by name), validated."""
    from pipeline.data.validate import validate_version
    from pipeline.data.version import find_versions

    latest: dict[str, Path] = {}
    for folder in find_versions(county):
        if folder.name > latest.get(folder.parent.name, Path("0")).name:
            latest[folder.parent.name] = folder
    return [validate_version(folder) for _, folder in sorted(latest.items())]


IMPORTING: list[float] = []  # the time of each import, the rest of the lägesbild side being the documents


def lagesbild(county: Path, versions: list) -> int:
    """Import every kommun's files and render its lägesbild; return how many documents."""
    from pipeline.documents.lagesbild import version_lagesbild
    from pipeline.lagesbild.importer import import_files

    made = 0
    for version in versions:
        kommun = version.folder.parent
        start = time.perf_counter()
        import_files(kommun, sorted((RAW / kommun.name).iterdir()), replace=True)
        IMPORTING.append(time.perf_counter() - start)
        document = version_lagesbild(version)
        made += document is not None and len(document.data) > 0  # made when read
    return made


def agreements(versions: list) -> int:
    """Render every version's documents as ``render`` does, to the bytes of their files; return how many."""
    from pipeline.documents.render import render_version

    return sum(len(document.data) > 0 for version in versions for document in render_version(version))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        county = Path(folder) / "agreements" / "dalarna"
        shutil.copytree(ROOT / "agreements" / "dalarna", county)
        for stored in county.glob("*/lagesbild"):
            shutil.rmtree(stored)  # imported here, as a secretary would
        versions = current_versions(county)
        times: dict[str, list[float]] = {"lägesbild": [], "överenskommelser": []}
        counts = {"lägesbild": lagesbild(county, versions), "överenskommelser": agreements(versions)}  # warm
        for _ in range(rounds):
            for side, run in (("lägesbild", lambda: lagesbild(county, versions)),
                              ("överenskommelser", lambda: agreements(versions))):
                start = time.perf_counter()
                run()
                times[side].append(time.perf_counter() - start)
    for side, found in times.items():
        print(f"{side}: {counts[side]} dokument, median {statistics.median(found):.2f} s "
              f"({', '.join(f'{t:.2f}' for t in found)})")
    rounds_import = sum(IMPORTING) / (rounds + 1)
    print(f"  av det import: {rounds_import:.2f} s per omgång (medel), dokumenten resten")
    ratio = statistics.median(times["lägesbild"]) / statistics.median(times["överenskommelser"])
    print(f"kvot lägesbild / överenskommelser: {ratio:.2f} (mål ≤ 0,5)")


if __name__ == "__main__":
    main()

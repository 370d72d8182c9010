"""Cost of `publicera` and `arkiv` per decided version against `render` of the same version.

Side by side in one run: for every decided version of the county, in turn, `render` (Word
documents), `render` followed by PDF/A (one LibreOffice run), `publicera` and `arkiv`, each
into a fresh folder, in one warm process. Prints the median per version and the ratios.

    python tests/benchmarks/bench_publish.py [DATAMAPP]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.data.seal import is_sealed  # noqa: E402
from pipeline.data.version import find_versions  # noqa: E402
from pipeline.documents.render import render  # noqa: E402
from pipeline.publish.archive import archive_version  # noqa: E402
from pipeline.publish.pdf import convert_run  # noqa: E402
from pipeline.publish.site import publish_version  # noqa: E402


def _render_pdf(folder: Path, out: Path) -> None:
    written, problems = convert_run(render(folder, out))
    assert not problems


STEPS = {
    "render": lambda folder, out: render(folder, out),
    "render + PDF/A": _render_pdf,
    "publicera": lambda folder, out: publish_version(folder, out),
    "arkiv": lambda folder, out: archive_version(folder, out),
}


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "agreements" / "dalarna"
    decided = [f for f in find_versions(data) if is_sealed(f)]
    times: dict[str, list[float]] = {name: [] for name in STEPS}
    with tempfile.TemporaryDirectory() as scratch:
        for index, folder in enumerate(decided):
            order = list(STEPS) if index % 2 == 0 else list(reversed(STEPS))  # alternate the order
            for name in order:
                out = Path(scratch) / f"{index}-{name.replace(' ', '').replace('/', '')}"
                start = time.perf_counter()
                STEPS[name](folder, out)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["render"])
    print(f"{len(decided)} beslutade versioner i {data}")
    print("| steg | median per version | summa | kvot mot render | kvot mot render + PDF/A |")
    print("|---|---|---|---|---|")
    with_pdf = statistics.median(times["render + PDF/A"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.0f} ms | {sum(values):.1f} s | {median / base:.1f} | "
              f"{median / with_pdf:.2f} |")


if __name__ == "__main__":
    main()

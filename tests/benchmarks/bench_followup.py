"""Benchmark of issue 13: the follow-up reports of the county, measured side by side in one run.

    python tests/benchmarks/bench_followup.py [--rounds N]

Every follow-up report of agreements/ (each record of each version that has records; the
decided current versions of the kommuner – the drafts have none yet), made as batch's
follow-up job makes them: :func:`pipeline.followup.report.render_all`, which reads and checks
the records, works out the state, **makes the charts (Word's own, through python-pptx)**, renders
the template and zips the document. Against it, a bare docxtpl render of the same template with
the same contexts – ``DocxTemplate(path)``, ``render(ctx, autoescape=True)``, ``save`` – without
any chart (docxtpl cannot place a native chart; so only our side pays for them).

A second figure puts the charts' cost on both sides: the bare render with the same charts made by
the same chart code first (what a hand-written docxtpl script would pay at least), so the ratio
shows what the pipeline adds besides the charts.

Both in one process, warm (one round each first), rounds interleaved; the figure is the median
cost per document and the ratio of the medians. Target (issue 13): ≤ 1.0, charts included.
No limit is asserted anywhere: this prints.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def versions_with_records() -> list:
    """Return every valid version under agreements/ that has follow-up records."""
    from pipeline.data.followups import record_files
    from pipeline.data.validate import validate_version
    from pipeline.data.version import find_versions

    return [validate_version(folder) for folder in find_versions(ROOT / "agreements")
            if record_files(folder)[0]]


def ours(versions) -> int:
    """Make every follow-up report as batch does; return how many."""
    from pipeline.followup.report import render_all

    made = 0
    for version in versions:
        documents, _, problems = render_all(version)
        assert not problems, problems
        made += len(documents)
    return made


def bare_jobs(versions) -> list:
    """Return (context, charts) for every report: the context our template gets, and its charts."""
    from pipeline.data import followups
    from pipeline.documents import context
    from pipeline.followup.report import report_context
    from pipeline.followup.status import follow_up

    jobs = []
    for version in versions:
        found, _ = followups.load_records(version)
        agreement = context.agreement_context(version)
        for record in found:
            jobs.append(report_context(follow_up(version, found, record.date), agreement))
    return jobs


def bare_with_charts(versions) -> int:
    """Make the charts (the same chart code), then render with bare docxtpl; return how many."""
    return bare(bare_jobs(versions))


def bare(jobs) -> int:
    """Render the same template with bare docxtpl, the charts left out; return how many."""
    from docxtpl import DocxTemplate

    from pipeline.resources import templates_dir

    path = templates_dir() / "uppfoljning.docx"
    for ctx, pictures in jobs:
        document = DocxTemplate(path)
        images = {id(p): "" for p in pictures}
        document.render(_with_images(ctx, images), autoescape=True)
        document.save(io.BytesIO())
    return len(jobs)


def _with_images(value, images: dict):
    if id(value) in images:
        return images[id(value)]
    if isinstance(value, dict):
        return {k: _with_images(v, images) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_images(v, images) for v in value]
    return value


def timed(action, *args) -> tuple[float, int]:
    started = time.perf_counter()
    made = action(*args)
    return time.perf_counter() - started, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    versions = versions_with_records()
    jobs = bare_jobs(versions)
    timed(ours, versions), timed(bare, jobs)  # warm: imports, compiled template, fonts
    a, b, c = [], [], []
    for _ in range(args.rounds):
        seconds, made = timed(ours, versions)
        a.append(seconds / made)
        seconds, made_bare = timed(bare, jobs)
        b.append(seconds / made_bare)
        seconds, made_drawn = timed(bare_with_charts, versions)
        c.append(seconds / made_drawn)
    assert made == made_bare == made_drawn
    pictures = sum(len(p) for _, p in jobs)
    ours_ms, bare_ms, drawn_ms = (statistics.median(x) * 1000 for x in (a, b, c))
    print(f"{made} follow-up reports of {len(versions)} versions, {pictures} charts; {args.rounds} rounds")
    print(f"per document: samverkan (charts drawn) {ours_ms:6.1f} ms")
    print(f"  bare docxtpl, no charts      {bare_ms:6.1f} ms   ratio {ours_ms / bare_ms:.2f}  (target ≤ 1.0)")
    print(f"  bare docxtpl, charts made    {drawn_ms:6.1f} ms   ratio {ours_ms / drawn_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

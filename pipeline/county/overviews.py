"""The county overviews (länsöversikt) of a batch run, made from the facts the jobs recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.county.manifest import Manifest, fingerprint
from pipeline.county.plan import BatchPlan, inputs_of_run
from pipeline.county.results import BatchReport
from pipeline.county.work import write_job
from pipeline.data.load import load_yaml
from pipeline.documents.overview import kommun_row, overview_context, render_overview
from pipeline.errors import PipelineError
from pipeline.layout import COUNTY_FILE


def make_overviews(plan: BatchPlan, manifest: Manifest, report: BatchReport, today: dt.date, force: bool) -> None:
    broken_keys = {r.key for r in report.ran if r.problems}
    for county, kommuner in plan.counties.items():
        rows = []
        for kommun in kommuner:
            prefix = f"{county.name}/{kommun.name}/"
            facts = [e.facts for k, e in sorted(manifest.entries.items())
                     if k.startswith(prefix) and e.facts is not None and "status" in e.facts]  # versions
            followups = [e.facts for k, e in sorted(manifest.entries.items())
                         if k.startswith(prefix) and e.facts is not None and "uppföljning" in e.facts]
            broken = any(k.startswith(prefix) for k in broken_keys)
            rows.append(kommun_row(kommun.name, facts, broken, today, followups))
        county_data = _county_data(county)
        key = f"{county.name}/lansoversikt"
        wanted = fingerprint(inputs_of_run(), today.isoformat(), repr(rows), repr(county_data))
        if not force and manifest.up_to_date(key, wanted):
            report.skipped += 1
            continue
        try:
            document = render_overview(overview_context(county_data, rows, today))
            files, _ = write_job(report.out / county.name, {document.name: document.data}, report.out)
        except PipelineError as exc:
            report.problems += exc.problems
            continue
        manifest.record(key, wanted, list(files), files)
        report.written += list(files)
        report.overview += list(files)


def _county_data(county: Path) -> dict:
    path = county / COUNTY_FILE
    if not path.is_file():
        return {"län": county.name}
    try:
        return load_yaml(path).data
    except PipelineError:
        return {"län": county.name}

"""The county overviews (länsöversikt) of a batch run, made from the facts the jobs recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.county.manifest import FileHashes, Manifest, fingerprint
from pipeline.county.plan import COUNTY_LAGESBILD_KEY, BatchPlan, inputs_of_run
from pipeline.county.results import BatchReport
from pipeline.county.work import write_job
from pipeline.data.load import load_yaml
from pipeline.documents.lagesbild_lan import county_lagesbild_context, render_county_lagesbild
from pipeline.documents.overview import kommun_row, overview_context, render_overview
from pipeline.errors import PipelineError
from pipeline.lagesbild import store
from pipeline.layout import COUNTY_FILE, LAGESBILD_FOLDER


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
        make_county_lagesbild(county, kommuner, {k.name: r["kommun"] for k, r in zip(kommuner, rows, strict=True)},
                              manifest, report, force)
        county_data = _county_data(county)
        key = f"{county.name}/lansoversikt"
        wanted = fingerprint(inputs_of_run(), today.isoformat(), repr(rows), repr(county_data))
        if not force and manifest.up_to_date(key, wanted):
            report.skipped += 1
            continue
        _write_county_document(county, key, wanted,
                               lambda data=county_data, rows=rows: render_overview(overview_context(data, rows, today)),
                               manifest, report)


def _write_county_document(county: Path, key: str, wanted: str, make, manifest: Manifest,
                           report: BatchReport) -> None:
    """Write the county document ``make`` makes into the county's folder and book it in the manifest."""
    try:
        document = make()
        # the county's folder holds both county documents: neither is the other's stale output
        written, _ = write_job(report.out / county.name, {document.name: document.data}, report.out, stale=())
    except PipelineError as exc:
        report.problems += exc.problems
        return
    manifest.record(key, wanted, list(written), written)
    report.written += list(written)
    report.overview += list(written)


def make_county_lagesbild(county: Path, kommuner: list[Path], names: dict[str, str], manifest: Manifest,
                          report: BatchReport, force: bool) -> None:
    """Write the county's lägesbild when any kommun has stored statistics: the kommuner compared per
    100 000 invånare (public figures only). A kommun whose files are wrong is left out and said."""
    with_data = [k for k in kommuner if (k / LAGESBILD_FOLDER).is_dir()]
    if not with_data:
        return
    hashes = FileHashes()
    files = [p for k in with_data for p in sorted((k / LAGESBILD_FOLDER).glob("*.yaml"))]
    key = f"{county.name}/{COUNTY_LAGESBILD_KEY}"
    wanted = fingerprint(inputs_of_run(), repr(sorted(names.items())), *(f"{p}={hashes(p)}" for p in files))
    if not force and manifest.up_to_date(key, wanted):
        report.skipped += 1
        return
    imports: dict[str, list] = {}
    for kommun in with_data:
        try:
            imports[names.get(kommun.name, kommun.name)] = store.load_kommun(kommun)
        except PipelineError as exc:
            report.problems += exc.problems
    if not imports:
        return
    latest = max(i.source.retrieved for found in imports.values() for i in found)
    example = ("Exempeldata: siffrorna är påhittade, inte Brås eller Koladas statistik."
               if any("Exempeldata" in i.source.description for found in imports.values() for i in found) else None)
    name = str(_county_data(county).get("län") or county.name)
    _write_county_document(county, key, wanted,
                           lambda: render_county_lagesbild(county_lagesbild_context(name, imports, latest, example)),
                           manifest, report)


def _county_data(county: Path) -> dict:
    path = county / COUNTY_FILE
    if not path.is_file():
        return {"län": county.name}
    try:
        return load_yaml(path).data
    except PipelineError:
        return {"län": county.name}

"""The county export (``samverkan export [DATAMAPP] --format csv|json``) for länsstyrelsen's yearly
report to Brå: one row per kommun, plan and activity, with the links to causes and goals and the
latest follow-up.

For each kommun the version in force on the day is exported (decided, its giltighetstid covering
the day), else its latest version, whose status the row shows. CSV is for Excel on a Swedish
Windows: semicolons, UTF-8 with a byte-order mark, CRLF. The JSON form follows the published
JSON Schema ``schemas/export.schema.json``. All or nothing: a kommun with errors stops the export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from pipeline.data.rules import UNTIL_FURTHER_NOTICE
from pipeline.data.tracing import trace
from pipeline.errors import Problem, SchemaError
from pipeline.files import output
from pipeline.followup import records
from pipeline.followup.status import follow_up

SCHEMA_NAME = "export.schema.json"
COLUMNS = ["län", "kommun", "lokalpolisområde", "version", "versionsstatus", "gäller_från", "gäller_till",
           "bilaga", "plan", "fokusområde", "aktivitet_id", "aktivitet", "ansvarig", "orsaker", "orsakstexter",
           "mål", "måltexter", "uppföljningsdatum", "status", "kommentar"]


def current_version(versions: list, day: dt.date):
    """Return the version in force on ``day`` (decided, valid), else the latest by date."""
    def in_force(version) -> bool:
        validity = version.data["giltighetstid"]
        end = validity["till"]
        return (version.data["status"] == "beslutad" and validity["från"] <= day
                and (end == UNTIL_FURTHER_NOTICE or end >= day))

    valid = [v for v in versions if in_force(v)]
    if valid:
        return max(valid, key=lambda v: (v.data["giltighetstid"]["från"], v.name))
    return max(versions, key=lambda v: (v.data["datum"], v.name))


def county_rows(root: Path, day: dt.date) -> list[dict]:
    """Return the export's rows for every kommun under ``root``; raise SchemaError with every problem."""
    from pipeline.county.plan import check_root, find_counties, kommun_versions
    from pipeline.data.validate import Validator

    check_root(root)
    counties, problems = find_counties(root)
    validator = Validator()
    rows = []
    for county, kommuner in counties.items():
        for kommun in kommuner:
            versions = []
            for folder in kommun_versions(kommun)[0]:
                version, found = validator.version(folder)
                problems += found
                if version is not None and not found:
                    versions.append(version)
            if not versions:
                continue
            version = current_version(versions, day)
            found_records, record_problems = records.load_records(version, day)
            problems += record_problems
            rows += version_rows(county.name, version, found_records)
    if problems:
        raise SchemaError(problems)
    return rows


def version_rows(county: str, version, found: list) -> list[dict]:
    """Return one row per plan and activity of ``version`` with its latest follow-up."""
    data = version.data
    state = follow_up(version, found)
    validity = data["giltighetstid"]
    base = {"län": county, "kommun": data["parter"]["kommun"]["namn"],
            "lokalpolisområde": data["parter"]["polisen"]["lokalpolisområde"], "version": version.name,
            "versionsstatus": data["status"], "gäller_från": validity["från"].isoformat(),
            "gäller_till": validity["till"] if isinstance(validity["till"], str) else validity["till"].isoformat()}
    rows = []
    for plan in state.plans:
        found_links = trace(plan.plan.data)
        by_id = found_links.by_id()
        for activity in plan.activities:
            causes, goals = found_links.causes_of(activity.item), found_links.goals_of(activity.item)
            rows.append(base | {
                "bilaga": plan.plan.number, "plan": plan.plan.data["titel"], "fokusområde": plan.plan.data["fokusområde"],
                "aktivitet_id": activity.item.id, "aktivitet": " ".join(activity.item.text.split()),
                "ansvarig": activity.responsible, "orsaker": causes,
                "orsakstexter": [" ".join(by_id[c].text.split()) for c in causes if c in by_id],
                "mål": goals, "måltexter": [" ".join(by_id[g].text.split()) for g in goals if g in by_id],
                "uppföljningsdatum": activity.since.isoformat() if activity.since else None,
                "status": activity.status, "kommentar": activity.comment,
            })
    return rows


def export_county(root: Path, fmt: str, day: dt.date | None = None) -> str:
    """Return the county export of everything under ``root`` as CSV or JSON text."""
    day = day or dt.date.today()
    rows = county_rows(Path(root), day)
    if fmt == "json":
        return json.dumps({"schema": SCHEMA_NAME, "datum": day.isoformat(), "rader": rows}, ensure_ascii=False,
                          indent=1) + "\n"
    return to_csv(rows)


def to_csv(rows: list[dict]) -> str:
    """Return rows as CSV for Excel with Swedish settings: semicolons, CRLF, lists joined by " | "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([" | ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in
                         (row[c] for c in COLUMNS)])
    return "\ufeff" + buffer.getvalue()


def write_export(target: Path, text: str) -> Path:
    """Write the export to ``target`` in one step (never over a file samverkan did not write)."""
    target = Path(target)
    if not target.name:
        raise SchemaError(Problem(target, "ange en fil att skriva exporten till"))
    return output.write_all(target.parent, {target.name: text.encode("utf-8")})[0]

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

from pipeline.data import followups
from pipeline.data.rules import UNTIL_FURTHER_NOTICE
from pipeline.data.tracing import trace
from pipeline.data.tree import check_root, find_counties, kommun_versions
from pipeline.data.validate import Validator
from pipeline.errors import PipelineError, Problem, SchemaError
from pipeline.files import output
from pipeline.followup.status import follow_up
from pipeline.lagesbild import county as lagesbild_county
from pipeline.lagesbild import store
from pipeline.layout import LAGESBILD_FOLDER, data_root
from pipeline.publish import masking

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
    return county_tables(root, day)[0]


def county_tables(root: Path, day: dt.date) -> tuple[list[dict], list[dict]]:
    """Return the export's rows for every kommun under ``root`` – the activities, and the public
    series of the kommuner's lägesbild – ; raise SchemaError with every problem."""

    check_root(root)
    counties, problems = find_counties(root)
    validator = Validator()
    rows, series = [], []
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
            found_records, record_problems = followups.load_records(version, day)
            problems += record_problems
            rows += public_rows(county.name, version, found_records)
            if (kommun / LAGESBILD_FOLDER).is_dir():
                try:
                    series += lagesbild_county.export_rows(county.name, version.data["parter"]["kommun"]["namn"],
                                                           store.load_kommun(kommun))
                except PipelineError as exc:
                    problems += exc.problems
    if problems:
        raise SchemaError(problems)
    return rows, series


def public_rows(county: str, version, found: list) -> list[dict]:
    """Return the rows of ``version`` as published: masked as ``--offentlig`` masks its documents
    (marked passages and sections, role-only persons), then searched for anything left."""

    masks = masking.masks_of(version)
    rows = version_rows(county, masking.public_version(version), found,
                        lambda text: masking.mask_text(text, masks))
    masking.check_values(f"Exporten för {version.data['parter']['kommun']['namn']}", rows, masks)
    return rows


def version_rows(county: str, version, found: list, mask=lambda text: text) -> list[dict]:
    """Return one row per plan and activity of ``version`` with its latest follow-up (its comment
    passed through ``mask``)."""
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
                "bilaga": plan.plan.number, "plan": plan.plan.data["titel"],
                "fokusområde": plan.plan.data["fokusområde"],
                "aktivitet_id": activity.item.id, "aktivitet": " ".join(activity.item.text.split()),
                "ansvarig": activity.responsible, "orsaker": causes,
                "orsakstexter": [" ".join(by_id[c].text.split()) for c in causes if c in by_id],
                "mål": goals, "måltexter": [" ".join(by_id[g].text.split()) for g in goals if g in by_id],
                "uppföljningsdatum": activity.since.isoformat() if activity.since else None,
                "status": activity.status, "kommentar": mask(activity.comment) if activity.comment else None,
            })
    return rows


def export_county(root: Path, fmt: str, day: dt.date | None = None, table: str = "aktiviteter") -> str:
    """Return the county export of everything under ``root`` as CSV or JSON text. JSON holds both
    tables (``rader``, ``lägesbild``); a CSV is one table: the activities, or with ``table`` =
    "lägesbild" the series."""
    day = day or dt.date.today()
    rows, series = county_tables(Path(root), day)
    if fmt == "json":
        return json.dumps({"schema": SCHEMA_NAME, "datum": day.isoformat(), "rader": rows, "lägesbild": series},
                          ensure_ascii=False, indent=1) + "\n"
    if table == "lägesbild":
        return to_csv(series, lagesbild_county.EXPORT_COLUMNS)
    return to_csv(rows)


def to_csv(rows: list[dict], columns: list[str] = COLUMNS) -> str:
    """Return rows as CSV for Excel with Swedish settings: semicolons, CRLF, lists joined by " | ",
    numbers with a decimal comma; a text that a spreadsheet would take for a formula is
    neutralised (:func:`inert`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return "\ufeff" + buffer.getvalue()


def _cell(value) -> str:
    """Return one CSV field: a number as a Swedish Excel reads it (1234,5: no thousands separator,
    which would make it text), yes/no in Swedish, lists joined."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value)).replace(".", ",")
    return inert(" | ".join(value) if isinstance(value, list) else value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value) -> str:
    """Return a CSV field that no spreadsheet runs as a formula: a text starting with = + - @, a tab
    or a carriage return (also after spaces) gets a leading apostrophe, as OWASP recommends."""
    if value is None:
        return ""
    if isinstance(value, str) and (value.startswith(_FORMULA_START) or value.lstrip(" ").startswith(_FORMULA_START)):
        return "'" + value
    return value


def write_export(target: Path, text: str, root: Path) -> Path:
    """Write the export to ``target`` in one step (outside the data ``root``, never over a file
    samverkan did not write)."""

    target = Path(target)
    if not target.name:
        raise SchemaError(Problem(target, "ange en fil att skriva exporten till"))
    output.check_file_place(data_root(root), target)
    return output.write_all(target.parent, {target.name: text.encode("utf-8")})[0]

"""The documents the web app shows and hands out: previews, redlines, downloads.

Word files are made in memory by the same functions as ``render`` and ``diff``; a PDF
(and the beslutspaket, which is one) is made by LibreOffice exactly as ``render --pdf``
and ``diff --paket`` make it, in the same output folder (``ut/…``), and then sent.
"""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

from pipeline.compare import versions
from pipeline.data import followups
from pipeline.data.validate import validate_version
from pipeline.documents.changetable import change_rows
from pipeline.documents.model import RenderedDocument
from pipeline.documents.render import render, version_documents
from pipeline.errors import DataError, Problem
from pipeline.followup.report import render_report, report_name
from pipeline.followup.status import follow_up
from pipeline.ooxml.html import body_html, count_changes
from pipeline.publish.package import decision_package
from pipeline.publish.pdf import convert_run
from pipeline.swedish import counted, long_date
from pipeline.web.workspace import NotFound

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PACKAGE = "beslutspaket.pdf"


def preview_documents(folder: Path) -> list[dict]:
    """Return each document of a valid version as {titel, fil, html}."""
    return [{"titel": d.title, "fil": d.name, "html": body_html(d.parts["word/document.xml"])}
            for d in version_documents(validate_version(folder))]


def version_document(folder: Path, name: str) -> tuple[bytes, str, str]:
    """Return (bytes, file name, type) of one of a version's documents, .docx or .pdf."""
    documents = {d.name: d for d in version_documents(validate_version(folder))}
    stem = name.rsplit(".", 1)[0]
    word = f"{stem}.docx"
    if word not in documents:
        raise NotFound(name)
    if name.endswith(".docx"):
        return documents[word].data, word, DOCX
    if name.endswith(".pdf"):
        written = render(folder)
        _converted(convert_run([p for p in written if p.name == word]))
        pdf = next(p for p in written if p.name == word).with_suffix(".pdf")
        return pdf.read_bytes(), pdf.name, PDF
    raise NotFound(name)


def comparison_view(old: Path, new: Path) -> dict:
    """Return what the comparison page shows: the memo's table rows and each redline as HTML."""
    comparison = versions.compare(old, new)
    shown = []
    for redline in comparison.redlines:
        html = body_html(RenderedDocument(redline.name, redline.title, redline.data).parts["word/document.xml"])
        inserted, deleted = count_changes(html)
        shown.append({"titel": redline.title, "status": redline.status, "fil": redline.name, "html": html,
                      "infogat": inserted, "borttaget": deleted})
    return {"rader": change_rows(comparison.changes), "dokument": shown, "memo": comparison.memo.name,
            "antal": len(comparison.changes)}


def comparison_document(old: Path, new: Path, name: str) -> tuple[bytes, str, str]:
    """Return (bytes, file name, type) of the memo, a redline, or the beslutspaket (PDF)."""
    comparison = versions.compare(old, new)
    if name == PACKAGE:
        _, written = versions.write(comparison)
        folder = written[0].parent
        _converted(convert_run([], [decision_package(comparison, folder)]))
        return (folder / PACKAGE).read_bytes(), PACKAGE, PDF
    documents = comparison.documents()
    if name not in documents:
        raise NotFound(name)
    return documents[name], name, DOCX


def _converted(result: tuple) -> None:
    written, problems = result
    if problems:
        raise DataError(problems if isinstance(problems, list) else [Problem(None, str(problems))])


# Statuses in the order a summary names them.
STATUS_ORDER = ("klar", "grön", "gul", "röd", "ej påbörjad")


def followup_list(folder: Path) -> tuple[list[dict], bool]:
    """Return the version's follow-ups, newest first, as the version page lists them – date, status
    summary, the report's file name – and whether some record has a problem (then none is listed)."""
    found, problems = followups.load_records(validate_version(folder))
    if problems:
        return [], True
    listed = []
    for record in reversed(found):
        statuses = collections.Counter(entry.get("status") for entry in record.entries("aktiviteter").values())
        summary = ", ".join(counted(statuses[s], s) for s in STATUS_ORDER if statuses.get(s))
        listed.append({"datum": long_date(record.date), "iso": record.date.isoformat(),
                       "sammanfattning": summary or "inga aktiviteter bedömda", "fil": report_name(record.date)})
    return listed, False


def followup_report(folder: Path, day: str) -> tuple[bytes, str, str]:
    """Return (bytes, file name, type) of the follow-up report of ``day`` (ÅÅÅÅ-MM-DD)."""
    version = validate_version(folder)
    found, problems = followups.load_records(version)
    try:
        wanted = dt.date.fromisoformat(day)
    except ValueError:
        raise NotFound(day) from None
    if problems or wanted not in {r.date for r in found}:
        raise NotFound(day)
    document = render_report(follow_up(version, found, wanted))
    return document.data, document.name, DOCX


def plan_followup(folder: Path, plan_file: str) -> dict | None:
    """Return the latest follow-up of one plan for its page – the date and each activity's status –
    or None when the version has no valid follow-up of it."""
    found, problems = followups.load_records(validate_version(folder))
    if problems or not found:
        return None
    key = plan_file.rsplit(".", 1)[0]
    latest = found[-1]
    rows = [{"id": entry_id, "status": entry.get("status", ""), "kommentar": entry.get("kommentar") or ""}
            for (plan, entry_id), entry in latest.entries("aktiviteter").items() if plan == key]
    if not rows:
        return None
    return {"datum": long_date(latest.date), "rader": rows}

"""The decision's pages: the form (every problem at its field, values kept), the summary of what
will be sealed with **Bekräfta och försegla**, and the receipt with the seal's checksum. Registered
on the pages' blueprint when imported (:mod:`pipeline.web.app` imports it); the library decides
(:mod:`pipeline.versions.lifecycle`), these pages translate.
"""

from __future__ import annotations

import datetime as dt

from flask import redirect, render_template, request, url_for

from pipeline.data import seal
from pipeline.data.validate import validate_version
from pipeline.documents.context import agreement_context
from pipeline.documents.render import version_documents
from pipeline.errors import PipelineError, Problem
from pipeline.layout import SEAL_FILE
from pipeline.swedish import long_date
from pipeline.versions.lifecycle import Decision, check_decision, record_decision
from pipeline.web import plain
from pipeline.web.pages import bp, warning_line
from pipeline.web.workspace import NotFound, VersionInfo, current_workspace

# --- the decision: a form, a summary to confirm, a receipt ----------------------------------------------

# The decision's fields as the library names them (the command's options), and as the page does.
_DECISION_INPUTS = {"--organ": ("organ", "beslut-organ", "Beslutande organ"),
                    "--datum": ("datum", "beslut-datum", "Beslutsdatum"),
                    "--paragraf": ("paragraf", "beslut-paragraf", "Paragraf"),
                    "--diarienummer": ("diarienummer", "beslut-dnr", "Diarienummer")}
# Where the command's hint names an option or a command, the page says it with its own words.
_DECISION_HINTS = {"--diarienummer": "Kontrollera numret. Har ärendet fått ett nytt diarienummer, kryssa i rutan "
                                     "”Beslutet har ett nytt diarienummer”.",
                   "status": "Ändringar görs i en ny version."}
_DECISION_VALUES = ("organ", "datum", "paragraf", "diarienummer", "nytt_diarienummer")


def decide(county, kommun, name):
    """The decision in two steps: the form (every problem at its field, values kept), then a summary
    of what will be sealed with **Bekräfta och försegla**; nothing is written before that."""
    version = current_workspace().version(county, kommun, name)
    if request.method == "GET":
        if version.status == "beslutad":
            return redirect(url_for("sidor.receipt", county=county, kommun=kommun, name=name), 303)
        data = current_workspace().form_file(version).data
        values = {"organ": _meeting_organ(data), "diarienummer": str(data.get("diarienummer") or "")}
        return _decision_form(version, values, [])
    values = {k: request.form.get(k, "").strip() for k in _DECISION_VALUES}
    decision = Decision(organ=values["organ"], datum=values["datum"], paragraf=values["paragraf"],
                        diarienummer=values["diarienummer"], new_case_number=bool(values["nytt_diarienummer"]))
    step = request.form.get("steg", "granska")
    try:
        if step == "bekrafta":
            record_decision(version.folder, decision)
            return redirect(url_for("sidor.receipt", county=county, kommun=kommun, name=name), 303)
        checked = check_decision(version.folder, decision)
    except PipelineError as exc:
        return _decision_form(version, values, exc.problems), 400
    if step == "andra":
        return _decision_form(version, values, [])
    return render_template("beslut_granska.html", version=version, varden=values,
                           sammanfattning=_decision_summary(checked, decision),
                           varningar=[warning_line(w) for w in checked.warnings])


def _meeting_organ(data: dict) -> str:
    return str((data.get("sammanträde") or {}).get("organ") or "Kommunstyrelsen")


def _decision_form(version: VersionInfo, values: dict, problems: list[Problem]):
    """Return the decision's form with ``values`` and every problem: at its field and in the summary."""
    at_fields: dict[str, list[str]] = {}
    summary: list[dict[str, str | None]] = []
    order = list(_DECISION_INPUTS)  # the summary in the form's order; the rest after
    for problem in sorted(problems, key=lambda p: order.index(p.field) if p.field in order else len(order)):
        text = plain.message(problem).rstrip(".")
        hint = _DECISION_HINTS.get(problem.field or "", plain.hint(problem))
        text = f"{text}. {hint}" if hint else f"{text}."
        if problem.field in _DECISION_INPUTS:
            key, input_id, label = _DECISION_INPUTS[problem.field]
            at_fields.setdefault(key, []).append(text)
            summary.append({"id": input_id, "text": f"{label}: {text}"})
        else:
            summary.append({"id": None, "text": warning_line(problem) if problem.field else text})
    file = current_workspace().form_file(version)
    _, warnings = current_workspace().check_with_warnings(version, file.path, file.data)
    return render_template("beslut.html", version=version, varden=values, fel=at_fields, felsammanfattning=summary,
                           varningar=[warning_line(w) for w in warnings])


def _decision_summary(checked, decision: Decision) -> dict:
    """Return what the confirmation page lists: the decision, the validity, the plans and their
    periods, and the documents that are sealed."""
    version = checked.version
    agreement = agreement_context(version)
    plans = []
    for plan in version.plans:
        period = plan.data.get("period") or {}
        shown = (f"{long_date(period['från'])} – {long_date(period['till'])}"
                 if isinstance(period.get("från"), dt.date) and isinstance(period.get("till"), dt.date) else "")
        plans.append({"nummer": plan.number, "titel": plan.data.get("titel", ""), "period": shown})
    documents = ["Samverkansöverenskommelsen"] + [f"Bilaga {p['nummer']} – {p['titel']}" for p in plans]
    if plans:
        documents.append("Åtgärdsplanen")
    values = checked.values
    return {"organ": values["organ"], "datum": long_date(values["datum"]), "paragraf": values["paragraf"],
            "diarienummer": values["diarienummer"], "nytt_dnr": decision.new_case_number,
            "giltighet": agreement["giltighet"], "planer": plans, "dokument": documents}


def receipt(county, kommun, name):
    """The receipt of a decided version: the decision, the seal's checksum for the diarium, the
    documents it was decided with."""
    version = current_workspace().version(county, kommun, name)
    decided = validate_version(version.folder)
    decision = decided.data.get("beslut") or {}
    if decided.data.get("status") != "beslutad" or not seal.is_sealed(version.folder):
        raise NotFound(name)
    documents = [{"titel": d.title, "fil": d.name} for d in version_documents(decided)]
    return render_template("beslut_kvitto.html", version=version, kvitto={
        "organ": str(decision.get("organ", "")), "datum": _date_text(decision.get("datum")),
        "paragraf": decision.get("paragraf", ""), "diarienummer": decision.get("diarienummer", ""),
        "sigill": seal.grouped(seal.digest(version.folder / SEAL_FILE)), "dokument": documents})


def _date_text(value) -> str:
    return f"den {long_date(value)}" if isinstance(value, dt.date) else str(value or "")


bp.add_url_rule("/v/<county>/<kommun>/<name>/beslut", "decide", decide, methods=["GET", "POST"])
bp.add_url_rule("/v/<county>/<kommun>/<name>/beslut/kvitto", "receipt", receipt)

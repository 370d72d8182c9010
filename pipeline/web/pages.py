"""The pages and actions of the web app: a Flask blueprint (registered by :func:`pipeline.web.app.create_app`).

Each route finds its version by name in the workspace, calls the library (the same functions
the commands call) and renders a page; errors the library raises become a page with the same
Swedish messages the commands print.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

from pipeline.data import seal
from pipeline.data.dates import typed_date
from pipeline.data.load import load_yaml
from pipeline.data.validate import validate_version
from pipeline.data.version import plan_files
from pipeline.documents.context import agreement_context
from pipeline.documents.render import version_documents
from pipeline.errors import DataError, PipelineError, Problem
from pipeline.layout import SEAL_FILE
from pipeline.swedish import long_date
from pipeline.versions.lifecycle import (
    Decision,
    check_decision,
    check_version_name,
    preview_version,
    record_decision,
    start_version,
)
from pipeline.web import documents, edits, forms, plain
from pipeline.web.documents import comparison_view, preview_documents, version_document
from pipeline.web.plans import add_plan, remove, rename
from pipeline.web.workspace import FormFile, NotFound, VersionInfo, current_workspace, problem_in, version_problems

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
bp = Blueprint("sidor", __name__)


def _register() -> None:
    bp.add_url_rule("/", "start", start)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/", "version", edit_version, methods=["GET", "POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/kontroll", "check_version", check_version, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>", "plan", edit_plan, methods=["GET", "POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/kontroll", "check_plan", check_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/planer", "new_plan", new_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/ta-bort", "remove_plan", remove_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/byt-namn", "rename_plan", rename_plan,
                     methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/forhandsvisning", "preview", preview)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/dokument/<document>", "document", document)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/uppfoljning/<day>", "followup_report", followup_report)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/beslut", "decide", decide, methods=["GET", "POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/beslut/kvitto", "receipt", receipt)
    bp.add_url_rule("/k/<county>/<kommun>/jamfor", "compare", compare)
    bp.add_url_rule("/k/<county>/<kommun>/jamfor/<old>/<new>/<document>", "comparison_document",
                     comparison_document)
    bp.add_url_rule("/k/<county>/<kommun>/ny-version", "new_version", new_version, methods=["POST"])


# --- the start page --------------------------------------------------------------------------------

def start():
    return render_template("start.html", lan=current_workspace().counties(), idag=dt.date.today())


# --- a version's form, and a plan's -------------------------------------------------------------------

def edit_version(county, kommun, name):
    version = current_workspace().version(county, kommun, name)
    return _form_page(version, current_workspace().form_file(version), None)


def edit_plan(county, kommun, name, plan):
    version = current_workspace().version(county, kommun, name)
    return _form_page(version, current_workspace().form_file(version, plan), plan)


def _form_page(version: VersionInfo, file: FormFile, plan: str | None):
    """Show a file's form (GET), or act on its submission (POST): save, or a list or inheritance
    button; the form is shown again with the data as submitted, saved or not."""
    data, focus, refused, status = file.data, None, None, 200
    if request.method == "POST":
        if file.read_only:  # found out again under the lock when saving (edits.save)
            raise DataError(Problem(file.path, "versionen är beslutad och kan inte ändras",
                                    hint="Börja en ny version för att ändra överenskommelsen."))
        data = forms.data_from_form(file.fields, request.form, file.data)
        action = request.form.get("åtgärd", "")
        digest = request.form.get("sha", "")
        file.digest = digest  # the form keeps the digest it came with: after a conflict, saving is refused too
        if action == "spara":
            try:
                edits.save(version.folder, file.path.relative_to(version.folder).as_posix(), data, digest)
                flash("Sparat.")
                return redirect(request.path, 303)
            except PipelineError as exc:  # shown above the form, which keeps what was written
                refused, status = exc, 409 if isinstance(exc, edits.Conflict) else 400
        else:
            focus = forms.apply_action(action, file.fields, data, file.inherited)
    problems, warnings = current_workspace().check_with_warnings(version, file.path, data)
    at_fields, rest = problem_in(problems, file.path, file.fields)
    listed, broken = _followups(version) if plan is None else ([], False)
    latest = _plan_followup(version, plan) if plan is not None else None
    return render_template("formular.html", version=version, fil=file, data=data, plan=plan,
                           focus_name=_FocusOnce(focus), fel=at_fields, ovriga_fel=rest,
                           varningar=[_warning_line(w) for w in warnings],
                           inte_sparat=refused.problems if refused else [],
                           konflikt=isinstance(refused, edits.Conflict),
                           planer=_plans(version), kontroll_url=_check_url(version, plan),
                           uppfoljningar=listed, uppfoljning_fel=broken, senaste=latest), status


def _plan_followup(version: VersionInfo, plan: str) -> dict | None:
    try:
        return documents.plan_followup(version.folder, plan)
    except PipelineError:
        return None


def _followups(version: VersionInfo) -> tuple[list[dict], bool]:
    """Return the version's follow-ups for its page; none (and no error) while the version is invalid."""
    try:
        return documents.followup_list(version.folder)
    except PipelineError:
        return [], False


class _FocusOnce:
    """Tells the form which input gets the focus after a button: the first at or below ``name``."""

    def __init__(self, name: str | None):
        self.name, self.done = name, False

    def __call__(self, input_name: str) -> bool:
        if self.done or not self.name or not (input_name == self.name or input_name.startswith(self.name + ".")):
            return False
        self.done = True
        return True


def _check_url(version: VersionInfo, plan: str | None) -> str:
    if plan:
        return url_for("sidor.check_plan", county=version.county, kommun=version.kommun, name=version.name, plan=plan)
    return url_for("sidor.check_version", county=version.county, kommun=version.kommun, name=version.name)


def _plans(version: VersionInfo) -> list[dict]:
    result = []
    for number, path in enumerate(plan_files(version.folder, links=False), start=1):
        try:
            title = load_yaml(path, root=current_workspace().root).data.get("titel") or path.stem
        except PipelineError:
            title = path.stem
        result.append({"nummer": number, "fil": path.name, "titel": str(title)})
    return result


def check_version(county, kommun, name):
    return _check(current_workspace().version(county, kommun, name), None)


def check_plan(county, kommun, name, plan):
    return _check(current_workspace().version(county, kommun, name), plan)


def _check(version: VersionInfo, plan: str | None):
    """Return the live check of a form: the summary, and each field's message (htmx swaps them in)."""
    path, schema, original = current_workspace().file_data(version, plan)
    fields = forms.fields_of(schema)
    index = forms.FormIndex(request.form)
    data = forms.data_from_form(fields, request.form, original, index)
    problems = current_workspace().check(version, path, data)
    at_fields, rest = problem_in(problems, path, fields)
    # Every input and what holds it has a message container, cleared or filled.
    return render_template("kontroll.html", fel=at_fields, ovriga_fel=rest, namn=sorted(index.containers()),
                           antal=len(problems))


# --- plans ---------------------------------------------------------------------------------------------------

def new_plan(county, kommun, name):
    version = current_workspace().version(county, kommun, name)
    path = add_plan(version.folder, request.form.get("titel", ""), current_workspace().merged_agreement(version))
    flash("Bilagan är skapad. Fyll i den.")
    return redirect(url_for("sidor.plan", county=county, kommun=kommun, name=name, plan=path.name), 303)


def remove_plan(county, kommun, name, plan):
    version = current_workspace().version(county, kommun, name)
    path = current_workspace().plan_file(version, plan)
    if request.form.get("bekräfta") != "ja":
        raise DataError(Problem(path, "planen togs inte bort: rutan för att bekräfta är inte ikryssad",
                                field="bekräfta", hint="Kryssa i rutan och tryck på Ta bort planen igen."))
    remove(version.folder, path)
    flash("Bilagan är borttagen.")
    return redirect(url_for("sidor.version", county=county, kommun=kommun, name=name), 303)


def rename_plan(county, kommun, name, plan):
    version = current_workspace().version(county, kommun, name)
    path = rename(version.folder, current_workspace().plan_file(version, plan), request.form.get("nytt_namn", ""))
    flash("Bilagan har fått sitt nya nummer och namn.")
    return redirect(url_for("sidor.plan", county=county, kommun=kommun, name=name, plan=path.name), 303)


# --- preview and documents ------------------------------------------------------------------------------

def preview(county, kommun, name):
    version = current_workspace().version(county, kommun, name)
    problems = version_problems(version.folder)
    documents = [] if problems else preview_documents(version.folder)
    return render_template("forhandsvisning.html", version=version, dokument=documents, problem=problems)


def followup_report(county, kommun, name, day):
    version = current_workspace().version(county, kommun, name)
    data, file_name, mimetype = documents.followup_report(version.folder, day)
    return send_bytes(data, file_name, mimetype)


def document(county, kommun, name, document):
    version = current_workspace().version(county, kommun, name)
    data, file_name, mimetype = version_document(version.folder, document)
    return send_bytes(data, file_name, mimetype)


# --- comparison ----------------------------------------------------------------------------------------------

def compare(county, kommun):
    info = current_workspace().kommun(county, kommun)
    names = [v.name for v in info.versions]
    new = request.args.get("ny") or (info.drafts[-1].name if info.drafts else names[-1])
    default_old = _predecessor(info, new)
    old = request.args.get("gammal") or default_old
    if new not in names or old not in names:
        raise NotFound(f"{old} {new}")
    view = None
    problems: list[Problem] = []
    if old != new:
        try:
            view = comparison_view(_folder(info, old), _folder(info, new))
        except PipelineError as exc:
            problems = exc.problems
    return render_template("jamfor.html", kommun=info, gammal=old, ny=new, vy=view, problem=problems)


def _predecessor(info, new: str) -> str:
    folder = _folder(info, new)
    try:
        agreement = load_yaml(folder / "overenskommelse.yaml", root=current_workspace().root).data
        previous = agreement.get("föregående_version")
    except PipelineError:
        previous = None
    names = [v.name for v in info.versions]
    if previous in names:
        return previous
    current = info.current
    return current.name if current and current.name != new else names[0]


def _folder(info, name: str) -> Path:
    for version in info.versions:
        if version.name == name:
            return version.folder
    raise NotFound(name)


def comparison_document(county, kommun, old, new, document):
    info = current_workspace().kommun(county, kommun)
    data, file_name, mimetype = documents.comparison_document(_folder(info, old), _folder(info, new), document)
    return send_bytes(data, file_name, mimetype)


# --- lifecycle ---------------------------------------------------------------------------------------------------

def new_version(county, kommun):
    info = current_workspace().kommun(county, kommun)
    name = request.form.get("namn", "").strip()
    start = _date_field(request.form.get("ny_start", ""), "ny startdag") if request.form.get("flytta_datum") else None
    folder = info.versions[0].folder.parent if info.versions else None
    if folder is None:
        raise NotFound(kommun)
    number = request.form.get("nytt_diarienummer", "").strip()
    keep = bool(request.form.get("behall_diarienummer"))
    check_version_name(name, folder)  # the name first, as on the command line
    if not number and not keep:
        raise DataError(Problem(folder, "den nya versionen skapades inte: den behöver ett diarienummer",
                                field="nytt_diarienummer",
                                hint="Skriv det nya ärendets diarienummer, eller kryssa i rutan för att behålla det "
                                     "gamla (med vilje, eller tills det nya finns)."))
    if request.form.get("steg") == "granska":  # what would be carried over, before anything is made
        preview = preview_version(folder, name, new_start=start, case_number=number or None, keep_case_number=keep)
        values = {k: request.form.get(k, "") for k in ("namn", "flytta_datum", "ny_start", "nytt_diarienummer",
                                                       "behall_diarienummer")}
        return render_template("ny_version.html", kommun=info, namn=name, varden=values, forhandsvisning=preview,
                               kalla=preview.source.name, fel=[plain.line(p) for p in preview.problems],
                               varningar=[plain.line(w) for w in preview.warnings])
    created = start_version(folder, name, new_start=start, case_number=number or None, keep_case_number=keep)
    moved = len(created.moved)
    flash(f"Version {name} är skapad från version {created.source.name}"
          + (f"; {moved} datum flyttades." if start else "."))
    if created.warnings:
        flash(f"{len(created.warnings)} {'varning' if len(created.warnings) == 1 else 'varningar'} att se över "
              "(samma som kontrollen visar):")
        for warning in created.warnings[:_LISTED_WARNINGS]:
            flash(_warning_line(warning))
        if len(created.warnings) > _LISTED_WARNINGS:
            flash(f"… och {len(created.warnings) - _LISTED_WARNINGS} till.")
    return redirect(url_for("sidor.version", county=county, kommun=kommun, name=created.folder.name), 303)


_LISTED_WARNINGS = 10  # after "Ny version"; the rest are counted


def _warning_line(problem: Problem) -> str:
    """Return a warning as one line a secretary reads (:func:`plain.line`)."""
    return plain.line(problem)


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
                           varningar=[_warning_line(w) for w in checked.warnings])


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
            summary.append({"id": None, "text": _warning_line(problem) if problem.field else text})
    file = current_workspace().form_file(version)
    _, warnings = current_workspace().check_with_warnings(version, file.path, file.data)
    return render_template("beslut.html", version=version, varden=values, fel=at_fields, felsammanfattning=summary,
                           varningar=[_warning_line(w) for w in warnings])


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


def _date_field(text: str, field: str) -> dt.date:
    """Return a typed date (ÅÅÅÅ-MM-DD, years 1900–2999, as on the command line); raise otherwise."""

    return typed_date(text, field=field)


def send_bytes(data: bytes, name: str, mimetype: str = DOCX):
    """Return a download of ``data`` named ``name``."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


_register()

"""The pages and actions of the web app: a Flask blueprint (registered by :func:`pipeline.web.app.create_app`).

Each route finds its version by name in the workspace, calls the library (the same functions
the commands call) and renders a page; errors the library raises become a page with the same
Swedish messages the commands print.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import MultiDict

from pipeline.data.dates import typed_date
from pipeline.data.load import load_yaml
from pipeline.data.version import plan_files
from pipeline.errors import DataError, PipelineError, Problem
from pipeline.layout import AGREEMENT_FILE
from pipeline.swedish import long_date
from pipeline.versions.lifecycle import (
    check_version_name,
    preview_version,
    start_version,
)
from pipeline.web import documents, edits, forms, plain, steps, undo, unsaved
from pipeline.web.documents import comparison_view, preview_documents, version_document
from pipeline.web.plans import add_plan, put_back, remove, rename
from pipeline.web.workspace import FormFile, NotFound, VersionInfo, current_workspace, problem_in, version_problems

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
bp = Blueprint("sidor", __name__)


def _register() -> None:
    bp.add_url_rule("/", "start", start)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/", "version", edit_version)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/del/<step>", "step", edit_step, methods=["GET", "POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/del/<step>/kontroll", "check_step", check_step, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>", "plan", edit_plan, methods=["GET", "POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/kontroll", "check_plan", check_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/planer", "new_plan", new_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/ta-bort", "remove_plan", remove_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/planer/angra", "restore_plan", restore_plan, methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/plan/<plan>/byt-namn", "rename_plan", rename_plan,
                     methods=["POST"])
    bp.add_url_rule("/v/<county>/<kommun>/<name>/forhandsvisning", "preview", preview)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/dokument/<document>", "document", document)
    bp.add_url_rule("/v/<county>/<kommun>/<name>/uppfoljning/<day>", "followup_report", followup_report)
    bp.add_url_rule("/k/<county>/<kommun>/jamfor", "compare", compare)
    bp.add_url_rule("/k/<county>/<kommun>/jamfor/<old>/<new>/<document>", "comparison_document",
                     comparison_document)
    bp.add_url_rule("/k/<county>/<kommun>/ny-version", "new_version", new_version, methods=["POST"])


# --- the start page --------------------------------------------------------------------------------

def start():
    return render_template("start.html", lan=current_workspace().counties(), idag=dt.date.today())


# --- a version: its first page, its steps, and a plan's page ----------------------------------------

def edit_version(county, kommun, name):
    """The version's first page: each part and its state, and what can be done with the version."""
    version = current_workspace().version(county, kommun, name)
    problems = version_problems(version.folder)
    groups = steps.group(problems, version.folder / AGREEMENT_FILE)
    file = current_workspace().form_file(version)
    _, warnings = current_workspace().check_with_warnings(version, file.path, file.data)
    listed, broken = _followups(version)
    gone = request.args.get("borttagen", "")
    undo_plan = gone if gone and unsaved.removed(current_workspace().root, request.path, gone) is not None else None
    return render_template("arende.html", version=version, fil=file, delar=_parts(version, groups, None),
                           angra_plan=undo_plan,
                           ovriga_fel=groups.get(steps.OTHER, []), antal_fel=len(problems),
                           varningar=[warning_line(w) for w in warnings],
                           uppfoljningar=listed, uppfoljning_fel=broken)


def edit_step(county, kommun, name, step):
    version = current_workspace().version(county, kommun, name)
    found = steps.step(step)
    if found is None:
        raise NotFound(step)
    return _form_page(version, current_workspace().form_file(version), None, found)


def edit_plan(county, kommun, name, plan):
    version = current_workspace().version(county, kommun, name)
    return _form_page(version, current_workspace().form_file(version, plan), plan, None)


def _form_page(version: VersionInfo, file: FormFile, plan: str | None, step: steps.Step | None):
    """Show a page's form (GET), or act on its submission (POST): save, restore or throw away what
    was typed and not saved, undo a removal, or a list or inheritance button; the form is shown
    again with the data as submitted, saved or not. A step of the agreement shows and takes only
    its own fields; the rest of the file is kept as it is."""
    fields = step.fields() if step else file.fields
    root = current_workspace().root
    data, focus, refused, status, removals = file.data, None, None, 200, []
    if request.method == "POST":
        if file.read_only:  # found out again under the lock when saving (edits.save)
            raise DataError(Problem(file.path, "versionen är beslutad och kan inte ändras",
                                    hint="Börja en ny version för att ändra överenskommelsen."))
        data = forms.data_from_form(fields, request.form, file.data)
        removals = undo.carried(request.form.get(undo.FIELD))
        action = request.form.get("åtgärd", "")
        digest = request.form.get("sha", "")
        file.digest = digest  # the form keeps the digest it came with: after a conflict, saving is refused too
        if action == "spara":
            try:
                edits.save(version.folder, file.path.relative_to(version.folder).as_posix(), data, digest)
                unsaved.forget(root, request.path)
                flash("Sparat.")
                return redirect(request.path, 303)
            except PipelineError as exc:  # shown above the form, which keeps what was written
                refused, status = exc, 409 if isinstance(exc, edits.Conflict) else 400
        elif action == "släng":
            unsaved.forget(root, request.path)
            flash("De osparade ändringarna är borttagna.")
            return redirect(request.path, 303)
        elif action == "återställ":
            data = _restored(fields, file.data, root) or data
            flash("De osparade ändringarna är återställda. Spara för att behålla dem.")
        elif action == "ångra" and removals:
            focus = undo.restore(removals, fields, data)
        else:
            focus = _apply(action, fields, data, file, version, plan, removals)
    problems, warnings = current_workspace().check_with_warnings(version, file.path, data)
    view = _check_view(version, file, problems, plan, step)
    listed, broken = _followups(version) if step is steps.FOLLOWUP_STEP else ([], False)
    latest = _plan_followup(version, plan) if plan is not None else None
    offered = _offered(fields, file, root) if request.method == "GET" else None
    return render_template("formular.html", version=version, fil=file, falt_lista=fields, data=data, plan=plan,
                           steg=step, focus_name=_FocusOnce(focus), **view,
                           varningar=[warning_line(w) for w in warnings],
                           inte_sparat=refused.problems if refused else [],
                           konflikt=isinstance(refused, edits.Conflict),
                           planer=_plans(version), kontroll_url=_check_url(version, plan, step),
                           uppfoljningar=listed, uppfoljning_fel=broken, senaste=latest,
                           osparat=offered, borttagna=undo.encode(removals) if removals else "",
                           borttagen=undo.description(removals[-1], fields) if removals else ""), status


def _apply(action: str, fields, data: dict, file: FormFile, version: VersionInfo, plan: str | None,
           removals: list[dict]) -> str | None:
    """Apply a list or inheritance button; a removed item is carried for Ångra, a new item of a
    plan's list gets an id no earlier item has had."""
    gone = undo.removed(action, fields, data) if action.startswith("ta-bort:") else None
    if plan is not None and action.startswith(("ta-bort:", "upp:", "ned:")):
        _, path = forms.parse_action(action, fields)
        field = forms.field_at(fields, path[:-1])
        undo.freeze_ids(path[:-1], forms.container(data, path[:-1], list, action=action),
                        field.text_key if field else None)
    focus = forms.apply_action(action, fields, data, file.inherited)
    if gone is not None:
        removals.append(gone)
    if plan is not None and action.startswith("lägg-till:"):
        _, path = forms.parse_action(action, fields)
        items = forms.container(data, path, list)
        used = current_workspace().used_ids(version, plan) | {str(r["post"].get("id")) for r in removals
                                                               if isinstance(r["post"], dict)}
        given = undo.new_id(path, items, used)
        if given and isinstance(items[-1], dict):
            items[-1]["id"] = given
    return focus


def _offered(fields, file: FormFile, root: Path) -> dict | None:
    """Return the unsaved changes kept for this page when they differ from the file: when typed."""
    if file.read_only:
        return None
    kept = unsaved.kept(root, request.path)
    if kept is None or _restored(fields, file.data, root) == file.data:
        return None
    return {"tid": f"{long_date(kept.when.date())} kl. {kept.when:%H.%M}"}


def _restored(fields, original: dict, root: Path) -> dict | None:
    """Return the file's data with this page's kept unsaved inputs, or None when none are kept."""
    kept = unsaved.kept(root, request.path)
    if kept is None:
        return None
    return forms.data_from_form(fields, MultiDict(kept.pairs), original)


def _check_view(version: VersionInfo, file: FormFile, problems: list[Problem], plan: str | None,
                step: steps.Step | None) -> dict:
    """Return what a page's check shows: this page's problems at their fields, those that have no
    field here, and the side navigation with every part's count."""
    groups = steps.group(problems, version.folder / AGREEMENT_FILE)
    mine = groups.get(steps.plan_key(plan) if plan else step.slug if step else steps.OTHER, [])
    at_fields, unplaced = problem_in(mine, file.path, file.fields)
    others = unplaced + (groups.get(steps.OTHER, []) if plan or step else [])
    return {"fel": at_fields, "ovriga_fel": others, "delar": _parts(version, groups, plan or step)}


def _parts(version: VersionInfo, groups: dict, current) -> list[steps.Part]:
    """Return the side navigation: the first page, the steps, one entry per bilaga, follow-up, decision."""
    def url(endpoint: str, **extra) -> str:
        return url_for(endpoint, county=version.county, kommun=version.kommun, name=version.name, **extra)

    decided = version.status == "beslutad"
    parts = [steps.Part("Översikt", url("sidor.version"), current=current is None, note="Ärendet i korthet")]
    for step in steps.AGREEMENT_STEPS:
        parts.append(steps.Part(step.title, url("sidor.step", step=step.slug), len(groups.get(step.slug, [])),
                                current is step))
    for plan in _plans(version):
        parts.append(steps.Part(f"Bilaga {plan['nummer']}: {plan['titel']}", url("sidor.plan", plan=plan["fil"]),
                                len(groups.get(steps.plan_key(plan["fil"]), [])), current == plan["fil"]))
    follow = steps.FOLLOWUP_STEP
    parts.append(steps.Part(follow.title, url("sidor.step", step=follow.slug), len(groups.get(follow.slug, [])),
                            current is follow))
    decision = steps.DECISION_STEP
    count = len(groups.get(decision.slug, []))
    parts.append(steps.Part(decision.title, url("sidor.step", step=decision.slug), count, current is decision,
                            note="Beslutad" if decided else ""))
    return parts


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


def _check_url(version: VersionInfo, plan: str | None, step: steps.Step | None) -> str:
    if plan:
        return url_for("sidor.check_plan", county=version.county, kommun=version.kommun, name=version.name, plan=plan)
    return url_for("sidor.check_step", county=version.county, kommun=version.kommun, name=version.name,
                   step=step.slug if step else "")


def _plans(version: VersionInfo) -> list[dict]:
    result = []
    for number, path in enumerate(plan_files(version.folder, links=False), start=1):
        try:
            title = load_yaml(path, root=current_workspace().root).data.get("titel") or path.stem
        except PipelineError:
            title = path.stem
        result.append({"nummer": number, "fil": path.name, "titel": str(title)})
    return result


def check_step(county, kommun, name, step):
    found = steps.step(step)
    if found is None:
        raise NotFound(step)
    return _check(current_workspace().version(county, kommun, name), None, found)


def check_plan(county, kommun, name, plan):
    return _check(current_workspace().version(county, kommun, name), plan, None)


def _keep_typed(version: VersionInfo, file: FormFile, data: dict) -> None:
    """Keep what the page's form holds when it differs from the file, so a reload or a restart
    loses nothing (:mod:`pipeline.web.unsaved`); forget it when it is what the file holds."""
    page = request.path.removesuffix("/kontroll")
    root = current_workspace().root
    if file.read_only or data == file.data:
        unsaved.forget(root, page)
    else:
        unsaved.keep(root, page, list(request.form.items(multi=True)))


def _check(version: VersionInfo, plan: str | None, step: steps.Step | None):
    """Return the live check of a page's form: the summary, each field's message and the side
    navigation's counts (htmx swaps them in)."""
    file = current_workspace().form_file(version, plan)
    fields = step.fields() if step else file.fields
    index = forms.FormIndex(request.form)
    data = forms.data_from_form(fields, request.form, file.data, index)
    problems = current_workspace().check(version, file.path, data)
    view = _check_view(version, file, problems, plan, step)
    _keep_typed(version, file, data)
    # Every input and what holds it has a message container, cleared or filled.
    return render_template("kontroll.html", namn=sorted(index.containers()), version=version, **view)


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
    content = remove(version.folder, path)
    page = url_for("sidor.version", county=county, kommun=kommun, name=name)
    kept = unsaved.keep_removed(current_workspace().root, page, path.name, content)
    flash("Bilagan är borttagen.")
    return redirect(page + (f"?borttagen={quote(path.name)}" if kept else ""), 303)


def restore_plan(county, kommun, name):
    """Ångra: put back the bilaga just removed from a draft, as it was."""
    version = current_workspace().version(county, kommun, name)
    page = url_for("sidor.version", county=county, kommun=kommun, name=name)
    file_name = request.form.get("namn", "")
    content = unsaved.removed(current_workspace().root, page, file_name)
    if content is None:
        raise NotFound(file_name)
    path = put_back(version.folder, file_name, content)
    unsaved.forget_removed(current_workspace().root, page, file_name)
    flash("Bilagan är tillbaka.")
    return redirect(url_for("sidor.plan", county=county, kommun=kommun, name=name, plan=path.name), 303)


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
            flash(warning_line(warning))
        if len(created.warnings) > _LISTED_WARNINGS:
            flash(f"… och {len(created.warnings) - _LISTED_WARNINGS} till.")
    return redirect(url_for("sidor.version", county=county, kommun=kommun, name=created.folder.name), 303)


_LISTED_WARNINGS = 10  # after "Ny version"; the rest are counted


def warning_line(problem: Problem) -> str:
    """Return a warning as one line a secretary reads (:func:`plain.line`)."""
    return plain.line(problem)


def _date_field(text: str, field: str) -> dt.date:
    """Return a typed date (ÅÅÅÅ-MM-DD, years 1900–2999, as on the command line); raise otherwise."""

    return typed_date(text, field=field)


def send_bytes(data: bytes, name: str, mimetype: str = DOCX):
    """Return a download of ``data`` named ``name``."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


_register()

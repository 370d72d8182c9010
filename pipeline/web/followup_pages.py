"""The follow-up's pages: **Ny uppföljning** (the form, and saving it), a recorded follow-up as a
page, and the workbook to download. Registered on the pages' blueprint when imported
(:mod:`pipeline.web.app` imports it); :mod:`pipeline.web.followup_form` does the translating.

A follow-up lies beside its version, outside the seal: it is entered for a decided version
(that is its point) as well as for a draft.
"""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for

from pipeline.data.followups import STATUSES
from pipeline.data.rules import party_names
from pipeline.data.validate import validate_version
from pipeline.errors import PipelineError
from pipeline.web import followup_form, forms
from pipeline.web.pages import bp, send_bytes
from pipeline.web.workspace import VersionInfo, current_workspace

_VERSION = "/v/<county>/<kommun>/<name>/uppfoljning"
_SAVED = {"ny": "Uppföljningen är sparad.",
          "ersatt": "Uppföljningen är sparad. Den ersatte den tidigare uppföljningen för samma datum.",
          "oförändrad": "Uppföljningen är sparad. Den var redan sparad med samma innehåll."}


def new_followup(county, kommun, name):
    """The form (GET), or saving it (POST): then to the follow-up's page, or the form again with
    every problem at its field and what was typed."""
    info = current_workspace().version(county, kommun, name)
    version = validate_version(info.folder)
    rows = followup_form.rows_of(version)
    if request.method == "GET":
        return _form_page(info, version, rows, followup_form.defaults(version, rows), [])
    try:
        day, written = followup_form.save(version, request.form)
    except forms.FormTooLarge:
        raise
    except PipelineError as exc:
        return _form_page(info, version, rows, followup_form.submitted(rows, request.form), exc.problems), 400
    flash(_SAVED.get(written.outcome, _SAVED["ny"]))
    return redirect(url_for("sidor.followup_view", county=county, kommun=kommun, name=name, day=day.isoformat()), 303)


def _form_page(info: VersionInfo, version, rows: list[dict], values: dict, problems: list):
    at_fields, summary = followup_form.messages(rows, problems)
    return render_template("uppfoljning_ny.html", version=info, planer=rows, varden=values, fel=at_fields,
                           felsammanfattning=summary, ingen_ny=followup_form.NO_NEW, idag=dt.date.today().isoformat(),
                           statusval=[("", followup_form.NO_NEW)] + [(s, s) for s in STATUSES],
                           partval=[("", followup_form.NO_REPORTER)] + [(p, p) for p in party_names(version.data)],
                           falt=followup_form.all_inputs(rows))


def followup_view(county, kommun, name, day):
    """A recorded follow-up as a page: the summary, each plan's activities and indicators."""
    info = current_workspace().version(county, kommun, name)
    return render_template("uppfoljning_visa.html", version=info,
                           uppfoljning=followup_form.report_view(info.folder, day))


def followup_workbook(county, kommun, name):
    """The follow-up workbook to fill in (``?datum=ÅÅÅÅ-MM-DD`` for a new follow-up)."""
    info = current_workspace().version(county, kommun, name)
    data, file_name, mimetype = followup_form.workbook(info.folder, request.args.get("datum"))
    return send_bytes(data, file_name, mimetype)


def _register() -> None:
    bp.add_url_rule(f"{_VERSION}/ny", "new_followup", new_followup, methods=["GET", "POST"])
    bp.add_url_rule(f"{_VERSION}/arbetsbok", "followup_workbook", followup_workbook)
    bp.add_url_rule(f"{_VERSION}/<day>/visa", "followup_view", followup_view)


_register()

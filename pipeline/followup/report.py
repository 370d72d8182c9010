"""The use case *uppföljning*: a follow-up report for the samverkansgrupp or the local BRÅ.

``uppfoljning-ÅÅÅÅ-MM-DD.docx`` shows, for one follow-up record, the status of every activity
per plan and how it changed since the follow-up before, every indicator against its baseline
and goal, and charts: the status per plan and each measured indicator over time, each with alt
text and a table of its data beside it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline import ooxml, resources
from pipeline.data import followups
from pipeline.data.validate import validate_version
from pipeline.documents import context, template
from pipeline.documents.model import RenderedDocument, document_properties, write_document
from pipeline.errors import Problem, SchemaError
from pipeline.files import output
from pipeline.followup import charts
from pipeline.followup.status import FollowUp, follow_up
from pipeline.layout import DEFAULT_OUTPUT
from pipeline.ooxml.images import add_pictures
from pipeline.swedish import amount, count, counted, joined, long_date, sentence

FOLLOWUP_TEMPLATE = "uppfoljning.docx"
FOLLOWUP_NAMES = {"kommun", "dnr", "datum", "titel", "undertitel", "exempel", "sammanfattning", "översikt", "planer"}


def report_name(day: dt.date) -> str:
    """Return the file name of the report of the follow-up on ``day``."""
    return f"uppfoljning-{day.isoformat()}.docx"


def choose(version, found: list, day: dt.date | None) -> dt.date:
    """Return the date of the follow-up to report: ``day`` if recorded, else the latest; raise if none."""
    dates = [r.date for r in found]
    if not dates:
        raise SchemaError(Problem(version.ref.followup_dir, f"version {version.name} har ingen uppföljning ännu",
                                  hint="Skriv en uppföljning med samverkan import ARBETSBOK.xlsx VERSIONSMAPP, eller "
                                       "som YAML i uppfoljning/ÅÅÅÅ-MM-DD.yaml (se "
                                       "docs/sekreterare/uppfoljning.md)."))
    if day is None:
        return dates[-1]
    if day not in dates:
        raise SchemaError(Problem(version.ref.followup_dir, f"det finns ingen uppföljning den {day.isoformat()}",
                                  hint="Uppföljningarna är: " + ", ".join(d.isoformat() for d in dates) + "."))
    return day


def write_report(version_dir: Path, day: dt.date | None = None, out_dir: Path | None = None) -> list[Path]:
    """Validate the version and its records, then write the report of the follow-up on ``day``
    (default: the latest) and return its path."""
    version = validate_version(version_dir)
    found, problems = followups.load_records(version)
    if problems:
        raise SchemaError(problems)
    state = follow_up(version, found, choose(version, found, day))
    document = render_report(state)
    target = Path(out_dir) if out_dir else version.ref.followup_output_dir()
    output.check_output_place(version.data_root, target)
    return output.write_all(target, {document.name: document.data}, within=None if out_dir else DEFAULT_OUTPUT)


def render_all(version) -> tuple[dict[str, bytes], dict | None, list[Problem]]:
    """Return a valid version's follow-up reports (one per record, name → bytes), the facts the county
    overview shows, and the problems of its records (then nothing else)."""
    found, problems = followups.load_records(version)
    if problems:
        return {}, None, problems
    documents = {}
    for record in found:
        document = render_report(follow_up(version, found, record.date))
        documents[document.name] = document.data
    return documents, followup_facts(version, found), []


def followup_facts(version, found: list) -> dict:
    """Return what the county overview says of a version's follow-up: its latest date and status counts."""
    state = follow_up(version, found)
    return {"uppföljning": state.date.isoformat() if state.date else None, "version": version.name,
            "statusar": state.counts()}


def render_report(state: FollowUp, templates_dir: Path | None = None) -> RenderedDocument:
    """Return the report of a follow-up as a document, charts included."""
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / FOLLOWUP_TEMPLATE, FOLLOWUP_NAMES)
    agreement = context.agreement_context(state.version)
    ctx, pictures = report_context(state, agreement)
    props = document_properties(agreement, ctx["titel"])
    props = ooxml.Properties(**{**props.__dict__, "date": state.date, "keywords": "uppföljning, åtgärdsplan"})
    package, parts = add_pictures(compiled.package, compiled.render(ctx), pictures)
    return RenderedDocument(report_name(state.date), props.title, write_document(package, parts, props))


def report_context(state: FollowUp, agreement: dict) -> tuple[dict, list]:
    """Return the report template's context and the pictures it shows."""
    pictures: list = []

    def picture(make, *args):
        image = make(*args, len(pictures) + 1)
        pictures.append(image)
        return image

    day = state.date
    rows = [(f"Bilaga {p.plan.number}", p.counts()) for p in state.plans]
    overview = {"bild": picture(charts.status_chart, rows) if state.plans else "",
                "rubrik": "Aktiviteternas status per plan (antal)",
                "rader": [{"plan": f"Bilaga {p.plan.number} – {p.plan.data['titel']}",
                           **{s.replace(" ", "_"): n for s, n in p.counts().items()}} for p in state.plans]}
    return {
        "kommun": agreement["kommun"],
        "dnr": agreement["dnr"],
        "datum": context.SvDate(day.year, day.month, day.day),
        "titel": f"Uppföljning av samverkan mellan {agreement['kommun']} och {agreement['polisen']['namn']}",
        "undertitel": (f"Uppföljningen den {long_date(day)} · version {agreement['version']}"
                       + (f" · föregående uppföljning {long_date(state.previous)}" if state.previous else "")),
        "exempel": _example(state, agreement),
        "sammanfattning": summary(state),
        "översikt": overview,
        "planer": [_plan(p, state, picture) for p in state.plans],
    }, pictures


def _example(state: FollowUp, agreement: dict) -> str | None:
    record = next((r for r in state.records if r.date == state.date), None)
    own = record.loaded.data.get("exempel") if record else None
    return context.printable(own) if own else agreement["exempel"]


def summary(state: FollowUp) -> list[str]:
    """Return the report's summary: totals, what changed, and what needs attention."""
    totals = state.counts()
    activities = sum(totals.values())
    listed = joined([counted(n, s) for s, n in totals.items() if n])
    plans = count(len(state.plans), "plan", "planer")
    lines = [sentence(f"{count(activities, 'aktivitet', 'aktiviteter')} i {plans}: {listed}.")]
    changed = [a for p in state.plans for a in p.activities if a.previous is not None and a.previous != a.status]
    if state.previous:
        lines.append(f"Sedan uppföljningen den {long_date(state.previous)} har "
                     f"{count(len(changed), 'aktivitet', 'aktiviteter')} bytt status.")
    else:
        lines.append("Detta är den första uppföljningen av versionen.")
    red = [f"{a.item.id} i bilaga {p.plan.number}" for p in state.plans for a in p.activities if a.status == "röd"]
    if red:
        lines.append(f"Röd status, behöver åtgärdas: {joined(red)}.")
    return lines


def _plan(plan, state: FollowUp, picture) -> dict:
    counts = plan.counts()
    measured = [i for i in plan.indicators if i.points]
    return {
        "rubrik": context.printable(f"Bilaga {plan.plan.number} – {plan.plan.data['titel']}"),
        "sammanfattning": (f"Aktiviteter: {len(plan.activities)} ("
                           + joined([counted(n, s) for s, n in counts.items() if n]) + "). "
                           + f"Indikatorer med uppmätta värden: {len(measured)} av {len(plan.indicators)}."),
        "aktiviteter": [_activity(a) for a in plan.activities],
        "indikatorer": [_indicator(i) for i in plan.indicators],
        "diagram": [{"rubrik": context.printable(f"{i.item.id} {i.item.text}"),
                     "bild": picture(charts.indicator_chart, i),
                     "tabelltext": f"Värden för indikator {i.item.id}",
                     "värden": [{"datum": day.isoformat(), "värde": _value(value, i.unit),
                                 "kommentar": context.printable(_comment(i, day))} for day, value in i.points]}
                    for i in measured],
    }


def _activity(activity) -> dict:
    return {"id": activity.item.id, "aktivitet": context.printable(activity.item.text),
            "ansvarig": activity.responsible, "status": activity.status, "förändring": activity.change,
            "kommentar": context.printable(activity.comment or "")}


def _value(value, unit) -> str:
    return f"{amount(value)} {unit}" if unit else amount(value)


def _start_note(indicator) -> str:
    """Return " (2024, Brå)" after a baseline taken from the lägesbild."""
    start = indicator.start
    if start is None or indicator.item.data.get("utgångsvärde") is not None:
        return ""
    return f" ({start.period}, {start.source.split(',')[0]})"


def _comment(indicator, day) -> str:
    """Return what the report says beside a value: the comment, and where a value taken from the
    lägesbild comes from."""
    figure = indicator.from_series.get(day)
    taken = f"Ur lägesbilden: {figure.period} ({figure.source})." if figure else ""
    return " ".join(t for t in (indicator.comments.get(day, ""), taken) if t)


def _indicator(indicator) -> dict:
    unit = indicator.unit
    points = indicator.points
    change = "–"
    if len(points) > 1:
        before, latest = points[-2][1], points[-1][1]
        change = f"{'+' if latest >= before else '−'}{amount(abs(latest - before))}"
        if indicator.target is not None and latest != before:
            closer = abs(latest - indicator.target) < abs(before - indicator.target)
            change += " (närmare målet)" if closer else " (längre från målet)"
    return {"id": indicator.item.id, "indikator": context.printable(indicator.item.text),
            "utgångsvärde": (_value(indicator.baseline, unit) + _start_note(indicator)
                             if indicator.baseline is not None else "–"),
            "målvärde": _value(indicator.target, unit) if indicator.target is not None else "–",
            "senaste": (f"{_value(points[-1][1], unit)} ({points[-1][0].isoformat()})" if points else "–"),
            "förändring": change}


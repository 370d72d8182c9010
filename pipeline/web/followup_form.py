"""A follow-up in the browser ("Ny uppföljning"): the form's rows, the record a submitted form
makes, the view of a recorded follow-up and the workbook to download.

The web layer only translates. The record a form makes is exactly the one ``import`` makes of a
workbook with the same content (:mod:`pipeline.followup.importer`): statuses from the same list,
texts with their spaces collapsed, values read as a cell's ("12,5", "1 200"). It is written by
:func:`pipeline.data.followups.write`, which checks it against the version and writes it in one
step; a follow-up already recorded for the date is replaced only when the person says so.

Everything a submitted form holds is untrusted: its size is limited, an input that names an
activity or indicator the version does not have refuses the whole form, and every problem is
tied to the input it concerns so that the page can show it there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re

from pipeline.data import dates, followups
from pipeline.data.rules import party_names
from pipeline.data.tracing import trace
from pipeline.data.validate import validate_version
from pipeline.errors import DataError, PipelineError, Problem, SchemaError
from pipeline.followup import importer
from pipeline.followup.report import summary
from pipeline.followup.status import NOT_FOLLOWED, FollowUp, follow_up
from pipeline.followup.workbook import workbook_bytes
from pipeline.swedish import amount, counted, joined, long_date
from pipeline.web import forms, plain
from pipeline.web.workspace import NotFound

SOURCE = "webbformulär"  # named in the record's first line, as "import från …" is
NO_NEW = "(ingen ny bedömning)"  # the status choice that leaves an activity out
NO_REPORTER = "(ingen uppgift)"
ACTIVITY, INDICATOR = "aktivitet", "indikator"
DATE, BY, REPLACE = "datum", "uppfoljt_av", "ersatt"
MAX_TEXT = 4000  # characters of a comment; a real one is a few sentences
MAX_NUMBER = 30  # characters of a typed value
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SEP = "|"  # between the parts of a row's input name; names are compared whole, never split
_PARTS = {ACTIVITY: ("status", "kommentar", "rapporterad"), INDICATOR: ("varde", "kommentar")}
_PART_LABELS = {"status": "Status", "kommentar": "Kommentar", "rapporterad": "Rapporterad av", "varde": "Värde"}


@dataclasses.dataclass(frozen=True)
class Input:
    """One input of the form: its name, its element's id, and how the error summary names it."""

    name: str
    id: str
    label: str


def _inputs(plan, kind: str, item_id: str) -> dict[str, Input]:
    """Return the inputs of one activity or indicator by part ("status", "kommentar" …)."""
    key = followups.plan_key(plan)
    return {part: Input(_SEP.join((kind, key, item_id, part)), f"b{plan.number}-{kind[0]}-{item_id}-{part}",
                        f"{_PART_LABELS[part]} för {kind} {item_id} i bilaga {plan.number}")
            for part in _PARTS[kind]}


# --- the form's rows ------------------------------------------------------------------------------

def form_rows(version_folder) -> list[dict]:
    """Return the plans of the version in ``version_folder`` as the form shows them: each activity
    with its latest status, comment and reporter as the default, each indicator with what helps to
    fill it in (``om``: its unit, latest value, baseline and target)."""
    return rows_of(validate_version(version_folder))


def rows_of(version) -> list[dict]:
    """Return :func:`form_rows` of a valid version."""
    state = _latest_state(version)
    return [_plan_row(plan, state.plans[index] if state else None) for index, plan in enumerate(version.plans)]


def _latest_state(version) -> FollowUp | None:
    """Return the version at its latest readable follow-up (one with problems is left out), or None."""
    found, _ = followups.load_records(version)
    return follow_up(version, found) if found else None


def _plan_row(plan, state) -> dict:
    found = trace(plan.data)
    activities = [_activity_row(plan, item, state.activities[i] if state else None)
                  for i, item in enumerate(found.activities)]
    indicators = [_indicator_row(plan, item, state.indicators[i] if state else None)
                  for i, item in enumerate(found.indicators)]
    return {"nummer": plan.number, "titel": str(plan.data.get("titel") or ""), "aktiviteter": activities,
            "indikatorer": indicators}


def _activity_row(plan, item, latest) -> dict:
    followed = latest is not None and latest.status != NOT_FOLLOWED
    return {"id": item.id, "text": _one_line(item.text), "falt": _inputs(plan, ACTIVITY, item.id),
            "status": latest.status if followed else "",
            "kommentar": (latest.comment or "") if followed else "",
            "rapporterad": (latest.reported_by or "") if followed else "",
            "senast": f"{latest.status}, {long_date(latest.since)}" if followed and latest.since else ""}


def _indicator_row(plan, item, latest) -> dict:
    unit = item.data.get("enhet")
    points = latest.points if latest else []
    baseline = _optional_value(latest.baseline if latest else item.data.get("utgångsvärde"), unit)
    target = _optional_value(item.data.get("målvärde"), unit)
    facts = [f"Enhet: {unit}." if unit else "",
             f"Senast uppmätt {_value(points[-1][1], unit)} den {long_date(points[-1][0])}." if points else "",
             f"Utgångsvärdet är {baseline}." if baseline else "", f"Målvärdet är {target}." if target else "",
             "Lämnas värdet tomt hämtas det ur kommunens lägesbild." if item.data.get("serie") else ""]
    return {"id": item.id, "text": _one_line(item.text), "falt": _inputs(plan, INDICATOR, item.id),
            "om": " ".join(fact for fact in facts if fact)}


def _value(value, unit) -> str:
    return f"{amount(value)} {unit}" if unit else amount(value)


def _optional_value(value, unit) -> str:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return _value(value, unit) if number else ""


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


def all_inputs(rows: list[dict]) -> dict[str, Input]:
    """Return every input of the form by name: the date, who followed up, and each row's."""
    found = {DATE: Input(DATE, "uppf-datum", "Datum för uppföljningen"),
             BY: Input(BY, "uppf-av", "Uppföljt av"),
             REPLACE: Input(REPLACE, "uppf-ersatt", "Ersätt uppföljningen för det datumet")}
    for plan in rows:
        for row in plan["aktiviteter"] + plan["indikatorer"]:
            found.update({i.name: i for i in row["falt"].values()})
    return found


def defaults(version, rows: list[dict], today: dt.date | None = None) -> dict[str, str]:
    """Return the form's values when it opens: today, who followed up last time, and each
    activity's latest status, comment and reporter (indicators' values are empty)."""
    found, _ = followups.load_records(version)
    values = {DATE: (today or dt.date.today()).isoformat(),
              BY: str(found[-1].loaded.data.get("uppföljt_av") or "") if found else "", REPLACE: ""}
    for plan in rows:
        for row in plan["aktiviteter"]:
            values.update({row["falt"][part].name: row[part] for part in _PARTS[ACTIVITY]})
    return values


def submitted(rows: list[dict], form) -> dict[str, str]:
    """Return the values of a submitted form for the form's own inputs, to show them again."""
    return {name: str(form.get(name, ""))[:MAX_TEXT] for name in all_inputs(rows)}


# --- a submitted form as a record ------------------------------------------------------------------

def record_from_form(version, form) -> tuple[dt.date, dict]:
    """Return the follow-up's date and the record a submitted form makes – exactly what ``import``
    writes for a workbook with the same content; raise DataError with every problem, each with the
    name of its input as its field."""
    _check_size(form)
    problems = _unknown_inputs(version, form) + _repeated_inputs(form)
    day = _day(form.get(DATE, ""), problems)
    data: dict = {}
    who = _text(form, BY, problems)
    if who:
        data["uppföljt_av"] = who
    parties = party_names(version.data)
    data["planer"] = [entry for plan in version.plans if (entry := _plan_entry(plan, form, parties, problems))]
    if problems or day is None:
        raise DataError(problems)
    if not data["planer"]:
        raise DataError(Problem(None, "uppföljningen har ingen status och inget värde ifyllt; ingenting sparades",
                                hint="Välj en status för minst en aktivitet, eller skriv ett värde för en "
                                     "indikator."))
    return day, data


def _check_size(form) -> None:
    """Refuse a form with more inputs than :data:`forms.MAX_FIELDS` (the app counts them too)."""
    if len(list(form.items(multi=True))) > forms.MAX_FIELDS:
        raise forms.too_large("fält")


def _known_names(version) -> set[str]:
    names: set[str] = set()
    for plan in version.plans:
        found = trace(plan.data)
        for kind, items in ((ACTIVITY, found.activities), (INDICATOR, found.indicators)):
            for item in items:
                names.update(i.name for i in _inputs(plan, kind, item.id).values())
    return names


def _unknown_inputs(version, form) -> list[Problem]:
    """Return a problem when the form names an activity or indicator the version does not have."""
    known = _known_names(version)
    unknown = [k for k in form if k.startswith((ACTIVITY + _SEP, INDICATOR + _SEP)) and k not in known]
    if not unknown:
        return []
    return [Problem(None, "formuläret nämner aktiviteter eller indikatorer som inte finns i versionen; "
                          "ingenting sparades",
                    hint="Versionen kan ha ändrats sedan sidan öppnades. Sidan visar nu versionens aktiviteter "
                         "och indikatorer med det du skrev; kontrollera dem och spara igen.")]


def _repeated_inputs(form) -> list[Problem]:
    repeated = [k for k in form if len(form.getlist(k)) > 1 and k != "csrf"]
    if not repeated:
        return []
    return [Problem(None, "formuläret skickade samma uppgift mer än en gång; ingenting sparades",
                    hint="Ladda om sidan och spara igen.")]


def _day(text: str, problems: list[Problem]) -> dt.date | None:
    text = str(text).strip()[:40]
    if not text:
        problems.append(Problem(None, "skriv datumet då uppföljningen gjordes", field=DATE,
                                hint="T.ex. 2026-05-12."))
        return None
    try:
        day = dates.parse(text)
    except ValueError:
        problems.append(Problem(None, dates.not_a_date(text), field=DATE, hint="Skriv datumet som ÅÅÅÅ-MM-DD."))
        return None
    if day > dt.date.today():
        problems.append(Problem(None, f"datumet {long_date(day)} ligger i framtiden", field=DATE,
                                hint="En uppföljning får datumet då den gjordes."))
        return None
    return day


def _text(form, name: str, problems: list[Problem]) -> str | None:
    """Return a text input with its spaces collapsed (as ``import`` reads a cell), or None when empty."""
    raw = str(form.get(name, ""))
    if len(raw) > MAX_TEXT:
        problems.append(Problem(None, f"texten är för lång: högst {amount(MAX_TEXT)} tecken", field=name,
                                hint="Korta texten."))
        return None
    text = " ".join(raw.split()) or None
    if text and text.startswith("="):
        problems.append(Problem(None, "texten får inte börja med likhetstecken", field=name,
                                hint="Ett kalkylprogram läser en sådan text som en formel. Börja med ett ord."))
        return None
    return text


def _plan_entry(plan, form, parties: list[str], problems: list[Problem]) -> dict | None:
    found = trace(plan.data)
    entry: dict = {"plan": followups.plan_key(plan)}
    activities = [a for item in found.activities
                  if (a := _activity(_inputs(plan, ACTIVITY, item.id), item.id, form, parties, problems))]
    indicators = [i for item in found.indicators
                  if (i := _indicator(_inputs(plan, INDICATOR, item.id), item.id, form, problems))]
    if activities:
        entry["aktiviteter"] = activities
    if indicators:
        entry["indikatorer"] = indicators
    return entry if len(entry) > 1 else None


def _activity(inputs: dict[str, Input], item_id: str, form, parties: list[str],
              problems: list[Problem]) -> dict | None:
    status = str(form.get(inputs["status"].name, "")).strip().lower()
    comment = _text(form, inputs["kommentar"].name, problems)
    reporter = " ".join(str(form.get(inputs["rapporterad"].name, ""))[:MAX_TEXT].split())
    if not status:
        if comment or reporter:
            problems.append(Problem(None, "välj en status för aktiviteten, eller töm kommentaren och "
                                          "rapporterad av", field=inputs["status"].name))
        return None
    if status not in followups.STATUSES:
        problems.append(Problem(None, "välj en status i listan", field=inputs["status"].name,
                                hint="Statusarna är " + joined(list(followups.STATUSES)) + "."))
        return None
    result = {"id": item_id, "status": status}
    if comment:
        result["kommentar"] = comment
    if reporter:
        if reporter not in parties:
            problems.append(Problem(None, "välj en part i listan", field=inputs["rapporterad"].name,
                                    hint="Parterna är " + joined(parties) + "."))
        result["rapporterad_av"] = reporter
    return result


def _indicator(inputs: dict[str, Input], item_id: str, form, problems: list[Problem]) -> dict | None:
    raw = str(form.get(inputs["varde"].name, "")).strip()
    comment = _text(form, inputs["kommentar"].name, problems)
    result: dict = {"id": item_id}
    if raw:
        number = _number(raw)
        if number is None:
            problems.append(Problem(None, f"”{raw[:MAX_NUMBER]}” är inget tal", field=inputs["varde"].name,
                                    hint="Skriv bara talet, t.ex. 41 eller 12,5; enheten står vid fältet."))
        else:
            result["värde"] = number
    if comment:
        result["kommentar"] = comment
    return result if len(result) > 1 else None


def _number(text: str):
    """Return a typed value as a number the way ``import`` reads a cell ("12,5", "1 200"), or None."""
    if len(text) > MAX_NUMBER:
        return None
    number = importer._number(text)  # the workbook's rule, so that both make the same record
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return number


# --- saving ---------------------------------------------------------------------------------------------

def save(version, form) -> tuple[dt.date, followups.Written]:
    """Write the follow-up a submitted form makes; raise DataError with every problem at its input
    (the form's own and a follow-up already recorded for the date, at once). Such a follow-up is
    replaced only when the form's box says so."""
    replace = form.get(REPLACE) == "ja"
    taken = _existing(version, form.get(DATE, ""), replace)
    try:
        day, data = record_from_form(version, form)
    except forms.FormTooLarge:
        raise
    except DataError as exc:
        raise DataError(taken + exc.problems) from exc
    if taken:
        raise DataError(taken)
    try:
        return day, followups.write(version, day, data, source=SOURCE, replace=replace)
    except PipelineError as exc:
        raise DataError([_at_input(p, data) for p in exc.problems]) from exc


def _existing(version, text, replace: bool) -> list[Problem]:
    """Return the problem of a follow-up already recorded on the typed date (none for a date that
    is not one: the form's check says that)."""
    try:
        day = dates.parse(str(text))
    except ValueError:
        return []
    same = [path for when, path in followups.record_files(version.folder)[0] if when == day]
    if not same:
        return []
    if any(path.name != f"{day.isoformat()}.yaml" for path in same):
        return [Problem(None, f"det finns redan en uppföljning den {long_date(day)} som inte kan ersättas här",
                        field=DATE, hint="Välj ett annat datum.")]
    if replace:
        return []
    return [Problem(None, f"det finns redan en uppföljning den {long_date(day)}", field=DATE,
                    hint="Välj ett annat datum, eller kryssa i ”Ersätt uppföljningen för det datumet” för att "
                         "skriva över den.")]


_RECORD_PATH = re.compile(r"planer\[(\d+)\]\.(aktiviteter|indikatorer)\[(\d+)\]\.(\w+)")
_RECORD_PARTS = {"status": "status", "kommentar": "kommentar", "rapporterad_av": "rapporterad", "värde": "varde"}


def _at_input(problem: Problem, data: dict) -> Problem:
    """Return a problem the library found in the record, placed at the form's input it came from."""
    field = None
    if problem.field == "uppföljt_av":
        field = BY
    elif problem.field and (match := _RECORD_PATH.fullmatch(problem.field)):
        field = _input_of(data, int(match.group(1)) - 1, match.group(2), int(match.group(3)) - 1, match.group(4))
    return dataclasses.replace(problem, file=None, line=None, column=None, field=field)


def _input_of(data: dict, plan: int, section: str, index: int, key: str) -> str | None:
    try:
        entry = data["planer"][plan]
        item_id = entry[section][index]["id"]
    except (IndexError, KeyError, TypeError):
        return None
    kind = ACTIVITY if section == "aktiviteter" else INDICATOR
    part = _RECORD_PARTS.get(key, "status" if kind == ACTIVITY else "varde")
    return _SEP.join((kind, entry["plan"], item_id, part))


def messages(rows: list[dict], problems: list[Problem]) -> tuple[dict[str, list[str]], list[dict]]:
    """Return the problems as the page shows them: by input name at its field, and the summary's
    lines (each with the id of its input to link to, or None)."""
    inputs = all_inputs(rows)
    at_fields: dict[str, list[str]] = {}
    lines: list[dict] = []
    for problem in problems:
        text = plain.at_field(problem)
        found = inputs.get(problem.field or "")
        if found:
            at_fields.setdefault(found.name, []).append(text)
            lines.append({"id": found.id, "text": f"{found.label}: {text}"})
        else:
            lines.append({"id": None, "text": text})
    return at_fields, lines


# --- a recorded follow-up, shown ------------------------------------------------------------------------

def _recorded(version, day_text: str):
    """Return the version's records and the date of the one named ``day_text``; NotFound otherwise."""
    found, problems = followups.load_records(version)
    try:
        wanted = dt.date.fromisoformat(str(day_text))
    except ValueError:
        raise NotFound(day_text) from None
    if problems or wanted not in {r.date for r in found}:
        raise NotFound(day_text)
    return found, wanted


def report_view(version_folder, day_text: str) -> dict:
    """Return what the follow-up's page shows: the summary, and per plan each activity's status
    and comment and each indicator's value at the follow-up."""
    version = validate_version(version_folder)
    found, day = _recorded(version, day_text)
    state = follow_up(version, found, day)
    own = next(r for r in found if r.date == day).loaded.data
    return {"datum": long_date(day), "iso": day.isoformat(), "uppfoljt_av": str(own.get("uppföljt_av") or ""),
            "exempel": str(own.get("exempel") or ""), "sammanfattning": summary(state),
            "foregaende": long_date(state.previous) if state.previous else "",
            "planer": [_plan_view(p, day) for p in state.plans]}


def _plan_view(plan, day: dt.date) -> dict:
    counts = plan.counts()
    return {"nummer": plan.plan.number, "titel": str(plan.plan.data.get("titel") or ""),
            "antal": joined([counted(n, s) for s, n in counts.items() if n]),
            "aktiviteter": [_activity_view(a, day) for a in plan.activities],
            "indikatorer": [_indicator_view(i, day) for i in plan.indicators]}


def _activity_view(activity, day: dt.date) -> dict:
    earlier = activity.since is not None and activity.since != day
    return {"id": activity.item.id, "text": _one_line(activity.item.text), "status": activity.status,
            "forandring": activity.change, "kommentar": activity.comment or "",
            "rapporterad": activity.reported_by or "", "sedan": long_date(activity.since) if earlier else ""}


def _indicator_view(indicator, day: dt.date) -> dict:
    value = next((v for d, v in indicator.points if d == day), None)
    return {"id": indicator.item.id, "text": _one_line(indicator.item.text),
            "varde": _value(value, indicator.unit) if value is not None else "–",
            "kommentar": indicator.comments.get(day, ""),
            "mal": _goal(_optional_value(indicator.baseline, indicator.unit),
                         _optional_value(indicator.target, indicator.unit))}


def _goal(baseline: str, target: str) -> str:
    """Return an indicator's baseline and target in words: "från 62 till 70 procent" or one of them."""
    if baseline and target:
        return f"från {baseline} till {target}"
    if baseline or target:
        return f"utgångsvärde {baseline}" if baseline else f"målvärde {target}"
    return "–"


# --- the workbook ------------------------------------------------------------------------------------------

def workbook(version_folder, day_text: str | None) -> tuple[bytes, str, str]:
    """Return (bytes, file name, type) of the follow-up workbook, as ``export --xlsx`` makes it:
    without a date the latest follow-up; with a new date empty statuses, the latest beside them."""
    version = validate_version(version_folder)
    found, problems = followups.load_records(version)
    if problems:
        raise SchemaError(problems)
    day = None
    if day_text:
        try:
            day = dates.parse(str(day_text))
        except ValueError:
            raise NotFound(day_text) from None
    name = f"uppfoljning-{version.ref.kommun}-{version.name}" + (f"-{day.isoformat()}" if day else "") + ".xlsx"
    return workbook_bytes(version, found, day), name, XLSX

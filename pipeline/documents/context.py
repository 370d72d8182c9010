"""Build what the Word templates see: the validated data, made ready to print.

Every field the schema knows is present (optional ones as ``None``), so a
template may test ``{% if organisation.brå %}`` while a misspelt variable is
still an error. Dates print in Swedish ("13 februari 2023") and have ``.iso``
for headers; a blank line in a text starts a new paragraph in Word.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.data import marks
from pipeline.data import schema as schemas
from pipeline.data.rules import UNTIL_FURTHER_NOTICE, police_party_name
from pipeline.data.tracing import trace
from pipeline.data.version import Plan, Version
from pipeline.documents import marking
from pipeline.lagesbild.links import Statistics
from pipeline.swedish import long_date

# Names a template may use besides the schema's fields; checked when a template loads.
AGREEMENT_NAMES = {"titel", "titel_gemener", "kommun", "polisen", "statusrad", "giltighet",
                   "beslutstext", "planer", "dnr"}
PLAN_NAMES = {"bilaga", "överenskommelse", "kommun", "diarienummer", "datum", "dnr"}


class SvDate(dt.date):
    """A date that prints the Swedish way ("13 februari 2023"); ``.iso`` gives "2023-02-13"."""

    def __str__(self) -> str:
        return long_date(self)

    @property
    def iso(self) -> str:
        return self.isoformat()


def agreement_names() -> set[str]:
    """Return every top-level name the agreement template may use."""
    return set(schemas.load_schema("overenskommelse")) | AGREEMENT_NAMES


def plan_names() -> set[str]:
    """Return every top-level name a plan template may use."""
    return set(schemas.load_schema("plan")) | PLAN_NAMES


def agreement_context(version: Version) -> dict[str, Any]:
    """Return the context of the agreement template for ``version``."""
    data = _printable(_with_all_fields(version.data, schemas.load_schema("overenskommelse")))
    kommun = data["parter"]["kommun"]["namn"]
    police = police_party_name(data["parter"]["polisen"]["lokalpolisområde"])
    title_tail = f"mellan {kommun} och {police[0].lower()}{police[1:]}"
    data.update(
        titel=f"Samverkansöverenskommelse {title_tail}",
        titel_gemener=f"samverkansöverenskommelse {title_tail}",
        kommun=kommun,
        polisen={"namn": police[0].lower() + police[1:]},
        statusrad=_status_line(data),
        giltighet=_validity(data["giltighetstid"]),
        beslutstext=_decision_text(data),
        dnr=dnr_label(data["diarienummer"]),
        planer=[{"nummer": p.number, "titel": _printable(p.data["titel"]),
                 "fokusområde": _printable(p.data["fokusområde"]), "slug": p.slug} for p in version.plans],
    )
    for signature in data["underskrifter"]:
        signature["part_visning"] = _party_shown(signature["part"], data["parter"]["polisen"]["lokalpolisområde"])
    for person in [data["handläggare"], *data["underskrifter"]]:
        if isinstance(person, dict) and marks.named_by_role(person):
            person["namn"] = ""  # published by the role: the templates print the role once, not twice
    return data


def dnr_label(number: str) -> str:
    """Return a diarienummer as a header shows it: "Dnr KS 2023/0042" (once, also when the kommun
    writes "Dnr" in the number itself)."""
    return number if number.lower().startswith("dnr") else f"Dnr {number}"


def _party_shown(name: str, lpo: str) -> str:
    """Return a party as a signature names it: the police party is Polismyndigheten."""
    if name == police_party_name(lpo):
        return f"Polismyndigheten, lokalpolisområde {lpo}"
    return name


def plan_context(plan: Plan, agreement: dict[str, Any], statistics: Statistics | None = None) -> dict[str, Any]:
    """Return the context of the plan template for ``plan`` of an agreement's context; with
    ``statistics`` (the kommun's lägesbild) the series the plan cites are among its sources, with
    their latest figure, and an indicator names the figure it starts from."""
    data = _printable(_with_all_fields(plan.data, schemas.load_schema("plan")))
    _label_items(data)
    for row in data["aktiviteter"] + data["uppföljning"]:
        if isinstance(row["ansvarig"], list):
            row["ansvarig"] = ", ".join(row["ansvarig"])
    if statistics is not None:
        _cite_statistics(data, plan.data, statistics)
    data.update(
        bilaga=plan.number,
        överenskommelse={k: agreement[k] for k in ("titel", "titel_gemener", "version", "status")},
        kommun=agreement["kommun"],
        diarienummer=agreement["diarienummer"],
        dnr=agreement["dnr"],
        datum=agreement["datum"],
    )
    if data["exempel"] is None:
        data["exempel"] = agreement["exempel"]
    return data


def _cite_statistics(data: dict, raw: dict, statistics: Statistics) -> None:
    """Add the cited series to the kartläggning's sources, and to each indicator with a series the
    figure it starts from."""
    cited = [statistics.citation(series_id) for series_id in (raw["kartläggning"].get("statistik") or [])]
    data["kartläggning"]["källor"] = list(data["kartläggning"]["källor"]) + [
        _printable(f"{text} – ur kommunens lägesbild") for text in cited if text]
    for row, item in zip(data["uppföljning"], raw["uppföljning"], strict=False):
        start = statistics.start(item) if isinstance(item, dict) else None
        if start is not None:
            row["indikator"] = f"{row['indikator']}\aUtgår från {_printable(start.text())}."


def _label_items(data: dict) -> None:
    """Write each cause and goal of a plan's context as one text: as it is when the plan wrote it as a
    text (before the rule of traceability), else with its id in front ("O1 Låg kunskap om …")."""

    found = trace(data)
    for items, values in ((found.causes, data["orsaksanalys"]["orsaker"]),
                          (found.goals[:len(data["mål"]["effektmål"])], data["mål"]["effektmål"]),
                          (found.goals[len(data["mål"]["effektmål"]):], data["mål"]["operativa_mål"])):
        values[:] = [f"{item.id} {item.text}" if isinstance(value, dict) else value
                     for item, value in zip(items, values, strict=False)]


def _status_line(data: dict) -> str:
    if data["status"] == "beslutad" and data["beslut"]:
        decision = data["beslut"]
        return (f"Version {data['version']} · Beslutad av {decision['organ'].lower()} "
                f"den {decision['datum']}, {decision['paragraf']}")
    return f"Version {data['version']} · Utkast, inte beslutat"


def _validity(validity: dict) -> str:
    start, end = validity["från"], validity["till"]
    if end == UNTIL_FURTHER_NOTICE:
        return f"från och med {start} och tills vidare"
    return f"från och med {start} till och med {end}"


def _decision_text(data: dict) -> str | None:
    decision = data["beslut"]
    if not decision:
        return None
    steps = [f"{s['organ'].lower()} den {s['datum']}" for s in data["beredning"] or []]
    prepared = f"Ärendet har beretts av {' och '.join(steps)}. " if steps else ""
    return (f"{prepared}{decision['organ']} beslutade den {decision['datum']}, {decision['paragraf']}, att "
            f"godkänna överenskommelsen (dnr {decision['diarienummer']}).")


def _with_all_fields(value: Any, rules: dict | None) -> Any:
    """Return ``value`` with every field of its schema present (``None`` when not written)."""
    if isinstance(value, dict) and rules:
        result = {key: _with_all_fields(value.get(key), rule.get("schema") if isinstance(rule, dict) else None)
                  for key, rule in rules.items()}
        return result
    if isinstance(value, list) and rules and "type" in rules:  # a list's item schema
        return [_with_all_fields(item, rules.get("schema")) for item in value]
    return value


def printable(value: Any) -> Any:
    """Return ``value`` ready for a template: Swedish dates, Word paragraph breaks in texts."""
    return _printable(value)


def _printable(value: Any, ground: str | None = None) -> Any:
    """Return ``value`` with Swedish dates and Word paragraph breaks ("\\a") in texts, and its passages
    under sekretess marked for the registrator instead of tagged: a passage written
    ``[sekretess: …]…[/sekretess]``, and every text of a section with a ``sekretess`` field
    (``ground``, from the section above), except ids."""
    if isinstance(value, dict):
        own = value.get(marks.MARK_FIELD)
        inner = own if isinstance(own, str) and own.strip() else ground
        return {key: child if key == marks.MARK_FIELD else _printable(child, None if key == "id" else inner)
                for key, child in value.items()}
    if isinstance(value, list):
        return [_printable(child, ground) for child in value]
    if isinstance(value, dt.date):
        return SvDate(value.year, value.month, value.day)
    if isinstance(value, str):
        return _text(value, ground)
    return value


def _text(value: str, ground: str | None) -> str:
    """Return a text as a template prints it (see :func:`_printable`)."""
    value = marking.clean(value).strip()
    if ground:
        return marking.secret(_paragraphs(marks.strip(value)), ground)
    return "".join(marking.secret(_paragraphs(piece), mark) if mark is not None else _paragraphs(piece)
                   for piece, mark in marks.segments(value))


def _paragraphs(text: str) -> str:
    """Return ``text`` with a blank line as a new paragraph: docxtpl turns "\\a" into a new paragraph
    and "\\n" into a line break."""
    return re.sub(r"\n[ \t]*\n\s*", "\a", text)

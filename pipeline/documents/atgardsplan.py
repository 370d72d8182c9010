"""The åtgärdsplan: Brå's columns Orsak | Åtgärd | Operativa mål | När | Vem | Uppföljning, one row per
activity, grouped by problembild, with the period and the decision.

Since 1 July 2023 (lag 2023:196) every kommun decides an åtgärdsplan. It is made from the same
plans as the bilagor, through the links between causes, activities, goals and indicators
(:mod:`pipeline.data.tracing`), so what a cell says is what the plan links.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline import resources
from pipeline.data.tracing import Item, Trace, trace, uses_links
from pipeline.data.version import Version
from pipeline.documents import context, template
from pipeline.documents.model import RenderedDocument, document_properties
from pipeline.lagesbild.links import Statistics
from pipeline.swedish import amount

ACTION_PLAN_TEMPLATE = "atgardsplan.docx"
ACTION_PLAN_FILE_NAME = "atgardsplan.docx"
ACTION_PLAN_NAMES = {"kommun", "dnr", "datum", "titel", "statusrad", "exempel", "inledning", "beslutstext", "planer"}
NEW_PARAGRAPH = "\a"  # a new paragraph in a table cell (see context._printable)


def action_plan_context(version: Version, agreement: dict | None = None,
                        statistics: Statistics | None = None) -> dict:
    """Return what the åtgärdsplan template shows for ``version`` (``agreement``: its agreement context;
    ``statistics``: the kommun's lägesbild, which gives the indicators that name a series their
    starting figure)."""
    agreement = agreement or context.agreement_context(version)
    statistics = statistics or Statistics([])
    return {
        "kommun": agreement["kommun"],
        "dnr": agreement["dnr"],
        "datum": agreement["datum"],
        "titel": f"Åtgärdsplan för {agreement['kommun']} och {agreement['polisen']['namn']}",
        "statusrad": agreement["statusrad"],
        "exempel": agreement["exempel"],
        "inledning": (f"Åtgärdsplanen hör till {agreement['titel_gemener']}, version {agreement['version']}, som "
                      f"gäller {agreement['giltighet']}. Den visar för varje problembild vilka orsaker som "
                      "angrips, med vilka åtgärder, vilka operativa mål de ska nå, när, vem som ansvarar och "
                      "hur det följs upp (lag 2023:196 om kommuners ansvar för brottsförebyggande arbete)."),
        "beslutstext": agreement["beslutstext"],
        "planer": [_plan(plan, statistics) for plan in version.plans],
    }


def _plan(plan, statistics: Statistics) -> dict:
    data = plan.data
    found = trace(data)
    period = data.get("period") or {}
    addressed = {ref for a in found.activities for ref in found.causes_of(a)}
    linked = uses_links(data)
    missing = [c for c in found.causes if c.id not in addressed] if linked else []
    return {
        "rubrik": context.printable(f"Bilaga {plan.number} – {data['titel']}"),
        "fokusområde": context.printable(data["fokusområde"]),
        "period": (f"{context.long_date(period['från'])} – {context.long_date(period['till'])}"
                   if period.get("från") and period.get("till") else None),
        "effektmål": [_labelled(g) for g in found.goals if g.kind == "effektmål"],
        "rader": [_row(found, activity, statistics) for activity in found.activities],
        "utan_åtgärd": "; ".join(_labelled(c) for c in missing) or None,
        "utan_länkar": None if linked else _unlinked(plan.number, found),
    }


def _unlinked(number: int, found: Trace) -> str:
    """Return what the åtgärdsplan says of a plan written before the rule of traceability: that it
    links nothing, and its causes, operational goals and indicators, so none is left out or tied to
    an action the plan does not tie it to."""
    goals = [g for g in found.goals if g.kind == "operativt mål"]
    parts = [f"Bilaga {number} anger inte vilka orsaker en åtgärd angriper, vilka mål den ska nå eller hur "
             "den följs upp (planen är skriven före regeln om spårbarhet)."]
    for label, items in (("Orsaker", found.causes), ("Operativa mål", goals), ("Indikatorer", found.indicators)):
        if items:
            parts.append(f"{label}: " + "; ".join(_labelled(i).rstrip(".") for i in items) + ".")
    return " ".join(parts)


def _labelled(item: Item) -> str:
    return context.printable(f"{item.id} {item.text}")


def _row(found: Trace, activity: Item, statistics: Statistics) -> dict:
    by_id = found.by_id()
    causes = [by_id[ref] for ref in found.causes_of(activity) if ref in by_id]
    goals = [by_id[ref] for ref in found.goals_of(activity) if ref in by_id]
    indicators = []
    for goal in goals:
        indicators += [i for i in found.indicators_of(goal.id) if i not in indicators]
    data = activity.data
    responsible = data.get("ansvarig")
    return {
        "orsak": NEW_PARAGRAPH.join(_labelled(c) for c in causes) or "–",
        "åtgärd": _labelled(activity),
        "mål": NEW_PARAGRAPH.join(_labelled(g) for g in goals) or "–",
        "när": str(context.printable(data.get("när"))),
        "vem": ", ".join(responsible) if isinstance(responsible, list) else str(responsible),
        "uppföljning": NEW_PARAGRAPH.join(_indicator(i, statistics) for i in indicators) or "–",
    }


def _indicator(item: Item, statistics: Statistics) -> str:
    data = item.data
    text = _labelled(item)
    start = statistics.start(data)
    if start is not None:
        text += f" Utgår från {context.printable(start.text())}."
    target = data.get("målvärde")
    if target is not None:
        unit = f" {data['enhet']}" if data.get("enhet") else ""
        text += f" Mål: {amount(target)}{unit}."
    if data.get("när"):
        text += f" Följs upp {context.long_date(data['när'])}."
    return text


def render_action_plan(version: Version, agreement: dict | None = None, templates_dir: Path | None = None,
                       statistics: Statistics | None = None) -> RenderedDocument:
    """Return the åtgärdsplan of ``version`` as a document."""
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / ACTION_PLAN_TEMPLATE, ACTION_PLAN_NAMES)
    agreement = agreement or context.agreement_context(version)
    ctx = action_plan_context(version, agreement, statistics)
    props = document_properties(agreement, ctx["titel"])
    props = replace(props, keywords="åtgärdsplan, brottsförebyggande, lag 2023:196")
    return RenderedDocument.of_parts(ACTION_PLAN_FILE_NAME, props.title, compiled.package, compiled.render(ctx), props)

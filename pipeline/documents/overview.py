"""The county overview (länsöversikt): every kommun's agreement in force and what needs attention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pipeline import ooxml, resources
from pipeline.data.rules import UNTIL_FURTHER_NOTICE, police_party_name
from pipeline.data.version import Version
from pipeline.documents import context, template
from pipeline.documents.model import RenderedDocument, write_document
from pipeline.swedish import count, counted, long_date

OVERVIEW_TEMPLATE = "lansoversikt.docx"
OVERVIEW_FILE_NAME = "lansoversikt.docx"
OVERVIEW_NAMES = {"län", "datum", "exempel", "sammanfattning", "kommuner", "polisorganisation",
                  "lokalpolisområden"}
WARNING_MONTHS = 6
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "[", "Ä": "\\", "Ö": "]"})


def version_facts(version: Version) -> dict:
    """Return what the overview needs to know about one valid version (JSON-friendly)."""
    data = version.data
    validity = data["giltighetstid"]
    decision = data.get("beslut")
    return {
        "kommun": data["parter"]["kommun"]["namn"],
        "lokalpolisområde": data["parter"]["polisen"]["lokalpolisområde"],
        "version": version.name,
        "föregående_version": data.get("föregående_version"),
        "status": data["status"],
        "datum": data["datum"].isoformat(),
        "från": validity["från"].isoformat(),
        "till": validity["till"] if validity["till"] == UNTIL_FURTHER_NOTICE else validity["till"].isoformat(),
        "beslut": (f"{decision['organ']} {context.long_date(decision['datum'])}, {decision['paragraf']}"
                   if decision else None),
    }


def swedish_key(text: str) -> str:
    """Return a sort key that puts å, ä, ö after z, in that order."""
    return text.lower().translate(_SWEDISH_ORDER)


def version_states(versions: Sequence[tuple[str, str, object, object]], today: dt.date) -> dict[str, str]:
    """Return each version's state on ``today`` by its (name, status, från, till): "Utkast", "Beslutad –
    gäller från 1 mars 2027" (decided, not yet in force), "Gällande", "Ersatt" (a later decided version
    has taken over) or "Löpte ut 28 februari 2023" (ended, nothing after it)."""
    started = {name: start for name, status, start, _ in versions
               if status == "beslutad" and isinstance(start, dt.date) and start <= today}
    current = max(started, key=lambda n: (started[n], n), default=None)
    states = {}
    for name, status, start, end in versions:
        if status != "beslutad":
            states[name] = "Utkast"
        elif not isinstance(start, dt.date):
            states[name] = "Beslutad"
        elif start > today:
            states[name] = f"Beslutad – gäller från {long_date(start)}"
        elif name != current:
            states[name] = "Ersatt"
        elif isinstance(end, dt.date) and end < today:
            states[name] = f"Löpte ut {long_date(end)}"
        else:
            states[name] = "Gällande"
    return states


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def followup_text(followups: list[dict], version: str | None) -> str:
    """Return the latest follow-up of the version in force (else of any version) with its status
    counts: "17 september 2026 (version 2023): 8 klara, 6 gröna, 1 röd"."""
    dated = sorted((f for f in followups if f.get("uppföljning")), key=lambda f: (f["version"] == version,
                                                                                    f["uppföljning"]))
    if not dated:
        return "–"
    latest = dated[-1]
    counts = ", ".join(counted(n, status) for status, n in latest["statusar"].items() if n)
    day = context.long_date(dt.date.fromisoformat(latest["uppföljning"]))
    return f"{day} (version {latest['version']}): {counts}"


def kommun_row(slug: str, facts: list[dict], broken: bool, today: dt.date, followups: Sequence[dict] = ()) -> dict:
    """Return one table row: the version in force, the latest version, the latest follow-up and a flag."""
    name = facts[0]["kommun"] if facts else slug
    latest = max(facts, key=lambda f: (f["datum"], f["version"]), default=None)
    decided = [f for f in facts if f["status"] == "beslutad"]
    in_force = [f for f in decided if dt.date.fromisoformat(f["från"]) <= today
                and (f["till"] == UNTIL_FURTHER_NOTICE or dt.date.fromisoformat(f["till"]) >= today)]
    current = max(in_force, key=lambda f: f["från"], default=None)
    flags = []
    if broken:
        flags.append("Fel i data – se valideringen")
    if not decided:
        flags.append("Saknar beslutad version")
    elif current is None:
        future = [f for f in decided if dt.date.fromisoformat(f["från"]) > today]
        flags.append(f"Beslutad, gäller från {context.long_date(dt.date.fromisoformat(future[0]['från']))}"
                     if future else "Ingen överenskommelse gäller")
    elif current["till"] != UNTIL_FURTHER_NOTICE:
        end = dt.date.fromisoformat(current["till"])
        if end <= _months_later(today, WARNING_MONTHS):
            flags.append(f"Löper ut {context.long_date(end)}")
    if current is not None:
        coming = sorted((f for f in decided if dt.date.fromisoformat(f["från"]) > today), key=lambda f: f["från"])
        if coming:
            flags.append(f"Version {coming[0]['version']} beslutad, gäller från "
                         f"{context.long_date(dt.date.fromisoformat(coming[0]['från']))}")
    return {
        "kommun": name,
        "lokalpolisområde": (current or latest or {}).get("lokalpolisområde", "–"),
        "gällande": current["version"] if current else "–",
        "giltighet": _validity(current) if current else "–",
        "senaste": f"{latest['version']} ({latest['status']})" if latest else "–",
        "flagga": "; ".join(flags) if flags else "–",
        "uppföljning": followup_text(list(followups), current["version"] if current else None),
        "attention": bool(flags),
        "expires": any(f.startswith("Löper ut") for f in flags),
        "undecided": not decided,
    }


def _validity(facts: dict) -> str:
    start = context.long_date(dt.date.fromisoformat(facts["från"]))
    if facts["till"] == UNTIL_FURTHER_NOTICE:
        return f"från {start}, tills vidare"
    return f"{start} – {context.long_date(dt.date.fromisoformat(facts['till']))}"


def _day(value) -> str:
    """Return a date from the data the way running text writes it ("1 september 2020"), or "–"."""
    return long_date(value) if isinstance(value, dt.date) else str(value) if value else "–"


def overview_context(county: dict, rows: list[dict], today: dt.date) -> dict:
    """Return the context of the overview template for a county's rows."""
    rows = sorted(rows, key=lambda r: swedish_key(r["kommun"]))
    organisation = county.get("polisorganisation") or {}
    in_force = sum(1 for r in rows if r["gällande"] != "–")
    counted = count(len(rows), "kommun", "kommuner")
    summary = (f"{counted[:1].upper()}{counted[1:]}: {in_force} har en gällande samverkansöverenskommelse, "
               f"{sum(r['expires'] for r in rows)} löper ut inom {WARNING_MONTHS} månader och "
               f"{sum(r['undecided'] for r in rows)} saknar beslutad överenskommelse.")
    areas = [_area_line(name, entries) for name, entries in _areas_by_name(organisation).items()]
    return {
        "län": county.get("län", ""),
        "datum": context.SvDate(today.year, today.month, today.day),
        "exempel": county.get("exempel"),
        "sammanfattning": summary,
        "kommuner": rows,
        "polisorganisation": (f"Polisregion {organisation.get('polisregion', '–')}, polisområde "
                              f"{organisation.get('polisområde', '–')}, enligt indelningen från "
                              f"{_day(organisation.get('gäller_från'))}."),
        "lokalpolisområden": areas,
    }


def _areas_by_name(organisation: dict) -> dict[str, list[dict]]:
    """Return the county's police areas by name: one area may be listed in parts (with a source
    for some kommuner and an assumption for others)."""
    areas: dict[str, list[dict]] = {}
    for area in organisation.get("lokalpolisområden") or []:
        areas.setdefault(area["namn"], []).append(area)
    return areas


def _area_line(name: str, entries: list[dict]) -> str:
    """Return one police area's line: its kommuner, assumed ones marked, and its sources."""
    kommuner = [k + (" (antagande)" if e.get("säkerhet") == "antagande" else "")
                for e in entries for k in e["kommuner"]]
    sources = [" ".join(str(e.get("källa", "")).split()) for e in entries if e.get("säkerhet") != "antagande"]
    assumed = any(e.get("säkerhet") == "antagande" for e in entries)
    note = " Kommuner markerade (antagande) är ett antagande, inte en källa." if assumed else ""
    return f"{police_party_name(name)}: {', '.join(kommuner)}. Källa: {'; '.join(sources) or '–'}.{note}"


def render_overview(ctx: dict, templates_dir: Path | None = None) -> RenderedDocument:
    """Return the overview document for a context made by :func:`overview_context`."""
    folder = Path(templates_dir or resources.templates_dir())
    compiled = template.load(folder / OVERVIEW_TEMPLATE, OVERVIEW_NAMES)
    title = f"Länsöversikt – samverkansöverenskommelser i {ctx['län']}"
    props = ooxml.Properties(title=title, subject=f"Läget den {ctx['datum']}", organisation=ctx["län"],
                             date=ctx["datum"], keywords="samverkansöverenskommelse, länsöversikt")
    return RenderedDocument(OVERVIEW_FILE_NAME, title, write_document(compiled.package, compiled.render(ctx), props))

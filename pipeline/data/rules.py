"""Cross-field rules that cerberus types cannot express.

Dates are ordered, named parties exist, a plan's fokusområde is one of the
agreement's, a decided version has its decision, and no text holds a character
that XML (and so Word) cannot store.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from pipeline.data.load import Loaded, closest
from pipeline.data.names import file_name_problem
from pipeline.data.version import Version, slugify
from pipeline.errors import Problem
from pipeline.layout import AGREEMENT_FILE, COMPARISON_PREFIX, FIRST_PREFIX, VERSION_NAME
from pipeline.swedish import long_date

UNTIL_FURTHER_NOTICE = "tills vidare"
XML_FORBIDDEN = _XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Invisible characters that change how text reads without showing: direction overrides and
# isolates (a "Trojan Source" trick), zero-width spaces and marks, a byte-order mark inside text.
INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")
MAX_PLAN_NAME = 80  # characters of a plan's file name; output names add up to 30 more


def party_names(agreement: dict) -> list[str]:
    """Return the names by which plans and signatures may name the agreement's parties."""
    parties = agreement.get("parter") or {}
    names = []
    kommun = (parties.get("kommun") or {}).get("namn")
    if kommun:
        names.append(kommun)
    lpo = (parties.get("polisen") or {}).get("lokalpolisområde")
    if lpo:
        names.append(police_party_name(lpo))
    names += [o.get("namn") for o in parties.get("övriga") or [] if o.get("namn")]
    return names


def police_party_name(lpo: str) -> str:
    """Return the police party's name as written in documents: "Lokalpolisområde Mora"."""
    return f"Lokalpolisområde {lpo}"


def check_version(version: Version, plans: list, broken: set[str] | frozenset[str] = frozenset(),
                  county_valid: bool = True) -> list[Problem]:
    """Return the cross-field problems of a version.

    The rules assume the types the schemas guarantee, so a rule runs only when
    the top-level fields it reads passed their schema (``broken`` names those
    that did not); plan rules run for the ``plans`` that passed theirs.
    """
    def usable(*fields):
        return not broken.intersection(fields)

    agreement = version.agreement
    problems = []
    for fields, rule in _AGREEMENT_RULES:
        if usable(*fields):
            problems += rule(version)
    if county_valid and usable("parter"):
        problems += _county_rules(version)
    if usable("parter", "fokusområden", "giltighetstid"):
        names = party_names(agreement.data)
        focus = [f["namn"] for f in agreement.data["fokusområden"]]
        draft = agreement.data.get("status") == "utkast" and usable("status")
        for plan in plans:
            problems += _plan_rules(plan.loaded, names, focus, agreement.data["giltighetstid"])
            if draft:  # a decided version was checked when it was decided, by the rules of its day
                problems += plan_time_rules(plan, agreement.data["giltighetstid"])
    return problems


def forbidden_characters(loaded: Loaded, skip: tuple = ()) -> list[Problem]:
    """Return a problem for every text containing a character XML cannot hold
    (top-level fields in ``skip`` are left out)."""
    problems = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, path + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, path + (i,))
        elif isinstance(value, str):
            match = _XML_FORBIDDEN.search(value)
            invisible = INVISIBLE.search(value)
            if match:
                problems.append(loaded.problem(
                    path, f"texten innehåller det otillåtna tecknet U+{ord(match.group()):04X}",
                    hint="Word-dokument kan inte innehålla styrtecken; ta bort tecknet "
                         "(ofta inklistrat från ett annat program)."))
            elif invisible:
                problems.append(loaded.problem(
                    path, f"texten innehåller det osynliga tecknet U+{ord(invisible.group()):04X} "
                          f"({_invisible_name(invisible.group())})",
                    hint="Osynliga tecken kan få texten att läsas på ett annat sätt än den ser ut; ta bort "
                         "tecknet (ofta inklistrat från en webbsida eller ett annat program)."))

    if isinstance(loaded.data, dict):
        for key, value in loaded.data.items():
            if key not in skip:
                walk(value, (key,))
    return problems


def _invisible_name(character: str) -> str:
    code = ord(character)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F):
        return "styr textens riktning"
    if code == 0xFEFF:
        return "byteordningsmärke"
    return "osynligt mellanrum eller tecken"


def name_problem(name: str) -> str | None:
    """Return why ``name`` cannot name a version (or its predecessor), or None when it can."""
    if not VERSION_NAME.fullmatch(name):
        return ("ska vara högst 64 tecken: bokstäverna a–z, siffror, punkt, bindestreck och understreck "
                "(ett mappnamn bredvid, utan / eller ..)")
    wrong = file_name_problem(name)  # a device name Windows reserves (CON, nul), a trailing dot
    if wrong:
        return wrong
    for prefix in (COMPARISON_PREFIX, FIRST_PREFIX):
        if name.lower().startswith(prefix):
            return f"får inte börja med '{prefix}', som används för beslutsunderlagen i utdata"
    return None


def _version_name(version: Version) -> list[Problem]:
    data, folder_name = version.data, version.name
    wrong_form = name_problem(folder_name)
    if wrong_form:
        return [version.agreement.problem(("version",), f"versionens namn '{folder_name}' {wrong_form}",
                                          hint="Byt namn på mappen och fältet version.")]
    if data["version"] == folder_name:
        return []
    return [version.agreement.problem(("version",), f"versionen heter '{data['version']}' men mappen "
                                      f"heter '{folder_name}'",
                                      hint="Versionens id och mappens namn ska vara lika.")]


def _predecessor(version: Version) -> list[Problem]:
    data, loaded = version.data, version.agreement
    previous = data.get("föregående_version")
    if previous is None:
        return []
    wrong_form = name_problem(previous)
    if wrong_form:
        return [loaded.problem(("föregående_version",), f"'{previous}' {wrong_form}",
                               hint="Skriv namnet på en version av samma kommun, t.ex. 2019.")]
    if previous == data["version"]:
        return [loaded.problem(("föregående_version",), "en version kan inte föregå sig själv")]
    sibling = version.ref.sibling(previous).folder
    if previous not in os.listdir(version.ref.kommun_dir) or not (sibling / AGREEMENT_FILE).is_file():
        return [loaded.problem(
            ("föregående_version",), f"den föregående versionen '{previous}' finns inte",
            hint=f"Det ska finnas en mapp {sibling} med en {AGREEMENT_FILE}.")]
    return []


def plan_name_problems(version: Version) -> list[Problem]:
    """Return a problem for every plan whose file name is too long to name its documents."""
    problems = []
    for plan in version.plans:
        name = plan.loaded.known_file.name
        if len(name) > MAX_PLAN_NAME or len(name.encode("utf-8")) > 2 * MAX_PLAN_NAME:
            problems.append(Problem(plan.loaded.file, f"filnamnet är för långt ({len(name)} tecken; högst "
                                                      f"{MAX_PLAN_NAME}) för att namnge planens dokument",
                                    hint="Korta filnamnet; planens titel i filen kan vara hur lång som helst."))
    return problems


def _validity_rules(version: Version) -> list[Problem]:
    loaded, validity = version.agreement, version.data["giltighetstid"]
    start, end = validity.get("från"), validity.get("till")
    if isinstance(end, str) and end != UNTIL_FURTHER_NOTICE:
        return [loaded.problem(("giltighetstid", "till"),
                               f"'{end}' är varken ett datum eller '{UNTIL_FURTHER_NOTICE}'",
                               hint="Skriv ett slutdatum som ÅÅÅÅ-MM-DD eller texten 'tills vidare'.")]
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
        return [loaded.problem(("giltighetstid", "till"),
                               f"slutdatumet {end.isoformat()} ligger inte efter startdatumet {start.isoformat()}")]
    return []


def _decision_rules(version: Version) -> list[Problem]:
    loaded, data = version.agreement, version.data
    status, decision = data.get("status"), data.get("beslut")
    problems = []
    if status == "beslutad" and not decision:
        problems.append(loaded.problem(("status",), "en beslutad version måste ha ett beslut",
                                       hint="Fyll i 'beslut' med organ, datum, paragraf och diarienummer."))
    if status == "utkast" and decision:
        problems.append(loaded.problem(("beslut",), "ett utkast kan inte ha ett beslut",
                                       hint="Sätt status: beslutad, eller ta bort beslutet."))
    decided = (decision or {}).get("datum") if isinstance(decision, dict) else None
    drafted = data.get("datum")
    if isinstance(decided, dt.date) and isinstance(drafted, dt.date) and decided < drafted:
        problems.append(loaded.problem(("beslut", "datum"), f"beslutet {decided.isoformat()} ligger före "
                                       f"versionens datum {drafted.isoformat()}",
                                       hint="Ett beslut kan inte fattas innan förslaget finns."))
    for i, step in enumerate(data.get("beredning") or []):
        when = step.get("datum") if isinstance(step, dict) else None
        if isinstance(when, dt.date) and isinstance(decided, dt.date) and when > decided:
            problems.append(loaded.problem(("beredning", i, "datum"),
                                           f"beredningen {when.isoformat()} ligger efter beslutet "
                                           f"{decided.isoformat()}"))
    return problems


def _named_parties(version: Version) -> list[Problem]:
    loaded, data = version.agreement, version.data
    names = party_names(data)
    problems = []
    for i, signature in enumerate(data.get("underskrifter") or []):
        problems += _party_problem(loaded, ("underskrifter", i, "part"), signature.get("part"), names)
    contacts = (data.get("organisation") or {}).get("kontaktfunktioner") or []
    for i, contact in enumerate(contacts):
        problems += _party_problem(loaded, ("organisation", "kontaktfunktioner", i, "part"),
                                   contact.get("part"), names)
    return problems


def _party_problem(loaded: Loaded, path: tuple, value, names: list[str]) -> list[Problem]:
    values = value if isinstance(value, list) else [value]
    problems = []
    for offset, name in enumerate(values):
        if not isinstance(name, str) or name in names:
            continue
        where = path + (offset,) if isinstance(value, list) else path
        suggestion = closest(name, names)
        problems.append(loaded.problem(
            where, f"'{name}' är ingen part i överenskommelsen",
            hint=(f"Menade du '{suggestion}'? " if suggestion else "")
            + "Parterna är: " + ", ".join(f"'{n}'" for n in names) + "."))
    return problems


def _unique_focus_areas(version: Version) -> list[Problem]:
    seen, problems = set(), []
    for i, item in enumerate(version.data["fokusområden"]):
        if item["namn"] in seen:
            problems.append(version.agreement.problem(("fokusområden", i, "namn"),
                                                      f"fokusområdet '{item['namn']}' finns redan"))
        seen.add(item["namn"])
    return problems


# Each agreement rule with the top-level fields it reads.
_AGREEMENT_RULES = [
    (("version",), _version_name),
    (("version", "föregående_version"), _predecessor),
    (("giltighetstid",), _validity_rules),
    (("status", "beslut", "beredning", "datum"), _decision_rules),
    (("parter", "underskrifter", "organisation"), _named_parties),
    (("fokusområden",), _unique_focus_areas),
    ((), plan_name_problems),
]


def _county_rules(version: Version) -> list[Problem]:
    """Return problems where the agreement's LPO disagrees with the county's mapping, or the
    kommun is missing from it."""
    if version.county is None:
        return []
    organisation = version.county.data.get("polisorganisation") or {}
    areas = organisation.get("lokalpolisområden") or []
    lpo = version.data["parter"]["polisen"]["lokalpolisområde"]
    kommun = slugify(version.ref.kommun)
    for area in areas:
        if kommun in [slugify(k) for k in area["kommuner"]]:
            if lpo != area["namn"]:
                return [version.agreement.problem(
                    ("parter", "polisen", "lokalpolisområde"),
                    f"kommunen hör till lokalpolisområde {area['namn']} enligt {version.county.known_file.name}, "
                    f"inte {lpo}")]
            return []
    return [version.agreement.problem(
        ("parter", "polisen", "lokalpolisområde"),
        f"kommunen ({version.kommun_slug}) finns inte i länets indelning i lokalpolisområden",
        hint=f"Lägg till kommunen under polisorganisation.lokalpolisområden i {version.county.file}.")]


def plan_time_rules(plan, validity: dict) -> list[Problem]:
    """Return the problems of a draft's plan in time: its period within the agreement's
    giltighetstid, and its follow-ups and dated activities within its period."""
    loaded, data = plan.loaded, plan.data
    start, end = validity.get("från"), validity.get("till")
    period = data.get("period") or {}
    first, last = period.get("från"), period.get("till")
    problems = []
    label = f"bilaga {plan.number} ({data.get('titel')})"
    if isinstance(last, dt.date) and isinstance(start, dt.date) and last < start:
        problems.append(loaded.problem(
            ("period", "till"), f"{label} slutade {long_date(last)}, före överenskommelsens start {long_date(start)}: "
            "bilagan är inaktuell",
            hint="Uppdatera planen för den nya perioden (samverkan ny --flytta-datum flyttar alla datum), "
                 "eller ta bort den."))
    elif isinstance(first, dt.date) and isinstance(start, dt.date) and first < start:
        problems.append(loaded.problem(
            ("period", "från"), f"{label} börjar {long_date(first)}, före överenskommelsens start {long_date(start)}",
            hint="En plans period ligger inom överenskommelsens giltighetstid."))
    if isinstance(last, dt.date) and isinstance(end, dt.date) and last > end:
        problems.append(loaded.problem(
            ("period", "till"),
            f"{label} slutar {long_date(last)}, efter att överenskommelsen slutar gälla {long_date(end)}",
            hint="En plans period ligger inom överenskommelsens giltighetstid."))
    if isinstance(first, dt.date) and isinstance(last, dt.date):
        problems += _dates_within(loaded, data, first, last)
    return problems


def _dates_within(loaded: Loaded, data: dict, first: dt.date, last: dt.date) -> list[Problem]:
    """Return a problem for every follow-up or dated activity outside the plan's period."""
    problems = []
    for section, what in (("uppföljning", "uppföljningen"), ("aktiviteter", "aktiviteten")):
        for i, row in enumerate(data.get(section) or []):
            when = row.get("när") if isinstance(row, dict) else None
            if isinstance(when, dt.date) and not first <= when <= last:
                problems.append(loaded.problem(
                    (section, i, "när"), f"{what} {long_date(when)} ligger utanför planens period "
                    f"{long_date(first)} – {long_date(last)}",
                    hint="Flytta datumet in i perioden, eller ändra periodens datum."))
    return problems


def _plan_rules(loaded: Loaded, names: list[str], focus: list[str], validity: dict) -> list[Problem]:
    data = loaded.data
    problems = []
    area = data.get("fokusområde")
    if isinstance(area, str) and area not in focus:
        suggestion = closest(area, focus)
        problems.append(loaded.problem(
            ("fokusområde",), f"'{area}' är inget fokusområde i överenskommelsen",
            hint=(f"Menade du '{suggestion}'? " if suggestion else "")
            + "Fokusområdena är: " + ", ".join(f"'{f}'" for f in focus) + "."))
    period = data.get("period") or {}
    start, end = period.get("från"), period.get("till")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
        problems.append(loaded.problem(("period", "till"), f"slutdatumet {end.isoformat()} ligger inte "
                                       f"efter startdatumet {start.isoformat()}"))
    for section in ("aktiviteter", "uppföljning"):
        for i, row in enumerate(data.get(section) or []):
            if isinstance(row, dict):
                problems += _party_problem(loaded, (section, i, "ansvarig"), row.get("ansvarig"), names)
    agreement_start = validity.get("från")
    for i, row in enumerate(data.get("uppföljning") or []):
        when = row.get("när") if isinstance(row, dict) else None
        if isinstance(when, dt.date) and isinstance(agreement_start, dt.date) and when < agreement_start:
            problems.append(loaded.problem(
                ("uppföljning", i, "när"), f"uppföljningen {when.isoformat()} ligger före överenskommelsens "
                f"start {agreement_start.isoformat()}"))
    return problems

"""The tjänsteskrivelse to kommunstyrelsen: what is proposed, why, and what changed, in plain Swedish.

Its parts follow how Swedish kommuner write them: the kommun's logo when its data folder has
one; header with kommun, förvaltning, date, dnr and page; handläggare with title and contact;
Förslag till beslut as numbered points; Sammanfattning; Bakgrund with the legal basis (lag
2023:196) and the agreement's place in it; Ärendet with the beredning and a table of changes
for people (no field paths: bilagor first, then fokusområden, mål, giltighetstid, parter and
organisation, text per section, and dates folded into one row) or, for a first agreement,
what it sets up; Bedömning; Konsekvenser (ekonomi, barn, jämställdhet, miljö);
Beslutsunderlag (dated); Beslutet skickas till. Each part comes from the data where the
secretary wrote it, else from a default stated here that says only what the data shows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.data import marks
from pipeline.data.amounts import Amount, AmountChange, amount_changes
from pipeline.data.changes import Change
from pipeline.data.logo import read_logo
from pipeline.data.version import Version
from pipeline.documents.changetable import change_rows
from pipeline.documents.context import agreement_context, long_date, printable
from pipeline.errors import DataError
from pipeline.ooxml.images import Picture
from pipeline.swedish import amount as swedish_amount
from pipeline.swedish import bilagor_span, count, joined

MEMO_NAMES = {"kommun", "enhet", "diarienummer", "dnr", "datum", "handläggare", "mottagare", "ärende", "exempel",
              "förslag", "sammanfattning", "bakgrund", "ärendet", "beredning", "ändringar", "innehåll", "första",
              "bedömning", "ekonomiska_konsekvenser", "konsekvenser", "beslutsunderlag", "skickas_till",
              "logotyp"}
DEFAULT_ORGAN = "Kommunstyrelsen"
DEFAULT_UNIT = "Kommunstyrelsens förvaltning"  # every kommunstyrelse has one, whatever the kommun calls it
LAW_IN_FORCE = dt.date(2023, 7, 1)  # lag (2023:196) om kommuners ansvar för brottsförebyggande arbete
LOGO_PICTURE = 1  # the memo's only picture
DEFAULT_ECONOMY = ("Överenskommelsen innebär inga nya ekonomiska åtaganden. Aktiviteterna genomförs inom "
                   "parternas befintliga ramar.")


def memo_context(old: Version | None, new: Version, changes: list[Change], attachments: list[str],
                 agreement: dict | None = None) -> dict[str, Any]:
    """Return what the memo template shows for proposing ``new`` (in place of ``old``, if any);
    ``agreement``: the new version's agreement context, when the caller has made it already."""
    agreement = agreement or agreement_context(new)
    organ = organ_of(new)
    # The table's texts come from the data: a passage under sekretess in them is marked, not tagged.
    rows = [{k: printable(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in (change_rows(changes) if old is not None else [])]
    return {
        "kommun": agreement["kommun"],
        "logotyp": logo_picture(new, agreement["kommun"]),
        "enhet": (new.data.get("handläggare") or {}).get("enhet") or DEFAULT_UNIT,
        "diarienummer": agreement["diarienummer"],
        "dnr": agreement["dnr"],
        "datum": agreement["datum"],
        "handläggare": agreement["handläggare"],
        "mottagare": organ,
        "exempel": agreement["exempel"],
        "ärende": case_title(new),
        "förslag": proposal(old, new, organ, agreement),
        "sammanfattning": summary(old, new, rows, agreement),
        "bakgrund": background(new, agreement),
        "ärendet": case_text(old, new, agreement),
        "beredning": preparation(new, organ),
        "första": old is None,
        "ändringar": rows,
        "innehåll": contents(agreement, new) if old is None else [],
        "bedömning": new.data.get("bedömning") or default_assessment(new, organ),
        "ekonomiska_konsekvenser": economy(old, new),
        "konsekvenser": consequences(agreement, new),
        "beslutsunderlag": attachments,
        "skickas_till": new.data.get("skickas_till") or default_recipients(new),
    }


def economy(old: Version | None, new: Version) -> str:
    """Return *Ekonomiska konsekvenser*: what the data says, and the amounts the plans name that are
    new, changed or gone. The default ("inga nya ekonomiska åtaganden") only when there are none."""
    written = new.data.get("ekonomiska_konsekvenser")
    changes = amount_changes(old, new)
    if not changes:
        return written or DEFAULT_ECONOMY
    listed = " ".join(_amount_sentence(change) for change in changes)
    text = f"Planerna anger {'nya eller ändrade kostnader' if old else 'kostnader'}: {listed}"
    return f"{written} {text}" if written else text


def _kronor(amount: Amount) -> str:
    return f"{swedish_amount(amount.kronor)} kronor" + (" per år" if amount.yearly else "")


def _amount_sentence(change: AmountChange) -> str:
    old, new = change.old, change.new
    shown = new or old
    if shown is None:
        return ""  # a change has an old or a new amount
    where = f"bilaga {shown.bilaga}" + (f", aktivitet {shown.activity_id}" if shown.activity_id else "")
    what = f"”{shown.activity.rstrip('.')}” ({where})"
    if new is None:
        return f"Kostnaden {_kronor(shown)} för {what} utgår."
    if old is None:
        return f"{_kronor(new)} för {what}."
    return f"{_kronor(new)} för {what}, i stället för {_kronor(old)}."


def organ_of(version: Version) -> str:
    """Return the organ that decides: the decision's, the planned meeting's, else kommunstyrelsen."""
    decision = version.data.get("beslut") or {}
    meeting = version.data.get("sammanträde") or {}
    return decision.get("organ") or meeting.get("organ") or DEFAULT_ORGAN


def police_name(version: Version) -> str:
    """Return the police party as a memo names it: "Polismyndigheten, lokalpolisområde Mora"."""
    return f"Polismyndigheten, lokalpolisområde {version.data['parter']['polisen']['lokalpolisområde']}"


def case_title(version: Version) -> str:
    """Return the memo's heading: the data's ``ärende`` or one made from the parties."""
    if version.data.get("ärende"):
        return " ".join(version.data["ärende"].split())
    kommun = version.data["parter"]["kommun"]["namn"]
    return f"Samverkansöverenskommelse mellan {kommun} och {police_name(version)}"


def proposal(old: Version | None, new: Version, organ: str, agreement: dict) -> list[str]:
    """Return the numbered decision points, each a whole Swedish sentence (``agreement``: the new
    version's agreement context)."""
    attachments = len(new.plans)
    with_plans = f", med {count(attachments, 'bilaga', 'bilagor')}," if attachments else ""
    points = [f"{organ} godkänner samverkansöverenskommelsen mellan {agreement['kommun']} och "
              f"{police_name(new)}{with_plans} att gälla {agreement['giltighet']}."]
    decision = (old.data.get("beslut") if old is not None else None) or {}
    if decision:
        points.append(f"Överenskommelsen ersätter den samverkansöverenskommelse som "
                      f"{decision['organ'].lower()} godkände den {long_date(decision['datum'])}, "
                      f"{decision['paragraf']}.")
    signer = _kommun_signatory(new)
    if signer:
        points.append(f"{signer} får i uppdrag att underteckna överenskommelsen för {agreement['kommun']}.")
    return points


def _kommun_signatory(version: Version) -> str | None:
    kommun = version.data["parter"]["kommun"]["namn"]
    for signature in version.data.get("underskrifter") or []:
        if signature.get("part") == kommun and signature.get("roll"):
            role = signature["roll"]
            return role[0].upper() + role[1:]
    return None


def summary(old: Version | None, new: Version, rows: list[dict], agreement: dict) -> str:
    """Return the Sammanfattning: what the agreement is, and the weightiest changes."""
    parties = f"{agreement['kommun']} och {police_name(new)}"
    if old is None:
        plans = len(new.plans)
        described = (f" Till överenskommelsen hör {count(plans, 'bilaga', 'bilagor')} som dokumenterar de "
                     "prioriterade problembilderna." if plans else "")
        return (f"{parties} föreslås teckna en samverkansöverenskommelse om brottsförebyggande och "
                f"trygghetsskapande arbete, att gälla {agreement['giltighet']}.{described}")
    current = _described_version(old)
    text = (f"{parties} samverkar enligt en samverkansöverenskommelse. {current} Parterna har tagit fram ett "
            "förslag till ny överenskommelse.")
    if not rows:
        return text + " Förslaget innehåller inga ändringar i sak jämfört med den."
    weighty = [r["sammanfattning"] for r in rows if r.get("sammanfattning")][:4]
    rest = len(rows) - len(weighty)
    if weighty:
        text += " De viktigaste ändringarna är " + joined(weighty) + "."
    if rest > 0:
        text += f" Förslaget innehåller också {count(rest, 'annan ändring', 'andra ändringar')}."
    return text + " Alla ändringar redovisas i tabellen nedan och är markerade i ändringsdokumenten."


def _described_version(version: Version) -> str:
    decision = version.data.get("beslut") or {}
    if decision:
        return (f"Den gällande överenskommelsen, version {version.name}, godkändes av "
                f"{decision['organ'].lower()} den {long_date(decision['datum'])}, {decision['paragraf']}.")
    return f"Förslaget jämförs med version {version.name}, som inte är beslutad."


def background(version: Version, agreement: dict) -> str:
    """Return the Bakgrund: the legal basis, the agreement's place in it, and the agreement's purpose
    ("\\a" between paragraphs). Before lag (2023:196) was in force, only the cooperation itself."""
    day = version.data.get("datum")
    if isinstance(day, dt.date) and day >= LAW_IN_FORCE:
        law = ("Sedan den 1 juli 2023 gäller lag (2023:196) om kommuners ansvar för brottsförebyggande arbete. "
               "Enligt lagen ska kommunen ta fram en lägesbild över brottsligheten i kommunen, utifrån den ta "
               "ställning till behovet av åtgärder och besluta om en åtgärdsplan, och ha en funktion som "
               "samordnar det brottsförebyggande arbetet.\a"
               "Samverkansöverenskommelsen med Polismyndigheten är en del av det arbetet. I den kommer kommunen "
               "och polisen överens om hur de tar fram en gemensam lägesbild, vilka problem de prioriterar och "
               "vem som gör vad.")
        if version.plans:
            law += (" Bilagorna dokumenterar de prioriterade problembilderna, och kommunens åtgärdsplan "
                    "bygger på dem.")
    else:
        law = ("Polismyndigheten tecknar samverkansöverenskommelser med kommunerna om det brottsförebyggande "
               "och trygghetsskapande arbetet.")
    return (f"{law}\a{agreement['kommun']} och Polismyndigheten samverkar i brottsförebyggande och "
            f"trygghetsskapande arbete. {agreement['syfte']}")


def case_text(old: Version | None, new: Version, agreement: dict) -> str:
    """Return the Ärendet text: for a first agreement what it sets up, else what is compared."""
    if old is None:
        return (f"Med överenskommelsen lägger {agreement['kommun']} och polisen fast hur de samverkar: vilka som "
                "möts och hur ofta, hur parterna tar fram en gemensam lägesbild, vilka problem de prioriterar "
                "och hur arbetet följs upp. Det viktigaste i överenskommelsen sammanfattas nedan.")
    return (f"Förslaget till ny överenskommelse har tagits fram gemensamt av parterna. Tabellen nedan visar vad "
            f"som ändras jämfört med version {old.name}.")


def preparation(version: Version, organ: str) -> str:
    """Return how the case is prepared and decided: "Ärendet bereds av … och avgörs av …"."""
    steps = [f"{s['organ'].lower()} den {long_date(s['datum'])}" for s in version.data.get("beredning") or []
             if isinstance(s, dict) and s.get("organ") and isinstance(s.get("datum"), dt.date)]
    meeting = (version.data.get("sammanträde") or {}).get("datum")
    decided = f"{organ.lower()}" + (f" den {long_date(meeting)}" if isinstance(meeting, dt.date) else "")
    if steps:
        return f"Ärendet bereds av {joined(steps)} och avgörs av {decided}."
    return f"Ärendet avgörs av {decided}."


def contents(agreement: dict, version: Version) -> list[str]:
    """Return what a first agreement sets up, for the memo: who meets how often, the lägesbild,
    fokusområden, follow-up, medborgarlöften and bilagor (``agreement``: its printable context)."""
    organisation = agreement["organisation"]
    items = [f"En samverkansgrupp med företrädare för kommunen och polisen planerar och samordnar det "
             f"löpande arbetet. Möten: {_sentence(organisation['samverkansgrupp']['mötesfrekvens'])}"]
    if organisation.get("brå"):
        items.append(f"{organisation['brå']['namn']}, det brottsförebyggande rådet, leder arbetet. "
                     f"Möten: {_sentence(organisation['brå']['mötesfrekvens'])}")
    items.append(f"Parterna tar fram en gemensam lägesbild. Hur ofta: {_sentence(agreement['lägesbild']['frekvens'])}")
    # Each name in quotes: joined as they are, "… tätort och Unga som …" read as one name.
    names = [f"”{focus['namn']}”" for focus in agreement["fokusområden"]]
    items.append(f"Fokusområden: {joined(names)}.")
    follow_up = agreement["uppföljning"]
    items.append(f"Uppföljning: {_sentence(follow_up['frekvens'])} Ansvarig: {_sentence(follow_up['ansvarig'])}")
    promises = [f"”{p['titel']}”" for p in agreement.get("medborgarlöften") or []]
    if promises:
        items.append(f"{count(len(promises), 'medborgarlöfte', 'medborgarlöften').capitalize()}: {joined(promises)}.")
    items += [f"Bilaga {p.number} – {printable(p.data['titel'])}" for p in version.plans]
    return items


def _sentence(text: str) -> str:
    """Return ``text`` on one line, ending with a full stop."""
    text = " ".join(str(text).split())
    return text if text.endswith((".", "!", "?")) else text + "."


def consequences(agreement: dict, version: Version) -> dict[str, str]:
    """Return the consequences for barn, jämställdhet and miljö: the data's text where the secretary
    wrote one, else a default that says plainly that no analysis is reported – after naming the
    fokusområden and bilagor that concern the question, when their names show it."""
    written = agreement.get("konsekvenser") or {}
    topics = {
        "barn": ("Ingen särskild barnkonsekvensanalys redovisas i ärendet.",
                 ("barn", "unga", "ungdom", "elev", "skol"),
                 "Överenskommelsen berör barn och unga genom {}. Barnets bästa ska beaktas när aktiviteterna "
                 "genomförs (barnkonventionen, som är svensk lag sedan 2020)."),
        "jämställdhet": ("Ingen särskild jämställdhetsanalys redovisas i ärendet.",
                         ("kvinn", "nära relation", "hedersrelaterad", "sexuell", "jämställd"),
                         "Överenskommelsen berör jämställdhet genom {}."),
        "miljö": ("Ingen särskild miljöbedömning redovisas i ärendet.",
                  ("nedskräp", "klotter", "skadegörelse", "fysisk miljö", "utemiljö"),
                  "Överenskommelsen berör den fysiska miljön genom {}."),
    }
    result = {}
    for key, (plain, words, concerns) in topics.items():
        if written.get(key):
            result[key] = written[key]
            continue
        named = _concerning(agreement, version, words)
        result[key] = (concerns.format(joined(named)) + " " + plain) if named else plain
    return result


def _concerning(agreement: dict, version: Version, words: tuple[str, ...]) -> list[str]:
    """Return the fokusområden and bilagor whose name or description holds one of ``words``."""
    # Words match where a word begins: "elev" is in "elever", not in "relevant".
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
    found = []
    for focus in agreement["fokusområden"]:
        if pattern.search(f"{focus['namn']} {focus.get('beskrivning') or ''}"):
            found.append(f"fokusområdet ”{focus['namn']}”")
    for plan in version.plans:
        if pattern.search(str(plan.data["titel"])):
            found.append(f"bilaga {plan.number} (”{printable(plan.data['titel'])}”)")
    return found


def logo_picture(version: Version, kommun: str) -> Picture | None:
    """Return the kommun's logo as the memo's picture, or None when its data folder has none (or
    one that cannot be used: ``validate`` warns about that)."""
    try:
        logo = read_logo(version.folder.parent, version.data_root)
    except DataError:
        return None
    if logo is None:
        return None
    width, height = logo.size_cm()
    return Picture(LOGO_PICTURE, logo.png, width, height, f"{kommun}s logotyp", kind="Logotyp")


def default_assessment(version: Version, organ: str) -> str:
    """Return the Bedömning when the data has none: what the proposal rests on, and the proposal."""
    plans = len(version.plans)
    documented = (f" Varje prioriterad problembild är dokumenterad med kartläggning, orsaksanalys, mål, "
                  f"aktiviteter och uppföljning ({bilagor_span([p.number for p in version.plans])})."
                  if plans else "")
    return (f"Förslaget följer länets gemensamma arbetssätt för samverkan mellan kommunen och polisen.{documented} "
            f"Förvaltningen föreslår att {organ.lower()} godkänner överenskommelsen.")


def default_recipients(version: Version) -> list[str]:
    """Return who gets the decision when the data does not say: the police, and the handläggare."""
    recipients = [police_name(version)]
    handler = version.data.get("handläggare") or {}
    if handler.get("namn") and marks.named_by_role(handler):
        recipients.append(handler["namn"])  # published by the role: the role once
    elif handler.get("namn"):
        recipients.append(f"{handler['namn']}, {handler.get('titel', '').lower()}".rstrip(", "))
    return recipients

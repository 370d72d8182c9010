"""The tjänsteskrivelse to kommunstyrelsen: what is proposed, why, and what changed, in plain Swedish.

Its parts follow how Swedish kommuner write them: header with kommun, date, dnr and
page; handläggare with title and contact; Förslag till beslut as numbered points;
Sammanfattning; Ärendet with the beredning and a table of changes for people (no field
paths: bilagor first, then fokusområden, mål, giltighetstid, parter and organisation,
text per section, and dates folded into one row); Bedömning; Ekonomiska konsekvenser;
Beslutsunderlag (dated); Beslutet skickas till. Each part comes from the data where
the secretary wrote it, else from a default stated here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.compare.changes import ADDED, CHANGED, REMOVED, Change
from pipeline.documents.context import agreement_context, long_date
from pipeline.documents.svdate import distance
from pipeline.documents.svdate import number as in_words
from pipeline.data.version import Version

MEMO_NAMES = {"kommun", "enhet", "diarienummer", "dnr", "datum", "handläggare", "mottagare", "ärende", "exempel",
              "förslag", "sammanfattning", "ärendet", "beredning", "ändringar", "innehåll", "första",
              "bedömning", "ekonomiska_konsekvenser", "beslutsunderlag", "skickas_till"}
DEFAULT_ORGAN = "Kommunstyrelsen"
DEFAULT_ECONOMY = ("Överenskommelsen innebär inga nya ekonomiska åtaganden. Aktiviteterna genomförs inom "
                   "parternas befintliga ramar.")
# Sections of the agreement whose text changes are reported as one row each, with their headings.
TEXT_SECTIONS = {"bakgrund": "Bakgrund", "syfte": "Syfte och mål", "uppsägning": "Giltighetstid och uppsägning",
                 "lägesbild": "Gemensam lägesbild", "dokumentation_av_problembild": "Dokumentation av problembild",
                 "medborgarlöften": "Medborgarlöften", "uppföljning": "Uppföljning",
                 "kommunikation": "Kommunikation"}
PLAN_SECTIONS = {"titel": "rubriken", "fokusområde": "fokusområdet", "period": "perioden",
                 "kartläggning": "kartläggningen", "orsaksanalys": "orsaksanalysen", "mål": "målen",
                 "aktiviteter": "aktiviteterna", "uppföljning": "uppföljningen"}
# Fields about the case, not the agreement: never rows in the table.
CASE_FIELDS = {"diarienummer", "handläggare", "ärende", "sammanträde", "bedömning", "ekonomiska_konsekvenser",
               "skickas_till", "beredning", "beslut"}


def memo_context(old: Version | None, new: Version, changes: list[Change], attachments: list[str]) -> dict[str, Any]:
    """Return what the memo template shows for proposing ``new`` (in place of ``old``, if any)."""
    agreement = agreement_context(new)
    organ = organ_of(new)
    rows = change_rows(changes) if old is not None else []
    return {
        "kommun": agreement["kommun"],
        "enhet": (new.data.get("handläggare") or {}).get("enhet"),
        "diarienummer": agreement["diarienummer"],
        "dnr": agreement["dnr"],
        "datum": agreement["datum"],
        "handläggare": agreement["handläggare"],
        "mottagare": organ,
        "exempel": agreement["exempel"],
        "ärende": case_title(new),
        "förslag": proposal(old, new, organ),
        "sammanfattning": summary(old, new, rows),
        "ärendet": case_text(old, new),
        "beredning": preparation(new, organ),
        "första": old is None,
        "ändringar": rows,
        "innehåll": contents(new) if old is None else [],
        "bedömning": new.data.get("bedömning") or default_assessment(new, organ),
        "ekonomiska_konsekvenser": new.data.get("ekonomiska_konsekvenser") or DEFAULT_ECONOMY,
        "beslutsunderlag": attachments,
        "skickas_till": new.data.get("skickas_till") or default_recipients(new),
    }


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


def proposal(old: Version | None, new: Version, organ: str) -> list[str]:
    """Return the numbered decision points, each a whole Swedish sentence."""
    agreement = agreement_context(new)
    attachments = len(new.plans)
    with_plans = f", med {_count(attachments, 'bilaga', 'bilagor')}," if attachments else ""
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


def summary(old: Version | None, new: Version, rows: list[dict]) -> str:
    """Return the Sammanfattning: what the agreement is, and the weightiest changes."""
    agreement = agreement_context(new)
    parties = f"{agreement['kommun']} och {police_name(new)}"
    if old is None:
        plans = len(new.plans)
        described = (f" Till överenskommelsen hör {_count(plans, 'bilaga', 'bilagor')} som dokumenterar de "
                     "prioriterade problembilderna." if plans else "")
        return (f"{parties} föreslås teckna en samverkansöverenskommelse om brottsförebyggande och "
                f"trygghetsskapande arbete, att gälla {agreement['giltighet']}.{described}")
    current = _described_version(old)
    text = f"{parties} samverkar enligt en samverkansöverenskommelse. {current} Parterna har tagit fram ett förslag till ny överenskommelse."
    if not rows:
        return text + " Förslaget innehåller inga ändringar i sak jämfört med den."
    weighty = [r["sammanfattning"] for r in rows if r.get("sammanfattning")][:4]
    rest = len(rows) - len(weighty)
    if weighty:
        text += " De viktigaste ändringarna är " + _joined(weighty) + "."
    if rest > 0:
        text += f" Förslaget innehåller också {_count(rest, 'annan ändring', 'andra ändringar')}."
    return text + " Alla ändringar redovisas i tabellen nedan och är markerade i ändringsdokumenten."


def _described_version(version: Version) -> str:
    decision = version.data.get("beslut") or {}
    if decision:
        return (f"Den gällande överenskommelsen, version {version.name}, godkändes av "
                f"{decision['organ'].lower()} den {long_date(decision['datum'])}, {decision['paragraf']}.")
    return f"Förslaget jämförs med version {version.name}, som inte är beslutad."


def case_text(old: Version | None, new: Version) -> str:
    """Return the Ärendet text: the background and what is compared ("\\a" between paragraphs)."""
    agreement = agreement_context(new)
    text = (f"{agreement['kommun']} och Polismyndigheten samverkar i brottsförebyggande och trygghetsskapande "
            f"arbete. {agreement['syfte']}")
    if old is None:
        return text + ("\aFörslaget har ingen tidigare version att jämföra med. Överenskommelsens innehåll "
                       "sammanfattas nedan.")
    return text + (f"\aFörslaget till ny överenskommelse har tagits fram gemensamt av parterna. Tabellen nedan "
                   f"visar vad som ändras jämfört med version {old.name}.")


def preparation(version: Version, organ: str) -> str:
    """Return how the case is prepared and decided: "Ärendet bereds av … och avgörs av …"."""
    steps = [f"{s['organ'].lower()} den {long_date(s['datum'])}" for s in version.data.get("beredning") or []
             if isinstance(s, dict) and s.get("organ") and isinstance(s.get("datum"), dt.date)]
    meeting = (version.data.get("sammanträde") or {}).get("datum")
    decided = f"{organ.lower()}" + (f" den {long_date(meeting)}" if isinstance(meeting, dt.date) else "")
    if steps:
        return f"Ärendet bereds av {_joined(steps)} och avgörs av {decided}."
    return f"Ärendet avgörs av {decided}."


def contents(version: Version) -> list[str]:
    """Return what a first agreement holds, for the memo: fokusområden and bilagor."""
    items = [f"Fokusområden: {_joined([f['namn'] for f in version.data['fokusområden']])}."]
    items += [f"Bilaga {p.number} – {p.data['titel']}" for p in version.plans]
    return items


def default_assessment(version: Version, organ: str) -> str:
    """Return the Bedömning when the data has none: what the proposal rests on, and the proposal."""
    plans = len(version.plans)
    documented = (f" Varje prioriterad problembild är dokumenterad med kartläggning, orsaksanalys, mål, "
                  f"aktiviteter och uppföljning ({_bilagor_span([p.number for p in version.plans])})."
                  if plans else "")
    return (f"Förslaget följer länets gemensamma arbetssätt för samverkan mellan kommunen och polisen.{documented} "
            f"Förvaltningen föreslår att {organ.lower()} godkänner överenskommelsen.")


def default_recipients(version: Version) -> list[str]:
    """Return who gets the decision when the data does not say: the police, and the handläggare."""
    recipients = [police_name(version)]
    handler = version.data.get("handläggare") or {}
    if handler.get("namn"):
        recipients.append(f"{handler['namn']}, {handler.get('titel', '').lower()}".rstrip(", "))
    return recipients


# --- the table of changes, for people ------------------------------------------------------------

def change_rows(changes: list[Change]) -> list[dict]:
    """Return the memo's table rows: plain Swedish, weightiest first, dates folded."""
    reported = [c for c in changes if not c.path or c.path[0] not in CASE_FIELDS]
    dates = [c for c in reported if _is_date_shift(c) and not _is_validity(c)]
    rest = [c for c in reported if c not in dates]
    rows = _plan_rows(rest) + _agreement_rows(rest) + _plan_content_rows(rest) + _date_rows(dates)
    return sorted(rows, key=lambda r: r["vikt"])


def _row(weight: int, area: str, change: str, old: str | None, new: str | None,
         summary: str | None = None) -> dict:
    return {"vikt": weight, "område": area, "ändring": change, "tidigare": _short(old), "nytt": _short(new),
            "sammanfattning": summary}


def _plan_rows(changes: list[Change]) -> list[dict]:
    """Return rows for bilagor added, removed, renumbered or retitled."""
    rows = []
    for c in changes:
        if c.plan is None or c.path not in (("planer",), ("bilaga",), ("titel",)):
            continue
        number, title = c.plan
        if c.kind == ADDED:
            rows.append(_row(1, "Bilagor", f"Ny bilaga {number}: {title}.", None, f"Bilaga {number} – {title}",
                             f"att en ny bilaga, {title.lower()}, tillkommer"))
        elif c.kind == REMOVED:
            rows.append(_row(1, "Bilagor", f"Bilaga {number} utgår: {title}.", f"Bilaga {number} – {title}", None,
                             f"att bilagan {title.lower()} utgår"))
        elif c.path == ("bilaga",):
            rows.append(_row(1, "Bilagor", f"Bilagan {title} har nu nummer {c.new_value}.",
                             f"Bilaga {c.old_value}", f"Bilaga {c.new_value}"))
        else:
            rows.append(_row(1, "Bilagor", f"Bilaga {number} har en ny rubrik.", c.old, c.new))
    return rows


def _agreement_rows(changes: list[Change]) -> list[dict]:
    """Return rows for the agreement itself: fokusområden, mål, giltighet, parter, text sections."""
    rows, texts = [], {}
    for c in changes:
        if c.plan is not None or not c.path:
            continue
        top = c.path[0]
        if top == "fokusområden":
            rows.append(_focus_row(c))
        elif top == "mål":
            rows.append(_goal_row(c))
        elif top == "giltighetstid":
            rows.append(_validity_row(c))
        elif top in ("parter", "organisation", "underskrifter"):
            rows.append(_party_row(c))
        else:
            texts.setdefault(top, []).append(c)
    for top, found in texts.items():
        rows.append(_text_row(top, found))
    return rows


def _focus_row(c: Change) -> dict:
    name = _identity(c.path) or c.new or c.old
    if c.kind == ADDED:
        return _row(2, "Fokusområden", f"Nytt fokusområde: {name}.", None, c.new,
                    f"att fokusområdet {name} läggs till")
    if c.kind == REMOVED:
        return _row(2, "Fokusområden", f"Fokusområdet {name} utgår.", c.old, None,
                    f"att fokusområdet {name} utgår")
    if c.path[-1] == "namn":
        return _row(2, "Fokusområden", "Ett fokusområde har bytt namn.", c.old, c.new,
                    f"att fokusområdet {c.old_value} nu heter {c.new_value}")
    return _row(2, "Fokusområden", f"Beskrivningen av fokusområdet {name} har ändrats.", c.old, c.new)


def _goal_row(c: Change) -> dict:
    if c.kind == ADDED:
        return _row(3, "Mål", "Nytt mål för samverkan.", None, c.new, "att ett nytt mål läggs till")
    if c.kind == REMOVED:
        return _row(3, "Mål", "Ett mål för samverkan utgår.", c.old, None, "att ett mål utgår")
    if c.path[-1] == "ordning":
        return _row(3, "Mål", "Målen står i en ny ordning.", c.old, c.new)
    return _row(3, "Mål", "Ett mål för samverkan har formulerats om.", c.old, c.new, "att ett mål formulerats om")


def _validity_row(c: Change) -> dict:
    if c.path[-1] == "från":
        return _row(4, "Giltighet", "Överenskommelsen börjar gälla ett nytt datum.", c.old, c.new,
                    f"att överenskommelsen gäller från och med {c.new}")
    if c.path[-1] == "till" and not isinstance(c.new_value, dt.date):
        return _row(4, "Giltighet", "Överenskommelsen gäller nu tills vidare.", c.old, c.new,
                    "att överenskommelsen gäller tills vidare")
    if c.path[-1] == "till":
        text = ("Överenskommelsen får ett slutdatum." if not isinstance(c.old_value, dt.date)
                else "Överenskommelsen gäller till ett nytt datum.")
        return _row(4, "Giltighet", text, c.old, c.new, f"att överenskommelsen gäller till och med {c.new}")
    return _row(4, "Giltighet", "Giltighetstiden har ändrats.", c.old, c.new)


_PARTY_WORDS = {"parter": "Parterna", "organisation": "Organisationen", "underskrifter": "Underskrifterna"}


def _party_row(c: Change) -> dict:
    top = c.path[0]
    area = "Parter" if top == "parter" else "Organisation" if top == "organisation" else "Underskrifter"
    name = _identity(c.path)
    detail = _plain_path(c.path[1:])
    if c.kind == ADDED:
        text = f"Tillagt i {_PARTY_WORDS[top].lower()}: {detail or name or ''}".rstrip(": ") + "."
    elif c.kind == REMOVED:
        text = f"Borttaget ur {_PARTY_WORDS[top].lower()}: {detail or name or ''}".rstrip(": ") + "."
    else:
        text = f"Ändrat i {_PARTY_WORDS[top].lower()}: {detail}." if detail else f"{_PARTY_WORDS[top]} har ändrats."
    return _row(5, area, text, c.old, c.new)


def _text_row(top: str, found: list[Change]) -> dict:
    heading = TEXT_SECTIONS.get(top, top.replace("_", " ").capitalize())
    first = found[0]
    old, new = _excerpts(first.old or "", first.new or "")
    more = f" ({len(found)} ställen)" if len(found) > 1 else ""
    return _row(6, "Text", f"Texten i avsnittet {heading} har ändrats{more}; se ändringsdokumentet för "
                          f"överenskommelsen, avsnittet {heading}.", old or None, new or None)


def _plan_content_rows(changes: list[Change]) -> list[dict]:
    """Return one row per plan and section whose content (not only dates) changed."""
    grouped: dict[tuple, list[Change]] = {}
    for c in changes:
        if c.plan is None or c.path in (("planer",), ("bilaga",), ("titel",)) or not c.path:
            continue
        grouped.setdefault((c.plan, c.path[0]), []).append(c)
    rows = []
    for ((number, title), section), found in grouped.items():
        word = PLAN_SECTIONS.get(section, section)
        added = [c for c in found if c.kind == ADDED]
        removed = [c for c in found if c.kind == REMOVED]
        changed = [c for c in found if c.kind == CHANGED]
        parts = ([_count(len(added), "ny punkt", "nya punkter")] if added else []) + \
                ([_count(len(removed), "punkt utgår", "punkter utgår")] if removed else []) + \
                ([_count(len(changed), "ändring", "ändringar")] if changed else [])
        old = "; ".join(_item(c, c.old) for c in removed + changed if c.old) or None
        new = "; ".join(_item(c, c.new) for c in added + changed if c.new) or None
        rows.append(_row(7, f"Bilaga {number}", f"{word.capitalize()} i bilaga {number} ({title}): "
                                                f"{_joined(parts)}; se ändringsdokumentet för bilaga {number}.",
                         old, new))
    return rows


def _date_rows(changes: list[Change]) -> list[dict]:
    """Return the date changes folded: one row per run of documents moved by the same distance."""
    by_document: dict[int, list[Change]] = {}
    for c in changes:
        by_document.setdefault(c.plan[0] if c.plan else 0, []).append(c)
    runs: list[tuple[list[int], str, list[Change]]] = []
    for number in sorted(by_document):
        found = by_document[number]
        shift = _shift_words(found)
        if runs and runs[-1][1] == shift and shift and number != 0:
            runs[-1][0].append(number)
            runs[-1][2].extend(found)
        else:
            runs.append(([number], shift, list(found)))
    rows = []
    for numbers, shift, found in runs:
        where = "överenskommelsen" if numbers == [0] else _bilagor_span(numbers)
        moved = f"flyttade {shift}" if shift else "ändrade"
        example = found[0]
        rows.append(_row(8, "Datum", f"{_count(len(found), 'datum', 'datum')} i {where} {moved}.",
                         f"t.ex. {example.old}", f"t.ex. {example.new}",
                         f"att datumen i {where} flyttats {shift}" if shift else None))
    return rows


def _item(c: Change, text: str) -> str:
    """Return a list item as a reader names it: an activity by its text, not all its fields."""
    return _identity(c.path) if c.kind in (ADDED, REMOVED) and _identity(c.path) else text


def _is_date_shift(c: Change) -> bool:
    return c.kind == CHANGED and isinstance(c.old_value, dt.date) and isinstance(c.new_value, dt.date)


def _is_validity(c: Change) -> bool:
    return c.plan is None and bool(c.path) and c.path[0] == "giltighetstid"


def _shift_words(changes: list[Change]) -> str:
    """Return "fyra år framåt" when every date moved the same distance, else ""."""
    distances = {distance(c.old_value, c.new_value) for c in changes}
    return distances.pop() if len(distances) == 1 else ""


def _bilagor_span(numbers: list[int]) -> str:
    """Return "bilaga 2", "bilaga 1–3" or "bilaga 1, 3 och 4"."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"bilaga {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"bilaga {numbers[0]}–{numbers[-1]}"
    return "bilaga " + _joined([str(n) for n in numbers])


# --- words ---------------------------------------------------------------------------------------

def _count(n: int, one: str, many: str) -> str:
    """Return "1 bilaga" / "4 bilagor" (words for small numbers: "en bilaga", "fyra bilagor")."""
    if n == 1:
        return ("ett " if one.split()[0] in ("datum",) else "en ") + one
    return f"{in_words(n) if n <= 12 else n} {many}"


def _joined(parts: list[str]) -> str:
    """Return "a, b och c"."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def _identity(path: tuple) -> str | None:
    for part in reversed(path):
        if isinstance(part, tuple):
            return str(part[1])
    return None


_FIELD_WORDS = {"samverkansgrupp": "samverkansgruppen", "brå": "BRÅ", "kontaktfunktioner": "kontaktfunktioner",
                "mötesfrekvens": "mötesfrekvens", "beskrivning": "beskrivning", "namn": "namn", "övriga": "övriga parter",
                "polisen": "polisen", "kommun": "kommunen", "roll": "roll", "part": "part", "uppgift": "uppgift"}


def _plain_path(path: tuple) -> str:
    """Return a field path in words: "samverkansgruppen, mötesfrekvens" (identities by name)."""
    words = []
    for part in path:
        if isinstance(part, tuple):
            words.append(str(part[1]))
        elif isinstance(part, str):
            words.append(_FIELD_WORDS.get(part, part.replace("_", " ")))
    return ", ".join(words)


def _short(text: str | None, limit: int = 160) -> str:
    if not text:
        return "–"
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _excerpts(old: str, new: str, context: int = 6, width: int = 14) -> tuple[str, str]:
    """Return the stretch of each text where they first differ, a few words either side."""
    a, b = old.split(), new.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    first = max(0, start - context)

    def cut(words, end):
        stop = min(len(words), max(end, start) + context, first + width + max(0, end - start))
        piece = " ".join(words[first:stop])
        return ("… " if first else "") + piece + (" …" if stop < len(words) else "")
    return cut(a, end_a), cut(b, end_b)

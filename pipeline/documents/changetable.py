"""The memo's table of changes, written for people: no field paths; bilagor first, then
fokusområden, mål, giltighetstid, parter and organisation, text per section (with an
excerpt and where to read it in the redline), plan content, and dates folded into one row
("18 datum i bilaga 1–3 flyttade fyra år framåt"). The full detail stays in
``diff --format json``."""

from __future__ import annotations

import datetime as dt

from pipeline.data.changes import ADDED, CHANGED, REMOVED, Change
from pipeline.swedish import bilagor_span, count, distance, joined

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
    rows: list[dict] = []
    texts: dict[str, list[Change]] = {}  # text section → its changes
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
        parts = ([count(len(added), "ny punkt", "nya punkter")] if added else []) + \
                ([count(len(removed), "punkt utgår", "punkter utgår")] if removed else []) + \
                ([count(len(changed), "ändring", "ändringar")] if changed else [])
        old = "; ".join(_item(c, c.old) for c in removed + changed if c.old) or None
        new = "; ".join(_item(c, c.new) for c in added + changed if c.new) or None
        rows.append(_row(7, f"Bilaga {number}", f"{word.capitalize()} i bilaga {number} ({title}): "
                                                f"{joined(parts)}; se ändringsdokumentet för bilaga {number}.",
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
        where = "överenskommelsen" if numbers == [0] else bilagor_span(numbers)
        moved = f"flyttade {shift}" if shift else "ändrade"
        example = found[0]
        rows.append(_row(8, "Datum", f"{count(len(found), 'datum', 'datum')} i {where} {moved}.",
                         f"t.ex. {example.old}", f"t.ex. {example.new}",
                         f"att datumen i {where} flyttats {shift}" if shift else None))
    return rows


def _item(c: Change, text: str) -> str:
    """Return a list item as a reader names it: an activity by its text, not all its fields."""
    identity = _identity(c.path) if c.kind in (ADDED, REMOVED) else None
    return identity or text


def _is_date_shift(c: Change) -> bool:
    return c.kind == CHANGED and isinstance(c.old_value, dt.date) and isinstance(c.new_value, dt.date)


def _is_validity(c: Change) -> bool:
    return c.plan is None and bool(c.path) and c.path[0] == "giltighetstid"


def _shift_words(changes: list[Change]) -> str:
    """Return "fyra år framåt" when every date moved the same distance, else ""."""
    distances = {distance(c.old_value, c.new_value) for c in changes}
    return distances.pop() if len(distances) == 1 else ""


def _identity(path: tuple) -> str | None:
    for part in reversed(path):
        if isinstance(part, tuple):
            return str(part[1])
    return None


_FIELD_WORDS = {"samverkansgrupp": "samverkansgruppen", "brå": "BRÅ", "kontaktfunktioner": "kontaktfunktioner",
                "mötesfrekvens": "mötesfrekvens", "beskrivning": "beskrivning", "namn": "namn",
                "övriga": "övriga parter",
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

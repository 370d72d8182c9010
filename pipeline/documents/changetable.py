"""The memo's table of changes, written for people: no field paths; bilagor first, then
fokusområden, mål, giltighetstid, parter, organisation and underskrifter, text per section
(with an excerpt and where to read it in the redline), plan content (items counted as items
and named by what they say: "Nytt mål M2: …"), and dates folded into one row ("18 datum i
bilaga 1–3 flyttade fyra år framåt"). Tidigare and Nytt show the texts as the documents do,
without sekretess marks. The full detail stays in ``diff --format json``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.data.changes import ADDED, CHANGED, REMOVED, Change, item_text
from pipeline.data.marks import strip
from pipeline.swedish import bilagor_span, count, distance, joined, long_date, sentence

# Sections of the agreement whose text changes are reported as one row each, with their headings.
TEXT_SECTIONS = {"bakgrund": "Bakgrund", "syfte": "Syfte och mål", "uppsägning": "Giltighetstid och uppsägning",
                 "lägesbild": "Gemensam lägesbild", "dokumentation_av_problembild": "Dokumentation av problembild",
                 "medborgarlöften": "Medborgarlöften", "uppföljning": "Uppföljning",
                 "kommunikation": "Kommunikation"}
PLAN_SECTIONS = {"titel": "rubriken", "fokusområde": "fokusområdet", "period": "perioden",
                 "kartläggning": "kartläggningen", "orsaksanalys": "orsaksanalysen", "mål": "målen",
                 "aktiviteter": "aktiviteterna", "uppföljning": "uppföljningen"}
# The lists of a plan whose items a reader counts and names:
# (one, many, the many, a new one, new ones); "punkter" for a section without such a list.
ITEMS = {"orsaker": ("orsak", "orsaker", "orsakerna", "ny orsak", "nya orsaker"),
         "effektmål": ("mål", "mål", "målen", "nytt mål", "nya mål"),
         "operativa_mål": ("mål", "mål", "målen", "nytt mål", "nya mål"),
         "aktiviteter": ("aktivitet", "aktiviteter", "aktiviteterna", "ny aktivitet", "nya aktiviteter"),
         "uppföljning": ("indikator", "indikatorer", "indikatorerna", "ny indikator", "nya indikatorer"),
         "källor": ("källa", "källor", "källorna", "ny källa", "nya källor"),
         "punkter": ("punkt", "punkter", "punkterna", "ny punkt", "nya punkter")}
# An item's fields that link it to the plan's causes and goals (traceability), not what it says.
LINKS = ("orsaker", "mål")
# An item's other fields, as a table cell names them ("när april och oktober 2023").
ITEM_FIELDS = {"när": "när", "ansvarig": "ansvarig", "resurser": "resurser", "enhet": "enhet",
               "utgångsvärde": "utgångsvärde", "målvärde": "målvärde", "status": "status", "kommentar": "kommentar"}
LINKED = "kopplad"  # a point whose item only got an id or links
CELL = 200  # characters in a Tidigare or Nytt cell of a plan section's row: whole sentences, the first cut
# Fields about the case, not the agreement: never rows in the table.
CASE_FIELDS = {"diarienummer", "handläggare", "ärende", "sammanträde", "bedömning", "ekonomiska_konsekvenser",
               "konsekvenser", "skickas_till", "beredning", "beslut"}



def change_rows(changes: list[Change]) -> list[dict]:
    """Return the memo's table rows: plain Swedish, weightiest first, dates folded."""
    reported = [c for c in changes if not c.path or c.path[0] not in CASE_FIELDS]
    dates = [c for c in reported if _is_date_shift(c) and not _is_validity(c)]
    rest = [c for c in reported if c not in dates]
    rows = _plan_rows(rest) + _agreement_rows(rest) + _plan_content_rows(rest) + _date_rows(dates)
    return sorted(rows, key=lambda r: r["vikt"])


def _row(weight: int, area: str, change: str, old: str | None, new: str | None,
         summary: str | None = None, limit: int = 160) -> dict:
    return {"vikt": weight, "område": area, "ändring": change, "tidigare": _short(old, limit),
            "nytt": _short(new, limit), "sammanfattning": summary}


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
        elif top == "underskrifter":
            rows.append(_signature_row(c))
        elif top in ("parter", "organisation"):
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


_PARTY_WORDS = {"parter": "Parterna", "organisation": "Organisationen"}


# What changed in a part of the organisation, as a sentence: "Samverkansgruppen har en ny mötesfrekvens."
_ORGANISATION_PARTS = {"samverkansgrupp": "Samverkansgruppen", "brå": "BRÅ"}
_ORGANISATION_FIELDS = {"beskrivning": "en ny beskrivning", "mötesfrekvens": "en ny mötesfrekvens",
                        "namn": "ett nytt namn", "roll": "en ny benämning", "uppgift": "en ny uppgift",
                        "part": "en ny part som ansvarar", "sekretess": "ändrad sekretess"}


def _organisation_text(c: Change) -> str | None:
    """Return the sentence for a change in the organisation, or None for a change it has no words for."""
    part = c.path[1] if len(c.path) > 1 else None
    name = _identity(c.path)
    field_name = next((p for p in reversed(c.path[2:]) if isinstance(p, str)), None)
    if part == "kontaktfunktioner" and name:
        who = f"Kontaktfunktionen ”{name}”"
        if field_name is None:
            return (f"Ny kontaktfunktion: ”{name}”." if c.kind == ADDED else
                    f"{who} utgår." if c.kind == REMOVED else f"{who} har ändrats.")
        return f"{who} har {_ORGANISATION_FIELDS.get(field_name, 'ändrats')}." if field_name in _ORGANISATION_FIELDS \
            else None
    if part in _ORGANISATION_PARTS:
        who = _ORGANISATION_PARTS[part]
        if field_name is None:
            return (f"{who} tillkommer i organisationen." if c.kind == ADDED else
                    f"{who} utgår ur organisationen." if c.kind == REMOVED else f"{who} har ändrats.")
        if field_name in _ORGANISATION_FIELDS:
            return f"{who} har {_ORGANISATION_FIELDS[field_name]}."
    return None


def _party_row(c: Change) -> dict:
    top = c.path[0]
    said = _organisation_text(c) if top == "organisation" else None
    if said:
        return _row(5, "Organisation", said, _plain(c.old_value, c.old) or None, _plain(c.new_value, c.new) or None)
    area = "Parter" if top == "parter" else "Organisation"
    name = _identity(c.path)
    detail = _plain_path(c.path[1:])
    if c.kind == ADDED:
        text = f"Tillagt i {_PARTY_WORDS[top].lower()}: {detail or name or ''}".rstrip(": ") + "."
    elif c.kind == REMOVED:
        text = f"Borttaget ur {_PARTY_WORDS[top].lower()}: {detail or name or ''}".rstrip(": ") + "."
    else:
        text = f"Ändrat i {_PARTY_WORDS[top].lower()}: {detail}." if detail else f"{_PARTY_WORDS[top]} har ändrats."
    return _row(5, area, text, _plain(c.old_value, c.old) or None, _plain(c.new_value, c.new) or None)


def _signature_row(c: Change) -> dict:
    """Return a row for a signatory added, removed or changed, named by role: "Ny underskrift:
    Kommunpolis för Lokalpolisområde Falun", "Underskriften av lokalpolisområdeschef visas med
    bara rollen i den offentliga versionen"."""
    role = _identity(c.path)
    field_name = next((part for part in c.path[2:] if isinstance(part, str)), None) if role else None
    if role is None:
        return _row(5, "Underskrifter", "Underskrifterna har ändrats.", _plain(c.old_value, c.old) or None,
                    _plain(c.new_value, c.new) or None)
    who = f"underskriften av {role[:1].lower()}{role[1:]}"
    if field_name is None:
        person = c.new_value if c.kind == ADDED else c.old_value
        person = person if isinstance(person, dict) else {}
        signs = ", ".join(str(person[k]) for k in ("namn", "roll") if person.get(k)) or role
        party = f" för {person['part']}" if person.get("part") else ""
        if c.kind == ADDED:
            return _row(5, "Underskrifter", f"Ny underskrift: {role}{party}.", None, signs)
        return _row(5, "Underskrifter", f"{sentence(who)}{party} utgår.", signs, None)
    if field_name == "publiceras_som":
        only_role = "Bara roll, inte namn"
        both = "Namn och roll"
        if c.new_value == "roll":
            return _row(5, "Underskrifter", f"I den offentliga versionen visas {who} med bara rollen.",
                        both, only_role)
        return _row(5, "Underskrifter", f"I den offentliga versionen visas {who} med namn och roll.",
                    only_role if c.old_value == "roll" else None, both)
    if field_name == "namn":
        return _row(5, "Underskrifter", f"En ny person skriver under som {role[:1].lower()}{role[1:]}.",
                    c.old, c.new)
    if field_name == "roll":
        return _row(5, "Underskrifter", "En undertecknare har fått en ny roll.", c.old, c.new)
    if field_name == "part":
        return _row(5, "Underskrifter", f"{sentence(who)} görs för en annan part.", c.old, c.new)
    return _row(5, "Underskrifter", f"{sentence(who)} har ändrats.", _plain(c.old_value, c.old) or None,
                _plain(c.new_value, c.new) or None)


def _text_row(top: str, found: list[Change]) -> dict:
    heading = TEXT_SECTIONS.get(top, top.replace("_", " ").capitalize())
    first = found[0]
    old, new = _excerpts(_plain(first.old_value, first.old) if first.old is not None else "",
                         _plain(first.new_value, first.new) if first.new is not None else "")
    more = f" ({len(found)} ställen)" if len(found) > 1 else ""
    return _row(6, "Text", f"Texten i avsnittet {heading} har ändrats{more}; se ändringsdokumentet för "
                          f"överenskommelsen, avsnittet {heading}.", old or None, new or None)


def _plan_content_rows(changes: list[Change]) -> list[dict]:
    """Return one row per plan and section whose content (not only dates) changed: the items
    added, removed and changed counted as items (an activity with three new fields is one
    activity), each named by what it says ("Nytt mål M2: …"), and ids and links given to the
    items said once for the section."""
    grouped: dict[tuple, list[Change]] = {}
    for c in changes:
        if c.plan is None or c.path in (("planer",), ("bilaga",), ("titel",)) or not c.path:
            continue
        grouped.setdefault((c.plan, c.path[0]), []).append(c)
    rows = []
    for ((number, title), section), found in grouped.items():
        points = _points(found)
        added = [p for p in points if p.kind == ADDED]
        removed = [p for p in points if p.kind == REMOVED]
        changed = [p for p in points if p.kind == CHANGED]
        linked = [p for p in points if p.kind == LINKED]
        one, many, the_many, new_one, new_many = next((p.words for p in points if p.words), ITEMS["punkter"])
        parts = ([count(len(added), new_one, new_many)] if added else []) + \
                ([count(len(removed), f"{one} utgår", f"{many} utgår")] if removed else []) + \
                ([count(len(changed), "ändring", "ändringar")] if changed else [])
        traced = _traced(points, the_many)
        said = "; ".join(part for part in (joined(parts), traced) if part)
        old = _cell([p.old for p in removed + changed + linked])
        new = _cell([p.new for p in added + changed + linked])
        rows.append(_row(7, f"Bilaga {number}", f"{PLAN_SECTIONS.get(section, section).capitalize()} i bilaga "
                                                f"{number} ({title}): {said}; se ändringsdokumentet för bilaga "
                                                f"{number}.", old, new, limit=CELL))
    return rows


@dataclass
class _Point:
    """One thing a reader counts in a plan section: an item added, removed or changed, or a field
    of the section changed; ``old`` and ``new`` are its sentences for Tidigare and Nytt."""

    kind: str  # ADDED, REMOVED, CHANGED or LINKED
    old: str | None = None
    new: str | None = None
    words: tuple | None = None  # ITEMS[...] for an item of a list
    traced: set = field(default_factory=set)  # "id", "nya id", "orsaker", "mål", "kopplingar"


def _points(changes: list[Change]) -> list[_Point]:
    """Return a section's changes as points: the changes to one item of a list matched by name (an
    activity, an indicator) are one point, each item of a text list is one, each other field one."""
    items: dict[tuple, list[Change]] = {}
    points = []
    for c in changes:
        at = next((i for i, part in enumerate(c.path) if isinstance(part, tuple)), None)
        if at is not None:
            items.setdefault(c.path[:at + 1], []).append(c)
        elif c.path[-1] in ITEMS and not isinstance(c.old_value if c.new_value is None else c.new_value, list):
            points.append(_list_item_point(c, ITEMS[c.path[-1]]))
        else:
            points.append(_field_point(c))
    points += [_named_item_point(key, found) for key, found in items.items()]
    return points


def _list_item_point(c: Change, words: tuple) -> _Point:
    """Return an item of a text list (a cause, a goal, a source) added, removed or changed."""
    old_id, new_id = _id_of(c.old_value), _id_of(c.new_value)
    if c.kind == ADDED:
        return _Point(ADDED, new=_added(words, new_id, item_text(c.new_value) or c.new or ""), words=words)
    if c.kind == REMOVED:
        return _Point(REMOVED, old=_removed(words, old_id, item_text(c.old_value) or c.old or ""), words=words)
    old_text, new_text = item_text(c.old_value) or c.old or "", item_text(c.new_value) or c.new or ""
    if old_text == new_text:  # the same item, now with an id: "O1 Hög alkoholpåverkan"
        return _Point(LINKED, old=_labelled(old_id, old_text), new=_labelled(new_id, new_text), words=words,
                      traced={"id" if old_id is None else "nya id"})
    old, new = _excerpts(old_text, new_text)
    return _Point(CHANGED, old=_labelled(new_id or old_id, old), new=_labelled(new_id or old_id, new), words=words)


def _named_item_point(key: tuple, changes: list[Change]) -> _Point:
    """Return the changes to one activity or indicator (matched by its text) as one point."""
    words = ITEMS.get(key[-2] if len(key) > 1 and isinstance(key[-2], str) else "", ITEMS["punkter"])
    identity, name = key[-1][0], str(key[-1][1])
    whole = [c for c in changes if c.path == key]
    if whole and whole[0].kind in (ADDED, REMOVED):
        c = whole[0]
        if c.kind == ADDED:
            return _Point(ADDED, new=_added(words, _id_of(c.new_value), item_text(c.new_value) or name),
                          words=words)
        return _Point(REMOVED, old=_removed(words, _id_of(c.old_value), item_text(c.old_value) or name),
                      words=words)
    fields: dict[str, list[Change]] = {}  # a list field (ansvarig, orsaker) may have a change per element
    for c in changes:
        if len(c.path) > len(key):
            fields.setdefault(c.path[len(key)], []).append(c)
    traced = set()
    ident = None
    if "id" in fields:
        ident = _id_of({"id": fields["id"][0].new_value})
        traced.add("id" if fields["id"][0].old_value is None else "nya id")
    for link in LINKS:
        if link in fields:
            traced.add(link if all(c.kind == ADDED for c in fields[link]) else "kopplingar")
    text = fields.get(identity, [None])[0]
    olds, news = [], []
    for name_of_field, found in fields.items():
        if name_of_field in ("id", identity, *LINKS):
            continue
        label = ITEM_FIELDS.get(name_of_field, name_of_field.replace("_", " "))
        olds += [f"{label} {_field_value(name_of_field, c.old_value, c.old)}" for c in found if c.old is not None]
        news += [f"{label} {_field_value(name_of_field, c.new_value, c.new)}" for c in found if c.new is not None]
    if text is None and not olds and not news:  # only an id or links: "A1 … kopplad till O3 och M1"
        ids = [i for link in LINKS for c in fields.get(link, []) if c.kind != REMOVED
               for i in (c.new_value if isinstance(c.new_value, list) else [c.new_value])]
        new = _labelled(ident, _named(name, ident)) + (f", kopplad till {joined([str(i) for i in ids])}" if ids else "")
        return _Point(LINKED, old=_named(name, ident), new=new, words=words, traced=traced)
    if text is not None:
        old_text, new_text = _excerpts(text.old or "", text.new or "")
    else:
        old_text = new_text = _named(name, ident)
    old = (_labelled(ident, old_text.rstrip(".")) + f" – {'; '.join(olds)}") if olds else _labelled(ident, old_text)
    new = (_labelled(ident, new_text.rstrip(".")) + f" – {'; '.join(news)}") if news else _labelled(ident, new_text)
    return _Point(CHANGED, old=old, new=new, words=words, traced=traced)


def _field_value(name: str, value, printed: str | None) -> str:
    """Return an item's field as it follows its label: "när april och oktober 2023" (a time in
    lower case, as Swedish writes months and seasons)."""
    text = _plain(value, printed).rstrip(".")
    if name == "när" and text[:1].isupper() and not text.split()[0].isupper():
        return text[:1].lower() + text[1:]
    return text


def _field_point(c: Change) -> _Point:
    """Return a change to a field of the section (a description, the place) as one point."""
    if c.kind == CHANGED and isinstance(c.old_value, str) and isinstance(c.new_value, str):
        old, new = _excerpts(c.old_value, c.new_value)
        return _Point(CHANGED, old=old, new=new)
    return _Point(CHANGED, old=_plain(c.old_value, c.old) if c.old is not None else None,
                  new=_plain(c.new_value, c.new) if c.new is not None else None)


def _traced(points: list[_Point], the_many: str) -> str:
    """Return what ids and links the items got, once for the section: "aktiviteterna har fått id och
    kopplats till orsaker och mål"."""
    traced = set().union(*(p.traced for p in points)) if points else set()
    if not traced:
        return ""
    ids = [word for word in ("id", "nya id") if word in traced]
    parts = [f"fått {joined(ids)}"] if ids else []
    links = [link for link in LINKS if link in traced]
    if "kopplingar" in traced:
        parts.append("fått ändrade kopplingar till orsaker och mål")
    elif links:
        parts.append("kopplats till " + joined(links))
    return f"{the_many} har {joined(parts)}"


def _added(words: tuple, ident: str | None, text: str) -> str:
    """Return "Nytt mål M2: Ordningsvakter …" ("Nytt mål – …" for an item without an id)."""
    return _sentence_end(f"{sentence(words[3])} {ident}: {text}" if ident else f"{sentence(words[3])} – {text}")


def _removed(words: tuple, ident: str | None, text: str) -> str:
    return _sentence_end(f"{sentence(words[0])}{' ' + ident if ident else ''} som utgår: {text}")


def _labelled(ident: str | None, text: str) -> str:
    return f"{ident}: {text}" if ident else text


def _named(text: str, ident: str | None) -> str:
    """Return an item's text short enough to name it in a cell: its first words (fewer beside an id)."""
    words = 5 if ident else 8
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _id_of(item) -> str | None:
    ident = item.get("id") if isinstance(item, dict) else None
    return ident if isinstance(ident, str) and ident else None


def _plain(value, printed: str | None) -> str:
    """Return a value as a cell shows it: a text as it is, a list or a mapping by its values, never
    with field names."""
    if isinstance(value, dict):
        return ", ".join(_plain(v, None) for k, v in value.items() if k != "id" and v not in (None, [], {}, ""))
    if isinstance(value, list):
        return ", ".join(_plain(v, None) for v in value)
    if isinstance(value, dt.date):
        return long_date(value)
    if value is None:
        return printed or ""
    return " ".join(str(value).split())


def _sentence_end(text: str) -> str:
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _cell(sentences: list[str | None], limit: int = CELL) -> str | None:
    """Return a cell's sentences in order, each once, each ending with a full stop: as many whole
    sentences as fit in ``limit`` characters ("…" when some are left out), the first cut if it
    alone is longer."""
    found = list(dict.fromkeys(_sentence_end(" ".join(strip(s).split())) for s in sentences if s and s.strip()))
    if not found:
        return None
    if len(found[0]) > limit:
        return _short(found[0], limit)
    kept = [found[0]]
    for text in found[1:]:
        if len(" ".join(kept + [text])) > limit - 2:
            if not kept[-1].endswith("…"):
                kept.append("…")
            break
        kept.append(text)
    return _short(" ".join(kept), limit)


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
    text = " ".join(strip(str(text)).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _excerpts(old: str, new: str, context: int = 6, width: int = 14) -> tuple[str, str]:
    """Return the stretch of each text where they first differ, a few words either side (the texts
    as the documents show them: sekretess marks left out)."""
    a, b = strip(old).split(), strip(new).split()
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

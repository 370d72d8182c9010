"""The change summary between two versions, computed from the data itself.

Lists what the committee must see: goals, fokusområden, plans, activities,
follow-ups, dates, parties and decisions that were added, removed or changed,
with the old value beside the new.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, replace
from typing import Any

from pipeline.data.version import Version, match_plans
from pipeline.swedish import long_date

ADDED, REMOVED, CHANGED = "tillagd", "borttagen", "ändrad"

# Top-level fields and the group they are reported under, in the memo's order.
GROUPS = {
    "parter": "Parter",
    "giltighetstid": "Giltighetstid och uppsägning",
    "uppsägning": "Giltighetstid och uppsägning",
    "mål": "Mål",
    "syfte": "Syfte",
    "bakgrund": "Bakgrund",
    "fokusområden": "Fokusområden",
    "organisation": "Organisation",
    "lägesbild": "Lägesbild",
    "dokumentation_av_problembild": "Dokumentation av problembild",
    "medborgarlöften": "Medborgarlöften",
    "uppföljning": "Uppföljning",
    "kommunikation": "Kommunikation",
    "underskrifter": "Underskrifter",
    "diarienummer": "Ärende",
    "handläggare": "Ärende",
    "beredning": "Beslut",
    "beslut": "Beslut",
}
PLANS_GROUP = "Planer (bilagor)"
NOT_REPORTED = {"exempel", "version", "föregående_version", "status", "datum"}

# Lists of mappings are matched item by item on this field (by name, not by position).
IDENTITY = {
    "fokusområden": "namn", "övriga": "namn", "kontaktfunktioner": "roll", "delar": "namn",
    "medborgarlöften": "titel", "underskrifter": "roll", "aktiviteter": "aktivitet",
    "uppföljning": "indikator",
}

# The field that holds what a list item says when the item is a mapping, in the order looked for
# (an activity's "mål" are the ids of its goals, its text is "aktivitet").
TEXT_FIELDS = ("aktivitet", "indikator", "orsak", "mål", "titel", "namn", "text")

LABELS = {
    "parter": "parter", "kommun": "kommun", "polisen": "polisen", "övriga": "övriga parter",
    "giltighetstid": "giltighetstid", "från": "från", "till": "till",
    "fokusområden": "fokusområde", "kontaktfunktioner": "kontaktfunktion",
    "medborgarlöften": "medborgarlöfte", "underskrifter": "underskrift",
    "aktiviteter": "aktivitet", "uppföljning": "uppföljning", "mål": "mål",
    "samverkansgrupp": "samverkansgrupp", "delar": "del", "beredning": "beredning",
    "beslut": "beslut", "organ": "organ", "datum": "datum", "paragraf": "paragraf", "brå": "BRÅ",
    "mötesfrekvens": "mötesfrekvens",
}


@dataclass(frozen=True)
class Change:
    """One change between the versions, old value beside new (None where there is none)."""

    group: str
    kind: str  # ADDED, REMOVED or CHANGED
    what: str
    old: str | None
    new: str | None
    path: tuple = ()  # the field path in the data (identities as (key, value) pairs)
    old_value: Any = None  # the values themselves, e.g. dates, for the memo's table
    new_value: Any = None
    plan: tuple | None = None  # (bilaga number in the new version or else the old, title) of a plan

def summarize(old: Version, new: Version) -> list[Change]:
    """Return every change from ``old`` to ``new``, grouped in the memo's order."""
    changes: list[Change] = []
    # A new draft has no decision yet; the old one's is not a change to decide on.
    skipped = NOT_REPORTED | ({"beslut", "beredning"} if not new.data.get("beslut") else set())
    for key in _ordered_keys(old.data, new.data):
        if key in skipped:
            continue
        group = GROUPS.get(key, "Övrigt")
        changes += _compare(group, (key,), old.data.get(key), new.data.get(key))
    changes += _plans(old, new)
    order = list(dict.fromkeys(list(GROUPS.values()) + ["Övrigt", PLANS_GROUP]))
    return sorted(changes, key=lambda c: order.index(c.group))


def as_dicts(changes: list[Change]) -> list[dict]:
    """Return the changes as plain dicts with Swedish keys (for JSON)."""
    return [{"område": c.group, "typ": c.kind, "vad": c.what, "tidigare": c.old, "nytt": c.new}
            for c in changes]


def _ordered_keys(old: dict, new: dict) -> list[str]:
    return list(dict.fromkeys(list(old or {}) + list(new or {})))


def _printable(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, list):
        return _joined([_printable(v) for v in value])
    if isinstance(value, dict):
        return _joined([f"{k}: {_printable(v)}" for k, v in value.items() if v not in (None, [], {})])
    return " ".join(str(value).split())


def item_text(item) -> str | None:
    """Return what a list item says: a text item itself, a mapping its text field (the cause of
    {id: O2, orsak: …}, the activity of {id: A1, aktivitet: …, mål: [M1]}); None if it has none."""
    if isinstance(item, str):
        return " ".join(item.split())
    if isinstance(item, dict):
        for key in TEXT_FIELDS:
            if isinstance(item.get(key), str):
                return " ".join(item[key].split())
    return None


def _joined(parts: list[str | None]) -> str:
    """Return parts joined with "; ", without a full stop before the semicolon."""
    texts = [p for p in parts if p]
    return "; ".join([p.rstrip(".") for p in texts[:-1]] + texts[-1:])


def _describe(path: tuple) -> str:
    words = []
    for part in path:
        if isinstance(part, str):
            words.append(LABELS.get(part, part.replace("_", " ")))
        else:
            words.append(f"”{part[1]}”")  # an identity, e.g. ("namn", "Hot och våld")
    return " ".join(words)


def _compare(group: str, path: tuple, old, new) -> list[Change]:
    if old == new:
        return []
    if old is None:
        return [Change(group, ADDED, _describe(path), None, _printable(new), path, None, new)]
    if new is None:
        return [Change(group, REMOVED, _describe(path), _printable(old), None, path, old, None)]
    if isinstance(old, dict) and isinstance(new, dict):
        result = []
        for key in _ordered_keys(old, new):
            result += _compare(group, path + (key,), old.get(key), new.get(key))
        return result
    if isinstance(old, list) and isinstance(new, list):
        return _compare_lists(group, path, old, new)
    return [Change(group, CHANGED, _describe(path), _printable(old), _printable(new), path, old, new)]


def _compare_lists(group: str, path: tuple, old: list, new: list) -> list[Change]:
    identity = IDENTITY.get(path[-1])
    if identity and all(isinstance(x, dict) for x in old + new):
        return _compare_by_identity(group, path, identity, old, new)
    label = _describe(path)
    old_texts, new_texts = [_printable(x) for x in old], [_printable(x) for x in new]
    # (printed text, the item itself): the change keeps the item, e.g. a goal with its id
    gone = [(t, x) for t, x in zip(old_texts, old, strict=True) if t not in new_texts]
    come = [(t, x) for t, x in zip(new_texts, new, strict=True) if t not in old_texts]
    result = []
    for text, item in list(gone):  # a reworded item is a change, not a removal and an addition
        # matched on what the items say: "Hög alkoholpåverkan" is the cause {id: O2, orsak: Hög alkoholpåverkan}
        says = [item_text(x) or t for t, x in come]
        close = difflib.get_close_matches(item_text(item) or text, says, n=1, cutoff=0.6)
        if close:
            new_text, new_item = come.pop(says.index(close[0]))
            result.append(Change(group, CHANGED, label, text, new_text, path, item, new_item))
            gone.remove((text, item))
    result += [Change(group, REMOVED, label, t, None, path, x, None) for t, x in gone]
    result += [Change(group, ADDED, label, None, t, path, None, x) for t, x in come]
    kept_old = [t for t in old_texts if t in new_texts]
    kept_new = [t for t in new_texts if t in old_texts]
    if kept_old != kept_new:
        result.append(Change(group, CHANGED, f"{label} (ordning)", _joined(kept_old), _joined(kept_new),
                             path + ("ordning",), kept_old, kept_new))
    return result


def _compare_by_identity(group: str, path: tuple, identity: str, old: list, new: list) -> list[Change]:
    old_by = {x.get(identity): x for x in old}
    new_by = {x.get(identity): x for x in new}
    result = []
    unmatched_old = [k for k in old_by if k not in new_by]
    unmatched_new = [k for k in new_by if k not in old_by]
    renamed = {}
    for key in unmatched_old:  # a reworded item is a change, not a removal and an addition
        close = difflib.get_close_matches(str(key), [str(k) for k in unmatched_new], n=1, cutoff=0.6)
        if close:
            match = next(k for k in unmatched_new if str(k) == close[0])
            renamed[key] = match
            unmatched_new.remove(match)
    for key in list(old_by):
        item_path = path + ((identity, key),)
        if key in new_by:
            result += _compare(group, item_path, old_by[key], new_by[key])
        elif key in renamed:
            result += _compare(group, item_path, old_by[key], new_by[renamed[key]])
        else:
            result.append(Change(group, REMOVED, _describe(item_path), _printable(old_by[key]), None, item_path,
                                 old_by[key], None))
    for key in unmatched_new:
        item_path = path + ((identity, key),)
        result.append(Change(group, ADDED, _describe(item_path), None, _printable(new_by[key]), item_path, None,
                             new_by[key]))
    return result


def _plans(old: Version, new: Version) -> list[Change]:
    result = []
    for before, plan in match_plans(old.plans, new.plans):
        if plan is None:
            result.append(Change(PLANS_GROUP, REMOVED, f"plan ”{before.data.get('titel')}”",
                                 f"bilaga {before.number}", None, ("planer",), before.data, None,
                                 (before.number, before.data.get("titel"))))
            continue
        title = plan.data.get("titel")
        where = (plan.number, title)
        if before is None:
            result.append(Change(PLANS_GROUP, ADDED, f"plan ”{title}”", None, f"bilaga {plan.number}",
                                 ("planer",), None, plan.data, where))
            continue
        if before.number != plan.number:
            result.append(Change(PLANS_GROUP, CHANGED, f"plan ”{title}”: bilaga nummer",
                                 str(before.number), str(plan.number), ("bilaga",), before.number, plan.number,
                                 where))
        for key in _ordered_keys(before.data, plan.data):
            if key == "exempel":
                continue
            for change in _compare(PLANS_GROUP, (key,), before.data.get(key), plan.data.get(key)):
                result.append(replace(change, what=f"plan ”{title}”: {change.what}", plan=where))
    return result

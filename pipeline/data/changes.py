"""The change summary between two versions, computed from the data itself.

Lists what the committee must see: goals, fokusområden, plans, activities,
follow-ups, dates, parties and decisions that were added, removed or changed,
with the old value beside the new.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
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

CLOSE = 0.6  # how alike a reworded item must be to count as the same item (difflib's ratio)
_ALL_PAIRS = 2_500  # up to this many (old × new) pairs, compare all against all
_COMMON = 50  # a word in more new items than this says little about which item it is
_CANDIDATES = 8  # new items compared exactly with each old one in a long list
_WORDS = re.compile(r"\w+")

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
    old_set, new_set = set(old_texts), set(new_texts)
    # (printed text, the item itself): the change keeps the item, e.g. a goal with its id
    gone = [(t, x) for t, x in zip(old_texts, old, strict=True) if t not in new_set]
    come = [(t, x) for t, x in zip(new_texts, new, strict=True) if t not in old_set]
    # A reworded item is a change, not a removal and an addition; matched on what the items say:
    # "Hög alkoholpåverkan" is the cause {id: O2, orsak: Hög alkoholpåverkan}.
    matches = closest([item_text(x) or t or "" for t, x in gone], [item_text(x) or t or "" for t, x in come])
    matched = {j for j in matches if j is not None}
    result = [Change(group, CHANGED, label, text, come[j][0], path, item, come[j][1])
              for (text, item), j in zip(gone, matches, strict=True) if j is not None]
    result += [Change(group, REMOVED, label, t, None, path, x, None)
               for (t, x), j in zip(gone, matches, strict=True) if j is None]
    result += [Change(group, ADDED, label, None, t, path, None, x) for j, (t, x) in enumerate(come) if j not in matched]
    kept_old = [t for t in old_texts if t in new_set]
    kept_new = [t for t in new_texts if t in old_set]
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
    # a reworded item is a change, not a removal and an addition
    matches = closest([str(k) for k in unmatched_old], [str(k) for k in unmatched_new])
    renamed = {key: unmatched_new[j] for key, j in zip(unmatched_old, matches, strict=True) if j is not None}
    taken = set(renamed.values())
    unmatched_new = [k for k in unmatched_new if k not in taken]
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


def closest(olds: list[str], news: list[str]) -> list[int | None]:
    """Return, for each old text in order, the index of the new text it most resembles (a ratio of
    at least 0.6, as difflib.get_close_matches), each new text taken at most once; None for none.

    A short list is compared all against all. In a long one (a plan of thousands of activities)
    each old text is compared only with the few new texts that share the most of its rarer words
    (an inverted index), so the work grows with the length of the list, not its square.
    """
    if len(olds) * len(news) <= _ALL_PAIRS:
        left = list(range(len(news)))
        result: list[int | None] = []
        for text in olds:
            close = difflib.get_close_matches(text, [news[j] for j in left], n=1, cutoff=CLOSE)
            j = next((k for k in left if news[k] == close[0]), None) if close else None
            if j is not None:
                left.remove(j)
            result.append(j)
        return result
    index: dict[str, list[int]] = {}
    for j, text in enumerate(news):
        for word in set(_WORDS.findall(text.lower())):
            index.setdefault(word, []).append(j)
    used: set[int] = set()
    result = []
    for text in olds:
        shared: Counter[int] = Counter()
        for word in set(_WORDS.findall(text.lower())):
            postings = index.get(word, ())
            if len(postings) <= _COMMON:
                shared.update(j for j in postings if j not in used)
        matcher, best = difflib.SequenceMatcher(), None
        matcher.set_seq2(text)
        for j, _ in shared.most_common(_CANDIDATES):
            matcher.set_seq1(news[j])
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                ratio = matcher.ratio()
                if ratio >= CLOSE and (best is None or ratio > best[0]):
                    best = (ratio, j)
        result.append(best[1] if best else None)
        if best:
            used.add(best[1])
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

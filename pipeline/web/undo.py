"""**Ångra** for an item removed from a list (a goal, an activity, a signature …) while the page
is open, and new ids for new items that never reuse an old one.

A removed item travels with the page: the form carries the items removed since it was
opened in a hidden input, as JSON, so that Ångra puts the last one back where it was until the
page is left or saved. That input comes back from the browser and is read as untrusted: its
size, shape and places are checked against the page's own fields, and anything else is refused.
"""

from __future__ import annotations

import json
import re

from pipeline.data.tracing import ID
from pipeline.errors import Problem
from pipeline.web import forms

FIELD = "borttagna"  # the hidden input with the removed items
MAX_BYTES = 512 * 1024
MAX_ENTRIES = 20

# Lists of a plan whose items have ids, and the letter of their ids (pipeline/data/tracing.py).
ID_LISTS = {("orsaksanalys", "orsaker"): "O", ("mål", "effektmål"): "E", ("mål", "operativa_mål"): "M",
            ("aktiviteter",): "A", ("uppföljning",): "I"}


def removed(action: str, fields: tuple[forms.Field, ...], data: dict) -> dict | None:
    """Return what ``ta-bort:<item>`` removes, for the page to carry (before it is removed), or None."""
    verb, path = forms.parse_action(action, fields)
    if verb != "ta-bort":
        return None
    *list_path, index = path
    items = forms.container(data, tuple(list_path), list, action=action)
    if not 0 <= index < len(items):
        return None
    return {"lista": forms.input_name(tuple(list_path)), "plats": index, "post": items[index]}


def carried(text: str | None) -> list[dict]:
    """Return the removed items a submitted form carries; raise FormRefused for anything else."""
    if not text:
        return []
    if len(text) > MAX_BYTES:
        raise forms.too_large("poster i en lista")
    try:
        entries = json.loads(text)
    except (ValueError, RecursionError):
        raise _refused() from None
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise _refused()
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("lista"), str) and type(entry.get("plats")) is int
                and _plain(entry.get("post"), 3)):
            raise _refused()
    return entries


def encode(entries: list[dict]) -> str:
    """Return the hidden input's value (the latest :data:`MAX_ENTRIES` removals)."""
    return json.dumps(entries[-MAX_ENTRIES:], ensure_ascii=False, default=str)


def restore(entries: list[dict], fields: tuple[forms.Field, ...], data: dict) -> str:
    """Put the last removed item back in its list in ``data``; return the form name to focus."""
    entry = entries.pop()
    verb, path = forms.parse_action(f"lägg-till:{entry['lista']}", fields)
    field = forms.field_at(fields, path)
    post = entry["post"]
    if field is None or (field.scalar_list and not isinstance(post, str)) or (
            not field.scalar_list and not isinstance(post, dict) and not (field.text_key and isinstance(post, str))):
        raise _refused()
    items = forms.container(data, path, list, create=True, action=verb)
    if len(items) >= forms.MAX_ITEMS:
        raise forms.too_large("poster i en lista")
    place = min(max(entry["plats"], 0), len(items))
    items.insert(place, post)
    return forms.input_name(path + (place,))


def description(entry: dict, fields: tuple[forms.Field, ...]) -> str:
    """Return how the page names a removed item: "Aktivitet 3 (A3)", "Mål 1"."""
    try:
        path = forms.path_of(entry["lista"])
    except ValueError:
        return "Posten"
    field = forms.field_at(fields, path)
    name = (field.item_label or field.label) if field else "Posten"
    post = entry.get("post")
    given = post.get("id") if isinstance(post, dict) else None
    return f"{name} {entry['plats'] + 1}" + (f" ({given})" if isinstance(given, str) and given else "")


def _plain(value, depth: int) -> bool:
    """``True`` for what a form's item can hold: texts, numbers, lists and mappings of them."""
    if value is None or isinstance(value, (str, int, float)):
        return True
    if depth <= 0:
        return False
    if isinstance(value, list):
        return len(value) <= forms.MAX_ITEMS and all(_plain(v, depth - 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= 50 and all(isinstance(k, str) and _plain(v, depth - 1) for k, v in value.items())
    return False


def _refused() -> forms.FormRefused:
    return forms.FormRefused(Problem(None, "det borttagna som skulle återställas hör inte till det här formuläret",
                                     field=FIELD, hint="Ladda om sidan och försök igen."))


# --- new ids ----------------------------------------------------------------------------------------------------

def letter_of(list_path: tuple) -> str | None:
    """Return the letter of the ids of a plan's list (``("aktiviteter",)`` → "A"), or None."""
    return ID_LISTS.get(tuple(p for p in list_path if not isinstance(p, int)))


def freeze_ids(list_path: tuple, items: list, text_key: str | None) -> None:
    """Write each item's id as it is now (its place, for an item written without one) before a
    removal or a move, so that no item takes another's id by moving up the list."""
    letter = letter_of(list_path)
    if letter is None:
        return
    for index, item in enumerate(items):
        if isinstance(item, dict) and not item.get("id"):
            item["id"] = f"{letter}{index + 1}"
        elif isinstance(item, str) and text_key:
            items[index] = {"id": f"{letter}{index + 1}", text_key: item}


def new_id(list_path: tuple, items: list, used: set[str]) -> str | None:
    """Return an id for a new item (the list's last) of a plan's list – one more than the highest
    number its letter has had (``used``: the ids of this file as saved, of earlier versions and of
    follow-ups; the list's own, written or by place) – or None for a list without ids."""
    letter = letter_of(list_path)
    if letter is None:
        return None
    own = {_id_of(item, index, letter) for index, item in enumerate(items[:-1])}
    numbers = [int(m.group(1)) for text in used | own if (m := re.fullmatch(rf"{letter}(\d{{1,6}})", text))]
    made = f"{letter}{max(numbers, default=0) + 1}"
    return made if ID.fullmatch(made) else None


def _id_of(item, index: int, letter: str) -> str:
    written = item.get("id") if isinstance(item, dict) else None
    return str(written) if written else f"{letter}{index + 1}"


def ids_in_plan(data) -> set[str]:
    """Return every id a plan's lists give (what a new item must not take)."""
    found: set[str] = set()
    for list_path, letter in ID_LISTS.items():
        items = data
        for key in list_path:
            items = items.get(key) if isinstance(items, dict) else None
        if isinstance(items, list):
            found |= {_id_of(item, index, letter) for index, item in enumerate(items)}
    return found

"""Forms made from the schemas: which fields a file has, what they are called, and the
data a submitted form holds.

Every field of a schema becomes a :class:`Field`; its label, help text and kind come
from ``schemas/etiketter.yaml`` (kept with the schemas, a test checks that every field
has one). A form's inputs are named by the field's place in the data, list items by
their index: ``f.fokusområden.1.namn``. :func:`data_from_form` turns a submitted form
back into data; :func:`apply_action` adds, removes, moves and inherits list items and
fields before a form is shown again.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from pipeline import resources
from pipeline.data import rules
from pipeline.data.schema import load_schema

PREFIX = "f"
LABELS_FILE = "etiketter.yaml"
# Set by their own commands (Registrera beslut, the version folder's name), shown but not edited.
READ_ONLY = {"overenskommelse": {("version",), ("status",), ("beslut",)}}


@dataclass
class Field:
    """One field of a schema as the form shows it."""

    key: str
    path: tuple[str, ...]
    label: str
    kind: str  # group, list, text, prose, date, date_or_text, choice, choices, ids, number
    help: str = ""
    required: bool = False
    allowed: list | None = None
    choices_from: str | None = None
    item_label: str = ""
    read_only: bool = False
    children: list[Field] = field(default_factory=list)  # a group's fields, or a list's item fields
    item: Field | None = None  # a list of single values: the kind of each
    text_key: str | None = None  # a list whose items are a text or a mapping {id, <text_key>}

    @property
    def scalar_list(self) -> bool:
        return self.kind == "list" and self.item is not None


@lru_cache(maxsize=None)
def labels() -> dict:
    """Return the labels of every schema: {schema: {"a.b": {etikett, hjälp, …}}}."""
    with open(resources.schemas_dir() / LABELS_FILE, encoding="utf-8") as handle:
        # CSafeLoader or SafeLoader: a safe loader, which bandit's B506 cannot see.
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec B506


@lru_cache(maxsize=None)
def fields_of(schema_name: str) -> tuple[Field, ...]:
    """Return the fields of a schema, in its order."""
    return tuple(_fields(load_schema(schema_name), (), schema_name))


def _fields(rules: dict, path: tuple, schema_name: str) -> list[Field]:
    return [_field(key, rule, path + (key,), schema_name) for key, rule in rules.items() if isinstance(rule, dict)]


def _field(key: str, rule: dict, path: tuple, schema_name: str) -> Field:
    meta = labels().get(schema_name, {}).get(".".join(path), {})
    types = rule.get("type", "string")
    types = types if isinstance(types, list) else [types]
    made = Field(key=key, path=path, label=meta.get("etikett", key), kind="text", help=meta.get("hjälp", ""),
                 required=bool(rule.get("required")), allowed=rule.get("allowed"),
                 choices_from=meta.get("val"), item_label=meta.get("post", ""),
                 read_only=path in READ_ONLY.get(schema_name, set()) or path[:1] in READ_ONLY.get(schema_name, set()))
    inner = rule.get("schema")
    if "dict" in types and isinstance(inner, dict):
        made.kind, made.children = "group", _fields(inner, path, schema_name)
    elif "dict" in types:
        made.kind = "opaque"  # free-form content (lan.yaml's "gemensamt"): not a form field
    elif types == ["list"] and isinstance(inner, dict) and inner.get("type") == "dict":
        made.kind, made.children = "list", _fields(inner.get("schema", {}), path, schema_name)
    elif types == ["list"] and isinstance(inner, dict) and isinstance(inner.get("schema"), dict):
        # Items written either as a text or as {id, text} (causes and goals): shown as a group
        # each, written back as a plain text when no id is given (as the file had them).
        made.kind, made.children = "list", _fields(inner["schema"], path, schema_name)
        made.text_key = next(key for key, rule in inner["schema"].items() if rule.get("required"))
    elif types == ["list"]:
        made.kind = "list"
        made.item = Field(key="", path=path, label=made.item_label or made.label,
                          kind="prose" if meta.get("flerrad") else "text", required=True)
    elif made.choices_from:
        made.kind = "choices" if "list" in types else "choice"
    elif types == ["string", "list"]:
        made.kind = "ids"  # one id or several: written "O1, O2" in one input
    elif types == ["number"]:
        made.kind = "number"
    elif made.allowed:
        made.kind = "choice"
    elif types == ["date"]:
        made.kind = "date"
    elif "date" in types:
        made.kind = "date_or_text"
    elif meta.get("flerrad"):
        made.kind = "prose"
    return made


def input_name(path: tuple) -> str:
    """Return the form name of a place in the data: ("fokusområden", 1, "namn") → f.fokusområden.1.namn."""
    return ".".join([PREFIX] + [str(p) for p in path])


def path_of(name: str) -> tuple:
    """Return the place in the data of a form name (the reverse of :func:`input_name`)."""
    parts = name.split(".")
    if not parts or parts[0] != PREFIX:
        raise ValueError(name)
    return tuple(int(p) if p.isdigit() else p for p in parts[1:])


_ITEM = re.compile(r"\[(\d+)\]")


def name_of_problem_field(text: str | None) -> str | None:
    """Return the form name of a problem's field ("aktiviteter[2].ansvarig" counts items from 1)."""
    if not text:
        return None
    dotted = _ITEM.sub(lambda m: f".{int(m.group(1)) - 1}", text)
    return f"{PREFIX}.{dotted}"


def input_of_problem(text: str | None, fields: tuple[Field, ...]) -> str | None:
    """Return the form name where a problem's message goes: its field's, or – for an item of a
    value the form shows in one input ("O1, O2", several choices) – that input's."""
    name = name_of_problem_field(text)
    if name is None:
        return None
    path = path_of(name)
    while path and isinstance(path[-1], int):
        holder = field_at(fields, path[:-1])
        if holder is None or holder.kind == "list":
            break
        path = path[:-1]  # "aktiviteter.0.orsaker.1": the one input of the activity's links
    return input_name(path)


# --- from a submitted form to data --------------------------------------------------------------

def data_from_form(fields: tuple[Field, ...], form, original: dict) -> dict:
    """Return the data a submitted form holds: ``original`` (the file as read) with every field
    the form shows set from the form. Read-only fields and keys the schema does not know are
    kept as they were."""
    data = copy.deepcopy(original)
    _group_from_form(fields, form, (), data, original)
    return data


def _group_from_form(fields, form, path: tuple, data: dict, original: dict) -> None:
    for item in fields:
        if item.read_only or item.kind == "opaque":
            continue
        here = path + (item.key,)
        name = input_name(here)
        if not _present(form, name):
            continue  # not in the form: inherited from the county, or not shown
        value = _value_from_form(item, form, here, original.get(item.key) if isinstance(original, dict) else None)
        if value is None:
            data.pop(item.key, None)
        else:
            data[item.key] = value


def _present(form, name: str) -> bool:
    """``True`` when the form has an input for ``name`` or below it (a marker for empty lists)."""
    return any(key == name or key.startswith(name + ".") for key in form.keys())


def _value_from_form(item: Field, form, path: tuple, original):
    name = input_name(path)
    if item.kind == "group":
        data = dict(original) if isinstance(original, dict) else {}
        _group_from_form(item.children, form, path, data, original if isinstance(original, dict) else {})
        if not item.required and original is None and _empty(data):
            return None  # an optional group left blank is not written at all
        return data if data or item.required else None
    if item.kind == "list":
        values = []
        for index in _indices(form, name):
            before = original[index] if isinstance(original, list) and index < len(original) else None
            if item.scalar_list:
                values.append(_scalar(item.item, form.get(f"{name}.{index}", "")))
            else:
                entry = dict(before) if isinstance(before, dict) else {}
                _group_from_form(item.children, form, path + (index,), entry, before if isinstance(before, dict) else {})
                values.append(_text_or_entry(item, entry))
        return values if values or item.required else None
    if item.kind == "choices":
        chosen = [v for v in form.getlist(name) if v]
        if not chosen:
            return "" if item.required else None
        return chosen[0] if len(chosen) == 1 else chosen
    return _scalar(item, form.get(name, ""), original)


def _text_or_entry(item: Field, entry: dict):
    """Return a cause's or goal's item as the file writes it: the text alone when it has no id."""
    if item.text_key and not entry.get("id") and set(entry) <= {"id", item.text_key}:
        return entry.get(item.text_key, "")
    return entry


def _empty(value) -> bool:
    """``True`` for a value with nothing filled in: empty texts, lists and groups all the way down."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value is None or value == ""


def _indices(form, name: str) -> list[int]:
    """Return the item indices a form has for the list ``name``, in order."""
    found = set()
    for key in form.keys():
        if key.startswith(name + "."):
            head = key[len(name) + 1:].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def _scalar(item: Field, text: str, original=None):
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if item.kind == "prose":
        # Paragraphs are separated by an empty line; the lines of one paragraph are one text.
        blocks = re.split(r"\n[ \t]*\n", text)
        text = "\n\n".join(" ".join(line.strip() for line in block.split("\n") if line.strip())
                           for block in blocks if block.strip())
    else:
        text = " ".join(text.split("\n"))
    if not text:
        if original is None and not item.required:
            return None
        return "" if item.required or original is not None else None
    if item.kind in ("date", "date_or_text"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # validation says what is wrong with it
    if item.kind == "ids":
        ids = [part for part in re.split(r"[,;\s]+", text) if part]
        return ids[0] if len(ids) == 1 and not isinstance(original, list) else ids
    if item.kind == "number":
        return _number(text)
    return text


def _number(text: str):
    """Return a number written the Swedish or the English way ("4,5", "4.5", "1 200"), or the
    text as it was (validation then says it is not a number)."""
    plain = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(plain)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in plain else value


# --- list and inheritance actions -----------------------------------------------------------------

def apply_action(action: str, fields: tuple[Field, ...], data: dict, inherited: dict | None) -> str | None:
    """Apply a form button's action to ``data`` in place; return the form name to focus next.

    Actions: ``lägg-till:<lista>``, ``ta-bort:<post>``, ``upp:<post>``, ``ned:<post>``,
    ``skriv-över:<fält>`` (take the county's value to change it here) and ``ärv:<fält>`` (drop
    this file's value and use the county's again).
    """
    verb, _, name = action.partition(":")
    path = path_of(name)
    if verb == "lägg-till":
        target = _at(data, path, create=True)
        item = field_at(fields, path)
        target.append("" if item is None or item.scalar_list else {})
        return input_name(path + (len(target) - 1,))
    if verb in ("ta-bort", "upp", "ned"):
        *list_path, index = path
        target = _at(data, tuple(list_path))
        if not isinstance(target, list) or not 0 <= index < len(target):
            return None
        if verb == "ta-bort":
            del target[index]
            return input_name(tuple(list_path)) if not target else input_name(tuple(list_path) + (min(index, len(target) - 1),))
        other = index - 1 if verb == "upp" else index + 1
        if 0 <= other < len(target):
            target[index], target[other] = target[other], target[index]
            return input_name(tuple(list_path) + (other,))
        return input_name(path)
    if verb == "skriv-över" and inherited is not None:
        value = _get(inherited, path)
        if value is not None:
            *parent, key = path
            _at(data, tuple(parent), create=True, as_dict=True)[key] = copy.deepcopy(value)
        return name
    if verb == "ärv":
        *parent, key = path
        holder = _get(data, tuple(parent))
        if isinstance(holder, dict):
            holder.pop(key, None)
        return name
    return None


def field_at(fields, path: tuple) -> Field | None:
    """Return the field at a place in the data (indices skipped)."""
    current = None
    for part in path:
        if isinstance(part, int):
            continue
        pool = fields if current is None else current.children
        current = next((f for f in pool if f.key == part), None)
        if current is None:
            return None
    return current


def _get(data, path: tuple):
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def _at(data, path: tuple, create: bool = False, as_dict: bool = False):
    """Return the container at ``path``, making missing ones when ``create`` (a list at the end,
    or a mapping with ``as_dict``)."""
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(part, int):
            data = data[part]
            continue
        if part not in data or data[part] is None:
            if not create:
                return None
            data[part] = {} if (not last or as_dict) else []
        data = data[part]
    return data


def choices(item: Field, agreement: dict) -> list[str]:
    """Return the values a field may take: its schema's ``allowed``, or what the agreement names."""
    if item.allowed:
        return [str(v) for v in item.allowed]
    if item.choices_from == "fokusområden":
        return [str(f.get("namn")) for f in agreement.get("fokusområden") or [] if isinstance(f, dict) and f.get("namn")]
    if item.choices_from == "parter":
        return [str(n) for n in rules.party_names(agreement)]
    return []

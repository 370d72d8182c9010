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
from functools import cache

import yaml

from pipeline import resources
from pipeline.data import rules
from pipeline.data.schema import load_schema
from pipeline.errors import DataError, Problem

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
    always_list: bool = False  # choices written as a list even when one is chosen

    @property
    def scalar_list(self) -> bool:
        return self.kind == "list" and self.item is not None


@cache
def labels() -> dict:
    """Return the labels of every schema: {schema: {"a.b": {etikett, hjälp, …}}}."""
    with open(resources.schemas_dir() / LABELS_FILE, encoding="utf-8") as handle:
        # CSafeLoader or SafeLoader: a safe loader, which bandit's B506 cannot see.
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec B506


@cache
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
    elif types == ["list"] and made.choices_from:
        made.kind, made.always_list = "choices", True  # the series a kartläggning cites
    elif types == ["list"]:
        made.kind = "list"
        made.item = Field(key="", path=path, label=made.item_label or made.label,
                          kind="prose" if meta.get("flerrad") else "text", required=True)
    elif made.choices_from:
        made.kind = "choices" if "list" in types else "choice"
    elif types == ["string", "list"]:
        made.kind = "ids"  # one id or several: written "O1, O2" in one input
    elif types in (["number"], ["integer"]):
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
    return tuple(int(p) if _INDEX.fullmatch(p) else p for p in parts[1:])


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

# What a form may hold: far more than any real agreement or plan (the largest example has 110
# inputs and lists of a dozen items), few enough that reading and checking one takes at most a
# second or two. A bigger form is refused before it is read.
MAX_FIELDS = 2000  # inputs in one submission
MAX_ITEMS = 100  # items of one list
MAX_NAME = 200  # characters of an input's name
MAX_DEPTH = 12  # parts of an input's name ("f.aktiviteter.0.orsaker" has 4)
_INDEX = re.compile(r"[0-9]{1,6}")  # an item's index in a name: ASCII digits only


class FormRefused(DataError):
    """A submitted form that does not fit the file's form (an unknown button, a crafted name)."""

    status = 400


class FormTooLarge(FormRefused):
    """A submitted form with more inputs or list items than any real one has."""

    status = 413


def too_large(what: str) -> FormTooLarge:
    return FormTooLarge(Problem(None, f"formuläret har för många {what} (högst {MAX_FIELDS} fält och "
                                      f"{MAX_ITEMS} poster i en lista)",
                                hint="Dela upp innehållet, eller redigera filen i en texteditor."))


class FormIndex:
    """The names a submitted form holds, read once: every input's name and each of the names
    above it (``f.mål.0`` also gives ``f.mål`` and ``f``), and each list's item indices. Asking
    whether a field is in the form, or which items a list has, is then a lookup – reading a form
    takes time in proportion to its size, however its names are made."""

    def __init__(self, form):
        self.present: set[str] = set()
        self.items: dict[str, set[int]] = {}
        count = 0
        for key in form.keys():  # noqa: SIM118 - a MultiDict; tests count the calls of keys()
            count += 1
            if count > MAX_FIELDS:
                raise too_large("fält")
            if len(key) > MAX_NAME or not (key == PREFIX or key.startswith(PREFIX + ".")):
                continue  # not an input of the file's fields
            parts = key.split(".", MAX_DEPTH)
            if len(parts) > MAX_DEPTH:
                continue
            name = parts[0]
            self.present.add(name)
            for part in parts[1:]:
                if _INDEX.fullmatch(part):
                    found = self.items.setdefault(name, set())
                    found.add(int(part))
                    if len(found) > MAX_ITEMS:
                        raise too_large("poster i en lista")
                name = f"{name}.{part}"
                self.present.add(name)

    def has(self, name: str) -> bool:
        """``True`` when the form has an input for ``name`` or below it (a marker for empty lists)."""
        return name in self.present

    def indices(self, name: str) -> list[int]:
        """Return the item indices the form has for the list ``name``, in order."""
        return sorted(self.items.get(name, ()))

    def containers(self) -> set[str]:
        """Return every input's name and the names that hold it, below the prefix (``f.mål``, ``f.mål.0``)."""
        return {name for name in self.present if name != PREFIX}


def data_from_form(fields: tuple[Field, ...], form, original: dict, index: FormIndex | None = None) -> dict:
    """Return the data a submitted form holds: ``original`` (the file as read) with every field
    the form shows set from the form. Read-only fields and keys the schema does not know are
    kept as they were. Raise :class:`FormTooLarge` for a form bigger than any real one."""
    index = index or FormIndex(form)
    original = original if isinstance(original, dict) else {}
    data = copy.deepcopy(original)
    _group_from_form(fields, form, index, (), data, original)
    return data


def _group_from_form(fields, form, index: FormIndex, path: tuple, data: dict, original: dict) -> None:
    for item in fields:
        if item.read_only or item.kind == "opaque":
            continue
        here = path + (item.key,)
        if not index.has(input_name(here)):
            continue  # not in the form: inherited from the county, or not shown
        value = _value_from_form(item, form, index, here,
                                 original.get(item.key) if isinstance(original, dict) else None)
        if value is None:
            data.pop(item.key, None)
        else:
            data[item.key] = value


def _value_from_form(item: Field, form, index: FormIndex, path: tuple, original):
    name = input_name(path)
    if item.kind == "group":
        data = dict(original) if isinstance(original, dict) else {}
        _group_from_form(item.children, form, index, path, data, original if isinstance(original, dict) else {})
        if not item.required and original is None and _empty(data):
            return None  # an optional group left blank is not written at all
        return data if data or item.required else None
    if item.kind == "list":
        values = []
        for position in index.indices(name):
            before = original[position] if isinstance(original, list) and position < len(original) else None
            if item.item is not None:  # a scalar list
                values.append(_scalar(item.item, form.get(f"{name}.{position}", "")))
            else:
                entry = dict(before) if isinstance(before, dict) else {}
                _group_from_form(item.children, form, index, path + (position,), entry,
                                 before if isinstance(before, dict) else {})
                values.append(_text_or_entry(item, entry))
        return values if values or item.required else None
    if item.kind == "choices":
        chosen = [v for v in form.getlist(name) if v]
        if not chosen:
            return "" if item.required else None
        return chosen if item.always_list or len(chosen) > 1 else chosen[0]
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

ACTIONS = ("lägg-till", "ta-bort", "upp", "ned", "skriv-över", "ärv")


def apply_action(action: str, fields: tuple[Field, ...], data: dict, inherited: dict | None) -> str | None:
    """Apply a form button's action to ``data`` in place; return the form name to focus next.

    Actions: ``lägg-till:<lista>``, ``ta-bort:<post>``, ``upp:<post>``, ``ned:<post>``,
    ``skriv-över:<fält>`` (take the county's value to change it here) and ``ärv:<fält>`` (drop
    this file's value and use the county's again). Raise :class:`FormRefused` for an action that
    is none of these, or names no list, item or field of this form and its data.
    """
    verb, path = parse_action(action, fields)
    if verb == "lägg-till":
        target = container(data, path, list, create=True, action=action)
        if len(target) >= MAX_ITEMS:
            raise too_large("poster i en lista")
        item = field_at(fields, path)
        target.append("" if item.scalar_list else {})
        return input_name(path + (len(target) - 1,))
    if verb in ("ta-bort", "upp", "ned"):
        *list_path, index = path
        target = container(data, tuple(list_path), list, action=action)
        if not 0 <= index < len(target):
            raise _refused(action)
        if verb == "ta-bort":
            del target[index]
            if not target:
                return input_name(tuple(list_path))
            return input_name(tuple(list_path) + (min(index, len(target) - 1),))
        other = index - 1 if verb == "upp" else index + 1
        if 0 <= other < len(target):
            target[index], target[other] = target[other], target[index]
            return input_name(tuple(list_path) + (other,))
        return input_name(path)
    *parent, key = path
    name = input_name(path)
    if verb == "skriv-över":
        value = _get(inherited, path) if inherited is not None else None
        if value is not None:
            container(data, tuple(parent), dict, create=True, action=action)[key] = copy.deepcopy(value)
        return name
    holder = _get(data, tuple(parent))  # ärv
    if isinstance(holder, dict):
        holder.pop(key, None)
    return name


def parse_action(action: str, fields: tuple[Field, ...]) -> tuple[str, tuple]:
    """Return (verb, place in the data) of a button's action; raise :class:`FormRefused` unless
    the verb is one of :data:`ACTIONS` and the place is one its button can stand at: a list for
    ``lägg-till``, a list's item for the moves and ``ta-bort``, a field otherwise – never a
    read-only one."""
    verb, colon, name = action.partition(":")
    if verb not in ACTIONS or not colon:
        raise _refused(action)
    try:
        path = path_of(name)
    except ValueError:
        raise _refused(action) from None
    shape = _shape(fields, path)
    if shape is None:
        raise _refused(action)
    field, at_item = shape
    wanted = {"lägg-till": field.kind == "list" and not at_item,
              "ta-bort": at_item, "upp": at_item, "ned": at_item,
              "skriv-över": not at_item, "ärv": not at_item}[verb]
    if not wanted or field.read_only or field.kind == "opaque":
        raise _refused(action)
    return verb, path


def _shape(fields, path: tuple) -> tuple[Field, bool] | None:
    """Return the field at ``path`` and whether the path ends at one of its list's items, or
    None when the path is no place in the form: names alternate with an index after each list."""
    if not path or not isinstance(path[0], str):
        return None
    pool, current, at_item = fields, None, False
    for part in path:
        if isinstance(part, int):
            if current is None or current.kind != "list" or at_item:
                return None
            at_item = True
            continue
        if current is not None and (current.kind == "list" and not at_item or current.scalar_list):
            return None  # a list's fields are reached through an item
        if current is not None and current.kind not in ("group", "list"):
            return None
        current = next((f for f in pool if f.key == part), None)
        if current is None:
            return None
        pool, at_item = current.children, False
    if current is None:  # never: the path starts with a name, which sets it or returns above
        return None
    return current, at_item


def _refused(action: str) -> FormRefused:
    return FormRefused(Problem(None, f"knappen '{action}' hör inte till det här formuläret",
                               field="åtgärd", hint="Ladda om sidan och försök igen."))


def container(data, path: tuple, kind: type, create: bool = False, action: str = ""):
    """Return the list or mapping (``kind``) at ``path`` in ``data``, making missing mappings on
    the way and the last one when ``create``; raise :class:`FormRefused` when the data holds
    something else there (an item that is not there, a text where a list belongs)."""
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(part, int):
            if not isinstance(data, list) or not 0 <= part < len(data):
                raise _refused(action)
            data = data[part]
            continue
        if not isinstance(data, dict):
            raise _refused(action)
        if data.get(part) is None:
            if not create:
                raise _refused(action)
            data[part] = kind() if last else {}
        data = data[part]
    if not isinstance(data, kind):
        raise _refused(action)
    return data


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


def choice_pairs(item: Field, agreement: dict, series: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the (value, text) of each choice of a field: the kommun's ``series`` (id, name) for a
    field that chooses among them, else each value shown as itself."""
    if item.choices_from == "serier":
        return series
    return [(value, value) for value in choices(item, agreement)]


def choices(item: Field, agreement: dict) -> list[str]:
    """Return the values a field may take: its schema's ``allowed``, or what the agreement names."""
    if item.allowed:
        return [str(v) for v in item.allowed]
    if item.choices_from == "fokusområden":
        return [str(f.get("namn")) for f in agreement.get("fokusområden") or []
                if isinstance(f, dict) and f.get("namn")]
    if item.choices_from == "parter":
        return [str(n) for n in rules.party_names(agreement)]
    return []

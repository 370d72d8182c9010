"""Check data against the cerberus schemas in ``schemas/`` and explain failures in Swedish.

The schemas are YAML files so a secretary or a reviewer can read them; they are
loaded once per process. Cerberus reports errors as codes on field paths; this
module turns each into a :class:`Problem` at the line where the value was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

import yaml

from . import resources
from .errors import Problem
from .load import Loaded, closest, format_path

_TYPE_NAMES = {
    "string": "en text",
    "date": "ett datum (ÅÅÅÅ-MM-DD)",
    "list": "en lista (rader som börjar med '-')",
    "dict": "fält med underfält (nyckel: värde)",
    "integer": "ett heltal",
    "boolean": "sant eller falskt (true/false)",
}


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """Return the cerberus schema ``schemas/<name>.yaml`` as a dict (read once per process)."""
    path = resources.schemas_dir() / f"{name}.yaml"
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=None)
def _validator(name: str):
    import cerberus  # imported lazily: `samverkan --help` must stay fast

    # Unknown fields are found by _unknown_fields: cerberus re-sorts its error list on every
    # error, which takes minutes for a file with thousands of misplaced keys.
    return cerberus.Validator(load_schema(name), allow_unknown=True)


def check(loaded: Loaded, schema_name: str) -> list[Problem]:
    """Return the problems of ``loaded.data`` against the named schema (empty when valid)."""
    schema = load_schema(schema_name)
    problems = list(_unknown_fields(loaded, schema, loaded.data, ()))
    if any(p.message.startswith("ska vara") for p in problems):
        return problems  # a list where a mapping belongs (or the reverse) can crash cerberus
    validator = _validator(schema_name)
    try:
        valid = validator.validate(loaded.data)
    except Exception as exc:  # cerberus can fail on shapes it does not expect; never a traceback
        return problems + [Problem(loaded.file, f"filens struktur kunde inte kontrolleras ({exc})",
                                   hint="Jämför filen med exemplen under agreements/.")]
    if not valid:
        problems += [_explain(loaded, schema, error) for error in _leaves(validator._errors)]
    return problems


def _unknown_fields(loaded: Loaded, fields: dict, value, path: tuple):
    """Yield a problem for every key the schema does not know, with the likeliest intended key."""
    if not isinstance(value, dict):
        return
    for key, child in value.items():
        rule = fields.get(key)
        if not isinstance(rule, dict):
            suggestion = closest(str(key), fields)
            hint = f"Menade du '{suggestion}'?" if suggestion else "Tillåtna fält här: " + ", ".join(fields)
            yield loaded.problem(path + (key,), f"okänt fält '{key}'", hint=hint, key=True)
            continue
        yield from _unknown_in_rule(loaded, rule, child, path + (key,))


def _unknown_in_rule(loaded: Loaded, rule: dict, value, path: tuple):
    wanted = rule.get("type")
    kinds = wanted if isinstance(wanted, list) else [wanted]
    for kind, other in (("list", dict), ("dict", list)):
        if kind in kinds and isinstance(value, other) and not any(k in kinds for k in ("dict", "list")
                                                                  if k != kind):
            yield loaded.problem(path, f"ska vara {_TYPE_NAMES[kind]}, men är {_describe(value)}",
                                 hint=_type_hint([kind], value))
            return
    inner = rule.get("schema")
    if not isinstance(inner, dict):
        return
    if isinstance(value, dict) and "type" not in inner:  # a mapping with its own fields
        yield from _unknown_fields(loaded, inner, value, path)
    elif isinstance(value, list):  # a list whose items follow ``inner``
        for index, item in enumerate(value):
            yield from _unknown_in_rule(loaded, inner, item, path + (index,))


def _leaves(errors):
    """Yield the innermost cerberus errors (group errors only wrap their children)."""
    for error in errors:
        if error.is_group_error and error.child_errors:
            yield from _leaves(error.child_errors)
        else:
            yield error


def _describe(value) -> str:
    if value is None:
        return "inget värde"
    if isinstance(value, bool):
        return f"sant/falskt ({value})"
    if isinstance(value, (int, float)):
        return f"ett tal ({value})"
    if isinstance(value, dt.date):
        return f"ett datum ({value.isoformat()})"
    if isinstance(value, str):
        return f"texten '{value}'"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, dict):
        return "fält med underfält"
    return type(value).__name__


def _type_hint(expected: list[str], value) -> str | None:
    if "string" in expected and isinstance(value, (bool, int, float, dt.date)):
        return "Sätt värdet inom citattecken, t.ex. \"10:00\" eller \"ja\", så läses det som text."
    if "date" in expected and isinstance(value, str):
        return "Skriv datumet utan citattecken som ÅÅÅÅ-MM-DD, t.ex. 2023-02-13."
    if "list" in expected and not isinstance(value, list):
        return "Skriv varje punkt på en egen rad som börjar med '- '."
    return None


def _explain(loaded: Loaded, schema: dict, error) -> Problem:
    """Return a Swedish :class:`Problem` for one cerberus error."""
    path = tuple(error.document_path)
    code, value = error.code, error.value
    name = path[-1] if path else ""
    if code == 0x02:  # required
        # The field is not in the file: point at its parent mapping instead.
        problem = loaded.problem(path[:-1], f"obligatoriskt fält '{name}' saknas")
        return dataclasses.replace(problem, field=format_path(path))
    if code == 0x23:  # null
        return loaded.problem(path, "fältet saknar värde",
                              hint="Skriv ett värde efter kolonet, eller ta bort fältet om det är valfritt.")
    if code == 0x24:  # type
        expected = error.constraint if isinstance(error.constraint, list) else [error.constraint]
        wanted = " eller ".join(_TYPE_NAMES.get(t, t) for t in expected)
        return loaded.problem(path, f"ska vara {wanted}, men är {_describe(value)}",
                              hint=_type_hint(expected, value))
    if code == 0x22:  # empty
        return loaded.problem(path, "får inte vara tomt")
    if code == 0x27:  # minlength
        return loaded.problem(path, f"ska ha minst {error.constraint} punkt(er)")
    if code == 0x44:  # allowed
        allowed = ", ".join(f"'{a}'" for a in error.constraint)
        suggestion = closest(str(value), [str(a) for a in error.constraint])
        return loaded.problem(path, f"'{value}' är inte tillåtet; tillåtna värden: {allowed}",
                              hint=f"Menade du '{suggestion}'?" if suggestion else None)
    if code == 0x41:  # regex
        return loaded.problem(path, f"'{value}' har fel form (ska matcha {error.constraint})",
                              hint="Använd bara bokstäverna a–z, siffror, punkt, bindestreck och understreck.")
    return loaded.problem(path, f"ogiltigt värde ({error.rule}: {error.constraint})")

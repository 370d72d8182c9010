"""Check data against the cerberus schemas in ``schemas/`` and explain failures in Swedish.

The schemas are YAML files so a secretary or a reviewer can read them; they are
loaded once per process. Cerberus reports errors as codes on field paths; this
module turns each into a :class:`Problem` at the line where the value was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import cache, cached_property
from pathlib import Path

import yaml

from pipeline import resources
from pipeline.data import fastschema as fast
from pipeline.data.load import Loaded, closest, format_path
from pipeline.errors import Problem

MAX_LISTED_FIELDS = 8  # more allowed fields than this are not listed: the hint names the schema file

_TYPE_NAMES = {
    "string": "en text",
    "date": "ett datum (ÅÅÅÅ-MM-DD)",
    "list": "en lista (rader som börjar med '-')",
    "dict": "fält med underfält (nyckel: värde)",
    "integer": "ett heltal",
    "number": "ett tal",
    "boolean": "sant eller falskt (true/false)",
}


@cache
def load_schema(name: str) -> dict:
    """Return the cerberus schema ``schemas/<name>.yaml`` as a dict (read once per process)."""
    path = resources.schemas_dir() / f"{name}.yaml"
    with open(path, encoding="utf-8") as handle:
        # CSafeLoader or SafeLoader: a safe loader, which bandit's B506 cannot see.
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec B506


@cache
def _validator(name: str):
    import cerberus  # imported lazily: `samverkan --help` must stay fast

    # Unknown fields are found by _unknown_fields: cerberus re-sorts its error list on every
    # error, which takes minutes for a file with thousands of misplaced keys.
    return cerberus.Validator(load_schema(name), allow_unknown=True)


@dataclasses.dataclass
class _Checked:
    """What the search for unknown keys needs: the data, its schema, and where moved keys belong."""

    loaded: Loaded
    name: str
    schema: dict
    moved: set = dataclasses.field(default_factory=set)  # where misplaced keys belong

    @cached_property
    def homes(self) -> dict[str, list[tuple[tuple, bool]]]:
        """Return for each key the (path, required) of every mapping whose schema has the key
        but whose data lacks it (built once, so many unknown keys stay linear)."""
        found: dict[str, list] = {}
        for path, fields, mapping in _mappings(self.schema, self.loaded.data, ()):
            for key, rule in fields.items():
                if isinstance(rule, dict) and key not in mapping:
                    found.setdefault(key, []).append((path, bool(rule.get("required"))))
        return found

    @cached_property
    def children(self) -> dict[tuple, tuple]:
        """Return for each (file, path) the first key written under it there: (line, name, column)."""
        first: dict[tuple, tuple] = {}
        for path, src in self.loaded.keys.items():
            where, entry = (src.file, path[:-1]), (src.line, path[-1], src.column)
            if where not in first or entry < first[where]:
                first[where] = entry
        return first


def check(loaded: Loaded, schema_name: str) -> list[Problem]:
    """Return the problems of ``loaded.data`` against the named schema (empty when valid)."""
    schema = load_schema(schema_name)
    checked = _Checked(loaded, schema_name, schema, set())
    problems = list(_unknown_fields(checked, schema, loaded.data, ()))
    if any(p.message.startswith("ska vara") for p in problems):
        return problems  # a list where a mapping belongs (or the reverse) can crash cerberus
    if not problems and fast.valid(schema, loaded.data):
        return problems  # cerberus is asked only where something is wrong, for its exact errors
    validator = _validator(schema_name)
    try:
        valid = validator.validate(loaded.data)
    except Exception as exc:  # cerberus can fail on shapes it does not expect; never a traceback
        return problems + [Problem(loaded.file, f"filens struktur kunde inte kontrolleras ({exc})",
                                   hint="Jämför filen med exemplen under agreements/.")]
    if not valid:
        problems += [_explain(loaded, schema, error) for error in _leaves(validator._errors)
                     if not (error.code == 0x02 and tuple(error.document_path) in checked.moved)]
    return problems


def _unknown_fields(checked: _Checked, fields: dict, value, path: tuple):
    """Yield a problem for every key the schema does not know, saying where it belongs or what
    was likely meant."""
    if not isinstance(value, dict):
        return
    for key, child in value.items():
        rule = fields.get(key)
        if not isinstance(rule, dict):
            yield _unknown_field(checked, fields, path + (key,))
            continue
        yield from _unknown_in_rule(checked, rule, child, path + (key,))


def _unknown_field(checked: _Checked, fields: dict, path: tuple) -> Problem:
    """Return the problem of a key unknown at ``path``: written at the wrong level, misspelt, or unknown."""
    loaded, key, parent = checked.loaded, str(path[-1]), path[:-1]
    # Only a change of indentation: out to an enclosing level, or in under the lines above.
    homes = [(home, needed) for home, needed in checked.homes.get(key, [])
             if home == parent[:len(home)] or parent == home[:len(parent)]]
    homes = [home for home, needed in homes if needed] or [home for home, _ in homes]
    if len(homes) == 1:
        checked.moved.add(homes[0] + (key,))
        return _misplaced(checked, path, homes[0])
    if homes:
        places = " eller ".join(_place(home) for home in homes[:3]) + (" …" if len(homes) > 3 else "")
        return loaded.problem(path, f"står på fel nivå (fel indrag): '{key}' hör hemma {places}",
                              hint="Flytta raden dit och dra in den lika mycket som fälten där.", key=True)
    suggestion = closest(key, fields)
    if suggestion:
        hint = f"Menade du '{suggestion}'?"
    elif len(fields) <= MAX_LISTED_FIELDS:
        hint = "Tillåtna fält här: " + ", ".join(fields)
    else:
        level = tuple(part for part in path[:-1] if not isinstance(part, int))
        hint = f"Fälten som är tillåtna {_place(level)} står i {_schema_file(checked.name)}."
    return loaded.problem(path, f"okänt fält '{key}'", hint=hint, key=True)


def _mappings(fields: dict, data, path: tuple):
    """Yield (path, fields, mapping) for every mapping in ``data`` that has its own fields in the schema."""
    if not isinstance(data, dict):
        return
    yield path, fields, data
    for name, rule in fields.items():
        if name in data and isinstance(rule, dict):
            yield from _mappings_in_rule(rule, data[name], path + (name,))


def _mappings_in_rule(rule: dict, value, path: tuple):
    """Yield the mappings inside a value that follows ``rule`` (see :func:`_mappings`)."""
    inner = rule.get("schema")
    if not isinstance(inner, dict):
        return
    if isinstance(value, dict) and "type" not in inner:
        yield from _mappings(inner, value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _mappings_in_rule(inner, item, path + (index,))


def _misplaced(checked: _Checked, path: tuple, home: tuple) -> Problem:
    """Return one problem for a key written at ``path`` that belongs in ``home``, named by where it
    belongs, so that the 'required' error there is not needed."""
    loaded, key = checked.loaded, path[-1]
    problem = loaded.problem(path, f"står på fel nivå (fel indrag): '{key}' hör hemma "
                             f"{_place(home)}, inte {_place(path[:-1])}", key=True)
    field = loaded.prefixes.get(problem.file, "") + format_path(home + (key,))
    return dataclasses.replace(problem, field=field, hint=_move_hint(checked, home, problem.file))


def _move_hint(checked: _Checked, home: tuple, file) -> str:
    """Return how to move a key in ``file`` into the mapping at ``home``, indented as the keys there."""
    where = f"in under {format_path(home)}" if home else "ut till översta nivån"
    rest = "; rader som hör till fältet flyttas lika mycket."
    if (file, home) not in checked.children:
        return f"Flytta raden {where} och dra in den som fälten där{rest}"
    line, name, column = checked.children[(file, home)]
    indent = f"dra in den {column - 1} mellanslag" if column > 1 else "ta bort indraget"
    return f"Flytta raden {where} och {indent}, som '{name}' på rad {line}{rest}"


def _place(path: tuple) -> str:
    """Return where a field path is, as a user reads it: 'under organisation.brå' or 'på översta nivån'."""
    return f"under {format_path(path)}" if path else "på översta nivån"


def _schema_file(name: str) -> str:
    """Return the schema file ``name`` as a user can open it: relative to the working folder if inside it."""
    path = resources.schemas_dir() / f"{name}.yaml"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _unknown_in_rule(checked: _Checked, rule: dict, value, path: tuple):
    """Yield the problems of unknown keys (and of a list written as a mapping) inside ``value``."""
    loaded = checked.loaded
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
        yield from _unknown_fields(checked, inner, value, path)
    elif isinstance(value, list):  # a list whose items follow ``inner``
        for index, item in enumerate(value):
            yield from _unknown_in_rule(checked, inner, item, path + (index,))


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
    if "dict" in expected and isinstance(value, str) and re.fullmatch(r"[^\s:]+:\S.*", value):
        key, rest = value.split(":", 1)  # 'namn:Orsa' is one text to YAML, not a field
        return f"Efter kolon ska det stå ett mellanslag: '{key}: {rest}'."
    if "number" in expected and isinstance(value, str):
        return "Skriv bara talet, utan enhet, t.ex. 62 eller 12.5 (punkt som decimaltecken)."
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
        expected: list[str] = error.constraint if isinstance(error.constraint, list) else [error.constraint]
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

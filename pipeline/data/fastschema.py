"""Is a document valid under a cerberus schema? The same answer as cerberus, in a fraction of the time.

Cerberus checks its schema against its own meta-schema when a validator is made and
walks every rule through layers of dispatch – about a tenth of a second per command
here, most of ``samverkan validate``. This module answers only yes or no for the rules
the schemas in ``schemas/`` use (type, required, empty, nullable, allowed, minlength,
regex, schema), with cerberus's semantics; when the answer is no, cerberus is asked
for its exact errors. A schema with any other rule is always left to cerberus, and a
test compares the two answers on thousands of mutated documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence, Sized
from functools import lru_cache

KNOWN_RULES = frozenset({"type", "required", "empty", "nullable", "allowed", "minlength", "regex", "schema"})
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "date": lambda v: isinstance(v, dt.date),
    "dict": lambda v: isinstance(v, Mapping),
    "list": lambda v: isinstance(v, Sequence) and not isinstance(v, str),
    "integer": lambda v: isinstance(v, int),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def valid(fields: dict, document) -> bool:
    """``True`` when ``document`` (a mapping) satisfies the field rules ``fields``, unknown keys
    allowed; ``False`` also when the schema uses a rule this module does not check."""
    return understood(fields) and isinstance(document, Mapping) and _mapping(fields, document)


def understood(fields: dict) -> bool:
    """``True`` when every rule in the field rules ``fields`` is one this module checks like cerberus."""
    return isinstance(fields, dict) and all(_rule_known(rules) for rules in fields.values())


def _rule_known(rules) -> bool:
    if not isinstance(rules, dict) or not set(rules) <= KNOWN_RULES:
        return False
    types = rules.get("type", [])
    types = types if isinstance(types, list) else [types]
    if any(t not in _TYPES for t in types):
        return False
    inner = rules.get("schema")
    if inner is None:
        return True
    as_items = "list" in types and _rule_known(inner)
    as_fields = "dict" in types and understood(inner)
    return ("list" not in types or as_items) and ("dict" not in types or as_fields) and bool(types)


def _mapping(fields: dict, document: Mapping) -> bool:
    for name, rules in fields.items():
        if name in document:
            if not _value(rules, document[name]):
                return False
        elif rules.get("required"):
            return False
    return True


def _value(rules: dict, value) -> bool:
    if value is None:
        return bool(rules.get("nullable"))
    types = rules.get("type")
    if types is not None and not any(_TYPES[t](value) for t in (types if isinstance(types, list) else [types])):
        return False
    if rules.get("empty") is False and isinstance(value, Sized) and len(value) == 0:
        return False
    if not _allowed(rules, value) or not _length(rules, value) or not _regex(rules, value):
        return False
    inner = rules.get("schema")
    if inner is None:
        return True
    if isinstance(value, Mapping):
        return _mapping(inner, value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return all(_value(inner, item) for item in value)
    return True


def _allowed(rules: dict, value) -> bool:
    if "allowed" not in rules:
        return True
    allowed = rules["allowed"]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return all(item in allowed for item in value)
    return value in allowed


def _length(rules: dict, value) -> bool:
    return "minlength" not in rules or not isinstance(value, Sized) or len(value) >= rules["minlength"]


def _regex(rules: dict, value) -> bool:
    if "regex" not in rules or not isinstance(value, str):
        return True
    pattern = rules["regex"]
    return _compiled(pattern if pattern.endswith("$") else pattern + "$").match(value) is not None


@lru_cache(maxsize=64)
def _compiled(pattern: str):
    return re.compile(pattern)

"""The fast yes/no check gives cerberus's answer, on the schemas' rules and on mutated documents."""

from __future__ import annotations

import copy
import datetime as dt

import cerberus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AGREEMENTS
from fuzzing import examples
from pipeline.data import fastschema, schema
from pipeline.data.validate import validate_version

DOCUMENTS = []
for folder in ("orsa/2023", "falun/2027", "hedemora/2026"):
    version = validate_version(AGREEMENTS / "dalarna" / folder)
    DOCUMENTS.append(("overenskommelse", version.data))
    DOCUMENTS += [("plan", plan.data) for plan in version.plans]
VALIDATORS = {name: cerberus.Validator(schema.load_schema(name), allow_unknown=True)
              for name in ("overenskommelse", "plan")}
REPLACEMENTS = [None, "", "text", "2023-01-01", "grön", "ej bedömd", "a/b", "tills vidare", 0, 7, True,
                dt.date(2023, 1, 1), [], ["a"], [""], [None], [{"namn": "x"}], {}, {"namn": "x"}, {"a": 1}]


def paths(value, prefix=()):
    """Yield every path in a document (keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, prefix + (index,))


def mutate(document, path, action, replacement):
    result = copy.deepcopy(document)
    if not path:
        return result
    parent = result
    for part in path[:-1]:
        parent = parent[part]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(replacement)
    return result


@st.composite
def mutated(draw):
    name, document = draw(st.sampled_from(DOCUMENTS))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths(document))))
        document = mutate(document, path, draw(st.sampled_from(["delete", "replace"])),
                          draw(st.sampled_from(REPLACEMENTS)))
    return name, document


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_fast_check_agrees_with_cerberus(case):
    name, document = case
    assert fastschema.valid(schema.load_schema(name), document) == VALIDATORS[name].validate(document)


def test_the_example_documents_are_valid_both_ways():
    for name, document in DOCUMENTS:
        assert fastschema.valid(schema.load_schema(name), document)
        assert VALIDATORS[name].validate(document)


def test_a_schema_with_a_rule_it_does_not_know_is_left_to_cerberus():
    assert fastschema.understood({"a": {"type": "string", "maxlength": 3}}) is False
    assert fastschema.valid({"a": {"type": "string", "maxlength": 3}}, {"a": "x"}) is False
    assert all(fastschema.understood(schema.load_schema(n)) for n in ("overenskommelse", "plan", "lan"))


def test_regex_follows_cerberus_including_a_trailing_newline():
    fields = {"v": {"type": "string", "regex": "[0-9]+"}}
    for value in ("123", "12a", "123\n", ""):
        assert fastschema.valid(fields, {"v": value}) == cerberus.Validator(fields).validate({"v": value})

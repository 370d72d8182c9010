"""Load YAML files into plain Python data while remembering where every value was written.

PyYAML alone silently keeps the last of two duplicate keys, reports errors in
English, and expands alias bombs until memory runs out. This module composes the
YAML node graph (which keeps line and column of every node), then builds the
data itself so that it can refuse duplicates, count nodes, and record a
:class:`Source` for every field path. County data (``lan.yaml``) is merged into
a kommun's agreement here, keeping each value's source so errors point at the
file where the wrong value was written.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from pipeline.data import yamlerrors
from pipeline.errors import DataError, Problem
from pipeline.files import inputs
from pipeline.layout import nfc

# What is dangerous is limited, not honest size. An alias (*name) that repeats a part of the file
# can make a small file expand to billions of values ("billion laughs"): values reached again
# through aliases stop at MAX_ALIAS_NODES. Honest size is bounded by the file's bytes (2 MB, see
# files.inputs) – a plan of 5 000 activities is some 45 000 values – and, as a last guard,
# by MAX_NODES values in all.
MAX_ALIAS_NODES = 10_000
MAX_NODES = 1_000_000
MAX_DEPTH = 50  # the schemas nest five levels deep

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalar_constructor = yaml.constructor.SafeConstructor()

FieldPath = tuple  # of str (mapping keys) and int (0-based list indexes)


class Source(NamedTuple):
    """Where a value was written: file, 1-based line and column."""

    file: Path
    line: int
    column: int


@dataclass
class Loaded:
    """Data read from one or more YAML files, with the source of every value and key."""

    data: Any
    values: dict[FieldPath, Source] = field(default_factory=dict)
    keys: dict[FieldPath, Source] = field(default_factory=dict)
    file: Path | None = None
    # Field-name prefixes per file, for values merged in from elsewhere ("gemensamt." in lan.yaml);
    # keyed by ``file``, which data made in memory lacks.
    prefixes: dict[Path | None, str] = field(default_factory=dict)

    @property
    def known_file(self) -> Path:
        """Return ``file`` of data that was read from a file (a plan, a county file, a record);
        raise ValueError for data made in memory without one."""
        if self.file is None:
            raise ValueError("the data was not read from a file")
        return self.file

    def source(self, path: FieldPath, *, key: bool = False) -> Source | None:
        """Return where the value (or key) at ``path`` was written, or its nearest parent."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: FieldPath, message: str, *, hint: str | None = None,
                key: bool = False) -> Problem:
        """Return a :class:`Problem` located at the value (or key) at ``path``."""
        src = self.source(path, key=key)
        name = format_path(path)
        if name and src and src.file in self.prefixes:
            name = self.prefixes[src.file] + name
        return Problem(
            file=src.file if src else self.file,
            line=src.line if src else None,
            column=src.column if src else None,
            field=name or None,
            message=message,
            hint=hint,
        )


def format_path(path: FieldPath) -> str:
    """Return a field path as users read it: ``aktiviteter[2].ansvarig`` (items count from 1)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


# --- building data from nodes --------------------------------------------------

class _Builder:
    """Build plain data from a composed YAML node, recording sources and refusing traps."""

    def __init__(self, path: Path):
        self.path = path
        self.loaded = Loaded(data=None, file=path)
        self.problems: list[Problem] = []
        self.duplicates: list[Problem] = []  # the data is still whole: the first value is kept
        self.count = 0
        self.seen: set[int] = set()
        self.repeated = 0  # values reached again through aliases

    def source(self, node: yaml.Node) -> Source:
        return Source(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, fpath: FieldPath) -> Any:
        self.count += 1
        if id(node) in self.seen:  # reached again: through an alias (&name / *name)
            self.repeated += 1
        self.seen.add(id(node))
        if self.count > MAX_NODES or self.repeated > MAX_ALIAS_NODES:
            raise DataError(self.too_many(node))
        if len(fpath) > MAX_DEPTH:  # also catches an alias that contains itself (&x [*x])
            raise DataError(Problem(self.path, f"värdena är nästlade i mer än {MAX_DEPTH} nivåer",
                                    *self.source(node)[1:], field=format_path(fpath[:3]) + " …",
                                    hint="Kontrollera indragen; ett alias (*namn) får inte innehålla sig självt."))
        self.loaded.values[fpath] = self.source(node)
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, fpath)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, fpath + (i,)) for i, item in enumerate(node.value)]
        return self.build_scalar(node, fpath)

    def too_many(self, node: yaml.Node) -> Problem:
        """Return the problem of a file over the size limit, saying whether aliases caused it."""
        if self.repeated > MAX_ALIAS_NODES:
            return Problem(self.path, f"filen växer med fler än {MAX_ALIAS_NODES} värden genom YAML-alias (&namn/*namn "
                           "som upprepas i många led, en så kallad aliasbomb)", *self.source(node)[1:],
                           hint="Skriv ut värdena i stället för att använda YAML-alias.")
        return Problem(self.path, f"filen har fler än {MAX_NODES} värden, mer än storleksgränsen för en "
                       "överenskommelse eller plan", *self.source(node)[1:],
                       hint="En överenskommelse eller plan har några hundra eller tusen värden; dela upp "
                            "innehållet eller kontrollera att det är rätt fil.")

    def build_mapping(self, node: yaml.MappingNode, fpath: FieldPath) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.path, "en nyckel måste vara en enkel text",
                                             *self.source(key_node)[1:]))
                continue
            key = nfc(key_node.value)  # keys as written: "no:" stays "no", never False
            if key == "<<":
                self.problems.append(Problem(
                    self.path, "sammanslagningsnyckeln '<<' stöds inte", *self.source(key_node)[1:],
                    hint="Skriv ut fälten; gemensamma värden för hela länet hör hemma i lan.yaml."))
                continue
            if key in result:
                first = self.loaded.keys[fpath + (key,)]
                self.duplicates.append(Problem(
                    self.path, f"nyckeln '{key}' förekommer två gånger (först på rad {first.line})",
                    *self.source(key_node)[1:], field=format_path(fpath + (key,)),
                    hint="YAML behåller bara det sista värdet; slå ihop eller ta bort den ena."))
                continue
            self.loaded.keys[fpath + (key,)] = self.source(key_node)
            result[key] = self.build(value_node, fpath + (key,))
        return result

    def build_scalar(self, node: yaml.ScalarNode, fpath: FieldPath) -> Any:
        try:
            value = _scalar_constructor.construct_object(node, deep=True)
            if isinstance(value, dt.datetime):
                self.problems.append(Problem(
                    self.path, f"'{node.value}' har ett klockslag; här ska det vara ett datum",
                    *self.source(node)[1:], field=format_path(fpath) or None,
                    hint="Skriv datum som ÅÅÅÅ-MM-DD utan tid."))
                return None
            if node.style == ">" and isinstance(value, str):
                # In a folded block a blank line becomes one newline: a paragraph break.
                value = value.replace("\n", "\n\n")
            return nfc(value) if isinstance(value, str) else value
        except (ValueError, yaml.constructor.ConstructorError):
            if node.tag.endswith(":timestamp"):
                message = f"'{node.value}' är inget giltigt datum"
                hint = "Skriv datum som ÅÅÅÅ-MM-DD med en dag som finns i månaden."
            else:
                message = f"värdet '{node.value}' kan inte läsas ({node.tag})"
                hint = "Sätt värdet inom citattecken om det är en text."
            self.problems.append(Problem(self.path, message, *self.source(node)[1:],
                                         field=format_path(fpath) or None, hint=hint))
            return None
        finally:
            _scalar_constructor.constructed_objects.clear()


def load_yaml(path: Path, duplicates: list[Problem] | None = None, root: Path | None = None) -> Loaded:
    """Return the data of one YAML file with sources; raise :class:`DataError` if unreadable.

    A duplicate key is an error too; when ``duplicates`` is a list, such errors are
    added to it instead and the data (with each key's first value) is returned, so
    the rest of the file can still be checked. The file must be a regular file
    inside ``root`` (the data folder) when it is given.
    """
    path = Path(path)
    return load_text(path, yamlerrors.decode(path, inputs.read_bytes(path, root)), duplicates)


def load_text(path: Path, text: str, duplicates: list[Problem] | None = None) -> Loaded:
    """Return the data of YAML ``text`` as if read from ``path`` (see :func:`load_yaml`)."""
    path = Path(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        # Tabs are allowed inside texts; only when parsing fails are they the likely cause.
        raise DataError(yamlerrors.syntax_problems(path, text, exc)) from exc
    except RecursionError as exc:
        raise DataError(Problem(path, "filen är för djupt nästlad för att läsas", 1, 1,
                                hint="En överenskommelse har bara några nivåer av indrag.")) from exc
    if node is None:
        raise DataError(Problem(path, "filen är tom", 1, 1,
                                hint="Fyll i fälten enligt exemplen under agreements/."))
    builder = _Builder(path)
    builder.loaded.data = builder.build(node, ())
    if duplicates is None:
        builder.problems += builder.duplicates
    else:
        duplicates += builder.duplicates
    if builder.problems:
        raise DataError(builder.problems)
    if not isinstance(builder.loaded.data, dict):
        raise DataError(Problem(path, "filen ska innehålla fält (nyckel: värde) på översta nivån",
                                *builder.source(node)[1:]))
    return builder.loaded


def merge(base: Loaded, override: Loaded) -> Loaded:
    """Return ``base`` deep-merged with ``override``: mappings merge, everything else is replaced.

    A value in ``override`` replaces the value at the same path in ``base``; when
    both are mappings their keys are merged recursively. Lists are replaced whole,
    never appended. Every value keeps the source of the file it came from.
    """
    merged = Loaded(data=_merge_data(base.data, override.data), file=override.file,
                    prefixes={**base.prefixes, **override.prefixes})
    for table in ("values", "keys"):
        target = dict(getattr(override, table))
        for path, src in getattr(base, table).items():
            if path not in target and _from_base(override.data, path):
                target[path] = src
        setattr(merged, table, target)
    return merged


def _merge_data(base: Any, override: Any) -> Any:
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    result = dict(base)
    for key, value in override.items():
        result[key] = _merge_data(base.get(key), value) if key in base else value
    return result


def _from_base(override: Any, fpath: FieldPath) -> bool:
    """``True`` when the merged value at ``fpath`` comes from the base, not the override."""
    node = override
    for part in fpath:
        if not isinstance(node, dict):
            return False  # the override replaced this whole subtree
        if part not in node:
            return True
        node = node[part]
    return False


def closest(word: str, candidates) -> str | None:
    """Return the candidate most like ``word`` (a misspelt key), or None."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None

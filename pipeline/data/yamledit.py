"""Edit a YAML data file as its author wrote it: comments, key order and style kept.

There is one way to change a data file: ruamel.yaml reads the file as it is written (round-trip
mode) and only the values that changed are replaced in that tree, so a comment, a folded text
block or the order of the keys survives an edit. Every data file in agreements/ is written back
byte for byte when nothing changed (a test checks it). A text that changes keeps its style: a
folded block stays folded, wrapped at the file's width; a new text YAML would misread is quoted
the way people write it ("2027"). The web form's save (:func:`updated_text`) and the lifecycle's
fields (:func:`set_field`, :func:`remove_field`: ``ny`` and ``beslut``) both go through it.
"""

from __future__ import annotations

import difflib
import io
import json
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString, ScalarString

from pipeline.data.load import load_text

WIDTH = 92  # where a folded text is wrapped; the example data's longest lines


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap what is not changed
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def updated_text(text: str, data: dict, anew: frozenset[str] | set[str] = frozenset(),
                 spaced: frozenset[str] | set[str] = frozenset()) -> str:
    """Return the YAML ``text`` with its values replaced by ``data``, comments and style kept; the
    top-level fields in ``anew`` are written as new values, without their old end-of-line comment,
    and new top-level fields in ``spaced`` get a blank line before them."""
    yaml = _yaml()
    # ruamel's round-trip loader builds only maps, lists and scalars (it derives from its safe
    # constructor); no tag can make it build a Python object.
    tree = yaml.load(text)  # nosec B506
    if not isinstance(tree, CommentedMap):
        tree = CommentedMap()
    for key in anew:
        if key in tree:
            _drop_line_comment(tree, key)
            tree[key] = _new(data[key], 2) if key in data else tree[key]
    new_keys = [key for key in spaced if key not in tree]
    _update_map(tree, data, indent=0)
    for key in new_keys:
        tree.yaml_set_comment_before_after_key(key, before="\n")
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


def _update_map(tree: CommentedMap, data: dict, indent: int) -> None:
    for key in [k for k in tree if k not in data]:
        del tree[key]
    for position, (key, value) in enumerate(data.items()):
        if key in tree:
            tree[key] = _updated(tree[key], value, indent + 2)
        else:
            tree.insert(min(position, len(tree)), key, _new(value, indent + 2))


def _update_seq(tree: CommentedSeq, data: list, indent: int) -> None:
    """Make the sequence equal to ``data`` by as few insertions and removals as possible, so the
    comments of the items that stay keep their place."""
    keys_old = [_key(_plain(v)) for v in tree]
    keys_new = [_key(v) for v in data]
    trailing = _take_trailing(tree)
    operations = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in reversed(operations):
        if op == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(common):
            tree[i1 + offset] = _updated(tree[i1 + offset], data[j1 + offset], indent + 2)
        for index in range(i2 - 1, i1 + common - 1, -1):
            del tree[index]
        for offset in range(j1 + common, j2):
            tree.insert(i1 + (offset - j1), _new(data[offset], indent + 2))
    _put_trailing(tree, trailing)


def _take_trailing(tree: CommentedSeq):
    """Remove and return what follows a sequence's last item (the blank line before the next
    key), so that it stays after the sequence whatever the last item becomes."""
    if not tree:
        return None
    last = len(tree) - 1
    item = tree[last]
    if isinstance(item, CommentedMap) and item:
        key = list(item)[-1]
        entry = item.ca.items.get(key)
        if entry and len(entry) > 2 and entry[2] is not None and not isinstance(item[key], (dict, list)):
            token, entry[2] = entry[2], None
            return token
        return None
    entry = tree.ca.items.get(last)
    if entry and entry[0] is not None and not isinstance(item, (dict, list)):
        token, entry[0] = entry[0], None
        return token
    return None


def _put_trailing(tree: CommentedSeq, token) -> None:
    if token is None or not tree:
        return
    last = len(tree) - 1
    item = tree[last]
    if isinstance(item, CommentedMap) and item and not isinstance(item[list(item)[-1]], (dict, list)):
        entry = item.ca.items.setdefault(list(item)[-1], [None, None, None, None])
        if entry[2] is None:
            entry[2] = token
    elif not isinstance(item, (dict, list)):
        entry = tree.ca.items.setdefault(last, [None, None, None, None])
        if entry[0] is None:
            entry[0] = token


def _plain(node):
    """Return a node as the data the loader would give for it."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return _as_data(node) if isinstance(node, str) else node


def _key(value) -> str:
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def _updated(old, new, indent: int):
    """Return ``old`` changed into ``new``, keeping its kind of node and style."""
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        _update_map(old, new, indent)
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        _update_seq(old, new, indent)
        return old
    if _same_scalar(old, new):
        return old
    if isinstance(new, str) and isinstance(old, ScalarString):
        return _styled(new, type(old), indent)
    return _new(new, indent)


def _same_scalar(old, new) -> bool:
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return False
    if isinstance(old, str) and isinstance(new, str):
        return _as_data(old) == new
    return type(old) is type(new) and old == new


def _as_data(node: str) -> str:
    """Return a text node's value as the loader gives it: in a folded block a blank line is a
    paragraph break, "\n\n" in the data (pipeline.data.load)."""
    return str(node).replace("\n", "\n\n") if isinstance(node, FoldedScalarString) else str(node)


def _new(value, indent: int):
    """Return a new node for ``value``: long or multi-paragraph text as a folded block."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _new(item, indent + 2)
        return node
    if isinstance(value, list):
        return CommentedSeq([_new(item, indent + 2) for item in value])
    if isinstance(value, str) and ("\n" in value or len(value) + indent > WIDTH - 10):
        return _styled(value, FoldedScalarString, indent)
    if isinstance(value, str) and not _reads_back(value):
        return DoubleQuotedScalarString(value)  # as people quote: "2027", "ja"
    return value


def _reads_back(text: str) -> bool:
    """``True`` when ``text`` written without quotes reads back as the same text."""
    try:
        return yaml.safe_load(f"x: {text}") == {"x": text}
    except yaml.YAMLError:
        return False


def _styled(text: str, style: type, indent: int):
    """Return ``text`` as a scalar of ``style``, a folded block wrapped at :data:`WIDTH`.

    A folded block can only hold paragraph breaks ("\n\n" in the data); a text with a single
    line break becomes a literal block, which keeps every line as it is."""
    if "\n" in text.replace("\n\n", ""):
        return LiteralScalarString(text)
    if style is LiteralScalarString:
        return LiteralScalarString(text)
    if style is not FoldedScalarString and "\n" not in text:
        return style(text)
    folded = text.replace("\n\n", "\n")
    node = FoldedScalarString(folded)
    node.fold_pos = _fold_positions(folded, WIDTH - indent - 2)
    return node


def _fold_positions(text: str, width: int) -> list[int]:
    """Return the positions of the spaces where a folded block breaks its lines."""
    positions, line_start = [], 0
    last_space = None
    for index, char in enumerate(text):
        if char == "\n":
            line_start, last_space = index + 1, None
            continue
        if char == " " and index > line_start and text[index - 1] != " " and index + 1 < len(text) \
                and text[index + 1] not in " \n":
            last_space = index
        if index - line_start >= width and last_space is not None:
            positions.append(last_space)
            line_start, last_space = last_space + 1, None
    return positions


def _drop_line_comment(tree: CommentedMap, key: str) -> None:
    """Remove the comment at the end of ``key``'s line, keeping the comment lines and blank lines
    that follow it (they stand before the next field)."""
    entry = tree.ca.items.get(key)
    if not entry or len(entry) < 3 or entry[2] is None:
        return
    token = entry[2]
    first, newline, rest = token.value.partition("\n")
    if first.strip().startswith("#"):
        token.value = newline + rest if rest or newline else ""
        if not token.value.strip("\n") and token.value.count("\n") <= 1:
            entry[2] = None if not token.value else token


def set_field(text: str, key: str, value, after: str | None = None) -> str:
    """Return ``text`` with the top-level field ``key`` set to ``value``, written anew (an old
    value's end-of-line comment goes with it). A new field goes after the field ``after`` (if given
    and present) or at the end."""
    data = _data(text)
    at_end = key not in data and after not in data
    if key not in data:
        items = list(data.items())
        keys = [k for k, _ in items]
        items.insert(keys.index(after) + 1 if after in data else len(items), (key, value))
        data = dict(items)
    else:
        data[key] = value
    return updated_text(text, data, anew={key}, spaced={key} if at_end and text.strip() else set())


def remove_field(text: str, key: str) -> str:
    """Return ``text`` without the top-level field ``key`` (unchanged if it is not there); the
    comments that stood before the next field stay before it."""
    data = _data(text)
    if key not in data:
        return text
    del data[key]
    return updated_text(text, data)


def _data(text: str) -> dict:
    """Return a data file's values as the loader gives them (paragraph breaks as blank lines)."""
    return dict(load_text(Path("data.yaml"), text).data)

"""Word-level differences of two token sequences, cleaned up so that a person can read them.

A raw word diff of a rewritten sentence alternates deleted and inserted words
("~~Alkohol~~Rekrytering ~~och~~av ~~langning~~unga …"). Like professional compare
tools we first let diff-match-patch's semantic clean-up remove trivial equalities,
then mark a sentence or clause as one deletion and one insertion when more than
half of its words changed or when only one or two short words stand between two
changes. A heading that changed more than half is replaced whole.

Tokens are compared by their keys; diff-match-patch works on strings, so every
distinct key becomes one character (its "lines to chars" technique, per token).
"""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

EQUAL, CHANGE = "equal", "change"
_SENTENCE_END = {".", "!", "?", ";", ":"}
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_SHORT_WORD = 4  # letters: "och", "av", "i", "till" are short
_SHORT_GAP_WORDS = 2
_CHAR_BASE = 0x100  # past ASCII, so no key becomes a character diff-match-patch treats specially

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0  # no clock: the same input always gives the same diff


def encode(old_keys: list, new_keys: list) -> tuple[str, str]:
    """Return both key sequences as strings, one character per distinct key."""
    table: dict = {}

    def text(keys):
        return "".join(chr(_CHAR_BASE + table.setdefault(k, len(table))) for k in keys)

    return text(old_keys), text(new_keys)


def opcodes(old_keys: list, new_keys: list, words: tuple[list[bool], list[bool]],
            heading: bool = False) -> list[tuple]:
    """Return the readable diff of two token sequences as (op, i1, i2, j1, j2).

    ``words`` says, per old and new token, whether it is a word (counts towards
    "more than half changed"); a "change" is shown as one deletion then one insertion.
    """
    a, b = encode(old_keys, new_keys)
    diffs = _DMP.diff_main(a, b, False)
    _DMP.diff_cleanupSemantic(diffs)
    ops = _opcodes(diffs)
    ops = _split_at_sentence_ends(_absorb_short_gaps(ops, old_keys, words[0]), old_keys)
    if heading and _changed_share(ops, words) > 0.5:
        return [(CHANGE, 0, len(old_keys), 0, len(new_keys))]  # a new title, not an edited one
    return _collapse_sentences(ops, old_keys, words)


def _opcodes(diffs: list) -> list[tuple]:
    """Return diff-match-patch's diffs as merged (op, i1, i2, j1, j2) spans."""
    ops, i, j = [], 0, 0
    for kind, text in diffs:
        size = len(text)
        if kind == 0:
            ops.append((EQUAL, i, i + size, j, j + size))
            i, j = i + size, j + size
            continue
        di, dj = (size, 0) if kind < 0 else (0, size)
        if ops and ops[-1][0] == CHANGE:
            _, i1, _, j1, _ = ops.pop()
            ops.append((CHANGE, i1, i + di, j1, j + dj))
        else:
            ops.append((CHANGE, i, i + di, j, j + dj))
        i, j = i + di, j + dj
    return ops


def _word_count(flags: list[bool], start: int, stop: int) -> int:
    """Return how many tokens in a range are words."""
    return sum(flags[start:stop])


def _absorb_short_gaps(ops: list[tuple], old_keys: list, old_words: list[bool]) -> list[tuple]:
    """Return ``ops`` with short equal stretches between two changes turned into change.

    "Short": at most two words of at most four letters, and no sentence end.
    """
    result: list[tuple] = []
    for index, op in enumerate(ops):
        if (op[0] == EQUAL and 0 < index < len(ops) - 1 and _is_short_gap(old_keys[op[1]:op[2]])):
            op = (CHANGE,) + op[1:]
        if result and result[-1][0] == CHANGE and op[0] == CHANGE:
            _, i1, _, j1, _ = result.pop()
            op = (CHANGE, i1, op[2], j1, op[4])
        result.append(op)
    return result


def _is_short_gap(keys: list) -> bool:
    """True when an equal stretch is at most two short words and no sentence end."""
    words = [k[1] for k in keys if k[0] == "t" and _WORDLIKE.search(k[1])]
    if any(k[0] == "t" and k[1] in _SENTENCE_END for k in keys):
        return False
    if any(k[0] != "t" for k in keys):
        return False
    return len(words) <= _SHORT_GAP_WORDS and all(len(w) <= _SHORT_WORD for w in words)


def _changed_share(ops: list[tuple], words: tuple[list[bool], list[bool]]) -> float:
    """Return the share of words (old and new together) that are in changes."""
    old_words, new_words = words
    total = changed = 0
    for op, i1, i2, j1, j2 in ops:
        count = _word_count(old_words, i1, i2) + _word_count(new_words, j1, j2)
        total += count
        if op == CHANGE:
            changed += count
    return changed / total if total else 0.0


def _collapse(ops: list[tuple], start: int, stop: int) -> list[tuple]:
    """Return ``ops`` with ops[start:stop] between their first and last change made one change."""
    changes = [k for k in range(start, stop) if ops[k][0] == CHANGE]
    if len(changes) < 2:
        return ops
    first, last = ops[changes[0]], ops[changes[-1]]
    merged = (CHANGE, first[1], last[2], first[3], last[4])
    return ops[:changes[0]] + [merged] + ops[changes[-1] + 1:]


def _split_at_sentence_ends(ops: list[tuple], old_keys: list) -> list[tuple]:
    """Return ``ops`` with equal spans split just after each sentence-ending token."""
    result = []
    for op, i1, i2, j1, j2 in ops:
        if op == CHANGE:
            result.append((op, i1, i2, j1, j2))
            continue
        start = i1
        for i in range(i1, i2):
            if old_keys[i][0] == "t" and old_keys[i][1] in _SENTENCE_END and i + 1 < i2:
                result.append((EQUAL, start, i + 1, j1 + start - i1, j1 + i + 1 - i1))
                start = i + 1
        result.append((EQUAL, start, i2, j1 + start - i1, j2))
    return result


def _sentences(ops: list[tuple], old_keys: list) -> list[tuple[int, int]]:
    """Return (start, stop) ranges of ops, split after equal sentence-ending punctuation."""
    ranges, start = [], 0
    for index, op in enumerate(ops):
        if op[0] == EQUAL and op[2] > op[1] and old_keys[op[2] - 1][0] == "t" \
                and old_keys[op[2] - 1][1] in _SENTENCE_END:
            ranges.append((start, index + 1))
            start = index + 1
    if start < len(ops):
        ranges.append((start, len(ops)))
    return ranges


def _collapse_sentences(ops: list[tuple], old_keys: list, words) -> list[tuple]:
    """Return ``ops`` with every sentence whose words changed more than half made one change."""
    for start, stop in reversed(_sentences(ops, old_keys)):
        if _changed_share(ops[start:stop], words) > 0.5:
            ops = _collapse(ops, start, stop)
    return ops

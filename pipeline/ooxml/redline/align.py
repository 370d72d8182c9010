"""Align the blocks (paragraphs, tables, rows) of two versions in near-linear time.

First equal blocks are matched as anchors (a longest-matching-blocks diff of block
keys). In each stretch between anchors, changed blocks are paired with the most
similar block of the other side; similarity is computed exactly only for a few
candidates per block, found by the words they share (an inverted index that
ignores words common to many blocks). Pairs are taken best first and kept in
document order. The number of exact similarity computations is counted in
``stats["similarity"]`` so tests can show the work stays linear.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter, defaultdict

PAIR_CUTOFF = 0.5  # below this, a block is shown as deleted and another inserted
_ALL_PAIRS = 64  # a stretch this small (old × new) compares every pair
_CANDIDATES = 3  # exact similarity computations per block in a larger stretch
_COMMON = 24  # a word in more blocks than this says nothing about which blocks belong together
_WORDS = re.compile(r"\w+", re.UNICODE)
_TOKENS = re.compile(r"\d+(?:[-/.:,]\d+)*|\w+|\s+|[^\w\s]", re.UNICODE)


def similarity(a: str, b: str) -> float:
    """Return how alike two texts are (0–1), by their words; 0 when clearly below the cutoff."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, _TOKENS.findall(a), _TOKENS.findall(b), autojunk=False)
    if matcher.real_quick_ratio() < PAIR_CUTOFF or matcher.quick_ratio() < PAIR_CUTOFF:
        return 0.0
    return matcher.ratio()


def align(keys_old: list, keys_new: list, score, stats: Counter, words=None) -> list[tuple]:
    """Return pairs (i, j) aligning two sequences; None on one side means inserted or deleted.

    ``score(i, j)`` returns the similarity of old block i and new block j;
    ``words(side, index)`` returns a block's text for finding candidates.
    """
    pairs: list[tuple] = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += zip(range(i1, i2), range(j1, j2), strict=False)
        else:
            pairs += _pair_stretch(range(i1, i2), range(j1, j2), score, stats, words)
    return pairs


def _pair_stretch(old_range: range, new_range: range, score, stats: Counter, words) -> list[tuple]:
    """Return the pairs and lone blocks of one changed stretch, in document order."""
    if not old_range or not new_range:
        return [(i, None) for i in old_range] + [(None, j) for j in new_range]
    if len(old_range) * len(new_range) <= _ALL_PAIRS or words is None:
        candidates = [(i, j) for i in old_range for j in new_range] \
            if len(old_range) * len(new_range) <= _ALL_PAIRS else list(zip(old_range, new_range, strict=False))
    else:
        candidates = _candidates(old_range, new_range, words)
    scored = []
    for i, j in candidates:
        stats["similarity"] += 1
        value = score(i, j)
        if value > PAIR_CUTOFF:
            scored.append((-value, i, j))
    scored.sort()
    chosen = _ordered_pairs([(i, j) for _, i, j in scored])
    return _with_lone_blocks(chosen, old_range, new_range)


def _candidates(old_range: range, new_range: range, words) -> list[tuple]:
    """Return up to a few likely partners (i, j) for every old block, by shared words."""
    index = defaultdict(list)
    new_sets = {}
    for j in new_range:
        new_sets[j] = set(_WORDS.findall(words("new", j).lower()))
        for word in new_sets[j]:
            index[word].append(j)
    candidates = []
    for i in old_range:
        old_set = set(_WORDS.findall(words("old", i).lower()))
        shared: Counter[int] = Counter()
        for word in old_set:
            postings = index.get(word, ())
            if len(postings) <= _COMMON:
                shared.update(postings)
        for j, count in shared.most_common(_CANDIDATES):
            if count / max(len(old_set), len(new_sets[j]), 1) >= PAIR_CUTOFF / 2:
                candidates.append((i, j))
        if not shared and not old_set:  # empty paragraphs: its neighbour at the same offset
            j = new_range.start + (i - old_range.start)
            if j in new_sets and not new_sets[j]:
                candidates.append((i, j))
    return candidates


def _ordered_pairs(ranked: list[tuple]) -> list[tuple]:
    """Return the best pairs that keep document order on both sides (best first wins)."""
    olds: list[int] = []
    news: list[int] = []
    chosen: dict[int, int] = {}
    for i, j in ranked:
        if i in chosen:
            continue
        position = bisect.bisect_left(olds, i)
        if position > 0 and news[position - 1] >= j:
            continue
        if position < len(olds) and news[position] <= j:
            continue
        olds.insert(position, i)
        news.insert(position, j)
        chosen[i] = j
    return list(zip(olds, news, strict=False))


def _with_lone_blocks(chosen: list[tuple], old_range: range, new_range: range) -> list[tuple]:
    """Return the chosen pairs with the unpaired blocks between them, deletions first."""
    result, i, j = [], old_range.start, new_range.start
    for pi, pj in chosen + [(old_range.stop, new_range.stop)]:
        result += [(k, None) for k in range(i, pi)] + [(None, k) for k in range(j, pj)]
        if pi < old_range.stop:
            result.append((pi, pj))
        i, j = pi + 1, pj + 1
    return result

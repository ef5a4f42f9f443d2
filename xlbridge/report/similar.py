"""Reasons that name the same cause, found by the words they share (normalised token overlap).

Two items held up by the same postponed project should be reported under one heading, in the school's
words, whatever keywords their reasons happen to contain. The thresholds and the words that carry no
meaning live in `narrative/nguyen-nhan.yaml` (`similar`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.files import Checker, cached, find, load_yaml

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Similarity:
    min_overlap: float
    min_shared_pairs: int
    stopwords: frozenset[str]
    common_pairs: frozenset[tuple[str, str]]


@cached
def similarity() -> Similarity:
    path = find("narrative", "nguyen-nhan.yaml")
    c = Checker(path, Checker(path, load_yaml(path)).get("similar", dict), "similar")
    words = c.get("stopwords", list, [])
    if not all(isinstance(w, str) and w == fold(w) for w in words):
        c.fail("mỗi từ phải viết không dấu, chữ thường", "stopwords")
    pairs = c.get("common_pairs", list, [])
    if not all(isinstance(p, str) and p == fold(p) and len(p.split()) == 2 for p in pairs):
        c.fail("mỗi mục phải là hai âm tiết viết không dấu, chữ thường", "common_pairs")
    return Similarity(float(c.get("min_overlap", (int, float))), c.get("min_shared_pairs", int), frozenset(words),
                      frozenset((p.split()[0], p.split()[1]) for p in pairs))


@dataclass(frozen=True)
class Signature:
    """The meaningful syllables of a reason, and its pairs of consecutive meaningful syllables."""
    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]


def signature(text: str) -> Signature:
    cfg = similarity()
    syllables = _WORD.findall(fold(text))
    meaningful = [w not in cfg.stopwords and not w.isdigit() for w in syllables]
    words = frozenset(w for w, keep in zip(syllables, meaningful, strict=True) if keep)
    pairs = frozenset(p for k, p in enumerate(zip(syllables, syllables[1:], strict=False))
                      if meaningful[k] and meaningful[k + 1] and p not in cfg.common_pairs)
    return Signature(words, pairs)


def alike(a: Signature, b: Signature) -> bool:
    """Same cause: enough syllables in common, or at least two shared two-syllable words."""
    cfg = similarity()
    if not a.words or not b.words:
        return False
    overlap = len(a.words & b.words) / len(a.words | b.words)
    return overlap >= cfg.min_overlap or len(a.pairs & b.pairs) >= cfg.min_shared_pairs


def clusters(texts: list[str]) -> list[list[int]]:
    """Indices of `texts` in groups of alike texts (single linkage), first-seen order; singletons included."""
    sigs = [signature(t) for t in texts]
    group = list(range(len(texts)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(texts)):
        for j in range(i):
            if alike(sigs[i], sigs[j]):
                group[root(i)] = root(j)
    out: dict[int, list[int]] = {}
    for i in range(len(texts)):
        out.setdefault(root(i), []).append(i)
    return sorted(out.values(), key=lambda g: g[0])

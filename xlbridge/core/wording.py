"""Reading the wording of a result: bland stock phrases, and words that say a task is not finished.

The phrase lists are data (vocab/result-wording.yaml); this module only decides how they apply.
"""

from __future__ import annotations

import re

from xlbridge.core.vntext import words
from xlbridge.data.wording import wording

_DIGIT = re.compile(r"\d")
_CLAUSE = re.compile(r"[.;,\n(]|\s-\s|\b(?:nhưng|tuy nhiên)\b", re.IGNORECASE)


def _strip(seq: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> list[str]:
    """The words of `seq` that are not part of any of `phrases` (longest phrase matched first)."""
    rest: list[str] = []
    i = 0
    while i < len(seq):
        hit = next((p for p in phrases if seq[i:i + len(p)] == p), None)
        if hit:
            i += len(hit)
        else:
            rest.append(seq[i])
            i += 1
    return rest


def is_bland(text: str) -> bool:
    """True when a result says nothing checkable: a stock phrase, or (no figure at all) only filler words
    around at most `max_specific_words` other words."""
    w = wording()
    seq = words(text)
    if not seq:
        return False
    if " ".join(seq) in w.stock_phrases:
        return True
    if _DIGIT.search(text):
        return False
    return len(_strip(seq, w.filler)) <= w.max_specific_words


def _contains(seq: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(seq[i:i + len(phrase)] == phrase for i in range(len(seq) - len(phrase) + 1))


def unfinished_clause(text: str) -> str | None:
    """The clause of a result that says the work is not finished ("vẫn còn…", "chưa…"), or None."""
    w = wording()
    for clause in _CLAUSE.split(text):
        seq = words(clause)
        if any(_contains(seq, e) for e in w.unfinished_except):
            continue
        if any(_contains(seq, u) for u in w.unfinished):
            return " ".join(clause.split())
    return None


def same_sentence(a: str, b: str) -> bool:
    """Two texts are the same sentence: equal word for word, case and punctuation aside."""
    wa = words(a)
    return bool(wa) and wa == words(b)

"""Reading the wording of a result: bland stock phrases, and words that say a task is not finished.

The phrase lists are data (vocab/result-wording.yaml); this module only decides how they apply.
"""

from __future__ import annotations

import re
from functools import cache

from xlbridge.core.vntext import words
from xlbridge.data.wording import wording

_DIGIT = re.compile(r"\d")
# clause ends: punctuation, a spaced dash, "nhưng"; a comma or dot between two digits is part of a number
# ("2,6%", "5.000.000"), so a quoted clause never stops in the middle of a figure
_CLAUSE = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[;\n(]|\s-\s|\b(?:nhưng|tuy nhiên)\b", re.IGNORECASE)


@cache
def _any_of(phrases: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """One pattern finding any of `phrases` as whole words in a text's words joined by spaces: a phrase is in a
    word sequence exactly when it is a space-bounded substring of the joined words (words hold no space)."""
    alternatives = "|".join(re.escape(" ".join(p)) for p in phrases if p) or r"(?!)"
    return re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)")


def _strip(seq: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> list[str]:
    """The words of `seq` that are not part of any of `phrases`, read left to right, longest phrase matched first
    (`_any_of` tries the phrases in their order: longest first)."""
    return _any_of(phrases).sub(" ", " ".join(seq)).split()


def is_bland(text: str) -> bool:
    """True when a result says nothing checkable: a stock phrase, or (no figure at all, «100% kế hoạch» being
    none) only filler words around at most `max_specific_words` other words."""
    w = wording()
    seq = words(text)
    if not seq:
        return False
    if " ".join(seq) in w.stock_phrases:
        return True
    rest = tuple(_strip(seq, w.whole_plan)) if "%" in text else seq
    if any(_DIGIT.search(word) for word in rest):
        return False
    return len(_strip(rest, w.filler)) <= w.max_specific_words


@cache
def _none_happened(adverse: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """«chưa có» followed within three words by an adverse event: «chưa có HS nào bỏ học» is good news."""
    events = "|".join(re.escape(" ".join(p)) for p in adverse if p) or r"(?!)"
    return re.compile(rf"(?<!\S)chưa có(?: \S+){{0,3}} (?:{events})(?!\S)")


def unfinished_clause(text: str) -> str | None:
    """The clause of a result that says the work is not finished ("vẫn còn…", "chưa…"), or None."""
    w = wording()
    excepted, unfinished = _any_of(w.unfinished_except), _any_of(w.unfinished)
    for clause in _CLAUSE.split(text):
        joined = " ".join(words(clause))
        if excepted.search(joined) or _none_happened(w.adverse).search(joined):
            continue
        if unfinished.search(joined):
            return " ".join(clause.split())
    return None


def same_sentence(a: str, b: str) -> bool:
    """Two texts are the same sentence: equal word for word, case and punctuation aside."""
    wa = words(a)
    return bool(wa) and wa == words(b)

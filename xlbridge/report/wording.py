"""Which of the school's sentences the narrative may quote, and how (narrative/loi-van.yaml).

A report must never present a planned action as done: a result phrased in the future ("sẽ…", "cần…")
or saying that nothing happened yet ("chưa…") is not an achievement, and a content cell that states a
status ("… bị hoãn nên chưa thực hiện") is not a task for next year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from xlbridge.core.vntext import fold
from xlbridge.core.wording import is_bland, unfinished_clause
from xlbridge.data.files import Checker, cached, find, load_yaml


@dataclass(frozen=True)
class Wording:
    highlights: int
    not_achievement: tuple[str, ...]
    status_sentence: tuple[str, ...]
    reasons_quoted: int = 3
    tasks_named: int = 4


def _words(c: Checker, key: str) -> tuple[str, ...]:
    words = c.get(key, list, [])
    if not all(isinstance(w, str) and w.strip() for w in words):
        c.fail("mỗi mục phải là một chữ, không để trống", key)
    return tuple(words)


@cached
def wording() -> Wording:
    path = find("narrative", "loi-van.yaml")
    c = Checker(path, load_yaml(path))
    return Wording(c.get("highlights", int), _words(c, "not_achievement"), _words(c, "status_sentence"),
                   c.get("reasons_quoted", int), c.get("tasks_named", int))


@lru_cache(maxsize=256)
def _pattern(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def _has(text: str, words: tuple[str, ...]) -> bool:
    """Whole-word match with diacritics ("cần" is not "cán"); without them when the text was typed without."""
    key = " ".join(unicodedata.normalize("NFC", text).lower().split())
    plain = fold(key) == key
    return any(_pattern(fold(w) if plain else unicodedata.normalize("NFC", w).lower()).search(key) for w in words)


def is_achievement(result: str) -> bool:
    """A result that reports something done: not empty, not bland, nothing said unfinished ("chưa…", "đang…":
    the checks' own judgement, `core.wording`), not a plan ("sẽ…", "cần…")."""
    if not result.strip() or is_bland(result) or unfinished_clause(result) is not None:
        return False
    return not _has(result, wording().not_achievement)


def is_status_sentence(text: str) -> bool:
    return _has(text, wording().status_sentence)


def strength(result: str, evidence: str) -> int:
    """How concrete a result is: figures count most, then evidence named."""
    return 2 * bool(re.search(r"\d", result)) + bool(evidence.strip())

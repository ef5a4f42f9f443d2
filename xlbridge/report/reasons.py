"""Group the reasons of late and unstarted items by cause (kinh phí, nhân sự, cơ sở vật chất, …).

The causes, their keywords and the words that introduce a cause ("do", "vì") live in
`workbook_templates/narrative/nguyen-nhan.yaml`; this module only applies them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from xlbridge.core.vntext import fold
from xlbridge.data.files import Checker, cached, find, load_yaml

CAUSES_FILE = "nguyen-nhan.yaml"


@dataclass(frozen=True)
class Cause:
    key: str
    label: str
    limitation: bool = True          # False: not a shortcoming (e.g. not yet due), reported apart
    keywords: tuple[str, ...] = ()
    typed: bool = False              # the label is the school's own reason (alike reasons grouped), not a category


@dataclass(frozen=True)
class Causes:
    connectors: tuple[str, ...]
    consequences: tuple[str, ...]
    causes: tuple[Cause, ...]
    other: Cause
    missing: Cause

    def all(self) -> list[Cause]:
        return [*self.causes, self.other, self.missing]


def _cause(c: Checker) -> Cause:
    words = c.get("keywords", list, [])
    if not all(isinstance(w, str) and w.strip() for w in words):
        c.fail("mỗi từ khóa phải là một chữ, không để trống", "keywords")
    return Cause(c.get("key", str), c.get("label", str), c.get("limitation", bool, True), tuple(words))


@cached
def causes() -> Causes:
    path = find("narrative", CAUSES_FILE)
    c = Checker(path, load_yaml(path))
    found = tuple(_cause(Checker(path, raw, f"causes[{i}]")) for i, raw in enumerate(c.get("causes", list)))
    keys = [x.key for x in found]
    if len(set(keys)) != len(keys):
        c.fail("có hai nhóm trùng khóa (key)", "causes")
    return Causes(tuple(str(w) for w in c.get("connectors", list, [])),
                  tuple(str(w) for w in c.get("consequences", list, [])), found,
                  _cause(Checker(path, c.get("other", dict), "other")), _cause(Checker(path, c.get("missing", dict), "missing")))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@lru_cache(maxsize=1024)
def _pattern(word: str, plain: bool) -> re.Pattern:
    """Whole-word match; case-sensitive for keywords written with capitals (abbreviations, "Sở")."""
    key = fold(word) if plain else _norm(word)
    flags = 0 if (not plain and any(ch.isupper() for ch in key)) else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", flags)


def _matches(text: str, cause: Cause, plain: bool) -> bool:
    return any(_pattern(w, plain).search(text) for w in cause.keywords)


def _cause_part(text: str, connectors: tuple[str, ...], plain: bool) -> str | None:
    """The words after the first connector ("… vì chưa có phòng" → "chưa có phòng")."""
    hits = [m for w in connectors if (m := _pattern(w, plain).search(text))]
    if not hits:
        return None
    first = min(hits, key=lambda m: m.start())
    return text[first.end():]


def _before_consequence(text: str, words: tuple[str, ...], plain: bool) -> str | None:
    """The words before the first connector that introduces a consequence ("… bị hoãn nên chưa làm")."""
    hits = [m for w in words if (m := _pattern(w, plain).search(text))]
    if not hits:
        return None
    return text[:min(hits, key=lambda m: m.start()).start()]


def cause_part(reason: str) -> str:
    """What a reason gives as the cause: the words after its first connector ("… vì chưa có phòng" →
    "chưa có phòng"), else the whole reason; unbalanced brackets and final punctuation removed."""
    text = _norm(reason or "")
    plain = fold(text) == text.lower()
    key = fold(text) if plain else text
    part = _cause_part(key, causes().connectors, plain)
    if part is not None:
        part = text[len(text) - len(part):]
    else:
        part = _before_consequence(key, causes().consequences, plain)
        part = text[:len(part)] if part is not None else None
    out = (part if part and part.strip() else text).strip(" .;,:-–")
    if out.count("(") != out.count(")"):
        out = out.replace("(", "").replace(")", "").strip()
    return out


def classify(reason: str) -> Cause:
    """The cause a reason text names; `missing` for an empty text, `other` when no keyword fits."""
    data = causes()
    text = _norm(reason or "")
    if not text:
        return data.missing
    plain = fold(text) == text.lower()          # typed without diacritics: compare without them
    if plain:
        text = fold(text)
    part = _cause_part(text, data.connectors, plain)
    for scope in ([part] if part else []) + [text]:
        for cause in data.causes:
            if _matches(scope, cause, plain):
                return cause
    return data.other

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
    next_step: bool = False          # the reasons say what will be done next, not why: told apart from the causes


@dataclass(frozen=True)
class Causes:
    connectors: tuple[str, ...]
    consequences: tuple[str, ...]
    causes: tuple[Cause, ...]
    other: Cause
    missing: Cause
    next_step: Cause | None = None
    openers: tuple[str, ...] = ()        # how a reason that is a next step begins (`next_step`)
    time_openers: tuple[str, ...] = ()   # … or a time ("Trong năm học …") followed by one of `forward`
    forward: tuple[str, ...] = ()

    def all(self) -> list[Cause]:
        return [*self.causes, self.other, self.missing, *([self.next_step] if self.next_step else [])]


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
    step = c.get("next_step", dict, {})
    next_step = None
    words: dict[str, tuple[str, ...]] = {"openers": (), "time_openers": (), "forward": ()}
    if step:
        sc = Checker(path, step, "next_step")
        next_step = Cause(sc.get("key", str), sc.get("label", str), True, (), next_step=True)
        words = {k: tuple(str(w) for w in sc.get(k, list, [])) for k in words}
    return Causes(tuple(str(w) for w in c.get("connectors", list, [])),
                  tuple(str(w) for w in c.get("consequences", list, [])), found,
                  _cause(Checker(path, c.get("other", dict), "other")), _cause(Checker(path, c.get("missing", dict), "missing")),
                  next_step, words["openers"], words["time_openers"], words["forward"])


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


def _first_hit(text: str, words: tuple[str, ...], plain: bool) -> re.Match | None:
    hits = [m for w in words if (m := _pattern(w, plain).search(text))]
    return min(hits, key=lambda m: m.start()) if hits else None


def _cause_in(sentence: str, plain: bool) -> str | None:
    """The cause one sentence gives: after "do/vì…", or before "nên…", whichever comes first; None if neither."""
    data = causes()
    key = fold(sentence) if plain else sentence
    cause, consequence = _first_hit(key, data.connectors, plain), _first_hit(key, data.consequences, plain)
    if consequence is not None and (cause is None or consequence.start() < cause.start()):
        return sentence[:consequence.start()]
    return sentence[cause.end():] if cause is not None else None


_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


def cause_part(reason: str) -> str:
    """What a reason gives as the cause: in the first sentence that names one, the words after its connector
    ("… vì chưa có phòng" → "chưa có phòng") or before a consequence ("Dự án bị hoãn nên chưa làm" → "Dự án
    bị hoãn"); else the first sentence. Unbalanced brackets and final punctuation removed."""
    text = _norm(reason or "")
    plain = fold(text) == text.lower()
    sentences = [x for x in _SENTENCE.split(text) if x.strip()] or [text]
    found = next((c for x in sentences if (c := _cause_in(x, plain)) and c.strip(" .;,:-–")), None)
    out = (found or sentences[0]).strip(" .;,:-–")
    if out.count("(") != out.count(")"):
        out = out.replace("(", "").replace(")", "").strip()
    return out


_LEAD = re.compile(r"^[\s\-–•+*·]+")


def is_next_step(reason: str) -> bool:
    """The reason says what will be done next ("Trong những năm tiếp theo … tiếp tục …", "Chuyển sang năm học
    sau", "Trong NH 2023-2024 nhà trường tiếp tục …"), not why the item is unfinished: it begins with one of the
    data file's `openers`, or with one of its `time_openers` and has a `forward` word; and no sentence of it gives
    a cause ("do", "vì" … / "… nên")."""
    data = causes()
    text = _LEAD.sub("", _norm(reason or ""))
    if not text or not data.openers:
        return False
    plain = fold(text) == text.lower()
    key = fold(text) if plain else text
    ahead = any(_pattern(w, plain).match(key) for w in data.openers) or (
        any(_pattern(w, plain).match(key) for w in data.time_openers)
        and any(_pattern(w, plain).search(key) for w in data.forward))
    if not ahead:
        return False
    return not any(_cause_in(x, plain) for x in _SENTENCE.split(text) if x.strip())


def classify(reason: str) -> Cause:
    """The cause a reason text names; `missing` for an empty text, `next_step` for a reason that only says what
    comes next, `other` when no keyword fits."""
    data = causes()
    text = _norm(reason or "")
    if not text:
        return data.missing
    if data.next_step is not None and is_next_step(text):
        return data.next_step
    plain = fold(text) == text.lower()          # typed without diacritics: compare without them
    if plain:
        text = fold(text)
    part = _cause_part(text, data.connectors, plain)
    for scope in ([part] if part else []) + [text]:
        for cause in data.causes:
            if _matches(scope, cause, plain):
                return cause
    return data.other

"""Criterion and standard labels as schools write them in the first columns of their tables.

"Tiêu chí 1.2: Hội đồng trường …", "<i>Tiêu chí 1.2</i>", "TC 1.2", a bare "1.9" or "1,9", the
drifting "Tiêu chuẩn 3.4" (a dotted code is a criterion whatever the word before it), "Tiêu chí 3"
under "Tiêu chuẩn 2" (→ 2.3) or under "Mức 4" (→ M4.3), or only the criterion's title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlbridge.core.vntext import fold, unify_dashes
from xlbridge.data.catalog import Framework
from xlbridge.importer.texts import import_texts

DOTTED = re.compile(r"(?<![\d/.,])(\d{1,2})\s*[.,]\s*(\d{1,2})(?![\d/])")
NUMBER = re.compile(r"(?<![\d/.,])(\d{1,2})(?![\d/.,])")


@dataclass(frozen=True)
class Label:
    code: str | None           # criterion code in the framework, None when not understood
    note: str | None = None    # how it was understood, when that was not literal
    by_title: bool = False     # found from the criterion's title only (weaker than a written code)


def _starts(text: str, words: tuple[str, ...]) -> str | None:
    """The rest of `text` after one of `words` (folded), or None."""
    for w in sorted(words, key=len, reverse=True):
        if text == w or text.startswith(w + " ") or text.startswith(w + ":") or re.match(re.escape(w) + r"\d", text):
            return text[len(w):].strip(" :.-")
    return None


def _plain(text: str) -> str:
    return unify_dashes(fold(re.sub(r"<[^>]+>", "", text))).strip(" *_:.")


def level_group(text: str) -> str | None:
    """"levels" for a "MỨC 1, 2, 3" row, "level4" for a "Mức 4" row, else None."""
    key = _plain(text)
    words = import_texts().labels
    if key in words["level4"]:
        return "level4"
    if key in words["levels"]:
        return "levels"
    return None


def standard_number(text: str) -> int | None:
    """The number of a "Tiêu chuẩn n: …" row (not "Tiêu chuẩn 3.4", which names a criterion)."""
    rest = _starts(_plain(text), import_texts().labels["standard"])
    if rest is None or DOTTED.match(rest):
        return None
    m = re.match(r"(\d{1,2})(?![\d.,]\d)", rest)
    return int(m[1]) if m else None


def _by_title(text: str, fw: Framework, standard: int | None, level4: bool) -> str | None:
    key = _plain(text)
    if len(key) < 6:
        return None
    pool = [c for c in fw.criteria() if (c.standard == 0) == level4]
    pool.sort(key=lambda c: c.standard != standard)       # the current standard's criteria first
    for c in pool:
        title = fold(c.title).strip(" .")
        if key == title or key.endswith(title) or (len(key) >= 12 and title.startswith(key)):
            return c.code
    return None


def criterion_label(text: str, fw: Framework, standard: int | None, level4: bool) -> Label:
    """The criterion a label cell names, in framework `fw`, given the standard and level group around it."""
    key = _plain(text)
    if not key:
        return Label(None)
    words = import_texts().labels
    codes = {c.code for c in fw.criteria()}
    m = DOTTED.search(key)
    if m and m.start() <= 20:
        code = f"{int(m[1])}.{int(m[2])}"
        if code not in codes:
            return Label(None, f"mã {code} không có trong Thông tư {fw.number}")
        named_standard = _starts(key, words["standard"]) is not None
        return Label(code, f"«{text.strip()}» hiểu là tiêu chí {code}" if named_standard else None)
    rest = _starts(key, words["criterion"])
    bare = NUMBER.fullmatch(key)
    number = None
    if rest is not None:
        n = NUMBER.match(rest)
        number = int(n[1]) if n else None
        level4 = level4 or any(w in rest for w in words["level4"])
    elif bare:
        number = int(bare[1])
    if number is not None:
        if level4 and f"M4.{number}" in codes:
            return Label(f"M4.{number}")
        if standard is not None and f"{standard}.{number}" in codes:
            return Label(f"{standard}.{number}", f"«{text.strip()}» hiểu là tiêu chí {standard}.{number} (thuộc tiêu chuẩn "
                                                  f"{standard} ở dòng trên)")
        return Label(None, f"«{text.strip()}» không rõ thuộc tiêu chuẩn nào")
    titled = _by_title(rest if rest is not None else text, fw, standard, level4)
    if titled is not None:
        return Label(titled, f"«{text.strip()}» hiểu là tiêu chí {titled} (theo tên tiêu chí)", by_title=True)
    return Label(None)

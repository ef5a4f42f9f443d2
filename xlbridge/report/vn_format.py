"""Vietnamese formatting for generated text: numbers, percentages, money, dates, lists of criteria.

Everything here is used as a jinja2 filter by the narrative templates, so that a template writes
`{{ tong.ti_le | pct }}` and gets "64,3%", never "0.643".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from xlbridge.core.money import format_vnd
from xlbridge.core.vntext import percent

__all__ = ["number", "pct", "vnd", "join", "criteria", "standards", "long_date", "short_date", "sentence",
           "lower_first", "upper_first"]


def number(n: int | float) -> str:
    """1234567 → "1.234.567"; 2.5 → "2,5" (Vietnamese separators)."""
    if isinstance(n, float) and not n.is_integer():
        whole, _, frac = f"{n:.2f}".rstrip("0").partition(".")
        return f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")
    return f"{int(n):,}".replace(",", ".")


def pct(ratio: float | None, digits: int = 1) -> str:
    """0.6428 → "64,3%"; 1.0 → "100%"; None/NaN → "—" (`xlbridge.core.vntext.percent`)."""
    return percent(ratio, digits)


def vnd(amount: int | float | None) -> str:
    """1234567 → "1.234.567 đồng"."""
    return format_vnd(int(amount or 0))


def join(parts: Iterable[object], last: str = "và") -> str:
    """["a"] → "a"; ["a", "b", "c"] → "a, b và c" (empty and duplicate parts dropped)."""
    items = list(dict.fromkeys(str(p) for p in parts if p not in (None, "")))
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _code_key(code: str) -> tuple:
    nums = [int(x) for x in re.findall(r"\d+", code)]
    return (code.startswith("M4."), *nums)


def criteria(codes: Iterable[str | None], word: str = "tiêu chí") -> str:
    """["1.1", "3.2", "1.4"] → "tiêu chí 1.1, 1.4 và 3.2"; Mức 4 codes "M4.2" → "tiêu chí 2 của Mức 4".

    Codes are sorted and repeated codes named once; items without a criterion are left out.
    """
    unique = sorted({c for c in codes if c}, key=_code_key)
    normal = [c for c in unique if not c.startswith("M4.")]
    level4 = [c[3:] for c in unique if c.startswith("M4.")]
    if not level4:
        return f"{word} {join(normal)}" if normal else ""
    tail = f"{word} {join(level4)} của Mức 4"
    return f"{word} {', '.join(normal)} và {tail}" if normal else tail


def standards(numbers: Iterable[int | None], word: str = "tiêu chuẩn") -> str:
    """[1, 3, 2] → "tiêu chuẩn 1, 2 và 3"; 0 stands for Mức 4: [1, 2, 0] → "tiêu chuẩn 1, 2 và Mức 4"."""
    unique = sorted({n for n in numbers if n is not None})
    names = [str(n) for n in unique if n]
    if 0 not in unique:
        return f"{word} {join(names)}" if names else ""
    return f"{word} {', '.join(names)} và Mức 4" if names else "Mức 4"


def long_date(d: date | None, blank: str = "ngày … tháng … năm …") -> str:
    """date(2024, 5, 30) → "ngày 30 tháng 5 năm 2024" (Nghị định 30: day and month below 3 take a 0)."""
    if d is None:
        return blank
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def short_date(d: date | None, blank: str = "…/…/…") -> str:
    """date(2023, 10, 25) → "25/10/2023"."""
    return d.strftime("%d/%m/%Y") if d else blank


def upper_first(text: str) -> str:
    text = (text or "").strip()
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """"Chưa tổ chức do…" → "chưa tổ chức do…", but keeps abbreviations such as "GV", "HS", "UBND"."""
    text = (text or "").strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def sentence(text: str, end: str = ".") -> str:
    """A cell's text as a sentence: capital first letter, trailing ";"/"," replaced by one final mark."""
    text = " ".join((text or "").split()).rstrip(" ;,:")
    if not text:
        return ""
    text = upper_first(text)
    return text if text[-1] in ".!?…" else text + end


def clause(text: str) -> str:
    """A cell's text to continue a sentence: lower-case first letter, no final punctuation."""
    return lower_first(" ".join((text or "").split()).rstrip(" .;,:"))


def bare(text: str) -> str:
    """A cell's text with spaces collapsed and no final punctuation, case kept ("Thông tư số …;" → "Thông tư số …")."""
    return " ".join((text or "").split()).rstrip(" .;,:")

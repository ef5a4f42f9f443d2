"""Small Vietnamese text helpers shared by the parsers.

Users type the same words with and without diacritics, in any case, with either accent placement
("hóa"/"hoá"), and with line breaks or non-breaking spaces pasted from Word. Matching therefore
happens on a *folded* form; numbers are read with the Vietnamese convention ("." groups thousands,
"," marks decimals) while still accepting the English one that Excel produces on some machines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

__all__ = ["nfc", "fold", "unify_dashes", "parse_vn_number", "raw_text", "percent"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})  # Ð/ð: common look-alike typos for Đ/đ
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def nfc(text: str) -> str:
    """`text` in composed form (NFC). Mac and web tools may write decomposed Vietnamese (NFD: "ệ" as e + two
    combining marks), which looks the same and compares different; the reader gives every cell and sheet name in
    NFC, so no rule sees the difference. Cheap when already NFC (the usual case)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@lru_cache(maxsize=16384)      # the same labels, headers and statuses are folded in every workbook
def fold(text: str) -> str:
    """Lower-case ASCII-ish key for matching: no diacritics, đ→d, whitespace collapsed to one space.

    ``fold("Tháng 10") == "thang 10"``; ``fold("Xã hội hoá") == fold("XÃ HỘI HÓA") == "xa hoi hoa"``.
    Only letters and whitespace change, so punctuation such as "/" or "-" survives for parsers.
    """
    text = text.translate(_INVISIBLE).translate(_D).lower()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.split())


_WORD_SPLIT = re.compile(r"[^\w]+")


@lru_cache(maxsize=1 << 13)
def words(text: str) -> tuple[str, ...]:
    """The syllables of a text, lower-case, diacritics KEPT (NFC), punctuation dropped: for phrase matching
    where folding would confuse words ("đạt"/"đất", "đang"/"dạng")."""
    return tuple(w for w in _WORD_SPLIT.split(unicodedata.normalize("NFC", text).lower()) if w)


def unify_dashes(text: str) -> str:
    """Turn en/em dashes, minus signs and other hyphen look-alikes into ASCII "-" (Word autocorrects them)."""
    return text.translate(_DASHES)


def _grouped(part: str, sep: str) -> bool:
    """True when `part` is a valid thousands grouping like "1.234.567" (first group 1-3 digits, then 3s)."""
    groups = part.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_vn_number(text: str, *, unit: bool = False) -> Decimal | None:
    """Read a number written the Vietnamese way, tolerating the English way; None when ambiguous/invalid.

    Rules (spaces are ignored):
    - "22.000.000", "22,000,000": repeated separator → thousands groups (must be groups of 3).
    - "1.234,5" / "1,234.5": both separators → the last one is the decimal mark.
    - one "." followed by exactly 3 digits ("22.000", "1.500 tỷ") → thousands: 22000, 1500.
    - one "," followed by exactly 3 digits → thousands when no unit follows ("22,000" = 22000, Excel's
      English format), but a decimal when `unit` is true ("1,500 tỷ" = 1.5 tỷ, the Vietnamese reading).
    - any other single separator is a decimal mark: "1,5", "1.5", "22,75", "0.500".
    `unit` says a scale word (tỷ, triệu, nghìn...) follows the number.
    """
    s = "".join(text.split())
    if not _NUMBER.fullmatch(s):
        return None
    has_dot, has_comma = "." in s, "," in s
    if not has_dot and not has_comma:
        return Decimal(s)
    if has_dot and has_comma:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        if dec in whole or not _grouped(whole, thou):
            return None
        return Decimal(whole.replace(thou, "") + "." + frac)
    sep = "." if has_dot else ","
    if s.count(sep) > 1:
        return Decimal(s.replace(sep, "")) if _grouped(s, sep) else None
    whole, frac = s.split(sep)
    thousands = len(frac) == 3 and len(whole) <= 3 and whole[0] != "0" and (sep == "." or not unit)
    return Decimal(whole + frac) if thousands else Decimal(whole + "." + frac)


def raw_text(value: object) -> str:
    """What a cell holds, as text, for keeping beside a parsed value ("" for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:   # a hostile __str__ must not break reading a workbook
        return object.__repr__(value)


def percent(ratio: float | None, digits: int = 1) -> str:
    """The one way kdcl writes a rate, as Vietnamese documents do: 0.6667 → "66,7%", 0.5 → "50%",
    1.0 → "100%" (decimal comma, no space, no trailing zeros); None/NaN → "—" (no base to compute it on)."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "—"
    text = f"{ratio * 100:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{round(ratio * 100)}"
    return text.replace(".", ",") + "%"


_BULLET = re.compile(r"^(?:[-+•*–]|\d{1,2}[.)])\s+")
_GOES_ON = re.compile(r"^(?:v/v|về\b|của\b|ngày\b|số\b)", re.IGNORECASE)


def one_per_line(text: str) -> list[str]:
    """The entries of a list cell into which a whole list was pasted, one per line ("- Công văn số …" /
    "- Kế hoạch số …"), bullets and numbers dropped. Excel will not paste several rows into the merged rows of a
    "Thông tin" list, so a school pastes the list into one cell. A line that starts in lower case, or with "V/v",
    "về", "của", "ngày", "số", goes on with the entry above it (a subject line typed on a line of its own)."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if out and (line[0].islower() or _GOES_ON.match(line)):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(_BULLET.sub("", line))
    return out

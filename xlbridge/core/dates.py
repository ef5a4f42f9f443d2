"""The one reader of a written calendar day: "15/01/2024", "15-1-2024", "15.01.2024", "2024-01-15",
"ngày 15 tháng 01 năm 2024", "15 tháng 1/2024", or a real date cell.

The report date on "Thông tin", `--ngay` on the command line, the date of an imported Word report
and a one-day period ("Ngày 30/5/2025") are all read here, so a form one of them accepts the
others accept too. Day first, as Vietnamese is written; years outside 1900–2100 are typos.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache

from xlbridge.core.vntext import fold, unify_dashes

__all__ = ["MIN_YEAR", "MAX_YEAR", "parse_day", "find_day", "match_day", "calendar_day"]

MIN_YEAR, MAX_YEAR = 1900, 2100

# On folded text (`fold`, dashes unified). Each yields (day, month, year) groups named d, m, y.
_NUMERIC = r"(?:ngay\s*)?(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})"
_ISO = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_WORDS = r"(?:ngay\s*)?(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})\s*(?:/|nam)\s*(?P<y>\d{4})"
_WHOLE = tuple(re.compile(p) for p in (_NUMERIC, _ISO, _WORDS))
_INSIDE = tuple(re.compile(rf"(?<!\d){p}(?!\d)") for p in (_WORDS, _NUMERIC))     # words first: the document's own form


@lru_cache(maxsize=1 << 12)
def month_days(year: int, month: int) -> int:
    """Days in the month (calendar.monthrange, asked for every dated cell)."""
    return calendar.monthrange(year, month)[1]


def calendar_day(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or the year is out of range (a typo)."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, day) if 1 <= day <= month_days(year, month) else None


def _key(text: str) -> str:
    return " ".join(unify_dashes(fold(text)).split()).strip(" .;,")


def _of(m: re.Match) -> date | None:
    year = int(m["y"])
    return calendar_day(year + 2000 if len(m["y"]) == 2 else year, int(m["m"]), int(m["d"]))   # "25/5/25"


def match_day(key: str) -> tuple[bool, date | None]:
    """(written as one day, which day) for folded text: (True, None) is a day that does not exist ("31/02/2024")."""
    for pattern in _WHOLE:
        if m := pattern.fullmatch(key):
            return True, _of(m)
    return False, None


def parse_day(value: object) -> date | None:
    """The day a cell or an argument holds, or None (empty, not a day, or a day that does not exist)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    key = _key(value)
    is_day, day = match_day(key)
    if not is_day and (m := _DATE_LINE.fullmatch(key)):      # the document's date line copied whole
        day = match_day(m[1])[1]
    return day


# "Thạnh Đông, ngày 25 tháng 5 năm 2025": a place (no digits), a comma, the day
_DATE_LINE = re.compile(r"[^\d,]+,\s*(.+)")


def find_day(text: str) -> date | None:
    """The first existing day written inside a line ("…, ngày 30 tháng 5 năm 2024", "Tính đến: 25/10/2023")."""
    key = _key(text)
    for pattern in _INSIDE:
        for m in pattern.finditer(key):
            if (day := _of(m)) is not None:
                return day
    return None

"""Read the free-text "Thời gian thực hiện và hoàn thành" cells of a quality-improvement plan.

Schools write periods every way imaginable ("Tháng 10/2024 -\\n\\ntháng 05/2025", "HKI", "Đầu năm học",
"9/2024-5/2025", or a real Excel date). The rules need dates to compare, so this module turns such
text into a `Period` (first day, last day) and says *how* it got there: `relative` periods were
derived from the plan's school year rather than written out, so a message can say so.
Nothing here raises on user input: what is not understood becomes kind "khong-ro" with `raw` kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from xlbridge.core.dates import MAX_YEAR, MIN_YEAR, calendar_day, match_day, month_days
from xlbridge.core.vntext import fold, unify_dashes
from xlbridge.core.vntext import raw_text as _raw

__all__ = ["SchoolYear", "Period", "parse_period", "describe", "KINDS"]

MAX_LENGTH = 200                  # a longer cell is prose, not a period; also bounds the parser's work
KINDS = ("ngay", "thang", "he", "nam", "hoc-ky", "nam-hoc", "dau-nam", "cuoi-nam", "hang-nam", "quy", "trong", "khong-ro")


@dataclass(frozen=True)
class SchoolYear:
    """A Vietnamese school year ("năm học"): September of `start_year` to May of the next year."""

    start_year: int

    @property
    def end_year(self) -> int:
        return self.start_year + 1

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.end_year, 5, 31)

    @classmethod
    def parse(cls, text: object) -> SchoolYear | None:
        """"2024-2025", "2024 – 2025", "Năm học 2024-2025" → SchoolYear(2024); None unless the years are consecutive."""
        if not isinstance(text, str):
            return None
        m = re.fullmatch(r"(?:nam hoc|nh)?\s*:?\s*(\d{4})\s*[-/]\s*(\d{4})", unify_dashes(fold(text)).strip(" .;,"))
        if m is None:
            return None
        a, b = int(m[1]), int(m[2])
        return cls(a) if b == a + 1 and MIN_YEAR <= a < MAX_YEAR else None

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year}"


@dataclass(frozen=True)
class Period:
    """What a period cell says: `start`..`end` (inclusive) when understood, plus how it was written."""

    raw: str                 # the original text (str(value) for non-str; "" for None), unchanged
    start: date | None       # first day covered
    end: date | None         # last day covered (deadline); may be before `start` if written so
    kind: str                # one of KINDS
    relative: bool           # dates derived from the school year rather than written explicitly

    @property
    def ok(self) -> bool:
        """Parsed to a start and an end (a relative period without a school year is not ok)."""
        return self.span is not None

    @property
    def span(self) -> tuple[date, date] | None:
        """(start, end) when the period is `ok`, else None: what a comparison of its dates needs."""
        if self.start is None or self.end is None or self.kind in ("khong-ro", "trong"):
            return None
        return self.start, self.end

    @property
    def empty(self) -> bool:
        return self.kind == "trong"


# ---------------------------------------------------------------- building blocks

_Span = tuple[date, date]
_Offset = tuple[int, int, int]          # (years after the school year's start_year, month, day)


@dataclass(frozen=True)
class _Piece:
    """One parsed phrase before its year is known. Exactly one of: fixed dates, school-year offsets,
    or a floating in-calendar-year span (months written without a year, whose year a neighbour or
    the school year supplies). A fixed piece without dates is one that needed a school year."""

    kind: str
    start: date | None = None
    end: date | None = None
    relative: bool = False
    school: tuple[_Offset, _Offset] | None = None
    floating: tuple[int, int, int, int] | None = None   # (start month, start day, end month, end day; 0 = last)


def _day(year: int, month: int, day: int) -> date | None:
    """A valid date or None; day 0 means the month's last day."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return calendar_day(year, month, day or month_days(year, month))


def _fixed(kind: str, start: date | None, end: date | None) -> _Piece | None:
    return _Piece(kind, start, end) if start is not None and end is not None else None


def _place(floating: tuple[int, int, int, int], year: int) -> _Span | None:
    sm, sd, em, ed = floating
    a, b = _day(year, sm, sd), _day(year, em, ed)
    return (a, b) if a is not None and b is not None else None


def _school_span(offsets: tuple[_Offset, _Offset], start_year: int) -> _Span | None:
    (ya, ma, da), (yb, mb, db) = offsets
    a, b = _day(start_year + ya, ma, da), _day(start_year + yb, mb, db)
    return (a, b) if a is not None and b is not None else None


def _year_of_month(month: int, sy: SchoolYear) -> int:
    """Months 8-12 belong to the school year's first calendar year, 1-7 to the second."""
    return sy.start_year if month >= 8 else sy.end_year


def _resolve(p: _Piece, sy: SchoolYear) -> _Piece | None:
    """Pin a relative piece to an explicitly written school year (so the result is not `relative`)."""
    if p.floating is not None:
        span = _place(p.floating, _year_of_month(p.floating[0], sy))
    elif p.school is not None:
        span = _school_span(p.school, sy.start_year)
    else:
        return p
    return _fixed(p.kind, *span) if span else None


# ---------------------------------------------------------------- phrases

_WHOLE_YEAR: tuple[_Offset, _Offset] = ((0, 9, 1), (1, 5, 31))
_PHRASES: dict[str, tuple[str, tuple[_Offset, _Offset]]] = {
    **dict.fromkeys(("nam hoc", "nam", "thuong xuyen", "lien tuc"), ("nam-hoc", _WHOLE_YEAR)),
    **dict.fromkeys(("dau nam hoc", "dau nam"), ("dau-nam", ((0, 8, 1), (0, 10, 31)))),
    **dict.fromkeys(("cuoi nam hoc", "cuoi nam"), ("cuoi-nam", ((1, 4, 1), (1, 5, 31)))),
    # around the end of HK I, taken wide (December to February) so that no review calls it overdue too early
    **dict.fromkeys(("giua nam hoc", "giua nam"), ("hoc-ky", ((0, 12, 1), (1, 2, 0)))),
    # calendar halves: "6 tháng đầu năm" is January–June of the school year's second year, "6 tháng cuối năm"
    # July–December of its first
    **dict.fromkeys(("6 thang dau nam", "sau thang dau nam"), ("nam", ((1, 1, 1), (1, 6, 30)))),
    **dict.fromkeys(("6 thang cuoi nam", "sau thang cuoi nam"), ("nam", ((0, 7, 1), (0, 12, 31)))),
}
# "Hè", "Nghỉ hè", "Trong hè" without a year: the summer that ends the school year (repairs and preparation for the
# next year), June to August; TG06 says so, as for "Tháng 7". "Hè 2025" is that summer of 2025.
_SUMMER: tuple[_Offset, _Offset] = ((1, 6, 1), (1, 8, 31))
_RE_SUMMER = re.compile(r"(?:nghi\s*)?he(?:\s*(?:nam\s*)?(\d{4}))?")
_SEMESTERS: dict[tuple[str, int], tuple[_Offset, _Offset]] = {
    ("", 1): ((0, 9, 1), (1, 1, 15)),
    ("", 2): ((1, 1, 16), (1, 5, 31)),
    ("dau", 1): ((0, 9, 1), (0, 9, 30)),
    ("dau", 2): ((1, 1, 16), (1, 2, 15)),
    ("cuoi", 1): ((0, 12, 15), (1, 1, 15)),
    ("cuoi", 2): ((1, 5, 1), (1, 5, 31)),
    ("giua", 1): ((0, 10, 1), (0, 11, 30)),      # mid-semester, taken wide: October–November, March–April
    ("giua", 2): ((1, 3, 1), (1, 4, 30)),
}
_NUMERALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "mot": 1, "hai": 2, "1": 1, "2": 2, "3": 3, "4": 4}

_MY_SEP = r"(?:\s*[/.\-]\s*|\s*nam\s*|\s+)"     # between a month (or quarter) and its year
# "Hằng tuần", "Thứ 2 hằng tuần", "Sáng thứ hai hằng tuần", "Định kỳ hằng tháng": all through the school year
_RE_RECURRING = re.compile(r"(?:(?:(?:sang|chieu|toi)\s+)?(?:thu\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu nhat)\s+)?"
                           r"(?:hang (?:nam|thang|tuan|quy|ky|ngay)(?: hoc)?|dinh ky(?: hang (?:nam|thang|tuan|quy|ky))?)")
_RE_RECURRING_SUFFIX = re.compile(r"(.+?)\s+(?:hang nam(?: hoc)?|dinh ky)")
_RE_YEAR = re.compile(r"(?:nam\s*)?(\d{4})")
_RE_EDGE_OF_YEAR = re.compile(r"(dau|cuoi) nam\s*(\d{4})")
_RE_HALF_OF_YEAR = re.compile(r"(?:6|sau) thang (dau|cuoi) nam\s*(\d{4})")
_RE_DAY_NO_YEAR = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*/\s*(\d{1,2})")
_RE_MONTH = re.compile(rf"(?:thang|t)\s*(\d{{1,2}})(?:{_MY_SEP}(\d{{4}}))?")
_RE_MONTH_BARE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")
_RE_QUARTER = re.compile(rf"quy\s*(iv|iii|ii|i|[1-4])(?:{_MY_SEP}(\d{{4}}))?")
_RE_SEMESTER = re.compile(r"(?:(dau|cuoi|giua)\s*)?(?:hoc\s*k[yi]|hk)\s*(ii|i|[12]|hai|mot)")
_RE_SCHOOL_SUFFIX = re.compile(r"(?:(?:nam hoc|nam|nh)\s*:?\s*)?(\d{4})\s*-\s*(\d{4})\)?$")
# "giai đoạn 2021-2025" is a programme's span; "định hướng (đến năm) 2030" its horizon (the span reaches it)
_RE_PREFIX = re.compile(r"(?:(?:tu|vao|trong|ca|suot|het|thoi gian|thuc hien|giai doan|nhan dip|dip)\b"
                        r"|dinh huong\b(?:\s*-)?)[\s:]*")
_RE_LIST_SEP = re.compile(r"\s*(?:[,;&+]|\bva\b|\bhoac\b)\s*")


def _strip_prefixes(s: str) -> str:
    """Drop filler words ("từ", "vào", "trong", "cả", "suốt", "hết") that do not change the dates."""
    while (m := _RE_PREFIX.match(s)) and m.end() < len(s):
        s = s[m.end():]
    return s.strip(" ,:(")


def _school_suffix(s: str) -> tuple[str, SchoolYear] | None:
    """Split "<phrase> năm học 2024-2025" into the phrase and the written school year."""
    m = _RE_SCHOOL_SUFFIX.search(s)
    if m is None or (m.start() > 0 and s[m.start() - 1] not in " ,(:"):
        return None
    sy = SchoolYear.parse(f"{m[1]}-{m[2]}")
    return (_strip_prefixes(s[:m.start()].strip(" ,(:-")), sy) if sy else None


_Read = tuple[bool, "_Piece | None"]     # (the phrase is of this kind, its piece: None when it names no real date)
_NOT_MINE: _Read = (False, None)


def _year(s: str) -> _Read:
    """"2025", "năm 2025"; "đầu năm 2025" / "cuối năm 2025" (a calendar year's first / last quarter)."""
    if m := _RE_YEAR.fullmatch(s):
        y = int(m[1])
        return True, _fixed("nam", _day(y, 1, 1), _day(y, 12, 31))
    if m := _RE_EDGE_OF_YEAR.fullmatch(s):
        y = int(m[2])
        if m[1] == "dau":
            return True, _fixed("dau-nam", _day(y, 1, 1), _day(y, 3, 31))
        return True, _fixed("cuoi-nam", _day(y, 10, 1), _day(y, 12, 31))
    if m := _RE_HALF_OF_YEAR.fullmatch(s):
        y = int(m[2])
        first, last = (1, 6) if m[1] == "dau" else (7, 12)
        return True, _fixed("nam", _day(y, first, 1), _day(y, last, 0))
    return _NOT_MINE


def _one_day(s: str) -> _Read:
    """A written day (`xlbridge.core.dates`), or a day and month whose year a neighbour or the school year gives."""
    is_day, d = match_day(s)
    if is_day:
        return True, _fixed("ngay", d, d)
    if m := _RE_DAY_NO_YEAR.fullmatch(s):
        dd, mm = int(m[1]), int(m[2])
        ok = 1 <= mm <= 12 and 1 <= dd <= month_days(2000, mm)
        return True, _Piece("ngay", floating=(mm, dd, mm, dd)) if ok else None
    return _NOT_MINE


def _month(s: str) -> _Read:
    """"Tháng 10", "T10/2024", "10/2024"."""
    m = _RE_MONTH.fullmatch(s) or _RE_MONTH_BARE.fullmatch(s)
    if m is None:
        return _NOT_MINE
    mm = int(m[1])
    if not 1 <= mm <= 12:
        return True, None
    if m[2] is None:
        return True, _Piece("thang", floating=(mm, 1, mm, 0))
    y = int(m[2])
    return True, _fixed("thang", _day(y, mm, 1), _day(y, mm, 0))


def _quarter(s: str) -> _Read:
    """"Quý II", "quý 3/2025"."""
    if (m := _RE_QUARTER.fullmatch(s)) is None:
        return _NOT_MINE
    q = _NUMERALS[m[1]]
    first, last = 3 * q - 2, 3 * q
    if m[2] is None:
        return True, _Piece("quy", floating=(first, 1, last, 0))
    y = int(m[2])
    return True, _fixed("quy", _day(y, first, 1), _day(y, last, 0))


def _school_part(s: str) -> _Read:
    """A part of the school year: "Học kỳ I", "cuối HK2", "Đầu năm học", "Thường xuyên", "Hằng tháng"."""
    if m := _RE_SEMESTER.fullmatch(s):
        return True, _Piece("hoc-ky", school=_SEMESTERS[(m[1] or "", _NUMERALS[m[2]])])
    if s in _PHRASES:
        kind, offsets = _PHRASES[s]
        return True, _Piece(kind, school=offsets)
    if _RE_RECURRING.fullmatch(s):
        return True, _Piece("hang-nam", school=_WHOLE_YEAR)
    return _NOT_MINE


def _summer(s: str) -> _Read:
    """"Hè", "Nghỉ hè" (the summer ending the school year), "Hè 2025", "hè năm 2025"."""
    if (m := _RE_SUMMER.fullmatch(s)) is None:
        return _NOT_MINE
    if m[1] is None:
        return True, _Piece("he", school=_SUMMER)
    y = int(m[1])
    return True, _fixed("he", _day(y, 6, 1), _day(y, 8, 31))


_READERS = (_year, _one_day, _month, _quarter, _summer, _school_part)


def _in_school_year(head: str, sy: SchoolYear) -> _Piece | None:
    """"<phrase> năm học 2024-2025": the phrase pinned to that school year ("" = the whole year)."""
    if not head:
        return _fixed("nam-hoc", sy.start, sy.end)
    p = _item(head, nested=True)
    if p is None or p.kind == "nam":     # "2025 năm học 2024-2025" contradicts itself
        return None
    return _resolve(p, sy)


def _recurring(s: str) -> _Piece | None:
    """"Tháng 9 hằng năm": that month (or part of the year), every year."""
    if (m := _RE_RECURRING_SUFFIX.fullmatch(s)) is None:
        return None
    p = _item(m[1], nested=True)
    if p is not None and p.start is None:
        return _Piece("hang-nam", school=p.school, floating=p.floating)
    return None


def _item(s: str, nested: bool = False) -> _Piece | None:
    """One phrase, no ranges or lists: a day, a month, a quarter, a year, a semester, a named part of a year.

    `nested` marks a phrase inside another ("Học kỳ I" in "Học kỳ I năm học 2024-2025"), which may not nest again.
    """
    s = _strip_prefixes(s.strip())
    if not s:
        return None
    if not nested and (split := _school_suffix(s)) is not None:
        return _in_school_year(*split)
    for read in _READERS:
        mine, piece = read(s)
        if mine:
            return piece
    return None if nested else _recurring(s)


# ---------------------------------------------------------------- combining pieces

_RANK = {"ngay": 0, "thang": 1, "quy": 2, "he": 2, "hoc-ky": 3, "dau-nam": 3, "cuoi-nam": 3, "nam-hoc": 4, "hang-nam": 4,
         "nam": 5}
_Result = tuple[str, date | None, date | None, bool]


class _NeedsYear(Exception):
    """A piece's dates depend on a school year that is not known: the period is understood but not dated."""


class _NoSuchDay(Exception):
    """A piece names a day that does not exist (31/02): the text is not a period."""


def _combine(pieces: list[_Piece], year: SchoolYear | None, *, span: bool) -> _Result | None:
    """Give every piece dates, then join them: a range runs first start → last end (never swapped, so
    "end before start" stays visible); a list covers earliest start → latest end."""
    kinds = [p.kind for p in pieces]
    kind = kinds[0] if len(set(kinds)) == 1 else max(kinds, key=_RANK.__getitem__)
    try:
        spans, rel = _dated(pieces, year)
    except _NeedsYear:
        return kind, None, None, True
    except _NoSuchDay:
        return None
    if span:
        return kind, min(a for a, _ in spans), max(b for _, b in spans), any(rel)
    return kind, spans[0][0], spans[-1][1], any(rel)


def _dated(pieces: list[_Piece], year: SchoolYear | None) -> tuple[list[_Span], list[bool]]:
    """(start, end) of every piece and whether it was derived from the school year.

    A month written without a year takes it from its neighbour: from the right first ("Tháng 9 -
    12/2024", "Tháng 9, 10/2024"), else from the left, moving to the next year when the month is
    earlier ("Tháng 11/2024 - tháng 2" → 02/2025). Only when no piece has a year is the school year used.
    """
    spans = [_fixed_span(p, year) for p in pieces]
    rel = [p.relative or p.school is not None for p in pieces]
    while None in spans:
        if not _from_neighbours(pieces, spans, rel):
            _from_school_year(pieces, spans, rel, year)
    return [s for s in spans if s is not None], rel


def _fixed_span(p: _Piece, year: SchoolYear | None) -> _Span | None:
    """The dates of a piece that needs no neighbour; None for a floating one (months without a year)."""
    if p.floating is not None:
        return None
    if p.school is not None:
        if year is None:
            raise _NeedsYear
        return _existing(_school_span(p.school, year.start_year))
    if p.start is None or p.end is None:
        raise _NeedsYear
    return p.start, p.end


def _from_neighbours(pieces: list[_Piece], spans: list[_Span | None], rel: list[bool]) -> bool:
    """One pass left to right giving floating pieces the year of a dated neighbour; whether any got one."""
    progress = False
    for i, p in enumerate(pieces):
        if spans[i] is not None or p.floating is None:
            continue
        month = p.floating[0]
        right = spans[i + 1] if i + 1 < len(pieces) else None
        left = spans[i - 1] if i > 0 else None
        if right is not None:
            y, rel[i] = right[0].year - (month > right[0].month), rel[i + 1]
        elif left is not None:
            y, rel[i] = left[0].year + (month < left[0].month), rel[i - 1]
        else:
            continue
        spans[i] = _existing(_place(p.floating, y))
        progress = True
    return progress


def _from_school_year(pieces: list[_Piece], spans: list[_Span | None], rel: list[bool], year: SchoolYear | None) -> None:
    """No piece has a year: the first floating one is placed in the school year (its neighbours follow it)."""
    if year is None:
        raise _NeedsYear
    i = spans.index(None)
    floating = pieces[i].floating
    assert floating is not None            # only floating pieces are left without dates
    spans[i], rel[i] = _existing(_place(floating, _year_of_month(floating[0], year))), True


def _existing(dates: _Span | None) -> _Span:
    if dates is None:
        raise _NoSuchDay
    return dates


def _range(s: str, year: SchoolYear | None) -> _Result | None:
    """"A - B": try each dash as the split point; the first where both sides read wins."""
    for i, ch in enumerate(s):
        if ch == "-" and (a := _item(s[:i])) is not None and (b := _item(s[i + 1:])) is not None:
            return _combine([a, b], year, span=False)
    return None


# "Trước 30/10/2024", "Chậm nhất tháng 11/2024": a deadline; the task runs from the school year's start to it
_RE_DEADLINE = re.compile(r"(?:hoan thanh\s+|xong\s+)?(?:truoc|cham nhat|muon nhat|han chot|han cuoi|khong qua)\s*:?\s*(.+)")


def _deadline(s: str, year: SchoolYear | None) -> _Result | None:
    m = _RE_DEADLINE.fullmatch(s)
    if m is None or (r := _parse(m[1], year)) is None:
        return None
    kind, start, end, relative = r
    if end is not None and year is not None and year.start <= end:
        start = year.start
    return kind, start, end, relative


def _parse(s: str, year: SchoolYear | None) -> _Result | None:
    if (d := _deadline(s, year)) is not None:
        return d
    if (p := _item(s)) is not None:
        return _combine([p], year, span=False)
    parts = _RE_LIST_SEP.split(s)
    if len(parts) > 1 and all(parts):
        pieces: list[_Piece] = []
        for part in parts:
            if (p := _item(part)) is None:
                r = _range(part, year)     # a range inside a list is read on its own
                if r is None:
                    return None
                p = _Piece(r[0], r[1], r[2], r[3])
            pieces.append(p)
        return _combine(pieces, year, span=True)
    if (r := _range(s, year)) is not None:
        return r
    split = _school_suffix(s)               # "<range> năm học 2024-2025"
    if split is not None and split[0] and (r := _parse(split[0], split[1])) is not None:
        return r[0], r[1], r[2], False
    return _remark_after(s, year)


# a remark that changes the period: "Tháng 10/2024 (hoãn)", "(lùi sang HK II)", "(chưa xác định)"
_RE_VOIDING_REMARK = re.compile(r"\b(?:hoan|lui|doi|chuyen|khong|chua|bo|thay|dieu chinh|tam dung|huy|neu|tuy)\b")


def _remark_after(s: str, year: SchoolYear | None) -> _Result | None:
    """"Tháng 11 (chào mừng 20/11)": a period followed by a remark in brackets is the period, unless the remark
    changes it ("(hoãn)", "(lùi sang HK II)": what is written no longer says when)."""
    if not s.endswith(")") or (cut := s.rfind("(")) <= 0 or _RE_VOIDING_REMARK.search(s[cut:]):
        return None
    head = s[:cut].strip(" ,:-")
    return _parse(head, year) if head else None


def _normalize(text: str) -> str:
    s = unify_dashes(fold(text)).replace("->", "-").replace("\u2192", "-").replace("~", "-")
    # "Tuần 1-2 tháng 9/2024", "tuần đầu tháng 10": read as the month (the weeks lie within it)
    s = re.sub(r"\btuan\s+(?:\d{1,2}(?:\s*[-,]\s*\d{1,2})*|dau|cuoi|cuoi cung|thu\s*\d{1,2})\s+(?:cua\s+)?(?=thang\b)", "", s)
    # "Cuối tháng 9/2024", "đầu tháng 10", "giữa tháng 3/2025": the month
    s = re.sub(r"\b(?:dau|giua|cuoi)\s+(?=thang\b)", "", s)
    # "2024-2025 và các năm tiếp theo": this year's part is the year written
    s = re.sub(r"\s*,?\s*(?:va\s+)?(?:cac|nhung)\s+nam(?:\s+hoc)?\s+(?:tiep theo|sau)$", "", s)
    s = re.sub(r"\b(?:den|toi)\b", " - ", s)   # "từ ... đến ..." is a range
    s = " ".join(s.split())
    return s.lstrip("-+*\u2022\u00b7 ").rstrip(" .;,:")


def _whole_number(value: int | float | Decimal) -> int | None:
    """The integer a numeric cell holds (2025, 2025.0), or None for fractions, NaN and infinities."""
    if isinstance(value, int):
        return value
    try:
        return int(value) if value == int(value) else None
    except (ValueError, OverflowError, ArithmeticError):   # nan / inf / Decimal("sNaN")
        return None


def parse_period(value: object, year: SchoolYear | None = None) -> Period:
    """Read a period cell (text, date, datetime or a year number); never raises.

    `year` is the plan's school year, needed for relative phrases ("Đầu năm học", "Học kỳ I",
    "Tháng 10"); without it those keep their kind but have no dates (ok is False).
    """
    raw = _raw(value)
    if value is None or (isinstance(value, str) and not fold(value)):
        return Period(raw, None, None, "trong", False)
    if isinstance(value, datetime):
        return Period(raw, value.date(), value.date(), "ngay", False)
    if isinstance(value, date):
        return Period(raw, value, value, "ngay", False)
    if isinstance(value, bool):
        return Period(raw, None, None, "khong-ro", False)
    if isinstance(value, (int, float, Decimal)):
        whole = _whole_number(value)
        first = _day(whole, 1, 1) if whole is not None else None
        last = _day(whole, 12, 31) if whole is not None else None
        if first is None or last is None:
            return Period(raw, None, None, "khong-ro", False)
        return Period(raw, first, last, "nam", False)
    if not isinstance(value, str):          # times, anything else a cell API may hand over
        return Period(raw, None, None, "khong-ro", False)
    return _text_period(raw, year)


@lru_cache(maxsize=1 << 14)     # schools write the same few hundred periods ("Tháng 9/2023", "Học kỳ I"); Period is frozen
def _text_period(raw: str, year: SchoolYear | None) -> Period:
    text = _normalize(raw)
    r = _parse(text, year) if len(text) <= MAX_LENGTH else None
    if r is None:
        return Period(raw, None, None, "khong-ro", False)
    kind, start, end, relative = r
    return Period(raw, start, end, kind, relative)


def describe(p: Period) -> str:
    """Vietnamese form for messages: "01/10/2024 – 31/10/2024", or why there are no dates."""
    if p.empty:
        return "(để trống)"
    if p.start is not None and p.end is not None and p.ok:
        a, b = (f"{d.day:02d}/{d.month:02d}/{d.year:04d}" for d in (p.start, p.end))
        return a if a == b else f"{a} – {b}"
    if p.kind == "khong-ro":
        return f"«{p.raw}» (không đọc được thời gian)"
    return f"«{p.raw}» (cần năm học để xác định)"

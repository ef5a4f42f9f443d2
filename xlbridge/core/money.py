"""Read the budget cells ("Dự kiến kinh phí", "Nguồn lực") of a quality-improvement plan.

Schools write "10 triệu", "22.000.000đ", "1,5 tỷ", "Xã hội hoá 10 triệu", "Không", "Tự túc"... The rules
need a figure in đồng and the funding source, so this module turns such text into a `Money` and never
raises: what is not understood becomes kind "khong-ro" with `raw` kept for the message.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from xlbridge.core.vntext import fold, parse_vn_number, unify_dashes
from xlbridge.core.vntext import raw_text as _raw

__all__ = ["Money", "parse_money", "format_vnd", "format_short", "KINDS", "SOURCES"]

KINDS = ("so-tien", "khong", "tu-tuc", "xa-hoi-hoa", "ngan-sach", "chua-ro", "trong", "khong-ro")
SOURCES = ("xa-hoi-hoa", "ngan-sach", "tu-tuc")
MAX_DIGITS = 60          # longer digit runs are junk, not budgets (and would be slow to format)
MAX_AMOUNT = 10**15      # 1 triệu tỷ đồng: beyond any plan, and sums of such figures stay within SQLite's INTEGER


@dataclass(frozen=True)
class Money:
    """What a budget cell says: a figure in đồng (when given) and the funding source (when named)."""

    raw: str                 # original text (str(value) for numbers; "" for None)
    amount: int | None       # VND, rounded half-up; 0 for "Không"/"/"/"0"; None when no figure is given
    kind: str                # one of KINDS
    source: str | None       # one of SOURCES when named, else None
    unit: bool = False       # a unit is written after a figure (đồng, nghìn, triệu, tỷ): the amount is meant as read

    @property
    def ok(self) -> bool:
        return self.kind != "khong-ro"


# ---------------------------------------------------------------- vocabulary (on folded text)

_SCALES = {"ty": 10**9, "ti": 10**9, "trieu": 10**6, "tr": 10**6, "nghin": 10**3, "ngan": 10**3, "k": 10**3}
_FIGURE = re.compile(
    r"(?<![0-9a-z])(?P<num>\d+(?:[.,]\d+)*)\s*"
    r"(?:(?P<scale>ty|ti|trieu|tr|nghin|ngan|k)(?:\s*(?:dong|vnd|d))?|(?P<dong>dong|vnd|d))?"
    r"(?![a-z0-9])"
)
# The three sources a district sums. Money from parents, the community, the union or a study-promotion fund is
# socialised (xã hội hóa); the school's own regular funds (chi thường xuyên, học phí, tự chủ, "kinh phí nhà
# trường") and whatever an authority, a programme or a project allocates are public money (ngân sách).
_SOURCE_PATTERNS = (
    ("xa-hoi-hoa", re.compile(r"\bxa\s*hoi\s*hoa\b|\bxhh\b|\btai tro\b|\bhuy dong\b|\bphu huynh\b|\bcmhs\b"
                              r"|\bcha me (?:hoc sinh|tre)\b|\btien an\b|\bcong doan\b|\bkhuyen hoc\b|\bung ho\b|\bdong gop\b")),
    ("ngan-sach", re.compile(r"\bngan\s*sach\b|\bnsnn\b|\bns\b|\bchi thuong xuyen\b|\bkinh phi (?:chi )?hoat dong\b"
                             r"|\bsu nghiep\b|\bhoc phi\b|\btu chu\b|\bkinh phi (?:cua )?(?:nha )?truong\b"
                             r"|\bnguon (?:kinh phi )?(?:cua )?(?:nha )?truong\b|\bdau tu cong\b|\bchuong trinh muc tieu\b"
                             r"|\bcai cach tien luong\b|\bdu an\b|\b(?:ubnd|uy ban|phong gd|so gd|cap tren)\b.*\bcap\b")),
    ("tu-tuc", re.compile(r"\btu\s*tuc\b")),
)
_NO_COST = re.compile(
    r"khong|ko|/+|-+|mien phi|khong (?:co|can|phat sinh|ton|mat|su dung)(?: kinh phi| chi phi)?|khong kinh phi"
    r"|long ghep(?: (?:vao|voi|trong))?(?: (?:cac )?hoat dong.*| chuyen mon.*| sinh hoat.*)?"    # done within existing work
)
_UNDECIDED = re.compile(r"\b(?:theo du toan|du toan|chua xac dinh|chua ro|chua co|dang cap nhat|se bo sung|"
                        r"bo sung sau|theo thuc te|tuy thuc te)\b")
# dates and school years are not money: "Tháng 10/2024: 5 triệu", "Năm học 2024-2025: 5 triệu"
_NOT_MONEY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/\d{4}|(?:19|20)\d{2}\s*-\s*(?:19|20)\d{2}"
                        r"|\bnam\s*(?:hoc\s*)?(?:19|20)\d{2}\b")
_FILLER = frozenset("kinh phi chi du kien khoang tong cong dong vnd d va nguon tien von nha nuoc truong muc "
                    "du toan la gom tu".split())


def _round(x: Fraction) -> int:
    """Half away from zero, as people round money (Python's round() would be banker's rounding)."""
    n = math.floor(abs(x) + Fraction(1, 2))
    return -n if x < 0 else n


@dataclass(frozen=True)
class _Figure:
    value: Fraction          # already multiplied by its scale
    marked: bool             # followed by a unit (tỷ, triệu, nghìn, đồng...), so certainly money
    scale: int               # 1 when no scale word
    start: int
    end: int


def _figures(text: str) -> list[_Figure] | None:
    """All figures in folded text; None when one of them is not a valid number or is a percentage."""
    found: list[_Figure] = []
    for m in _FIGURE.finditer(text):
        if sum(c.isdigit() for c in m["num"]) > MAX_DIGITS or text[m.end():].lstrip().startswith("%"):
            return None
        scale = _SCALES[m["scale"]] if m["scale"] else 1
        number = parse_vn_number(m["num"], unit=scale > 1)
        if number is None:
            return None
        found.append(_Figure(Fraction(number) * scale, bool(m["scale"] or m["dong"]), scale, m.start(), m.end()))
    return found


def _total(figs: list[_Figure], text: str) -> Fraction | None:
    """Sum the figures that are money; None when ambiguous.

    A unitless number below 1000 next to figures with units is a count ("2 lớp, 5 triệu") and is left
    out. Right after a scale word ("1 tỷ 200", "5 triệu 5") it is colloquial speech whose meaning
    depends on its length (1,2 tỷ? 1 tỷ 200 triệu?), so the cell is not guessed at.
    """
    if len(figs) == 2 and text[figs[0].end:figs[1].start].strip() in ("-", "den", "toi"):
        low, high = figs                 # a range ("20.000.000 - 25.000.000", "10-15 triệu"): plan for the upper end
        return max(low.value * (high.scale if low.scale == 1 and not low.marked else 1), high.value)
    if not any(f.marked for f in figs):
        return sum((f.value for f in figs), Fraction(0))
    total = Fraction(0)
    for i, f in enumerate(figs):
        if f.marked or f.value >= 1000:
            total += f.value
        elif i > 0 and figs[i - 1].scale > 1 and not text[figs[i - 1].end:f.start].strip():
            return None
    return total


def _noisy(text: str, figs: list[_Figure]) -> bool:
    """True when words other than sources and budget filler surround the figures ("Mua 5 bộ máy tính")."""
    for f in reversed(figs):
        text = text[:f.start] + " " + text[f.end:]
    for _, pattern in _SOURCE_PATTERNS:
        text = pattern.sub(" ", text)
    return any(w not in _FILLER for w in re.findall(r"[a-z]+", text))


def _sources(text: str) -> list[str]:
    """Funding sources named in the text, in the order they are written."""
    hits = [(m.start(), name) for name, pattern in _SOURCE_PATTERNS if (m := pattern.search(text))]
    return [name for _, name in sorted(hits)]


def _number_cell(raw: str, value: int | float | Decimal) -> Money:
    try:
        exact = Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)) if isinstance(value, float)
                                                                        else value)
    except (ValueError, OverflowError, ArithmeticError):      # nan, inf
        return Money(raw, None, "khong-ro", None)
    amount = _round(exact)
    if abs(amount) > MAX_AMOUNT:
        return Money(raw, None, "khong-ro", None)
    return Money(raw, amount, "khong" if amount == 0 else "so-tien", None)


def parse_money(value: object) -> Money:
    """Read a budget cell (text or number); never raises.

    Several figures are added up ("5 triệu + 3 triệu", "1 tỷ 200 triệu"); dates are not figures. When several sources are
    named, the first one written is the `source` and `kind`. A plain number below 1000 is kept as is
    (5 → 5 đồng): whether it meant millions is for a rule to ask, not for the parser to guess.
    A minus sign glued to the only figure ("-5.000.000") makes it negative; "- 5 triệu" is a bullet.
    """
    raw = _raw(value)
    if value is None or (isinstance(value, str) and not fold(value)):
        return Money(raw, None, "trong", None)
    if isinstance(value, bool):
        return Money(raw, None, "khong-ro", None)
    if isinstance(value, (int, float, Decimal)):
        return _number_cell(raw, value)
    if not isinstance(value, str):          # dates, times, anything else a cell API may hand over
        return Money(raw, None, "khong-ro", None)
    return _text_money(raw)


@lru_cache(maxsize=1 << 14)     # "Không", "5 triệu", "Ngân sách": a district's budgets repeat; Money is frozen
def _text_money(raw: str) -> Money:
    text = unify_dashes(fold(raw))
    bare = text.strip(" .;:!()")
    if _NO_COST.fullmatch(bare):
        return Money(raw, 0, "khong", None)
    sources = _sources(text)
    source = sources[0] if sources else None
    money_text = _NOT_MONEY.sub(" ", text)
    figs = _figures(money_text)
    if figs is None:
        return Money(raw, None, "khong-ro", source)
    if figs:
        if not any(f.marked or f.value >= 1000 for f in figs) and _noisy(money_text, figs):
            return Money(raw, None, "khong-ro", source)
        total = _total(figs, money_text)
        if total is None:
            return Money(raw, None, "khong-ro", source)
        if len(figs) == 1 and re.match(r"-\d", bare):
            total = -total
        amount = _round(total)
        if abs(amount) > MAX_AMOUNT:                   # not a budget: a figure no plan can hold
            return Money(raw, None, "khong-ro", source)
        if source in ("xa-hoi-hoa", "ngan-sach"):
            kind = source
        else:
            kind = "khong" if amount == 0 and source is None else "so-tien"
        return Money(raw, amount, kind, source, any(f.marked for f in figs))
    if source is not None:
        return Money(raw, None, source, source)
    if _UNDECIDED.search(text):
        return Money(raw, None, "chua-ro", None)
    return Money(raw, None, "khong-ro", None)


# ---------------------------------------------------------------- formatting

def _group(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """1234567 → "1.234.567 đồng" (Vietnamese grouping)."""
    return ("-" if amount < 0 else "") + _group(abs(amount)) + " đồng"


def format_short(amount: int) -> str:
    """Readable form for messages: "10 triệu đồng", "1,5 tỷ đồng", "22,5 triệu đồng", "750.000 đồng".

    Uses tỷ or triệu only when at most two decimals are needed, so `parse_money` reads it back exactly.
    """
    sign, n = ("-" if amount < 0 else ""), abs(amount)
    for unit, size in (("tỷ", 10**9), ("triệu", 10**6)):
        if n >= size and n % (size // 100) == 0:
            whole, frac = divmod(n, size)
            decimals = f"{frac * 100 // size:02d}".rstrip("0")
            return f"{sign}{_group(whole)}{',' + decimals if decimals else ''} {unit} đồng"
    return sign + format_vnd(n)

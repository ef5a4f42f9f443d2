"""Tests for reading budget cells ("Dự kiến kinh phí", "Nguồn lực"): real phrasings, then properties."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlbridge.core.money import KINDS, MAX_AMOUNT, SOURCES, Money, format_short, format_vnd, parse_money

M = 1_000_000

EXAMPLES = [
    # text, amount, kind, source
    ("10 triệu", 10 * M, "so-tien", None),
    ("7 triệu đồng", 7 * M, "so-tien", None),
    ("22.000.000", 22 * M, "so-tien", None),
    ("22.000.000đ", 22 * M, "so-tien", None),
    ("22.000.000 đ", 22 * M, "so-tien", None),
    ("22.000.000 VNĐ", 22 * M, "so-tien", None),
    ("22,000,000", 22 * M, "so-tien", None),
    ("1,5 tỷ", 1_500 * M, "so-tien", None),
    ("1.5 tỷ", 1_500 * M, "so-tien", None),
    ("1,5 tỉ đồng", 1_500 * M, "so-tien", None),
    ("500 nghìn", 500_000, "so-tien", None),
    ("500 ngàn", 500_000, "so-tien", None),
    ("500k", 500_000, "so-tien", None),
    ("500K", 500_000, "so-tien", None),
    ("2 tr", 2 * M, "so-tien", None),
    ("10tr", 10 * M, "so-tien", None),
    ("10trđ", 10 * M, "so-tien", None),
    ("22.000", 22_000, "so-tien", None),
    ("22,5 triệu", 22_500_000, "so-tien", None),
    ("1.234,5 triệu đồng", 1_234_500_000, "so-tien", None),
    ("1 tỷ 200 triệu", 1_200 * M, "so-tien", None),
    ("5 triệu + 3 triệu", 8 * M, "so-tien", None),
    ("5 triệu + 3.000.000", 8 * M, "so-tien", None),
    ("Kinh phí dự kiến: khoảng 5 triệu đồng", 5 * M, "so-tien", None),
    ("Tháng 10/2024: 5 triệu", 5 * M, "so-tien", None),
    ("2 lớp x 5 triệu", 5 * M, "so-tien", None),
    ("5", 5, "so-tien", None),                 # kept as is: a rule asks whether it meant millions
    ("10", 10, "so-tien", None),
    ("Khoảng 5", 5, "so-tien", None),
    ("Không", 0, "khong", None),
    ("không", 0, "khong", None),
    ("KHÔNG", 0, "khong", None),
    ("Không có", 0, "khong", None),
    ("Không phát sinh kinh phí", 0, "khong", None),
    ("0", 0, "khong", None),
    ("0 đồng", 0, "khong", None),
    ("/", 0, "khong", None),
    ("-", 0, "khong", None),
    ("Tự túc", None, "tu-tuc", "tu-tuc"),
    ("Tự túc 2 triệu", 2 * M, "so-tien", "tu-tuc"),
    ("Xã hội hóa", None, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("Xã hội hoá", None, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("XÃ HỘI HÓA", None, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("XHH", None, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("Ngân sách nhà nước", None, "ngan-sach", "ngan-sach"),
    ("Ngân sách: 5 triệu", 5 * M, "ngan-sach", "ngan-sach"),
    ("Ngân sách: 5", 5, "ngan-sach", "ngan-sach"),
    ("Xã hội hóa 10 triệu", 10 * M, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("10 triệu (XHH)", 10 * M, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("Ngân sách 5 triệu, XHH 3 triệu", 8 * M, "ngan-sach", "ngan-sach"),    # first source named wins
    ("XHH 3 triệu, ngân sách 5 triệu", 8 * M, "xa-hoi-hoa", "xa-hoi-hoa"),
    ("Theo dự toán", None, "chua-ro", None),
    ("Chưa xác định", None, "chua-ro", None),
    ("-5.000.000 đồng", -5 * M, "so-tien", None),
    ("- 5 triệu", 5 * M, "so-tien", None),       # a list bullet, not a minus sign
]


@pytest.mark.parametrize(("text", "amount", "kind", "source"), EXAMPLES)
def test_examples(text: str, amount: int | None, kind: str, source: str | None) -> None:
    m = parse_money(text)
    assert (m.amount, m.kind, m.source) == (amount, kind, source)
    assert m.raw == text and m.ok


@pytest.mark.parametrize("text", ["Mua 5 bộ máy tính", "50%", "1.2.3 triệu", "1 tỷ 200", "5 triệu 5", "abc", "Tùy tình hình",
                                  "1.5e7"])
def test_not_understood(text: str) -> None:
    m = parse_money(text)
    assert (m.amount, m.kind, m.ok, m.raw) == (None, "khong-ro", False, text)


@pytest.mark.parametrize("value", [None, "", "  ", "\n", "\u00a0"])
def test_empty(value: object) -> None:
    m = parse_money(value)
    assert (m.amount, m.kind, m.source, m.ok) == (None, "trong", None, True)
    assert m.raw == ("" if value is None else value)


@pytest.mark.parametrize(("value", "amount", "kind"), [
    (22000000, 22 * M, "so-tien"),
    (1.5e7, 15 * M, "so-tien"),
    (22500000.5, 22_500_001, "so-tien"),
    (Decimal("1500000"), 1_500_000, "so-tien"),
    (0, 0, "khong"),
    (0.0, 0, "khong"),
    (-3, -3, "so-tien"),
    (float("nan"), None, "khong-ro"),
    (float("inf"), None, "khong-ro"),
    (Decimal("NaN"), None, "khong-ro"),
    (True, None, "khong-ro"),
    (date(2024, 10, 1), None, "khong-ro"),
])
def test_non_text_cells(value: object, amount: int | None, kind: str) -> None:
    m = parse_money(value)
    assert (m.amount, m.kind, m.raw) == (amount, kind, str(value))


@pytest.mark.parametrize(("amount", "vnd", "short"), [
    (1_234_567, "1.234.567 đồng", "1.234.567 đồng"),
    (0, "0 đồng", "0 đồng"),
    (999, "999 đồng", "999 đồng"),
    (10_000_000, "10.000.000 đồng", "10 triệu đồng"),
    (1_500_000_000, "1.500.000.000 đồng", "1,5 tỷ đồng"),
    (22_500_000, "22.500.000 đồng", "22,5 triệu đồng"),
    (22_550_000, "22.550.000 đồng", "22,55 triệu đồng"),
    (750_000, "750.000 đồng", "750.000 đồng"),
    (1_000_000_000, "1.000.000.000 đồng", "1 tỷ đồng"),
    (1_234_500_000, "1.234.500.000 đồng", "1.234,5 triệu đồng"),
    (12_000 * 10**9, "12.000.000.000.000 đồng", "12.000 tỷ đồng"),
    (-1_500_000_000, "-1.500.000.000 đồng", "-1,5 tỷ đồng"),
])
def test_format(amount: int, vnd: str, short: str) -> None:
    assert (format_vnd(amount), format_short(amount)) == (vnd, short)


# ---------------------------------------------------------------- properties

@given(st.integers(-MAX_AMOUNT, MAX_AMOUNT))
def test_format_vnd_round_trip(a: int) -> None:
    assert parse_money(format_vnd(a)).amount == a


@given(st.integers(MAX_AMOUNT + 1) | st.integers(max_value=-MAX_AMOUNT - 1))
def test_figures_beyond_any_plan_are_not_understood(a: int) -> None:
    assert parse_money(format_vnd(a)).amount is None and parse_money(a).kind == "khong-ro"


@given(st.integers(-10**7, 10**7).map(lambda n: n * 100_000))
def test_format_short_round_trip_multiples(a: int) -> None:
    text = format_short(a)
    assert parse_money(text).amount == a
    if abs(a) >= M:
        assert "triệu" in text or "tỷ" in text


@given(st.integers(-MAX_AMOUNT, MAX_AMOUNT))
def test_format_short_round_trip_any(a: int) -> None:
    assert parse_money(format_short(a)).amount == a


@given(st.integers(0, MAX_AMOUNT), st.sampled_from(["", "đ", " đ", " đồng", " VNĐ", " vnd"]))
def test_vietnamese_grouping_round_trip(a: int, unit: str) -> None:
    """ "1.234.567" is thousands-grouped, and so is Excel's English "1,234,567"."""
    assert parse_money(f"{a:,}".replace(",", ".") + unit).amount == a
    assert parse_money(f"{a:,}" + unit).amount == a


units = st.sampled_from([("tỷ", 10**9), ("tỉ", 10**9), ("TỶ", 10**9), ("triệu", M), ("trieu", M), ("tr", M), ("Tr", M),
                         ("nghìn", 1000), ("ngàn", 1000), ("k", 1000)])


@given(st.integers(0, 999), st.integers(0, 99), st.sampled_from([",", "."]), units, st.sampled_from(["", " ", "  "]),
       st.sampled_from(["", " đồng", "đ"]))
def test_decimal_with_unit(whole: int, frac: int, mark: str, unit: tuple[str, int], space: str, dong: str) -> None:
    """ "1,5 tỷ" and "1.5 tỷ" (a unit after a short group) are decimals."""
    digits = f"{frac:02d}" if frac >= 10 or frac == 0 else str(frac)
    name, scale = unit
    expected = int((Decimal(f"{whole}.{digits}") * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert parse_money(f"{whole}{mark}{digits}{space}{name}{dong}").amount == expected


@given(st.lists(st.tuples(st.integers(1, 999), units), min_size=1, max_size=5), st.sampled_from([" + ", "+", ", ", " và "]))
def test_sums(parts: list[tuple[int, tuple[str, int]]], joiner: str) -> None:
    text = joiner.join(f"{n} {name}" for n, (name, _) in parts)
    assert parse_money(text).amount == sum(n * scale for n, (_, scale) in parts)


sources = st.sampled_from([("Xã hội hóa", "xa-hoi-hoa"), ("Xã hội hoá", "xa-hoi-hoa"), ("xa hoi hoa", "xa-hoi-hoa"),
                           ("XHH", "xa-hoi-hoa"), ("Ngân sách", "ngan-sach"), ("Ngân sách nhà nước", "ngan-sach"),
                           ("NSNN", "ngan-sach")])


@given(sources, st.integers(1, 999), st.booleans())
def test_source_with_figure(src: tuple[str, str], n: int, before: bool) -> None:
    word, source = src
    text = f"{word}: {n} triệu" if before else f"{n} triệu ({word})"
    m = parse_money(text)
    assert (m.amount, m.kind, m.source) == (n * M, source, source)
    bare = parse_money(word)
    assert (bare.amount, bare.kind, bare.source) == (None, source, source)


@given(st.integers(-10**15, 10**15) | st.floats(-1e15, 1e15))
def test_number_cells(value: float) -> None:
    m = parse_money(value)
    expected = int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert (m.amount, m.kind) == (expected, "khong" if expected == 0 else "so-tien")


def check_invariants(m: Money, raw: str) -> None:
    assert m.raw == raw
    assert m.kind in KINDS
    assert m.source is None or m.source in SOURCES
    assert m.ok == (m.kind != "khong-ro")
    if m.kind in ("trong", "chua-ro", "tu-tuc", "khong-ro"):
        assert m.amount is None
    if m.kind == "khong":
        assert m.amount == 0
    if m.kind == "so-tien":
        assert m.amount is not None


@given(st.text())
def test_never_raises_on_text(text: str) -> None:
    check_invariants(parse_money(text), text)


alphabet = st.sampled_from(list("0123456789.,/-+%() đkK") + ["triệu", "tỷ", "nghìn", "tr", "XHH", "ngân sách", "không",
                                                              "tự túc", "đồng"])


@given(st.lists(alphabet, max_size=12).map("".join))
def test_never_raises_on_money_like_text(text: str) -> None:
    check_invariants(parse_money(text), text)


objects = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.decimals(allow_nan=True, allow_infinity=True) | st.dates() | st.datetimes() | st.text()
           | st.lists(st.integers(), max_size=3))


@given(objects)
def test_never_raises_on_objects(value: object) -> None:
    check_invariants(parse_money(value), "" if value is None else value if isinstance(value, str) else str(value))


def test_datetime_is_not_money() -> None:
    assert parse_money(datetime(2024, 10, 1)).kind == "khong-ro"


def test_money_says_whether_a_unit_was_written():
    """KP02 asks about a bare «5000» (thousands? a dropped «.000»?) but takes «5.000 đ» as written."""
    assert [parse_money(t).unit for t in ("5000", "5.000 đ", "5 triệu", "Xã hội hóa 5tr", "2 lớp, 5 triệu")] == \
        [False, True, True, True, True]
    assert parse_money(5000).unit is False and parse_money("Không").unit is False


@pytest.mark.parametrize(("text", "kind"), [
    ("Quỹ phụ huynh", "xa-hoi-hoa"), ("Hội CMHS hỗ trợ", "xa-hoi-hoa"), ("Công đoàn hỗ trợ", "xa-hoi-hoa"),
    ("Quỹ khuyến học", "xa-hoi-hoa"), ("Tiền ăn của trẻ", "xa-hoi-hoa"), ("Phụ huynh đóng góp", "xa-hoi-hoa"),
    ("Kinh phí nhà trường", "ngan-sach"), ("Nguồn kinh phí của trường", "ngan-sach"), ("Học phí", "ngan-sach"),
    ("Nguồn tự chủ", "ngan-sach"), ("Nguồn sự nghiệp giáo dục", "ngan-sach"), ("UBND huyện cấp", "ngan-sach"),
    ("Vốn đầu tư công", "ngan-sach"), ("Chương trình mục tiêu", "ngan-sach"), ("Nguồn cải cách tiền lương", "ngan-sach"),
    ("Lồng ghép", "khong"), ("Lồng ghép trong sinh hoạt chuyên môn", "khong"),
])
def test_sources_schools_write_are_sources(text, kind):
    """Once «Không hiểu kinh phí» (KP01, an error) on funding sources every school names: audit round five."""
    assert parse_money(text).kind == kind


@pytest.mark.parametrize(("text", "amount"), [
    ("20.000.000 - 25.000.000", 25_000_000), ("10-15 triệu", 15_000_000), ("10 đến 15 triệu", 15_000_000),
    ("5 triệu - 8 triệu", 8_000_000),
])
def test_a_range_of_amounts_plans_for_its_upper_end(text, amount):
    """A range is not two costs to add up (it summed to 45 triệu)."""
    assert parse_money(text).amount == amount

"""The one day parser: every reader of a written day (report date, --ngay, Word import, one-day
period) accepts the same forms and refuses the same impossible days."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlbridge.commands.common import parse_date
from xlbridge.core.dates import find_day, parse_day
from xlbridge.core.periods import parse_period
from xlbridge.errors import KdclError
from xlbridge.importer.detect import report_date

FORMS = ["{d}/{m}/{y}", "{d:02d}/{m:02d}/{y}", "{d}-{m}-{y}", "{d:02d}.{m:02d}.{y}", "{y}-{m:02d}-{d:02d}",
         "ngày {d} tháng {m} năm {y}", "Ngày {d:02d} tháng {m:02d} năm {y}", "NGÀY {d} THÁNG {m} NĂM {y}",
         "ngay {d} thang {m} nam {y}", "{d} tháng {m}/{y}", " {d} / {m} / {y} ", "Ngày {d}/{m}/{y}."]
days = st.dates(date(1900, 1, 1), date(2100, 12, 31))


@given(days, st.sampled_from(FORMS))
def test_every_reader_reads_every_form(d: date, form: str) -> None:
    text = form.format(d=d.day, m=d.month, y=d.year)
    assert parse_day(text) == d, text
    assert parse_date(text) == d, text                      # --ngay
    p = parse_period(text)                                  # a one-day period
    assert (p.kind, p.start, p.end) == ("ngay", d, d), text


@given(days, st.sampled_from([f for f in FORMS if "{y}-" not in f]))
def test_a_day_inside_a_line(d: date, form: str) -> None:
    text = form.format(d=d.day, m=d.month, y=d.year).strip(" .")
    assert find_day(f"Giồng Riềng, {text}") == d
    assert find_day(f"(Kèm theo Báo cáo số 12/BC-THPT {text} của Trường THPT)") == d


@given(st.dates() | st.datetimes())
def test_date_cells(value: date) -> None:
    assert parse_day(value) == (value.date() if isinstance(value, datetime) else value)


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "0/5/2024", "15/13/2024", "15/01/1800", "15/01/2200",
                                  "15/01-2024", "15/01", "tháng 1/2024", "giữa tháng 1", "", "2024", "15 01 2024"])
def test_not_a_day(text: str) -> None:
    assert parse_day(text) is None
    with pytest.raises(KdclError, match="không hợp lệ"):
        parse_date(text)
    assert parse_period(text).kind != "ngay" or not parse_period(text).ok


@pytest.mark.parametrize("value", [None, 45000, 2024.0, True, ["15/01/2024"]])
def test_other_values_are_not_days(value: object) -> None:
    assert parse_day(value) is None


def test_the_word_import_reads_the_document_date_once() -> None:
    """The document's own date line, not the circular it cites; an impossible day is skipped for the next one."""
    lines = ["Căn cứ Thông tư số 18/2018/TT-BGDĐT ngày 22 tháng 8 năm 2018", "Giồng Riềng, ngày 31 tháng 02 năm 2024",
             "Tính đến thời điểm: 25/10/2023"]
    assert report_date(lines) == date(2023, 10, 25)
    assert report_date(["Giồng Riềng, ngày 30 tháng 5 năm 2024"]) == date(2024, 5, 30)


@pytest.mark.parametrize(("text", "day"), [
    ("Thạnh Đông, ngày 25 tháng 5 năm 2025", date(2025, 5, 25)),     # the document's date line copied whole
    ("TP. Hồ Chí Minh, ngày 25/5/2025", date(2025, 5, 25)),
    ("25/5/25", date(2025, 5, 25)),                                   # a two-digit year
])
def test_a_report_date_as_secretaries_type_it(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["Năm học 2024-2025, 25/5/2025", "Ngày 25/5/2025, tại trường", "abc, def"])
def test_a_line_with_more_than_a_place_and_a_day_is_not_a_day(text):
    assert parse_day(text) is None

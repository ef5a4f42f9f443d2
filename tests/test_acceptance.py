"""Real documents entered into templates of their cấp học check without false errors."""

from __future__ import annotations

import pytest
from conftest import SEEDS, TODAY, TT57, seed_workbook, tt57_workbook

from xlbridge.check import check_file


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_tables_give_no_errors(tmp_path, name):
    result = check_file(seed_workbook(tmp_path, name), TODAY)
    errors = [f"{f.rule} {f.place}: {f.message}" for f in result.findings if f.is_error]
    assert errors == []


@pytest.mark.parametrize("name, items, statuses", [
    ("ket-qua-thpt", 34, {"Hoàn thành": 9, "Đang thực hiện": 18, "Chưa triển khai": 7}),   # counted by hand from the seed
    ("ket-qua-thcs", 10, {"Hoàn thành": 8, "Đang thực hiện": 2}),
    ("ke-hoach-th-thcs", 4, {}),
    ("tien-do-tieu-hoc", 7, {}),
])
def test_seed_tables_read_back_completely(tmp_path, name, items, statuses):
    result = check_file(seed_workbook(tmp_path, name), TODAY)
    assert len(result.book.items) == items
    total = result.summary.total.counts
    assert total.items == items
    for status, n in statuses.items():
        assert total.statuses[status] == n, status


def test_thpt_seed_row_placement(tmp_path):
    """Each row sits under its criterion, Mức 4 rows on the Mức 4 sheet, text kept verbatim."""
    book = check_file(seed_workbook(tmp_path, "ket-qua-thpt"), TODAY).book
    by_code = {it.criterion: it for it in book.items}
    assert by_code["1.1"].sheet == "Tiêu chuẩn 1"
    assert by_code["M4.6"].sheet == "Mức 4"
    assert by_code["3.2"].text("content") == "Mua sắm bổ sung, sửa chữa TBDH"
    assert by_code["2.1"].status.name == "Chưa triển khai"
    assert by_code["3.6"].status.name == "Hoàn thành"


def test_tieu_hoc_progress_report_uses_province_form(tmp_path):
    """The Tiền Giang layout has no status column: status rules stay silent, periods and money are read."""
    result = check_file(seed_workbook(tmp_path, "tien-do-tieu-hoc"), TODAY)
    assert result.book.layout.plan_form.id == "tien-do-tien-giang"
    assert not any(f.rule.startswith("KQ") for f in result.findings)
    crit = [it.criterion for it in result.book.items]
    assert crit.count("1.7") == 2 and "5.4" in crit          # two items for 1.7; 5.4 under standard 5
    budgets = {it.budget.raw: it.budget.kind for it in result.book.items if it.budget}
    assert budgets == {"/": "khong", "Tự túc": "tu-tuc"}


def test_plan_seed_parses_periods_and_money(tmp_path):
    book = check_file(seed_workbook(tmp_path, "ke-hoach-th-thcs"), TODAY).book
    amounts = sorted((it.budget.amount or 0) for it in book.items if it.budget)
    assert amounts[-1] == 10_000_000
    ends = sorted(it.period.end.isoformat() for it in book.items)
    assert ends == ["2024-10-31", "2024-12-31", "2025-05-31", "2025-05-31"]


@pytest.mark.parametrize("name", sorted(TT57))
def test_tt57_plans_check_clean(tmp_path, name):
    result = check_file(tt57_workbook(tmp_path, name), TODAY)
    assert result.book.framework.id.startswith("tt57-2026")
    assert [f"{f.rule} {f.place}: {f.message}" for f in result.findings] == []
    assert len(result.book.items) == 8 and len(result.book.issues) >= 4
    total = result.summary.total.counts
    assert total.statuses["Hoàn thành"] == 5 and total.statuses["Chậm tiến độ"] == 1 and total.statuses["Chưa triển khai"] == 1
    assert total.completion == pytest.approx(5 / 8)
    assert total.overdue >= 1        # the late item is counted, though not warned about again

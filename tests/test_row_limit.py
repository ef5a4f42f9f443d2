"""No consolidation row is ever dropped: a table longer than a worksheet continues on further sheets, and every
XlsxWriter write is checked (it returns -1 past the last row instead of raising). The real 1,048,576-row run is
`benchmarks/bench_row_limit.py` (minutes); here the sheet capacity is lowered, the logic is the same."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from xlbridge.consolidate.tables import OutTable
from xlbridge.consolidate.texts import OutColumn, texts
from xlbridge.consolidate.workbook import EXCEL_ROWS, HEADER_ROW, RowLimitError, _cell, _Formats, write_workbook

COLS = [OutColumn("stt", "STT", "int", 6), OutColumn("noi_dung", "Nội dung", "text", 40)]


def _table(key: str, sheet: str, n: int) -> OutTable:
    return OutTable(key, sheet, f"BẢNG {sheet.upper()}", COLS, lambda: ([i, f"dòng {i}"] for i in range(1, n + 1)))


def test_long_table_continues_on_numbered_sheets(tmp_path):
    tables = [_table("danh_sach", "Danh sách", 3), _table("loi", "Lỗi", 12)]
    out = tmp_path / "th.xlsx"
    counts = write_workbook(tables, out, "Ghi chú.", max_rows=HEADER_ROW + 1 + 5)
    assert counts == {"danh_sach": 3, "loi": 12}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Danh sách", "Lỗi", "Lỗi (2)", "Lỗi (3)"]
    got = [r[0] for name in ("Lỗi", "Lỗi (2)", "Lỗi (3)") for r in wb[name].iter_rows(min_row=HEADER_ROW + 2, values_only=True)]
    assert got == list(range(1, 13))                                  # every row, once, in order
    note = wb["Danh sách"].cell(2, 1).value
    assert note.startswith("Ghi chú.") and "«Lỗi», «Lỗi (2)», «Lỗi (3)»" in note and "12 dòng" in note
    assert "phần 2/3" in wb["Lỗi (2)"].cell(1, 1).value
    assert texts().labels["continued_sheet"]


def test_a_table_that_fits_is_one_sheet(tmp_path):
    out = tmp_path / "th.xlsx"
    write_workbook([_table("danh_sach", "Danh sách", 5)], out, "", max_rows=HEADER_ROW + 1 + 5)
    assert openpyxl.load_workbook(out).sheetnames == ["Danh sách"]


def test_a_refused_write_is_an_error_not_a_lost_row(tmp_path):
    wb = xlsxwriter.Workbook(tmp_path / "x.xlsx", {"constant_memory": True})
    ws = wb.add_worksheet()
    fmt = _Formats(wb)
    assert _cell(ws, EXCEL_ROWS - 1, 0, "text", "noi_dung", "cuối", fmt) == 0
    assert _cell(ws, EXCEL_ROWS, 0, "text", "noi_dung", "quá", fmt) == -1     # what XlsxWriter does past the limit
    wb.close()


@pytest.mark.parametrize("path", ["text rows", "per cell"])
def test_every_write_is_checked(tmp_path, monkeypatch, path):
    """Were a row refused (XlsxWriter's -1), the run stops with an error and leaves no partial output: both on the
    text-row path and on the per-cell fallback."""
    from xlbridge.consolidate import sheetrows, workbook
    if path == "text rows":
        real_row = sheetrows.RowWriter.row

        def refuse_fifth_row(self, r, values, height=None):
            return -1 if r == HEADER_ROW + 5 else real_row(self, r, values, height)
        monkeypatch.setattr(sheetrows.RowWriter, "row", refuse_fifth_row)
    else:
        real = workbook._cell

        def refuse_fifth(ws, r, c, kind, key, v, fmt):
            return -1 if r == HEADER_ROW + 5 else real(ws, r, c, kind, key, v, fmt)
        monkeypatch.setattr(sheetrows, "fits", lambda ws: False)
        monkeypatch.setattr(workbook, "_cell", refuse_fifth)
    out = tmp_path / "z.xlsx"
    with pytest.raises(RowLimitError):
        write_workbook([_table("loi", "Lỗi", 8)], out, "")
    assert not out.exists() and list(tmp_path.iterdir()) == []

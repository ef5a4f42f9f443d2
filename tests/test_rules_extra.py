"""Rules on cases found while testing the rule catalogue: rows outside any criterion, codes in the issues table."""

from __future__ import annotations

import openpyxl
from conftest import TODAY, seed_workbook, tt57_workbook

from xlbridge.check import check_file


def _codes(result, rule):
    return [(f.sheet, f.cell) for f in result.findings if f.rule == rule]


def test_row_inserted_above_the_first_criterion_is_reported(tmp_path):
    path = seed_workbook(tmp_path, "ke-hoach-th-thcs")
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiêu chuẩn 1"]
    ws.insert_rows(7)                      # between the header and the row of criterion 1.1
    ws["D7"] = "Rà soát quy chế làm việc"
    wb.save(path)
    result = check_file(path, TODAY)
    assert ("Tiêu chuẩn 1", "D7") in _codes(result, "KH06")
    assert [it.criterion for it in result.book.items if it.row == 7] == [None]


def test_issue_criterion_codes_are_checked(tmp_path):
    path = tt57_workbook(tmp_path, "pho-thong")
    book = check_file(path, TODAY).book
    issue = next(i for i in book.issues if i.sheet == "Tiêu chuẩn 2")
    cell = issue.values["tieu_chi"].cell.a1
    wb = openpyxl.load_workbook(path)
    wb["Tiêu chuẩn 2"][cell] = "9.9"
    wb.save(path)
    assert ("Tiêu chuẩn 2", cell) in _codes(check_file(path, TODAY), "CT04")
    wb["Tiêu chuẩn 2"][cell] = "3.1"
    wb.save(path)
    assert ("Tiêu chuẩn 2", cell) in _codes(check_file(path, TODAY), "CT05")

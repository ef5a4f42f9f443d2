"""The "Kiểm tra" button through xlwings' real remote interpreter (what xlwings Lite runs), no Excel.

The same core, two paths, one answer: the actions the button returns, replayed on the workbook,
give the same end state as `kdcl kiem-tra --out`.
"""

from __future__ import annotations

import shutil
from datetime import datetime

import openpyxl
import pytest
import xlwings_remote as xr
from conftest import TODAY, seed_workbook, template, tt57_workbook
from openpyxl.worksheet.formula import ArrayFormula

from macros.bridge import as_text, kiem_tra
from xlbridge.check import check_file
from xlbridge.io.writer import write_checked_copy

STAMP = datetime(2026, 11, 23, 10, 30)


def _break(path, sheet: str, ref: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][ref] = value
    wb.save(path)


def _state(path) -> dict:
    """Everything a user sees that a check may change: values, fills, links, on every sheet."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
                link = c.hyperlink.location if c.hyperlink is not None else None
                value = c.value.text if isinstance(c.value, ArrayFormula) else c.value     # the live counts
                if value is not None or fill not in (None, "00000000") or link:
                    out[(ws.title, c.coordinate)] = (value, fill if fill != "00000000" else None, link)
    return out


def _both_paths(tmp_path, src):
    """(state after `kiem-tra --out`, state after the button's actions, the button's actions)."""
    via_file = tmp_path / "via-file.xlsx"
    write_checked_copy(src, via_file, check_file(src, TODAY).output(STAMP))
    book = xr.remote_book(src)
    assert kiem_tra(book, TODAY, STAMP) is not None
    actions = book.json()["actions"]
    via_button = tmp_path / "via-button.xlsx"
    wb = openpyxl.load_workbook(src)
    assert xr.apply_actions(wb, actions) == []
    wb.save(via_button)
    return _state(via_file), _state(via_button), actions


@pytest.mark.parametrize("make", [
    lambda d: seed_workbook(d, "ket-qua-thpt"),
    lambda d: tt57_workbook(d, "pho-thong"),
])
def test_button_and_file_path_agree(tmp_path, make):
    src = make(tmp_path)
    item = check_file(src, TODAY).book.items[0]
    sheet, ref = item.sheet, item.first("period").cell.a1
    _break(src, sheet, ref, "Tháng 13/2024")                    # an error to colour
    by_file, by_button, actions = _both_paths(tmp_path, src)
    assert by_button == by_file
    assert {a["func"] for a in actions} <= {"setValues", "rangeClearContents", "setRangeColor", "addHyperlink",
                                             "setFontProperty", "setRowHeight"}
    assert by_button[(sheet, ref)][1].endswith("FFC7CE")


def test_second_run_clears_fixed_cells(tmp_path):
    src = seed_workbook(tmp_path, "ke-hoach-th-thcs")
    _break(src, "Tiêu chuẩn 1", "F12", "Tháng 13/2024")
    book = xr.remote_book(src)
    kiem_tra(book, TODAY, STAMP)
    first = tmp_path / "first.xlsx"
    wb = openpyxl.load_workbook(src)
    xr.apply_actions(wb, book.json()["actions"])
    wb["Tiêu chuẩn 1"]["F12"] = "Tháng 10/2024"                     # the user fixes it
    wb.save(first)
    book = xr.remote_book(first)
    result = kiem_tra(book, TODAY, STAMP)
    assert result.errors == 0
    colours = [a for a in book.json()["actions"] if a["func"] == "setRangeColor"]
    position = openpyxl.load_workbook(first, read_only=True).sheetnames.index("Tiêu chuẩn 1")
    assert [(a["sheet_position"], a["start_row"], a["start_column"], a["args"][0]) for a in colours] == [
        (position, 11, 5, "#FFFFFF")]                                 # Tiêu chuẩn 1!F12 back to the input colour
    by_file, by_button, _ = _both_paths(tmp_path, first)
    assert by_button == by_file


def test_button_never_writes_input_cells(tmp_path):
    src = tt57_workbook(tmp_path, "mam-non")
    book = xr.remote_book(src)
    kiem_tra(book, TODAY, STAMP)
    result = check_file(src, TODAY)
    inputs = {(v.cell.sheet, v.cell.row, v.cell.col) for v in result.book.cells}
    names = [s["name"] for s in xr.payload(src)["sheets"]]
    for a in book.json()["actions"]:
        if a["func"] in ("setValues", "rangeClearContents"):
            for i in range(a["row_count"]):
                for j in range(a["column_count"]):
                    key = (names[a["sheet_position"]], a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                    assert key not in inputs, key


def test_not_a_kdcl_workbook_gets_a_message(tmp_path):
    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Trang 1"
    wb.active["A1"] = "Bảng khác"
    wb.save(path)
    book = xr.remote_book(path)
    assert kiem_tra(book, TODAY, STAMP) is None
    alerts = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "không phải sổ kế hoạch" in alerts[0] and "Traceback" not in alerts[0]


def test_deleted_or_renamed_sheets(tmp_path):
    src, _ = template(tmp_path, "THPT", "2023-2024")
    wb = openpyxl.load_workbook(src)
    wb["Tiêu chuẩn 2"].title = "TC2"
    del wb["Kiểm tra"]
    wb.save(src)
    book = xr.remote_book(src)
    result = kiem_tra(book, TODAY, STAMP)
    assert {("CT01", "Tiêu chuẩn 2"), ("CT01", "Kiểm tra")} <= {(f.rule, f.sheet) for f in result.findings}
    names = [s["name"] for s in xr.payload(src)["sheets"]]
    status = [a["values"][0][0] for a in book.json()["actions"] if a["func"] == "setValues" and a["start_row"] == 2
              and names[a["sheet_position"]] != "Báo cáo"]                 # "Báo cáo" text also starts on row 3
    assert status and all(s.startswith("Có ") for s in status)      # the status line still reaches every standard sheet


def test_user_text_is_never_written_as_a_formula(tmp_path):
    assert as_text("=SUM(A1)") == "'=SUM(A1)" and as_text("- gạch đầu dòng") == "'- gạch đầu dòng"
    assert as_text("Bình thường") == "Bình thường" and as_text(3) == 3
    src = seed_workbook(tmp_path, "ke-hoach-th-thcs")
    _break(src, "Tiêu chuẩn 1", "F12", "=Tháng 10")                 # shows #NAME? in Excel
    shutil.copy(src, tmp_path / "copy.xlsx")
    book = xr.remote_book(src)
    result = kiem_tra(book, TODAY, STAMP)
    assert "O02" in {f.rule for f in result.findings}               # Excel's error value, as the button sees it
    for a in book.json()["actions"]:
        for row in a.get("values") or []:
            for v in row:
                assert not (isinstance(v, str) and v.startswith(("=", "+", "-", "@")))


@pytest.mark.parametrize("make", [lambda d: seed_workbook(d, "ket-qua-thpt"), lambda d: tt57_workbook(d, "gdtx")])
def test_every_write_is_allowed_by_the_sheet_protection(tmp_path, make):
    """xlwings Lite cannot unprotect: each written cell must be on an unprotected sheet or unlocked,
    and colouring needs the protection to allow formatting cells."""
    src = make(tmp_path)
    item = check_file(src, TODAY).book.items[0]
    _break(src, item.sheet, item.first("period").cell.a1, "Tháng 13/2024")
    book = xr.remote_book(src)
    kiem_tra(book, TODAY, STAMP)
    wb = openpyxl.load_workbook(src)
    for a in book.json()["actions"]:
        ws = wb.worksheets[a["sheet_position"]]
        if not ws.protection.sheet:
            continue
        if a["func"] == "setRangeColor":
            assert ws.protection.formatCells is False, ws.title          # "0" in the file: formatting allowed
            continue
        if a["func"] == "setRowHeight":
            assert ws.protection.formatRows is False, ws.title           # row heights fitted to the text
            continue
        for i in range(a["row_count"]):
            for j in range(a["column_count"]):
                cell = ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                assert cell.protection.locked is False, (ws.title, cell.coordinate, a["func"])


def test_word_report_from_the_button(tmp_path):
    import docx

    from macros.bridge import tao_bao_cao
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    out = tmp_path / "bao-cao"
    out.mkdir()
    book = xr.remote_book(src)
    first = tao_bao_cao(book, folder=out, today=TODAY)
    second = tao_bao_cao(xr.remote_book(src), folder=out, today=TODAY)
    assert first.name.endswith("-ket-qua.docx") and second != first and second.exists()   # never over an existing file
    text = "\n".join(p.text for p in docx.Document(first).paragraphs)
    assert "KẾT QUẢ" in text.upper() and "Giồng Riềng" in text
    alerts = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert alerts and alerts[0].startswith("Đã tạo văn bản")


def test_next_year_workbook_from_the_button(tmp_path):
    from macros.bridge import ke_hoach_nam_sau
    from xlbridge.check import check_file as check
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    out = tmp_path / "nam-sau"
    out.mkdir()
    book = xr.remote_book(src)
    target = ke_hoach_nam_sau(book, folder=out)
    assert target is not None and target.name == "ke-hoach-2024-2025.xlsx"
    result = check(target, TODAY)
    assert result.book.info.text("nam_hoc") == "2024-2025" and len(result.book.items) == 25   # the open items only
    alerts = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert alerts and "Đã tạo sổ năm học 2024-2025" in alerts[0]


def _typed(path, layout_sheet: str) -> None:
    """What users type into input cells: formulas (text with a leading "=", a sum, a division by zero), an error
    value, a number and a date where text is expected, a date as text."""
    wb = openpyxl.load_workbook(path)
    ws = wb[layout_sheet]
    from xlbridge.data.catalog import choose_framework
    from xlbridge.layout import build_layout
    table = build_layout(choose_framework("THPT", 2023)).sheets[0].table("plan")
    col = {k: table.by_key(k).index for k in ("giai_phap", "chu_tri", "dieu_kien", "ghi_chu", "ket_qua", "thoi_gian",
                                              "minh_chung", "ly_do")}
    r = next(r for r in range(table.first_row, table.last_row + 1) if ws.cell(r, col["giai_phap"]).value)
    ws.cell(r, col["giai_phap"]).value = "=Kiện toàn tổ chuyên môn"
    ws.cell(r, col["chu_tri"]).value = "=SUM(1,2)"
    ws.cell(r, col["dieu_kien"]).value = "=1/0"
    ws.cell(r, col["minh_chung"]).value = "#N/A"
    ws.cell(r, col["ghi_chu"]).value = 2024
    ws.cell(r, col["ly_do"]).value = 12.5
    ws.cell(r, col["ket_qua"]).value = datetime(2024, 5, 20)
    ws.cell(r + 1, col["thoi_gian"]).value = "05/09/2024"
    wb.save(path)


def _trim(grid: dict) -> dict:
    out = {}
    for sheet, rows in grid.items():
        rows = [list(r) for r in rows]
        rows = [[None if v == "" else v for v in r] for r in rows]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        width = max((i + 1 for r in rows for i, v in enumerate(r) if v is not None), default=0)
        out[sheet] = [r[:width] + [None] * (width - len(r)) for r in rows]
    return out


def test_button_reads_what_the_file_reader_reads(tmp_path):
    """Formula parity: the button's reader (values + formulas fetched through xlwings' API) gives the grid of the
    file reader `kiem-tra` uses — formulas as formula text, errors as text, dates and numbers as typed."""
    import asyncio

    from macros.bridge import read_book, read_formulas
    from xlbridge.io.grid import is_formula, load_grid
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    _typed(src, "Tiêu chuẩn 1")
    book = xr.remote_book(src)
    with xr.serve_formulas(xr.formulas(src)):
        formulas = asyncio.run(read_formulas(book))
    by_button, by_file = _trim(read_book(book, formulas)), _trim(load_grid(src))
    assert by_button.keys() == by_file.keys()
    for sheet in by_file:
        for r, (a, b) in enumerate(zip(by_button[sheet], by_file[sheet], strict=True)):
            for c, (x, y) in enumerate(zip(a, b, strict=True)):
                assert (x == y and is_formula(x) == is_formula(y)) or (x, y) == (None, None), (sheet, r + 1, c + 1, x, y)
    typed = [v for row in by_button["Tiêu chuẩn 1"] for v in row if is_formula(v)]
    assert {"=Kiện toàn tổ chuyên môn", "=SUM(1,2)", "=1/0"} <= set(typed)


def test_button_and_kiem_tra_agree_on_formulas(tmp_path):
    """A formula typed into an input cell gives rule O01 through the button as through `kdcl kiem-tra`."""
    import asyncio

    from macros.bridge import read_formulas
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    _typed(src, "Tiêu chuẩn 1")
    by_file = check_file(src, TODAY)
    book = xr.remote_book(src)
    with xr.serve_formulas(xr.formulas(src)):
        formulas = asyncio.run(read_formulas(book))
    by_button = kiem_tra(book, TODAY, STAMP, formulas)
    key = lambda f: (f.rule, f.sheet, f.cell)   # noqa: E731
    assert sorted(map(key, by_button.findings)) == sorted(map(key, by_file.findings))
    assert sum(f.rule == "O01" for f in by_button.findings) == 3
    # without the formulas (what the button read before) O01 would be missed: the parity is not vacuous
    assert not any(f.rule == "O01" for f in kiem_tra(xr.remote_book(src), TODAY, STAMP, {}).findings)

"""The consolidation's long sheets are written as SpreadsheetML text (`consolidate/sheetrows.py`), not cell by
cell through XlsxWriter. Golden test: the same tables written both ways give byte-identical worksheet parts,
on texts that need every escape (XML, Excel's _xHHHH_, control characters, kept whitespace, characters beyond
U+FFFF, over-long cells), numbers, rates, dates and empty cells. Then what only the text writer does right: a
text shaped like XlsxWriter's rich-string XML stays the school's text."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xlbridge.consolidate import sheetrows
from xlbridge.consolidate.tables import OutTable
from xlbridge.consolidate.texts import OutColumn
from xlbridge.consolidate.workbook import HEADER_ROW, write_workbook

COLS = [OutColumn("stt", "STT", "int", 6), OutColumn("ten_truong", "Trường", "text", 30),
        OutColumn("ma", "Mã", "text", 10), OutColumn("ti_le", "Tỉ lệ", "pct", 9),
        OutColumn("kinh_phi", "Kinh phí", "money", 14), OutColumn("ngay", "Ngày", "date", 12),
        OutColumn("luc", "Lúc", "datetime", 16), OutColumn("noi_dung", "Nội dung", "text", 40)]

TEXTS = ["Trường THCS Nguyễn Du", "A & B <c> \"d\" 'e'", "_x0041_ và _X00e9_ giữ nguyên", "điều\x01khiển\x1f",
         " đầu có dấu cách", "cuối có xuống dòng\n", "\tthụt", "ký tự 𝔘 ngoài BMP 😀", "\ufffe\uffff", "a\u00a0",
         "x" * 40_000, "😀" * 20_000, "Dòng 1\nDòng 2\r\nDòng 3", "=SUM(A1:A2)", "", "  "]


def _rows(n: int = 60):
    for i in range(n):
        yield [i + 1, TEXTS[i % len(TEXTS)], f"KH{i:02d}" if i % 5 else None, (i % 11) / 10 if i % 3 else None,
               1_250_000 + i * 1000 if i % 4 else 0.5 + i, date(2024, 5, 1 + i % 28) if i % 6 else None,
               datetime(2024, 5, 30, 7, i % 60, 15) if i % 7 else None,
               ("Nội dung cần sửa rất dài. " * (i % 9)) + TEXTS[(i * 7) % len(TEXTS)]]


def _tables(n: int = 60) -> list[OutTable]:
    return [OutTable("danh_sach", "Danh sách", "DANH SÁCH", COLS, lambda: _rows(n)),
            OutTable("loi", "Lỗi", "LỖI", COLS[:3] + COLS[7:], lambda: ([r[0], r[1], r[2], r[7]] for r in _rows(n)))]


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}     # core.xml: the creation time


def test_text_rows_are_what_xlsxwriter_writes(tmp_path, monkeypatch):
    fast = tmp_path / "nhanh.xlsx"
    write_workbook(_tables(), fast, "Ghi chú & <ghi chú>.")
    monkeypatch.setattr(sheetrows, "fits", lambda ws: False)
    slow = tmp_path / "tung-o.xlsx"
    write_workbook(_tables(), slow, "Ghi chú & <ghi chú>.")
    got, want = _parts(fast), _parts(slow)
    assert got.keys() == want.keys()
    for name in want:
        assert got[name] == want[name], name
    assert b'ht="' in got["xl/worksheets/sheet1.xml"]                 # the golden covers row heights too


def test_the_installed_xlsxwriter_takes_the_text_path(tmp_path, monkeypatch):
    """Were XlsxWriter's internals to change, `fits` falls back; this says when that happens to the pinned one."""
    seen = []
    real = sheetrows.fits
    monkeypatch.setattr(sheetrows, "fits", lambda ws: seen.append(real(ws)) or seen[-1])
    write_workbook(_tables(3), tmp_path / "a.xlsx", "")
    assert seen and all(seen)


def test_a_text_shaped_like_rich_text_xml_stays_text(tmp_path):
    """XlsxWriter's constant-memory mode writes "<r>…</r>" as raw XML: a school name typed so could break the
    officer's workbook. Written by kdcl it is the school's text, and the file opens everywhere."""
    hostile = ['<r><t>Trường</t></r>', '<r></t></is></c></row></sheetData><x>', '<r>&amp;</r>']
    table = OutTable("danh_sach", "Danh sách", "DANH SÁCH", COLS[:2], lambda: ([i, t] for i, t in enumerate(hostile, 1)))
    out = tmp_path / "th.xlsx"
    write_workbook([table], out, "")
    got = [r[1] for r in openpyxl.load_workbook(out)["Danh sách"].iter_rows(min_row=HEADER_ROW + 2, values_only=True)]
    assert got == hostile
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Danh sách").to_python()
    assert [r[1] for r in sheet[HEADER_ROW + 1:]] == hostile


def test_values_read_back_as_written(tmp_path):
    """Read back as kdcl and pandas read a workbook (calamine): every value as given, Excel's escapes undone."""
    out = tmp_path / "th.xlsx"
    write_workbook(_tables(), out, "")
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Danh sách").to_python()[HEADER_ROW + 1:]
    for want, got in zip(_rows(), sheet, strict=True):
        for j, (w, g) in enumerate(zip(want, got, strict=True)):
            if w in (None, ""):
                assert g == "", j
            elif isinstance(w, datetime):
                assert g == w, j
            elif isinstance(w, date):
                assert g in (w, datetime(w.year, w.month, w.day)), j
            elif isinstance(w, str):
                assert g == _cut(w).replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_"), j
            else:
                assert g == w, j


def _cut(s: str) -> str:
    return sheetrows._utf16_cut(s, sheetrows.STRING_MAX)


def test_an_overlong_text_keeps_what_excel_can_hold():
    assert len(_cut("x" * 40_000)) == 32767
    assert len(_cut("😀" * 20_000)) == 16383                 # two UTF-16 units each
    assert sheetrows.text_xml("a<b") == "<is><t>a&lt;b</t></is>"
    assert sheetrows.text_xml(" a") == '<is><t xml:space="preserve"> a</t></is>'


def test_a_row_past_the_worksheet_is_refused_not_lost(tmp_path):
    import xlsxwriter
    wb = xlsxwriter.Workbook(tmp_path / "x.xlsx", {"constant_memory": True})
    ws = wb.add_worksheet()
    out = sheetrows.RowWriter(ws, ["text"], [None])
    out.start(0)
    assert out.row(ws.xls_rowmax - 1, ["cuối"]) == 0
    assert out.row(ws.xls_rowmax, ["quá"]) == -1
    with pytest.raises(ValueError):
        out.row(5, ["lùi lại"])
    out.finish()
    wb.close()


@pytest.mark.parametrize("path", ["text rows", "per cell"])
def test_a_school_named_like_rich_text_xml_consolidates_as_its_name(tmp_path, monkeypatch, path):
    """End to end: a school whose name is typed as XlsxWriter's rich-string XML — its workbook (built with the
    name pre-filled) and the officer's workbook open, and the name in Danh sách is what the school typed; on the
    text-row path and on XlsxWriter's per-cell fallback."""
    if path == "per cell":
        monkeypatch.setattr(sheetrows, "fits", lambda ws: False)
    from conftest import SEEDS, document, filled

    from xlbridge.cli import main
    from xlbridge.consolidate.texts import texts
    data = document(SEEDS["ket-qua-thpt"])
    name = '<r><t>THPT A</t></r></is></c><x></r>'       # starts with <r>, ends with </r>
    data["info"]["ten_truong"] = name
    folder = tmp_path / "nop"
    folder.mkdir()
    filled(folder, data["info"]["cap_hoc"], data["info"]["nam_hoc"], data)
    out = tmp_path / "tong-hop.xlsx"
    assert main(["tong-hop", str(folder), "-o", str(out), "--khong-tien-do"]) in (0, 1)
    ws = openpyxl.load_workbook(out)[texts().tables["danh_sach"].sheet]
    assert name in [c.value for row in ws.iter_rows(min_row=HEADER_ROW + 2) for c in row]

"""A damaged structure is reported once and stops the carry-over; terminal text fits its width."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook

from xlbridge.check import check_file
from xlbridge.cli import main
from xlbridge.consolidate.progress import Progress, bar_line
from xlbridge.io.terminal import cell_width, paragraph, table


@pytest.fixture(scope="module")
def thpt(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("so"), "ket-qua-thpt")


def rows_deleted(src: Path, dst: Path) -> Path:
    """Protection removed, two item rows of criterion 1.1 deleted (one with text), as a user might."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Tiêu chuẩn 1"]
    ws.protection.sheet = False
    title = next(r for r in range(1, 40) if str(ws.cell(r, 2).value or "").startswith("Tiêu chí 1.1"))
    ws.delete_rows(title + 1, 2)
    wb.save(dst)
    return dst


def test_deleted_rows_are_reported_and_stop_nam_sau(tmp_path, thpt, capsys):
    damaged = rows_deleted(thpt, tmp_path / "hong.xlsx")
    ct08 = [f for f in check_file(damaged).findings if f.rule == "CT08"]
    assert len(ct08) == 1 and "1.1" in ct08[0].message and ct08[0].sheet == "Tiêu chuẩn 1"
    assert not [f for f in check_file(thpt).findings if f.rule == "CT08"]
    out = tmp_path / "nam-sau.xlsx"
    code = main(["nam-sau", str(damaged), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and "CT08" in err and "hỏng cấu trúc" in err and "hong.xlsx" in err
    assert main(["nam-sau", str(thpt), "-o", str(tmp_path / "ok.xlsx")]) == 0


def test_a_missing_info_label_gives_one_finding_and_no_knock_on(tmp_path, thpt):
    """The Cấp học label row typed over: one CT03, and its neighbour's value (the school year) is not read as
    the cấp học (no «Cấp học «2023-2024» khác …»)."""
    wb = openpyxl.load_workbook(thpt)
    ws = wb["Thông tin"]
    row = next(r for r in range(1, 30) if str(ws.cell(r, 1).value or "").startswith("Cấp học"))
    ws.cell(row, 1).value = "Loại trường"
    wb.save(tmp_path / "nhan.xlsx")
    findings = check_file(tmp_path / "nhan.xlsx").findings
    ct03 = [f for f in findings if f.rule == "CT03"]
    assert len(ct03) == 1 and "Cấp học" in ct03[0].message
    assert not any("2023-2024" in f.message and "ấp học" in f.message for f in findings)


def test_a_workbook_made_before_ma_truong_existed_reads_without_findings(tmp_path, thpt):
    wb = openpyxl.load_workbook(thpt)
    ws = wb["Thông tin"]
    row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã trường")
    ws.delete_rows(row, 1)
    wb.save(tmp_path / "cu.xlsx")
    assert not [f for f in check_file(tmp_path / "cu.xlsx").findings if f.rule.startswith("CT")]


def test_table_fits_the_width_wraps_headers_at_words_and_measures_combining_marks():
    decomposed = unicodedata.normalize("NFD", "Chưa triển khai")
    heads = ["", "Số nội dung", "Hoàn thành", "Đang thực hiện", decomposed, "Không thực hiện", "Chưa cập nhật trạng thái",
             "Nội dung quá hạn", "% HT", "Kinh phí (đồng)"]
    rows = [["Tiêu chuẩn 1", 10, 5, 5, 0, 0, 0, 0, "50%", "12.500.000"], ["Tổng cộng", 34, 9, 18, 7, 0, 0, 0, "26,5%", "0"]]
    for cols in (80, 100, 140):
        text = table(heads, rows, cols=cols)
        assert max(cell_width(line) for line in text.splitlines()) <= cols
        assert "Tiêu chuẩn 1" in text and "12.500.000" in text and "26,5%" in text
        words = {w for line in text.splitlines() for w in line.split()}
        assert {"thành", "hiện", "trạng"} <= {unicodedata.normalize("NFC", w) for w in words}   # whole words, not cut
    assert cell_width(decomposed) == len("Chưa triển khai")


def test_paragraph_wraps_instead_of_cutting():
    text = "Tiêu chí 1.1: Phương hướng, chiến lược xây dựng và phát triển nhà trường " * 3
    out = paragraph(text, indent=4, cols=60)
    assert all(cell_width(line) <= 60 and line.startswith("    ") for line in out.splitlines())
    assert " ".join(out.split()) == " ".join(text.split())


@pytest.mark.parametrize("cols", [40, 60, 80, 200])
def test_progress_line_never_wider_than_the_terminal(cols):
    line = bar_line(517, 1000, 12.3, unreadable=12, cols=cols)
    assert len(line) < cols and "517/1000 tệp" in line


def test_progress_redraws_in_place_and_clears_the_rest(monkeypatch):
    import shutil
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): __import__("os").terminal_size((50, 20)))
    stream = io.StringIO()
    bar = Progress(3, stream, enabled=True)
    for _ in range(3):
        bar._drawn = 0.0                     # draw every step
        bar.step()
    bar.close()
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.count("\r") == 3 and text.count("\x1b[K") == 3
    assert all(len(part.split("\x1b[K")[0]) < 50 for part in text.split("\r")[1:])


def test_no_progress_bar_when_not_a_terminal(tmp_path, thpt, capsys):
    code = main(["tong-hop", str(thpt), "-o", str(tmp_path / "th.xlsx")])
    err = capsys.readouterr().err
    assert code in (0, 1) and "\r" not in err and "tệp/giây" not in err


def test_the_report_header_wraps_at_words_and_a_plan_has_no_as_of_date(tmp_path, thpt, monkeypatch):
    """At 80 columns the «Sổ: … Thông tư 18/2018/TT-BGDĐT» line wrapped in the middle of the circular's number (the
    terminal cut it); a plan is not judged against a date, so its header does not say «tính đến ngày»."""
    from xlbridge.report.console import render_check
    monkeypatch.setenv("COLUMNS", "80")
    text = render_check(check_file(thpt))
    header = text.split("\n\n", 1)[0]
    assert all(cell_width(line) <= 80 for line in header.splitlines())
    assert "18/2018/TT-BGDĐT" in " ".join(header.split()) and "TT-\n" not in header
    assert "tính đến ngày" in header                                # a year-end report: as of its date
    wb = openpyxl.load_workbook(thpt)
    info = wb["Thông tin"]
    label = next(r for r in range(1, 40) if str(info.cell(r, 1).value or "").startswith("Giai đoạn"))
    info.cell(label, 2).value = "Lập kế hoạch (đầu năm học)"
    plan = tmp_path / "ke-hoach.xlsx"
    wb.save(plan)
    assert "tính đến ngày" not in render_check(check_file(plan)).split("\n\n", 1)[0]

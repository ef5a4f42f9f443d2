"""The `kdcl` command end to end: exit codes, JSON, the checked copy, unreadable inputs."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook, template, tt57_workbook

from xlbridge.cli import main
from xlbridge.layout import CHECK_HEADER_ROW


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_template_then_check_empty(tmp_path, capsys):
    out = tmp_path / "thcs.xlsx"
    code, text, _ = run(capsys, "template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "--truong", "Trường THCS A",
                        "-o", str(out))
    assert code == 0 and out.exists() and "18/2018" in text
    code, text, _ = run(capsys, "kiem-tra", str(out))
    assert code == 1                                       # the signer is missing: an error
    assert "TT01" in text and "Thông tin!B" in text and "KH04" in text


def test_template_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"do not touch")
    code, _, err = run(capsys, "template", "--cap-hoc", "TH", "--nam-hoc", "2026-2027", "-o", str(out))
    assert code == 2 and "--ghi-de" in err and out.read_bytes() == b"do not touch"
    code, _, _ = run(capsys, "template", "--cap-hoc", "TH", "--nam-hoc", "2026-2027", "-o", str(out), "--ghi-de")
    assert code == 0 and zipfile.is_zipfile(out)


@pytest.mark.parametrize("args, message", [
    (["--cap-hoc", "Đại học", "--nam-hoc", "2024-2025"], "Cấp học"),
    (["--cap-hoc", "THCS", "--nam-hoc", "2024-2026"], "Năm học"),
    (["--cap-hoc", "Mầm non", "--nam-hoc", "2024-2025", "--thong-tu", "18/2018"], "không áp dụng"),
])
def test_template_bad_arguments(tmp_path, capsys, args, message):
    code, _, err = run(capsys, "template", *args, "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and message in err and "Traceback" not in err


def test_clean_workbook_exits_zero_and_json(tmp_path, capsys):
    path = tt57_workbook(tmp_path, "mam-non")
    code, text, _ = run(capsys, "kiem-tra", str(path), "--json", "--ngay", "23/11/2026")
    data = json.loads(text)
    assert code == 0 and data["errors"] == 0 and data["framework"] == "tt57-2026-mam-non"
    assert data["summary"][-1]["sheet"] is None and data["summary"][-1]["items"] == 8          # the total row


def test_checked_copy_fills_outputs_and_keeps_input(tmp_path, capsys):
    path = seed_workbook(tmp_path, "ke-hoach-th-thcs")
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiêu chuẩn 1"]
    bad = next(r for r in range(7, 60) if ws.cell(r, 4).value)        # the 1.2 item's công việc
    ws.cell(bad, 6).value = "Tháng 13/2024"                           # unreadable period
    wb.save(path)
    before = digest(path)
    out = tmp_path / "checked.xlsx"
    code, text, _ = run(capsys, "kiem-tra", str(path), "--out", str(out))
    assert code == 1 and digest(path) == before
    checked = openpyxl.load_workbook(out)
    rows = list(checked["Kiểm tra"].iter_rows(min_row=CHECK_HEADER_ROW + 1, values_only=True))
    hit = [r for r in rows if r[6] == "TG01"]
    assert hit and hit[0][2] == "Tiêu chuẩn 1" and hit[0][3] == f"F{bad}"
    cell = checked["Kiểm tra"].cell(CHECK_HEADER_ROW + 1 + rows.index(hit[0]), 4)
    assert cell.hyperlink is not None and cell.hyperlink.location == f"'Tiêu chuẩn 1'!F{bad}"
    assert checked["Tiêu chuẩn 1"][f"F{bad}"].fill.fgColor.rgb.endswith("FFC7CE")
    assert checked["Tiêu chuẩn 1"][f"F{bad}"].value == "Tháng 13/2024"           # user text untouched
    assert checked["Tiêu chuẩn 1"]["A3"].value.startswith("Có 1 lỗi")
    summary = checked["Tổng hợp"]
    assert summary["J5"].value == 0 and summary["J7"].value == 10_000_000 and summary["J11"].value == 10_000_000
    # fixed since the last run: the colour goes away, the finding too
    checked["Tiêu chuẩn 1"][f"F{bad}"].value = "Tháng 10/2024"
    checked.save(out)
    out2 = tmp_path / "checked2.xlsx"
    code, _, _ = run(capsys, "kiem-tra", str(out), "--out", str(out2))
    again = openpyxl.load_workbook(out2)
    assert code == 0
    assert again["Tiêu chuẩn 1"][f"F{bad}"].fill.fgColor.rgb.endswith("FFFFFF")   # back to the input colour
    assert not any(r[6] == "TG01" for r in again["Kiểm tra"].iter_rows(min_row=CHECK_HEADER_ROW + 1, values_only=True))


def test_broken_narrative_template_does_not_stop_the_check(tmp_path, capsys, monkeypatch):
    """A province's edited narrative template that cannot be rendered: kiem-tra still checks and writes the copy
    (exit code from the findings, not 2); the Báo cáo sheet and the terminal name the template and line."""
    from xlbridge.data import files
    from xlbridge.layout import REPORT_FIRST_ROW, config
    path = seed_workbook(tmp_path, "ket-qua-thpt")
    data = tmp_path / "du-lieu"
    (data / "narrative" / "ket-qua").mkdir(parents=True)
    (data / "narrative" / "ket-qua" / "ii-ket-qua.j2").write_text("Kết quả {% if %}\n", encoding="utf-8")
    monkeypatch.setenv("KDCL_DU_LIEU", str(data))
    files.reload()
    try:
        plain = main(["kiem-tra", str(path), "--ngay", "30/05/2024"])
        capsys.readouterr()
        out = tmp_path / "checked.xlsx"
        code, _, err = run(capsys, "kiem-tra", str(path), "--ngay", "30/05/2024", "--out", str(out))
    finally:
        monkeypatch.delenv("KDCL_DU_LIEU")
        files.reload()
    assert code == plain in (0, 1) and out.exists()
    assert "ii-ket-qua.j2" in err and "dòng 1" in err and "Traceback" not in err
    sheet = openpyxl.load_workbook(out)[config().sheets["report"]]
    assert "ii-ket-qua.j2" in sheet.cell(REPORT_FIRST_ROW, 1).value


def test_out_never_overwrites_input(tmp_path, capsys):
    path = tt57_workbook(tmp_path, "gdtx")
    before = digest(path)
    code, _, err = run(capsys, "kiem-tra", str(path), "--out", str(path))
    assert code == 2 and "Không ghi đè" in err and digest(path) == before


def _not_kdcl(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Bảng khác"
    wb.save(tmp_path / "khac.xlsx")
    return tmp_path / "khac.xlsx"


def _future_version(tmp_path: Path) -> Path:
    path, _ = template(tmp_path, "THPT", "2023-2024")
    wb = openpyxl.load_workbook(path)
    wb["_kdcl"]["B2"] = 99
    wb.save(path)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: (d / "hong.xlsx", (d / "hong.xlsx").write_bytes(b"PK\x03\x04 truncated"))[0], "không mở được"),
    (lambda d: (d / "cu.xls", (d / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0"))[0], ".xls"),
    (lambda d: (d / "bang.xlsx", (d / "bang.xlsx").write_text("a,b\n1,2\n"))[0], "không mở được"),
    (_not_kdcl, "không phải sổ kế hoạch"),
    (_future_version, "phiên bản"),
    (lambda d: d / "khong-co.xlsx", "Không tìm thấy"),
])
def test_unreadable_inputs_exit_two(tmp_path, capsys, make, words):
    path = make(tmp_path)
    code, out, err = run(capsys, "kiem-tra", str(path))
    assert code == 2 and words in err and "Traceback" not in err + out


def test_demo_writes_and_checks_example(tmp_path, capsys):
    code, text, _ = run(capsys, "demo", str(tmp_path / "vi-du"))
    assert code == 0
    assert "THPT Giồng Riềng" in text and "TỔNG HỢP" in text and "Tổng cộng" in text
    files = sorted(p.name for p in (tmp_path / "vi-du").iterdir())
    assert files == ["vi-du-thpt-giong-rieng-2023-2024-da-kiem-tra.xlsx", "vi-du-thpt-giong-rieng-2023-2024.xlsx"]
    assert "0 lỗi" in text


def test_newer_template_names_the_kdcl_that_made_it(tmp_path, capsys):
    """A workbook made by a newer kdcl: the message says which kdcl made it (the one to install)."""
    from xlbridge import __version__
    path, _layout = template(tmp_path, "THCS", "2024-2025")
    wb = openpyxl.load_workbook(path)
    for row in wb["_kdcl"].iter_rows():
        if row[0].value == "template_version":
            row[1].value = 99
        if row[0].value == "kdcl_version":
            row[1].value = "9.9.0"
    wb.save(path)
    code, _, err = run(capsys, "kiem-tra", str(path))
    assert code == 2 and "kdcl 9.9.0" in err and f"({__version__})" in err and "Traceback" not in err

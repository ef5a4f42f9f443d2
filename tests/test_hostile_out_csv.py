"""`tong-hop --csv`: text from the schools that a spreadsheet would run as a formula is written as text.

School names, a mail's subject and sender, attachment names starting with "=", "+", "-", "@", a tab or a CR get
a leading apostrophe in every CSV (as the .xlsx writes them with write_string); numbers are left as they are.
"""

from __future__ import annotations

import csv
import mailbox
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook

from xlbridge.consolidate.export import FORMULA_START, csv_text

HOSTILE = ["=HYPERLINK(\"http://x.invalid\",\"bấm\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_csv_text_neutralises_formula_starts_only():
    for text in HOSTILE:
        assert csv_text(text) == "'" + text
    for text in ("Trường THPT Giồng Riềng", "1=1", " =1", "", "'=x"):
        assert csv_text(text) == text


@pytest.fixture(scope="module")
def received(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nhan")
    src = seed_workbook(tmp_path_factory.mktemp("seed"), "ket-qua-thpt")
    for i, name in enumerate(HOSTILE[:4]):
        wb = openpyxl.load_workbook(src)
        for row in wb["Thông tin"].iter_rows(max_col=2):
            if str(row[0].value or "").startswith("Tên trường"):
                row[1].value, row[1].data_type = name, "s"      # text, even when it starts with "="
        wb.save(folder / f"so{i}.xlsx")
    box = mailbox.mbox(folder / "hop-thu.mbox")
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "=HYPERLINK(\"http://x.invalid\")", "@evil <+cmd@x.vn>", "pgd@x.vn"
    msg.set_content("=1+1")
    msg.add_attachment(b"not a workbook", maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="=cmd.xlsx")
    box.add(msg)
    box.close()
    (folder / "-rm.xlsx").write_bytes(b"not a workbook either")
    return folder


def test_no_csv_cell_starts_like_a_formula(received, tmp_path):
    out = tmp_path / "bang"
    p = subprocess.run([sys.executable, "-m", "xlbridge.cli", "tong-hop", str(received), "-o",
                        str(tmp_path / "tong-hop.xlsx"), "--csv", str(out), "--khong-tien-do"],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr
    cells = []
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells += [(path.name, c) for row in csv.reader(fh) for c in row]
    assert cells
    risky = [(f, c) for f, c in cells if c.startswith(FORMULA_START) and not _number(c)]
    assert risky == []
    values = {c for _f, c in cells}
    assert "'" + HOSTILE[0] in values and "'" + HOSTILE[3] in values   # school names, kept (with the apostrophe)
    assert any(c.startswith("'=cmd.xlsx") or c.endswith("=cmd.xlsx") or "=cmd.xlsx" in c for c in values)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

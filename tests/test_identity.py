"""Consolidation identity: who a school is (Mã trường, else a normalised name + province + cấp học),
nameless workbooks never merged, natural order, lock files and kdcl's own outputs skipped, CSV for Excel."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook

from xlbridge.consolidate.progress import render_report
from xlbridge.consolidate.records import natural_key, school_identity, school_name_key
from xlbridge.consolidate.run import Options, consolidate

TODAY = date(2024, 5, 30)


def set_info(src: Path, dst: Path, **values: str) -> Path:
    """A copy of `src` with Thông tin fields (by label) set, the way a secretary would type them."""
    labels = {"ten_truong": "Tên trường", "ma_truong": "Mã trường"}
    wb = openpyxl.load_workbook(src)
    for row in wb["Thông tin"].iter_rows(max_col=2):
        for key, value in values.items():
            if str(row[0].value or "").rstrip(" *") == labels[key]:
                row[1].value = value
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def thpt(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("so"), "ket-qua-thpt")


def school_names(out: Path) -> list[str]:
    ws = openpyxl.load_workbook(out, read_only=True)["Danh sách"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    col = rows[0].index("Tên trường")
    return [r[col] or "" for r in rows[1:] if r[0] is not None]


def test_name_key_folds_case_spacing_composition_and_the_word_truong():
    assert school_name_key("Trường THPT Giồng Riềng") == school_name_key("TRƯỜNG  THPT GIỒNG RIỀNG") \
        == school_name_key("THPT Giồng Riềng") == school_name_key("Trường THPT Gio\u0300ng Rie\u0302\u0300ng")
    assert school_name_key("Trường THPT Giồng Riềng") != school_name_key("Trường THCS Giồng Riềng")


def test_identity_prefers_ma_truong_and_keeps_place_and_level():
    row = {"ten_truong": "Trường TH Số 1", "tinh": "Kiên Giang", "cap_hoc": "Tiểu học", "ma_truong": ""}
    assert school_identity(row) != school_identity({**row, "tinh": "An Giang"})
    assert school_identity(row) != school_identity({**row, "cap_hoc": "THCS"})
    assert school_identity({**row, "ma_truong": "91 000 123"}) == school_identity({**row, "ten_truong": "TH so 1",
                                                                                   "ma_truong": "91000123"})
    assert school_identity({**row, "ten_truong": ""}) is None


def test_natural_order():
    names = ["Trường TH Số 10", "Trường TH Số 2", "Trường TH Số 1"]
    assert sorted(names, key=natural_key) == ["Trường TH Số 1", "Trường TH Số 2", "Trường TH Số 10"]


def test_consolidation_identity_end_to_end(tmp_path, thpt):
    inbox = tmp_path / "bai-nop"
    inbox.mkdir()
    shutil.copy(thpt, inbox / "giong-rieng.xlsx")
    set_info(thpt, inbox / "giong-rieng-in-hoa.xlsx", ten_truong="TRƯỜNG  THPT GIỒNG RIỀNG")     # the same school
    set_info(thpt, inbox / "khong-ten-1.xlsx", ten_truong="")
    set_info(thpt, inbox / "khong-ten-2.xlsx", ten_truong="")                                     # never merged
    set_info(thpt, inbox / "ma-a.xlsx", ten_truong="Trường THPT Số 10", ma_truong="91000123")
    set_info(thpt, inbox / "ma-b.xlsx", ten_truong="THPT so 10 (cơ sở chính)", ma_truong="91000123")  # same code
    set_info(thpt, inbox / "so-2.xlsx", ten_truong="Trường THPT Số 2")
    (inbox / "~$giong-rieng.xlsx").write_bytes(b"\x00" * 165)                                    # Excel's lock file
    first = consolidate(Options([str(inbox)], tmp_path / "truoc.xlsx", jobs=1, today=TODAY))
    shutil.copy(tmp_path / "truoc.xlsx", inbox / "tong-hop-cu.xlsx")                               # last run's output
    report = consolidate(Options([str(inbox)], tmp_path / "th.xlsx", csv=tmp_path / "csv", jobs=1, today=TODAY))
    assert report.schools == 5 and report.duplicates == 2 and report.unreadable == 0
    assert first.schools == report.schools
    assert sorted(Path(p).name for p in report.nameless) == ["khong-ten-1.xlsx", "khong-ten-2.xlsx"]
    assert sorted(p.name for p in report.skipped) == ["tong-hop-cu.xlsx", "~$giong-rieng.xlsx"]
    names = [n for n in school_names(tmp_path / "th.xlsx") if n]
    assert names.index("Trường THPT Số 2") < names.index(next(n for n in names if "10" in n))
    text = render_report(report)
    assert "Bỏ qua 1 tệp khóa của Excel (~$…) và 1 sổ tổng hợp của kdcl" in text
    assert "2 sổ chưa ghi tên trường" in text and "khong-ten-1.xlsx" in text
    csv_bytes = (tmp_path / "csv" / "danh_sach.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and "Kiên Giang".encode() in csv_bytes
    assert b"ma_truong" in csv_bytes.splitlines()[0]

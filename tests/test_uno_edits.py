"""The live "Tổng hợp" after what users really do, done in LibreOffice through UNO (not built with openpyxl):
rows inserted inside a block and just below the last one, a mistaken row inserted and deleted again,
an item row deleted, a criterion/header row that cannot be deleted, values pasted with stray
spaces and line breaks, statuses typed as aliases. After each workbook's edits LibreOffice
recalculates and saves; the sheet's figures must equal kdcl's summary of the saved file.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook, tt57_workbook
from lo_uno import run
from test_recalc import assert_same, by_sheet, python_summary

from xlbridge.data.catalog import get_framework
from xlbridge.layout import build_layout

S1 = "Tiêu chuẩn 1"


def _at(table, key: str, row: int) -> str:
    return f"{table.by_key(key).letter}{row}"


def edits_2018(path: Path) -> tuple[list[dict], list[bool]]:
    """Bottom-up, so that each edit's rows are as the layout says when it runs."""
    layout = build_layout(get_framework("tt18-2018-trung-hoc"))
    t = layout.sheet(S1).table("plan")
    b = t.criteria
    below = t.last_row + 1
    ops = [
        {"op": "insert", "sheet": S1, "row": below},                                   # just below the last block
        {"op": "set", "sheet": S1, "cell": _at(t, "giai_phap", below), "value": "Nội dung chèn dưới khối cuối"},
        {"op": "set", "sheet": S1, "cell": _at(t, "trang_thai", below), "value": "hoan thanh"},   # no diacritics
        {"op": "delete", "sheet": S1, "row": b[-2].item_rows[-1]},                     # an item row deleted
        # directly under a criterion row: the new row copies the title row's format, whose cells beside the
        # code and the title are unlocked, so the row takes content
        {"op": "insert", "sheet": S1, "row": b[3].item_rows[0]},
        {"op": "set", "sheet": S1, "cell": _at(t, "giai_phap", b[3].item_rows[0]), "value": "Chèn ngay dưới tên tiêu chí"},
        {"op": "set", "sheet": S1, "cell": _at(t, "trang_thai", b[3].item_rows[0]), "value": "Đang thực hiện"},
        {"op": "insert", "sheet": S1, "row": b[2].item_rows[1]},                       # inside a block
        {"op": "set", "sheet": S1, "cell": _at(t, "giai_phap", b[2].item_rows[1]), "value": "Nội dung chèn giữa khối"},
        {"op": "set", "sheet": S1, "cell": _at(t, "trang_thai", b[2].item_rows[1]), "value": "Đã hoàn thành"},
        # A mistaken row inserted among the item rows, deleted again.
        {"op": "insert", "sheet": S1, "row": b[1].item_rows[1]},
        {"op": "delete", "sheet": S1, "row": b[1].item_rows[1]},
        {"op": "delete", "sheet": S1, "row": b[1].header_row},                         # a criterion row: refused
        {"op": "paste", "sheet": S1, "cell": _at(t, "ket_qua_can_dat", b[0].item_rows[2]),
         "rows": [["Đạt mức 2\u00a0", "  Dán từ Word\n", "Hiệu trưởng "]]},
        {"op": "set", "sheet": S1, "cell": _at(t, "trang_thai", b[0].item_rows[2]), "value": "Chậm tiến độ."},
        {"op": "set", "sheet": "Mức 4", "cell": _at(t, "trang_thai", b[0].item_rows[0]), "value": "HT"},
    ]
    expected = [op["op"] != "delete" or op["row"] != b[1].header_row for op in ops]
    return ops, expected


def edits_tt57(path: Path) -> tuple[list[dict], list[bool]]:
    layout = build_layout(get_framework("tt57-2026-pho-thong"))
    sl = layout.sheet(S1)
    t, issues = sl.table("plan"), sl.table("issues")
    below = t.last_row + 1
    ops = [
        {"op": "insert", "sheet": S1, "row": below},
        {"op": "paste", "sheet": S1, "cell": _at(t, "noi_dung", below), "rows": [["Nội dung chèn dưới cùng", "1.2"]]},
        {"op": "set", "sheet": S1, "cell": _at(t, "rs1_muc_do", below), "value": "HT"},
        {"op": "delete", "sheet": S1, "row": t.last_row},
        {"op": "insert", "sheet": S1, "row": t.first_row + 2},
        {"op": "set", "sheet": S1, "cell": _at(t, "noi_dung", t.first_row + 2), "value": "Chèn giữa bảng"},
        {"op": "set", "sheet": S1, "cell": _at(t, "rs1_muc_do", t.first_row + 2), "value": "Chậm"},
        {"op": "set", "sheet": S1, "cell": _at(t, "rs2_muc_do", t.first_row + 2), "value": "Hoàn thành."},
        {"op": "paste", "sheet": S1, "cell": _at(t, "noi_dung", t.first_row),
         "rows": [["\u00a0Nâng cao chất lượng đội ngũ\n"]]},
        {"op": "delete", "sheet": S1, "row": t.header_row},                            # a header row: refused
        {"op": "insert", "sheet": S1, "row": issues.first_row + 1},                     # mistaken row in mục IV …
        {"op": "delete", "sheet": S1, "row": issues.first_row + 1},                     # … deleted again
    ]
    expected = [op["op"] != "delete" or op["row"] != t.header_row for op in ops]
    return ops, expected


CASES = {"2018": (lambda tmp: seed_workbook(tmp, "ket-qua-thpt"), edits_2018),
         "tt57": (lambda tmp: tt57_workbook(tmp, "pho-thong"), edits_tt57)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_live_summary_equals_kdcl_after_user_edits(tmp_path, case):
    build, plan = CASES[case]
    src = build(tmp_path)
    before = by_sheet(python_summary(src))[S1]["Số nội dung"]
    ops, expected = plan(src)
    out = tmp_path / f"edited-{case}.xlsx"
    result = run([{"src": src, "out": out, "edits": ops}])[0]
    assert result["edits"] == expected, list(zip(ops, result["edits"], strict=True))
    rows = assert_same(out, out)                  # formulas (as LibreOffice computed them) == kdcl's summary
    after = by_sheet(rows)[S1]["Số nội dung"]
    deleted, pasted = _had_content(src, case)
    inserted = 3 if case == "2018" else 2
    assert after == before + inserted + (not pasted) - deleted, (before, after)   # every inserted row counts
    ws = openpyxl.load_workbook(out, data_only=True)[S1]
    assert ws.protection.sheet                      # still protected: the edits went through the protection


def _had_content(src: Path, case: str) -> tuple[bool, bool]:
    """Whether the item row the edits delete, and the row they paste into, held content before."""
    fw = get_framework("tt18-2018-trung-hoc" if case == "2018" else "tt57-2026-pho-thong")
    t = build_layout(fw).sheet(S1).table("plan")
    rows = (t.criteria[-2].item_rows[-1], t.criteria[0].item_rows[2]) if case == "2018" else (t.last_row, t.first_row)
    ws = openpyxl.load_workbook(src)[S1]
    full = [any(str(ws.cell(r, p.index).value or "").strip() for p in t.inputs()) for r in rows]
    return full[0], full[1]

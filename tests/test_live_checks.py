"""The no-add-in route: the template's own formulas flag what `kdcl kiem-tra` flags, rule by rule.

Rule-test workbooks (the seeds, and the seeds with the mistakes schools make typed in: required cells left
empty or "Không", a status without lý do, Hoàn thành without kết quả, a formula or an error value in an input
cell, text too long, an empty required field on Thông tin) are recalculated by LibreOffice; the live counts on
the Kiểm tra sheet must equal, for every live rule and sheet, the number of findings `kiem-tra` reports, and the
first row shown must be the first row it reports. Skipped, through the `soffice` fixture, without LibreOffice.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import TODAY, seed_workbook, tt57_workbook
from lo import convert

from xlbridge.check import check_file
from xlbridge.layout import CHECK_HEADER_ROW, config
from xlbridge.template.live_checks import FIRST_COL, LIVE_RULES, live_checks

CHECK = config().sheets["check"]
LONG = "Nội dung dán từ văn bản khác, rất dài. " * 45          # > 1500 characters
# (item index, column key, value): applied where the item has that column
MISTAKES = [
    (0, "giai_phap", None), (0, "chu_tri", "Không"), (0, "noi_dung", None), (0, "van_de", "/"),
    (1, "trang_thai", "Chậm tiến độ"), (1, "ly_do", None), (1, "trang_thai_hk1", "Chậm tiến độ"), (1, "ly_do_hk1", ""),
    (2, "trang_thai", "hoàn thành"), (2, "ket_qua", None), (2, "trang_thai_cn", "Hoàn thành"), (2, "ket_qua_cn", None),
    (3, "trang_thai", None), (3, "trang_thai_cn", None),
    (4, "ghi_chu", LONG), (4, "giai_phap", LONG),
    (5, "giai_phap", "=Kiện toàn tổ chuyên môn"), (5, "dieu_kien", "#N/A"), (5, "chu_tri", "=SUM(1,2)"),
    (6, "minh_chung", "#DIV/0!"), (6, "kinh_phi", "=1/0"),
]


def with_mistakes(src: Path, dst: Path, info_blank: str | None = "hieu_truong") -> Path:
    book = check_file(src, TODAY).book
    wb = openpyxl.load_workbook(src)
    for index, key, value in MISTAKES:
        if index < len(book.items) and key in book.items[index].columns:
            it = book.items[index]
            v = it.values.get(key) or next((r.values[key] for r in it.results if key in r.values), None)
            if v is not None:
                wb[v.cell.sheet][v.cell.a1] = value
    if info_blank and info_blank in book.info.values:
        v = book.info.values[info_blank]
        wb[v.cell.sheet][v.cell.a1] = None
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    import shutil
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) is not installed on this machine: scripts/setup.sh installs it")
    tmp = tmp_path_factory.mktemp("live")
    books = {"ket-qua-thpt": seed_workbook(tmp, "ket-qua-thpt"), "ke-hoach": seed_workbook(tmp, "ke-hoach-th-thcs"),
             "tien-do": seed_workbook(tmp, "tien-do-tieu-hoc"), "tt57": tt57_workbook(tmp, "pho-thong")}
    for name in list(books):
        books[f"{name}+sai"] = with_mistakes(books[name], tmp / f"{name}-sai.xlsx")
    out = convert(list(books.values()), tmp_path_factory.mktemp("live-out"))
    return {name: (src, conv) for (name, src), conv in zip(books.items(), out, strict=True)}


def live_counts(path: Path) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(sheet, rule) -> (count, first row) as the recalculated Kiểm tra sheet shows them."""
    ws = openpyxl.load_workbook(path, data_only=True)[CHECK]
    out = {}
    for row in ws.iter_rows(min_row=CHECK_HEADER_ROW + 1, min_col=FIRST_COL, max_col=FIRST_COL + 4, values_only=True):
        if row[0] is None:
            break
        out[(row[0], row[1])] = (int(row[3]), None if row[4] in (None, "") else int(row[4]))
    return out


def python_counts(path: Path) -> dict[tuple[str, str], tuple[int, int | None]]:
    found: dict[tuple[str, str], list[int]] = {}
    for f in check_file(path, TODAY).findings:
        if f.rule in LIVE_RULES and f.cell:
            found.setdefault((f.sheet, f.rule), []).append(int(re.sub(r"\D", "", f.cell)))
    return {k: (len(v), min(v)) for k, v in found.items()}


@pytest.mark.parametrize("name", ["ket-qua-thpt", "ke-hoach", "tien-do", "tt57", "ket-qua-thpt+sai", "ke-hoach+sai",
                                  "tien-do+sai", "tt57+sai"])
def test_live_flags_agree_with_kiem_tra(recalculated, name):
    src, converted = recalculated[name]
    live = live_counts(converted)
    expected = python_counts(src)
    assert set(expected) <= set(live), set(expected) - set(live)        # every finding has a live line
    shown = {k: v for k, v in live.items() if v[0]}
    assert shown == expected


def test_every_live_rule_is_exercised(recalculated):
    """Not vacuous: each live rule fires, live and in kiem-tra, on some rule-test workbook."""
    fired = Counter(rule for _, conv in recalculated.values() for (_, rule), (n, _) in live_counts(conv).items() if n)
    assert set(fired) == set(LIVE_RULES), set(LIVE_RULES) - set(fired)


def test_cells_carry_the_conditional_formats(tmp_path):
    """The cell rules shade the very cell, with the same expression that the count on Kiểm tra sums."""
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    wb = openpyxl.load_workbook(src)
    book = check_file(src, TODAY).book
    formats = {ws.title: {(str(cf.sqref), f.replace("_xlfn.", "")) for cf in ws.conditional_formatting for r in cf.rules
                          for f in r.formula} for ws in wb.worksheets}
    flagged = [c for c in live_checks(book.layout) if c.flag]
    assert {c.rule for c in flagged} == {"TT01", "KH01", "KQ01", "KQ04", "KQ05", "O01", "O02", "O03"}
    for c in flagged:
        where = f"{c.flag}{c.first_row}" + (f":{c.flag}{c.last_row}" if c.last_row > c.first_row else "")
        assert (where, c.cell_formula()[1:]) in formats[c.sheet], (c.sheet, c.rule, where)

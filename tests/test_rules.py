"""Every rule of workbook_templates/messages/rules.yaml, triggered by a real broken workbook.

Each test builds a workbook the way a school ends up with it — a template filled with bad data
(`filled`), or a good workbook edited with openpyxl as a user could edit it in Excel — checks it with
`check_file`, and asserts the finding's code, sheet, cell and severity (the severity read from rules.yaml).
The clean half of each pair: a broken copy of a base workbook, fixed, is that base workbook, which
`test_base_workbooks_check_clean` shows gives no finding at all; other tests put a correct variant on
another row of the same workbook, or check the fixed workbook again. Findings are per cell, so one
workbook often carries several independent mistakes on different rows (each save + check costs about
0.25 s, so the file stays fast).

Positions used below (pinned by `test_layout_positions_used_below`):
  2018 circulars, THPT 2023-2024, sheet "Tiêu chuẩn 1": header rows 5-6; criterion 1.1 on row 7 with input rows 8-10,
  criterion 1.2 on row 11 with input rows 12-14, 1.3 on 15 (16-18), …; input columns C..O (C = Kết quả cần đạt,
  D = Công việc/giải pháp, E = Chủ trì, F = Thời gian, G = Kinh phí, K = Trạng thái, L = Kết quả, M = Lý do);
  P is right of the table.
  TT57, THCS 2026-2027: plan rows start at 21 (Tiêu chuẩn 1), 20 (2), 22 (3), 20 (4); issues on Tiêu chuẩn 1 at
  rows 14-16; B = Nội dung, C = Tiêu chí, G = Thời gian, J = Minh chứng dự kiến, K/L/M = review at the end of
  học kỳ I (status, result, reason), N/O/P = end-of-year review; Q is right of the table.
  "Thông tin": values in column B (tên trường B4, cấp học B5, năm học B8, giai đoạn B9, ngày báo cáo B10,
  hiệu trưởng B14, loại hình B15); working groups of standards 1..n on rows 34.. (column C = Nhóm công tác).
"""

from __future__ import annotations

import ast
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import TODAY, filled, template, tt57_workbook

from xlbridge.check import check_file
from xlbridge.core.rules import check_catalogue, registered_codes
from xlbridge.data.catalog import choose_framework
from xlbridge.layout import build_layout

# ---------------------------------------------------------------- catalogue, layout, helpers

RULES_YAML = Path(__file__).resolve().parents[1] / "workbook_templates" / "messages" / "rules.yaml"
SPECS: dict[str, dict] = yaml.safe_load(RULES_YAML.read_text(encoding="utf-8"))["rules"]
SEVERITY = {code: spec["severity"] for code, spec in SPECS.items()}

PLAN = "Lập kế hoạch (đầu năm học)"
MID = "Rà soát giữa năm (cuối học kỳ I, báo cáo tiến độ)"
END = "Báo cáo kết quả cuối năm học"

INFO = "Thông tin"
S1, S2, S3, S4 = "Tiêu chuẩn 1", "Tiêu chuẩn 2", "Tiêu chuẩn 3", "Tiêu chuẩn 4"

L18 = build_layout(choose_framework("THPT", 2023))
L57 = build_layout(choose_framework("THCS", 2026))
COL18 = {p.column.key: p.letter for p in L18.sheets[0].table("plan").inputs()}
# input rows of Tiêu chuẩn 1 that the base workbooks leave empty (their items are on rows 8 and 12)
FREE18 = [r for b in L18.sheets[0].table("plan").criteria for r in b.item_rows if r not in (8, 12)]


def check(path: Path):
    return check_file(path, today=TODAY)


def found(result, code: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(f.rule, f.sheet, f.cell) for f in result.findings if code is None or f.rule == code]


def at(result, sheet: str, cell: str) -> set[str]:
    """Codes reported at one cell."""
    return {f.rule for f in result.findings if f.sheet == sheet and f.cell == cell}


def expect(result, code: str, sheet: str | None, cell: str | None):
    """The finding `code` at sheet!cell, with the severity rules.yaml gives it and a fully filled message."""
    hits = [f for f in result.findings if f.rule == code and f.sheet == sheet and f.cell == cell]
    assert hits, f"expected {code} at {sheet}!{cell}; findings: {found(result)}"
    for f in hits:
        assert f.severity == SEVERITY[code], f"{code} has severity {f.severity}, rules.yaml says {SEVERITY[code]}"
        assert f.message and "…" not in f.message, f"{code} message has an unfilled field: {f.message}"
    return hits[0]


def expect_none(result, *codes: str) -> None:
    got = [t for t in found(result) if t[0] in codes]
    assert got == [], f"unexpected {codes}: {got}"


def edit(path: Path, fn) -> Path:
    """Open the workbook as a user would, apply `fn(wb)`, save in place."""
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


class Err(str):
    """An Excel error value, stored as Excel stores it after a broken formula such as =Kiện toàn (data type "e")."""


def write(ws, cells: dict[str, object]) -> None:
    for ref, value in cells.items():
        ws[ref].value = value
        if isinstance(value, Err):
            ws[ref].data_type = "e"


def put(path: Path, sheet: str | dict[str, dict[str, object]], cells: dict[str, object] | None = None) -> Path:
    """Type values into cells and save once: put(path, sheet, {ref: value}) or put(path, {sheet: {ref: value}}).
    None clears a cell; Err("#NAME?") is an error value."""
    by_sheet = sheet if isinstance(sheet, dict) else {sheet: cells or {}}
    return edit(path, lambda wb: [write(wb[name], c) for name, c in by_sheet.items()])


def copy(src: Path, dst_dir: Path, name: str = "so.xlsx") -> Path:
    dst = Path(dst_dir) / name
    shutil.copy(src, dst)
    return dst


# ---------------------------------------------------------------- workbooks

GROUPS_2018 = [{"nhom": f"Nhóm {i}", "truong_nhom": f"Tổ trưởng {i}"} for i in range(1, 6)]
INFO_2018 = {"ten_truong": "Trường THPT Thử", "cap_hoc": "THPT", "nam_hoc": "2023-2024", "giai_doan": PLAN,
             "hieu_truong": "Nguyễn Văn An"}
ITEM_2018 = {"ket_qua_can_dat": "Đạt mức 3", "giai_phap": "Kiện toàn tổ chuyên môn, phân công nhiệm vụ",
             "chu_tri": "Hiệu trưởng; tổ chuyên môn", "thoi_gian": "Tháng 10/2023", "kinh_phi": "10 triệu"}
ITEM_2018_B = {"ket_qua_can_dat": "Duy trì mức 2", "giai_phap": "Rà soát quy chế hoạt động của hội đồng trường",
               "chu_tri": "Chủ tịch hội đồng trường", "thoi_gian": "Tháng 10/2023 - tháng 5/2024", "kinh_phi": "Không"}
MID_INFO = {"giai_doan": MID, "ngay_bao_cao": date(2024, 1, 15)}


def item(base: dict = ITEM_2018, **changes) -> dict:
    """A copy of `base` with some columns changed (None leaves a column empty)."""
    return {**base, **changes}


def data_2018(items=None, info=None, groups=GROUPS_2018) -> dict:
    """Fill data for a THPT 2023-2024 workbook; `items` is [(criterion, values)], `info` overrides Thông tin."""
    items = [("1.1", ITEM_2018), ("1.2", ITEM_2018_B)] if items is None else items
    merged = {**INFO_2018, **(info or {})}
    return {"info": {k: v for k, v in merged.items() if v is not None},
            "lists": {"nhom_cong_tac": list(groups)},
            "items": [{"criterion": c, "values": {k: v for k, v in vals.items() if v is not None}} for c, vals in items]}


def wb_2018(tmp_path: Path, items=None, info=None, groups=GROUPS_2018) -> Path:
    return filled(tmp_path, "THPT", "2023-2024", data_2018(items, info, groups))


def plan_row(row: int, **values) -> dict[str, object]:
    """Cells of one complete 2018 plan row on Tiêu chuẩn 1 (own content, so no duplicates), with `values` on top.
    The period defaults to the whole school year, so nothing is overdue at the mid-year report date."""
    full = {**ITEM_2018, "giai_phap": f"Công việc của dòng {row}", "thoi_gian": "Tháng 9/2023 - tháng 5/2024", **values}
    return {f"{COL18[k]}{row}": v for k, v in full.items()}


def rows(*specs: dict) -> dict[str, object]:
    """Several plan rows on the free input rows of Tiêu chuẩn 1: rows(dict(trang_thai=…), …) → cells."""
    cells: dict[str, object] = {}
    for row, spec in zip(FREE18, specs, strict=False):
        cells |= plan_row(row, **spec)
    return cells


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bases")
    return {
        "plan": wb_2018(d),
        "mid": wb_2018(d, [("1.1", item(trang_thai="Hoàn thành", ket_qua="Đã ban hành quyết định kiện toàn")),
                           ("1.2", item(ITEM_2018_B, trang_thai="Đang thực hiện"))], MID_INFO),
        "tt57": tt57_workbook(d, "pho-thong"),
    }


@pytest.fixture
def plan18(bases, tmp_path) -> Path:
    """THPT 2023-2024, planning phase: items 1.1 (row 8) and 1.2 (row 12) on Tiêu chuẩn 1; checks clean."""
    return copy(bases["plan"], tmp_path)


@pytest.fixture
def mid18(bases, tmp_path) -> Path:
    """The same at the mid-year review (report date 15/01/2024): 1.1 Hoàn thành with a result (row 8, its period
    Tháng 10/2023 is past), 1.2 Đang thực hiện until 5/2024 (row 12); checks clean."""
    return copy(bases["mid"], tmp_path)


@pytest.fixture
def tt57(bases, tmp_path) -> Path:
    """THCS 2026-2027 under TT57, end-of-year report (25/05/2027) with both reviews; two items per standard
    (Tiêu chuẩn 1: 1.3 on row 21 and 1.4 on row 22, both Hoàn thành at both reviews); checks clean."""
    return copy(bases["tt57"], tmp_path)


def test_layout_positions_used_below():
    sl = L18.sheets[0]
    plan = sl.table("plan")
    assert sl.name == S1 and (plan.group_row, plan.header_row) == (5, 6)
    blocks = {b.criterion.code: (b.header_row, b.item_rows) for b in plan.criteria}
    assert blocks["1.1"] == (7, (8, 9, 10)) and blocks["1.2"] == (11, (12, 13, 14)) and blocks["1.3"] == (15, (16, 17, 18))
    assert COL18 == {"ket_qua_can_dat": "C", "giai_phap": "D", "chu_tri": "E", "thoi_gian": "F", "kinh_phi": "G",
                     "dieu_kien": "H", "ghi_chu": "I", "noi_dung_dieu_chinh": "J", "trang_thai": "K", "ket_qua": "L",
                     "ly_do": "M", "minh_chung": "N", "ghi_chu_kq": "O"}
    assert sl.width == 15                                   # O: P is outside the table
    assert FREE18[:6] == [9, 10, 13, 14, 16, 17]
    rows_ = {k: L18.info.field_rows[k] for k in ("ten_truong", "cap_hoc", "nam_hoc", "giai_doan", "ngay_bao_cao", "hieu_truong")}
    assert rows_ == {"ten_truong": 4, "cap_hoc": 5, "nam_hoc": 8, "giai_doan": 9, "ngay_bao_cao": 10, "hieu_truong": 14}
    assert L18.info.list_rows["nhom_cong_tac"][2] == 35
    assert [s.table("plan").first_row for s in L57.sheets] == [21, 20, 22, 20]
    s57 = L57.sheets[0]
    issues, plan57 = s57.table("issues"), s57.table("plan")
    assert (issues.first_row, issues.last_row, plan57.header_row, plan57.last_row) == (14, 16, 20, 28)
    letters = {p.column.key: p.letter for p in plan57.inputs()}
    plan_keys = ("noi_dung", "tieu_chi", "chi_so", "thoi_gian", "phu_trach", "minh_chung_du_kien")
    review_keys = ("rs1_muc_do", "rs1_ket_qua", "rs1_ly_do", "rs2_muc_do", "rs2_ket_qua", "rs2_ly_do")
    assert [letters[k] for k in plan_keys] == list("BCFGHJ")
    assert [letters[k] for k in review_keys] == list("KLMNOP")
    assert {p.column.key: p.letter for p in issues.inputs()}["han_che"] == "D"
    assert s57.width == 16


def test_base_workbooks_check_clean(bases):
    """The clean half of every test that breaks a copy of a base workbook: unbroken, it gives no finding at all."""
    phases = {}
    for name, path in bases.items():
        r = check(path)
        assert found(r) == [], name
        phases[name] = r.book.info.phase.name
    assert phases == {"plan": PLAN, "mid": MID, "tt57": END}


# ---------------------------------------------------------------- TT: Thông tin chung

def test_tt01_missing_required_info(tmp_path):
    r = check(wb_2018(tmp_path, info={"hieu_truong": None}))
    f = expect(r, "TT01", INFO, "B14")
    assert "Thủ trưởng đơn vị ký" in f.message and "B14" in f.hint
    assert found(r, "TT01") == [("TT01", INFO, "B14")]


def test_tt01_cleared_by_the_user(plan18):
    put(plan18, INFO, {"B4": None, "B14": "   "})         # school name deleted, signer only spaces
    r = check(plan18)
    expect(r, "TT01", INFO, "B4")
    expect(r, "TT01", INFO, "B14")                         # (the base workbook, with both, checks clean)


def test_tt01_gives_way_to_the_cell_rules(plan18):
    put(plan18, INFO, {"B14": "=Hiệu trưởng", "B4": Err("#NAME?")})
    r = check(plan18)
    expect(r, "O01", INFO, "B14")
    expect(r, "O02", INFO, "B4")
    expect_none(r, "TT01")


@pytest.mark.parametrize("year", ["2023-2025", "2023/24"])
def test_tt02_malformed_school_year(plan18, year):
    put(plan18, INFO, {"B8": year})
    r = check(plan18)
    f = expect(r, "TT02", INFO, "B8")
    assert year in f.message
    expect_none(r, "TT03", "TT04")


def test_tt02_usual_spellings_are_fine(plan18):
    put(plan18, INFO, {"B8": "Năm học 2023 – 2024   "})
    r = check(plan18)
    expect_none(r, "TT02", "TT03", "TT04")
    assert str(r.book.info.school_year) == "2023-2024"


def test_tt03_school_year_of_another_framework(plan18):
    put(plan18, INFO, {"B8": "2026-2027"})                # THPT in 2026-2027 is governed by TT57, not TT18
    r = check(plan18)
    f = expect(r, "TT03", INFO, "B8")
    assert "2023-2024" in f.message and "18/2018" in f.message
    expect_none(r, "TT04")


def test_tt04_other_school_year_same_framework(plan18):
    put(plan18, INFO, {"B8": "2024-2025"})
    r = check(plan18)
    f = expect(r, "TT04", INFO, "B8")
    assert "2024-2025" in f.message and "2023-2024" in f.message
    expect_none(r, "TT03", "TT02")


def test_tt05_level_of_another_framework(plan18):
    put(plan18, INFO, {"B5": "Mầm non"})
    f = expect(check(plan18), "TT05", INFO, "B5")
    assert "Mầm non" in f.message and "THPT" in f.message


@pytest.mark.parametrize("level", ["Trung học phổ thông ", "THCS"])
def test_tt05_aliases_and_levels_of_the_same_framework(plan18, level):
    put(plan18, INFO, {"B5": level})
    expect_none(check(plan18), "TT05")


def test_tt06_unknown_phase(plan18):
    put(plan18, INFO, {"B9": "Tổng kết"})
    f = expect(check(plan18), "TT06", INFO, "B9")
    assert "Tổng kết" in f.message and PLAN in f.hint


def test_tt06_phase_spellings_are_understood(mid18):
    put(mid18, INFO, {"B9": "RÀ SOÁT GIỮA NĂM  "})        # upper case, shortened, trailing spaces
    r = check(mid18)
    expect_none(r, "TT06")
    assert r.book.info.phase.id == "giua-nam"


@pytest.mark.parametrize("typed", ["31/02/2024", "giữa tháng 1"])
def test_tt07_unreadable_report_date(mid18, typed):
    put(mid18, INFO, {"B10": typed})
    f = expect(check(mid18), "TT07", INFO, "B10")
    assert typed in f.message


@pytest.mark.parametrize("typed", ["15/1/2024 ", "ngày 15 tháng 01 năm 2024", "15-01-2024", "15.1.2024", "2024-01-15",
                                   "Ngày 15 tháng 1/2024"])
def test_tt07_report_date_typed_as_text(mid18, typed):
    """Every way a day is written that a period cell accepts is a report date too (one parser)."""
    put(mid18, INFO, {"B10": typed})
    r = check(mid18)
    expect_none(r, "TT07", "TT08", "TT10")
    assert r.book.info.report_date == date(2024, 1, 15)


def test_tt08_report_date_outside_school_year(mid18):
    put(mid18, INFO, {"B10": datetime(2024, 9, 15)})
    f = expect(check(mid18), "TT08", INFO, "B10")
    assert "15/09/2024" in f.message and "2023-2024" in f.message
    put(mid18, INFO, {"B10": datetime(2024, 7, 31)})      # the administrative school year ends on 31/7
    expect_none(check(mid18), "TT08")


def test_tt09_one_note_when_items_name_nobody_and_groups_are_empty(tmp_path):
    items = [("1.1", item(chu_tri=None)), ("3.1", item(giai_phap="Sửa chữa phòng học bộ môn", chu_tri=None))]
    r = check(wb_2018(tmp_path, items, groups=[]))
    f = expect(r, "TT09", INFO, "C35")                     # the group cell of the first such standard
    assert "Tiêu chuẩn 1, 3" in f.message and "2 nội dung" in f.message and "C35" in f.hint
    assert len(found(r, "TT09")) == 1 and f.is_note         # one note, not one warning per standard


def test_tt09_silent_when_every_item_names_its_chu_tri(tmp_path):
    """The class of false findings on real plans and reports: each item names who leads it ("Chủ trì và phối
    hợp thực hiện"), the per-standard working groups (a self-assessment matter) are not listed."""
    items = [("1.1", ITEM_2018), ("3.1", item(giai_phap="Sửa chữa phòng học bộ môn", chu_tri="Phó Hiệu trưởng CSVC"))]
    expect_none(check(wb_2018(tmp_path, items, groups=[])), "TT09")


def test_tt09_group_named_by_group_or_leader(tmp_path):
    items = [("1.1", item(chu_tri=None)), ("3.1", item(giai_phap="Sửa chữa phòng học bộ môn", chu_tri=None))]
    path = wb_2018(tmp_path, items, groups=[{"nhom": "Nhóm 1"}, {}, {}, {}, {}])
    assert found(check(path), "TT09") == [("TT09", INFO, "C37")]
    put(path, INFO, {"D37": "Ông Lê Văn B"})              # only the leader (Trưởng nhóm) of standard 3
    expect_none(check(path), "TT09")


def test_tt09_cell_follows_rows_inserted_on_thong_tin(tmp_path):
    path = wb_2018(tmp_path, [("1.1", item(chu_tri=None))], groups=[])
    edit(path, lambda wb: wb[INFO].insert_rows(20))        # one more line in the list of căn cứ
    r = check(path)
    assert r.book.info.lists["nhom_cong_tac"] == []         # the reader still finds the list, by its title
    expect(r, "TT09", INFO, "C36")                          # the group cell of Tiêu chuẩn 1 is now C36


def test_tt12_loai_hinh_not_in_the_list(plan18):
    put(plan18, INFO, {"B15": "Bán công"})                  # a type abolished by the 2019 law
    f = expect(check(plan18), "TT12", INFO, "B15")
    assert "«Bán công»" in f.message and "Tư thục" in f.hint
    put(plan18, INFO, {"B15": "Trường tư thục"})
    expect_none(check(plan18), "TT12")


def test_tt10_no_report_date_after_planning(mid18):
    put(mid18, INFO, {"B10": None})
    f = expect(check(mid18), "TT10", INFO, "B10")
    assert TODAY.strftime("%d/%m/%Y") in f.message


def test_tt10_past_midyear_review_is_judged_at_the_end_of_its_term(mid18):
    """A 2023-2024 mid-year review with its date left blank, checked today (2026): deadlines are judged on
    15/01/2024, the end of HK I, not on today (every HK II row would be «quá hạn»); TT10 says which date and why.
    --ngay still wins, and a review of the current year is judged on today."""
    put(mid18, INFO, {"B10": None})
    r = check_file(mid18, clock=TODAY)
    assert r.summary.report_date == date(2024, 1, 15)
    f = expect(r, "TT10", INFO, "B10")
    assert "15/01/2024" in f.message and "cuối học kỳ I năm học 2023-2024" in f.message, f.message
    expect_none(r, "TG05")                                   # 1.2 runs until 5/2024: not overdue in January
    asked = check_file(mid18, date(2024, 3, 1), clock=TODAY)
    assert asked.summary.report_date == date(2024, 3, 1) and "--ngay" in expect(asked, "TT10", INFO, "B10").message
    during = check_file(mid18, clock=date(2023, 12, 20))
    assert during.summary.report_date == date(2023, 12, 20)
    assert "(hôm nay)" in expect(during, "TT10", INFO, "B10").message


def test_tt10_not_needed_while_planning(plan18):
    r = check(plan18)
    assert r.book.info.values["ngay_bao_cao"].empty
    expect_none(r, "TT10")


# ---------------------------------------------------------------- CT: cấu trúc sổ

def test_ct01_sheets_deleted(plan18):
    def remove(wb):
        for name in (S2, "Mức 4", "Tổng hợp", "Kiểm tra"):
            wb.remove(wb[name])
    edit(plan18, remove)
    r = check(plan18)
    for name in (S2, "Mức 4", "Tổng hợp", "Kiểm tra"):
        assert name in expect(r, "CT01", name, None).message
    assert len(found(r, "CT01")) == 4


def test_ct01_thong_tin_deleted(plan18):
    edit(plan18, lambda wb: wb.remove(wb[INFO]))
    r = check(plan18)
    expect(r, "CT01", INFO, None)
    assert [it.criterion for it in r.book.items] == ["1.1", "1.2"]       # the plan is still read


def test_ct01_sheet_renamed(plan18):
    edit(plan18, lambda wb: setattr(wb[S2], "title", "TC2"))
    r = check(plan18)
    expect(r, "CT01", S2, None)
    assert found(r, "CT01") == [("CT01", S2, None)]


def test_ct02_criterion_title_overwritten(plan18):
    put(plan18, S1, {"B7": "Tiêu chí 1.1: Chiến lược phát triển"})
    r = check(plan18)
    f = expect(r, "CT02", S1, "B7")
    assert "Tiêu chí 1.1: Chiến lược phát triển" in f.message
    assert [it.criterion for it in r.book.items] == ["1.1", "1.2"]     # the rows keep their criterion
    expect_none(r, "CT06")


def test_ct02_criterion_code_overwritten(plan18):
    put(plan18, S1, {"A11": "9.9"})
    r = check(plan18)
    f = expect(r, "CT02", S1, "A11")
    assert "1.2" in f.message and "9.9" in f.message
    assert [it.criterion for it in r.book.items] == ["1.1", "1.2"]
    expect_none(r, "CT06")


def test_ct02_code_changed_to_another_valid_code(plan18):
    put(plan18, S1, {"A11": "1.9"})
    r = check(plan18)
    expect(r, "CT02", S1, "A11")
    expect_none(r, "CT06")


def test_ct02_title_with_trailing_spaces_is_not_altered(plan18):
    def pad(wb):
        wb[S1]["B7"].value = wb[S1]["B7"].value + "   "
    edit(plan18, pad)
    expect_none(check(plan18), "CT02")


def test_ct03_table_headers_overwritten(plan18):
    typed = {"D6": "Giải pháp", "K6": "Tình trạng", "C5": "Kế hoạch"}
    put(plan18, {S1: typed, S2: {"A5": "Mã số"}})
    r = check(plan18)
    for ref, text in typed.items():
        assert text in expect(r, "CT03", S1, ref).message
    expect(r, "CT03", S2, "A5")
    assert len(found(r, "CT03")) == 4


def test_ct03_header_case_and_spaces_tolerated(plan18):
    put(plan18, S1, {"D6": "  công việc/giải pháp   cần thực hiện "})
    expect_none(check(plan18), "CT03")


def test_ct03_column_inserted(plan18):
    edit(plan18, lambda wb: wb[S1].insert_cols(5))
    r = check(plan18)
    assert "Chủ trì và phối hợp thực hiện" in expect(r, "CT03", S1, "E6").message
    assert len(found(r, "CT03")) > 3


def test_ct03_label_on_thong_tin_overwritten(plan18):
    put(plan18, INFO, {"A14": "Người ký"})
    r = check(plan18)
    expect(r, "CT03", INFO, "A14")
    assert r.book.info.text("hieu_truong") == "Nguyễn Văn An"          # the value is still read


def test_ct03_tt57_header_and_marker_overwritten(tt57):
    # F19: the plan's header cells are merged over its two header rows (only the reviews are grouped)
    put(tt57, {S1: {"F19": "Chỉ số"}, S2: {"A11": "IV. VẤN ĐỀ"}})     # A11: the marker row of the issues table
    r = check(tt57)
    expect(r, "CT03", S1, "F19")
    expect(r, "CT03", S2, "A11")


def test_ct04_tt57_unknown_criterion(tt57):
    put(tt57, S1, {"C21": "1.9"})
    r = check(tt57)
    f = expect(r, "CT04", S1, "C21")
    assert "1.9" in f.message and "57/2026" in f.message and "1.1, 1.2, 1.3, 1.4" in f.hint


def test_ct04_criterion_typed_other_ways(tt57):
    put(tt57, {S1: {"C21": " Tiêu chí 1.3 "}, S2: {"C20": "2,2"},
               S4: {"C20": 4.2}})                          # a number, as Excel keeps 4.2 typed without the list
    r = check(tt57)
    expect_none(r, "CT04", "CT05", "KH06")
    codes = {(it.sheet, it.row): it.criterion for it in r.book.items}
    assert (codes[(S1, 21)], codes[(S2, 20)], codes[(S4, 20)]) == ("1.3", "2.2", "4.2")


def test_ct05_tt57_criterion_of_another_standard(tt57):
    put(tt57, S1, {"C21": "2.2"})
    f = expect(check(tt57), "CT05", S1, "C21")
    assert "2.2" in f.message and S1 in f.message and S2 in f.hint


def test_ct06_criterion_row_deleted(plan18):
    edit(plan18, lambda wb: wb[S1].delete_rows(11))        # the locked row "Tiêu chí 1.2: ..."
    r = check(plan18)
    assert "Tiêu chí 1.2" in expect(r, "CT06", S1, None).message
    assert len(found(r, "CT06")) == 1
    assert [it.criterion for it in r.book.items] == ["1.1", "1.2"]     # its input rows still carry the code


def test_ct06_whole_block_deleted(plan18):
    edit(plan18, lambda wb: wb[S1].delete_rows(15, 4))     # criterion 1.3 and its three input rows
    r = check(plan18)
    assert "Tiêu chí 1.3" in expect(r, "CT06", S1, None).message
    expect_none(r, "CT02", "CT03")


def test_ct08_item_rows_deleted(plan18):
    edit(plan18, lambda wb: wb[S1].delete_rows(9, 2))      # two of criterion 1.1's three input rows
    r = check(plan18)
    assert "1.1" in expect(r, "CT08", S1, "A7").message
    assert len(found(r, "CT08")) == 1
    expect_none(r, "CT02", "CT03", "CT06")


def test_ct08_not_for_the_last_criterion_whose_rows_were_cleared(plan18):
    """Nothing locked follows the last block: its last row cleared with Delete (the code column is not locked)
    looks like a deleted row, so that block is not counted — no false «dòng bị xóa»."""
    last = L18.sheets[0].table("plan").criteria[-1]
    edit(plan18, lambda wb: [setattr(wb[S1].cell(last.item_rows[-1], c), "value", None) for c in range(1, 16)])
    expect_none(check(plan18), "CT08")


def test_ct08_rows_deleted_in_a_tt57_table_before_the_next(tt57):
    """The issues table (mục IV) is bounded by the plan table's locked title: a deleted row is counted."""
    sl = L57.sheets[0]
    table = sl.table("issues")
    path = copy(tt57, tt57.parent, "issues.xlsx")
    edit(path, lambda wb: wb[S1].delete_rows(table.last_row, 1))
    r = check(path)
    f = expect(r, "CT08", S1, f"A{table.header_row}")
    assert f"còn {table.last_row - table.first_row} dòng" in f.message and "Bảng «" in f.message
    assert len(found(r, "CT08")) == 1
    expect_none(check(tt57), "CT08")


def test_ct08_not_for_inserted_rows(plan18):
    edit(plan18, lambda wb: wb[S1].insert_rows(9, 2))
    expect_none(check(plan18), "CT08")


def test_ct07_text_right_of_the_table(plan18):
    put(plan18, S1, {"P8": "ghi chú thêm", "Q30": "xem lại"})
    r = check(plan18)
    assert "ghi chú thêm" in expect(r, "CT07", S1, "P8").message
    expect(r, "CT07", S1, "Q30")
    assert len(found(r, "CT07")) == 2


def test_ct07_text_typed_on_a_criterion_title_row(plan18):
    """The title row's results cells are unlocked (a row inserted below copies them): typing there is reported."""
    put(plan18, S1, {f"{COL18['trang_thai']}7": "Hoàn thành"})
    assert "Hoàn thành" in expect(check(plan18), "CT07", S1, f"{COL18['trang_thai']}7").message


def test_ct07_tt57_text_right_of_the_plan(tt57):
    put(tt57, S1, {"Q21": "bổ sung sau", "R30": "ghi tạm"})
    r = check(tt57)
    assert "bổ sung sau" in expect(r, "CT07", S1, "Q21").message
    expect(r, "CT07", S1, "R30")
    assert len(found(r, "CT07")) == 2


def test_ct07_tt57_text_right_of_the_issues_table(tt57):
    put(tt57, S1, {"F14": "ghi tạm"})
    expect(check(tt57), "CT07", S1, "F14")


def test_ct07_text_right_of_a_criterion_row(plan18):
    put(plan18, S1, {"P7": "tiêu chí này khó"})
    expect(check(plan18), "CT07", S1, "P7")


# ---------------------------------------------------------------- O: nội dung ô

def test_o01_formula_typed_in_an_input_cell(plan18):
    put(plan18, S1, {"D8": "=Kiện toàn", "E12": "=+Phó hiệu trưởng", "D12": "- Rà soát quy chế"})   # D12: a dash is text
    r = check(plan18)
    assert "=Kiện toàn" in expect(r, "O01", S1, "D8").message
    expect(r, "O01", S1, "E12")
    assert at(r, S1, "D8") == {"O01"} and at(r, S1, "E12") == {"O01"}      # no KH01 on top
    assert found(r, "O01") == [("O01", S1, "D8"), ("O01", S1, "E12")]


def test_o01_formula_in_a_tt57_review_cell(tt57):
    put(tt57, S1, {"L21": "=Ban hành quy trình"})
    r = check(tt57)
    expect(r, "O01", S1, "L21")
    expect_none(r, "KQ05")


def test_o01_text_starting_with_equals_typed_as_the_hint_says(plan18):
    """Following the O01 hint ('=… typed with a leading apostrophe) must clear O01: the cell is text, not a formula."""
    def quoted(wb):
        cell = wb[S1]["D8"]
        cell.value = "=Kiện toàn tổ"
        cell.data_type = "s"                               # stored as text, as Excel stores '=Kiện toàn tổ
        cell.quotePrefix = True
    edit(plan18, quoted)
    expect_none(check(plan18), "O01")


def test_o02_excel_error_values(plan18):
    errors = {"E8": "#NAME?", "C12": "#REF!", "H8": "#VALUE!", "F12": "#N/A"}
    put(plan18, S1, {ref: Err(e) for ref, e in errors.items()})
    r = check(plan18)
    for ref, error in errors.items():
        assert error in expect(r, "O02", S1, ref).message
        assert at(r, S1, ref) == {"O02"}                   # no KH01 / TG01 on the same cell


def test_o02_error_in_a_status_cell(mid18):
    put(mid18, S1, {"K8": Err("#N/A")})
    r = check(mid18)
    expect(r, "O02", S1, "K8")
    expect_none(r, "KQ01", "KQ02")


def test_o03_text_too_long(plan18):
    put(plan18, S1, {"H8": "Hỗ trợ " * 215, "H12": "x" * 1500})     # 1504 characters once stripped; exactly the limit
    r = check(plan18)
    f = expect(r, "O03", S1, "H8")
    assert "1504" in f.message and "1500" in f.message
    assert found(r, "O03") == [("O03", S1, "H8")]


# ---------------------------------------------------------------- KH: kế hoạch

def test_kh01_required_plan_cells_missing(tmp_path):
    r = check(wb_2018(tmp_path, [("1.1", item(chu_tri=None, thoi_gian=None))]))
    f = expect(r, "KH01", S1, "E8")
    assert "Chủ trì và phối hợp thực hiện" in f.message and "tiêu chí 1.1" in f.message
    expect(r, "KH01", S1, "F8")
    assert len(found(r, "KH01")) == 2                      # kinh phí, ghi chú are optional


def test_kh01_placeholder_is_not_content(plan18):
    put(plan18, S1, {"E12": "Không", "C12": "/"})
    r = check(plan18)
    expect(r, "KH01", S1, "E12")
    expect(r, "KH01", S1, "C12")
    assert len(found(r, "KH01")) == 2


def test_kh01_level4_item(tmp_path):
    r = check(wb_2018(tmp_path, [("M4.1", item(ket_qua_can_dat=None))]))
    assert "Mức 4" in expect(r, "KH01", "Mức 4", "C8").message


def test_kh01_tt57_issue_and_plan_cells_missing(tt57):
    put(tt57, INFO, {"B9": PLAN})
    put(tt57, S1, {"D14": None, "F22": "..."})
    r = check(tt57)
    assert "Điểm hạn chế" in expect(r, "KH01", S1, "D14").message
    assert "Chỉ số đánh giá kết quả" in expect(r, "KH01", S1, "F22").message
    assert len(found(r, "KH01")) == 2


def test_kh02_approved_plan_missing_cells(tmp_path):
    r = check(wb_2018(tmp_path, [("1.1", item(chu_tri=None, thoi_gian=None, trang_thai="Đang thực hiện"))], MID_INFO))
    f = expect(r, "KH02", S1, "E8")                        # one warning per item, at its first missing cell
    assert "Chủ trì và phối hợp thực hiện" in f.message and "Thời gian thực hiện và hoàn thành" in f.message
    assert found(r, "KH02") == [("KH02", S1, "E8")]
    expect_none(r, "KH01")


def test_kh02_tt57(tt57):
    put(tt57, S1, {"H21": None})
    assert found(check(tt57), "KH02") == [("KH02", S1, "H21")]


def test_kh03_duplicate_content(tmp_path):
    items = [("1.1", ITEM_2018), ("1.1", item(chu_tri="Phó hiệu trưởng")), ("1.2", ITEM_2018)]
    r = check(wb_2018(tmp_path, items))
    assert "8" in expect(r, "KH03", S1, "D9").message
    assert found(r, "KH03") == [("KH03", S1, "D9")]       # the same text under another criterion is fine


def test_kh03_duplicate_differs_only_in_case_and_accents(plan18):
    put(plan18, S1, plan_row(9, giai_phap="KIEN TOAN TO CHUYEN MON,  phan cong nhiem vu")
        | plan_row(10, giai_phap="Kiện toàn tổ chuyên môn"))           # row 10: a different content
    r = check(plan18)
    expect(r, "KH03", S1, "D9")
    assert found(r, "KH03") == [("KH03", S1, "D9")]


def test_kh03_tt57(tt57):
    put(tt57, S1, {"B22": "Chuẩn hóa việc cập nhật, đối chiếu và sử dụng dữ liệu quản lý học sinh, đội ngũ, kết quả giáo dục",
                   "C22": "1.3"})
    expect(check(tt57), "KH03", S1, "B22")


def test_kh03_duplicate_target_points_at_the_target_cell(tmp_path):
    """Without content the targets are compared, so the finding names the duplicated target, not the empty cell."""
    items = [("1.1", item(giai_phap=None)), ("1.1", item(giai_phap=None, chu_tri="Phó hiệu trưởng"))]
    expect(check(wb_2018(tmp_path, items)), "KH03", S1, "C9")


def test_kh04_empty_workbook(tmp_path):
    path, _ = template(tmp_path, "THPT", "2023-2024")
    r = check(path)
    expect(r, "KH04", S1, None)
    assert r.book.items == []


def test_kh04_tt57_blank_rows_only(tmp_path):
    path, _ = template(tmp_path, "THCS", "2026-2027")
    put(path, S1, {"B21": "   ", "G23": " "})              # spaces only: still blank rows
    expect(check(path), "KH04", S1, None)
    put(path, S1, {"B21": "Nội dung", "C21": "1.1"})
    expect_none(check(path), "KH04")


def test_kh05_result_without_plan(mid18):
    put(mid18, S1, {"K9": "Hoàn thành", "L9": "Đã tổ chức hội nghị"}   # row 9: a result and nothing planned
        | plan_row(10, trang_thai="Hoàn thành", ket_qua="Đã tổ chức hội nghị"))
    r = check(mid18)
    f = expect(r, "KH05", S1, "D9")
    assert "Dòng 9" in f.message and "Công việc/giải pháp" in f.hint
    assert found(r, "KH05") == [("KH05", S1, "D9")]


def test_kh05_tt57(tt57):
    put(tt57, S1, {"C23": "1.1", "N23": "Hoàn thành", "O23": "Đã làm"})
    expect(check(tt57), "KH05", S1, "B23")


def test_kh06_tt57_plan_row_without_criterion(tt57):
    put(tt57, S1, {"C21": None})
    r = check(tt57)
    assert "21" in expect(r, "KH06", S1, "C21").message
    expect_none(r, "CT04", "CT05")


def test_kh06_filled_without_criterion(tmp_path):
    vals = {"noi_dung": "Nội dung", "tieu_chi": "", "muc_tieu": "Mục tiêu", "giai_phap": "Giải pháp", "chi_so": "100%",
            "thoi_gian": "Tháng 10/2026", "phu_trach": "Hiệu trưởng"}
    info = {"ten_truong": "Trường THCS Thử", "cap_hoc": "THCS", "nam_hoc": "2026-2027", "giai_doan": PLAN, "hieu_truong": "Bà C"}
    path = filled(tmp_path, "THCS", "2026-2027", {"info": info, "items": [{"criterion": "2.1", "values": vals}]})
    r = check(path)
    expect(r, "KH06", S2, "C20")
    assert r.book.items[0].criterion is None


def test_kh07_evidence_codes(tt57):
    bad = {(S1, "J21"): ("Quy trình (MC.1.3.1)", "MC.1.3.1"), (S1, "J22"): ("Hồ sơ MC1.4.01", "MC1.4.01"),
           (S2, "J20"): ("Biên bản MC.2.9.01", "MC.2.9.01"), (S2, "J21"): ("MC 2.2.03", "MC 2.2.03")}
    good = {(S3, "J22"): "Báo cáo (MC.3.5.01); sổ theo dõi (MC.3.5.02).", (S3, "J23"): "MC.3.3.01, MC.3.3.12",
            (S4, "J20"): "Sổ theo dõi, biên bản", (S4, "J21"): "Mã MC: MC.4.2.01 (các MC của tiêu chí 4.2)",
            (S3, "J24"): "mc.3.4.01"}
    typed: dict[str, dict[str, object]] = {}
    for (sheet, ref), text in [*((k, v[0]) for k, v in bad.items()), *good.items()]:
        typed.setdefault(sheet, {})[ref] = text
    put(tt57, typed)
    r = check(tt57)
    for (sheet, ref), (_, token) in bad.items():
        f = expect(r, "KH07", sheet, ref)
        assert f"«{token}»" in f.message and f"MC.{sheet[-1]}." in f.hint
    assert len(found(r, "KH07")) == len(bad)


def test_kh07_not_checked_for_2018_circulars(mid18):
    put(mid18, S1, {"N8": "MC1"})
    expect_none(check(mid18), "KH07")


# ---------------------------------------------------------------- TG: thời gian

BAD_PERIODS = [                                             # (typed, rule) — school year 2023-2024
    ("Sớm nhất có thể", "TG01"),
    ("Tháng 13/2023", "TG01"),
    ("Tháng 12/2023 - tháng 10/2023", "TG02"),
    ("Tháng 10/2021", "TG03"),
    ("Học kỳ I năm học 2021-2022", "TG03"),
    ("Giai đoạn 2016-2020", "TG03"),                        # a programme wholly before the year
    ("2025-2030", "TG03"),                                  # starts after the year ends
    ("Tháng 7", "TG06"),                                    # the summer before or after the year: said
    ("Tháng 6 - tháng 8", "TG06"),
    ("Trong hè", "TG06"),                                   # «Hè» alone is the same question as «Tháng 7»
]
GOOD_PERIODS = ["Tháng 10/2023", "Học kỳ I", "Trong năm học", "Hằng năm", "tháng 8/2023 – tháng 7/2024",
                datetime(2023, 11, 20), " Tháng 9/2023 - tháng 5/2024 ",
                # periods that overlap or contain the year are right (the retired TG04 warned on them):
                "2021-2025", "Giai đoạn 2021-2025", "Giai đoạn 2021 – 2025", "2020-2025 và định hướng 2030",
                "Giai đoạn 2020-2025, định hướng đến năm 2030", "Tháng 10/2023 - tháng 9/2024", 2024,
                "Tháng 6/2023 - tháng 12/2023", "Trong năm học 2022-2023 và 2023-2024",
                # September to May without a year: one reading only; a deadline; weeks of a month
                "Tháng 10", "Tháng 10 - tháng 12", "Tháng 3", "Trước 30/10/2023", "Chậm nhất tháng 11/2023",
                "Tuần 1-2 tháng 9/2023", "tuần đầu tháng 10",
                # summers with a year, occasions, a remark in brackets, a weekday (audit, round four)
                "Hè 2024", "Nghỉ hè năm 2024", "Dịp 20/11", "Tháng 11/2023 (chào mừng 20/11)",
                "Thứ 2 hàng tuần (chào cờ)", "Sáng thứ hai hằng tuần",
                "Tháng 8/2024"]                                  # readying the rooms for the next year: still this one


@pytest.mark.parametrize("part", [0, 1])
def test_tg_period_rules(plan18, part):
    everything = [*BAD_PERIODS, *((p, None) for p in GOOD_PERIODS)]
    cases = everything[part * len(FREE18):(part + 1) * len(FREE18)]
    assert len(everything) <= 2 * len(FREE18)                # every case has a row in one of the two parts
    put(plan18, S1, {f"F{row}": typed for row, (typed, _) in zip(FREE18, cases, strict=False)})
    r = check(plan18)
    for row, (typed, code) in zip(FREE18, cases, strict=False):
        tg = {c for c in at(r, S1, f"F{row}") if c.startswith("TG")}
        if code is None:
            assert tg == set(), (typed, tg)
        else:
            assert str(typed) in expect(r, code, S1, f"F{row}").message
            assert tg == {code}, (typed, tg)


def test_tg02_and_tg06_messages_name_the_dates(plan18):
    put(plan18, S1, {"F8": "Tháng 12/2023 - tháng 10/2023", "F12": "Tháng 7"})
    r = check(plan18)
    f = expect(r, "TG02", S1, "F8")
    assert "31/10/2023" in f.message and "01/12/2023" in f.message
    tg06 = expect(r, "TG06", S1, "F12")
    assert "01/07/2024 – 31/07/2024" in tg06.message and "«Tháng 7/2023»" in tg06.hint   # the other summer, same month


def test_tg03_tg06_in_tt57(tt57):
    put(tt57, {S1: {"G21": "Tháng 7", "G22": "Tháng 9/2025"}, S2: {"G20": "Tháng 9/2026 - tháng 12/2027"},
               S3: {"G22": "Giai đoạn 2026-2030"}})
    r = check(tt57)
    assert "01/07/2027 – 31/07/2027" in expect(r, "TG06", S1, "G21").message
    assert "2026-2027" in expect(r, "TG03", S1, "G22").message
    assert not {c for c in at(r, S2, "G20") | at(r, S3, "G22") if c.startswith("TG")}   # overlap, programme


def test_tg05_overdue_but_not_done(mid18):
    past = "Tháng 10/2023"
    put(mid18, S1, rows(
        dict(thoi_gian=past, trang_thai="Đang thực hiện"),                     # row 9: TG05
        dict(thoi_gian=past),                                                   # row 10: no status → TG05 + KQ01
        dict(thoi_gian=past, trang_thai="Hoàn thành", ket_qua="Đã xong"),       # rows 13.. : done or delay acknowledged
        dict(thoi_gian=past, trang_thai="Chậm tiến độ", ly_do="Chờ kinh phí"),
        dict(thoi_gian=past, trang_thai="Chưa triển khai", ly_do="Chờ hướng dẫn"),
        dict(thoi_gian=past, trang_thai="Không thực hiện", ly_do="Không còn phù hợp"),
        dict(thoi_gian="Tháng 1/2024 - tháng 3/2024", trang_thai="Đang thực hiện"),   # row 18: deadline still ahead
    ))
    r = check(mid18)
    f = expect(r, "TG05", S1, "F9")
    assert "31/10/2023" in f.message and "15/01/2024" in f.message and "Đang thực hiện" in f.message
    assert "chưa cập nhật" in expect(r, "TG05", S1, "F10").message
    expect(r, "KQ01", S1, "K10")
    assert found(r, "TG05") == [("TG05", S1, "F9"), ("TG05", S1, "F10")]
    put(mid18, INFO, {"B10": None})                        # no report date: deadlines are judged on TODAY
    r = check(mid18)
    assert TODAY.strftime("%d/%m/%Y") in expect(r, "TG05", S1, "F18").message
    expect(r, "TG05", S1, "F12")
    expect(r, "TT10", INFO, "B10")


def test_tg05_not_while_planning(plan18):
    r = check(plan18)                                      # Tháng 10/2023 is long past on TODAY
    assert r.book.items[0].period.end < TODAY
    expect_none(r, "TG05")


def test_tg05_tt57_latest_review_counts(tt57):
    put(tt57, INFO, {"B10": datetime(2027, 6, 15)})       # 3.5 ends 31/5/2027 and is still Đang thực hiện
    assert found(check(tt57), "TG05") == [("TG05", S3, "G22")]


# ---------------------------------------------------------------- KP: kinh phí

BUDGETS = [("nhiều tiền", "KP01"), ("5 triệu 3", "KP01"), ("500", "KP02"), (500, "KP02"), ("20", "KP02"),
           ("500 triệu", None), (5_000_000, None), ("22.000.000", None), ("Không", None), ("/", None), ("Tự túc", None),
           ("Xã hội hóa 5 triệu", None), ("5000", "KP02"), (5000, "KP02"), ("50.000 đ", None), ("800đ", "KP02"),
           ("150000", None), ("99.000", "KP02")]


def test_kp_budget_rules(plan18):
    put(plan18, S1, {f"G{row}": typed for row, (typed, _) in zip(FREE18, BUDGETS, strict=False)})
    r = check(plan18)
    for row, (typed, code) in zip(FREE18, BUDGETS, strict=False):
        kp = {c for c in at(r, S1, f"G{row}") if c.startswith("KP")}
        if code is None:
            assert kp == set(), (typed, kp)
        else:
            f = expect(r, code, S1, f"G{row}")
            assert str(typed) in f.message and kp == {code}
            if code == "KP02":
                assert "triệu" in f.message
    assert len(BUDGETS) <= len(FREE18)
    five = expect(r, "KP02", S1, f"G{FREE18[12]}")      # «5000»: both readings are spelled out
    assert "5.000 đồng" in five.message and "5 triệu đồng" in five.message and "5 tỷ đồng" in five.message


# ---------------------------------------------------------------- KQ: kết quả

def test_kq01_status_missing_at_review(mid18):
    put(mid18, S1, plan_row(9))
    r = check(mid18)
    f = expect(r, "KQ01", S1, "K9")
    assert "Trạng thái" in f.message and "tiêu chí 1.1" in f.message and "Hoàn thành" in f.hint
    assert found(r, "KQ01") == [("KQ01", S1, "K9")]


def test_kq01_not_while_planning(plan18):
    put(plan18, S1, plan_row(9))
    expect_none(check(plan18), "KQ01")


def test_kq01_tt57_end_of_year_review_missing(tt57):
    put(tt57, S1, {"N21": None, "O21": None})
    f = expect(check(tt57), "KQ01", S1, "N21")
    assert "cuối năm" in f.message
    put(tt57, INFO, {"B9": MID, "B10": datetime(2027, 1, 15)})   # at mid-year only the first review is due
    expect_none(check(tt57), "KQ01")


def test_kq02_unknown_status(mid18):
    typed = ["Tốt", "50%", "Đã làm một phần"]
    put(mid18, S1, rows(*(dict(trang_thai=t) for t in typed)))
    r = check(mid18)
    for row, t in zip(FREE18, typed, strict=False):
        assert t in expect(r, "KQ02", S1, f"K{row}").message
        assert at(r, S1, f"K{row}") == {"KQ02"}


STATUS_SPELLINGS = [("Đã hoàn thành", "Hoàn thành"), ("Chưa hoàn thành", "Đang thực hiện"), ("HT", "Hoàn thành"),
                    ("Dang thuc hien", "Đang thực hiện"), ("Chậm so với kế hoạch", "Chậm tiến độ"),
                    ("Huỷ", "Không thực hiện")]


def test_kq03_status_typed_over_the_drop_down(mid18):
    put(mid18, S1, rows(*(dict(trang_thai=t, ket_qua="Đã xong một phần", ly_do="Có lý do") for t, _ in STATUS_SPELLINGS),
                        dict(trang_thai="Đang thực hiện   "),        # exact name with trailing spaces: fine
                        dict(trang_thai="hoàn thành", ket_qua="Đã xong một phần")))   # Tổng hợp's TRIM(…)="…" counts it
    r = check(mid18)
    status = {it.row: it.status.name for it in r.book.items}
    for row, (typed, name) in zip(FREE18, STATUS_SPELLINGS, strict=False):
        f = expect(r, "KQ03", S1, f"K{row}")
        assert typed in f.message and name in f.message
        assert status[row] == name
    last = FREE18[len(STATUS_SPELLINGS)]
    assert status[last] == "Đang thực hiện" and at(r, S1, f"K{last}") == set()
    lower = FREE18[len(STATUS_SPELLINGS) + 1]
    assert status[lower] == "Hoàn thành" and "KQ03" not in at(r, S1, f"K{lower}")
    expect_none(r, "KQ02")


def test_kq04_reason_missing(mid18):
    statuses = ["Chậm tiến độ", "Chưa triển khai", "Không thực hiện"]
    put(mid18, S1, rows(*(dict(trang_thai=s) for s in statuses), dict(trang_thai="Chậm tiến độ", ly_do="Chờ kinh phí")))
    r = check(mid18)
    for row, s in zip(FREE18, statuses, strict=False):
        assert s in expect(r, "KQ04", S1, f"M{row}").message
    assert len(found(r, "KQ04")) == 3


def test_kq04_tt57(tt57):
    put(tt57, S2, {"P21": "—"})                            # a dash is no reason
    expect(check(tt57), "KQ04", S2, "P21")


def test_kq05_done_without_result(mid18):
    put(mid18, S1, rows(dict(trang_thai="Hoàn thành"), dict(trang_thai="Hoàn thành", ket_qua="không"),
                        dict(trang_thai="Hoàn thành", ket_qua="Ban hành quyết định số 12")))
    r = check(mid18)
    expect(r, "KQ05", S1, "L9")
    expect(r, "KQ05", S1, "L10")
    assert len(found(r, "KQ05")) == 2


def test_kq05_tt57_first_review(tt57):
    put(tt57, S1, {"L22": None})
    assert "học kỳ I" in expect(check(tt57), "KQ05", S1, "L22").message


def test_kq06_not_started_but_has_result(mid18):
    put(mid18, S1, rows(dict(trang_thai="Chưa triển khai", ly_do="Chờ kinh phí", ket_qua="Đã mua 5 máy"),
                        dict(trang_thai="Đang thực hiện", ket_qua="Đã mua 5 máy"),
                        dict(trang_thai="Chưa triển khai", ly_do="Chờ kinh phí", ket_qua="Không")))
    r = check(mid18)
    f = expect(r, "KQ06", S1, "L9")
    assert "Chưa triển khai" in f.message and "L9" in f.hint
    assert found(r, "KQ06") == [("KQ06", S1, "L9")]


def test_kq07_status_goes_back_between_reviews(tt57):
    put(tt57, S1, {"N21": "Đang thực hiện"})
    f = expect(check(tt57), "KQ07", S1, "N21")
    assert "Hoàn thành" in f.message and "Đang thực hiện" in f.message
    assert "«Hoàn thành» ở ô N21" in f.hint
    put(tt57, S1, {"N21": "Đã hoàn thành"})
    r = check(tt57)
    expect_none(r, "KQ07")
    expect(r, "KQ03", S1, "N21")


def test_kq08_bland_result_at_its_cell(mid18):
    put(mid18, S1, rows(dict(trang_thai="Hoàn thành", ket_qua="Đã thực hiện, kết quả tốt."),
                        dict(trang_thai="Hoàn thành", ket_qua="Hoàn thành tốt kế hoạch đề ra"),
                        dict(trang_thai="Đang thực hiện", ket_qua="Tốt"),
                        dict(trang_thai="Hoàn thành", ket_qua="Tập huấn 76 lượt cho TTCM, GV"),       # a figure
                        dict(trang_thai="Hoàn thành", ket_qua="Xây dựng, bổ sung phương án")))       # says what
    r = check(mid18)
    f = expect(r, "KQ08", S1, "L9")
    assert "«Đã thực hiện, kết quả tốt.»" in f.message and "con số" in f.hint and "minh chứng" in f.hint
    expect(r, "KQ08", S1, "L10")
    expect(r, "KQ08", S1, "L13")
    assert found(r, "KQ08") == [("KQ08", S1, "L9"), ("KQ08", S1, "L10"), ("KQ08", S1, "L13")]


def test_kq09_done_but_the_text_says_unfinished(mid18):
    put(mid18, S1, rows(dict(trang_thai="Hoàn thành", ket_qua="Đã lắp 3 camera; vẫn còn 2 khu chưa có camera"),
                        dict(trang_thai="Hoàn thành", ket_qua="Trước đây chưa có phòng tin học, nay đã có 1 phòng"),
                        dict(trang_thai="Đang thực hiện", ket_qua="Đã tập huấn 20 GV, còn 5 GV chưa tập huấn"),
                        dict(trang_thai="Hoàn thành", ket_qua="Tổ chức 2 buổi, hoãn 1 buổi do mưa bão")))
    r = check(mid18)
    f = expect(r, "KQ09", S1, "L9")
    assert "«vẫn còn 2 khu chưa có camera»" in f.message and "Đang thực hiện" in f.hint
    assert "hoãn 1 buổi" in expect(r, "KQ09", S1, "L14").message
    assert found(r, "KQ09") == [("KQ09", S1, "L9"), ("KQ09", S1, "L14")]   # "trước đây chưa"; not Hoàn thành


def test_kq10_result_or_reason_repeats_the_plan(mid18):
    put(mid18, S1, rows(dict(giai_phap="Mua sắm bổ sung, sửa chữa TBDH", trang_thai="Chậm tiến độ",
                             ly_do="Mua sắm bổ sung, sửa chữa TBDH."),
                        dict(giai_phap="Bổ sung sách tham khảo", trang_thai="Hoàn thành", ket_qua="bổ sung sách tham khảo"),
                        dict(giai_phap="Tập huấn GV", trang_thai="Hoàn thành", ket_qua="Tập huấn 12 GV")))
    r = check(mid18)
    assert "Lý do" in expect(r, "KQ10", S1, "M9").message
    assert "Kết quả" in expect(r, "KQ10", S1, "L10").message
    assert found(r, "KQ10") == [("KQ10", S1, "M9"), ("KQ10", S1, "L10")]


def test_kh08_results_only_workbook_says_it_once(tmp_path):
    """A workbook typed from a Phụ lục 2 results table: the plan columns are absent by nature."""
    done = {"trang_thai": "Hoàn thành", "ket_qua": "Đã sửa chữa 4 phòng học"}
    items = [(c, {"giai_phap": f"Nội dung {c}", **done}) for c in ("1.1", "1.2", "2.1", "3.1")]
    r = check(wb_2018(tmp_path, items, {"giai_doan": END, "ngay_bao_cao": date(2024, 5, 30)}, groups=[]))
    f = expect(r, "KH08", S1, "C8")
    assert "sổ nhập từ bảng kết quả" in f.message.lower() and "4 nội dung" in f.message and "C8" in f.hint
    assert found(r, "KH08") == [("KH08", S1, "C8")]
    expect_none(r, "KH01", "KH02", "TT09")                  # one fact, said once


def test_kh08_not_when_part_of_the_plan_is_there(tmp_path):
    items = [("1.1", item(trang_thai="Hoàn thành", ket_qua="Đã sửa chữa 4 phòng học")),
             ("1.2", {"giai_phap": "Nội dung 1.2", "trang_thai": "Đang thực hiện"})]
    r = check(wb_2018(tmp_path, items, {"giai_doan": END, "ngay_bao_cao": date(2024, 5, 30)}))
    expect_none(r, "KH08")
    expect(r, "KH02", S1, "C12")                            # the one item whose plan part is missing


def test_tt11_2018_document_dated_after_tt57(tmp_path):
    info = {"nam_hoc": "2025-2026", "giai_doan": END, "ngay_bao_cao": date(2026, 7, 20)}
    path = filled(tmp_path, "THPT", "2025-2026", data_2018([("1.1", item(thoi_gian="Tháng 10/2025", trang_thai="Hoàn thành",
                                                                          ket_qua="Đã ban hành quyết định kiện toàn"))],
                                                            info))
    f = expect(check(path), "TT11", INFO, "B10")
    assert "18/2018/TT-BGDĐT" in f.message and "57/2026/TT-BGDĐT" in f.message and "07/07/2026" in f.message
    assert "2026-2027" in f.hint
    put(path, INFO, {"B10": datetime(2026, 7, 6)})          # the day before TT57 took effect
    expect_none(check(path), "TT11")


# ---------------------------------------------------------------- MS: kế hoạch mang sang (kdcl nam-sau)

@pytest.fixture(scope="module")
def carried(bases, tmp_path_factory) -> Path:
    """Next year's workbook made by `kdcl nam-sau` from the mid-year 2018 base: the unfinished 1.2 item is carried
    to 2024-2025 (row 12) with its period moved one year, a point to confirm on the "Mang sang" sheet (row 6)."""
    from xlbridge.cli import main
    d = tmp_path_factory.mktemp("carry")
    assert main(["nam-sau", str(bases["mid"]), "-o", str(d / "nam-sau.xlsx")]) == 0
    return d / "nam-sau.xlsx"


def test_ms01_carried_point_not_yet_confirmed(carried, tmp_path):
    r = check(copy(carried, tmp_path))
    f = expect(r, "MS01", S1, "F12")                       # the carried period, on the item's row
    assert "Tháng 10/2024 - tháng 5/2025" in f.message and "H6" in f.hint and "Mang sang" in f.hint
    assert found(r, "MS01") == [("MS01", S1, "F12")]


def test_ms01_cleared_once_confirmed(carried, tmp_path):
    path = put(copy(carried, tmp_path), "Mang sang", {"H6": "đã xem "})   # an accepted spelling of «Đã xác nhận»
    expect_none(check(path), "MS01")


def test_ms01_follows_the_item_when_rows_are_inserted(carried, tmp_path):
    path = edit(copy(carried, tmp_path), lambda wb: wb[S1].insert_rows(9))
    assert found(check(path), "MS01") == [("MS01", S1, "F13")]


# ---------------------------------------------------------------- reader tolerance

def test_rows_inserted_inside_a_block_stay_with_their_criterion(plan18):
    def insert(wb):
        wb[S1].insert_rows(9, 2)                           # two new rows inside 1.1 (column A empty there)
        write(wb[S1], plan_row(10, chu_tri=None))
    edit(plan18, insert)
    r = check(plan18)
    assert [(it.row, it.criterion) for it in r.book.items] == [(8, "1.1"), (10, "1.1"), (14, "1.2")]
    assert found(r) == [("KH01", S1, "E10")]               # no CT02/CT03/CT06; the finding names the new row


def test_rows_inserted_above_the_table_shift_every_cell(plan18):
    def insert(wb):
        wb[S1].insert_rows(2, 3)
        wb[S1]["E11"] = None                               # 1.1's first input row is now 11
    edit(plan18, insert)
    r = check(plan18)
    assert [(it.row, it.criterion) for it in r.book.items] == [(11, "1.1"), (15, "1.2")]
    assert found(r) == [("KH01", S1, "E11")]


def test_rows_inserted_on_thong_tin_move_the_cells_named(plan18):
    def insert(wb):
        wb[INFO].insert_rows(4)
        wb[INFO]["B15"] = None                             # Hiệu trưởng moved from row 14 to 15
    edit(plan18, insert)
    assert found(check(plan18)) == [("TT01", INFO, "B15")]


def test_rows_inserted_in_the_tt57_plan_table(tt57):
    def insert(wb):
        wb[S1].insert_rows(22)
        wb[S1]["J23"] = "MC.1.4"                           # the 1.4 row moved to 23
    edit(tt57, insert)
    r = check(tt57)
    assert [(it.row, it.criterion) for it in r.book.items if it.sheet == S1] == [(21, "1.3"), (23, "1.4")]
    assert found(r) == [("KH07", S1, "J23")]


def test_numbers_and_dates_typed_in_text_cells(plan18):
    put(plan18, S1, {"C8": 3, "E8": 12345, "F8": datetime(2023, 10, 20), "G8": 10_000_000, "H8": 2.5})
    r = check(plan18)
    it = r.book.items[0]
    assert (it.text("target"), it.text("person"), it.text("text")) == ("3", "12345", "2,5")
    assert it.period.start == it.period.end == date(2023, 10, 20)
    assert it.budget.amount == 10_000_000
    assert found(r) == []


def test_trailing_spaces_everywhere(tmp_path):
    info = {"nam_hoc": "2023-2024  ", "cap_hoc": " THPT ", "giai_doan": MID + " ", "ngay_bao_cao": " 15/01/2024 "}
    values = item(giai_phap="Kiện toàn tổ   ", thoi_gian=" Tháng 3/2024 ", trang_thai="Đang thực hiện  ")
    r = check(wb_2018(tmp_path, [("1.1", values)], info))
    assert found(r) == []
    assert r.book.items[0].text("content") == "Kiện toàn tổ"
    assert r.book.info.report_date == date(2024, 1, 15)


def test_blank_rows_are_ignored(plan18):
    put(plan18, S1, {"D9": "   ", "H10": "", "C13": " \n "})
    r = check(plan18)
    assert [(it.row, it.criterion) for it in r.book.items] == [(8, "1.1"), (12, "1.2")]
    assert found(r) == []


def test_da_hoan_thanh_reads_as_hoan_thanh(mid18):
    put(mid18, S1, {"K8": "Đã hoàn thành"})
    r = check(mid18)
    assert r.book.items[0].status.name == "Hoàn thành"
    assert found(r) == [("KQ03", S1, "K8")]
    assert r.summary.total.counts.statuses["Hoàn thành"] == 1


# ---------------------------------------------------------------- the catalogue itself

def test_check_catalogue_passes():
    check_catalogue()
    assert registered_codes() == set(SPECS)
    assert set(SEVERITY.values()) <= {"loi", "canh-bao", "luu-y"}


def _codes_asserted_in_this_file() -> set[str]:
    """Rule codes that reach expect(...) in tests not marked xfail: a literal code, or — when the code is a
    variable — the codes of the test's parametrize list and of the module-level tables it reads."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))

    def consts(node) -> set[str]:
        return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in SPECS}

    tables = {t.id: consts(node.value) for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name)}
    codes: set[str] = set()
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_"):
            continue
        if any("xfail" in ast.unparse(d) for d in fn.decorator_list):
            continue
        indirect = set().union(*(consts(d) for d in fn.decorator_list if "parametrize" in ast.unparse(d)),
                               *(tables.get(n.id, set()) for n in ast.walk(fn) if isinstance(n, ast.Name)))
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "expect" and len(node.args) > 1:
                arg = node.args[1]
                codes |= {arg.value} if isinstance(arg, ast.Constant) else indirect
    return codes


def test_every_rule_code_is_exercised_here():
    missing = set(SPECS) - _codes_asserted_in_this_file()
    assert missing == set(), f"rules of rules.yaml without a test in this file: {sorted(missing)}"


# ---------------------------------------------------------------- Mức đánh giá (levels)

LEVELS = "Mức đánh giá"


def levels_cells(layout, current: dict[str, str] | str, target: dict[str, str] | None = None) -> dict[str, object]:
    """Cells of "Mức đánh giá": `current` a level name for every criterion (capped at each one's highest) or a
    {code: name} map; `target` {code: name}."""
    from xlbridge.core.levels import choices
    ll = layout.levels
    cells: dict[str, object] = {}
    for row, crit in ll.rows:
        options = choices(layout.framework, crit, ("Chưa đạt", "Đạt"))
        if isinstance(current, str):
            if crit.standard:
                cells[f"D{row}"] = current if current in options else options[-1]
        elif crit.code in current:
            cells[f"D{row}"] = current[crit.code]
        if target and crit.code in target:
            cells[f"E{row}"] = target[target and crit.code]
    return cells


def test_levels_sheet_rows_used_below():
    ll = L18.levels
    assert ll.sheet == LEVELS and ll.row_of("1.1") == 5 and ll.row_of("1.3") == 7 and (ll.current_col, ll.target_col) == (4, 5)
    assert L57.levels.row_of("1.1") == 5


def test_level_not_in_the_list(plan18):
    r = check(put(plan18, LEVELS, {"D5": "Mức 5", "E5": "mức 3", "D6": "2"}))
    expect(r, "LV04", LEVELS, "D5")
    assert at(r, LEVELS, "E5") == set() and at(r, LEVELS, "D6") == set()     # any case, or a bare number


def test_some_levels_missing(plan18):
    r = check(put(plan18, LEVELS, {"D5": "Mức 2"}))
    f = expect(r, "LV05", LEVELS, "D6")
    assert "27 tiêu chí" in f.message          # the 28 criteria of TT18; the Mức 4 list only once it is assessed


def test_target_without_items_and_items_at_maximum(plan18):
    cells = levels_cells(L18, "Mức 2", {"1.3": "Mức 3"}) | {"D5": "Mức 3"}
    r = check(put(plan18, LEVELS, cells))
    expect(r, "LV01", LEVELS, "E7")                    # 1.3 aims at Mức 3, no item for it
    expect(r, "LV02", S1, "C8")                        # 1.1 already at Mức 3 with an item "Đạt mức 3"
    expect_none(r, "LV04", "LV05")
    assert not [f for f in r.findings if f.rule == "LV02" and f.cell == "C12"]   # 1.2: "Duy trì mức 2"


def test_blocking_criteria_left_out(plan18):
    r = check(put(plan18, LEVELS, levels_cells(L18, "Mức 2", {"1.1": "Mức 3"})))
    f = expect(r, "LV03", LEVELS, "D7")               # 1.3 is the first criterion below Mức 3 without an item
    assert "Mức 2" in f.message and "Mức 3" in f.message and "1.1" not in f.message.split("chưa có nội dung cho")[1]
    assert r.to_dict()["level"]["current"] == 2 and r.to_dict()["level"]["chuan_quoc_gia"] == 1
    # a school that sets no higher target is maintaining its level: nothing to say
    r = check(put(plan18, LEVELS, levels_cells(L18, "Mức 2") | {"E5": None}))
    expect_none(r, "LV03", "LV01")


def test_blocking_quota_tt57(tt57):
    """Mức 1 now; Mức 2 needs one more of the other criteria at Mức 2 (the base plan has items for 3.3 and 3.5)."""
    mandatory = {c: "Mức 2" for c in ("1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2")}
    others = {"1.1": "Mức 2", "2.3": "Mức 2", "3.3": "Mức 2", "3.5": "Mức 2", "1.2": "Mức 1", "3.4": "Mức 1", "4.3": "Mức 1"}
    r = check(put(tt57, LEVELS, levels_cells(L57, others | mandatory, {"3.4": "Mức 2"})))
    level = r.to_dict()["level"]
    assert (level["current"], level["next"], level["gap"], level["planned"]) == (1, 2, 1, 1)
    expect(r, "LV01", LEVELS, f"E{L57.levels.row_of('3.4')}")
    f = expect(r, "LV03", LEVELS, f"D{L57.levels.row_of('1.2')}")
    assert "1 trong các tiêu chí 1.2, 3.4, 4.3" in f.message
    # with 3.3 as one of the candidates, its item covers the quota: nothing blocks unplanned
    others |= {"3.3": "Mức 1", "1.2": "Mức 2"}
    cleared = {f"E{L57.levels.row_of('3.4')}": None}
    r = check(put(tt57, LEVELS, levels_cells(L57, others | mandatory, {"3.3": "Mức 2"}) | cleared))
    expect_none(r, "LV03", "LV01")
    assert r.to_dict()["level"]["planned"] == 2

"""LibreOffice recalculates the "Tổng hợp" formulas; they must agree with the Python summary.

XlsxWriter writes formulas without results, so every workbook is converted (in one soffice run) by
`lo.convert` with a profile that forces recalculation, then read back with `data_only=True`.
The one known difference, a status cell holding a non-canonical value (an alias), is not tested here.
Skipped, through the `soffice` fixture, where LibreOffice is not installed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import TODAY, seed_workbook, sheet_records, template, tt57_workbook
from lo import LibreOfficeError, convert, recalculate

from xlbridge.check import check_file
from xlbridge.data.vocab import vocab
from xlbridge.layout import SUMMARY_HEADER_ROW, Layout, config

SUMMARY = config().sheets["summary"]
STATUSES = vocab().status_names()
FORMULA_COLUMNS = ["Số nội dung", *STATUSES, "Chưa cập nhật trạng thái", "Tỉ lệ hoàn thành"]
SEEDS = ["ket-qua-thpt", "ke-hoach-th-thcs", "tien-do-tieu-hoc"]
TT57 = ["pho-thong", "mam-non", "gdtx"]
HT, DTH, CTD, CTK, KTH = STATUSES     # Hoàn thành, Đang thực hiện, Chậm tiến độ, Chưa triển khai, Không thực hiện


# ------------------------------------------------------------------------------ workbooks to recalculate


def _fill(tmp: Path, name: str, cap_hoc: str, nam_hoc: str, rows: dict[str, list[dict[str, object]]]) -> Path:
    """A template with plan rows typed in directly: {sheet name: [{column key: value}]} from the table's top."""
    src, layout = template(tmp, cap_hoc, nam_hoc)
    wb = openpyxl.load_workbook(src)
    for sheet, entries in rows.items():
        table = layout.sheet(sheet).table("plan")
        free = [r for b in table.criteria for r in b.item_rows] or list(range(table.first_row, table.last_row + 1))
        for row, values in zip(free, entries, strict=False):
            for key, value in values.items():
                wb[sheet].cell(row, table.by_key(key).index).value = value
    dst = tmp / f"{name}.xlsx"
    wb.save(dst)
    return dst


def edge_2018(tmp: Path) -> Path:
    """Ke-hoach + ket-qua columns: items with content only in a late column, numbers, padded statuses."""
    return _fill(tmp, "edge-2018", "THCS", "2024-2025", {
        "Tiêu chuẩn 1": [
            {"giai_phap": "Kiện toàn tổ chuyên môn", "trang_thai": HT, "ket_qua": "Đã kiện toàn"},
            {"ghi_chu_kq": "chỉ có ghi chú"},                       # an item without status
            {"kinh_phi": 5000000},                                 # a number is content too
            {"giai_phap": "   "},                                  # spaces only: not an item
            {"giai_phap": "Bồi dưỡng", "trang_thai": f"  {DTH} "},  # padded canonical status
            {"giai_phap": "Mua sắm", "trang_thai": KTH, "ly_do": "Không có kinh phí"},
        ],
        "Tiêu chuẩn 2": [{"giai_phap": "Hủy bỏ", "trang_thai": KTH, "ly_do": "Trùng"}],   # base 0: no percentage
        "Mức 4": [{"trang_thai": CTD}],                                                   # status only
    })


def edge_tt57(tmp: Path) -> Path:
    """Two reviews: the latest review with a status decides; issues rows are not plan items."""
    path = _fill(tmp, "edge-tt57", "THCS", "2026-2027", {
        "Tiêu chuẩn 1": [
            {"noi_dung": "A", "rs1_muc_do": CTD, "rs1_ly_do": "Thiếu người", "rs2_muc_do": HT},
            {"noi_dung": "B", "rs1_muc_do": HT},
            {"noi_dung": "C", "rs2_muc_do": DTH},
            {"noi_dung": "D", "rs1_muc_do": DTH, "rs2_muc_do": KTH, "rs2_ly_do": "Bỏ"},
            {"rs1_ly_do": "chỉ có lý do"},
            {"noi_dung": "E", "rs1_muc_do": CTK, "rs1_ly_do": "Chưa đến hạn"},
        ],
        "Tiêu chuẩn 2": [{"noi_dung": "F", "rs1_muc_do": KTH, "rs1_ly_do": "Bỏ"},
                         {"noi_dung": "G", "rs2_muc_do": KTH, "rs2_ly_do": "Bỏ"}],
    })
    _, layout = template(tmp, "THCS", "2026-2027")
    issues = layout.sheet("Tiêu chuẩn 3").table("issues")
    wb = openpyxl.load_workbook(path)
    wb["Tiêu chuẩn 3"].cell(issues.first_row, issues.by_key("hien_trang").index).value = "Một vấn đề, không phải nội dung"
    wb.save(path)
    return path


def whitespace(tmp: Path) -> Path:
    """Cells holding only a non-breaking space, a line break or a tab (pasted from Word, Alt+Enter)."""
    return _fill(tmp, "whitespace", "THCS", "2026-2027", {
        "Tiêu chuẩn 1": [{"noi_dung": "\u00a0"}, {"noi_dung": "\n"}, {"thoi_gian": "\t"}],
    })


BUILDERS: dict[str, Callable[[Path], Path]] = {
    **{n: (lambda tmp, n=n: seed_workbook(tmp, n)) for n in SEEDS},
    **{n: (lambda tmp, n=n: tt57_workbook(tmp, n)) for n in TT57},
    "edge-2018": edge_2018, "edge-tt57": edge_tt57, "whitespace": whitespace,
}


@pytest.fixture(scope="module")
def _runs() -> dict:
    return {}


@pytest.fixture
def recalculated(soffice, tmp_path_factory, _runs) -> dict[str, tuple[Path, Path]]:
    """{name: (original, recalculated copy)} for every workbook above, converted in a single soffice run."""
    if "books" not in _runs:
        src = tmp_path_factory.mktemp("recalc-src")
        books = {name: build(src) for name, build in BUILDERS.items()}
        try:
            outs = convert(list(books.values()), tmp_path_factory.mktemp("recalc-out"), exe=soffice)
        except LibreOfficeError as exc:
            _runs["books"] = exc
        else:
            _runs["books"] = {n: (s, o) for (n, s), o in zip(books.items(), outs, strict=True)}
    if isinstance(_runs["books"], Exception):
        raise _runs["books"]
    return _runs["books"]


# ------------------------------------------------------------------------------------------ comparison


def sheet_summary(path: Path) -> list[dict[str, object]]:
    """Rows of the recalculated "Tổng hợp", as {header: value}, down to "Tổng cộng"."""
    ws = openpyxl.load_workbook(path, data_only=True)[SUMMARY]
    headers = [c.value for c in ws[SUMMARY_HEADER_ROW]]
    out = []
    for row in ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True):
        out.append(dict(zip(headers, row, strict=False)))
        if row[0] == "Tổng cộng":
            return out
    raise AssertionError(f"{path.name}: no 'Tổng cộng' row")


def python_summary(path: Path) -> list[dict[str, object]]:
    return sheet_records(check_file(path, TODAY).summary)


def assert_same(original: Path, converted: Path) -> list[dict[str, object]]:
    expected, got = python_summary(original), sheet_summary(converted)
    assert [r["Tiêu chuẩn"] for r in got] == [r["Tiêu chuẩn"] for r in expected]
    for want, have in zip(expected, got, strict=True):
        where = f"{original.name} / {want['Tiêu chuẩn']}"
        for col in FORMULA_COLUMNS[:-1]:
            value = have[col]
            assert isinstance(value, int | float) and not isinstance(value, bool), (where, col, value)
            assert value == want[col], (where, col)
        pct, value = want["Tỉ lệ hoàn thành"], have["Tỉ lệ hoàn thành"]
        if math.isnan(pct):
            assert value in (None, ""), (where, value)
        else:
            assert value == pytest.approx(pct, abs=1e-9), where
    return expected


def by_sheet(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {r["Tiêu chuẩn"]: r for r in rows}


# --------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", SEEDS + TT57)
def test_summary_formulas_match_python(recalculated, name):
    original, converted = recalculated[name]
    rows = assert_same(original, converted)
    assert rows[-1]["Số nội dung"] > 0        # real counts, not XlsxWriter's cached zeros


def test_edge_cases_2018(recalculated):
    rows = by_sheet(assert_same(*recalculated["edge-2018"]))
    t1 = rows["Tiêu chuẩn 1"]
    assert (t1["Số nội dung"], t1[HT], t1[DTH], t1[KTH], t1["Chưa cập nhật trạng thái"]) == (5, 1, 1, 1, 2)
    assert t1["Tỉ lệ hoàn thành"] == pytest.approx(1 / 4)
    t2 = rows["Tiêu chuẩn 2"]
    assert t2["Số nội dung"] == 1 and t2[KTH] == 1 and math.isnan(t2["Tỉ lệ hoàn thành"])
    assert math.isnan(rows["Tiêu chuẩn 3"]["Tỉ lệ hoàn thành"])
    assert rows["Mức 4"]["Số nội dung"] == 1 and rows["Mức 4"][CTD] == 1
    assert rows["Tổng cộng"]["Số nội dung"] == 7


def test_edge_cases_tt57_latest_review_wins(recalculated):
    rows = by_sheet(assert_same(*recalculated["edge-tt57"]))
    t1 = rows["Tiêu chuẩn 1"]
    assert (t1["Số nội dung"], t1[HT], t1[DTH], t1[CTD], t1[CTK], t1[KTH], t1["Chưa cập nhật trạng thái"]) == \
        (6, 2, 1, 0, 1, 1, 1)
    assert t1["Tỉ lệ hoàn thành"] == pytest.approx(2 / 5)
    assert rows["Tiêu chuẩn 2"][KTH] == 2 and math.isnan(rows["Tiêu chuẩn 2"]["Tỉ lệ hoàn thành"])
    assert rows["Tiêu chuẩn 3"]["Số nội dung"] == 0          # the issues table holds no plan items


def test_whitespace_only_cells_are_not_items(recalculated):
    assert by_sheet(python_summary(recalculated["whitespace"][0]))["Tiêu chuẩn 1"]["Số nội dung"] == 0
    assert_same(*recalculated["whitespace"])


def test_recalculate_computes_formulas(soffice, tmp_path):
    """The helper really recalculates: XlsxWriter caches 0 for every formula."""
    src = tmp_path / "src" / "f.xlsx"
    src.parent.mkdir()
    wb = xlsxwriter.Workbook(src)
    data, calc = wb.add_worksheet("Dữ liệu"), wb.add_worksheet("Tính")
    data.write_column(0, 0, [6, "  ", "x"])
    data.write_column(0, 1, [7, None, " "])
    wb.define_name("so_a", "='Dữ liệu'!$A$1")
    calc.write_formula(0, 0, "=so_a*'Dữ liệu'!B1")
    calc.write_formula(1, 0, "=SUMPRODUCT(--(LEN(TRIM('Dữ liệu'!$A$1:$A$3&'Dữ liệu'!$B$1:$B$3))>0))")
    calc.write_formula(2, 0, '=IF(0=0,"",1)')
    wb.close()
    out = recalculate(src, tmp_path / "out")
    assert out.parent == tmp_path / "out" and out.suffix == ".xlsx"
    values = [r[0] for r in openpyxl.load_workbook(out, data_only=True)["Tính"].iter_rows(values_only=True)]
    assert values[:2] == [42, 2] and values[2] in (None, "")


def test_convert_refuses_to_overwrite_sources(tmp_path):
    a = tmp_path / "a.xlsx"
    with pytest.raises(ValueError, match="out_dir"):
        convert([a], tmp_path, exe="soffice")
    with pytest.raises(ValueError, match="differ"):
        convert([a, tmp_path / "x" / "a.xlsx"], tmp_path / "out", exe="soffice")


def test_convert_times_out_cleanly(soffice, tmp_path):
    src, _ = template(tmp_path, "THCS", "2026-2027")
    with pytest.raises(LibreOfficeError, match="did not finish"):
        convert([src], tmp_path / "out", exe=soffice, timeout=0.2)


PDF_KINDS = [("THPT", "2023-2024", None), ("Tiểu học", "2023-2024", None), ("Mầm non", "2024-2025", None),
             ("THCS", "2026-2027", None), ("Mầm non", "2026-2027", None), ("GDTX", "2026-2027", None),
             ("Tiểu học", "2023-2024", "tien-do-tien-giang")]


def test_templates_convert_to_pdf(soffice, tmp_path):
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    sources: list[tuple[Path, Layout]] = []
    for i, (cap_hoc, nam_hoc, mau) in enumerate(PDF_KINDS):
        path, layout = template(tmp_path, cap_hoc, nam_hoc, mau)
        sources.append((path.rename(src_dir / f"mau-{i}-{layout.framework.id}.xlsx"), layout))
    pdfs = convert([p for p, _ in sources], tmp_path / "pdf", "pdf", exe=soffice)
    assert {layout.framework.id for _, layout in sources} == {
        "tt17-2018-tieu-hoc", "tt18-2018-trung-hoc", "tt19-2018-mam-non",
        "tt57-2026-pho-thong", "tt57-2026-mam-non", "tt57-2026-gdtx"}
    for (src, _), pdf in zip(sources, pdfs, strict=True):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], pdf.name
        visible = [ws for ws in openpyxl.load_workbook(src, read_only=True).worksheets if ws.sheet_state == "visible"]
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        assert pages >= len(visible), (pdf.name, pages)

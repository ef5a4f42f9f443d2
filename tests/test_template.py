"""The generated template, re-opened with openpyxl: sheets, metadata, protection, locked/unlocked cells,
criteria, data validations, conditional formats, print setup, fonts, the "Tổng hợp" formulas,
determinism and the atomic, no-overwrite write.

Expectations are read straight from the data files (YAML) rather than through kdcl's own loaders,
so that a loader bug cannot hide a template bug.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import template
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.protection import hash_password

from xlbridge.cli import main
from xlbridge.data.catalog import choose_framework
from xlbridge.layout import SUMMARY_HEADER_ROW, Layout, SheetLayout, Table, build_layout
from xlbridge.template import builder
from xlbridge.template.builder import TemplateSpec, build_template

DATA = Path(__file__).resolve().parents[1] / "workbook_templates"
WORKBOOK = yaml.safe_load((DATA / "workbook.yaml").read_text(encoding="utf-8"))
SHEETS = WORKBOOK["sheets"]
UNVERIFIED = WORKBOOK["labels"]["unverified"]
FONT = WORKBOOK["font"]
_KNOWN = ("guide", "info", "levels", "standard", "level4", "summary", "check", "meta")
EXTRA = [v for k, v in SHEETS.items() if k not in _KNOWN]      # further output sheets (e.g. "Báo cáo")
UNPROTECTED = {SHEETS["check"], SHEETS.get("report")} - {None}    # written by kdcl, left editable


def _load(*parts: str) -> dict:
    return yaml.safe_load(DATA.joinpath(*parts).read_text(encoding="utf-8"))


STATUSES = [s["name"] for s in _load("vocab", "statuses.yaml")["statuses"]]
PHASES = [p["name"] for p in _load("vocab", "phases.yaml")["phases"]]
CAP_HOC = [c["name"] for c in _load("vocab", "cap-hoc.yaml")["cap_hoc"]]


@cache
def framework_yaml(fid: str) -> dict:
    for path in sorted((DATA / "frameworks").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["id"] == fid:
            return data
    raise LookupError(fid)


@dataclass(frozen=True)
class Kind:
    id: str
    cap_hoc: str
    nam_hoc: str
    framework: str
    mau: str | None = None
    thong_tu: str | None = None

    @property
    def tt57(self) -> bool:
        return self.framework.startswith("tt57")


KINDS = [
    Kind("thpt-18", "THPT", "2023-2024", "tt18-2018-trung-hoc"),
    Kind("tieu-hoc-17", "Tiểu học", "2023-2024", "tt17-2018-tieu-hoc"),
    Kind("mam-non-19", "Mầm non", "2024-2025", "tt19-2018-mam-non"),
    Kind("thcs-57", "THCS", "2026-2027", "tt57-2026-pho-thong"),
    Kind("mam-non-57", "Mầm non", "2026-2027", "tt57-2026-mam-non"),
    Kind("gdtx-57", "GDTX", "2026-2027", "tt57-2026-gdtx"),
    Kind("tieu-hoc-override-57", "Tiểu học", "2023-2024", "tt57-2026-pho-thong", thong_tu="57/2026"),
    Kind("tien-giang", "Tiểu học", "2023-2024", "tt17-2018-tieu-hoc", mau="tien-do-tien-giang"),
]
KIND_IDS = [k.id for k in KINDS]
K2018 = [k for k in KINDS if not k.tt57]
K57 = [k for k in KINDS if k.tt57]


@dataclass
class Built:
    kind: Kind
    path: Path
    layout: Layout
    wb: openpyxl.Workbook
    fw: dict                        # the framework's YAML

    def standard_sheets(self) -> list[tuple[SheetLayout, object]]:
        return [(sl, self.wb[sl.name]) for sl in self.layout.sheets]


@pytest.fixture(scope="module", params=KINDS, ids=KIND_IDS)
def built(request, tmp_path_factory) -> Built:
    kind: Kind = request.param
    path, layout = template(tmp_path_factory.mktemp(kind.id), kind.cap_hoc, kind.nam_hoc, kind.mau, kind.thong_tu)
    return Built(kind, path, layout, openpyxl.load_workbook(path), framework_yaml(kind.framework))


def only(kinds: list[Kind]):
    """Parametrize `built` over a subset of the kinds (indirect, same module-scoped builds)."""
    return pytest.mark.parametrize("built", kinds, ids=[k.id for k in kinds], indirect=True)


def meta_of(wb) -> dict[str, object]:
    ws = wb[SHEETS["meta"]]
    out = {}
    for a, b in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if a is None:
            break
        out[a] = b
    return out


def expected_label(code: str, title: str, verified: bool) -> str:
    name = f"Tiêu chí {code[3:]} (Mức 4)" if code.startswith("M4.") else f"Tiêu chí {code}"
    return f"{name}: {title}" + ("" if verified else f" {UNVERIFIED}")


def item_rows(table: Table) -> list[int]:
    if table.criteria:
        return [r for b in table.criteria for r in b.item_rows]
    return list(range(table.first_row, table.last_row + 1))


def cells(letter: str, rows: list[int]) -> list[str]:
    return [f"{letter}{r}" for r in rows]


def validations_over(ws, letter: str, rows: list[int]) -> list:
    return [dv for dv in ws.data_validations.dataValidation if all(c in dv.sqref for c in cells(letter, rows))]


def list_items(dv, wb=None) -> list[str]:
    """The dropdown entries: an inline list as Excel splits it (at every comma), or the cells of a range."""
    f = dv.formula1
    if wb is not None and "!" in f and not f.startswith('"'):
        sheet, ref = f.lstrip("=").rsplit("!", 1)
        ws = wb[sheet.strip("'")]
        return [str(row[0].value) for row in ws[ref.replace("$", "")]]
    assert f.startswith('"') and f.endswith('"'), f
    return f[1:-1].split(",")


# ---------------------------------------------------------------------------------------------- sheets


def test_sheet_names_and_order(built):
    fw = built.fw
    expected = [SHEETS["guide"], SHEETS["info"]]
    expected += [SHEETS["levels"]] if fw.get("level_rule") else []
    expected += [SHEETS["standard"].format(n=s["number"]) for s in fw["standards"]]
    expected += [SHEETS["level4"]] if fw.get("level4") else []
    expected += [SHEETS["summary"], SHEETS["check"], *EXTRA, SHEETS["meta"]]
    assert built.wb.sheetnames == expected
    states = {ws.title: ws.sheet_state for ws in built.wb}
    assert states.pop(SHEETS["meta"]) == "veryHidden"
    assert set(states.values()) == {"visible"}


def test_thpt_has_five_standards_and_level4():
    kind = KINDS[0]
    fw = choose_framework(kind.cap_hoc, int(kind.nam_hoc[:4]))
    assert fw.id == "tt18-2018-trung-hoc" and len(fw.standards) == 5 and fw.level4


def test_meta_sheet(built):
    ws = built.wb[SHEETS["meta"]]
    assert ws.sheet_state == "veryHidden"
    assert ws.protection.sheet is True
    meta = meta_of(built.wb)
    assert meta["template_id"] == WORKBOOK["template_id"]
    assert meta["template_version"] == WORKBOOK["version"]
    assert meta["framework"] == built.kind.framework
    assert meta["circular"] == built.fw["circular"]["number"]
    assert meta["cap_hoc"] == built.kind.cap_hoc
    assert meta["nam_hoc"] == built.kind.nam_hoc
    assert meta["plan_form"] == (built.kind.mau or built.fw["forms"]["plan"])
    assert meta["sheets"] == "|".join(sl.name for sl in built.layout.sheets)


@pytest.mark.parametrize("cap_hoc, nam_hoc, framework", [
    ("THCS", "2025-2026", "tt18-2018-trung-hoc"),
    ("THCS", "2026-2027", "tt57-2026-pho-thong"),
    ("Tiểu học", "2025-2026", "tt17-2018-tieu-hoc"),
    ("Tiểu học", "2026-2027", "tt57-2026-pho-thong"),
    ("Mầm non", "2025-2026", "tt19-2018-mam-non"),
    ("Mầm non", "2026-2027", "tt57-2026-mam-non"),
    ("GDTX", "2027-2028", "tt57-2026-gdtx"),
])
def test_framework_chosen_by_school_year(tmp_path, cap_hoc, nam_hoc, framework):
    path, layout = template(tmp_path, cap_hoc, nam_hoc)
    assert layout.framework.id == framework
    assert meta_of(openpyxl.load_workbook(path, read_only=True))["framework"] == framework


def test_guide_names_the_circular_and_year(built):
    ws = built.wb[SHEETS["guide"]]
    text = "\n".join(str(v) for (v,) in ws.iter_rows(max_col=1, values_only=True) if v)
    assert f"Thông tư {built.fw['circular']['number']}" in text
    assert built.kind.nam_hoc in text and built.kind.cap_hoc in text and built.kind.framework in text
    assert not re.search(r"\{[a-z_]+\}", text), "a placeholder was left unformatted"


# ------------------------------------------------------------------------------------------ protection


def test_protection(built):
    for ws in built.wb:
        p = ws.protection
        if ws.title in UNPROTECTED:
            assert not p.sheet, f"{ws.title} is written by kdcl and must stay unprotected"
            continue
        assert p.sheet, ws.title
        assert p.password == hash_password(WORKBOOK["protection_password"]), ws.title
        # In OOXML an option set to 1 means "locked"; 0 means users may do it.
        assert (p.formatCells, p.formatRows, p.formatColumns) == (False, False, False), ws.title
        assert p.deleteColumns is True and p.insertColumns is True, ws.title
        if ws.title in (SHEETS["summary"], SHEETS["levels"]):
            assert p.insertRows is True and p.deleteRows is True   # fixed positions: kdcl writes its outputs by row
        else:                                  # rows whose cells are all unlocked (item rows) may be deleted
            assert p.insertRows is False and p.deleteRows is False, ws.title


def test_info_cells_locked_and_unlocked(built):
    ws, il = built.wb[SHEETS["info"]], built.layout.info
    for key, row in il.field_rows.items():
        assert ws.cell(row, 1).protection.locked is True, key
        assert ws.cell(row, 2).protection.locked is False, key
    values = {k: ws.cell(r, 2).value for k, r in il.field_rows.items()}
    assert values["cap_hoc"] == built.kind.cap_hoc and values["nam_hoc"] == built.kind.nam_hoc
    assert values["giai_doan"] == PHASES[0]
    std_labels = [f"Tiêu chuẩn {s['number']}" for s in built.fw["standards"]]
    for key, (title, header, first) in il.list_rows.items():
        n = il.list_sizes[key]
        assert ws.cell(title, 1).protection.locked and ws.cell(header, 1).protection.locked
        for r in range(first, first + n):
            assert ws.cell(r, 1).value == r - first + 1 and ws.cell(r, 1).protection.locked
        if key == "nhom_cong_tac":
            assert n == len(std_labels)
            assert [ws.cell(r, 2).value for r in range(first, first + n)] == std_labels
            assert all(ws.cell(r, 2).protection.locked for r in range(first, first + n))
            assert all(ws.cell(r, 3).protection.locked is False for r in range(first, first + n))
        else:
            assert all(ws.cell(r, 2).protection.locked is False for r in range(first, first + n))


def test_standard_sheet_cells_locked_and_unlocked(built):
    for sl, ws in built.standard_sheets():
        assert ws.cell(3, 1).protection.locked is False            # the check status line, written by kdcl
        for table in sl.tables:
            inputs = table.inputs()
            for p in table.columns:
                assert ws.cell(table.header_row, p.index).protection.locked is True, (sl.name, p.header)
            for r in item_rows(table):
                for p in inputs:
                    assert ws.cell(r, p.index).protection.locked is False, (sl.name, f"{p.letter}{r}")
                for p in table.columns:       # the whole item row is unlocked, so a row can be deleted
                    assert ws.cell(r, p.index).protection.locked is False, (sl.name, f"{p.letter}{r}")
                assert ws.row_dimensions[r].customFormat, (sl.name, r)   # a row style: unlocked beyond the table
            for block in table.criteria:     # criterion rows: code and title locked; the band beside the title
                r = block.header_row          # unlocked, for the row a user inserts below (tests/test_uno_edits.py)
                assert ws.cell(r, 1).protection.locked is True and ws.cell(r, 2).protection.locked is True
                for p in table.columns:
                    c = ws.cell(r, p.index)
                    if p.index > 2 and c.coordinate not in ws.merged_cells:   # (openpyxl hides merged cells' styles)
                        assert c.protection.locked is False, (sl.name, c.coordinate)


# -------------------------------------------------------------------------------------------- criteria


@only(K2018)
def test_2018_sheets_list_every_criterion(built):
    fw = built.fw
    groups = [(SHEETS["standard"].format(n=s["number"]), s["criteria"]) for s in fw["standards"]]
    if fw.get("level4"):
        groups.append((SHEETS["level4"], fw["level4"]))
    for name, criteria in groups:
        ws = built.wb[name]
        found = [(a, b) for a, b in ws.iter_rows(min_row=1, max_col=2, values_only=True)
                 if isinstance(b, str) and b.startswith("Tiêu chí ")]
        expected = [(c["code"], expected_label(c["code"], c["title"], c.get("verified", False) is True)) for c in criteria]
        assert found == expected, name
        per = WORKBOOK["rows"]["per_criterion"]
        sl = built.layout.sheet(name)
        blocks = sl.table("plan").criteria
        assert [b.criterion.code for b in blocks] == [c["code"] for c in criteria]
        for b in blocks:                       # below each header row: `per` input rows carrying the code
            assert len(b.item_rows) == per
            assert [ws.cell(r, 1).value for r in b.item_rows] == [b.criterion.code] * per


@only(K2018)
def test_2018_unverified_marks_match_framework_file(built):
    fw = built.fw
    crits = [c for s in fw["standards"] for c in s["criteria"]] + list(fw.get("level4") or [])
    unverified = sum(1 for c in crits if c.get("verified") is not True)
    marked = sum(1 for ws in built.wb for (b,) in ws.iter_rows(max_col=2, min_col=2, values_only=True)
                 if isinstance(b, str) and b.startswith("Tiêu chí ") and b.endswith(UNVERIFIED))
    assert unverified > 0 and marked == unverified


def reference_list(ws) -> list[tuple]:
    """Rows of the reference block: from the row after its header ("Mã") down to the first blank A cell."""
    rows = list(ws.iter_rows(min_row=1, max_col=5, values_only=True))
    label = WORKBOOK["labels"]["reference"]
    start = next(i for i, r in enumerate(rows) if r[0] == label)
    assert list(rows[start + 1]) == WORKBOOK["labels"]["reference_header"]
    out = []
    for r in rows[start + 2:]:
        if r[0] in (None, ""):
            break
        out.append(r)
    return out


@only(K57)
def test_tt57_sheets_list_every_criterion(built):
    for std in built.fw["standards"]:
        ws = built.wb[SHEETS["standard"].format(n=std["number"])]
        assert ws.cell(1, 1).value == f"TIÊU CHUẨN {std['number']}: {std['title'].upper()}"
        found = reference_list(ws)
        expected = [(c["code"], c["title"] + ("" if c.get("verified") is True else f" {UNVERIFIED}"),
                     "Bắt buộc" if c.get("mandatory") else "", c.get("muc1") or "", c.get("muc2") or "")
                    for c in std["criteria"]]
        got = [tuple("" if v is None else v for v in r) for r in found]
        assert got == expected, ws.title


@only(K57[:1])
def test_tt57_reference_rows_match_layout(built):
    for sl, ws in built.standard_sheets():
        for row, crit in sl.reference_rows:
            assert ws.cell(row, 1).value == crit.code, (sl.name, row)


# ---------------------------------------------------------------------------------- data validations


def test_status_columns_have_the_five_statuses(built):
    assert len(STATUSES) == 5
    seen = 0
    for sl, ws in built.standard_sheets():
        for table in sl.tables:
            rows = item_rows(table)
            for p in table.inputs():
                if p.column.role != "status":
                    continue
                dvs = [dv for dv in validations_over(ws, p.letter, rows) if dv.type == "list"]
                assert len(dvs) == 1, (sl.name, p.letter)
                assert list_items(dvs[0]) == STATUSES
                assert dvs[0].showErrorMessage and dvs[0].errorStyle in (None, "stop")
                seen += 1
    if built.kind.mau == "tien-do-tien-giang":
        assert seen == 0                   # the province form has no status column
    else:
        reviews = 2 if built.kind.tt57 else 1
        assert seen == reviews * len(built.layout.sheets)


@only(K57)
def test_tt57_criterion_columns_list_the_standards_codes(built):
    for sl, ws in built.standard_sheets():
        std = next(s for s in built.fw["standards"] if s["number"] == sl.standard)
        codes = [c["code"] for c in std["criteria"]]
        tables = {t.key: t for t in sl.tables}
        assert set(tables) == {"issues", "plan"}
        for table in tables.values():
            p = next(p for p in table.inputs() if p.column.role == "criterion")
            dvs = [dv for dv in validations_over(ws, p.letter, item_rows(table)) if dv.type == "list"]
            assert len(dvs) == 1 and list_items(dvs[0]) == codes, (sl.name, table.key)


def test_list_sources_fit_excel_limit(built):
    for ws in built.wb:
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list":
                assert len(dv.formula1) - 2 <= 255, (ws.title, dv.sqref)


def _info_dv(built, key: str, type_: str):
    ws, row = built.wb[SHEETS["info"]], built.layout.info.field_rows[key]
    dvs = [dv for dv in validations_over(ws, "B", [row]) if dv.type == type_]
    assert len(dvs) == 1, key
    return dvs[0]


def test_info_validations(built):
    ws, rows = built.wb[SHEETS["info"]], built.layout.info.field_rows
    assert ws.cell(rows["cap_hoc"], 1).value.startswith("Cấp học")
    assert list_items(_info_dv(built, "cap_hoc", "list")) == CAP_HOC
    assert ws.cell(rows["ngay_bao_cao"], 1).value.startswith("Ngày báo cáo")
    date_dv = _info_dv(built, "ngay_bao_cao", "date")
    assert date_dv.operator == "greaterThan" and date_dv.prompt and date_dv.error
    phase_dv = _info_dv(built, "giai_doan", "list")
    assert phase_dv.prompt and phase_dv.showInputMessage


@only(KINDS[:1])          # every template shares the Thông tin sheet
def test_phase_dropdown_offers_each_phase_whole(built):
    """Phase names contain commas: the list comes from cells of _kdcl, not an inline string."""
    assert list_items(_info_dv(built, "giai_doan", "list"), built.wb) == PHASES


def _prompt_columns(built) -> list[tuple[SheetLayout, object, Table, object]]:
    out = []
    for sl, ws in built.standard_sheets():
        table = sl.table("plan")
        for p in table.inputs():
            if p.column.role in ("period", "money"):
                out.append((sl, ws, table, p))
    return out


def test_period_and_money_columns_have_input_messages(built):
    cols = _prompt_columns(built)
    assert cols
    for sl, ws, table, p in cols:
        dvs = [dv for dv in validations_over(ws, p.letter, item_rows(table)) if dv.prompt]
        assert dvs and dvs[0].showInputMessage and dvs[0].promptTitle, (sl.name, p.column.key)


# ------------------------------------------------------------------------------- conditional formats


def test_required_columns_have_conditional_formats(built):
    """Every required input column is shaded, in the "missing" colour, by the very expression the live count of
    its rule sums (KH01 for plan columns, KQ01 for statuses, KQ04/KQ05 for reasons and results), so the shading
    agrees with `kiem-tra` at every Giai đoạn; no optional column is shaded; the cell rules use the error colour."""
    from xlbridge.template.live_checks import live_checks
    colors = WORKBOOK["colors"]
    checks = live_checks(built.layout)
    for sl, ws in built.standard_sheets():
        rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
        fills = {(sq, rule.formula[0].replace("_xlfn.", "")): rule.dxf.fill.bgColor.rgb[-6:] for sq, rule in rules}
        mine = [c for c in checks if c.sheet == sl.name and c.flag]
        assert len(fills) == len(mine), sl.name
        for c in mine:
            key = (f"{c.flag}{c.first_row}:{c.flag}{c.last_row}", c.cell_formula()[1:])
            assert fills.get(key) == colors[c.mark], (sl.name, c.rule, key[0])
        for table in sl.tables:
            shaded = {c.flag for c in mine if c.mark == "missing" and c.first_row == table.first_row}
            for p in table.inputs():
                col = p.column
                assert (p.letter in shaded) == bool(col.required or col.required_if_status), (sl.name, col.key)
        assert {c.rule for c in mine if c.mark == "missing"} >= {"KH01"}, sl.name


# ------------------------------------------------------------------------- view, print setup and fonts


def test_freeze_panes(built):
    assert built.wb[SHEETS["info"]].freeze_panes == "A3"
    assert built.wb[SHEETS["check"]].freeze_panes is not None
    for sl, ws in built.standard_sheets():
        plan = sl.table("plan")
        if built.kind.tt57:           # several tables on one sheet: title lines and the TT/content columns
            assert ws.freeze_panes == "C5", sl.name
        else:                         # headers and the code/criterion columns stay in view
            assert ws.freeze_panes == f"C{plan.header_row + 1}", sl.name


def test_print_setup(built):
    """A4, a fixed scale that keeps 12 pt text at 9 pt or more, footer with page numbers (the PDF test
    checks what LibreOffice makes of it)."""
    for ws in built.wb:
        if ws.title == SHEETS["meta"]:
            continue
        ps = ws.page_setup
        assert str(ps.paperSize) == "9", ws.title          # A4
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert 80 <= int(ps.scale or 100) <= 100, ws.title
        assert "Trang &P/&N" in ws.oddFooter.center.text, ws.title
    for name in (SHEETS["guide"], SHEETS["report"]):
        assert built.wb[name].page_setup.orientation == "portrait"
    for name in (SHEETS["summary"], SHEETS["check"], SHEETS["info"]):
        assert built.wb[name].page_setup.orientation == "landscape"
    for sl, ws in built.standard_sheets():
        plan = sl.table("plan")
        assert ws.page_setup.orientation == "landscape", sl.name
        assert ws.print_title_cols == ("$A:$B" if built.kind.tt57 else "$A:$A"), sl.name   # code (and content) on every band
        if not built.kind.tt57:
            assert ws.print_title_rows == f"${plan.group_row}:${plan.header_row}", sl.name
            assert plan.header_row == plan.group_row + 1
        assert ws.print_area is not None and "$A$3" not in ws.print_area     # the status line does not print
        if built.kind.mau is None:                     # plan and results print as separate bands
            assert ws.col_breaks.brk, sl.name
        assert sl.title in ws.oddHeader.left.text


def test_times_new_roman_everywhere(built):
    for ws in built.wb:
        if ws.title == SHEETS["meta"]:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value not in (None, ""):
                    assert c.font.name == FONT, (ws.title, c.coordinate)
    for sl, ws in built.standard_sheets():
        plan = sl.table("plan")
        headers = [ws.cell(r, p.index) for r in (plan.group_row, plan.header_row) for p in plan.columns]
        headers = [c for c in headers if c.value]
        assert len(headers) >= len(plan.columns)
        assert all(c.font.name == FONT and c.font.b for c in headers)


# ------------------------------------------------------------------------------------------- Tổng hợp


def test_summary_sheet_formulas(built):
    ws = built.wb[SHEETS["summary"]]
    h = SUMMARY_HEADER_ROW
    headers = [c.value for c in ws[h] if c.value is not None]
    assert headers == ["Tiêu chuẩn", "Số nội dung", *STATUSES, "Chưa cập nhật trạng thái", "Tỉ lệ hoàn thành",
                       "Dự kiến kinh phí (đồng)", "Nội dung quá hạn"]
    names = [sl.name for sl in built.layout.sheets]
    assert [ws.cell(h + 1 + i, 1).value for i in range(len(names) + 1)] == [*names, "Tổng cộng"]
    formula_cols = range(2, 2 + 1 + len(STATUSES) + 2)          # Số nội dung … Tỉ lệ hoàn thành
    for i in range(len(names) + 1):
        r = h + 1 + i
        for c in formula_cols:
            v = ws.cell(r, c).value
            assert isinstance(v, str) and v.startswith("="), (r, c, v)
            assert ws.cell(r, c).protection.locked is True
        for c in (formula_cols.stop, formula_cols.stop + 1):     # kinh phí, quá hạn: filled by kdcl
            assert ws.cell(r, c).value is None and ws.cell(r, c).protection.locked is False
    for i, sl in enumerate(built.layout.sheets):               # each row counts its own sheet's plan table
        count = ws.cell(h + 1 + i, 2).value
        table = sl.table("plan")
        for p in table.inputs():
            assert f"'{sl.name}'!${p.letter}${table.first_row}:${p.letter}${table.last_row + 1}" in count
        for other in built.layout.sheets:
            if other.name != sl.name:
                assert f"'{other.name}'!" not in count
    total = h + 1 + len(names)
    col_b = get_column_letter(2)
    assert ws.cell(total, 2).value == f"=SUM({col_b}{h + 1}:{col_b}{total - 1})"


def test_defined_names(built):
    dn = built.wb.defined_names
    info = built.wb[SHEETS["info"]]
    for key, label in (("ten_truong", "Tên trường"), ("nam_hoc", "Năm học"), ("giai_doan", "Giai đoạn")):
        name = f"kdcl_{key}"
        assert name in dn, name
        dests = list(dn[name].destinations)
        assert len(dests) == 1
        sheet, ref = dests[0]
        assert sheet == SHEETS["info"]
        assert info[ref.replace("$", "").replace("B", "A")].value.startswith(label)


# ------------------------------------------------------------------------------- determinism, writing


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", [KINDS[0], KINDS[5], KINDS[7]], ids=lambda k: k.id)
def test_same_spec_gives_identical_bytes(tmp_path, kind):
    fw = choose_framework(kind.cap_hoc, int(kind.nam_hoc[:4]), kind.thong_tu)
    spec = TemplateSpec(fw, kind.cap_hoc, kind.nam_hoc, "Trường A", "Kiên Giang", "", kind.mau)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build_template(spec, a)
    build_template(spec, b)
    assert digest(a) == digest(b)


def test_cli_refuses_to_overwrite_a_template(tmp_path, capsys):
    out = tmp_path / "mau.xlsx"
    args = ["template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "--truong", "Trường THCS A", "-o", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    before, mtime = digest(out), out.stat().st_mtime_ns
    assert main([*args[:-2], "--truong", "Trường khác", "-o", str(out)]) == 2
    _, err = capsys.readouterr()
    assert "đã có" in err and "--ghi-de" in err and "Traceback" not in err
    assert digest(out) == before and out.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mau.xlsx"]
    assert main([*args, "--ghi-de", "--truong", "Trường khác"]) == 0
    row = build_layout(choose_framework("THCS", 2024)).info.field_rows["ten_truong"]
    assert openpyxl.load_workbook(out)[SHEETS["info"]].cell(row, 2).value == "Trường khác"


def test_failed_build_leaves_existing_file_and_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "mau.xlsx"
    out.write_bytes(b"old")

    def broken(spec, layout, filename):
        Path(filename).write_bytes(b"half-written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(builder, "_write", broken)
    fw = choose_framework("THCS", 2024)
    with pytest.raises(RuntimeError):
        build_template(TemplateSpec(fw, "THCS", "2024-2025"), out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["mau.xlsx"]

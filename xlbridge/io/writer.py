"""Apply a `CheckOutput` to a copy of a workbook file with openpyxl (`kdcl kiem-tra --out`).

Only output cells are written (the "Kiểm tra" table, status lines, the kdcl columns of
"Tổng hợp") plus the fill of input cells with errors; nothing the user typed is touched, and the
input file itself is never opened for writing.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break, RowBreak

import xlbridge.io.ooxml_styles  # noqa: F401  (fonts written in the schema's order)
from xlbridge.core.outputs import CheckOutput
from xlbridge.io.atomic import atomic_path
from xlbridge.layout import CHECK_COLUMNS, CHECK_HEADER_ROW, REPORT_FIRST_ROW, check_column, config


def apply_output(wb: openpyxl.Workbook, out: CheckOutput) -> None:
    cfg = config()
    font = Font(name=cfg.font, size=cfg.font_size)
    check = wb[cfg.sheets["check"]]
    for row in check.iter_rows(min_row=CHECK_HEADER_ROW + 1, max_col=len(CHECK_COLUMNS)):
        for c in row:
            c.value = None
            c.hyperlink = None
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, values in enumerate(out.check_rows):
        r = CHECK_HEADER_ROW + 1 + i
        for j, v in enumerate(values):
            c = check.cell(r, j + 1)
            c.value = v                # strings are stored as strings: openpyxl never makes a formula of
            c.data_type = "s" if isinstance(v, str) else c.data_type   # text starting with "="
            c.font, c.alignment = font, wrap
    for i, sheet, ref in out.links:
        c = check.cell(CHECK_HEADER_ROW + 1 + i, check_column("cell"))
        c.hyperlink = Hyperlink(ref=c.coordinate, location=f"'{sheet}'!{ref}")    # a link inside the workbook
        c.font = Font(name=cfg.font, size=cfg.font_size, color="0563C1", underline="single")
    for sheet, r, col in out.status_cells:
        if sheet in wb.sheetnames:
            c = wb[sheet].cell(r, col)
            c.value, c.data_type = out.status_line, "s"
    for sheet, r, col, v in out.summary_cells:
        if sheet in wb.sheetnames:
            wb[sheet].cell(r, col).value = v
    if out.report_rows and cfg.sheets["report"] in wb.sheetnames:
        write_report_rows(wb[cfg.sheets["report"]], out.report_rows, font)
    for cells, color in ((out.clear_cells, cfg.colors["input"]), (out.error_cells, cfg.colors["error"])):
        fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        for sheet, ref in cells:
            if sheet in wb.sheetnames:
                wb[sheet][ref].fill = fill
    apply_fit(wb, out)


def apply_fit(wb: openpyxl.Workbook, out: CheckOutput) -> None:
    """Row heights fitted to the text as it is now, and page breaks that keep criterion blocks together."""
    for sheet, r, h in out.row_heights:
        if sheet in wb.sheetnames:
            wb[sheet].row_dimensions[r].height = h
    for sheet, rows in out.page_breaks.items():
        if sheet in wb.sheetnames:
            breaks = RowBreak()
            for r in rows:
                breaks.append(Break(id=r - 1))
            wb[sheet].row_breaks = breaks


def write_report_rows(ws, rows: list[tuple[str, str]], font: Font) -> None:
    """Replace the generated text of the "Báo cáo" sheet (column A from REPORT_FIRST_ROW down)."""
    from xlbridge.template.builder import row_height
    for row in ws.iter_rows(min_row=REPORT_FIRST_ROW, max_col=1):   # (heights: refitted by apply_fit)
        row[0].value = None
        ws.row_dimensions[row[0].row].height = None
    bold = Font(name=font.name, size=font.size, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    width = ws.column_dimensions["A"].width or 120
    for i, (style, text) in enumerate(rows):
        c = ws.cell(REPORT_FIRST_ROW + i, 1)
        c.value, c.data_type = text, "s"
        c.font, c.alignment = (bold if style != "paragraph" else font), wrap
        ws.row_dimensions[c.row].height = row_height([(text, width * 0.7)])   # office suites do not autofit on load


def save_atomic(wb: openpyxl.Workbook, dst: Path) -> None:
    from xlbridge.io.titles import reopen_title_rows
    reopen_title_rows(wb)
    with atomic_path(dst) as tmp:
        wb.save(tmp)


def write_checked_copy(src: Path, dst: Path, out: CheckOutput) -> None:
    if src.resolve() == dst.resolve():
        raise ValueError("never overwrite the input workbook")
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
    apply_output(wb, out)
    save_copy(wb, src, dst)


def save_copy(wb: openpyxl.Workbook, src: Path, dst: Path) -> None:
    """Save an edited copy of `src` atomically, keeping what openpyxl would drop (xlwings Lite's code)."""
    from xlbridge.bridge.webext import carry_lite, has_lite
    if not has_lite(src):
        save_atomic(wb, dst)
        return
    # openpyxl drops xlwings Lite's parts: save to a temporary file, put them back, then rename.
    from xlbridge.io.titles import reopen_title_rows
    reopen_title_rows(wb)
    with atomic_path(dst) as tmp:
        wb.save(tmp)
        carry_lite(src, tmp)

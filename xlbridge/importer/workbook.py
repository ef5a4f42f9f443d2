"""Write an imported plan: the template of its year, the items typed in, the "Nhập từ Word" report."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from xlbridge.importer.convert import ImportResult
from xlbridge.importer.report import Row, report_rows
from xlbridge.importer.texts import import_texts
from xlbridge.io.filler import fill_workbook
from xlbridge.io.writer import save_atomic
from xlbridge.layout import column_letter, config
from xlbridge.template.builder import TemplateSpec, build_template, row_height

WIDTHS = (24, 16, 22, 12, 80)


def add_report_sheet(wb: openpyxl.Workbook, rows: list[Row]) -> None:
    """The report, after "Báo cáo": output only, left unprotected (staff may annotate it)."""
    cfg = config()
    ws = wb.create_sheet(import_texts().sheet, wb.sheetnames.index(cfg.sheets["report"]) + 1)
    font = Font(name=cfg.font, size=cfg.font_size)
    bold = Font(name=cfg.font, size=cfg.font_size, bold=True)
    head = PatternFill(fill_type="solid", start_color=cfg.colors["header"], end_color=cfg.colors["header"])
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[column_letter(i)].width = width
    for r, (style, cells) in enumerate(rows, start=1):
        for j, value in enumerate(cells, start=1):
            c = ws.cell(r, j, value)
            if isinstance(value, str):
                c.data_type = "s"               # text, never a formula
            c.font = bold if style in ("title", "heading", "header") else font
            c.alignment = wrap
            if style == "header":
                c.fill = head
        if len(cells) == 1:                      # a sentence: across the whole width
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(WIDTHS))
            ws.row_dimensions[r].height = row_height([(str(cells[0]), sum(WIDTHS))])
        else:
            ws.row_dimensions[r].height = row_height([(str(v), w) for v, w in zip(cells, WIDTHS, strict=False)])
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_import(result: ImportResult, dst: Path) -> list[tuple[str, int]]:
    """Build and fill the template, add the report; `dst` written atomically. Returns item placements."""
    dst = Path(dst)
    info = result.info
    spec = TemplateSpec(result.framework, result.cap_hoc, str(result.year), str(info.get("ten_truong") or ""),
                        plan_form=result.plan_form, rows=result.rows)
    with tempfile.TemporaryDirectory(prefix="kdcl-nhap-word-") as tmp:    # the system temp dir, never beside dst
        template, filled = Path(tmp) / "mau.xlsx", Path(tmp) / "da-dien.xlsx"
        layout = build_template(spec, template)
        placements = fill_workbook(template, filled, layout, result.fill_data())
        wb = openpyxl.load_workbook(filled)
        add_report_sheet(wb, report_rows(result, placements))
        save_atomic(wb, dst)
    return placements

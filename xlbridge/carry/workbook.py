"""Write next year's workbook: a fresh template, the carried items typed in, and the "Mang sang" list.

The list sheet is locked except its "Xác nhận" column, where the user confirms each question; the
MS01 rule reads it back (`xlbridge.core.carried.read_marks`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from xlbridge.carry.plan import NextYear, review_rows
from xlbridge.core import textfit
from xlbridge.core.carried import TITLE_ROWS, ReviewRow, header_row
from xlbridge.core.pagefit import MARGINS, plan_bands
from xlbridge.data.carry_texts import carry_texts, fill
from xlbridge.io.filler import fill_workbook
from xlbridge.io.writer import save_atomic
from xlbridge.layout import column_letter, config
from xlbridge.template.builder import TemplateSpec, build_template, row_height
from xlbridge.template.live_checks import reads_as


@dataclass
class Written:
    path: Path
    rows: list[ReviewRow]

    @property
    def questions(self) -> int:
        return sum(bool(r.question) for r in self.rows)


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def add_review_sheet(wb: openpyxl.Workbook, rows: list[ReviewRow], plan: NextYear) -> None:
    """The "Mang sang" sheet, placed after the standard sheets so that users meet it while working."""
    cfg, t = config(), carry_texts()
    last_std = max(wb.sheetnames.index(s.name) for s in plan.layout.sheets)
    ws = wb.create_sheet(t.sheet, last_std + 1)
    font = Font(name=cfg.font, size=cfg.font_size)
    bold = Font(name=cfg.font, size=cfg.font_size, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    values = dict(old=str(plan.old_year), new=str(plan.new_year), old_circular=plan.source.number,
                  new_circular=plan.target.number, confirmed=t.confirmed)
    title = ws.cell(1, 1, fill(t.title, **values))
    title.font = Font(name=cfg.font, size=cfg.font_size + 2, bold=True, color=cfg.colors["title"])
    last = column_letter(len(t.columns))
    total = sum(w for _k, _h, w in t.columns)
    for i, line in enumerate(t.intro[:TITLE_ROWS - 2]):
        text = fill(line, **values)
        c = ws.cell(2 + i, 1, text)
        c.font, c.alignment = font, wrap
        ws.merge_cells(f"A{2 + i}:{last}{2 + i}")       # wrapped across the page: a long line is never cut at its edge
        ws.row_dimensions[2 + i].height = row_height([(text, total)])
    head = header_row()
    for j, (_key, header, width) in enumerate(t.columns, start=1):
        c = ws.cell(head, j, header)
        c.font, c.alignment, c.fill = bold, Alignment(wrap_text=True, vertical="center", horizontal="center"), \
            _fill(cfg.colors["header"])
        ws.column_dimensions[column_letter(j)].width = width
    ws.row_dimensions[head].height = textfit.row_height([(h, w) for _k, h, w in t.columns], cfg.font_size, bold=True)
    confirm_col = t.column_index("confirm")
    choice = DataValidation(type="list", formula1=f'"{t.confirmed}"', allow_blank=True, showErrorMessage=False,
                            promptTitle=t.columns[confirm_col - 1][1][:32], prompt=fill(t.intro[-1], **values)[:255])
    ws.add_data_validation(choice)
    for i, row in enumerate(rows, start=1):
        r = head + i
        data = {"tt": i, "sheet": row.sheet, "cell": row.cell, "criterion": row.criterion, "content": row.content,
                "previous": row.previous, "question": row.question, "confirm": None}
        for j, (key, _h, _w) in enumerate(t.columns, start=1):
            c = ws.cell(r, j, data[key])
            c.data_type = "s" if isinstance(data[key], str) else c.data_type   # text, never a formula
            c.font, c.alignment = font, wrap
        if row.question:
            c = ws.cell(r, confirm_col)
            c.protection = Protection(locked=False)
            choice.add(c.coordinate)
        ws.row_dimensions[r].height = row_height([(str(data[k]), w) for k, _h, w in t.columns if data[k]])
    _mark_unconfirmed(ws, head + 1, head + len(rows), column_letter(t.column_index("question")),
                      column_letter(confirm_col), t.confirm_words, cfg.colors["missing"])
    ws.freeze_panes = ws.cell(head + 1, 1)
    _page_setup(ws, {j: float(w) for j, (_k, _h, w) in enumerate(t.columns, start=1)}, head)
    ws.protection.sheet = True
    ws.protection.password = cfg.password
    ws.protection.formatRows = ws.protection.formatColumns = False     # False = allowed (openpyxl's sense)


def _page_setup(ws, widths: dict[int, float], head: int) -> None:
    """A4 across at the scale `pagefit` gives the columns (not shrunk to fit: a long list would print small),
    the header row on every page, the sheet name and "Trang x/y" below, the margins of every kdcl sheet."""
    bands = plan_bands(widths, 0, [sorted(widths)], landscape=True)
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.scale = bands.scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    for col in bands.breaks:
        ws.col_breaks.append(Break(id=col - 1))
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_title_rows = f"{head}:{head}"
    ws.print_title_cols = "A:A" if bands.breaks else None       # TT on every band, were the list ever cut in bands
    footer = ws.oddFooter.center
    footer.text, footer.font, footer.size = "&A — Trang &P/&N", f"{config().font},Regular", config().font_size


def _mark_unconfirmed(ws, first: int, last: int, question: str, confirm: str, words: tuple[str, ...],
                      color: str) -> None:
    """The fill of a question's answer cell while MS01 still reports it (a question, not yet confirmed): a
    conditional format, so that a reviewed sheet prints without it, in LibreOffice and WPS as in Excel."""
    if last < first:
        return
    asked = f"LEN(TRIM({question}{first}))>0"
    rule = FormulaRule(formula=[f"AND({asked},NOT({reads_as(f'{confirm}{first}', list(words))}))"],
                       fill=_fill(color), stopIfTrue=False)
    ws.conditional_formatting.add(f"{confirm}{first}:{confirm}{last}", rule)


def write_next_year(plan: NextYear, dst: Path) -> Written:
    """Build, fill and save the new workbook at `dst` (atomically; `dst` is never the source)."""
    dst = Path(dst)
    info = plan.info
    spec = TemplateSpec(plan.target, plan.cap_hoc, str(plan.new_year), str(info.get("ten_truong") or ""),
                        str(info.get("tinh") or ""), str(info.get("huyen") or ""), plan.plan_form, rows=plan.rows)
    with tempfile.TemporaryDirectory(prefix="kdcl-nam-sau-") as tmp:      # the system temp dir, never beside dst
        template, filled = Path(tmp) / "mau.xlsx", Path(tmp) / "da-dien.xlsx"
        layout = build_template(spec, template)
        placements = fill_workbook(template, filled, layout, plan.fill_data())
        rows = review_rows(plan, placements)
        wb = openpyxl.load_workbook(filled)
        add_review_sheet(wb, rows, plan)
        save_atomic(wb, dst)
    return Written(dst, rows)

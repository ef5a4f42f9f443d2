"""Apply a `CheckOutput` to a copy of a workbook file with openpyxl (`kdcl kiem-tra --out`).

Only output cells are written (the "Kiểm tra" table, status lines, the kdcl columns of
"Tổng hợp") plus the fill of input cells with errors; nothing the user typed is touched, and the
input file itself is never opened for writing: openpyxl opens the package `safecopy` rebuilt from
it through the guarded reader, never the received file.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break, RowBreak

import xlbridge.io.ooxml_styles  # noqa: F401  (fonts written in the schema's order)
from xlbridge.core.outputs import CheckOutput
from xlbridge.io.atomic import atomic_path
from xlbridge.layout import CHECK_COLUMNS, CHECK_HEADER_ROW, REPORT_FIRST_ROW, check_column, config, parse_a1


def xml_text(value: object) -> object:
    """A value as an .xlsx can hold it: text loses the control characters XML forbids (a finding may quote
    a cell that had them), anything else is unchanged."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def writable(ws, row: int, col: int):
    """The cell at (row, col), unmerged first when a merged range covers it (a merged cell holds no value)."""
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        for rng in list(ws.merged_cells.ranges):
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                ws.unmerge_cells(rng.coord)
        cell = ws.cell(row, col)
    return cell


def put(ws, row: int, col: int, value: object, text: bool = False):
    """Write a value kdcl computed; `text`: stored as a string even when it starts with "=" (never a formula)."""
    c = writable(ws, row, col)
    c.value = xml_text(value)
    if text and isinstance(value, str):
        c.data_type = "s"
    return c


def _filled_cells(ws, min_row: int, max_col: int) -> list:
    """The cells the sheet holds from `min_row` down in columns 1..max_col — only those that exist (iterating the
    rows would create every cell down to the sheet's last row, a million for a far cell)."""
    return [c for (r, col), c in list(ws._cells.items())
            if r >= min_row and col <= max_col and not isinstance(c, MergedCell)]


def check_sheet(wb: openpyxl.Workbook) -> tuple[object, list[str]]:
    """The "Kiểm tra" sheet; a workbook without one gets a plain one (headers only) in the copy."""
    cfg = config()
    name = cfg.sheets["check"]
    if name in wb.sheetnames:
        return wb[name], []
    ws = wb.create_sheet(name)
    bold = Font(name=cfg.font, size=cfg.font_size, bold=True)
    for j, (_key, header, width) in enumerate(CHECK_COLUMNS, 1):
        put(ws, CHECK_HEADER_ROW, j, header, text=True).font = bold
        ws.column_dimensions[ws.cell(1, j).column_letter].width = width
    return ws, [f"sổ không có trang «{name}»: bản sao thêm trang này"]


def apply_output(wb: openpyxl.Workbook, out: CheckOutput) -> list[str]:
    """Write `out` into the workbook; notes on what had to be added to do it (for the user)."""
    cfg = config()
    font = Font(name=cfg.font, size=cfg.font_size)
    check, notes = check_sheet(wb)
    for c in _filled_cells(check, CHECK_HEADER_ROW + 1, len(CHECK_COLUMNS)):
        c.value = None
        c.hyperlink = None
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, values in enumerate(out.check_rows):
        r = CHECK_HEADER_ROW + 1 + i
        for j, v in enumerate(values):
            c = put(check, r, j + 1, v, text=True)   # text stays text: openpyxl never makes a formula of "=…"
            c.font, c.alignment = font, wrap
    for i, sheet, ref in out.links:
        if parse_a1(ref) is None:
            continue
        c = writable(check, CHECK_HEADER_ROW + 1 + i, check_column("cell"))
        quoted = sheet.replace("'", "''")
        c.hyperlink = Hyperlink(ref=c.coordinate, location=f"'{quoted}'!{ref}")    # a link inside the workbook
        c.font = Font(name=cfg.font, size=cfg.font_size, color="0563C1", underline="single")
    for sheet, r, col in out.status_cells:
        if sheet in wb.sheetnames:
            put(wb[sheet], r, col, out.status_line, text=True)
    for sheet, r, col, v in out.summary_cells:
        if sheet in wb.sheetnames:
            put(wb[sheet], r, col, v)
    if out.report_rows and cfg.sheets["report"] in wb.sheetnames:
        write_report_rows(wb[cfg.sheets["report"]], out.report_rows, font)
    for cells, color in ((out.clear_cells, cfg.colors["input"]), (out.error_cells, cfg.colors["error"])):
        fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        for sheet, ref in cells:
            at = parse_a1(ref)
            if sheet in wb.sheetnames and at is not None:
                wb[sheet].cell(*at).fill = fill
    apply_fit(wb, out)
    return notes


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
    for c in _filled_cells(ws, REPORT_FIRST_ROW, 1):   # (heights: refitted by apply_fit)
        c.value = None
        ws.row_dimensions[c.row].height = None
    bold = Font(name=font.name, size=font.size, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    width = ws.column_dimensions["A"].width or 120
    for i, (style, text) in enumerate(rows):
        c = put(ws, REPORT_FIRST_ROW + i, 1, text, text=True)
        c.font, c.alignment = (bold if style != "paragraph" else font), wrap
        ws.row_dimensions[c.row].height = row_height([(text, width * 0.7)])   # office suites do not autofit on load


def save_atomic(wb: openpyxl.Workbook, dst: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Save to a temporary file, `finish` it (e.g. put back parts openpyxl drops), then rename over `dst`."""
    from xlbridge.io.titles import reopen_title_rows
    reopen_title_rows(wb)
    with atomic_path(dst) as tmp:
        wb.save(tmp)
        if finish is not None:
            finish(tmp)


def open_copy(src: Path) -> tuple[openpyxl.Workbook, list[str]]:
    """openpyxl's workbook of a received file, opened from the package `safecopy` rebuilt through the guarded
    reader (never the file itself); notes on what that package leaves out. Raises Rejected."""
    from xlbridge.io.safecopy import safe_package
    safe = safe_package(src)
    with warnings.catch_warnings():       # openpyxl's warnings (dropped extensions, long names) are not for users
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(safe.data), keep_vba=src.suffix.lower() == ".xlsm", keep_links=False)
    return wb, safe.notes


def write_checked_copy(src: Path, dst: Path, out: CheckOutput) -> list[str]:
    """The checked copy of a received workbook; notes on what the copy leaves out or changes (for the user).
    Raises Rejected when the guarded reader refuses a part the copy cannot do without."""
    if src.resolve() == dst.resolve():
        raise ValueError("never overwrite the input workbook")
    wb, notes = open_copy(src)
    notes += apply_output(wb, out)
    return notes + save_copy(wb, src, dst)


def save_copy(wb: openpyxl.Workbook, src: Path, dst: Path) -> list[str]:
    """Save an edited copy of `src` atomically, keeping what openpyxl would drop (xlwings Lite's code); notes
    on what could not be kept (Lite parts that are unsafe or not xlwings Lite's)."""
    from xlbridge.bridge.webext import carry_lite, has_lite
    from xlbridge.consolidate.reasons import Rejected
    notes: list[str] = []

    def keep_lite(tmp: Path) -> None:        # openpyxl drops xlwings Lite's parts: put them back before the rename
        try:
            carry_lite(src, tmp)
        except Rejected as exc:
            notes.append(f"không giữ mã xlwings Lite của sổ ({exc.detail})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_atomic(wb, dst, keep_lite if has_lite(src) else None)
    return notes

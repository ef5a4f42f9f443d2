"""The "Kiểm tra" button: read the open workbook through xlwings, check it, write results back.

Works on any xlwings Book — xlwings Lite (Office.js, the code travels in the workbook), classic
xlwings (RunPython from VBA) and the remote interpreter used in tests — through xlwings' public API
only. It never writes a cell the user types into (only fills their colour), never deletes a row,
and turns every failure into a Vietnamese message in the workbook.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from xlbridge.check import CheckResult, check_grid
from xlbridge.core.outputs import CheckOutput
from xlbridge.errors import KdclError, UnreadableWorkbook
from xlbridge.io.grid import Grid
from xlbridge.layout import CHECK_COLUMNS, CHECK_HEADER_ROW, CHECK_STATUS_CELL, REPORT_FIRST_ROW, check_column, config

FORMULA_STARTS = ("=", "+", "-", "@")


def as_text(value: object) -> object:
    """A string Excel would take for a formula gets the apostrophe that keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_book(book) -> Grid:
    """Every sheet's values from A1, in one read per sheet; errors kept as text ("#NAME?")."""
    grid: Grid = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        grid[sheet.name] = [list(row) for row in values]
    return grid


def _write_block(sheet, row: int, col: int, rows: list[list[object]]) -> None:
    if rows:
        sheet.range((row, col)).value = [[as_text(v) for v in r] for r in rows]


def apply_output(book, out: CheckOutput, grid: Grid) -> None:
    """Write a CheckOutput through xlwings: the same cells `kdcl kiem-tra --out` writes."""
    cfg = config()
    sheets = {s.name: s for s in book.sheets}
    check = sheets.get(cfg.sheets["check"])
    if check is not None:
        old = len(grid.get(check.name, []))
        if old > CHECK_HEADER_ROW:
            check.range((CHECK_HEADER_ROW + 1, 1), (old, len(CHECK_COLUMNS))).clear_contents()
        _write_block(check, CHECK_HEADER_ROW + 1, 1, out.check_rows)
        for i, sheet, ref in out.links:
            link = check.range((CHECK_HEADER_ROW + 1 + i, check_column("cell")))
            link.add_hyperlink(f"#'{sheet}'!{ref}", ref, f"Đến ô {ref} của {sheet}")
    for name, r, c in out.status_cells:
        if name in sheets:
            sheets[name].range((r, c)).value = as_text(out.status_line)
    for name, r, c, v in out.summary_cells:
        if name in sheets:
            sheets[name].range((r, c)).value = as_text(v)
    report = sheets.get(cfg.sheets["report"])
    if report is not None and out.report_rows:
        old = len(grid.get(report.name, []))
        if old >= REPORT_FIRST_ROW:
            report.range((REPORT_FIRST_ROW, 1), (old, 1)).clear_contents()
        _write_block(report, REPORT_FIRST_ROW, 1, [[text] for _, text in out.report_rows])
        for i, (style, _) in enumerate(out.report_rows):
            if style != "paragraph":
                report.range((REPORT_FIRST_ROW + i, 1)).font.bold = True
    for cells, color in ((out.clear_cells, cfg.colors["input"]), (out.error_cells, cfg.colors["error"])):
        for name, ref in cells:
            if name in sheets:
                sheets[name].range(ref).color = "#" + color
    fit_heights(sheets, out)


def fit_heights(sheets: dict, out: CheckOutput) -> None:
    """Row heights fitted to the text (print issue 12), one write per run of rows of equal height."""
    runs: list[list] = []
    for name, r, h in out.row_heights:
        if runs and runs[-1][0] == name and runs[-1][2] == r - 1 and runs[-1][3] == h:
            runs[-1][2] = r
        else:
            runs.append([name, r, r, h])
    for name, first, last, h in runs:
        if name in sheets:
            sheets[name].range((first, 1), (last, 1)).row_height = h


def tell(book, message: str) -> None:
    """Show a message where the user looks: the status cell of "Kiểm tra" if it exists, and an alert."""
    cfg = config()
    sheets = {s.name: s for s in book.sheets}
    if cfg.sheets["check"] in sheets:
        sheets[cfg.sheets["check"]].range(CHECK_STATUS_CELL).value = as_text(message)
    try:
        book.app.alert(message, title="kdcl — Kiểm tra")
    except Exception:  # some hosts have no alert; the cell already says it
        pass


def guarded(book, failure: str, action):
    """Run `action()`; any failure becomes a Vietnamese message in the workbook, never a traceback."""
    try:
        return action()
    except UnreadableWorkbook as exc:
        tell(book, f"{failure}: {exc}")
    except KdclError as exc:
        tell(book, f"{failure}: {exc}")
    except Exception as exc:  # never a traceback in front of school staff
        tell(book, f"{failure} — lỗi không mong đợi ({type(exc).__name__}: {exc}). Nếu trang tính bị khóa theo cách "
                   "khác mẫu, hãy dùng lại sổ mẫu của kdcl; gửi sổ này cho cán bộ phụ trách nếu lỗi còn.")
    return None


def kiem_tra(book, today=None, stamp: datetime | None = None) -> CheckResult | None:
    """The button: check the book and write findings, summary, report text and colours back."""
    def run() -> CheckResult:
        grid = read_book(book)
        result = check_grid(grid, book.name, today)
        apply_output(book, result.output(stamp or datetime.now()), grid)
        return result
    return guarded(book, "Không kiểm tra được", run)


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """A file name not yet used in `folder`: reports are never written over an existing file."""
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def report_folder(book) -> Path:
    """Where a report can be saved: /data in xlwings Lite (Files → download), else beside the workbook."""
    if sys.platform == "emscripten":
        return Path("/data")
    full = Path(getattr(book, "fullname", "") or "")
    return full.parent if full.is_absolute() and full.parent.is_dir() else Path.cwd()


def tao_bao_cao(book, loai: str | None = None, folder: Path | None = None, today=None) -> Path | None:
    """The Word report of the open workbook (the kind that fits its phase unless `loai` is given)."""
    def run() -> Path:
        from xlbridge.report.documents import documents
        from xlbridge.report.docx_writer import write_docx
        from xlbridge.report.narrative import build_report
        result = check_grid(read_book(book), book.name, today)
        kind = loai or documents().kind_for(result.book)
        report = build_report(result.book, kind, today=result.summary.report_date)
        target = _free_name(folder or report_folder(book), f"{Path(book.name).stem}-{kind}", ".docx")
        write_docx(report, target)
        tell(book, f"Đã tạo văn bản {target.name} ({report.document.name}); tệp ở {_where(target)}.")
        return target
    return guarded(book, "Không tạo được văn bản", run)


def _where(target: Path) -> str:
    return "menu Files của xlwings Lite" if sys.platform == "emscripten" else str(target.parent)


def ke_hoach_nam_sau(book, folder: Path | None = None) -> Path | None:
    """Next year's workbook from the open one (as `kdcl nam-sau`), saved beside it (Lite: /data)."""
    def run() -> Path:
        from xlbridge.carry.plan import plan_next_year
        from xlbridge.carry.workbook import write_next_year
        from xlbridge.io.reader import read_grid
        plan = plan_next_year(read_grid(read_book(book), book.name))
        target = _free_name(folder or report_folder(book), f"ke-hoach-{plan.new_year}", ".xlsx")
        written = write_next_year(plan, target)
        tell(book, f"Đã tạo sổ năm học {plan.new_year}: {target.name} ({len(plan.items)} nội dung mang sang; xem trang "
                   f"«Mang sang» để xác nhận {written.questions} điểm cần xem lại); tệp ở {_where(target)}.")
        return target
    return guarded(book, "Không lập được sổ năm học sau", run)


def ke_hoach_nam_sau_caller() -> None:
    """Classic xlwings: `RunPython "import macros.bridge as b; b.ke_hoach_nam_sau_caller()"`."""
    import xlwings as xw
    ke_hoach_nam_sau(xw.Book.caller())


def kiem_tra_caller() -> None:
    """Entry point for classic xlwings: `RunPython "import macros.bridge as b; b.kiem_tra_caller()"`."""
    import xlwings as xw
    kiem_tra(xw.Book.caller())


def tao_bao_cao_caller() -> None:
    """Classic xlwings: `RunPython "import macros.bridge as b; b.tao_bao_cao_caller()"`."""
    import xlwings as xw
    tao_bao_cao(xw.Book.caller())

"""The "Kiểm tra" button: read the open workbook through xlwings, check it, write results back.

Works on any xlwings Book — xlwings Lite (Office.js, the code travels in the workbook), classic
xlwings (RunPython from VBA) and the remote interpreter used in tests — through xlwings' public API
only. It never writes a cell the user types into (only fills their colour), never deletes a row,
and turns every failure into a Vietnamese message in the workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from xlbridge.check import CheckResult, check_grid
from xlbridge.core.outputs import CheckOutput
from xlbridge.core.vntext import nfc
from xlbridge.errors import KdclError, UnreadableWorkbook
from xlbridge.io.grid import FormulaText, Grid
from xlbridge.layout import CHECK_COLUMNS, CHECK_HEADER_ROW, CHECK_STATUS_CELL, REPORT_FIRST_ROW, check_column, config

FORMULA_STARTS = ("=", "+", "-", "@")
Formulas = dict[str, list[list[object]]]     # sheet name -> rows of formulas (as Excel's range.formulas gives them)


def as_text(value: object) -> object:
    """A string Excel would take for a formula gets the apostrophe that keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _used(sheet):
    last = sheet.used_range.last_cell
    return sheet.range((1, 1), (last.row, last.column))


def read_book(book, formulas: Formulas | None = None) -> Grid:
    """Every sheet's values from A1, in one read per sheet, with formulas as their text (as the file reader
    gives them, so rule O01 sees a formula typed into an input cell); errors kept as text ("#NAME?"); text
    composed (NFC), as the file reader composes it.

    Classic xlwings reads the formulas here; xlwings Lite cannot read them synchronously, so its press
    fetches them first (`read_formulas`) and passes them in."""
    grid: Grid = {}
    for sheet in book.sheets:
        rng = _used(sheet)
        values = [[nfc(v) if isinstance(v, str) else v for v in row] for row in rng.options(ndim=2, err_to_str=True).value]
        found = formulas.get(sheet.name) if formulas is not None else _formulas_now(rng)
        grid[sheet.name] = with_formulas(values, found)
    return grid


def _formulas_now(rng) -> list[list[object]] | None:
    """Classic xlwings reads formulas synchronously; the remote interpreter (Lite) does not."""
    try:
        return _as_rows(rng.formula)
    except NotImplementedError:
        return None


async def read_formulas(book) -> Formulas:
    """xlwings Lite: each sheet's formulas, fetched from Excel on demand (one request per sheet)."""
    found: Formulas = {}
    for sheet in book.sheets:
        try:
            rows = await _used(sheet).options(ndim=2).get_formula()
        except NotImplementedError:       # a host that can read values only: nothing more to see
            continue
        found[sheet.name] = _as_rows(rows) or []
    return found


def _as_rows(raw: object) -> list[list[object]] | None:
    if raw is None:
        return None
    if not isinstance(raw, (list, tuple)):
        return [[raw]]
    if raw and not isinstance(raw[0], (list, tuple)):
        return [list(raw)]
    return [list(r) for r in raw]


def with_formulas(values: list[list[object]], formulas: list[list[object]] | None) -> list[list[object]]:
    """Values with every formula cell replaced by its formula text (FormulaText), as io.grid reads a file."""
    if not formulas:
        return values
    for r, row in enumerate(formulas[: len(values)]):
        for c, f in enumerate(row[: len(values[r])]):
            if isinstance(f, str) and f.startswith("=") and len(f) > 1:
                values[r][c] = FormulaText(f)
    return values


def _write_block(sheet, row: int, col: int, rows: Sequence[Sequence[object]]) -> None:
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


def kiem_tra(book, today=None, stamp: datetime | None = None, formulas: Formulas | None = None) -> CheckResult | None:
    """The button: check the book and write findings, summary, report text and colours back."""
    def run() -> CheckResult:
        grid = read_book(book, formulas)
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


def tao_bao_cao(book, loai: str | None = None, folder: Path | None = None, today=None,
                formulas: Formulas | None = None) -> Path | None:
    """The Word report of the open workbook (the kind that fits its phase unless `loai` is given)."""
    def run() -> Path:
        from xlbridge.report.documents import documents
        from xlbridge.report.docx_writer import write_docx
        from xlbridge.report.narrative import build_report
        result = check_grid(read_book(book, formulas), book.name, today)
        kind = loai or documents().kind_for(result.book)
        report = build_report(result.book, kind, today=result.summary.report_date)
        target = _free_name(folder or report_folder(book), f"{Path(book.name).stem}-{kind}", ".docx")
        write_docx(report, target)
        tell(book, f"Đã tạo văn bản {target.name} ({report.document.name}); tệp ở {_where(target)}.")
        return target
    return guarded(book, "Không tạo được văn bản", run)


def _where(target: Path) -> str:
    return "menu Files của xlwings Lite" if sys.platform == "emscripten" else str(target.parent)


def ke_hoach_nam_sau(book, folder: Path | None = None, formulas: Formulas | None = None) -> Path | None:
    """Next year's workbook from the open one (as `kdcl nam-sau`), saved beside it (Lite: /data)."""
    def run() -> Path:
        from xlbridge.carry.plan import plan_next_year
        from xlbridge.carry.workbook import write_next_year
        from xlbridge.io.reader import read_grid
        plan = plan_next_year(read_grid(read_book(book, formulas), book.name))
        target = _free_name(folder or report_folder(book), f"ke-hoach-{plan.new_year}", ".xlsx")
        written = write_next_year(plan, target)
        tell(book, f"Đã tạo sổ năm học {plan.new_year}: {target.name} ({len(plan.items)} nội dung mang sang; xem trang "
                   f"«Mang sang» để xác nhận {written.questions} điểm cần xem lại); tệp ở {_where(target)}.")
        return target
    return guarded(book, "Không lập được sổ năm học sau", run)


BUTTONS: dict[str, Callable[..., object]] = {"kiem_tra": kiem_tra, "tao_bao_cao": tao_bao_cao,
                                             "ke_hoach_nam_sau": ke_hoach_nam_sau}


async def pressed(action: str, book) -> None:
    """xlwings Lite: fetch the formulas Excel does not send with the values, then run the button's action."""
    try:
        formulas = await read_formulas(book)
    except Exception as exc:  # the action still runs on the values; the alert says what it could not see
        formulas = None
        tell(book, f"Không đọc được công thức của sổ ({type(exc).__name__}: {exc}); nút chỉ xét giá trị các ô.")
    BUTTONS[action](book, formulas=formulas)


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

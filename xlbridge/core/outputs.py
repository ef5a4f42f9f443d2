"""What a check writes back into a workbook, as plain data.

The file writer (openpyxl) and the Excel bridge (xlwings) both apply this same description, so the
"Kiểm tra" and "Tổng hợp" sheets look the same whichever way the check ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from xlbridge.core.findings import SEVERITIES, Finding
from xlbridge.core.levels import LevelReport
from xlbridge.core.status_readings import describe_readings
from xlbridge.core.summary import Summary
from xlbridge.data.vocab import vocab
from xlbridge.layout import (
    CHECK_COLUMNS,
    CHECK_HEADER_ROW,
    CHECK_STATUS_CELL,
    REPORT_FIRST_ROW,
    SHEET_STATUS_CELL,
    Layout,
    check_column,
    config,
    level_summary_rows,
    parse_a1,
    summary_positions,
)
from xlbridge.model import PlanBook

Written = str | int | float | None     # what kdcl writes into a cell: texts, counts, amounts of money


@dataclass
class CheckOutput:
    check_rows: list[list[Written]]                    # rows of the "Kiểm tra" table
    links: list[tuple[int, str, str]]                  # (index in check_rows, sheet, cell) to link to
    status_line: str
    status_cells: list[tuple[str, int, int]]           # (sheet, row, col) that show the status line
    summary_cells: list[tuple[str, int, int, Written]]  # (sheet, row, col, value) on "Tổng hợp"
    error_cells: list[tuple[str, str]] = field(default_factory=list)   # (sheet, "C7") to colour
    clear_cells: list[tuple[str, str]] = field(default_factory=list)   # coloured by the last run, fixed since
    report_rows: list[tuple[str, str]] = field(default_factory=list)  # ("heading"|"paragraph", text) for "Báo cáo"
    report_problem: str | None = None                  # why the "Báo cáo" text could not be made (the sheet says so too)
    row_heights: list[tuple[str, int, float]] = field(default_factory=list)   # (sheet, row, points) fitted to the text
    page_breaks: dict[str, list[int]] = field(default_factory=dict)   # standard sheet -> rows that start a page


def _head(rows: list[list[object]], n: int) -> list[list[object]]:
    """The first `n` rows, padded: the grid of a sheet ends at its last non-empty row."""
    return [list(r) for r in rows[:n]] + [[] for _ in range(n - len(rows[:n]))]


def fit_rows(out: CheckOutput, grid: dict[str, list[list[object]]], layout: Layout) -> None:
    """Row heights (and standard sheets' page breaks) for the texts as they will be after `out` is
    written: what users typed, the new "Kiểm tra" rows and the new "Báo cáo" text."""
    from xlbridge.core.sheetfit import standard_breaks, workbook_heights
    cfg = config()
    after = dict(grid)
    check, report = cfg.sheets["check"], cfg.sheets["report"]
    if check in after:
        old = len(after[check])
        head = _head(after[check], CHECK_HEADER_ROW)
        rows = head + [list(r) for r in out.check_rows]
        after[check] = rows + [[] for _ in range(max(0, old - len(rows)))]
    if report in after and out.report_rows:
        old = len(after[report])
        head = _head(after[report], REPORT_FIRST_ROW - 1)
        rows = head + [[text] for _, text in out.report_rows]
        after[report] = rows + [[] for _ in range(max(0, old - len(rows)))]
    out.row_heights = workbook_heights(after, layout)
    by_sheet: dict[str, dict[int, float]] = {}
    for sheet, r, h in out.row_heights:
        by_sheet.setdefault(sheet, {})[r] = h
    out.page_breaks = {sl.name: standard_breaks(sl, by_sheet.get(sl.name, {}), after)
                       for sl in layout.sheets if sl.name in after}


def status_line(findings: list[Finding], stamp: datetime) -> str:
    errors = sum(f.is_error for f in findings)
    notes = sum(f.is_note for f in findings)
    warnings = len(findings) - errors - notes
    when = stamp.strftime("%H:%M %d/%m/%Y")
    if errors + warnings == 0:
        extra = f", {notes} lưu ý — xem trang {config().sheets['check']}" if notes else ""
        return f"Đạt: không có lỗi, không có cảnh báo{extra} (kiểm tra lúc {when})."
    head = f"Có {errors} lỗi" if errors else "Không có lỗi"
    tail = f"{warnings} cảnh báo" if warnings else "không có cảnh báo"
    tail += f", {notes} lưu ý" if notes else ""
    return f"{head}, {tail} — xem trang {config().sheets['check']} (kiểm tra lúc {when})."


def previous_error_cells(check_rows: list[list[object]]) -> list[tuple[str, str]]:
    """Cells the last run coloured: the error rows still listed on the "Kiểm tra" sheet (all its rows).
    The sheet holds only the severity's label, so the label is read back to its key. The sheet is the
    user's to edit (or a stranger's): only a reference to one cell of the grid counts, never a range."""
    severity_of = {label: key for key, label in SEVERITIES.items()}
    at = {key: check_column(key) - 1 for key in ("severity", "sheet", "cell")}
    out = []
    for row in check_rows[CHECK_HEADER_ROW:]:
        cells = list(row) + [None] * len(CHECK_COLUMNS)
        sheet, cell = cells[at["sheet"]], cells[at["cell"]]
        if severity_of.get(str(cells[at["severity"]])) == "loi" and sheet and parse_a1(cell) is not None:
            out.append((str(sheet), str(cell).strip()))
    return out


def check_row(n: int | str, f: Finding | None, note: str = "") -> list[Written]:
    """One row of the "Kiểm tra" table, in `CHECK_COLUMNS` order (a finding, or a note row without one)."""
    values: dict[str, Written] = {"n": n, "message": note}
    if f is not None:
        values = {"n": n, "severity": f.severity_label, "sheet": f.sheet or "", "cell": f.cell or "",
                  "message": f.message, "hint": f.hint, "rule": f.rule}
    return [values.get(key, "") for key, _h, _w in CHECK_COLUMNS]


def level_cells(levels: LevelReport, book: PlanBook) -> list[tuple[str, int, int, Written]]:
    """What kdcl fills about levels: the planned and achieved school level and the blocking criteria on
    "Tổng hợp" (the current level there is a live formula), the plan items per criterion on "Mức đánh giá"."""
    from xlbridge.core.levels import level_name
    from xlbridge.core.school_level import criterion_plans
    cfg, layout, fw = config(), book.layout, book.framework
    ll = layout.levels
    if ll is None:
        return []
    pos = level_summary_rows(layout)
    sheet = cfg.sheets["summary"]
    cells: list[tuple[str, int, int, Written]] = [
        (sheet, pos["planned"], 2, level_name(fw, levels.planned)),
        (sheet, pos["achieved"], 2, level_name(fw, levels.achieved)),
        (sheet, pos["blocking"], 2, blocking_text(levels))]
    for code, plan in criterion_plans(book).items():
        row = book.levels[code].row if code in book.levels else ll.row_of(code)
        if row is not None:
            cells.append((ll.sheet, row, ll.items_col, plan.items))
    return cells


def blocking_text(levels: LevelReport) -> str:
    """ "1.3 (có nội dung kế hoạch); 2.1, 2.2 (chưa có nội dung kế hoạch); thêm 1 trong: 3.4, 3.5 (…)" — what
    keeps the school below its next level, and whether the plan aims at it."""
    labels = config().labels["level_blocking"]
    if levels.next_level is None:
        return labels["top"]

    def grouped(blocks) -> str:
        parts = []
        for planned in (True, False):
            codes = [b.code for b in blocks if b.planned == planned]
            if codes:
                parts.append(f"{', '.join(codes)} ({labels['planned'] if planned else labels['unplanned']})")
        return "; ".join(parts)

    text = grouped([b for b in levels.blocking if b.required])
    if levels.gap is not None and levels.gap.choose:
        choice = labels["choose"].format(n=levels.gap.choose, codes=grouped([b for b in levels.blocking if not b.required]))
        text = f"{text}; {choice}" if text else choice
    return text


def check_output(findings: list[Finding], summary: Summary, layout: Layout, stamp: datetime,
                 input_sheets: set[str], previous_rows: list[list[object]] | None = None,
                 levels: LevelReport | None = None, book: PlanBook | None = None) -> CheckOutput:
    cfg = config()
    limit = cfg.rows["check_findings"]
    rows, links = [], []
    for i, f in enumerate(findings[:limit]):
        rows.append(check_row(i + 1, f))
        if f.sheet and f.cell:
            links.append((i, f.sheet, f.cell))
    if len(findings) > limit:
        rows.append(check_row("", None, f"… và {len(findings) - limit} phát hiện khác (chỉ ghi {limit} dòng đầu)."))
    line = status_line(findings, stamp)
    status_cells = [(cfg.sheets["check"], *CHECK_STATUS_CELL)] + [(s.name, *SHEET_STATUS_CELL) for s in layout.sheets]
    pos = summary_positions(layout, len(vocab().statuses))
    sheet = cfg.sheets["summary"]
    cells: list[tuple[str, int, int, Written]] = []
    for i, row in enumerate(summary.all_rows()):
        r = pos["first_row"] + i
        cells.append((sheet, r, pos["money_col"], row.counts.budget))
        cells.append((sheet, r, pos["overdue_col"], row.counts.overdue))
    note = f"kdcl cập nhật kinh phí và quá hạn lúc {stamp.strftime('%H:%M %d/%m/%Y')}, " \
           f"tính đến ngày {summary.report_date.strftime('%d/%m/%Y')}."
    if book is not None and (readings := describe_readings(book)):
        note += " " + readings + " Công thức của bảng cũng tính các cách viết này."
    cells.append((sheet, pos["stamp_row"], 1, note))
    if levels is not None and book is not None:
        cells += level_cells(levels, book)
    errors = list(dict.fromkeys((f.sheet, f.cell) for f in findings if f.is_error and f.sheet in input_sheets and f.cell))
    before = [c for c in previous_error_cells(previous_rows or []) if c[0] in input_sheets and c not in errors]
    return CheckOutput(rows, links, line, status_cells, cells, errors, list(dict.fromkeys(before)))

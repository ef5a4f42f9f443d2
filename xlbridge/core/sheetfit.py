"""Print plans and row heights of the kdcl sheets, from the layout and (for heights) the cell texts.

The template builder applies these when it writes a workbook; `kiem-tra --out` and the Excel button
apply the row heights (and the writer the page breaks) again after every run, from what is typed by
then. Pure Python: no Excel library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlbridge.core.pagefit import Bands, page_body, plan_bands, plan_row_breaks
from xlbridge.core.textfit import row_height
from xlbridge.core.vntext import fold
from xlbridge.data.forms import info_form
from xlbridge.data.vocab import vocab
from xlbridge.layout import (
    CHECK_COLUMNS,
    CHECK_HEADER_ROW,
    INFO_WIDTHS,
    REPORT_FIRST_ROW,
    REPORT_WIDTH,
    SUMMARY_FIRST_WIDTH,
    SUMMARY_WIDTH,
    Layout,
    SheetLayout,
    Table,
    column_widths,
    config,
    level_block_merges,
    level_summary_rows,
    summary_positions,
)

Grid = dict[str, list[list[object]]]
HEADER_HEIGHTS = (30.0, 78.0)    # group row, header row of a table (set by the builder, repeated on pages)


@dataclass(frozen=True)
class PrintPlan:
    """How one standard sheet prints: columns 1..`repeat_cols` and rows `repeat_rows` on every page."""
    widths: dict[int, float]
    repeat_cols: int
    bands: Bands
    repeat_rows: tuple[int, int] | None
    first_row: int
    last_col: int


def _groups(table: Table, start: int, last: int) -> list[list[int]]:
    """Columns start..last in runs that belong together: each header group, and each ungrouped run."""
    owner = {c: i for i, (_l, a, b) in enumerate(table.groups) for c in range(a, b + 1)}
    runs: list[tuple[int | None, list[int]]] = []
    for c in range(start, last + 1):
        key = owner.get(c)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(c)
        else:
            runs.append((key, [c]))
    return [cols for _, cols in runs]


def label_span(sl: SheetLayout) -> int:
    """Last column of a criterion row's title on a 2018 sheet: merged from B across the plan columns
    (the first header group), so that it prints on a line or two and stays inside the plan band."""
    plan = sl.table("plan")
    if sl.reference_rows or plan is None or not plan.groups:
        return 2
    return plan.groups[0][2]


def standard_plan(sl: SheetLayout) -> PrintPlan:
    """Plan and results bands of a standard sheet (see `xlbridge.core.pagefit` for why). A 2018 sheet
    repeats the code column on every band (its item rows have nothing in column B; the criterion title
    spans the plan band); a TT57 sheet repeats TT and "Nội dung cải tiến"."""
    plan = sl.table("plan")
    assert plan is not None
    widths = column_widths(sl)
    repeat = 2 if sl.reference_rows else 1
    bands = plan_bands(widths, repeat, _groups(plan, repeat + 1, sl.width))
    if sl.reference_rows:           # TT57: Biểu 2 sections IV and V print; the criteria list is for reference
        first = sl.tables[0].marker_row or plan.group_row or plan.header_row
        return PrintPlan(widths, repeat, bands, None, first, sl.width)
    assert plan.group_row is not None
    return PrintPlan(widths, repeat, bands, (plan.group_row, plan.header_row), plan.group_row, sl.width)


def _text(grid: Grid, sheet: str, row: int, col: int) -> str:
    rows = grid.get(sheet, [])
    line = rows[row - 1] if row <= len(rows) else []
    v = line[col - 1] if col <= len(line) else None
    return "" if v is None else str(v).strip()


def _height(grid: Grid, sheet: str, row: int, widths: dict[int, float], bold: bool = False,
            skip_first: bool = False) -> float:
    """`skip_first`: column A holds a code or a number that never wraps (it alone asks no spare line)."""
    size = config().font_size
    cells = [(_text(grid, sheet, row, c), w) for c, w in widths.items() if not (skip_first and c == 1)]
    return row_height(cells, size, bold)


def standard_heights(grid: Grid, sl: SheetLayout) -> dict[int, float]:
    """Heights of the rows users write in (and criterion rows) of a standard sheet, as typed now."""
    widths = column_widths(sl)
    n = len(grid.get(sl.name, []))
    out: dict[int, float] = {}
    if not sl.reference_rows:
        plan = sl.table("plan")
        assert plan is not None
        span = label_span(sl)
        merged = {c: w for c, w in widths.items() if c == 1 or c > span} | {2: sum(widths[c] for c in range(2, span + 1))}
        for r in range(plan.header_row + 1, max(n, plan.last_row) + 1):
            title = bool(_text(grid, sl.name, r, 2))
            out[r] = _height(grid, sl.name, r, merged if title else widths, bold=title, skip_first=True)
        return out
    codes = {c.code for _, c in sl.reference_rows}
    markers = {t.marker for t in sl.tables}
    skip = 0
    for r in range(sl.reference_rows[0][0], max(n, sl.tables[-1].last_row) + 1):
        a = _text(grid, sl.name, r, 1)
        if a in markers:
            table = next(t for t in sl.tables if t.marker == a)
            skip = table.header_row - (table.marker_row or table.header_row)
            continue
        if skip:
            skip -= 1
            continue
        out[r] = _height(grid, sl.name, r, widths, bold=a in codes, skip_first=True)
    return out


def standard_breaks(sl: SheetLayout, heights: dict[int, float], grid: Grid | None = None) -> list[int]:
    """Rows that start a page: criterion blocks (2018) or tables (TT57) kept together."""
    p = standard_plan(sl)
    repeated = sum(HEADER_HEIGHTS) if p.repeat_rows else 0.0
    body = page_body(True, p.bands.scale, repeated)
    rows = [(r, h) for r, h in sorted(heights.items()) if r >= p.first_row]
    if p.repeat_rows:
        blocks = [r for r, _ in rows if grid is not None and _text(grid, sl.name, r, 2)] if grid is not None else \
            [b.header_row for b in sl.table("plan").criteria]  # type: ignore[union-attr]
    else:
        blocks = [t.marker_row for t in sl.tables if t.marker_row]
        rows = _with_headers(sl, rows)
    return plan_row_breaks(rows, blocks, body)


def _with_headers(sl: SheetLayout, rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """TT57: the marker, group and header rows of each table take page room too."""
    extra: dict[int, float] = {}
    for t in sl.tables:
        if t.marker_row:
            extra[t.marker_row] = 20.0
        if t.group_row:
            extra[t.group_row] = HEADER_HEIGHTS[0]
        extra[t.header_row] = HEADER_HEIGHTS[1]
    merged = dict(rows) | {r: h for r, h in extra.items() if r >= (rows[0][0] if rows else 0)}
    return sorted(merged.items())


def table_heights(grid: Grid, sheet: str, first: int, widths: dict[int, float], bold: bool = False) -> dict[int, float]:
    """Heights of rows `first`.. of a plain table (Kiểm tra, Báo cáo, Thông tin lists)."""
    n = len(grid.get(sheet, []))
    return {r: _height(grid, sheet, r, widths, bold) for r in range(first, n + 1)}


INFO_FIELD_SPANS = ((1, 1), (2, 2), (3, max(INFO_WIDTHS)))     # label, value, hint (merged to the last column)


def span_widths(spans: Sequence[tuple[int, int]]) -> dict[int, float]:
    """{first column: width of the columns first..last} of "Thông tin" cells merged over those columns."""
    return {a: float(sum(INFO_WIDTHS[c] for c in range(a, b + 1))) for a, b in spans}


def info_list_spans(n_columns: int) -> tuple[tuple[int, int], ...]:
    """Columns of a "Thông tin" list: TT in A, its `n_columns` columns from B, the last one merged across to
    the sheet's last column. A one-column list (căn cứ, kiến nghị: a document or a request per row, 100–250
    characters) then has the whole width and an entry prints on one or two lines instead of five in B alone."""
    last = max(INFO_WIDTHS)
    cols = [(1, 1)] + [(2 + j, 2 + j) for j in range(n_columns)]
    return tuple(cols[:-1]) + ((cols[-1][0], max(cols[-1][0], last)),)


def info_heights(grid: Grid) -> dict[int, float]:
    """Heights of the "Thông tin" rows below its title, from the texts in `grid` (what the builder writes, or the
    workbook as read): field rows (the label in bold), and below each list's title its header row (bold) and its
    entry rows. Lists are found by their titles, as the reader finds them, so rows inserted into a list fit too."""
    cfg = config()
    sheet, size = cfg.sheets["info"], cfg.font_size
    lists = {fold(lst.title): lst for lst in info_form().lists}
    fields = span_widths(INFO_FIELD_SPANS)
    out: dict[int, float] = {}
    spans: dict[int, float] | None = None
    header = False
    for r in range(3, len(grid.get(sheet, [])) + 1):
        label = _text(grid, sheet, r, 1)
        if fold(label) in lists:
            spans, header = span_widths(info_list_spans(len(lists[fold(label)].columns))), True
            continue
        if spans is None:
            if label:
                out[r] = max(row_height([(label, fields[1])], size, bold=True),
                             _height(grid, sheet, r, fields, skip_first=True))
        elif header:
            out[r], header = _height(grid, sheet, r, spans, bold=True), False
        else:
            out[r] = _height(grid, sheet, r, spans, skip_first=True)
    return out


def summary_widths(n_columns: int) -> dict[int, float]:
    """Column widths of "Tổng hợp": the standard's name, then the figures."""
    return {1: float(SUMMARY_FIRST_WIDTH)} | {j: float(SUMMARY_WIDTH) for j in range(2, n_columns + 1)}


def summary_heights(grid: Grid, layout: Layout) -> dict[int, float]:
    """Rows of "Tổng hợp" below the table with wrapped text: kdcl's stamp and the level block (their
    value cells are merged across the table; texts from `grid`, or the labels alone before any run)."""
    cfg = config()
    sheet = cfg.sheets["summary"]
    pos = summary_positions(layout, len(vocab().statuses))
    widths = summary_widths(pos["overdue_col"])
    total = sum(widths.values())
    labels = cfg.labels.get("level_summary_rows", {})
    out = {pos["stamp_row"]: row_height([(_text(grid, sheet, pos["stamp_row"], 1), total)], cfg.font_size, slack=0)}
    if layout.levels is not None:
        rows = level_summary_rows(layout)
        names = {rows[k]: v for k, v in labels.items() if k in rows}
        from xlbridge.core.levels import rule_of
        note = rule_of(layout.framework).chuan_quoc_gia_note or ""
        for r, first in level_block_merges(layout):
            label = names.get(r, "") if first == 2 else ""
            default = cfg.labels.get("level_written_by_kdcl", "") if first == 2 else note
            value = _text(grid, sheet, r, first) or default
            span = total - (widths[1] if first == 2 else 0)
            out[r] = row_height([(label, widths[1]), (value, span)], cfg.font_size, bold=True, slack=0)
    return out


def workbook_heights(grid: Grid, layout: Layout) -> list[tuple[str, int, float]]:
    """(sheet, row, height) for every row with wrapped text that users or kdcl write."""
    cfg = config()
    out: list[tuple[str, int, float]] = []
    for sl in layout.sheets:
        if sl.name in grid:
            out += [(sl.name, r, h) for r, h in standard_heights(grid, sl).items()]
    if cfg.sheets["info"] in grid:
        out += [(cfg.sheets["info"], r, h) for r, h in info_heights(grid).items()]
    plain: Sequence[tuple[str, int, dict[int, float]]] = (
        (cfg.sheets["check"], CHECK_HEADER_ROW + 1, {i + 1: float(w) for i, (_k, _h, w) in enumerate(CHECK_COLUMNS)}),
        (cfg.sheets["report"], REPORT_FIRST_ROW, {1: float(REPORT_WIDTH)}),
    )
    for sheet, first, widths in plain:
        if sheet in grid:
            out += [(sheet, r, h) for r, h in table_heights(grid, sheet, first, widths).items()]
    if cfg.sheets["summary"] in grid:
        out += [(cfg.sheets["summary"], r, h) for r, h in summary_heights(grid, layout).items()]
    return out

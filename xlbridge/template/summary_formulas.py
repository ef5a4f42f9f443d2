"""The "Tổng hợp" sheet: live Excel formulas per standard, a chart, plus cells that `kiem-tra` fills.

The formulas count exactly what `xlbridge.core.summary` counts (items = rows with any input,
status = the latest review's recognised status, typed as its name or any alias), so the sheet
and the Python summary agree; tests edit real workbooks in LibreOffice and compare. Everything
about statuses comes from the vocabulary: the texts that mean each status are written to the
hidden `_kdcl` sheet and the formulas look them up there, so a new alias needs no formula change.

Ranges run one row past the table (a locked, empty row): a row the user inserts directly below
the last row of the last block lands inside the range, as rows inserted inside a block do.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlbridge.core.vntext import fold
from xlbridge.data.vocab import Status, vocab
from xlbridge.layout import (
    SUMMARY_FIRST_WIDTH,
    SUMMARY_HEADER_ROW,
    SUMMARY_WIDTH,
    Config,
    Layout,
    SheetLayout,
    Table,
    column_letter,
    level_block_merges,
    level_summary_rows,
    summary_labels,
    summary_positions,
)
from xlbridge.layout import summary_headers as layout_summary_headers

CHART_SIZE = (640, 220)     # pixels: under the table, on the same A4 page
CHART_ROWS = 12             # rows of 20 px the chart covers (the print area reaches past it)
STATUS_KEYS_ROW = 40        # "_kdcl": from this row down, one column per status (B…), then all of them


def visible_text(expr: str) -> str:
    """Excel expression: `expr` as the reader sees it — without spaces, NBSP, tabs or line breaks at the ends."""
    return f'TRIM(CLEAN(SUBSTITUTE({expr},UNICHAR(160)," ")))'


def summary_headers() -> list[str]:
    """The header row, from the vocabulary and workbook.yaml's labels (`xlbridge.layout.summary_headers`)."""
    return layout_summary_headers(vocab().status_names())


def status_keys(st: Status) -> list[str]:
    """Texts a cell may hold that kdcl reads as `st` (Excel compares case-insensitively): the name,
    the aliases, each without diacritics, each with a trailing full stop."""
    out: dict[str, str] = {}
    for text in (st.name, *st.aliases):
        for variant in (text, fold(text)):
            for v in (variant, variant + "."):
                out.setdefault(v.casefold(), v)
    return list(out.values())


def _keys_column(i: int) -> str:
    return column_letter(2 + i)


def write_status_keys(ws: Worksheet, meta_sheet: str) -> None:
    """The status texts on `_kdcl` (column per status, then one column with every status text)."""
    every: list[str] = []
    statuses = vocab().statuses
    for i, st in enumerate(statuses):
        keys = status_keys(st)
        every += keys
        ws.write_string(STATUS_KEYS_ROW - 2, 1 + i, st.name)
        for j, k in enumerate(keys):
            ws.write_string(STATUS_KEYS_ROW - 1 + j, 1 + i, k)
    ws.write_string(STATUS_KEYS_ROW - 2, 1 + len(statuses), "*")
    for j, k in enumerate(every):
        ws.write_string(STATUS_KEYS_ROW - 1 + j, 1 + len(statuses), k)


def _keys_range(meta_sheet: str, i: int | None) -> str:
    """Where the texts of status `i` (None: of every status) sit on `_kdcl`."""
    statuses = vocab().statuses
    if i is None:
        n, col = sum(len(status_keys(s)) for s in statuses), _keys_column(len(statuses))
    else:
        n, col = len(status_keys(statuses[i])), _keys_column(i)
    return f"'{meta_sheet}'!${col}${STATUS_KEYS_ROW}:${col}${STATUS_KEYS_ROW + n - 1}"


def _range(table: Table, letter: str, sheet: str) -> str:
    """A column of the table, down to the empty row after it (see the module docstring)."""
    return f"'{sheet}'!${letter}${table.first_row}:${letter}${table.last_row + 1}"


def _status_columns(table: Table) -> list[str]:
    """Letters of the status columns, oldest review first."""
    return [p.letter for p in table.inputs() if p.form_column.role == "status"]


def item_count_formula(sl: SheetLayout) -> str:
    table = sl.table("plan")
    assert table is not None
    parts = "&".join(_range(table, p.letter, sl.name) for p in table.inputs())
    return f"=SUMPRODUCT(--(LEN({visible_text(parts)})>0))"


def _is(rng: str, keys: str) -> str:
    """1 where the cell holds one of the status texts in `keys`, else 0 (array, inside SUMPRODUCT)."""
    return f"ISNUMBER(MATCH({visible_text(rng)},{keys},0))"


def status_count_formula(sl: SheetLayout, index: int, meta_sheet: str) -> str:
    """Items whose latest recognised status (last review holding a status text) is status `index`."""
    table = sl.table("plan")
    assert table is not None
    letters = _status_columns(table)
    if not letters:
        return "=0"
    rng = [_range(table, x, sl.name) for x in letters]
    mine, anyone = _keys_range(meta_sheet, index), _keys_range(meta_sheet, None)
    terms, none_after = [], ""
    for i in range(len(rng) - 1, -1, -1):
        terms.append(f"{none_after}{_is(rng[i], mine)}")
        none_after += f"(1-{_is(rng[i], anyone)})*"
    return f"=SUMPRODUCT({'+'.join('(' + t + ')*1' for t in terms)})"


def write_summary(ws: Worksheet, wb: Workbook, layout: Layout, cfg: Config, st, school_line: str) -> None:
    headers = summary_headers()
    statuses = vocab().status_names()
    meta = cfg.sheets["meta"]
    ws.write_string(0, 0, "TỔNG HỢP TÌNH HÌNH THỰC HIỆN KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG", st.title)
    ws.write_formula(1, 0, '="Trường: "&kdcl_ten_truong&" — Năm học "&kdcl_nam_hoc', st.subtitle, school_line)
    h = SUMMARY_HEADER_ROW - 1
    for j, text in enumerate(headers):
        ws.write_string(h, j, text, st.header)
        ws.set_column(j, j, SUMMARY_FIRST_WIDTH if j == 0 else SUMMARY_WIDTH)
    n_status = len(statuses)
    pos = summary_positions(layout, n_status)          # 1-based, the same cells kiem-tra fills; 0-based here
    col_items, col_first_status = pos["items_col"] - 1, pos["first_status_col"] - 1
    col_none, col_pct = pos["no_status_col"] - 1, pos["pct_col"] - 1
    col_money, col_overdue = pos["money_col"] - 1, pos["overdue_col"] - 1
    rows = []
    for i, sl in enumerate(layout.sheets):
        r = h + 1 + i
        rows.append(r)
        ws.write_string(r, 0, sl.name, st.number)
        ws.write_formula(r, col_items, item_count_formula(sl), st.number, 0)
        for k in range(n_status):
            ws.write_formula(r, col_first_status + k, status_count_formula(sl, k, meta), st.number, 0)
        _tail(ws, r, col_items, col_first_status, col_none, col_pct, st.number, st.percent)
        ws.write_blank(r, col_money, None, st.money_out)
        ws.write_blank(r, col_overdue, None, st.count_out)
    total = rows[-1] + 1
    ws.write_string(total, 0, summary_labels()["total"], st.total)
    for c in range(col_items, col_none):
        L = column_letter(c + 1)
        ws.write_formula(total, c, f"=SUM({L}{rows[0] + 1}:{L}{rows[-1] + 1})", st.total, 0)
    _tail(ws, total, col_items, col_first_status, col_none, col_pct, st.total, st.total_pct)
    ws.write_blank(total, col_money, None, st.money_out)
    ws.write_blank(total, col_overdue, None, st.count_out)
    note = total + 2
    last_col = len(headers) - 1
    ws.merge_range(note, 0, note, last_col, note_text(), st.hint)
    ws.merge_range(note + 1, 0, note + 1, last_col, "", st.out)    # kdcl writes "Cập nhật lúc …" here
    for r, first in level_block_merges(layout):
        ws.merge_range(r - 1, first - 1, r - 1, last_col, "", st.out)   # levels_sheet writes into the first cell
    _chart(ws, wb, cfg, rows, col_pct, chart_row(layout))


def chart_row(layout: Layout) -> int:
    """0-based row of the chart's top: under the stamp line, or under the level block."""
    if layout.levels is not None:
        return level_summary_rows(layout)["note"] + 1
    return summary_positions(layout, len(vocab().statuses))["stamp_row"] + 1


def note_text() -> str:
    """The explanation under the table, from the vocabulary (which statuses count how)."""
    done = " + ".join(s.name for s in vocab().done_statuses())
    cancelled = " − ".join(s.name for s in vocab().cancelled_statuses())
    base = f"(Số nội dung − {cancelled})" if cancelled else "Số nội dung"
    return ("Các cột Số nội dung … Tỉ lệ hoàn thành là công thức, tự tính khi nhập; trạng thái ghi theo cách viết khác "
            f"trong danh sách vẫn được tính. Tỉ lệ hoàn thành = {done} / {base}. "
            "Hai cột kinh phí và quá hạn do kdcl tính khi bấm Kiểm tra.")


def _chart(ws: Worksheet, wb: Workbook, cfg: Config, rows: list[int], col_pct: int, at_row: int) -> None:
    """Completion rate by standard, as a column chart under the table (printed with it)."""
    sheet = cfg.sheets["summary"]
    chart = wb.add_chart({"type": "column"})
    first, last = rows[0], rows[-1]
    chart.add_series({
        "name": summary_labels()["completion"],
        "categories": [sheet, first, 0, last, 0],
        "values": [sheet, first, col_pct, last, col_pct],
        "fill": {"color": "#" + cfg.colors["title"]},
    })
    chart.set_title({"name": "Tỉ lệ hoàn thành theo tiêu chuẩn", "name_font": {"name": cfg.font, "size": 12}})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": {"name": cfg.font, "size": 10},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {"name": cfg.font, "size": 10}})
    chart.set_legend({"none": True})
    chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
    ws.insert_chart(at_row, 0, chart, {"x_offset": 4, "y_offset": 4})


def _tail(ws, r, col_items, col_first_status, col_none, col_pct, fmt, pct_fmt):
    """"Chưa cập nhật" and the completion rate of row `r`, from the vocabulary's done/cancelled sets."""
    row = r + 1
    letter = lambda c: column_letter(c + 1)  # noqa: E731
    names = vocab().status_names()
    first, last = letter(col_first_status), letter(col_first_status + len(names) - 1)
    items = f"{letter(col_items)}{row}"
    ws.write_formula(r, col_none, f"={items}-SUM({first}{row}:{last}{row})", fmt, 0)
    cell = lambda s: f"{letter(col_first_status + names.index(s.name))}{row}"  # noqa: E731
    excluded = "".join(f"-{cell(s)}" for s in vocab().cancelled_statuses())
    done = "+".join(cell(s) for s in vocab().done_statuses())
    ws.write_formula(r, col_pct, f'=IF(({items}{excluded})=0,"",({done})/({items}{excluded}))', pct_fmt, "")

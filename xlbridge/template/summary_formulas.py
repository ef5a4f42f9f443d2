"""The "Tổng hợp" sheet: live Excel formulas per standard, plus cells that `kiem-tra` fills.

The formulas count exactly what `xlbridge.core.summary` counts (items = rows with any input,
status = the latest review's status), so the sheet and the Python summary agree; a test
recalculates the sheet in LibreOffice and compares.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xlbridge.data.vocab import vocab
from xlbridge.layout import SUMMARY_HEADER_ROW, Config, Layout, SheetLayout, Table

FIXED_HEADERS = ["Tiêu chuẩn", "Số nội dung"]
TAIL_HEADERS = ["Chưa cập nhật trạng thái", "Tỉ lệ hoàn thành"]
PY_HEADERS = ["Dự kiến kinh phí (đồng)", "Nội dung quá hạn"]


def visible_text(expr: str) -> str:
    """Excel expression: `expr` as the reader sees it — without spaces, NBSP, tabs or line breaks at the ends."""
    return f'TRIM(CLEAN(SUBSTITUTE({expr},UNICHAR(160)," ")))'


def summary_headers() -> list[str]:
    return FIXED_HEADERS + vocab().status_names() + TAIL_HEADERS + PY_HEADERS


def _range(table: Table, letter: str, sheet: str) -> str:
    return f"'{sheet}'!${letter}${table.first_row}:${letter}${table.last_row}"


def _status_columns(table: Table) -> list[str]:
    """Letters of the status columns, oldest review first."""
    return [p.letter for p in table.inputs() if p.column.role == "status"]


def item_count_formula(sl: SheetLayout) -> str:
    table = sl.table("plan")
    parts = "&".join(_range(table, p.letter, sl.name) for p in table.inputs())
    return f"=SUMPRODUCT(--(LEN({visible_text(parts)})>0))"


def status_count_formula(sl: SheetLayout, status: str) -> str:
    """Items whose latest status (last review with a value) equals `status`."""
    table = sl.table("plan")
    letters = _status_columns(table)
    if not letters:
        return "=0"
    rng = [_range(table, x, sl.name) for x in letters]
    terms, empty_after = [], ""
    for i in range(len(rng) - 1, -1, -1):
        terms.append(f"{empty_after}(TRIM({rng[i]})=\"{status}\")")
        empty_after += f"(LEN({visible_text(rng[i])})=0)*"
    return f"=SUMPRODUCT({'+'.join(terms)})"


def write_summary(ws: Worksheet, layout: Layout, cfg: Config, st) -> None:
    headers = summary_headers()
    statuses = vocab().status_names()
    ws.write_string(0, 0, "TỔNG HỢP TÌNH HÌNH THỰC HIỆN KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG", st.title)
    ws.write_formula(1, 0, '="Trường: "&kdcl_ten_truong&" — Năm học "&kdcl_nam_hoc', st.subtitle)
    h = SUMMARY_HEADER_ROW - 1
    ws.set_row(h, 45)
    for j, text in enumerate(headers):
        ws.write_string(h, j, text, st.header)
        ws.set_column(j, j, 24 if j == 0 else 13)
    n_status = len(statuses)
    col_items, col_first_status = 1, 2
    col_none, col_pct = 2 + n_status, 3 + n_status
    col_money, col_overdue = col_pct + 1, col_pct + 2
    not_done = statuses.index("Không thực hiện") if "Không thực hiện" in statuses else None
    done = next(i for i, s in enumerate(vocab().statuses) if s.done)
    letter = lambda c: chr(ord("A") + c)  # noqa: E731 — fewer than 26 columns here
    rows = []
    for i, sl in enumerate(layout.sheets):
        r = h + 1 + i
        rows.append(r)
        ws.write_string(r, 0, sl.name, st.number)
        ws.write_formula(r, col_items, item_count_formula(sl), st.number)
        for k, status in enumerate(statuses):
            ws.write_formula(r, col_first_status + k, status_count_formula(sl, status), st.number)
        _tail(ws, r, col_items, col_first_status, n_status, col_none, col_pct, done, not_done, letter, st.number, st.percent)
        ws.write_blank(r, col_money, None, st.money_out)
        ws.write_blank(r, col_overdue, None, st.count_out)
    total = rows[-1] + 1
    ws.write_string(total, 0, "Tổng cộng", st.total)
    for c in range(col_items, col_none):
        L = letter(c)
        ws.write_formula(total, c, f"=SUM({L}{rows[0] + 1}:{L}{rows[-1] + 1})", st.total)
    _tail(ws, total, col_items, col_first_status, n_status, col_none, col_pct, done, not_done, letter, st.total, st.total_pct)
    ws.write_blank(total, col_money, None, st.money_out)
    ws.write_blank(total, col_overdue, None, st.count_out)
    note = total + 2
    ws.write_string(note, 0, "Các cột Số nội dung … Tỉ lệ hoàn thành là công thức, tự tính khi nhập. "
                    "Tỉ lệ hoàn thành = Hoàn thành / (Số nội dung − Không thực hiện). "
                    "Hai cột kinh phí và quá hạn do kdcl tính khi bấm Kiểm tra.", st.hint)
    ws.write_blank(note + 1, 0, None, st.out)     # kdcl writes "Cập nhật lúc …" here
    ws.protect(cfg.password, {"format_cells": True, "format_columns": True, "format_rows": True,
                              "select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _tail(ws, r, col_items, col_first_status, n_status, col_none, col_pct, done, not_done, letter, fmt, pct_fmt):
    row = r + 1
    first, last = letter(col_first_status), letter(col_first_status + n_status - 1)
    items = f"{letter(col_items)}{row}"
    ws.write_formula(r, col_none, f"={items}-SUM({first}{row}:{last}{row})", fmt)
    excluded = f"-{letter(col_first_status + not_done)}{row}" if not_done is not None else ""
    done_cell = f"{letter(col_first_status + done)}{row}"
    ws.write_formula(r, col_pct, f'=IF(({items}{excluded})=0,"",{done_cell}/({items}{excluded}))', pct_fmt)

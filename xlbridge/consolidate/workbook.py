"""The consolidation workbook, written with XlsxWriter row by row (constant memory), then moved into place.

Text from the schools is always written as text (`write_string`): a school name or a message that
starts with "=" must never become a formula in the officer's workbook.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from xlbridge.consolidate.tables import OutTable
from xlbridge.consolidate.texts import texts
from xlbridge.layout import config

TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2          # 0-based: title, one line of notes, header, data below
WRAPPED = {"ten_truong", "noi_dung", "cach_sua", "ly_do", "cach_xu_ly", "tieu_chi", "nguon", "nguon_giu", "tep", "tep_giu",
           "giai_doan", "bo_tieu_chuan"}
NUMBER_FORMATS = {"int": "0", "pct": "0.0%", "money": "#,##0", "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        cfg = config()
        base = {"font_name": cfg.font, "font_size": cfg.font_size - 1, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": cfg.font_size + 1,
                                    "font_color": f"#{cfg.colors['title']}"})
        self.note = wb.add_format({**base, "italic": True})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "align": "center",
                                     "valign": "vcenter", "bg_color": f"#{cfg.colors['header']}"})
        self.cells = {kind: wb.add_format({**base, "num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
        self.text = wb.add_format(base)
        self.wrapped = wb.add_format({**base, "text_wrap": True})


def write_workbook(tables: list[OutTable], dst: Path, note: str) -> dict[str, int]:
    """Write every table on its sheet (and the chart) to `dst` atomically; returns rows written per table."""
    fd, tmp = tempfile.mkstemp(prefix=".kdcl-", suffix=".xlsx", dir=dst.parent)
    os.close(fd)
    counts: dict[str, int] = {}
    try:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
        fmt = _Formats(wb)
        for table in tables:
            ws = wb.add_worksheet(table.sheet)
            counts[table.key] = _write_table(ws, table, fmt, note if table.key == "danh_sach" else "")
            if table.key == "theo_tieu_chuan" and counts[table.key]:
                _chart(wb, ws, table, counts[table.key])
        wb.close()
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return counts


def _write_table(ws, table: OutTable, fmt: _Formats, note: str) -> int:
    ws.write_string(TITLE_ROW, 0, table.title, fmt.title)
    if note:
        ws.write_string(NOTE_ROW, 0, note, fmt.note)
    ws.set_row(HEADER_ROW, 45)
    for j, col in enumerate(table.columns):
        ws.set_column(j, j, col.width)
        ws.write_string(HEADER_ROW, j, col.header, fmt.header)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.set_landscape()                       # printing: A4 across, every column on the page, header on each page
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    n = 0
    for n, values in enumerate(table.rows(), 1):
        r = HEADER_ROW + n
        for j, (col, v) in enumerate(zip(table.columns, values, strict=True)):
            _cell(ws, r, j, col.type, col.key, v, fmt)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n, 1), len(table.columns) - 1)
    return n


def _cell(ws, r: int, c: int, kind: str, key: str, v: object, fmt: _Formats) -> None:
    if v is None or v == "":
        return
    if kind == "text":
        ws.write_string(r, c, str(v), fmt.wrapped if key in WRAPPED else fmt.text)
    elif kind in ("date", "datetime") and isinstance(v, (date, datetime)):
        ws.write_datetime(r, c, v if isinstance(v, datetime) else datetime(v.year, v.month, v.day), fmt.cells[kind])
    else:
        ws.write_number(r, c, v, fmt.cells[kind])


def _chart(wb, ws, table: OutTable, n: int) -> None:
    """Completion by standard: a column chart beside the table (categories: framework and standard)."""
    keys = [c.key for c in table.columns]
    value_col, name_col, fw_col = keys.index("ti_le_hoan_thanh"), keys.index("tieu_chuan"), keys.index("bo_tieu_chuan")
    first, last = HEADER_ROW + 1, HEADER_ROW + n
    chart = wb.add_chart({"type": "column"})
    chart.add_series({
        "name": texts().chart["title"],
        "categories": [ws.name, first, min(fw_col, name_col), last, max(fw_col, name_col)],
        "values": [ws.name, first, value_col, last, value_col],
        "data_labels": {"value": True, "num_format": "0%"},
    })
    chart.set_title({"name": texts().chart["title"]})
    chart.set_y_axis({"name": texts().chart["axis"], "min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 380})
    ws.insert_chart(HEADER_ROW + n + 3, 0, chart)

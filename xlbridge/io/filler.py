"""Fill a template's input cells from plain data, as a user would type them (demo, tests, import).

Data shape (the same as the fixtures in tests/fixtures): {"info": {key: value}, "lists": {key:
[{col: value}]}, "items": [{"criterion": "1.2", "values": {column key: value}}], "issues": [...]}.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from xlbridge.data.forms import Column
from xlbridge.errors import KdclError
from xlbridge.io.writer import save_atomic
from xlbridge.layout import Layout, SheetLayout, Table


def _inputs(table: Table) -> list[tuple[int, Column]]:
    """(column index, form column) of the table's input columns."""
    return [(p.index, p.column) for p in table.inputs() if p.column is not None]


def _table(sl: SheetLayout, key: str, missing: str) -> Table:
    """The sheet's table `key`; `missing` is the error kind saying which table the template lacks."""
    table = sl.table(key)
    if table is None:
        raise KdclError(kind=missing, sheet=sl.name)
    return table


def _free_rows(table: Table, ws, rows: list[int]) -> list[int]:
    return [r for r in rows if all(ws.cell(r, p.index).value in (None, "") for p in table.inputs())]


def _fit(ws, row: int, table: Table) -> None:
    """Size the row to its text, as Excel does when a person types into a wrapped cell."""
    from xlbridge.template.builder import row_height
    cells: list[tuple[str, float]] = [(str(ws.cell(row, index).value or ""), col.width) for index, col in _inputs(table)]
    ws.row_dimensions[row].height = row_height(cells)


def fill_workbook(src: Path, dst: Path, layout: Layout, data: dict) -> list[tuple[str, int]]:
    """Type `data` into a copy of the template; returns (sheet, row) of each item, in order."""
    wb = openpyxl.load_workbook(src)
    fill_info(wb[layout.info.sheet], layout, data.get("info") or {}, data.get("lists") or {})
    placed = [fill_item(wb, layout, item) for item in data.get("items") or []]
    for issue in data.get("issues") or []:
        fill_issue(wb, layout, issue)
    fill_levels(wb, layout, data.get("levels") or {})
    save_atomic(wb, Path(dst))
    return placed


def fill_info(ws, layout: Layout, fields: dict, lists: dict) -> None:
    """The "Thông tin" fields (column B) and the editable columns of its lists."""
    from xlbridge.data.forms import info_form
    for key, value in fields.items():
        if key in layout.info.field_rows and value not in (None, ""):
            ws.cell(layout.info.field_rows[key], 2).value = value
    for lst in info_form().lists:
        entries = lists.get(lst.key) or []
        first = layout.info.list_rows[lst.key][2]
        if len(entries) > layout.info.list_sizes[lst.key]:
            raise KdclError(kind="danh-sach-qua-dai", title=lst.title, key=lst.key, count=len(entries),
                            size=layout.info.list_sizes[lst.key])
        for i, entry in enumerate(entries):
            for j, (key, _h, locked, _w) in enumerate(lst.columns):
                if not locked and entry.get(key) not in (None, ""):
                    ws.cell(first + i, 2 + j).value = entry[key]


def _item_rows(ws, table: Table, code: str) -> list[int]:
    """The empty input rows an item of criterion `code` may go to: its block, or the sheet's plan table."""
    if table.criteria:
        block = next(b for b in table.criteria if b.criterion.code == code)
        return _free_rows(table, ws, list(block.item_rows))
    return _free_rows(table, ws, list(range(table.first_row, table.last_row + 1)))


def _type_row(ws, row: int, table: Table, values: dict) -> None:
    for index, col in _inputs(table):
        if values.get(col.key) not in (None, ""):
            ws.cell(row, index).value = values[col.key]
    _fit(ws, row, table)


def fill_item(wb, layout: Layout, item: dict) -> tuple[str, int]:
    """One plan item in the first empty row for its criterion; returns (sheet, row)."""
    fw, code = layout.framework, item["criterion"]
    crit = fw.criterion(code)
    if crit is None:
        raise KdclError(kind="tieu-chi-khong-co", code=code, thong_tu=fw.number)
    sl = next(s for s in layout.sheets if s.standard == crit.standard)
    ws, table = wb[sl.name], _table(sl, "plan", "mau-thieu-bang-ke-hoach")
    rows = _item_rows(ws, table, code)
    if not rows:
        raise KdclError(kind="het-dong-tieu-chi", code=code, sheet=sl.name)
    values = dict(item["values"])
    crit_col = next((col for _i, col in _inputs(table) if col.role == "criterion"), None)
    if crit_col is not None:
        values.setdefault(crit_col.key, code)
    _type_row(ws, rows[0], table, values)
    return sl.name, rows[0]


def fill_issue(wb, layout: Layout, issue: dict) -> None:
    """One "vấn đề trọng tâm" (TT57) in the first empty row of its standard's issues table."""
    sl = next(s for s in layout.sheets if s.standard == int(issue["standard"]))
    ws, table = wb[sl.name], _table(sl, "issues", "mau-thieu-bang-van-de")
    rows = _free_rows(table, ws, list(range(table.first_row, table.last_row + 1)))
    if not rows:
        raise KdclError(kind="het-dong-van-de", sheet=sl.name)
    _type_row(ws, rows[0], table, issue["values"])


def fill_levels(wb, layout: Layout, levels: dict) -> None:
    """Type criterion levels into "Mức đánh giá": {code: {"current": "Mức 2", "target": "Mức 3"}}."""
    ll = layout.levels
    if ll is None or not levels or ll.sheet not in wb.sheetnames:
        return
    ws = wb[ll.sheet]
    for code, values in levels.items():
        row = ll.row_of(code)
        if row is None:
            raise KdclError(kind="tieu-chi-khong-co", code=code, thong_tu=layout.framework.number)
        for key, col in (("current", ll.current_col), ("target", ll.target_col)):
            if values.get(key) not in (None, ""):
                ws.cell(row, col).value = values[key]

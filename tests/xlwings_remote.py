"""Test harness for the Excel bridge without Excel: xlwings' own remote interpreter.

`payload(path)` builds the JSON that Office.js (xlwings Lite) sends for a workbook — every
sheet's values from A1, empty cells as "", dates as ISO strings, a formula cell as the value Excel
shows (its cached value; "#NAME?" for one never calculated, e.g. text typed with a leading "=") —
`formulas(path)` what Excel's `range.formulas` gives when a script asks for them (the formula text,
else the constant), `serve_formulas` answers the remote interpreter's `get_formula()` from it as
the add-in's client does, and `apply_actions(wb, actions)` replays the returned actions on an
openpyxl workbook the way Excel would, so the end state can be compared with `kdcl kiem-tra --out`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")   # PolyForm Noncommercial: schools' use
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

import xlwings as xw  # noqa: E402  (the environment must be set first)


def _json(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return datetime(value.year, value.month, value.day).isoformat() + ".000Z"
    return value


def _cell_json(cell, cached=None) -> object:
    if cell.data_type == "f":
        value = cached.value if cached is not None else None
        return "#NAME?" if value is None else _json(value)    # never calculated: what Excel shows for "=Kiện toàn…"
    return _json(cell.value)


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    width = max((i + 1 for r in rows for i, v in enumerate(r) if v != ""), default=0)
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    return [r[:width] for r in rows] or [[]]


def payload(path: Path, active: int = 0) -> dict:
    wb = openpyxl.load_workbook(path)
    shown = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        cached = shown[ws.title]
        rows = [[_cell_json(c, cached[c.coordinate] if c.data_type == "f" else None) for c in row]
                for row in ws.iter_rows(min_row=1, min_col=1)]
        sheets.append({"name": ws.title, "values": _trimmed(rows), "pictures": [], "tables": []})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
            "names": [], "sheets": sheets}


def formulas(path: Path) -> dict[str, list[list[object]]]:
    """Excel's `range.formulas` of each sheet from A1: the formula text where there is one, else the constant."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[_formula_json(c) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
            for ws in wb.worksheets}


def _formula_json(cell) -> object:
    if cell.data_type == "f":
        return cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value    # an array formula's text too
    return _json(cell.value)


@contextmanager
def serve_formulas(book_formulas: dict[str, list[list[object]]]):
    """While active, the remote interpreter's `await rng.get_formula()` is answered from `book_formulas`, as the
    add-in's client answers it from Excel (off Pyodide xlwings refuses to ask; in Pyodide the JS side answers)."""
    from xlwings.pro import _xlremote

    async def get_formula(self):
        rows, cols = self.shape
        grid = book_formulas.get(self.sheet.name, [])
        return [[(grid[r][c] if r < len(grid) and c < len(grid[r]) else "")
                 for c in range(self.column - 1, self.column - 1 + cols)] for r in range(self.row - 1, self.row - 1 + rows)]

    original = _xlremote.Range.get_formula
    _xlremote.Range.get_formula = get_formula
    try:
        yield
    finally:
        _xlremote.Range.get_formula = original


def remote_book(path: Path) -> xw.Book:
    return xw.Book(json=payload(path))


def _from_excel(value: object) -> object:
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]              # Excel's text marker
    return value


def apply_actions(wb: openpyxl.Workbook, actions: list[dict]) -> list[str]:
    """Replay Office.js actions; returns the alert texts shown."""
    alerts = []
    for a in actions:
        func = a["func"]
        if func == "alert":
            alerts.append(a["args"][0])
            continue
        ws = wb.worksheets[a["sheet_position"]]
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        cells = [ws.cell(r0 + i, c0 + j) for i in range(a["row_count"]) for j in range(a["column_count"])]
        if func == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    c = ws.cell(r0 + i, c0 + j)
                    c.value = _from_excel(v)
                    if isinstance(c.value, str):
                        c.data_type = "s"
        elif func == "rangeClearContents":
            for c in cells:
                c.value = None
                c.hyperlink = None
        elif func == "setRangeColor":
            color = a["args"][0].lstrip("#").upper()
            for c in cells:
                c.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        elif func == "addHyperlink":
            target = a["args"][0]
            for c in cells:
                c.hyperlink = Hyperlink(ref=c.coordinate, location=target[1:]) if target.startswith("#") else target
        elif func == "setRowHeight":
            for i in range(a["row_count"]):
                ws.row_dimensions[r0 + i].height = a["args"][0]
        elif func == "setFontProperty":
            prop, value = a["args"][0], a["args"][1]
            for c in cells:
                attrs = {k: getattr(c.font, k) for k in ("name", "size", "bold", "italic", "color")}
                if prop in ("bold", "italic"):
                    attrs[prop] = value
                c.font = Font(**attrs)
        else:
            raise AssertionError(f"action not replayed by the harness: {func}")
    return alerts

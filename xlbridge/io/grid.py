"""A workbook as plain cell values: {sheet name: rows of values}, read once, in one pass.

Every reader (openpyxl here, the xlwings payload in the bridge) produces a Grid, and one function
turns a Grid into the model, so the file path and the Excel button cannot disagree.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import TypeGuard

from xlbridge.errors import UnreadableWorkbook

Grid = dict[str, list[list[object]]]

ERROR_VALUES = frozenset({"#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


def value_at(grid: Grid, sheet: str, row: int, col: int) -> object:
    """Value of a cell (1-based row/col), None outside the used range."""
    rows = grid.get(sheet)
    if rows is None or row < 1 or row > len(rows):
        return None
    line = rows[row - 1]
    return line[col - 1] if 0 < col <= len(line) else None


def is_blank(value: object) -> bool:
    """Nothing a person reads in the cell: `text_of(value) == ""` exactly when this is true."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(value: object) -> str:
    """A cell value as the text a person reads in it (numbers and dates written Vietnamese-style)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.min.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value).strip()


class FormulaText(str):
    """The text of a formula cell (as opposed to a text cell that merely starts with "=")."""


def is_formula(value: object) -> bool:
    return isinstance(value, FormulaText)


def _row_values(row) -> list[object]:
    # an array formula (the template's live counts) comes as an object holding its text
    return [FormulaText(getattr(c.value, "text", c.value)) if c.data_type == "f" else c.value for c in row]


def is_error(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() in ERROR_VALUES


def load_grid(path: str | Path) -> Grid:
    """Read every sheet's values (formulas as their text) without running anything from the file.

    The reader of every kdcl command (kiem-tra, tong-hop): the input is checked before it is parsed (size,
    format, zip bomb, XML entities) and read with python-calamine (see xlbridge.consolidate.fastgrid), in a child
    process with a memory cap (xlbridge.consolidate.isolate): a file that would exhaust memory is refused.
    """
    from xlbridge.consolidate.fastgrid import load_grid_safe
    from xlbridge.consolidate.isolate import read_seconds, run_capped
    return run_capped(Path(path).name, load_grid_safe, path, seconds=read_seconds())


def load_grid_openpyxl(path: str | Path) -> Grid:
    """The same Grid read with openpyxl (read-only): the reference the fast reader is tested against."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if path.is_dir():
        raise UnreadableWorkbook(kind="dau-vao-la-thu-muc", path=path)
    if not path.is_file():
        raise UnreadableWorkbook(kind="khong-tim-thay", path=path)
    if path.suffix.lower() == ".xls":
        raise UnreadableWorkbook(file=path.name,
                                 detail="tệp Excel 97-2003 (.xls) không dùng được; mở bằng Excel và lưu lại dạng .xlsx.")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UnreadableWorkbook(file=path.name, detail="không mở được như một sổ Excel (.xlsx) — tệp hỏng, "
                                 "có mật khẩu, hoặc không phải tệp Excel.") from None
    try:
        return {ws.title: [_row_values(r) for r in ws.iter_rows()] for ws in wb.worksheets}
    except Exception:  # a damaged part inside a valid zip: still a user-facing "cannot read"
        raise UnreadableWorkbook(file=path.name, detail="nội dung sổ bị hỏng, không đọc được.") from None
    finally:
        wb.close()

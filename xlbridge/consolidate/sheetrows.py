"""The data rows of a long consolidation sheet, written as SpreadsheetML text into an XlsxWriter worksheet.

Why not `write_string` per cell: at national scale the Danh sách and Lỗi sheets hold tens of thousands of
cells, and XlsxWriter spends about 7 µs on each (argument decoding, a cell tuple, a per-cell dispatch and
escape) while the pool of readers has already finished: the whole run waits on one core. Here a row is one
formatted string. The text written is exactly what XlsxWriter's constant-memory mode writes (tests compare
the sheet parts byte for byte) with one deliberate difference: XlsxWriter writes a string that starts with
"<r>" and ends with "</r>" as raw rich-text XML, so a school name typed that way could break the officer's
workbook; here every text is text.

It relies on XlsxWriter's constant-memory internals (the row file `row_data_fh`, `previous_row`, the
dimension fields): `fits` says whether the installed XlsxWriter still has them, and the workbook writer
falls back to the per-cell API when it does not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime

from xlsxwriter.utility import xl_col_to_name

STRING_MAX = 32767                      # characters (UTF-16 units) Excel keeps in a cell
_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_DEFAULT_PX = 20                        # XlsxWriter's default row height in pixels (15 pt)


def fits(ws) -> bool:
    """The worksheet is an XlsxWriter constant-memory sheet with the internals this module writes through."""
    return (getattr(ws, "constant_memory", False) and hasattr(ws, "row_data_fh") and hasattr(ws, "previous_row")
            and callable(getattr(ws, "_write_single_row", None)) and callable(getattr(ws, "_convert_date_time", None))
            and getattr(ws, "default_row_height", None) == _DEFAULT_PX == getattr(ws, "original_row_height", None)
            and getattr(ws, "excel_version", 2007) == 2007)


def text_xml(s: str) -> str:
    """The <is> content of an inline string: Excel's _xHHHH_ escapes, XML escapes, whitespace kept."""
    if len(s) > STRING_MAX // 2 and len(s.encode("utf-16-le", "surrogatepass")) // 2 > STRING_MAX:
        s = _utf16_cut(s, STRING_MAX)
    if _ESCAPE.search(s):
        s = _LITERAL_ESCAPE.sub(r"_x005F\1", s)
        s = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", s)
        s = s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if s and (s[0].isspace() or s[-1].isspace()):
        return f'<is><t xml:space="preserve">{s}</t></is>'
    return f"<is><t>{s}</t></is>"


def _utf16_cut(s: str, units: int) -> str:
    """The longest start of `s` within `units` UTF-16 code units (a character beyond U+FFFF counts two)."""
    out, n = [], 0
    for ch in s:
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            break
        out.append(ch)
    return "".join(out)


class RowWriter:
    """Writes rows below the header of one sheet; `kinds[j]` is the column's type ("text" or a number kind),
    `styles[j]` its format. Call `start(first)` once the sheet's own cells above are written, `row()` per
    row in order, then `finish()` before any other write to the sheet."""

    def __init__(self, ws, kinds: list[str], styles: list) -> None:
        self.ws = ws
        self.letters = [xl_col_to_name(j) for j in range(len(kinds))]
        self.xfs = [f' s="{f._get_xf_index()}"' if f is not None else "" for f in styles]
        self.cells: list[Callable[[int, object], str]] = [self._maker(j, k) for j, k in enumerate(kinds)]
        self.last = -1          # the last row given
        self.reach = -1         # the last row written (with a cell or a height)
        self.widest = -1        # the last column with a cell

    def start(self, first: int) -> None:
        self.ws._write_single_row(first)           # what XlsxWriter still holds (the header row) goes out first
        self.last = first - 1
        self.write = self.ws.row_data_fh.write

    def row(self, r: int, values: list, height: float | None = None) -> int:
        """Row `r` (0-based; after the previous one) with its values; `height` in points, None for default.
        Returns XlsxWriter's code: 0 written, -1 outside the worksheet (nothing written)."""
        if r <= self.last:
            raise ValueError(f"row {r + 1} written after row {self.last + 1}")
        if r >= self.ws.xls_rowmax:
            return -1
        if len(values) != len(self.cells):
            raise ValueError(f"row {r + 1} has {len(values)} values for {len(self.cells)} columns")
        cells = []
        for j, v in enumerate(values):
            if v is not None and v != "":
                cells.append(self.cells[j](r, v))
                if j > self.widest:
                    self.widest = j
        self.last = r
        if not cells and height is None:
            return 0
        self.reach = r
        head = f'<row r="{r + 1}"'
        if height is not None:
            px = int(height * 4.0 / 3.0 + 0.5)
            if px != _DEFAULT_PX:
                head += f' ht="{px * 0.75:.16g}" customHeight="1"'
        self.write(f"{head}>{''.join(cells)}</row>" if cells else f"{head}/>")
        return 0

    def finish(self) -> None:
        """Tell the sheet how far its cells reach (its <dimension>) and that these rows are written."""
        ws = self.ws
        if self.reach >= 0 and ws._check_dimensions(self.reach, max(self.widest, 0)):
            raise ValueError(f"row {self.reach + 1} is outside the worksheet")
        ws.previous_row = max(ws.previous_row, self.last + 1)

    def _maker(self, j: int, kind: str) -> Callable[[int, object], str]:
        letter, xf = self.letters[j], self.xfs[j]
        if kind == "text":
            return lambda r, v: f'<c r="{letter}{r + 1}"{xf} t="inlineStr">{text_xml(str(v))}</c>'
        if kind in ("date", "datetime"):
            return lambda r, v: f'<c r="{letter}{r + 1}"{xf}><v>{self._serial(v):.16G}</v></c>'
        return lambda r, v: f'<c r="{letter}{r + 1}"{xf}><v>{_number(v):.16G}</v></c>'

    def _serial(self, v: object) -> float:
        if isinstance(v, datetime):
            return self.ws._convert_date_time(v)
        if isinstance(v, date):
            return self.ws._convert_date_time(datetime(v.year, v.month, v.day))
        return _number(v)


def _number(v: object) -> float:
    """A number cell's value; NaN and infinity have no cell in Excel (XlsxWriter refuses them too)."""
    if not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
        raise ValueError(f"not a number Excel can hold: {v!r}")
    return v

"""The consolidation workbook, written with XlsxWriter row by row (constant memory), then moved into place.

Text from the schools is always written as text (`write_string`): a school name or a message that
starts with "=" must never become a formula in the officer's workbook.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from xlbridge.consolidate import sheetrows
from xlbridge.consolidate.tables import OutTable
from xlbridge.consolidate.texts import texts
from xlbridge.core.textfit import lines_height
from xlbridge.io.atomic import atomic_path
from xlbridge.io.xlsx_text import write_text
from xlbridge.layout import config

TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2          # 0-based: title, one line of notes, header, data below
WRAPPED = {"ten_truong", "noi_dung", "cach_sua", "ly_do", "cach_xu_ly", "tieu_chi", "nguon", "nguon_giu", "tep", "tep_giu",
           "giai_doan", "bo_tieu_chuan", "nguoi_gui"}
MARK = ("kdcl", "tong-hop")
LINE = 14.5                 # points per line of text at the tables' font size
EXCEL_ROWS = 1_048_576      # rows of one worksheet (Excel 2007 and later); XlsxWriter ignores rows past it


class RowLimitError(RuntimeError):
    """A write that XlsxWriter refused (it returns -1 instead of raising): never lose a row silently."""
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
        for f in (self.title, self.note, self.header, *self.cells.values(), self.text, self.wrapped):
            f._get_xf_index()       # style numbers fixed here, not by which cell happens to use a format first


def sheet_capacity(max_rows: int = EXCEL_ROWS) -> int:
    """Data rows that fit on one sheet under the title, note and header rows."""
    return max_rows - HEADER_ROW - 1


def split_sheets(table: OutTable, rows: int, capacity: int) -> list[str]:
    """Sheet names for a table of `rows` rows: "Lỗi", then "Lỗi (2)", "Lỗi (3)"… past Excel's row limit."""
    parts = max(1, -(-rows // capacity))
    return [table.sheet] + [texts().labels["continued_sheet"].format(sheet=table.sheet, n=n)[:31] for n in range(2, parts + 1)]


def split_note(tables: list[OutTable], counts: dict[str, int], capacity: int) -> str:
    """One sentence per table that had to be split, for the note of the first sheet."""
    notes = []
    for table in tables:
        sheets = split_sheets(table, counts.get(table.key, 0), capacity)
        if len(sheets) > 1:
            notes.append(texts().labels["split_note"].format(
                sheet=table.sheet, rows=f"{counts[table.key]:,}".replace(",", "."), sheets="», «".join(sheets)))
    return " ".join(notes)


def publish(src: Path, dst: Path) -> None:
    """Copy a finished workbook over `dst` atomically (absent or complete, never half a file)."""
    import shutil
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)


def write_workbook(tables: list[OutTable], dst: Path, note: str, max_rows: int = EXCEL_ROWS,
                   tmpdir: Path | None = None) -> dict[str, int]:
    """Write every table on its sheet(s) (and the chart) to `dst` atomically; returns rows written per table.
    A table longer than a worksheet continues on further sheets, and the first sheet's note says so.
    `tmpdir`: where xlsxwriter keeps its own temporary files (a run's scratch folder)."""
    capacity = sheet_capacity(max_rows)
    sizes = {t.key: t.count() for t in tables}     # known before writing: constant-memory mode
    note = " ".join(x for x in (note, split_note(tables, sizes, capacity)) if x)
    counts: dict[str, int] = {}
    with atomic_path(dst) as tmp:
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                   "strings_to_numbers": False, **({"tmpdir": str(tmpdir)} if tmpdir is not None else {})}
        wb = xlsxwriter.Workbook(str(tmp), options)
        wb.set_custom_property(MARK[0], MARK[1])        # how a later run knows it may overwrite this file
        fmt = _Formats(wb)
        for table in tables:
            names = split_sheets(table, sizes[table.key], capacity)
            rows = table.rows()
            counts[table.key] = 0
            for i, name in enumerate(names):
                ws = wb.add_worksheet(name)
                counts[table.key] += _write_table(ws, table, rows, fmt, note if table.key == "danh_sach" else "",
                                                  capacity, part=(i + 1, len(names)))
            if table.key == "theo_tieu_chuan" and counts[table.key]:
                _chart(wb, wb.get_worksheet_by_name(names[0]), table)
            if counts[table.key] != sizes[table.key]:
                raise RowLimitError(f"{table.sheet}: {counts[table.key]} of {sizes[table.key]} rows written")
        wb.close()
    return counts


def is_consolidation(path: Path) -> bool:
    """The file is a consolidation workbook written by kdcl (its custom property says so). Any received file is
    asked this, so the part is read as every received part is: zip directory checked first (sizes, ratios: a
    bomb is never inflated), the part bounded and CRC-checked, a DTD refused."""
    from xlbridge.consolidate.package import Rejected, _check_directory, _PartReader
    if not _may_have_custom_part(path):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_directory(infos, path.name)
            entries = {i.filename: i for i in infos}
            if "docProps/custom.xml" not in entries:
                return False
            custom = _PartReader(z, entries, path.name).read("docProps/custom.xml")
    except (Rejected, OSError, KeyError, ValueError, EOFError, NotImplementedError, zipfile.BadZipFile,
            zipfile.LargeZipFile):
        return False
    return f'name="{MARK[0]}"'.encode() in custom and f">{MARK[1]}<".encode() in custom


def _write_table(ws, table: OutTable, rows, fmt: _Formats, note: str, capacity: int, part: tuple[int, int] = (1, 1)) -> int:
    """Up to `capacity` rows of the iterator `rows` on one sheet; returns how many were written."""
    title = table.title if part[0] == 1 else texts().labels["continued_title"].format(title=table.title, n=part[0],
                                                                                      of=part[1])
    ws.write_string(TITLE_ROW, 0, title, fmt.title)
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
    wrapped = [j for j, c in enumerate(table.columns) if c.key in WRAPPED]
    size = config().font_size
    kinds = [c.type for c in table.columns]
    put = _row_writer(ws, table, fmt, kinds)
    n = 0
    for n, values in enumerate(rows, 1):
        r = HEADER_ROW + n
        height = lines_height([(str(values[j] or ""), table.columns[j].width) for j in wrapped], size, LINE)
        if put(r, values, height if height > LINE + 4 else None) == -1:
            raise RowLimitError(f"{ws.name}: row {r + 1} refused")
        if n % 2000 == 0:
            _forget_written_rows(ws, r)
        if n == capacity:
            break
    put(-1, [], None)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n, 1), len(table.columns) - 1)
    return n


def _row_writer(ws, table: OutTable, fmt: _Formats, kinds: list[str]):
    """`put(r, values, height)` for the table's rows; `put(-1, …)` ends them. The fast SpreadsheetML writer
    when this XlsxWriter has the internals it needs, else XlsxWriter's per-cell API (same cells)."""
    styles = [(fmt.wrapped if c.key in WRAPPED else fmt.text) if c.type == "text" else fmt.cells[c.type]
              for c in table.columns]
    if sheetrows.fits(ws):
        out = sheetrows.RowWriter(ws, kinds, styles)
        out.start(HEADER_ROW + 1)

        def fast(r: int, values: list, height: float | None) -> int:
            if r < 0:
                out.finish()
                return 0
            return out.row(r, values, height)
        return fast

    def per_cell(r: int, values: list, height: float | None) -> int:
        if r < 0:
            return 0
        if height is not None:
            ws.set_row(r, height)        # office suites do not fit rows to wrapped text when they open a file
        for j, (col, v) in enumerate(zip(table.columns, values, strict=True)):
            if _cell(ws, r, j, col.type, col.key, v, fmt) == -1:
                return -1
        return 0
    return per_cell


def _forget_written_rows(ws, current: int) -> None:
    """XlsxWriter keeps every set_row() height even in constant-memory mode, where a row is written out as soon as
    the next one starts; drop what was already written, so that memory does not grow with the number of rows."""
    for kept in (getattr(ws, "row_info", None), getattr(ws, "row_sizes", None)):
        if isinstance(kept, dict):
            for row in [row for row in kept if row < current - 1]:
                del kept[row]


def _cell(ws, r: int, c: int, kind: str, key: str, v: object, fmt: _Formats) -> int:
    """XlsxWriter's return code: 0 written, -1 outside the sheet (checked by the caller), -2 string too long."""
    if v is None or v == "":
        return 0
    if kind == "text":
        return write_text(ws, r, c, str(v), fmt.wrapped if key in WRAPPED else fmt.text)
    if kind in ("date", "datetime") and isinstance(v, (date, datetime)):
        return ws.write_datetime(r, c, v if isinstance(v, datetime) else datetime(v.year, v.month, v.day), fmt.cells[kind])
    return ws.write_number(r, c, v, fmt.cells[kind])


def _chart(wb, ws, table: OutTable) -> None:
    """Completion by standard on its own chart sheet: one series per framework (a district may have several:
    tiểu học, THCS, mầm non), categories Tiêu chuẩn 1… (Mức 4), the figures of the "Theo tiêu chuẩn" sheet."""
    keys = [c.key for c in table.columns]
    value_col, name_col, fw_col = keys.index("ti_le_hoan_thanh"), keys.index("tieu_chuan"), keys.index("bo_tieu_chuan")
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(table.rows()):
        groups.setdefault(row[fw_col], []).append(HEADER_ROW + 1 + i)
    longest = max(groups.values(), key=len)
    chart = wb.add_chart({"type": "column"})
    for label, rows in groups.items():
        chart.add_series({
            "name": label,
            "categories": [ws.name, longest[0], name_col, longest[-1], name_col],
            "values": [ws.name, rows[0], value_col, rows[-1], value_col],
            "data_labels": {"value": True, "num_format": "0%"},
        })
    chart.set_title({"name": texts().chart["title"]})
    chart.set_y_axis({"name": texts().chart["axis"], "min": 0, "max": 1, "num_format": "0%",
                      "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    sheet = wb.add_chartsheet(texts().chart["sheet"])
    sheet.set_chart(chart)
    sheet.set_landscape()
    sheet.set_paper(9)


_CUSTOM_PART = b"docProps/custom.xml"
_EOCD = b"PK\x05\x06"
_USUAL_TAIL = 8192          # a workbook's central directory (a few dozen parts) and its end record


def _may_have_custom_part(path: Path) -> bool:
    """False only when the zip's central directory, found from its end record in the file's last 8 KiB (else
    64 KiB), names no custom-properties part — a school's workbook has none, and a folder of thousands is walked
    before reading: one small read instead of opening each zip. Anything unusual (zip64, a directory not in the
    tail) says True."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, 2)
            for reach in (_USUAL_TAIL, 65_557):      # most zips: directory and end record in the last few KiB;
                start = max(0, size - reach)        # else end record (22 bytes) + the longest comment
                f.seek(start)
                tail = f.read()
                if _directory_in(tail, start):
                    break
    except OSError:
        return True
    return _directory_says(tail, start)


def _directory_in(tail: bytes, start: int) -> bool:
    """`tail` (the file from `start`) holds the end record and the whole central directory it points to."""
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return False
    return int.from_bytes(tail[at + 16:at + 20], "little") >= start


def _directory_says(tail: bytes, start: int) -> bool:
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return True
    cd_size = int.from_bytes(tail[at + 12:at + 16], "little")
    cd_offset = int.from_bytes(tail[at + 16:at + 20], "little") - start
    if cd_offset < 0 or cd_offset + cd_size > at or 0xFFFFFFFF in (cd_size, cd_offset + start):
        return True
    return _CUSTOM_PART in tail[cd_offset:cd_offset + cd_size]

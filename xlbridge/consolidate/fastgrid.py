"""Cell values of a verified package as a Grid, read with python-calamine: the reader of every kdcl command.

`kdcl kiem-tra` (through `xlbridge.io.grid.load_grid`) and `kdcl tong-hop` both read here, so they
cannot disagree. The Grid is the one openpyxl gives (`load_grid_openpyxl`, kept as the reference the
tests compare with): formulas as their text ("=…"), Excel errors as their text ("#N/A"), whole
numbers as int, dates as datetime. calamine gives cached results instead of formulas and nothing
for error cells, so those cells are found in the sheet XML (`special_cells`) and put back.
Nothing from the file is executed; the file is never written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from unicodedata import is_normalized as _is_normalized
from xml.etree.ElementTree import Element

from xlbridge.consolidate.package import Package, local, open_package, parse_xml, read_file, short_reason
from xlbridge.consolidate.reasons import Rejected
from xlbridge.consolidate.scan import apply, scan_sheet, scan_strings
from xlbridge.consolidate.storedzip import stored_zip
from xlbridge.core.vntext import nfc
from xlbridge.io.grid import FormulaText, Grid
from xlbridge.layout import column_index, column_letter

MAX_CELL_CHARS = 32767       # Excel's own limit for one cell; longer text can only come from a crafted file
MAX_SHEETS = 40              # a kdcl workbook has about a dozen sheets
MAX_AREA = 1_000_000         # cells from A1 to the farthest value of one sheet: calamine lays them all out
MAX_TOTAL_AREA = 4_000_000
_EXACT_INT = 2 ** 53

Cell = tuple[int, int]        # (row, col), 1-based


def load_grid_safe(path: str | Path) -> Grid:
    path = Path(path)
    return grid_of(read_file(path), path.name)


def grid_of(data: bytes, name: str) -> Grid:
    return package_grid(open_package(data, name))


def package_grid(pkg: Package) -> Grid:
    """Sheets the package holds no part of (opened with `unread`: tong-hop's workers, for the sheets kdcl itself
    fills) are only listed, with an empty grid: their cells are neither scanned nor read."""
    from python_calamine import CalamineWorkbook
    extent = check_extent(pkg)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(_stored(pkg, extent.patches, extent.heads)))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:     # noqa: B036 — calamine's errors and Rust panics (BaseException): a damaged workbook
        raise Rejected("xml-hong", pkg.name, detail=short_reason(exc)) from None
    grid: Grid = {}
    for sheet, part in pkg.sheets:
        if part not in pkg.parts:
            grid[nfc(sheet)] = []
            continue
        try:
            values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:     # noqa: B036
            raise Rejected("xml-hong", pkg.name, detail=f"{sheet}: {short_reason(exc)}") from None
        rows = [_cleaned(row) for row in values]
        for (r, c), value in special_cells(pkg.parts[part], pkg.name, part, part in extent.plain).items():
            _put(rows, r, c, FormulaText(nfc(value)) if isinstance(value, FormulaText) else value)
        grid[nfc(sheet)] = rows
    return grid


@dataclass
class Extent:
    patches: dict[str, list[tuple[int, int, bytes]]] = field(default_factory=dict)   # per part, for calamine's copy
    plain: set[str] = field(default_factory=set)      # sheet parts in the usual spelling (scan.SheetScan.plain)
    heads: dict[str, bytes] = field(default_factory=dict)   # of those, all calamine reads (scan.SheetScan.head)


def check_extent(pkg: Package) -> Extent:
    """Refuse sheets whose values lie so far apart that laying them out would exhaust memory (a few cells at
    A1 and XFD1048576 make a 17-billion-cell range; empty formatted cells do not count, as in calamine), and
    string tables too large; every sheet and the string table are parsed (xlbridge.consolidate.scan), whatever
    their spelling, except sheets left unread (no part in the package), which calamine is never asked for.
    Returns, per part, the byte patches calamine's copy needs (declared counts removed, error values it does not
    know replaced), and which sheets are in the usual spelling."""
    if len(pkg.sheets) > MAX_SHEETS:
        raise Rejected("bang-qua-lon", pkg.name, detail=f"sổ có {len(pkg.sheets)} trang tính (giới hạn {MAX_SHEETS})")
    extent = Extent()
    patches = extent.patches
    total = 0
    for sheet, part in pkg.sheets:
        if part not in pkg.parts:
            continue
        found = scan_sheet(pkg.parts[part], pkg.name, part)
        rows, cols = found.rows, found.cols
        total += rows * cols
        if rows * cols > MAX_AREA or total > MAX_TOTAL_AREA:
            raise Rejected("bang-qua-lon", pkg.name, detail=f"trang «{sheet}» có dữ liệu tới ô {column_letter(cols)}{rows} "
                                                            f"({rows} dòng × {cols} cột)")
        if found.patches:
            patches[part] = found.patches
        if found.plain:
            extent.plain.add(part)
        if found.head is not None:
            extent.heads[part] = found.head
    for part in pkg.strings:
        _count, fix = scan_strings(pkg.parts[part], pkg.name, part)
        if fix:
            patches[part] = fix
    return extent


def _sheet_cells(root: Element) -> Iterator[tuple[int, int, str, Element]]:
    """(row, column, address, element) of every <c> of a parsed sheet; rows and cells may lack addresses,
    in which case they follow the previous one, as Excel reads them."""
    data = next((el for el in root if local(el.tag) == "sheetData"), None)
    row_no = 0
    for row in data if data is not None else ():
        if local(row.tag) != "row":
            continue
        row_no = int(row.get("r", "")) if (row.get("r") or "").isdigit() else row_no + 1
        col_no = 0
        for c in row:
            if local(c.tag) != "c":
                continue
            coord = c.get("r")
            if coord and _COORD.fullmatch(coord):
                r, col_no = _cell(coord)
            else:
                r, col_no = row_no, col_no + 1
                coord = f"{column_letter(col_no)}{r}"
            yield r, col_no, coord, c


def _stored(pkg: Package, patches: dict[str, list[tuple[int, int, bytes]]] | None = None,
            heads: dict[str, bytes] | None = None) -> bytes:
    """A fresh zip holding only the verified parts, uncompressed: calamine sees exactly what was checked
    (with `patches` applied: what check_extent found it must not be given; of a sheet with a `head`, only that:
    the part up to the end of its cells, which is all calamine reads, and its patches lie within it)."""
    parts: dict[str, bytes] = {}
    same: dict[str, int] = {}
    for part, data in pkg.parts.items():
        given = apply((heads or {}).get(part, data), (patches or {}).get(part, []))
        parts[part] = given
        if given is data and part in pkg.crcs:
            same[part] = pkg.crcs[part]
    return stored_zip(parts, same)


def _cleaned(row: Sequence[object]) -> list[object]:
    """One row of calamine's values as openpyxl gives them; most cells of a template's row are empty ('')."""
    if row.count("") == len(row):
        return [None] * len(row)
    return [None if v == "" else v if type(v) is str and len(v) <= MAX_CELL_CHARS and _is_normalized("NFC", v)
            else _clean(v) for v in row]       # the usual text inline: a district reads millions of cells


def _clean(v: object) -> object:
    """calamine's value as openpyxl gives it: '' → None, 5.0 → 5, date → datetime; text capped and in NFC."""
    if type(v) is str:
        return nfc(v if len(v) <= MAX_CELL_CHARS else v[:MAX_CELL_CHARS]) if v else None
    if type(v) is float:
        return int(v) if v.is_integer() and -_EXACT_INT < v < _EXACT_INT else v
    if type(v) is date:
        return datetime(v.year, v.month, v.day)
    return v


def _put(rows: list[list[object]], r: int, c: int, value: object) -> None:
    while len(rows) < r:
        rows.append([None] * (len(rows[0]) if rows else 0))
    line = rows[r - 1]
    if len(line) < c:
        line.extend([None] * (c - len(line)))
    line[c - 1] = value


# ---- formula and error cells, from the sheet XML ------------------------------------------------------

_SHEETDATA = re.compile(rb"<([\w.-]+:)?sheetData[\s/>]")
_ERROR_HINT = re.compile(rb"""t\s*=\s*["']e["']""")
_F_PLAIN = re.compile(rb"<f[\s>/]")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COORD = re.compile(r"([A-Z]{1,3})([0-9]+)")
_CELL_R = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[\s/>]')
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def special_cells(xml: bytes, name: str = "", part: str = "", plain: bool = False) -> dict[Cell, object]:
    """Formula cells ("=" + formula, shared formulas translated) and error cells ("#N/A") of one sheet.

    The fast path looks only at the `<f>` elements and `t="e"` cells inside sheetData (a plain byte
    search; cells cannot nest and `<f>` is a cell's first child); anything unusual — comments, CDATA,
    cells without an address — goes to `special_cells_exact`, a full parse with defusedxml. `plain`: the
    scan already proved the sheet free of comments, CDATA, processing instructions and error cells.
    """
    m = _SHEETDATA.search(xml)
    if m is None:
        return {}
    prefix = m.group(1) or b""
    start = m.end()
    end = xml.find(b"</" + prefix + b"sheetData>", start)
    end = len(xml) if end < 0 else end
    f_re = _F_PLAIN if not prefix else re.compile(b"<" + re.escape(prefix) + rb"f[\s>/]")
    errors = not plain and _ERROR_HINT.search(xml, start, end) is not None     # cheap: most sheets have none
    e_re = re.compile(b"<" + re.escape(prefix) + rb"""c\s[^>]*?\bt\s*=\s*["']e["']""") if errors else None
    if f_re.search(xml, start, end) is None and not errors:
        return {}
    if not plain and (xml.find(b"<!--") >= 0 or xml.find(b"<![CDATA[") >= 0 or xml.find(b"<?", start, end) >= 0):
        return special_cells_exact(xml, name, part)
    try:
        return _fast(xml, prefix, start, end, f_re, e_re)
    except (_Unusual, UnicodeDecodeError, ValueError, OverflowError):
        return special_cells_exact(xml, name, part)


class _Unusual(Exception):
    """The fast path met XML it does not handle; the exact path reads this sheet."""


def _fast(xml: bytes, prefix: bytes, start: int, end: int, f_re: re.Pattern, e_re: re.Pattern | None) -> dict[Cell, object]:
    out: dict[Cell, object] = {}
    shared: dict[str | None, object] = {}
    c_open, c_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    f_elem = re.compile(b"<" + re.escape(prefix) + rb"f\b([^>]*?)(?:/>|>(.*?)</" + re.escape(prefix) + rb"f>)", re.S)
    found: list[tuple[str, dict[str, str], bytes | None]] = []
    for fm in f_re.finditer(xml, start, end):
        near = max(start, fm.start() - 512)                  # <f> is the cell's first child: its tag is just before
        cell_at = max(xml.rfind(c_open + b" ", near, fm.start()), xml.rfind(c_open + b">", near, fm.start()))
        if cell_at < 0:
            raise _Unusual
        tag_end = xml.find(b">", cell_at)
        if xml.find(c_close, tag_end, fm.start()) >= 0 or xml[tag_end + 1:fm.start()].strip():
            raise _Unusual                                 # <f> outside a cell, or not its first child
        usual = _CELL_R.match(xml, cell_at) if not prefix else None   # the address first, as writers put it
        coord = usual.group(1).decode() if usual is not None else _attrs(xml[cell_at:tag_end]).get("r")
        el = f_elem.match(xml, fm.start())
        if coord is None or el is None or (usual is None and _COORD.fullmatch(coord) is None):
            raise _Unusual
        found.append((coord, _attrs(el.group(1)) if el.group(1).strip() else {}, el.group(2)))
    texts = _decode([raw for _c, _a, raw in found if raw])
    for coord, attrs, raw in found:                        # in document order: a shared formula's first cell first
        out[_cell(coord)] = formula_value(next(texts) if raw else None, attrs, coord, shared)
    for em in e_re.finditer(xml, start, end) if e_re is not None else ():
        tag_end = xml.find(b">", em.start())
        coord = _attrs(xml[em.start():tag_end]).get("r")
        if coord is None or _COORD.fullmatch(coord) is None:
            raise _Unusual
        if _cell(coord) in out or xml[tag_end - 1:tag_end] == b"/":
            continue                                       # a formula's text wins, as in openpyxl; no value
        close = xml.find(c_close, tag_end)
        body = xml[tag_end + 1:close if close >= 0 else end]
        v = re.search(b"<" + re.escape(prefix) + rb"v>(.*?)</" + re.escape(prefix) + b"v>", body, re.S)
        if v is not None:
            out[_cell(coord)] = _unescape(v.group(1).decode("utf-8"))
    return out


def _decode(raws: list[bytes]) -> Iterator[str]:
    """The texts of many formulas at once: one small XML document, so the parser (in C) decodes the character
    references and line ends — a formula naming "Tiêu chuẩn 1" ten times holds thirty of them."""
    if not raws:
        return iter(())
    try:
        root = parse_xml(b"<r>" + b"".join(b"<t>" + raw + b"</t>" for raw in raws) + b"</r>", "", "")
    except Rejected:
        raise _Unusual from None
    if len(root) != len(raws) or any(len(el) for el in root):
        raise _Unusual                                     # markup inside a formula: let the exact parse judge
    return iter([el.text or "" for el in root])


def special_cells_exact(xml: bytes, name: str = "", part: str = "") -> dict[Cell, object]:
    """The same cells as `special_cells`, from a full defusedxml parse (rows and cells may lack addresses)."""
    out: dict[Cell, object] = {}
    shared: dict[str | None, object] = {}
    for r, col_no, coord, c in _sheet_cells(parse_xml(xml, name, part)):
        f = next((ch for ch in c if local(ch.tag) == "f"), None)
        if f is not None:
            out[(r, col_no)] = formula_value(f.text, dict(f.attrib), coord, shared)
        elif c.get("t") == "e":
            v = next((ch for ch in c if local(ch.tag) == "v"), None)
            if v is not None and v.text is not None:
                out[(r, col_no)] = v.text
    return out


def formula_value(text: str | None, attrs: dict[str, str], coord: str, shared: dict[str | None, object]) -> FormulaText:
    """ "=" + formula, as openpyxl reads it: a shared formula's followers are translated from its first cell."""
    value = FormulaText("=" + (text or ""))
    if attrs.get("t") == "shared":
        si = attrs.get("si")
        if si in shared:
            try:
                return FormulaText(shared[si].translate_formula(coord))       # type: ignore[attr-defined]
            except Exception:        # noqa: BLE001 — a reference openpyxl cannot move: the first cell's text
                return FormulaText(shared[si].formula)                         # type: ignore[attr-defined]
        if value != "=":
            from openpyxl.formula.translate import Translator  # pure string code, no workbook involved
            try:
                shared[si] = Translator(value, coord)
            except Exception:        # noqa: BLE001 — openpyxl cannot tokenise it (an unclosed string …): the
                shared[si] = _Untranslated(value)                  # followers keep its text, still formulas
    return value


class _Untranslated:
    """A shared formula that cannot be tokenised: every follower reads as the first cell's text."""

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def translate_formula(self, _coord: str) -> str:
        return self.formula


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): _unescape((a if a is not None else b).decode("utf-8")) for k, a, b in _ATTR.findall(tag)}


def _unescape(text: str) -> str:
    if "&" not in text and "\r" not in text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")       # XML end-of-line handling

    def one(m: re.Match) -> str:
        key = m.group(1)
        if key.startswith("#"):
            code = int(key[2:], 16) if key.startswith("#x") else int(key[1:])
            if not 0 < code < 0x110000:
                raise _Unusual                              # not a character: the exact parser reports it
            return chr(code)
        return _NAMED[key]
    return _ENTITY.sub(one, text)


def _cell(coord: str) -> Cell:
    m = _COORD.fullmatch(coord)
    assert m is not None, coord          # every caller matched _COORD first
    return int(m.group(2)), column_index(m.group(1))

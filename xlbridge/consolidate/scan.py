"""What python-calamine will allocate for a package, measured with a streaming XML parse before it reads it.

calamine lays a sheet out as one rectangle from A1 to its farthest value and reserves its string table by the
`count`/`uniqueCount` a sharedStrings part declares, so a 38 KB file can ask for hundreds of GB (a Rust abort,
no message). A byte search cannot know every legal spelling of an address (`r = '…'`, cells or rows without
one), so every sheet is read here once with expat — no tree is built, memory stays flat whatever the size —
and the real extent (the last row and column holding a value, placed as calamine places it), the number of
strings and the cells calamine cannot read (error values it does not know) are found. `calamine_copy` then
writes the declared counts and those cells out of the copy calamine reads; the file itself is never changed.
The parse also proves each part well-formed: a damaged sheet is refused with its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from xlbridge.consolidate.reasons import Rejected
from xlbridge.layout import column_index

MAX_ROW = 1_048_576          # Excel's own grid: an address beyond it can only come from a crafted file
MAX_COL = 16_384
MAX_STRINGS = 1_000_000      # a kdcl workbook holds a few thousand strings
CALAMINE_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_PLACEHOLDER = b"#N/A"       # what calamine is given instead of an error value it does not know (the grid gets the text back)
_COORD = re.compile(r"([A-Za-z]+)([0-9]+)")
_COUNTS = re.compile(rb"""\s(?:[\w.-]+:)?(?:count|uniqueCount)\s*=\s*(?:"[^"]*"|'[^']*')""")
_VALUE_TAGS = frozenset({"v", "is", "f"})


@dataclass
class SheetScan:
    rows: int = 0                         # last row holding a value (1-based; 0: none)
    cols: int = 0                         # last column holding a value
    patches: list[tuple[int, int, bytes]] = field(default_factory=list)    # (start, end, replacement) bytes
    plain: bool = False                   # the quick path's spelling: no comment, CDATA, PI or error cell (`_plain`)
    head: bytes | None = None             # with `plain`: the part up to sheetData's end, root closed (`_head`)


class _Stop(Exception):
    """Raised inside a handler: expat stops at once and the reason is given to the caller."""

    def __init__(self, reason: Rejected) -> None:
        self.reason = reason


def _parser(name: str, part: str) -> expat.XMLParserType:
    """An expat parser with every kind of DTD or entity refused (the bytes were already searched for them)."""
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _Stop(Rejected("bom-xml", name, part=part))
    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.UnparsedEntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse     # type: ignore[assignment]
    return p


def _run(p: expat.XMLParserType, xml: bytes, name: str, part: str) -> None:
    try:
        p.Parse(xml, True)
    except _Stop as stop:
        raise stop.reason from None
    except expat.ExpatError as exc:
        raise Rejected("xml-hong", name, detail=f"{part}: XML sai cú pháp ở dòng {exc.lineno}, cột {exc.offset + 1}"
                                                f" ({expat.ErrorString(exc.code)})") from None
    except (ValueError, OverflowError, RecursionError) as exc:     # an absurd number in an address
        raise Rejected("xml-hong", name, detail=f"{part}: {str(exc)[:80]}") from None


def _local(tag: str) -> str:
    return tag.rpartition(":")[2]


def _position(coord: str | None, row_no: int, col_no: int) -> tuple[int, int]:
    """Where calamine puts a cell: at its address, or after the previous cell of the row when it has none.
    An address kdcl cannot parse counts at the farthest place its letters and digits could mean."""
    if not coord:
        return row_no, col_no + 1
    m = _COORD.fullmatch(coord)
    if m is not None:
        letters, digits = m.groups()
    else:
        letters = "".join(ch for ch in coord if ch.isascii() and ch.isalpha())
        digits = "".join(ch for ch in coord if ch.isascii() and ch.isdigit())
        if not letters or not digits:
            return row_no, col_no + 1
    if len(letters) > 4 or len(digits) > 8:
        return MAX_ROW + 1, MAX_COL + 1
    return max(int(digits), row_no), column_index(letters.upper())


# The quick path. Once expat has found a sheet well-formed, every start tag is a name and whole attribute
# pairs, so these patterns (which walk the pairs) find exactly the `r` attribute calamine reads. When every row and
# every cell carries an address within A1:BK4999 (what kdcl and Excel write), the sheet spans at most 4999 × 63
# cells and no element-by-element pass is needed; anything else (a far, odd or missing address, an error cell,
# comments or CDATA) goes through the exact pass.
_PAIRS = rb"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*=\s*["']"""
_NEAR_ROW = rb"""(?:[1-9][0-9]{0,2}|[1-4][0-9]{3})["']"""    # 1 … 4999, then the closing quote
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_ROW_NEAR = re.compile(rb"<(?:[\w.-]+:)?row" + _PAIRS + _NEAR_ROW)
_C_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_C_NEAR = re.compile(rb"<(?:[\w.-]+:)?c" + _PAIRS + rb"(?:[A-Z]|A[A-Z]|B[A-K])" + _NEAR_ROW)
# what kdcl, Excel, openpyxl and XlsxWriter write: the address first, double-quoted, unprefixed. One search finds
# the first tag that is anything else — a processing instruction, comment or CDATA (`<?`, `<!`), a row or cell
# without such an address, a prefixed row or cell — so the usual sheet is passed over once, in C.
_NEAR_NUMBER = rb"(?:[1-9][0-9]{0,2}|[1-4][0-9]{3})"
_ODD_TAG = re.compile(rb"<(?:[?!]"
                      rb"|c(?=[\s/>])(?! r=\"(?:[A-Z]|A[A-Z]|B[A-K])" + _NEAR_NUMBER + rb"\")"
                      rb"|row(?=[\s/>])(?! r=\"" + _NEAR_NUMBER + rb"\")"
                      rb"|[\w.-]+:(?:c|row)[\s/>])")
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")
_UNUSUAL = (b"<!--", b"<![CDATA[")


def _plain(xml: bytes) -> bool:
    """True when the quick path's bound holds for this (well-formed) sheet."""
    if (b'"e"' in xml or b"'e'" in xml) and _ERROR_CELL.search(xml):
        return False
    if _ODD_TAG.search(xml, 2) is None:      # after `<?xml`: the usual spelling, no attribute pairs walked
        return True
    if any(mark in xml for mark in _UNUSUAL) or xml.find(b"<?", 2) >= 0:
        return False
    cells, rows = len(_C_TAG.findall(xml)), len(_ROW_TAG.findall(xml))
    return cells == len(_C_NEAR.findall(xml)) and rows == len(_ROW_NEAR.findall(xml))


def well_formed(xml: bytes, name: str, part: str) -> None:
    """Parse `xml` with expat (no tree, no handler per element): refuse it when it is not well-formed."""
    _run(_parser(name, part), xml, name, part)


_DIMENSION = re.compile(rb"<([\w.-]+:)?dimension[\s/>]")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")


def _head(xml: bytes) -> bytes | None:
    """The sheet up to its (unprefixed) `</sheetData>`, its root closed there — everything calamine reads of a sheet:
    it stops at the end of sheetData, so what follows (formats, validations, page set-up: about half the bytes of
    a kdcl sheet) cannot change a value. None when there is no such end tag."""
    end = xml.find(b"</sheetData>")
    root = _ROOT_NAME.search(xml)
    if end < 0 or root is None:
        return None
    return xml[:end + 12] + b"</" + root.group(1) + b">"


def scan_sheet(xml: bytes, name: str, part: str) -> SheetScan:
    """The extent calamine will lay out for one sheet, and the patches its copy needs (error cells it could not
    read; the `<dimension>`, which calamine trusts — a missing `ref` makes it refuse the whole workbook — and which
    only ever repeats, or lies about, what the cells say); rows = cols = 0 when the quick path proved the sheet
    within A1:BK4999. The quick path proves only the head (`_head`) well-formed and plain; when the head is not
    (a `</sheetData>` inside a comment or CDATA cuts it short, or real damage), the whole sheet is parsed."""
    head = _head(xml)
    try:
        if head is not None:
            well_formed(head, name, part)
    except Rejected:
        head = None
    if head is None:
        well_formed(xml, name, part)
    if head is not None and _plain(head):
        found = SheetScan(plain=True, head=head)
        data = _SHEET_DATA.search(xml)
        dim = _DIMENSION.search(xml, 0, data.start() if data else len(xml))
        if dim is not None:
            found.patches.append((dim.start(), _element_end(xml, dim.start(), dim.group(1) or b""), b""))
        return found
    return scan_exact(xml, name, part)


def _element_end(xml: bytes, start: int, prefix: bytes) -> int:
    """The index after the element that starts at `start` (an empty one, or one with an end tag)."""
    stop = tag_end(xml, start)
    if xml[stop - 1:stop] == b"/":
        return stop + 1
    close = xml.find(b"</" + prefix + b"dimension", stop)
    return tag_end(xml, close) + 1 if close >= 0 else stop + 1


def scan_exact(xml: bytes, name: str, part: str) -> SheetScan:
    """`scan_sheet` element by element (any spelling, addresses missing, error cells). Like calamine's reader, it
    does not trust nesting: a row or a cell counts wherever it sits inside sheetData, a value wherever inside a cell."""
    out = SheetScan()
    p = _parser(name, part)
    depth = data_depth = cell_depth = v_depth = 0      # 0: not inside sheetData / a cell / an error value
    row_no = col_no = 0
    cell: tuple[int, int] | None = None
    error = False
    v_at = -1

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, data_depth, cell_depth, v_depth, row_no, col_no, cell, error, v_at
        depth += 1
        local = _local(tag)
        if not data_depth:
            if local == "sheetData":
                data_depth = depth
            elif local == "dimension" and depth == 2:
                at = p.CurrentByteIndex
                prefix = tag.rpartition(":")[0].encode() + b":" if ":" in tag else b""
                out.patches.append((at, _element_end(xml, at, prefix), b""))
            return
        if local == "row" and cell is None:
            digits = "".join(ch for ch in attrs.get("r", "") if ch.isascii() and ch.isdigit())
            row_no = (int(digits) if len(digits) <= 8 else MAX_ROW + 1) if digits else row_no + 1
            col_no = 0
            if row_no > MAX_ROW:             # beyond Excel's grid even without a value: stop here, not after millions
                raise _Stop(Rejected("bang-qua-lon", name, detail=f"phần {part} có dòng ngoài lưới của Excel "
                                                                  f"(dòng {row_no})"))
        elif local == "c" and cell is None:
            cell = _position(attrs.get("r"), row_no, col_no)
            col_no = cell[1]
            if col_no > MAX_COL:
                raise _Stop(Rejected("bang-qua-lon", name, detail=f"phần {part} có ô ngoài lưới của Excel "
                                                                  f"(dòng {cell[0]}, cột {col_no})"))
            error = attrs.get("t") == "e"
            cell_depth = depth
        elif cell is not None and local in _VALUE_TAGS:
            r, c = cell
            out.rows, out.cols = max(out.rows, r), max(out.cols, c)
            if r > MAX_ROW or c > MAX_COL:
                raise _Stop(Rejected("bang-qua-lon", name, detail=f"phần {part} có ô ngoài lưới của Excel "
                                                                  f"(dòng {r}, cột {c})"))
            if error and local == "v" and not v_depth:
                v_at, v_depth = p.CurrentByteIndex, depth

    def end(_tag: str) -> None:
        nonlocal depth, data_depth, cell_depth, v_depth, cell, v_at
        if depth == v_depth:
            _error_patch(xml, v_at, p.CurrentByteIndex, out)
            v_depth, v_at = 0, -1
        if depth == cell_depth:
            cell, cell_depth = None, 0
        if depth == data_depth:
            data_depth = 0
        depth -= 1

    p.StartElementHandler = start
    p.EndElementHandler = end
    _run(p, xml, name, part)
    return out


def _error_patch(xml: bytes, start: int, end: int, out: SheetScan) -> None:
    """An error value calamine does not know (#SPILL!, #CALC! …) makes it refuse the whole workbook: its copy
    gets #N/A there instead (kdcl reads the real text from the sheet itself, see fastgrid.special_cells)."""
    inner = tag_end(xml, start) + 1
    if inner > end:                                    # <v/>: nothing to read
        return
    from xlbridge.consolidate.fastgrid import _unescape
    try:
        text = _unescape(xml[inner:end].decode("utf-8"))
    except Exception:                                  # noqa: BLE001 — anything odd: give calamine the placeholder
        text = ""
    if text not in CALAMINE_ERRORS:
        out.patches.append((inner, end, _PLACEHOLDER))


def tag_end(xml: bytes, start: int) -> int:
    """Index of the '>' closing the tag that starts at `start` (quotes respected: '>' is legal in a value)."""
    quote = 0
    i = start
    n = len(xml)
    while i < n:
        ch = xml[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):
            quote = ch
        elif ch == 0x3E:
            return i
        i += 1
    return n - 1


_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_ROOT_NAME = re.compile(rb"<([\w.:-]+)[\s/>]")       # the first start tag is the root (no DTD: refused before)
_ROOT = re.compile(rb"<(?![?!/])")


def scan_strings(xml: bytes, name: str, part: str) -> tuple[int, list[tuple[int, int, bytes]]]:
    """(number of strings, patches) of a sharedStrings part: its declared counts are removed from calamine's
    copy, which would reserve memory for them before reading a single string."""
    well_formed(xml, name, part)
    if not any(mark in xml for mark in _UNUSUAL):          # every '<' is markup: the first start tag is the root
        strings = len(_SI.findall(xml))
        if strings > MAX_STRINGS:
            raise Rejected("bang-qua-lon", name, detail=f"phần {part} có {strings:,} chuỗi".replace(",", "."))
        root = _ROOT.search(xml)
        if root is None:
            return strings, []
        at, stop = root.start(), tag_end(xml, root.start())
        fixed = _COUNTS.sub(b"", xml[at:stop])
        return strings, [] if fixed == xml[at:stop] else [(at, stop, fixed)]
    return _scan_strings_exact(xml, name, part)


def _scan_strings_exact(xml: bytes, name: str, part: str) -> tuple[int, list[tuple[int, int, bytes]]]:
    p = _parser(name, part)
    state = {"depth": 0, "strings": 0}
    patches: list[tuple[int, int, bytes]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        depth = state["depth"] = state["depth"] + 1
        if depth == 1 and any(_local(k) in ("count", "uniqueCount") for k in attrs):
            at = p.CurrentByteIndex
            stop = tag_end(xml, at)
            patches.append((at, stop, _COUNTS.sub(b"", xml[at:stop])))
        elif depth == 2 and _local(tag) == "si":
            state["strings"] += 1
            if state["strings"] > MAX_STRINGS:
                raise _Stop(Rejected("bang-qua-lon", name, detail=f"phần {part} có hơn {MAX_STRINGS:,} chuỗi"
                                     .replace(",", ".")))

    def end(_tag: str) -> None:
        state["depth"] -= 1

    p.StartElementHandler = start
    p.EndElementHandler = end
    _run(p, xml, name, part)
    return state["strings"], patches


def apply(xml: bytes, patches: list[tuple[int, int, bytes]]) -> bytes:
    """`xml` with each (start, end) byte range replaced (ranges do not overlap, in document order)."""
    if not patches:
        return xml
    out: list[bytes] = []
    pos = 0
    for start, end, new in sorted(patches):
        out += (xml[pos:start], new)
        pos = end
    out.append(xml[pos:])
    return b"".join(out)

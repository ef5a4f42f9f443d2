"""A received workbook rebuilt so that openpyxl can open it safely (`kdcl kiem-tra --out`).

The check reads a received file through the guarded reader (xlbridge.consolidate.package: sizes,
zip bomb, DTD/entities refused, defusedxml). Writing the checked copy needs openpyxl, which reads
more parts (comments, drawings, charts, document properties) and trusts what it reads: a merged
range over the whole sheet makes 17 billion cells, a hyperlink over it as many copies, a deep part
exceeds its parser, a missing [Content_Types].xml or a sheet name with «/» stops it. So openpyxl
never sees the received file: it opens a package rebuilt here from the parts the same guarded path
read, each one parsed with defusedxml under limits, the unsafe pieces bounded or left out, and a
note for each thing the copy leaves out. The received file itself is only read.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, SubElement, tostring

from xlbridge.consolidate.package import (
    Package,
    Rejected,
    _PartReader,
    _rels_of,
    local,
    open_package,
    parse_xml,
    read_file,
)
from xlbridge.layout import MAX_ROW, parse_a1

MAX_DEPTH = 128              # nesting of one XML part; OOXML needs about 20 (lxml, under openpyxl, stops at 256)
MAX_MERGED = 100_000         # cells under merged ranges, per sheet: openpyxl makes an object for each
MAX_CELLS = 400_000          # cells of all sheets the copy is made with (openpyxl needs ~1 KB each; a plan has ~20 000)
MAX_LINKED = 10_000          # cells under hyperlinks, per sheet: openpyxl copies the link into each
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_DOC = f"{NS_REL}/officeDocument"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
XLSX_MAIN, XLSM_MAIN = _SML + "sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# The parts the copy keeps, by relationship type (the rest — pivot tables, slicers, external links, custom XML —
# is left out, as openpyxl leaves most of it out anyway): type's last segment → content type (None: a binary part).
CONTENT_TYPES: dict[str, str | None] = {
    "worksheet": _SML + "worksheet+xml",
    "chartsheet": _SML + "chartsheet+xml",
    "styles": _SML + "styles+xml",
    "sharedStrings": _SML + "sharedStrings+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "comments": _SML + "comments+xml",
    "table": _SML + "table+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "image": None,
    "vmlDrawing": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    "core-properties": "application/vnd.openxmlformats-package.core-properties+xml",
    "extended-properties": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "custom-properties": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "vbaProject": "application/vnd.ms-office.vbaProject",
}
DEFAULTS = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml",
            "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing", "png": "image/png", "jpeg": "image/jpeg",
            "jpg": "image/jpeg", "gif": "image/gif", "emf": "image/x-emf", "wmf": "image/x-wmf", "bin":
            "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"}
_KEEP_BINARY = {"image", "vbaProject"}
_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
# `_xHHHH_` escapes of characters XML cannot hold (NUL, other controls, lone surrogates): openpyxl unescapes them
# and then cannot save the text
_ILLEGAL_ESCAPE = re.compile(rb"(?<!_x005[fF])_x(00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])_")


class TooLarge(Exception):
    """More cells than openpyxl can hold within kdcl's memory bound: the copy is not attempted."""

    def __init__(self, cells: int) -> None:
        super().__init__(cells)
        self.cells = cells

    @property
    def reason(self) -> str:
        def n(x: int) -> str:
            return f"{x:,}".replace(",", ".")
        return (f"sổ có hơn {n(self.cells)} ô, nhiều hơn giới hạn {n(MAX_CELLS)} ô của bản có kết quả kiểm tra "
                "(một sổ kế hoạch có khoảng 20.000 ô)")


@dataclass
class SafePackage:
    """The rebuilt package openpyxl opens, and what it leaves out or changes (notes for the user)."""
    data: bytes
    notes: list[str] = field(default_factory=list)


def range_size(ref: str) -> int | None:
    """Cells in an A1 range ("B2:D5", or one cell); None when it is not a range inside Excel's grid."""
    first, _, last = ref.strip().partition(":")
    a, b = parse_a1(first), parse_a1(last or first)
    if a is None or b is None:
        return None
    return (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)


def _too_deep(root: Element, limit: int = MAX_DEPTH) -> bool:
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in el)
    return False


def _prune(root: Element, limit: int = MAX_DEPTH) -> None:
    """Cut everything nested below `limit` (no real value lies that deep)."""
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth >= limit:
            el[:] = []
            continue
        stack.extend((child, depth + 1) for child in el)


def _xml(root: Element) -> bytes:
    return tostring(root, encoding="utf-8", xml_declaration=True)


class _Builder:
    """Walks the package from its relationships, keeping each part that passes the checks."""

    def __init__(self, data: bytes, name: str, pkg: Package) -> None:
        zf = zipfile.ZipFile(io.BytesIO(data))
        self.entries = {i.filename: i for i in zf.infolist()}
        self.reader = _PartReader(zf, self.entries, name)
        self.name, self.pkg = name, pkg
        self.parts: dict[str, bytes] = {}
        self.types: dict[str, str] = {}          # part → content type (Override)
        self.dropped: list[tuple[str, str]] = []   # (part, why)
        self.notes: list[str] = []
        self.styles = 0                           # cell formats in the kept stylesheet (0: none)
        self.strings = 0
        self.dxfs = 0                             # differential formats (of conditional formatting)
        self.table_names: set[str] = set()
        self.cells_seen = 0
        self.sheets: dict[str, Element] = {}      # worksheet part → its tree, finished once its own parts are known
        self._rels: dict[str, list[tuple[str, str, str, Element]]] = {}

    # ---- reading one part -------------------------------------------------------------------------------
    def tree(self, part: str) -> tuple[Element | None, str]:
        """The parsed part, or None and why it cannot be used."""
        if part not in self.entries:
            return None, "thiếu"
        try:
            return parse_xml(self.reader.read(part), self.name, part), ""
        except Rejected as exc:
            return None, "có khai báo DOCTYPE/ENTITY" if exc.kind == "bom-xml" else "hỏng"

    def optional(self, part: str) -> Element | None:
        """A part the copy can do without: kept when sound, else left out (and said so)."""
        root, why = self.tree(part)
        if root is not None and _too_deep(root):
            root, why = None, "lồng quá sâu"
        if root is None:
            self.dropped.append((part, why))
        return root

    # ---- relationships --------------------------------------------------------------------------------------
    def rels(self, part: str | None) -> list[tuple[str, str, str, Element]]:
        """(id, type segment, target part, element) of a part's relationships ("" = the package's), internal only."""
        rels_part = "_rels/.rels" if part is None else _rels_of(part)
        if rels_part in self._rels:
            return self._rels[rels_part]
        self._rels[rels_part] = []
        if rels_part not in self.entries:
            return []
        root = self.optional(rels_part)
        if root is None:
            return []
        base = "" if part is None else posixpath.dirname(part)
        out = []
        for rel in root:
            if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out.append((rel.get("Id") or "", (rel.get("Type") or "").rpartition("/")[2], path, rel))
        self._rels[rels_part] = out
        return out

    def write_rels(self, part: str | None, keep: set[str]) -> set[str]:
        """The part's .rels with only the kept internal targets (and the external links); the kept ids."""
        rels_part = "_rels/.rels" if part is None else _rels_of(part)
        root = Element(f"{{{NS_PKG_REL}}}Relationships")
        ids: set[str] = set()
        source = self.tree(rels_part)[0] if rels_part in self.entries and rels_part not in dict(self.dropped) else None
        for rel in source if source is not None else ():
            if local(rel.tag) != "Relationship":
                continue
            rid = rel.get("Id") or ""
            if rel.get("TargetMode") == "External" or rid in keep:
                SubElement(root, f"{{{NS_PKG_REL}}}Relationship", {k: v for k, v in rel.attrib.items()})
                ids.add(rid)
        if len(root):
            self.parts[rels_part] = _xml(root)
            self.types.pop(rels_part, None)
        return ids

    # ---- the walk ----------------------------------------------------------------------------------------------
    def build(self) -> None:
        main = self.pkg.workbook
        wb_root, _ = self.tree(main)
        if wb_root is None:
            raise Rejected("xml-hong", self.name, detail=main)
        _prune(wb_root)
        kept: dict[str, str] = {}        # part → relationship type segment
        wb_keep: set[str] = set()
        listed = {p for _n, p in self.pkg.sheets}        # the sheets the check read: the copy cannot go without them
        for rid, kind, target, _el in self.rels(main):
            if kind in ("styles", "sharedStrings", "theme", "worksheet", "chartsheet", "vbaProject") and \
                    self.keep(target, kind, essential=kind == "sharedStrings" or target in listed):
                wb_keep.add(rid)
                kept[target] = kind
        ids = self.write_rels(main, wb_keep)
        _drop_dangling(wb_root, ids)
        self.rename_sheets(wb_root)
        self.workbook_pieces(wb_root)
        self.parts[main] = _xml(wb_root)
        self.types[main] = XLSM_MAIN if self.name.lower().endswith(".xlsm") else XLSX_MAIN
        for part, kind in list(kept.items()):
            if kind in ("worksheet", "chartsheet"):
                self.sheet_children(part)
        package_keep = {rid for rid, kind, target, _el in self.rels(None)
                        if target == main or (kind in ("core-properties", "extended-properties", "custom-properties")
                                              and self.keep(target, kind))}
        if not self.write_rels(None, package_keep) & {rid for rid, _k, t, _e in self.rels(None) if t == main}:
            root = Element(f"{{{NS_PKG_REL}}}Relationships")           # the package names no workbook: name it
            SubElement(root, f"{{{NS_PKG_REL}}}Relationship", {"Id": "rIdKdcl", "Type": OFFICE_DOC, "Target": main})
            self.parts["_rels/.rels"] = _xml(root)
        self.parts["[Content_Types].xml"] = self.content_types()

    def keep(self, part: str, kind: str, essential: bool = False) -> bool:
        """Read, check and keep one part; False when it is left out."""
        if part in self.parts:
            return True
        if kind in _KEEP_BINARY:
            if part not in self.entries:
                self.dropped.append((part, "thiếu"))
                return False
            try:
                self.parts[part] = self.reader.read(part)
            except Rejected:
                self.dropped.append((part, "hỏng"))
                return False
            self.types[part] = CONTENT_TYPES[kind] or ""
            return True
        fixed = False
        if essential:
            root, why = self.tree(part)
            if root is None:
                raise Rejected("xml-hong", self.name, detail=f"{part} {why}")
            _prune(root)
        else:
            root = self.optional(part)
            fixed = kind == "comments" and root is not None and self.comments(root, part)
            if root is not None and not _openpyxl_reads(kind, root):
                self.dropped.append((part, "thư viện ghi sổ không đọc được"))
                root = None
            if root is None:
                if kind == "styles":
                    self.notes.append("bảng định dạng ô (xl/styles.xml) hỏng hoặc thiếu: bản sao dùng định dạng mặc định")
                return False
        if kind == "styles":
            xfs = next((el for el in root if local(el.tag) == "cellXfs"), None)
            self.styles = sum(1 for el in xfs if local(el.tag) == "xf") if xfs is not None else 0
            dxfs = next((el for el in root if local(el.tag) == "dxfs"), None)
            self.dxfs = len(dxfs) if dxfs is not None else 0
        if kind == "sharedStrings":
            self.strings = sum(1 for el in root if local(el.tag) == "si")
            plain = sum(_plain_if_unread(si) for si in root if local(si.tag) == "si")
            if plain:
                self.notes.append(f"{plain} chuỗi chữ có định dạng không đọc được: giữ chữ, bỏ định dạng")
            self.parts[part] = _ILLEGAL_ESCAPE.sub(b"", _xml(root))
        elif kind == "comments" and fixed:
            self.parts[part] = _xml(root)
        elif kind == "table" and not self.table_ok(root):
            self.dropped.append((part, "bảng trùng tên hoặc vùng sai"))
            return False
        elif kind in ("worksheet", "chartsheet"):
            self.cells_seen += sum(1 for el in root.iter() if local(el.tag) == "c")
            if self.cells_seen > MAX_CELLS:
                raise TooLarge(self.cells_seen)
            self.sheets[part] = root
            self.parts[part] = b""
        else:                       # checked and unchanged: its own bytes (openpyxl copies a theme as it is)
            self.parts[part] = self.reader.read(part)
        if CONTENT_TYPES.get(kind):
            self.types[part] = CONTENT_TYPES[kind] or ""
        return True

    def sheet_children(self, part: str) -> None:
        """A sheet's own parts (comments, drawings and their charts and pictures, tables), then the sheet."""
        keep: set[str] = set()
        for rid, kind, target, _el in self.rels(part):
            if kind in ("comments", "table", "drawing") or (kind == "vmlDrawing" and self.pkg.macros):
                if self.keep(target, kind):
                    keep.add(rid)
                    if kind == "drawing":
                        self.drawing_children(target)
        ids = self.write_rels(part, keep)
        if part in self.sheets:
            self.parts[part] = self.sheet(self.sheets.pop(part), part, ids)

    def drawing_children(self, part: str) -> None:
        keep = {rid for rid, kind, target, _el in self.rels(part)
                if kind in ("chart", "image") and self.keep(target, kind)}
        ids = self.write_rels(part, keep)
        root = parse_xml(self.parts[part], self.name, part)
        if _drop_dangling(root, ids):
            self.parts[part] = _xml(root)

    # ---- contents ------------------------------------------------------------------------------------------------
    def sheet(self, root: Element, part: str, ids: set[str]) -> bytes:
        """The sheet with what would stop or exhaust openpyxl bounded: merges, hyperlinks, addresses, styles."""
        title = next((n for n, p in self.pkg.sheets if p == part), part)
        for el in [c for c in root if local(c.tag) == "extLst"]:
            root.remove(el)                            # extensions: openpyxl drops them anyway
        _drop_dangling(root, ids)
        changed = {"merge": 0, "link": 0, "cell": 0, "rule": 0}
        for group in list(root):
            tag = local(group.tag)
            if tag == "sheetData":
                changed["cell"] += self.cells(group)
            elif tag == "mergeCells":
                changed["merge"] += _bound(group, MAX_MERGED, shrink=False)
            elif tag == "hyperlinks":
                changed["link"] += _bound(group, MAX_LINKED, shrink=True)
            elif tag in ("autoFilter", "sortState") and range_size(group.get("ref") or "") is None:
                root.remove(group)
                changed["rule"] += 1
            elif tag == "cols":
                for col in group:
                    if not _index_ok(col.get("style"), self.styles):
                        col.attrib.pop("style", None)
            elif tag == "conditionalFormatting":
                for rule in group:
                    if not _index_ok(rule.get("dxfId"), self.dxfs):
                        rule.attrib.pop("dxfId", None)
        for group in [g for g in root if local(g.tag) in ("conditionalFormatting", "dataValidations")]:
            items = [group] if local(group.tag) == "conditionalFormatting" else list(group)
            for el in items:
                if not _sqref_ok(el.get("sqref")):
                    (root if el is group else group).remove(el)
                    changed["rule"] += 1
        check = _OpenpyxlCheck(self.strings)
        for el in [g for g in root if local(g.tag) != "sheetData"]:
            if not check.element_ok(el):
                root.remove(el)
                changed["rule"] += 1
        for data in [g for g in root if local(g.tag) == "sheetData"]:
            changed["cell"] += check.rows(data)
        what = {"merge": "vùng gộp ô sai hoặc quá lớn bị bỏ",
                "link": "liên kết trên vùng sai hoặc quá lớn bị thu về ô đầu hoặc bỏ",
                "cell": "ô có địa chỉ, định dạng hoặc giá trị sai được sửa hoặc bỏ",
                "rule": "thiết lập của trang (định dạng, kiểm tra dữ liệu, lọc, in…) không đọc được bị bỏ"}
        for key, n in changed.items():
            if n:
                self.notes.append(f"trang «{title}»: {n} {what[key]}")
        return _ILLEGAL_ESCAPE.sub(b"", _xml(root))

    def cells(self, data: Element) -> int:
        from openpyxl.formula.tokenizer import Tokenizer
        from openpyxl.utils.datetime import from_ISO8601
        fixed = 0
        for row in data:
            if local(row.tag) != "row":
                continue
            if not (row.get("r") or "").isdigit() or not 1 <= int(row.get("r") or 0) <= MAX_ROW:
                row.attrib.pop("r", None)
            if not _index_ok(row.get("s"), self.styles):
                row.attrib.pop("s", None)
            for c in list(row):
                if local(c.tag) != "c":
                    continue
                bad = False
                if c.get("r") is not None and parse_a1(c.get("r")) is None:
                    row.remove(c)                          # outside Excel's grid, or no address at all
                    fixed += 1
                    continue
                if not _index_ok(c.get("s"), self.styles):
                    c.attrib.pop("s", None)
                    bad = self.styles > 0          # without a stylesheet every format goes, and that is said once
                kind, v = c.get("t", "n"), next((el for el in c if local(el.tag) == "v"), None)
                f = next((el for el in c if local(el.tag) == "f"), None)
                if v is not None and f is None and not _value_ok(kind, v.text or "", self.strings, from_ISO8601):
                    c.remove(v)
                    bad = True
                if f is not None and f.get("t") == "shared" and (c.get("r") is None or not _formula_ok(f.text, Tokenizer)):
                    for k in ("t", "si", "ref"):
                        f.attrib.pop(k, None)
                    bad = True
                fixed += bad
        return fixed

    def comments(self, root: Element, part: str) -> bool:
        """Comments on one valid cell each, by a listed author (openpyxl indexes both without checking); True
        when some had to go."""
        authors = next((el for el in root if local(el.tag) == "authors"), None)
        n_authors = len(authors) if authors is not None else 0
        dropped = 0
        for lst in [el for el in root if local(el.tag) == "commentList"]:
            kept = [com for com in lst if parse_a1(com.get("ref")) is not None
                    and _index_ok(com.get("authorId") or "0", n_authors)]
            dropped += len(lst) - len(kept)
            lst[:] = kept
        if dropped:
            self.notes.append(f"{part}: bỏ {dropped} ghi chú gắn vào ô không hợp lệ")
        return dropped > 0

    def table_ok(self, root: Element) -> bool:
        """A table (ListObject) openpyxl accepts: parsed by its class, a range inside the grid, a new name."""
        from openpyxl.worksheet.table import Table
        try:
            table = Table.from_tree(cast(Any, root))
        except Exception:       # noqa: BLE001
            return False
        names = {n.casefold() for n in (table.name, table.displayName) if n} if table else set()
        if table is None or range_size(table.ref or "") is None or not names or names & self.table_names:
            return False
        self.table_names |= names
        return True

    def rename_sheets(self, wb_root: Element) -> None:
        """Sheet names openpyxl (and Excel) refuse — «/:*?[]», empty, over 31 characters, repeated — made legal,
        and composed (NFC) as the reader composes them, so the check's sheet names are found in the copy."""
        seen: set[str] = set()
        for el in reversed([e for e in wb_root.iter() if local(e.tag) == "sheet"]):   # the check read the last
            old = el.get("name") or ""
            new = _BAD_TITLE.sub("_", unicodedata.normalize("NFC", old)).strip("'")[:31] or "Trang"
            base, n = new, 1
            while new.casefold() in seen:
                n += 1
                new = f"{base[:31 - len(str(n)) - 3]} ({n})"
            seen.add(new.casefold())
            if new != old:
                el.set("name", new)
            if new != unicodedata.normalize("NFC", old):        # (composing alone changes nothing one sees)
                shown = old if len(old) <= 40 else old[:40] + "…"
                self.notes.append(f"trang «{shown}» được đổi tên thành «{new}» (Excel không nhận tên cũ)")

    def workbook_pieces(self, wb_root: Element) -> None:
        """Each part of workbook.xml (views, calculation, names, each sheet's entry) parsed as openpyxl parses
        it; what it refuses is left out (a sheet entry's odd attributes first, then the entry)."""
        from openpyxl.packaging.workbook import WorkbookPackage

        def ok(*children: Element) -> bool:
            trial = Element(wb_root.tag, dict(wb_root.attrib))
            trial.extend(children)
            try:
                WorkbookPackage.from_tree(cast(Any, trial))
            except Exception:       # noqa: BLE001 — whatever openpyxl raises on it
                return False
            return True

        if not ok():
            wb_root.attrib.clear()
        for child in list(wb_root):
            if local(child.tag) != "sheets":
                if not ok(child):
                    wb_root.remove(child)
                    self.notes.append(f"bỏ phần «{local(child.tag)}» của workbook.xml (không đọc được)")
                continue
            for n, sheet in enumerate(list(child), 1):
                holder = Element(child.tag)
                holder.append(sheet)
                if ok(holder):
                    continue
                for key in [k for k in sheet.attrib if local(k) not in ("name", "id")]:
                    del sheet.attrib[key]
                sheet.set("sheetId", str(10_000 + n))
                if not ok(holder):
                    child.remove(sheet)
                    self.notes.append(f"bỏ trang «{sheet.get('name')}» (mục của nó trong workbook.xml không đọc được)")

    def content_types(self) -> bytes:
        root = Element(f"{{{NS_CT}}}Types")
        exts = {posixpath.splitext(p)[1].lstrip(".").lower() for p in self.parts}
        for ext in sorted(exts & set(DEFAULTS)):
            SubElement(root, f"{{{NS_CT}}}Default", {"Extension": ext, "ContentType": DEFAULTS[ext]})
        for part, kind in sorted(self.types.items()):
            if kind and part in self.parts:
                SubElement(root, f"{{{NS_CT}}}Override", {"PartName": "/" + part, "ContentType": kind})
        return _xml(root)


class _OpenpyxlCheck:
    """openpyxl's own sheet parser run on each piece of a sheet before the copy is opened: what it would refuse
    at load time (a typed attribute it cannot convert, a row height «abc», a column «min» past XFD) is found
    here, one element at a time, and that element alone is left out."""

    def __init__(self, strings: int) -> None:
        from openpyxl import Workbook
        from openpyxl.worksheet._reader import WorkSheetParser
        self.parser_class = WorkSheetParser
        self.ws = Workbook().active
        self.rows_parser = WorkSheetParser(io.BytesIO(b""), cast(Any, [None] * strings))

    def element_ok(self, el: Element) -> bool:
        """A sheet-level element (columns, views, page setup, validations…) parsed as openpyxl parses it."""
        from openpyxl.worksheet.dimensions import ColumnDimension
        root = Element(f"{{{NS_MAIN}}}worksheet")
        root.append(el)
        parser = self.parser_class(io.BytesIO(_xml(root)), [])
        try:
            for _ in parser.parse():
                pass
            for cd in parser.column_dimensions.values():
                ColumnDimension(cast(Any, self.ws), **cast(Any, {k: v for k, v in cd.items() if k != "style"}))
        except Exception:       # noqa: BLE001 — whatever openpyxl raises on it, the element is not for the copy
            return False
        return True

    def rows(self, data: Element) -> int:
        """Rows and cells parsed as openpyxl parses them (in order: shared formulas refer back); a cell it refuses
        is left out, a row whose attributes it refuses keeps only its number. The number changed."""
        from openpyxl.worksheet.dimensions import RowDimension
        fixed = 0
        for row in [r for r in data if local(r.tag) == "row"]:
            for c in list(row):
                if c.get("t") != "inlineStr" and not len([el for el in c if local(el.tag) == "f"]):
                    continue          # a plain value: the explicit checks (address, style, value) cover it, fast
                try:
                    self.rows_parser.parse_cell(c)
                except Exception:       # noqa: BLE001
                    inline = next((el for el in c if local(el.tag) == "is"), None)
                    if inline is None or not _plain_if_unread(inline):
                        row.remove(c)
                    fixed += 1
            attrs = {k: v for k, v in row.attrib.items() if not k.startswith("{") and k not in ("r", "s", "spans")}
            try:
                RowDimension(cast(Any, self.ws), **cast(Any, attrs))
            except Exception:           # noqa: BLE001
                for k in attrs:
                    row.attrib.pop(k, None)
                fixed += 1
            self.rows_parser.row_counter = int(row.get("r") or self.rows_parser.row_counter + 1)
        return fixed


def _plain_if_unread(si: Element) -> bool:
    """A string item (shared or inline) whose rich-text formatting openpyxl refuses becomes its plain text."""
    from openpyxl.cell.text import Text
    try:
        Text.from_tree(cast(Any, si))
        return False
    except Exception:       # noqa: BLE001
        text = "".join(t.text or "" for t in si.iter() if local(t.tag) == "t")
        tag = si.tag.rpartition("}")[0] + "}t" if "}" in si.tag else "t"
        si[:] = []
        si.attrib.clear()
        SubElement(si, tag).text = text
        return True


def _openpyxl_reads(kind: str, root: Element) -> bool:
    """An optional part (styles, comments, drawing, chart, document properties) read by the openpyxl class that
    will read it at load time; False when it raises (the part is then left out of the copy)."""
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "styles":
                from openpyxl import Workbook
                from openpyxl.styles.stylesheet import apply_stylesheet
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as z:
                    z.writestr("xl/styles.xml", _xml(root))
                apply_stylesheet(zipfile.ZipFile(buf), Workbook())
            elif kind == "comments":
                from openpyxl.comments.comment_sheet import CommentSheet
                list(cast(Any, CommentSheet.from_tree(cast(Any, root))).comments)
            elif kind == "drawing":
                from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
                SpreadsheetDrawing.from_tree(cast(Any, root))
            elif kind == "chart":
                from openpyxl.chart.chartspace import ChartSpace
                ChartSpace.from_tree(cast(Any, root))
            elif kind == "core-properties":
                from openpyxl.packaging.core import DocumentProperties
                DocumentProperties.from_tree(cast(Any, root))
            elif kind == "custom-properties":
                from openpyxl.packaging.custom import CustomPropertyList
                CustomPropertyList.from_tree(cast(Any, root))
    except Exception:       # noqa: BLE001 — whatever openpyxl raises on it
        return False
    return True


def _index_ok(text: str | None, count: int) -> bool:
    """An index attribute (s=, style=, authorId=) absent or pointing inside its list."""
    if text is None:
        return True
    return text.isdigit() and int(text) < count


def _value_ok(kind: str, text: str, strings: int, iso) -> bool:
    """A cached value openpyxl can convert as its type says (it raises on a bad one)."""
    try:
        if kind == "s":
            return text.strip().isdigit() and int(text) < strings
        if kind == "n":
            from openpyxl.worksheet._reader import _cast_number  # type: ignore[attr-defined]  # what openpyxl will do with it ("nan" fails)
            _cast_number(text)
        elif kind == "b":
            return text.strip() in ("0", "1")
        elif kind == "d":
            iso(text)
    except (ValueError, OverflowError, TypeError):
        return False
    return True


def _sqref_ok(text: str | None) -> bool:
    """A space-separated list of ranges (conditional formatting, data validation), each inside the grid."""
    refs = (text or "").split()
    return bool(refs) and all(range_size(ref) is not None for ref in refs)


def _formula_ok(text: str | None, tokenizer) -> bool:
    if not text:
        return True
    try:
        tokenizer("=" + text)
    except Exception:          # noqa: BLE001 — openpyxl's TokenizerError and whatever a crafted formula provokes
        return False
    return True


def _bound(group: Element, budget: int, shrink: bool) -> int:
    """Keep the ranges of a mergeCells/hyperlinks group while their cells fit `budget`; an invalid range, or one
    past the budget, is left out (`shrink`: a link past it keeps its first cell). The number changed."""
    changed, kept = 0, []
    for el in list(group):
        ref = el.get("ref") or ""
        size = range_size(ref)
        if size is None:
            changed += 1
        elif size > budget:
            changed += 1
            if shrink:
                el.set("ref", ref.partition(":")[0])
                budget -= 1
                kept.append(el)
        else:
            budget -= size
            kept.append(el)
    group[:] = kept                    # (one assignment: removing one by one is quadratic)
    if "count" in group.attrib:
        group.set("count", str(len(group)))
    return changed


# Elements that are nothing without the part they point to (the rest — a hyperlink, a page setup naming printer
# settings — keep their place and lose only the reference)
_POINTERS = {"sheet", "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "tablePart", "externalReference",
             "pivotCache", "control", "oleObject", "chart", "blip"}


def _drop_dangling(root: Element, ids: set[str]) -> bool:
    """References to relationships the copy does not keep: an element that is only such a pointer (a drawing, a
    table, a sheet's entry) is removed, any other loses the attribute. True if anything changed."""
    changed = False
    for parent in list(root.iter()):
        for child in list(parent):
            for key in [k for k in child.attrib if k.startswith(f"{{{NS_REL}}}") and child.attrib[k] not in ids]:
                changed = True
                if local(child.tag) in _POINTERS:
                    parent.remove(child)
                    break
                del child.attrib[key]
    return changed


def _explain(dropped: Iterable[tuple[str, str]]) -> list[str]:
    parts = [f"{part} ({why})" for part, why in dropped if not part.endswith(".rels")]
    return [f"bỏ phần không dùng được của sổ: {', '.join(parts)}"] if parts else []


def read_part(src: Path, part: str) -> Element:
    """One XML part of a received workbook, read as every part is (sizes and zip bomb checked, DTD and entities
    refused, defusedxml, nesting bounded); raises Rejected when it is missing or unsafe."""
    data = read_file(src)
    open_package(data, src.name)
    zf = zipfile.ZipFile(io.BytesIO(data))
    entries = {i.filename: i for i in zf.infolist()}
    if part not in entries:
        raise Rejected("xml-hong", src.name, detail=f"thiếu phần {part}")
    root = parse_xml(_PartReader(zf, entries, src.name).read(part), src.name, part)
    if _too_deep(root):
        raise Rejected("xml-hong", src.name, detail=f"phần {part} lồng quá sâu")
    return root


def safe_package(src: Path) -> SafePackage:
    """The received workbook `src` as a package openpyxl may open; raises Rejected when even the guarded
    reader refuses it (then the copy cannot be written and the reason says why)."""
    data = read_file(src)
    pkg = open_package(data, src.name)
    builder = _Builder(data, src.name, pkg)
    builder.build()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for part, content in builder.parts.items():
            out.writestr(part, content)
    return SafePackage(buf.getvalue(), _explain(builder.dropped) + builder.notes)

"""Hostile and broken workbooks for `kdcl kiem-tra --out`: one good workbook, edited part by part.

Each case is a workbook the check itself can read (or refuses with a reason); writing the checked copy must
then survive it as well, or say in Vietnamese why it cannot. Nothing binary is committed: the files are
made from a workbook the real builder wrote. Run by hand to look at them:

    python tests/hostile_out_cases.py GOOD.xlsx OUT_DIR
"""

from __future__ import annotations

import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

CHECK_SHEET = "Kiểm tra"
INPUT_SHEET = "Tiêu chuẩn 1"
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>")
XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
DEPTH = 100_000
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def entries(src: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_zip(dst: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return dst


def sheet_part(parts: dict[str, bytes], title: str) -> str:
    """The zip part of a worksheet, through workbook.xml and its relationships."""
    wb = parts["xl/workbook.xml"].decode("utf-8")
    esc = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in title)
    rid = re.search(rf'<sheet [^>]*name="(?:{re.escape(title)}|{re.escape(esc)})"[^>]*r:id="([^"]+)"', wb).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels).group(1)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _before_end(xml: bytes, piece: bytes) -> bytes:
    """`piece` just after sheetData (where mergeCells and hyperlinks may go; parsers do not mind the order)."""
    return xml.replace(b"</sheetData>", b"</sheetData>" + piece, 1)


def _sheet_edit(title: str, fn: Callable[[bytes], bytes]) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, title)
        parts[part] = fn(parts[part])
    return change


def _drop(*names: str) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        for n in names:
            parts.pop(n, None)
    return change


def _replace(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        parts[name] = data
    return change


def _deep(root: bytes, ns: bytes = b"") -> bytes:
    return (b"<%s%s>" % (root, ns) + b"<a>" * DEPTH + b"</a>" * DEPTH + b"</%s>" % root)


def _comments(body: bytes) -> Callable[[dict[str, bytes]], None]:
    """A comments part for the input sheet (with its relationship and content type)."""
    def change(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, INPUT_SHEET)
        folder, base = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{base}.rels"
        rel = (f'<Relationship Id="rIdC1" Type="{REL}/comments" Target="../comments99.xml"/>').encode()
        parts[rels] = (parts[rels].replace(b"</Relationships>", rel + b"</Relationships>") if rels in parts else
                       b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       + rel + b"</Relationships>")
        parts["xl/comments99.xml"] = body
        ct = b'<Override PartName="/xl/comments99.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
             b'spreadsheetml.comments+xml"/>'
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", ct + b"</Types>")
    return change


def _cell_text(ref: str, text: str) -> Callable[[bytes], bytes]:
    """Put an inline string at `ref` of a sheet's XML (replacing the cell if it is there)."""
    def fn(xml: bytes) -> bytes:
        row = int(re.sub(r"[A-Z]+", "", ref))
        cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
        xml = re.sub(rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % ref.encode(), b"", xml, count=1)
        m = re.search(rb'<row r="%d"[^>]*?(/>|>)' % row, xml)
        if m is None:
            return xml.replace(b"</sheetData>", b'<row r="%d">' % row + cell + b"</row></sheetData>", 1)
        if m.group(1) == b"/>":
            return xml[:m.start()] + m.group(0)[:-2] + b">" + cell + b"</row>" + xml[m.end():]
        return xml[:m.end()] + cell + xml[m.end():]
    return fn


def _previous_error(cell: str) -> Callable[[Path, Path], None]:
    """A "Kiểm tra" row as the last run would have written it, an error at `cell` of the input sheet."""
    def edit(src: Path, dst: Path) -> None:
        wb = openpyxl.load_workbook(src)
        ws = wb[CHECK_SHEET]
        for col, value in enumerate([1, "Lỗi", INPUT_SHEET, cell, "lỗi cũ", "", "X1"], 1):
            ws.cell(6, col).value = value
            ws.cell(6, col).data_type = "s" if isinstance(value, str) else "n"
        wb.save(dst)
    return edit


def _openpyxl_edit(fn: Callable[[openpyxl.Workbook], None]) -> Callable[[Path, Path], None]:
    def edit(src: Path, dst: Path) -> None:
        wb = openpyxl.load_workbook(src)
        fn(wb)
        wb.save(dst)
    return edit


def _rename_sheet_xml(old: str, new: str) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        esc = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in old)
        xml = parts["xl/workbook.xml"]
        for spelling in (old, esc):
            xml = xml.replace(f'name="{spelling}"'.encode(), f'name="{new}"'.encode())
        parts["xl/workbook.xml"] = xml
    return change


WHOLE = "A1:XFD1048576"


def _shared_strings(items: bytes) -> Callable[[dict[str, bytes]], None]:
    """A shared-string table holding `items`, the first of them shown in the input sheet's D8."""
    def change(parts: dict[str, bytes]) -> None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">'.encode() + items + b"</sst>"
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(b"</Relationships>", f'<Relationship Id="rIdS9" Type="{REL}/sharedStrings" '
                                          'Target="sharedStrings.xml"/></Relationships>'.encode())
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        part = sheet_part(parts, INPUT_SHEET)
        parts[part] = _cell_text("D8", "__S__")(parts[part]).replace(
            b'<c r="D8" t="inlineStr"><is><t>__S__</t></is></c>', b'<c r="D8" t="s"><v>0</v></c>')
    return change


def _printer_settings(present: bool) -> Callable[[dict[str, bytes]], None]:
    """The input sheet's page setup naming printer settings, as Excel saves it (the part there or not)."""
    def change(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, INPUT_SHEET)
        folder, base = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{base}.rels"
        rel = f'<Relationship Id="rIdP1" Type="{REL}/printerSettings" Target="../printerSettings/p1.bin"/>'.encode()
        parts[rels] = (parts[rels].replace(b"</Relationships>", rel + b"</Relationships>") if rels in parts else
                       b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       + rel + b"</Relationships>")
        parts[part] = re.sub(rb"<pageSetup ", f'<pageSetup xmlns:r="{REL}" r:id="rIdP1" '.encode(), parts[part], count=1)
        if present:
            parts["xl/printerSettings/p1.bin"] = b"\0" * 64
    return change


def _resaved(change: Callable[[dict[str, bytes]], None]) -> Callable[[Path, Path], None]:
    """The workbook saved once by openpyxl (which writes shared strings), then `change`d part by part."""
    def edit(src: Path, dst: Path) -> None:
        openpyxl.load_workbook(src).save(dst)
        parts = entries(dst)
        change(parts)
        write_zip(dst, parts)
    return edit


def _cell_rich(ref: str) -> Callable[[bytes], bytes]:
    def fn(xml: bytes) -> bytes:
        return _cell_text(ref, "__RICH__")(xml).replace(
            b"<is><t>__RICH__</t></is>", b'<is><r><rPr><sz val="abc"/></rPr><t>giu</t></r><t> lai</t></is>')
    return fn


def _workbook(fn: Callable[[bytes], bytes]) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = fn(parts["xl/workbook.xml"])
    return change


def _tables(n: int, name: str, ref: str) -> Callable[[dict[str, bytes]], None]:
    """`n` table parts on the guide sheet, all called `name`, over `ref`."""
    def change(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, "Hướng dẫn")
        folder, base = part.rsplit("/", 1)
        rels_part = f"{folder}/_rels/{base}.rels"
        rels = b"".join(f'<Relationship Id="rIdT{i}" Type="{REL}/table" Target="../tables/table9{i}.xml"/>'.encode()
                        for i in range(n))
        parts[rels_part] = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                            + rels + b"</Relationships>")
        tparts = b"".join(f'<tablePart r:id="rIdT{i}"/>'.encode() for i in range(n))
        parts[part] = parts[part].replace(b"</worksheet>", f'<tableParts count="{n}" xmlns:r="{REL}">'.encode()
                                          + tparts + b"</tableParts></worksheet>")
        for i in range(n):
            parts[f"xl/tables/table9{i}.xml"] = (
                f'<table xmlns="{MAIN}" id="{i + 1}" name="{name}" displayName="{name}" ref="{ref}">'
                f'<tableColumns count="2"><tableColumn id="1" name="a"/><tableColumn id="2" name="b"/></tableColumns>'
                "</table>").encode()
    return change


def _row900(cells: bytes) -> Callable[[dict[str, bytes]], None]:
    return _sheet_edit(INPUT_SHEET, lambda x: x.replace(b"</sheetData>", b'<row r="900">' + cells + b"</row></sheetData>", 1))

# name → change of the parts (dict edited in place) or of the file (src, dst)
CASES: dict[str, Callable] = {
    "merge-whole-input-sheet": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, f'<mergeCells count="1"><mergeCell ref="{WHOLE}"/></mergeCells>'.encode())),
    "merge-whole-check-sheet": _sheet_edit(CHECK_SHEET, lambda x: _before_end(
        x, f'<mergeCells count="1"><mergeCell ref="{WHOLE}"/></mergeCells>'.encode())),
    "merge-many-rows": _sheet_edit("Hướng dẫn", lambda x: _before_end(
        x, b'<mergeCells>' + b"".join(b'<mergeCell ref="A%d:Z%d"/>' % (r, r) for r in range(10, 60_000))
        + b"</mergeCells>")),
    "merge-bad-ref": _sheet_edit("Hướng dẫn", lambda x: _before_end(
        x, b'<mergeCells><mergeCell ref="ZZZZ0:A-5"/><mergeCell ref="=cmd|x"/></mergeCells>')),
    "hyperlink-whole-sheet": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, f'<hyperlinks><hyperlink ref="{WHOLE}" location="A1"/></hyperlinks>'.encode())),
    "hyperlink-bad-ref": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, b'<hyperlinks><hyperlink ref="ZZZZ0" location="A1"/><hyperlink ref="A-5" location="A1"/></hyperlinks>')),
    "previous-error-whole-sheet": _previous_error(WHOLE),
    "previous-error-column": _previous_error("A:XFD"),
    "previous-error-zzzz0": _previous_error("ZZZZ0"),
    "previous-error-negative": _previous_error("A-5"),
    "previous-error-formula": _previous_error("=cmd|' /C calc'!A0"),
    "previous-error-far": _previous_error("XFD1048577"),
    "check-sheet-missing": _openpyxl_edit(lambda wb: wb.remove(wb[CHECK_SHEET])),
    "report-sheet-missing": _openpyxl_edit(lambda wb: wb.remove(wb["Báo cáo"])),
    "content-types-missing": _drop("[Content_Types].xml"),
    "styles-missing": _drop("xl/styles.xml"),
    "theme-missing": _drop("xl/theme/theme1.xml"),
    "style-index-huge": _sheet_edit(INPUT_SHEET, lambda x: x.replace(b' s="', b' s="9999', 1)),
    "escape-x0000-input": _sheet_edit(INPUT_SHEET, _cell_text("D8", "a_x0000_b_x001B_[31mc_x0008_")),
    "escape-x0000-check": _sheet_edit(CHECK_SHEET, _cell_text("E7", "_x0000__x0007_")),
    "sheet-name-illegal": _rename_sheet_xml("Hướng dẫn", "a/b:c*d?[e]"),
    "sheet-name-empty": _rename_sheet_xml("Hướng dẫn", ""),
    "sheet-name-long": _rename_sheet_xml("Hướng dẫn", "x" * 300),
    "docprops-core-entities": _replace("docProps/core.xml", BILLION_LAUGHS + b"<cp:coreProperties "
                                       b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
                                       b"<cp:keywords>&lol9;</cp:keywords></cp:coreProperties>"),
    "docprops-app-xxe": _replace("docProps/app.xml", XXE + b"<Properties><Company>&x;</Company></Properties>"),
    "docprops-app-deep": _replace("docProps/app.xml", _deep(b"Properties")),
    "docprops-core-deep": _replace("docProps/core.xml", _deep(b"cp:coreProperties",
                                   b' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"')),
    "docprops-core-broken": _replace("docProps/core.xml", b"<cp:coreProperties><unclosed>"),
    "drawing-entities": _replace("xl/drawings/drawing1.xml", BILLION_LAUGHS + b"<r>&lol9;</r>"),
    "drawing-deep": _replace("xl/drawings/drawing1.xml", _deep(b"xdr:wsDr",
                             b' xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"')),
    "drawing-broken": _replace("xl/drawings/drawing1.xml", b"<xdr:wsDr"),
    "chart-deep": _replace("xl/charts/chart1.xml", _deep(b"c:chartSpace",
                           b' xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"')),
    "chart-entities": _replace("xl/charts/chart1.xml", BILLION_LAUGHS + b"<r>&lol9;</r>"),
    "drawing-missing": _drop("xl/drawings/drawing1.xml"),
    "comments-entities": _comments(BILLION_LAUGHS + b"<comments>&lol9;</comments>"),
    "comments-xxe": _comments(XXE + b"<comments>&x;</comments>"),
    "comments-deep": _comments(_deep(b"comments", f' xmlns="{MAIN}"'.encode())),
    "comments-huge-ref": _comments(f'<comments xmlns="{MAIN}"><authors><author>a</author></authors><commentList>'
                                   f'<comment ref="{WHOLE}" authorId="0"><text><t>x</t></text></comment>'
                                   f'<comment ref="ZZZZ0" authorId="7"><text><t>y</t></text></comment>'
                                   "</commentList></comments>".encode()),
    "theme-entities": _replace("xl/theme/theme1.xml", BILLION_LAUGHS + b"<r>&lol9;</r>"),
    "theme-deep": _replace("xl/theme/theme1.xml", _deep(b"a:theme",
                           b' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')),
    "styles-deep": _replace("xl/styles.xml", _deep(b"styleSheet", f' xmlns="{MAIN}"'.encode())),
    "sheet-deep-extlst": _sheet_edit("Hướng dẫn", lambda x: x.replace(
        b"</worksheet>", b"<extLst>" + b"<ext>" * DEPTH + b"</ext>" * DEPTH + b"</extLst></worksheet>")),
    "check-sheet-far-cell": _sheet_edit(CHECK_SHEET, _cell_text("G1048576", "cuối")),
    "defined-name-junk": lambda parts: parts.__setitem__("xl/workbook.xml", parts["xl/workbook.xml"].replace(
        b"<definedNames>", b'<definedNames><definedName name="x">ZZZZ0:A-5</definedName>'
        b'<definedName name="_xlnm.Print_Area" localSheetId="999">=cmd|x</definedName>', 1)),
    "print-titles-junk": lambda parts: parts.__setitem__("xl/workbook.xml", parts["xl/workbook.xml"].replace(
        b"<definedNames>", b'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        b"'H'!$ZZZZ:$A-5</definedName>", 1)),
    "cols-huge": _sheet_edit(INPUT_SHEET, lambda x: x.replace(
        b"<cols>", b'<cols><col min="1" max="99999999" width="3" customWidth="1"/>', 1)),
    "datavalidation-whole": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, f'<dataValidations count="1"><dataValidation type="list" sqref="{WHOLE}"><formula1>"a,b"</formula1>'
           "</dataValidation></dataValidations>".encode())),
    "condformat-whole": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, f'<conditionalFormatting sqref="{WHOLE}"><cfRule type="expression" priority="1"><formula>1</formula>'
           "</cfRule></conditionalFormatting>".encode())),
    "condformat-bad-sqref": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, b'<conditionalFormatting sqref="ZZZZ0 A-5"><cfRule type="expression" priority="1" dxfId="999">'
           b"<formula>1</formula></cfRule></conditionalFormatting>")),
    "datavalidation-bad-sqref": _sheet_edit(INPUT_SHEET, lambda x: _before_end(
        x, b'<dataValidations count="1"><dataValidation type="list" sqref="=cmd|x"><formula1>"a"</formula1>'
           b"</dataValidation></dataValidations>")),
    "autofilter-bad-ref": _sheet_edit(INPUT_SHEET, lambda x: _before_end(x, b'<autoFilter ref="ZZZZ0:A-5"/>')),
    "selection-junk": _sheet_edit(INPUT_SHEET, lambda x: re.sub(
        rb"<selection [^>]*/>", b'<selection activeCell="ZZZZ0" sqref="A-5 =cmd"/>', x, count=1)),
    "dimension-junk": _sheet_edit(INPUT_SHEET, lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="=x"/>', x)),
    "cell-number-junk": _row900(b'<c r="A900"><v>abc</v></c>'),
    "cell-bool-junk": _row900(b'<c r="B900" t="b"><v>7</v></c>'),
    "cell-string-index-junk": _row900(b'<c r="C900" t="s"><v>99999</v></c><c r="D900" t="s"><v>x</v></c>'),
    "cell-date-junk": _row900(b'<c r="D900" t="d"><v>yesterday</v></c>'),
    "cell-address-junk": _row900(b'<c r="ZZZZ0"><v>1</v></c><c r="A-5"><v>2</v></c>'),
    "shared-formula-junk": _row900(b'<c r="E900"><f t="shared" si="0" ref="E900:E901">"abc</f></c>'
                                   b'<c r="F900"><f t="shared" si="0"/></c><c><f t="shared" si="0"/></c>'),
    "row-address-junk": _sheet_edit(INPUT_SHEET, lambda x: x.replace(
        b"</sheetData>", b'<row r="-3"><c><v>1</v></c></row><row r="x"><c><v>2</v></c></row></sheetData>', 1)),
    "lite-entities": _replace("xl/webextensions/webextension1.xml", BILLION_LAUGHS + b"<we>&lol9;</we>"),
    "lite-xxe": _replace("xl/webextensions/webextension1.xml", XXE + b'<we:webextension xmlns:we="http://schemas.'
                         b'microsoft.com/office/webextensions/webextension/2010/11" id="&x;"/>'),
    "lite-deep": _replace("xl/webextensions/webextension1.xml", _deep(b"we")),
    "lite-not-json": _replace("xl/webextensions/webextension1.xml", b'<we:webextension xmlns:we="http://schemas.'
                              b'microsoft.com/office/webextensions/webextension/2010/11" id="x"><we:properties>'
                              b'<we:property name="main.py" value="{not json"/></we:properties></we:webextension>'),
    "workbook-junk-attributes": _workbook(lambda x: x.replace(b'activeTab="1"', b'activeTab="999"').replace(
        b'sheetId="1"', b'sheetId="abc"').replace(b'state="visible"', b'state="bogus"', 1).replace(
        b"<definedNames>", b'<definedNames><definedName name="y" localSheetId="x">A1</definedName>', 1)),
    "workbook-view-junk": _workbook(lambda x: x.replace(b'firstSheet="0"', b'firstSheet="-7"').replace(
        b'windowWidth="16095"', b'windowWidth="1e999"')),
    "defined-name-duplicate": _workbook(lambda x: x.replace(
        b"<definedNames>", b'<definedNames><definedName name="kdcl_cap_hoc">A1</definedName>', 1)),
    "sheet-duplicate-names": _rename_sheet_xml("Hướng dẫn", "Mức 4"),
    "table-duplicate": _tables(2, "T1", "A1:B3"),
    "table-bad-ref": _tables(1, "T1", "ZZZZ0:A-5"),
    "table-whole-sheet": _tables(1, "T1", "A1:XFD1048576"),
    "shared-string-bad-rich-text": _shared_strings(b'<si><r><rPr><sz val="abc"/><b val="maybe"/></rPr><t>x</t></r>'
                                                   b"<t>y</t></si>"),
    "shared-string-x0000": _shared_strings(b"<si><t>a_x0000_b_x001B_c</t></si>"),
    "shared-string-deep": _shared_strings(b"<si>" + b"<r>" * DEPTH + b"</r>" * DEPTH + b"</si>"),
    "inline-bad-rich-text": _sheet_edit(INPUT_SHEET, _cell_rich("D8")),
    "styles-bad-values": lambda parts: parts.__setitem__("xl/styles.xml", parts["xl/styles.xml"].replace(
        b"<font>", b'<font><sz val="abc"/><u val="wavy"/>', 1).replace(b'<xf ', b'<xf numFmtId="x" ', 1)),
    "chart-bad-values": lambda parts: parts.__setitem__("xl/charts/chart1.xml", re.sub(
        rb'<c:barDir val="[a-z]+"/>', b'<c:barDir val="sideways"/>', parts["xl/charts/chart1.xml"]).replace(
        b"<c:chart>", b'<c:chart><c:autoTitleDeleted val="perhaps"/>', 1)),
    "docprops-bad-values": _replace("docProps/core.xml", b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                                    b'package/2006/metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/">'
                                    b"<dcterms:created>yesterday</dcterms:created></cp:coreProperties>"),
    "sheet-names-nfd": _workbook(lambda x: re.sub(
        rb'name="([^"]*)"', lambda m: b'name="' + unicodedata.normalize("NFD", m[1].decode()).encode() + b'"', x)),
    "printer-settings": _printer_settings(present=True),
    "printer-settings-missing": _printer_settings(present=False),
    "sheet-rel-unlisted-missing": lambda parts: parts.__setitem__("xl/_rels/workbook.xml.rels", parts[
        "xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", f'<Relationship Id="rIdX9" Type="{REL}/worksheet" '
                                               'Target="worksheets/nowhere.xml"/></Relationships>'.encode())),
    "vba-fake-xlsx": _replace("xl/vbaProject.bin", b"\0" * 1000),
}


def make(good: Path, folder: Path, name: str) -> Path:
    """The case `name` made from `good` in `folder`."""
    dst = folder / f"{name}.xlsx"
    change = CASES[name]
    if change.__code__.co_argcount == 2:
        change(good, dst)
    else:
        parts = entries(good)
        change(parts)
        write_zip(dst, parts)
    return dst


if __name__ == "__main__":
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        print(make(Path(sys.argv[1]), out, case))


def big_sheet(good: Path, dst: Path, rows: int, cols: int = 10) -> Path:
    """`good` with rows × cols numbers on the guide sheet (the largest workbook the reader's limits let through)."""
    parts = entries(good)
    part = sheet_part(parts, "Hướng dẫn")
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (bytes([64 + c]), r, r * c)
                                                  for c in range(1, cols + 1)) + b"</row>"
                    for r in range(2000, 2000 + rows))
    parts[part] = parts[part].replace(b"</sheetData>", body + b"</sheetData>", 1)
    return write_zip(dst, parts)

"""A corpus of several hundred hostile and malformed inputs (issue 17), generated from good kdcl workbooks.

Classes: zip structure, XML entities and depth, declared against real sizes, every OOXML part kdcl reads,
mail and mailbox structure, Unicode forms, numbers and dates at their extremes (and the older corpus of
tests/make_bad_corpus.py). Every input is derived from a real workbook built by the real template builder; nothing
binary is committed. Each `Case` names its class and, where it is certain, what tong-hop must make of it:
"reject" (a row of «Không đọc được»), "read" (a school, or a duplicate of one), or None (either is right, as long
as the run goes on and says why).

    python tests/make_hostile_corpus.py OUT_DIR      # builds a good THPT workbook first, then the corpus
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
S1 = "Tiêu chuẩn 1"
INFO = "Thông tin"


@dataclass
class Case:
    name: str
    klass: str
    expect: str | None = None          # "reject", "read" or None
    note: str = ""


def declare_shared_strings(name: str, data: bytes) -> bytes:
    """A package part with a shared-strings part `xl/sharedStrings.xml` declared (content type, relationship);
    other parts unchanged. (kdcl's templates write inline strings, so the part must be added and declared.)"""
    if name == "[Content_Types].xml":
        return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    if name == "xl/_rels/workbook.xml.rels":
        return data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.'
                            b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
    return data


class Base:
    """The good workbook's parts, read once; every case is a rewritten copy."""

    def __init__(self, good: Path) -> None:
        self.path = good
        self.raw = good.read_bytes()
        with zipfile.ZipFile(good) as z:
            self.entries = [(i.filename, z.read(i)) for i in z.infolist()]
        self.parts = dict(self.entries)
        self.sheet = {name: part for name, part in _sheet_parts(self.parts)}

    def write(self, dst: Path, change=None, extra: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, data in self.entries:
                if name in drop:
                    continue
                data = change(name, data) if change else data
                if data is not None:
                    out.writestr(name, data)
            for name, data in (extra or {}).items():
                out.writestr(name, data)
        return dst

    def in_sheet(self, dst: Path, sheet: str, fn) -> Path:
        part = self.sheet[sheet]
        return self.write(dst, lambda n, d: fn(d) if n == part else d)

    def append(self, dst: Path, rows: bytes, sheet: str = S1) -> Path:
        return self.in_sheet(dst, sheet, lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>", 1))

    def with_strings(self, dst: Path, sst: bytes, sheet_rows: bytes = b"") -> Path:
        part = self.sheet[S1]

        def change(name: str, data: bytes) -> bytes:
            if name == part and sheet_rows:
                return data.replace(b"</sheetData>", sheet_rows + b"</sheetData>", 1)
            return declare_shared_strings(name, data)
        return self.write(dst, change, {"xl/sharedStrings.xml": sst})

    def cell(self, dst: Path, ref: str, new: bytes, sheet: str = S1) -> Path:
        """`ref` of `sheet` replaced by the raw cell XML `new` (added to its row when the cell is absent)."""
        def fn(d: bytes) -> bytes:
            pattern = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
            if pattern.search(d):
                return pattern.sub(lambda _m: new, d, count=1)
            row = re.sub(r"[A-Z]+", "", ref).encode()
            return re.sub(rb'(<row r="' + row + rb'"[^>]*>)', lambda m: m.group(1) + new, d, count=1)
        return self.in_sheet(dst, sheet, fn)


def _sheet_parts(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    wb = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {m.group(2): m.group(1) for m in re.finditer(r'Target="([^"]+)" Id="([^"]+)"', rels)}
    out = []
    for m in re.finditer(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        t = targets[m.group(2)]
        out.append((m.group(1), t.lstrip("/") if t.startswith("/") else f"xl/{t}"))
    return out


def _xml_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")


def _utf16(xml: bytes) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-16"?>' + xml.decode("utf-8")).encode("utf-16")


def _inline(ref: str, text: str) -> bytes:
    return b'<c r="' + ref.encode() + b'" t="inlineStr"><is><t>' + _xml_text(text) + b"</t></is></c>"


# ---------------------------------------------------------------------------------------------------------- classes

def zip_structure(b: Base, f: Path) -> list[Case]:
    k = "zip"
    cases = []
    rnd = random.Random(17)
    for n, frac in enumerate((0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.999)):
        name = f"zip-cat-{n}.xlsx"
        (f / name).write_bytes(b.raw[: int(len(b.raw) * frac)])
        cases.append(Case(name, k, "reject", f"cut at {frac:.0%}"))
    for n in range(12):
        data = bytearray(b.raw)
        at = rnd.randrange(30, len(data) - 30)
        for j in range(at, at + 16):
            data[j] ^= 0xA5
        name = f"zip-lat-bit-{n}.xlsx"
        (f / name).write_bytes(bytes(data))
        cases.append(Case(name, k, None, f"16 bytes flipped at {at}"))
    (f / "zip-rac.xlsx").write_bytes(bytes(rnd.randrange(256) for _ in range(5000)))
    cases.append(Case("zip-rac.xlsx", k, "reject"))
    (f / "zip-chi-pk.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    cases.append(Case("zip-chi-pk.xlsx", k, "reject"))
    (f / "zip-eocd.xlsx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    cases.append(Case("zip-eocd.xlsx", k, "reject", "an empty zip"))
    with zipfile.ZipFile(f / "zip-rong.xlsx", "w"):
        pass
    cases.append(Case("zip-rong.xlsx", k, "reject"))
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "_rels/.rels", "xl/styles.xml",
                 b.sheet[S1], b.sheet[INFO], "docProps/core.xml"):
        name = "zip-thieu-" + re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") + ".xlsx"
        b.write(f / name, drop=(part,))
        cases.append(Case(name, k, None, f"without {part}"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in b.entries:
            z.writestr(name, data)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(b.sheet[S1], b"<worksheet " + NS + b"><sheetData/></worksheet>")
    (f / "zip-trung-ten.xlsx").write_bytes(buf.getvalue())
    cases.append(Case("zip-trung-ten.xlsx", k, None, "the same part twice"))

    def rels(fn):
        return lambda n, d: fn(d) if n == "xl/_rels/workbook.xml.rels" else d
    variants = {
        "zip-rels-ngoai.xlsx": rels(lambda d: d.replace(b'Target="/xl/worksheets/sheet4.xml"',
                                                        b'Target="../../../../etc/passwd"')),
        "zip-rels-tuyet-doi.xlsx": rels(lambda d: d.replace(b'Target="/xl/worksheets/sheet4.xml"',
                                                            b'Target="file:///etc/passwd" TargetMode="External"')),
        "zip-rels-trung-id.xlsx": rels(lambda d: d.replace(b'Id="rId5"', b'Id="rId4"')),
        "zip-rels-khong-id.xlsx": rels(lambda d: d.replace(b' Id="rId4"', b"")),
        "zip-rels-vong.xlsx": rels(lambda d: d.replace(b'Target="/xl/worksheets/sheet4.xml"', b'Target="/xl/workbook.xml"')),
        "zip-rels-styles-la-sheet.xlsx": rels(lambda d: d.replace(b'Target="/xl/styles.xml"',
                                                                  b'Target="/xl/worksheets/sheet4.xml"')),
        "zip-rels-phan-tram.xlsx": rels(lambda d: d.replace(b'Target="/xl/worksheets/sheet4.xml"',
                                                            b'Target="/xl/worksheets/sheet%34.xml"')),
    }
    for name, change in variants.items():
        b.write(f / name, change)
        cases.append(Case(name, k, None))
    big = b.write(f / "zip-ten-dai.xlsx", extra={"x" * 60000 + ".xml": b"<a/>"})
    cases.append(Case(big.name, k, None, "a 60,000-character entry name"))
    b.write(f / "zip-ten-la.xlsx", extra={"../../ngoai.xml": b"<a/>", "/tuyet-doi.xml": b"<a/>", "C:\\win.xml": b"<a/>"})
    cases.append(Case("zip-ten-la.xlsx", k, "read", "entry names that would escape a folder (never extracted)"))
    data = bytearray(b.raw)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):          # compression method 99 (AES) everywhere
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            struct.pack_into("<H", data, pos + off, 99)
            pos += 4
    (f / "zip-nen-la.xlsx").write_bytes(bytes(data))
    cases.append(Case("zip-nen-la.xlsx", k, "reject", "an unknown compression method"))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b" " * 10_000_000)
    b.write(f / "zip-long-zip.xlsx", lambda n, d: inner.getvalue() if n == b.sheet[S1] else d)
    cases.append(Case("zip-long-zip.xlsx", k, "reject", "a zip where a sheet should be"))
    (f / "zip-chu-thich.xlsx").write_bytes(b.raw[:-2] + struct.pack("<H", 65535) + b"K" * 65535)
    cases.append(Case("zip-chu-thich.xlsx", k, None, "a 64 KB zip comment"))
    (f / "zip-hai-lan.xlsx").write_bytes(b.raw + b.raw)
    cases.append(Case("zip-hai-lan.xlsx", k, None, "two zips end to end"))
    (f / "zip-dau-rac.xlsx").write_bytes(b"MZ" + b"\x00" * 4000 + b.raw)
    cases.append(Case("zip-dau-rac.xlsx", k, "reject", "junk before the zip (a self-extractor)"))
    return cases


BOMB = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + b"".join(
    b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10) for i in range(1, 9)) + b"]>")


def xml_entities(b: Base, f: Path) -> list[Case]:
    k = "xml"
    cases = []
    targets = {"wb": "xl/workbook.xml", "rels": "xl/_rels/workbook.xml.rels", "sheet": b.sheet[S1], "info": b.sheet[INFO],
               "styles": "xl/styles.xml", "core": "docProps/core.xml", "ct": "[Content_Types].xml", "root": "_rels/.rels",
               "meta": b.sheet["_kdcl"]}
    decls = {
        "bom": BOMB,
        "xxe": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "tham-so": b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
        "dtd-ngoai": b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    }
    for tname, part in targets.items():
        for dname, decl in decls.items():
            name = f"xml-{dname}-{tname}.xlsx"

            def put(n, d, part=part, decl=decl):
                if n != part:
                    return d
                d = re.sub(rb"^<\?xml[^>]*\?>", b"", d)
                return decl + d
            b.write(f / name, put)
            cases.append(Case(name, k, "reject" if tname not in ("core",) else None, f"{dname} in {part}"))
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
    b.write(f / "xml-xxe-utf16.xlsx", lambda n, d: utf16.encode("utf-16") if n == b.sheet[S1] else d)
    cases.append(Case("xml-xxe-utf16.xlsx", k, "reject"))
    for depth in (1000, 100_000):
        deep = b"<x>" * depth + b"</x>" * depth
        b.in_sheet(f / f"xml-sau-{depth}.xlsx", S1, lambda d, deep=deep: d.replace(b"</sheetData>", b"</sheetData>" + deep, 1))
        cases.append(Case(f"xml-sau-{depth}.xlsx", k, None, f"{depth}-deep elements after sheetData"))
        b.append(f / f"xml-sau-trong-o-{depth}.xlsx", b'<row r="45"><c r="A45" t="inlineStr"><is>' + deep + b"</is></c></row>")
        cases.append(Case(f"xml-sau-trong-o-{depth}.xlsx", k, None, "deep nesting inside a cell"))
        b.write(f / f"xml-sau-wb-{depth}.xlsx", lambda n, d, deep=deep: d.replace(b"</workbook>", deep + b"</workbook>")
                if n == "xl/workbook.xml" else d)
        cases.append(Case(f"xml-sau-wb-{depth}.xlsx", k, None))
        b.write(f / f"xml-sau-styles-{depth}.xlsx", lambda n, d, deep=deep: d.replace(b"</styleSheet>", deep + b"</styleSheet>")
                if n == "xl/styles.xml" else d)
        cases.append(Case(f"xml-sau-styles-{depth}.xlsx", k, None))
    b.append(f / "xml-thuoc-tinh-lon.xlsx", b'<row r="45"><c r="A45" x="' + b"a" * 5_000_000 + b'"><v>1</v></c></row>')
    cases.append(Case("xml-thuoc-tinh-lon.xlsx", k, None, "a 5 MB attribute"))
    attrs = b" ".join(b'a%d="1"' % i for i in range(100_000))
    b.append(f / "xml-nhieu-thuoc-tinh.xlsx", b'<row r="45"><c r="A45" ' + attrs + b"><v>1</v></c></row>")
    cases.append(Case("xml-nhieu-thuoc-tinh.xlsx", k, None, "100,000 attributes on one cell"))
    b.append(f / "xml-cdata.xlsx", b'<row r="45"><c r="A45" t="inlineStr"><is><t><![CDATA[<c r="XFD1048576"><v>1</v></c>]]>'
             b"</t></is></c></row>")
    cases.append(Case("xml-cdata.xlsx", k, "read", "CDATA that looks like a far cell"))
    b.append(f / "xml-chu-thich.xlsx", b'<!-- <row r="1048576"><c r="XFD1048576"><v>1</v></c></row> --><row r="45"><!--x-->'
             b'<c r="A45"><v>1</v></c></row>')
    cases.append(Case("xml-chu-thich.xlsx", k, "read", "a comment that looks like a far cell"))
    b.append(f / "xml-pi.xlsx", b'<?kdcl chay-lenh="rm -rf /"?><row r="45"><c r="A45"><v>1</v></c></row>')
    cases.append(Case("xml-pi.xlsx", k, "read", "a processing instruction in sheetData"))
    for n, broken in enumerate((b"<row r=\"45\"><c r=\"A45\"><v>1</c></v></row>", b"<row r=\"45\"><c r=\"A45\"><v>1</v></c>",
                                b"<row r=\"45\"><c r=\"A45\" r=\"B45\"><v>1</v></c></row>", b"<row r=\"45\">&#0;</row>",
                                b"<row r=\"45\"><c r=\"A45\"><v>&#xD800;</v></c></row>", b"<row r=\"45\">\x01</row>",
                                b"<row r=\"45\"><c r=\"A45\"><v>&khong-co;</v></c></row>", b"\xff\xfe\xfd")):
        b.append(f / f"xml-hong-{n}.xlsx", broken)
        cases.append(Case(f"xml-hong-{n}.xlsx", k, "reject", "not well-formed"))
    b.write(f / "xml-hong-wb.xlsx", lambda n, d: d.replace(b"</sheets>", b"</sheet>") if n == "xl/workbook.xml" else d)
    cases.append(Case("xml-hong-wb.xlsx", k, "reject"))
    b.write(f / "xml-strict.xlsx", lambda n, d: d.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                                          b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            if n.startswith("xl/") else d)
    cases.append(Case("xml-strict.xlsx", k, None, "the Strict OOXML namespace"))
    b.write(f / "xml-tien-to.xlsx", lambda n, d: re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|is|t|f)([\s>/])",
                                                         rb"<\1x:\2\3", d).replace(NS, NS.replace(b"xmlns", b"xmlns:x"), 1)
            if n == b.sheet[S1] else d)
    cases.append(Case("xml-tien-to.xlsx", k, None, "every element with a prefix"))
    return cases


def declared_sizes(b: Base, f: Path) -> list[Case]:
    k = "kich-thuoc"
    cases = []
    far = {
        "cach": b'<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        "nhay-don": b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
        "xuong-dong": b'<row\n r\n=\n"1048576"><c\tr\t=\t"XFD1048576"><v>1</v></c></row>',
        "o-khong-dia-chi": b'<row r="1048576"><c><v>1</v></c></row>',
        "dong-khong-dia-chi": b'<row><c r="XFD1048576"><v>1</v></c></row>',
        "16000-o-trong": b'<row r="200000">' + b"<c/>" * 16000 + b"<c><v>1</v></c></row>",
        "chu-thuong": b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
        "bon-chu": b'<row r="45"><c r="ZZZZ45"><v>1</v></c></row>',
        "ngoai-luoi": b'<row r="99999999999"><c r="A99999999999"><v>1</v></c></row>',
        "so-am": b'<row r="-5"><c r="A-5"><v>1</v></c></row>',
        "dong-0": b'<row r="0"><c r="A0"><v>1</v></c></row>',
        "dia-chi-rong": b'<row r=""><c r=""><v>1</v></c></row>',
        "dia-chi-dola": b'<row r="45"><c r="$XFD$1048576"><v>1</v></c></row>',
        "dia-chi-khoang-trang": b'<row r=" 1048576 "><c r=" XFD1048576 "><v>1</v></c></row>',
        "lon-gt": b'<row r="1048576"><c foo="a>b" r="XFD1048576"><v>1</v></c></row>',
        "gia-trong-thuoc-tinh": b'<row r="1048576"><c foo=\' r="A1"\'><v>1</v></c></row>',
        "chu-so-unicode": '<row r="١٠٤٨٥٧٦"><c r="XFD١٠٤٨٥٧٦"><v>1</v></c></row>'.encode(),
        "cong-thuc-xa": b'<row r="1048576"><c r="XFD1048576"><f>1+1</f></c></row>',
        "o-trong-xa": b'<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        "dong-trong-xa": b'<row r="1048576" spans="1:16384" ht="15" customHeight="1"/>',
        "nhieu-dong-trong": b"".join(b'<row r="%d"/>' % r for r in range(100, 200_000, 7)),
        "xa-vua": b'<row r="999"><c r="ALL999"><v>1</v></c></row>',
    }
    for name, rows in far.items():
        b.append(f / f"xa-{name}.xlsx", rows)
        expect = "read" if name in ("o-trong-xa", "dong-trong-xa", "nhieu-dong-trong", "xa-vua") else None
        cases.append(Case(f"xa-{name}.xlsx", k, expect))
    for name, attrs in {"dem-lon": b'count="4294967295" uniqueCount="4294967295"', "dem-nhay-don": b"uniqueCount = '99999999999'",
                        "dem-64bit": b'count="18446744073709551615"', "dem-am": b'uniqueCount="-1"',
                        "dem-chu": b'uniqueCount="nhieu"', "dem-tien-to": b'x:uniqueCount="99999999999" xmlns:x="urn:x"'}.items():
        sst = b"<sst " + NS + b" " + attrs + b"><si><t>a</t></si><si><t>b</t></si></sst>"
        b.with_strings(f / f"sst-{name}.xlsx", sst, b'<row r="45"><c r="A45" t="s"><v>1</v></c></row>')
        cases.append(Case(f"sst-{name}.xlsx", k, "read" if name != "dem-tien-to" else None, "a lying string count"))
    many = b"<sst " + NS + b">" + b"<si><t/></si>" * 1_100_000 + b"</sst>"
    b.with_strings(f / "sst-qua-nhieu.xlsx", many)
    cases.append(Case("sst-qua-nhieu.xlsx", k, "reject", "1.1 million strings"))
    b.with_strings(f / "sst-chi-so-la.xlsx", b"<sst " + NS + b"><si><t>a</t></si></sst>",
                   b'<row r="45"><c r="A45" t="s"><v>99999999</v></c><c r="B45" t="s"><v>-1</v></c></row>')
    cases.append(Case("sst-chi-so-la.xlsx", k, None, "string indexes beyond the table"))
    b.with_strings(f / "sst-phong-phu.xlsx", b"<sst " + NS + "><si><r><t>Hoàn</t></r><r><rPr><b/></rPr><t> thành</t></r>"
                   '<rPh sb="0" eb="1"><t>x</t></rPh></si><si/></sst>'.encode(),
                   b'<row r="45"><c r="A45" t="s"><v>0</v></c><c r="B45" t="s"><v>1</v></c></row>')
    cases.append(Case("sst-phong-phu.xlsx", k, "read", "rich text runs, phonetic runs, an empty item"))
    for name, new in {"dim-lon": b'<dimension ref="A1:XFD1048576"/>', "dim-nho": b'<dimension ref="A1"/>',
                      "dim-la": b'<dimension ref="ZZZZZ99999999999"/>', "dim-rong": b"<dimension/>"}.items():
        b.in_sheet(f / f"{name}.xlsx", S1, lambda d, new=new: re.sub(rb"<dimension[^>]*/>", new, d, count=1))
        cases.append(Case(f"{name}.xlsx", k, "read" if name != "dim-la" else None, "a lying dimension"))
    whole = {"gop-ca-trang": b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
             "gop-nhieu": b'<mergeCells count="99999">' + b"".join(b'<mergeCell ref="A%d:B%d"/>' % (r, r)
                                                                  for r in range(100, 60_100)) + b"</mergeCells>",
             "lien-ket-ca-trang": b'<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>',
             "kiem-tra-du-lieu": b'<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576">'
                                 b"<formula1>\"a,b\"</formula1></dataValidation></dataValidations>",
             "dinh-dang-dk": b'<conditionalFormatting sqref="A1:XFD1048576"><cfRule type="expression" priority="1">'
                             b"<formula>TRUE</formula></cfRule></conditionalFormatting>"}
    for name, xml in whole.items():
        b.in_sheet(f / f"{name}.xlsx", S1, lambda d, xml=xml: d.replace(b"</sheetData>", b"</sheetData>" + xml, 1))
        cases.append(Case(f"{name}.xlsx", k, None, "a range over the whole sheet"))
    wide = b'<cols><col min="1" max="16384" width="9" customWidth="1"/>'
    b.in_sheet(f / "cot-xa.xlsx", S1, lambda d: d.replace(b"<cols>", wide, 1))
    cases.append(Case("cot-xa.xlsx", k, None, "column widths over every column"))
    return cases


def ooxml_parts(b: Base, f: Path) -> list[Case]:
    k = "phan"
    cases = []

    def wb(fn):
        return lambda n, d: fn(d) if n == "xl/workbook.xml" else d
    names = {"ten-trung": (S1.encode(), "Tiêu chuẩn 2".encode()), "ten-rong": (S1.encode(), b""),
             "ten-ky-tu-cam": (S1.encode(), "Tiêu/chuẩn:1*?[]".encode()), "ten-dai": (S1.encode(), b"T" * 300),
             "ten-dieu-khien": (S1.encode(), b"&#27;[31mTi&#234;u"), "ten-thuc-the": (S1.encode(), b"Ti&#xEA;u chu&#x1EA9;n 1"),
             "ten-kdcl": (b"_kdcl", S1.encode())}
    for name, (old, new) in names.items():
        b.write(f / f"wb-{name}.xlsx", wb(lambda d, old=old, new=new: d.replace(b'name="' + old + b'"',
                                                                                b'name="' + new + b'"', 1)))
        cases.append(Case(f"wb-{name}.xlsx", k, None, "a sheet name"))
    b.write(f / "wb-an.xlsx", wb(lambda d: d.replace(b'state="visible"', b'state="veryHidden"')))
    cases.append(Case("wb-an.xlsx", k, "read", "every sheet very hidden"))
    b.write(f / "wb-khong-trang.xlsx", wb(lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d, flags=re.S)))
    cases.append(Case("wb-khong-trang.xlsx", k, "reject"))
    sheets = b"".join(b'<sheet name="T%d" sheetId="%d" r:id="rId4"/>' % (i, 100 + i) for i in range(60))
    b.write(f / "wb-60-trang.xlsx", wb(lambda d: d.replace(b"</sheets>", sheets + b"</sheets>").replace(
        b"<workbook ", b'<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)))
    cases.append(Case("wb-60-trang.xlsx", k, "reject", "60 more sheets (all the same part)"))
    defined = b"<definedNames>" + b"".join(b'<definedName name="n%d">Sheet1!$A$1:$XFD$1048576</definedName>' % i
                                           for i in range(20000)) + b"</definedNames></workbook>"
    b.write(f / "wb-ten-dinh-nghia.xlsx", wb(lambda d: d.replace(b"</workbook>", defined)))
    cases.append(Case("wb-ten-dinh-nghia.xlsx", k, None, "20,000 defined names over whole sheets"))
    b.write(f / "wb-khong-phai-wb.xlsx", wb(lambda d: d.replace(b"<workbook", b"<worksheet")
                                             .replace(b"</workbook>", b"</worksheet>")))
    cases.append(Case("wb-khong-phai-wb.xlsx", k, "reject"))
    styles = {"styles-hong": b"<styleSheet", "styles-rong": b"", "styles-numfmt": None, "styles-xf-la": None}
    for name in styles:
        def change(n, d, name=name):
            if n != "xl/styles.xml":
                return d
            if name == "styles-hong":
                return d[: len(d) // 2]
            if name == "styles-rong":
                return b""
            if name == "styles-numfmt":
                return re.sub(rb'formatCode="[^"]*"', b'formatCode="[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy;@&quot;' + b"0" * 3000
                              + b'"', d)
            return re.sub(rb'numFmtId="\d+"', b'numFmtId="4294967295"', d)
        b.write(f / f"{name}.xlsx", change)
        cases.append(Case(f"{name}.xlsx", k, None, "styles.xml"))
    for name, new in {"core-nam-0": b"0000-01-01T00:00:00Z", "core-nam-lon": b"99999-12-31T23:59:59Z",
                      "core-mui-gio": b"2024-05-30T10:00:00+99:99", "core-rac": b"khong phai ngay", "core-rong": b"",
                      "core-tuong-lai": b"9999-12-31T23:59:59Z"}.items():
        b.write(f / f"{name}.xlsx", lambda n, d, new=new: re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                                                                 lambda m: m.group(1) + new, d)
                if n == "docProps/core.xml" else d)
        cases.append(Case(f"{name}.xlsx", k, "read", "docProps/core.xml modified date"))
    b.write(f / "ct-hong.xlsx", lambda n, d: b"<Types" if n == "[Content_Types].xml" else d)
    cases.append(Case("ct-hong.xlsx", k, None))
    b.write(f / "root-rels-la.xlsx", lambda n, d: d.replace(b"xl/workbook.xml", b"xl/worksheets/sheet4.xml")
            if n == "_rels/.rels" else d)
    cases.append(Case("root-rels-la.xlsx", k, None, "the document relationship names a sheet"))
    meta = {"meta-phien-ban-chu": ("template_version", "abc"), "meta-phien-ban-lon": ("template_version", "1e308"),
            "meta-phien-ban-am": ("template_version", "-1"), "meta-id-la": ("template_id", "khac"),
            "meta-bo-tc-duong-dan": ("framework", "/etc/passwd"), "meta-mau-duong-dan": ("plan_form", "../../../../etc/hosts"),
            "meta-mau-tuyet-doi": ("plan_form", "/etc/hosts"), "meta-mau-rong": ("plan_form", " "),
            "meta-mau-dieu-khien": ("plan_form", "\x1b[2J"), "meta-bo-tc-dai": ("framework", "x" * 5000)}
    part = b.sheet["_kdcl"]
    for name, (key, value) in meta.items():
        def change(n, d, key=key, value=value):
            if n != part:
                return d
            pat = re.compile(rb'(<c r="A(\d+)"[^>]*><is><t>' + key.encode() + rb"</t></is></c>)"
                             rb'<c r="B\2"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
            safe = "".join(ch if ch.isprintable() else f"_x{ord(ch):04X}_" for ch in value)
            return pat.sub(lambda m: m.group(1) + _inline(f"B{m.group(2).decode()}", safe), d, count=1)
        b.write(f / f"{name}.xlsx", change)
        expect = None if name == "meta-mau-rong" else "reject"          # a blank id is no id: the default form
        cases.append(Case(f"{name}.xlsx", k, expect, f"_kdcl {key} = {value[:20]!r}"))
    check = 'name="Kiểm tra"'.encode()
    b.write(f / "thieu-kiem-tra.xlsx", wb(lambda d: re.sub(rb'<sheet [^>]*' + check + rb'[^>]*/>', b"", d)))
    cases.append(Case("thieu-kiem-tra.xlsx", k, "read", "no «Kiểm tra» sheet"))
    return cases


ERRORS = ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA", "#N/A", "#REF!",
          "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#KHONG-CO!", "", "&lt;script&gt;"]


def numbers_and_dates(b: Base, f: Path) -> list[Case]:
    k = "so"
    cases = []
    for n, err in enumerate(ERRORS):
        b.cell(f / f"loi-{n:02d}.xlsx", "D8", b'<c r="D8" t="e"><v>' + err.encode() + b"</v></c>")
        cases.append(Case(f"loi-{n:02d}.xlsx", k, "read", f"error value {err!r}"))
    values = {"vo-cuc": b"1e400", "am-vo-cuc": b"-1e400", "nan": b"NaN", "inf": b"INF", "lon-nhat": b"1.7976931348623157e308",
              "nho-nhat": b"5e-324", "am-0": b"-0", "400-chu-so": b"9" * 400, "chu": b"abc", "rong": b"", "khoang": b" 1 ",
              "hex": b"0x10", "phay": b"1,5", "mu": b"1E+15", "so-am-lon": b"-" + b"9" * 30}
    for name, v in values.items():
        for col in ("G8", "F8", "K8"):
            b.cell(f / f"so-{name}-{col}.xlsx", col, b'<c r="' + col.encode() + b'"><v>' + v + b"</v></c>")
            cases.append(Case(f"so-{name}-{col}.xlsx", k, None, f"number {v[:20]!r} in {col}"))
    for name, (t, v) in {"bool-2": (b"b", b"2"), "bool-chu": (b"b", b"dung"), "ngay-0": (b"d", b"0000-00-00"),
                         "ngay-la": (b"d", b"9999-99-99T99:99:99"), "ngay-rong": (b"d", b""), "ngay-xa": (b"d", b"+275760-09-13"),
                         "str-dai": (b"str", b"x" * 40000), "kieu-la": (b"zz", b"1"), "n-chu": (b"n", b"mot")}.items():
        b.cell(f / f"kieu-{name}.xlsx", "F8", b'<c r="F8" t="' + t + b'"><v>' + v + b"</v></c>")
        cases.append(Case(f"kieu-{name}.xlsx", k, None, f"t={t!r} v={v[:20]!r}"))
    for name, serial in {"serial-am": b"-1", "serial-0": b"0", "serial-60": b"60", "serial-max": b"2958465",
                         "serial-qua": b"2958466", "serial-1e10": b"1e10", "serial-le": b"45000.99999999999"}.items():
        b.cell(f / f"ngay-{name}.xlsx", "F8", b'<c r="F8" s="1"><v>' + serial + b"</v></c>")
        cases.append(Case(f"ngay-{name}.xlsx", k, None, f"date serial {serial!r}"))
    texts = {"kp-400": ("G8", "9" * 400), "kp-dong": ("G8", "9" * 400 + " đồng"), "kp-ty": ("G8", "9" * 59 + " tỷ"),
             "kp-mu": ("G8", "1e999 triệu"), "tg-thang-13": ("F8", "Tháng 13/2024"), "tg-nam-lon": ("F8", "Tháng 2/" + "9" * 30),
             "tg-ngay-lon": ("F8", "ngày " + "9" * 30 + "/10/2024"), "tt-dai": ("K8", "Hoàn thành " * 3000),
             "cong-thuc-chu": ("D8", "=cmd|' /C calc'!A0"), "cong-thuc-cong": ("D8", "+SUM(1,2)"), "gach": ("D8", "@SUM(1)")}
    for name, (ref, text) in texts.items():
        b.cell(f / f"chu-{name}.xlsx", ref, _inline(ref, text))
        cases.append(Case(f"chu-{name}.xlsx", k, "read", f"{ref} = {text[:24]!r}"))
    info = b.sheet[INFO]
    for name, text in {"nam-hoc-lon": "9" * 30 + "-" + "9" * 30, "nam-hoc-nguoc": "2025-2024", "nam-hoc-so": "2024.5",
                       "ngay-bc-lon": "1/1/" + "9" * 30, "ngay-bc-la": "32/13/2024"}.items():
        def change(n, d, text=text):
            if n != info:
                return d
            return re.sub(rb'(<c r="B(\d+)"[^>]*t="inlineStr"><is><t>)2023-2024(</t>)', lambda m: m.group(1) + _xml_text(text)
                          + m.group(3), d, count=1)
        b.write(f / f"tt-{name}.xlsx", change)
        cases.append(Case(f"tt-{name}.xlsx", k, "read", f"Thông tin: {text[:24]!r}"))
    broken = (b'<row r="45"><c r="A45"><f t="shared" si="0" ref="A45:A46">"abc</f><v>1</v></c></row>'
              b'<row r="46"><c r="A46"><f t="shared" si="0"/><v>1</v></c></row>')
    b.append(f / "cong-thuc-chung-hong.xlsx", broken)
    cases.append(Case("cong-thuc-chung-hong.xlsx", k, "read", "an unterminated string in a shared formula"))
    b.append(f / "cong-thuc-chung-la.xlsx", b'<row r="45"><c r="A45"><f t="shared" si="x" ref="ZZZZ1:A0">A1</f></c>'
             b'<c r="B45"><f t="shared" si="x"/></c><c r="C45"><f t="shared"/></c></row>')
    cases.append(Case("cong-thuc-chung-la.xlsx", k, "read", "shared formulas with odd refs"))
    b.append(f / "cong-thuc-dai.xlsx", b'<row r="45"><c r="A45"><f>' + b"1+" * 200_000 + b"1</f></c></row>")
    cases.append(Case("cong-thuc-dai.xlsx", k, None, "a 400,000-character formula"))
    return cases


def unicode_forms(b: Base, f: Path) -> list[Case]:
    k = "unicode"
    cases = []
    nfd = unicodedata.normalize
    for form in ("NFD", "NFKD"):
        def change(n, d, form=form):
            if not n.startswith("xl/worksheets/") and n != "xl/workbook.xml":
                return d
            text = d.decode("utf-8")
            text = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)
            return nfd(form, text).encode("utf-8")
        b.write(f / f"uni-{form.lower()}.xlsx", change)
        cases.append(Case(f"uni-{form.lower()}.xlsx", k, "read", f"every text and sheet name in {form}"))
    for name, text in {"khong-rong": "Hoàn\u200bthành", "rtl": "\u202eHoàn thành", "bom": "\ufeffHoàn thành",
                       "dau-chong": "Hoa" + "\u0300" * 10000 + "n thành", "emoji": "Hoàn thành 🎉👍🏽", "rieng": "\ue000\uf8ff",
                       "toan-khoang": "\u3000\u00a0\u2003", "full-width": "Ｈｏàｎ ｔｈàｎｈ", "vni": "Hoaøn thaønh",
                       "tcvn3": "Hoµn thµnh", "thay-the": "\ufffd\ufffd", "dieu-khien-tho": "Ho\x1b[31màn"}.items():
        safe = "".join(ch if ch.isprintable() or ch in "\u200b\u202e\ufeff\u3000\u00a0\u2003" else f"_x{ord(ch):04X}_"
                       for ch in text)
        b.cell(f / f"uni-{name}.xlsx", "K8", _inline("K8", safe))
        cases.append(Case(f"uni-{name}.xlsx", k, "read", f"status {text[:16]!r}"))
    b.write(f / "uni-ten-trang-nfd.xlsx", lambda n, d: d.replace(S1.encode(), nfd("NFD", S1).encode())
            if n == "xl/workbook.xml" else d)
    cases.append(Case("uni-ten-trang-nfd.xlsx", k, "read", "a standard sheet named in NFD"))
    both = ('<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="'
            + nfd("NFD", S1) + '" sheetId="99" state="visible" r:id="rId5"/>').encode()
    b.write(f / "uni-hai-ten-mot.xlsx", lambda n, d: d.replace(b"</sheets>", both + b"</sheets>")
            if n == "xl/workbook.xml" else d)
    cases.append(Case("uni-hai-ten-mot.xlsx", k, None, "two sheets whose names are equal in NFC"))
    for name, raw in {"utf8-hong": b"\xc3\x28", "ky-tu-thay": b"\xed\xa0\x80", "utf16-le": None}.items():
        if raw is None:
            b.write(f / f"uni-{name}.xlsx", lambda n, d: _utf16(d) if n == b.sheet[S1] else d)
            cases.append(Case(f"uni-{name}.xlsx", k, "read", "a UTF-16 sheet"))
            continue
        b.append(f / f"uni-{name}.xlsx", b'<row r="45"><c r="A45" t="inlineStr"><is><t>' + raw + b"</t></is></c></row>")
        cases.append(Case(f"uni-{name}.xlsx", k, "reject", "invalid UTF-8"))
    b.write(f / "uni-ma-la.xlsx", lambda n, d: b'<?xml version="1.0" encoding="x-khong-co"?>' + d if n == b.sheet[S1] else d)
    cases.append(Case("uni-ma-la.xlsx", k, "reject", "an unknown encoding"))
    names = ["Tên\u202etệp.xlsx", "tên-nfd-" + nfd("NFD", "Trường") + ".xlsx", "=cmd.xlsx", "-lệnh.xlsx", "tệp 🎉.xlsx",
             "a" * 200 + ".xlsx"]
    for i, name in enumerate(names):
        (f / name).write_bytes(b.raw)
        cases.append(Case(name, k, "read", f"file name {i}"))
    return cases


def mail_structure(b: Base, f: Path) -> list[Case]:
    k = "thu"
    cases = []
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def message(subject: str = "Kế hoạch", body: str = "Kính gửi") -> EmailMessage:
        m = EmailMessage()
        m["Subject"], m["From"], m["Date"] = subject, "truong@example.vn", "Mon, 27 May 2024 08:00:00 +0700"
        m.set_content(body)
        return m

    def save(name: str, m: EmailMessage | bytes, expect: str | None = None, note: str = "") -> None:
        (f / name).write_bytes(m if isinstance(m, bytes) else bytes(m))
        cases.append(Case(name, k, expect, note))
    save("thu-khong-dinh-kem.eml", message(), "reject")
    m = message()
    m.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1], filename="../../../../tmp/ke-hoach.xlsx")
    save("thu-ten-leo-thu-muc.eml", m, "read", "an attachment named ../../ (never written anywhere)")
    m = message()
    m.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1], filename="C:\\Windows\\ke-hoach.xlsx")
    save("thu-ten-windows.eml", m, "read")
    m = message()
    m.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1])
    save("thu-khong-ten.eml", m, "read", "an Excel attachment without a file name")
    m = message("=HYPERLINK(\"http://x\")\x1b[31m")
    m.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1], filename="=cmd|calc.xlsx")
    save("thu-tieu-de-cong-thuc.eml", m, "read")
    m = message()
    m.add_attachment(b"PK\x03\x04 hong", maintype="application", subtype=xlsx.split("/")[1], filename="hong.xlsx")
    save("thu-dinh-kem-hong.eml", m, "reject")
    inner = message("Thư chuyển tiếp")
    inner.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1], filename="chuyen-tiep.xlsx")
    outer = message("Fwd")
    outer.add_attachment(inner)
    save("thu-long-thu.eml", outer, None, "a forwarded message holding the workbook")
    raw = bytes(message()).replace(b"Content-Type: text/plain", b'Content-Type: multipart/mixed; boundary="b"', 1)
    save("thu-khong-ranh-gioi.eml", raw + b"\n--b\nContent-Type: " + xlsx.encode() + b'\nContent-Disposition: attachment; '
         b'filename="a.xlsx"\nContent-Transfer-Encoding: base64\n\n!!!khong-phai-base64!!!', None, "unterminated multipart")
    save("thu-base64-hong.eml", b"Subject: x\nMIME-Version: 1.0\nContent-Type: " + xlsx.encode() + b'; name="a.xlsx"\n'
         b"Content-Disposition: attachment; filename=\"a.xlsx\"\nContent-Transfer-Encoding: base64\n\n" + b"@@@@" * 1000,
         "reject")
    save("thu-ma-la.eml", b"Subject: =?x-khong-co?B?SMOgbmg=?=\nContent-Type: " + xlsx.encode()
         + b'; name="a.xlsx"\nContent-Disposition: attachment; filename*=x-khong-co\'\'%FF%FE.xlsx\n'
         b"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n`\nend\n", None, "unknown charsets and encodings")
    save("thu-tieu-de-dai.eml", b"Subject: " + b"A" * 1_000_000 + b"\n\nbody\n", "reject", "a 1 MB header line")
    save("thu-rac.eml", bytes(random.Random(3).randrange(256) for _ in range(20000)), "reject")
    save("thu-rong.eml", b"", "reject")
    many = message("1000 tệp")
    for i in range(1000):
        many.add_attachment(b"PK\x03\x04 %d" % i, maintype="application", subtype=xlsx.split("/")[1], filename=f"t-{i}.xlsx")
    save("thu-1000-tep.eml", many, "reject", "1,000 attachments")
    deep = message("Sâu")
    node = deep
    for _ in range(60):
        nxt = message("Lớp")
        node.add_attachment(nxt)
        node = nxt
    save("thu-long-sau.eml", deep, None, "60 forwarded messages inside each other")
    (f / "hop-thu-rong.mbox").write_bytes(b"")
    cases.append(Case("hop-thu-rong.mbox", k, "reject"))
    good = message("Sổ")
    good.add_attachment(b.raw, maintype="application", subtype=xlsx.split("/")[1], filename="so-trong-hop-thu.xlsx")
    body = bytes(good)
    (f / "hop-thu-from-trong-than.mbox").write_bytes(b"From a@b Mon May 27 08:00:00 2024\n" + body.replace(
        b"\n\n", b"\n\nFrom nobody inside the body\n", 1) + b"\n")
    cases.append(Case("hop-thu-from-trong-than.mbox", k, None, "a From line in a body"))
    (f / "hop-thu-300.mbox").write_bytes(b"".join(b"From a@b Mon May 27 08:00:00 2024\n" + bytes(message(f"Thư {i}")) + b"\n"
                                                  for i in range(300)))
    cases.append(Case("hop-thu-300.mbox", k, "reject", "300 messages without attachments"))
    (f / "hop-thu-cat.mbox").write_bytes((b"From a@b Mon May 27 08:00:00 2024\n" + body)[: len(body) // 2])
    cases.append(Case("hop-thu-cat.mbox", k, None, "a mailbox cut in the middle of a message"))
    (f / "hop-thu-rac.mbox").write_bytes(b"From x\n" + bytes(random.Random(5).randrange(256) for _ in range(20000)))
    cases.append(Case("hop-thu-rac.mbox", k, "reject"))
    (f / "thu-outlook.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "__substg1.0_".encode("utf-16-le") + b"\x00" * 600)
    cases.append(Case("thu-outlook.msg", k, "reject"))
    return cases


def make_hostile_corpus(folder: Path, good: Path) -> list[Case]:
    """Write every case into `folder` (made from the good workbook `good`, never modified)."""
    folder.mkdir(parents=True, exist_ok=True)
    b = Base(good)
    cases: list[Case] = []
    for make in (zip_structure, xml_entities, declared_sizes, ooxml_parts, numbers_and_dates, unicode_forms, mail_structure):
        cases += make(b, folder)
    made = {c.name for c in cases}
    for path in folder.iterdir():          # a file written without a case (a helper's leftover) is a bug here
        assert path.name in made, path.name
    return cases


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("hostile-corpus")
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import seed_workbook
    work = out.parent / (out.name + "-goc")
    work.mkdir(parents=True, exist_ok=True)
    cases = make_hostile_corpus(out, seed_workbook(work, "ket-qua-thpt"))
    for case in cases:
        print(f"{case.klass:10} {case.expect or '-':7} {case.name:40} {case.note}")
    print(f"{len(cases)} tệp")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A corpus of hostile and broken inputs, generated from one good workbook (nothing binary is committed).

Each `Case` says what kdcl must make of the file: a reason kind of "Không đọc được"
(workbook_templates/texts/tong-hop.yaml `reasons`), or the rule codes it must report while still
reading the workbook. Used by tests/test_consolidate.py; can also be run by hand to look at the files:

    python tests/make_bad_corpus.py OUT_DIR        # builds a good THPT workbook first, then the corpus

Cases needing a tool that may be missing (LibreOffice for a real .xls, msoffcrypto-tool for a
password-protected workbook) are left out with the reason in `skipped`.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

INPUT_SHEET = "Tiêu chuẩn 1"     # 2018 layout: input columns C..O, criterion 1.1 items on rows 8-10


@dataclass
class Case:
    name: str
    reason: str | None = None                 # kind of "Không đọc được", or None: read, with findings
    rules: set[str] = field(default_factory=set)   # rule codes that must be reported (when read)
    note: str = ""


@dataclass
class Corpus:
    folder: Path
    cases: list[Case]
    skipped: dict[str, str]

    def path(self, name: str) -> Path:
        return self.folder / name


def _entries(src: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(src) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _rezip(src: Path, dst: Path, change=None, extra: dict[str, bytes] | None = None) -> Path:
    """Copy a workbook part by part, `change(name, data) -> data | None` (None drops the part)."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in _entries(src):
            data = change(info.filename, data) if change else data
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return dst


def _sheet_part(src: Path, title: str) -> str:
    """The zip part of a worksheet, found as Excel finds it (workbook.xml → relationships)."""
    import re
    with zipfile.ZipFile(src) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    esc = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in title)
    names = f"(?:{re.escape(title)}|{re.escape(esc)})"
    rid = re.search(rf'<sheet [^>]*name="{names}"[^>]*r:id="([^"]+)"', wb).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    t = target.group(1)
    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"


def _edit(src: Path, dst: Path, fn) -> Path:
    """An edited copy, saved as a user's Excel would; read cases get their own school name (no duplicates)."""
    wb = openpyxl.load_workbook(src)
    fn(wb)
    if "Thông tin" in wb.sheetnames:
        for row in wb["Thông tin"].iter_rows(max_col=2):
            if str(row[0].value or "").startswith("Tên trường"):
                row[1].value = f"Trường thử «{dst.stem}»"
    wb.save(dst)
    return dst


def _set_meta(wb, key: str, value) -> None:
    ws = wb["_kdcl"]
    for row in ws.iter_rows():
        if row[0].value == key:
            row[1].value = value


def _patch_sizes(data: bytes, name: bytes, new_size: int) -> bytes:
    """Declare a smaller uncompressed size for one entry, in its local header and in the central directory."""
    out = bytearray(data)
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) >= 0:
        n = struct.unpack_from("<H", out, pos + 26)[0]
        if bytes(out[pos + 30:pos + 30 + n]) == name:
            struct.pack_into("<I", out, pos + 22, new_size)
        pos += 4
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) >= 0:
        n = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46:pos + 46 + n]) == name:
            struct.pack_into("<I", out, pos + 24, new_size)
        pos += 4
    return bytes(out)


def _set_flag(data: bytes, bit: int) -> bytes:
    """Set a general-purpose flag bit on every entry (bit 0: "encrypted")."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = 0
        while (pos := out.find(sig, pos)) >= 0:
            flags = struct.unpack_from("<H", out, pos + off)[0]
            struct.pack_into("<H", out, pos + off, flags | (1 << bit))
            pos += 4
    return bytes(out)


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
XXE = b'<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def make_corpus(folder: Path, good: Path, soffice: str | None = None) -> Corpus:
    """Write every case into `folder` (made from the good workbook `good`, never modified)."""
    folder.mkdir(parents=True, exist_ok=True)
    f = folder
    cases: list[Case] = []
    skipped: dict[str, str] = {}
    raw = good.read_bytes()
    sheet1 = _sheet_part(good, INPUT_SHEET)

    # -- files that are not (usable) workbooks ------------------------------------------------------------
    (f / "rong.xlsx").write_bytes(b"")
    cases.append(Case("rong.xlsx", "rong"))
    (f / "cat-cut.xlsx").write_bytes(raw[: len(raw) // 2])
    cases.append(Case("cat-cut.xlsx", "zip-hong", note="truncated download: no central directory"))
    damaged = bytearray(raw)
    with zipfile.ZipFile(good) as z:
        info = z.getinfo(sheet1)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 200, start + 260):
        damaged[k] ^= 0x5A
    (f / "hong-du-lieu.xlsx").write_bytes(bytes(damaged))
    cases.append(Case("hong-du-lieu.xlsx", "zip-hong", note="bytes flipped inside a compressed sheet"))
    (f / "bao-cao.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    cases.append(Case("bao-cao.xlsx", "dinh-dang-khac", note="a PDF renamed .xlsx"))
    html = "<html><body><table><tr><td>Tên trường</td><td>Trường THCS A</td></tr></table></body></html>"
    (f / "xuat-tu-web.xlsx").write_text(html, encoding="utf-8")
    cases.append(Case("xuat-tu-web.xlsx", "dinh-dang-khac", note="an HTML table saved as .xlsx by a web system"))
    (f / "bang.xlsx").write_text("Tên trường,Tiêu chí\nTrường A,1.1\n", encoding="utf-8")
    cases.append(Case("bang.xlsx", "khong-phai-excel", note="CSV text renamed .xlsx"))
    import docx
    buf = io.BytesIO()
    docx.Document().save(buf)
    (f / "van-ban.xlsx").write_bytes(buf.getvalue())
    cases.append(Case("van-ban.xlsx", "dinh-dang-khac", note="a Word document renamed .xlsx"))
    with zipfile.ZipFile(f / "bang-tinh-ods.xlsx", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                                  'opendocument:xmlns:office:1.0"/>')
    cases.append(Case("bang-tinh-ods.xlsx", "dinh-dang-khac", note="an OpenDocument spreadsheet renamed .xlsx"))
    with zipfile.ZipFile(f / "nhi-phan.xlsb", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    cases.append(Case("nhi-phan.xlsb", "dinh-dang-khac", note="an Excel binary workbook"))
    (f / "~$dang-mo.xlsx").write_bytes(b"\x0bNguyen Van A" + b"\x20" * 40)
    cases.append(Case("~$dang-mo.xlsx", "tep-tam", note="Excel's lock file next to an open workbook"))
    with (f / "qua-lon.xlsx").open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(51 * 1024 * 1024)
    cases.append(Case("qua-lon.xlsx", "qua-lon"))

    # -- encrypted, legacy ----------------------------------------------------------------------------------
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
        out = io.BytesIO()
        with good.open("rb") as fh:
            OOXMLFile(fh).encrypt("mat-khau-cua-truong", out)
        (f / "mat-khau.xlsx").write_bytes(out.getvalue())
        cases.append(Case("mat-khau.xlsx", "mat-khau", note="password to open (ECMA-376 agile encryption)"))
    except ImportError:
        skipped["mat-khau.xlsx"] = "msoffcrypto-tool is not installed (pip install msoffcrypto-tool)"
    (f / "zip-ma-hoa.xlsx").write_bytes(_set_flag(raw, 0))
    cases.append(Case("zip-ma-hoa.xlsx", "mat-khau", note="zip entries flagged as encrypted"))
    if soffice:
        tmp = f / "_lo"
        tmp.mkdir(exist_ok=True)
        subprocess.run([soffice, "--headless", "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp), str(good)],
                       check=True, capture_output=True, timeout=180)
        xls = tmp / (good.stem + ".xls")
        shutil.copy(xls, f / "excel-97.xls")
        shutil.copy(xls, f / "excel-97-doi-ten.xlsx")
        shutil.rmtree(tmp)
        cases.append(Case("excel-97.xls", "xls", note="a real Excel 97-2003 workbook (LibreOffice)"))
        cases.append(Case("excel-97-doi-ten.xlsx", "xls", note="the same, renamed .xlsx"))
    else:
        skipped["excel-97.xls"] = "LibreOffice (soffice) is not installed"

    # -- bombs ----------------------------------------------------------------------------------------------
    with zipfile.ZipFile(f / "bom-nen.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in _entries(good):
            if info.filename == sheet1:
                with out.open(info.filename, "w") as part:
                    chunk = b" " * (1024 * 1024)
                    for _ in range(40):                      # 40 MB of spaces: ~40 KB compressed
                        part.write(chunk)
            else:
                out.writestr(info.filename, data)
    cases.append(Case("bom-nen.xlsx", "bom-nen", note="a part that inflates to 40 MB"))
    lying = (f / "bom-nen.xlsx").read_bytes()
    (f / "bom-khai-gian.xlsx").write_bytes(_patch_sizes(lying, sheet1.encode(), 30_000))
    cases.append(Case("bom-khai-gian.xlsx", "zip-hong", note="the same part declaring 30 KB: inflating stops there"))
    with zipfile.ZipFile(f / "nhieu-phan.xlsx", "w", zipfile.ZIP_STORED) as out:
        for info, data in _entries(good):
            out.writestr(info.filename, data)
        for k in range(6000):
            out.writestr(f"xl/media/rac-{k}.bin", b"")
    cases.append(Case("nhieu-phan.xlsx", "bom-nen", note="6,000 parts"))
    _rezip(good, f / "bom-xml.xlsx", lambda n, d: BILLION_LAUGHS if n == sheet1 else d)
    cases.append(Case("bom-xml.xlsx", "bom-xml", note="billion laughs in a worksheet"))
    _rezip(good, f / "xxe.xlsx", lambda n, d: d.replace(b"<workbook", XXE + b"<workbook", 1) if n == "xl/workbook.xml" else d)
    cases.append(Case("xxe.xlsx", "bom-xml", note="an external entity declared in workbook.xml"))
    _rezip(good, f / "xml-hong.xlsx", lambda n, d: d[: len(d) // 2] if n == sheet1 else d)
    cases.append(Case("xml-hong.xlsx", "xml-hong", note="a worksheet cut in the middle of its XML"))

    # -- another tool's workbook, another version, edited structure -----------------------------------------
    wb = openpyxl.Workbook()
    wb.active.append(["Tên trường", "Tiêu chí", "Nội dung"])
    wb.active.append(["Trường THCS A", "1.1", "Kiện toàn tổ chuyên môn"])
    wb.save(f / "cong-cu-khac.xlsx")
    cases.append(Case("cong-cu-khac.xlsx", "khong-phai-mau", note="a workbook made by another tool"))
    _edit(good, f / "phien-ban-moi.xlsx", lambda wb: _set_meta(wb, "template_version", 99))
    cases.append(Case("phien-ban-moi.xlsx", "khong-phai-mau", note="a template of a newer version"))
    _edit(good, f / "bo-tieu-chuan-la.xlsx", lambda wb: _set_meta(wb, "framework", "tt99-2030-khong-co"))
    cases.append(Case("bo-tieu-chuan-la.xlsx", "khong-phai-mau", note="an unknown framework"))
    _edit(good, f / "xoa-trang-kdcl.xlsx", lambda wb: wb.remove(wb["_kdcl"]))
    cases.append(Case("xoa-trang-kdcl.xlsx", "khong-phai-mau", note="the template's own sheet deleted"))
    _edit(good, f / "xoa-trang.xlsx", lambda wb: wb.remove(wb["Tiêu chuẩn 2"]))
    cases.append(Case("xoa-trang.xlsx", rules={"CT01"}, note="a standard sheet deleted"))

    def header(wb):
        wb[INPUT_SHEET]["D6"].value = "Việc làm"
    _edit(good, f / "doi-tieu-de.xlsx", header)
    cases.append(Case("doi-tieu-de.xlsx", rules={"CT03"}, note="a column header typed over"))

    def formulas(wb):
        wb[INPUT_SHEET]["D9"].value = "=Kiện toàn tổ chuyên môn"
        wb[INPUT_SHEET]["E9"].value = "=SUM(1,2)"
    _edit(good, f / "cong-thuc.xlsx", formulas)
    cases.append(Case("cong-thuc.xlsx", rules={"O01"}, note="formulas typed into input cells"))

    def enormous(wb):
        wb[INPUT_SHEET]["D10"].value = "Nội dung rất dài. " * 12_000      # 216,000 characters
    _edit(good, f / "o-khong-lo.xlsx", enormous)
    cases.append(Case("o-khong-lo.xlsx", rules={"O03"}, note="a cell of 216,000 characters"))

    def far_value(wb):
        wb[INPUT_SHEET]["XFD1048576"].value = "ở tận cùng trang"
    _edit(good, f / "o-xa.xlsx", far_value)
    cases.append(Case("o-xa.xlsx", "bang-qua-lon", note="values at A1 and XFD1048576: a 17-billion-cell range"))

    def far_format(wb):
        from openpyxl.styles import Font
        wb[INPUT_SHEET]["C60000"].font = Font(bold=True)      # formatted, empty: Excel writes the cell
    _edit(good, f / "dinh-dang-xa.xlsx", far_format)
    cases.append(Case("dinh-dang-xa.xlsx", rules=set(), note="an empty formatted cell at row 60000: read"))

    # -- macros: read as values, never run ------------------------------------------------------------------
    def to_xlsm(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            return data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                              b"</Types>")
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
                                                     b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                                     b"</Relationships>")
        return data
    named = _edit(good, f / "_co-macro.xlsx", lambda wb: None)
    _rezip(named, f / "co-macro.xlsm", to_xlsm)
    named.unlink()
    with zipfile.ZipFile(f / "co-macro.xlsm", "a", zipfile.ZIP_DEFLATED) as z:     # a VBA project that cannot
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0Auto_Open Shell(\"calc\")" * 50)   # even be inflated:
    blob = (f / "co-macro.xlsm").read_bytes()                                          # reading it would fail
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        vba = z.getinfo("xl/vbaProject.bin")
    pos = vba.header_offset + 30 + len(vba.filename.encode()) + len(vba.extra)
    broken = bytearray(blob)
    broken[pos:pos + 8] = b"\xff" * 8
    (f / "co-macro.xlsm").write_bytes(bytes(broken))
    cases.append(Case("co-macro.xlsm", rules=set(), note="a macro-enabled workbook whose VBA part is never read"))
    return Corpus(f, cases, skipped)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("corpus")
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import seed_workbook
    work = out / "_goc"
    work.mkdir(parents=True, exist_ok=True)
    good = seed_workbook(work, "ket-qua-thpt")
    corpus = make_corpus(out, good, shutil.which("soffice"))
    for case in corpus.cases:
        print(f"{case.name:28} {case.reason or 'đọc được: ' + ', '.join(sorted(case.rules)) or 'đọc được'}  {case.note}")
    for name, why in corpus.skipped.items():
        print(f"{name:28} (bỏ qua: {why})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

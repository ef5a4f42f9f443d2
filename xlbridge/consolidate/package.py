"""Open a received file as an Excel package without trusting it.

Every check happens before anything is parsed: the file's size, what its first bytes say it is
(Excel 97-2003, an encrypted workbook, a PDF or a web page renamed .xlsx), the zip directory
(number of entries, declared uncompressed sizes and ratios: a zip bomb is refused before it is
inflated), and each XML part that is read (no DOCTYPE, no ENTITY: an entity bomb or an external
entity is refused before any parser sees it). Only the parts that hold values are read — never the
macros (vbaProject.bin), pictures or links — and nothing is written back: the input stays as it was.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET  # noqa: N817 — only ever given parts without a DTD (parse_xml)
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from xlbridge.consolidate.reasons import Rejected
from xlbridge.core.vntext import nfc

MIB = 1024 * 1024
MAX_FILE = 50 * MIB          # a kdcl workbook is well under 1 MB; pictures can add a few MB
MAX_ENTRIES = 5000           # parts in the zip
MAX_PART = 32 * MIB          # one part, uncompressed (a full kdcl sheet is ~40 KB)
MAX_TOTAL = 128 * MIB        # all parts, uncompressed, as the zip directory declares them
MAX_RATIO = 500              # uncompressed / compressed, for parts above RATIO_FLOOR; deflate tops out near 1030
RATIO_FLOOR = 1 * MIB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REL_DOC = "/officeDocument"
REL_CORE = "/metadata/core-properties"
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
OUTLOOK_MESSAGE = "thư Outlook (.msg): lưu các tệp đính kèm ra một thư mục rồi chạy lại"
_OTHER_FORMATS = {            # a part that shows what else a zip is → how to name it to the user
    "word/document.xml": "tài liệu Word (.docx)",
    "ppt/presentation.xml": "bản trình chiếu PowerPoint (.pptx)",
    "xl/workbook.bin": "sổ Excel dạng nhị phân (.xlsb)",
    "content.xml": "bảng tính OpenDocument (.ods) của LibreOffice",
}


@dataclass
class Package:
    """The verified parts of one workbook that hold cell values."""
    name: str
    parts: dict[str, bytes]             # part path → uncompressed bytes (verified sizes and CRC, no DTD)
    workbook: str                       # path of the workbook part (normally xl/workbook.xml)
    sheets: list[tuple[str, str]]       # (sheet name, part path) of the worksheets, in workbook order
    saved: datetime | None = None       # when the workbook was last saved (docProps/core.xml)
    macros: bool = False                # it carries a VBA project (never read, never run)
    strings: tuple[str, ...] = ()       # the shared-string parts (calamine reads them; see scan.scan_strings)
    crcs: dict[str, int] = field(default_factory=dict)     # verified CRC-32 of the parts kept as the zip held them


def read_file(path: Path) -> bytes:
    """The bytes of an input file, refusing what is missing, empty or too large to be a plan."""
    if path.is_dir():
        raise Rejected("la-thu-muc", path.name, path=str(path))
    if not path.is_file():
        raise Rejected("khong-tim-thay", path.name, path=str(path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise Rejected("qua-lon", path.name, size=size // MIB, limit=MAX_FILE // MIB)
        return path.read_bytes()
    except PermissionError:
        raise Rejected("khong-co-quyen-doc", path.name, path=str(path)) from None
    except OSError as exc:              # a file vanishing while read, a broken network drive
        raise Rejected("loi-khac", path.name, detail=short_reason(exc)) from None


def open_package(data: bytes, name: str, unread: frozenset[str] = frozenset()) -> Package:
    """Check everything about `data` that can be checked without parsing cells; raise Rejected otherwise.
    The `unread` sheets (a caller that reads none of their cells: tong-hop's workers, for the sheets kdcl
    writes) must exist but are not decompressed: they are left out of `parts`."""
    if not data:
        raise Rejected("rong", name)
    if len(data) > MAX_FILE:
        raise Rejected("qua-lon", name, size=len(data) // MIB, limit=MAX_FILE // MIB)
    if data.startswith(OLE_MAGIC[:4]):
        raise _ole(data, name)
    if not data.startswith(b"PK"):
        raise _not_zip(data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, OSError, EOFError) as exc:
        raise Rejected("zip-hong", name, detail=short_reason(exc)) from None
    _check_directory(infos, name)
    entries = {i.filename: i for i in infos}
    reader = _PartReader(zf, entries, name, data)
    main = _main_part(reader)
    if main is None or main not in entries or not main.endswith(".xml"):
        raise _identify(entries, name)
    parts = {main: reader.read(main)}
    rels_path = _rels_of(main)
    rels = _relationships(reader, rels_path)
    if rels_path in entries:
        parts[rels_path] = reader.read(rels_path)
    sheets = _sheets(parts[main], rels, name)
    if sheets is None:
        raise _identify(entries, name)
    for part in {target for kind, target in rels.values() if kind.endswith(("/styles", "/sharedStrings"))}:
        if part in entries:
            parts[part] = reader.read(part)
    for sheet, part in sheets:
        if part not in entries:
            raise Rejected("xml-hong", name, detail=f"thiếu phần {part}")
        if nfc(sheet) not in unread:
            parts[part] = reader.read(part)
    for extra in ("[Content_Types].xml", "_rels/.rels"):
        if extra in entries:
            parts[extra] = reader.read(extra)
    macros = any(n.lower().endswith("vbaproject.bin") for n in entries)
    sheet_parts = {part for _s, part in sheets}
    strings = tuple(sorted(p for p in parts if p not in sheet_parts and (p.lower().endswith("sharedstrings.xml") or any(
        kind.endswith("/sharedStrings") and target == p for kind, target in rels.values()))))
    return Package(name, parts, main, sheets, _saved(reader), macros, strings, reader.crcs)


def _identify(entries: dict[str, zipfile.ZipInfo], name: str) -> Rejected:
    """A zip that holds no workbook: say what it is when a known part shows it (a Word file, an .ods …)."""
    known = next((what for part, what in _OTHER_FORMATS.items() if part in entries), None)
    if known:
        return Rejected("dinh-dang-khac", name, format=known)
    return Rejected("khong-phai-excel", name, detail="tệp nén không chứa sổ Excel")


def short_reason(exc: BaseException) -> str:
    """What went wrong, in the library's words but without its exception class name."""
    if isinstance(exc, OSError) and exc.errno:
        return f"lỗi hệ thống số {exc.errno}"
    text = str(exc).strip()
    return text[:120] if text else "không rõ nguyên nhân"


def _ole(data: bytes, name: str) -> Rejected:
    """An OLE2 compound file: an encrypted (password-protected) workbook, or a legacy .xls/.doc."""
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return Rejected("mat-khau", name)
    if "__substg1.0_".encode("utf-16-le") in data or name.lower().endswith(".msg"):
        return Rejected("dinh-dang-khac", name, format=OUTLOOK_MESSAGE)
    if "WordDocument".encode("utf-16-le") in data:
        return Rejected("dinh-dang-khac", name, format="tài liệu Word 97-2003 (.doc)")
    return Rejected("xls", name)


def _not_zip(data: bytes, name: str) -> Rejected:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if name.startswith("~$"):
        return Rejected("tep-tam", name)
    if name.lower().endswith(".xls"):
        return Rejected("xls", name)
    if head.startswith(b"%pdf"):
        return Rejected("dinh-dang-khac", name, format="tệp PDF")
    if head.startswith((b"<html", b"<!doctype html", b"<table")) or b"<html" in head:
        return Rejected("dinh-dang-khac", name, format="trang web (HTML) đặt tên như sổ Excel")
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        return Rejected("dinh-dang-khac", name, format="bảng tính XML 2003 (SpreadsheetML)")
    if head.startswith(b"{\\rtf"):
        return Rejected("dinh-dang-khac", name, format="văn bản RTF")
    return Rejected("khong-phai-excel", name, detail="nội dung là văn bản hoặc dữ liệu khác" if _is_text(head)
                    else "nội dung không nhận ra được")


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_directory(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise Rejected("bom-nen", name, detail=f"{len(infos)} phần, giới hạn {MAX_ENTRIES}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejected("mat-khau", name)
        if info.file_size > MAX_PART:
            raise Rejected("bom-nen", name, detail=f"phần {info.filename} giải nén ra {info.file_size // MIB} MB, "
                                                   f"giới hạn {MAX_PART // MIB} MB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Rejected("bom-nen", name, detail=f"phần {info.filename} nén {info.file_size // max(info.compress_size, 1)}"
                                                   f" lần, giới hạn {MAX_RATIO} lần")
        total += info.file_size
    if total > MAX_TOTAL:
        raise Rejected("bom-nen", name, detail=f"tổng {total // MIB} MB khi giải nén, giới hạn {MAX_TOTAL // MIB} MB")


class _PartReader:
    """Reads parts of the zip: bounded by the sizes already checked, CRC-verified, DTD refused. `data`: the
    zip's bytes when they are in memory (a part is then inflated straight from them: see `_inflate`). `crcs`
    keeps the verified CRC of each part returned as stored, for the copy calamine reads."""

    def __init__(self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], name: str,
                 data: bytes | None = None) -> None:
        self.zf, self.entries, self.name, self.data = zf, entries, name, data
        self.crcs: dict[str, int] = {}

    def read(self, part: str) -> bytes:
        info = self.entries[part]
        try:
            data = self._inflate(info)
            if data is None:
                data = self.zf.read(info)                  # stops at the declared size; bad CRC raises
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, NotImplementedError, OSError, EOFError,
                RuntimeError) as exc:
            raise Rejected("zip-hong", self.name, detail=f"{part}: {short_reason(exc)}") from None
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            data = _utf8(data, self.name, part)
        else:
            self.crcs[part] = info.CRC
        if b"<!" in data and any(mark in data for mark in _DTD):     # one pass for the usual part
            raise Rejected("bom-xml", self.name, part=part)
        return data

    def parse(self, part: str):
        return parse_xml(self.read(part), self.name, part)

    def _inflate(self, info: zipfile.ZipInfo) -> bytes | None:
        """The part, inflated from the bytes in memory with one zlib call, its size and CRC checked: what zipfile
        does through a file object and several Python layers per part. None for anything but the usual part
        (stored or deflated, a local header where the directory says): zipfile reads those, or says why not."""
        buf = self.data
        at = info.header_offset
        if buf is None or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1 \
                or buf[at:at + 4] != b"PK\x03\x04":
            return None
        start = at + 30 + int.from_bytes(buf[at + 26:at + 28], "little") + int.from_bytes(buf[at + 28:at + 30], "little")
        raw = buf[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            raise EOFError("tệp bị cắt cụt")
        if info.compress_type == zipfile.ZIP_DEFLATED:
            out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)    # never more than declared (+1 tells)
        else:
            out = raw
        if len(out) != info.file_size:
            raise zipfile.BadZipFile(f"kích thước {len(out)} khác {info.file_size} byte đã khai")
        if zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile("sai mã kiểm tra CRC")
        return out


_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?\?>""")


def _utf8(data: bytes, name: str, part: str) -> bytes:
    """A UTF-16 part (legal, rare) as UTF-8, so that every later byte search and patch sees one encoding."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        raise Rejected("xml-hong", name, detail=f"{part}: mã UTF-16 hỏng") from None
    return _DECLARED.sub('<?xml version="1.0" encoding="UTF-8"?>', text, count=1).encode("utf-8")


def parse_xml(data: bytes, name: str, part: str):
    """Parse a small part. Without any "<!" there is no DTD, hence no entity but XML's five and character
    references: the C parser of the standard library is safe, and five times faster than defusedxml's, which
    calls Python for every element. Anything else with defusedxml (entities and DTDs forbidden)."""
    if b"<!" not in data:
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise Rejected("xml-hong", name, detail=f"{part}: {short_reason(exc)}") from None
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise Rejected("bom-xml", name, part=part) from None
    except SafeET.ParseError as exc:
        raise Rejected("xml-hong", name, detail=f"{part}: {short_reason(exc)}") from None


def local(tag: str) -> str:
    """Tag name without its namespace (transitional and strict OOXML use different ones)."""
    return tag.rpartition("}")[2]


def _attr(el, key: str) -> str | None:
    """Attribute by local name (r:id is namespaced)."""
    for k, v in el.attrib.items():
        if local(k) == key:
            return v
    return None


def _rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(reader: _PartReader, rels_path: str) -> dict[str, tuple[str, str]]:
    """Id → (type, target part path) of a .rels part; {} when there is none."""
    if rels_path not in reader.entries:
        return {}
    base = posixpath.dirname(posixpath.dirname(rels_path))
    out = {}
    for rel in reader.parse(rels_path):
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", path)
    return out


def _main_part(reader: _PartReader) -> str | None:
    for kind, target in _relationships(reader, "_rels/.rels").values():
        if kind.endswith(REL_DOC):
            return target
    return "xl/workbook.xml" if "xl/workbook.xml" in reader.entries else None


def _sheets(workbook_xml: bytes, rels: dict[str, tuple[str, str]], name: str) -> list[tuple[str, str]] | None:
    """(name, part) of the worksheets; None when the main part is not a workbook at all."""
    root = parse_xml(workbook_xml, name, "workbook.xml")
    if local(root.tag) != "workbook":
        return None
    out = []
    for el in root.iter():
        if local(el.tag) != "sheet":
            continue
        kind, target = rels.get(_attr(el, "id") or "", ("", ""))
        if kind.endswith("/worksheet"):
            out.append((el.get("name") or "", target))
    return out


def _saved(reader: _PartReader) -> datetime | None:
    """dcterms:modified of the core properties, as a naive UTC datetime; None when absent or unreadable."""
    core = next((t for k, t in _relationships(reader, "_rels/.rels").values() if k.endswith(REL_CORE)), "docProps/core.xml")
    if core not in reader.entries:
        return None
    try:
        root = reader.parse(core)
    except Rejected:
        return None
    for el in root:
        if local(el.tag) == "modified" and el.text:
            return _iso(el.text.strip())
    return None


_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")


def _iso(text: str) -> datetime | None:
    m = _ISO.match(text)
    if not m:
        return None
    try:
        year, month, day, hour, minute, second = (int(g or 0) for g in m.groups()[:6])
        when = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = m[7]
    if zone and zone != "Z":              # to UTC, like the "Z" times Excel writes
        sign = 1 if zone[0] == "+" else -1
        when -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
    return when

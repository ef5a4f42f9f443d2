"""A part inflated straight from the workbook's bytes (package._PartReader._inflate) is checked as zipfile
checks it — declared size, CRC, a cut file — and the uncompressed copy calamine reads (storedzip) is a zip
every reader accepts, with the same parts."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from python_calamine import CalamineWorkbook

from xlbridge.consolidate.package import _PartReader
from xlbridge.consolidate.reasons import Rejected
from xlbridge.consolidate.storedzip import stored_zip

SHEET = ('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Trường</t></is></c>'
         "</row></sheetData></worksheet>").encode() * 3


def _zip(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr("xl/worksheets/sheet1.xml", SHEET)
        z.writestr("xl/styles.xml", b"<styleSheet/>")
    return buf.getvalue()


def _read(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return _PartReader(zf, {i.filename: i for i in zf.infolist()}, "truong.xlsx", data).read(part)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_part_reads_as_zipfile_reads_it(method):
    data = _zip(method)
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert _PartReader(zf, {}, "truong.xlsx", data)._inflate(info) == SHEET      # inflated from memory, not zipfile
    assert _read(data) == zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml") == SHEET


def _central(data: bytes, offset: int, value: int) -> bytes:
    """`data` with a field of sheet1's central-directory entry (its offset in the entry) set to `value`."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    struct.pack_into("<I", out, at + offset, value)
    return bytes(out)


def test_a_wrong_crc_is_a_damaged_zip():
    data = _zip()
    crc = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").CRC
    with pytest.raises(Rejected) as err:
        _read(_central(data, 16, crc ^ 1))
    assert err.value.kind == "zip-hong" and "CRC" in err.value.fields["detail"]


def test_a_part_larger_than_declared_is_not_inflated_past_it():
    data = _zip()
    with pytest.raises(Rejected) as err:
        _read(_central(data, 24, len(SHEET) - 100))          # uncompressed size declared smaller than the part
    assert err.value.kind == "zip-hong"


def test_a_cut_part_is_a_damaged_zip():
    data = _zip()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    with pytest.raises(Rejected) as err:
        _read(_central(data, 20, info.compress_size + 10_000))   # compressed size past the end of the file
    assert err.value.kind == "zip-hong"


def test_the_stored_copy_is_a_zip_every_reader_accepts():
    parts = {"xl/worksheets/sheet1.xml": SHEET, "xl/tên.xml": b"<a/>", "[Content_Types].xml": b"<Types/>"}
    known = {"xl/tên.xml": zlib.crc32(b"<a/>")}
    data = stored_zip(parts, known)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None                              # every CRC right, also the one passed in
        assert {n: z.read(n) for n in z.namelist()} == parts
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    with pytest.raises(zipfile.BadZipFile):                     # a wrong known CRC is caught by any reader
        zipfile.ZipFile(io.BytesIO(stored_zip(parts, {"xl/tên.xml": 1}))).read("xl/tên.xml")


def test_calamine_reads_the_stored_copy(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "Thông tin"
    wb.active["B2"] = "Trường THCS Nguyễn Du"
    wb.save(tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    book = CalamineWorkbook.from_filelike(io.BytesIO(stored_zip(parts)))
    assert book.get_sheet_by_name("Thông tin").to_python(skip_empty_area=False)[1][1] == "Trường THCS Nguyễn Du"

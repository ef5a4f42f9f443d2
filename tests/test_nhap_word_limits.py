"""`kdcl nhap-word` on hostile Word files: bounded before anything is inflated or laid out.

Each case is a real plan document (tests/make_docx.py) with one part made hostile; the real command runs in a
subprocess limited to 1 GiB of address space and a time cap. A refused file: exit code 2 (errors.yaml, input),
one Vietnamese sentence naming the file, no traceback or exception name, no output, the input unchanged.
"""

from __future__ import annotations

import hashlib
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from make_docx import build_docx

LIMIT = 1 << 30
TIME_CAP = 60
RUN = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT})); "
       "from xlbridge.cli import main; sys.exit(main(sys.argv[1:]))")
EXCEPTION_NAME = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|File \"")
DOC = "word/document.xml"
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
                  + "]>").encode()


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Path:
    return build_docx("ke-hoach-th-thcs", tmp_path_factory.mktemp("word") / "ke-hoach.docx")


def parts_of(src: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rezip(dst: Path, parts: dict[str, bytes], big: dict[str, int] | None = None) -> Path:
    """`parts` zipped; `big`: parts written as that many MiB of spaces (streamed, never held in memory)."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            if name not in (big or {}):
                z.writestr(name, data)
        for name, mib in (big or {}).items():
            with z.open(name, "w", force_zip64=True) as fh:
                fh.write(parts.get(name, b"")[:-len(b"</w:document>")] if name == DOC else b"")
                chunk = b" " * (1 << 20)
                for _ in range(mib):
                    fh.write(chunk)
    return dst


def first_cell_prop(xml: bytes, prop: bytes) -> bytes:
    """`prop` put in the first table cell's properties (its merge attributes are read first)."""
    i = xml.index(b"<w:tc>") + len(b"<w:tc>")
    return xml[:i] + b"<w:tcPr>" + prop + b"</w:tcPr>" + xml[i:]


def first_row_prop(xml: bytes, prop: bytes) -> bytes:
    i = xml.index(b"<w:tr>") + len(b"<w:tr>") if b"<w:tr>" in xml else xml.index(b">", xml.index(b"<w:tr ")) + 1
    return xml[:i] + b"<w:trPr>" + prop + b"</w:trPr>" + xml[i:]


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be width × height pixels (a decompression bomb for any image decoder)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = zlib.compress(b"\0" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
            + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat)))


def _doc(fn):
    def change(parts: dict[str, bytes]) -> dict[str, bytes]:
        parts[DOC] = fn(parts[DOC])
        return parts
    return change


REFUSED = {
    "gridspan-1e9": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="1000000000"/>')),
    "gridspan-2-31": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="2147483648"/>')),
    "gridspan-huge-digits": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="' + b"9" * 400 + b'"/>')),
    "gridspan-not-a-number": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="abc"/>')),
    "gridspan-negative": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="-5"/>')),
    "gridspan-float": _doc(lambda x: first_cell_prop(x, b'<w:gridSpan w:val="1e9"/>')),
    "gridbefore-1e9": _doc(lambda x: first_row_prop(x, b'<w:gridBefore w:val="1000000000"/>')),
    "entities": _doc(lambda x: BILLION_LAUGHS + x[x.index(b"<w:document"):].replace(b"</w:body>", b"<w:p><w:r><w:t>"
                                                                                   b"&lol9;</w:t></w:r></w:p></w:body>")),
    "external-entity": _doc(lambda x: b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            + x[x.index(b"<w:document"):]),
    "deep-nesting": _doc(lambda x: x.replace(b"</w:body>", b"<w:p>" + b"<w:r>" * 100_000 + b"</w:r>" * 100_000
                                             + b"</w:p></w:body>")),
    "not-well-formed": _doc(lambda x: x[: len(x) // 2]),
}


@pytest.mark.parametrize("case", sorted(REFUSED) + ["document-bomb", "media-zip-bomb"])
def test_hostile_word_file_is_refused_with_a_sentence(case, plan, tmp_path):
    src = tmp_path / f"{case}.docx"
    parts = parts_of(plan)
    if case == "document-bomb":            # 1.1 GB of document.xml, 5 MB on disk
        rezip(src, parts, big={DOC: 1100})
    elif case == "media-zip-bomb":
        rezip(src, parts, big={"word/media/image9.png": 300})
    else:
        rezip(src, REFUSED[case](parts))
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "ra" / "so.xlsx"
    out.parent.mkdir()
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", RUN, "nhap-word", str(src), "-o", str(out)], capture_output=True,
                       text=True, timeout=TIME_CAP * 2, cwd=tmp_path)
    took = time.monotonic() - start
    assert p.returncode == 2, p.stderr                      # errors.yaml: input
    assert p.stderr.startswith("Lỗi: ") and src.name in p.stderr and "tệp Word" in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not EXCEPTION_NAME.search(p.stdout + p.stderr), p.stderr
    assert "root:" not in p.stderr and "lollol" not in p.stderr
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert list(out.parent.iterdir()) == []
    assert took < TIME_CAP


def test_pictures_are_never_decoded(plan, tmp_path):
    """A picture claiming 100000 × 100000 pixels (and a picture part nothing reads) does not stop the import."""
    parts = parts_of(plan)
    parts["word/media/image1.png"] = png_header(100_000, 100_000)
    parts["word/media/image2.emf"] = b"\0" * 10_000
    src = rezip(tmp_path / "anh.docx", parts)
    out = tmp_path / "so.xlsx"
    p = subprocess.run([sys.executable, "-c", RUN, "nhap-word", str(src), "-o", str(out)], capture_output=True,
                       text=True, timeout=TIME_CAP * 2, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert out.is_file() and not EXCEPTION_NAME.search(p.stdout + p.stderr)


def test_a_wide_but_legal_merge_still_imports(plan, tmp_path):
    """The bound is Word's own: a header cell merged over the table's columns is read as before."""
    from xlbridge.importer.docx_tables import read_docx
    doc = read_docx(plan)
    assert doc.tables and all(t.width <= 64 for t in doc.tables)

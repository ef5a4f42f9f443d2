"""A .docx as plain text: paragraphs and tables in document order, merged cells made explicit.

python-docx repeats a merged cell's object across the grid; here a cell covered by a horizontal merge
is "left" (its text belongs to the cell on its left) and one covered by a vertical merge is "above"
(`above` holds the text of the merge's first cell), so that nothing is read twice and a value merged
over several rows can still be given to each of them.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xlbridge.errors import KdclError

# A Word file comes from outside like a workbook and is read the same guarded way (xlbridge.consolidate.package:
# size, zip directory — entries, declared sizes, ratios —, DTD/entities refused), and only its document part is
# read: python-docx is given a package holding that part alone, so pictures and the rest are never inflated.
MAX_DOCUMENT = 16 * 1024 * 1024   # word/document.xml, uncompressed (a 100-page plan is about 3 MB)
MAX_DEPTH = 128                   # nesting of the document part (tables in tables…; lxml stops at 256)
MAX_GRID = 64                     # columns of one table row, merges counted (Word itself allows 63)
MAX_CELLS = 500_000               # cells of all tables
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MINIMAL = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                           'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                           'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                           f'"application/xml"/><Override PartName="/word/document.xml" ContentType="{DOCUMENT_TYPE}"/>'
                           "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}

BULLET = re.compile(r"^\s*(?:[-+•*–]\s|\d{1,2}[.)]\s|[a-zđ][.)]\s)")
ENDS_SENTENCE = (".", ":", ";", "!", "?")


@dataclass(frozen=True)
class WCell:
    text: str                     # this cell's own text ("" when covered by a merge)
    merged: str | None = None     # None | "left" | "above"
    above: str = ""               # for "above": the text of the merged cell's first row


@dataclass
class WTable:
    index: int                    # 1-based, in document order
    rows: list[list[WCell]]
    before: list[str] = field(default_factory=list)     # paragraphs between the previous table and this one

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class WordDoc:
    source: str
    paragraphs: list[str]
    tables: list[WTable]
    tail: list[str] = field(default_factory=list)       # paragraphs after the last table

    def lines(self, skip: frozenset[int] | set[int] = frozenset()) -> list[str]:
        """Every line in document order, cells of tables row by row (except tables numbered in `skip`)."""
        out = []
        for t in self.tables:
            out += t.before
            if t.index not in skip:
                out += [line for r in t.rows for c in r if c.text for line in c.text.split("\n")]
        return out + self.tail


def clean(text: str) -> str:
    """Whitespace collapsed inside lines; lines re-joined into sentences where a line break only wrapped
    the text (the next line goes on in lower case), kept where a new item or sentence starts."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").replace("\x0b", "\n").split("\n")]
    out = ""
    for line in (x for x in lines if x):
        if not out:
            out = line
        elif BULLET.match(line) or out.endswith(ENDS_SENTENCE) or line[:1].isupper() and not out.endswith((",", "-", "–")):
            out += "\n" + line
        else:
            out += " " + line
    return out


def _cell_text(tc) -> str:
    from docx.oxml.ns import qn
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        parts = []
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            else:
                parts.append(" " if node.tag == qn("w:tab") else "\n")
        paragraphs.append("".join(parts))
    return clean("\n".join(paragraphs))


def unreadable(name: str, detail: str) -> KdclError:
    return KdclError(kind="word-khong-doc-duoc", name=name, detail=detail)


def _count(el, path: str, name: str, where: str) -> int | None:
    """A w:val count (gridSpan, gridBefore) read raw, so that a crafted value is a message, not an exception."""
    values = el.xpath(path)
    if not values:
        return None
    text = str(values[0]).strip()
    if not text.isdigit():
        raise unreadable(name, f"{where}: số ô gộp «{text[:20]}» không phải số")
    if int(text) > MAX_GRID:
        raise unreadable(name, f"{where}: gộp {int(text) if len(text) < 15 else text[:15] + '…'} cột, "
                               f"vượt giới hạn {MAX_GRID} cột của một bảng Word")
    return int(text)


def _table(tbl, index: int, name: str = "", budget: list[int] | None = None) -> WTable:
    budget = budget if budget is not None else [MAX_CELLS]
    rows: list[list[WCell]] = []
    for r, tr in enumerate(tbl.tr_lst, 1):
        where = f"bảng {index}, dòng {r}"
        line: list[WCell] = [WCell("", "left")] * (_count(tr, "./w:trPr/w:gridBefore/@w:val", name, where) or 0)
        for tc in tr.tc_lst:
            col = len(line)
            span = _count(tc, "./w:tcPr/w:gridSpan/@w:val", name, where) or 1
            if col + span > MAX_GRID:
                raise unreadable(name, f"{where}: hơn {MAX_GRID} cột, vượt giới hạn của một bảng Word")
            budget[0] -= span
            if budget[0] < 0:
                raise unreadable(name, f"các bảng có hơn {MAX_CELLS} ô")
            text = _cell_text(tc)
            merge = tc.xpath("./w:tcPr/w:vMerge")
            if merge and (merge[0].get(_W_VAL) or "continue") == "continue":
                above = next((r[col] for r in reversed(rows) if col < len(r) and r[col].merged != "above"), None)
                first = WCell("", "above", (above.text if above else ""))
                if above is None:
                    first = WCell(text)
            else:
                first = WCell(text)
            line.append(first)
            line.extend(WCell("", "left") for _ in range(span - 1))
        rows.append(line)
    width = max((len(r) for r in rows), default=0)
    return WTable(index, [r + [WCell("")] * (width - len(r)) for r in rows])


def read_docx(path: str | Path) -> WordDoc:
    """Read a Word document (.docx); raises KdclError with a Vietnamese message for what is not one."""
    path = Path(path)
    if path.is_dir():
        raise KdclError(kind="dau-vao-la-thu-muc", path=path)
    if not path.is_file():
        raise KdclError(kind="khong-tim-thay", path=path)
    if path.suffix.lower() == ".doc":
        raise KdclError(kind="word-97-2003", name=path.name)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    package = guarded_package(path)
    try:
        document = docx.Document(io.BytesIO(package))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise _not_word(path.name) from None
    from docx.oxml.ns import qn
    paragraphs: list[str] = []
    pending: list[str] = []
    tables: list[WTable] = []
    budget = [MAX_CELLS]
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = clean("".join(t.text or "" for t in child.iter(qn("w:t"))))
            if text:
                paragraphs.append(text)
                pending.append(text)
        elif child.tag == qn("w:tbl"):
            table = _table(child, len(tables) + 1, path.name, budget)
            table.before = pending
            pending = []
            tables.append(table)
    return WordDoc(path.name, paragraphs, tables, pending)


_W_VAL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"


def _not_word(name: str) -> KdclError:
    return KdclError(kind="khong-phai-word", name=name)


def guarded_package(path: Path) -> bytes:
    """A .docx holding only the document part of `path`, read through the workbook's guarded path; raises a
    Vietnamese KdclError for a file too large, a zip or XML bomb, an external entity or a part nested too deep."""
    from xlbridge.consolidate.package import (
        MAX_FILE,
        MIB,
        REL_DOC,
        Rejected,
        _check_directory,
        _PartReader,
        _relationships,
        short_reason,
    )
    size = path.stat().st_size
    if size > MAX_FILE:
        raise unreadable(path.name, f"tệp {size // MIB} MB, lớn hơn giới hạn {MAX_FILE // MIB} MB")
    data = path.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, OSError, EOFError):
        raise _not_word(path.name) from None
    part = "word/document.xml"
    try:
        _check_directory(infos, path.name)
        entries = {i.filename: i for i in infos}
        reader = _PartReader(zf, entries, path.name)
        part = next((t for kind, t in _relationships(reader, "_rels/.rels").values() if kind.endswith(REL_DOC)), part)
        if part not in entries:
            raise _not_word(path.name)
        if entries[part].file_size > MAX_DOCUMENT:
            raise unreadable(path.name, f"phần {part} giải nén ra {entries[part].file_size // MIB} MB, giới hạn "
                                        f"{MAX_DOCUMENT // MIB} MB")
        xml = reader.read(part)
    except Rejected as exc:
        if exc.kind == "bom-xml":
            raise unreadable(path.name, f"phần {exc.fields.get('part')} có khai báo DOCTYPE/ENTITY (kiểu tấn công "
                                        "«bom XML»); kdcl từ chối đọc") from None
        raise unreadable(path.name, exc.detail.rstrip(".")) from None
    _scan(xml, path.name, part, short_reason)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in _MINIMAL.items():
            out.writestr(name, text)
        out.writestr("word/document.xml", xml)
    return buf.getvalue()


def _scan(xml: bytes, name: str, part: str, short_reason) -> None:
    """Stream the part once with defusedxml (no DTD, no entities), refusing nesting past MAX_DEPTH, before
    python-docx builds its tree."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException
    depth = 0
    try:
        for event, el in SafeET.iterparse(io.BytesIO(xml), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise unreadable(name, f"phần {part} lồng nhau hơn {MAX_DEPTH} tầng (bảng trong bảng…)")
            else:
                depth -= 1
                el.clear()
    except DefusedXmlException:
        raise unreadable(name, f"phần {part} có khai báo DOCTYPE/ENTITY (kiểu tấn công «bom XML»); kdcl từ chối đọc") \
            from None
    except SafeET.ParseError as exc:
        raise unreadable(name, f"phần {part} bị hỏng ({short_reason(exc)})") from None

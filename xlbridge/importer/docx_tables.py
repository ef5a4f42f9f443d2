"""A .docx as plain text: paragraphs and tables in document order, merged cells made explicit.

python-docx repeats a merged cell's object across the grid; here a cell covered by a horizontal merge
is "left" (its text belongs to the cell on its left) and one covered by a vertical merge is "above"
(`above` holds the text of the merge's first cell), so that nothing is read twice and a value merged
over several rows can still be given to each of them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xlbridge.errors import KdclError

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


def _table(tbl, index: int) -> WTable:
    rows: list[list[WCell]] = []
    for tr in tbl.tr_lst:
        line: list[WCell] = [WCell("", "left")] * int(tr.grid_before or 0)
        for tc in tr.tc_lst:
            col = len(line)
            text = _cell_text(tc)
            if tc.vMerge == "continue":
                above = next((r[col] for r in reversed(rows) if col < len(r) and r[col].merged != "above"), None)
                first = WCell("", "above", (above.text if above else ""))
                if above is None:
                    first = WCell(text)
            else:
                first = WCell(text)
            line.append(first)
            line.extend(WCell("", "left") for _ in range(int(tc.grid_span or 1) - 1))
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
        raise KdclError(f"{path.name}: tệp Word 97-2003 (.doc) không đọc được; mở bằng Word rồi lưu lại dạng .docx.")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise KdclError(f"{path.name}: không mở được như một tệp Word (.docx) — tệp hỏng, có mật khẩu, hoặc không "
                        "phải tệp Word.") from None
    from docx.oxml.ns import qn
    paragraphs: list[str] = []
    pending: list[str] = []
    tables: list[WTable] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = clean("".join(t.text or "" for t in child.iter(qn("w:t"))))
            if text:
                paragraphs.append(text)
                pending.append(text)
        elif child.tag == qn("w:tbl"):
            table = _table(child, len(tables) + 1)
            table.before = pending
            pending = []
            tables.append(table)
    return WordDoc(path.name, paragraphs, tables, pending)

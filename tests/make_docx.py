"""Word documents shaped like the seed tables (tests/fixtures/seeds, transcribed from ../shared/seeds),
built with python-docx the way schools' files come: merged two-row headers, "MỨC 1, 2, 3" / "Mức 4"
rows, "Tiêu chuẩn n: …" rows, then "Tiêu chí n.m" rows; optionally split into several tables across
pages (header repeated or not), a row continued in the next table, criterion cells merged down, labels
that drift, and extra rows or columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx
import yaml
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
SEED_FILES = {
    "ke-hoach-th-thcs": "ke-hoach-th-thcs-2024-2025.yaml",
    "ket-qua-thpt": "bao-cao-ket-qua-thpt-2023-2024.yaml",
    "ket-qua-thcs": "bao-cao-ket-qua-thcs-2022-2023.yaml",
    "tien-do-tieu-hoc": "bao-cao-tien-do-tieu-hoc-2023.yaml",
}
RESULT_KEYS = ["plan", "adjusted", "done", "in_progress", "not_started", "note"]


def seed(name: str) -> dict:
    return yaml.safe_load((FIXTURES / SEED_FILES[name]).read_text(encoding="utf-8"))


@dataclass
class Shape:
    """How the table is laid out in the document."""
    split_before: tuple[int, ...] = ()        # data-row indices (items, standards, groups) that start a new table
    repeat_header: bool = True                # header repeated at the top of each continued table
    continue_item: int | None = None          # item index whose row is cut by a page break into the next table
    cut_in_place: bool = False                # …or into the next row of the same table (PDF → Word conversions)
    cut_label: bool = False                   # the cut also splits the label after its colon ("Tiêu chí 3.5:" | "Thiết bị")
    merge_criterion: bool = False             # criterion cells of consecutive items of one criterion merged down
    labels: dict[int, str] = field(default_factory=dict)       # item index → criterion label written instead
    extra_items: list[tuple[int, str, dict]] = field(default_factory=list)   # (after item index, label, values)
    extra_column: tuple[str, list[str]] | None = None          # (header, texts per item) appended on the right
    title_in_table: str | None = None         # a title row typed inside the table, above the header
    numbering: bool = False                   # a "(1) (2) (3) …" row under the header


def _columns(doc: dict) -> list[str]:
    kind = doc["kind"]
    if kind == "ket-qua":
        return ["tt", "label", *RESULT_KEYS]
    if kind == "tien-do":
        return ["tieu_chuan", "label", "tt", "noi_dung", "thoi_gian", "phu_trach", "kinh_phi", "ket_qua"]
    return ["tt", "label", "ket_qua_can_dat", "giai_phap", "chu_tri", "thoi_gian", "kinh_phi", "dieu_kien", "ghi_chu"]


def _logical_rows(doc: dict, shape: Shape) -> list[tuple[str, object]]:
    """("group", text) | ("standard", (tt, label)) | ("item", (index, item)) in document order."""
    items = [dict(it) for it in doc["items"]]
    for i, it in enumerate(items):
        it["_index"] = i
        if i in shape.labels:
            it = {**it, "label": shape.labels[i]}
            items[i] = it
    for after, label, values in sorted(shape.extra_items, key=lambda e: e[0], reverse=True):
        items.insert(after + 1, {"criterion": None, "label": label, "values": values, "_index": None})
    if doc["kind"] == "tien-do":
        return [("item", it) for it in items]
    rows: list[tuple[str, object]] = []
    groups = doc.get("row_groups") or []
    standards = {s["number"]: s for s in doc.get("standards") or []}
    current = None
    level4 = False
    if groups:
        rows.append(("group", groups[0]))
    for it in items:
        code = str(it["criterion"]) if it["criterion"] else ""
        if code.startswith("M4.") and not level4:
            rows.append(("group", groups[1] if len(groups) > 1 else "Mức 4"))
            level4 = True
        std = int(code.split(".")[0]) if code and not code.startswith("M4.") else current
        if not level4 and std != current and std in standards:
            rows.append(("standard", (standards[std]["tt"], standards[std]["label"])))
            current = std
        rows.append(("item", it))
    return rows


def _cells(doc: dict, item: dict, columns: list[str]) -> list[str]:
    values = item["values"]
    out = []
    for key in columns:
        if key == "label":
            out.append(item["label"])
        elif key == "tt":
            out.append(str(values.get("tt") or "") if doc["kind"] == "tien-do" else "")
        else:
            value = values.get(key)
            out.append("" if value is None else str(value))
    return out


def _halves(text: str) -> tuple[str, str]:
    """Cut a text where a page break would: at a word near the middle, the second part going on in lower case."""
    words = text.split(" ")
    if len(words) < 2:
        return text, ""
    mid = len(words) // 2
    for k in sorted(range(1, len(words)), key=lambda k: abs(k - mid)):
        if words[k][:1].islower():
            return " ".join(words[:k]), " ".join(words[k:])
    return text, ""


def _label_halves(text: str) -> tuple[str, str]:
    head, sep, tail = text.partition(": ")
    return (head + ":", tail) if sep else (text, "")


def _header(table, doc: dict, width: int, extra: str | None, shape: Shape) -> None:
    header = doc["header"]
    if shape.title_in_table:
        r = len(table.rows)
        table.add_row()
        table.cell(r, 0).merge(table.cell(r, width - 1)).text = shape.title_in_table
    first = len(table.rows)
    rows = [table.add_row() for _ in header]
    for r, line in enumerate(header):
        for c, text in enumerate(line):
            if text is not None:
                rows[r].cells[c].text = str(text)
    if extra:
        rows[0].cells[width - 1].text = extra
    if len(header) == 2:
        top, sub = header
        for c in range(len(top)):
            if top[c] is not None and sub[c] is None:
                table.cell(first, c).merge(table.cell(first + 1, c))      # TT, "Tiêu chuẩn, tiêu chí", "Ghi chú"
            if top[c] is not None and c + 1 < len(top) and top[c + 1] is None and sub[c + 1] is not None:
                end = c + 1
                while end + 1 < len(top) and top[end + 1] is None and sub[end + 1] is not None:
                    end += 1
                table.cell(first, c).merge(table.cell(first, end))     # a group over its sub-headers
        if extra:
            table.cell(first, width - 1).merge(table.cell(first + 1, width - 1))
    if shape.numbering:
        cells = table.add_row().cells
        for c in range(width):
            cells[c].text = f"({c + 1})"


@dataclass
class _Row:
    cells: list[str]
    span: int | None = None                     # merge this row's cells from this column to the last
    merge_down: tuple[int, ...] = ()            # columns merged with the row above
    break_before: bool = False


def _physical(data: dict, shape: Shape, columns: list[str], width: int) -> list[_Row]:
    out: list[_Row] = []
    previous = None                              # (criterion, cells) of the item row just above
    for n, (kind, payload) in enumerate(_logical_rows(data, shape)):
        start = len(out)
        if kind == "group":
            out.append(_Row([payload] + [""] * (width - 1), span=0))
            previous = None
        elif kind == "standard":
            tt, label = payload
            out.append(_Row([str(tt), label] + [""] * (width - 2), span=1))
            previous = None
        else:
            cells = _cells(data, payload, columns)
            if shape.extra_column:
                idx, texts = payload["_index"], shape.extra_column[1]
                cells.append(texts[idx] if idx is not None and idx < len(texts) else "")
            down: tuple[int, ...] = ()
            if shape.merge_criterion and previous is not None and previous[0] == payload["criterion"]:
                down = tuple(c for c, key in enumerate(columns)
                             if key in ("label", "tieu_chuan") or (key == "phu_trach" and cells[c] == previous[1][c]))
                cells = ["" if c in down else t for c, t in enumerate(cells)]
            if payload["_index"] is not None and payload["_index"] == shape.continue_item:
                fixed = {c for c, key in enumerate(columns) if key in ("tt", "tieu_chuan") or
                         (key == "label" and not shape.cut_label)}
                halves = [(t, "") if c in fixed else
                          (_label_halves(t) if c < len(columns) and columns[c] == "label" else _halves(t))
                          for c, t in enumerate(cells)]
                out.append(_Row([a for a, _b in halves], merge_down=down))
                out.append(_Row([b for _a, b in halves], break_before=not shape.cut_in_place))
                previous = None
            else:
                out.append(_Row(cells, merge_down=down))
                previous = (payload["criterion"], _cells(data, payload, columns))
        if n in shape.split_before:
            out[start].break_before = True
    return out


def build_docx(name: str, path: Path, shape: Shape | None = None) -> Path:
    """Write the seed `name` as a Word document shaped by `shape`; returns `path`."""
    shape = shape or Shape()
    data = seed(name)
    columns = _columns(data)
    width = len(columns) + (1 if shape.extra_column else 0)
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    info = data["info"]
    if info.get("ten_truong"):
        document.add_paragraph(str(info["ten_truong"]).upper())
    for line in data.get("title") or []:
        document.add_paragraph(line)
    if data["kind"] == "ke-hoach":
        document.add_paragraph(f"Năm học {info['nam_hoc'].replace('-', ' – ')}")
    extra = shape.extra_column[0] if shape.extra_column else None
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    _header(table, data, width, extra, shape)
    fresh = True                                  # no data row yet in this table
    for row in _physical(data, shape, columns, width):
        if row.break_before:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            if shape.repeat_header:
                _header(table, data, width, extra, shape)
            fresh = True
        line = table.add_row()
        r = len(table.rows) - 1
        for c, text in enumerate(row.cells):
            if text:
                line.cells[c].text = text
        if row.span is not None:
            table.cell(r, row.span).merge(table.cell(r, width - 1))
        if not fresh:
            for c in row.merge_down:
                table.cell(r - 1, c).merge(table.cell(r, c))
        fresh = False
    document.add_paragraph("")
    sign = document.add_table(rows=2, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:\n- Phòng GDĐT;\n- Lưu: VT."
    sign.cell(0, 1).text = "HIỆU TRƯỞNG"
    sign.cell(1, 1).text = str(info.get("hieu_truong") or "")
    document.save(path)
    return path

"""Tables of the documents (plan table, Phụ lục of results, Biểu 2 tables) as plain rows.

A table follows the printed form of its `official` block in forms/*.yaml (or narrative/bang.yaml):
header rows with merged cells, standards as group rows, criteria as label cells or sub-rows.
The Word writer draws it; nothing here knows about Word or Excel.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from xlbridge.data.forms import ROLES, Form
from xlbridge.model import PlanBook
from xlbridge.report.facts import ItemFact

SPECIAL = {"tt": 6, "criterion": 14, "criterion_code": 8, "standard": 9, "latest_status": 14,
           "done": 26, "in_progress": 26, "not_started": 22}    # default relative widths


@dataclass(frozen=True)
class TableRow:
    kind: str                 # "group" | "standard" | "criterion" | "item" | "empty"
    cells: tuple[str, ...]    # item rows: one per column; others: leading cells, the last spans the rest


@dataclass(frozen=True)
class TableData:
    key: str
    header: tuple[tuple[str | None, ...], ...]
    widths: tuple[float, ...]
    rows: tuple[TableRow, ...]

    @property
    def n_columns(self) -> int:
        return len(self.widths)

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """(row, col, row span, col span, text) of each header cell; None cells are covered by a merge.

        A cell spans right over the None cells after it, and down while every cell below its span is None.
        """
        rows, n = self.header, self.n_columns
        covered: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if text is None or (r, c) in covered:
                    continue
                cs = 1
                while c + cs < n and row[c + cs] is None and (r, c + cs) not in covered:
                    cs += 1
                rs = 1
                while r + rs < len(rows) and all(rows[r + rs][k] is None for k in range(c, c + cs)):
                    rs += 1
                covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                out.append((r, c, rs, cs, text))
        return out

    def with_rows(self, extra: list[tuple[str, ...]]) -> TableData:
        return TableData(self.key, self.header, self.widths, self.rows + tuple(TableRow("item", r) for r in extra))


@dataclass(frozen=True)
class TableSpec:
    """What to print: header rows, a key per column, widths; row groups and criterion labels."""
    key: str
    header: tuple[tuple[str | None, ...], ...]
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    row_groups: tuple[str, ...] = ()
    full_labels: bool = False           # "Tiêu chí 1.2: Hội đồng trường…" rather than "Tiêu chí 1.2"
    derive: dict | None = None          # status name → printed results column (done / in_progress / not_started)


def _fill(text: str | None, values: dict[str, str]) -> str | None:
    if text is None:
        return None
    for k, v in values.items():
        text = text.replace("{" + k + "}", v)
    return text


def _width(key: str, forms: list[Form]) -> float:
    if key in SPECIAL:
        return SPECIAL[key]
    name = key.split(":", 1)[-1]
    for form in forms:
        for col in form.columns:
            if col.key == name or col.role == name:
                return max(col.width, 14) if col.role == "money" else col.width   # "Không", "10 triệu" on one line
    return 16


def spec_from_form(key: str, form: Form, forms: list[Form], values: dict[str, str], full_labels: bool) -> TableSpec:
    """The printed table of a form's `official` block (forms/*.yaml)."""
    off = form.official
    columns = tuple(str(c) for c in off["columns"])
    header = tuple(tuple(_fill(None if h is None else str(h), values) for h in row) for row in off["header"])
    derive = {status: col for col, names in (off.get("derive") or {}).items() for status in names}
    widths = tuple(22 if (c == "criterion" and full_labels) else _width(c, forms) for c in columns)
    return TableSpec(key, header, columns, widths,
                     tuple(off.get("row_groups") or ()), full_labels, derive or None)


def _criterion_label(code: str | None, book: PlanBook, full: bool) -> str:
    if not code:
        return ""
    crit = book.framework.criterion(code)
    if crit is None:
        return f"Tiêu chí {code}"
    return f"{crit.label}: {crit.title}" if full else crit.label


RESULT_COLUMNS = ("done", "in_progress", "not_started")


def _status_column(key: str, f: ItemFact, spec: TableSpec) -> str:
    """The printed result columns of the 2018 Phụ lục: an item's result and reason go to the one column
    its status names (`official.derive`): finished work only under "đã triển khai xong"; work in progress
    or late, with its reason, under "đang triển khai"; work not started, with its reason, under "chưa
    triển khai". An item without a status is printed under "đang triển khai": it is not known to be done."""
    column = spec.derive.get(f.status.name) if (spec.derive and f.status is not None) else "in_progress"
    if column != key:
        return ""
    if key == "done":
        return f.result
    return "\n".join(t for t in (f.result, f.reason) if t)


def _cell(key: str, f: ItemFact, spec: TableSpec) -> str:
    item = f.item
    if key in RESULT_COLUMNS:
        return _status_column(key, f, spec)
    if key == "criterion_code":
        return f"{f.code[3:]} (Mức 4)" if f.code and f.code.startswith("M4.") else (f.code or "")
    if key == "standard":
        return str(f.standard) if f.standard else "Mức 4"
    simple = {"latest_status": f.status.name if f.status else "", "review:result": f.result, "review:reason": f.reason}
    if key == "review:status":
        return simple["latest_status"]
    if key in simple:
        return simple[key]
    if key in item.values:
        return item.values[key].text
    return item.text(key) if key in ROLES else ""


def _item_row(f: ItemFact, spec: TableSpec, number: str, label: str) -> TableRow:
    cells = []
    for key in spec.columns:
        cells.append(number if key == "tt" else label if key == "criterion" else _cell(key, f, spec))
    return TableRow("item", tuple(cells))


def _flat_rows(spec: TableSpec, book: PlanBook, facts: list[ItemFact]) -> list[TableRow]:
    """A flat table (Tiền Giang): the standard is a column, one numbered row per item."""
    return [_item_row(f, spec, str(i), _criterion_label(f.code, book, spec.full_labels)) for i, f in enumerate(facts, 1)]


def _labelled_rows(spec: TableSpec, book: PlanBook, items: list[ItemFact], numbers: Iterator[str]) -> list[TableRow]:
    """Items of one sheet with the criterion in a column, named on its first row only."""
    rows, previous = [], None
    for f in items:
        label = _criterion_label(f.code, book, spec.full_labels) if f.code != previous else ""
        previous = f.code
        rows.append(_item_row(f, spec, next(numbers), label))
    return rows


def _criterion_rows(spec: TableSpec, book: PlanBook, items: list[ItemFact], numbers: Iterator[str]) -> list[TableRow]:
    """Items of one sheet under criterion sub-rows ("Tiêu chí 1.2: …"), in criterion order."""
    rows: list[TableRow] = []
    previous = None
    for f in sorted(items, key=lambda f: (f.code is not None, _code_key(f.code))):
        if f.code and f.code != previous:
            rows.append(TableRow("criterion", (_criterion_label(f.code, book, True),)))
        previous = f.code
        rows.append(_item_row(f, spec, next(numbers), ""))
    return rows


def _standard_row(spec: TableSpec, book: PlanBook, sheet, n_std: int) -> TableRow:
    std = book.framework.standard(sheet.standard)
    text = f"Tiêu chuẩn {sheet.standard}: {std.title}" if std else sheet.name
    numbered = spec.row_groups and spec.columns[0] == "tt"
    return TableRow("standard", (str(n_std), text) if numbered else (text,))


def _grouped_rows(spec: TableSpec, book: PlanBook, facts: list[ItemFact]) -> list[TableRow]:
    """Rows grouped by standard (Mức 1–3, then Mức 4), each standard a group row."""
    by_sheet = {s.name: [f for f in facts if f.item.sheet == s.name] for s in book.layout.sheets}
    numbers: Iterator[str] = itertools.repeat("") if spec.row_groups else (str(i) for i in itertools.count(1))
    items_of = _labelled_rows if ("criterion" in spec.columns or "criterion_code" in spec.columns) else _criterion_rows
    levels = ([s for s in book.layout.sheets if s.kind != "level4"], [s for s in book.layout.sheets if s.kind == "level4"])
    rows: list[TableRow] = []
    n_std = 0
    for level, sheets in enumerate(levels):
        used = [s for s in sheets if by_sheet[s.name]]
        if used and level < len(spec.row_groups):
            rows.append(TableRow("group", (spec.row_groups[level],)))
        for sheet in used:
            if sheet.kind != "level4":
                n_std += 1
                rows.append(_standard_row(spec, book, sheet, n_std))
            rows += items_of(spec, book, by_sheet[sheet.name], numbers)
    return rows


def build_table(spec: TableSpec, book: PlanBook, facts: list[ItemFact], empty_text: str) -> TableData:
    """Rows for the items: flat when a column names the standard, else grouped by standard."""
    rows = _flat_rows(spec, book, facts) if "standard" in spec.columns else _grouped_rows(spec, book, facts)
    return TableData(spec.key, spec.header, spec.widths, tuple(rows or [TableRow("empty", (empty_text,))]))


def _code_key(code: str | None) -> tuple:
    return tuple(int(x) for x in (code or "").replace("M4.", "0.").split(".") if x.isdigit())


def issues_table(form: Form, book: PlanBook, empty_text: str) -> TableData:
    """Biểu 2 mục IV: one row per priority issue, flat (the standard is a column)."""
    off = form.official
    columns = [str(c) for c in off["columns"]]
    rows = []
    for i, issue in enumerate(sorted(book.issues, key=lambda x: (x.standard, x.row)), 1):
        cells = []
        for key in columns:
            if key == "tt":
                cells.append(str(i))
            elif key == "standard":
                cells.append(str(issue.standard))
            else:
                v = issue.values.get(key)
                cells.append(v.text if v else "")
        rows.append(TableRow("item", tuple(cells)))
    header = tuple(tuple(None if h is None else str(h) for h in row) for row in off["header"])
    widths = tuple(_width(c, [form]) for c in columns)
    return TableData("van-de", header, widths, tuple(rows) or (TableRow("empty", (empty_text,)),))

"""Table rows → plan items under their criteria.

Rows are read in order across the tables of one plan table (split over pages). A row with a criterion
label (or a criterion cell merged from the row above, or its own TT number) starts an item; a row
without one either continues the item above — a cell split by a page break, its text going on in
lower case or after a comma, colon or dash — or is one more item of the current criterion. Group rows
("MỨC 1, 2, 3", "Mức 4") and standard rows ("Tiêu chuẩn 2: …") set the context. What cannot be
placed is kept with its text for the report: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlbridge.data.catalog import Framework
from xlbridge.importer.columns import Match, is_numbering
from xlbridge.importer.docx_tables import BULLET, WCell
from xlbridge.importer.labels import DOTTED, NUMBER, criterion_label, level_group, standard_number

GOES_ON = (",", ":", ";", "-", "–", "(", "/", "&", "+")
ENDS = (".", "!", "?")


@dataclass(frozen=True)
class SourceRow:
    table: int                 # 1-based table number in the document
    row: int                   # 1-based row in that table
    cells: list[WCell]
    starts_table: bool         # first data row of a table that continues the previous one

    @property
    def where(self) -> str:
        return f"bảng {self.table}, dòng {self.row}"


@dataclass
class Draft:
    """One item as read: criterion, texts by target key, texts of unmatched columns."""
    criterion: str
    label: str
    values: dict[str, str] = field(default_factory=dict)
    extra: dict[int, str] = field(default_factory=dict)
    rows: list[SourceRow] = field(default_factory=list)

    @property
    def where(self) -> str:
        first, last = self.rows[0], self.rows[-1]
        if first.table == last.table:
            return first.where if first.row == last.row else f"{first.where}–{last.row}"
        return f"{first.where} – {last.where}"


@dataclass(frozen=True)
class Unplaced:
    where: str
    text: str
    reason: str


@dataclass
class Assembly:
    drafts: list[Draft] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def join(before: str, after: str) -> str:
    if not before:
        return after
    return before + ("\n" if BULLET.match(after) else " ") + after


@dataclass
class _State:
    match: Match
    fw: Framework
    out: Assembly = field(default_factory=Assembly)
    standard: int | None = None
    level4: bool = False
    criterion: str | None = None
    last: Draft | None = None

    @property
    def tt(self) -> int | None:
        return self.match.col_of("tt")

    @property
    def crit(self) -> int | None:
        return self.match.col_of("criterion")

    @property
    def std(self) -> int | None:
        return self.match.col_of("standard")

    def value_cols(self) -> dict[int, str]:
        return {c: t.key for c, (t, _s) in self.match.columns.items() if t.key not in ("tt", "criterion", "standard")}


def _texts(row: SourceRow) -> dict[int, str]:
    return {i: c.text for i, c in enumerate(row.cells) if c.text}


def _describe(row: SourceRow, match: Match) -> str:
    parts = []
    for i, text in _texts(row).items():
        head = match.headers[i] if i < len(match.headers) and match.headers[i] else f"cột {i + 1}"
        parts.append(f"{head}: {text}")
    return " | ".join(parts)


def _before(d: Draft, col: int, st: _State) -> str:
    """What the item holds in a column so far (the text a split cell would go on from)."""
    if col == st.crit:
        return d.label
    key = st.value_cols().get(col)
    return d.values.get(key, "") if key else d.extra.get(col, "")


def continues(d: Draft, row: SourceRow, st: _State) -> bool:
    """True when the row's texts go on from the item's texts rather than start new ones."""
    on = new = 0
    for col, text in _texts(row).items():
        if col in (st.tt, st.std):
            continue
        before = _before(d, col, st).rstrip()
        first = text.lstrip("\"'“(")[:1]
        if first.islower() or (before and before.endswith(GOES_ON)):
            on += 1
        elif first.isupper() and (not before or before.endswith(ENDS)):
            new += 1
    return on > new or (row.starts_table and on == new and on > 0)


def _group_or_standard(row: SourceRow, st: _State) -> bool:
    """Handle a "MỨC 1, 2, 3" / "Mức 4" row or a "Tiêu chuẩn n" row; True when the row was one."""
    texts = _texts(row)
    group = level_group(next(iter(texts.values()))) if len(set(texts.values())) == 1 else None
    if group is not None:
        st.level4, st.standard, st.criterion, st.last = group == "level4", None, None, None
        return True
    own = {c: t for c, t in texts.items() if c != st.tt}
    if not own:
        return False
    values = {c for c in own if c in st.value_cols()}
    first = own[min(own)]
    number = standard_number(own.get(st.crit, first) if st.crit is not None else first)
    if number is not None and not (values - {min(own)}):
        if st.fw.standard(number) is None:
            st.out.notes.append(f"{row.where}: «{first}» — Thông tư {st.fw.number} không có tiêu chuẩn {number}.")
        st.standard, st.level4, st.criterion, st.last = number, False, None, None
        return True
    return False


def _new(st: _State, row: SourceRow, code: str, label: str) -> Draft:
    d = Draft(code, label, rows=[row])
    values = st.value_cols()
    for col, cell in enumerate(row.cells):
        text = cell.text or (cell.above if cell.merged == "above" and col != st.crit else "")
        if not text or col in (st.tt, st.crit, st.std):
            continue
        if col in values:
            d.values[values[col]] = text
        else:
            d.extra[col] = text
    st.out.drafts.append(d)
    st.criterion, st.last = code, d
    return d


def _extend(st: _State, d: Draft, row: SourceRow) -> None:
    values = st.value_cols()
    for col, text in _texts(row).items():
        if col == st.crit:
            d.label = join(d.label, text)
        elif col in values:
            d.values[values[col]] = join(d.values.get(values[col], ""), text)
        elif col not in (st.tt, st.std):
            d.extra[col] = join(d.extra.get(col, ""), text)
    d.rows.append(row)


def _standard_hint(row: SourceRow, st: _State) -> int | None:
    if st.std is None:
        return st.standard
    cell = row.cells[st.std]
    text = cell.text or (cell.above if cell.merged == "above" else "")
    m = NUMBER.search(text) if text and not DOTTED.search(text) else None
    return int(m[1]) if m else st.standard


def _place(row: SourceRow, st: _State) -> None:
    texts = _texts(row)
    crit_cell = row.cells[st.crit] if st.crit is not None else WCell("")
    crit_text = crit_cell.text
    hint = _standard_hint(row, st)
    label = criterion_label(crit_text, st.fw, hint, st.level4) if crit_text else None
    if label is not None and label.code is not None and not label.by_title:
        _labelled(st, row, label.code, label.note, hint, crit_text)
        return
    if crit_cell.merged == "above" and st.last is not None:
        _new(st, row, st.last.criterion, st.last.label)
        return
    tt_text = texts.get(st.tt, "") if st.tt is not None else ""
    if st.last is not None and not tt_text and continues(st.last, row, st):
        _extend(st, st.last, row)          # a criterion's title alone may be the rest of "Tiêu chí 3.5:" cut off
        st.out.notes.append(f"{row.where}: nối vào nội dung của tiêu chí {st.last.criterion} ở dòng trên "
                            f"({'sang bảng mới, ' if row.starts_table else ''}ô bị ngắt trang).")
        return
    if label is not None and label.code is not None:
        _labelled(st, row, label.code, label.note, hint, crit_text)
        return
    if label is not None and label.code is None:
        reason = f"không nhận ra tiêu chí «{crit_text}»" + (f" ({label.note})" if label.note else "")
        st.out.unplaced.append(Unplaced(row.where, _describe(row, st.match), reason))
        return
    if st.criterion is None:
        st.out.unplaced.append(Unplaced(row.where, _describe(row, st.match), "dòng không ghi tiêu chí, trước nó cũng chưa "
                                                                             "có tiêu chí nào"))
        return
    _new(st, row, st.criterion, "")
    st.out.notes.append(f"{row.where}: không ghi tiêu chí; xếp thêm một nội dung vào tiêu chí {st.criterion} ở dòng trên.")


def _labelled(st: _State, row: SourceRow, code: str, note: str | None, hint: int | None, text: str) -> None:
    """A row that names its criterion: a new item there, with notes when the label was read loosely."""
    if note:
        st.out.notes.append(f"{row.where}: {note}.")
    crit = st.fw.criterion(code)
    if crit is not None and hint is not None and crit.standard and crit.standard != hint:
        st.out.notes.append(f"{row.where}: tiêu chí {code} ghi ở tiêu chuẩn {hint}; đã xếp vào tiêu chuẩn "
                            f"{crit.standard} theo mã tiêu chí.")
    _new(st, row, code, text)


def assemble(rows: list[SourceRow], match: Match, fw: Framework) -> Assembly:
    st = _State(match, fw)
    for row in rows:
        if not _texts(row) or is_numbering(row.cells):       # empty, or a "(1) (2) (3)" row repeated on a page
            continue
        if _group_or_standard(row, st):
            continue
        _place(row, st)
    return st.out

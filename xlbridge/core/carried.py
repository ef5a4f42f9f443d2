"""The "Mang sang" sheet as plain data: what `kdcl nam-sau` writes there and what the MS01 rule reads back.

One row per carried item (and per working group taken from another standard): where the item now is,
what it was last year, and — when kdcl had to choose — the question the user must confirm. Pure: rows
in, rows out; no Excel library.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.carry_texts import carry_texts
from xlbridge.layout import column_letter

TITLE_ROWS = 4          # title, two intro lines, blank; the header follows


@dataclass(frozen=True)
class ReviewRow:
    """One row of the list as written: the item's place, its text, last year's facts, the question."""
    sheet: str
    cell: str
    criterion: str
    content: str
    previous: str
    question: str = ""


@dataclass(frozen=True)
class Mark:
    """A row read back from a workbook, with the cell where its confirmation goes."""
    row: int                  # 1-based row on the "Mang sang" sheet
    entry: ReviewRow
    confirmed: bool
    confirm_cell: str

    @property
    def open(self) -> bool:
        return bool(self.entry.question) and not self.confirmed


def header_row() -> int:
    return TITLE_ROWS + 1


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _find_header(rows: list[list[object]]) -> int | None:
    want = [fold(h) for _k, h, _w in carry_texts().columns]
    for i, line in enumerate(rows):
        got = [fold(_text(v)) for v in line[:len(want)]]
        if got == want:
            return i
    return None


def read_marks(rows: list[list[object]]) -> list[Mark]:
    """The rows of a "Mang sang" sheet (values as read, formulas as text); [] when it has no list."""
    t = carry_texts()
    head = _find_header(rows)
    if head is None:
        return []
    keys = [k for k, _h, _w in t.columns]
    confirm_col = column_letter(t.column_index("confirm"))
    marks = []
    for i in range(head + 1, len(rows)):
        line = list(rows[i]) + [None] * len(keys)
        values = {k: _text(line[j]) for j, k in enumerate(keys)}
        if not any(values[k] for k in keys if k not in ("tt", "confirm")):
            continue
        entry = ReviewRow(values["sheet"], values["cell"].replace("$", "").upper(), values["criterion"],
                          values["content"], values["previous"], values["question"])
        marks.append(Mark(i + 1, entry, t.is_confirmed(values["confirm"]), f"{confirm_col}{i + 1}"))
    return marks

"""Rule on a carried plan: the questions `kdcl nam-sau` left on the "Mang sang" sheet, until confirmed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlbridge.core.carried import Mark, read_marks
from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule
from xlbridge.core.vntext import fold
from xlbridge.data.carry_texts import carry_texts
from xlbridge.model import Item


def _same(a: str, b: str) -> bool:
    return bool(a) and fold(a) == fold(b)


def _where(mark: Mark, items: list[Item], info_sheet: str) -> tuple[str, str] | None:
    """The cell the question is about, following the item if rows were inserted or it was moved."""
    e = mark.entry
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", e.cell)
    if m is None:
        return None
    if e.sheet == info_sheet:
        return e.sheet, e.cell
    at = next((it for it in items if it.sheet == e.sheet and it.row == int(m[2])), None)
    if at is not None and (not e.content or _same(e.content, at.content)):
        return e.sheet, e.cell
    moved = next((it for it in items if _same(e.content, it.content)), None)
    if moved is not None:
        return moved.sheet, f"{m[1]}{moved.row}"
    return None


@rule("MS01")
def carried_questions(ctx: Context) -> Iterator[Finding]:
    t = carry_texts()
    rows = ctx.book.extra_sheets.get(t.sheet)
    if not rows:
        return
    for mark in read_marks(rows):
        if not mark.open:
            continue
        where = _where(mark, ctx.book.items, ctx.book.layout.info.sheet)
        sheet, cell = where if where else (t.sheet, mark.confirm_cell)
        yield make_finding("MS01", sheet, cell, question=mark.entry.question.replace("\n", " "), list=t.sheet,
                           confirm_cell=mark.confirm_cell, confirmed=t.confirmed)

"""Rules on single input cells: formulas, Excel error values, over-long text."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule

MAX_TEXT = 1500       # characters: beyond this a printed table cell spans pages


@rule("O01", "O02", "O03")
def cell_content(ctx: Context) -> Iterator[Finding]:
    for v in ctx.book.cells:
        if v.formula:
            yield make_finding("O01", v.cell.sheet, v.cell, value=str(v.raw)[:80])
        elif v.error:
            yield make_finding("O02", v.cell.sheet, v.cell, value=v.error)
        elif len(v.text) > MAX_TEXT:
            yield make_finding("O03", v.cell.sheet, v.cell, length=len(v.text), limit=MAX_TEXT)

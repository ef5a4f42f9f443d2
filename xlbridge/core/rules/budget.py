"""Rules on planned budgets (dự kiến kinh phí)."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.money import format_vnd
from xlbridge.core.rules import Context, rule


@rule("KP01", "KP02")
def budgets(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        v, m = it.first("money"), it.budget
        if v is None or m is None or v.empty:
            continue            # a "resources" column is free text: no figure is required there
        if not m.ok:
            yield make_finding("KP01", it.sheet, v.cell, value=v.text)
        elif m.kind == "so-tien" and m.amount is not None and 0 < m.amount < 1000:
            yield make_finding("KP02", it.sheet, v.cell, value=v.text, amount=format_vnd(m.amount))

"""Rules on planned budgets (dự kiến kinh phí)."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.money import format_short, format_vnd
from xlbridge.core.rules import Context, rule

SMALLEST_UNMARKED = 100_000     # đồng: a bare figure below this is asked about (the seeds' budgets are 7 to 22
#                                 triệu; 100.000 đồng buys a ream of paper, no plan item costs less)


@rule("KP01", "KP02")
def budgets(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        v, m = it.first("money"), it.budget
        if v is None or m is None or v.empty:
            continue            # a "resources" column is free text: no figure is required there
        if not m.ok:
            yield make_finding("KP01", it.sheet, v.cell, value=v.text)
        elif m.kind == "so-tien" and m.amount is not None and too_small(m.amount, m.unit):
            yield make_finding("KP02", it.sheet, v.cell, value=v.text, amount=format_vnd(m.amount),
                               thousands=format_short(m.amount * 1000), millions=format_short(m.amount * 10**6))


def too_small(amount: int, unit: bool) -> bool:
    """An amount no budget line of a school means as written: below 1.000 đồng, or below 100.000 đồng with no
    unit written («5000» for re-roofing a block: an accountant's «ĐVT: 1.000 đ» or a dropped «.000»)."""
    return 0 < amount < (1000 if unit else SMALLEST_UNMARKED)

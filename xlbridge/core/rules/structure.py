"""Rules on the locked structure: sheets, criterion rows, headers, criterion codes."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule

KINDS = {"sheet-missing": "CT01", "criterion-altered": "CT02", "header-moved": "CT03",
         "criterion-missing": "CT06", "stray-value": "CT07"}


@rule(*KINDS.values())
def anomalies(ctx: Context) -> Iterator[Finding]:
    """What the reader saw of the structure, as findings."""
    for a in ctx.book.anomalies:
        yield make_finding(KINDS[a.kind], a.sheet, a.cell, **a.detail)


@rule("CT04", "CT05")
def criterion_codes(ctx: Context) -> Iterator[Finding]:
    fw = ctx.book.framework
    for it in ctx.book.items:
        cols = [c for c in it.columns.values() if c.role == "criterion"]
        if not cols or it.criterion is None:
            continue
        v = it.values[cols[0].key]
        crit = fw.criterion(it.criterion)
        if crit is None:
            choices = ", ".join(c.code for c in fw.criteria() if c.standard == it.standard) or "…"
            yield make_finding("CT04", it.sheet, v.cell.a1, value=v.text, framework=f"Thông tư {fw.number}",
                               choices=choices)
        elif crit.standard != it.standard:
            target = next((s.name for s in ctx.book.layout.sheets if s.standard == crit.standard), "")
            yield make_finding("CT05", it.sheet, v.cell.a1, value=crit.code, here=it.sheet, target=target)

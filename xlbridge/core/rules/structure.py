"""Rules on the locked structure: sheets, criterion rows, headers, criterion codes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule

KINDS = {"sheet-missing": "CT01", "criterion-altered": "CT02", "header-moved": "CT03",
         "criterion-missing": "CT06", "stray-value": "CT07", "rows-deleted": "CT08"}


@rule(*KINDS.values())
def anomalies(ctx: Context) -> Iterator[Finding]:
    """What the reader saw of the structure, as findings."""
    for a in ctx.book.anomalies:
        yield make_finding(KINDS[a.kind], a.sheet, a.cell, **a.detail)


@rule("CT04", "CT05")
def criterion_codes(ctx: Context) -> Iterator[Finding]:
    """Criterion codes typed in plan rows and in the priority-issues table (TT57)."""
    rows = [(it.sheet, it.standard, it.columns, it.values, it.criterion) for it in ctx.book.items]
    if ctx.book.layout.issues_form is not None:
        cols = {c.key: c for c in ctx.book.layout.issues_form.columns}
        for iss in ctx.book.issues:
            v = next((iss.values[k] for k, c in cols.items() if c.role == "criterion" and k in iss.values), None)
            rows.append((iss.sheet, iss.standard, cols, iss.values, code_in(v.text) if v is not None and v.text else None))
    for sheet, standard, columns, values, code in rows:
        key = next((k for k, c in columns.items() if c.role == "criterion"), None)
        if key is None or code is None:
            continue
        yield from _check_code(ctx, sheet, standard, values[key], code)


def code_in(text: str) -> str:
    m = re.search(r"(M4\.\d+|\d+\.\d+)", text.replace(",", "."), re.IGNORECASE)
    return m.group(1).upper() if m else text


def _check_code(ctx: Context, sheet: str, standard: int, v, code: str) -> Iterator[Finding]:
    fw = ctx.book.framework
    crit = fw.criterion(code)
    if crit is None:
        choices = ", ".join(c.code for c in fw.criteria() if c.standard == standard) or "…"
        yield make_finding("CT04", sheet, v.cell, value=v.text, framework=f"Thông tư {fw.number}", choices=choices)
    elif crit.standard != standard:
        target = next((s.name for s in ctx.book.layout.sheets if s.standard == crit.standard), "")
        yield make_finding("CT05", sheet, v.cell, value=crit.code, here=sheet, target=target)

"""Rules on the follow-up of each item: status, result, reason, consistency between reviews."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule
from xlbridge.core.rules.plan import blank, criterion_name
from xlbridge.data.vocab import vocab


def counted_as_typed(text: str, name: str) -> bool:
    """Written as the list's own name, up to case and spaces: no KQ03 for "hoàn thành". (The "Tổng hợp"
    formulas count the aliases as well, from the vocabulary: KQ03 asks for the name the documents print.)"""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold() == name.casefold()


@rule("KQ01", "KQ02", "KQ03", "KQ04", "KQ05", "KQ06")
def review_results(ctx: Context) -> Iterator[Finding]:
    order = ctx.book.phase_order
    orders = {p.id: p.order for p in vocab().phases}
    choices = ", ".join(vocab().status_names())
    for it in ctx.book.items:
        for res in it.results:
            cols = {k: it.columns[k] for k in res.values}
            status_key = next((k for k, c in cols.items() if c.role == "status"), None)
            if status_key is None:
                continue
            sv, scol = res.values[status_key], cols[status_key]
            if sv.formula or sv.error:
                continue
            if sv.empty:
                if scol.required and order >= orders[scol.required]:
                    yield make_finding("KQ01", it.sheet, sv.cell, criterion=criterion_name(it), header=scol.header,
                                       review=ctx.review_note(res.review), choices=choices)
                continue
            if res.status is None:
                yield make_finding("KQ02", it.sheet, sv.cell, value=sv.text, choices=choices)
                continue
            if not counted_as_typed(sv.text, res.status.name):
                yield make_finding("KQ03", it.sheet, sv.cell, value=sv.text, status=res.status.name)
            for key, col in cols.items():
                v = res.values[key]
                if res.status.name in col.required_if_status and blank(v) and not v.formula and v.error is None:
                    code = "KQ05" if col.role == "result" else "KQ04"
                    yield make_finding(code, it.sheet, v.cell, status=res.status.name, review=ctx.review_note(res.review))
                if col.role == "result" and not res.status.started and not blank(v):
                    yield make_finding("KQ06", it.sheet, v.cell, status=res.status.name)


@rule("KQ07")
def status_regression(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        statuses = [(r, r.status) for r in it.results if r.status is not None]
        for (_, a), (rb, b) in zip(statuses, statuses[1:], strict=False):
            if a.done and not b.done:
                cell = it.status_value(rb)
                assert cell is not None            # rb has a status, so its table has the column
                yield make_finding("KQ07", it.sheet, cell.cell, first=a.name, second=b.name)

"""Rules on plan items: required fields, duplicates, missing content, criterion, evidence codes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule
from xlbridge.core.vntext import fold, words
from xlbridge.data.forms import Column
from xlbridge.data.vocab import vocab
from xlbridge.model import Item, PlanBook, Value


def blank(v: Value | None) -> bool:
    """Empty for a required text: nothing, or only a placeholder such as "Không" or "/"."""
    return v is None or (v.empty or (not v.formula and v.error is None and vocab().is_placeholder(v.text)))


def criterion_name(it: Item) -> str:
    return f"tiêu chí {it.criterion}" if it.criterion and not it.criterion.startswith("M4.") else (
        f"tiêu chí {it.criterion[3:]} (Mức 4)" if it.criterion else f"dòng {it.row}")


def adjusted(it: Item) -> bool:
    """The row's plan content is written in «ND … đã được điều chỉnh»: a row added or rewritten when the plan
    was adjusted during the year, whose start-of-year content cell is empty by nature."""
    return any(it.columns[k].role == "adjusted" and not blank(v) for r in it.results for k, v in r.values.items())


def has_plan(it: Item) -> bool:
    return it.planned or adjusted(it)


def plan_only_columns(it: Item) -> list[str]:
    """Keys of the plan's own required columns besides content and criterion (target, person, period…):
    what a results table (Phụ lục 2) does not have."""
    return [k for k, c in it.columns.items()
            if c.review is None and c.required and c.role not in ("criterion", "content")]


def results_only(book: PlanBook) -> bool:
    """A workbook typed or imported from a results table: items with results, none with any plan column
    beyond the content. One fact (the plan part is missing), not one per item."""
    items = [it for it in book.items if has_plan(it)]
    return (bool(items) and any(r.filled for it in items for r in it.results)
            and all(blank(it.values[k]) for it in items for k in plan_only_columns(it))
            and any(plan_only_columns(it) for it in items))


def _missing_plan(it: Item, order: int, orders: dict[str, int]) -> list[tuple[Column, Value]]:
    return [(col, it.values[key]) for key, col in it.columns.items()
            if col.review is None and col.required and col.role != "criterion" and order >= orders[col.required]
            and blank(it.values[key]) and not it.values[key].formula and it.values[key].error is None
            and not (col.role == "content" and order > 0 and adjusted(it))]


@rule("KH08")
def results_without_plan_part(ctx: Context) -> Iterator[Finding]:
    book = ctx.book
    if not results_only(book):
        return
    items = [it for it in book.items if has_plan(it)]
    first = items[0]
    keys = plan_only_columns(first)
    headers = "», «".join(first.columns[k].header for k in keys)
    yield make_finding("KH08", first.sheet, first.values[keys[0]].cell, count=len(items), header=headers)


@rule("KH01", "KH02")
def required_plan_fields(ctx: Context) -> Iterator[Finding]:
    """KH01 per missing cell while planning; once the plan is approved, one KH02 per item (none for a
    results-only workbook: KH08 says that once)."""
    order = ctx.book.phase_order
    orders = {p.id: p.order for p in vocab().phases}
    only_results = results_only(ctx.book)
    for it in ctx.book.items:
        if not has_plan(it) or only_results:
            continue
        missing = _missing_plan(it, order, orders)
        if not missing:
            continue
        if order == 0:
            for col, v in missing:
                yield make_finding("KH01", it.sheet, v.cell, header=col.header, criterion=criterion_name(it))
        else:
            headers = "», «".join(col.header for col, _ in missing)
            yield make_finding("KH02", it.sheet, missing[0][1].cell, header=headers, criterion=criterion_name(it))
    form = ctx.book.layout.issues_form
    if form is not None and order == 0:
        for issue in ctx.book.issues:
            for col in form.columns:
                iv = issue.values.get(col.key)
                if col.required and blank(iv) and iv is not None and not iv.formula and iv.error is None:
                    yield make_finding("KH01", issue.sheet, iv.cell, header=col.header, criterion=f"dòng {issue.row}")


@rule("KH03")
def duplicates(ctx: Context) -> Iterator[Finding]:
    seen: dict[tuple, Item] = {}
    for it in ctx.book.items:
        role = "content" if it.text("content") else "target"
        content = fold(it.text(role))
        if not content or vocab().is_placeholder(content):
            continue
        # word for word, case and punctuation aside («…trường học.» pasted again without its dot). The same text in
        # another period is asked about too: the hint asks to say what differs («HK I» and «HK II» fit in one row)
        key = (it.criterion, words(content))
        if key in seen:
            first = seen[key]
            v = it.first(role)
            yield make_finding("KH03", it.sheet, v.cell if v else None, criterion=criterion_name(it),
                               other=f"{first.row} ({first.sheet})")
        else:
            seen[key] = it


@rule("KH04")
def no_items(ctx: Context) -> Iterator[Finding]:
    if not ctx.book.items and any(s.name in ctx.book.sheets_present for s in ctx.book.layout.sheets):
        yield make_finding("KH04", ctx.book.layout.sheets[0].name, None)


@rule("KH05")
def results_without_plan(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        if not has_plan(it) and any(r.filled for r in it.results):
            col = next((c for c in it.columns.values() if c.role == "content"), None)
            if col is not None:
                yield make_finding("KH05", it.sheet, it.values[col.key].cell, row=it.row, header=col.header)


@rule("KH06")
def item_without_criterion(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        if it.criterion is not None:
            continue
        col = next((c for c in it.columns.values() if c.role == "criterion"), None)
        # without a criterion column (rows above the first criterion), point at the first filled cell
        v = it.values[col.key] if col is not None else next(v for v in it.values.values() if not v.empty)
        yield make_finding("KH06", it.sheet, v.cell, row=it.row)


MC_TOKEN = re.compile(r"\bMC[\s.]*[\w.]*", re.IGNORECASE)


@rule("KH07")
def evidence_codes(ctx: Context) -> Iterator[Finding]:
    pattern = ctx.book.framework.extra.get("evidence_code")
    if not pattern:
        return
    valid = re.compile(pattern, re.IGNORECASE)      # «mc.1.2.01» is the same code
    for it in ctx.book.items:
        for key, col in it.columns.items():
            v = it.values[key]
            if col.role != "evidence" or v.empty:
                continue
            for token in MC_TOKEN.findall(v.text):
                token = token.rstrip(".")
                if not any(ch.isdigit() for ch in token):
                    continue            # «MC» as the word «minh chứng» («Mã MC:», «các MC của tiêu chí»), not a code
                if not valid.fullmatch(token):
                    example = it.criterion if it.criterion and "." in it.criterion else "1.1"
                    yield make_finding("KH07", it.sheet, v.cell, value=token, example=example)

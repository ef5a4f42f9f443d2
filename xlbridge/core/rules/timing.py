"""Rules on periods (thời gian thực hiện): readable, ordered, touching the school year, not overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from xlbridge.core.findings import Finding, make_finding, rule_specs
from xlbridge.core.periods import SchoolYear, describe
from xlbridge.core.progress import is_overdue
from xlbridge.core.rules import Context, rule
from xlbridge.core.rules.plan import criterion_name
from xlbridge.core.rules.results import counted_as_typed


def window(year: SchoolYear) -> tuple[date, date]:
    """The administrative school year: from August (tựu trường, preparation) to the end of the next August
    (summer work such as repairs, «tháng 8/2025» to ready the rooms, belongs to the year that planned it)."""
    return date(year.start_year, 8, 1), date(year.end_year, 8, 31)


# A month without its year is read in the school year (September to May: one reading only). June to August
# could be the summer before or after it: only those are said (TG06).
SUMMER = (6, 7, 8)


@rule("TG01", "TG02", "TG03", "TG06")
def periods(ctx: Context) -> Iterator[Finding]:
    year = ctx.book.info.school_year
    for it in ctx.book.items:
        p, v = it.period, it.first("period")
        if p is None or v is None or p.empty:
            continue
        at = (it.sheet, v.cell)
        if p.span is None:
            if p.kind == "khong-ro":
                yield make_finding("TG01", *at, value=v.text)
            continue
        start, end = p.span
        if end < start:
            yield make_finding("TG02", *at, value=v.text, start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))
            continue
        if year is None:
            continue
        fields = dict(value=v.text, range=describe(p), year=str(year), y1=year.start_year, y2=year.end_year)
        first, last = window(year)
        if end < first or start > last:
            yield make_finding("TG03", *at, **fields)
        # A period that overlaps or contains the year is right: a multi-year programme ("Giai đoạn
        # 2021-2025") or a task begun in the summer before; only a period wholly outside is a mistake.
        if p.relative and p.kind in ("thang", "he") and start.month in SUMMER:
            other = year.start_year if start.year == year.end_year else year.end_year     # the summer not chosen
            example = rule_specs()["TG06"].phrases[p.kind].format(month=start.month, year=other)
            yield make_finding("TG06", *at, **fields, other=example)


@rule("TG05")
def overdue(ctx: Context) -> Iterator[Finding]:
    if ctx.book.phase_order == 0:
        return
    when = ctx.report_date
    for it in ctx.book.items:
        if not is_overdue(it, when, ctx.book.phase_order):
            continue
        status, v, p = it.status, it.first("period"), it.period
        if status is not None and status.acknowledges_delay:
            continue            # already marked late / not started, with its reason
        assert v is not None and p is not None and p.end is not None     # is_overdue: a deadline was read there
        latest = it.latest
        typed = it.typed_status(latest) if latest is not None else ""
        reading = rule_specs()["TG05"].phrases["reading"].format(name=status.name) \
            if status is not None and typed and not counted_as_typed(typed, status.name) else ""
        yield make_finding("TG05", it.sheet, v.cell, criterion=criterion_name(it),
                           end=p.end.strftime("%d/%m/%Y"), report_date=when.strftime("%d/%m/%Y"),
                           status=typed or (status.name if status else "chưa cập nhật"), reading=reading)

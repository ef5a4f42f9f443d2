"""Facts about an item's progress that rules, summaries and narratives must agree on."""

from __future__ import annotations

from datetime import date

from xlbridge.model import Item, PlanBook


def tracks_status(item: Item) -> bool:
    """The item's table has a status column (a province's variant may have none)."""
    return any(c.role == "status" for c in item.columns.values())


def is_overdue(item: Item, when: date, phase_order: int) -> bool:
    """Deadline passed on `when` while the item is still open (or has no status yet)."""
    if phase_order == 0 or not tracks_status(item):
        return False
    end = item.period.end if item.period is not None and item.period.ok else None
    if end is None or end >= when:
        return False
    status = item.status
    return status is None or (not status.done and status.open)


def report_date(book: PlanBook, today: date | None = None) -> date:
    """The date deadlines are judged against: the workbook's report date, else `today` (--ngay or the
    caller's clock), else the real today. Rules, summary, consolidation and narrative all ask here."""
    return book.info.report_date or today or date.today()

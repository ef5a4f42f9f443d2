"""Facts about an item's progress that rules, summaries and narratives must agree on."""

from __future__ import annotations

from datetime import date

from xlbridge.core.periods import SchoolYear, parse_period
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


def moment_end(moment: str, year: SchoolYear | None) -> date | None:
    """Last day of a moment of the school year written as a period cell ("cuối học kỳ I" of 2023-2024 →
    15/01/2024): the end of a phase here, the end of a review in the narrative."""
    if year is None:
        return None
    period = parse_period(moment, year)
    return period.end if period.ok else None


def phase_end(book: PlanBook) -> date | None:
    """Last day of the workbook's phase in its school year (vocab/phases.yaml `ends`), or None (planning phase,
    no school year, a phase without an end)."""
    phase = book.info.phase
    return moment_end(phase.ends, book.info.school_year) if phase is not None and phase.ends is not None else None


def report_date_basis(book: PlanBook, asked: date | None = None, clock: date | None = None) -> tuple[date, str]:
    """The date deadlines are judged against, and why: the workbook's report date ("report"); else the date
    asked for, --ngay ("asked"); else today (`clock`, the real today by default: "today"), but not after the end
    of the workbook's phase ("phase_end"): the HK I review of a past year, its date left blank, speaks of that
    January, not of today."""
    if book.info.report_date is not None:
        return book.info.report_date, "report"
    if asked is not None:
        return asked, "asked"
    today = clock or date.today()
    end = phase_end(book)
    return (end, "phase_end") if end is not None and end < today else (today, "today")


def report_date(book: PlanBook, asked: date | None = None, clock: date | None = None) -> date:
    """The date deadlines are judged against (`report_date_basis`). Rules, summary, consolidation and narrative
    all ask here."""
    return report_date_basis(book, asked, clock)[0]

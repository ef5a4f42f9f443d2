"""Facts about an item's progress that rules, summaries and narratives must agree on."""

from __future__ import annotations

from datetime import date

from xlbridge.model import Item


def tracks_status(item: Item) -> bool:
    """The item's table has a status column (a province's variant may have none)."""
    return any(c.role == "status" for c in item.columns.values())


def is_overdue(item: Item, when: date, phase_order: int) -> bool:
    """Deadline passed on `when` while the item is still open (or has no status yet)."""
    if phase_order == 0 or not tracks_status(item):
        return False
    if item.period is None or not item.period.ok or item.period.end >= when:
        return False
    status = item.status
    return status is None or (not status.done and status.open)

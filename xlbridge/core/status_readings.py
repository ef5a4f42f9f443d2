"""How statuses written otherwise than the list were read ("Chưa hoàn thành" → Đang thực hiện), for the summary.

Both kdcl's summary and the "Tổng hợp" formulas count the vocabulary's aliases; the summary says which
it read and as what, so that the school can write the list's own names in what it prints.
"""

from __future__ import annotations

from collections import Counter

from xlbridge.core.rules.results import counted_as_typed
from xlbridge.model import PlanBook


def alias_readings(book: PlanBook) -> list[tuple[str, str, int]]:
    """(as typed, status it was read as, number of cells), in order of first appearance."""
    seen: Counter[tuple[str, str]] = Counter()
    for it in book.items:
        for res in it.results:
            if res.status is None or it.status_value(res) is None:
                continue
            typed = it.typed_status(res)
            if not counted_as_typed(typed, res.status.name):
                seen[(typed, res.status.name)] += 1
    return [(typed, name, n) for (typed, name), n in seen.items()]


def describe_readings(book: PlanBook) -> str:
    """One Vietnamese sentence for the summary, or "" when every status is written as in the list."""
    readings = alias_readings(book)
    if not readings:
        return ""
    parts = "; ".join(f"«{typed}» → {name} ({n} ô)" for typed, name, n in readings)
    return f"Trạng thái ghi khác danh sách, kdcl tính như sau: {parts}."

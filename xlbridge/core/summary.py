"""The status summary per standard sheet and in total: the one definition of the "Tổng hợp" figures.

Plain Python (no pandas: the Lite button runs it in the browser, the consolidation once per
workbook). `kiem-tra`, the button, `tong-hop` and the narrative all take their figures from here,
and the sheet's formulas (`xlbridge.template.summary_formulas`) count the same things, read from the
same vocabulary sets: an item is a row with any input; its status is the latest review's;
done = any status flagged `done`; cancelled = any status neither open nor done;
% hoàn thành = done / (items − cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xlbridge.core.progress import is_overdue, report_date
from xlbridge.data.vocab import vocab
from xlbridge.model import Item, PlanBook

NO_STATUS = "Chưa cập nhật trạng thái"


@dataclass(frozen=True)
class Counts:
    """What the summary says of a group of items (a standard sheet, a criterion, a whole workbook)."""
    items: int
    statuses: dict[str, int]        # status name → items whose latest status it is, vocabulary order
    budget: int                     # planned budget (đồng)
    overdue: int

    @property
    def no_status(self) -> int:
        return self.items - sum(self.statuses.values())

    @property
    def done(self) -> int:
        return sum(self.statuses.get(s.name, 0) for s in vocab().done_statuses())

    @property
    def cancelled(self) -> int:
        return sum(self.statuses.get(s.name, 0) for s in vocab().cancelled_statuses())

    @property
    def completion(self) -> float | None:
        """done / (items − cancelled); None when nothing is left to complete."""
        return completion(self.items, self.done, self.cancelled)

    def __add__(self, other: Counts) -> Counts:
        names = dict.fromkeys([*self.statuses, *other.statuses])
        return Counts(self.items + other.items,
                      {n: self.statuses.get(n, 0) + other.statuses.get(n, 0) for n in names},
                      self.budget + other.budget, self.overdue + other.overdue)

    def to_dict(self) -> dict:
        return {"items": self.items, "statuses": dict(self.statuses), "no_status": self.no_status, "done": self.done,
                "cancelled": self.cancelled, "completion": self.completion, "budget": self.budget,
                "overdue": self.overdue}


def completion(items: int, done: int, cancelled: int) -> float | None:
    """% hoàn thành = Hoàn thành / (items − Không thực hiện); None when there is nothing to complete."""
    base = items - cancelled
    return done / base if base > 0 else None


def count(items: Iterable[Item], when: date, phase_order: int) -> Counts:
    """The summary's figures for `items`, deadlines judged on `when`."""
    statuses = dict.fromkeys(vocab().status_names(), 0)
    n = budget = overdue = 0
    for it in items:
        n += 1
        if it.status is not None:
            statuses[it.status.name] = statuses.get(it.status.name, 0) + 1
        if it.budget is not None and it.budget.amount is not None:
            budget += int(it.budget.amount)
        overdue += is_overdue(it, when, phase_order)
    return Counts(n, statuses, budget, overdue)


@dataclass(frozen=True)
class SummaryRow:
    """One row of "Tổng hợp": a standard sheet (`sheet` and `standard` set) or the total (both None)."""
    sheet: str | None
    standard: int | None            # 0 = Mức 4
    counts: Counts

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "standard": self.standard, **self.counts.to_dict()}


@dataclass(frozen=True)
class Summary:
    rows: tuple[SummaryRow, ...]    # one per standard sheet, in sheet order
    total: SummaryRow
    report_date: date               # the date deadlines were judged against

    def all_rows(self) -> list[SummaryRow]:
        """The sheet's rows: the standards, then the total."""
        return [*self.rows, self.total]

    def row(self, sheet: str) -> SummaryRow | None:
        return next((r for r in self.rows if r.sheet == sheet), None)

    def to_dict(self) -> dict:
        return {"report_date": self.report_date.isoformat(), "rows": [r.to_dict() for r in self.all_rows()]}


def summarize(book: PlanBook, today: date | None = None, *, clock: date | None = None) -> Summary:
    """The workbook's summary, deadlines judged on its report date (`xlbridge.core.progress.report_date`:
    `today` is the date asked for, `clock` stands in for the real today)."""
    when = report_date(book, today, clock)
    by_sheet: dict[str, list[Item]] = {sl.name: [] for sl in book.layout.sheets}
    for it in book.items:
        by_sheet.setdefault(it.sheet, []).append(it)
    rows = tuple(SummaryRow(sl.name, sl.standard, count(by_sheet[sl.name], when, book.phase_order))
                 for sl in book.layout.sheets)
    total = count([], when, book.phase_order)
    for r in rows:
        total = total + r.counts
    return Summary(rows, SummaryRow(None, None, total), when)

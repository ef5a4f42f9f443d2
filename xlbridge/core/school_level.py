"""The workbook's levels: criterion levels from "Mức đánh giá", plan items and statuses from the standard
sheets, through the level engine. One function, used by kiem-tra, the button, tong-hop and the narrative."""

from __future__ import annotations

from xlbridge.core.levels import CriterionPlan, LevelReport, report
from xlbridge.model import PlanBook


def criterion_plans(book: PlanBook) -> dict[str, CriterionPlan]:
    items: dict[str, int] = {}
    done: dict[str, int] = {}
    for it in book.items:
        if it.criterion:
            items[it.criterion] = items.get(it.criterion, 0) + 1
            if it.status is not None and it.status.done:
                done[it.criterion] = done.get(it.criterion, 0) + 1
    out = {}
    for crit in book.framework.criteria():
        entry = book.levels.get(crit.code)
        out[crit.code] = CriterionPlan(crit.code, entry.current_level if entry else None,
                                       entry.target_level if entry else None,
                                       items.get(crit.code, 0), done.get(crit.code, 0))
    return out


def book_levels(book: PlanBook) -> LevelReport | None:
    """None when the framework has no level rule or the workbook has no "Mức đánh giá" sheet (made before
    kdcl knew levels); otherwise the report, also when nothing is filled in yet (every level 0)."""
    if book.framework.level_rule is None or book.layout.levels is None or not book.levels:
        return None
    return report(book.framework, criterion_plans(book))

"""Rules on "Mức đánh giá": level cells, targets the plan does not address, criteria that block the
school's next level. Silent when the sheet is empty (a school that does not record levels is not wrong)."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.levels import choices, criterion_top, gap, level_name, school_level
from xlbridge.core.rules import Context, rule
from xlbridge.core.school_level import criterion_plans
from xlbridge.core.vntext import fold
from xlbridge.layout import config
from xlbridge.model import PlanBook

MAINTAIN = "duy tri"      # folded: an item that keeps a level already reached is not a mistake
LISTED = 6                # criteria named in one message before "…"


def _assessed(book: PlanBook) -> bool:
    return book.layout.levels is not None and any(e.current_level is not None for e in book.levels.values())


def _names(codes: list[str]) -> str:
    head = ", ".join(codes[:LISTED])
    return head + (f" và {len(codes) - LISTED} tiêu chí khác" if len(codes) > LISTED else "")


def _label(book: PlanBook, code: str, level: int | None) -> str:
    crit = book.framework.criterion(code)
    if crit is None or level is None:
        return ""
    return choices(book.framework, crit, tuple(config().labels["levels_level4"]))[level]


@rule("LV04")
def unreadable_levels(ctx: Context) -> Iterator[Finding]:
    book = ctx.book
    level4 = tuple(config().labels["levels_level4"])
    for code, e in book.levels.items():
        crit = book.framework.criterion(code)
        if crit is None:
            continue
        for v, parsed in ((e.current, e.current_level), (e.target, e.target_level)):
            if v.text and parsed is None:
                yield make_finding("LV04", v.cell.sheet, v.cell, value=v.text, code=code,
                                   choices=", ".join(choices(book.framework, crit, level4)))


@rule("LV05")
def missing_levels(ctx: Context) -> Iterator[Finding]:
    book = ctx.book
    if not _assessed(book):
        return
    crits = {c.code: c for c in book.framework.criteria()}
    level4 = [e for e in book.levels.values() if e.code in crits and crits[e.code].standard == 0]
    # the Mức 4 list only matters to a school that assesses it
    wanted = [e for e in book.levels.values() if e not in level4] + (level4 if any(not e.current.empty for e in level4) else [])
    missing = [e for e in wanted if e.current.empty]
    if missing:
        yield make_finding("LV05", missing[0].current.cell.sheet, missing[0].current.cell, count=len(missing),
                           codes=_names([e.code for e in missing]), levels_sheet=config().sheets["levels"])


@rule("LV01")
def targets_without_items(ctx: Context) -> Iterator[Finding]:
    book = ctx.book
    plans = criterion_plans(book)
    for code, e in book.levels.items():
        p = plans.get(code)
        if p is None or e.target_level is None or p.items:
            continue
        if e.target_level > (e.current_level if e.current_level is not None else 0):
            sheet = _sheet_of(book, code)
            yield make_finding("LV01", e.target.cell.sheet, e.target.cell, code=code,
                               current=_label(book, code, e.current_level) or "mức chưa ghi",
                               target=_label(book, code, e.target_level), sheet_name=sheet)


@rule("LV02")
def items_at_maximum(ctx: Context) -> Iterator[Finding]:
    """Items for criteria already at their highest level are normal (keeping a level, preparing Mức 4); they are
    worth a word only when the plan leaves out a criterion that keeps the school below its next level."""
    book = ctx.book
    if not _assessed(book) or not _unplanned_blockers(book):
        return
    maxed = []
    for code, e in book.levels.items():
        crit = book.framework.criterion(code)
        if crit is None or not crit.standard or e.current_level is None:
            continue
        if e.current_level >= criterion_top(book.framework, crit):
            items = [it for it in book.items if it.criterion == code
                     and MAINTAIN not in fold(" ".join((it.text("target"), it.content)))]
            if items:
                maxed.append((code, items))
    if maxed:
        first = maxed[0][1][0]
        cell = next((v.cell for v in first.values.values() if not v.empty), None)
        yield make_finding("LV02", first.sheet, cell, codes=_names([c for c, _ in maxed]),
                           count=sum(len(i) for _, i in maxed), missing=_names(_unplanned_blockers(book)),
                           levels_sheet=config().sheets["levels"])


def _unplanned_blockers(book: PlanBook) -> list[str]:
    """Criteria that must be raised for the next level and have no plan item (one entry for a quota shortfall)."""
    fw = book.framework
    plans = criterion_plans(book)
    current = {c: p.current for c, p in plans.items()}
    now = school_level(fw, current)
    if fw.level_rule is None or now >= fw.level_rule.top:
        return []
    g = gap(fw, current, now + 1)
    missing = [c for c in g.required if not plans[c].items]
    planned_candidates = sum(1 for c in g.candidates if plans[c].items)
    if g.choose and planned_candidates < g.choose:
        missing.append(f"{g.choose - planned_candidates} trong các tiêu chí {', '.join(g.candidates)}")
    return missing


@rule("LV03")
def blocking_left_out(ctx: Context) -> Iterator[Finding]:
    """Only for a school that aims higher (some target above its current level): then every criterion that
    keeps it below the next level should have an item, or the goal cannot be reached."""
    book = ctx.book
    if not _assessed(book):
        return
    plans = criterion_plans(book)
    if not any(p.target is not None and p.target > (p.current or 0) for p in plans.values()):
        return
    fw = book.framework
    missing = _unplanned_blockers(book)
    current = {c: p.current for c, p in plans.items()}
    now = school_level(fw, current)
    if not missing or fw.level_rule is None:
        return
    g = gap(fw, current, now + 1)
    first = next((c for c in g.required + g.candidates if not plans[c].items), None)
    entry = book.levels.get(first) if first else None
    cell = entry.current.cell if entry else None
    codes = list(g.required) + ([f"{g.choose} trong {', '.join(g.candidates)}"] if g.choose else [])
    yield make_finding("LV03", cell.sheet if cell else config().sheets["levels"], cell.a1 if cell else None,
                       school=level_name(fw, now), next=level_name(fw, now + 1), codes=_names(codes),
                       missing=_names(missing))


def _sheet_of(book: PlanBook, code: str) -> str:
    crit = book.framework.criterion(code)
    if crit is None:
        return ""
    name = next((s.name for s in book.layout.sheets if s.standard == crit.standard), "")
    return name

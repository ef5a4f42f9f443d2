"""What a report says, as plain facts computed from the model: counts, groups, lists.

A report looks at the plan at one review (2018: the results; TT57: cuối học kỳ I or cuối năm học) and
at one date. `at_review` gives a view of the workbook as it stood at that review and date, so that
`summarize` and `is_overdue` — the code the checks use — give the report its figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from xlbridge.core.progress import is_overdue, tracks_status
from xlbridge.core.summary import NO_STATUS, Counts, Summary, summarize
from xlbridge.core.vntext import fold
from xlbridge.data.forms import Review
from xlbridge.data.vocab import Phase, Status, vocab
from xlbridge.model import Item, PlanBook, ReviewResult
from xlbridge.report import vn_format
from xlbridge.report.reasons import Cause, cause_part, causes, classify, is_next_step
from xlbridge.report.similar import clusters
from xlbridge.report.wording import is_achievement, is_status_sentence, strength, wording

TOTAL = "Tổng cộng"


def at_review(book: PlanBook, review: Review | None, when: date, phase: Phase | None) -> PlanBook:
    """The workbook as it stood at `review` (later reviews ignored), judged on `when` in `phase`."""
    items = book.items
    if review is not None:
        ids = [r.id for r in book.layout.reviews]
        keep = ids.index(review.id) + 1
        items = [dataclasses.replace(it, results=it.results[:keep]) for it in book.items]
    info = dataclasses.replace(book.info, report_date=when, phase=phase or book.info.phase)
    return dataclasses.replace(book, items=items, info=info)


def _role_text(result: ReviewResult | None, item: Item, role: str) -> str:
    if result is None:
        return ""
    return next((v.text for k, v in result.values.items() if item.columns[k].role == role and v.text), "")


@dataclass(eq=False)
class ItemFact:
    """One plan item at the report's review and date."""
    item: Item
    code: str | None
    standard: int
    content: str
    status: Status | None
    result: str
    reason: str
    overdue: bool
    not_yet_due: bool
    budget: int
    cause: Cause | None = None

    @property
    def tieu_chi(self) -> str:
        """"tiêu chí 1.2", "tiêu chí 3 (Mức 4)", or "" when the row names no criterion."""
        return vn_format.criteria([self.code]) if self.code else ""

    @property
    def trang_thai(self) -> str:
        return self.status.name.lower() if self.status else NO_STATUS.lower()

    @property
    def han(self) -> date | None:
        p = self.item.period
        return p.end if p is not None and p.ok else None

    @property
    def thoi_gian(self) -> str:
        return self.item.text("period")

    @property
    def phu_trach(self) -> str:
        return self.item.text("person")

    @property
    def muc_tieu(self) -> str:
        return self.item.text("target")

    @property
    def chi_so(self) -> str:
        return self.item.text("indicator")

    @property
    def dang_lam(self) -> bool:
        """Under way and not late: to be finished, not started anew (in progress, not overdue)."""
        s = self.status
        return s is not None and s.started and s.open and not s.done and not s.acknowledges_delay and not self.overdue

    @property
    def nguyen_nhan(self) -> str:
        """The cause the reason gives ("… do chưa có phòng" → "chưa có phòng"), for one-line summaries."""
        return cause_part(self.reason) if self.reason else ""

    @property
    def minh_chung(self) -> str:
        source = self.item.latest or (self.item.results[-1] if self.item.results else None)
        return _role_text(source, self.item, "evidence")

    @property
    def hanh_dong(self) -> str:
        """What to do next year: the (adjusted) content; the plan's own text when that cell states a status."""
        if is_status_sentence(self.content):
            return self.item.text("content") or self.item.text("target") or self.content
        return self.content


@dataclass
class Count:
    ten: str      # status name, lower case ("hoàn thành")
    so: int


@dataclass
class StandardFact:
    """One row of the summary (a standard sheet, or the total) with its items."""
    number: int | None              # 0 = Mức 4, None = total
    sheet: str
    label: str                      # "Tiêu chuẩn 1", "Mức 4", "Tổng cộng"
    title: str
    figures: Counts                 # the summary's row: the same figures as the "Tổng hợp" sheet
    items: list[ItemFact] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.figures.items

    @property
    def no_status(self) -> int:
        return self.figures.no_status

    @property
    def ten_day_du(self) -> str:
        """"Tiêu chuẩn 1 (Tổ chức và quản lý nhà trường)", "Mức 4"."""
        return f"{self.label} ({self.title})" if self.title else self.label

    @property
    def dem(self) -> list[Count]:
        """Non-zero counts per status, in vocabulary order, then items without status."""
        out = [Count(name.lower(), k) for name, k in self.figures.statuses.items() if k]
        if self.figures.no_status:
            out.append(Count(NO_STATUS.lower(), self.figures.no_status))
        return out

    @property
    def dem_chua_xong(self) -> list[Count]:
        """`dem` without the done statuses: what is still open, late, not started, cancelled, not updated."""
        done = {st.name.lower() for st in vocab().statuses if st.done}
        return [c for c in self.dem if c.ten not in done]

    @property
    def so_chua_xong(self) -> int:
        return sum(c.so for c in self.dem_chua_xong)

    @property
    def so_khong_thuc_hien(self) -> int:
        """Items whose status is closed without being done (Không thực hiện): not counted in the rate."""
        closed = {st.name.lower() for st in vocab().statuses if not st.open and not st.done}
        return sum(c.so for c in self.dem if c.ten in closed)

    @property
    def so_hoan_thanh(self) -> int:
        return self.figures.done

    @property
    def ti_le(self) -> float | None:
        return self.figures.completion

    @property
    def kinh_phi(self) -> int:
        return self.figures.budget

    @property
    def qua_han(self) -> int:
        return self.figures.overdue

    @property
    def ma_tieu_chi(self) -> list[str]:
        return [f.code for f in self.items if f.code]


@dataclass
class Group:
    """Items under one heading: a standard, or a cause."""
    items: list[ItemFact]
    tieu_chuan: StandardFact | None = None
    nguyen_nhan: Cause | None = None
    own_words: list[str] = field(default_factory=list)   # alike reasons merged into this category: quoted first
    worded: set[int] = field(default_factory=set)        # ids of the items those words stand for

    @property
    def noi_dung(self) -> list[ItemFact]:
        return self.items

    @property
    def ma_tieu_chi(self) -> list[str]:
        return [f.code for f in self.items if f.code]

    @property
    def ly_do(self) -> list[str]:
        """The causes the items' reasons give, each once, at most `reasons_quoted` (the rest are in the Phụ lục)."""
        seen: dict[str, str] = {fold(w): w for w in self.own_words}
        for f in self.items:
            if f.reason and f.nguyen_nhan and id(f) not in self.worded:
                seen.setdefault(fold(f.nguyen_nhan), f.nguyen_nhan)
        return list(seen.values())[:wording().reasons_quoted]


def _not_yet_due(item: Item, when: date) -> bool:
    """Not started, and its period starts after `when`: not a shortcoming at this date."""
    status = item.status
    if status is not None and status.started:
        return False
    span = item.period.span if item.period is not None else None
    return span is not None and span[0] > when


def item_fact(item: Item, book: PlanBook, when: date) -> ItemFact:
    source = item.latest or (item.results[-1] if item.results else None)
    return ItemFact(item, item.criterion, item.standard, item.content, item.status,
                    _role_text(source, item, "result"), _role_text(source, item, "reason"),
                    is_overdue(item, when, book.phase_order), _not_yet_due(item, when),
                    item.budget.amount if item.budget and item.budget.amount else 0)


def standard_facts(book: PlanBook, summary: Summary, facts: list[ItemFact]) -> list[StandardFact]:
    """One StandardFact per summary row (standard sheets, then the total)."""
    out = []
    for row in summary.all_rows():
        sheet = book.layout.sheet(row.sheet) if row.sheet is not None else None
        std = book.framework.standard(row.standard) if row.standard else None
        mine = facts if sheet is None else [f for f in facts if f.item.sheet == row.sheet]
        out.append(StandardFact(row.standard, row.sheet or TOTAL, row.sheet or TOTAL, std.title if std else "",
                                row.counts, mine))
    return out


def by_standard(facts: Iterable[ItemFact], standards: list[StandardFact]) -> list[Group]:
    """Items grouped under their standard, in sheet order; standards without items left out."""
    facts = list(facts)
    groups = []
    for std in standards:
        if std.number is None:
            continue
        mine = [f for f in facts if f.item.sheet == std.sheet]
        if mine:
            groups.append(Group(mine, tieu_chuan=std))
    return groups


def _alike_groups(facts: list[ItemFact]) -> tuple[list[Group], list[ItemFact]]:
    """Items whose reasons name the same cause, grouped under the school's own words (the shortest of
    their reasons); the others, in their order, for the keyword categories."""
    with_reason = [f for f in facts if f.reason.strip() and classify(f.reason).limitation]
    groups: list[Group] = []
    grouped: set[int] = set()
    for members in (m for m in clusters([cause_part(f.reason) for f in with_reason]) if len(m) > 1):
        mine = [with_reason[i] for i in members]
        label = min((cause_part(f.reason) for f in mine), key=len)
        cause = Cause(f"ly-do-{len(groups) + 1}", vn_format.upper_first(label), True, typed=True)
        for f in mine:
            f.cause = cause
        groups.append(Group(mine, nguyen_nhan=cause))
        grouped |= {id(f) for f in mine}
    return groups, [f for f in facts if id(f) not in grouped]


def by_cause(facts: Iterable[ItemFact]) -> tuple[list[Group], list[ItemFact]]:
    """(shortcomings grouped by cause: alike reasons first, then the data file's categories in order;
    items whose cause is "not yet due")."""
    facts = list(facts)
    step = causes().next_step
    steps = [f for f in facts if step is not None and is_next_step(f.reason)]
    stepped = {id(f) for f in steps}
    facts = [f for f in facts if id(f) not in stepped]
    order = {id(f): i for i, f in enumerate(facts)}
    alike, rest = _alike_groups(facts)
    buckets: dict[str, list[ItemFact]] = {}
    for f in rest:
        f.cause = classify(f.reason)
        buckets.setdefault(f.cause.key, []).append(f)
    groups = []
    own: dict[str, list[str]] = {}
    worded: set[int] = set()
    for g in alike:          # alike reasons of a category that also has other items: one bullet, not two
        label = g.nguyen_nhan.label if g.nguyen_nhan else ""
        category = classify(label)
        if category.limitation and category.key in buckets and category.key != causes().other.key:
            for f in g.items:
                f.cause = category
            buckets[category.key] = sorted(g.items + buckets[category.key], key=lambda f: order[id(f)])
            own.setdefault(category.key, []).append(label)
            worded |= {id(f) for f in g.items}
        else:
            groups.append(g)
    apart = []
    for cause in causes().all():
        mine = buckets.get(cause.key, [])
        if not mine:
            continue
        if cause.limitation:
            words = [vn_format.lower_first(w) for w in own.get(cause.key, [])]
            groups.append(Group(mine, nguyen_nhan=cause, own_words=words, worded=worded))
        else:
            apart += mine
    if steps and step is not None:          # reasons that say what comes next: last, told apart from the causes
        for f in steps:
            f.cause = step
        groups.append(Group(steps, nguyen_nhan=step))
    return groups, apart


def highlights(done: list[ItemFact]) -> list[ItemFact]:
    """The strongest results of finished items (figures, evidence), at most `highlights` of them, in plan order."""
    quotable = [f for f in done if is_achievement(f.result)]
    best = sorted(quotable, key=lambda f: -strength(f.result, f.minh_chung))[:wording().highlights]
    return [f for f in quotable if f in best]


def under_way(facts: list[ItemFact]) -> list[ItemFact]:
    """Started, not finished, still open."""
    return [f for f in facts if f.status is not None and f.status.started and not f.status.done and f.status.open]


def early_results(facts: list[ItemFact]) -> list[ItemFact]:
    """Under way, with a result that reports something done (not a plan, not "chưa…")."""
    return [f for f in under_way(facts) if is_achievement(f.result)]


@dataclass
class Facts:
    """Everything the templates count and list, for one review and date."""
    book: PlanBook                  # the view at the review
    summary: Summary
    when: date
    tracks_status: bool
    items: list[ItemFact]
    standards: list[StandardFact]   # summary rows without the total
    total: StandardFact
    done: list[Group]               # completed items by standard
    progress: list[ItemFact]        # started, not done, with a result so far
    under_way: list[ItemFact]       # started, not done, still open (with a result so far or not)
    shortcomings: list[Group]       # late / not started / cancelled / with a reason, by cause
    not_yet_due: list[ItemFact]
    overdue: list[ItemFact]
    carry_over: list[Group]         # still open: to carry into the rest of the year or next year
    cancelled: list[ItemFact]
    no_status: list[ItemFact]
    with_results: list[ItemFact]    # a result that reports something done (forms without a status column)
    highlights: list[ItemFact] = field(default_factory=list)   # strongest results of finished items


def _is_shortcoming(f: ItemFact) -> bool:
    s = f.status
    if f.not_yet_due:
        return False          # reported apart: not due yet at the report date
    if s is None:
        return f.overdue
    if s.done:
        return False
    return f.overdue or s.acknowledges_delay or not s.open or bool(f.reason)


def _tracks(view: PlanBook) -> bool:
    """The workbook follows statuses: some item has one, or (empty workbook) its form has the column."""
    if any(tracks_status(it) for it in view.items):
        return True
    return not view.items and any(c.role == "status" for c in view.layout.form_columns())


def _is(f: ItemFact, what: str) -> bool:
    """One status test by name: "done", "cancelled" (closed, not done), "open" (or no status)."""
    s = f.status
    if what == "open":
        return s is None or s.open
    if s is None:
        return False
    return s.done if what == "done" else s.cancelled


def _shortcomings(facts: list[ItemFact]) -> tuple[list[Group], list[ItemFact]]:
    """(shortcomings by cause, items not due yet or whose reason says so): the latter reported apart."""
    groups, apart_by_reason = by_cause(f for f in facts if _is_shortcoming(f))
    apart = [f for f in facts if f.not_yet_due or f in apart_by_reason]
    for f in apart:
        f.cause = f.cause or classify(f.reason)
    return groups, apart


def collect(view: PlanBook, when: date) -> Facts:
    """The report's facts at `when`; every count comes from the summary (`summarize`), the checks' own."""
    summary = summarize(view, when)
    facts = [item_fact(it, view, when) for it in view.items]
    rows = standard_facts(view, summary, facts)
    tracked = _tracks(view)
    done = [f for f in facts if _is(f, "done")]
    shortcomings, apart = _shortcomings(facts)
    return Facts(
        book=view, summary=summary, when=when, tracks_status=tracked, items=facts, standards=rows[:-1], total=rows[-1],
        done=by_standard(done, rows[:-1]), progress=early_results(facts), under_way=under_way(facts),
        shortcomings=shortcomings, not_yet_due=apart,
        overdue=[f for f in facts if f.overdue],
        carry_over=by_standard([f for f in facts if _is(f, "open")] if tracked else [], rows[:-1]),
        cancelled=[f for f in facts if _is(f, "cancelled")],
        no_status=[f for f in facts if f.status is None] if tracked else [],
        with_results=[f for f in facts if is_achievement(f.result)], highlights=highlights(done))

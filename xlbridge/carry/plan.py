"""Next year's plan from this year's workbook — pure: a `PlanBook` in, fill data and questions out.

Every item still open at its latest review (vocab `open`: Đang thực hiện, Chậm tiến độ, Chưa triển
khai) reappears under its criterion in the next year's template, with its adjusted content where there
is one, and a note saying where it comes from and why it was not finished. kdcl never guesses silently:
a criterion mapping that is not one-to-one, or a period fixed in last year's calendar, becomes a
question on the "Mang sang" sheet, reported by `kdcl kiem-tra` (MS01) until the user confirms it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from xlbridge.carry.crosswalk import Crosswalk, Mapping, get_crosswalk
from xlbridge.core.carried import ReviewRow
from xlbridge.core.periods import Period, SchoolYear, parse_period
from xlbridge.core.vntext import fold
from xlbridge.data.carry_texts import CarryTexts, carry_texts, fill
from xlbridge.data.catalog import Criterion, Framework, choose_framework
from xlbridge.data.forms import Column, Form, get_form, info_form
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.layout import Layout, build_layout, column_letter, config
from xlbridge.model import Item, PlanBook, Value

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
MONEY_ROLES = ("money", "resources")


@dataclass(frozen=True)
class Question:
    kind: str                  # "mapping" | "period" | "unrated" | "group"
    text: str
    column: str | None = None  # the destination column the question is about


@dataclass
class CarriedItem:
    source: Item
    criterion: str                                   # code in the new framework
    values: dict[str, object]                        # destination column key → value to type
    previous: str                                    # last year's facts, for the "Mang sang" list
    questions: list[Question] = field(default_factory=list)

    @property
    def focus(self) -> str | None:
        """The column the user should look at first: the one the first question is about."""
        return next((q.column for q in self.questions if q.column), None)


@dataclass
class NextYear:
    old_year: SchoolYear
    new_year: SchoolYear
    source: Framework
    target: Framework
    layout: Layout                  # the new workbook's layout, with the rows the items need
    plan_form: str | None           # a province variant kept from last year, else None (the framework's own)
    cap_hoc: str
    info: dict[str, object]
    lists: dict[str, list[dict]]
    items: list[CarriedItem]
    group_questions: dict[int, Question]            # index in the "nhóm công tác" list → question
    skipped: Counter                                # why items stayed behind: status name or "no-status"
    rows: dict[str, int]                            # row counts for the template (workbook.yaml rows)
    levels: dict[str, dict[str, str]] = field(default_factory=dict)   # next year's «Mức hiện tại»

    def fill_data(self) -> dict:
        """The data `xlbridge.io.filler.fill_workbook` types into the new template."""
        return {"info": self.info, "lists": self.lists, "levels": self.levels,
                "items": [{"criterion": it.criterion, "values": it.values} for it in self.items]}


# ---------------------------------------------------------------- values


def _typed(v: Value) -> object:
    """What a user would type again: text for text, the number or date itself otherwise."""
    return v.text if isinstance(v.raw, str) else v.raw


def _why(item: Item, t: CarryTexts) -> str:
    """Why the item is not finished: the latest review's reason, else its result so far."""
    latest = item.latest
    if latest is None:
        return ""
    form_cols = item.columns
    texts = {form_cols[k].role: v.text for k, v in latest.values.items() if v.text and form_cols[k].role in ("reason", "result")}
    text = texts.get("reason") or texts.get("result") or ""
    return fill(t.why, text=text) if text and not vocab().is_placeholder(text) else ""


def shift_years(text: str, years: int) -> str:
    """Every four-digit year in `text` moved by `years` ("Tháng 10/2024" → "Tháng 10/2025")."""
    return YEAR.sub(lambda m: str(int(m[1]) + years), text)


def carry_period(text: str, period: Period | None, old: SchoolYear, new: SchoolYear,
                 t: CarryTexts) -> tuple[str, str | None]:
    """The period to write next year, and a question when kdcl had to change it.

    Relative periods ("Học kỳ I", "Trong năm học", "Tháng 10") now mean the new year: kept as they
    are. Dated periods that end before the new year are moved by the number of years between the two
    plans and marked; dated periods still running into the new year are kept.
    """
    if not text or period is None or period.empty or period.kind == "khong-ro" or period.relative:
        return text, None
    if period.end is not None and period.end >= new.start:
        return text, None
    shifted = shift_years(text, new.start_year - old.start_year)
    moved = parse_period(shifted, new)
    if shifted != text and moved.ok and moved.end is not None and moved.end >= new.start:
        return shifted, fill(t.questions["period"], old=text, new=shifted)
    return text, fill(t.questions["period_unknown"], old=text, year=str(new))


def _dest_column(col: Column, dest: list[Column]) -> Column | None:
    """Where a column of last year's table goes in the new table: same key, else same role
    (money ↔ resources), free-text columns only by the same header."""
    same = next((d for d in dest if d.key == col.key and d.role == col.role), None)
    if same is not None:
        return same
    if col.role == "text":
        return next((d for d in dest if d.role == "text" and fold(d.header) == fold(col.header)), None)
    by_role = next((d for d in dest if d.role == col.role), None)
    if by_role is None and col.role in MONEY_ROLES:
        other = MONEY_ROLES[1 - MONEY_ROLES.index(col.role)]
        by_role = next((d for d in dest if d.role == other), None)
    return by_role


# ---------------------------------------------------------------- items


@dataclass
class _Context:
    book: PlanBook
    old_year: SchoolYear
    new_year: SchoolYear
    target: Framework
    form: Form
    crosswalk: Crosswalk
    texts: CarryTexts


def _mapping_question(ctx: _Context, item: Item, mapping: Mapping) -> Question | None:
    if not ctx.crosswalk.needs_confirmation(mapping):
        return None
    q = ctx.texts.questions
    crit_col = next((c for c in ctx.form.plan_columns() if c.role == "criterion"), None)
    change = fill(q["change_column"], column=crit_col.header) if crit_col else q["change_row"]
    code = mapping.best.code
    old = ctx.book.framework.criterion(item.criterion) if item.criterion else None
    label = f"{old.label}" if old else item.criterion
    if len(mapping.targets) > 1:
        choices = ", ".join(f"{tg.code} ({_title(ctx.target.criterion(tg.code))})" for tg in mapping.targets)
        text = fill(q["mapping_many"], old=label, old_circular=ctx.book.framework.short, choices=choices, code=code,
                    change=change)
    else:
        text = fill(q["mapping_one"], old=label, old_circular=ctx.book.framework.short, code=code,
                    title=_title(ctx.target.criterion(code)), change=change)
    return Question("mapping", text, crit_col.key if crit_col else None)


def _title(crit: Criterion | None) -> str:
    return crit.title if crit else "…"


def _previous(ctx: _Context, item: Item) -> str:
    old = ctx.book.framework.criterion(item.criterion or "")
    status = item.status.name if item.status else ctx.texts.no_status
    return fill(ctx.texts.previous, label=old.label if old else (item.criterion or "…"),
                circular=ctx.book.framework.short, status=status, why=_why(item, ctx.texts))


def _carry_cell(ctx: _Context, item: Item, col: Column, v: Value) -> tuple[object, str | None, str | None]:
    """(value for next year's cell, text kept aside as a note, question about it) for one plan cell."""
    t = ctx.texts
    if col.role == "content":
        adjusted = fill(t.adjusted, text=v.text) if fold(item.content) != fold(v.text) else None
        return item.content, adjusted, None
    if col.role == "period":
        text, question = carry_period(v.text, item.period, ctx.old_year, ctx.new_year, t)
        return text, None, question
    return _typed(v), None, None


def _carry_values(ctx: _Context, item: Item, dest: list[Column]) -> tuple[dict[str, object], list[str], list[Question]]:
    """The item's plan cells in next year's columns; what has no column there is kept as text (leftovers)."""
    values: dict[str, object] = {}
    leftovers: list[str] = []
    questions: list[Question] = []
    for key, col in item.columns.items():
        v = item.values[key]
        if col.review is not None or col.role == "criterion" or v.empty or v.formula or v.error:
            continue
        target = _dest_column(col, dest)
        if target is None or target.key in values:
            leftovers.append(fill(ctx.texts.unmapped, header=col.header, text=v.text))
            continue
        values[target.key], aside, question = _carry_cell(ctx, item, col, v)
        if aside:
            leftovers.append(aside)
        if question:
            questions.append(Question("period", question, target.key))
    content_col = next((c for c in dest if c.role == "content"), None)
    if content_col is not None and content_col.key not in values and item.content:
        values[content_col.key] = item.content            # adjusted content of an item whose plan cell was empty
    return values, leftovers, questions


def _unrated(ctx: _Context, item: Item, content_col: Column | None) -> list[Question]:
    """An item that was never rated is carried, but someone must say whether it is still to do."""
    if item.status is not None:
        return []
    return [Question("unrated", fill(ctx.texts.questions["unrated"], sheet=item.sheet), content_col.key if content_col else None)]


def _carry_item(ctx: _Context, item: Item, mapping: Mapping) -> CarriedItem:
    t = ctx.texts
    dest = [c for c in ctx.form.plan_columns() if c.role != "criterion"]
    values, leftovers, cell_questions = _carry_values(ctx, item, dest)
    content_col = next((c for c in dest if c.role == "content"), None)
    mq = _mapping_question(ctx, item, mapping)
    questions = ([mq] if mq is not None else []) + cell_questions + _unrated(ctx, item, content_col)
    status = item.status.name if item.status else t.no_status
    note = fill(t.note, old=str(ctx.old_year), status=status, why=_why(item, t))
    previous = _previous(ctx, item)
    note_col = next((c for c in dest if c.role == "note"), None)
    if note_col is not None:
        old_note = values.get(note_col.key)
        values[note_col.key] = "\n".join(str(x) for x in (note, old_note, *leftovers) if x)
    elif leftovers:
        previous = "\n".join([previous, *leftovers])
    return CarriedItem(item, mapping.best.code, values, previous, questions)


# ---------------------------------------------------------------- info


def _info(ctx: _Context, cap_hoc: str) -> dict[str, object]:
    info: dict[str, object] = {k: ctx.book.info.text(k) for k in ctx.texts.info_fields if ctx.book.info.text(k)}
    info.update(cap_hoc=cap_hoc, nam_hoc=str(ctx.new_year), giai_doan=vocab().phases[0].name)
    return info


def _lists(ctx: _Context) -> tuple[dict[str, list[dict]], dict[int, Question]]:
    book, t = ctx.book, ctx.texts
    lists: dict[str, list[dict]] = {}
    questions: dict[int, Question] = {}
    for key in t.lists:
        entries = [{k: _typed(v) for k, v in e.items() if not v.empty and not v.formula} for e in book.info.lists.get(key, [])]
        if key != "nhom_cong_tac":
            lists[key] = entries
            continue
        by_standard = {}
        for e in book.info.lists.get(key, []):
            number = re.search(r"\d+", e["tieu_chuan"].text) if "tieu_chuan" in e else None
            if number:
                by_standard[int(number[0])] = {k: _typed(v) for k, v in e.items()
                                               if k != "tieu_chuan" and not v.empty and not v.formula}
        sources = ctx.crosswalk.standard_sources(book.framework, ctx.target)
        groups = []
        for i, std in enumerate(ctx.target.standards):
            old = sources.get(std.number)
            entry = by_standard.get(old, {}) if old is not None else {}
            groups.append(entry)
            if entry and not ctx.crosswalk.identity:
                previous = book.framework.standard(old) if old is not None else None
                title = previous.title if previous else "…"
                questions[i] = Question("group", fill(t.questions["group"], new=std.number, old=old, title=title))
        lists[key] = groups
    return lists, questions


# ---------------------------------------------------------------- capacity


def _rows(items: list[CarriedItem], target: Framework) -> dict[str, int]:
    """Enough input rows for the carried items: per criterion (2018 layout) or per standard (TT57)."""
    rows = config().rows
    if target.layout == "theo-tieu-chi":
        need = max(Counter(it.criterion for it in items).values(), default=0)
        return {"per_criterion": need} if need > rows["per_criterion"] else {}
    per_std = Counter(crit.standard for crit in map(target.criterion, (it.criterion for it in items)) if crit is not None)
    need = max(per_std.values(), default=0)
    return {"plan_per_standard": need} if need > rows["plan_per_standard"] else {}


# ---------------------------------------------------------------- entry point


def plan_next_year(book: PlanBook, new_year: SchoolYear | None = None, thong_tu: str | None = None,
                   include_unrated: bool = False) -> NextYear:
    """Next year's plan data: the open items carried (mapped to the new framework), school information,
    working groups; items done, cancelled or (unless `include_unrated`) without a status stay behind."""
    old_year = book.info.school_year or SchoolYear.parse(book.meta.nam_hoc)
    if old_year is None:
        raise KdclError(kind="nam-sau-thieu-nam-hoc", so=book.source)
    new_year = new_year or SchoolYear(old_year.start_year + 1)
    if new_year.start_year <= old_year.start_year:
        raise KdclError(kind="nam-hoc-moi", new=new_year, old=old_year)
    cap_hoc = book.info.cap_hoc or vocab().cap_hoc_name(book.meta.cap_hoc) or book.meta.cap_hoc
    if not cap_hoc:
        raise KdclError(kind="nam-sau-thieu-cap-hoc", so=book.source)
    target = choose_framework(cap_hoc, new_year.start_year, thong_tu)
    crosswalk = get_crosswalk(book.framework, target)
    variant = book.layout.plan_form.id if target.id == book.framework.id and book.layout.plan_form.id != target.forms["plan"] \
        else None
    form = get_form(variant or target.forms["plan"])
    ctx = _Context(book, old_year, new_year, target, form, crosswalk, carry_texts())
    items: list[CarriedItem] = []
    skipped: Counter = Counter()
    for item in book.items:
        status = item.status
        if status is None and not include_unrated:
            skipped["no-status"] += 1
            continue
        if status is not None and not status.open:
            skipped[status.name] += 1
            continue
        mapping = crosswalk.get(item.criterion) if item.criterion else None
        if mapping is None or target.criterion(mapping.best.code) is None:
            skipped["no-criterion"] += 1
            continue
        items.append(_carry_item(ctx, item, mapping))
    lists, group_questions = _lists(ctx)
    rows = _rows(items, target)
    layout = build_layout(target, variant, rows or None)
    return NextYear(old_year, new_year, book.framework, target, layout, variant, cap_hoc, _info(ctx, cap_hoc), lists,
                    items, group_questions, skipped, rows, carried_levels(book, target))


def carried_levels(book: PlanBook, target: Framework) -> dict[str, dict[str, str]]:
    """The levels the year reached (a criterion at its target where all its items were completed) become next
    year's «Mức hiện tại» — within one framework only: levels of another circular measure other requirements."""
    from xlbridge.core.levels import achieved_levels, choices
    from xlbridge.core.school_level import criterion_plans
    if target.id != book.framework.id or book.framework.level_rule is None or not book.levels:
        return {}
    reached = achieved_levels(criterion_plans(book))
    level4 = tuple(config().labels["levels_level4"])
    out = {}
    for crit in target.criteria():
        level = reached.get(crit.code)
        if level is not None:
            out[crit.code] = {"current": choices(target, crit, level4)[level]}
    return out


# ---------------------------------------------------------------- the "Mang sang" list


def review_rows(plan: NextYear, placements: list[tuple[str, int]]) -> list[ReviewRow]:
    """The list rows once the items are typed in: `placements` = (sheet, row) of each item, in order."""
    layout = plan.layout
    rows = []
    for it, (sheet, row) in zip(plan.items, placements, strict=True):
        placed = layout.sheet(sheet)
        table = placed.table("plan") if placed else None
        content = next((c.key for c in plan.layout.plan_form.plan_columns() if c.role == "content"), None)
        key = it.focus or content
        cell = f"{table.by_key(key).letter}{row}" if key and table else f"A{row}"
        rows.append(ReviewRow(sheet, cell, it.criterion, str(it.values.get(content, "")) if content else "",
                              it.previous, "\n".join(q.text for q in it.questions)))
    info = layout.info
    if plan.group_questions:
        first = info.list_rows["nhom_cong_tac"][2]
        lst = next(x for x in info_form().lists if x.key == "nhom_cong_tac")
        col = column_letter(2 + next(j for j, (key, *_r) in enumerate(lst.columns) if key == "nhom"))
        for i, q in sorted(plan.group_questions.items()):
            entry = plan.lists["nhom_cong_tac"][i]
            rows.append(ReviewRow(info.sheet, f"{col}{first + i}", plan.target.standards[i].label,
                                  str(entry.get("nhom") or entry.get("truong_nhom") or ""), "", q.text))
    return rows

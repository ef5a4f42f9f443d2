"""The plan/result model: what a filled workbook says, independent of Excel.

Readers build it from cell values; rules, summaries and narratives read it. Every value keeps its
cell so that a finding can name the sheet and cell to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from xlbridge.core.money import Money
from xlbridge.core.periods import Period, SchoolYear
from xlbridge.data.catalog import Framework
from xlbridge.data.forms import Column, Form, Review
from xlbridge.data.vocab import Phase, Status
from xlbridge.layout import Layout, column_letter


# CellRef and Value are never changed after reading, but are not `frozen`: a frozen dataclass sets each field
# through object.__setattr__, four times the cost of a plain slotted one, and a district's run makes millions.
@dataclass(slots=True, unsafe_hash=True)
class CellRef:
    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


@dataclass(slots=True, unsafe_hash=True)
class Value:
    """One input cell: the raw value as read, its text form, and flags the rules need."""
    cell: CellRef
    raw: object
    text: str                 # stripped text ("" when empty); numbers/dates rendered Vietnamese-style
    formula: bool = False     # the cell holds a formula (read as text starting with "=")
    error: str | None = None  # an Excel error value such as "#NAME?"

    @property
    def empty(self) -> bool:
        return self.text == "" and not self.formula and self.error is None


@dataclass
class ReviewResult:
    """The follow-up of one item at one review (2018: the results; TT57: cuối HK I, cuối năm)."""
    review: Review
    values: dict[str, Value]
    status: Status | None = None

    def by_role(self, role: str, form: Form) -> list[Value]:
        return [self.values[c.key] for c in form.by_role(role, self.review.id) if c.key in self.values]

    @property
    def filled(self) -> bool:
        return any(not v.empty for v in self.values.values())


@dataclass
class Item:
    """A plan item (nội dung kế hoạch cải tiến): one input row of a plan table."""
    sheet: str
    row: int
    standard: int                     # 0 for Mức 4
    criterion: str | None             # code, "M4.n" for Mức 4; None when not given
    values: dict[str, Value]
    columns: dict[str, Column]
    period: Period | None = None
    budget: Money | None = None
    results: list[ReviewResult] = field(default_factory=list)

    def by_role(self, role: str) -> list[Value]:
        return [self.values[k] for k in self._plan_roles.get(role, ()) if k in self.values]

    @cached_property
    def _plan_roles(self) -> dict[str, list[str]]:
        """Keys of the plan columns (no review) by role, in column order: asked several times per item by the rules."""
        roles: dict[str, list[str]] = {}
        for k, c in self.columns.items():
            if c.review is None:
                roles.setdefault(c.role, []).append(k)
        return roles

    @cached_property
    def planned(self) -> bool:
        """A plan cell (not a review's, not the criterion code) holds something: asked by several rules per item."""
        return any(not v.empty for k, v in self.values.items()
                   if self.columns[k].review is None and self.columns[k].role != "criterion")

    def first(self, role: str) -> Value | None:
        found = self.by_role(role)
        return found[0] if found else None

    def text(self, role: str) -> str:
        v = self.first(role)
        return v.text if v else ""

    def status_value(self, result: ReviewResult) -> Value | None:
        """The status cell of one of the item's reviews (None when its table has no status column)."""
        return next((v for k, v in result.values.items() if self.columns[k].role == "status"), None)

    def typed_status(self, result: ReviewResult) -> str:
        """The status as typed at that review ("Cơ bản hoàn thành"), spaces tidied; "" when none."""
        v = self.status_value(result)
        return " ".join(v.text.split()) if v is not None else ""

    @property
    def latest(self) -> ReviewResult | None:
        """The most recent review that has a status: what the item's status is now."""
        with_status = [r for r in self.results if r.status is not None]
        return with_status[-1] if with_status else None

    @property
    def status(self) -> Status | None:
        latest = self.latest
        return latest.status if latest else None

    @property
    def content(self) -> str:
        """The item's content as the plan states it (adjusted content where there is one)."""
        for r in reversed(self.results):
            for k, v in r.values.items():
                if self.columns[k].role == "adjusted" and v.text:
                    return v.text
        return self.text("content") or self.text("target") or self.text("text")


@dataclass
class Issue:
    """A priority issue (vấn đề trọng tâm, TT57 Biểu 2 mục IV)."""
    sheet: str
    row: int
    standard: int
    values: dict[str, Value]


@dataclass
class Info:
    """The "Thông tin" sheet: school, year, phase, report date, lists."""
    values: dict[str, Value]
    lists: dict[str, list[dict[str, Value]]]
    # rows of a list's locked labels as found (e.g. "Tiêu chuẩn 2" → 34), for findings about empty rows
    label_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    school_year: SchoolYear | None = None
    phase: Phase | None = None
    report_date: date | None = None
    cap_hoc: str | None = None
    loai_hinh: str | None = None      # công lập / dân lập / tư thục, as the vocabulary names it

    def text(self, key: str) -> str:
        v = self.values.get(key)
        return v.text if v else ""


@dataclass
class LevelEntry:
    """A criterion's row on "Mức đánh giá": its current level (self-assessment) and its target."""
    code: str
    row: int
    current: Value
    target: Value
    current_level: int | None = None
    target_level: int | None = None


@dataclass(frozen=True)
class Anomaly:
    """Something the reader saw about the workbook's structure; rules turn it into a finding."""
    kind: str            # e.g. "sheet-missing", "criterion-altered", "header-moved"
    sheet: str
    cell: str | None
    detail: dict


@dataclass
class Meta:
    template_id: str
    version: int
    framework_id: str
    plan_form: str
    cap_hoc: str
    nam_hoc: str


@dataclass
class PlanBook:
    """Everything read from one workbook."""
    source: str
    meta: Meta
    framework: Framework
    layout: Layout
    info: Info
    items: list[Item]
    issues: list[Issue]
    cells: list[Value]                 # every input cell that holds something
    anomalies: list[Anomaly]
    sheets_present: list[str]
    levels: dict[str, LevelEntry] = field(default_factory=dict)     # "Mức đánh giá", by criterion code
    extra_sheets: dict[str, list[list[object]]] = field(default_factory=dict)  # sheets the template does not
    #                                             define (e.g. "Mang sang" of a carried plan), values as read

    @property
    def phase_order(self) -> int:
        return self.info.phase.order if self.info.phase else 0

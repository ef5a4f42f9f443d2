"""What the consolidation keeps of one checked workbook: a few small rows, so that memory stays flat.

A worker turns a checked book into an `Outcome` (the school's row, its findings, its totals per
standard and per criterion) and drops the book. The totals follow the definitions of
`xlbridge.core.summary` (tested equal to it on every fixture workbook) without pandas, which would
cost more than reading the workbook; `is_overdue` is the same function, so the district table and
each school's "Tổng hợp" sheet agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from xlbridge.consolidate.reasons import Rejected
from xlbridge.core.findings import Finding
from xlbridge.core.progress import is_overdue
from xlbridge.core.vntext import fold
from xlbridge.data.vocab import vocab
from xlbridge.model import Item, PlanBook

Totals = tuple[int, int, int, int, int]          # items, done, cancelled (không thực hiện), budget, overdue


@dataclass
class Outcome:
    """The result of one input: a school (`school` set) or a refusal (`unreadable` set)."""
    seq: int
    school: dict | None = None                   # keys of the "Danh sách" columns, plus dedup/rank/sort keys
    findings: list[tuple] = field(default_factory=list)      # (sheet, cell, severity label, rule, message, hint)
    standards: list[tuple] = field(default_factory=list)     # (framework, number, sheet, *Totals)
    criteria: list[tuple] = field(default_factory=list)      # (framework, code, *Totals)
    unreadable: dict | None = None


def standard_key(number: int) -> str:
    """Column key of a standard sheet: tc1…tc5, muc4 (Mức 4 is standard 0)."""
    return "muc4" if number == 0 else f"tc{number}"


def school_outcome(entry, book: PlanBook, findings: list[Finding], today: date | None, saved: datetime | None,
                   digest: str) -> Outcome:
    """The rows one readable workbook contributes: its school, findings, totals per standard and per criterion."""
    when = report_date(book, today)
    sheets: dict[str, list[Item]] = {sl.name: [] for sl in book.layout.sheets}
    for it in book.items:
        sheets.setdefault(it.sheet, []).append(it)
    per_sheet = {name: item_totals(items, when, book.phase_order) for name, items in sheets.items()}
    school = _school_row(entry, book, findings, per_sheet, saved or entry.sent or entry.mtime)
    school.update(_keys(school, entry.seq, book, digest))
    rows = [(f.sheet or "", f.cell or "", f.severity_label, f.rule, f.message, f.hint) for f in findings]
    standards = [(book.framework.id, sl.standard, sl.name, *per_sheet[sl.name]) for sl in book.layout.sheets]
    return Outcome(entry.seq, school, rows, standards, _criteria(book, when))


def _school_row(entry, book: PlanBook, findings: list[Finding], per_sheet: dict[str, Totals],
                stamp: datetime | None) -> dict:
    """The "Danh sách" columns: who, which year and phase, how many findings, how far the plan has come."""
    info = book.info
    total = tuple(sum(t[i] for t in per_sheet.values()) for i in range(5))
    errors = sum(f.is_error for f in findings)
    row = {
        "ten_truong": info.text("ten_truong"), "cap_hoc": info.cap_hoc or info.text("cap_hoc"),
        "tinh": info.text("tinh"), "huyen": info.text("huyen"), "nam_hoc": info.text("nam_hoc"),
        "giai_doan": info.phase.name if info.phase and info.text("giai_doan") else info.text("giai_doan"),
        "thong_tu": book.framework.short, "ngay_bao_cao": info.report_date, "ngay_luu": stamp,
        "so_loi": errors, "so_canh_bao": len(findings) - errors,
        "so_noi_dung": total[0], "hoan_thanh": total[1], "ht_chung": completion(*total[:3]),
        "kinh_phi": total[3], "qua_han": total[4],
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
    }
    for sl in book.layout.sheets:
        row[f"ht_{standard_key(sl.standard)}"] = completion(*per_sheet[sl.name][:3])
    row.update(level_columns(book))
    return row


def level_columns(book: PlanBook) -> dict:
    """The school's levels (now, if the plan is completed, at the results so far), chuẩn quốc gia, and what
    keeps it from the next level — empty when the workbook records no levels."""
    from xlbridge.core.outputs import blocking_text
    from xlbridge.core.school_level import book_levels
    levels = book_levels(book)
    if levels is None or not levels.assessed:
        return {}
    return {"muc_hien_tai": levels.current, "muc_ke_hoach": levels.planned, "muc_ket_qua": levels.achieved,
            "chuan_quoc_gia": levels.chuan_quoc_gia, "muc_tiep_theo": levels.next_level,
            "so_tieu_chi_can_nang": levels.gap.size if levels.gap else 0, "tieu_chi_can_tro": blocking_text(levels)}


def _keys(row: dict, seq: int, book: PlanBook, digest: str) -> dict:
    """Which school and year (duplicates share it), how new (the last saved wins), where it sorts."""
    name = fold(row["ten_truong"])
    place = (fold(row["tinh"]), fold(row["huyen"]))
    return {"_dedup": "|".join((name, *place, fold(row["nam_hoc"]))) if name else f"#{digest}",   # no name: same bytes
            "_rank": f"{_iso(row['ngay_luu'])}|{_iso(row['ngay_bao_cao'])}|{seq:09d}",
            "_sort": "|".join((*place, name)), "_framework": book.framework.id}


def unreadable_outcome(entry, exc: Rejected) -> Outcome:
    reason = exc.reason
    return Outcome(entry.seq, unreadable={
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
        "loai": reason.label, "ly_do": exc.detail, "cach_xu_ly": reason.hint, "_kind": exc.kind})


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def report_date(book: PlanBook, today: date | None) -> date:
    """The date deadlines are judged against, as in the summary: the report date, else `today`."""
    return book.info.report_date or today or date.today()


def item_totals(items: list[Item], when: date, phase_order: int) -> Totals:
    """Items, done, cancelled, budget, overdue — with the definitions of `xlbridge.core.summary` (and of the
    "Tổng hợp" sheet's formulas): an item's status is its latest review's; "done" and "cancelled" are the
    first statuses of the vocabulary flagged done, and neither open nor done."""
    done, cancelled = _status_names()
    n_done = sum(1 for it in items if it.status is not None and it.status.name == done)
    n_cancelled = sum(1 for it in items if it.status is not None and it.status.name == cancelled)
    budget = sum(it.budget.amount for it in items if it.budget is not None and it.budget.amount is not None)
    overdue = sum(1 for it in items if is_overdue(it, when, phase_order))
    return len(items), n_done, n_cancelled, int(budget), overdue


def completion(items: int, done: int, cancelled: int) -> float | None:
    """% hoàn thành = Hoàn thành / (items − Không thực hiện); None when there is nothing to complete."""
    base = items - cancelled
    return done / base if base > 0 else None


def _status_names() -> tuple[str, str | None]:
    statuses = vocab().statuses
    return (next(s.name for s in statuses if s.done),
            next((s.name for s in statuses if not s.open and not s.done), None))


def _criteria(book: PlanBook, when: date) -> list[tuple]:
    by_code: dict[str, list[Item]] = defaultdict(list)
    for it in book.items:
        if it.criterion and book.framework.criterion(it.criterion) is not None:
            by_code[it.criterion].append(it)
    return [(book.framework.id, code, *item_totals(items, when, book.phase_order)) for code, items in by_code.items()]

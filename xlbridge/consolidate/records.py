"""What the consolidation keeps of one checked workbook: a few small rows, so that memory stays flat.

A worker turns a `CheckResult` into an `Outcome` (the school's row, its findings, its totals per
standard and per criterion) and drops the book. The figures come from the same summary and the
same `is_overdue` as `kdcl kiem-tra`, so the district table and each school's "Tổng hợp" sheet agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from xlbridge.check import CheckResult
from xlbridge.consolidate.reasons import Rejected
from xlbridge.core.progress import is_overdue
from xlbridge.core.vntext import fold
from xlbridge.data.vocab import Status, vocab

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


def is_cancelled(status: Status | None) -> bool:
    return status is not None and not status.done and not status.open


def school_outcome(entry, result: CheckResult, saved: datetime | None, digest: str) -> Outcome:
    book, info, summary = result.book, result.book.info, result.summary
    records = {r["Tiêu chuẩn"]: r for r in summary.to_records()}
    total = records[summary.table.iloc[-1]["Tiêu chuẩn"]]
    done = next(s.name for s in vocab().statuses if s.done)
    when = saved or entry.sent or entry.mtime
    school = {
        "ten_truong": info.text("ten_truong"), "cap_hoc": info.cap_hoc or info.text("cap_hoc"),
        "tinh": info.text("tinh"), "huyen": info.text("huyen"), "nam_hoc": info.text("nam_hoc"),
        "giai_doan": info.phase.name if info.phase and info.text("giai_doan") else info.text("giai_doan"),
        "thong_tu": book.framework.short, "ngay_bao_cao": info.report_date, "ngay_luu": when,
        "so_loi": result.errors, "so_canh_bao": result.warnings,
        "so_noi_dung": int(total["Số nội dung"]), "hoan_thanh": int(total.get(done) or 0),
        "ht_chung": total["Tỉ lệ hoàn thành"], "kinh_phi": int(total["Dự kiến kinh phí (đồng)"]),
        "qua_han": int(total["Nội dung quá hạn"]),
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
    }
    for sl in book.layout.sheets:
        school[f"ht_{standard_key(sl.standard)}"] = records.get(sl.name, {}).get("Tỉ lệ hoàn thành")
    name = fold(school["ten_truong"])
    school["_dedup"] = "|".join((name, fold(school["tinh"]), fold(school["huyen"]), fold(school["nam_hoc"]))) \
        if name else f"#{digest}"
    school["_rank"] = f"{_iso(when)}|{_iso(info.report_date)}|{entry.seq:09d}"
    school["_sort"] = "|".join((fold(school["tinh"]), fold(school["huyen"]), name))
    school["_framework"] = book.framework.id
    findings = [(f.sheet or "", f.cell or "", f.severity_label, f.rule, f.message, f.hint) for f in result.findings]
    return Outcome(entry.seq, school, findings, _standards(result), _criteria(result))


def unreadable_outcome(entry, exc: Rejected) -> Outcome:
    reason = exc.reason
    return Outcome(entry.seq, unreadable={
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
        "loai": reason.label, "ly_do": exc.detail, "cach_xu_ly": reason.hint, "_kind": exc.kind})


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def _item_totals(items, when: date, phase_order: int) -> Totals:
    done = sum(1 for it in items if it.status is not None and it.status.done)
    cancelled = sum(1 for it in items if is_cancelled(it.status))
    budget = sum(it.budget.amount for it in items if it.budget is not None and it.budget.amount is not None)
    overdue = sum(1 for it in items if is_overdue(it, when, phase_order))
    return len(items), done, cancelled, int(budget), overdue


def _standards(result: CheckResult) -> list[tuple]:
    """Per standard sheet, from the summary table (the figures of the workbook's own "Tổng hợp")."""
    book, table = result.book, result.summary.table
    done = next(s.name for s in vocab().statuses if s.done)
    cancelled = next((s.name for s in vocab().statuses if is_cancelled(s)), None)
    rows = {r["Tiêu chuẩn"]: r for r in table.to_dict(orient="records")}
    out = []
    for sl in book.layout.sheets:
        r = rows.get(sl.name)
        if r is None:
            continue
        out.append((book.framework.id, sl.standard, sl.name, int(r["Số nội dung"]), int(r[done]),
                    int(r[cancelled]) if cancelled else 0, int(r["Dự kiến kinh phí (đồng)"]), int(r["Nội dung quá hạn"])))
    return out


def _criteria(result: CheckResult) -> list[tuple]:
    book = result.book
    by_code: dict[str, list] = defaultdict(list)
    for it in book.items:
        if it.criterion and book.framework.criterion(it.criterion) is not None:
            by_code[it.criterion].append(it)
    when = result.summary.report_date
    return [(book.framework.id, code, *_item_totals(items, when, book.phase_order)) for code, items in by_code.items()]

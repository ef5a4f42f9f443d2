"""What the consolidation keeps of one checked workbook: a few small rows, so that memory stays flat.

A worker turns a checked book (`xlbridge.check.CheckResult`, the same as `kiem-tra` gives) into an
`Outcome` (the school's row, its findings, its totals per standard and per criterion) and drops the
book. The totals per standard are the check's own summary, and the totals per criterion are counted
by the same `xlbridge.core.summary.count`, so the district table and each school's "Tổng hợp"
sheet agree by construction.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from xlbridge.check import CheckResult
from xlbridge.consolidate.reasons import Rejected
from xlbridge.core.findings import Finding
from xlbridge.core.levels import LevelReport
from xlbridge.core.summary import Counts, Summary, count
from xlbridge.core.vntext import fold
from xlbridge.model import Item, PlanBook

Totals = tuple[int, int, int, int, int]          # items, done, cancelled (không thực hiện), budget, overdue


@dataclass
class Outcome:
    """The result of one input: a school (`school` set) or a refusal (`unreadable` set)."""
    seq: int
    school: dict | None = None                   # keys of the "Danh sách" columns, plus dedup/rank/sort keys
    findings: list[tuple] = field(default_factory=list)      # (sheet, cell, severity key, rule, message, hint)
    standards: list[tuple] = field(default_factory=list)     # (framework, number, sheet, *Totals)
    criteria: list[tuple] = field(default_factory=list)      # (framework, code, *Totals)
    unreadable: dict | None = None


def standard_key(number: int) -> str:
    """Column key of a standard sheet: tc1…tc5, muc4 (Mức 4 is standard 0)."""
    return "muc4" if number == 0 else f"tc{number}"


def school_outcome(entry, result: CheckResult, saved: datetime | None, digest: str) -> Outcome:
    """The rows one readable workbook contributes: its school, findings, totals per standard and per criterion."""
    book, summary = result.book, result.summary
    school = _school_row(entry, book, result.findings, summary, saved or entry.sent or entry.mtime)
    school.update(level_columns(result.levels))
    school.update(_keys(school, entry.seq, book, digest))
    rows = [(f.sheet or "", f.cell or "", f.severity, f.rule, f.message, f.hint) for f in result.findings]
    standards = [(book.framework.id, r.standard, r.sheet, *totals(r.counts)) for r in summary.rows]
    return Outcome(entry.seq, school, rows, standards, _criteria(book, summary.report_date))


def totals(c: Counts) -> Totals:
    """The figures the consolidation sums: items, done, cancelled, budget, overdue."""
    return c.items, c.done, c.cancelled, c.budget, c.overdue


def _school_row(entry, book: PlanBook, findings: list[Finding], summary: Summary, stamp: datetime | None) -> dict:
    """The "Danh sách" columns: who, which year and phase, how many findings, how far the plan has come."""
    info = book.info
    total = summary.total.counts
    errors = sum(f.is_error for f in findings)
    row = {
        "ten_truong": info.text("ten_truong"), "ma_truong": info.text("ma_truong"),
        "cap_hoc": info.cap_hoc or info.text("cap_hoc"),
        "tinh": info.text("tinh"), "huyen": info.text("huyen"), "nam_hoc": info.text("nam_hoc"),
        "giai_doan": info.phase.name if info.phase and info.text("giai_doan") else info.text("giai_doan"),
        "thong_tu": book.framework.short, "ngay_bao_cao": info.report_date, "ngay_luu": stamp,
        "so_loi": errors, "so_canh_bao": sum(not f.is_error and not f.is_note for f in findings),   # lưu ý: neither
        "so_noi_dung": total.items, "hoan_thanh": total.done, "ht_chung": total.completion,
        "kinh_phi": total.budget, "qua_han": total.overdue,
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
    }
    for sl, r in zip(book.layout.sheets, summary.rows, strict=True):
        row[f"ht_{standard_key(sl.standard)}"] = r.counts.completion
    return row


def level_columns(levels: LevelReport | None) -> dict:
    """The school's levels (now, if the plan is completed, at the results so far), chuẩn quốc gia, and what
    keeps it from the next level, as the check found them — empty when the workbook records no levels."""
    from xlbridge.core.outputs import blocking_text
    if levels is None or not levels.assessed:
        return {}
    return {"muc_hien_tai": levels.current, "muc_ke_hoach": levels.planned, "muc_ket_qua": levels.achieved,
            "chuan_quoc_gia": levels.chuan_quoc_gia, "muc_tiep_theo": levels.next_level,
            "so_tieu_chi_can_nang": levels.gap.size if levels.gap else 0, "tieu_chi_can_tro": blocking_text(levels)}


def school_identity(row: dict) -> str | None:
    """Who the school is: its Mã trường, else its normalised name with province and cấp học; None when the
    workbook names no school (such workbooks are never taken for one another)."""
    code = "".join(str(row.get("ma_truong") or "").split()).upper()
    if code:
        return f"ma:{code}"
    name = school_name_key(row["ten_truong"])
    return "|".join(("ten", name, fold(row["tinh"]), fold(row["cap_hoc"]))) if name else None


def school_name_key(name: str | None) -> str:
    """A school's name for matching: Unicode NFC, case, spacing and diacritics folded, without «Trường»."""
    words = fold(unicodedata.normalize("NFC", name or "")).split()
    return " ".join(words[1:] if words[:1] == ["truong"] else words)


def natural_key(text: str) -> str:
    """A sort key in which numbers compare by value: «Số 2» before «Số 10»."""
    return re.sub(r"\d+", lambda m: f"{int(m[0]):012d}", fold(text or ""))


def _keys(row: dict, seq: int, book: PlanBook, digest: str) -> dict:
    """Which school and year (duplicates share it), how new (the last saved wins), where it sorts."""
    who = school_identity(row)
    place = (fold(row["tinh"]), fold(row["huyen"]))
    return {"_dedup": f"{who}|{fold(row['nam_hoc'])}" if who else f"#khong-ten-{seq}",   # nameless: never merged
            "_rank": f"{_iso(row['ngay_luu'])}|{_iso(row['ngay_bao_cao'])}|{seq:09d}",
            "_sort": natural_key("|".join((*place, school_name_key(row["ten_truong"])))), "_framework": book.framework.id}


def unreadable_outcome(entry, exc: Rejected) -> Outcome:
    reason = exc.reason
    return Outcome(entry.seq, unreadable={
        "tep": entry.name, "nguon": entry.origin, "nguoi_gui": entry.sender, "ngay_gui": entry.sent,
        "loai": reason.label, "ly_do": exc.detail, "cach_xu_ly": reason.hint, "_kind": exc.kind})


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def _criteria(book: PlanBook, when: date) -> list[tuple]:
    by_code: dict[str, list[Item]] = defaultdict(list)
    for it in book.items:
        if it.criterion and book.framework.criterion(it.criterion) is not None:
            by_code[it.criterion].append(it)
    return [(book.framework.id, code, *totals(count(items, when, book.phase_order))) for code, items in by_code.items()]

"""Report and plan texts generated from a workbook: model → facts → jinja2 templates → blocks.

Pure: reads the model (PlanBook, and the Summary the checks compute), renders the templates of
`workbook_templates/narrative/` and returns blocks and tables. `docx_writer` turns them into a Word
document; `report_rows` into the rows of the workbook's "Báo cáo" sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xlbridge.core.periods import SchoolYear
from xlbridge.core.progress import moment_end
from xlbridge.core.progress import report_date as judged_on
from xlbridge.core.summary import Summary
from xlbridge.core.vntext import fold, one_per_line
from xlbridge.data.forms import Review
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.model import PlanBook
from xlbridge.report import vn_format
from xlbridge.report.citations import split_citations
from xlbridge.report.documents import Documents, DocumentSpec, documents, extra_tables
from xlbridge.report.facts import Facts, at_review, collect
from xlbridge.report.markup import Block
from xlbridge.report.tables import TableData, TableSpec, build_table, issues_table, spec_from_form
from xlbridge.report.templates import environment, render
from xlbridge.report.wording import wording

BLANK = "……"


@dataclass
class Report:
    document: DocumentSpec
    blocks: list[Block]
    tables: dict[str, TableData]
    when: date
    review: Review | None
    school: str
    notes: list[str] = field(default_factory=list)     # what the user should know (printed by the command)

    @property
    def title(self) -> str:
        return f"{self.document.name} — {self.school}" if self.school else self.document.name


# ---------------------------------------------------------------- choosing the review and date

def _has_status(book: PlanBook, index: int) -> bool:
    return any(len(it.results) > index and it.results[index].status is not None for it in book.items)


def pick_review(book: PlanBook, doc: DocumentSpec, requested: str | None) -> Review | None:
    """The review a document reports on: the one asked for, else the document's default."""
    reviews = list(book.layout.reviews)
    if requested:
        moments = documents().review_moments
        for r in reviews:
            if fold(requested) in (fold(r.id), fold(r.label), fold(moments.get(r.id, r.label))):
                return r
        if not reviews:
            raise KdclError(kind="so-khong-co-ra-soat", requested=requested)
        names = "; ".join(f"{r.id} ({moments.get(r.id, r.label)})" for r in reviews)
        raise KdclError(kind="ra-soat-khong-co", requested=requested, choices=names)
    if not reviews:
        return None
    if doc.review == "first-midyear":
        return next((r for r in reviews if r.phase == "giua-nam"), reviews[0])
    filled = [i for i in range(len(reviews)) if _has_status(book, i)]
    return reviews[filled[-1]] if filled else reviews[-1]


def review_end(book: PlanBook, review: Review | None) -> date | None:
    """Last day of the period a review covers ("cuối học kỳ I" → 15/01), from its name in van-ban.yaml."""
    moment = documents().review_moments.get(review.id) if review is not None else None
    return moment_end(moment, book.info.school_year) if moment is not None else None


def report_date(book: PlanBook, asked: date | None, today: date | None, review: Review | None = None) -> date:
    """The date the report speaks of: --ngay; else the workbook's report date (or today), but not after
    the end of the review reported on (a cuối học kỳ I review of a year-end workbook speaks of mid-January)."""
    if asked is not None:
        return asked
    base = judged_on(book, today)
    end = review_end(book, review)
    return min(base, end) if end else base


# ---------------------------------------------------------------- template context

def _document_number(so_ky_hieu: str, code: str) -> str:
    """The "Số:" line's text: the workbook's number when it is this kind of document, else a blank to fill."""
    text = re.sub(r"^\s*số\s*:?\s*", "", so_ky_hieu.strip(), flags=re.IGNORECASE)
    if text and f"/{code.lower()}" in fold(text):
        return text
    suffix = text.split("-", 1)[1].strip() if "-" in text else BLANK
    return f"{BLANK}/{code}-{suffix}"


def _place(book: PlanBook) -> str:
    """The địa danh of the date line: what the user typed ("Thành phố Hồ Chí Minh" stays whole: Nghị định
    30/2020 keeps the full name of a unit named after a person or a number). Without one, the province
    without the word "Tỉnh" ("Tỉnh Kiên Giang" → "Kiên Giang"); a city keeps "Thành phố"."""
    typed = " ".join(book.info.text("dia_danh").split())
    if typed:
        return typed
    province = " ".join(book.info.text("tinh").split())
    return re.sub(r"^tỉnh\s+", "", province, flags=re.IGNORECASE) or BLANK


def _citation(book: PlanBook) -> str:
    fw = book.framework
    title = re.sub(r"^Thông tư\s+", "", fw.title)
    if fw.citation:
        return f"{fw.citation} {title}"
    y, m, d = (int(x) for x in fw.date.split("-"))
    return f"Thông tư số {fw.number} ngày {d}/{m}/{y} của Bộ trưởng Bộ Giáo dục và Đào tạo {title}"


def _school(book: PlanBook, docs: Documents, doc: DocumentSpec, when: date | None) -> tuple[dict, dict]:
    info = book.info
    cap_hoc = info.cap_hoc or book.meta.cap_hoc
    co_quan = info.text("co_quan_chu_quan")
    school = {
        "ten": info.text("ten_truong") or BLANK, "co_quan_chu_quan": co_quan, "cap_hoc": cap_hoc or "",
        "loai_hinh": info.loai_hinh or info.text("loai_hinh"),
        "tinh": info.text("tinh"), "xa": info.text("huyen"), "dia_danh": _place(book),
        "hieu_truong": info.text("hieu_truong"), "nguoi_lap": info.text("nguoi_lap"),
        "chuc_danh_ky": docs.by_cap_hoc(docs.signer, cap_hoc), "don_vi": docs.by_cap_hoc(docs.unit, cap_hoc),
        "cap_tren": docs.superior(co_quan),
    }
    paper = {"ma": doc.code, "ten": doc.name, "ngay": when, "so": _document_number(info.text("so_ky_hieu"), doc.code)}
    return school, paper


def _lists(book: PlanBook) -> dict:
    lists = book.info.lists
    groups: dict[str, dict] = {}
    for e in lists.get("nhom_cong_tac", []):
        std = e["tieu_chuan"].text if "tieu_chuan" in e else ""
        name = e["nhom"].text if "nhom" in e else ""
        key = name or std
        g = groups.setdefault(key, {"ten": name or f"Nhóm phụ trách {std.lower()}", "tieu_chuan": [],
                                    "truong_nhom": "", "thanh_vien": ""})
        if m := re.search(r"\d+", std):
            g["tieu_chuan"].append(int(m[0]))
        for k in ("truong_nhom", "thanh_vien"):
            if k in e and e[k].text and not g[k]:
                g[k] = e[k].text
    return {
        "can_cu": [t for e in lists.get("can_cu", []) if "van_ban" in e for t in one_per_line(e["van_ban"].text)],
        "nhom_cong_tac": list(groups.values()),
        "to_giam_sat": [{k: v.text for k, v in e.items()} for e in lists.get("to_giam_sat", []) if _any_text(e)],
        "kien_nghi": [t for e in lists.get("kien_nghi", []) if "noi_dung" in e for t in one_per_line(e["noi_dung"].text)],
    }


def _any_text(entry: dict) -> bool:
    return any(v.text for v in entry.values())


def _issues(book: PlanBook, facts: Facts) -> list[dict]:
    out = []
    for std in facts.standards:
        mine = [{k: v.text for k, v in i.values.items()} for i in book.issues if i.sheet == std.sheet]
        if mine:
            out.append({"tieu_chuan": std, "van_de": mine})
    return out


def _review_info(review: Review | None, docs: Documents) -> dict | None:
    if review is None:
        return None
    return {"id": review.id, "ten": review.label, "thoi_diem": docs.review_moments.get(review.id, review.label.lower())}


def _facts_context(f: Facts) -> dict:
    shortcomings = [x for g in f.shortcomings for x in g.items]
    return {
        "co_trang_thai": f.tracks_status, "co_noi_dung": bool(f.items), "tong": f.total, "tieu_chuan": f.standards,
        "tieu_chuan_co_noi_dung": [s for s in f.standards if s.n], "tieu_chuan_trong": [s for s in f.standards if not s.n],
        "hoan_thanh": f.done, "dang_co_ket_qua": f.progress, "dang_thuc_hien": f.under_way,
        "han_che": f.shortcomings, "so_han_che": len(shortcomings),
        "chua_den_han": f.not_yet_due, "qua_han": f.overdue, "chuyen_tiep": f.carry_over, "khong_thuc_hien": f.cancelled,
        "chua_cap_nhat": f.no_status, "co_ket_qua": f.with_results, "noi_dung": f.items, "noi_bat": f.highlights,
        "so_viec_neu": wording().tasks_named,
    }


def _context(book: PlanBook, doc: DocumentSpec, review: Review | None, facts: Facts, when: date,
             dated: date | None, per_review: list[dict]) -> dict:
    docs = documents()
    school, paper = _school(book, docs, doc, dated)
    year = book.info.school_year
    nam_hoc = str(year) if year else (book.info.text("nam_hoc") or book.meta.nam_hoc or BLANK)
    lists = _lists(book)
    return {
        "loai": doc.loai, "bo_cuc": book.framework.layout, "truong": school, "van_ban": paper,
        "nam_hoc": nam_hoc, "nam_hoc_sau": f"{year.end_year}-{year.end_year + 1}" if year else "năm học sau",
        "ngay": when, "thong_tu": book.framework.number, "thong_tu_trich_dan": _citation(book),
        "can_cu_co_thong_tu": any(book.framework.short in t for t in lists["can_cu"]),
        "ra_soat": _review_info(review, docs), "ra_soat_list": per_review,
        "van_de": _issues(book, facts), "so_van_de": len(book.issues),
        "trang_thai": vocab().status_names(), **lists, **_facts_context(facts), **_level_context(book),
        **_citations(lists["can_cu"], year),
    }


def _citations(texts: list[str], year: SchoolYear | None) -> dict:
    """For a report's section I (a plan's "Căn cứ" lists every document in full: `can_cu`)."""
    split = split_citations(texts, year)
    return {"can_cu_nam_nay": split.current, "can_cu_truoc": split.earlier}


def _level_context(book: PlanBook) -> dict:
    """One sentence each on the school's level for the plan and for the results report ("" without levels)."""
    from xlbridge.core.level_text import plan_sentence, results_sentence
    from xlbridge.core.school_level import book_levels
    levels = book_levels(book)
    return {"muc_ke_hoach": plan_sentence(book.framework, levels), "muc_ket_qua": results_sentence(book.framework, levels)}


# ---------------------------------------------------------------- tables

def _tables(book: PlanBook, review: Review | None, facts: Facts, docs: Documents) -> dict[str, TableData]:
    layout = book.layout
    forms = [f for f in (layout.plan_form, layout.results_form) if f is not None]
    moments = docs.review_moments
    values = {"nam_hoc": str(book.info.school_year or book.meta.nam_hoc),
              "ra_soat": vn_format.upper_first(moments.get(review.id, review.label) if review else "Kết quả thực hiện")}
    empty = docs.empty_table_row
    plan = spec_from_form("ke-hoach", layout.plan_form, forms, values, full_labels=True)
    if layout.results_form is not None:
        results = spec_from_form("ket-qua", layout.results_form, forms, values, full_labels=False)
    elif book.framework.layout == "van-de-trong-tam":
        extra = extra_tables()["ra-soat"]
        header = tuple(tuple(None if h is None else h.replace("{ra_soat}", values["ra_soat"]) for h in row)
                       for row in extra.header)
        results = TableSpec("ket-qua", header, extra.columns, extra.widths)
    else:
        results = TableSpec("ket-qua", plan.header, plan.columns, plan.widths, plan.row_groups, False, plan.derive)
    tables = {"ke-hoach": build_table(plan, book, facts.items, empty), "ket-qua": build_table(results, book, facts.items, empty)}
    if layout.issues_form is not None:
        tables["van-de"] = issues_table(layout.issues_form, book, empty)
    theo_doi = extra_tables().get("theo-doi")
    if theo_doi is not None:
        tables["theo-doi"] = TableData("theo-doi", theo_doi.header, theo_doi.widths, ())
    return tables


def _attach_rows(blocks: list[Block], tables: dict[str, TableData]) -> dict[str, TableData]:
    """Rows written in a template ("| a | b |") go to the table of the nearest "@bang" above them."""
    current = None
    rows: dict[str, list[tuple[str, ...]]] = {}
    for b in blocks:
        if b.style == "table":
            current = b.arg
        elif b.style == "row":
            if current is None or current not in tables:
                raise KdclError(kind="dong-bang-ngoai-bang")
            cells = tuple(b.cells())
            if len(cells) != tables[current].n_columns:
                raise KdclError(kind="dong-bang-so-o", row=b.text[:60], cells=len(cells), table=current,
                                columns=tables[current].n_columns)
            rows.setdefault(current, []).append(cells)
    return {k: (t.with_rows(rows[k]) if k in rows else t) for k, t in tables.items()}


# ---------------------------------------------------------------- entry points

def build_report(book: PlanBook, loai: str, when: date | None = None, review_id: str | None = None,
                 template_dir: Path | None = None, today: date | None = None) -> Report:
    """The document `loai` (ket-qua, tien-do, ke-hoach) for a workbook, as blocks and tables."""
    docs = documents()
    doc = docs.get(loai, book.framework.layout)
    review = pick_review(book, doc, review_id)
    day = report_date(book, when, today, review)
    phase = vocab().phase_by_id(doc.phase) if doc.phase else None
    view = at_review(book, review, day, phase)
    facts = collect(view, day)
    per_review = []
    reviews = list(book.layout.reviews) if book.framework.layout == "van-de-trong-tam" else []
    for index, r in enumerate(reviews):
        end = review_end(book, r)
        at = min(day, end) if end else day
        rf = collect(at_review(book, r, at, vocab().phase_by_id(r.phase)), at)
        per_review.append({"ra_soat": _review_info(r, docs), "da_ra_soat": _has_status(book, index), **_facts_context(rf)})
    env = environment(template_dir)
    dated = day if doc.loai != "ke-hoach" else (when or book.info.report_date)   # a plan is dated when it is signed
    context = _context(view, doc, review, facts, day, dated, per_review)
    blocks: list[Block] = []
    for name in doc.sections:
        blocks += render(env, name, context)
    tables = _attach_rows(blocks, _tables(view, review, facts, docs))
    unknown = sorted({b.arg for b in blocks if b.style == "table"} - set(tables))
    if unknown:
        raise KdclError(kind="bang-khong-co", unknown=", ".join(unknown), tables=", ".join(sorted(tables)))
    notes = []
    if when is None and doc.loai != "ke-hoach":
        if book.info.report_date is None:
            notes.append(f"Sổ chưa ghi ngày báo cáo; số liệu tính đến ngày {vn_format.short_date(day)} "
                         f"(thêm --ngay để chọn ngày).")
        elif day != book.info.report_date:
            notes.append(f"Lần rà soát {docs.review_moments.get(review.id, '') if review else ''}: số liệu tính đến ngày "
                         f"{vn_format.short_date(day)} (thêm --ngay để chọn ngày khác).")
    return Report(doc, blocks, tables, day, review, book.info.text("ten_truong"), notes)


def _column_labels(table: TableData) -> list[str]:
    """Each column's name: its lowest header cell, without the bracketed instructions ("(nêu rõ lý do)")."""
    labels = [""] * table.n_columns
    for _r, c, _rs, cs, text in table.header_cells():
        for j in range(c, c + cs):
            labels[j] = re.sub(r"\s*\(.*$", "", text).strip()
    return labels


def table_lines(table: TableData) -> list[tuple[str, str]]:
    """The Phụ lục on the "Báo cáo" sheet, one line per row: each non-empty cell after its column's name, so
    that a result stands under the column its status names, as in the Word table."""
    labels = _column_labels(table)
    out: list[tuple[str, str]] = []
    for row in table.rows:
        if row.kind != "item":
            out.append(("heading" if row.kind in ("group", "standard") else "paragraph", row.cells[-1]))
            continue
        cells = [(labels[j], " ".join(text.split("\n"))) for j, text in enumerate(row.cells)
                 if text.strip() and labels[j] != "TT"]
        # the criterion and the content speak for themselves; the result columns are named
        out.append(("paragraph", " — ".join(f"{label}: {text}" if k > 1 else text for k, (label, text) in enumerate(cells))))
    return out


def sheet_rows(report: Report) -> list[tuple[str, str]]:
    """The report as rows of the "Báo cáo" sheet: ("heading" | "paragraph", text)."""
    docs = documents()
    rows: list[tuple[str, str]] = []
    pending: dict[str, list[str]] = {"left": [], "right": []}

    def flush() -> None:
        for side in ("left", "right"):
            rows.extend(("paragraph", t) for t in pending[side] if t)
            pending[side] = []

    for b in report.blocks:
        if b.column is not None:
            if b.style != "rule":
                pending[b.column].append(b.plain)
            continue
        flush()
        if b.style in ("title", "heading", "subheading", "minor"):
            rows.append(("heading", b.plain))
        elif b.style in ("paragraph", "bullet", "bullet2", "center"):
            rows.append(("paragraph", b.plain))
        elif b.style == "table":
            rows.append(("paragraph", docs.sheet_table_note.replace("{ten}", docs.table_names.get(b.arg, b.arg))))
            if b.arg == "ket-qua" and b.arg in report.tables:
                rows += table_lines(report.tables[b.arg])
        elif b.style == "row":
            rows.append(("paragraph", " — ".join(c for c in b.cells() if c)))
    flush()
    return rows


def report_rows(book: PlanBook, summary: Summary, template_dir: Path | None = None) -> list[tuple[str, str]]:
    """Rows for the "Báo cáo" sheet written by a check: the document that fits the workbook's phase."""
    loai = documents().kind_for(book)
    return sheet_rows(build_report(book, loai, template_dir=template_dir, today=summary.report_date))

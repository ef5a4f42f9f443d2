"""A Word document → fill data for a kdcl template, and a report of how it was read.

The plan or results table is found by its header words, followed over the tables it was split into
(repeated headers skipped), its rows placed under their criteria; the printed results columns
("đã triển khai xong", "đang triển khai", "chưa triển khai") become a status through
`xlbridge.core.official`, as for every other import of that table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xlbridge.core.official import from_official
from xlbridge.core.periods import SchoolYear
from xlbridge.data.catalog import Framework, choose_framework
from xlbridge.data.forms import Column, Form
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.importer import detect
from xlbridge.importer.columns import Match, data_start, recognise, repeats_header, table_forms, variant_forms
from xlbridge.importer.docx_tables import WordDoc, read_docx
from xlbridge.importer.labels import DOTTED
from xlbridge.importer.rows import Assembly, Draft, SourceRow, Unplaced, assemble
from xlbridge.layout import Layout, build_layout, config

OFFICIAL_RESULTS = ("done", "in_progress", "not_started")


@dataclass
class Options:
    cap_hoc: str | None = None
    nam_hoc: SchoolYear | None = None
    truong: str | None = None
    giai_doan: str | None = None          # phase id


@dataclass
class Unmapped:
    where: str
    criterion: str
    header: str
    text: str


@dataclass
class ImportResult:
    source: str
    framework: Framework
    cap_hoc: str
    year: SchoolYear
    phase: str
    report_date: date | None
    match: Match
    tables: list[int]                     # the Word tables the plan table was read from
    plan_form: str | None                 # a province variant, else None (the framework's own forms)
    layout: Layout
    drafts: list[Draft]
    items: list[dict]                     # fill items, one per draft
    info: dict[str, object]
    unplaced: list[Unplaced]
    unmapped: list[Unmapped]
    notes: list[str]
    rows: dict[str, int] = field(default_factory=dict)

    def fill_data(self) -> dict:
        return {"info": self.info, "lists": {}, "items": self.items}


# ---------------------------------------------------------------- the table


def _main_table(doc: WordDoc, forms: list[Form]) -> tuple[int, Match, list[str]]:
    """The plan/results table: the best-recognised table (results before plan on a tie)."""
    found = [(i, m) for i, t in enumerate(doc.tables) if (m := recognise(t, forms)) is not None]
    if not found:
        raise KdclError(kind="word-khong-co-bang", name=doc.source)
    order = {"results": 0, "both": 1, "plan": 2}
    index, match = max(found, key=lambda p: (round(p[1].score, 2), -order[p[1].form.part]))
    notes = [f"Bảng {doc.tables[i].index} cũng giống một bảng {m.form.name.lower()} nhưng không được nhập (chỉ nhập "
             f"bảng {doc.tables[index].index})." for i, m in found if i != index and m.form.id != match.form.id]
    return index, match, notes


def _chain(doc: WordDoc, index: int, match: Match) -> list[SourceRow]:
    """Data rows of the table and of the tables that continue it on the next pages."""
    first = doc.tables[index]
    rows = [SourceRow(first.index, r + 1, first.rows[r], False)
            for r in range(data_start(first, match.header_start + match.header_rows), len(first.rows))]
    for table in doc.tables[index + 1:]:
        if table.width != first.width:
            break
        skip = repeats_header(table, match)
        if not skip and recognise(table, table_forms()) is not None:
            break                      # a table of its own, with another header
        rows += [SourceRow(table.index, r + 1, table.rows[r], r == skip) for r in range(skip, len(table.rows))]
    return rows


# ---------------------------------------------------------------- framework, info


def _lines(doc: WordDoc, match: Match) -> list[str]:
    return [*doc.paragraphs, *match.headers]


def _framework(doc: WordDoc, match: Match, opts: Options) -> tuple[str, SchoolYear, date | None, Framework]:
    lines = _lines(doc, match)
    day = detect.report_date(lines)
    year = opts.nam_hoc or detect.school_year(lines) or (detect.year_of(day) if day else None)
    if year is None:
        raise KdclError(kind="word-thieu-nam-hoc", name=doc.source)
    cells = [c.text for t in doc.tables for r in t.rows for c in r if c.text]
    level = opts.cap_hoc or detect.cap_hoc(lines, cells)
    if level is None:
        raise KdclError(kind="word-thieu-cap-hoc", name=doc.source)
    fw = choose_framework(level, year.start_year)
    form = match.form
    own = form.id in fw.forms.values()
    has_criterion_column = any(c.role == "criterion" for c in form.columns)
    if not own and not (form.id in variant_forms() and (fw.layout == "theo-tieu-chi" or has_criterion_column)):
        raise KdclError(kind="word-khac-mau-bang", name=doc.source, form=form.name, year=year, cap_hoc=level,
                        thong_tu=fw.number)
    return level, year, day, fw


def _school(doc: WordDoc, opts: Options) -> str | None:
    return opts.truong or detect.school_name(doc.paragraphs)


# ---------------------------------------------------------------- values


def _review_columns(layout: Layout, phase: str) -> dict[str, Column]:
    """Result columns by role, of the latest review the phase has reached (TT57: cuối HK I or cuối năm)."""
    order = vocab().phase_by_id(phase).order
    reviews = [r for r in layout.reviews if vocab().phase_by_id(r.phase).order <= order] or list(layout.reviews[:1])
    if not reviews:
        return {}
    rid = reviews[-1].id
    return {c.role: c for c in layout.form_columns() if c.review == rid}


def _clean(text: str) -> str:
    """A text as typed: never a formula (Excel reads a leading "=" as one)."""
    return " " + text if text.startswith("=") else text


def _values(d: Draft, layout: Layout, review: dict[str, Column],
            derive: bool) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """Template values of one item; texts that have no column in the template come back as leftovers.
    `derive`: the table is the printed results table, whose three result columns give the status."""
    keys = {c.key for c in layout.form_columns()}
    content = next(c.key for c in layout.plan_form.columns if c.role == "content")
    values: dict[str, object] = {}
    leftovers: list[tuple[str, str]] = []
    official = {k: d.values.get(k) for k in OFFICIAL_RESULTS}
    for key, text in d.values.items():
        if key in OFFICIAL_RESULTS:
            continue
        if key == "content":
            values[content] = text
        elif key == "latest_status" and "status" in review:
            values[review["status"].key] = text
        elif key in keys:
            values[key] = text
        else:
            leftovers.append((key, text))
    adjusted = next((c.key for c in layout.form_columns() if c.role == "adjusted"), None)
    if adjusted and adjusted in values and vocab().is_placeholder(str(values[adjusted])):
        del values[adjusted]                  # "Không có": nothing was adjusted
    if derive:
        note_key = review["note"].key if "note" in review else None
        note = values.pop(note_key, None) if note_key else None
        derived = from_official(official["done"], official["in_progress"], official["not_started"],
                                note if isinstance(note, str) else None)
        for role, part in (("status", derived.status), ("result", derived.result), ("reason", derived.reason),
                           ("note", derived.note)):
            if part and role in review:
                values[review[role].key] = part
            elif part:
                leftovers.append((role, part))
    return {k: _clean(v) if isinstance(v, str) else v for k, v in values.items()}, leftovers


def _rows_needed(items: list[dict], fw: Framework) -> dict[str, int]:
    rows = config().rows
    if fw.layout == "theo-tieu-chi":
        need = max(Counter(it["criterion"] for it in items).values(), default=0)
        return {"per_criterion": need} if need > rows["per_criterion"] else {}
    standards = (crit.standard for crit in map(fw.criterion, (it["criterion"] for it in items)) if crit is not None)
    need = max(Counter(standards).values(), default=0)
    return {"plan_per_standard": need} if need > rows["plan_per_standard"] else {}


# ---------------------------------------------------------------- entry point


def import_word(path: str | Path, opts: Options | None = None) -> ImportResult:
    """Read the plan or results table of a Word document into fill data for the matching template."""
    opts = opts or Options()
    doc = read_docx(path)
    index, match, notes = _main_table(doc, table_forms())
    level, year, day, fw = _framework(doc, match, opts)
    plan_form = match.form.id if match.form.id in variant_forms() else None
    rows = _chain(doc, index, match)
    assembly: Assembly = assemble(rows, match, fw)
    result_keys = {c.key for c in match.form.columns if c.review} | {*OFFICIAL_RESULTS, "latest_status"}
    has_results = bool({t.key for t, _s in match.columns.values()} & result_keys)
    phase = opts.giai_doan or (detect.phase_for(day, year) if has_results else vocab().phases[0].id)
    layout = build_layout(fw, plan_form)
    review = _review_columns(layout, phase)
    items, unmapped = [], []
    derive = bool({t.key for t, _s in match.columns.values()} & set(OFFICIAL_RESULTS))
    for d in assembly.drafts:
        values, leftovers = _values(d, layout, review, derive)
        items.append({"criterion": d.criterion, "values": values})
        unmapped += [Unmapped(d.where, d.criterion, key, text) for key, text in leftovers]
        unmapped += [Unmapped(d.where, d.criterion, match.headers[col] or f"cột {col + 1}", text)
                     for col, text in d.extra.items()]
    need = _rows_needed(items, fw)
    if need:
        layout = build_layout(fw, plan_form, need)
    info: dict[str, object] = {"cap_hoc": level, "nam_hoc": str(year), "giai_doan": vocab().phase_by_id(phase).name}
    if school := _school(doc, opts):
        info["ten_truong"] = school
    if name := detect.signer(doc.lines(skip={r.table for r in rows})):
        info["hieu_truong"] = name
    if day is not None:
        info["ngay_bao_cao"] = day
    tables = sorted({r.table for r in rows})
    notes = [*notes, *assembly.notes]
    for t in doc.tables:
        if t.index in tables or t.index == doc.tables[index].index:
            continue
        labelled = sum(1 for r in t.rows for c in r if c.text and DOTTED.search(c.text) and len(c.text) < 80)
        if labelled:
            notes.append(f"Bảng {t.index} ({len(t.rows)} dòng, {t.width} cột) có {labelled} ô giống mã tiêu chí nhưng không "
                         f"nối tiếp bảng {doc.tables[index].index} (khác số cột hoặc có tiêu đề riêng): không được nhập.")
    return ImportResult(doc.source, fw, level, year, phase, day, match, tables, plan_form, layout, assembly.drafts, items,
                        info, assembly.unplaced, unmapped, notes, need)

"""Rules on the "Thông tin" sheet: school, year, level, phase, report date, working groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from xlbridge.core.findings import Finding, make_finding, rule_specs
from xlbridge.core.periods import SchoolYear
from xlbridge.core.progress import phase_end
from xlbridge.core.rules import Context, rule
from xlbridge.data.catalog import Framework, choose_framework, frameworks
from xlbridge.data.forms import info_form
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.model import CellRef


def _cell(ctx: Context, key: str) -> tuple[str, CellRef]:
    info = ctx.book.info
    v = info.values.get(key)
    sheet = ctx.book.layout.info.sheet
    return sheet, (v.cell if v else CellRef(sheet, ctx.book.layout.info.field_rows[key], 2))


@rule("TT01")
def required_info(ctx: Context) -> Iterator[Finding]:
    if ctx.book.layout.info.sheet not in ctx.book.sheets_present:
        return
    orders = {p.id: p.order for p in vocab().phases}
    for f in info_form().fields:
        if f.required and ctx.book.phase_order >= orders[f.required] and not ctx.book.info.text(f.key):
            v = ctx.book.info.values.get(f.key)
            if v is not None and (v.formula or v.error):
                continue            # reported by the cell rules
            sheet, cell = _cell(ctx, f.key)
            yield make_finding("TT01", sheet, cell, label=f.label)


@rule("TT02", "TT03", "TT04")
def school_year(ctx: Context) -> Iterator[Finding]:
    info, meta = ctx.book.info, ctx.book.meta
    text = info.text("nam_hoc")
    if not text:
        return
    sheet, cell = _cell(ctx, "nam_hoc")
    year = SchoolYear.parse(text)
    if year is None:
        yield make_finding("TT02", sheet, cell, value=text)
        return
    template_year = SchoolYear.parse(meta.nam_hoc)
    if template_year is None or year == template_year:
        return
    level = info.cap_hoc or meta.cap_hoc
    try:
        fits = choose_framework(level, year.start_year).id == ctx.book.framework.id
    except KdclError:
        fits = False
    code = "TT04" if fits else "TT03"
    yield make_finding(code, sheet, cell, value=str(year), template_year=str(template_year),
                       framework=f"Thông tư {ctx.book.framework.number}")


@rule("TT05")
def school_level(ctx: Context) -> Iterator[Finding]:
    text = ctx.book.info.text("cap_hoc")
    if not text:
        return
    sheet, cell = _cell(ctx, "cap_hoc")
    level = vocab().cap_hoc_name(text)
    if level is None or level not in ctx.book.framework.applies_to:
        yield make_finding("TT05", sheet, cell, value=text, template_level=ctx.book.meta.cap_hoc)


@rule("TT12")
def ownership(ctx: Context) -> Iterator[Finding]:
    """Loại hình (công lập, dân lập, tư thục): Biểu 2 mục I prints it, so it must be one of the three."""
    text = ctx.book.info.text("loai_hinh")
    if text and ctx.book.info.loai_hinh is None and not vocab().is_placeholder(text):
        sheet, cell = _cell(ctx, "loai_hinh")
        yield make_finding("TT12", sheet, cell, value=text, choices=", ".join(vocab().loai_hinh_names()))


@rule("TT06")
def phase(ctx: Context) -> Iterator[Finding]:
    text = ctx.book.info.text("giai_doan")
    if text and vocab().phase(text) is None:
        sheet, cell = _cell(ctx, "giai_doan")
        yield make_finding("TT06", sheet, cell, value=text, choices="; ".join(p.name for p in vocab().phases))


def _basis(ctx: Context) -> str:
    """Why deadlines are judged on the date TT10 names (the report date is blank): --ngay, the end of the
    workbook's phase, or today."""
    phrases, phase, basis = rule_specs()["TT10"].phrases, ctx.book.info.phase, ctx.report_date_basis
    if basis == "report":       # a view the narrative dated itself (the cell stays blank): worded as the others
        end = phase_end(ctx.book)
        basis = "asked" if ctx.asked is not None else \
            "phase_end" if ctx.report_date == end and end < ctx.clock else "today"
    return phrases[basis].format(ends=phase.ends if phase else "", year=ctx.book.info.school_year)


@rule("TT07", "TT08", "TT10")
def report_date(ctx: Context) -> Iterator[Finding]:
    v = ctx.book.info.values.get("ngay_bao_cao")
    if v is not None and v.empty and ctx.book.phase_order > 0:
        yield make_finding("TT10", v.cell.sheet, v.cell, day=ctx.report_date.strftime("%d/%m/%Y"), basis=_basis(ctx))
    if v is None or v.empty or v.formula or v.error:
        return
    sheet, cell = v.cell.sheet, v.cell
    when = ctx.book.info.report_date
    if when is None:
        yield make_finding("TT07", sheet, cell, value=v.text)
        return
    year = ctx.book.info.school_year
    if year and not (year.start.replace(month=8, day=1) <= when <= year.end.replace(month=7, day=31)):
        yield make_finding("TT08", sheet, cell, value=when.strftime("%d/%m/%Y"), year=str(year))


def successor(ctx: Context) -> Framework | None:
    """The framework that replaces the book's one for its cấp học, if the data names one."""
    fw = ctx.book.framework
    level = ctx.book.info.cap_hoc or ctx.book.meta.cap_hoc
    return next((f for f in frameworks() if fw.replaced_by and f.number == fw.replaced_by and f.effective
                 and level in f.applies_to), None)


@rule("TT11")
def replaced_circular(ctx: Context) -> Iterator[Finding]:
    """A document under a replaced circular, dated on or after the day its successor took effect."""
    v, when = ctx.book.info.values.get("ngay_bao_cao"), ctx.book.info.report_date
    new = successor(ctx)
    if v is None or when is None or new is None:
        return
    effective = date.fromisoformat(new.effective)
    if when < effective:
        return
    old = ctx.book.framework
    yield make_finding("TT11", v.cell.sheet, v.cell, value=when.strftime("%d/%m/%Y"), old=old.number,
                       new=new.number, effective=effective.strftime("%d/%m/%Y"),
                       year=str(ctx.book.info.school_year or ctx.book.meta.nam_hoc),
                       first=f"{new.first_year}-{new.first_year + 1}" if new.first_year else "…")


@rule("TT09")
def working_groups(ctx: Context) -> Iterator[Finding]:
    """One note when it is not said who answers for the plan: standards with items but no working group on
    "Thông tin", AND items that name no chủ trì. The per-standard groups belong to the self-assessment; a plan
    or report that names who leads every item is complete without them (so: silent then)."""
    from xlbridge.core.rules.plan import blank, has_plan, results_only
    book, layout = ctx.book, ctx.book.layout
    if "nhom_cong_tac" not in layout.info.list_rows or layout.info.sheet not in book.sheets_present:
        return
    if results_only(book):
        return                      # KH08 already says the whole plan part (chủ trì included) is missing
    items = [it for it in book.items if has_plan(it) and it.standard]
    unnamed = [it for it in items if any(c.role == "person" and c.review is None for c in it.columns.values())
               and all(blank(v) for v in it.by_role("person"))]
    if not unnamed:
        return
    counts = Counter(it.standard for it in items)
    groups = {e["tieu_chuan"].text for e in book.info.lists.get("nhom_cong_tac", [])}
    first = layout.info.list_rows["nhom_cong_tac"][2]
    found = book.info.label_rows.get("nhom_cong_tac", {})
    without = [(i, std) for i, std in enumerate(book.framework.standards) if counts.get(std.number) and std.label not in groups]
    if not without:
        return
    i, std = without[0]
    row = found.get(std.label, first + i)          # where the row is now, rows inserted above included
    yield make_finding("TT09", layout.info.sheet, f"C{row}", standards=", ".join(str(s.number) for _, s in without),
                       count=len(unnamed))

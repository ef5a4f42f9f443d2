"""Build the locked kdcl workbook with XlsxWriter (which can later carry a VBA project and buttons).

Every position comes from `xlbridge.layout`, every text from the data files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlbridge import __version__
from xlbridge.core import textfit
from xlbridge.core.sheetfit import (
    HEADER_HEIGHTS,
    INFO_FIELD_SPANS,
    info_heights,
    info_list_spans,
    label_span,
    standard_breaks,
    standard_heights,
    standard_plan,
    summary_heights,
    summary_widths,
)
from xlbridge.data.catalog import Framework
from xlbridge.data.files import find, load_yaml
from xlbridge.data.forms import info_form
from xlbridge.data.vocab import vocab
from xlbridge.io.atomic import atomic_path
from xlbridge.io.xlsx_text import write_text
from xlbridge.layout import (
    CHECK_COLUMNS,
    CHECK_HEADER_ROW,
    CHECK_STATUS_CELL,
    FIRST_TABLE_ROW,
    GUIDE_WIDTH,
    INFO_WIDTHS,
    NEXT_YEAR_BUTTON_CELL,
    REPORT_BUTTON_CELL,
    REPORT_WIDTH,
    SHEET_STATUS_CELL,
    SUMMARY_HEADER_ROW,
    Config,
    Layout,
    SheetLayout,
    Table,
    build_layout,
    button_cell,
    column_widths,
    config,
    criterion_row_label,
)
from xlbridge.template import levels_sheet, live_checks, printing, summary_formulas
from xlbridge.template.styles import Styles

PROTECT_OPTIONS = {
    # Users may resize rows/columns, wrap text and colour cells (the bridge colours input cells),
    # insert rows inside a block and delete rows whose cells are all unlocked (a mistaken inserted or
    # unused item row: item rows are unlocked across the whole row); criterion and header rows are
    # locked, so they cannot be deleted.
    "format_cells": True, "format_columns": True, "format_rows": True, "insert_rows": True,
    "insert_hyperlinks": True, "delete_rows": True, "delete_columns": False, "insert_columns": False,
    "sort": False, "autofilter": False, "select_locked_cells": True, "select_unlocked_cells": True,
}
TITLE_HEIGHT = 21.0       # the sheet titles (2 pt larger than the text)
META_PHASES_ROW = 20      # rows of _kdcl holding the phase names (for MATCH in formulas)


@dataclass
class TemplateSpec:
    """What the user asked for on the command line."""
    framework: Framework
    cap_hoc: str
    nam_hoc: str
    ten_truong: str = ""
    tinh: str = ""
    huyen: str = ""
    plan_form: str | None = None
    extra_info: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)     # overrides workbook.yaml rows (more input rows)
    flavor: str = "xlsx"      # "xlsx" | "lite" (xlwings Lite code inside) | "xlsm" (classic xlwings, VBA)

    @property
    def school_line(self) -> str:
        """What the "Trường: … — Năm học …" formulas show before anything is recalculated."""
        return f"Trường: {self.ten_truong} — Năm học {self.nam_hoc}"

    @property
    def suffix(self) -> str:
        return ".xlsm" if self.flavor == "xlsm" else ".xlsx"


def info_name(key: str) -> str:
    """Defined name of an info field, used by formulas and conditional formats."""
    return f"kdcl_{key}"


def build_template(spec: TemplateSpec, path: str | Path) -> Layout:
    """Write the template to `path` atomically and return its layout."""
    layout = build_layout(spec.framework, spec.plan_form, spec.rows or None)
    path = Path(path)
    with atomic_path(path, spec.suffix) as tmp:
        buttons = _write(spec, layout, str(tmp))
        if spec.flavor == "lite":        # last step: nothing may re-save the file after this
            from xlbridge.bridge.bundle import build_main_py, lite_config, requirements_txt
            from xlbridge.bridge.webext import inject
            inject(tmp, lite_config(), build_main_py(buttons), requirements_txt())
    return layout


def _write(spec: TemplateSpec, layout: Layout, filename: str) -> list:
    cfg = config()
    wb = xlsxwriter.Workbook(filename, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "use_future_functions": True})
    wb.set_properties({"title": "Kế hoạch cải tiến chất lượng giáo dục", "subject": spec.nam_hoc,
                       "author": "kdcl", "comments": f"kdcl {__version__}",
                       "created": datetime(2000, 1, 1)})   # fixed: same input, same bytes
    st = Styles(wb, cfg)
    sheets = {k: v for k, v in cfg.sheets.items()}
    guide = wb.add_worksheet(sheets["guide"])
    info = wb.add_worksheet(sheets["info"])
    levels = wb.add_worksheet(sheets["levels"]) if layout.levels else None
    std_ws = [(s, wb.add_worksheet(s.name)) for s in layout.sheets]
    summary = wb.add_worksheet(sheets["summary"])
    check = wb.add_worksheet(sheets["check"])
    report = wb.add_worksheet(sheets["report"])
    meta = wb.add_worksheet(sheets["meta"])

    _meta(meta, spec, layout, cfg, st)
    _info(info, spec, layout, cfg, st, wb)
    buttons: list = []
    for sl, ws in std_ws:
        _standard(ws, sl, layout, cfg, st, spec)
        if spec.flavor != "xlsx":
            buttons.append(_button(ws, sl.name, *button_cell(sl), spec.flavor, "kiem_tra"))
    if spec.flavor != "xlsx":
        buttons.append(_button(report, sheets["report"], *REPORT_BUTTON_CELL, spec.flavor, "tao_bao_cao"))
        buttons.append(_button(report, sheets["report"], *NEXT_YEAR_BUTTON_CELL, spec.flavor, "ke_hoach_nam_sau"))
    summary_formulas.write_summary(summary, wb, layout, cfg, st, spec.school_line)
    if levels is not None:
        levels_sheet.write_levels_sheet(levels, layout, cfg, st, wb)
        levels_sheet.write_level_summary(summary, layout, cfg, st)
        _levels_page(levels, layout, cfg, st)
    _summary_page(summary, layout, cfg, st)
    _check(check, cfg, st)
    live_checks.write_live_checks(wb, {layout.info.sheet: info, **{sl.name: ws for sl, ws in std_ws}}, check, layout, st)
    _report(report, st)
    _guide(guide, spec, layout, cfg, st)
    info.activate()
    if spec.flavor == "xlsm":
        from xlbridge.bridge.xlsm import add_vba
        add_vba(wb)
    wb.close()
    return buttons


def _button(ws: Worksheet, sheet: str, row: int, col: int, flavor: str, action: str):
    """A button: a shape linked to the cell under it (Lite), or a form button calling a VBA macro."""
    from xlbridge.bridge.bundle import Button, lite_config
    cfg = lite_config()
    opts, size = cfg["buttons"][action], cfg["button_size"]
    button = Button(sheet, row, col, action)
    if flavor == "lite":
        ws.insert_textbox(row - 1, col - 1, opts["caption"], {
            "width": size["width"], "height": size["height"], "url": f"internal:{button.address}",
            "tip": opts["tip"],
            "font": {"bold": True, "color": "white", "name": config().font, "size": 11},
            "fill": {"color": "#1F4E78"}, "line": {"none": True},
            "align": {"vertical": "middle", "horizontal": "center"}, "object_position": 3})
    else:
        ws.insert_button(row - 1, col - 1, {"macro": opts["macro"], "caption": opts["caption"],
                                            "width": size["width"], "height": size["height"]})
    return button


def _protect(ws: Worksheet, cfg: Config) -> None:
    ws.protect(cfg.password, PROTECT_OPTIONS)


def _meta(ws: Worksheet, spec: TemplateSpec, layout: Layout, cfg: Config, st: Styles) -> None:
    rows = [
        ("template_id", cfg.template_id), ("template_version", cfg.version),
        ("kdcl_version", __version__), ("framework", layout.framework.id),
        ("circular", layout.framework.number), ("plan_form", layout.plan_form.id),
        ("results_form", layout.results_form.id if layout.results_form else ""),
        ("issues_form", layout.issues_form.id if layout.issues_form else ""),
        ("cap_hoc", spec.cap_hoc), ("nam_hoc", spec.nam_hoc),
        ("sheets", "|".join(s.name for s in layout.sheets)),
    ]
    for r, (k, v) in enumerate(rows):
        ws.write_string(r, 0, k)
        ws.write(r, 1, v)
    ws.write_string(META_PHASES_ROW - 2, 0, "phases")
    for i, ph in enumerate(vocab().phases):
        ws.write_string(META_PHASES_ROW - 1 + i, 1, ph.name)
    summary_formulas.write_status_keys(ws, cfg.sheets["meta"])
    ws.very_hidden()
    _protect(ws, cfg)


def phase_list_range() -> str:
    n = len(vocab().phases)
    return f"='{config().sheets['meta']}'!$B${META_PHASES_ROW}:$B${META_PHASES_ROW + n - 1}"


def phase_order_formula(layout: Layout) -> str:
    """Excel expression: the position of the chosen phase (1 = planning) — for conditional formats."""
    n = len(vocab().phases)
    meta = config().sheets["meta"]
    first, last = META_PHASES_ROW, META_PHASES_ROW + n - 1
    return f"IFERROR(MATCH({info_name('giai_doan')},'{meta}'!$B${first}:$B${last},0),1)"


def _info(ws: Worksheet, spec: TemplateSpec, layout: Layout, cfg: Config, st: Styles, wb) -> None:
    form, il = info_form(), layout.info
    for c, w in INFO_WIDTHS.items():
        ws.set_column(c - 1, c - 1, w)
    ws.write_string(0, 0, form.title, st.title)
    ws.set_row(0, TITLE_HEIGHT)
    ws.write_string(1, 0, "Ô trắng là ô nhập; ô xám đã khóa.", st.subtitle)
    prefill = {"ten_truong": spec.ten_truong, "cap_hoc": spec.cap_hoc, "nam_hoc": spec.nam_hoc,
               "tinh": spec.tinh, "huyen": spec.huyen, "giai_doan": vocab().phases[0].name, **spec.extra_info}
    last = 2
    texts: list[list[object]] = []           # what is written, for the row heights (`sheetfit.info_heights`)
    hint_first, hint_last = INFO_FIELD_SPANS[2]
    for f in form.fields:
        r = il.field_rows[f.key] - 1
        label = f.label + (" *" if f.required else "")
        ws.write_string(r, 0, label, st.label)
        value = prefill.get(f.key, "")
        _put(texts, r + 1, 1, label)
        _put(texts, r + 1, 2, value)
        last = max(last, r + 1)
        if f.kind == "date":
            ws.write_blank(r, 1, None, st.input_date)
            ws.data_validation(r, 1, r, 1, {
                "validate": "date", "criteria": ">", "value": datetime(2000, 1, 1),
                "input_title": f.label[:32], "input_message": (f.hint or "")[:255],
                "error_title": "Ngày không hợp lệ", "error_message": "Ghi ngày dạng ngày/tháng/năm, ví dụ 25/10/2023."})
        else:
            write_text(ws, r, 1, str(value), st.input) if value else ws.write_blank(r, 1, None, st.input)
        if f.list:
            # Phase names contain commas, which an inline list would split: point at the cells of _kdcl instead.
            choices = {"cap_hoc": vocab().cap_hoc_names, "loai_hinh": vocab().loai_hinh_names}.get(f.list, phase_list_range)()
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": choices, "input_title": f.label[:32],
                                            "input_message": (f.hint or "Chọn trong danh sách.")[:255],
                                            "error_title": "Không có trong danh sách",
                                            "error_message": "Chọn một giá trị trong danh sách thả xuống."})
        elif f.hint and f.kind != "date":
            ws.data_validation(r, 1, r, 1, {"validate": "any", "input_title": f.label[:32], "input_message": f.hint[:255]})
        if f.hint:                  # across the columns the lists use: two lines instead of four
            ws.merge_range(r, hint_first - 1, r, hint_last - 1, f.hint, st.hint)
            _put(texts, r + 1, hint_first, f.hint)
        wb.define_name(info_name(f.key), f"='{il.sheet}'!${'B'}${r + 1}")
    for lst in form.lists:
        title_row, header_row, first = (x - 1 for x in il.list_rows[lst.key])
        n = il.list_sizes[lst.key]
        spans = info_list_spans(len(lst.columns))
        ws.write_string(title_row, 0, lst.title, st.bold)
        _put(texts, title_row + 1, 1, lst.title)
        for (a, b), header in zip(spans, ["TT"] + [h for _k, h, _l, _w in lst.columns], strict=True):
            _cell(ws, header_row, a, b, header, st.header)
            _put(texts, header_row + 1, a, header)
        for i in range(n):
            ws.write_number(first + i, 0, i + 1, st.code)
            _put(texts, first + i + 1, 1, i + 1)
            for (a, b), (key, _h, locked, _w) in zip(spans[1:], lst.columns, strict=True):
                if locked and key == "tieu_chuan":
                    _cell(ws, first + i, a, b, layout.framework.standards[i].label, st.code)
                    _put(texts, first + i + 1, a, layout.framework.standards[i].label)
                else:
                    _cell(ws, first + i, a, b, "", st.input)
        last = max(last, first + n)
    for r, h in info_heights({il.sheet: texts}).items():
        ws.set_row(r - 1, h)
    ws.freeze_panes(2, 0)
    printing.apply_plain(ws, {c: float(w) for c, w in INFO_WIDTHS.items()}, last, landscape=True)
    _protect(ws, cfg)


def _cell(ws: Worksheet, row: int, first: int, last: int, text: str, fmt) -> None:
    """`text` (blank when empty) in 0-based `row`, across 1-based columns first..last (merged when more than one)."""
    if last > first:
        ws.merge_range(row, first - 1, row, last - 1, text, fmt)
    elif text:
        ws.write_string(row, first - 1, text, fmt)
    else:
        ws.write_blank(row, first - 1, None, fmt)


def row_height(cells: list[tuple[str, float]], line: float = 15.5) -> float:
    """Points for a row whose wrapped texts fit their columns, `line` points a line (office suites do not
    autofit on load), at the workbooks' font size."""
    return textfit.lines_height(cells, config().font_size, line)


def _write_groups(ws: Worksheet, table: Table, st: Styles, widths: dict[int, float]) -> None:
    """Two-row header: fixed columns merged over both rows, groups over their columns; heights from the texts."""
    assert table.group_row is not None
    g, h = table.group_row - 1, table.header_row - 1
    size = config().font_size
    grouped = {c for _, a, b in table.groups for c in range(a, b + 1)}
    heads = [(p.header, widths[p.index]) for p in table.columns if p.index in grouped]
    spans = [(label, sum(widths[c] for c in range(a, b + 1))) for label, a, b in table.groups]
    ws.set_row(g, max(HEADER_HEIGHTS[0], textfit.row_height(spans, size, bold=True, slack=0)))
    ws.set_row(h, max(textfit.row_height(heads, size, bold=True, slack=0),
                      textfit.row_height([(p.header, widths[p.index]) for p in table.columns if p.index not in grouped],
                                         size, bold=True, slack=0) - HEADER_HEIGHTS[0]))
    for p in table.columns:
        if p.index not in grouped:
            ws.merge_range(g, p.index - 1, h, p.index - 1, p.header, st.header)
        else:
            ws.write_string(h, p.index - 1, p.header, st.header)
    for label, a, b in table.groups:
        if a == b:
            ws.write_string(g, a - 1, label, st.group)
        else:
            ws.merge_range(g, a - 1, g, b - 1, label, st.group)


def _validations(ws: Worksheet, table: Table, layout: Layout, criteria_codes: list[str]) -> None:
    first, last = table.first_row - 1, table.last_row - 1
    statuses = vocab().status_names()
    for p in table.inputs():
        col, c = p.index - 1, p.column
        assert c is not None
        if c.role == "status":
            ws.data_validation(first, col, last, col, {
                "validate": "list", "source": statuses, "input_title": c.header[:32],
                "input_message": (c.hint or "Chọn trong danh sách.")[:255],
                "error_title": "Trạng thái không hợp lệ", "error_message": "Chọn: " + ", ".join(statuses)})
        elif c.role == "criterion" and criteria_codes:
            ws.data_validation(first, col, last, col, {
                "validate": "list", "source": criteria_codes, "input_title": c.header[:32],
                "input_message": (c.hint or "Chọn mã tiêu chí.")[:255],
                "error_title": "Mã tiêu chí không hợp lệ", "error_message": "Chọn mã trong danh sách."})
        elif c.hint:
            ws.data_validation(first, col, last, col, {"validate": "any", "input_title": c.header[:32],
                                                       "input_message": c.hint[:255]})


def _sheet_head(ws: Worksheet, sl: SheetLayout, cfg: Config, st: Styles, spec: TemplateSpec) -> None:
    """Title, school line and the tool's status line: on screen only (the page header prints title and
    school; the status line is above the print area)."""
    ws.write_string(0, 0, sl.title, st.title)
    ws.write_formula(1, 0, f'="Trường: "&{info_name("ten_truong")}&" — Năm học "&{info_name("nam_hoc")}', st.subtitle,
                     spec.school_line)
    ws.write_string(SHEET_STATUS_CELL[0] - 1, SHEET_STATUS_CELL[1] - 1, cfg.labels["status_cell"], st.status)


Grid = dict[str, list[list[object]]]


def _put(grid: list[list[object]], row: int, col: int, value: object) -> None:
    """Record a text the builder writes (1-based), for the row-height estimate."""
    while len(grid) < row:
        grid.append([])
    line = grid[row - 1]
    line += [None] * (col - len(line))
    line[col - 1] = value


def _standard(ws: Worksheet, sl: SheetLayout, layout: Layout, cfg: Config, st: Styles, spec: TemplateSpec) -> None:
    _sheet_head(ws, sl, cfg, st, spec)
    plan = sl.table("plan")
    assert plan is not None
    widths = column_widths(sl)
    for idx, w in widths.items():
        ws.set_column(idx - 1, idx - 1, w)
    texts: list[list[object]] = []
    if layout.framework.layout == "theo-tieu-chi":
        _write_groups(ws, plan, st, widths)
        for block in plan.criteria:
            r = block.header_row - 1
            label = criterion_row_label(block.criterion)
            ws.write_string(r, 0, block.criterion.code, st.criterion)
            span = label_span(sl)          # the title runs across the plan columns: one or two lines, not six
            ws.merge_range(r, 1, r, span - 1, label, st.criterion) if span > 2 else ws.write_string(r, 1, label,
                                                                                                  st.criterion)
            _put(texts, r + 1, 1, block.criterion.code)
            _put(texts, r + 1, 2, label)
            for p in plan.inputs():      # hidden under the merge, or the band beyond it; what a row inserted below gets
                ws.write_blank(r, p.index - 1, None, st.criterion_open)
            for row in block.item_rows:
                ws.write_string(row - 1, 0, block.criterion.code, st.code_open)
                _put(texts, row, 1, block.criterion.code)
                ws.write_blank(row - 1, 1, None, st.code_open)
                for p in plan.inputs():
                    ws.write_blank(row - 1, p.index - 1, None, st.input)
        _validations(ws, plan, layout, [])
        ws.freeze_panes(plan.header_row, 2)
    else:
        _priority_tables(ws, sl, layout, cfg, st, texts)
        ws.freeze_panes(FIRST_TABLE_ROW - 1, 2)
    item_rows = _item_rows(sl)
    heights = standard_heights({sl.name: texts}, sl)
    for r, h in heights.items():
        ws.set_row(r - 1, h, st.row_open if r in item_rows else None)
    printing.apply_standard(ws, standard_plan(sl), plan.last_row + 1, standard_breaks(sl, heights), sl.title,
                            spec.school_line)
    _protect(ws, cfg)


def _item_rows(sl: SheetLayout) -> set[int]:
    """Rows users write in (unlocked across the whole row, so that they can be deleted)."""
    out: set[int] = set()
    for t in sl.tables:
        if t.criteria:
            out |= {r for b in t.criteria for r in b.item_rows}
        else:
            out |= set(range(t.first_row, t.last_row + 1))
    return out


def _priority_tables(ws: Worksheet, sl: SheetLayout, layout: Layout, cfg: Config, st: Styles,
                     texts: list[list[object]]) -> None:
    labels = cfg.labels
    widths = column_widths(sl)
    first_ref = sl.reference_rows[0][0] - 1          # 0-based row of the first criterion
    ws.write_string(first_ref - 2, 0, labels["reference"], st.bold)
    for j, h in enumerate(labels["reference_header"]):
        ws.write_string(first_ref - 1, j, h, st.header)
    ws.set_row(first_ref - 1, textfit.row_height([(h, widths.get(j + 1, 10)) for j, h in
                                                  enumerate(labels["reference_header"])], cfg.font_size, True, 0))
    for row, crit in sl.reference_rows:
        r = row - 1
        title = crit.title + (f" {labels['unverified']}" if not crit.verified else "")
        for j, v in enumerate((crit.code, title, "Bắt buộc" if crit.mandatory else "", crit.muc1 or "", crit.muc2 or "")):
            ws.write_string(r, j, v, st.criterion)
            _put(texts, row, j + 1, v)
    codes = [c.code for _, c in sl.reference_rows]
    for table in sl.tables:
        assert table.marker_row is not None and table.marker is not None      # each table opens with its title row
        ws.write_string(table.marker_row - 1, 0, table.marker, st.bold)
        _put(texts, table.marker_row, 1, table.marker)
        if table.group_row:
            _write_groups(ws, table, st, widths)
        else:
            for p in table.columns:
                ws.write_string(table.header_row - 1, p.index - 1, p.header, st.header)
            ws.set_row(table.header_row - 1, textfit.row_height([(p.header, widths[p.index]) for p in table.columns],
                                                                cfg.font_size, True, 0))
        for i, row in enumerate(range(table.first_row, table.last_row + 1)):
            ws.write_number(row - 1, 0, i + 1, st.code_open)
            for p in table.inputs():
                ws.write_blank(row - 1, p.index - 1, None, st.input)
        _validations(ws, table, layout, codes)


def _summary_page(ws: Worksheet, layout: Layout, cfg: Config, st: Styles) -> None:
    """Row heights and print setup of "Tổng hợp" (the formulas are in `summary_formulas`)."""
    headers = summary_formulas.summary_headers()
    widths = summary_widths(len(headers))
    size = cfg.font_size
    ws.set_row(0, TITLE_HEIGHT)
    ws.set_row(SUMMARY_HEADER_ROW - 1, textfit.row_height([(h, widths[j + 1]) for j, h in enumerate(headers)],
                                                          size, bold=True, slack=0))
    note = SUMMARY_HEADER_ROW + len(layout.sheets) + 2          # 0-based row of the note
    ws.set_row(note, textfit.row_height([(summary_formulas.note_text(), sum(widths.values()))], size))
    for r, h in summary_heights({}, layout).items():
        ws.set_row(r - 1, h)
    ws.protect(cfg.password, {"format_cells": True, "format_columns": True, "format_rows": True,
                              "select_locked_cells": True, "select_unlocked_cells": True})
    printing.apply_plain(ws, widths, summary_formulas.chart_row(layout) + summary_formulas.CHART_ROWS, landscape=True)


def _levels_page(ws: Worksheet, layout: Layout, cfg: Config, st: Styles) -> None:
    """The level sheet at a readable scale, its criterion titles on rows tall enough (written by levels_sheet)."""
    ll = layout.levels
    assert ll is not None
    widths = levels_sheet.WIDTHS
    ws.set_row(0, TITLE_HEIGHT)
    intro = cfg.labels["levels_intro"]            # written by levels_sheet into A3: spread over the table
    ws.merge_range(2, 0, 2, len(widths) - 1, intro, st.hint)
    header = [(h, widths[j + 1]) for j, h in enumerate(cfg.labels["levels_header"])]
    heights = {1: TITLE_HEIGHT, 2: textfit.row_height([], cfg.font_size),
               3: textfit.row_height([(intro, sum(widths.values()))], cfg.font_size, slack=0),
               ll.header_row: textfit.row_height(header, cfg.font_size, bold=True, slack=0)}
    if ll.level4_title_row:
        heights[ll.level4_title_row] = textfit.row_height([], cfg.font_size)
    for row, crit in ll.rows:
        heights[row] = textfit.row_height([(levels_sheet.criterion_text(crit, cfg.labels), widths[2])],
                                          cfg.font_size, bold=levels_sheet.title_is_bold(crit))
    for r, h in heights.items():
        if r != 2 and r != ll.level4_title_row:        # (those two: one line, as a suite sizes it)
            ws.set_row(r - 1, h)
    # the Mức 4 part starts a page rather than leave its title alone at the foot of one
    blocks = [ll.level4_title_row] if ll.level4_title_row else []
    printing.apply_plain(ws, widths, ll.rows[-1][0], landscape=True, repeat_rows=(ll.header_row, ll.header_row),
                         rows=(heights, blocks))


def _check(ws: Worksheet, cfg: Config, st: Styles) -> None:
    """The findings sheet: left unprotected, it is output only (the bridge writes here)."""
    ws.write_string(0, 0, "KẾT QUẢ KIỂM TRA SỔ KẾ HOẠCH", st.title)
    ws.set_row(0, TITLE_HEIGHT)
    ws.write_string(CHECK_STATUS_CELL[0] - 1, CHECK_STATUS_CELL[1] - 1, cfg.labels["status_cell"], st.status_print)
    for j, (_key, header, width) in enumerate(CHECK_COLUMNS):
        ws.write_string(CHECK_HEADER_ROW - 1, j, header, st.header)
        ws.set_column(j, j, width)
    ws.set_row(CHECK_HEADER_ROW - 1, textfit.row_height([(h, w) for _k, h, w in CHECK_COLUMNS], cfg.font_size, True, 0))
    ws.freeze_panes(CHECK_HEADER_ROW, 0)
    widths = {j + 1: float(w) for j, (_k, _h, w) in enumerate(CHECK_COLUMNS)}
    printing.apply_plain(ws, widths, CHECK_HEADER_ROW + cfg.rows["check_findings"] + 1, landscape=True,
                         repeat_rows=(CHECK_HEADER_ROW, CHECK_HEADER_ROW))


def _report(ws: Worksheet, st: Styles) -> None:
    """The generated report text: unprotected, so staff can edit it after generating."""
    ws.set_column(0, 0, REPORT_WIDTH)   # fits A4 portrait at 100 %
    ws.write_string(0, 0, "BÁO CÁO (các phần văn bản sinh từ dữ liệu của sổ; có thể sửa sau khi sinh)", st.title)
    ws.set_row(0, TITLE_HEIGHT)
    printing.apply_plain(ws, {1: float(REPORT_WIDTH)}, 1000, landscape=False)


def guide_lines(spec: TemplateSpec, layout: Layout, cfg: Config) -> list[tuple[str, str]]:
    """("heading" | "line" | "blank", text) of the guide, for the framework's layout of the standard sheets."""
    data = load_yaml(find("texts", "huong-dan.yaml"))
    fw = layout.framework
    values = {"nam_hoc": spec.nam_hoc, "thong_tu": f"Thông tư {fw.number}", "cap_hoc": spec.cap_hoc,
              "info": cfg.sheets["info"], "check": cfg.sheets["check"], "summary": cfg.sheets["summary"],
              "template_id": cfg.template_id, "version": cfg.version, "framework_id": fw.id,
              "statuses": " / ".join(vocab().status_names())}
    out: list[tuple[str, str]] = []
    for sec in data["sections"]:
        out.append(("heading", sec["heading"]))
        for line in sec["lines"]:
            if isinstance(line, dict):
                if fw.layout not in line["layout"]:
                    continue
                line = line["text"]
            out.append(("line", line.format(**values)))
        out.append(("blank", ""))
    return out


def _guide(ws: Worksheet, spec: TemplateSpec, layout: Layout, cfg: Config, st: Styles) -> None:
    data = load_yaml(find("texts", "huong-dan.yaml"))
    ws.set_column(0, 0, GUIDE_WIDTH)
    ws.write_string(0, 0, data["title"], st.title)
    ws.set_row(0, TITLE_HEIGHT)
    r = 2
    for kind, text in guide_lines(spec, layout, cfg):
        if kind != "blank":
            ws.write_string(r, 0, text, st.bold if kind == "heading" else st.text)
            ws.set_row(r, textfit.row_height([(text, GUIDE_WIDTH)], cfg.font_size, bold=kind == "heading", slack=0))
        r += 1
    printing.apply_plain(ws, {1: float(GUIDE_WIDTH)}, r, landscape=False)
    _protect(ws, cfg)


def cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row - 1, col - 1)

"""Where everything sits in a kdcl workbook, computed from the data files.

The template builder writes to these positions and the reader looks for them, so both agree by
construction. Rows are 1-based, columns 1-based (A = 1), as in Excel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from xlbridge.data.catalog import Criterion, Framework
from xlbridge.data.files import Checker, cached, find, load_yaml
from xlbridge.data.forms import Column, Form, get_form, info_form

FIRST_TABLE_ROW = 5     # rows 1-3: title, school line, check status; row 4 blank
SUMMARY_HEADER_ROW = 4  # "Tổng hợp": header row; one row per standard sheet below, then the total
CHECK_HEADER_ROW = 4    # "Kiểm tra": findings start on the next row
CHECK_STATUS_CELL = (2, 1)   # "Kiểm tra": the one-line result of the last check
SHEET_STATUS_CELL = (3, 1)   # each standard sheet: the same line, under the school line
REPORT_FIRST_ROW = 3    # "Báo cáo": generated paragraphs from this row down, one per row, in column A
REPORT_BUTTON_CELL = (2, 2)   # "Báo cáo": cell under the "Tạo báo cáo Word" button (right of the text column)
NEXT_YEAR_BUTTON_CELL = (4, 2)  # "Báo cáo": cell under the "Lập sổ năm học sau" button
CODE_WIDTH, LABEL_WIDTH, TT_WIDTH = 7, 26, 6   # fixed columns of the standard sheets
INFO_WIDTHS = {1: 28, 2: 48, 3: 30, 4: 22, 5: 32}   # "Thông tin": label, value, hint; lists use A..E
GUIDE_WIDTH = 95        # "Hướng dẫn": one text column (A4 portrait at 100 %)
REPORT_WIDTH = 95       # "Báo cáo": one text column (A4 portrait)
SUMMARY_FIRST_WIDTH, SUMMARY_WIDTH = 24, 11   # "Tổng hợp": the standard column, then the figures
CHECK_COLUMNS = [       # "Kiểm tra", left to right: key, header, width (A4 landscape at 85 %)
    ("n", "STT", 6), ("severity", "Mức độ", 10), ("sheet", "Trang tính", 14), ("cell", "Ô", 8), ("message", "Nội dung", 60),
    ("hint", "Cách sửa", 50), ("rule", "Mã quy tắc", 10),
]


def check_column(key: str) -> int:
    """1-based column of "Kiểm tra" holding `key` ("cell" is the one that links to the cell)."""
    return next(i for i, (k, _h, _w) in enumerate(CHECK_COLUMNS, 1) if k == key)


def column_letter(index: int) -> str:
    """1 → "A", 28 → "AB" (kept here so that the core needs no Excel library)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" → 1, "AB" → 28: the inverse of `column_letter`."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


MAX_ROW, MAX_COL = 1_048_576, 16_384     # Excel's grid
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})", re.IGNORECASE)


def parse_a1(ref: object) -> tuple[int, int] | None:
    """ "C7" (or "$C$7") → (7, 3): the inverse of `column_letter` + row; None for anything else — a range,
    "ZZZZ0", "A-5", a formula, a cell outside Excel's grid: a reference read from a workbook (the "Kiểm tra"
    sheet, a merge, a comment) is checked here before anything uses it."""
    m = _A1.fullmatch(ref.strip()) if isinstance(ref, str) else None
    if m is None:
        return None
    row, col = int(m[2]), column_index(m[1].upper())
    return (row, col) if row <= MAX_ROW and col <= MAX_COL else None


@dataclass(frozen=True)
class Config:
    template_id: str
    version: int
    password: str
    font: str
    font_size: int
    sheets: dict[str, str]
    rows: dict[str, int]
    colors: dict[str, str]
    labels: dict


@cached
def config() -> Config:
    path = find("", "workbook.yaml")
    c = Checker(path, load_yaml(path))
    return Config(c.get("template_id", str), c.get("version", int), c.get("protection_password", str),
                  c.get("font", str), c.get("font_size", int), c.get("sheets", dict), c.get("rows", dict),
                  {k: str(v) for k, v in c.get("colors", dict).items()}, c.get("labels", dict))


@dataclass(frozen=True)
class Placed:
    """A column placed on a sheet: a form column, or one of the fixed ones (code, label, tt)."""
    index: int
    kind: str                      # "code" | "label" | "tt" | "input"
    header: str
    column: Column | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def form_column(self) -> Column:
        """The form column of an input placement (`Table.inputs()`); the fixed columns have none."""
        assert self.column is not None, f"{self.kind} column {self.letter} has no form column"
        return self.column


@dataclass(frozen=True)
class CriterionBlock:
    criterion: Criterion
    header_row: int
    item_rows: tuple[int, ...]


@dataclass(frozen=True)
class Table:
    """A table on a sheet: optional marker (section title) row, optional group row, header row."""
    key: str                        # "plan" | "issues"
    marker_row: int | None
    marker: str | None
    group_row: int | None
    header_row: int
    first_row: int
    last_row: int
    columns: tuple[Placed, ...]
    groups: tuple[tuple[str, int, int], ...] = ()        # (label, first col, last col)
    criteria: tuple[CriterionBlock, ...] = ()

    def inputs(self) -> tuple[Placed, ...]:
        """The input columns, computed once per table (asked for every row a reader looks at)."""
        return self._inputs

    @cached_property
    def _inputs(self) -> tuple[Placed, ...]:       # a frozen dataclass still has a __dict__ for the cache
        return tuple(p for p in self.columns if p.kind == "input")

    def by_key(self, key: str) -> Placed:
        return next(p for p in self.columns if p.column is not None and p.column.key == key)


@dataclass(frozen=True)
class SheetLayout:
    name: str
    kind: str                       # "standard" | "level4"
    standard: int                   # 0 for Mức 4
    title: str
    tables: tuple[Table, ...]
    reference_rows: tuple[tuple[int, Criterion], ...] = ()

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def width(self) -> int:
        return max(p.index for t in self.tables for p in t.columns)


@dataclass(frozen=True)
class InfoLayout:
    sheet: str
    field_rows: dict[str, int]                  # key -> row (label in A, value in B)
    list_rows: dict[str, tuple[int, int, int]]  # key -> (title row, header row, first row); last = first+n-1
    list_sizes: dict[str, int]


@dataclass(frozen=True)
class LevelsLayout:
    """The "Mức đánh giá" sheet: one row per criterion (then the Mức 4 list), level cells in fixed columns."""
    sheet: str
    header_row: int
    rows: tuple[tuple[int, Criterion], ...]       # (row, criterion), main criteria first, then Mức 4 items
    level4_title_row: int | None = None
    # columns (1-based): code, title, highest level, current, target, plan items, hidden helpers
    code_col: int = 1
    title_col: int = 2
    top_col: int = 3
    current_col: int = 4
    target_col: int = 5
    items_col: int = 6
    num_col: int = 8           # current level as a number (formula), "" when not given or not readable
    eff_col: int = 9           # the level that counts for the school's level (formula)
    top_num_col: int = 10      # highest level as a number
    flag_col: int = 11         # 1 for a mandatory criterion (TT57), else 0 (office suites differ on "<>x" over blanks)

    def row_of(self, code: str) -> int | None:
        return next((r for r, c in self.rows if c.code == code), None)

    @property
    def main_rows(self) -> list[int]:
        return [r for r, c in self.rows if c.standard != 0]

    @property
    def level4_rows(self) -> list[int]:
        return [r for r, c in self.rows if c.standard == 0]


@dataclass(frozen=True)
class Layout:
    framework: Framework
    plan_form: Form
    results_form: Form | None
    issues_form: Form | None
    info: InfoLayout
    sheets: tuple[SheetLayout, ...] = field(default=())
    levels: LevelsLayout | None = None

    @property
    def reviews(self):
        forms = [f for f in (self.plan_form, self.results_form) if f is not None]
        return [r for f in forms for r in f.reviews]

    def form_columns(self) -> list[Column]:
        forms = [f for f in (self.plan_form, self.results_form) if f is not None]
        return [c for f in forms for c in f.columns]

    @cached_property
    def column_by_key(self) -> dict[str, Column]:
        """Every form column by its key (the reader asks for each item)."""
        return {c.key: c for c in self.form_columns()}

    def sheet(self, name: str) -> SheetLayout | None:
        return next((s for s in self.sheets if s.name == name), None)


def _groups(start: int, forms: list[Form], labels: dict[str, str]) -> tuple[tuple[str, int, int], ...]:
    """Two-row header groups: the plan part under its form's group label, each review under its label."""
    groups, col = [], start
    for form in forms:
        plan = form.plan_columns()
        if plan:
            groups.append((form.group, col, col + len(plan) - 1))
            col += len(plan)
        for review in form.reviews:
            n = len(form.review_columns(review.id))
            label = labels.get(review.id, review.label) if form.part != "results" else form.group
            groups.append((label, col, col + n - 1))
            col += n
    return tuple(groups)


def _ordered(forms: list[Form]) -> list[Column]:
    """Plan columns first, then each review's columns, in form order."""
    out: list[Column] = []
    for form in forms:
        out += form.plan_columns()
        for review in form.reviews:
            out += form.review_columns(review.id)
    return out


def _by_criterion_sheet(name: str, kind: str, number: int, title: str, criteria, forms, cfg: Config) -> SheetLayout:
    labels = cfg.labels
    cols = [Placed(1, "code", labels["code"]), Placed(2, "label", labels["criterion"])]
    cols += [Placed(3 + i, "input", c.header, c) for i, c in enumerate(_ordered(forms))]
    group_row, header_row = FIRST_TABLE_ROW, FIRST_TABLE_ROW + 1
    row, blocks = header_row + 1, []
    for crit in criteria:
        items = tuple(range(row + 1, row + 1 + cfg.rows["per_criterion"]))
        blocks.append(CriterionBlock(crit, row, items))
        row = items[-1] + 1
    table = Table("plan", None, None, group_row, header_row, header_row + 1, row - 1, tuple(cols),
                  _groups(3, forms, {}), tuple(blocks))
    return SheetLayout(name, kind, number, title, (table,))


def _priority_sheet(name: str, number: int, title: str, criteria, plan: Form, issues: Form | None,
                    cfg: Config) -> SheetLayout:
    labels, row = cfg.labels, FIRST_TABLE_ROW
    ref_rows = tuple((row + 1 + i, c) for i, c in enumerate(criteria))
    row = row + 1 + len(criteria) + 2
    tables = []
    if issues is not None:
        cols = [Placed(1, "tt", labels["tt"])] + [Placed(2 + i, "input", c.header, c) for i, c in enumerate(issues.columns)]
        n = cfg.rows["issues_per_standard"]
        tables.append(Table("issues", row, issues.group, None, row + 1, row + 2, row + 1 + n, tuple(cols)))
        row = row + 2 + n + 1
    cols = [Placed(1, "tt", labels["tt"])] + [Placed(2 + i, "input", c.header, c) for i, c in enumerate(_ordered([plan]))]
    n = cfg.rows["plan_per_standard"]
    # The marker row already names the plan part ("V. KẾ HOẠCH …"): only the reviews are header groups.
    reviews = tuple(g for g in _groups(2, [plan], {}) if g[0] != plan.group)
    tables.append(Table("plan", row, plan.group, row + 1, row + 2, row + 3, row + 2 + n, tuple(cols), reviews))
    return SheetLayout(name, "standard", number, title, tuple(tables), ref_rows)


def _info(fw: Framework) -> InfoLayout:
    form = info_form()
    field_rows = {f.key: 3 + i for i, f in enumerate(form.fields)}
    row = 3 + len(form.fields) + 1
    list_rows, sizes = {}, {}
    for lst in form.lists:
        n = len(fw.standards) if lst.rows == "per-standard" else int(lst.rows)
        list_rows[lst.key] = (row, row + 1, row + 2)
        sizes[lst.key] = n
        row += 2 + n + 1
    return InfoLayout(form.sheet, field_rows, list_rows, sizes)


LEVELS_HEADER_ROW = 4


def _levels(fw: Framework, cfg: Config) -> LevelsLayout | None:
    if fw.level_rule is None:
        return None
    main = [c for s in fw.standards for c in s.criteria]
    row = LEVELS_HEADER_ROW + 1
    rows = [(row + i, c) for i, c in enumerate(main)]
    level4_title = None
    if fw.level4:
        level4_title = row + len(main) + 1
        rows += [(level4_title + 1 + i, c) for i, c in enumerate(fw.level4)]
    return LevelsLayout(cfg.sheets["levels"], LEVELS_HEADER_ROW, tuple(rows), level4_title)


@cached
def _built() -> dict[tuple[str, str | None], Layout]:
    """Layouts built so far; emptied with every other cache when the data files are re-read (files.reload)."""
    return {}


def build_layout(fw: Framework, plan_form_id: str | None = None, rows: dict[str, int] | None = None) -> Layout:
    """The layout of a workbook for a framework; `plan_form_id` picks a variant table form, `rows`
    overrides row counts of workbook.yaml (a carried or imported plan that needs more input rows).
    A Layout is immutable, so the usual one (no `rows`) is built once per framework and form and shared: a
    consolidation reads thousands of workbooks of a few kinds."""
    if rows:
        return _build_layout(fw, plan_form_id, rows)
    key = (fw.id, plan_form_id)
    built = _built().get(key)
    if built is None or built.framework is not fw:
        built = _built()[key] = _build_layout(fw, plan_form_id, None)
    return built


def _build_layout(fw: Framework, plan_form_id: str | None, rows: dict[str, int] | None) -> Layout:
    cfg = config()
    if rows:
        cfg = replace(cfg, rows={**cfg.rows, **rows})
    plan = get_form(plan_form_id or fw.forms["plan"])
    results = None
    if plan.part == "plan" and fw.forms.get("results"):
        results = get_form(fw.forms["results"])
    issues = get_form(fw.forms["issues"]) if fw.forms.get("issues") else None
    forms = [f for f in (plan, results) if f is not None]
    sheets = []
    for std in fw.standards:
        name = cfg.sheets["standard"].format(n=std.number)
        title = f"TIÊU CHUẨN {std.number}: {std.title.upper()}"
        if fw.layout == "theo-tieu-chi":
            sheets.append(_by_criterion_sheet(name, "standard", std.number, title, std.criteria, forms, cfg))
        else:
            sheets.append(_priority_sheet(name, std.number, title, std.criteria, plan, issues, cfg))
    if fw.level4:
        sheets.append(_by_criterion_sheet(cfg.sheets["level4"], "level4", 0,
                                          "MỨC 4: CÁC YÊU CẦU ĐÁNH GIÁ TRƯỜNG ĐẠT MỨC 4", fw.level4, forms, cfg))
    return Layout(fw, plan, results, issues, _info(fw), tuple(sheets), _levels(fw, cfg))


def criterion_row_label(crit: Criterion) -> str:
    """The locked text of a criterion's header row; the reader compares against the same text."""
    mark = f" {config().labels['unverified']}" if not crit.verified else ""
    return f"{crit.label}: {crit.title}{mark}"


def summary_labels() -> dict[str, str]:
    """Column titles of "Tổng hợp" by key (standard, items, no_status, completion, budget, overdue, total)."""
    return dict(config().labels["summary"])


def summary_headers(statuses: list[str]) -> list[str]:
    """The header row of "Tổng hợp", left to right: the standard, items, one column per status, then the rest."""
    lab = summary_labels()
    return [lab["standard"], lab["items"], *statuses, lab["no_status"], lab["completion"], lab["budget"], lab["overdue"]]


def summary_positions(layout: Layout, n_statuses: int) -> dict[str, int]:
    """1-based cells of "Tổng hợp", in the order of `summary_headers`: per-standard rows, the total row,
    each column, and the row kdcl stamps."""
    first_status = 3                     # A standard, B items, C.. statuses, then "chưa cập nhật", then %
    pct = first_status + n_statuses + 1
    first = SUMMARY_HEADER_ROW + 1
    total = first + len(layout.sheets)
    return {"first_row": first, "total_row": total, "items_col": 2, "first_status_col": first_status,
            "no_status_col": pct - 1, "pct_col": pct, "money_col": pct + 1, "overdue_col": pct + 2, "stamp_row": total + 3}


def level_summary_rows(layout: Layout) -> dict[str, int]:
    """1-based rows of the school-level block on "Tổng hợp" (label in A, value in B), below the stamp."""
    from xlbridge.data.vocab import vocab
    start = summary_positions(layout, len(vocab().statuses))["stamp_row"] + 2
    keys = ("title", "current", "planned", "achieved", "chuan_quoc_gia", "blocking", "note")
    return {k: start + i for i, k in enumerate(keys)}
def level_block_merges(layout: Layout) -> list[tuple[int, int]]:
    """(1-based row, first column) of the cells of the level block on "Tổng hợp", merged to the
    table's width so that their texts print on a line or two instead of down a narrow column."""
    if layout.levels is None:
        return []
    pos = level_summary_rows(layout)
    return [(pos[k], 2) for k in ("current", "planned", "achieved", "chuan_quoc_gia", "blocking")] + [(pos["note"], 1)]


def column_widths(sl: SheetLayout) -> dict[int, float]:
    """Width (characters) of every column of a standard sheet: the widest use of the column by any
    of its tables (on a TT57 sheet the issues table and the plan table share the columns)."""
    widths: dict[int, float] = {}
    for t in sl.tables:
        for p in t.columns:
            w = {"code": CODE_WIDTH, "label": LABEL_WIDTH, "tt": TT_WIDTH}.get(p.kind) if p.column is None else p.column.width
            widths[p.index] = max(widths.get(p.index, 0), float(w or 0))
    if sl.reference_rows:          # TT57: code, title, mandatory, Mức 1, Mức 2
        widths[1] = max(widths.get(1, 0), CODE_WIDTH)
    return widths


def button_cell(sheet: SheetLayout) -> tuple[int, int]:
    """1-based cell under the "Kiểm tra" button of a standard sheet (row 2, last table column):
    covered by the button, so only clicking the button selects it."""
    return 2, sheet.width

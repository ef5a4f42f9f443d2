"""Checks that live in the workbook itself, for schools without the add-in (Excel 2016/2019, WPS, LibreOffice).

Every rule of `xlbridge.core.rules` whose condition fits a cell formula gets one here, generated from the same
data the rule reads (the form columns' `required` / `required_if_status` / roles, the vocabulary's phases,
statuses and placeholder words, the text limit of the cell rules): a conditional format at the cell, and a line
on the Kiểm tra sheet with its live count ("n lỗi cần sửa") and the first row concerned. Those lines sit to the
right of the findings the button writes, which it never clears. The other rules need the button or `kiem-tra`.

An expression is written once as a function of `ref(letter)`; the same text then serves the conditional format
(one cell, relative row) and the count (whole column range inside an array formula), so they cannot disagree.

The fills mark errors only, the way `kiem-tra` sees them at the workbook's Giai đoạn: an empty required cell
(TT01, KH01 — plan columns while planning —, KH06, KQ01, KQ04, KQ05) in the "missing" colour, a formula, an error value
or a text too long (O01–O03) in the "error" colour; an optional cell, a results column at the planning stage or a
plan column of a results-only workbook is never shaded. Why: the fills must not print, and only Microsoft Excel
honours the page setup's "black and white" (`xlbridge.template.printing`); LibreOffice and WPS print cell fills,
conditional ones included, and have no setting an .xlsx can carry to stop it. So a workbook that passes the check
shows no fill, on screen or on paper, in every suite, while an unfinished one shows on screen what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from xlbridge.core.rules.cells import MAX_TEXT
from xlbridge.core.vntext import fold
from xlbridge.data.files import find, load_yaml
from xlbridge.data.forms import Column, info_form
from xlbridge.data.vocab import vocab
from xlbridge.layout import CHECK_COLUMNS, CHECK_HEADER_ROW, Layout, Placed, Table, column_letter

Ref = Callable[[str], str]                 # column letter -> a cell ("C7") or a range ("$C$7:$C$60")
# KH02 is not live: it depends on the whole workbook (none for a results-only book, where KH08 says it once)
LIVE_RULES = ("TT01", "KH01", "KQ01", "KQ04", "KQ05", "O01", "O02", "O03")
FIRST_COL = len(CHECK_COLUMNS) + 2         # one empty column after the findings the button writes
HELPER_COL = FIRST_COL + 7                 # hidden: one count and one first row per check of a line
NONE = 10**6                               # "no row" in the first-row formulas


@dataclass(frozen=True)
class LiveCheck:
    """One live rule on one block of rows of one sheet."""
    rule: str
    sheet: str
    first_row: int
    last_row: int
    flag: str | None                       # column whose cells get the conditional format (None: count only)
    expr: Callable[[Ref], str]             # 1 where the rule fires, 0 elsewhere (array-safe arithmetic)
    mark: str = "error"                    # the fill: "missing" (an empty required cell) or "error" (workbook colours)
    counted: bool = True                   # False: a fill only, no line on the Kiểm tra sheet

    def ref(self, letter: str, whole: bool) -> str:
        if whole:
            return f"'{self.sheet}'!${letter}${self.first_row}:${letter}${self.last_row}"
        return f"{letter}{self.first_row}"

    def _fires(self, whole: bool) -> str:
        """1/0 per cell or row; an error anywhere in the expression counts as "does not fire"."""
        return f"IFERROR(({self.expr(lambda x: self.ref(x, whole))})*1,0)"

    def cell_formula(self) -> str:
        return f"={self._fires(False)}>0"

    def count_formula(self) -> str:
        return f"=SUM({self._fires(True)})"

    def first_row_formula(self) -> str:
        """The first row where it fires; NONE (10^6) where it does not (an array formula, as the count)."""
        return f"=MIN(IF({self._fires(True)}>0,ROW({self.ref('A', True)}),{NONE}))"


def _words(names: list[str]) -> str:
    """An array constant of the words and their unaccented forms (MATCH ignores case, not diacritics)."""
    out = list(dict.fromkeys([w for n in names for w in (n, fold(n))]))
    return "{" + ",".join('"' + w.replace('"', '""') + '"' for w in out) + "}"


def _formula(cell: str) -> str:
    """1 for a formula; an error value typed or pasted is none (LibreOffice keeps it as the formula "=#N/A").
    FORMULATEXT of a constant is #N/A, hence 0."""
    return f"IFERROR(LEFT(FORMULATEXT({cell}),2)<>\"=#\",0)"


def _visible(cell: str) -> str:
    return f"TRIM(SUBSTITUTE({cell},UNICHAR(160),\" \"))"


def _empty(cell: str) -> str:
    """The reader's `empty`: nothing visible, and neither a formula nor an error (an error gives 0 here)."""
    return f"(LEN({_visible(cell)})=0)*(1-{_formula(cell)})"


def _placeholders() -> list[str]:
    """The placeholder words as written in the data file (the vocabulary keeps them folded)."""
    path = find("vocab", "placeholders.yaml")
    return [str(w) for w in load_yaml(path)["placeholders"]]


def _blank(cell: str) -> str:
    """The rules' `blank` of a required text: empty or a placeholder word ("Không", "/"…), neither a formula nor an
    error (ISNUMBER of an error is FALSE)."""
    return f"ISNUMBER(MATCH({_visible(cell)},{_words(['', *_placeholders()])},0))*(1-{_formula(cell)})"


def _content(table: Table, ref: Ref) -> str:
    """The row is an item: any input holds something, an error value included (as the reader decides). A sum of
    lengths, not one length of the joined cells: LibreOffice garbles a joined array once one element is an error."""
    terms = "+".join(f"IF(ISERROR({ref(p.letter)}),1,LEN(TRIM({ref(p.letter)})))" for p in table.inputs())
    return f"(({terms})>0)"


def reads_as(cell: str, words: list[str]) -> str:
    """1 when the text in `cell` is one of `words` (any case, with or without diacritics), else 0. Functions of
    Excel 2007 only: openpyxl writes no _xlfn prefixes."""
    return f"IFERROR(ISNUMBER(MATCH(TRIM({cell}),{_words(words)},0)),0)"


def is_one_of(cell: str, words: list[str]) -> str:
    """`reads_as`, and typed (a formula giving one of the words is not the word)."""
    return f"{reads_as(cell, words)}*(1-{_formula(cell)})"


def _status_is(cell: str, names: tuple[str, ...]) -> str:
    """The status cell means one of `names` (exact name or alias, with or without diacritics)."""
    statuses = [s for s in vocab().statuses if s.name in names]
    return is_one_of(cell, [w for s in statuses for w in (s.name, *s.aliases)])


def _phase(layout: Layout) -> str:
    from xlbridge.template.builder import phase_order_formula  # builder calls this module: import at use
    return phase_order_formula(layout)


def _column(p: Placed) -> Column:
    assert p.column is not None, p      # inputs() holds input columns only
    return p.column


def table_checks(layout: Layout, sheet: str, table: Table, guard: str | None) -> list[LiveCheck]:
    """The live rules of one plan table (`guard`: column that is empty on item rows, e.g. B in theo-tieu-chi)."""
    orders = {p.id: i + 1 for i, p in enumerate(vocab().phases)}
    phase = _phase(layout)

    def item(ref: Ref) -> str:
        return _content(table, ref) + (f"*({ref(guard)}=\"\")" if guard else "")

    inputs = [(p, _column(p)) for p in table.inputs()]
    plan = [(p, c) for p, c in inputs if c.review is None and c.required and c.role != "criterion"]
    statuses = {c.review: (p, c) for p, c in inputs if c.role == "status"}
    out: list[LiveCheck] = []

    def add(rule: str, flag: str, expr: Callable[[Ref], str]) -> None:
        out.append(LiveCheck(rule, sheet, table.first_row, table.last_row, flag, expr, "missing"))

    def missing(p: Placed, c: Column, ref: Ref) -> str:
        return f"({phase}>={orders[c.required]})*{_blank(ref(p.letter))}" if c.required else "0"

    def kh01(p: Placed, c: Column) -> Callable[[Ref], str]:
        return lambda ref: f"{item(ref)}*({phase}=1)*{missing(p, c, ref)}"

    def kq01(s: Placed, order: int) -> Callable[[Ref], str]:
        return lambda ref: f"{item(ref)}*({phase}>={order})*{_empty(ref(s.letter))}"

    def kh06(p: Placed) -> Callable[[Ref], str]:
        return lambda ref: f"{item(ref)}*{_empty(ref(p.letter))}"

    def kq04(p: Placed, s: Placed, names: tuple[str, ...]) -> Callable[[Ref], str]:
        return lambda ref: f"{item(ref)}*{_status_is(ref(s.letter), names)}*{_blank(ref(p.letter))}"

    for p, c in plan:
        add("KH01", p.letter, kh01(p, c))
    for review, (s, sc) in statuses.items():
        if sc.required:
            add("KQ01", s.letter, kq01(s, orders[sc.required]))
        for p, c in inputs:
            if c.review == review and c.required_if_status:
                add("KQ05" if c.role == "result" else "KQ04", p.letter, kq04(p, s, c.required_if_status))
    for p, c in inputs:
        if c.role == "criterion" and c.required:
            # KH06 where the code is left empty: shaded only, as KH06 also reports a code that is not a criterion
            # (which the drop-down keeps out), so a live count could differ from kiem-tra's
            out.append(LiveCheck("KH06", sheet, table.first_row, table.last_row, p.letter, kh06(p), "missing",
                                 counted=False))
    for p, _c in inputs:
        out += cell_rules(sheet, table.first_row, table.last_row, p.letter)
    return out


def cell_rules(sheet: str, first: int, last: int, letter: str, long_text: bool = True) -> list[LiveCheck]:
    """O01 (a formula), O02 (an error value), O03 (text too long) on one input column."""
    def formula(ref: Ref) -> str:
        return _formula(ref(letter))

    def error(ref: Ref) -> str:
        return f"(1-{_formula(ref(letter))})*ISERROR({ref(letter)})"

    def too_long(ref: Ref) -> str:
        return f"(1-{_formula(ref(letter))})*(LEN({_visible(ref(letter))})>{MAX_TEXT})"

    out = [LiveCheck("O01", sheet, first, last, letter, formula), LiveCheck("O02", sheet, first, last, letter, error)]
    return out + ([LiveCheck("O03", sheet, first, last, letter, too_long)] if long_text else [])


def info_checks(layout: Layout) -> list[LiveCheck]:
    """TT01 and the cell rules on the value column (B) of the Thông tin fields."""
    orders = {p.id: i + 1 for i, p in enumerate(vocab().phases)}
    sheet, phase = layout.info.sheet, _phase(layout)
    out: list[LiveCheck] = []

    def tt01(order: int) -> Callable[[Ref], str]:
        return lambda ref: f"({phase}>={order})*{_empty(ref('B'))}"

    for f in info_form().fields:
        row = layout.info.field_rows.get(f.key)
        if row is None:
            continue
        if f.required:
            out.append(LiveCheck("TT01", sheet, row, row, "B", tt01(orders[f.required]), "missing"))
        out += cell_rules(sheet, row, row, "B", long_text=False)
    return out


def live_checks(layout: Layout) -> list[LiveCheck]:
    out = info_checks(layout)
    for sl in layout.sheets:
        guard = "B" if layout.framework.layout == "theo-tieu-chi" else None
        for table in sl.tables:
            out += table_checks(layout, sl.name, table, guard if table.key == "plan" else None)
    return out


def grouped(checks: list[LiveCheck]) -> dict[tuple[str, str], list[LiveCheck]]:
    """(sheet, rule) -> its checks, in sheet then rule order: one line each on the Kiểm tra sheet."""
    out: dict[tuple[str, str], list[LiveCheck]] = {}
    for c in checks:
        out.setdefault((c.sheet, c.rule), []).append(c)
    return out


def write_live_checks(wb, sheets: dict[str, Worksheet], check: Worksheet, layout: Layout, st) -> None:
    """The hook of the template builder: conditional formats at the cells, counts on the Kiểm tra sheet."""
    from xlbridge.core.findings import rule_specs
    checks = live_checks(layout)
    marks = {"error": wb.add_format({"bg_color": "#" + _color("error"), "font_color": "#9C0006"}), "missing": st.missing}
    for c in checks:
        if c.flag and c.sheet in sheets:
            rng = f"{c.flag}{c.first_row}:{c.flag}{c.last_row}"
            sheets[c.sheet].conditional_format(rng, {"type": "formula", "criteria": c.cell_formula(),
                                                     "format": marks[c.mark]})
    col = FIRST_COL - 1                                       # 0-based
    lines = grouped([c for c in checks if c.counted])
    first, last = CHECK_HEADER_ROW + 1, CHECK_HEADER_ROW + len(lines)
    count_col = column_letter(FIRST_COL + 3)
    check.write_string(0, col, "KIỂM TRA TỨC THỜI (tự tính khi nhập, không cần nút)", st.bold)
    check.write_formula(1, col, f'=SUM({count_col}{first}:{count_col}{last})&" lỗi cần sửa"', st.bold)
    check.write_string(2, col, "Các quy tắc khác (thời gian, kinh phí, minh chứng, trùng lặp…) cần nút Kiểm tra "
                               "hoặc lệnh kdcl kiem-tra.", st.hint)
    for j, (header, width) in enumerate((("Trang tính", 16), ("Mã quy tắc", 9), ("Quy tắc", 40), ("Số lỗi", 8),
                                         ("Dòng đầu tiên", 10))):
        check.write_string(CHECK_HEADER_ROW - 1, col + j, header, st.header)
        check.set_column(col + j, col + j, width)
    specs = rule_specs()
    for i, ((sheet, rule), group) in enumerate(lines.items()):
        r = CHECK_HEADER_ROW + i
        check.write_string(r, col, sheet, st.text)
        check.write_string(r, col + 1, rule, st.text)
        check.write_string(r, col + 2, specs[rule].title, st.text)
        counts, rows = [], []
        for j, g in enumerate(group):           # one array formula per check keeps each under Excel's 8192 characters
            h = HELPER_COL - 1 + 2 * j
            check.write_array_formula(r, h, r, h, "{" + g.count_formula() + "}", st.text)
            check.write_array_formula(r, h + 1, r, h + 1, "{" + g.first_row_formula() + "}", st.text)
            counts.append(f"{column_letter(h + 1)}{r + 1}")
            rows.append(f"{column_letter(h + 2)}{r + 1}")
        check.write_formula(r, col + 3, "=" + "+".join(counts), st.number)
        check.write_formula(r, col + 4, f'=IF({count_col}{r + 1}=0,"",MIN({",".join(rows)}))', st.number)
    widest = max(len(g) for g in lines.values())
    check.set_column(HELPER_COL - 1, HELPER_COL - 2 + 2 * widest, None, None, {"hidden": True})


def _color(key: str) -> str:
    from xlbridge.layout import config
    return config().colors[key]

"""Grid → model. The only code that knows where things sit, and it learns that from the layout.

Tolerant of what users do: blank rows, rows inserted inside a block, numbers or dates where text
was expected, trailing spaces, values pasted over drop-downs. What it cannot make sense of becomes
an `Anomaly` for the rules to report, never an exception — except a workbook that is not a kdcl
template at all, which raises `UnreadableWorkbook`.
"""

from __future__ import annotations

import re
from itertools import chain

from xlbridge import __version__
from xlbridge.core.dates import parse_day
from xlbridge.core.levels import choices, parse_level
from xlbridge.core.money import parse_money
from xlbridge.core.periods import SchoolYear, parse_period
from xlbridge.core.vntext import fold
from xlbridge.data.catalog import Framework, get_framework
from xlbridge.data.forms import Column, info_form
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError, UnreadableWorkbook
from xlbridge.io.grid import Grid, is_blank, is_error, is_formula, text_of, value_at
from xlbridge.layout import Layout, SheetLayout, Table, build_layout, config, criterion_row_label
from xlbridge.model import Anomaly, CellRef, Info, Issue, Item, LevelEntry, Meta, PlanBook, ReviewResult, Value

SEARCH_ROWS = 60      # how far a moved header is looked for


def read_meta(grid: Grid, source: str) -> Meta:
    cfg = config()
    rows = grid.get(cfg.sheets["meta"])
    if rows is None:
        raise UnreadableWorkbook(file=source, detail=f"không phải sổ kế hoạch tạo bởi kdcl (không có trang thông tin mẫu "
                                 f"«{cfg.sheets['meta']}»). Hãy dùng mẫu tạo bằng lệnh kdcl template.")
    kv = {str(r[0]).strip(): r[1] for r in rows if r and len(r) > 1 and r[0] is not None}
    if kv.get("template_id") != cfg.template_id:
        raise UnreadableWorkbook(file=source, detail=f"trang thông tin mẫu không phải của kdcl ({kv.get('template_id')!r}).")
    try:
        version = int(raw) if isinstance(raw := kv.get("template_version"), int | float | str) else 0
    except (TypeError, ValueError):
        version = 0
    if version < 1 or version > cfg.version:
        made_by = text_of(kv.get("kdcl_version"))          # the kdcl that made the template: the one to install
        raise UnreadableWorkbook(file=source, detail=f"mẫu phiên bản {kv.get('template_version')!r} không được phiên bản "
                                 f"kdcl này ({__version__}) hỗ trợ (hỗ trợ đến phiên bản {cfg.version}). Hãy cập nhật kdcl"
                                 + (f" (sổ được tạo bằng kdcl {made_by})." if made_by else "."))
    return Meta(cfg.template_id, version, str(kv.get("framework") or ""), str(kv.get("plan_form") or ""),
                text_of(kv.get("cap_hoc")), text_of(kv.get("nam_hoc")))


def _value(grid: Grid, sheet: str, row: int, col: int) -> Value:
    return _cell_value(sheet, row, col, value_at(grid, sheet, row, col))


def _cell_value(sheet: str, row: int, col: int, raw: object) -> Value:
    if raw is None:                       # most input cells: nothing to classify
        return Value(CellRef(sheet, row, col), None, "")
    formula = is_formula(raw)
    error = raw.strip() if is_error(raw) else None
    return Value(CellRef(sheet, row, col), raw, "" if (formula or error) else text_of(raw), formula, error)


def _find_row(grid: Grid, sheet: str, expected: int, col: int, text: str) -> int | None:
    """Row whose cell in `col` reads `text`: the expected row first, then the nearest one."""
    want = fold(text)
    if fold(text_of(value_at(grid, sheet, expected, col))) == want:
        return expected
    n = len(grid.get(sheet, []))
    for r in sorted(range(1, max(n, expected + SEARCH_ROWS) + 1), key=lambda r: abs(r - expected)):
        if fold(text_of(value_at(grid, sheet, r, col))) == want:
            return r
    return None


def read_info(grid: Grid, layout: Layout, anomalies: list[Anomaly], version: int | None = None) -> Info:
    """The "Thông tin" sheet; `version` is the workbook's template version (rows added later may be absent)."""
    version = config().version if version is None else version
    form, il = info_form(), layout.info
    values: dict[str, Value] = {}
    lists: dict[str, list[dict[str, Value]]] = {}
    if il.sheet not in grid:
        anomalies.append(Anomaly("sheet-missing", il.sheet, None, {"expected": il.sheet}))
        return Info(values, lists)
    other_labels = {fold(lab) for g in form.fields for lab in g.labels()} | {fold(lst.title) for lst in form.lists}
    for f in form.fields:
        label = f.label + (" *" if f.required else "")
        row = next((r for lab in f.labels() if (r := _find_row(grid, il.sheet, il.field_rows[f.key], 1,
                                                                lab + (" *" if f.required else ""))) is not None), None)
        if row is None and f.since > version:
            continue                        # a row added after this workbook's template version
        if row is None:
            # No label: the value is unknown, never the shifted cell at the expected place (that would give
            # knock-on findings about another field's text). A required field's label is reported once; an
            # optional one may simply be absent (a workbook made before the field existed, e.g. Mã trường).
            expected = il.field_rows[f.key]
            found = text_of(value_at(grid, il.sheet, expected, 1))
            if f.required:
                anomalies.append(Anomaly("header-moved", il.sheet, f"A{expected}", {"expected": label, "found": found}))
            if not found or fold(found.rstrip(" *")) in other_labels:   # rows moved, or no such row: no value
                values[f.key] = Value(CellRef(il.sheet, expected, 2), None, "")
                continue
            row = expected                                # the label typed over in place: its value is still here
        values[f.key] = _value(grid, il.sheet, row, 2)
    titles = {fold(lst.title) for lst in form.lists}
    label_rows: dict[str, dict[str, int]] = {}
    for lst in form.lists:
        title_row = _find_row(grid, il.sheet, il.list_rows[lst.key][0], 1, lst.title)
        entries: list[dict[str, Value]] = []
        if title_row is not None:
            r = title_row + 2
            n = len(grid[il.sheet])
            while r <= n and fold(text_of(value_at(grid, il.sheet, r, 1))) not in titles:
                entry = {key: _value(grid, il.sheet, r, 2 + j) for j, (key, *_rest) in enumerate(lst.columns)}
                for (_key, _h, locked, _w), v in zip(lst.columns, entry.values(), strict=True):
                    if locked and v.text:
                        label_rows.setdefault(lst.key, {})[v.text] = r
                editable = [v for (key, _h, locked, _w), v in zip(lst.columns, entry.values(), strict=True) if not locked]
                if any(not v.empty for v in editable):
                    entries.append(entry)
                r += 1
        lists[lst.key] = entries
    info = Info(values, lists, label_rows)
    info.school_year = SchoolYear.parse(info.text("nam_hoc"))
    info.phase = vocab().phase(info.text("giai_doan")) if info.text("giai_doan") else vocab().phases[0]
    info.report_date = parse_day(values["ngay_bao_cao"].raw) if "ngay_bao_cao" in values else None
    info.cap_hoc = vocab().cap_hoc_name(info.text("cap_hoc"))
    info.loai_hinh = vocab().loai_hinh_name(info.text("loai_hinh"))
    return info


def _check_headers(grid: Grid, sheet: str, table: Table, header_row: int, anomalies: list[Anomaly]) -> None:
    """Compare header texts; columns outside any group are merged over both rows (text on the first)."""
    grouped = {c for _, a, b in table.groups for c in range(a, b + 1)}
    top = header_row - (table.header_row - table.group_row) if table.group_row else header_row
    for p in table.columns:
        row = header_row if (p.index in grouped or not table.group_row) else top
        found = text_of(value_at(grid, sheet, row, p.index))
        if fold(found) != fold(p.header):
            anomalies.append(Anomaly("header-moved", sheet, f"{p.letter}{row}", {"expected": p.header, "found": found}))
    for label, a, _b in table.groups:
        found = text_of(value_at(grid, sheet, top, a))
        if fold(found) != fold(label):
            ref = CellRef(sheet, top, a)
            anomalies.append(Anomaly("header-moved", sheet, ref.a1, {"expected": label, "found": found}))


def _blank_row(grid: Grid, sheet: str, table: Table, row: int) -> bool:
    """No input cell of the row holds anything (most rows of a sheet): decided on the raw values, before any
    Value is made — the same answer as every Value of the row being empty."""
    rows = grid[sheet]
    line = rows[row - 1] if row <= len(rows) else []
    n = len(line)
    for p in table.inputs():
        v = line[p.index - 1] if p.index <= n else None
        if v is not None and not is_blank(v):
            return False
    return True


def _empty_line(line: list[object]) -> bool:
    """No cell of the row holds a value (most rows of a sheet): nothing to read, report or check there."""
    return line.count(None) == len(line)


def _row_values(grid: Grid, sheet: str, table: Table, row: int) -> dict[str, Value]:
    rows = grid[sheet]
    line = rows[row - 1] if row <= len(rows) else []
    n = len(line)
    return {p.form_column.key: _cell_value(sheet, row, p.index, line[p.index - 1] if p.index <= n else None)
            for p in table.inputs()}


def _code_text(value: object) -> str:
    """Criterion codes typed as numbers (2.2 → "2.2") or with words ("Tiêu chí 2.2") → "2.2"."""
    text = text_of(value).replace(",", ".")
    m = re.search(r"(M4\.\d+|\d+\.\d+)", text, re.IGNORECASE)
    return m.group(1).upper() if m else text


def _make_item(sheet: SheetLayout, row: int, criterion: str | None, values: dict[str, Value],
               layout: Layout, info: Info) -> Item:
    by_key = layout.column_by_key
    columns: dict[str, Column] = {k: c for k, c in by_key.items() if k in values}
    item = Item(sheet.name, row, sheet.standard, criterion, values, columns)
    period = item.first("period")
    if period is not None and not period.formula and period.error is None:
        item.period = parse_period(period.raw, info.school_year)
    money = item.first("money") or item.first("resources")
    if money is not None and not money.formula and money.error is None:
        item.budget = parse_money(money.raw)
    for review in layout.reviews:
        rvals = {k: v for k, v in values.items() if columns[k].review == review.id}
        result = ReviewResult(review, rvals)
        status_cols = [k for k in rvals if columns[k].role == "status"]
        if status_cols and rvals[status_cols[0]].text:
            result.status = vocab().status(rvals[status_cols[0]].text)
        item.results.append(result)
    return item


def _read_by_criterion(grid: Grid, sl: SheetLayout, layout: Layout, info: Info,
                       items: list[Item], anomalies: list[Anomaly]) -> None:
    table = sl.table("plan")
    assert table is not None and table.group_row is not None     # a by-criterion sheet: one plan table, two header rows
    labels = config().labels
    header_row = table.header_row
    found = _find_row(grid, sl.name, table.group_row, 1, labels["code"])
    if found is not None and fold(text_of(value_at(grid, sl.name, found, 2))) == fold(labels["criterion"]):
        header_row = found + (table.header_row - table.group_row)
    _check_headers(grid, sl.name, table, header_row, anomalies)
    expected = {b.criterion.code: b for b in table.criteria}
    seen: set[str] = set()
    current: str | None = None
    started = 0                                     # the title row of the current criterion
    width = sl.width
    lines = grid[sl.name]
    for row in range(header_row + 1, len(lines) + 1):
        line = lines[row - 1]
        if _empty_line(line):
            continue
        code = _code_text(line[0] if line else None)
        label = text_of(line[1] if len(line) > 1 else None)
        _stray(grid, sl, row, width, anomalies)
        if label:
            # The locked title identifies the row best; the code beside it may have been typed over.
            block = next((b for b in table.criteria if b.criterion.code not in seen
                          and fold(criterion_row_label(b.criterion)) == fold(label)), None)
            if block is not None and code != block.criterion.code:
                anomalies.append(Anomaly("criterion-altered", sl.name, f"A{row}", {
                    "code": block.criterion.code, "found": code, "expected": block.criterion.code}))
            elif block is None and code in expected and code not in seen:
                block = expected[code]
                anomalies.append(Anomaly("criterion-altered", sl.name, f"B{row}", {
                    "code": code, "found": label, "expected": criterion_row_label(block.criterion)}))
            if block is not None:
                if current is not None:
                    _criterion_rows(sl.name, expected[current], row - started - 1, started, anomalies)
                current, started = block.criterion.code, row
                seen.add(current)
                _typed_on_title(grid, sl, table, row, anomalies)
            continue
        if _blank_row(grid, sl.name, table, row):
            continue
        values = _row_values(grid, sl.name, table, row)
        criterion = code if code in expected else current
        items.append(_make_item(sl, row, criterion, values, layout, info))
    # (the last block is not counted: nothing locked follows it, and its rows cleared with Delete — code column
    # included, it is not locked — would look like rows deleted: a false error is worse than a missed one)
    for code, block in expected.items():
        if code not in seen:
            anomalies.append(Anomaly("criterion-missing", sl.name, None, {"label": block.criterion.label}))


def _criterion_rows(sheet: str, block, rows: int, title_row: int, anomalies: list[Anomaly]) -> None:
    """Fewer item rows under a criterion than the template made: rows were deleted (their text, if any, is gone).
    Inserted rows are harmless, so only a shortfall counts."""
    if rows < len(block.item_rows):
        where = config().labels["rows_block_criterion"].format(code=block.criterion.code)
        anomalies.append(Anomaly("rows-deleted", sheet, f"A{title_row}", {
            "block": where, "code": block.criterion.code, "found": rows, "expected": len(block.item_rows)}))


def _table_rows(sheet: str, table: Table, following: Table, rows: int, header_row: int,
                anomalies: list[Anomaly]) -> None:
    """The same for a priority table (TT57): `rows` lie between its header and the next table's title, the
    template's spacer rows included."""
    expected = table.last_row - table.first_row + 1
    spacer = following.marker_row - table.last_row - 1 if following.marker_row else 0
    rows -= spacer
    if rows < expected:
        where = config().labels["rows_block_table"].format(table=table.marker or "")
        anomalies.append(Anomaly("rows-deleted", sheet, f"A{header_row}", {
            "block": where, "found": rows, "expected": expected}))


def _typed_on_title(grid: Grid, sl: SheetLayout, table: Table, row: int, anomalies: list[Anomaly]) -> None:
    """Text typed on a criterion's title row, beside the title: those cells are unlocked (for rows inserted
    below), but the row is not an item, so what is typed there would be lost."""
    line = grid[sl.name][row - 1]
    for p in table.inputs():
        if 2 < p.index <= len(line) and line[p.index - 1] is not None:
            _stray_cell(sl.name, row, p.index, line[p.index - 1], anomalies)


def _stray(grid: Grid, sl: SheetLayout, row: int, width: int, anomalies: list[Anomaly]) -> None:
    """Text typed to the right of the table, where nobody will read it."""
    line = grid[sl.name][row - 1] if row <= len(grid[sl.name]) else []
    for col in range(width + 1, len(line) + 1):
        _stray_cell(sl.name, row, col, line[col - 1], anomalies)


def _stray_cell(sheet: str, row: int, col: int, value: object, anomalies: list[Anomaly]) -> None:
    """A value where kdcl reads nothing: reported, never silently lost."""
    if text := text_of(value):
        anomalies.append(Anomaly("stray-value", sheet, CellRef(sheet, row, col).a1, {"value": text[:60]}))


def _read_priority(grid: Grid, sl: SheetLayout, layout: Layout, info: Info, items: list[Item],
                   issues: list[Issue], anomalies: list[Anomaly]) -> None:
    markers = {fold(t.marker) for t in sl.tables}
    n = len(grid[sl.name])
    for i, table in enumerate(sl.tables):
        width = max(p.index for p in table.columns)
        assert table.marker_row is not None and table.marker is not None      # each table opens with its title row
        marker_row = _find_row(grid, sl.name, table.marker_row, 1, table.marker)
        if marker_row is None:
            anomalies.append(Anomaly("header-moved", sl.name, f"A{table.marker_row}", {
                "expected": table.marker, "found": text_of(value_at(grid, sl.name, table.marker_row, 1))}))
            marker_row = table.marker_row
        header_row = marker_row + (table.header_row - table.marker_row)
        _check_headers(grid, sl.name, table, header_row, anomalies)
        row = header_row + 1
        while row <= n and fold(text_of(value_at(grid, sl.name, row, 1))) not in markers:
            if _empty_line(grid[sl.name][row - 1]):
                row += 1
                continue
            _stray(grid, sl, row, width, anomalies)
            if not _blank_row(grid, sl.name, table, row):
                values = _row_values(grid, sl.name, table, row)
                if table.key == "issues":
                    issues.append(Issue(sl.name, row, sl.standard, values))
                else:
                    crit = next((v for k, v in values.items() if layout.plan_form.column(k).role == "criterion"), None)
                    code = _code_text(crit.raw) if crit is not None and crit.text else None
                    items.append(_make_item(sl, row, code, values, layout, info))
            row += 1
        following = sl.tables[i + 1] if i + 1 < len(sl.tables) else None
        if following is not None:        # bounded by the next table's locked title (not the last table: see above)
            _table_rows(sl.name, table, following, row - header_row - 1, header_row, anomalies)


def read_levels(grid: Grid, layout: Layout) -> dict[str, LevelEntry]:
    """The "Mức đánh giá" sheet, rows found by their locked code (a workbook made before the sheet existed
    simply has no levels)."""
    ll = layout.levels
    if ll is None or ll.sheet not in grid:
        return {}
    level4 = tuple(config().labels["levels_level4"])
    out: dict[str, LevelEntry] = {}
    for expected, crit in ll.rows:
        row = _find_row(grid, ll.sheet, expected, ll.code_col, crit.code)
        if row is None:
            continue
        current = _value(grid, ll.sheet, row, ll.current_col)
        target = _value(grid, ll.sheet, row, ll.target_col)
        options = choices(layout.framework, crit, level4)
        out[crit.code] = LevelEntry(crit.code, row, current, target, parse_level(current.text, options),
                                    parse_level(target.text, options))
    return out


def read_grid(grid: Grid, source: str = "sổ Excel") -> PlanBook:
    """Turn cell values into the model. Raises UnreadableWorkbook only for a non-kdcl workbook."""
    meta = read_meta(grid, source)
    fw, layout = _layout_of(meta, source)
    anomalies: list[Anomaly] = []
    info = read_info(grid, layout, anomalies, meta.version)
    items, issues = _read_sheets(grid, layout, info, anomalies)
    levels = read_levels(grid, layout)
    return PlanBook(source, meta, fw, layout, info, items, issues, _filled_cells(info, items, issues, levels), anomalies,
                    list(grid), extra_sheets=_extra_sheets(grid, layout), levels=levels)


def _layout_of(meta: Meta, source: str) -> tuple[Framework, Layout]:
    """The framework and layout the workbook was made with; one this kdcl lacks makes it unreadable."""
    try:
        fw = get_framework(meta.framework_id)
        return fw, build_layout(fw, meta.plan_form or None)
    except KdclError as exc:
        raise UnreadableWorkbook(file=source, detail=f"mẫu dùng bộ tiêu chuẩn hoặc mẫu bảng không có trong phiên bản kdcl "
                                 f"này ({exc})") from None


def _read_sheets(grid: Grid, layout: Layout, info: Info, anomalies: list[Anomaly]) -> tuple[list[Item], list[Issue]]:
    """Items and issues of every standard sheet, read as the framework lays them out; missing sheets noted."""
    items: list[Item] = []
    issues: list[Issue] = []
    for sl in layout.sheets:
        if sl.name not in grid:
            anomalies.append(Anomaly("sheet-missing", sl.name, None, {"expected": sl.name}))
        elif layout.framework.layout == "theo-tieu-chi":
            _read_by_criterion(grid, sl, layout, info, items, anomalies)
        else:
            _read_priority(grid, sl, layout, info, items, issues, anomalies)
    for name in (config().sheets["summary"], config().sheets["check"]):
        if name not in grid:
            anomalies.append(Anomaly("sheet-missing", name, None, {"expected": name}))
    return items, issues


def _filled_cells(info: Info, items: list[Item], issues: list[Issue], levels: dict[str, LevelEntry]) -> list[Value]:
    """Every non-empty input cell, for the rules that look at all of them (information, items, issues, levels)."""
    values = chain(info.values.values(), (v for entries in info.lists.values() for e in entries for v in e.values()),
                   (v for it in items for v in it.values.values()), (v for iss in issues for v in iss.values.values()),
                   (v for e in levels.values() for v in (e.current, e.target)))
    return [v for v in values if not v.empty]


def _extra_sheets(grid: Grid, layout: Layout) -> Grid:
    """Sheets the template does not have (a school's own notes), kept as they are."""
    known = {s.name for s in layout.sheets} | {layout.info.sheet} | set(config().sheets.values())
    return {name: rows for name, rows in grid.items() if name not in known}


def read_workbook(path) -> PlanBook:
    from xlbridge.io.grid import load_grid
    return read_grid(load_grid(path), str(getattr(path, "name", path)))

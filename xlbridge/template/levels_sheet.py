"""The "Mức đánh giá" sheet and the school-level block of "Tổng hợp".

Criterion levels are typed (drop-downs) on one sheet that mirrors the self-assessment report's summary
table. The school's current level and chuẩn quốc gia are live formulas generated from the framework's
level rule (the same data `xlbridge.core.levels` applies); the planned and achieved levels depend on the
plan items and their statuses, so kdcl writes them when the check runs.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xlbridge.core.levels import choices, criterion_top, rule_of
from xlbridge.data.catalog import Criterion
from xlbridge.layout import Config, Layout, LevelsLayout, column_letter, level_summary_rows

# code, title, top level, current, target, plan items. The level columns hold the longest drop-down name
# ("Chưa đạt Mức 1") on one line; the title column is wide enough for most criterion names on one line and a
# Mức 4 requirement on three, so the sheet prints at 90 % (12 pt as 10.8 pt) on three A4 landscape pages.
WIDTHS = {1: 7.0, 2: 80.0, 3: 12.0, 4: 17.0, 5: 17.0, 6: 14.0}


def _xl_list(names: tuple[str, ...] | list[str]) -> str:
    """An Excel array constant {"a","b"}."""
    return "{" + ",".join('"' + n.replace('"', '""') + '"' for n in names) + "}"


def _rng(ll: LevelsLayout, col: int, rows: list[int]) -> str:
    letter = column_letter(col)
    return f"'{ll.sheet}'!${letter}${rows[0]}:${letter}${rows[-1]}"


def number_formula(cell: str, options: tuple[str, ...]) -> str:
    """The level typed in `cell` as a number ("" when empty or not one of the drop-down's names); the
    same reading as `core.levels.parse_level` for drop-down values and bare numbers."""
    n = len(options) - 1
    return (f'=IF(LEN(TRIM({cell}))=0,"",IF(ISNUMBER({cell}),IF(AND({cell}>=0,{cell}<={n},INT({cell})={cell}),{cell},""),'
            f'IFERROR(MATCH(TRIM({cell}),{_xl_list(options)},0)-1,"")))')


def school_level_formula(layout: Layout) -> str:
    """Excel expression for the school's level (0 = below Mức 1), generated from the level rule."""
    fw, ll = layout.framework, layout.levels
    assert ll is not None
    rule = rule_of(fw)
    main = ll.main_rows
    if rule.kind == "cumulative":
        eff = _rng(ll, ll.eff_col, main)
        base = f"MAX(0,MIN({eff}))"
        if rule.level4_list and ll.level4_rows:
            m4 = _rng(ll, ll.num_col, ll.level4_rows)
            n4 = len(ll.level4_rows)
            return f"IF(AND(MIN({eff})>={rule.top - 1},COUNTIF({m4},1)={n4}),{rule.top},{base})"
        return base
    eff, flag = _rng(ll, ll.eff_col, main), _rng(ll, ll.flag_col, main)
    mand = sum(1 for _r, c in ll.rows if c.mandatory)
    others = len(main) - mand
    quota = min(rule.others_at_least, others)
    conds: list[str] = []
    expr = "0"
    for n in range(1, rule.top + 1):       # Mức n also needs every level below it
        conds += [f'COUNTIFS({flag},1,{eff},">={n}")={mand}', f'COUNTIFS({flag},0,{eff},">={n}")>={quota}']
        floor = [f'COUNTIFS({flag},0,{eff},">={rule.top_floor}")={others}'] if n == rule.top and rule.top_floor else []
        expr = f"IF(AND({','.join(conds + floor)}),{n},{expr})"
    return expr


def criterion_text(crit: Criterion, labels: dict) -> str:
    """A criterion's title as the sheet shows it (marked when its text is not verified yet)."""
    return crit.title + (f" {labels['unverified']}" if not crit.verified else "")


def title_is_bold(crit: Criterion) -> bool:
    """Criterion names are set in bold; the Mức 4 requirements, sentences of two to four lines, are not."""
    return bool(crit.standard)


def write_levels_sheet(ws: Worksheet, layout: Layout, cfg: Config, st, wb) -> None:
    ll, fw = layout.levels, layout.framework
    assert ll is not None
    labels = cfg.labels
    level4 = tuple(labels["levels_level4"])
    for c, w in WIDTHS.items():
        ws.set_column(c - 1, c - 1, w)
    ws.set_column(ll.num_col - 1, ll.flag_col - 1, 6, None, {"hidden": True})
    ws.write_string(0, 0, labels["levels_title"], st.title)
    ws.write_formula(1, 0, '="Trường: "&kdcl_ten_truong&" — Năm học "&kdcl_nam_hoc', st.subtitle,
                     "Trường:  — Năm học ")
    ws.write_string(2, 0, labels["levels_intro"], st.hint)
    h = ll.header_row - 1
    for j, text in enumerate(labels["levels_header"]):
        ws.write_string(h, j, text, st.header)
    rule = rule_of(fw)
    if ll.level4_title_row:
        ws.write_string(ll.level4_title_row - 1, 0, labels["levels_level4_section"], st.bold)
    for row, crit in ll.rows:        # (row heights and print setup: the builder's `_levels_page`)
        r = row - 1
        options = choices(fw, crit, level4)
        ws.write_string(r, 0, crit.code, st.code)
        ws.write_string(r, 1, criterion_text(crit, labels), st.criterion if title_is_bold(crit) else st.criterion_fill)
        if crit.standard == 0:
            top_text = level4[-1]
        elif rule.kind == "mandatory-quota":
            top_text = labels["levels_mandatory"] if crit.mandatory else ""
        else:
            top_text = options[-1]
        ws.write_string(r, 2, top_text, st.number)
        for col in (ll.current_col, ll.target_col):
            ws.write_blank(r, col - 1, None, st.input)
            ws.data_validation(r, col - 1, r, col - 1, {
                "validate": "list", "source": list(options), "error_type": "warning",
                "error_title": "Mức không có trong danh sách", "error_message": "Chọn: " + ", ".join(options)})
        ws.write_blank(r, ll.items_col - 1, None, st.count_out)
        cur = f"{column_letter(ll.current_col)}{row}"
        ws.write_formula(r, ll.num_col - 1, number_formula(cur, options), st.text, "")
        num = f"{column_letter(ll.num_col)}{row}"
        top_num = criterion_top(fw, crit)
        ws.write_number(r, ll.top_num_col - 1, top_num, st.text)
        if crit.standard:
            # the level that counts: a criterion at its highest meets the levels above it (cumulative rule)
            cap = rule.top - 1 if rule.level4_list else rule.top
            counted = f'IF({num}="",-1,IF({num}>={top_num},{cap},{num}))' if rule.kind == "cumulative" \
                else f'IF({num}="",-1,{num})'
            ws.write_formula(r, ll.eff_col - 1, "=" + counted, st.text, -1)
            ws.write_number(r, ll.flag_col - 1, 1 if crit.mandatory else 0, st.text)
    ws.freeze_panes(ll.header_row, 0)
    ws.protect(cfg.password, {"format_cells": True, "format_columns": True, "format_rows": True,
                              "select_locked_cells": True, "select_unlocked_cells": True})


def write_level_summary(ws: Worksheet, layout: Layout, cfg: Config, st) -> None:
    """The school-level block on "Tổng hợp": live current level and chuẩn quốc gia, cells kdcl fills."""
    ll, fw = layout.levels, layout.framework
    if ll is None:
        return
    labels = cfg.labels
    rule = rule_of(fw)
    pos = level_summary_rows(layout)
    ws.write_string(pos["title"] - 1, 0, labels["level_summary_title"], st.bold)
    names = labels["level_summary_rows"]
    num = _rng(ll, ll.num_col, ll.main_rows)
    level = school_level_formula(layout)
    level_names = _xl_list(rule.names)
    for key in ("current", "planned", "achieved", "chuan_quoc_gia", "blocking"):
        r = pos[key] - 1
        ws.write_string(r, 0, names[key], st.label)
        if key == "current":
            ws.write_formula(r, 1, f'=IF(COUNT({num})=0,"{labels["level_not_assessed"]}",INDEX({level_names},{level}+1))',
                             st.bold, labels["level_not_assessed"])
        elif key == "chuan_quoc_gia":
            if rule.chuan_quoc_gia:
                cqg = "+".join(f"({level}>={n})" for n in rule.chuan_quoc_gia)
                cqg_names = _xl_list(labels["level_chuan_quoc_gia"][: len(rule.chuan_quoc_gia) + 1])
                ws.write_formula(r, 1, f'=IF(COUNT({num})=0,"",INDEX({cqg_names},{cqg}+1))', st.bold, "")
            else:
                ws.write_string(r, 1, labels["level_chuan_quoc_gia_na"], st.bold)
        else:
            ws.write_string(r, 1, labels["level_written_by_kdcl"], st.out)
    if rule.chuan_quoc_gia_note:
        ws.write_string(pos["note"] - 1, 0, rule.chuan_quoc_gia_note, st.hint)

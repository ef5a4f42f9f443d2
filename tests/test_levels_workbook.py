"""Levels in real workbooks: the live "Tổng hợp" level formulas, recalculated by LibreOffice, equal the
engine's result; kiem-tra --json and --out carry the level; kdcl writes the planned/achieved levels."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import TODAY, template
from lo import recalculate_many

from xlbridge.check import check_file
from xlbridge.cli import main
from xlbridge.core.levels import choices, level_name
from xlbridge.layout import build_layout, config, level_summary_rows

LABELS = config().labels
SUMMARY = config().sheets["summary"]


def _levels_filled(tmp: Path, name: str, cap_hoc: str, nam_hoc: str, pick) -> Path:
    """A template whose "Mức đánh giá" current levels are `pick(criterion, options)` (None leaves it empty)."""
    src, layout = template(tmp, cap_hoc, nam_hoc)
    wb = openpyxl.load_workbook(src)
    ws = wb[layout.levels.sheet]
    for row, crit in layout.levels.rows:
        value = pick(crit, choices(layout.framework, crit, tuple(LABELS["levels_level4"])))
        if value is not None:
            ws.cell(row, layout.levels.current_col).value = value
    dst = tmp / f"{name}.xlsx"
    wb.save(dst)
    return dst


def _cases(tmp: Path) -> list[Path]:
    rng = random.Random(57)
    top = lambda c, o: o[-1]                                  # noqa: E731
    return [
        _levels_filled(tmp, "th-all-top", "Tiểu học", "2023-2024", top),                      # Mức 4
        _levels_filled(tmp, "thpt-all-2", "THPT", "2023-2024", lambda c, o: o[min(2, len(o) - 1)] if c.standard else o[0]),
        _levels_filled(tmp, "thcs-one-low", "THCS", "2024-2025",
                       lambda c, o: o[1] if c.code == "2.3" else (o[-1] if c.standard else o[1])),   # Mức 1
        _levels_filled(tmp, "mn-random", "Mầm non", "2024-2025", lambda c, o: rng.choice(o)),
        _levels_filled(tmp, "thpt-one-missing", "THPT", "2024-2025", lambda c, o: None if c.code == "5.1" else o[-1]),
        _levels_filled(tmp, "tt57-edge", "THCS", "2026-2027",
                       lambda c, o: o[2] if c.mandatory or c.code in ("1.1", "1.2", "2.3", "3.3") else o[1]),
        _levels_filled(tmp, "tt57-floor", "THPT", "2026-2027",
                       lambda c, o: o[0] if c.code == "4.3" else o[2]),
        _levels_filled(tmp, "tt57-numbers", "Tiểu học", "2026-2027", lambda c, o: 2 if c.mandatory else 1),
        _levels_filled(tmp, "tt57-random", "THPT", "2026-2027", lambda c, o: rng.choice(o)),
        _levels_filled(tmp, "gdtx", "GDTX", "2026-2027", lambda c, o: o[-1]),
        _levels_filled(tmp, "empty-2018", "THCS", "2024-2025", lambda c, o: None),
    ]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed on this machine: scripts/setup.sh installs it")
    tmp = tmp_path_factory.mktemp("levels")
    sources = _cases(tmp)
    out = tmp / "recalc"
    out.mkdir()
    return list(zip(sources, recalculate_many(sources, out), strict=True))


def test_live_level_formulas_equal_the_engine(recalculated):
    seen = set()
    for src, calc in recalculated:
        result = check_file(src, today=TODAY)
        lv = result.levels
        assert lv is not None, src.name
        layout = result.book.layout
        pos = level_summary_rows(layout)
        ws = openpyxl.load_workbook(calc, data_only=True)[SUMMARY]
        shown = ws.cell(pos["current"], 2).value
        expected = level_name(layout.framework, lv.current) if lv.assessed else LABELS["level_not_assessed"]
        assert shown == expected, (src.name, shown, expected)
        cqg = ws.cell(pos["chuan_quoc_gia"], 2).value
        rule = layout.framework.level_rule
        if not rule.chuan_quoc_gia:
            assert cqg == LABELS["level_chuan_quoc_gia_na"]
        elif lv.assessed:
            assert cqg == LABELS["level_chuan_quoc_gia"][lv.chuan_quoc_gia], (src.name, cqg)
        seen.add((layout.framework.level_rule.kind, lv.current))
    # the cases cover every level of both kinds of rule
    assert {("cumulative", n) for n in (0, 1, 2, 4)} <= seen
    assert {("mandatory-quota", n) for n in (0, 1, 2)} <= seen


def test_json_and_out_carry_the_levels(tmp_path, capsys):
    src = _levels_filled(tmp_path, "thpt", "THPT", "2023-2024", lambda c, o: o[min(2, len(o) - 1)] if c.standard else None)
    wb = openpyxl.load_workbook(src)
    layout = build_layout(check_file(src, today=TODAY).book.framework)
    ll = layout.levels
    wb[ll.sheet].cell(ll.row_of("1.1"), ll.target_col).value = "Mức 3"
    sheet = layout.sheets[0]
    row = sheet.table("plan").criteria[0].item_rows[0]
    plan = sheet.table("plan")
    wb[sheet.name].cell(row, plan.by_key("giai_phap").index).value = "Xây dựng chiến lược phát triển giai đoạn 2023-2028"
    wb.save(src)
    assert main(["kiem-tra", str(src), "--json"]) in (0, 1)
    data = json.loads(capsys.readouterr().out)
    level = data["level"]
    assert {k: level[k] for k in ("current", "planned", "achieved", "chuan_quoc_gia")} == {
        "current": 2, "planned": 2, "achieved": 2, "chuan_quoc_gia": 1}
    assert "1.1" in level["blocking"] and all(isinstance(c, str) for c in level["blocking"])
    out = tmp_path / "out.xlsx"
    assert main(["kiem-tra", str(src), "--out", str(out)]) in (0, 1)
    capsys.readouterr()
    got = openpyxl.load_workbook(out)
    pos = level_summary_rows(layout)
    assert got[SUMMARY].cell(pos["planned"], 2).value == "Mức 2"
    assert "1.1 (có nội dung kế hoạch)" in got[SUMMARY].cell(pos["blocking"], 2).value
    assert got[ll.sheet].cell(ll.row_of("1.1"), ll.items_col).value == 1
    assert got[ll.sheet].cell(ll.row_of("1.2"), ll.items_col).value == 0

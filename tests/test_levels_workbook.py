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


def _school(tmp: Path, name: str, huyen: str, cap_hoc: str, nam_hoc: str, pick, item_for: str | None = None) -> Path:
    """A school's workbook: levels from `pick`, and (optionally) one plan item for criterion `item_for`."""
    path = _levels_filled(tmp, name, cap_hoc, nam_hoc, pick)
    wb = openpyxl.load_workbook(path)
    layout = check_file(path, today=TODAY).book.layout
    info = wb[layout.info.sheet]
    info.cell(layout.info.field_rows["ten_truong"], 2).value = f"Trường {name}"
    info.cell(layout.info.field_rows["huyen"], 2).value = huyen
    info.cell(layout.info.field_rows["tinh"], 2).value = "Kiên Giang"
    if item_for:
        crit = layout.framework.criterion(item_for)
        sheet = next(s for s in layout.sheets if s.standard == crit.standard)
        plan = sheet.table("plan")
        if plan.criteria:
            row = next(b for b in plan.criteria if b.criterion.code == item_for).item_rows[0]
            wb[sheet.name].cell(row, plan.by_key("giai_phap").index).value = f"Cải tiến tiêu chí {item_for}"
        else:
            row = plan.first_row
            keys = {p.column.role: p for p in plan.inputs()}
            wb[sheet.name].cell(row, keys["criterion"].index).value = item_for
            wb[sheet.name].cell(row, keys["content"].index).value = f"Cải tiến tiêu chí {item_for}"
    wb.save(path)
    return path


def test_consolidation_by_level(tmp_path):
    from xlbridge.consolidate.texts import texts
    src = tmp_path / "nop"
    src.mkdir()
    top = lambda c, o: o[-1] if c.standard else None                                    # noqa: E731
    _school(src, "THCS Số 2", "Châu Thành", "THCS", "2024-2025", top)                            # Mức 3, CQG 2
    _school(src, "THCS Số 10", "Châu Thành", "THCS", "2024-2025",
            lambda c, o: o[1] if c.code == "2.3" else top(c, o), item_for="2.3")                     # Mức 1, one away
    _school(src, "THCS Lê Lợi", "Rạch Giá", "THCS", "2024-2025",
            lambda c, o: o[min(2, len(o) - 1)] if c.standard else None)                        # Mức 2, many away
    _school(src, "THCS Chưa Ghi", "Rạch Giá", "THCS", "2024-2025", lambda c, o: None)         # no levels
    _school(src, "THCS Hòa Bình", "Rạch Giá", "THCS", "2026-2027",
            lambda c, o: o[2] if c.mandatory or c.code in ("1.1", "1.2", "2.3", "3.3") else o[1])     # TT57 Mức 1, one away
    out = tmp_path / "tong-hop.xlsx"
    assert main(["tong-hop", str(src), "-o", str(out)]) in (0, 1)
    wb = openpyxl.load_workbook(out)

    def rows(key):
        ws = wb[texts().tables[key].sheet]
        values = list(ws.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(values) if r and r[0] in ("STT", "Bộ tiêu chuẩn (thông tư · cấp học)"))
        head = values[header_at]
        return [dict(zip(head, r, strict=False)) for r in values[header_at + 1:] if any(v is not None for v in r)]

    by_level = {(r["Bộ tiêu chuẩn (thông tư · cấp học)"][:7], r["Xã/phường (huyện)"]): r for r in rows("theo_muc")}
    ct = by_level[("18/2018", "Châu Thành")]
    assert (ct["Số trường"], ct["Mức 3"], ct["Mức 1"], ct["Đủ chuẩn quốc gia mức độ 2"], ct["Đủ chuẩn quốc gia mức độ 1"],
            ct["Trường chỉ còn một tiêu chí để lên mức tiếp theo"]) == (2, 1, 1, 1, 1, 1)
    rg = by_level[("18/2018", "Rạch Giá")]
    assert (rg["Số trường"], rg["Mức 2"], rg["Chưa ghi mức"],
            rg["Trường chỉ còn một tiêu chí để lên mức tiếp theo"]) == (2, 1, 1, 0)
    tt57 = by_level[("57/2026", "Rạch Giá")]
    assert (tt57["Mức 1"], tt57["Đủ chuẩn quốc gia mức độ 1"]) == (1, 1)
    away = {r["Tên trường"]: r for r in rows("sap_len_muc")}
    assert set(away) == {"Trường THCS Số 10", "Trường THCS Hòa Bình"}
    assert away["Trường THCS Số 10"]["Tiêu chí cần nâng"] == "2.3 (có nội dung kế hoạch)"
    assert (away["Trường THCS Số 10"]["Mức hiện tại"], away["Trường THCS Số 10"]["Mức tiếp theo"]) == (1, 2)
    assert away["Trường THCS Số 10"]["Mức nếu hoàn thành kế hoạch"] == 1       # no target given for 2.3
    assert "thêm 1 trong" in away["Trường THCS Hòa Bình"]["Tiêu chí cần nâng"]
    schools = {r["Tên trường"]: r for r in rows("danh_sach")}
    assert schools["Trường THCS Số 2"]["Mức hiện tại (0 = chưa đạt Mức 1)"] == 3
    assert schools["Trường THCS Chưa Ghi"]["Mức hiện tại (0 = chưa đạt Mức 1)"] is None


def test_console_and_next_year_carry_the_levels(tmp_path, capsys):
    from conftest import filled
    levels = {c: {"current": "Mức 2"} for c in ("1.1", "1.2", "1.3")} | {"1.1": {"current": "Mức 2", "target": "Mức 3"},
                                                                         "1.3": {"current": "Mức 1", "target": "Mức 2"}}
    item = {"ket_qua_can_dat": "Đạt mức 3", "giai_phap": "Xây dựng chiến lược giai đoạn 2023-2028",
            "chu_tri": "Hiệu trưởng", "thoi_gian": "Tháng 10/2023", "trang_thai": "Hoàn thành",
            "ket_qua": "Chiến lược được hội đồng trường thông qua (Nghị quyết số 12/NQ-HĐT)"}
    open_item = {**item, "giai_phap": "Kiện toàn các đoàn thể", "trang_thai": "Đang thực hiện", "ket_qua": "",
                 "ly_do": "Chờ đại hội"}
    data = {"info": {"ten_truong": "Trường THPT Mức", "cap_hoc": "THPT", "nam_hoc": "2023-2024",
                     "giai_doan": "Báo cáo kết quả cuối năm học", "ngay_bao_cao": "25/05/2024"},
            "items": [{"criterion": "1.1", "values": item}, {"criterion": "1.3", "values": open_item}],
            "levels": levels}
    src = filled(tmp_path, "THPT", "2023-2024", data)
    main(["kiem-tra", str(src)])
    text = capsys.readouterr().out
    assert "MỨC CỦA NHÀ TRƯỜNG" in text and "Mới ghi mức của 3/28 tiêu chí" in text
    dst = tmp_path / "nam-sau.xlsx"
    assert main(["nam-sau", str(src), "-o", str(dst)]) == 0
    capsys.readouterr()
    new = check_file(dst, today=TODAY)
    got = {code: (e.current.text, e.target.text) for code, e in new.book.levels.items() if e.current.text}
    # 1.1's only item was completed: its target is reached; 1.3's item is still open: it stays where it was
    assert got == {"1.1": ("Mức 3", ""), "1.2": ("Mức 2", ""), "1.3": ("Mức 1", "")}


def test_demo_school_levels(tmp_path):
    """The example school writes «duy trì trường chuẩn mức độ 2, kiểm định cấp độ 3» and plans all six Mức 4
    requirements: Mức 3 now, chuẩn quốc gia mức độ 2, Mức 4 if the plan is completed, and no level finding
    (items for criteria already at Mức 3 are normal when no blocking criterion is left out)."""
    from xlbridge.demo import build_example
    result = check_file(build_example(tmp_path), today=TODAY)
    lv = result.levels
    assert (lv.current, lv.chuan_quoc_gia, lv.planned, lv.next_level) == (3, 2, 4, 4)
    assert not [f for f in result.findings if f.rule.startswith("LV")]


def test_reports_say_the_level_in_one_sentence(tmp_path):
    """The results report says where the results put the school; the plan says what completing it gives."""
    from xlbridge.demo import build_example
    from xlbridge.report.narrative import report_rows
    result = check_file(build_example(tmp_path), today=TODAY)
    text = " ".join(t for _kind, t in report_rows(result.book, result.summary))
    assert ("Theo kết quả thực hiện kế hoạch, nhà trường vẫn ở Mức 3 như đầu năm học; "
            "nếu hoàn thành toàn bộ kế hoạch sẽ đạt Mức 4.") in text
    out = tmp_path / "ke-hoach.docx"
    assert main(["bao-cao", str(tmp_path / "vi-du-thpt-giong-rieng-2023-2024.xlsx"), "--loai", "ke-hoach", "-o", str(out)]) == 0
    import docx
    words = " ".join(p.text for p in docx.Document(out).paragraphs)
    assert "Nếu hoàn thành kế hoạch, nhà trường đạt Mức 4 (hiện tại: Mức 3)." in words

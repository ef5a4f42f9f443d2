"""A province renames statuses in its own vocabulary (KDCL_DU_LIEU): every figure still comes from the one
definition — the check's summary, the consolidation, the narrative and the Word import agree."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import TODAY

from xlbridge.check import check_file
from xlbridge.consolidate import records
from xlbridge.consolidate.sources import discover
from xlbridge.consolidate.worker import check_chunk
from xlbridge.data import files
from xlbridge.data.catalog import choose_framework
from xlbridge.template.builder import TemplateSpec, build_template

DONE, CANCELLED, EXTRA_DONE = "Đã hoàn tất", "Dừng thực hiện", "Hoàn thành vượt mức"
GOING, LATE = "Đang thực hiện", "Chậm tiến độ"


@pytest.fixture
def renamed(tmp_path, monkeypatch):
    """A vocabulary where "Hoàn thành" is "Đã hoàn tất", "Không thực hiện" is "Dừng thực hiện", and a second
    done status follows them."""
    bundled = yaml.safe_load((files.BUNDLED / "vocab" / "statuses.yaml").read_text(encoding="utf-8"))
    names = {"Hoàn thành": DONE, "Không thực hiện": CANCELLED}
    statuses = [{**s, "name": names.get(s["name"], s["name"])} for s in bundled["statuses"]]
    statuses.append({"name": EXTRA_DONE, "done": True, "open": False, "aliases": ["Vượt mức"]})
    folder = tmp_path / "du-lieu"
    (folder / "vocab").mkdir(parents=True)
    (folder / "vocab" / "statuses.yaml").write_text(yaml.safe_dump({"statuses": statuses}, allow_unicode=True),
                                                   encoding="utf-8")
    (folder / "forms").mkdir()
    for form in (files.BUNDLED / "forms").glob("*.yaml"):        # the forms name the statuses that need a result/reason
        lines = form.read_text(encoding="utf-8").splitlines(keepends=True)
        for old, new in names.items():
            lines = [ln.replace(old, new) if "required_if_status" in ln else ln for ln in lines]
        (folder / "forms" / form.name).write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("KDCL_DU_LIEU", str(folder))
    files.reload()
    yield folder
    monkeypatch.delenv("KDCL_DU_LIEU")
    files.reload()


def _workbook(tmp_path: Path) -> Path:
    """A 2018 plan with results: statuses typed by their new names (one by an alias), budgets, a late item."""
    fw = choose_framework("THCS", 2023)
    path = tmp_path / "doi-ten.xlsx"
    layout = build_template(TemplateSpec(fw, "THCS", "2023-2024", "Trường THCS Đổi Tên", "Kiên Giang"), path)
    wb = openpyxl.load_workbook(path)
    rows = {
        "Tiêu chuẩn 1": [(DONE, 5_000_000), (EXTRA_DONE, 0), (CANCELLED, 0), (GOING, 2_000_000), (None, 0)],
        "Tiêu chuẩn 2": [("Vượt mức", 1_000_000), (LATE, 0), (CANCELLED, 0)],
        "Tiêu chuẩn 3": [(CANCELLED, 0)],
    }
    for sheet, entries in rows.items():
        table = layout.sheet(sheet).table("plan")
        free = [r for b in table.criteria for r in b.item_rows]
        for row, (status, money) in zip(free, entries, strict=False):
            ws = wb[sheet]
            ws.cell(row, table.by_key("giai_phap").index).value = f"Nội dung ở dòng {row}"
            ws.cell(row, table.by_key("thoi_gian").index).value = "Tháng 10/2023"
            if money:
                ws.cell(row, table.by_key("kinh_phi").index).value = money
            if status:
                ws.cell(row, table.by_key("trang_thai").index).value = status
    wb.save(path)
    return path


def test_renamed_statuses_count_the_same_everywhere(tmp_path, renamed):
    path = _workbook(tmp_path)
    result = check_file(path, TODAY)
    rows = {r.sheet: r.counts for r in result.summary.rows}
    t1, t2, t3 = rows["Tiêu chuẩn 1"], rows["Tiêu chuẩn 2"], rows["Tiêu chuẩn 3"]
    assert (t1.items, t1.done, t1.cancelled, t1.no_status, t1.budget) == (5, 2, 1, 1, 7_000_000)
    assert t1.completion == pytest.approx(2 / 4)                   # both done statuses count, the cancelled one is out
    assert (t2.items, t2.done, t2.cancelled) == (3, 1, 1) and t2.completion == pytest.approx(1 / 2)
    assert (t3.items, t3.cancelled, t3.completion) == (1, 1, None)
    total = result.summary.total.counts
    assert (total.items, total.done, total.cancelled) == (9, 3, 3) and total.completion == pytest.approx(3 / 6)

    [entry] = discover([str(path)])                            # tong-hop: the fast reader, in the worker
    out = check_chunk([entry], TODAY)[0]
    assert out.unreadable is None
    assert [s[2:] for s in out.standards] == [(r.sheet, *records.totals(r.counts)) for r in result.summary.rows]
    assert out.school["ht_chung"] == pytest.approx(3 / 6) and out.school["hoan_thanh"] == 3

    from xlbridge.report.facts import collect
    facts = collect(result.book, result.summary.report_date)      # the narrative's figures
    assert facts.total.so_hoan_thanh == 3 and facts.total.ti_le == pytest.approx(3 / 6)
    assert len(facts.cancelled) == 3 and {f.status.name for f in facts.cancelled} == {CANCELLED}


def test_word_import_picks_the_renamed_done_status(renamed):
    from xlbridge.core.official import from_official
    assert from_official("Đã kiện toàn tổ chuyên môn", None, None).status == DONE
    assert from_official(None, None, "Chưa có kinh phí").status == "Chưa triển khai"


def test_renamed_statuses_sheet_formulas_agree(tmp_path, renamed, soffice):
    """The "Tổng hợp" formulas are generated from the same vocabulary: after LibreOffice recalculates them they
    equal the Python summary, rate included (both done statuses counted, the renamed cancelled one left out)."""
    import math

    from conftest import sheet_records
    from lo import recalculate

    from xlbridge.layout import SUMMARY_HEADER_ROW, config
    path = _workbook(tmp_path)
    expected = sheet_records(check_file(path, TODAY).summary)
    ws = openpyxl.load_workbook(recalculate(path, tmp_path / "lo"), data_only=True)[config().sheets["summary"]]
    headers = [c.value for c in ws[SUMMARY_HEADER_ROW]]
    got = [dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1,
                                                                      max_row=SUMMARY_HEADER_ROW + len(expected),
                                                                      values_only=True)]
    rate = config().labels["summary"]["completion"]
    for want, have in zip(expected, got, strict=True):
        for key in [k for k in want if k != rate and k in headers[:headers.index(rate)]]:
            assert have[key] == want[key], (want[headers[0]], key)
        if math.isnan(want[rate]):
            assert have[rate] in (None, ""), want[headers[0]]
        else:
            assert have[rate] == pytest.approx(want[rate]), want[headers[0]]

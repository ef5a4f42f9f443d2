"""`kdcl nam-sau`: next year's plan from a results workbook — open items carried, questions marked."""

from __future__ import annotations

import copy
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import SEEDS, TODAY, document, filled, seed_workbook, sheet_records, tt57_workbook

from xlbridge.carry.crosswalk import crosswalks, get_crosswalk
from xlbridge.carry.plan import carry_period, plan_next_year, shift_years
from xlbridge.carry.workbook import write_next_year
from xlbridge.check import check_file
from xlbridge.cli import main
from xlbridge.core.carried import read_marks
from xlbridge.core.periods import SchoolYear, parse_period
from xlbridge.data import files
from xlbridge.data.carry_texts import carry_texts
from xlbridge.data.catalog import get_framework
from xlbridge.errors import DataFileError, KdclError
from xlbridge.io.reader import read_workbook

STATUSES = ("Hoàn thành", "Đang thực hiện", "Chậm tiến độ", "Chưa triển khai", "Không thực hiện")
OPEN = ("Đang thực hiện", "Chậm tiến độ", "Chưa triển khai")


def _every_status(nam_hoc: str = "2023-2024") -> dict:
    """The THPT results seed with every status present, plan details on a few items, working groups."""
    data = copy.deepcopy(document(SEEDS["ket-qua-thpt"]))
    data["info"]["nam_hoc"] = nam_hoc
    by_code = {it["criterion"]: it["values"] for it in data["items"]}
    by_code["1.5"].update(trang_thai="Chậm tiến độ", ly_do="Chờ Sở GDĐT duyệt chỉ tiêu tuyển sinh")
    by_code["2.3"].update(trang_thai="Không thực hiện", ket_qua=None, ly_do="Sở GDĐT đã tập huấn thay")
    by_code["1.1"].update(noi_dung_dieu_chinh="Điều chỉnh kế hoạch chiến lược theo hướng dẫn mới của Sở",
                          thoi_gian=f"Tháng 10/{nam_hoc[:4]}", chu_tri="Hiệu trưởng", kinh_phi="5 triệu",
                          dieu_kien="Xin ý kiến Hội đồng trường")
    by_code["3.4"].update(thoi_gian="Học kỳ II", chu_tri="Phó Hiệu trưởng")
    by_code["5.3"].update(thoi_gian="Trong năm học")
    groups = [{"nhom": f"Nhóm công tác {n}", "truong_nhom": f"Trưởng nhóm {n}"} for n in range(1, 6)]
    data["lists"]["nhom_cong_tac"] = groups
    return data


def _results_book(tmp_path: Path, nam_hoc: str = "2023-2024") -> Path:
    data = _every_status(nam_hoc)
    return filled(tmp_path, "THPT", nam_hoc, data)


def _carry(tmp_path: Path, src: Path, **kw):
    plan = plan_next_year(read_workbook(src), **kw)
    written = write_next_year(plan, tmp_path / "nam-sau.xlsx")
    return plan, written, check_file(written.path, TODAY)


def test_every_status_present_only_open_items_carried(tmp_path):
    src = _results_book(tmp_path)
    before = read_workbook(src)
    counts = Counter(it.status.name for it in before.items)
    assert set(counts) == set(STATUSES)
    plan, written, checked = _carry(tmp_path, src)
    assert Counter(it.source.status.name for it in plan.items) == {s: counts[s] for s in OPEN}
    assert plan.skipped == Counter({"Hoàn thành": counts["Hoàn thành"], "Không thực hiện": 1})
    book = checked.book
    assert len(book.items) == sum(counts[s] for s in OPEN)
    assert all(it.status is None for it in book.items)                   # a fresh plan: no results yet
    old = {(it.criterion, it.content) for it in before.items if it.status.open}
    assert {(it.criterion, it.text("content")) for it in book.items} == old    # under the same criterion
    assert not any(it.text("content") == "Phó Hiệu trưởng tham gia học cao học" and it.criterion != "2.1" for it in book.items)


def test_carried_item_keeps_adjusted_content_plan_details_and_says_why(tmp_path):
    plan, written, checked = _carry(tmp_path, _results_book(tmp_path))
    items = {it.criterion: it for it in checked.book.items}
    first = items["1.1"]
    assert first.text("content") == "Điều chỉnh kế hoạch chiến lược theo hướng dẫn mới của Sở"       # adjusted content
    assert first.text("person") == "Hiệu trưởng" and first.budget.amount == 5_000_000
    note = first.text("note")
    assert note.startswith("Mang sang từ năm học 2023-2024 (Đang thực hiện): ")
    assert "Bổ sung và điều chỉnh kế hoạch chiến lược" in note               # the original content is not lost
    late = items["1.5"].text("note")
    assert late == "Mang sang từ năm học 2023-2024 (Chậm tiến độ): Chờ Sở GDĐT duyệt chỉ tiêu tuyển sinh"
    assert "Chưa bổ sung vào quy hoạch" in items["2.1"].text("note")        # Chưa triển khai, with its reason


def test_school_information_and_groups_carried_year_and_phase_new(tmp_path):
    plan, written, checked = _carry(tmp_path, _results_book(tmp_path))
    info = checked.book.info
    assert info.text("ten_truong") == "Trường THPT Giồng Riềng" and info.text("hieu_truong") == "Dàm Thanh Lạc"
    assert info.text("nam_hoc") == "2024-2025" and info.phase.id == "ke-hoach" and info.report_date is None
    assert info.cap_hoc == "THPT" and checked.book.framework.id == "tt18-2018-trung-hoc"
    groups = [e["nhom"].text for e in info.lists["nhom_cong_tac"]]
    assert groups == [f"Nhóm công tác {n}" for n in range(1, 6)]
    assert info.lists["can_cu"] == []                                     # legal bases change every year


def test_periods_relative_kept_dated_marked_for_review(tmp_path):
    plan, written, checked = _carry(tmp_path, _results_book(tmp_path))
    items = {it.criterion: it for it in checked.book.items}
    assert items["3.4"].text("period") == "Học kỳ II" and items["5.3"].text("period") == "Trong năm học"
    assert items["1.1"].text("period") == "Tháng 10/2024"                  # proposed, not silently guessed:
    ms = [f for f in checked.findings if f.rule == "MS01"]
    assert len(ms) == 1 and ms[0].place == f"Tiêu chuẩn 1!{items['1.1'].first('period').cell.a1}"
    assert "«Tháng 10/2023» đã qua" in ms[0].message and "«Tháng 10/2024»" in ms[0].message
    assert not [f for f in checked.findings if f.rule.startswith(("CT", "TG"))]


@pytest.mark.parametrize("text, expected, asks", [
    ("Học kỳ I", "Học kỳ I", False),
    ("Trong năm học", "Trong năm học", False),
    ("Tháng 10", "Tháng 10", False),
    ("Tháng 10/2024", "Tháng 10/2025", True),
    ("Tháng 6/2024 - tháng 12/2024", "Tháng 6/2025 - tháng 12/2025", True),
    ("Trong năm học 2024-2025 và 2025-2026", "Trong năm học 2024-2025 và 2025-2026", False),   # still running
    ("Tháng 11/2025", "Tháng 11/2025", False),                              # already in the new year
    ("khi có kinh phí", "khi có kinh phí", False),                         # unreadable: TG01 says so
    ("", "", False),
])
def test_carry_period(text, expected, asks):
    old, new = SchoolYear(2024), SchoolYear(2025)
    got, question = carry_period(text, parse_period(text, old), old, new, carry_texts())
    assert got == expected and bool(question) == asks


def test_shift_years_touches_only_years():
    assert shift_years("Tháng 10/2024 - tháng 05/2025 (10 triệu)", 2) == "Tháng 10/2026 - tháng 05/2027 (10 triệu)"


def test_to_tt57_each_item_mapped_and_not_one_to_one_marked(tmp_path):
    """2025-2026 (Thông tư 18/2018) → 2026-2027 (Thông tư 57/2026): the crosswalk decides the criterion;
    every mapping that is not one-to-one is a question at the item's criterion cell."""
    src = _results_book(tmp_path, "2025-2026")
    plan, written, checked = _carry(tmp_path, src)
    old, new = get_framework("tt18-2018-trung-hoc"), get_framework("tt57-2026-pho-thong")
    cw = get_crosswalk(old, new)
    assert checked.book.framework.id == new.id and len(checked.book.items) == len(plan.items) == 24
    for it in plan.items:
        assert it.criterion == cw.get(it.source.criterion).best.code
    book_items = {(it.sheet, it.row): it for it in checked.book.items}
    unsure = [it for it in plan.items if cw.needs_confirmation(cw.get(it.source.criterion))]
    assert 0 < len(unsure) < len(plan.items)
    ms = [f for f in checked.findings if f.rule == "MS01"]
    criterion_cells = [f for f in ms if f.sheet.startswith("Tiêu chuẩn") and f.cell.startswith("C")]
    assert len(criterion_cells) == len(unsure)
    for f in criterion_cells:
        item = book_items[(f.sheet, int(f.cell[1:]))]
        assert item.criterion in f.message and "Thông tư 18/2018" in f.message
    groups = [f for f in ms if f.sheet == "Thông tin"]
    assert len(groups) == 4                               # each working group taken from an old standard
    assert "«Điều kiện hỗ trợ khác» năm trước: Xin ý kiến Hội đồng trường" in "\n".join(r.previous for r in written.rows)
    sheet3 = [it for it in checked.book.items if it.sheet == "Tiêu chuẩn 3"]
    assert len(sheet3) > 8 and plan.rows == {"plan_per_standard": len(sheet3)}   # more rows than the template's 8


def test_confirming_on_the_list_silences_ms01(tmp_path):
    src = _results_book(tmp_path, "2025-2026")
    plan, written, checked = _carry(tmp_path, src)
    assert any(f.rule == "MS01" for f in checked.findings)
    t = carry_texts()
    wb = openpyxl.load_workbook(written.path)
    ws = wb[t.sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    marks = [m for m in read_marks(rows) if m.entry.question]
    for m in marks[:-1]:
        ws[m.confirm_cell] = t.confirmed
    ws[marks[-1].confirm_cell] = "x"                     # another way of saying it
    done = Path(tmp_path / "da-xac-nhan.xlsx")
    wb.save(done)
    assert not [f for f in check_file(done, TODAY).findings if f.rule == "MS01"]


def test_ms01_follows_an_item_moved_by_inserted_rows(tmp_path):
    src = _results_book(tmp_path, "2025-2026")
    plan, written, checked = _carry(tmp_path, src)
    first = next(f for f in checked.findings if f.rule == "MS01" and f.sheet == "Tiêu chuẩn 1")
    row = int(first.cell[1:])
    wb = openpyxl.load_workbook(written.path)
    wb["Tiêu chuẩn 1"].insert_rows(row, 2)
    moved = tmp_path / "chen-dong.xlsx"
    wb.save(moved)
    again = [f for f in check_file(moved, TODAY).findings if f.rule == "MS01" and f.sheet == "Tiêu chuẩn 1"]
    assert f"{first.cell[0]}{row + 2}" in [f.cell for f in again]


def test_tt57_next_year_identity_mapping(tmp_path):
    src = tt57_workbook(tmp_path, "pho-thong")
    book = read_workbook(src)
    plan, written, checked = _carry(tmp_path, src)
    assert str(plan.new_year) == "2027-2028" and plan.source.id == plan.target.id
    expected = [(it.criterion, it.content) for it in book.items if it.status.open]
    assert [(it.criterion, it.source.content) for it in plan.items] == expected and expected
    ms = [f for f in checked.findings if f.rule == "MS01"]
    assert ms and all("đã qua" in f.message for f in ms)                 # only dated periods, no mapping question
    groups = [e["nhom"].text for e in checked.book.info.lists["nhom_cong_tac"] if e["nhom"].text]
    assert groups == [e["nhom"].text for e in book.info.lists["nhom_cong_tac"] if e["nhom"].text]


def test_items_without_status_stay_unless_asked(tmp_path):
    src = seed_workbook(tmp_path, "ke-hoach-th-thcs")
    plan = plan_next_year(read_workbook(src))
    assert plan.items == [] and plan.skipped["no-status"] == 4
    plan, written, checked = _carry(tmp_path, src, include_unrated=True)
    assert len(plan.items) == 4 and all(any(q.kind == "unrated" for q in it.questions) for it in plan.items)
    assert len([f for f in checked.findings if f.rule == "MS01"]) == 4


def test_province_form_kept_for_the_same_circular(tmp_path):
    src = seed_workbook(tmp_path, "tien-do-tieu-hoc")
    plan, written, checked = _carry(tmp_path, src, include_unrated=True)
    assert plan.plan_form == "tien-do-tien-giang" and checked.book.layout.plan_form.id == "tien-do-tien-giang"
    assert len(checked.book.items) == 7
    assert [it.text("period") for it in checked.book.items][3] == "Trong năm học 2023-2024 và 2024-2025"


def test_cli_nam_sau(tmp_path, capsys):
    src = _results_book(tmp_path, "2025-2026")
    out = tmp_path / "ke-hoach-2026-2027.xlsx"
    assert main(["nam-sau", str(src), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Mang sang 24 nội dung" in printed and "năm học 2026-2027" in printed and "Mang sang" in printed
    assert main(["kiem-tra", str(out)]) == 1                             # the new plan still lacks required cells
    report = capsys.readouterr().out
    assert "MS01" in report and "KH01" in report
    assert main(["nam-sau", str(src), "-o", str(out)]) == 2
    assert "--ghi-de" in capsys.readouterr().err
    assert main(["nam-sau", str(src), "-o", str(src)]) == 2
    assert "Không ghi đè" in capsys.readouterr().err
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["nam-sau", str(bad), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "Không đọc được sổ" in capsys.readouterr().err
    assert main(["nam-sau", str(src), "-o", str(tmp_path / "y.xlsx"), "--nam-hoc", "2024-2025"]) == 2
    assert "phải sau năm học" in capsys.readouterr().err


# ---------------------------------------------------------------- the crosswalk data


def test_crosswalks_cover_every_old_criterion():
    by_pair = {(c.source, c.target): c for c in crosswalks()}
    assert set(by_pair) == {("tt17-2018-tieu-hoc", "tt57-2026-pho-thong"), ("tt18-2018-trung-hoc", "tt57-2026-pho-thong"),
                            ("tt19-2018-mam-non", "tt57-2026-mam-non")}
    for (src, dst), cw in by_pair.items():
        old, new = get_framework(src), get_framework(dst)
        assert set(cw.mappings) == {c.code for c in old.criteria()}
        for m in cw.mappings.values():
            assert all(new.criterion(t.code) for t in m.targets)
            assert [t.confidence for t in m.targets] == sorted((t.confidence for t in m.targets), reverse=True)
            if m.judgement:
                assert m.note, m.source                                  # every judgement call says why
            if m.source.startswith("M4."):
                assert cw.needs_confirmation(m)                          # Mức 4 no longer exists
            if len(m.targets) > 1:
                assert m.judgement and cw.needs_confirmation(m), m.source


def test_missing_crosswalk_is_a_sentence():
    with pytest.raises(KdclError, match="Chưa có bảng đối chiếu tiêu chí"):
        get_crosswalk(get_framework("tt57-2026-pho-thong"), get_framework("tt18-2018-trung-hoc"))


def test_broken_crosswalk_names_file_and_field(tmp_path, monkeypatch):
    folder = tmp_path / "crosswalk"
    folder.mkdir()
    name = "tt18-2018-trung-hoc--tt57-2026-pho-thong.yaml"
    text = (files.BUNDLED / "crosswalk" / name).read_text(encoding="utf-8")
    (folder / name).write_text(text.replace('{code: "4.2", confidence: 0.9}', '{code: "4.9", confidence: 0.9}', 1),
                               encoding="utf-8")
    monkeypatch.setenv("KDCL_DU_LIEU", str(tmp_path))
    files.reload()
    try:
        with pytest.raises(DataFileError) as err:
            crosswalks()
        assert name in str(err.value) and "mappings[" in err.value.field and "4.9" in str(err.value)
    finally:
        monkeypatch.delenv("KDCL_DU_LIEU")
        files.reload()


def test_carry_core_needs_no_excel_library():
    code = ("import sys, xlbridge.carry.plan, xlbridge.core.carried; "
            "bad = [m for m in ('openpyxl', 'xlsxwriter', 'xlwings') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_carried_and_imported_workbooks_recalculate_in_libreoffice(soffice, tmp_path):
    """An office suite opens the new workbooks (extra input rows, the "Mang sang" list, the import report):
    "Tổng hợp" counts what the Python summary counts, and the list reads back the same."""
    from lo import convert
    from make_docx import build_docx

    from xlbridge.importer.convert import import_word
    from xlbridge.importer.workbook import write_import
    from xlbridge.layout import SUMMARY_HEADER_ROW, config

    src = _results_book(tmp_path, "2025-2026")
    carried = write_next_year(plan_next_year(read_workbook(src)), tmp_path / "nam-sau.xlsx").path
    imported = tmp_path / "nhap-word.xlsx"
    write_import(import_word(build_docx("ket-qua-thpt", tmp_path / "thpt.docx")), imported)
    outs = convert([carried, imported], tmp_path / "lo", exe=soffice)
    for original, converted in zip((carried, imported), outs, strict=True):
        expected = sheet_records(check_file(original, TODAY).summary)
        ws = openpyxl.load_workbook(converted, data_only=True)[config().sheets["summary"]]
        headers = [c.value for c in ws[SUMMARY_HEADER_ROW]]
        got = [dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1,
                                                                          max_row=SUMMARY_HEADER_ROW + len(expected),
                                                                          values_only=True)]
        for want, have in zip(expected, got, strict=True):
            assert have["Số nội dung"] == want["Số nội dung"] and have["Hoàn thành"] == want["Hoàn thành"], want
    rows = [list(r) for r in openpyxl.load_workbook(outs[0])[carry_texts().sheet].iter_rows(values_only=True)]
    original = [list(r) for r in openpyxl.load_workbook(carried)[carry_texts().sheet].iter_rows(values_only=True)]
    assert [m.entry for m in read_marks(rows)] == [m.entry for m in read_marks(original)]
    assert [f.rule for f in check_file(outs[0], TODAY).findings].count("MS01") == \
        [f.rule for f in check_file(carried, TODAY).findings].count("MS01") > 0


def test_unconfirmed_questions_print_marked_and_confirmed_ones_plain(soffice, tmp_path):
    """The "Mang sang" answer cells carry the "missing" fill only while MS01 reports them: LibreOffice prints
    fills (conditional ones too), so a list the school has confirmed prints plain. Rendered by LibreOffice,
    rasterised by pdftoppm."""
    from lo import to_pdf
    from test_print import _marked_pages

    src = _results_book(tmp_path, "2025-2026")
    written = write_next_year(plan_next_year(read_workbook(src)), tmp_path / "nam-sau.xlsx").path
    t = carry_texts()

    def list_only(name: str, confirm: bool) -> Path:
        wb = openpyxl.load_workbook(written)
        for other in [s for s in wb.sheetnames if s != t.sheet]:
            del wb[other]
        ws = wb[t.sheet]
        marks = [m for m in read_marks([list(r) for r in ws.iter_rows(values_only=True)]) if m.entry.question]
        assert len(marks) > 1
        if confirm:
            for m in marks[:-1]:
                ws[m.confirm_cell] = t.confirmed
            ws[marks[-1].confirm_cell] = "Đã xem"            # an alias, with its diacritics
        wb.save(tmp_path / name)
        return tmp_path / name

    asked, confirmed = to_pdf([list_only("hoi.xlsx", False), list_only("xac-nhan.xlsx", True)], tmp_path / "pdf")
    marked = _marked_pages(asked)
    assert marked and all(c["missing"] for c in marked.values()), marked
    assert not _marked_pages(confirmed), _marked_pages(confirmed)


def test_the_carried_list_prints_readable_with_every_word(soffice, tmp_path):
    """The "Mang sang" list prints A4 across at a readable scale (text ≥ 9 pt: it was fitted to one page width
    and shrank), one column band, its header on every page, the footer naming the sheet, and every word of every
    row and of the intro lines (long lines wrap inside the page, never cut at its edge). Rendered by LibreOffice,
    read back with pdftotext."""
    from lo import to_pdf
    from pdfcheck import by_sheet, pdftotext, read_pdf, squeeze
    from test_print import _reference

    from xlbridge.core.pagefit import MIN_SCALE
    if pdftotext() is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: scripts/setup.sh installs it")
    t = carry_texts()
    plan = plan_next_year(read_workbook(seed_workbook(tmp_path, "ket-qua-thpt")), thong_tu="57/2026")
    written = write_next_year(plan, tmp_path / "nam-sau.xlsx").path
    wb = openpyxl.load_workbook(written)
    for other in [s for s in wb.sheetnames if s != t.sheet]:
        del wb[other]
    ws = wb[t.sheet]
    assert ws.page_setup.scale >= MIN_SCALE and not ws.sheet_properties.pageSetUpPr.fitToPage
    wb.save(tmp_path / "mang-sang.xlsx")
    pdf, ref = to_pdf([tmp_path / "mang-sang.xlsx", _reference(tmp_path)], tmp_path / "pdf")
    smallest = min(w.height for p in read_pdf(ref, ["R"]) for w in p.words)
    pages = read_pdf(pdf, [t.sheet])
    assert len(pages) > 1 and list(by_sheet(pages)) == [t.sheet]
    small = [w.text for p in pages for w in p.words if w.height < smallest - 0.05]
    assert not small, small[:10]
    printed = unicodedata.normalize("NFC", "".join(p.text() for p in pages))    # pdftotext cuts words at some glyphs
    header = [h for _k, h, _w in t.columns]
    for p in pages:                                              # the header row repeated on every page
        assert squeeze(header[-1]) in squeeze(" ".join(w.text for w in p.words)), p.number
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v not in (None, "")]
    missing = [(c[:40], word) for c in cells for word in c.split() if unicodedata.normalize("NFC", squeeze(word)) not in printed]
    assert not missing, missing[:5]

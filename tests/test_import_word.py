"""`kdcl nhap-word`: Word documents built from the seed tables → filled workbooks that check like the seeds."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import SEEDS, TODAY, seed_workbook, sheet_records
from make_docx import Shape, build_docx, seed

from xlbridge.check import check_file
from xlbridge.cli import main
from xlbridge.core.official import from_official
from xlbridge.core.periods import SchoolYear
from xlbridge.errors import KdclError
from xlbridge.importer.convert import Options, import_word
from xlbridge.importer.docx_tables import read_docx
from xlbridge.importer.texts import import_texts
from xlbridge.importer.workbook import write_import


def _import(tmp_path: Path, name: str, shape: Shape | None = None, opts: Options | None = None):
    doc = build_docx(name, tmp_path / f"{name}.docx", shape)
    result = import_word(doc, opts)
    out = tmp_path / f"{name}.xlsx"
    write_import(result, out)
    return result, out


def _source_counts(name: str) -> tuple[int, dict[str, int]]:
    """Items and statuses straight from the seed table (status from the printed result columns)."""
    data = seed(name)
    statuses: dict[str, int] = {}
    for it in data["items"]:
        v = it["values"]
        if data["kind"] == "ket-qua":
            status = from_official(v.get("done"), v.get("in_progress"), v.get("not_started"), v.get("note")).status
            if status:
                statuses[status] = statuses.get(status, 0) + 1
    return len(data["items"]), statuses


def _total(result) -> dict[str, object]:
    return sheet_records(result.summary)[-1]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_shaped_docx_imports_to_the_same_numbers(tmp_path, name):
    """Import → kiểm tra: the summary equals the seed table's counts and the directly filled seed workbook."""
    result, out = _import(tmp_path, name)
    assert result.unplaced == [] and result.unmapped == []
    checked = check_file(out, TODAY)
    items, statuses = _source_counts(name)
    total = _total(checked)
    assert total["Số nội dung"] == items == len(checked.book.items)
    for status, n in statuses.items():
        assert total[status] == n, status
    reference = check_file(seed_workbook(tmp_path, name), TODAY)
    assert checked.summary.all_rows() == reference.summary.all_rows()
    assert not [f for f in checked.findings if f.rule.startswith("CT")]       # the template structure is intact


def test_texts_land_under_their_criteria_verbatim(tmp_path):
    result, out = _import(tmp_path, "ket-qua-thpt")
    book = check_file(out, TODAY).book
    by_code = {it.criterion: it for it in book.items}
    data = {str(it["criterion"]): it["values"] for it in seed("ket-qua-thpt")["items"]}
    for code, values in data.items():
        assert by_code[code].text("content") == values["plan"], code
    assert by_code["M4.6"].sheet == "Mức 4" and by_code["1.10"].sheet == "Tiêu chuẩn 1"
    assert by_code["M4.4"].status.name == "Chưa triển khai"          # only "Ghi chú: Chưa thực hiện do …"
    assert result.info["ten_truong"] == "TRƯỜNG THPT GIỒNG RIỀNG" or result.info["ten_truong"].endswith("Giồng Riềng")
    assert result.info["hieu_truong"] == "Dàm Thanh Lạc"
    assert str(result.year) == "2023-2024" and result.phase == "cuoi-nam"


def test_year_level_and_phase_come_from_the_document(tmp_path):
    plan, _ = _import(tmp_path, "ke-hoach-th-thcs")
    assert (plan.cap_hoc, str(plan.year), plan.phase) == ("PT nhiều cấp học", "2024-2025", "ke-hoach")
    progress, _ = _import(tmp_path, "tien-do-tieu-hoc")
    assert (progress.cap_hoc, str(progress.year), progress.phase) == ("Tiểu học", "2023-2024", "giua-nam")
    assert progress.report_date.isoformat() == "2023-10-25"
    assert progress.plan_form == "tien-do-tien-giang"


def test_table_split_over_pages_with_a_row_cut_in_two(tmp_path):
    """Three continued tables (header repeated), the 1.4 row cut by a page break: the cut cells are
    joined back, nothing is left out, and the report says where it joined."""
    shape = Shape(split_before=(5, 9), continue_item=0)
    result, out = _import(tmp_path, "ket-qua-thcs", shape)
    doc = read_docx(tmp_path / "ket-qua-thcs.docx")
    assert len(doc.tables) == 5                     # four parts of the plan table, the signature table
    assert result.tables == [1, 2, 3, 4] and result.unplaced == []
    first = seed("ket-qua-thcs")["items"][0]["values"]
    d = result.drafts[0]
    assert d.criterion == "1.4" and len(d.rows) == 2 and d.rows[1].starts_table
    assert d.values["content"] == first["plan"] and d.values["done"] == first["done"]
    assert any("nối vào nội dung của tiêu chí 1.4" in n for n in result.notes)
    items, statuses = _source_counts("ket-qua-thcs")
    total = _total(check_file(out, TODAY))
    assert total["Số nội dung"] == items and total["Hoàn thành"] == statuses["Hoàn thành"]


def test_cells_cut_by_a_page_break_inside_one_table(tmp_path):
    """As in the THCS seed converted from PDF: the rest of a row's cells on the next row, no label."""
    result, _ = _import(tmp_path, "ket-qua-thcs", Shape(continue_item=5, cut_in_place=True))
    d = result.drafts[5]
    want = seed("ket-qua-thcs")["items"][5]["values"]
    assert d.criterion == "3.6" and len(d.rows) == 2 and not d.rows[1].starts_table
    assert (d.values["content"], d.values["done"]) == (want["plan"], want["done"])
    assert len(result.drafts) == 10 and result.unplaced == []


def test_title_row_and_column_numbers_inside_the_table(tmp_path):
    shape = Shape(title_in_table="IV. NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC", numbering=True, split_before=(4,))
    result, out = _import(tmp_path, "ke-hoach-th-thcs", shape)
    assert result.match.header_start + result.match.header_rows == 2 and result.tables == [1, 2]
    assert result.unplaced == [] and [d.criterion for d in result.drafts] == ["1.2", "2.2", "3.5", "5.6"]
    reference = check_file(seed_workbook(tmp_path, "ke-hoach-th-thcs"), TODAY)
    assert check_file(out, TODAY).summary.all_rows() == reference.summary.all_rows()


def test_row_cut_after_the_criterion_label_as_in_the_plan_seed(tmp_path):
    """The 3.5 row of the plan seed: "Tiêu chí 3.5:" on one row, "Thiết bị" (the criterion's own title)
    and the rest of every cell on the next."""
    result, _ = _import(tmp_path, "ke-hoach-th-thcs", Shape(continue_item=2, cut_in_place=True, cut_label=True))
    assert [d.criterion for d in result.drafts] == ["1.2", "2.2", "3.5", "5.6"]
    d, want = result.drafts[2], seed("ke-hoach-th-thcs")["items"][2]
    assert d.label == want["label"] and d.values["giai_phap"] == want["values"]["giai_phap"]
    assert d.values["thoi_gian"] == want["values"]["thoi_gian"]


def test_continued_tables_without_repeated_header(tmp_path):
    shape = Shape(split_before=(3, 12, 30), repeat_header=False, continue_item=20)
    result, out = _import(tmp_path, "ket-qua-thpt", shape)
    assert len(result.tables) == 5 and result.unplaced == []
    reference = check_file(seed_workbook(tmp_path, "ket-qua-thpt"), TODAY)
    assert check_file(out, TODAY).summary.all_rows() == reference.summary.all_rows()


def test_merged_cells_give_each_item_its_criterion_and_shared_values(tmp_path):
    """Criterion and standard cells merged down over two items of 1.7, and the person cell too."""
    result, out = _import(tmp_path, "tien-do-tieu-hoc", Shape(merge_criterion=True))
    doc = read_docx(tmp_path / "tien-do-tieu-hoc.docx")
    assert any(c.merged == "above" for r in doc.tables[0].rows for c in r)
    book = check_file(out, TODAY).book
    both = [it for it in book.items if it.criterion == "1.7"]
    assert len(both) == 2 and {it.text("person") for it in both} == {"Nhóm phụ trách tiêu chuẩn 1"}
    assert [it.text("content") for it in both] == [seed("tien-do-tieu-hoc")["items"][i]["values"]["noi_dung"] for i in (1, 2)]
    assert not any("không ghi tiêu chí" in n for n in result.notes)


def test_drifting_labels_are_placed_and_reported(tmp_path):
    labels = {9: "Tiêu chuẩn 1.10", 8: "1.9", 12: "Tiêu chí 2.3: Đối với nhân viên", 19: "Thư viện", 24: "TC 5.3"}
    result, out = _import(tmp_path, "ket-qua-thpt", Shape(labels=labels))
    codes = [d.criterion for d in result.drafts]
    assert codes == [str(it["criterion"]) for it in seed("ket-qua-thpt")["items"]]
    assert any("«Tiêu chuẩn 1.10» hiểu là tiêu chí 1.10" in n for n in result.notes)
    assert any("«Thư viện» hiểu là tiêu chí 3.6" in n for n in result.notes)
    assert check_file(out, TODAY).book.items[9].criterion == "1.10"


def test_a_bare_criterion_number_takes_the_standard_above(tmp_path):
    result, _ = _import(tmp_path, "ket-qua-thcs", Shape(labels={1: "Tiêu chí 7"}))
    assert result.drafts[1].criterion == "1.7"
    assert any("hiểu là tiêu chí 1.7 (thuộc tiêu chuẩn 1" in n for n in result.notes)


def test_nothing_is_dropped_silently(tmp_path, capsys):
    """A row with an unknown criterion and a column the template lacks: their texts are in the report,
    printed and written to the workbook."""
    shape = Shape(extra_items=[(2, "Tiêu chí 7.1", {"plan": "Nội dung lạ không thuộc tiêu chí nào", "done": "Đã làm"})],
                  extra_column=("Người kiểm tra", ["Ông Nguyễn Văn A", "Bà Trần Thị B"]))
    doc = build_docx("ket-qua-thcs", tmp_path / "thcs.docx", shape)
    out = tmp_path / "thcs.xlsx"
    assert main(["nhap-word", str(doc), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    for text in ("Nội dung lạ không thuộc tiêu chí nào", "7.1", "«Người kiểm tra»", "Ông Nguyễn Văn A", "Bà Trần Thị B"):
        assert text in printed, text
    ws = openpyxl.load_workbook(out)[import_texts().sheet]
    cells = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    for text in ("Nội dung lạ không thuộc tiêu chí nào", "Người kiểm tra", "Ông Nguyễn Văn A", "Bà Trần Thị B"):
        assert text in cells, text
    book = check_file(out, TODAY).book
    assert len(book.items) == 10                  # the ten seed rows; the unknown one is only in the report


def test_many_items_for_one_criterion_get_enough_rows(tmp_path):
    extra = [(0, "", {"plan": f"Nội dung thêm số {i} của tiêu chí 1.4", "done": "Đã xong"}) for i in range(4)]
    result, out = _import(tmp_path, "ket-qua-thcs", Shape(extra_items=extra))
    assert sum(d.criterion == "1.4" for d in result.drafts) == 5 and result.rows == {"per_criterion": 5}
    book = check_file(out, TODAY).book
    assert sum(it.criterion == "1.4" for it in book.items) == 5 and len(book.items) == 14


def test_options_override_detection(tmp_path):
    result, _ = _import(tmp_path, "ket-qua-thcs", opts=Options("THCS", SchoolYear(2022), "Trường THCS Thử", "giua-nam"))
    assert result.info["ten_truong"] == "Trường THCS Thử" and result.phase == "giua-nam"


def test_table_of_the_old_circulars_for_a_tt57_year_is_refused(tmp_path):
    doc = build_docx("ket-qua-thcs", tmp_path / "thcs.docx")
    with pytest.raises(KdclError) as exc:
        import_word(doc, Options(nam_hoc=SchoolYear(2026)))
    assert "kdcl nam-sau" in exc.value.full_text()          # the hint, printed after the message


def test_cli_errors_are_sentences(tmp_path, capsys):
    not_docx = tmp_path / "a.docx"
    not_docx.write_text("không phải Word", encoding="utf-8")
    assert main(["nhap-word", str(not_docx), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "không mở được như một tệp Word" in capsys.readouterr().err
    import docx
    empty = tmp_path / "rong.docx"
    docx.Document().save(empty)
    assert main(["nhap-word", str(empty), "-o", str(tmp_path / "b.xlsx"), "--nam-hoc", "2023-2024"]) == 2
    assert "không tìm thấy bảng kế hoạch" in capsys.readouterr().err
    doc = build_docx("ke-hoach-th-thcs", tmp_path / "kh.docx")
    (tmp_path / "co-roi.xlsx").write_bytes(b"x")
    assert main(["nhap-word", str(doc), "-o", str(tmp_path / "co-roi.xlsx")]) == 2
    assert "--ghi-de" in capsys.readouterr().err
    assert (tmp_path / "co-roi.xlsx").read_bytes() == b"x"
    assert main(["nhap-word", str(doc), "-o", str(tmp_path / "kh.docx")]) == 2
    assert "phải có đuôi .xlsx" in capsys.readouterr().err
    assert main(["nhap-word", str(doc), "-o", str(tmp_path / "khong-co" / "kh.xlsx")]) == 2
    assert "không có" in capsys.readouterr().err


def test_round_trip_through_the_report(tmp_path, capsys):
    """Import a seed-shaped .docx → kiểm tra → kdcl bao-cao → the report's results table, read back,
    has the same numbers as the source table."""
    doc = build_docx("ket-qua-thpt", tmp_path / "thpt.docx", Shape(split_before=(10,), continue_item=5))
    book_path, report = tmp_path / "thpt.xlsx", tmp_path / "bao-cao.docx"
    assert main(["nhap-word", str(doc), "-o", str(book_path)]) == 0
    assert main(["kiem-tra", str(book_path), "--ngay", "30/05/2024"]) in (0, 1)
    assert main(["bao-cao", str(book_path), "-o", str(report)]) == 0
    capsys.readouterr()
    items, statuses = _source_counts("ket-qua-thpt")
    again = import_word(report)
    assert again.unplaced == [] and len(again.drafts) == items
    back = tmp_path / "lai.xlsx"
    write_import(again, back)
    total = _total(check_file(back, TODAY))
    assert total["Số nội dung"] == items
    for status, n in statuses.items():
        assert total[status] == n, status


def _bieu2(path: Path, year_line: bool = True) -> Path:
    """A TT57 Biểu 2 table as a school might type it: numbered header row, a related-criterion column."""
    import docx
    d = docx.Document()
    d.add_paragraph("TRƯỜNG THCS TÂN HỘI")
    if year_line:
        d.add_paragraph("KẾ HOẠCH Cải tiến chất lượng giáo dục năm học 2026-2027")
        d.add_paragraph("Tân Hội, ngày 15 tháng 01 năm 2027")
    header = ["TT", "Nội dung cải tiến", "Tiêu chí liên quan", "Mục tiêu cải tiến", "Hoạt động/giải pháp",
              "Chỉ số đánh giá kết quả", "Thời gian thực hiện", "Đơn vị/cá nhân phụ trách", "Nguồn lực bảo đảm",
              "Thông tin, dữ liệu hoặc minh chứng dự kiến", "Mức độ thực hiện"]
    t = d.add_table(rows=2, cols=len(header))
    for i, h in enumerate(header):
        t.cell(0, i).text, t.cell(1, i).text = h, f"({i + 1})"
    for row in (["1", "Hoàn thiện dữ liệu học sinh", "1.3", "Dữ liệu đầy đủ", "Rà soát hồ sơ", "100% hồ sơ", "Học kỳ I",
                 "Phó Hiệu trưởng", "Không", "MC.1.3.01", "Hoàn thành"],
                ["2", "Bồi dưỡng giáo viên", "2.2", "Giáo viên đạt chuẩn", "Tập huấn", "90% giáo viên", "Trong năm học",
                 "Hiệu trưởng", "10 triệu", "MC.2.2.01", "Đang thực hiện"]):
        cells = t.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    d.save(path)
    return path


def test_tt57_plan_table_with_a_criterion_column(tmp_path):
    result = import_word(_bieu2(tmp_path / "bieu2.docx"))
    assert result.framework.id == "tt57-2026-pho-thong" and result.match.form.id == "bieu2-tt57"
    assert not [h for c, h in enumerate(result.match.headers) if h and c not in result.match.columns]
    assert result.phase == "giua-nam"                      # dated 15/01/2027: the cuối học kỳ I review
    out = tmp_path / "bieu2.xlsx"
    write_import(result, out)
    total = _total(check_file(out, TODAY))
    assert (total["Số nội dung"], total["Hoàn thành"], total["Đang thực hiện"]) == (2, 1, 1)


def test_no_school_year_in_the_document_asks_for_it(tmp_path):
    with pytest.raises(KdclError) as exc:
        import_word(_bieu2(tmp_path / "khong-nam.docx", year_line=False))
    assert "--nam-hoc" in exc.value.full_text()             # the hint, printed after the message
    assert import_word(tmp_path / "khong-nam.docx", Options(nam_hoc=SchoolYear(2026))).year == SchoolYear(2026)

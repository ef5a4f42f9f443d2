"""Report and plan texts generated from workbooks: figures, grouping of reasons, carry-over, empty books.

Real workbooks (the real builder, filled from the transcribed seed tables and TT57 plans, re-read by
the reader) go through the real templates; the assertions are on the Vietnamese text they produce.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import SEEDS, TODAY, TT57, filled, seed_workbook, template, tt57_workbook

from xlbridge.check import check_file
from xlbridge.cli import main
from xlbridge.core.rules import validate
from xlbridge.data.files import reload
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.io.reader import read_workbook
from xlbridge.layout import REPORT_FIRST_ROW, config
from xlbridge.report import vn_format
from xlbridge.report.facts import at_review
from xlbridge.report.markup import MarkupError, parse
from xlbridge.report.narrative import build_report, sheet_rows
from xlbridge.report.reasons import classify

KINDS = ("ket-qua", "tien-do", "ke-hoach")


def text(report) -> str:
    return "\n".join(b.plain for b in report.blocks)


def section(report, start: str, end: str | None = None) -> str:
    """The text from the heading that starts with `start` up to the next heading starting with `end`."""
    lines = text(report).splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(start))
    j = next((k for k, line in enumerate(lines[i + 1:], i + 1) if end and line.startswith(end)), len(lines))
    return "\n".join(lines[i:j])


@pytest.fixture(scope="module")
def thpt(tmp_path_factory):
    return read_workbook(seed_workbook(tmp_path_factory.mktemp("thpt"), "ket-qua-thpt"))


@pytest.fixture(scope="module")
def tt57(tmp_path_factory):
    return read_workbook(tt57_workbook(tmp_path_factory.mktemp("tt57"), "pho-thong"))


# ------------------------------------------------------------------------------ formatting


def test_vietnamese_number_formats():
    assert vn_format.pct(9 / 14) == "64,3%" and vn_format.pct(1.0) == "100%" and vn_format.pct(0.0) == "0%"
    assert vn_format.pct(float("nan")) == "—" and vn_format.pct(None) == "—"
    assert vn_format.vnd(1234567) == "1.234.567 đồng" and vn_format.number(183_000_000) == "183.000.000"
    assert vn_format.long_date(date(2024, 5, 30)) == "ngày 30 tháng 5 năm 2024"
    assert vn_format.long_date(date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"   # Nghị định 30: 0 before day < 10, month 1-2
    assert vn_format.long_date(None) == "ngày … tháng … năm …"


def test_lists_of_criteria_and_standards():
    assert vn_format.criteria(["3.2", "1.1", "1.4", "1.1"]) == "tiêu chí 1.1, 1.4 và 3.2"
    assert vn_format.criteria(["1.10", "1.9", "1.2"]) == "tiêu chí 1.2, 1.9 và 1.10"      # numeric order
    assert vn_format.criteria(["2.1"]) == "tiêu chí 2.1" and vn_format.criteria([None]) == ""
    assert vn_format.criteria(["3.5", "M4.4", "5.3"]) == "tiêu chí 3.5, 5.3 và tiêu chí 4 của Mức 4"
    assert vn_format.criteria(["M4.1", "M4.5"]) == "tiêu chí 1 và 5 của Mức 4"
    assert vn_format.standards([3, 1, 2]) == "tiêu chuẩn 1, 2 và 3"
    assert vn_format.standards([1, 2, 0]) == "tiêu chuẩn 1, 2 và Mức 4" and vn_format.standards([0]) == "Mức 4"
    assert vn_format.join(["a"]) == "a" and vn_format.join([]) == "" and vn_format.join(["a", "", "b"]) == "a và b"


def test_sentences_from_cells():
    assert vn_format.sentence("chưa tổ chức do kinh phí còn hạn hẹp;") == "Chưa tổ chức do kinh phí còn hạn hẹp."
    assert vn_format.clause("Đã điều chỉnh quy chế.") == "đã điều chỉnh quy chế"
    assert vn_format.clause("GV tham gia đào tạo") == "GV tham gia đào tạo"              # abbreviations keep their case


@pytest.mark.parametrize("reason, cause", [
    ("Chưa tổ chức do kinh phí còn hạn hẹp", "kinh-phi"),
    ("Vẫn còn nhiều GV chưa được tham dự do hạn chế về chi tiêu tham dự", "kinh-phi"),      # chi tiêu = spending
    ("Chưa bổ sung vào quy hoạch do hết chỉ tiêu theo phân bổ của Sở GDĐT", "cap-tren"),   # chỉ tiêu = quota
    ("Còn 1 GV xin hoãn học cao học do chưa tìm được chuyên ngành phù hợp", "nhan-su"),
    ("Chưa bố trí phòng làm việc cho Hội Khuyến học vì chưa có phòng", "co-so-vat-chat"),
    ("Đã kiến nghị nhưng Huyện chưa thực hiện", "cap-tren"),
    ("Vẫn còn ít học sinh tham gia do khâu tổ chức chưa chu đáo", "to-chuc"),
    ("Chưa đến thời gian thực hiện theo kế hoạch (bắt đầu từ tháng 2/2027).", "chua-den-han"),
    ("chua to chuc do kinh phi han hep", "kinh-phi"),                                      # typed without diacritics
    ("UBND xã chưa phê duyệt chủ trương sửa chữa do đang rà soát quy hoạch mở rộng trường (dự kiến xây thêm 04 phòng "
     "học trên phần sân hiện có)", "co-so-vat-chat"),               # land planning, not «quy hoạch cán bộ»
    ("Chưa có giáo viên nguồn trong quy hoạch cán bộ quản lý", "nhan-su"),
    ("Cập nhật cơ sở dữ liệu chưa xong", "khac"),           # "cơ sở" is not "Sở": capitals must match
    ("", "chua-ghi"),
])
def test_reasons_are_grouped_by_cause(reason, cause):
    assert classify(reason).key == cause


# ------------------------------------------------------------------------------ results report (2018 seed)


def test_results_report_figures_from_the_seed(thpt):
    r = build_report(thpt, "ket-qua")
    ii = section(r, "II.", "III.")
    assert "Kế hoạch có 34 nội dung thuộc tiêu chuẩn 1, 2, 3, 4, 5 và Mức 4." in ii
    assert ("Kết quả thực hiện tính đến ngày 30 tháng 5 năm 2024: 9 nội dung hoàn thành, 18 nội dung đang thực hiện "
            "và 7 nội dung chưa triển khai; tỉ lệ hoàn thành đạt 26,5% (chi tiết từng nội dung ở Phụ lục).") in ii
    assert "kinh phí" not in ii                                             # the seed table has no budget column


def test_done_section_counts_per_standard_and_quotes_concrete_results(thpt):
    r = build_report(thpt, "ket-qua")
    done = section(r, "1. Những việc làm được", "2. Những việc")
    # one sentence of counts and rates per standard; the totals are section II's, not said again
    assert ("Đã hoàn thành: Tiêu chuẩn 1: 5/10 (50%); Tiêu chuẩn 2: 0/4 (0%); Tiêu chuẩn 3: 1/6 (16,7%); "
            "Tiêu chuẩn 4: 1/2 (50%); Tiêu chuẩn 5: 1/6 (16,7%); Mức 4: 1/6 (16,7%).") in done.splitlines()
    assert "9/34" not in done and "26,5%" not in done and "26,5%" in section(r, "II.", "III.")
    quoted = [line for line in done.splitlines() if line.startswith("- ") and "(tiêu chí" in line]
    assert "- Tập huấn 76 lượt cho TTCM, GV (tiêu chí 1.4)." in quoted                   # results with figures first
    assert "- Đã mua sắm, bổ sung theo nhu cầu các tổ, kinh phí 22 triệu đồng (tiêu chí 3.6)." in quoted
    assert len(quoted) == 4                                                   # the strongest few; the rest in the Phụ lục
    # the items under way with a result so far: named by the shorter list (here those without one)
    assert done.splitlines()[-1] == "Các nội dung đang thực hiện (trừ tiêu chí 1.1 và 5.2) đã có kết quả bước đầu."
    assert "+ " not in done                                                   # no plan text copied item by item


@pytest.mark.parametrize("reason, ahead", [
    ("Trong những năm tiếp theo CBQL còn lại tiếp tục tham gia nâng cao trình độ chuyên môn, nghiệp vụ", True),
    ("Trong NH 2023-2024 nhà trường tiếp tục thực hiện kế hoạch tuyển dụng để tăng nhân sự", True),
    ("- Chuyển sang năm học sau.", True),
    ("Dự kiến hoàn thành trong học kỳ II", True),
    ("Tiếp tục vận động nhưng còn chậm vì thiếu kinh phí", False),            # gives a cause
    ("Trong năm học 2022-2023 chưa bố trí được kinh phí", False),             # a time, nothing ahead
    ("Chưa tổ chức do kinh phí còn hạn hẹp", False),
    ("", False),
])
def test_a_reason_that_only_says_what_comes_next_is_no_cause(reason, ahead):
    from xlbridge.report.reasons import causes, is_next_step
    assert is_next_step(reason) is ahead
    assert (classify(reason) == causes().next_step) is ahead


def test_next_steps_typed_as_reasons_are_not_listed_as_causes(tmp_path):
    """The THCS seed's «Lý do» of 1.4 and 2.1 say what the school will do next year: the report does not put
    them under «Nguyên nhân:» but says them apart, in the school's words, with their criteria."""
    book = read_workbook(seed_workbook(tmp_path, "ket-qua-thcs"))
    limits = section(build_report(book, "ket-qua", when=date(2023, 5, 25)), "2. Những việc còn hạn chế",
                     "3. Phương hướng")
    assert "Nguyên nhân:" not in limits and "Còn 2 nội dung chưa hoàn thành." in limits
    ahead = next(line for line in limits.splitlines() if line.startswith("Nhà trường đã xác định hướng tiếp tục"))
    assert "(tiêu chí 1.4 và 2.1)" in ahead and "trong những năm tiếp theo CBQL còn lại tiếp tục" in ahead


def test_shortcomings_counted_from_the_summary_and_grouped_by_reason(thpt):
    limits = section(build_report(thpt, "ket-qua"), "2. Những việc còn hạn chế", "3. Phương hướng")
    assert "Còn 25 nội dung chưa hoàn thành. Nguyên nhân:" in limits       # per status: said once, in section II
    heads = [line for line in limits.splitlines() if line.startswith("- ")]
    # one bullet per cause: the reasons two items share (the school's own words) join their category and are
    # quoted first; at most `reasons_quoted` reasons each (all of them are in the Phụ lục)
    assert heads[:2] == [
        "- Về kinh phí (tiêu chí 3.5, 5.2, 5.3, 5.4 và tiêu chí 4 của Mức 4): kinh phí còn hạn hẹp; quỹ khen thưởng "
        "còn hạn chế; chưa có thời gian, kinh phí.",
        "- Về nhân sự (tiêu chí 1.7, 2.2 và 2.3): chưa tìm được chuyên ngành phù hợp; còn nhân viên thiết bị đang "
        "chờ kế hoạch tập huấn của Sở."]
    assert "công tác phối hợp nhà trường-gia đình chưa hiệu quả;" in heads[4]
    labels = [h[2:h.index(" (")] for h in heads]
    assert len(labels) == len(set(labels))                                  # no cause twice
    codes = [c for h in heads for c in _criteria_named(h)]
    assert len(codes) == len(set(codes)) == 25                              # every unfinished item, under one cause


def _criteria_named(line: str) -> list[str]:
    """Criterion codes in the first bracket of a line: "(tiêu chí 3.5 và tiêu chí 4 của Mức 4)" → 3.5, M4.4."""
    inside = line[line.index("(") + 1:line.index(")")]
    out = []
    for part in inside.split("tiêu chí")[1:]:
        if "của Mức 4" in part:
            out += [f"M4.{n}" for n in re.findall(r"\d+", part.split("của Mức 4")[0])]
        else:
            out += re.findall(r"\d+\.\d+", part)
    return out


def test_carry_over_turns_unfinished_items_into_actions(thpt):
    r = build_report(thpt, "ket-qua")
    plan = section(r, "3. Phương hướng")
    assert ("- Tiếp tục thực hiện các nội dung đang triển khai và đưa vào kế hoạch cải tiến chất lượng năm học "
            "2024-2025; duy trì, phát huy kết quả các nội dung đã hoàn thành.") in plan
    # the overdue first, at most `tasks_named` by their text, every other one by its criterion; no count of them
    # (the summary has none: every figure of the text is one of the summary's)
    line = next(x for x in plan.splitlines() if x.startswith("- Tập trung triển khai các nội dung chưa thực hiện được"))
    assert ", trước hết: phó Hiệu trưởng tham gia học cao học (tiêu chí 2.1); " in line
    assert line.count(" (tiêu chí") == 4 and line.endswith("; các nội dung khác ở tiêu chí 1, 4 và 5 của Mức 4.")
    assert "(tiêu chí 3.6)" not in plan                                      # done: not carried over
    assert " do " not in plan and "chưa có phòng" not in plan                # actions, not their reasons
    assert "Hiệu trưởng thành lập tổ giám sát" in plan                       # the seed lists no tổ giám sát


def test_header_signature_and_appendix(thpt):
    r = build_report(thpt, "ket-qua")
    left = [b.plain for b in r.blocks if b.column == "left" and b.style != "rule"]
    right = [b.plain for b in r.blocks if b.column == "right" and b.style != "rule"]
    assert left[:2] == ["TRƯỜNG THPT GIỒNG RIỀNG", "Số: ……/BC-……"]
    assert right[:3] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Kiên Giang, ngày 30 tháng 5 năm 2024"]
    assert "Nơi nhận:" in left and right[-2:] == ["", "Dàm Thanh Lạc"] and "HIỆU TRƯỞNG" in right
    table = r.tables["ket-qua"]
    assert table.header[0][2] == "ND Kế hoạch cải tiến chất lượng giáo dục năm học 2023-2024"
    assert [(c[0], c[1], c[2], c[3]) for c in table.header_cells()][:4] == [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2),
                                                                            (0, 4, 1, 3)]
    kinds = [row.kind for row in table.rows]
    assert kinds[:3] == ["group", "standard", "item"] and kinds.count("item") == 34 and kinds.count("group") == 2
    row_11 = next(row for row in table.rows if row.kind == "item" and row.cells[1] == "Tiêu chí 1.1")
    assert row_11.cells[4] == "" and row_11.cells[5].startswith("Đã phân công")     # in progress: not under "xong"
    assert row_11.cells[5].endswith("chưa thích hợp với điều kiện hiện tại của trường") and row_11.cells[6] == ""


# ------------------------------------------------------------------------------ TT57: reviews, Biểu 2


def test_tt57_year_end_review(tt57):
    r = build_report(tt57, "ket-qua")
    t = text(r)
    assert "Kết quả rà soát việc thực hiện kế hoạch cải tiến chất lượng giáo dục cuối năm học 2026-2027" in t
    assert "tập trung vào 5 vấn đề trọng tâm, tổng kinh phí dự kiến 183.000.000 đồng." in t
    assert ("5 nội dung hoàn thành, 1 nội dung đang thực hiện, 1 nội dung chậm tiến độ và 1 nội dung chưa triển khai; "
            "tỉ lệ hoàn thành đạt 62,5% (chi tiết từng nội dung ở Phụ lục).") in t
    limits = section(r, "2. Những việc còn hạn chế", "3. Phương hướng")
    # the overdue items are a shortcoming: named there, once
    assert ", trong đó 2 nội dung đã quá thời hạn của kế hoạch (tiêu chí 2.2 và 4.1). Nguyên nhân:" in limits
    assert t.count("(tiêu chí 2.2 và 4.1)") == 1
    assert "- Về kinh phí (tiêu chí 4.1): dự toán ngân sách năm 2027 được giao không có kinh phí mua sắm thiết bị." in limits
    assert ("- Về nhân sự (tiêu chí 2.2): kỳ tuyển dụng viên chức giáo viên năm 2027 của Sở GDĐT chưa tổ chức "
            "(dự kiến tháng 7/2027).") in limits                             # the cause, before "nên"
    plan = section(r, "3. Phương hướng")
    assert "năm học 2027-2028" in plan and _criteria_named(plan[plan.index("chưa thực hiện được"):]) == ["2.2"]
    table = r.tables["ket-qua"]
    assert table.header[0][5] == "Cuối năm học" and table.header[1][5:] == (
        "Mức độ thực hiện", "Kết quả, minh chứng", "Lý do, điều chỉnh (nếu có)")
    assert [row.cells[5] for row in table.rows if row.kind == "item"].count("Hoàn thành") == 5


def test_tt57_mid_year_review_is_dated_at_the_end_of_semester_one(tt57):
    r = build_report(tt57, "tien-do")
    assert r.review.id == "hk1" and r.when == date(2027, 1, 15) and r.notes
    t = text(r)
    assert "cuối học kỳ I năm học 2026-2027" in t and "Tính đến thời điểm: 15/01/2027" in t
    assert "2 nội dung hoàn thành, 4 nội dung đang thực hiện và 2 nội dung chưa triển khai; tỉ lệ hoàn thành đạt 25%" in t
    assert "Các nội dung ở tiêu chí 3.3 và 4.1 chưa đến thời gian thực hiện theo kế hoạch." in t
    assert "không có nội dung nào chậm tiến độ, quá hạn hoặc chưa triển khai" in t      # not yet due ≠ shortcoming
    assert ("- Tiếp tục thực hiện các nội dung đang triển khai cho đến khi hoàn thành trong năm học 2026-2027; "
            "duy trì, phát huy kết quả các nội dung đã hoàn thành.") in t
    assert r.tables["ket-qua"].header[0][5] == "Cuối học kỳ I"
    same = build_report(tt57, "ket-qua", review_id="hk1")          # --ra-soat hk1: the follow-up report of that review
    assert same.review.id == "hk1" and "cuối học kỳ I năm học 2026-2027" in text(same)
    assert "tỉ lệ hoàn thành đạt 25%" in text(same) and "Tính đến thời điểm" not in text(same)


def test_report_date_drives_overdue_like_the_rules(tt57):
    """--ngay moves the date; overdue items are those the TG05 check flags at the same date and review."""
    early = text(build_report(tt57, "tien-do", date(2027, 1, 20)))
    late_report = build_report(tt57, "tien-do", date(2027, 3, 15))
    assert "quá thời hạn" not in early
    assert "trong đó 1 nội dung đã quá thời hạn của kế hoạch (tiêu chí 2.2)" in text(late_report)


def test_plan_seed_progress_report_overdue_matches_the_check(tmp_path):
    """A plan with periods and no statuses yet: what is overdue on --ngay is what rule TG05 flags on that date."""
    book = read_workbook(seed_workbook(tmp_path, "ke-hoach-th-thcs"))
    for day, codes in ((date(2024, 10, 15), []), (date(2025, 1, 15), ["1.2", "2.2"])):
        t = text(build_report(book, "tien-do", day))
        if codes:
            assert "chưa hoàn thành, trong đó 2 nội dung đã quá thời hạn của kế hoạch (tiêu chí 1.2 và 2.2)." in t
        else:
            assert "quá thời hạn" not in t
        assert "Cần cập nhật trạng thái thực hiện của 4 nội dung (tiêu chí 1.2, 2.2, 3.5 và 5.6)" in t
        view = at_review(book, book.layout.reviews[0], day, vocab().phase_by_id("giua-nam"))
        flagged = {(f.sheet, int(re.sub(r"\D", "", f.cell))) for f in validate(view, day) if f.rule == "TG05"}
        assert sorted(it.criterion for it in view.items if (it.sheet, it.row) in flagged) == codes


def test_biểu_2_plan_sections_and_tables(tmp_path):
    book = read_workbook(tt57_workbook(tmp_path, "gdtx"))
    r = build_report(book, "ke-hoach")
    headings = [b.plain for b in r.blocks if b.style == "heading"]
    assert headings == ["I. THÔNG TIN CHUNG", "II. CĂN CỨ XÂY DỰNG KẾ HOẠCH", "III. MỤC ĐÍCH, YÊU CẦU",
                        "IV. TÓM TẮT CÁC VẤN ĐỀ TRỌNG TÂM CẦN CẢI TIẾN", "V. KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG",
                        "VI. THEO DÕI VÀ ĐÁNH GIÁ THỰC HIỆN (GIÁM SÁT NỘI BỘ)", "VII. TỔ CHỨC THỰC HIỆN",
                        "VIII. CƠ CHẾ ĐÁNH GIÁ VÀ BÁO CÁO"]
    assert r.document.orientation == "landscape" and "GIÁM ĐỐC" in [b.plain for b in r.blocks if b.column == "right"]
    plan = r.tables["ke-hoach"]
    assert plan.header[1] == tuple(f"({i})" for i in range(1, 11)) and plan.header[0][9] == "Mức độ thực hiện"
    items = [row for row in plan.rows if row.kind == "item"]
    assert [row.cells[0] for row in items] == [str(i) for i in range(1, 9)]
    assert {row.kind for row in plan.rows} == {"standard", "criterion", "item"}
    issues = r.tables["van-de"]
    assert len(issues.rows) == len(book.issues) and issues.rows[0].cells[:3] == ("1", "1", "1.3")
    follow = r.tables["theo-doi"]
    assert [row.cells[1] for row in follow.rows] == ["Cuối học kỳ I", "Cuối năm học"]
    assert follow.rows[1].cells[3].startswith("5 nội dung hoàn thành")
    assert "Qua tự đánh giá, trung tâm xác định 4 vấn đề trọng tâm cần ưu tiên cải tiến" in text(r)


# ------------------------------------------------------------------------------ empty and half-filled books


@pytest.mark.parametrize("cap_hoc, nam_hoc", [("THPT", "2023-2024"), ("THCS", "2026-2027"), ("Mầm non", "2024-2025")])
def test_empty_workbook_gives_a_sensible_document(tmp_path, cap_hoc, nam_hoc):
    path, _ = template(tmp_path, cap_hoc, nam_hoc)
    book = read_workbook(path)
    for loai in KINDS:
        r = build_report(book, loai, today=TODAY)
        assert "chưa ghi nội dung cải tiến nào" in text(r), loai
        _no_empty_sentences(r)


def _no_empty_sentences(r) -> None:
    """No empty or dangling sentence; a sentence ending in ":" is followed by what it announces."""
    body = [b for b in r.blocks if b.column is None and b.style not in ("rule", "pagebreak", "row")]
    for b, after in zip(body, body[1:] + [None], strict=True):
        if b.style in ("section", "table"):
            continue
        assert b.plain.strip(" -+.:;") and "None" not in b.plain and "  " not in b.plain, b
        assert not b.plain.rstrip(".").endswith((",", " và", "(", "()")), b
        assert "()" not in b.plain and "tiêu chí )" not in b.plain and " ." not in b.plain, b
        if b.plain.endswith(":"):
            assert after is not None and after.style in ("bullet", "bullet2", "table", "section", "heading"), (b, after)


def test_half_filled_workbook(tmp_path):
    """Contents typed, a few statuses chosen, the rest left empty, at year end: a report, not an error."""
    data = {"info": {"ten_truong": "Trường THCS Thử", "nam_hoc": "2024-2025", "giai_doan": "Báo cáo kết quả cuối năm học"},
            "items": [{"criterion": "1.1", "values": {"giai_phap": "Rà soát kế hoạch chiến lược", "trang_thai": "Hoàn thành"}},
                      {"criterion": "1.2", "values": {"giai_phap": "Kiện toàn hội đồng trường"}},
                      {"criterion": "3.2", "values": {"giai_phap": "Sửa chữa phòng học", "trang_thai": "Chưa triển khai"}}]}
    book = read_workbook(filled(tmp_path, "THCS", "2024-2025", data))
    r = build_report(book, "ket-qua", today=TODAY)
    t = text(r)
    assert "1 nội dung hoàn thành, 1 nội dung chưa triển khai và 1 nội dung chưa cập nhật trạng thái" in t
    assert "- Chưa ghi rõ lý do (tiêu chí 3.2)." in t
    assert "Cần cập nhật trạng thái thực hiện của 1 nội dung (tiêu chí 1.2)" in t
    assert "Một số kết quả cụ thể" not in t                                 # done, but no result written: nothing to quote
    assert r.notes and "chưa ghi ngày báo cáo" in r.notes[0]
    _no_empty_sentences(r)


@pytest.mark.parametrize("name", sorted(SEEDS) + [f"tt57:{n}" for n in sorted(TT57)])
def test_every_document_renders_cleanly(tmp_path, name):
    path = tt57_workbook(tmp_path, name[5:]) if name.startswith("tt57:") else seed_workbook(tmp_path, name)
    book = read_workbook(path)
    for loai in KINDS:
        r = build_report(book, loai, today=TODAY)
        _no_empty_sentences(r)
        assert {b.arg for b in r.blocks if b.style == "table"} <= set(r.tables)
        assert r.blocks[0].column == "left" and any(b.style == "title" for b in r.blocks)


# ------------------------------------------------------------------------------ templates a user edits


def test_user_template_folder_overrides_one_section(tmp_path, thpt):
    folder = tmp_path / "mau"
    (folder / "ket-qua").mkdir(parents=True)
    (folder / "ket-qua" / "i-quan-triet.j2").write_text(
        "## I. VĂN BẢN ĐÃ TRIỂN KHAI\n{% for vb in can_cu %}{% if loop.first %}Đầu tiên: {{ vb | bo_cham }}.{% endif %}"
        "{% endfor %}\nTổng cộng {{ can_cu | length }} văn bản.\n", encoding="utf-8")
    t = text(build_report(thpt, "ket-qua", template_dir=folder))
    assert "I. VĂN BẢN ĐÃ TRIỂN KHAI" in t and "Tổng cộng 11 văn bản." in t
    assert "Đầu tiên: Công văn số 2854/SGDDĐT-KT&QLCLGD" in t
    assert "II. KẾT QUẢ CẢI TIẾN CHẤT LƯỢNG" in t                         # the other sections: bundled templates


@pytest.mark.parametrize("source, words", [
    ("## I. {{ truong.ten_sai }}\n", ["ket-qua/i-quan-triet.j2", "dòng 1", "ten_sai"]),
    ("## I. {% if %}\n", ["ket-qua/i-quan-triet.j2", "dòng 1", "cú pháp"]),
    ("@bang khong-co\n", ["khong-co"]),
    ("@lenh-la\n", ["@lenh-la"]),
])
def test_broken_user_template_gives_a_clear_message(tmp_path, thpt, capsys, source, words):
    folder = tmp_path / "mau"
    (folder / "ket-qua").mkdir(parents=True)
    (folder / "ket-qua" / "i-quan-triet.j2").write_text(source, encoding="utf-8")
    with pytest.raises(KdclError) as err:
        build_report(thpt, "ket-qua", template_dir=folder)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_markup_rejects_unknown_directives_and_bad_rules():
    with pytest.raises(MarkupError, match="dòng 2"):
        parse("Đoạn\n@khong-co gì\n")
    with pytest.raises(MarkupError):
        parse("~~~ 3/2")
    blocks = parse("< [11] - Lưu: VT.\n>\n> **HIỆU TRƯỞNG**\n| a | b |\n")
    assert [(b.style, b.column, b.size) for b in blocks] == [("bullet", "left", 11), ("paragraph", "right", None),
                                                            ("paragraph", "right", None), ("row", None, None)]
    assert blocks[2].runs() == [("HIỆU TRƯỞNG", True, False)] and blocks[3].cells() == ["a", "b"]


def test_cause_keywords_are_data(tmp_path, monkeypatch, thpt):
    """A province moves "quỹ" from kinh phí to its own cause by editing nguyen-nhan.yaml, no code change."""
    from xlbridge.data.files import BUNDLED
    src = (BUNDLED / "narrative" / "nguyen-nhan.yaml").read_text(encoding="utf-8")
    extra = "  - key: khen-thuong\n    label: Về khen thưởng\n    keywords: [quỹ khen thưởng]\n"
    mine = src.replace("causes:\n", "causes:\n" + extra, 1)
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "nguyen-nhan.yaml").write_text(mine, encoding="utf-8")
    monkeypatch.setenv("KDCL_DU_LIEU", str(tmp_path))
    reload()
    try:
        limits = section(build_report(thpt, "ket-qua"), "2. Những việc còn hạn chế", "3. Phương hướng")
        heads = [line.split(":")[0] for line in limits.splitlines() if line.startswith("- ")]
        assert "- Về khen thưởng (tiêu chí 5.2)" in heads
        assert "- Về kinh phí (tiêu chí 3.5, 5.3, 5.4 và tiêu chí 4 của Mức 4)" in heads   # with «kinh phí còn hạn hẹp»
    finally:
        monkeypatch.delenv("KDCL_DU_LIEU")
        reload()


# ------------------------------------------------------------------------------ the workbook's "Báo cáo" sheet, the command


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_writes_the_report_sheet(tmp_path, capsys):
    path = tt57_workbook(tmp_path, "pho-thong")
    out = tmp_path / "da-kiem-tra.xlsx"
    assert main(["kiem-tra", str(path), "--out", str(out)]) == 0
    ws = openpyxl.load_workbook(out)[config().sheets["report"]]
    rows = [(c.value, c.font.bold) for (c,) in ws.iter_rows(min_row=REPORT_FIRST_ROW, max_col=1) if c.value]
    texts = [t for t, _ in rows]
    assert texts[0] == "TRƯỜNG THCS TÂN HỘI" and ("II. KẾT QUẢ CẢI TIẾN CHẤT LƯỢNG", True) in rows
    assert any("tỉ lệ hoàn thành đạt 62,5%" in t for t in texts)
    assert ws.cell(REPORT_FIRST_ROW, 1).alignment.wrap_text
    result = check_file(path, TODAY)
    assert [t for t in texts] == [t for _, t in sheet_rows(build_report(result.book, "ket-qua", today=TODAY))]


def test_command_writes_docx_and_workbook_copy_never_the_input(tmp_path, capsys):
    src = seed_workbook(tmp_path, "tien-do-tieu-hoc")
    before = digest(src)
    docx = tmp_path / "bao-cao.docx"
    assert main(["bao-cao", str(src), "-o", str(docx)]) == 0
    out, _ = capsys.readouterr()
    assert docx.is_file() and "Báo cáo tiến độ" in out and "25/10/2023" in out
    assert main(["bao-cao", str(src), "-o", str(docx)]) == 2                   # exists: refused
    assert "--ghi-de" in capsys.readouterr()[1]
    assert main(["bao-cao", str(src), "-o", str(docx), "--ghi-de", "--loai", "ket-qua"]) == 0
    copy = tmp_path / "so-co-bao-cao.xlsx"
    assert main(["bao-cao", str(src), "-o", str(copy)]) == 0
    sheet = openpyxl.load_workbook(copy)[config().sheets["report"]]
    assert sheet.cell(REPORT_FIRST_ROW, 1).value == "TRƯỜNG TIỂU HỌC LÊ QUÝ ĐÔN"
    assert main(["bao-cao", str(src), "-o", str(src), "--ghi-de"]) == 2        # never the input, even with --ghi-de
    assert "chính sổ" in capsys.readouterr()[1]
    assert digest(src) == before


@pytest.mark.parametrize("args, words", [
    (["--ra-soat", "hk9"], ["hk9", "hk1", "cn"]),
    (["--ngay", "31/02/2027"], ["31/02/2027"]),
    (["--mau-van-ban", "khong-co-thu-muc"], ["khong-co-thu-muc", "--xuat-mau"]),
    (["-o", "bao-cao.pdf"], [".docx"]),
])
def test_command_errors_are_vietnamese_messages(tmp_path, capsys, args, words):
    src = tt57_workbook(tmp_path, "mam-non")
    argv = ["bao-cao", str(src), *args]
    if "-o" not in args:
        argv += ["-o", str(tmp_path / "x.docx")]
    assert main(argv) == 2
    err = capsys.readouterr()[1]
    assert all(w in err for w in words) and "Traceback" not in err


def test_export_templates_then_use_them(tmp_path, capsys):
    folder = tmp_path / "mau-truong"
    assert main(["bao-cao", "--xuat-mau", str(folder)]) == 0
    assert (folder / "ket-qua" / "ii-ket-qua.j2").is_file() and (folder / "README.md").is_file()
    assert main(["bao-cao", "--xuat-mau", str(folder)]) == 2                  # would overwrite
    page = folder / "ket-qua" / "i-quan-triet.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("I. VIỆC QUÁN TRIỆT", "I. CÔNG TÁC QUÁN TRIỆT"),
                    encoding="utf-8")
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    copy = tmp_path / "copy.xlsx"
    assert main(["bao-cao", str(src), "--mau-van-ban", str(folder), "-o", str(copy)]) == 0
    texts = [c.value for (c,) in openpyxl.load_workbook(copy)[config().sheets["report"]].iter_rows(min_col=1, max_col=1)]
    assert any(t and t.startswith("I. CÔNG TÁC QUÁN TRIỆT CÁC VĂN BẢN") for t in texts)


def test_cited_documents_dates_in_figures_earlier_ones_grouped_by_issuer():
    from xlbridge.core.periods import SchoolYear
    from xlbridge.report.citations import in_figures, split_citations
    assert in_figures("Công văn số 1/SGDĐT ngày 05 tháng 12 năm 2023 của Sở GDĐT về việc …") == \
        "Công văn số 1/SGDĐT ngày 05/12/2023 của Sở GDĐT về việc …"
    assert in_figures("Kế hoạch ngày 31 tháng 2 năm 2023") == "Kế hoạch ngày 31 tháng 2 năm 2023"   # no such day: as typed
    texts = [f"Công văn số {n}/SGDĐT ngày {n} tháng 9 năm 2022 của Sở GDĐT về việc {n}" for n in (1, 2)]
    texts += ["Kế hoạch ngày 3 tháng 9 năm 2022 của Phòng Khảo thí về việc x", "Quyết định 4 về việc y",
              "Công văn số 5/SGDĐT ngày 9 tháng 3 năm 2022 của Sở GDĐT về việc z"]
    texts += [f"Công văn số {n}/SGDĐT ngày {n} tháng 10 năm 2023 của Sở GDĐT về việc hướng dẫn {n}" for n in (6, 7)]
    cited = split_citations(texts, SchoolYear(2023))
    assert cited.current == ["Quyết định 4 về việc y", "Công văn số 6/SGDĐT ngày 06/10/2023 của Sở GDĐT về việc hướng dẫn 6",
                             "Công văn số 7/SGDĐT ngày 07/10/2023 của Sở GDĐT về việc hướng dẫn 7"]
    assert cited.earlier == ["Công văn số 1/SGDĐT ngày 01/09/2022, số 2/SGDĐT ngày 02/09/2022 và số 5/SGDĐT ngày "
                             "09/03/2022 của Sở GDĐT", "Kế hoạch ngày 03/09/2022 của Phòng Khảo thí"]


def test_a_document_list_pasted_into_one_cell_is_one_document_per_line(tmp_path):
    """Excel will not paste a multi-row block into the merged list rows of "Thông tin": a school pastes its whole
    list of documents into one cell instead. The report cites each line as one document (bullets dropped, a
    subject line on its own line kept with its document), the same as the list typed row by row."""
    from xlbridge.core.vntext import one_per_line
    from xlbridge.layout import build_layout
    path = seed_workbook(tmp_path, "ket-qua-thpt")
    typed = read_workbook(path)
    docs = [e["van_ban"].text for e in typed.info.lists["can_cu"]]
    assert len(docs) == 11
    pasted = "\n".join(f"- {d}" if i % 2 else f"{i + 1}. {d}" for i, d in enumerate(docs))
    first = docs[0]
    cut = first.index(" về ")
    pasted = pasted.replace(first, first[:cut] + "\n" + first[cut + 1:])        # its subject on a line of its own
    wb = openpyxl.load_workbook(path)
    il = build_layout(typed.framework).info
    ws = wb[il.sheet]
    row = il.list_rows["can_cu"][2]
    for i in range(len(docs)):
        ws.cell(row + i, 2).value = None
    ws.cell(row, 2).value = pasted
    one_cell = tmp_path / "dan-mot-o.xlsx"
    wb.save(one_cell)
    assert one_per_line(pasted) == docs
    by_rows, in_one = (text(build_report(read_workbook(p), "ket-qua", today=TODAY)) for p in (path, one_cell))
    assert in_one == by_rows

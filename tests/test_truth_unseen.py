"""Truth audit on cases nobody tuned the rules to (tests/fixtures/variations/unseen.yaml): each gets exactly the
findings a careful reviewer agrees with. A case whose `defect` names a rule kdcl gets wrong is a strict xfail, so
the defect stays recorded (and the test fails loudly the day it is fixed, to drop the mark)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, TODAY, filled
from test_truth import _variation_data

from xlbridge.check import check_file
from xlbridge.core.wording import unfinished_clause

UNSEEN = yaml.safe_load((FIXTURES / "variations" / "unseen.yaml").read_text(encoding="utf-8"))["cases"]


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["defect"])] if case.get("defect") else []
    return pytest.param(case, id=case["name"], marks=marks)


def test_unseen_cases_are_many_and_cover_every_level():
    assert len(UNSEEN) >= 12 and len({c["name"] for c in UNSEEN}) == len(UNSEEN)
    assert {"THPT", "THCS", "Tiểu học"} <= {c["cap_hoc"] for c in UNSEEN}
    assert any(int(c["nam_hoc"][:4]) >= 2026 for c in UNSEEN)             # TT57 (Biểu 2) cases


@pytest.mark.parametrize("case", [_param(c) for c in UNSEEN])
def test_unseen_cases_get_exactly_the_true_findings(tmp_path: Path, case):
    result = check_file(filled(tmp_path, case["cap_hoc"], case["nam_hoc"], _variation_data(case)), clock=TODAY)
    got = Counter(f.rule for f in result.findings)
    assert got == Counter(case["expect"]), [(f.rule, f.place, f.message) for f in result.findings]


def test_a_result_telling_the_old_state_is_not_unfinished_whatever_stands_between():
    """«Trước đây trường chưa có…» recounts the state before the work, like «Trước đây chưa có…» (KQ09 false
    finding found by the audit: the exception needed the two words side by side)."""
    assert unfinished_clause("Trước đây trường chưa có phòng Tin học thứ hai, nay đã đưa vào sử dụng") is None
    assert unfinished_clause("Trước kia nhà trường chưa có thư viện, nay có 01 thư viện đạt chuẩn") is None
    assert unfinished_clause("Trước đây chưa có phòng tin học; nay vẫn còn thiếu 10 máy") == "nay vẫn còn thiếu 10 máy"


def test_the_quoted_clause_keeps_a_decimal_or_grouped_figure_whole():
    """KQ09 quotes the clause: «còn 2,6%» must not be cut to «còn 2» at the decimal comma (audit finding)."""
    assert unfinished_clause("Bình quân 34,5 HS/lớp, còn 2 lớp chưa đạt 2,5 điểm") == "còn 2 lớp chưa đạt 2,5 điểm"
    assert unfinished_clause("Đã chi 5.000.000 đồng, vẫn còn 1.500.000 đồng chưa quyết toán") == \
        "vẫn còn 1.500.000 đồng chưa quyết toán"
    assert unfinished_clause("Đã sửa 3 phòng,vẫn còn 2 phòng dột") == "vẫn còn 2 phòng dột"   # no space after the comma


def test_a_row_added_by_adjustment_is_a_plan_row(tmp_path: Path):
    """A row whose content is only in «ND … đã được điều chỉnh» (added when the plan was adjusted) has plan content:
    no KH05 («chưa có nội dung kế hoạch») and no KH02 («kế hoạch lập đầu năm còn thiếu»), and KH08 counts it."""
    case = next(c for c in UNSEEN if c["name"] == "thcs-results-table-with-a-row-added-by-adjustment")
    result = check_file(filled(tmp_path, case["cap_hoc"], case["nam_hoc"], _variation_data(case)), clock=TODAY)
    assert [f.rule for f in result.findings] == ["KH08"]
    assert "cho cả 2 nội dung cải tiến" in result.findings[0].message


def test_an_overdue_row_is_named_by_the_status_typed(tmp_path: Path):
    """TG05 quotes what the secretary typed and how kdcl read it, not only the list's name."""
    case = next(c for c in UNSEEN if c["name"] == "thpt-year-end-status-words-and-evidence-words")
    result = check_file(filled(tmp_path, case["cap_hoc"], case["nam_hoc"], _variation_data(case)), clock=TODAY)
    tg05 = next(f for f in result.findings if f.rule == "TG05")
    assert "«Cơ bản hoàn thành» (được hiểu là «Đang thực hiện»)" in tg05.message

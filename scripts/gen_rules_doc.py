"""Write docs/quy-tac-kiem-tra.md, the table of validation rules, from messages/rules.yaml.

Usage: python scripts/gen_rules_doc.py [--check]   (--check: exit 1 if the file is out of date)
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlbridge.core.findings import SEVERITIES, rule_specs
from xlbridge.template.live_checks import LIVE_RULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "quy-tac-kiem-tra.md"


def render() -> str:
    lines = [
        "# Các quy tắc kiểm tra của kdcl",
        "",
        "Tệp này được sinh từ `workbook_templates/messages/rules.yaml` bằng `python scripts/gen_rules_doc.py`;",
        "đừng sửa tay. «{…}» trong câu thông báo được thay bằng giá trị cụ thể (ô, nội dung, tiêu chí…).",
        "",
        "Mức độ: Lỗi = phải sửa; Cảnh báo = nên xem lại; Lưu ý = chỉ để biết.",
        "Cột «Đã thử trên» ghi quy tắc đã chạy trên văn bản thật nào (tests/fixtures/seeds, tests/fixtures/tt57,",
        "tests/fixtures/variations) và kết quả; cột «Báo sai sẽ trông thế nào» giúp người rà soát nhận ra một phát",
        "hiện sai của quy tắc.",
        "Cột «Trong sổ»: *tự tính* = quy tắc có cả trong công thức của sổ (tô màu ô, đếm ở trang Kiểm tra, mục",
        "«Kiểm tra tức thời»), chạy được cả khi không có add-in (Excel 2016/2019, WPS, LibreOffice); *cần nút* = chỉ",
        "nút Kiểm tra (xlwings Lite, .xlsm) hoặc lệnh `kdcl kiem-tra` mới xét.",
        "",
        "| Mã | Mức độ | Trong sổ | Quy tắc | Thông báo | Cách sửa | Đã thử trên | Báo sai sẽ trông thế nào |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for spec in rule_specs().values():
        live = "tự tính" if spec.id in LIVE_RULES else "cần nút"
        cells = [spec.id, SEVERITIES[spec.severity], live, spec.title, spec.message, spec.hint, spec.tested_on,
                 spec.false_positive]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        return 0 if current == text else 1
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

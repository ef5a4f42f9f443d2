"""`kdcl demo`: a real school's results table in a template, checked, with findings and summary."""

from __future__ import annotations

import tempfile
from pathlib import Path

from xlbridge.check import check_file
from xlbridge.data.catalog import choose_framework
from xlbridge.examples import DEMO_EXAMPLE, example_levels, load_document
from xlbridge.io.filler import fill_workbook
from xlbridge.io.writer import write_checked_copy
from xlbridge.template.builder import TemplateSpec, build_template

DEMO_FILE = "vi-du-thpt-giong-rieng-2023-2024.xlsx"
DEMO_CHECKED = "vi-du-thpt-giong-rieng-2023-2024-da-kiem-tra.xlsx"


def build_example(folder: Path) -> Path:
    """Template for the school of the bundled example, filled with its rows."""
    data = load_document(DEMO_EXAMPLE)
    info = data["info"]
    fw = choose_framework(info["cap_hoc"], int(info["nam_hoc"][:4]))
    data["levels"] = example_levels(data.pop("level_spec", {}), fw)
    spec = TemplateSpec(fw, info["cap_hoc"], info["nam_hoc"], info.get("ten_truong", ""), info.get("tinh", ""))
    target = folder / DEMO_FILE
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "mau.xlsx"
        layout = build_template(spec, blank)
        fill_workbook(blank, target, layout, data)
    return target


def run_demo(folder: Path, overwrite: bool = False) -> int:
    from xlbridge.commands.common import print_result
    from xlbridge.io.targets import output_folder
    output_folder(folder, overwrite, (DEMO_FILE, DEMO_CHECKED))      # the one rule: existing files need --ghi-de
    folder.mkdir(exist_ok=True)
    path = build_example(folder)
    print(f"Đã tạo sổ ví dụ: kết quả chép từ Phụ lục 2 của báo cáo thật (THPT Giồng Riềng, 2023-2024); phần kế hoạch\n"
          f"(kết quả cần đạt, chủ trì, thời gian, kinh phí) là ví dụ kdcl ghi thêm vì Phụ lục 2 không có: {path}\n")
    result = check_file(path)
    print_result(result, as_json=False)
    write_checked_copy(path, folder / DEMO_CHECKED, result.output())
    print(f"Bản có trang Kiểm tra và Tổng hợp đã điền: {folder / DEMO_CHECKED}")
    return 0

"""`kdcl template`: write a locked workbook for one school."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlbridge.commands.common import EXIT_OK, cap_hoc, output_file, school_year


def register(sub) -> None:
    t = sub.add_parser("template", help="tạo sổ Excel mẫu (đã khóa) cho một trường")
    t.add_argument("--cap-hoc", required=True, help="Mầm non, Tiểu học, THCS, THPT, PT nhiều cấp học, GDTX (hoặc MN, TH, …)")
    t.add_argument("--nam-hoc", required=True, help="năm học, ví dụ 2024-2025 (từ 2026-2027 dùng Thông tư 57/2026)")
    t.add_argument("--truong", help="tên trường")
    t.add_argument("--thong-tu", help="chọn thông tư thay vì theo năm học: 17/2018, 18/2018, 19/2018, 57/2026")
    t.add_argument("--tinh", help="tỉnh/thành phố")
    t.add_argument("--huyen", help="xã/phường (huyện/quận trước 7/2025)")
    t.add_argument("--mau", help="mẫu bảng khác, ví dụ tien-do-tien-giang (workbook_templates/forms hoặc KDCL_DU_LIEU)")
    route = t.add_mutually_exclusive_group()
    route.add_argument("--lite", action="store_true", help="kèm nút Kiểm tra chạy bằng xlwings Lite (không cần cài Python)")
    route.add_argument("--xlsm", action="store_true", help="sổ có macro: nút Kiểm tra gọi Python cài trên máy (xlwings)")
    t.add_argument("--ghi-de", action="store_true", help="ghi đè tệp đã có")
    t.add_argument("-o", "--output", required=True, help="tệp .xlsx sẽ tạo")
    t.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlbridge.data.catalog import choose_framework
    from xlbridge.template.builder import TemplateSpec, build_template
    level = cap_hoc(args.cap_hoc)
    year = school_year(args.nam_hoc)
    fw = choose_framework(level, year.start_year, args.thong_tu)
    flavor = "lite" if args.lite else "xlsm" if args.xlsm else "xlsx"
    out = Path(args.output)
    spec = TemplateSpec(fw, level, str(year), args.truong or "", args.tinh or "", args.huyen or "", args.mau, flavor=flavor)
    output_file(out, args.ghi_de, (spec.suffix,))
    build_template(spec, out)
    print(f"Đã tạo {out}: mẫu {level}, năm học {year}, Thông tư {fw.number}.")
    return EXIT_OK

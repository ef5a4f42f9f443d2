"""`kdcl nhap-word`: a plan or results table in a Word document → a filled kdcl workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlbridge.commands.common import EXIT_OK, cap_hoc, check_output, input_file, school_year


def register(sub) -> None:
    w = sub.add_parser("nhap-word", help="nhập bảng kế hoạch hoặc bảng kết quả từ tệp Word (.docx) vào sổ Excel mẫu")
    w.add_argument("file", help="tệp .docx có bảng kế hoạch / kết quả thực hiện (không bị sửa)")
    w.add_argument("-o", "--output", required=True, help="tệp .xlsx sẽ tạo")
    w.add_argument("--cap-hoc", help="cấp học (mặc định: đoán từ văn bản, ví dụ «Trường THPT …»)")
    w.add_argument("--nam-hoc", help="năm học của văn bản (mặc định: đoán từ văn bản, ví dụ «Năm học 2023-2024»)")
    w.add_argument("--truong", help="tên trường (mặc định: dòng «Trường …» trong văn bản, nếu có)")
    w.add_argument("--giai-doan", choices=["ke-hoach", "giua-nam", "cuoi-nam"],
                   help="giai đoạn của văn bản (mặc định: kế hoạch; bảng kết quả: theo ngày báo cáo)")
    w.add_argument("--ghi-de", action="store_true", help="ghi đè tệp đã có")
    w.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlbridge.importer.console import render_import
    from xlbridge.importer.convert import Options, import_word
    from xlbridge.importer.workbook import write_import
    src, out = input_file(args.file), Path(args.output)
    check_output(out, args.ghi_de, (src,))
    level = cap_hoc(args.cap_hoc) if args.cap_hoc else None
    year = school_year(args.nam_hoc) if args.nam_hoc else None
    result = import_word(src, Options(level, year, args.truong, args.giai_doan))
    write_import(result, out)
    print(render_import(result, out))
    return EXIT_OK

"""`kdcl kiem-tra`: check one workbook; never modifies it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlbridge.commands.common import EXIT_FINDINGS, EXIT_OK, parse_date, print_result
from xlbridge.errors import KdclError


def register(sub) -> None:
    k = sub.add_parser("kiem-tra", help="kiểm tra một sổ đã nhập; mã thoát 0 = không lỗi, 1 = có lỗi, 2 = không đọc được")
    k.add_argument("file", help="tệp .xlsx cần kiểm tra (không bị sửa)")
    k.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    k.add_argument("--out", help="ghi một bản sao có trang Kiểm tra và Tổng hợp đã điền")
    k.add_argument("--ngay", help="tính quá hạn đến ngày này (dd/mm/yyyy) nếu sổ chưa ghi ngày báo cáo")
    k.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlbridge.check import check_file
    src = Path(args.file)
    today = parse_date(args.ngay) if args.ngay else None
    result = check_file(src, today)
    print_result(result, args.json)
    if args.out:
        from xlbridge.io.writer import write_checked_copy  # openpyxl (and numpy with it) only when writing
        dst = Path(args.out)
        if dst.resolve() == src.resolve():
            raise KdclError("Không ghi đè lên tệp đang kiểm tra; chọn tên khác cho --out.")
        out = result.output()
        write_checked_copy(src, dst, out)
        if out.report_problem:
            print(f"Lưu ý: {out.report_problem}", file=sys.stderr)
        if not args.json:
            print(f"Đã ghi bản có kết quả kiểm tra: {dst}")
    return EXIT_FINDINGS if result.errors else EXIT_OK

"""`kdcl tong-hop`: check and summarise many received workbooks at once (for the Phòng/Sở GDĐT)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlbridge.commands.common import EXIT_FINDINGS, EXIT_OK, parse_date
from xlbridge.errors import KdclError


def register(sub) -> None:
    t = sub.add_parser(
        "tong-hop", help="kiểm tra và tổng hợp nhiều sổ nhận được (tệp, thư mục, thư .eml/.mbox) vào một sổ Excel",
        description="Đọc mọi sổ kế hoạch trong các tệp, thư mục (kể cả thư mục con) và thư điện tử đã lưu (.eml, .mbox: "
                    "lấy các tệp .xlsx/.xlsm đính kèm), kiểm tra từng sổ như kdcl kiem-tra và ghi một sổ tổng hợp: "
                    "Danh sách, Lỗi, Theo tiêu chí, Theo tiêu chuẩn (có biểu đồ), Không đọc được, Bản trùng. "
                    "Không tệp đầu vào nào bị sửa. Mã thoát: 0 mọi sổ đọc được và không lỗi, 1 có sổ lỗi hoặc "
                    "không đọc được, 2 không tổng hợp được.")
    t.add_argument("inputs", nargs="+", metavar="ĐẦU_VÀO", help="tệp .xlsx/.xlsm, thư mục, thư .eml hoặc hộp thư .mbox")
    t.add_argument("-o", "--output", required=True, metavar="TỆP", help="sổ tổng hợp sẽ ghi (.xlsx)")
    t.add_argument("--csv", metavar="THƯ_MỤC", help="ghi thêm các bảng dạng CSV vào thư mục này (cho pandas, DuckDB)")
    t.add_argument("--parquet", metavar="THƯ_MỤC", help="ghi thêm các bảng dạng Parquet vào thư mục này (cần pyarrow)")
    t.add_argument("--ngay", metavar="NGÀY", help="tính quá hạn đến ngày này (dd/mm/yyyy) cho sổ chưa ghi ngày báo cáo")
    t.add_argument("-j", "--jobs", type=int, default=0, metavar="SỐ", help="số tiến trình đọc song song (mặc định: số lõi CPU)")
    t.add_argument("--ghi-de", action="store_true", help="ghi đè sổ tổng hợp đã có")
    t.add_argument("--khong-tien-do", action="store_true", help="không hiện thanh tiến độ")
    t.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlbridge.consolidate.progress import render_report
    from xlbridge.consolidate.run import Options, consolidate
    if args.jobs < 0:
        raise KdclError(kind="so-tien-trinh", jobs=args.jobs)
    opts = Options(args.inputs, Path(args.output), Path(args.csv) if args.csv else None,
                   Path(args.parquet) if args.parquet else None, args.jobs,
                   parse_date(args.ngay) if args.ngay else None, args.ghi_de, False if args.khong_tien_do else None)
    report = consolidate(opts, sys.stderr)
    sys.stdout.write(render_report(report))
    return EXIT_FINDINGS if (report.errors or report.unreadable) else EXIT_OK

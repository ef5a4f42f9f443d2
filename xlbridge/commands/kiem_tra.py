"""`kdcl kiem-tra`: check one workbook; never modifies it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlbridge.commands.common import input_file, output_file, parse_date, print_result
from xlbridge.errors import KdclError, OutputError, exit_code, write_error

HELP = ("kiểm tra một sổ đã nhập; mã thoát 0 = không lỗi, 1 = có lỗi, 2 = không đọc được sổ, "
        "3 = đã in kết quả nhưng ghi tệp --out thất bại")


def register(sub) -> None:
    k = sub.add_parser("kiem-tra", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    k.add_argument("file", metavar="SỔ", help="tệp .xlsx cần kiểm tra (không bị sửa)")
    k.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    k.add_argument("--out", metavar="TỆP", help="ghi một bản sao có trang Kiểm tra và Tổng hợp đã điền")
    k.add_argument("--ghi-de", action="store_true", help="ghi đè tệp --out đã có")
    k.add_argument("--ngay", metavar="NGÀY", help="tính quá hạn đến ngày này (dd/mm/yyyy) nếu sổ chưa ghi ngày báo cáo")
    k.set_defaults(func=run)


def _write(src: Path, dst: Path, out) -> list[str]:
    """The checked copy (and notes on what it leaves out); any failure here is an output failure (exit 3),
    the report being printed already."""
    from xlbridge.consolidate.package import short_reason
    from xlbridge.consolidate.reasons import Rejected
    from xlbridge.io.safecopy import TooLarge
    from xlbridge.io.writer import write_checked_copy  # openpyxl (and numpy with it) only when writing
    try:
        return write_checked_copy(src, dst, out)
    except OutputError:
        raise
    except OSError as exc:
        raise write_error(exc, dst) from None
    except Rejected as exc:                # a part the copy cannot do without is refused by the guarded reader
        raise OutputError(kind="ban-sao-khong-ghi-duoc", path=dst, reason=exc.detail) from None
    except KdclError as exc:
        raise OutputError(kind="ban-sao-khong-ghi-duoc", path=dst, reason=exc.full_text()) from None
    except TooLarge as exc:
        raise OutputError(kind="ban-sao-khong-ghi-duoc", path=dst, reason=exc.reason) from None
    except MemoryError:
        raise OutputError(kind="ban-sao-khong-ghi-duoc", path=dst, reason="không đủ bộ nhớ để mở sổ này") from None
    except Exception as exc:  # openpyxl refusing a workbook the checker could read: still exit 3, after the report
        raise OutputError(kind="ban-sao-khong-ghi-duoc", path=dst,
                          reason=f"thư viện ghi sổ (openpyxl) không mở được sổ này: {short_reason(exc)}") from None


def run(args: argparse.Namespace) -> int:
    from xlbridge.check import check_file
    src = input_file(args.file)
    dst = output_file(args.out, args.ghi_de, (src.suffix.lower(),), (src,)) if args.out else None
    today = parse_date(args.ngay) if args.ngay else None
    result = check_file(src, today)
    print_result(result, args.json)
    if dst is not None:
        out = result.output()
        notes = _write(src, dst, out)
        if out.report_problem:
            print(f"Lưu ý: {out.report_problem}", file=sys.stderr)
        for note in notes:
            print(f"Lưu ý về bản có kết quả kiểm tra: {note}.", file=sys.stderr)
        if not args.json:
            print(f"Đã ghi bản có kết quả kiểm tra: {dst}")
    return exit_code("findings") if result.errors else exit_code("ok")


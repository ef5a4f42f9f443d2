"""The `kdcl` command: thin — parse arguments, call the core, write, print in Vietnamese."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from xlbridge.errors import KdclError, UnreadableWorkbook

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _school_year(text: str):
    from xlbridge.core.periods import SchoolYear
    year = SchoolYear.parse(text)
    if year is None:
        raise KdclError(f"Năm học «{text}» không hợp lệ; ghi dạng 2024-2025.")
    return year


def cmd_template(args: argparse.Namespace) -> int:
    from xlbridge.data.catalog import choose_framework
    from xlbridge.data.vocab import vocab
    from xlbridge.template.builder import TemplateSpec, build_template
    level = vocab().cap_hoc_name(args.cap_hoc)
    if level is None:
        raise KdclError(f"Cấp học «{args.cap_hoc}» không hợp lệ. Chọn: {', '.join(vocab().cap_hoc_names())}.")
    year = _school_year(args.nam_hoc)
    fw = choose_framework(level, year.start_year, args.thong_tu)
    out = Path(args.output)
    if out.exists() and not args.ghi_de:
        raise KdclError(f"Tệp {out} đã có; thêm --ghi-de để ghi đè, hoặc chọn tên khác.")
    spec = TemplateSpec(fw, level, str(year), args.truong or "", args.tinh or "", args.huyen or "", args.mau)
    build_template(spec, out)
    print(f"Đã tạo {out}: mẫu {level}, năm học {year}, Thông tư {fw.number}.")
    return EXIT_OK


def print_result(result, as_json: bool, stream=None) -> None:
    from xlbridge.report.console import render_check
    stream = stream or sys.stdout
    if as_json:
        json.dump(result.to_dict(), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
    else:
        stream.write(render_check(result))


def cmd_kiem_tra(args: argparse.Namespace) -> int:
    from xlbridge.check import check_file
    from xlbridge.io.writer import write_checked_copy
    src = Path(args.file)
    today = _date(args.ngay) if args.ngay else None
    result = check_file(src, today)
    print_result(result, args.json)
    if args.out:
        dst = Path(args.out)
        if dst.resolve() == src.resolve():
            raise KdclError("Không ghi đè lên tệp đang kiểm tra; chọn tên khác cho --out.")
        write_checked_copy(src, dst, result.output())
        if not args.json:
            print(f"Đã ghi bản có kết quả kiểm tra: {dst}")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from xlbridge.demo import run_demo
    return run_demo(Path(args.folder))


def _date(text: str) -> date:
    from datetime import datetime
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise KdclError(f"Ngày «{text}» không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 30/05/2024.") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kdcl",
                                description="Kế hoạch cải tiến chất lượng giáo dục: mẫu Excel, kiểm tra, tổng hợp.")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH")

    t = sub.add_parser("template", help="tạo sổ Excel mẫu (đã khóa) cho một trường")
    t.add_argument("--cap-hoc", required=True, help="Mầm non, Tiểu học, THCS, THPT, PT nhiều cấp học, GDTX (hoặc MN, TH, …)")
    t.add_argument("--nam-hoc", required=True, help="năm học, ví dụ 2024-2025 (từ 2026-2027 dùng Thông tư 57/2026)")
    t.add_argument("--truong", help="tên trường")
    t.add_argument("--thong-tu", help="chọn thông tư thay vì theo năm học: 17/2018, 18/2018, 19/2018, 57/2026")
    t.add_argument("--tinh", help="tỉnh/thành phố")
    t.add_argument("--huyen", help="xã/phường (huyện/quận trước 7/2025)")
    t.add_argument("--mau", help="mẫu bảng khác, ví dụ tien-do-tien-giang (workbook_templates/forms hoặc KDCL_DU_LIEU)")
    t.add_argument("--ghi-de", action="store_true", help="ghi đè tệp đã có")
    t.add_argument("-o", "--output", required=True, help="tệp .xlsx sẽ tạo")
    t.set_defaults(func=cmd_template)

    k = sub.add_parser("kiem-tra", help="kiểm tra một sổ đã nhập; mã thoát 0 = không lỗi, 1 = có lỗi, 2 = không đọc được")
    k.add_argument("file", help="tệp .xlsx cần kiểm tra (không bị sửa)")
    k.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    k.add_argument("--out", help="ghi một bản sao có trang Kiểm tra và Tổng hợp đã điền")
    k.add_argument("--ngay", help="tính quá hạn đến ngày này (dd/mm/yyyy) nếu sổ chưa ghi ngày báo cáo")
    k.set_defaults(func=cmd_kiem_tra)

    d = sub.add_parser("demo", help="tạo sổ ví dụ từ báo cáo thật (THPT, 2023-2024), kiểm tra và in kết quả")
    d.add_argument("folder", nargs="?", default=".", help="thư mục ghi sổ ví dụ (mặc định: thư mục hiện tại)")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UnreadableWorkbook as exc:
        print(f"Không đọc được sổ: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KdclError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for a school user
        print(f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Hãy gửi tệp và thông báo này cho cán bộ phụ trách kdcl.",
              file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())

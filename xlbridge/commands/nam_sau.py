"""`kdcl nam-sau`: next year's plan from this year's workbook (unfinished items carried over)."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlbridge.commands.common import EXIT_OK, check_output, input_file, school_year
from xlbridge.errors import KdclError


def register(sub) -> None:
    n = sub.add_parser("nam-sau", help="tạo sổ kế hoạch năm học sau, mang sang các nội dung chưa hoàn thành")
    n.add_argument("file", help="sổ .xlsx của năm học này (đã cập nhật trạng thái; không bị sửa)")
    n.add_argument("-o", "--output", required=True, help="tệp .xlsx sẽ tạo cho năm học sau")
    n.add_argument("--nam-hoc", help="năm học mới (mặc định: năm học sau năm học của sổ)")
    n.add_argument("--thong-tu", help="chọn thông tư cho năm học mới thay vì theo năm học: 18/2018, 57/2026, …")
    n.add_argument("--ca-chua-co-trang-thai", action="store_true",
                   help="mang sang cả nội dung chưa có trạng thái (đánh dấu cần xác nhận)")
    n.add_argument("--ghi-de", action="store_true", help="ghi đè tệp đã có")
    n.set_defaults(func=run)


def _refuse_damaged(book) -> None:
    """A workbook whose locked structure is damaged (rows or criterion lines deleted, headers moved) is not
    carried over: items may be missing or shifted, and next year's plan would drop them without a word."""
    from xlbridge.core.findings import make_finding
    from xlbridge.core.rules.structure import KINDS
    damaged = [make_finding(KINDS[a.kind], a.sheet, a.cell, **a.detail) for a in book.anomalies]
    damaged = [f for f in damaged if f.is_error]
    if damaged:
        lines = "\n".join(f"  [{f.severity_label}] {f.rule} {f.place}: {f.message}" for f in damaged)
        raise KdclError(kind="cau-truc-hong", so=book.source, count=len(damaged), findings=lines)


def run(args: argparse.Namespace) -> int:
    from xlbridge.carry.console import render_next_year
    from xlbridge.carry.plan import plan_next_year
    from xlbridge.carry.workbook import write_next_year
    from xlbridge.io.reader import read_workbook
    src, out = input_file(args.file), Path(args.output)
    check_output(out, args.ghi_de, (src,))
    book = read_workbook(src)
    _refuse_damaged(book)
    year = school_year(args.nam_hoc) if args.nam_hoc else None
    plan = plan_next_year(book, year, args.thong_tu, args.ca_chua_co_trang_thai)
    written = write_next_year(plan, out)
    print(render_next_year(plan, written))
    return EXIT_OK

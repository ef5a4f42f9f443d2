"""Argument helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from xlbridge.errors import KdclError

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def school_year(text: str):
    from xlbridge.core.periods import SchoolYear
    year = SchoolYear.parse(text)
    if year is None:
        raise KdclError(f"Năm học «{text}» không hợp lệ; ghi dạng 2024-2025.")
    return year


def parse_date(text: str) -> date:
    """A --ngay argument, read as a workbook's report date is (`xlbridge.core.dates.parse_day`)."""
    from xlbridge.core.dates import parse_day
    day = parse_day(text)
    if day is None:
        raise KdclError(f"Ngày «{text}» không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 30/05/2024.")
    return day


def print_result(result, as_json: bool, stream=None) -> None:
    from xlbridge.report.console import render_check
    stream = stream or sys.stdout
    if as_json:
        json.dump(result.to_dict(), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
    else:
        stream.write(render_check(result))


def check_output(out: Path, overwrite: bool) -> None:
    """A new workbook's path: .xlsx, in an existing folder, not an existing file unless `overwrite`."""
    if out.suffix.lower() != ".xlsx":
        raise KdclError(f"Tệp kết quả «{out.name}» phải có đuôi .xlsx.")
    if not out.parent.is_dir():
        raise KdclError(f"Thư mục {out.parent} không có; tạo thư mục trước hoặc chọn nơi ghi khác.")
    if out.exists() and not overwrite:
        raise KdclError(f"Tệp {out} đã có; thêm --ghi-de để ghi đè, hoặc chọn tên khác.")

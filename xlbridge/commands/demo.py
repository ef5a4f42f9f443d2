"""`kdcl demo`: the bundled real example, built, checked and printed."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    d = sub.add_parser("demo", help="tạo sổ ví dụ từ báo cáo thật (THPT, 2023-2024), kiểm tra và in kết quả")
    d.add_argument("folder", nargs="?", default=".", metavar="THƯ_MỤC", help="thư mục ghi sổ ví dụ (mặc định: thư mục hiện tại)")
    d.add_argument("--ghi-de", action="store_true", help="ghi đè hai tệp ví dụ nếu đã có trong thư mục")
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlbridge.demo import run_demo
    return run_demo(Path(args.folder), args.ghi_de)

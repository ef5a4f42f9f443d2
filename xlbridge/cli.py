"""The `kdcl` command: thin — parse arguments, call the core, write, print in Vietnamese.

Each subcommand lives in `xlbridge.commands.<name>`; this module only assembles them and turns
every failure into a Vietnamese message and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from xlbridge import __version__
from xlbridge.commands import COMMANDS
from xlbridge.commands.common import EXIT_UNREADABLE
from xlbridge.errors import KdclError, UnreadableWorkbook


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kdcl",
                                description="Kế hoạch cải tiến chất lượng giáo dục: mẫu Excel, kiểm tra, tổng hợp, báo cáo.")
    p.add_argument("--version", action="version", version=f"kdcl {__version__}", help="in phiên bản kdcl rồi thoát")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH")
    for name in COMMANDS:
        importlib.import_module(f"xlbridge.commands.{name}").register(sub)
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

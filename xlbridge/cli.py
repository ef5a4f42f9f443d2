"""The `kdcl` command: thin — parse arguments, call the core, write, print in Vietnamese.

Each subcommand lives in `xlbridge.commands.<name>`; this module only assembles them and turns
every failure into its Vietnamese message and the exit code of its kind (xlbridge.errors), never a
traceback or an exception's class name.
"""

from __future__ import annotations

import importlib
import os
import sys

from xlbridge import __version__
from xlbridge.commands import COMMANDS
from xlbridge.commands.parser import Parser, exit_code_text, texts
from xlbridge.errors import KdclError, exit_code, read_error, write_error


def parser() -> Parser:
    p = Parser(prog="kdcl", description="Kế hoạch cải tiến chất lượng giáo dục: mẫu Excel, kiểm tra, tổng hợp, báo cáo.",
               epilog=exit_code_text())
    p.add_argument("--version", action="version", version=f"kdcl {__version__}", help=texts()["version"])
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"xlbridge.commands.{name}").register(sub)
    return p


def report(err: KdclError) -> int:
    """Print the error for the user; its kind's exit code."""
    lead = texts()["lead_workbook" if err.fields.get("file") else "lead"]
    print(f"{lead}{err.full_text()}", file=sys.stderr)
    return err.exit_code


def _os_error(exc: OSError) -> KdclError:
    """An operating-system error nobody translated on the way: name the path it carries."""
    path = exc.filename or "(không rõ tệp)"
    writing = exc.errno is not None and exc.errno in (28, 30, 122)   # ENOSPC, EROFS, EDQUOT
    return write_error(exc, path) if writing else read_error(exc, path)


def _quiet_stdout() -> None:
    """After a closed pipe (`kdcl … | head`): send the rest of the output nowhere, so exiting says nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run(argv: list[str] | None) -> int:
    """Parse and run; argparse's own exits (--help, argument errors) become return codes, and the output is
    flushed here, so a reader that went away (`| head`) is noticed inside main, not at interpreter exit."""
    try:
        args = parser().parse_args(argv)
        return int(args.func(args))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 2
    finally:
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    from xlbridge.io.terminal import SafeStream
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)    # every print: user text is shown, never obeyed
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None) -> int:
    try:
        return run(argv)
    except KdclError as exc:
        return report(exc)
    except BrokenPipeError:
        _quiet_stdout()
        return exit_code("ok")
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return exit_code("interrupted")
    except OSError as exc:
        return report(_os_error(exc))
    except Exception as exc:  # never a traceback for a school user
        return report(KdclError(kind="khong-mong-doi", detail=str(exc)[:200] or "không rõ nguyên nhân"))


if __name__ == "__main__":
    sys.exit(main())

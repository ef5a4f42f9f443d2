"""Where a consolidation keeps its working files: one folder per run in the system temp dir, never the user's folder.

The SQLite store, the workbook while xlsxwriter writes it and xlsxwriter's own temporary files all live in
`kdcl-tong-hop-<pid>-…/` under `tempfile.gettempdir()`; the finished workbook is then copied beside `-o` under
a temporary name and renamed over it (xlbridge.io.atomic), so `-o` is always absent or complete, and only that
short copy ever touches the user's folder. A run killed with SIGKILL leaves its folder behind; the next run
removes every such folder whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "kdcl-tong-hop-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):         # another user's process: alive, not ours to judge
        return True
    return True


def clean_stale(folder: Path | None = None) -> list[Path]:
    """Remove the working folders (and files) of consolidations whose process no longer runs; returns them."""
    folder = Path(folder or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _OWNED.match(name)
        if m is None or _alive(int(m.group(1))):
            continue
        path = folder / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


class Scratch:
    """This run's working folder (removed by `close`)."""

    def __init__(self) -> None:
        clean_stale()
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))

    def file(self, name: str) -> Path:
        return self.path / name

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

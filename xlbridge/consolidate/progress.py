"""What the officer sees on the terminal: a progress bar during a long run, one screen of summary after."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from xlbridge.core.money import format_vnd
from xlbridge.core.vntext import percent as pct
from xlbridge.io.terminal import control, paragraph


def _num(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def bar_line(done: int, total: int, elapsed: float, unreadable: int = 0, width: int = 28, cols: int = 0) -> str:
    """One line: bar, count, speed, time left, how many inputs could not be read so far — within `cols` cells
    (0: no limit): the bar shrinks first, then the least needed parts go, so the line never wraps."""
    frac = done / total if total else 1.0
    speed = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / speed if speed > 0 else None
    parts = {"count": f" {done}/{total} tệp", "speed": f" · {_num(speed)} tệp/giây",
             "eta": f" · còn khoảng {_duration(left)}" if left is not None and done < total else "",
             "bad": f" · {unreadable} không đọc được" if unreadable else ""}
    if cols:
        room = cols - 1                                   # the last column stays free: no automatic wrap
        for least_needed in ("speed", "eta", "bad"):
            if sum(map(len, parts.values())) + 12 <= room:
                break
            parts[least_needed] = ""
        width = max(0, min(width, room - sum(map(len, parts.values())) - 2))
    filled = int(round(frac * width))
    bar = f"[{'#' * filled}{'.' * (width - filled)}]" if width >= 10 else ""
    line = (bar + "".join(parts.values())).lstrip()
    return line[:cols - 1] if cols else line


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} giây"
    return f"{seconds // 60} phút {seconds % 60:02d} giây"


class Progress:
    """A bar redrawn in place on a terminal (at most ten times a second); silent when not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.perf_counter()
        self.done = self.unreadable = 0
        self._drawn = 0.0

    def step(self, unreadable: bool = False) -> None:
        self.done += 1
        self.unreadable += unreadable
        now = time.perf_counter()
        if self.enabled and (now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = now
            cols = shutil.get_terminal_size((80, 24)).columns
            # \r back to the line's start, the line (never wider than the terminal), ESC[K: clear what a longer line left
            control(self.stream, "\r")
            self.stream.write(bar_line(self.done, self.total, now - self.start, self.unreadable, cols=cols))
            control(self.stream, "\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line (also on Ctrl-C, before the command line says «Đã dừng»)."""
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


@dataclass
class RunReport:
    """The figures of one consolidation run, for the closing summary (and for tests)."""
    inputs: int = 0
    schools: int = 0
    duplicates: int = 0
    unreadable: int = 0
    unreadable_kinds: dict[str, int] = field(default_factory=dict)
    schools_with_errors: int = 0
    errors: int = 0
    warnings: int = 0
    items: int = 0
    overall: float | None = None
    budget: int = 0
    overdue: int = 0
    standards: list[tuple[str, str, float | None]] = field(default_factory=list)     # (framework, standard, rate)
    criteria: list[tuple[str, str, int, float | None]] = field(default_factory=list)  # most planned: code, title, schools, rate
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)        # lock files and kdcl's own consolidations in a folder
    nameless: list[str] = field(default_factory=list)        # workbooks naming no school: each kept, listed
    seconds: float = 0.0


def render_report(r: RunReport) -> str:
    """One screen: what was read, what was not, where the errors are, the district's picture, what was written."""
    speed = f" ({_num(r.inputs / r.seconds)} tệp/giây)" if r.seconds > 0 else ""
    lines = [
        f"Đã xử lý {r.inputs} tệp trong {_num(r.seconds)} giây{speed}.",
        f"  Sổ của {r.schools} trường được tổng hợp"
        + (f"; {r.duplicates} bản nộp trùng đã bỏ qua (giữ bản lưu sau cùng)" if r.duplicates else "") + ".",
    ]
    if r.skipped:
        locks = sum(p.name.startswith("~$") for p in r.skipped)
        parts = [f"{locks} tệp khóa của Excel (~$…)" if locks else "",
                 f"{len(r.skipped) - locks} sổ tổng hợp của kdcl" if len(r.skipped) > locks else ""]
        lines.append(f"  Bỏ qua {' và '.join(p for p in parts if p)} trong thư mục đầu vào.")
    if r.nameless:
        lines.append(f"  {len(r.nameless)} sổ chưa ghi tên trường (mỗi sổ được tính riêng, không gộp): "
                     + ", ".join(r.nameless) + ".")
    if r.unreadable:
        kinds = ", ".join(f"{label}: {n}" for label, n in sorted(r.unreadable_kinds.items(), key=lambda kv: -kv[1]))
        lines.append(f"  {r.unreadable} tệp không đọc được ({kinds}) — xem trang «Không đọc được».")
    lines.append(f"  {r.schools_with_errors} trường có lỗi; tổng {r.errors} lỗi, {r.warnings} cảnh báo — xem trang «Lỗi».")
    if r.schools:
        lines.append(f"  {r.items} nội dung cải tiến; hoàn thành {pct(r.overall)}; {r.overdue} nội dung quá hạn; "
                     f"dự kiến kinh phí {format_vnd(r.budget)}.")
    if r.standards:
        lines.append("  Tỉ lệ hoàn thành theo tiêu chuẩn:")
        frameworks = list(dict.fromkeys(fw for fw, _s, _r in r.standards))
        for fw in frameworks:
            rates = " · ".join(f"{s} {pct(rate)}" for f, s, rate in r.standards if f == fw)
            lines.append(f"    {fw}: {rates}" if len(frameworks) > 1 else f"    {rates}")
    if r.criteria:
        lines.append("  Tiêu chí nhiều trường cần cải tiến nhất:")
        for code, title, n, rate in r.criteria:
            lines.append(f"    {code} {title}: {n} trường, hoàn thành {pct(rate)}")
    if r.written:
        lines.append("Đã ghi: " + ", ".join(str(p) for p in r.written))
    # each line wrapped at words to the terminal's width, continuing under its own indent
    return "\n".join(paragraph(line.lstrip(), indent=len(line) - len(line.lstrip())) for line in lines) + "\n"

"""Whole-process figures for the commands people wait for, cold, side by side with the floor.

Every figure is a fresh process started with subprocess (imports, data files, reading, checking, writing),
as a school user or a script would start it; memory is the peak of the proportional set size (PSS) summed over
the process and all its children (sampled from /proc every 10 ms): kdcl reads an untrusted file in a forked,
memory-capped child, whose pages shared with its parent a plain sum of resident sizes would count twice.
The floors run in the same way in the same run: a bare python-calamine read of the same workbook (every
sheet's values), and an openpyxl read-only read.
Targets (issue 18, on this 2-core machine): kiem-tra ≤ 0.3 s and ≤ 40 MiB; kdcl --help ≤ 0.1 s.

    python benchmarks/bench_commands.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
KDCL = [sys.executable, "-m", "xlbridge.cli"]

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
"""
OPENPYXL = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
"""


def _memory(pid: int) -> int:
    """Proportional set size of one process (shared pages divided among their sharers, so a forked child —
    kdcl reads untrusted files in one — is not counted twice); its resident size where PSS is not shown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0)


def _tree_rss(pid: int) -> int:
    """Memory of `pid` and every descendant (Linux /proc), summed without counting shared pages twice."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += _memory(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak tree memory (bytes) and exit code of one cold run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.01)
    return time.perf_counter() - t0, peak, proc.returncode


def measure(name: str, cmd: list[str], cwd: Path, runs: int, before=None) -> tuple[str, float, float]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        t, peak, rc = run(cmd, cwd)
        if rc not in (0, 1):
            raise SystemExit(f"{name}: exit {rc}: {' '.join(cmd)}")
        times.append(t)
        peaks.append(peak)
    return name, statistics.median(times), max(peaks) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from installed import compile_kdcl
    compile_kdcl()
    from bench_kiem_tra import full_plan  # the fully filled THPT workbook (every criterion, 3 items)

    from xlbridge.data.catalog import choose_framework
    from xlbridge.io.filler import fill_workbook
    from xlbridge.template.builder import TemplateSpec, build_template
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fw = choose_framework("THPT", 2023)
        blank, book = tmp / "mau.xlsx", tmp / "day-du.xlsx"
        layout = build_template(TemplateSpec(fw, "THPT", "2023-2024", "Trường THPT Thử Nghiệm"), blank)
        fill_workbook(blank, book, layout, full_plan(fw))
        out = tmp / "da-kiem-tra.xlsx"
        docx = tmp / "bao-cao.docx"
        xlsm = tmp / "mau.xlsm"

        def clean(*paths: Path):
            return lambda: [p.unlink() for p in paths if p.exists()]

        rows = [
            measure("floor: python-calamine read", [sys.executable, "-c", CALAMINE, str(book)], tmp, args.runs),
            measure("floor: openpyxl read-only read", [sys.executable, "-c", OPENPYXL, str(book)], tmp, args.runs),
            measure("kdcl --help", [*KDCL, "--help"], tmp, args.runs),
            measure("kdcl kiem-tra", [*KDCL, "kiem-tra", str(book)], tmp, args.runs),
            measure("kdcl kiem-tra --json", [*KDCL, "kiem-tra", str(book), "--json"], tmp, args.runs),
            measure("kdcl kiem-tra --out", [*KDCL, "kiem-tra", str(book), "--out", str(out)], tmp, args.runs, clean(out)),
            measure("kdcl bao-cao", [*KDCL, "bao-cao", str(book), "-o", str(docx)], tmp, args.runs, clean(docx)),
            measure("kdcl template --xlsm", [*KDCL, "template", "--cap-hoc", "THCS", "--nam-hoc", "2026-2027",
                                             "--xlsm", "-o", str(xlsm)], tmp, args.runs, clean(xlsm)),
        ]
    floor = rows[0][1]
    print(f"{'command (cold process, median of ' + str(args.runs) + ')':<44}{'seconds':>9}{'× calamine':>12}{'MiB':>8}")
    for name, seconds, mib in rows:
        print(f"{name:<44}{seconds:>9.3f}{seconds / floor:>12.1f}{mib:>8.1f}")


if __name__ == "__main__":
    main()

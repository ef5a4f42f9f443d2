"""The slowest and the most memory-hungry hostile input, per command (issue 17).

Target, on the 2-core machine: no input over 10 s, none over 1 GB. Run by hand from the repository root:

    python benchmarks/bench_hostile.py [--dir FOLDER] [--commands kiem-tra,bao-cao,tong-hop] [--every 1]

The inputs are the corpus of tests/make_hostile_corpus.py (several hundred files in seven classes), generated from a
freshly built THPT workbook. Each input runs as its own `kdcl` process under RLIMIT_AS 1 GiB (the test's cap),
so the time is the whole command as a user sees it (start-up included) and the memory is the peak resident size
of that process or of the largest reading child it forks. tong-hop also runs once over the whole corpus.
Printed: per command, the slowest input with its time and peak, and the input with the largest peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
LIMIT = 1 << 30
TARGET_SECONDS, TARGET_MB = 10.0, 1024


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


# Measured inside the kdcl process: its own high-water mark (VmHWM; ru_maxrss would carry the peak of the process
# it was started from) and the largest reading child it waited for (RUSAGE_CHILDREN).
MEASURE = """
import json, os, resource, sys
from xlbridge.cli import main
code = main(sys.argv[1:])
own = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(os.environ["KDCL_BENCH_OUT"], "w") as fh:
    json.dump({"code": code, "peak_kb": max(own, kids)}, fh)
"""


def run(args: list[str], cwd: Path) -> tuple[int, float, int]:
    """(exit code, seconds, peak KB) of one kdcl process (and the children it forks)."""
    report = cwd / "_do.json"
    report.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, preexec_fn=_cap,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "KDCL_BENCH_OUT": str(report)})
    seconds = time.perf_counter() - started
    if not report.is_file():                     # killed before it could say: the cap (or a crash) ended it
        return done.returncode, seconds, LIMIT >> 10
    measured = json.loads(report.read_text())
    return measured["code"], seconds, measured["peak_kb"]


def command_line(command: str, path: Path, out: Path) -> list[str]:
    if command == "kiem-tra":
        return ["kiem-tra", str(path)]
    if command == "bao-cao":
        return ["bao-cao", str(path), "-o", str(out / "bao-cao.docx"), "--ghi-de"]
    return ["tong-hop", str(path), "-o", str(out / "tong-hop.xlsx"), "--ghi-de", "-j", "1"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="where to build the corpus (default: a temporary folder)")
    ap.add_argument("--commands", default="kiem-tra,bao-cao,tong-hop")
    ap.add_argument("--every", type=int, default=1, help="run every n-th input only (1: all)")
    opts = ap.parse_args()
    from conftest import seed_workbook
    from make_hostile_corpus import make_hostile_corpus
    with tempfile.TemporaryDirectory(prefix="kdcl-bench-hostile-") as tmp:
        base = opts.dir or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        (base / "goc").mkdir(exist_ok=True)
        cases = make_hostile_corpus(base / "corpus", seed_workbook(base / "goc", "ket-qua-thpt"))[::opts.every]
        out = base / "ra"
        out.mkdir(exist_ok=True)
        print(f"{len(cases)} tệp thù địch; giới hạn bộ nhớ mỗi lệnh {LIMIT >> 20} MB")
        worst = True
        for command in opts.commands.split(","):
            rows = []
            for case in cases:
                code, seconds, peak = run(command_line(command, base / "corpus" / case.name, out), out)
                rows.append((seconds, peak, code, case.name))
            slow = max(rows)
            big = max(rows, key=lambda r: r[1])
            print(f"{command:9} chậm nhất: {slow[3]} {slow[0]:.2f} s, {slow[1] / 1024:.0f} MB (mã thoát {slow[2]}); "
                  f"bộ nhớ lớn nhất: {big[3]} {big[1] / 1024:.0f} MB, {big[0]:.2f} s")
            worst &= slow[0] <= TARGET_SECONDS and big[1] / 1024 <= TARGET_MB
        if "tong-hop" in opts.commands:
            code, seconds, peak = run(["tong-hop", str(base / "corpus"), "-o", str(out / "ca-kho.xlsx"), "--ghi-de"], out)
            print(f"tong-hop cả kho: {len(cases)} tệp trong {seconds:.1f} s, {peak / 1024:.0f} MB (mã thoát {code})")
            worst &= peak / 1024 <= TARGET_MB
        print("Đạt mục tiêu (≤ 10 s, ≤ 1 GB mỗi tệp)." if worst else "CHƯA đạt mục tiêu.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

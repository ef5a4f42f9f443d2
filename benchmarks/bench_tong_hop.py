"""Speed and memory of `kdcl tong-hop` on 1,000 filled workbooks, against the naive openpyxl loop.

Targets (issues 6 and 18, on the 2-core machine): ≥ 50 workbooks/s, ≥ 5× the naive loop, ≤ 2.5× the
bare parallel calamine floor (same number of processes, cold), memory flat in the number of files; the
projected time for the whole country is printed. Run by hand from the repository root:

    python benchmarks/bench_tong_hop.py [--n 1000] [--jobs 0] [--naive 200] [--dir FOLDER]

The workbooks: the seven documents transcribed from real plans and reports (tests/fixtures: four
2018 seeds, three TT57 plans with both reviews) and one fully filled THPT plan (every criterion,
three items: the upper bound), each filled once into a real template with openpyxl, then copied
with byte-level changes (school name, one to three statuses) so that every copy is a different school.

Printed: workbooks/s of the whole command (start-up, reading, checking, writing the workbook), the
same for the naive loop a user would write (`openpyxl.load_workbook` of each file, all values read,
nothing checked), and the peak resident memory of the largest process for 10 %, 30 % and 100 % of the
files (flat means: about the same).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "benchmarks"))

MEASURE = """
import json, resource, sys, time
from xlbridge.cli import main
t = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
try:    # this process's own peak (ru_maxrss would carry the peak of the process it was started from)
    own = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
except (OSError, StopIteration):
    own = me.ru_maxrss
print(json.dumps({"code": code, "seconds": seconds, "self_kb": own, "children_kb": kids.ru_maxrss,
                  "self_cpu": me.ru_utime + me.ru_stime, "children_cpu": kids.ru_utime + kids.ru_stime}), file=sys.stderr)
"""
# The floor: a bare python-calamine read of every sheet of every file (no checks, no output), as a cold
# process with the same number of worker processes as tong-hop; and the naive openpyxl loop likewise.
FLOOR = """
import json, os, sys, time
from concurrent.futures import ProcessPoolExecutor
t = time.perf_counter()
files, jobs, how = json.loads(sys.stdin.read())

def calamine(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)

def openpyxl_values(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    return n

fn = calamine if how == "calamine" else openpyxl_values
if jobs == 1:
    rows = sum(map(fn, files))
else:
    with ProcessPoolExecutor(jobs) as pool:
        rows = sum(pool.map(fn, files, chunksize=16))
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows}))
"""
NATIONAL = 45_000            # schools in the country (Bộ GDĐT statistics, all levels, rounded)
SWAPS = [("Hoàn thành", "Đang thực hiện"), ("Đang thực hiện", "Chậm tiến độ"), ("Chưa triển khai", "Hoàn thành")]


def base_workbooks(folder: Path) -> list[tuple[Path, str]]:
    """(filled workbook, school name) for every transcribed document, plus the fully filled THPT plan."""
    from bench_kiem_tra import full_plan

    from xlbridge.data.catalog import choose_framework
    from xlbridge.examples import load_document
    from xlbridge.io.filler import fill_workbook
    from xlbridge.template.builder import TemplateSpec, build_template
    docs = sorted((FIXTURES / "seeds").glob("*.yaml")) + sorted((FIXTURES / "tt57").glob("*.yaml"))
    out = []
    for i, doc in enumerate(docs):
        info = yaml.safe_load(doc.read_text(encoding="utf-8"))["info"]
        fw = choose_framework(info["cap_hoc"], int(info["nam_hoc"][:4]))
        data = load_document(doc, len(fw.standards))
        data["info"].setdefault("ten_truong", f"Trường {info['cap_hoc']} số {i}")   # one real report names no school
        mau = data["form"] if data["form"] == "tien-do-tien-giang" else None
        blank, filled = folder / f"mau-{i}.xlsx", folder / f"goc-{i}.xlsx"
        spec = TemplateSpec(fw, info["cap_hoc"], info["nam_hoc"], data["info"]["ten_truong"], "", "", mau)
        layout = build_template(spec, blank)
        fill_workbook(blank, filled, layout, data)
        out.append((filled, data["info"]["ten_truong"]))
    fw = choose_framework("THPT", 2023)
    blank, filled = folder / "mau-day-du.xlsx", folder / "goc-day-du.xlsx"
    plan = full_plan(fw)
    layout = build_template(TemplateSpec(fw, "THPT", "2023-2024", plan["info"]["ten_truong"]), blank)
    fill_workbook(blank, filled, layout, plan)
    out.append((filled, plan["info"]["ten_truong"]))
    return out


def _forms(text: str) -> list[bytes]:
    """How a cell's whole text sits in the XML (>text<): plain UTF-8, or with character references (openpyxl)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    refs = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in escaped)
    return [f">{escaped}<".encode(), f">{refs}<".encode("ascii")]


def variant(src: Path, dst: Path, school: str, i: int) -> None:
    """A copy with another school name and a few statuses changed: cell text replaced in the sheet XML."""
    old, new = SWAPS[i % len(SWAPS)]
    swaps = list(zip(_forms(school), _forms(f"{school} (bản {i:04d})"), strict=True))
    swaps += list(zip(_forms(old), _forms(new), strict=True))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                for a, b in swaps:
                    data = data.replace(a, b, 1 + i % 3)
            zout.writestr(info, data)


def generate(folder: Path, n: int) -> list[Path]:
    work = folder / "_goc"
    work.mkdir(parents=True, exist_ok=True)
    bases = base_workbooks(work)
    files = []
    for i in range(n):
        src, school = bases[i % len(bases)]
        lot = folder / f"lo-{i * 10 // n:02d}"           # ten lots: 10 %, 30 %, 100 % are whole lots
        lot.mkdir(exist_ok=True)
        dst = lot / f"truong-{i:04d}.xlsx"
        variant(src, dst, school, i)
        files.append(dst)
    return files


def run_tong_hop(inputs: list[Path], out: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-c", MEASURE, "tong-hop", *map(str, inputs), "-o", str(out), "--ghi-de", "--khong-tien-do",
           "-j", str(jobs)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    figures = json.loads(proc.stderr.strip().splitlines()[-1])
    figures["wall"] = wall
    figures["summary"] = proc.stdout
    return figures


def floor(files: list[Path], jobs: int, how: str = "calamine") -> float:
    """Wall seconds of a cold process reading every file (bare calamine or openpyxl values) with `jobs` workers."""
    cmd = [sys.executable, "-c", FLOOR]
    t = time.perf_counter()
    subprocess.run(cmd, input=json.dumps([list(map(str, files)), jobs, how]), capture_output=True, text=True,
                   check=True, cwd=ROOT)
    return time.perf_counter() - t


def naive(files: list[Path]) -> float:
    """Seconds per workbook of the loop a user would write: load each file with openpyxl, read every value."""
    import openpyxl
    t = time.perf_counter()
    for path in files:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()
    return (time.perf_counter() - t) / len(files)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="number of workbooks (default 1000)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes for tong-hop (default: one per core)")
    ap.add_argument("--naive", type=int, default=200, help="files for the naive loop (default 200; its rate is per file)")
    ap.add_argument("--dir", help="keep the generated workbooks in this folder (default: a temporary one)")
    args = ap.parse_args()
    from installed import compile_kdcl
    compile_kdcl()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dir) if args.dir else Path(tmp)
        t = time.perf_counter()
        files = generate(folder / "bai-nop", args.n)
        sizes = [f.stat().st_size for f in files]
        print(f"generated {len(files)} workbooks ({len(set(f.name for f in files))} schools, 8 kinds) in "
              f"{time.perf_counter() - t:.1f} s; mean size {statistics.mean(sizes) / 1024:.0f} KiB; {os.cpu_count()} cores")
        lots = sorted((folder / "bai-nop").glob("lo-*"))
        memory = {}
        for share in (1, 3, 10):
            part = lots[:share]
            n = sum(len(list(p.glob("*.xlsx"))) for p in part)
            fig = run_tong_hop(part, folder / f"tong-hop-{n}.xlsx", args.jobs)
            memory[n] = (fig["self_kb"], fig["children_kb"])
            last = fig
        rate = args.n / last["wall"]
        print(f"kdcl tong-hop ({args.jobs or os.cpu_count()} workers): {args.n} workbooks in {last['wall']:.1f} s "
              f"(start-up included) → {rate:.1f} workbooks/s; target ≥ 50: {'OK' if rate >= 50 else 'MISSED'}")
        print("  " + "\n  ".join(last["summary"].strip().splitlines()[:2]))
        print(f"  CPU: main process {last['self_cpu']:.1f} s, workers {last['children_cpu']:.1f} s "
              f"({last['children_cpu'] / args.n * 1000:.1f} ms per workbook)")
        sample = files[:: max(1, len(files) // max(1, args.naive))][: args.naive]
        per = naive(sample)
        print(f"naive loop (openpyxl.load_workbook, values only, {len(sample)} files): {1 / per:.1f} workbooks/s "
              f"→ tong-hop is {rate * per:.1f}× faster; target ≥ 5×: {'OK' if rate * per >= 5 else 'MISSED'}")
        jobs = args.jobs or os.cpu_count() or 1
        one, par = floor(files, 1), floor(files, jobs)
        ratio = last["wall"] / par
        print(f"floor, bare python-calamine read of every sheet (cold process): 1 worker {args.n / one:.1f} workbooks/s, "
              f"{jobs} workers {args.n / par:.1f} workbooks/s → tong-hop takes {ratio:.2f}× the parallel floor; "
              f"target ≤ 2.5×: {'OK' if ratio <= 2.5 else 'MISSED'}")
        naive_par = floor(sample, jobs, "openpyxl")
        print(f"naive openpyxl loop with {jobs} workers: {len(sample) / naive_par:.1f} workbooks/s "
              f"→ tong-hop is {rate * naive_par / len(sample):.1f}× faster")
        print(f"projected whole country ({NATIONAL:,} schools) on this machine: tong-hop {NATIONAL / rate / 60:.1f} min, "
              f"floor {NATIONAL / (args.n / par) / 60:.1f} min")
        print("peak resident memory (main process / largest worker):")
        for n, (own, child) in memory.items():
            print(f"  {n:5d} workbooks: {own / 1024:6.1f} MiB / {child / 1024:6.1f} MiB")
        own = [m[0] for m in memory.values()]
        flat = max(own) <= min(own) * 1.25 + 10 * 1024
        print(f"memory flat in the number of files (within 25 % + 10 MiB): {'OK' if flat else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

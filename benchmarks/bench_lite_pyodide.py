"""The Kiểm tra button in real Pyodide 0.27.5 (what xlwings Lite runs): first press and later presses.

Target (issue 13): first press ≤ 1.5 s after the runtime is loaded (it imports kdcl from main.py and reads the
data), later presses ≤ 0.3 s. Workbook: the fully filled THPT plan of bench_kiem_tra.py. Needs what
scripts/setup-pyodide.sh installs. Run by hand:

    python benchmarks/bench_lite_pyodide.py [--presses 10]

Prints the runtime's own start-up (Pyodide, wheels, main.py: the add-in does these when it opens, before any
press), then the first press and the median/best of the later ones; results are kept in benchmarks/pyodide-lite.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

import xlwings_remote as xr  # noqa: E402
from bench_kiem_tra import full_plan  # noqa: E402
from test_pyodide import PYO, all_buttons, wheel_files  # noqa: E402

from xlbridge.bridge.bundle import build_main_py  # noqa: E402
from xlbridge.data.catalog import choose_framework  # noqa: E402
from xlbridge.io.filler import fill_workbook  # noqa: E402
from xlbridge.template.builder import TemplateSpec, build_template  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=10)
    args = ap.parse_args()
    wheels, missing = wheel_files()
    if missing or not (PYO / "node_modules" / "pyodide").is_dir():
        print("missing: run scripts/setup-pyodide.sh", file=sys.stderr)
        return 2
    fw = choose_framework("THPT", 2023)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        layout = build_template(TemplateSpec(fw, "THPT", "2023-2024", "Trường THPT Thử Nghiệm"), t / "mau.xlsx")
        fill_workbook(t / "mau.xlsx", t / "day-du.xlsx", layout, full_plan(fw))
        (t / "main.py").write_text(build_main_py(all_buttons(layout)), encoding="utf-8")
        (t / "p.json").write_text(json.dumps(xr.payload(t / "day-du.xlsx"), ensure_ascii=False, default=str), "utf-8")
        (t / "f.json").write_text(json.dumps(xr.formulas(t / "day-du.xlsx"), ensure_ascii=False, default=str), "utf-8")
        job = {"main": str(t / "main.py"), "wheels": [str(w) for w in wheels],
               "presses": [{"key": "full", "payload": str(t / "p.json"), "formulas": str(t / "f.json"),
                            "script": "kiem_tra_1", "repeat": args.presses}]}
        (t / "job.json").write_text(json.dumps(job), encoding="utf-8")
        subprocess.run(["node", str(PYO / "run.mjs"), str(t / "job.json"), str(t / "out.json")], check=True, cwd=PYO)
        out = json.loads((t / "out.json").read_text(encoding="utf-8"))
        size = (t / "main.py").stat().st_size
    presses = out["presses"]["full"]
    errors = [p["error"] for p in presses if p["error"]]
    if errors:
        print(errors[0], file=sys.stderr)
        return 1
    first, later = presses[0]["seconds"], [p["seconds"] for p in presses[1:]]
    n = sum(1 for a in presses[0]["actions"] if a["func"] == "setValues")
    print(f"Pyodide {out['info']['pyodide']} (Python {out['info']['python']}), main.py {size // 1024} KiB, "
          f"{len(presses[0]['actions'])} actions ({n} setValues)")
    print(f"{'load Pyodide':<26} {out['timings']['load_pyodide']:6.2f} s")
    print(f"{'install wheels':<26} {out['timings']['install_wheels']:6.2f} s")
    print(f"{'run main.py (+ xlwings)':<26} {out['load_main']['seconds']:6.2f} s")
    print(f"{'first press':<26} {first:6.2f} s   target ≤ 1.5 s: {'OK' if first <= 1.5 else 'MISSED'}")
    if later:
        med = statistics.median(later)
        print(f"{'later presses':<26} {med:6.2f} s median, {min(later):.2f} s best ({len(later)} presses)   "
              f"target ≤ 0.3 s: {'OK' if med <= 0.3 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time of `kiem-tra` on a fully filled THPT workbook (every criterion, three items each).

Target (issue 3): under 0.3 s of Python work after start-up. Run by hand:

    python benchmarks/bench_kiem_tra.py [--runs 20]

Prints the median and best time of the whole check (read + rules + summary), and of each part.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from xlbridge.check import check_file
from xlbridge.core.rules import validate
from xlbridge.core.summary import summarize
from xlbridge.data.catalog import choose_framework
from xlbridge.io.filler import fill_workbook
from xlbridge.io.grid import load_grid
from xlbridge.io.reader import read_grid
from xlbridge.template.builder import TemplateSpec, build_template

STATUSES = ["Hoàn thành", "Đang thực hiện", "Chậm tiến độ", "Chưa triển khai", "Hoàn thành"]
PERIODS = ["Tháng 10/2023", "Tháng 10/2023 - tháng 05/2024", "Học kỳ I", "Trong năm học", "Tháng 3/2024"]
MONEY = ["10 triệu", "Không", "22.000.000", "Tự túc", "Xã hội hóa 5 triệu"]


def full_plan(fw) -> dict:
    items = []
    for n, crit in enumerate(fw.criteria()):
        for k in range(3):
            status = STATUSES[(n + k) % len(STATUSES)]
            items.append({"criterion": crit.code, "values": {
                "ket_qua_can_dat": f"Đạt mức {2 + k % 2} so với hiện tại ({crit.title[:40]})",
                "giai_phap": f"Xây dựng kế hoạch và tổ chức thực hiện nội dung {k + 1} cho {crit.label.lower()}: "
                             "rà soát hiện trạng, phân công, kiểm tra, đánh giá, điều chỉnh.",
                "chu_tri": "Hiệu trưởng; tổ trưởng chuyên môn", "thoi_gian": PERIODS[(n + k) % len(PERIODS)],
                "kinh_phi": MONEY[(n + 2 * k) % len(MONEY)], "dieu_kien": "Phối hợp với cha mẹ học sinh",
                "trang_thai": status,
                "ket_qua": "Đã hoàn thành 100% nội dung, có biên bản" if status == "Hoàn thành" else "Đã triển khai một phần",
                "ly_do": None if status in ("Hoàn thành", "Đang thực hiện") else "Thiếu kinh phí, chờ cấp trên phê duyệt",
                "minh_chung": f"[H{n % 5 + 1}-{crit.code}-0{k + 1}]"}})
    info = {"ten_truong": "Trường THPT Thử Nghiệm", "cap_hoc": "THPT", "nam_hoc": "2023-2024",
            "giai_doan": "Báo cáo kết quả cuối năm học", "ngay_bao_cao": date(2024, 5, 30), "hieu_truong": "Nguyễn Văn A"}
    groups = [{"nhom": f"Nhóm {i + 1}", "truong_nhom": "Trần Thị B"} for i in range(len(fw.standards))]
    return {"info": info, "lists": {"nhom_cong_tac": groups}, "items": items}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    fw = choose_framework("THPT", 2023)
    with tempfile.TemporaryDirectory() as tmp:
        blank, path = Path(tmp) / "mau.xlsx", Path(tmp) / "day-du.xlsx"
        layout = build_template(TemplateSpec(fw, "THPT", "2023-2024", "Trường THPT Thử Nghiệm"), blank)
        fill_workbook(blank, path, layout, full_plan(fw))
        result = check_file(path)                       # warm-up: imports, data files, caches
        print(f"workbook: {path.stat().st_size // 1024} KiB, {len(result.book.items)} items, "
              f"{result.errors} errors, {result.warnings} warnings")
        grid = load_grid(path)
        book = read_grid(grid)
        parts = {
            "read (file → grid)": timed(lambda: load_grid(path), args.runs),
            "grid → model": timed(lambda: read_grid(grid), args.runs),
            "rules": timed(lambda: validate(book), args.runs),
            "summary": timed(lambda: summarize(book), args.runs),
            "kiem-tra total": timed(lambda: check_file(path), args.runs),
        }
    for name, times in parts.items():
        print(f"{name:<24} median {statistics.median(times) * 1000:7.1f} ms   best {min(times) * 1000:7.1f} ms")
    total = statistics.median(parts["kiem-tra total"])
    print(f"target < 300 ms: {'OK' if total < 0.3 else 'MISSED'} ({total * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

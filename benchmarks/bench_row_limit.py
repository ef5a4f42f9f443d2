"""A consolidation table longer than Excel's 1,048,576 rows, written for real: every row lands on a sheet
("Lỗi", "Lỗi (2)"), counted back with openpyxl in read-only mode. Run by hand: python benchmarks/bench_row_limit.py"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from xlbridge.consolidate.tables import OutTable
from xlbridge.consolidate.texts import OutColumn
from xlbridge.consolidate.workbook import EXCEL_ROWS, HEADER_ROW, write_workbook

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else EXCEL_ROWS + 50_000


def main() -> None:
    cols = [OutColumn("stt", "STT", "int", 6), OutColumn("ma", "Mã quy tắc", "text", 8),
            OutColumn("noi_dung", "Nội dung", "text", 60)]
    table = OutTable("loi", "Lỗi", "CÁC LỖI VÀ CẢNH BÁO", cols,
                     lambda: ([i, "KH02", f"Nội dung cải tiến số {i} còn thiếu thời gian thực hiện"] for i in range(1, ROWS + 1)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tong-hop.xlsx"
        t0 = time.perf_counter()
        counts = write_workbook([table], out, "")
        t1 = time.perf_counter()
        wb = openpyxl.load_workbook(out, read_only=True)
        per_sheet = {ws.title: sum(1 for _ in ws.iter_rows(min_row=HEADER_ROW + 2)) for ws in wb.worksheets}
        t2 = time.perf_counter()
        print(f"rows asked {ROWS:,}; written {counts['loi']:,}; per sheet {per_sheet}; "
              f"read back {sum(per_sheet.values()):,}; write {t1 - t0:.1f} s, count {t2 - t1:.1f} s, "
              f"{out.stat().st_size / 2**20:.1f} MiB")
        assert sum(per_sheet.values()) == ROWS == counts["loi"]


if __name__ == "__main__":
    main()

"""tong-hop's workers skip the sheets kdcl writes (Hướng dẫn, Tổng hợp, Kiểm tra, Báo cáo): not decompressed,
scanned or read — and the check gives exactly what kiem-tra gives on the whole workbook."""

from __future__ import annotations

from conftest import seed_workbook, tt57_workbook

from xlbridge.check import check_file, check_grid
from xlbridge.consolidate.fastgrid import package_grid
from xlbridge.consolidate.package import open_package
from xlbridge.consolidate.worker import output_sheets


def test_unread_sheets_are_listed_not_read_and_the_check_is_the_same(tmp_path):
    unread = output_sheets()
    for path in (seed_workbook(tmp_path, "ket-qua-thpt"), tt57_workbook(tmp_path, "pho-thong")):
        pkg = open_package(path.read_bytes(), path.name, unread)
        skipped = {part for sheet, part in pkg.sheets if sheet in unread}
        assert len(skipped) == 4 and not skipped & set(pkg.parts)          # never decompressed
        grid = package_grid(pkg)
        assert all(grid[s] == [] for s in unread)                           # present (no CT01), empty
        fast, whole = check_grid(grid, path.name), check_file(path)
        assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in whole.findings]
        assert fast.summary.to_dict() == whole.summary.to_dict()

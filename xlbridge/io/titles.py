"""Criterion title rows after an openpyxl round trip.

A row a user inserts directly below a criterion's title row copies that row's cell formats (Excel and
LibreOffice both format an inserted row like the one above). The template therefore leaves every cell of a
title row unlocked except the code and the title itself. openpyxl, on loading, replaces the cells hidden
under a merged range with fresh ones of the default (locked) style, so every copy kdcl saves with openpyxl
unlocks them again here.
"""

from __future__ import annotations

from openpyxl.styles import Protection
from openpyxl.workbook import Workbook

_OPEN = Protection(locked=False)


def reopen_title_rows(wb: Workbook) -> None:
    """Unlock the hidden cells of each title merge: a single-row merge from column B on a row whose code
    (column A) is repeated on the row below, as only a criterion's title row and its first item row are."""
    for ws in wb.worksheets:
        if not ws.protection.sheet:
            continue
        for merged in ws.merged_cells.ranges:
            r = merged.min_row
            if merged.max_row != r or merged.min_col != 2:
                continue
            code = ws.cell(r, 1).value
            if code in (None, "") or ws.cell(r + 1, 1).value != code:
                continue
            for col in range(merged.min_col + 1, merged.max_col + 1):
                ws.cell(r, col).protection = _OPEN

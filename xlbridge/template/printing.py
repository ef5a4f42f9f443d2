"""Page setup of every printed sheet: A4, one set of margins, "Trang x/y" footer, scale, bands, breaks.

The decisions (how columns are cut into bands, which scale, where rows break) live in
`xlbridge.core.pagefit` / `xlbridge.core.sheetfit`; this module only applies them with XlsxWriter.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xlbridge.core.pagefit import MARGINS, page_body, plan_bands, plan_row_breaks
from xlbridge.core.sheetfit import PrintPlan
from xlbridge.layout import config

MAX_HEADER = 255           # Excel's limit for a header or footer text


def _font(style: str = "Regular", size: int | None = None) -> str:
    return f'&"{config().font},{style}"&{size or config().font_size}'


def footer_text() -> str:
    """Sheet name and "Trang x/y" centred at the bottom of every page. Numbering is that of the print job,
    not restarted per sheet: one sheet printed reads 1/3, 2/3, 3/3; the whole workbook printed reads 12/34,
    as both Excel and LibreOffice count &N over the job (a restart would give «Trang 1/34» on each sheet)."""
    return f"&C{_font()}&A — Trang &P/&N"


def header_text(title: str, school: str) -> str:
    """Sheet title on the left, school and year on the right of every page ("&" doubled, as Excel wants)."""
    text = f"&L{_font('Bold')}{title.replace('&', '&&')}&R{_font('Italic')}{school.replace('&', '&&')}"
    return text[:MAX_HEADER]


def _page(ws: Worksheet, landscape: bool, scale: int) -> None:
    ws.set_paper(9)                       # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**{k: v for k, v in MARGINS.items() if k in ("left", "right", "top", "bottom")})
    ws.set_print_scale(scale)
    # Tool marks (the shading of empty required cells, the error colour of Kiểm tra) must not print. Excel
    # prints a black-and-white sheet without fills, so there even a draft prints clean. LibreOffice and WPS
    # ignore this setting (and no other one an .xlsx carries stops them printing fills): for them the marks
    # are conditional formats that fire only on what `kiem-tra` reports as an error at the workbook's Giai
    # đoạn (`xlbridge.template.live_checks`), and the error colour a check run puts on a cell is taken off by
    # the next run once the error is gone, so a workbook that passes the check prints without them anywhere.
    ws.print_black_and_white()
    ws.set_footer(footer_text(), {"margin": MARGINS["footer"]})


def apply_plain(ws: Worksheet, widths: dict[int, float], last_row: int, landscape: bool,
                repeat_rows: tuple[int, int] | None = None,
                rows: tuple[dict[int, float], list[int]] | None = None) -> None:
    """A one-band sheet (guide, info, summary, check, report): its columns at the scale that fits. `rows`:
    (row heights, rows that start a block to keep together) — row breaks planned by `pagefit` (else the suite's)."""
    bands = plan_bands(widths, 0, [sorted(widths)], landscape)
    _page(ws, landscape, bands.scale)
    if bands.breaks:
        ws.set_v_pagebreaks([c - 1 for c in bands.breaks])
    ws.print_area(0, 0, max(0, last_row - 1), max(widths) - 1)
    if repeat_rows:
        ws.repeat_rows(repeat_rows[0] - 1, repeat_rows[1] - 1)
    if rows:
        heights, blocks = rows
        repeated = sum(heights.get(r, 0.0) for r in range(repeat_rows[0], repeat_rows[1] + 1)) if repeat_rows else 0.0
        breaks = plan_row_breaks(sorted(heights.items()), blocks, page_body(landscape, bands.scale, repeated))
        if breaks:
            ws.set_h_pagebreaks([r - 1 for r in breaks])


def apply_standard(ws: Worksheet, plan: PrintPlan, last_row: int, breaks: list[int], title: str, school: str) -> None:
    """A standard sheet: bands side by side with the first columns repeated, row breaks, header."""
    _page(ws, True, plan.bands.scale)
    ws.set_header(header_text(title, school), {"margin": MARGINS["header"]})
    ws.print_area(plan.first_row - 1, 0, last_row - 1, plan.last_col - 1)
    ws.repeat_columns(0, plan.repeat_cols - 1)
    if plan.repeat_rows:
        ws.repeat_rows(plan.repeat_rows[0] - 1, plan.repeat_rows[1] - 1)
    if plan.bands.breaks:
        ws.set_v_pagebreaks([c - 1 for c in plan.bands.breaks])
    if breaks:
        ws.set_h_pagebreaks([r - 1 for r in breaks])

"""How a sheet is cut into A4 pages: column bands side by side, row pages down, and one print scale.

Why bands and not "fit to one page wide": a standard sheet of the 2018 circulars has the plan
table (Kế hoạch, mục IV: Kết quả cần đạt … Ghi chú) and the Phụ lục 2 results table side by side,
15 columns; fitted to one A4 width its 12 pt text prints at 6 pt (TT57, 16 columns: 5 pt). Schools
print and sign the two tables at different times (the plan at the start of the year, the results
with the mid-year or end-of-year report; see the seeds), so the sheet prints as the plan band first
and the results band after it, each A4 landscape with the code and criterion columns repeated on
the left, at one scale that keeps text at 9 pt or more. A band that is still too wide (TT57's
nine plan columns) is split evenly. Pages run down, then over: all plan pages, then all results pages.

Row pages keep a criterion block (or a table) together where it fits, and never leave fewer than
`MIN_ROWS` rows on a page. Pure Python; the template builder and the `kiem-tra --out` writer use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.textfit import PX_PADDING, PX_PER_CHAR

A4_LANDSCAPE = (842.0, 595.0)     # points
A4_PORTRAIT = (595.0, 842.0)
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}   # inches
MIN_SCALE = 80                    # % — 12 pt text prints at 9.6 pt
MIN_ROWS = 3                      # fewest table rows on a page that is not the last of its sheet
SAFETY = 0.93                     # share of the page body the planner fills (suites lay out a little differently)


LO_WIDER = 1.07                   # LibreOffice prints Excel column widths about 6 % wider than 7 px a character


def column_pt(width: float) -> float:
    """Width in points of a column `width` characters wide, as printed at 100 % (erring wide)."""
    return (width * PX_PER_CHAR + PX_PADDING) * 0.75 * LO_WIDER


@dataclass(frozen=True)
class Bands:
    """Columns cut into bands: `breaks` are the 1-based first columns of the bands after the first."""
    breaks: tuple[int, ...]
    scale: int


def _printable(landscape: bool) -> tuple[float, float]:
    w, h = A4_LANDSCAPE if landscape else A4_PORTRAIT
    return (w - 72 * (MARGINS["left"] + MARGINS["right"]), h - 72 * (MARGINS["top"] + MARGINS["bottom"]))


def _split(cols: list[int], widths: dict[int, float], room: float) -> list[list[int]]:
    """`cols` cut into the fewest bands of at most `room` points, as even as possible."""
    total = sum(column_pt(widths[c]) for c in cols)
    n = max(1, -(-int(total) // max(1, int(room))))
    while True:
        target, used = total / n, 0.0
        parts: list[list[int]] = []
        cur: list[int] = []
        for c in cols:
            w = column_pt(widths[c])
            if cur and (used + w > room or (used + w / 2 > target and len(parts) < n - 1)):
                parts.append(cur)
                cur, used = [], 0.0
            cur.append(c)
            used += w
        parts.append(cur)
        if all(sum(column_pt(widths[c]) for c in p) <= room for p in parts) or n > len(cols):
            return parts
        n += 1


def plan_bands(widths: dict[int, float], repeat: int, groups: list[list[int]], landscape: bool = True) -> Bands:
    """Bands for columns 1..n (`widths` in characters): columns 1..`repeat` print on every band;
    `groups` (lists of the other columns, in order) stay together in a band where they fit."""
    page_w, _ = _printable(landscape)
    fixed = sum(column_pt(widths[c]) for c in range(1, repeat + 1))
    room = page_w * 100 / MIN_SCALE - fixed
    bands: list[list[int]] = []
    used = room + 1.0                     # no open band yet
    for group in groups:
        w = sum(column_pt(widths[c]) for c in group)
        if used + w <= room:
            bands[-1] += group
            used += w
        elif w <= room:
            bands.append(list(group))
            used = w
        else:
            parts = _split(group, widths, room)
            bands += parts
            used = sum(column_pt(widths[c]) for c in parts[-1])
    widest = max((sum(column_pt(widths[c]) for c in b) for b in bands), default=0.0) + fixed
    scale = max(10, min(100, int(page_w * 100 / widest))) if widest else 100
    return Bands(tuple(b[0] for b in bands[1:]), scale)


def page_body(landscape: bool, scale: int, repeated_rows_pt: float) -> float:
    """Points of sheet rows (at 100 %) that fit on one page below the repeated header rows."""
    _, page_h = _printable(landscape)
    return page_h * SAFETY * 100 / scale - repeated_rows_pt


def plan_row_breaks(heights: list[tuple[int, float]], blocks: list[int], body: float) -> list[int]:
    """Rows that start a new page. `heights` are (row, points) of the printed rows below the repeated
    header, in order; `blocks` are rows that start a block to keep together (criterion, table)."""
    starts = set(blocks)
    rows = [r for r, _ in heights]
    h = dict(heights)
    breaks: list[int] = []
    page_start, used = 0, 0.0
    for i, r in enumerate(rows):
        if used + h[r] <= body or i == page_start:
            used += h[r]
            continue
        cut = _cut(rows, starts, page_start, i)
        breaks.append(rows[cut])
        page_start = cut
        used = sum(h[x] for x in rows[cut:i + 1])
    if breaks and len(rows) - rows.index(breaks[-1]) < MIN_ROWS:
        last = rows.index(breaks[-1])
        prev = rows.index(breaks[-2]) if len(breaks) > 1 else 0
        move = max(prev + MIN_ROWS, len(rows) - MIN_ROWS)
        if move < last or move <= prev:
            breaks.pop()
        else:
            breaks[-1] = rows[min(move, len(rows) - MIN_ROWS)]
    return breaks


def _cut(rows: list[int], starts: set[int], page_start: int, over: int) -> int:
    """Index where the page that overflows at `over` should end: before the last block start that
    leaves at least MIN_ROWS rows on the page, else just before the overflowing row."""
    for j in range(over, page_start + MIN_ROWS - 1, -1):
        if rows[j] in starts and j - page_start >= MIN_ROWS:
            return j
    return max(over, page_start + MIN_ROWS)

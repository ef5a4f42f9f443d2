"""How tall a row must be for its wrapped text: an estimate from column widths and the font.

Office suites do not fit row heights on load, and Excel does not fit rows of merged or protected
cells reliably either, so kdcl stores a height for every row it writes: the template builder, the
`kiem-tra --out` writer and the Excel button all call `row_height` here (pure Python: no Excel library).

Widths are Excel column widths (characters of the default font, Calibri 11, 7 px per character plus
5 px padding); text is Times New Roman (Liberation Serif when LibreOffice prints). A Vietnamese letter
is measured by its base letter: diacritics stack above or below and do not widen it. The estimate
errs wide (a line holds `ROOM` of the cell), and a text that wraps gets one line of slack, so nothing
is clipped when a suite lays the text out a little differently. A text that fits on one line of the
whole cell gets no spare line: the margin of the estimate is its slack (it is given two lines if it
fills more than `ROOM` of one), whereas the break points of a wrapped text shift from suite to suite
and a shifted word can add a line. (A spare line on every one-line row is what printed the level
sheet, whose criterion titles are one or two lines, on five pages.)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Advance widths of Times New Roman in 1/1000 em (the metric of Liberation Serif is identical).
_NARROW = dict.fromkeys("ijlt.,;:'|!", 278) | dict.fromkeys("frI()-[]/", 333) | {" ": 250, "s": 389, "J": 389}
_WIDE = {"m": 778, "w": 722, "M": 889, "W": 944, "%": 833, "@": 921, "&": 778, "…": 1000, "—": 1000, "–": 500}
_LOWER_444 = set("acez")
_UPPER_556 = set("FPS")
_UPPER_611 = set("ELTZ")
_UPPER_667 = set("BCR")
_HORN = {"\u031b"}              # ư, ơ: the horn widens the letter a little
BOLD_FACTOR = 1.08               # Times New Roman Bold is wider, capitals most
PX_PER_CHAR, PX_PADDING, CELL_INSET_PX = 7, 5, 6
ROOM = 0.92                      # share of a cell's width the estimate fills (suites wrap a little earlier)
LINE_FACTOR = 1.3125             # line pitch / font size: 15.75 pt for 12 pt, Excel's own row height
MAX_ROW = 409.0                  # Excel's largest row height


def _glyph(ch: str) -> float:
    """Width of one base character in em (unknown characters count as a capital, erring wide)."""
    if ch in _NARROW:
        return _NARROW[ch] / 1000
    if ch in _WIDE:
        return _WIDE[ch] / 1000
    if ch.islower():
        return 0.444 if ch in _LOWER_444 else 0.5
    if ch.isdigit():
        return 0.5
    if ch.isupper():
        if ch in _UPPER_556:
            return 0.556
        if ch in _UPPER_611:
            return 0.611
        if ch in _UPPER_667:
            return 0.667
        return 0.722
    return 0.5 if ch.isprintable() else 0.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in points, set in Times New Roman at `size` pt."""
    return _em(text) * size * (BOLD_FACTOR if bold else 1.0)


@lru_cache(maxsize=1 << 16)
def _em(text: str) -> float:
    """Width of `text` in em. Cached: it is asked word by word, and Vietnamese text is a few thousand syllables
    repeated (a district's consolidation measures hundreds of thousands of words)."""
    em = 0.0
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            em += 0.04 if ch in _HORN else 0.0
        else:
            em += _glyph(ch)
    return em


def column_points(width: float, share: float = ROOM) -> float:
    """Printable width, in points, inside a column `width` characters wide (`share` of it: the estimate's room)."""
    return max(1.0, (width * PX_PER_CHAR + PX_PADDING - CELL_INSET_PX) * 0.75 * share)


def wrapped_lines(text: str, width: float, size: float, bold: bool = False, share: float = ROOM) -> int:
    """Lines `text` takes in a wrapping cell `width` characters wide (words never split unless longer than a line),
    filling `share` of each line."""
    room = column_points(width, share)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        space = text_width(" ", size, bold)
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            while w > room:                  # a word longer than the cell breaks anywhere
                lines += 1
                w -= room
            used = w
    return lines


def row_height(cells: Iterable[tuple[object, float]], size: float, bold: bool = False, slack: int = 1,
               min_lines: int = 1) -> float:
    """Points for a row whose cells (text, column width) all show in full, with `slack` spare lines where
    a text wraps (see the module's docstring; a row without text gets `min_lines`: nothing to clip)."""
    texts = [(str(t), w) for t, w in cells if t not in (None, "")]
    lines = max((wrapped_lines(t, w, size, bold) for t, w in texts), default=0)
    if not lines:
        return round(size * LINE_FACTOR * min_lines + 2, 1)
    spare = slack if any(wrapped_lines(t, w, size, bold, share=1.0) > 1 for t, w in texts) else 0
    return min(MAX_ROW, round(size * LINE_FACTOR * (max(lines, min_lines) + spare) + 2, 1))


def lines_height(cells: Iterable[tuple[str, float]], size: float, line: float = 15.5) -> float:
    """Points for a row of wrapped texts (text, column width) at `line` points a line, no slack: the plain
    tables kdcl writes for reading on screen (consolidation, "Mang sang")."""
    lines = max((_plain_lines(t, w, size) for t, w in cells if t), default=1)
    return min(MAX_ROW, line * lines + 4)


@lru_cache(maxsize=1 << 14)
def _plain_lines(text: str, width: float, size: float) -> int:
    """`wrapped_lines`, cached: a consolidation repeats a school's name on each of its findings, and a rule's
    advice on every school."""
    return wrapped_lines(text, width, size)


def line_height(size: float) -> float:
    """One line of text at `size` pt."""
    return size * LINE_FACTOR

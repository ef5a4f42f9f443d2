"""Text for the terminal, fitted to its width: tables and wrapped paragraphs through rich.

Every line kdcl prints goes through `SafeStream` (installed over stdout and stderr by `kdcl`'s main):
text from a received file — a school's name, a sender, an attachment's name — may carry terminal
controls (ESC sequences that retitle the window, move the cursor or recolour, CR that overwrites
the line, BEL, C1 controls, bidi overrides that reverse what is shown); `safe_text` shows each as
«\ufffd» instead. Only kdcl's own codes (the progress bar's CR and erase-line) pass, through `control`.

Why rich: it measures text by display cells (a Vietnamese letter written with combining marks, as
pasted text often is, counts once; wide characters twice), wraps a cell's words instead of cutting
them, and shrinks columns to the width it is given; it is pure Python and well kept. Output is plain
text (no colours, no box-drawing tricks a Windows console or a pipe would garble).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Sequence
from typing import Any, TextIO

MIN_WIDTH, MAX_WIDTH = 40, 160
# C0 controls but tab and newline, DEL, C1 controls (CSI 0x9b included), bidi marks, embeddings, overrides, isolates
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SHOWN = "\ufffd"


def safe_text(text: str) -> str:
    """`text` as the terminal may show it: every unsafe control character replaced by «\ufffd» (CR LF is a newline)."""
    return UNSAFE.sub(SHOWN, text.replace("\r\n", "\n"))


def json_text(data: Any) -> str:
    """JSON for the terminal: control characters escaped (\\u001b, \\u202e), so the data stays exact and the
    terminal never receives them (json escapes C0 itself, not C1 nor bidi controls)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


class SafeStream:
    """A text stream that writes `safe_text` of everything; anything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        return self.wrapped.write(safe_text(text))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def control(self, code: str) -> int:
        """kdcl's own terminal code (the progress bar's), written as it is."""
        return self.wrapped.write(code)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def control(stream: TextIO, code: str) -> None:
    """Write a terminal code of kdcl's own to `stream` (past SafeStream's filter, if it has one)."""
    (stream.control if isinstance(stream, SafeStream) else stream.write)(code)


def width() -> int:
    """The terminal's width (COLUMNS when set; 80 when not a terminal), within readable bounds."""
    return max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def _console(cols: int | None):
    from rich.console import Console
    return Console(file=io.StringIO(), width=cols or width(), color_system=None, force_terminal=False,
                   highlight=False, markup=False, emoji=False, soft_wrap=False)


def fit_widths(minimum: Sequence[int], natural: Sequence[int], room: int) -> list[int]:
    """Column widths within `room` cells: each at least its longest word, the rest shared out to the columns
    whose headers would otherwise wrap most (one cell at a time, so the split is fair)."""
    widths = list(minimum)
    spare = room - sum(widths)
    while spare > 0:
        short = [i for i, (w, n) in enumerate(zip(widths, natural, strict=True)) if w < n]
        if not short:
            break
        i = max(short, key=lambda j: natural[j] - widths[j])
        widths[i] += 1
        spare -= 1
    return widths


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1, cols: int | None = None) -> str:
    """A table: the first `numeric_from` columns text (left), the others right-aligned; headers wrap at words."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    texts = [["" if v is None else str(v) for v in row] for row in rows]
    cols = cols or width()
    minimum, natural = [], []
    for i, head in enumerate(headers):
        values = [cell_len(r[i]) for r in texts]
        words = [cell_len(w) for w in head.split()]
        minimum.append(max([*values, *words, 1]))
        natural.append(max([*values, cell_len(head), 1]))
    widths = fit_widths(minimum, natural, cols - (len(headers) - 1))     # the box puts one space between columns
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=0, pad_edge=False, expand=False)
    for i, head in enumerate(headers):
        t.add_column(head, justify="left" if i < numeric_from else "right", overflow="fold", no_wrap=i < numeric_from,
                     width=widths[i])
    for row in texts:
        t.add_row(*row)
    console = _console(cols)
    console.print(t)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def paragraph(text: str, indent: int = 0, cols: int | None = None) -> str:
    """`text` wrapped at word boundaries to the width, every line indented by `indent` spaces."""
    from rich.padding import Padding
    from rich.text import Text
    console = _console(cols)
    console.print(Padding(Text(text), (0, 0, 0, indent)))
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def cell_width(text: str) -> int:
    from rich.cells import cell_len
    return cell_len(text)

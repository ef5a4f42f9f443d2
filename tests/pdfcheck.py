"""Read a PDF that LibreOffice printed from a workbook: words with their boxes, and which sheet each
page belongs to (from the "<sheet> — Trang x/y" footer every kdcl sheet prints). Uses pdftotext -bbox.

LibreOffice draws a Vietnamese syllable with stacked diacritics as several runs, so pdftotext splits
it into pieces ("H", "ƯỚ", "NG"): texts are compared with every space removed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
FOOTER = re.compile(r"(.+?)—Trang(\d+)/(\d+)")
FOOTER_ZONE = 45.0          # points above the bottom edge where the footer sits


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    sheet: str | None = None

    @property
    def body(self) -> list[Word]:
        return [w for w in self.words if w.y0 < self.height - FOOTER_ZONE]

    def text(self) -> str:
        return squeeze("".join(w.text for w in self.words))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext() -> str | None:
    return shutil.which("pdftotext")


def read_pdf(path: Path, sheets: list[str]) -> list[Page]:
    """Pages of `path`, each assigned to the sheet named in its footer (None if it has none)."""
    out = subprocess.run([pdftotext() or "pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    names = {squeeze(s): s for s in sheets}
    pages = []
    for i, m in enumerate(PAGE.finditer(out)):
        page = Page(i + 1, float(m.group(1)), float(m.group(2)))
        for w in WORD.finditer(m.group(3)):
            page.words.append(Word(html.unescape(w.group(5)), *(float(w.group(k)) for k in range(1, 5))))
        foot = squeeze("".join(w.text for w in page.words if w.y0 >= page.height - FOOTER_ZONE))
        f = FOOTER.search(foot)
        if f:
            page.sheet = next((names[k] for k in sorted(names, key=len, reverse=True) if f.group(1).endswith(k)), None)
        pages.append(page)
    return pages


def by_sheet(pages: list[Page]) -> dict[str, list[Page]]:
    out: dict[str, list[Page]] = {}
    for p in pages:
        out.setdefault(p.sheet or "?", []).append(p)
    return out

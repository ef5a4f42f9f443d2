"""The words `kdcl nhap-word` recognises and writes (workbook_templates/texts/nhap-word.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.files import Checker, cached, find, load_yaml

LABELS = ("standard", "criterion", "level4", "levels", "school", "school_year", "date_lines", "signer")
SECTIONS = ("summary", "columns", "unplaced", "unmapped", "notes", "items")


@dataclass(frozen=True)
class ImportTexts:
    sheet: str
    title: str
    labels: dict[str, tuple[str, ...]]     # folded
    stopwords: frozenset[str]
    mid_year_until: tuple[int, int]        # (month, day)
    sections: dict[str, str]


@cached
def import_texts() -> ImportTexts:
    path = find("texts", "nhap-word.yaml")
    c = Checker(path, load_yaml(path))
    labels = Checker(path, c.get("labels", dict), "labels")
    mid = Checker(path, c.get("mid_year_until", dict), "mid_year_until")
    sections = Checker(path, c.get("sections", dict), "sections")
    return ImportTexts(
        sheet=c.get("sheet", str), title=c.get("title", str),
        labels={k: tuple(fold(str(w)) for w in labels.get(k, list)) for k in LABELS},
        stopwords=frozenset(fold(str(w)) for w in c.get("stopwords", list, [])),
        mid_year_until=(mid.get("month", int), mid.get("day", int)),
        sections={k: sections.get(k, str) for k in SECTIONS})


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def fill_text(template: str, **values: object) -> str:
    return template.format_map(_Blank(values))

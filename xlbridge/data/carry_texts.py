"""The words of `kdcl nam-sau` and of the "Mang sang" sheet (workbook_templates/texts/mang-sang.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.files import Checker, cached, find, load_yaml

QUESTIONS = ("mapping_many", "mapping_one", "change_column", "change_row", "period", "period_unknown", "unrated", "group")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def fill(template: str, **values: object) -> str:
    return template.format_map(_Blank({k: "" if v is None else v for k, v in values.items()}))


@dataclass(frozen=True)
class CarryTexts:
    sheet: str
    title: str
    intro: tuple[str, ...]
    columns: tuple[tuple[str, str, int], ...]       # key, header, width
    confirmed: str
    confirm_aliases: frozenset[str]                # folded
    confirm_words: tuple[str, ...]                 # the label and its aliases as written (for a sheet formula)
    info_fields: tuple[str, ...]
    lists: tuple[str, ...]
    note: str
    why: str
    previous: str
    no_status: str
    adjusted: str
    unmapped: str
    questions: dict[str, str]

    def column_index(self, key: str) -> int:
        """1-based column of a key on the "Mang sang" sheet."""
        return next(i for i, (k, _h, _w) in enumerate(self.columns, start=1) if k == key)

    def is_confirmed(self, text: str) -> bool:
        key = fold(text).strip(" .!")
        return key == fold(self.confirmed) or key in self.confirm_aliases


@cached
def carry_texts() -> CarryTexts:
    path = find("texts", "mang-sang.yaml")
    c = Checker(path, load_yaml(path))
    cols = []
    for i, raw in enumerate(c.get("columns", list)):
        cc = Checker(path, raw, f"columns[{i}]")
        cols.append((cc.get("key", str), cc.get("header", str), cc.get("width", int, 14)))
    keys = {k for k, _h, _w in cols}
    for need in ("sheet", "cell", "criterion", "content", "previous", "question", "confirm"):
        if need not in keys:
            c.fail(f"thiếu cột có khóa {need!r}", "columns")
    conf = Checker(path, c.get("confirm", dict), "confirm")
    q = Checker(path, c.get("questions", dict), "questions")
    return CarryTexts(
        sheet=c.get("sheet", str), title=c.get("title", str), intro=tuple(c.get("intro", list)), columns=tuple(cols),
        confirmed=conf.get("label", str), confirm_aliases=frozenset(fold(str(a)) for a in conf.get("aliases", list, [])),
        confirm_words=(conf.get("label", str), *map(str, conf.get("aliases", list, []))),
        info_fields=tuple(c.get("info_fields", list)), lists=tuple(c.get("lists", list)), note=c.get("note", str),
        why=c.get("why", str), previous=c.get("previous", str), no_status=c.get("no_status", str),
        adjusted=c.get("adjusted", str), unmapped=c.get("unmapped", str),
        questions={k: q.get(k, str) for k in QUESTIONS})

"""How result texts are read (workbook_templates/vocab/result-wording.yaml): stock phrases, filler words,
words that say a task is unfinished. Data only; the decisions are in `xlbridge.core.wording`."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import words
from xlbridge.data.files import Checker, cached, find, load_yaml


@dataclass(frozen=True)
class Wording:
    stock_phrases: frozenset[str]          # normalised by vntext.words, joined by spaces
    filler: tuple[tuple[str, ...], ...]    # word sequences, longest first
    whole_plan: tuple[tuple[str, ...], ...]   # «100% kế hoạch»…: a share of the whole plan, not a figure
    max_specific_words: int
    unfinished: tuple[tuple[str, ...], ...]
    unfinished_except: tuple[tuple[str, ...], ...]
    adverse: tuple[tuple[str, ...], ...] = ()   # «chưa có HS bỏ học»: an adverse event that did not happen


def _phrases(c: Checker, key: str) -> list[str]:
    values = c.get(key, list)
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v.strip():
            c.fail(f"mục {i + 1} phải là một cụm từ (chữ)", key)
    return values


@cached
def wording() -> Wording:
    path = find("vocab", "result-wording.yaml")
    root = Checker(path, load_yaml(path))
    bland = Checker(path, root.get("bland", dict), "bland")
    unfinished = Checker(path, root.get("unfinished", dict), "unfinished")

    def seqs(c: Checker, key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted({words(p) for p in _phrases(c, key)}, key=len, reverse=True))

    whole_plan = seqs(bland, "whole_plan") if "whole_plan" in bland.data else ()     # optional in a province's file
    return Wording(frozenset(" ".join(words(p)) for p in _phrases(bland, "stock_phrases")), seqs(bland, "filler"),
                   whole_plan, bland.get("max_specific_words", int), seqs(unfinished, "words"),
                   seqs(unfinished, "except"), seqs(unfinished, "adverse") if "adverse" in unfinished.data else ())

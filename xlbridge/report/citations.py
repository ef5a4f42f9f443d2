"""The documents section I cites: those guiding this school year in full, earlier ones by reference only.

Real reports list every document the school implemented, ten or more of them, most with their whole
subject line ("về việc …"); reprinted in full that is a page of the two a principal expects to sign. The
documents of earlier school years stay listed — nothing the school typed is dropped — but without their
subject line, in one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from xlbridge.core.dates import find_day
from xlbridge.core.periods import SchoolYear

FULL_LIST_UP_TO = 6          # a list this short is printed in full whatever the documents' dates
_SUBJECT = re.compile(r"\s+(?:về việc|V/v|về)\s", re.IGNORECASE)


@dataclass
class Citations:
    current: list[str] = field(default_factory=list)     # printed with their subject line
    earlier: list[str] = field(default_factory=list)     # kind, number, date and issuer only


def year_opens(year: SchoolYear) -> date:
    """Documents from July on guide the coming school year (the Sở's guidance comes in August-September)."""
    return date(year.start_year, 7, 1)


def reference(text: str) -> str:
    """"Công văn số 2854/SGD… ngày 26 tháng 9 năm 2022 của Sở GDĐT về việc hướng dẫn …" → the part before "về"."""
    m = _SUBJECT.search(text)
    return text[:m.start()].rstrip(" ,;.") if m and m.start() > 0 else text.rstrip(" ,;.")


def split_citations(texts: list[str], year: SchoolYear | None) -> Citations:
    if year is None or len(texts) <= FULL_LIST_UP_TO:
        return Citations(list(texts))
    out = Citations()
    for text in texts:
        day = find_day(text)
        (out.earlier.append(reference(text)) if day is not None and day < year_opens(year) else out.current.append(text))
    return out

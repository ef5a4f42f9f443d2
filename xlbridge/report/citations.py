"""The documents section I cites: those guiding this school year in full, earlier ones by reference only.

Real reports list every document the school implemented, ten or more of them, most with their whole
subject line ("về việc …"); reprinted in full that is a page of the two a principal expects to sign. The
documents of earlier school years stay listed — nothing the school typed is dropped — but without their
subject line, in one sentence, those of one kind from one issuer together. Dates written out in words
("ngày 25 tháng 9 năm 2023") are cited in figures ("ngày 25/09/2023"), as documents cite each other;
the rest of each line is printed as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from xlbridge.core.dates import calendar_day, find_day
from xlbridge.core.periods import SchoolYear
from xlbridge.report.vn_format import join, short_date

FULL_LIST_UP_TO = 6          # a list this short is printed in full whatever the documents' dates
_SUBJECT = re.compile(r"\s+(?:về việc|V/v|về)\s", re.IGNORECASE)
_IN_WORDS = re.compile(r"\b(ngày)\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b", re.IGNORECASE)


@dataclass
class Citations:
    current: list[str] = field(default_factory=list)     # printed with their subject line
    earlier: list[str] = field(default_factory=list)     # kind, number, date and issuer only, grouped by issuer


def year_opens(year: SchoolYear) -> date:
    """Documents from July on guide the coming school year (the Sở's guidance comes in August-September)."""
    return date(year.start_year, 7, 1)


def reference(text: str) -> str:
    """"Công văn số 2854/SGD… ngày 26 tháng 9 năm 2022 của Sở GDĐT về việc hướng dẫn …" → the part before "về"."""
    m = _SUBJECT.search(text)
    return text[:m.start()].rstrip(" ,;.") if m and m.start() > 0 else text.rstrip(" ,;.")


def in_figures(text: str) -> str:
    """"… ngày 25 tháng 9 năm 2023 của Sở GDĐT …" → "… ngày 25/09/2023 của Sở GDĐT …" (a day that does not
    exist stays as typed)."""
    def figures(m: re.Match) -> str:
        day = calendar_day(int(m[4]), int(m[3]), int(m[2]))
        return f"{m[1]} {short_date(day)}" if day else m[0]
    return _IN_WORDS.sub(figures, text)


_CITED = re.compile(r"^(?P<kind>.+?)\s+(?P<id>(?:số\s+\S+\s+)?ngày\s+\d{1,2}/\d{1,2}/\d{4})\s+của\s+(?P<issuer>.+)$")


def grouped(references: list[str]) -> list[str]:
    """Documents of one kind from one issuer cited together: "Công văn số 1 ngày …, số 2 ngày … và số 3 ngày …
    của Sở GDĐT" (in the order typed; a reference not in that form stays as it is)."""
    groups: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str] | str] = []
    for ref in references:
        m = _CITED.match(ref)
        if m is None:
            order.append(ref)
            continue
        key = (m["kind"], m["issuer"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(m["id"])
    out = []
    for entry in order:
        if isinstance(entry, str):
            out.append(entry)
            continue
        kind, issuer = entry
        ids = groups[entry]
        out.append(f"{kind} {join(ids)} của {issuer}")
    return out


def split_citations(texts: list[str], year: SchoolYear | None) -> Citations:
    if year is None or len(texts) <= FULL_LIST_UP_TO:
        return Citations([in_figures(t) for t in texts])
    out = Citations()
    for text in texts:
        day = find_day(text)
        if day is not None and day < year_opens(year):
            out.earlier.append(in_figures(reference(text)))
        else:
            out.current.append(in_figures(text))
    out.earlier = grouped(out.earlier)
    return out

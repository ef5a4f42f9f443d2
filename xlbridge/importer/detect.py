"""What the document says about itself: school year, report date, school name, cấp học.

Only the document's own lines are used (title, "(Kèm theo Báo cáo …, ngày 30 tháng 5 năm 2024 …)",
"Tính đến thời điểm: 25/10/2023", the header of the table), never dates of the documents it cites.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from xlbridge.core.dates import find_day
from xlbridge.core.periods import SchoolYear
from xlbridge.core.vntext import fold, unify_dashes
from xlbridge.data.catalog import frameworks
from xlbridge.data.vocab import vocab
from xlbridge.importer.texts import import_texts

PLACE_DATE = re.compile(r"^[^,]{2,40},\s*ngay\s*\d")
CIRCULAR = re.compile(r"(\d{1,2})\s*/\s*(\d{4})\s*/\s*tt")


def school_year(lines: list[str]) -> SchoolYear | None:
    """The school year named most often ("Năm học 2023 – 2024", "NĂM HỌC 2022-2023")."""
    words = "|".join(re.escape(w) for w in import_texts().labels["school_year"])
    pattern = re.compile(rf"(?:{words})\s*:?\s*(\d{{4}})\s*-\s*(\d{{4}})")
    found: Counter[SchoolYear] = Counter()
    for line in lines:
        for m in pattern.finditer(unify_dashes(fold(line))):
            year = SchoolYear.parse(f"{m[1]}-{m[2]}")
            if year is not None:
                found[year] += 1
    return found.most_common(1)[0][0] if found else None


def report_date(lines: list[str]) -> date | None:
    """The document's own date: on a "(Kèm theo …)", "Tính đến …" or "<địa danh>, ngày …" line."""
    markers = import_texts().labels["date_lines"]
    for line in lines:
        key = fold(line).strip(" (")
        if any(m in key for m in markers) or PLACE_DATE.match(key):
            found = find_day(line)
            if found is not None:
                return found
    return None


def year_of(day: date) -> SchoolYear:
    return SchoolYear(day.year if day.month >= 8 else day.year - 1)


def _fold_chars(text: str) -> str:
    """`fold` character by character, so that positions in the result are positions in `text`."""
    return "".join((fold(ch) or " ")[:1] for ch in text)


def school_name(lines: list[str]) -> str | None:
    """"Trường THPT Giồng Riềng" from a heading line or from "… của trường THPT Giồng Riềng)"."""
    for word in import_texts().labels["school"]:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}\s+([^,;()\n]{{3,70}}?)\s*(?:[,;()\n]|$)")
        for line in lines:
            if len(line) > 160:
                continue
            key = _fold_chars(line)
            m = pattern.search(key)
            if m and (m.start() == 0 or key[:m.start()].rstrip().endswith(("cua", "tai"))):
                name = line[m.start():m.end(1)].strip(" .")
                name = name[:1].upper() + name[1:]
                if _level_in(name) is not None:
                    return name
    return None


def _level_in(text: str) -> str | None:
    """The cấp học a school name or phrase names (longest alias first: "TH&THCS" before "THCS")."""
    key = fold(text)
    names = [(fold(a), name) for name, aliases in vocab().cap_hoc for a in (name, *aliases)]
    for alias, name in sorted(names, key=lambda p: -len(p[0])):
        if re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", key):
            return name
    return None


def cap_hoc(lines: list[str], cells: list[str]) -> str | None:
    """From the school's name, else "trường <cấp học>" anywhere, else a circular that has one cấp học."""
    name = school_name(lines)
    if name:
        return _level_in(name)
    school = import_texts().labels["school"]
    for text in [*lines, *cells]:
        key = fold(text)
        for word in school:
            for m in re.finditer(rf"(?<!\w){re.escape(word)}\s+(\S+(?:\s\S+)?)", key):
                level = _level_in(m[1])
                if level is not None:
                    return level
    for text in lines:
        for m in CIRCULAR.finditer(fold(text)):
            fits = {lvl for fw in frameworks() if fw.short == f"{int(m[1])}/{m[2]}" for lvl in fw.applies_to}
            if len(fits) == 1:
                return fits.pop()
    return None


def phase_for(day: date | None, year: SchoolYear) -> str:
    """A results table: mid-year report before the cut-off in data, end of year from it (or undated)."""
    if day is None:
        return "cuoi-nam"
    month, dd = import_texts().mid_year_until
    return "giua-nam" if day < date(year.end_year, month, dd) else "cuoi-nam"


def signer(lines: list[str]) -> str | None:
    """The name signed under "HIỆU TRƯỞNG" (or "GIÁM ĐỐC"), skipping "(đã ký)", "(Ký, ghi rõ họ tên)"."""
    titles = import_texts().labels["signer"]
    for i, line in enumerate(lines):
        if fold(line).strip(" *:.") not in titles:
            continue
        for after in lines[i + 1:i + 6]:
            text = after.strip(" *_")
            if not text or text.startswith("(") or "ky" in fold(text).split():
                continue
            words = text.split()
            if 2 <= len(words) <= 6 and all(w[:1].isupper() for w in words) and not any(ch.isdigit() for ch in text):
                return text
            break
    return None

"""Find the plan/results table by its header words and map its columns to a form's columns.

The candidates are the table forms in workbook_templates/forms that describe their printed table
(`official.header` and `official.columns`); each column is also known by the header the form gives it
in the workbook. Header texts are compared word by word (diacritics and case folded, common words
dropped), so "nếu rõ" for "nêu rõ", a year in the header or a shortened header still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.catalog import frameworks
from xlbridge.data.files import list_files, load_yaml
from xlbridge.data.forms import Form, get_form
from xlbridge.errors import DataFileError
from xlbridge.importer.docx_tables import WCell, WTable
from xlbridge.importer.texts import import_texts

MIN_SCORE = 0.5          # a column matches a form column from this similarity up
MIN_TABLE = 0.55         # a table is the plan/results table from this share of matched columns up
MAX_TITLE_ROWS = 2       # rows of title a school may type inside the table, above its header
NUMBERING = re.compile(r"\(?\d{1,2}\)?")
SPECIAL = ("tt", "criterion", "standard", "content", "done", "in_progress", "not_started", "latest_status")


@dataclass(frozen=True)
class Target:
    key: str                        # a form column key, or one of SPECIAL
    header: str                     # the printed header (for the report)
    texts: tuple[str, ...]          # every header this column is known by


@dataclass(frozen=True)
class Match:
    """A table's columns mapped to one form."""
    form: Form
    header_rows: int
    header_start: int                              # rows above the header (a title typed inside the table)
    columns: dict[int, tuple[Target, float]]       # table column (0-based) → target, similarity
    headers: tuple[str, ...]                       # the table's own header text per column
    score: float

    def col_of(self, key: str) -> int | None:
        return next((c for c, (t, _s) in self.columns.items() if t.key == key), None)


def words(text: str) -> frozenset[str]:
    text = re.sub(r"\{[^}]*\}", " ", text)
    tokens = re.split(r"[^0-9a-z]+", fold(text))
    stop = import_texts().stopwords
    return frozenset(t for t in tokens if t and not t.isdigit() and t not in stop)


def similarity(a: str, b: str) -> float:
    if fold(a).strip(" .:") == fold(b).strip(" .:"):
        return 1.0
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def table_forms() -> list[Form]:
    """Forms that describe a printed plan/results table (not the issues list, not the info sheet)."""
    out = []
    for path in list_files("forms"):
        raw = load_yaml(path)
        if not isinstance(raw, dict) or raw.get("part") not in ("plan", "results", "both") or not raw.get("official"):
            continue
        try:
            out.append(get_form(path.stem))
        except DataFileError:
            continue
    return out


def variant_forms() -> set[str]:
    """Province variants: table forms no framework names as its own."""
    named = {f for fw in frameworks() for f in fw.forms.values()}
    return {f.id for f in table_forms() if f.id not in named}


def targets(form: Form, plan_form: Form | None = None) -> list[Target]:
    """The printed columns of a form, each with every header it is known by."""
    official = form.official
    header = [line for line in official.get("header") or []
              if not all(NUMBERING.fullmatch(str(x)) for x in line if x is not None)]    # "(1) (2) …" rows
    keys = official.get("columns") or []
    top = header[0] if header else []
    sub = header[1] if len(header) > 1 else []
    out = []
    group = ""
    for i, key in enumerate(keys):
        t = top[i] if i < len(top) else None
        group = t if t is not None else group
        s = sub[i] if i < len(sub) else None
        printed = str(s if s is not None else (t if t is not None else group))
        texts = [printed]
        column = next((c for c in form.columns if c.key == key), None)
        if column is not None:
            texts.append(column.header)
        if key == "content" and plan_form is not None:
            texts += [c.header for c in plan_form.columns if c.role == "content"]
        out.append(Target(str(key), printed, tuple(dict.fromkeys(texts))))
    if "criterion" not in keys:          # a criterion column the workbook has but the printed form has not
        out += [Target("criterion", c.header, (c.header,)) for c in form.columns if c.role == "criterion"][:1]
    return out


def header_texts(rows: list[list[WCell]], height: int) -> tuple[str, ...]:
    """Per column: the lowest header text of the column (a group's sub-header, else the group or the
    text of a cell merged over the header rows)."""
    width = max(len(r) for r in rows[:height])
    out = []
    for col in range(width):
        text = ""
        for r in range(height):
            cell = rows[r][col] if col < len(rows[r]) else WCell("")
            if cell.text:
                text = cell.text
            elif cell.merged == "left" and r == 0:
                text = next((rows[0][c].text for c in range(col, -1, -1) if rows[0][c].text), "")
        out.append(text)
    return tuple(out)


def match_columns(headers: tuple[str, ...], form_targets: list[Target]) -> tuple[dict[int, tuple[Target, float]], float]:
    """Greedy best pairs, one table column per target; the score is matched similarity over columns."""
    pairs = []
    for col, text in enumerate(headers):
        if not text:
            continue
        for t in form_targets:
            s = max(similarity(text, x) for x in t.texts)
            if s >= MIN_SCORE:
                pairs.append((s, col, t))
    pairs.sort(key=lambda p: (-p[0], p[1]))
    used_cols, used_keys, mapping = set(), set(), {}
    for s, col, t in pairs:
        if col in used_cols or t.key in used_keys:
            continue
        mapping[col] = (t, s)
        used_cols.add(col)
        used_keys.add(t.key)
    filled = sum(1 for h in headers if h)
    score = sum(s for _t, s in mapping.values()) / max(filled, len(form_targets), 1)
    return mapping, score


def recognise(table: WTable, forms: list[Form]) -> Match | None:
    """The form this table is printed in (header height 1 or 2), or None when it is not a plan table."""
    if not table.rows:
        return None
    best: Match | None = None
    for form in forms:
        plan_form = get_form(_own_plan(form)) if form.part == "results" else None
        form_targets = targets(form, plan_form)
        for start in range(min(MAX_TITLE_ROWS + 1, len(table.rows))):
            for height in (1, 2):
                if start + height > len(table.rows):
                    continue
                headers = header_texts(table.rows[start:], height)
                mapping, score = match_columns(headers, form_targets)
                keys = {t.key for t, _s in mapping.values()}
                if "criterion" not in keys or not keys & {"content", *(c.key for c in form.columns if c.role == "content")}:
                    continue
                if best is None or score > best.score + 1e-9:
                    best = Match(form, height, start, mapping, headers, score)
    return best if best is not None and best.score >= MIN_TABLE else None


def _own_plan(results_form: Form) -> str:
    """The plan form used together with a results form (the framework that names both)."""
    for fw in frameworks():
        if fw.forms.get("results") == results_form.id:
            return fw.forms["plan"]
    return results_form.id


def is_numbering(row: list[WCell]) -> bool:
    """A "(1) (2) (3) …" row under a header."""
    cells = [c.text for c in row if c.text]
    return len(cells) >= 3 and all(NUMBERING.fullmatch(t) for t in cells)


def data_start(table: WTable, header_end: int) -> int:
    """First data row: after the header and any numbering row."""
    row = header_end
    while row < len(table.rows) and is_numbering(table.rows[row]):
        row += 1
    return row


def repeats_header(table: WTable, match: Match) -> int:
    """How many leading rows of a continued table repeat the header, with or without the title rows
    above it (0 when none)."""
    wanted = max(2, len([h for h in match.headers if h]) // 2)
    for start in sorted({0, match.header_start}):
        if len(table.rows) < start + match.header_rows:
            continue
        again = header_texts(table.rows[start:], match.header_rows)
        same = sum(1 for a, b in zip(again, match.headers, strict=False) if a and fold(a) == fold(b))
        if same >= wanted:
            return data_start(table, start + match.header_rows)
    return 0

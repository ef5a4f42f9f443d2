"""Issue 16 acceptance: for each seed kind, the Word report a principal signs.

Each real seed (and each TT57 fixture) is typed into a real template with a full địa danh and, in one
variant, requests to the Sở; the report is built, written as .docx, re-read, and checked: every Phụ
lục row in the column its status names, every figure of the narrative one of the summary's (the
"Tổng hợp" figures of `core.summary.summarize`), the địa danh as typed, the Kiến nghị section
present or cleanly absent, no non-breaking hyphen, and a package an OOXML validator accepts.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import SEEDS, TODAY, TT57, document, filled
from docx import Document

from xlbridge.data.vocab import vocab
from xlbridge.io.reader import read_workbook
from xlbridge.report import vn_format
from xlbridge.report.citations import in_figures, reference
from xlbridge.report.facts import Facts, at_review, collect
from xlbridge.report.narrative import Report, _column_labels, build_report, sheet_rows
from xlbridge.report.reasons import cause_part
from xlbridge.report.tables import RESULT_COLUMNS
from xlbridge.report.vn_format import bare, clause, upper_first

PLACE = "Thành phố Hồ Chí Minh"
REQUESTS = ["Đề nghị Sở GDĐT bổ sung 01 biên chế nhân viên thiết bị cho nhà trường",
            "Đề nghị UBND thành phố sớm bố trí vốn cho dự án cải tạo khối phòng học bộ môn"]
CASES = [("seed", "ket-qua-thpt", "ket-qua"), ("seed", "ket-qua-thcs", "ket-qua"),
         ("seed", "tien-do-tieu-hoc", "tien-do"), ("seed", "ke-hoach-th-thcs", "tien-do"),
         ("tt57", "pho-thong", "ket-qua"), ("tt57", "mam-non", "tien-do"), ("tt57", "gdtx", "ket-qua")]


def _book(tmp_path: Path, source: str, name: str, requests: list[str]):
    data = document(SEEDS[name] if source == "seed" else TT57[name])
    data["info"]["dia_danh"] = PLACE
    data.setdefault("lists", {})["kien_nghi"] = [{"noi_dung": t} for t in requests]
    info = data["info"]
    variant = data["form"] if data.get("form") == "tien-do-tien-giang" else None
    return read_workbook(filled(tmp_path, info["cap_hoc"], info["nam_hoc"], data, mau=variant))


def _facts(book, report: Report) -> Facts:
    phase = vocab().phase_by_id(report.document.phase) if report.document.phase else None
    return collect(at_review(book, report.review, report.when, phase), report.when)


def _narrative(report: Report) -> str:
    """The text before the Phụ lục (the first page-orientation change)."""
    out = []
    for b in report.blocks:
        if b.style == "section":
            break
        if b.style not in ("rule", "table", "row"):
            out.append(b.plain)
    return "\n".join(out)


# ------------------------------------------------------------------------------ figures


def _user_texts(book) -> list[str]:
    """Every text the school typed, in the forms the narrative may quote it."""
    texts = [v.text for v in book.info.values.values()]
    texts += [v.text for entries in book.info.lists.values() for e in entries for v in e.values()]
    for it in book.items:
        texts += [v.text for v in it.values.values()] + [v.text for r in it.results for v in r.values.values()]
    for issue in book.issues:
        texts += [v.text for v in issue.values.values()]
    out = set()
    for t in filter(None, texts):
        out |= {t, clause(t), upper_first(clause(t)), cause_part(t), clause(cause_part(t)), upper_first(clause(cause_part(t))),
                bare(t), reference(t), in_figures(bare(t)), in_figures(reference(t))}   # a document cited (its date in figures)
    # a bare number or a "Tiêu chuẩn 2" label typed in a cell would hide the narrative's own figures
    label = re.compile(r"^(?:tiêu chuẩn|tiêu chí|mức)?\s*[\d.,]+$", re.IGNORECASE)
    return sorted((t for t in out if len(t.split()) > 1 and not label.match(t)), key=len, reverse=True)


_NOT_FIGURES = [
    r"ngày \d{1,2} tháng \d{1,2} năm \d{4}", r"\d{1,2}/\d{1,2}/\d{4}", r"\b\d{4}\s*[-–]\s*\d{4}\b",
    r"[Tt]iêu chí [\d., và]+(?:của Mức 4)?(?:(?:, | và )tiêu chí [\d., và]+(?:của Mức 4)?)*",
    r"[Tt]iêu chuẩn [\d, và]+(?:Mức 4)?", r"Mức [1-4](?:, [1-4])*(?: và [1-4])?", r"^[IVX]+\.", r"^\d\.",
    r"\d+/\d+/[A-ZĐ]+-[A-ZĐ]+", r"Số: .*$", r"\(\d+(?:\.\d+)?(?: \(Mức 4\))?\)",
    r"\b\d+/[A-ZĐ][\w&.-]*",                   # a document's number ("2854/SGDĐT-KT&QLCLGD"), cited in a group
]


def _figures(counts, book) -> set[str]:
    """What one summary row says, as the narrative prints it: counts, rate, budget; and the issues count."""
    c = counts
    out = {str(len(book.issues)), vn_format.pct(c.completion), vn_format.number(c.budget)}
    return out | {str(n) for n in (c.items, c.no_status, c.done, c.cancelled, c.overdue, c.items - c.done,
                                   *c.statuses.values())}


def _row_of(part: str, summary, before):
    """The summary row a clause speaks of: its standard for "Tiêu chuẩn 2: …" / "Mức 4: …" (after a lead such as
    "- " or "Đã hoàn thành: "), else the row of the clause before it in the line (`before`)."""
    m = re.match(r"^(?:- |[^:]*: )?(?:Tiêu chuẩn (\d+)|(Mức 4)): ", part)
    if m:
        number = 0 if m[2] else int(m[1])
        return next(r for r in summary.rows if r.standard == number)
    return before


def _clauses(text: str, book, summary):
    """(clause, its summary row) for each clause (text between "; ") of each line, the school's own words taken
    out first (they may hold "; " and numbers of their own); a line starts at the total."""
    texts = _user_texts(book)
    for whole in text.splitlines():
        for t in texts:
            whole = whole.replace(t, " ")
        row = summary.total
        for part in whole.split("; "):
            row = _row_of(part, summary, row)
            yield part, row


def _unexplained_numbers(text: str, book, summary) -> list[str]:
    """Numbers of the narrative that are not figures of the summary row their clause speaks of."""
    out = []
    for line, row in _clauses(text, book, summary):
        allowed = _figures(row.counts, book)
        for pattern in _NOT_FIGURES:
            line = re.sub(pattern, " ", line, flags=re.MULTILINE)
        out += [n for n in re.findall(r"\d[\d.]*(?:,\d+)?%?", line) if n.rstrip(".") not in allowed]
    return out


# ------------------------------------------------------------------------------ Phụ lục


def _content_column(report: Report) -> int:
    table = report.tables["ket-qua"]
    lengths = [max((len(r.cells[j]) for r in table.rows if r.kind == "item"), default=0) for j in range(table.n_columns)]
    return lengths.index(max(lengths))


def _check_appendix(report: Report, facts: Facts, form) -> int:
    """Each item row's result and reason in the column its status names; returns rows checked."""
    table = report.tables["ket-qua"]
    off = form.official if form is not None else {}
    columns = [str(c) for c in off.get("columns", [])]
    derive = {s: col for col, names in (off.get("derive") or {}).items() for s in names}
    rows = [r for r in table.rows if r.kind == "item"]
    assert len(rows) == len(facts.items)
    checked = 0
    if not derive or not all(c in columns for c in RESULT_COLUMNS):
        return 0
    by_text: dict[str, list] = {}
    for f in facts.items:
        by_text.setdefault(f.item.text("content") or f.content, []).append(f)
    content_at = columns.index("content")
    for row in rows:
        f = by_text[row.cells[content_at]].pop(0)
        want = derive.get(f.status.name) if f.status is not None else "in_progress"
        for key in RESULT_COLUMNS:
            cell = row.cells[columns.index(key)]
            if key != want:
                assert cell == "", (f.code, f.trang_thai, key, cell)
            elif f.result or (f.reason and key != "done"):
                assert cell and (f.result in cell if f.result else f.reason in cell), (f.code, key)
        checked += 1
    return checked


def _check_sheet(report: Report, facts: Facts, form) -> None:
    """The "Báo cáo" sheet carries the same Phụ lục: each result after the name of its status's column only."""
    columns = [str(c) for c in form.official["columns"]]
    derive = {s: col for col, names in form.official["derive"].items() for s in names}
    labels = _column_labels(report.tables["ket-qua"])
    lines = [t for _kind, t in sheet_rows(report)]
    for f in facts.items:
        if f.status is None or not f.result:
            continue
        first = f.result.splitlines()[0]
        mine = next(line for line in lines if f.item.text("content") in line and first in line)
        want = labels[columns.index(derive[f.status.name])]
        assert f"{want}: {first}" in mine, (f.code, mine)
        for key in RESULT_COLUMNS:
            if key != derive[f.status.name]:
                assert f"{labels[columns.index(key)]}:" not in mine, (f.code, key)


# ------------------------------------------------------------------------------ the test


def _validator():
    try:
        from openxml_audit import OpenXmlValidator
    except ImportError:                                      # pragma: no cover - test dependency
        pytest.skip("openxml-audit không có: pip install -e '.[test]'")
    return OpenXmlValidator()


@pytest.mark.parametrize("requests", [REQUESTS, []], ids=["kien-nghi", "khong-kien-nghi"])
@pytest.mark.parametrize("source, name, loai", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_report_a_principal_can_sign(tmp_path, source, name, loai, requests):
    from xlbridge.report.docx_writer import write_docx
    book = _book(tmp_path, source, name, requests)
    report = build_report(book, loai, today=TODAY)
    facts = _facts(book, report)
    narrative = _narrative(report)

    # every figure of the narrative is one the summary gives
    assert _unexplained_numbers(narrative, book, facts.summary) == [], narrative
    total = facts.summary.total.counts
    if facts.tracks_status and total.items:
        assert f"{vn_format.pct(total.completion)}" in narrative

    # Phụ lục: each result under the column its status names (2018 results form)
    form = book.layout.results_form
    if form is not None and (form.official or {}).get("derive"):
        assert _check_appendix(report, facts, form) == total.items > 0
        _check_sheet(report, facts, form)

    # địa danh as typed, Kiến nghị present or cleanly absent
    header = [b.plain for b in report.blocks if b.column == "right"]
    assert any(line.startswith(f"{PLACE}, ngày") for line in header)
    if requests:
        assert "4. Kiến nghị, đề xuất" in narrative
        for t in requests:
            assert f"- {t}." in narrative
        assert narrative.index("3. Phương hướng") < narrative.index("4. Kiến nghị")
    else:
        assert "Kiến nghị" not in narrative
    assert not any(b.style == "bullet" and not b.plain.strip("-+ .") for b in report.blocks)

    # the Word file: no non-breaking hyphen anywhere, valid WordprocessingML
    out = tmp_path / f"{name}-{loai}.docx"
    write_docx(report, out)
    with zipfile.ZipFile(out) as z:
        assert not any("\u2011" in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert PLACE in Document(str(out)).tables[0].cell(0, 1).text
    result = _validator().validate(str(out))
    assert result.is_valid, [f"{e.description} @ {e.path}" for e in result.errors][:10]
    assert not any("\u2011" in text for _kind, text in sheet_rows(report))


def test_demo_results_report_figures_are_the_summarys(tmp_path):
    """The report a new user makes first (kdcl demo, then kdcl bao-cao --loai ket-qua): every figure of its text
    is one of the summary's; no count made up in the template (such as "Tập trung triển khai 11 nội dung")."""
    from xlbridge.demo import build_example
    book = read_workbook(build_example(tmp_path))
    report = build_report(book, "ket-qua", today=TODAY)
    narrative = _narrative(report)
    assert _unexplained_numbers(narrative, book, _facts(book, report).summary) == [], narrative
    assert "Tiêu chuẩn 5: 1/6 (16,7%)" in narrative                   # per standard: that standard's row

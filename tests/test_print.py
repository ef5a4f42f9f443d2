"""What a school prints: every template kind and filled, checked workbooks rendered to PDF by LibreOffice,
and the PDF itself inspected (pdftotext -bbox) — text size, completeness, pages that are not near-empty.

Clipping: LibreOffice writes the whole text of a cell into the PDF even where the row is too low
to show it, so "every word is in the PDF" cannot see clipping; LibreOffice's own optimal height of
each printed row (through UNO) is compared with the stored height instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlsxwriter
from conftest import TODAY, seed_workbook, template, tt57_workbook
from lo_uno import run
from pdfcheck import Page, by_sheet, pdftotext, read_pdf, squeeze

from xlbridge.check import check_file
from xlbridge.core.pagefit import MIN_ROWS
from xlbridge.data.vocab import vocab
from xlbridge.io.writer import write_checked_copy
from xlbridge.layout import column_letter, config, summary_positions

MIN_PT = 9
KINDS = [("THPT", "2023-2024", None, None), ("Tiểu học", "2023-2024", None, None), ("Mầm non", "2024-2025", None, None),
         ("THCS", "2026-2027", None, None), ("Mầm non", "2026-2027", None, None), ("GDTX", "2026-2027", None, None),
         ("Tiểu học", "2023-2024", "tien-do-tien-giang", None)]
SHEETS = config().sheets


def _reference(tmp: Path) -> Path:
    """One cell of 9 pt text at 100 %: the height pdftotext reports for the smallest text allowed."""
    path = tmp / "ref9.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("R")
    ws.write(0, 0, "Hướng dẫn ghi Tiêu chuẩn", wb.add_format({"font_name": config().font, "font_size": MIN_PT}))
    ws.set_footer(f'&C&"{config().font},Regular"&{MIN_PT}R — Trang &P/&N')
    wb.close()
    return path


def _checked(tmp: Path, src: Path, name: str) -> Path:
    """A filled workbook after `kiem-tra --out`: findings, summary, report text, fitted rows."""
    out = tmp / f"{name}.xlsx"
    write_checked_copy(src, out, check_file(src, TODAY).output())
    return out


def _draft_and_fixed(tmp: Path) -> tuple[Path, Path]:
    """The results-stage seed with one error typed in (an item «Hoàn thành» whose kết quả is emptied: KQ05),
    checked; then that checked copy with the kết quả typed back, checked again (the run clears the error colour)."""
    import openpyxl
    src = seed_workbook(tmp, "ket-qua-thpt")
    book = check_file(src, TODAY).book
    v = next(r.values["ket_qua"] for it in book.items for r in it.results
             if r.status is not None and r.status.name == "Hoàn thành" and not r.values["ket_qua"].empty)
    wb = openpyxl.load_workbook(src)
    wb[v.cell.sheet][v.cell.a1] = None
    wb.save(tmp / "draft-src.xlsx")
    draft = _checked(tmp, tmp / "draft-src.xlsx", "draft-2018")
    wb = openpyxl.load_workbook(draft)
    wb[v.cell.sheet][v.cell.a1] = v.text
    wb.save(tmp / "fixed-src.xlsx")
    return draft, _checked(tmp, tmp / "fixed-src.xlsx", "fixed-2018")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if pdftotext() is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: scripts/setup.sh installs it")
    tmp = tmp_path_factory.mktemp("print")
    books = {}
    for cap, year, mau, tt in KINDS:
        path, _ = template(tmp, cap, year, mau, tt)
        books[f"mau-{cap}-{year}-{mau or ''}".replace(" ", "_")] = path
    books["demo-2018"] = _checked(tmp, seed_workbook(tmp, "ket-qua-thpt"), "demo-2018")
    books["demo-tt57"] = _checked(tmp, tt57_workbook(tmp, "pho-thong"), "demo-tt57")
    books["draft-2018"], books["fixed-2018"] = _draft_and_fixed(tmp)
    ref = _reference(tmp)
    files = [{"src": p, "pdf": tmp / f"{k}.pdf"} for k, p in books.items()] + [{"src": ref, "pdf": tmp / "ref9.pdf"}]
    results = run(files, inspect=True)
    ref_pages = read_pdf(tmp / "ref9.pdf", ["R"])
    min_height = min(w.height for p in ref_pages for w in p.words)
    out = {}
    for (name, _path), res in zip(books.items(), results[:-1], strict=True):
        sheets = res["sheets"]
        out[name] = (sheets, read_pdf(tmp / f"{name}.pdf", list(sheets)))
    return out, min_height, {name: tmp / f"{name}.pdf" for name in books}


def _printed_sheets(sheets: dict) -> list[str]:
    return [s for s, info in sheets.items() if info["areas"]]


def test_every_sheet_prints_with_its_footer(printed):
    books, *_ = printed
    for name, (sheets, pages) in books.items():
        assert all(p.sheet for p in pages), (name, [p.number for p in pages if not p.sheet])
        assert set(by_sheet(pages)) <= set(sheets), name
        for s in (SHEETS["info"], SHEETS["summary"]):
            assert s in by_sheet(pages), (name, s)


def test_no_text_below_9_pt(printed):
    books, min_height, _ = printed
    for name, (_sheets, pages) in books.items():
        for p in pages:
            small = [w.text for w in p.words if w.height < min_height - 0.05]
            assert not small, (name, p.number, p.sheet, small[:10])


def _page_texts(pages: list[Page]) -> dict[str, str]:
    return {s: "".join(p.text() for p in ps) for s, ps in by_sheet(pages).items()}


def test_every_word_of_every_printed_cell_is_in_the_pdf(printed):
    books, *_ = printed
    for name, (sheets, pages) in books.items():
        texts = _page_texts(pages)
        for sheet in _printed_sheets(sheets):
            info = sheets[sheet]
            missing = []
            for row, col, text in info["texts"]:
                for word in text.split():
                    if squeeze(word) not in texts.get(sheet, ""):
                        missing.append((row, col, word))
            assert not missing, (name, sheet, missing[:10])


def test_no_row_is_lower_than_its_text(printed):
    """Every printed row holds its text: stored height ≥ LibreOffice's optimal height for it."""
    books, *_ = printed
    for name, (sheets, _pages) in books.items():
        short = {s: info["short_rows"] for s, info in sheets.items() if info["short_rows"]}
        assert not short, (name, short)


def _segments(info: dict, repeat_rows: int) -> list[list[int]]:
    """Rows of each page (down), from LibreOffice's page breaks within the print area."""
    first, last = info["areas"][0][0], info["areas"][0][1]
    cuts = sorted({b for b in info["breaks"] if first < b <= last} | {first})
    segs = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] - 1 if i + 1 < len(cuts) else last
        segs.append(list(range(start, end + 1)))
    if repeat_rows and segs:
        segs[0] = segs[0][repeat_rows:]
    return segs


def test_no_near_empty_pages(printed):
    books, *_ = printed
    for name, (sheets, _pages) in books.items():
        for sheet, info in sheets.items():
            if not info["areas"] or sheet in (SHEETS["check"], SHEETS["report"]):
                continue         # output sheets: as long as what kdcl wrote
            rows_with_text = {r for r, _c, _t in info["texts"]}
            used = [s for s in _segments(info, 2 if sheet.startswith(("Tiêu", "Mức")) else 0)
                    if set(s) & rows_with_text or s]
            bands = len([c for c in info["col_breaks"] if c <= info["areas"][0][3]]) or 1
            for i, seg in enumerate(used):
                last_page = i == len(used) - 1 and bands == 1
                if not last_page:
                    assert len(seg) >= MIN_ROWS, (name, sheet, seg)


def test_standard_sheets_print_in_bands_at_one_readable_scale(printed):
    books, *_ = printed
    for name, (sheets, pages) in books.items():
        for sheet, info in sheets.items():
            if re.match(r"(Tiêu chuẩn|Mức 4)", sheet):
                assert info["scale"] >= 80, (name, sheet, info["scale"])
                assert info["areas"][0][0] >= 5, (name, sheet)          # the status line (row 3) does not print
        assert len(pages) >= len(_printed_sheets(sheets)) - 2


MARKS = {key: bytes.fromhex(config().colors[key]) for key in ("missing", "error")}


def _pixels(rgb: bytes, colour: bytes) -> int:
    """Pixels of exactly `colour` in packed RGB bytes (a match must start on a pixel)."""
    n, i = 0, rgb.find(colour)
    while i >= 0:
        n += i % 3 == 0
        i = rgb.find(colour, i + 1)
    return n


def _marked_pages(pdf: Path) -> dict[int, dict[str, int]]:
    """Pages of `pdf` (1-based) with pixels of the tool's fill colours, and how many of each: every page
    rasterised by pdftoppm without anti-aliasing (a fill is then its exact colour), as raw PPM."""
    import subprocess
    import tempfile
    out: dict[int, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "30", "-aa", "no", "-aaVector", "no", str(pdf), f"{tmp}/p"], check=True)
        for ppm in sorted(Path(tmp).glob("p-*.ppm")):
            data = ppm.read_bytes()
            magic, w, h, _depth, pixels = data.split(maxsplit=4)
            assert magic == b"P6"
            counts = {k: _pixels(pixels[-int(w) * int(h) * 3:], c) for k, c in MARKS.items()}
            if any(counts.values()):
                out[int(ppm.stem.split("-")[-1])] = counts
    return out


def test_tool_marks_print_only_while_kiem_tra_reports_the_error(printed):
    """LibreOffice prints cell fills, conditional ones too (the page setup's black-and-white is Excel's alone):
    the "missing" and "error" colours may reach paper only while `kiem-tra` reports the error they mark. A
    results-only workbook (plan columns empty, one KH08 warning), a TT57 one and a corrected one print with no
    pixel of either colour; the workbook with an error shows it, on the pages of that sheet only."""
    books, _, pdfs = printed
    for name in ("demo-2018", "demo-tt57", "fixed-2018"):
        assert not [f for f in check_file(pdfs[name].with_suffix(".xlsx"), TODAY).findings if f.is_error], name
        assert not _marked_pages(pdfs[name]), (name, _marked_pages(pdfs[name]))
    draft = pdfs["draft-2018"].with_suffix(".xlsx")
    errors = [f for f in check_file(draft, TODAY).findings if f.is_error]
    assert [f.rule for f in errors] == ["KQ05"]
    marked = _marked_pages(pdfs["draft-2018"])
    _sheets, pages = books["draft-2018"]
    assert marked and {pages[n - 1].sheet for n in marked} == {errors[0].sheet}, marked


# ----------------------------------------------------------------- without LibreOffice: cached values, refits


def test_formulas_carry_cached_values_for_viewers_that_do_not_recalculate(tmp_path):
    """A viewer that shows stored results (no recalculation) sees the school line and zero counts."""
    path, layout = template(tmp_path, "THCS", "2024-2025", ten_truong="Trường THCS Kiểm Thử")
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    for sl in layout.sheets:
        assert wb[sl.name]["A2"].value == "Trường: Trường THCS Kiểm Thử — Năm học 2024-2025", sl.name
    ws = wb[SHEETS["summary"]]
    assert ws["A2"].value == "Trường: Trường THCS Kiểm Thử — Năm học 2024-2025"
    formulas = openpyxl.load_workbook(path)[SHEETS["summary"]]
    cached = [(c.coordinate, ws[c.coordinate].value) for row in formulas.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("=")]
    pos = summary_positions(layout, len(vocab().statuses))
    pct = column_letter(pos["pct_col"])
    table = [(ref, v) for ref, v in cached if pos["first_row"] <= ws[ref].row <= pos["total_row"]]
    assert len(table) >= 7 * (len(layout.sheets) + 1)
    wrong = [(ref, v) for ref, v in table if v != 0 and not (ref.startswith(pct) and v in ("", None))]
    assert not wrong, wrong[:5]           # the rate of an empty standard is blank, not 0,0 %


def test_check_run_refits_rows_to_what_was_typed(tmp_path):
    """`kiem-tra --out` grows a row that now holds a long text and shrinks it back when it is emptied."""
    import openpyxl
    src, layout = template(tmp_path, "THCS", "2024-2025")
    sl = layout.sheets[0]
    t = sl.table("plan")
    row = t.criteria[0].item_rows[0]
    wb = openpyxl.load_workbook(src)
    wb[sl.name].cell(row, t.by_key("giai_phap").index).value = " ".join(["Tổ chức bồi dưỡng chuyên môn"] * 12)
    blank = wb[sl.name].row_dimensions[row].height
    wb.save(src)
    out = tmp_path / "checked.xlsx"
    write_checked_copy(src, out, check_file(src, TODAY).output())
    ws = openpyxl.load_workbook(out)[sl.name]
    assert ws.row_dimensions[row].height >= 6 * 15.75 > blank
    assert ws.row_dimensions[t.criteria[1].item_rows[0]].height == pytest.approx(blank, abs=0.5)
    checked = openpyxl.load_workbook(out)[SHEETS["check"]]
    assert any(checked.row_dimensions[r].height and checked.row_dimensions[r].height > 20 for r in range(5, 15))

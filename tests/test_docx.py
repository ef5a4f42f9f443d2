"""Word documents in the layout of Nghị định 30/2020/NĐ-CP, read back with python-docx and opened by LibreOffice.

Every generated document (each seed and TT57 workbook × each kind) is converted to PDF in one
headless LibreOffice run; the PDFs are checked for their page sizes and text, and the first page
is rendered to PNG. Skipped, through the `soffice` fixture, where LibreOffice is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEEDS, TODAY, TT57, seed_workbook, template, tt57_workbook
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lo import to_pdf

from xlbridge.io.reader import read_workbook
from xlbridge.report.docx_writer import write_docx
from xlbridge.report.narrative import build_report

KINDS = ("ket-qua", "tien-do", "ke-hoach")
A4 = (595, 842)          # points


def _docx(tmp_path: Path, path: Path, loai: str, name: str) -> Path:
    out = tmp_path / "docx" / f"{name}-{loai}.docx"
    out.parent.mkdir(exist_ok=True)
    write_docx(build_report(read_workbook(path), loai, today=TODAY), out)
    return out


def _near(length, cm: float) -> bool:
    return abs(length - Cm(cm)) < Cm(0.01)


def test_results_report_layout(tmp_path):
    out = _docx(tmp_path, seed_workbook(tmp_path, "ket-qua-thpt"), "ket-qua", "thpt")
    doc = Document(str(out))
    first, last = doc.sections[0], doc.sections[-1]
    assert _near(first.page_width, 21.0) and _near(first.page_height, 29.7)                    # A4 portrait
    assert [_near(getattr(first, f"{k}_margin"), v) for k, v in (("top", 2), ("bottom", 2), ("left", 3), ("right", 1.5))] == [
        True] * 4
    assert _near(last.page_width, 29.7) and _near(last.page_height, 21.0)                       # Phụ lục: landscape
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(13)
    assert first.different_first_page_header_footer and not last.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in first.header._element.iter(qn("w:instrText")))

    header_block, signature, appendix = doc.tables[0], doc.tables[1], doc.tables[-1]
    # too wide for its column, the name is broken where its two lines are most even, not inside "Giồng Riềng"
    assert header_block.cell(0, 0).text.split("\n")[:2] == ["TRƯỜNG THPT", "GIỒNG RIỀNG"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_block.cell(0, 1).text
    assert "Kiên Giang, ngày 30 tháng 5 năm 2024" in header_block.cell(0, 1).text
    assert "Nơi nhận:" in signature.cell(0, 0).text and "Dàm Thanh Lạc" in signature.cell(0, 1).text
    borders = header_block._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {e.get(qn("w:val")) for e in borders} == {"nil"}

    rows = appendix._tbl.tr_lst
    assert all(r.trPr is not None and r.trPr.find(qn("w:tblHeader")) is not None for r in rows[:2])   # repeated header
    assert rows[2].trPr is None or rows[2].trPr.find(qn("w:tblHeader")) is None
    assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)                       # no row split over pages
    spans = [(tc.grid_span, tc.tcPr.find(qn("w:vMerge")) is not None if tc.tcPr is not None else False)
             for tc in rows[0].tc_lst]
    assert spans == [(1, True), (1, True), (2, False), (3, False), (1, True)]   # TT, tiêu chí, ND (2), Kết quả (3), Ghi chú
    texts = [c.text for c in appendix.rows[0].cells]
    assert texts[2] == "ND Kế hoạch cải tiến chất lượng giáo dục năm học 2023-2024"             # the hyphen as typed
    assert texts[4] == "Kết quả thực hiện"
    body = [row.cells[1].text for row in appendix.rows[2:]]
    assert appendix.rows[2].cells[0].text == "MỨC 1, 2, 3" and "Tiêu chí 1.1" in body
    assert len(appendix.rows) == 2 + 2 + 5 + 34     # header rows, the two level groups, 5 standards (Mức 4 has none), items
    widths = [appendix._tbl.tblGrid.gridCol_lst[j].w for j in range(8)]
    assert widths[0] < widths[2] and abs(sum(widths) - Cm(25.2)) < Cm(0.05)       # proportional, landscape text width


def test_docx_text_is_xml_safe(tmp_path):
    """Cells may hold control characters pasted from elsewhere; the document still saves and opens."""
    book = read_workbook(seed_workbook(tmp_path, "ket-qua-thcs"))
    report = build_report(book, "ket-qua", today=TODAY)
    table = report.tables["ket-qua"]
    rows = list(table.rows)
    rows[-1] = type(rows[-1])(rows[-1].kind, tuple(c + "\x0b\x07" for c in rows[-1].cells))
    report.tables["ket-qua"] = type(table)(table.key, table.header, table.widths, tuple(rows))
    out = tmp_path / "x.docx"
    write_docx(report, out)
    cells = [c.text for c in Document(str(out)).tables[-1].rows[-1].cells]
    assert cells[2] == table.rows[-1].cells[2] + "  "                       # control characters became spaces
    assert not any(ch in "".join(cells) for ch in "\x0b\x07")


def _pdf_pages(pdf: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def test_every_document_converts_to_pdf(soffice, tmp_path):
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")
    books = {name: seed_workbook(tmp_path, name) for name in SEEDS}
    books |= {f"tt57-{name}": tt57_workbook(tmp_path, name) for name in TT57}
    books["trong-thpt"] = template(tmp_path, "THPT", "2023-2024")[0]           # an empty workbook too
    books["trong-tt57"] = template(tmp_path, "THCS", "2026-2027")[0]
    docs = [(name, loai, _docx(tmp_path, path, loai, name)) for name, path in books.items() for loai in KINDS]
    pdfs = to_pdf([d for _, _, d in docs], tmp_path / "pdf")
    for (name, loai, _), pdf in zip(docs, pdfs, strict=True):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], pdf.name
        pages = _pdf_pages(pdf)
        words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words and "Độc lập - Tự do - Hạnh phúc" in words, pdf.name
        bieu2 = loai == "ke-hoach" and (name.startswith("tt57") or name == "trong-tt57")
        assert pages[0] == (A4[1], A4[0]) if bieu2 else pages[0] == A4, (pdf.name, pages[0])
        if loai != "ke-hoach":
            assert pages[-1] == (A4[1], A4[0]) and "PHỤ LỤC" in words, pdf.name        # the Phụ lục, landscape
        png = tmp_path / "png" / pdf.stem
        png.parent.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
        rendered = list(png.parent.glob(f"{pdf.stem}*.png"))
        assert rendered and rendered[0].stat().st_size > 2000, pdf.name


NARRATIVE_PAGES = 2       # issue 16: a principal signs about two pages, then the Phụ lục


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext puts a form feed after every page)."""
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return words.split("\f")[:-1]


def test_demo_results_report_narrative_fits_two_pages(soffice, tmp_path):
    """The demo results report as a user makes it (kdcl demo, kdcl bao-cao --loai ket-qua), rendered by
    LibreOffice: the text before the Phụ lục, signature block included, fills at most two pages (the last
    of them carries body text above the signature, not the signature alone)."""
    from xlbridge.cli import main
    from xlbridge.demo import DEMO_FILE
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert main(["demo", str(tmp_path / "vi-du")]) in (0, 1)
    out = tmp_path / "kq" / "ket-qua.docx"
    out.parent.mkdir()
    assert main(["bao-cao", str(tmp_path / "vi-du" / DEMO_FILE), "--loai", "ket-qua", "-o", str(out)]) == 0
    pages = _page_texts(to_pdf([out], tmp_path / "pdf")[0])
    lines = [[line for line in page.splitlines() if line.strip() and not line.strip().isdigit()] for page in pages]
    appendix = next(i for i, page in enumerate(lines) if page and "PHỤ LỤC" in page[0])   # the page number aside
    narrative, lines = pages[:appendix], lines[:appendix]
    assert len(narrative) <= NARRATIVE_PAGES, (len(narrative), [len(p) for p in lines], lines[-1])
    last = lines[-1]
    signature = next(k for k, line in enumerate(last) if "Nơi nhận" in line)
    assert signature >= 3, last                                   # text ends on the signature's page

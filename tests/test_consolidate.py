"""`kdcl tong-hop`: the reader it shares with kiem-tra, discovery of files and e-mails, duplicates, the outputs,
and a corpus of hostile inputs (tests/make_bad_corpus.py) — each lands in "Không đọc được" or gets findings,
no input is changed, the run never stops.

Real components throughout: workbooks built with the real builder and filled with openpyxl, e-mails built with
the standard library, worker processes forked for real, LibreOffice where an office suite must save or open.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mailbox
import os
import re
import shutil
import zipfile
import zlib
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import SEEDS, TODAY, TT57, seed_workbook, tt57_workbook
from make_bad_corpus import make_corpus

from xlbridge.check import check_file, check_grid
from xlbridge.cli import main
from xlbridge.consolidate import records
from xlbridge.consolidate.fastgrid import load_grid_safe, special_cells, special_cells_exact
from xlbridge.consolidate.package import open_package
from xlbridge.consolidate.progress import Progress, bar_line
from xlbridge.consolidate.reasons import Rejected
from xlbridge.consolidate.run import Options, consolidate, outcomes
from xlbridge.consolidate.sources import discover
from xlbridge.consolidate.tables import local_time
from xlbridge.consolidate.texts import texts
from xlbridge.consolidate.worker import check_chunk
from xlbridge.core.summary import count
from xlbridge.data.catalog import get_framework
from xlbridge.io.grid import is_formula, load_grid, load_grid_openpyxl
from xlbridge.io.reader import read_grid

WORKBOOKS = [("seed", n) for n in sorted(SEEDS)] + [("tt57", n) for n in sorted(TT57)]
S1 = "Tiêu chuẩn 1"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """The seven transcribed documents, each in a real filled template (built once for the module)."""
    folder = tmp_path_factory.mktemp("books")
    return {name: (seed_workbook if kind == "seed" else tt57_workbook)(folder, name) for kind, name in WORKBOOKS}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def normalized(grid: dict) -> dict:
    """A Grid without trailing empty rows and cells ("" and None are the same empty cell), formula cells marked."""
    out = {}
    for sheet, rows in grid.items():
        clean = []
        for row in rows:
            cells = [None if v == "" else ("=f", str(v)) if is_formula(v) else v for v in row]
            while cells and cells[-1] is None:
                cells.pop()
            clean.append(cells)
        while clean and not clean[-1]:
            clean.pop()
        out[sheet] = clean
    return out


def facts(result) -> tuple:
    """What a check says: its findings and its summary."""
    return result.findings, result.summary.to_dict()


def set_saved(path: Path, when: str) -> None:
    """Give a workbook another "last saved" time (docProps/core.xml), as if Excel had saved it then."""
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + when.encode() + rb"\2", data)
            z.writestr(name, data)


def edit(path: Path, fn, dst: Path | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(dst or path)
    return dst or path


def rename(name: str):
    def fn(wb):
        for row in wb["Thông tin"].iter_rows(max_col=2):
            if str(row[0].value or "").startswith("Tên trường"):
                row[1].value, row[1].data_type = name, "s"       # text, even when it starts with "="
    return fn


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    """A table of the consolidation workbook as dicts keyed by header (header on row 3, data below)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


# ---- one reader for kiem-tra and tong-hop -------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for _k, n in WORKBOOKS])
def test_fast_reader_gives_the_openpyxl_grid(books, name):
    path = books[name]
    assert normalized(load_grid_safe(path)) == normalized(load_grid_openpyxl(path))
    assert normalized(load_grid(path)) == normalized(load_grid_safe(path))


@pytest.mark.parametrize("name", [n for _k, n in WORKBOOKS])
def test_both_readers_give_identical_checks(books, name):
    path = books[name]
    fast = check_grid(load_grid_safe(path), path.name, TODAY)
    reference = check_grid(load_grid_openpyxl(path), path.name, TODAY)
    assert facts(fast) == facts(reference)
    assert facts(check_file(path, TODAY)) == facts(fast)          # kdcl kiem-tra reads through the same path


def test_formulas_errors_and_quoted_text_agree(tmp_path, books):
    """A formula typed into input cells (O01, from the formula text), Excel error values (O02), and text that only
    starts with "=" (typed with the apostrophe the O01 hint recommends: not a formula) — the same on both readers."""
    def typed(wb):
        ws = wb[S1]
        ws["D8"].value = "=Kiện toàn tổ chuyên môn"
        ws["E9"].value = "=SUM(1,2)"
        ws["C12"].value, ws["C12"].data_type = "#NAME?", "e"
        ws["D12"].value = "=Tổ trưởng"
        ws["D12"].data_type, ws["D12"].quotePrefix = "s", True
    path = edit(books["ket-qua-thpt"], typed, tmp_path / "cong-thuc.xlsx")
    fast = check_grid(load_grid_safe(path), path.name, TODAY)
    assert facts(fast) == facts(check_grid(load_grid_openpyxl(path), path.name, TODAY))
    at = {(f.rule, f.cell) for f in fast.findings if f.sheet == S1}
    assert {("O01", "D8"), ("O01", "E9"), ("O02", "C12")} <= at
    assert ("O01", "D12") not in at
    o01 = next(f for f in fast.findings if f.rule == "O01" and f.cell == "D8")
    assert "=Kiện toàn tổ chuyên môn" in o01.message


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}worksheet xmlns{x}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}dimension ref="A1:D4"/>
<{p}sheetData>
<{p}row r="1"><{p}c r="A1"><{p}v>1</{p}v></{p}c><{p}c r="B1"><{p}f t="shared" ref="B1:B3" si="0">A1*2</{p}f><{p}v>2</{p}v></{p}c>
<{p}c r="C1" t="str"><{p}f>"a&amp;b"&amp;"&#7889;"</{p}f><{p}v>a&amp;bố</{p}v></{p}c></{p}row>
<{p}row r="2"><{p}c r="A2"><{p}v>2</{p}v></{p}c><{p}c r="B2"><{p}f t="shared" si="0"/><{p}v>4</{p}v></{p}c>
<{p}c r="C2" t="e"><{p}v>#N/A</{p}v></{p}c><{p}c r="D2" t="e"><{p}f>1/0</{p}f><{p}v>#DIV/0!</{p}v></{p}c></{p}row>
<{p}row r="3"><{p}c r="B3"><{p}f t="shared" si="0"/><{p}v>0</{p}v></{p}c>
<{p}c r="C3"><{p}f t="array" ref="C3">SUM(A1:A2*2)</{p}f></{p}c></{p}row>
<{p}row r="4"><{p}c r="A4" t="inlineStr"><{p}is><{p}t>không phải &lt;f&gt;</{p}t></{p}is></{p}c>
<{p}c r="B4"><{p}f/></{p}c></{p}row>
</{p}sheetData><{p}conditionalFormatting sqref="A1"><{p}cfRule type="expression"><{p}formula>A1&gt;0</{p}formula></{p}cfRule>
</{p}conditionalFormatting><{p}extLst><{p}ext><xm:f xmlns:xm="urn:x">Lists!A1</xm:f></{p}ext></{p}extLst></{p}worksheet>"""


@pytest.mark.parametrize("prefix", ["", "x"])
def test_formula_cells_from_the_sheet_xml(prefix):
    """Shared formulas translated as openpyxl does, error cells, a formula's text winning over its error result;
    <formula> of conditional formats and <xm:f> of extensions are not cells; a namespace prefix changes nothing."""
    xml = SHEET.format(p=f"{prefix}:" if prefix else "", x=f":{prefix}" if prefix else "").encode()
    cells = special_cells(xml)
    assert cells == special_cells_exact(xml)
    assert cells == {(1, 2): "=A1*2", (1, 3): '="a&b"&"ố"', (2, 2): "=A2*2", (2, 3): "#N/A", (2, 4): "=1/0",
                     (3, 2): "=A3*2", (3, 3): "=SUM(A1:A2*2)", (4, 2): "="}
    assert all(is_formula(v) for k, v in cells.items() if k != (2, 3)) and not is_formula(cells[(2, 3)])


def test_unusual_sheet_xml_takes_the_exact_parse():
    """Cells without addresses and comments in the XML: the full parse numbers cells as Excel and openpyxl do."""
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- <f>x</f> --><sheetData>'
           b'<row><c><v>1</v></c><c><f>A1+1</f></c></row><row r="5"><c t="e"><v>#REF!</v></c></row></sheetData></worksheet>')
    assert special_cells(xml) == special_cells_exact(xml) == {(1, 2): "=A1+1", (5, 1): "#REF!"}


def test_fast_and_exact_formula_scans_agree_on_every_sheet(books):
    for path in books.values():
        package = open_package(path.read_bytes(), path.name)
        for _sheet, part in package.sheets:
            assert special_cells(package.parts[part]) == special_cells_exact(package.parts[part]), (path.name, part)


def test_workbook_saved_by_libreoffice_reads_the_same(tmp_path, books, soffice):
    """LibreOffice writes its own XML (shared strings, its styles, cached formula results): both readers agree."""
    import subprocess
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx:Calc Office Open XML", "--outdir", str(out),
                    str(books["ket-qua-thpt"])], check=True, capture_output=True, timeout=180)
    path = out / books["ket-qua-thpt"].name
    fast = check_grid(load_grid_safe(path), path.name, TODAY)
    assert facts(fast) == facts(check_grid(load_grid_openpyxl(path), path.name, TODAY))
    assert len(fast.book.items) == 34


# ---- the same figures as each workbook's own summary ---------------------------------------------------------

@pytest.mark.parametrize("name", [n for _k, n in WORKBOOKS])
def test_totals_are_the_summary_figures(books, name):
    """The worker (fast reader) and `kiem-tra` (openpyxl reader) give the same figures per standard, and per
    criterion the same counting as the summary."""
    path = books[name]
    [entry] = discover([str(path)])
    out = check_chunk([entry], TODAY)[0]
    summary = check_file(path, TODAY).summary
    assert out.unreadable is None
    assert [s[2:] for s in out.standards] == [(r.sheet, *records.totals(r.counts)) for r in summary.rows]
    assert out.school["ht_chung"] == summary.total.counts.completion
    assert out.school["so_noi_dung"] == summary.total.counts.items
    book = read_grid(load_grid(path), path.name)
    by_code = {code: totals for _fw, code, *totals in out.criteria}
    for code, got in by_code.items():
        items = [it for it in book.items if it.criterion == code]
        assert tuple(got) == records.totals(count(items, summary.report_date, book.phase_order)), code
    assert sum(t[0] for t in by_code.values()) == sum(1 for it in book.items if it.criterion and
                                                      book.framework.criterion(it.criterion) is not None)


# ---- discovery: folders, e-mails, mailboxes -------------------------------------------------------------------

def email(subject: str, attachments: list[tuple[str, bytes]], sent: datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, "Trường THCS Thạnh Đông <c2thanhdong@kiengiang.edu.vn>", "pgd@x.vn"
    msg["Date"] = format_datetime(sent or datetime(2025, 5, 30, 8, 15, tzinfo=timezone(timedelta(hours=7))))
    msg.set_content("Kính gửi Phòng GDĐT: trường gửi kế hoạch cải tiến chất lượng.")
    for name, data in attachments:
        kind = "vnd.openxmlformats-officedocument.spreadsheetml.sheet" if name.endswith("x") else "pdf"
        msg.add_attachment(data, maintype="application", subtype=kind, filename=name)
    return msg


def test_discovery_of_files_folders_emails_and_mailboxes(tmp_path, books):
    root = tmp_path / "nhan"
    (root / "dot-1" / "le").mkdir(parents=True)
    shutil.copy(books["ket-qua-thpt"], root / "dot-1" / "thpt.xlsx")
    shutil.copy(books["mam-non"], root / "dot-1" / "le" / "mam-non.xlsm")
    (root / "dot-1" / "ghi-chu.txt").write_text("không phải sổ")
    (root / "dot-1" / "~$thpt.xlsx").write_bytes(b"\x05Lan  ")
    (root / "thu-outlook.msg").write_bytes(b"\xd0\xcf\x11\xe0")
    data = books["ket-qua-thcs"].read_bytes()
    (root / "thu.eml").write_bytes(bytes(email("Báo cáo KĐCL", [("Kế hoạch cải tiến THCS.xlsx", data),
                                                                ("cong-van.pdf", b"%PDF-1.4")])))
    (root / "quen-dinh-kem.eml").write_bytes(bytes(email("Gửi báo cáo", [("bao-cao.pdf", b"%PDF-1.4")])))
    box = mailbox.mbox(root / "hop-thu.mbox")
    box.add(email("Thư 1", [("a.xlsx", data), ("b.xlsx", books["gdtx"].read_bytes())]))
    box.add(email("From the start: no attachment", []))
    wrapper = EmailMessage()
    wrapper["Subject"], wrapper["From"] = "Fwd: Thư 3", "Tổ KĐCL <to@x.vn>"
    wrapper.set_content("Chuyển tiếp.")
    wrapper.add_attachment(email("Thư 3", [("c.xlsx", data)]))          # a forwarded message with its attachment
    box.add(wrapper)
    box.flush()
    box.close()
    before = {p: digest(p) for p in root.rglob("*") if p.is_file()}
    skipped: list[Path] = []
    entries = list(discover([root, root / "dot-1" / "thpt.xlsx", tmp_path / "khong-co", root / "dot-1" / "~$thpt.xlsx"],
                            skipped=skipped))
    by_name = {e.name: e for e in entries}
    assert [e.seq for e in entries] == list(range(len(entries)))
    assert [p.name for p in skipped] == ["~$thpt.xlsx"]          # in a folder: Excel's lock file is no input
    assert set(by_name) == {"thpt.xlsx", "mam-non.xlsm", "~$thpt.xlsx", "thu-outlook.msg", "Kế hoạch cải tiến THCS.xlsx",
                            "quen-dinh-kem.eml", "a.xlsx", "b.xlsx", "hop-thu.mbox #2", "c.xlsx", "khong-co"}
    assert len(entries) == len(by_name)                               # thpt.xlsx named twice: read once
    odd = check_chunk([by_name["~$thpt.xlsx"], by_name["thu-outlook.msg"]])
    kinds = {o.unreadable["tep"]: o.unreadable["_kind"] for o in odd}
    assert kinds == {"~$thpt.xlsx": "tep-tam", "thu-outlook.msg": "dinh-dang-khac"}
    assert by_name["quen-dinh-kem.eml"].problem == "thu-khong-co-so"
    assert "bao-cao.pdf" in by_name["quen-dinh-kem.eml"].detail["attachments"]
    assert by_name["hop-thu.mbox #2"].problem == "thu-khong-co-so" and by_name["khong-co"].problem == "khong-tim-thay"
    thcs = by_name["Kế hoạch cải tiến THCS.xlsx"]
    assert thcs.load() == data and "Báo cáo KĐCL" in thcs.origin and "Thạnh Đông" in thcs.sender
    assert thcs.sent == datetime(2025, 5, 30, 1, 15)                  # kept in UTC
    assert by_name["b.xlsx"].load() == books["gdtx"].read_bytes() and "thư thứ 1" in by_name["b.xlsx"].origin
    assert by_name["c.xlsx"].load() == data
    with pytest.raises(Rejected) as exc:
        by_name["khong-co"].load()
    assert exc.value.kind == "khong-tim-thay"
    assert before == {p: digest(p) for p in root.rglob("*") if p.is_file()}


# ---- the consolidation end to end ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def district(tmp_path_factory, books):
    """A district's inbox: five workbooks in folders, one by e-mail, a resubmission, an e-mail without a workbook."""
    root = tmp_path_factory.mktemp("phong")
    inbox = root / "bai-nop"
    (inbox / "truong").mkdir(parents=True)
    for name in ("ket-qua-thpt", "ke-hoach-th-thcs", "tien-do-tieu-hoc", "mam-non", "gdtx"):
        shutil.copy(books[name], inbox / "truong" / f"{name}.xlsx")
    first = edit(books["pho-thong"], lambda wb: None, inbox / "truong" / "tan-hoi-lan-1.xlsx")
    set_saved(first, "2027-01-10T02:00:00Z")
    def amend(wb):
        wb[S1]["B21"].value = "Bổ sung sau góp ý của tổ giám sát"
    second = edit(books["pho-thong"], amend, root / "tan-hoi-lan-2.xlsx")
    set_saved(second, "2027-01-12T09:30:00Z")
    (inbox / "thu-tan-hoi.eml").write_bytes(bytes(email("Trường THCS Tân Hội gửi lại", [("lan-2.xlsx", second.read_bytes())])))
    (inbox / "thu-thieu.eml").write_bytes(bytes(email("Báo cáo", [])))
    before = {p: digest(p) for p in inbox.rglob("*") if p.is_file()}
    out = root / "tong-hop.xlsx"
    report = consolidate(Options([str(inbox)], out, csv=root / "csv", parquet=root / "parquet", jobs=2, today=TODAY))
    return {"inbox": inbox, "out": out, "report": report, "root": root, "before": before}


def test_tong_hop_lists_every_school_once(district, books):
    rows = sheet_rows(district["out"], texts().tables["danh_sach"].sheet)
    names = sorted(r["Tên trường"] or "" for r in rows)
    assert len(rows) == 6 and district["report"].schools == 6 and district["report"].duplicates == 1
    assert "Trường THCS Tân Hội" in names and "Trường THPT Giồng Riềng" in names
    thpt = next(r for r in rows if r["Tên trường"] == "Trường THPT Giồng Riềng")
    result = check_file(books["ket-qua-thpt"], TODAY)
    summary = result.summary
    assert thpt["Số nội dung"] == 34 and thpt["Số lỗi"] == result.errors and thpt["Số cảnh báo"] == result.warnings
    assert thpt["% HT Tiêu chuẩn 1"] == pytest.approx(summary.row(S1).counts.completion)
    assert thpt["% hoàn thành chung"] == pytest.approx(summary.total.counts.completion)
    assert thpt["Thông tư"] == "18/2018" and thpt["Cấp học"] == "THPT" and thpt["Nguồn (thư mục hoặc thư)"].endswith(".xlsx")
    tan_hoi = next(r for r in rows if r["Tên trường"] == "Trường THCS Tân Hội")
    assert tan_hoi["Tệp"] == "lan-2.xlsx" and "gửi lại" in tan_hoi["Nguồn (thư mục hoặc thư)"]
    assert tan_hoi["Bản nộp trùng đã bỏ qua"] == 1 and "Thạnh Đông" in tan_hoi["Người gửi"]


def test_findings_are_kiem_tra_findings(district, books):
    """Per school, the "Lỗi" sheet lists exactly what kdcl kiem-tra reports for that workbook."""
    rows = sheet_rows(district["out"], texts().tables["loi"].sheet)
    for name in ("ket-qua-thpt", "tien-do-tieu-hoc", "gdtx"):
        result = check_file(books[name], TODAY)
        mine = [(r["Trang tính"] or "", r["Ô"] or "", r["Mã quy tắc"], r["Nội dung"]) for r in rows
                if r["Tệp"] == f"{name}.xlsx"]
        assert mine == [(f.sheet or "", f.cell or "", f.rule, f.message) for f in result.findings], name
    assert {r["Mức độ"] for r in rows} <= {"Lỗi", "Cảnh báo"}


def test_duplicates_keep_the_last_saved(district):
    dups = sheet_rows(district["out"], texts().tables["ban_trung"].sheet)
    assert [(d["Tệp bỏ qua"], d["Tệp được tính"]) for d in dups] == [("tan-hoi-lan-1.xlsx", "lan-2.xlsx")]
    assert dups[0]["Ngày lưu"] < dups[0]["Ngày lưu của tệp được tính"]


def test_unreadable_inputs_are_listed(district):
    rows = sheet_rows(district["out"], texts().tables["khong_doc_duoc"].sheet)
    assert [(r["Tệp"], r["Loại"]) for r in rows] == [("thu-thieu.eml", texts().reasons["thu-khong-co-so"].label)]
    assert rows[0]["Cách xử lý"] and rows[0]["Người gửi"]
    assert rows[0]["Ngày gửi thư"] == local_time(datetime(2025, 5, 30, 1, 15))


def test_criteria_and_standards_tables(district):
    crit = sheet_rows(district["out"], texts().tables["theo_tieu_chi"].sheet)
    tt18 = [r for r in crit if r["Bộ tiêu chuẩn (thông tư · cấp học)"].startswith("18/2018")]
    assert len(tt18) == len(get_framework("tt18-2018-trung-hoc").criteria())
    assert all(r["Số trường (cùng bộ tiêu chuẩn)"] == 2 for r in tt18)          # the THPT and the TH&THCS
    planned = {r["Mã"]: r for r in tt18 if r["Số trường có kế hoạch cải tiến"]}
    assert planned and all(r["Số nội dung"] >= r["Số trường có kế hoạch cải tiến"] for r in planned.values())
    assert sum(r["Số nội dung"] for r in tt18) == 34 + 4
    std = sheet_rows(district["out"], texts().tables["theo_tieu_chuan"].sheet)
    assert sum(r["Số nội dung"] for r in std) == district["report"].items
    wb = openpyxl.load_workbook(district["out"])
    names = [texts().tables[k].sheet for k in ("danh_sach", "loi", "theo_tieu_chi", "theo_tieu_chuan")]
    assert wb.sheetnames == [*names, texts().chart["sheet"], texts().tables["theo_muc"].sheet,
                             texts().tables["sap_len_muc"].sheet, texts().tables["khong_doc_duoc"].sheet,
                             texts().tables["ban_trung"].sheet]
    chart = wb[texts().chart["sheet"]]._charts[0]                     # one series per framework in the district
    assert len(chart.series) == len({r["Bộ tiêu chuẩn (thông tư · cấp học)"] for r in std}) == 5


def test_csv_and_parquet_hold_the_same_tables(district):
    import pandas as pd
    for key, table in texts().tables.items():
        frame = pd.read_csv(district["root"] / "csv" / f"{key}.csv")
        parquet = pd.read_parquet(district["root"] / "parquet" / f"{key}.parquet")
        rows = sheet_rows(district["out"], table.sheet)
        assert len(frame) == len(parquet) == len(rows), key
        assert list(frame.columns) == list(parquet.columns)
    schools = pd.read_parquet(district["root"] / "parquet" / "danh_sach.parquet")
    assert {"ten_truong", "so_loi", "ht_tc1", "ht_muc4", "ht_chung", "ngay_luu"} <= set(schools.columns)
    assert schools["so_noi_dung"].sum() == district["report"].items and schools["ht_chung"].between(0, 1).all()


def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path, books, capsys, without_pyarrow):
    """pyarrow is the extra kdcl[parquet]: without it --parquet is a Vietnamese message (exit 2), the workbook is written."""
    code = main(["tong-hop", str(books["ket-qua-thpt"]), "-o", str(tmp_path / "th.xlsx"), "--parquet", str(tmp_path / "pq"),
                 "-j", "1", "--khong-tien-do"])
    err = capsys.readouterr().err
    assert code == 2 and "kdcl[parquet]" in err and "--csv" in err and "Traceback" not in err
    assert (tmp_path / "th.xlsx").is_file() and not list(tmp_path.rglob("*.parquet"))


def test_inputs_are_never_changed(district):
    inbox = district["inbox"]
    assert district["before"] == {p: digest(p) for p in inbox.rglob("*") if p.is_file()}
    assert not [p for p in district["root"].rglob(".kdcl-*")]                  # no temporary file left behind


def test_parallel_run_equals_one_process(tmp_path, district):
    consolidate(Options([str(district["inbox"])], tmp_path / "a.xlsx", csv=tmp_path / "mot", jobs=1, today=TODAY))
    for key in texts().tables:
        assert (tmp_path / "mot" / f"{key}.csv").read_bytes() == (district["root"] / "csv" / f"{key}.csv").read_bytes(), key


def test_school_text_never_becomes_a_formula(tmp_path, books):
    src = edit(books["gdtx"], rename('=HYPERLINK("http://x.vn","Bấm vào")'), tmp_path / "la.xlsx")
    consolidate(Options([str(src)], tmp_path / "out.xlsx", today=TODAY))
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")[texts().tables["danh_sach"].sheet]
    cell = ws.cell(4, 2)
    assert cell.value == '=HYPERLINK("http://x.vn","Bấm vào")' and cell.data_type == "s"


# ---- hostile inputs ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "goc").mkdir()
    good = seed_workbook(root / "goc", "ket-qua-thpt")
    return make_corpus(root / "corpus", good, shutil.which("soffice"))


def test_hostile_corpus_in_one_run(tmp_path, corpus):
    before = {p.name: digest(p) for p in corpus.folder.iterdir()}
    out = tmp_path / "tong-hop.xlsx"
    report = consolidate(Options([str(corpus.folder)], out, csv=tmp_path / "csv", jobs=2, today=TODAY))
    assert before == {p.name: digest(p) for p in corpus.folder.iterdir()}
    with (tmp_path / "csv" / "khong_doc_duoc.csv").open(encoding="utf-8-sig") as fh:
        unreadable = {r["tep"]: r for r in csv.DictReader(fh)}
    with (tmp_path / "csv" / "loi.csv").open(encoding="utf-8") as fh:
        found: dict[str, set[str]] = {}
        for r in csv.DictReader(fh):
            found.setdefault(r["tep"], set()).add(r["ma"])
    with (tmp_path / "csv" / "danh_sach.csv").open(encoding="utf-8") as fh:
        read = {r["tep"] for r in csv.DictReader(fh)}
    labels = {k: r.label for k, r in texts().reasons.items()}
    assert [p.name for p in report.skipped] == [c.name for c in corpus.cases if c.name.startswith("~$")]
    cases = [c for c in corpus.cases if not c.name.startswith("~$")]     # lock files in a folder are skipped
    for case in cases:
        if case.reason:
            assert case.name in unreadable, case.name
            assert unreadable[case.name]["loai"] == labels[case.reason], (case.name, unreadable[case.name]["ly_do"])
            assert unreadable[case.name]["ly_do"] and unreadable[case.name]["cach_xu_ly"]
        else:
            assert case.name in read and case.rules <= found.get(case.name, set()), case.name
    assert report.unreadable == sum(1 for c in cases if c.reason)
    assert report.schools == sum(1 for c in cases if not c.reason)


def test_hostile_corpus_with_kiem_tra(corpus, capsys):
    """The same verdicts from kdcl kiem-tra, one file at a time: exit 2 with the reason, or the findings."""
    for case in corpus.cases:
        code = main(["kiem-tra", str(corpus.path(case.name)), "--ngay", "23/11/2026"])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, case.name
        if case.reason:
            assert code == 2 and err.startswith(f"Không đọc được sổ: {case.name}: "), case.name
            assert texts().reasons[case.reason].message.split("{")[0] in err, (case.name, err)
        else:
            assert code in (0, 1) and all(rule in out for rule in case.rules), case.name


def test_macros_are_never_read(corpus):
    """The .xlsm's VBA part is corrupt on purpose: had anything inflated it, reading would fail."""
    package = open_package(corpus.path("co-macro.xlsm").read_bytes(), "co-macro.xlsm")
    assert package.macros and not any("vba" in part.lower() for part in package.parts)
    with zipfile.ZipFile(corpus.path("co-macro.xlsm")) as z, pytest.raises(zlib.error):
        z.read("xl/vbaProject.bin")
    assert read_grid(load_grid(corpus.path("co-macro.xlsm"))).items


def test_zip_bomb_refused_before_inflating(corpus):
    import tracemalloc
    data = corpus.path("bom-nen.xlsx").read_bytes()
    tracemalloc.start()
    with pytest.raises(Rejected) as exc:
        open_package(data, "bom-nen.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert exc.value.kind == "bom-nen" and peak < 5 * 1024 * 1024


# ---- workers, progress, the command ---------------------------------------------------------------------------

def crash_on_second(entries, today):
    """Work that kills its worker process on one input (as a crash in a native library would)."""
    if any(e.name == "truong-2.xlsx" for e in entries):
        os._exit(3)
    return check_chunk(entries, today)


def test_a_dead_worker_costs_one_input(tmp_path, books):
    folder = tmp_path / "lo"
    folder.mkdir()
    for i in range(10):
        edit(books["gdtx"], rename(f"Trung tâm GDTX số {i}"), folder / f"truong-{i}.xlsx")
    got = list(outcomes(list(discover([folder])), 2, TODAY, crash_on_second))
    assert len(got) == 10
    dead = [o for o in got if o.unreadable]
    assert [(o.unreadable["tep"], o.unreadable["_kind"]) for o in dead] == [("truong-2.xlsx", "loi-khac")]
    assert "dừng đột ngột" in dead[0].unreadable["ly_do"]


def test_progress_bar(tmp_path):
    assert bar_line(0, 1000, 0.0) == "[" + "." * 28 + "] 0/1000 tệp · 0,0 tệp/giây"
    line = bar_line(500, 1000, 10.0, unreadable=3)
    assert line.startswith("[" + "#" * 14 + "." * 14 + "] 500/1000 tệp · 50,0 tệp/giây · còn khoảng 10 giây")
    assert line.endswith("· 3 không đọc được")
    stream = io.StringIO()
    bar = Progress(2, stream, enabled=True)
    bar.step()
    bar.step(unreadable=True)
    bar.close()
    assert stream.getvalue().count("\r") >= 1 and "2/2 tệp" in stream.getvalue() and stream.getvalue().endswith("\n")
    quiet = io.StringIO()
    Progress(2, quiet).step()                  # not a terminal: no bar
    assert quiet.getvalue() == ""


def test_cli_tong_hop(tmp_path, books, capsys):
    folder = tmp_path / "vao"
    folder.mkdir()
    shutil.copy(books["mam-non"], folder / "mn.xlsx")
    out = tmp_path / "th.xlsx"
    code = main(["tong-hop", str(folder), "-o", str(out), "--ngay", "23/11/2026"])
    text, err = capsys.readouterr()
    assert code == 0 and out.exists() and "Sổ của 1 trường" in text and "\r" not in err
    code = main(["tong-hop", str(folder), "-o", str(out)])
    assert code == 2 and "--ghi-de" in capsys.readouterr().err
    assert main(["tong-hop", str(folder), str(tmp_path / "khong-co"), "-o", str(out), "--ghi-de"]) == 2
    assert str(tmp_path / "khong-co") in capsys.readouterr().err       # a mistyped input: exit 2, named
    assert main(["tong-hop", str(folder / "mn.xlsx"), "-o", str(folder / "mn.xlsx")]) == 2
    assert "Không ghi đè" in capsys.readouterr().err
    (tmp_path / "rong").mkdir()
    assert main(["tong-hop", str(tmp_path / "rong"), "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "Không tìm thấy tệp Excel" in err and "Traceback" not in err
    assert main(["tong-hop", str(folder), "-o", str(tmp_path / "x.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    school = folder / "mn.xlsx"                    # a school's workbook in the input folder: never overwritten
    before = digest(school)
    assert main(["tong-hop", str(folder), "-o", str(school), "--ghi-de"]) == 2
    assert "không ghi đè" in capsys.readouterr().err and digest(school) == before
    assert main(["tong-hop", str(folder), "-o", str(folder / "th.xlsx")]) == 0          # its own output in the folder:
    assert main(["tong-hop", str(folder), "-o", str(folder / "th.xlsx"), "--ghi-de"]) == 0   # skipped, replaced
    assert "Sổ của 1 trường" in capsys.readouterr().out


def test_output_opens_in_libreoffice(district, soffice, tmp_path):
    import subprocess
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(district["out"])],
                   check=True, capture_output=True, timeout=180)
    assert (tmp_path / "tong-hop.pdf").stat().st_size > 10_000


def test_report_date_field_is_a_date(district):
    rows = sheet_rows(district["out"], texts().tables["danh_sach"].sheet)
    dated = [r["Ngày báo cáo"] for r in rows if r["Ngày báo cáo"]]
    assert dated and all(isinstance(d, datetime) and d.date() > date(2020, 1, 1) for d in dated)


def test_long_tables_keep_their_row_heights(tmp_path):
    """Row heights are set for wrapped text and forgotten once written (memory flat in the number of rows)."""
    from xlbridge.consolidate.tables import OutTable, columns
    from xlbridge.consolidate.workbook import LINE, WRAPPED, write_workbook
    from xlbridge.template.builder import row_height
    text = texts().tables["loi"]
    cols = columns(text)

    def rows():
        for i in range(4500):
            yield [i + 1, "Trường THCS A", "a.xlsx", S1, f"C{i}", "Lỗi", "KH01", "Nội dung cần sửa. " * (i % 7), "Sửa."]
    write_workbook([OutTable("loi", text.sheet, text.title, cols, rows)], tmp_path / "dai.xlsx", "")
    ws = openpyxl.load_workbook(tmp_path / "dai.xlsx")[text.sheet]
    wrapped = [j for j, c in enumerate(cols) if c.key in WRAPPED]
    for i in (0, 1998, 1999, 2000, 2001, 4001, 4499):
        values = list(rows())[i]
        want = row_height([(str(values[j]), cols[j].width) for j in wrapped], LINE)
        assert ws.row_dimensions[4 + i].height == (want if want > LINE + 4 else None), i


def test_a_consolidation_in_the_folder_is_no_input_whatever_its_zip_tail(tmp_path, books):
    """kdcl's own output found in a folder is skipped, also when its zip ends with a comment (the central directory
    is found from the end record); a school's workbook with custom properties of its own is still an input."""
    from xlbridge.consolidate.sources import _walk
    folder = tmp_path / "nop"
    folder.mkdir()
    school = folder / "truong.xlsx"
    shutil.copyfile(books["ket-qua-thpt"], school)
    assert main(["tong-hop", str(folder), "-o", str(folder / "tong-hop.xlsx"), "--khong-tien-do"]) in (0, 1)
    shutil.copyfile(folder / "tong-hop.xlsx", folder / "tong-hop-cu.xlsx")
    for name, comment in (("tong-hop.xlsx", 3000), ("tong-hop-cu.xlsx", 20_000)):   # within the first read, past it
        with zipfile.ZipFile(folder / name, "a") as z:
            z.comment = b"x" * comment                   # the end record is no longer the file's last 22 bytes
    wb = openpyxl.load_workbook(books["ket-qua-thpt"])
    from openpyxl.packaging.custom import StringProperty
    wb.custom_doc_props.append(StringProperty(name="Người lập", value="Tổ văn phòng"))
    own = folder / "co-thuoc-tinh.xlsx"
    wb.save(own)
    with zipfile.ZipFile(own) as z:
        assert "docProps/custom.xml" in z.namelist()
    skipped: list[Path] = []
    found = _walk(folder, skipped)
    assert sorted(p.name for p in found) == ["co-thuoc-tinh.xlsx", "truong.xlsx"]
    assert [p.name for p in skipped] == ["tong-hop-cu.xlsx", "tong-hop.xlsx"]

"""The read side of hostile files (issue 17): the size guard whatever the XML spelling, error values calamine does
not know, damaged XML, out-of-range numbers, metadata that names files, Unicode forms, the memory-capped child.

Every case is a real workbook (the THPT seed, built with the real builder) with one part edited byte by byte, read
by the real reader; the dangerous ones run in a subprocess under RLIMIT_AS so a regression costs a failed test,
not the test run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import seed_workbook
from make_bad_corpus import _rezip, _sheet_part
from make_hostile_corpus import declare_shared_strings

from xlbridge.check import check_file
from xlbridge.consolidate.fastgrid import load_grid_safe
from xlbridge.consolidate.reasons import Rejected

S1 = "Tiêu chuẩn 1"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("hostile-read"), "ket-qua-thpt")


def _append_to_sheet(good: Path, dst: Path, rows: bytes, sheet: str = S1) -> Path:
    part = _sheet_part(good, sheet)
    return _rezip(good, dst, lambda n, d: d.replace(b"</sheetData>", rows + b"</sheetData>") if n == part else d)


def _read_capped(path: Path) -> subprocess.CompletedProcess:
    """load_grid in a child limited to 1 GiB: an allocation bomb fails the assertion instead of the test run."""
    code = ("import resource,sys; resource.setrlimit(resource.RLIMIT_AS,(1<<30,1<<30));"
            "from xlbridge.consolidate.fastgrid import load_grid_safe; from xlbridge.consolidate.reasons import Rejected\n"
            "try:\n g=load_grid_safe(sys.argv[1]); print('OK', sum(len(r) for r in g.values()))\n"
            "except Rejected as e: print('REJECTED', e.kind, e.detail)")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)


FAR = {   # name → rows appended to «Tiêu chuẩn 1»: every legal way to put a value at XFD1048576
    "spaced": b'<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "single-quotes": b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
    "newlines": b'<row\n r\n=\n"1048576"><c\tr\t=\t"XFD1048576"\tt="inlineStr"><is><t>x</t></is></c></row>',
    "cell-without-address": b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>',
    "row-without-address": b'<row><c r="XFD1048576"><v>1</v></c></row>',
    "many-cells-without-address": b'<row r="200000">' + b"<c/>" * 16000 + b"<c><v>1</v></c></row>",
    "lower-case": b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "four-letters": b'<row r="45"><c r="ZZZZ45"><v>1</v></c></row>',
    "beyond-the-grid": b'<row r="99999999999"><c r="A99999999999"><v>1</v></c></row>',
    "prefixed": b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1048576">'
                b'<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    "after-a-comment": b'<!-- far --><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "greater-than-in-a-value": b'<row r="1048576"><c foo="a>b" r="XFD1048576"><v>1</v></c></row>',
    "nested-in-an-element": b'<row r="1048576"><x><c r="XFD1048576"><x><v>1</v></x></c></x></row>',
    "more-cells-than-columns": b'<row r="45">' + b"<c/>" * 17000 + b"</row>",
    "a-row-beyond-the-grid": b'<row r="1048577"/>',
}


@pytest.mark.parametrize("case", sorted(FAR))
def test_far_values_are_refused_whatever_the_spelling(tmp_path, good, case):
    path = _append_to_sheet(good, tmp_path / f"{case}.xlsx", FAR[case])
    done = _read_capped(path)
    assert done.returncode == 0, done.stderr[-400:]
    assert done.stdout.startswith("REJECTED bang-qua-lon"), done.stdout


def test_a_value_in_an_attribute_does_not_fool_the_quick_path(tmp_path, good):
    """`r="A1"` written inside another attribute's value is not an address: the cell has none."""
    rows = b'<row r="1048576"><c foo=\' r="A1"\'><v>1</v></c></row>'
    done = _read_capped(_append_to_sheet(good, tmp_path / "trick.xlsx", rows))
    assert done.stdout.startswith("REJECTED bang-qua-lon"), done.stdout + done.stderr[-300:]


def _with_strings(good: Path, dst: Path, sst: bytes) -> Path:
    return _rezip(good, dst, declare_shared_strings, {"xl/sharedStrings.xml": sst})


@pytest.mark.parametrize("attrs", [b'count="4294967295" uniqueCount="4294967295"', b"uniqueCount = '99999999999'",
                                   b'count="18446744073709551615"'])
def test_declared_string_counts_do_not_allocate(tmp_path, good, attrs):
    """calamine reserves its string table by the declared count: the copy it reads has none; the file still reads."""
    sst = b"<sst " + NS + b" " + attrs + b"><si><t>a</t></si><si><t>b</t></si></sst>"
    path = _with_strings(good, tmp_path / "sst.xlsx", sst)
    before = path.read_bytes()
    done = _read_capped(path)
    assert done.stdout.startswith("OK"), done.stdout + done.stderr[-300:]
    assert path.read_bytes() == before


def test_a_lying_dimension_is_harmless(tmp_path, good):
    part = _sheet_part(good, S1)
    path = _rezip(good, tmp_path / "dim.xlsx", lambda n, d: re.sub(rb'<dimension ref="[^"]*"/>',
                                                                   b'<dimension ref="A1:XFD1048576"/>', d) if n == part else d)
    assert _read_capped(path).stdout.startswith("OK")
    assert load_grid_safe(path)[S1] == load_grid_safe(good)[S1]


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                                   "#GETTING_DATA"])
def test_newer_error_values_are_read_and_reported_at_the_cell(tmp_path, good, error):
    part = _sheet_part(good, S1)
    marked = tmp_path / "marked.xlsx"
    import openpyxl
    wb = openpyxl.load_workbook(good)
    wb[S1]["D8"].value = "@@LOI@@"
    wb.save(marked)
    pattern = rb't="inlineStr"><is><t>@@LOI@@</t></is>'
    path = _rezip(marked, tmp_path / "loi.xlsx", lambda n, d: d.replace(pattern, b't="e"><v>' + error.encode() + b"</v>")
                  if n == part else d)
    assert load_grid_safe(path)[S1][7][3] == error
    result = check_file(path)
    assert any(f.rule == "O02" and f.sheet == S1 and f.cell == "D8" and error in f.message for f in result.findings)


@pytest.mark.parametrize("broken", [b"<row r=\"45\"><c r=\"A45\"><v>1</c></v></row>",    # crossed tags
                                    b"<row r=\"45\"><c r=\"A45\"><v>1</v></c></rw>",      # wrong end tag
                                    b"<row r=\"45\"><c r=\"A45\" r=\"B45\"><v>1</v></c></row>",   # duplicate attribute
                                    b"<row r=\"45\"><c r=\"A45\"><v>1 & 2</v></c></row>"])       # bare &
def test_a_sheet_that_is_not_well_formed_is_unreadable(tmp_path, good, broken):
    path = _append_to_sheet(good, tmp_path / "hong.xlsx", broken)
    with pytest.raises(Rejected) as err:
        load_grid_safe(path)
    assert err.value.kind == "xml-hong"
    assert "dòng 1, cột" in err.value.detail and "sheet" in err.value.detail


AFTER_DATA = {   # name → bytes put right after «Tiêu chuẩn 1»'s </sheetData>: calamine reads nothing there
    "second-sheet-data": b'<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
    "far-row": b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "damaged": b"<mergeCells><x y=1></q>",
}


@pytest.mark.parametrize("case", sorted(AFTER_DATA))
def test_what_follows_sheet_data_changes_no_value(tmp_path, good, case):
    """Only the head of a sheet (to its first </sheetData>) is proved well-formed and bounded, because it is all
    that calamine reads: a far cell, a second sheetData or damage after it allocates nothing and changes nothing."""
    part = _sheet_part(good, S1)
    path = _rezip(good, tmp_path / f"{case}.xlsx",
                  lambda n, d: d.replace(b"</sheetData>", b"</sheetData>" + AFTER_DATA[case], 1) if n == part else d)
    done = _read_capped(path)
    assert done.stdout.startswith("OK"), done.stdout + done.stderr[-300:]
    assert load_grid_safe(path) == load_grid_safe(good)


def test_an_end_tag_in_a_comment_does_not_cut_the_sheet_short(tmp_path, good):
    """A `</sheetData>` inside a comment before the real one: the head is not well-formed, the whole sheet is
    parsed, and a far value after the comment is still found."""
    part = _sheet_part(good, S1)
    same = _rezip(good, tmp_path / "comment.xlsx",
                  lambda n, d: d.replace(b"<sheetData>", b"<!-- </sheetData> --><sheetData>", 1) if n == part else d)
    assert load_grid_safe(same) == load_grid_safe(good)
    far = _rezip(same, tmp_path / "comment-far.xlsx",
                 lambda n, d: d.replace(b"</sheetData>", FAR["spaced"] + b"</sheetData>") if n == part else d)
    assert _read_capped(far).stdout.startswith("REJECTED bang-qua-lon")


def test_utf16_sheet_reads_like_utf8(tmp_path, good):
    part = _sheet_part(good, S1)
    path = _rezip(good, tmp_path / "utf16.xlsx", lambda n, d: ('<?xml version="1.0" encoding="UTF-16"?>'
                                                                + d.decode("utf-8")).encode("utf-16") if n == part else d)
    assert load_grid_safe(path) == load_grid_safe(good)


def test_the_file_itself_is_never_patched(tmp_path, good):
    path = _append_to_sheet(good, tmp_path / "spill.xlsx", b'<row r="45"><c r="A45" t="e"><v>#SPILL!</v></c></row>')
    before = path.read_bytes()
    assert load_grid_safe(path)[S1][44][0] == "#SPILL!"
    assert path.read_bytes() == before
    with zipfile.ZipFile(path) as z:
        assert b"#SPILL!" in z.read(_sheet_part(good, S1))


# ---- the memory-capped child ---------------------------------------------------------------------------------

def _heavy(good: Path, dst: Path, strings: int = 900) -> Path:
    """A legal workbook that needs ~150 MB to read: 900 shared strings of 30,000 random letters (not a zip bomb)."""
    import os as _os
    letters = bytes(range(97, 123)) * 10
    table = bytes(letters[b % len(letters)] for b in range(256))
    cells = b"".join(b'<row r="%d"><c r="M%d" t="s"><v>%d</v></c></row>' % (100 + i, 100 + i, i) for i in range(strings))
    sst = b"<sst " + NS + b">" + b"".join(b"<si><t>" + _os.urandom(30_000).translate(table) + b"</t></si>"
                                          for _ in range(strings)) + b"</sst>"
    with_cells = _append_to_sheet(good, dst.with_name("_cells.xlsx"), cells)
    return _with_strings(with_cells, dst, sst)


def test_kiem_tra_refuses_a_read_beyond_the_memory_cap(tmp_path, good):
    path = _heavy(good, tmp_path / "nang.xlsx")
    env = {**__import__("os").environ, "KDCL_BO_NHO_DOC": "1"}        # the floor: what is mapped + 64 MB
    capped = subprocess.run([sys.executable, "-m", "xlbridge.cli", "kiem-tra", str(path)], capture_output=True,
                            text=True, timeout=120, env=env)
    assert capped.returncode == 2, capped.stderr
    assert "nang.xlsx" in capped.stderr and "bộ nhớ" in capped.stderr
    assert "Traceback" not in capped.stderr + capped.stdout and "Error" not in capped.stderr + capped.stdout
    free = subprocess.run([sys.executable, "-m", "xlbridge.cli", "kiem-tra", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert free.returncode in (0, 1), free.stderr


def _abort() -> None:
    import os as _os
    _os.abort()                                  # as calamine does when an allocation fails


def _allocate() -> bytes:
    return bytes(4 << 30)


def _unknown_form() -> None:
    raise Rejected("khong-phai-mau", "so.xlsx", detail="mẫu lạ")


def test_run_capped_turns_a_dying_child_into_a_reason():
    from xlbridge.consolidate.isolate import run_capped
    assert run_capped("a.xlsx", sum, [1, 2, 3]) == 6
    with pytest.raises(Rejected) as dead:
        run_capped("a.xlsx", _abort)
    assert dead.value.kind == "loi-khac" and "dừng đột ngột" in dead.value.detail
    with pytest.raises(Rejected) as memory:
        run_capped("a.xlsx", _allocate)
    assert memory.value.kind == "qua-bo-nho" and "a.xlsx" in str(memory.value)
    with pytest.raises(Rejected) as own:
        run_capped("a.xlsx", _unknown_form)
    assert own.value.kind == "khong-phai-mau" and own.value.detail == "mẫu lạ"


def _abort_on_second(entries, today=None):
    from xlbridge.consolidate.worker import check_chunk
    if any(e.name == "b.xlsx" for e in entries):
        _abort()
    return check_chunk(entries, today)


def test_a_few_files_are_read_in_a_child_too(tmp_path, good):
    """≤ 4 files (or one job): no worker pool, but still never in tong-hop's own process."""
    import shutil

    from xlbridge.consolidate.run import outcomes
    from xlbridge.consolidate.sources import discover
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(good, tmp_path / name)
    got = list(outcomes(list(discover([tmp_path])), 1, None, _abort_on_second))
    assert sorted((o.school or o.unreadable)["tep"] for o in got) == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert [(o.unreadable["tep"], o.unreadable["_kind"]) for o in got if o.unreadable] == [("b.xlsx", "loi-khac")]


# ---- one file never ends the run; values out of range are findings ------------------------------------------

def _school(wb, name: str) -> None:
    for row in wb["Thông tin"].iter_rows(max_col=2):
        if str(row[0].value or "").startswith("Tên trường"):
            row[1].value = name


def _edited(good: Path, dst: Path, cells: dict[str, object]) -> Path:
    import openpyxl
    wb = openpyxl.load_workbook(good)
    for ref, value in cells.items():
        wb[S1][ref].value = value
    _school(wb, f"Trường {dst.stem}")
    wb.save(dst)
    return dst


OUT_OF_RANGE = {"xml-vo-cuc": None, "400-chu-so": "9" * 400, "400-chu-so-dong": "9" * 400 + " đồng", "10-mu-40": "1" + "0" * 40,
                "so-1e300": 1e300, "am-10-mu-20": -10 ** 20}


def test_parse_money_refuses_figures_no_plan_can_hold():
    from xlbridge.core.money import MAX_AMOUNT, parse_money
    assert parse_money(MAX_AMOUNT).amount == MAX_AMOUNT
    for value in (MAX_AMOUNT + 1, "9" * 400, "1" + "0" * 40 + " đồng", 1e300, float("inf"), -10 ** 20, "1e999 triệu"):
        money = parse_money(value)
        assert money.amount is None and money.kind == "khong-ro", value


@pytest.fixture(scope="module")
def odd_folder(tmp_path_factory, good) -> Path:
    folder = tmp_path_factory.mktemp("la")
    for stem, value in OUT_OF_RANGE.items():
        if value is not None:
            _edited(good, folder / f"{stem}.xlsx", {"G8": value})
    _edited(good, folder / "so-trong-o-chu.xlsx", {"D8": "9" * 400, "C8": 10 ** 30})
    part = _sheet_part(good, S1)
    broken_formula = (b'<row r="45"><c r="A45"><f t="shared" si="0" ref="A45:A46">"abc</f><v>1</v></c></row>'
                      b'<row r="46"><c r="A46"><f t="shared" si="0"/><v>1</v></c></row>')
    _rezip(_edited(good, folder / "_f.xlsx", {}), folder / "cong-thuc-chung-hong.xlsx",
           lambda n, d: d.replace(b"</sheetData>", broken_formula + b"</sheetData>") if n == part else d)
    (folder / "_f.xlsx").unlink()
    marked = _edited(good, folder / "_g.xlsx", {"G8": "@@SO@@"})
    _rezip(marked, folder / "xml-vo-cuc.xlsx", lambda n, d: d.replace(b't="inlineStr"><is><t>@@SO@@</t></is>',
                                                                     b"><v>1e400</v>") if n == part else d)
    marked.unlink()
    import shutil
    shutil.copy(good, folder / "tot.xlsx")
    return folder


@pytest.mark.parametrize("stem", sorted(OUT_OF_RANGE))
def test_out_of_range_budget_is_a_finding_at_the_cell(odd_folder, stem):
    result = check_file(odd_folder / f"{stem}.xlsx")
    assert any(f.rule == "KP01" and f.cell == "G8" for f in result.findings)
    assert result.summary.total.counts.budget == check_file(odd_folder / "tot.xlsx").summary.total.counts.budget


def test_numbers_and_broken_formulas_in_cells_are_read(odd_folder):
    assert check_file(odd_folder / "so-trong-o-chu.xlsx").book is not None
    grid = load_grid_safe(odd_folder / "cong-thuc-chung-hong.xlsx")
    assert grid[S1][44][0] == '="abc' and grid[S1][45][0] == '="abc'


def test_bao_cao_on_out_of_range_values(odd_folder, tmp_path):
    for stem in ("400-chu-so", "so-1e300", "so-trong-o-chu"):
        done = subprocess.run([sys.executable, "-m", "xlbridge.cli", "bao-cao", str(odd_folder / f"{stem}.xlsx"),
                               "-o", str(tmp_path / f"{stem}.docx")], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr and (tmp_path / f"{stem}.docx").stat().st_size > 0


def test_tong_hop_reads_every_odd_file(odd_folder, tmp_path):
    from xlbridge.consolidate.run import Options, consolidate
    report = consolidate(Options([str(odd_folder)], tmp_path / "th.xlsx", jobs=1))
    assert report.inputs == len(list(odd_folder.glob("*.xlsx")))
    assert report.unreadable == 0 and report.schools == report.inputs


def _overflowing(entries, today=None):
    """The real check, then one school's totals made larger than SQLite's INTEGER (as a crafted file could)."""
    from xlbridge.consolidate.worker import check_chunk
    out = check_chunk(entries, today)
    for o in out:
        if o.school and o.school["tep"] == "b.xlsx":
            o.standards = [(*row[:-2], 10 ** 30, row[-1]) for row in o.standards]
    return out


def test_figures_sqlite_cannot_hold_cost_one_file(tmp_path, good):
    import shutil

    from xlbridge.consolidate.run import Options, consolidate
    folder = tmp_path / "vao"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        _edited(good, folder / name, {}) if name != "a.xlsx" else shutil.copy(good, folder / name)
    import openpyxl
    for name in ("b.xlsx", "c.xlsx"):
        wb = openpyxl.load_workbook(folder / name)
        _school(wb, f"Trường {name}")
        wb.save(folder / name)
    report = consolidate(Options([str(folder)], tmp_path / "th.xlsx", jobs=1), work=_overflowing)
    assert report.schools == 2 and report.unreadable == 1
    assert (tmp_path / "th.xlsx").is_file()


def test_an_unexpected_failure_in_the_worker_is_a_reason(good, monkeypatch):
    from xlbridge.consolidate import worker
    from xlbridge.consolidate.sources import Entry

    def broken(*_args, **_kw):
        raise RuntimeError("something internal")
    monkeypatch.setattr(worker, "check_grid", broken)
    out = worker.check_entry(Entry(0, good.name, str(good), str(good)))
    assert out.unreadable["_kind"] == "loi-khac" and "lỗi nội bộ" in out.unreadable["ly_do"]
    assert "RuntimeError" not in str(out.unreadable)


# ---- Unicode: decomposed text reads as composed ---------------------------------------------------------------

def test_nfd_text_and_sheet_names_read_as_nfc(tmp_path, good):
    """Every text cell and every sheet name rewritten in NFD (as Mac tools write): the same grid, the same findings."""
    import unicodedata

    import openpyxl
    wb = openpyxl.load_workbook(good)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("=") and \
                        unicodedata.normalize("NFD", cell.value) != cell.value:
                    cell.value = unicodedata.normalize("NFD", cell.value)
                    changed += 1
        ws.title = unicodedata.normalize("NFD", ws.title)
    wb.save(tmp_path / "nfd.xlsx")
    assert changed > 100
    assert unicodedata.normalize("NFD", S1) in openpyxl.load_workbook(tmp_path / "nfd.xlsx", read_only=True).sheetnames
    nfd, nfc = load_grid_safe(tmp_path / "nfd.xlsx"), load_grid_safe(good)
    assert list(nfd) == list(nfc)
    assert nfd[S1] == nfc[S1] and nfd["Thông tin"] == nfc["Thông tin"]

    def seen(path: Path) -> list[tuple]:
        return sorted((f.rule, f.sheet, f.cell, f.message) for f in check_file(path).findings)
    assert seen(tmp_path / "nfd.xlsx") == seen(good)


# ---- metadata names data, never files --------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["plan_form", "framework"])
def test_metadata_is_an_identifier_never_a_path(tmp_path, good, key):
    """A received workbook whose _kdcl names a file (absolute, or ../ up to it): no file is read, nothing echoed."""
    import openpyxl
    secret = tmp_path / "bi-mat" / "forms"
    secret.mkdir(parents=True)
    (secret / "ke-hoach.yaml").write_text("BI-MAT-CUA-PHONG: 12345\ncolumns: []\n", encoding="utf-8")
    target = secret / "ke-hoach"
    values = [str(target), "../" * 12 + str(target).lstrip("/"), "..\\..\\ke-hoach", "ket-qua-2018/../../x"]
    for n, value in enumerate(values):
        wb = openpyxl.load_workbook(good)
        for row in wb["_kdcl"].iter_rows():
            if row[0].value == key:
                row[1].value = value
        path = tmp_path / f"meta-{n}.xlsx"
        wb.save(path)
        done = subprocess.run([sys.executable, "-m", "xlbridge.cli", "kiem-tra", str(path)], capture_output=True,
                              text=True, timeout=120)
        out = done.stdout + done.stderr
        assert done.returncode == 2, out
        assert "BI-MAT" not in out and "bi-mat" not in out and "ke-hoach.yaml" not in out, out
        assert ("Không có mẫu bảng mã «giá trị trong sổ không phải một mã»" if key == "plan_form"
                else "Không có bộ tiêu chuẩn mã «giá trị trong sổ không phải một mã»") in out
        assert "Traceback" not in out


def test_a_known_form_id_is_still_named():
    from xlbridge.data.forms import get_form
    from xlbridge.errors import KdclError
    assert get_form("ket-qua-2018").id == "ket-qua-2018"
    with pytest.raises(KdclError) as err:
        get_form("mau-khong-co")
    assert "«mau-khong-co»" in str(err.value)


# ---- temporary files: in the system temp dir, cleaned after a killed run -----------------------------------------

def test_a_killed_tong_hop_leaves_nothing_beside_the_output(tmp_path, good):
    import os
    import shutil
    import signal
    import time
    inbox, out_dir, temp = tmp_path / "vao", tmp_path / "ra", tmp_path / "tam"
    for folder in (inbox, out_dir, temp):
        folder.mkdir()
    for n in range(12):
        shutil.copy(good, inbox / f"truong-{n}.xlsx")
    (out_dir / "tong-hop.xlsx").write_bytes(b"so cu")          # the previous result: stays whole until replaced
    env = {**os.environ, "TMPDIR": str(temp)}
    cmd = [sys.executable, "-m", "xlbridge.cli", "tong-hop", str(inbox), "-o", str(out_dir / "tong-hop.xlsx"),
           "--ghi-de", "-j", "1"]
    run = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.suffix == ".sqlite" for p in temp.rglob("*")):
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    left = [p for p in temp.iterdir() if p.name.startswith(f"kdcl-tong-hop-{run.pid}-")]
    assert left, "the killed run's scratch folder was expected in TMPDIR"
    assert sorted(p.name for p in out_dir.iterdir()) == ["tong-hop.xlsx"]
    assert (out_dir / "tong-hop.xlsx").read_bytes() == b"so cu"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert not any(p.name.startswith("kdcl-") for p in temp.iterdir()), list(temp.iterdir())
    assert sorted(p.name for p in out_dir.iterdir()) == ["tong-hop.xlsx"]
    assert zipfile.is_zipfile(out_dir / "tong-hop.xlsx")


# ---- a mail with 1,000 attachments ------------------------------------------------------------------------------

def test_a_mail_with_a_thousand_attachments_is_bounded(tmp_path, good):
    import time
    from email.message import EmailMessage

    from xlbridge.consolidate import mail
    from xlbridge.consolidate.run import Options, consolidate
    msg = EmailMessage()
    msg["Subject"], msg["From"] = "Gửi 1000 tệp", "truong@example.vn"
    msg.set_content("Kính gửi Phòng.")
    for i in range(1000):
        msg.add_attachment(good.read_bytes() if i < 3 else b"PK\x03\x04 khong phai so %d" % i, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=f"so-{i}.xlsx")
    eml = tmp_path / "nhieu.eml"
    eml.write_bytes(bytes(msg))
    raw = eml.read_bytes()
    assert mail.attachment(mail.parse_parts(raw), 5) == mail.attachment(mail.parse(raw), 5)
    started = time.monotonic()
    report = consolidate(Options([str(eml)], tmp_path / "th.xlsx", jobs=2))
    took = time.monotonic() - started
    assert took < 60, took
    assert report.inputs == 1000
    skipped = 1000 - mail.MAX_ATTACHMENTS
    assert report.unreadable_kinds["Thư quá nhiều tệp đính kèm"] == skipped
    assert report.schools == 1 and report.duplicates == 2          # the three real workbooks: one school


def test_a_mail_that_kills_its_parser_costs_that_mail(tmp_path, good, monkeypatch):
    """Mails are parsed during discovery, in a capped child: a parser that dies leaves one «Không đọc được» entry."""
    import shutil

    from xlbridge.consolidate import sources
    (tmp_path / "a.eml").write_bytes(b"Subject: x\n\nbody\n")
    shutil.copy(good, tmp_path / "so.xlsx")
    monkeypatch.setattr(sources, "_mail_entries", lambda *_a: _abort())
    entries = list(sources.discover([tmp_path]))
    assert [(e.name, e.problem) for e in entries] == [("a.eml", "loi-khac"), ("so.xlsx", None)]
    assert "dừng đột ngột" in entries[0].detail["detail"]


# ---- a file that hangs the reader costs that file -----------------------------------------------------------------

def _sleep_long() -> None:
    import time
    time.sleep(60)


def test_run_capped_ends_a_read_that_takes_too_long():
    import time

    from xlbridge.consolidate.isolate import run_capped
    started = time.monotonic()
    with pytest.raises(Rejected) as err:
        run_capped("cham.xlsx", _sleep_long, seconds=1)
    assert err.value.kind == "qua-thoi-gian" and "1 giây" in str(err.value)
    assert time.monotonic() - started < 10


def _hang_on_second(entries, today=None):
    from xlbridge.consolidate.worker import check_chunk
    if any(e.name == "b.xlsx" for e in entries):
        _sleep_long()
    return check_chunk(entries, today)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hanging_file_costs_that_file(tmp_path, good, monkeypatch, jobs):
    import shutil

    from xlbridge.consolidate.run import outcomes
    from xlbridge.consolidate.sources import discover
    monkeypatch.setenv("KDCL_GIAY_DOC", "2")            # room for a good file on a busy machine
    names = ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx", "e.xlsx", "f.xlsx"][: 3 if jobs == 1 else 6]
    for name in names:
        shutil.copy(good, tmp_path / name)
    got = list(outcomes(list(discover([tmp_path])), jobs, None, _hang_on_second))
    assert sorted((o.school or o.unreadable)["tep"] for o in got) == names
    assert [(o.unreadable["tep"], o.unreadable["_kind"]) for o in got if o.unreadable] == [("b.xlsx", "qua-thoi-gian")]

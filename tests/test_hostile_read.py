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
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")
        return data
    return _rezip(good, dst, change, {"xl/sharedStrings.xml": sst})


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

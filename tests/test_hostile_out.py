"""`kdcl kiem-tra --out` on hostile and broken workbooks: the copy survives what the check survived.

Each case (tests/hostile_out_cases.py) is made from a real workbook and run through the real command in a
subprocess limited to 1 GiB of address space and a time cap. What must hold: an exit code of the documented
ones, Vietnamese text and never a traceback or an exception's name, the input unchanged byte for byte, no
temporary file left, and — when the check could read the file — a copy that opens again.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook
from hostile_out_cases import CASES, CHECK_SHEET, INPUT_SHEET, make

LIMIT = 1 << 30
TIME_CAP = 45          # seconds per run on a busy shared machine (a run takes about one)
RUN = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT})); "
       "from xlbridge.cli import main; sys.exit(main(sys.argv[1:]))")
EXCEPTION_NAME = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b|openpyxl\.|File \"")
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
# The check reads these (they are about the copy only): a copy must be written, whatever the file holds.
MUST_COPY = {name for name in CASES if name not in {
    "merge-bad-ref", "check-sheet-far-cell", "cell-bool-junk", "cell-string-index-junk", "cell-address-junk",
    "shared-formula-junk", "row-address-junk", "dimension-junk", "workbook-junk-attributes"}}


PARAMS = sorted(CASES)     # (a shared formula the tokenizer refuses keeps its text: the reader no longer stops)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("good"), "ket-qua-thpt")


def run_kdcl(*args: str, cwd: Path) -> tuple[int, str, str, float]:
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=TIME_CAP * 2,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def audit_errors(path: Path) -> list[str]:
    """Schema errors of an .xlsx by an independent validator (openxml-audit, the Open XML SDK's schemas)."""
    from openxml_audit import OpenXmlValidator
    result = OpenXmlValidator().validate(str(path))
    return [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors if str(e.severity).endswith("ERROR")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", PARAMS)
def test_checked_copy_survives_what_the_check_survived(case, good, tmp_path):
    src = make(good, tmp_path, case)
    before = digest(src)
    out_dir = tmp_path / "ra"
    out_dir.mkdir()
    dst = out_dir / "da-kiem-tra.xlsx"
    rc, stdout, stderr, took = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert digest(src) == before, "the input was modified"
    assert took < TIME_CAP
    assert not EXCEPTION_NAME.search(stdout + stderr), stderr
    assert rc in (0, 1, 2, 3), stderr                 # errors.yaml: ok, findings, input, output
    assert [p.name for p in out_dir.iterdir() if p.name != dst.name] == []     # no temporary file left
    if case in MUST_COPY:
        assert rc in (0, 1), stderr
    if rc in (0, 1):
        assert dst.is_file(), stderr
        assert "Đã ghi bản có kết quả kiểm tra" in stdout
        wb = openpyxl.load_workbook(dst)                  # the copy opens again, with the check's result in it
        assert CHECK_SHEET in wb.sheetnames
        assert wb[CHECK_SHEET].cell(2, 1).value.startswith(("Đạt", "Có", "Không có lỗi"))
        for line in stderr.splitlines():
            assert line.startswith("Lưu ý") and VIETNAMESE.search(line), line
        assert audit_errors(dst) == []                    # and Excel opens it without offering a repair
    elif rc == 3:
        assert "Không ghi được bản có kết quả kiểm tra" in stderr and not dst.exists()
        assert "Tiêu chuẩn" in stdout                     # the check's findings were printed first
    else:
        assert stderr.startswith("Không đọc được sổ") and VIETNAMESE.search(stderr) and not dst.exists()


def test_previous_error_references_are_only_single_cells(good, tmp_path):
    """A "Kiểm tra" row naming a range, ZZZZ0, A-5 or a formula colours nothing (it would colour a whole sheet
    or stop the writer); a real cell of the last run is still cleared."""
    from xlbridge.core.outputs import previous_error_cells
    rows = [[]] * 4 + [[1, "Lỗi", INPUT_SHEET, ref, "", "", ""] for ref in
                       ("A1:XFD1048576", "A:XFD", "ZZZZ0", "A-5", "=cmd|' /C calc'!A0", "XFD1048577", " C8 ")]
    assert previous_error_cells(rows) == [(INPUT_SHEET, "C8")]


def test_a_whole_sheet_merge_on_the_check_sheet_leaves_the_findings_written(good, tmp_path):
    src = make(good, tmp_path, "merge-whole-check-sheet")
    dst = tmp_path / "ra.xlsx"
    rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc in (0, 1)
    assert "trang «Kiểm tra»: 1 vùng gộp ô sai hoặc quá lớn bị bỏ" in stderr
    ws = openpyxl.load_workbook(dst)[CHECK_SHEET]
    assert ws.merged_cells.ranges == set() or all(r.size["rows"] * r.size["columns"] < 10 ** 5
                                                  for r in ws.merged_cells.ranges)
    assert ws.cell(5, 1).value == 1 or ws.cell(5, 5).value   # the first finding (or the "no findings" row)


def test_a_missing_check_sheet_is_added_to_the_copy(good, tmp_path):
    src = make(good, tmp_path, "check-sheet-missing")
    dst = tmp_path / "ra.xlsx"
    rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc in (0, 1)
    assert "sổ không có trang «Kiểm tra»: bản sao thêm trang này" in stderr
    ws = openpyxl.load_workbook(dst)[CHECK_SHEET]
    assert ws.cell(4, 1).value == "STT" and ws.cell(2, 1).value


def test_hostile_parts_never_reach_the_copy(good, tmp_path):
    """Entities, external entities and deep nesting are left out of the copy, not carried into it."""
    for case in ("theme-entities", "docprops-app-xxe", "comments-xxe", "drawing-deep", "lite-entities", "lite-xxe"):
        src = make(good, tmp_path, case)
        dst = tmp_path / f"ra-{case}.xlsx"
        rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
        assert rc in (0, 1), stderr
        with zipfile.ZipFile(dst) as z:
            for name in z.namelist():
                data = z.read(name)
                assert b"<!ENTITY" not in data and b"<!DOCTYPE" not in data, (case, name)
                assert b"<a><a><a><a>" not in data, (case, name)


def test_sanitised_package_opens_in_openpyxl_for_every_case(good, tmp_path):
    """Also for the cases the check refuses today: the rebuilt package never stops openpyxl (1 GiB cap)."""
    files = [make(good, tmp_path, case) for case in sorted(CASES)]
    code = (f"import resource, sys, io, warnings; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
            "warnings.simplefilter('ignore')\n"
            "import openpyxl\nfrom pathlib import Path\nfrom xlbridge.io.safecopy import safe_package\n"
            "from xlbridge.consolidate.reasons import Rejected\n"
            "for f in sys.argv[1:]:\n"
            "    try:\n        safe = safe_package(Path(f))\n"
            "    except Rejected as exc:\n        print(f, 'refused', exc.detail); continue\n"
            "    wb = openpyxl.load_workbook(io.BytesIO(safe.data))\n"
            "    wb.save(io.BytesIO())\n    print(f, 'ok')\n")
    p = subprocess.run([sys.executable, "-c", code, *map(str, files)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = p.stdout.splitlines()
    assert len(lines) == len(files)
    refused = [line for line in lines if " refused " in line]
    assert refused == [], refused


@pytest.mark.parametrize("case", ["lite-entities", "lite-xxe", "lite-deep", "lite-not-json"])
def test_lite_parts_are_read_defused(case, good, tmp_path):
    """xlwings Lite's part of a received workbook is read like every other part: refused, never expanded."""
    from xlbridge.bridge.webext import read_properties
    from xlbridge.consolidate.reasons import Rejected
    src = make(good, tmp_path, case)
    with pytest.raises(Rejected) as err:
        read_properties(src)
    assert "root:" not in err.value.full_text() and "lol" not in err.value.full_text()
    dst = tmp_path / "ra.xlsx"
    rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc in (0, 1) and "không giữ mã xlwings Lite của sổ" in stderr
    with zipfile.ZipFile(dst) as z:
        assert "xl/webextensions/webextension1.xml" not in z.namelist()


def test_a_copy_too_large_for_the_memory_bound_is_explained(good, tmp_path):
    """More cells than the copy can hold in 1 GiB: the check's findings are printed, the copy is refused in one
    Vietnamese sentence with the limit (exit 3), within the time cap."""
    from hostile_out_cases import big_sheet

    from xlbridge.io.safecopy import MAX_CELLS
    src = big_sheet(good, tmp_path / "lon.xlsx", MAX_CELLS // 10 + 1000)
    dst = tmp_path / "ra.xlsx"
    rc, stdout, stderr, took = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc == 3, stderr
    assert "nhiều hơn giới hạn 400.000 ô của bản có kết quả kiểm tra" in stderr and "Tiêu chuẩn" in stdout
    assert not EXCEPTION_NAME.search(stderr) and not dst.exists() and took < TIME_CAP


def test_consolidation_marker_is_read_guarded(good, tmp_path):
    """tong-hop asks every input whether it is an old consolidation: a 1.1 GB docProps/custom.xml (5 MB on disk)
    is never inflated — the run stays under 1 GiB, lists the file as unreadable and consolidates the rest."""
    folder = tmp_path / "nhan"
    folder.mkdir()
    (folder / "tot.xlsx").write_bytes(good.read_bytes())
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(folder / "bom.xlsx", "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != "docProps/custom.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("docProps/custom.xml", "w", force_zip64=True) as fh:
            for _ in range(1100):
                fh.write(b" " * (1 << 20))
    rc, stdout, stderr, took = run_kdcl("tong-hop", str(folder), "-o", str(tmp_path / "th.xlsx"), "--khong-tien-do",
                                        cwd=tmp_path)
    assert rc == 1, stderr                    # errors.yaml: findings (a file could not be read)
    assert not EXCEPTION_NAME.search(stdout + stderr) and took < TIME_CAP
    wb = openpyxl.load_workbook(tmp_path / "th.xlsx", read_only=True)
    unreadable = [r for r in wb["Không đọc được"].iter_rows(values_only=True) if r and "bom.xlsx" in map(str, r)]
    assert unreadable, "the bomb is listed with its reason"


def test_sheet_names_are_composed_in_the_copy(good, tmp_path):
    """Sheet names in decomposed form (NFD, from Mac tools) are composed in the copy as the reader composes them,
    so the check's results land on the sheets they belong to."""
    import unicodedata
    src = make(good, tmp_path, "sheet-names-nfd")
    dst = tmp_path / "ra.xlsx"
    rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc in (0, 1), stderr
    wb = openpyxl.load_workbook(dst)
    assert all(unicodedata.is_normalized("NFC", n) for n in wb.sheetnames)
    assert "được đổi tên" not in stderr                 # composing is not a rename the user needs to hear of
    assert wb[INPUT_SHEET].cell(3, 1).value            # the status line on the standard's sheet


@pytest.mark.parametrize("case", ["printer-settings", "printer-settings-missing"])
def test_page_setup_survives_the_printer_settings_being_left_out(case, good, tmp_path):
    """Excel's page setup names a printer-settings part the copy does not carry: the setup itself stays."""
    src = make(good, tmp_path, case)
    dst = tmp_path / "ra.xlsx"
    rc, _out, stderr, _t = run_kdcl("kiem-tra", str(src), "--out", str(dst), "--ngay", "01/06/2024", cwd=tmp_path)
    assert rc in (0, 1), stderr
    before = openpyxl.load_workbook(good)[INPUT_SHEET].page_setup
    after = openpyxl.load_workbook(dst)[INPUT_SHEET].page_setup
    assert (after.orientation, after.paperSize, after.scale) == (before.orientation, before.paperSize, before.scale)

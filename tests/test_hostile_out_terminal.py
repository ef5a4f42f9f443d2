"""Text from a received file reaches the terminal shown, never obeyed (issue 17: terminal escapes).

A school's name holding ESC sequences (window title, colours), BEL, CR, a C1 CSI and a bidi override — written
the only way an .xlsx can hold them, as `_xHHHH_` escapes the reader decodes — and a file whose very name has an
ESC: every byte kdcl prints for them, through every command that prints them, is free of control characters.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook

from xlbridge.io.terminal import SafeStream, control, json_text, safe_text

LIMIT = 1 << 30
RUN = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT})); "
       "from xlbridge.cli import main; sys.exit(main(sys.argv[1:]))")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE_XLSX = "_x001B_]0;pwned_x0007__x001B_[31mTrường_x000D_ THPT\x9b2J\u202eGiồng Riềng"
DECODED = "\x1b]0;pwned\x07\x1b[31mTrường\r THPT\x9b2J\u202eGiồng Riềng"
NAME = "Trường THPT Giồng Riềng"


def test_safe_text_shows_controls_and_keeps_the_rest():
    assert safe_text(DECODED) == "\ufffd]0;pwned\ufffd\ufffd[31mTrường\ufffd THPT\ufffd2J\ufffdGiồng Riềng"
    assert safe_text("Dòng 1\r\nDòng 2\tcột") == "Dòng 1\nDòng 2\tcột"
    assert safe_text("Tiếng Việt tổ hợp: Tru\u031bo\u0300ng") == "Tiếng Việt tổ hợp: Tru\u031bo\u0300ng"


def test_json_keeps_the_data_exact_and_the_terminal_clean():
    text = json_text({"truong": DECODED})
    assert not CONTROLS.search(text)
    assert json.loads(text) == {"truong": DECODED}


def test_only_kdcl_s_own_codes_pass_the_stream():
    import io
    raw = io.StringIO()
    stream = SafeStream(raw)
    control(stream, "\r")
    stream.write("a\x1b[2Jb")
    control(stream, "\x1b[K")
    assert raw.getvalue() == "\ra\ufffd[2Jb\x1b[K"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("escapes")
    src = seed_workbook(folder, "ket-qua-thpt")
    wb = openpyxl.load_workbook(src)
    cells = [c for row in wb["Thông tin"].iter_rows() for c in row if c.value == NAME]
    assert cells, "the seed's school name is on the Thông tin sheet"
    for c in cells:
        c.value = HOSTILE_XLSX
    dst = folder / "truong.xlsx"
    wb.save(dst)
    return dst


def kdcl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, timeout=300, cwd=cwd)


def clean(p: subprocess.CompletedProcess) -> str:
    out = (p.stdout + p.stderr).decode("utf-8")
    found = CONTROLS.findall(out)
    assert found == [], f"control characters printed: {found!r}"
    return out


def test_check_prints_the_school_name_harmlessly(hostile, tmp_path):
    p = kdcl("kiem-tra", str(hostile), "--ngay", "01/06/2024", cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr.decode()
    out = clean(p)
    assert "\ufffd]0;pwned" in out and "Giồng Riềng" in out


def test_check_json_keeps_a_hostile_file_name_exact(hostile, tmp_path):
    named = tmp_path / "truong\u202e\x9b\x1b[1m.xlsx"
    named.write_bytes(hostile.read_bytes())
    p = kdcl("kiem-tra", str(named), "--json", "--ngay", "01/06/2024", cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr.decode()
    clean(p)
    assert json.loads(p.stdout.decode())["file"] == named.name


def test_consolidation_prints_the_school_name_harmlessly(hostile, tmp_path):
    folder = tmp_path / "nhan"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(hostile.read_bytes())
    (folder / "b\x1b[31m\u202e.xlsx").write_bytes(b"not a workbook \x1b[2J")
    p = kdcl("tong-hop", str(folder), "-o", str(tmp_path / "tong-hop.xlsx"), cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr.decode()
    out = clean(p)
    assert "b\ufffd[31m\ufffd.xlsx" in out or "tong-hop.xlsx" in out


def test_an_error_naming_a_hostile_file_name_is_harmless(tmp_path):
    bad = tmp_path / "so\x1b]0;x\x07\u202e.xlsx"
    bad.write_bytes(b"\x1b[2J plain text")
    p = kdcl("kiem-tra", str(bad), cwd=tmp_path)
    assert p.returncode == 2
    out = clean(p)
    assert "so\ufffd]0;x\ufffd\ufffd.xlsx" in out

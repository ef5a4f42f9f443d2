"""Route 2 — classic xlwings: an .xlsm whose VBA project kdcl builds from source."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from xlbridge.bridge import ovba
from xlbridge.bridge.xlsm import module_source, vba_config
from xlbridge.data.catalog import choose_framework
from xlbridge.template.builder import TemplateSpec, build_template


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("xlsm") / "mau.xlsm"
    layout = build_template(TemplateSpec(choose_framework("THCS", 2024), "THCS", "2024-2025", "Trường THCS A",
                                         flavor="xlsm"), path)
    return path, layout


def _vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def test_modules_read_back_with_olevba(xlsm):
    path, layout = xlsm
    parser = VBA_Parser(str(path))
    code = {Path(name).stem: text for _, _, name, text in parser.extract_macros()}
    sheets = len(openpyxl.load_workbook(path, keep_vba=True).sheetnames)
    assert set(code) == {"ThisWorkbook", *(f"Sheet{i + 1}" for i in range(sheets)), *vba_config()["modules"]}
    for name in vba_config()["modules"]:
        assert code[name].replace("\r\n", "\n").strip() == module_source(name).replace("\r\n", "\n").strip(), name
    assert 'RunPython "import macros.bridge as kdcl; kdcl.kiem_tra_caller()"' in code["KdclMacros"]


def test_every_module_stream_round_trips_through_oletools(xlsm):
    """Each stream is decompressed by oletools (independent of kdcl's compressor) and recompressed
    by kdcl to the same bytes: the compressor and the spec agree on real modules, xlwings.bas included."""
    ole = olefile.OleFileIO(io.BytesIO(_vba_bin(xlsm[0])))
    streams = [s for s in ole.listdir() if s[0] == "VBA" and s[1] not in ("_VBA_PROJECT",)]
    assert len(streams) >= 4
    for s in streams:
        raw = ole.openstream(s).read()
        text = decompress_stream(bytearray(raw))
        assert text and ovba.compress(bytes(text)) == raw, s
    source = decompress_stream(bytearray(ole.openstream(["VBA", "xlwings"]).read()))
    assert len(source) > 40_000 and b"Function RunPython" in source   # a long module survives intact


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefghij ()=\"'\r\n.,_ABC0123456789")), max_size=20_000))
def test_compression_round_trip_property(text):
    data = text.encode("ascii")
    assert bytes(decompress_stream(bytearray(ovba.compress(data)))) == data


def test_copy_token_limits_follow_the_spec():
    assert ovba.copy_token_help(1) == (4, 4098)
    assert ovba.copy_token_help(17) == (5, 2050)
    assert ovba.copy_token_help(4096) == (12, 18)


def test_vba_source_is_ascii():
    for name in vba_config()["modules"]:
        assert module_source(name).isascii(), name


def test_build_is_deterministic(xlsm, tmp_path):
    again = tmp_path / "again.xlsm"
    build_template(TemplateSpec(choose_framework("THCS", 2024), "THCS", "2024-2025", "Trường THCS A", flavor="xlsm"), again)
    assert again.read_bytes() == xlsm[0].read_bytes()


def test_build_leaves_the_process_as_it_was(tmp_path, monkeypatch):
    """ms-ovba writes into the working directory and draws from `random`: that happens in a child process,
    so the caller's directory, its random generator and the libraries stay as they were."""
    import os
    import random

    from ms_ovba_compression.ms_ovba import MsOvba

    from xlbridge.bridge.xlsm import build_vba_project
    monkeypatch.chdir(tmp_path)
    random.seed(1)
    state, compress = random.getstate(), MsOvba.compress
    first = build_vba_project(["Sheet1", "Sheet2"])
    assert os.getcwd() == str(tmp_path) and list(tmp_path.iterdir()) == []
    assert random.getstate() == state and MsOvba.compress is compress
    assert build_vba_project(["Sheet1", "Sheet2"]) == first


def test_buttons_and_conf_sheet(xlsm):
    path, layout = xlsm
    wb = openpyxl.load_workbook(path, keep_vba=True)
    conf = wb[vba_config()["conf_sheet"]]
    assert conf.sheet_state == "hidden"
    assert {conf.cell(r, 1).value: conf.cell(r, 2).value for r in range(1, 5)} == {
        k: str(v) for k, v in vba_config()["conf"].items()}
    with zipfile.ZipFile(path) as z:
        vml = [z.read(n).decode("utf-8") for n in z.namelist() if re.fullmatch(r"xl/drawings/vmlDrawing\d+\.vml", n)]
    assert len(vml) == len(layout.sheets) + 1
    assert sum("<x:FmlaMacro>[0]!KiemTra</x:FmlaMacro>" in v and "Kiểm tra" in v for v in vml) == len(layout.sheets)
    assert sum("<x:FmlaMacro>[0]!TaoBaoCao</x:FmlaMacro>" in v and "Tạo báo cáo Word" in v for v in vml) == 1
    assert sum("<x:FmlaMacro>[0]!KeHoachNamSau</x:FmlaMacro>" in v for v in vml) == 1


def test_xlsm_opens_in_libreoffice_with_its_macros(xlsm, soffice, tmp_path):
    from lo import convert
    ods = convert([xlsm[0]], tmp_path, "ods")[0]
    with zipfile.ZipFile(ods) as z:
        names = z.namelist()
        assert "Basic/VBAProject/KdclMacros.xml" in names and "Basic/VBAProject/xlwings.xml" in names
        content = z.read("content.xml").decode("utf-8")
    assert "Kiểm tra" in content and "VBAProject.KdclMacros.KiemTra" in content


def test_check_and_checked_copy_keep_the_project(xlsm, tmp_path, capsys):
    from xlbridge.cli import main
    out = tmp_path / "da-kiem-tra.xlsm"
    assert main(["kiem-tra", str(xlsm[0]), "--out", str(out)]) == 1       # empty template: the signer is missing
    assert _vba_bin(out) == _vba_bin(xlsm[0])
    capsys.readouterr()


def test_writer_failure_is_a_vietnamese_message(monkeypatch):
    """No Python to run the writer (a broken install): a message saying what to do, no exception name."""
    import sys

    from xlbridge.bridge.xlsm import build_vba_project
    from xlbridge.errors import KdclError
    monkeypatch.setattr(sys, "executable", "/khong-co/python")
    with pytest.raises(KdclError, match="Không tạo được dự án VBA") as exc:
        build_vba_project(["Sheet1"])
    text = exc.value.full_text()                              # message and hint, as the command line prints them
    assert "Cài lại kdcl" in text and "Error" not in text

"""Ordinary mistakes on the command line: each gets its own Vietnamese message, naming the user's path,
and the exit code of its kind (messages/errors.yaml) — never a traceback or an exception class name."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tt57_workbook

from xlbridge.cli import main, parser
from xlbridge.commands import COMMANDS
from xlbridge.errors import DataFileError, KdclError, exit_codes

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "invalid int value", "invalid choice",
           "the following arguments", "unrecognized arguments", "expected one argument", "error:", "Traceback")
CLASS_NAMES = ("Error:", "Exception", "PermissionError", "ValueError", "PackageNotFound", "BadZipFile", "OSError")


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as stop:          # argparse stops for --help and argument errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def kdcl(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlbridge.cli", *args], capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return tt57_workbook(tmp_path_factory.mktemp("so"), "gdtx")


# ---- one rule for every output: an existing file needs --ghi-de ----

def test_kiem_tra_out_needs_ghi_de(workbook, tmp_path, capsys):
    other = tmp_path / "truong-khac.xlsx"
    other.write_bytes(b"so cua truong khac")
    code, out, err = run(capsys, "kiem-tra", str(workbook), "--out", str(other))
    assert code == 2 and "--ghi-de" in err and str(other) in err and other.read_bytes() == b"so cua truong khac"
    code, out, _ = run(capsys, "kiem-tra", str(workbook), "--out", str(other), "--ghi-de")
    assert code in (0, 1) and other.read_bytes()[:2] == b"PK"


def test_demo_needs_ghi_de_for_existing_files(tmp_path, capsys):
    from xlbridge.demo import DEMO_FILE
    (tmp_path / DEMO_FILE).write_bytes(b"cua nguoi dung")
    code, _, err = run(capsys, "demo", str(tmp_path))
    assert code == 2 and "--ghi-de" in err and (tmp_path / DEMO_FILE).read_bytes() == b"cua nguoi dung"


def test_tong_hop_csv_needs_ghi_de(workbook, tmp_path, capsys):
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    (csv_dir / "danh_sach.csv").write_text("cua nguoi dung", encoding="utf-8")
    code, _, err = run(capsys, "tong-hop", str(workbook), "-o", str(tmp_path / "th.xlsx"), "--csv", str(csv_dir),
                       "--khong-tien-do")
    assert code == 2 and "danh_sach.csv" in err and "--ghi-de" in err
    assert (csv_dir / "danh_sach.csv").read_text(encoding="utf-8") == "cua nguoi dung"
    assert not (tmp_path / "th.xlsx").exists()


def test_every_writing_command_uses_the_one_rule():
    """No command decides on its own whether an existing file may be replaced."""
    root = Path(__file__).resolve().parents[1] / "xlbridge"
    for path in [*(root / "commands").glob("*.py"), root / "demo.py", root / "consolidate" / "run.py"]:
        text = path.read_text(encoding="utf-8")
        assert "đã có; thêm --ghi-de" not in text, path


# ---- inputs ----

def test_mistyped_input_folder_is_an_error_naming_it(tmp_path, capsys):
    missing = tmp_path / "so-nhan-duoc"
    code, out, err = run(capsys, "tong-hop", str(missing), "-o", str(tmp_path / "th.xlsx"), "--khong-tien-do")
    assert code == 2 and str(missing) in err and "thư mục" in err
    assert not (tmp_path / "th.xlsx").exists()


@pytest.mark.parametrize("command", [["kiem-tra"], ["nam-sau", "-o", "x.xlsx"], ["bao-cao", "-o", "x.docx"],
                                     ["nhap-word", "-o", "x.xlsx"]])
def test_a_folder_given_as_input_is_called_a_folder(tmp_path, capsys, command):
    code, _, err = run(capsys, command[0], str(tmp_path), *[a if a.startswith("-") else str(tmp_path / a) for a in command[1:]])
    assert code == 2 and "là một thư mục" in err and "Không tìm thấy" not in err and str(tmp_path) in err


def test_missing_input_file_is_not_found(tmp_path, capsys):
    code, _, err = run(capsys, "kiem-tra", str(tmp_path / "khong-co.xlsx"))
    assert code == 2 and "Không tìm thấy tệp" in err and "khong-co.xlsx" in err


# ---- outputs: the operating system's refusals, in the user's words ----

def test_missing_output_folder(workbook, tmp_path, capsys):
    code, _, err = run(capsys, "kiem-tra", str(workbook), "--out", str(tmp_path / "chua-tao" / "b.xlsx"))
    assert code == 2 and f"Thư mục {tmp_path / 'chua-tao'} không có" in err and "mkdir" in err


def test_output_path_that_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "ket-qua.xlsx"
    folder.mkdir()
    code, _, err = run(capsys, "template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", str(folder))
    assert code == 2 and f"{folder} là một thư mục" in err


def test_read_only_folder(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:       # root may write anywhere: make the system refuse as it would a school user
        import tempfile

        def refuse(*a, **k):
            raise PermissionError(13, "Permission denied", str(folder / ".kdcl-abc123.xlsx"))
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, _, err = run(capsys, "template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", str(folder / "a.xlsx"))
    folder.chmod(0o755)
    assert code == 3 and f"Không có quyền ghi vào {folder}" in err and ".kdcl-" not in err
    assert not any(word in err for word in CLASS_NAMES)


def test_closed_pipe_ends_quietly(tmp_path):
    """`kdcl --help | head -1`: the reader goes away; kdcl stops without a word on stderr."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from xlbridge.cli import main; "
                             "sys.stdout.write('x' * 10); sys.exit(main(['tong-hop', '--help']))"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=60) == 0 and err == ""


def test_kiem_tra_out_failing_after_the_report_keeps_the_report_and_exits_3(workbook, tmp_path, capsys, monkeypatch):
    import xlbridge.io.writer as writer

    def broken(*a, **k):
        raise OSError(28, "No space left on device", str(tmp_path / ".kdcl-x.xlsx"))
    monkeypatch.setattr(writer, "write_checked_copy", broken)
    code, out, err = run(capsys, "kiem-tra", str(workbook), "--out", str(tmp_path / "b.xlsx"))
    assert code == 3 and "TỔNG HỢP" in out.upper() and "ổ đĩa đã đầy" in err and str(tmp_path / "b.xlsx") in err


def test_unexpected_failure_names_no_exception_class(capsys, monkeypatch):
    import xlbridge.commands.kiem_tra as kiem_tra

    def boom(args):
        raise ValueError("giá trị lạ")
    monkeypatch.setattr(kiem_tra, "run", boom)
    code, _, err = run(capsys, "kiem-tra", "x.xlsx")
    assert code == exit_codes()["internal"].code and "giá trị lạ" in err and "cán bộ phụ trách" in err
    assert "ValueError" not in err and "Traceback" not in err


def test_ctrl_c_says_stopped(capsys, monkeypatch):
    import xlbridge.commands.kiem_tra as kiem_tra

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(kiem_tra, "run", interrupted)
    code, _, err = run(capsys, "kiem-tra", "x.xlsx")
    assert code == 130 and "Đã dừng" in err


# ---- arguments and help in Vietnamese ----

@pytest.mark.parametrize("command", [None, *[c.replace("_", "-") for c in COMMANDS]])
def test_help_is_vietnamese(capsys, command):
    code, out, err = run(capsys, *([command] if command else []), "--help")
    assert code == 0 and "Cách dùng: kdcl" in out and "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    assert not any(word in out + err for word in ENGLISH)


def test_help_lists_the_exit_codes(capsys):
    _, out, _ = run(capsys, "--help")
    for e in exit_codes().values():
        assert f"{e.code:>3}  {e.label}" in out


@pytest.mark.parametrize("args, words", [
    (["tong-hop", "-j", "hai", "a", "-o", "b.xlsx"], "«hai» không phải số nguyên"),
    (["kiem-tra"], "thiếu SỔ"),
    (["lam-gi"], "«lam-gi» không phải một lựa chọn"),
    (["kiem-tra", "a.xlsx", "--khong-co"], "không hiểu: --khong-co"),
    (["kiem-tra", "a.xlsx", "--out"], "cần một giá trị"),
    (["bao-cao", "a.xlsx", "--loai", "tong"], "chọn một trong: ket-qua, tien-do, ke-hoach"),
    (["template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", "a.xlsx", "--lite", "--xlsm"], "không dùng cùng với"),
])
def test_argument_errors_are_vietnamese(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and words in err and "Xem hướng dẫn" in err
    assert not any(word in err for word in ENGLISH)


def test_version(capsys):
    from xlbridge import __version__
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"kdcl {__version__}"


# ---- years: only those a framework covers ----

@pytest.mark.parametrize("year", ["1990-1991", "2017-2018", "3000-3001", "2024-2026"])
def test_years_outside_every_framework_are_refused(tmp_path, capsys, year):
    code, _, err = run(capsys, "template", "--cap-hoc", "THCS", "--nam-hoc", year, "-o", str(tmp_path / "a.xlsx"))
    assert code == 2 and f"Năm học «{year}» không hợp lệ" in err and "2018-2019" in err
    assert not (tmp_path / "a.xlsx").exists()


def test_first_year_of_the_2018_circulars_is_accepted(tmp_path, capsys):
    code, _, _ = run(capsys, "template", "--cap-hoc", "THCS", "--nam-hoc", "2018-2019", "-o", str(tmp_path / "a.xlsx"))
    assert code == 0


# ---- the error model itself ----

def test_errors_keep_their_fields_and_survive_worker_processes():
    from xlbridge.consolidate.reasons import Rejected, from_unreadable
    from xlbridge.errors import UnreadableWorkbook
    err = KdclError(kind="da-co", path="a.xlsx")
    again = pickle.loads(pickle.dumps(err))
    assert again.fields == {"path": "a.xlsx"} and str(again) == str(err) and again.exit_code == 2
    rejected = pickle.loads(pickle.dumps(Rejected("qua-lon", "so.xlsx", size=30, limit=25)))
    assert str(rejected).startswith("so.xlsx: ") and not rejected.detail.startswith("so.xlsx")
    # the reader's refusal carries the file as a field: nothing to strip from the sentence
    unread = from_unreadable(UnreadableWorkbook("không phải sổ kdcl.", file="so.xlsx"), "so.xlsx")
    assert unread.detail == "không phải sổ kdcl." and str(unread) == "so.xlsx: không phải sổ kdcl."


def test_every_kind_renders_and_has_a_category():
    from xlbridge.errors import error_kinds
    codes = exit_codes()
    for kind in error_kinds().values():
        assert kind.category in codes
        assert str(KdclError(kind=kind.id))          # a missing field shows as "…", never a KeyError


def test_data_file_errors_exit_4():
    assert DataFileError("vocab/x.yaml", "a", "b").exit_code == 4


def test_parser_builds_for_every_command():
    names = {a.dest for a in parser()._actions}
    assert "command" in names

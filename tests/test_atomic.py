"""Every file kdcl writes goes through `xlbridge.io.atomic`: whole or not at all, with the umask's permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import TODAY, seed_workbook

from xlbridge.cli import main
from xlbridge.io.atomic import atomic_path, current_umask


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test, and put the old one back."""
    old = os.umask(0o022)

    def set_mask(mask: int) -> None:
        os.umask(mask)
    yield set_mask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_file_follows_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    dst = tmp_path / "a.xlsx"
    with atomic_path(dst) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx" and tmp != dst
        tmp.write_bytes(b"new")
    assert dst.read_bytes() == b"new" and mode(dst) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_failure_leaves_the_old_file(tmp_path, umask):
    dst = tmp_path / "a.csv"
    dst.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(dst) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert dst.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_every_command_writes_0644_under_umask_022(tmp_path, umask, capsys):
    """template, kiem-tra --out, bao-cao (.docx and .xlsx), nam-sau, tong-hop (.xlsx, CSV)."""
    umask(0o022)
    day = TODAY.strftime("%d/%m/%Y")
    src = seed_workbook(tmp_path, "ket-qua-thpt")
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ["template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", str(out / "mau.xlsx")],
        ["kiem-tra", str(src), "--ngay", day, "--out", str(out / "da-kiem-tra.xlsx")],
        ["bao-cao", str(src), "--ngay", day, "-o", str(out / "bao-cao.docx")],
        ["bao-cao", str(src), "--ngay", day, "-o", str(out / "bao-cao.xlsx")],
        ["nam-sau", str(src), "-o", str(out / "nam-sau.xlsx")],
        ["tong-hop", str(src), "-o", str(out / "tong-hop.xlsx"), "--csv", str(out / "bang"), "--ngay", day,
         "-j", "1", "--khong-tien-do"],
    ]
    for args in runs:
        code = main(args)
        capsys.readouterr()
        assert code in (0, 1), args
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"mau.xlsx", "da-kiem-tra.xlsx", "bao-cao.docx", "bao-cao.xlsx", "nam-sau.xlsx",
                                         "tong-hop.xlsx", "danh_sach.csv"}
    assert {p.name: oct(mode(p)) for p in written} == {p.name: oct(0o644) for p in written}
    assert not [p for p in out.rglob(".kdcl-*")]            # no temporary file left behind

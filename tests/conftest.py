"""Shared helpers: real templates built with the real builder, filled with openpyxl, re-read."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from xlbridge.data.catalog import choose_framework
from xlbridge.examples import load_document
from xlbridge.io.filler import fill_workbook
from xlbridge.template.builder import TemplateSpec, build_template

# Timing belongs in benchmarks/, not in unit tests: no per-example deadline on a busy 2-core machine.
settings.register_profile("kdcl", deadline=None)
settings.load_profile("kdcl")

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {
    "ke-hoach-th-thcs": FIXTURES / "seeds" / "ke-hoach-th-thcs-2024-2025.yaml",
    "ket-qua-thpt": FIXTURES / "seeds" / "bao-cao-ket-qua-thpt-2023-2024.yaml",
    "ket-qua-thcs": FIXTURES / "seeds" / "bao-cao-ket-qua-thcs-2022-2023.yaml",
    "tien-do-tieu-hoc": FIXTURES / "seeds" / "bao-cao-tien-do-tieu-hoc-2023.yaml",
}
TT57 = {
    "pho-thong": FIXTURES / "tt57" / "pho-thong-thcs.yaml",
    "mam-non": FIXTURES / "tt57" / "mam-non.yaml",
    "gdtx": FIXTURES / "tt57" / "gdtx.yaml",
}
_CACHE: dict[tuple, Path] = {}


def template(tmp_dir: Path, cap_hoc: str, nam_hoc: str, mau: str | None = None, thong_tu: str | None = None,
             **info: str):
    """A fresh template file (built once per combination, copied for each test) and its layout."""
    fw = choose_framework(cap_hoc, int(nam_hoc[:4]), thong_tu)
    key = (cap_hoc, nam_hoc, mau, fw.id, tuple(sorted(info.items())))
    spec = TemplateSpec(fw, cap_hoc, nam_hoc, info.get("ten_truong", "Trường thử"), info.get("tinh", ""), "", mau)
    if key not in _CACHE:
        cache_dir = Path(tmp_dir).parent / "_templates"
        cache_dir.mkdir(exist_ok=True)
        path = cache_dir / f"t{len(_CACHE)}.xlsx"
        build_template(spec, path)
        _CACHE[key] = path
    from xlbridge.layout import build_layout
    dst = Path(tmp_dir) / f"mau-{len(list(Path(tmp_dir).glob('*.xlsx')))}.xlsx"
    shutil.copy(_CACHE[key], dst)
    return dst, build_layout(fw, mau)


def filled(tmp_dir: Path, cap_hoc: str, nam_hoc: str, data: dict, mau: str | None = None,
           thong_tu: str | None = None) -> Path:
    name = data.get("info", {}).get("ten_truong") or "Trường thử"
    src, layout = template(tmp_dir, cap_hoc, nam_hoc, mau, thong_tu, ten_truong=name)
    dst = Path(tmp_dir) / f"filled-{src.stem}.xlsx"
    fill_workbook(src, dst, layout, data)
    return dst


def document(path: Path) -> dict:
    import yaml
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    info = raw["info"]
    fw = choose_framework(info["cap_hoc"], int(info["nam_hoc"][:4]))
    return load_document(path, len(fw.standards))


def seed_workbook(tmp_dir: Path, name: str) -> Path:
    data = document(SEEDS[name])
    info = data["info"]
    variant = data["form"] if data["form"] == "tien-do-tien-giang" else None
    return filled(tmp_dir, info["cap_hoc"], info["nam_hoc"], data, mau=variant)


def tt57_workbook(tmp_dir: Path, name: str) -> Path:
    data = document(TT57[name])
    info = data["info"]
    return filled(tmp_dir, info["cap_hoc"], info["nam_hoc"], data)


TODAY = date(2026, 11, 23)


@pytest.fixture
def without_pyarrow(monkeypatch):
    """pyarrow (the kdcl[parquet] extra) made unimportable, as on a machine that does not have it."""
    import builtins
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.split(".")[0] == "pyarrow":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)


@pytest.fixture
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed on this machine: scripts/setup.sh installs it")
    return exe


def sheet_records(summary) -> list[dict[str, object]]:
    """The Python summary as the "Tổng hợp" sheet shows it: {column header: value} per row, left to right
    (`layout.summary_headers`), the total last; a rate without base is NaN, as the sheet's empty cell reads."""
    from xlbridge.data.vocab import vocab
    from xlbridge.layout import summary_headers, summary_labels
    statuses = vocab().status_names()
    headers = summary_headers(statuses)
    out = []
    for row in summary.all_rows():
        c = row.counts
        rate = c.completion
        values = [row.sheet or summary_labels()["total"], c.items, *(c.statuses[s] for s in statuses), c.no_status,
                  float("nan") if rate is None else rate, c.budget, c.overdue]
        out.append(dict(zip(headers, values, strict=True)))
    return out

"""The recipes of docs/architecture.md, each done once: a circular, a province form, a rule and an output format.

Each test touches only the files its recipe names (data files in a temporary KDCL_DU_LIEU; for the rule and the
output format, the one function the recipe says to write), then goes the whole way a user goes: build a
template with `kdcl template`, type into it, check it with `kdcl kiem-tra`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from xlbridge.cli import main
from xlbridge.data import files
from xlbridge.data.files import BUNDLED
from xlbridge.errors import DataFileError

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


@pytest.fixture
def province(tmp_path, monkeypatch):
    """A data folder named by KDCL_DU_LIEU, as a province or a developer trying a change would use."""
    folder = tmp_path / "du-lieu"
    folder.mkdir()
    monkeypatch.setenv("KDCL_DU_LIEU", str(folder))
    files.reload()
    yield folder
    monkeypatch.delenv("KDCL_DU_LIEU")
    files.reload()


def _bundled(relative: str) -> Any:
    return yaml.safe_load((BUNDLED / relative).read_text(encoding="utf-8"))


def _write(folder: Path, relative: str, data: Any) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _template(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / f"mau-{len(list(tmp_path.glob('mau-*.xlsx')))}.xlsx"
    assert main(["template", *args, "--truong", "Trường THCS Thử Nghiệm", "-o", str(out)]) == 0
    return out


def _fill(src: Path, data: dict) -> Path:
    from xlbridge.io.filler import fill_workbook
    from xlbridge.io.grid import load_grid
    from xlbridge.io.reader import read_grid
    layout = read_grid(load_grid(src), src.name).layout
    dst = src.with_name(f"da-nhap-{src.name}")
    fill_workbook(src, dst, layout, data)
    return dst


def _check(path: Path, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["kiem-tra", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _info(**extra: object) -> dict:
    return {"ten_truong": "Trường THCS Thử Nghiệm", "hieu_truong": "Nguyễn Văn A", "tinh": "Tiền Giang",
            "ngay_bao_cao": date(2030, 10, 15), **extra}


def test_architecture_page_names_every_recipe():
    text = DOC.read_text(encoding="utf-8")
    for heading in ("Thêm một thông tư", "Thêm mẫu bảng của một tỉnh", "Thêm một quy tắc kiểm tra",
                    "Thêm một định dạng đầu ra"):
        assert heading in text
    for path in ("workbook_templates/frameworks/", "workbook_templates/forms/", "workbook_templates/messages/rules.yaml",
                 "xlbridge/core/rules/", "xlbridge/consolidate/export.py", "xlbridge/data/schemas/",
                 "workbook_templates/crosswalk/", "tests/test_recipes.py"):
        assert path in text, path


def test_architecture_page_names_only_paths_that_exist():
    """The page is written against the code: every path it names is in the tree (a rename must update it)."""
    import re
    root = DOC.parent.parent
    pattern = r"`((?:xlbridge|workbook_templates|docs|scripts|tests|macros)/[^`\s]*)`"
    named = set(re.findall(pattern, DOC.read_text(encoding="utf-8")))
    assert len(named) > 30
    for path in sorted(named):
        path = path.split("#")[0].rstrip("…")
        if "<" in path:                                  # a placeholder: its folder must exist
            path = path[: path.index("<")].rsplit("/", 1)[0]
        assert list(root.glob(path)) or (root / path).exists(), path


# ---- recipe: a new circular ----

def _circular() -> dict:
    """A test-only circular for THCS from 2030-2031: two standards, Mức 1–2, its own table form."""
    crit: list[dict[str, Any]] = [{"code": f"{s}.{c}", "title": f"Tiêu chí thử {s}.{c}", "verified": True, "mandatory": c == 1,
             "muc1": f"Yêu cầu Mức 1 của {s}.{c}", "muc2": f"Yêu cầu Mức 2 của {s}.{c}"} for s in (1, 2) for c in (1, 2)]
    return {
        "id": "tt99-2030-thu-nghiem",
        "circular": {"number": "99/2030/TT-BGDĐT", "title": "Thông tư thử nghiệm", "date": "2030-06-01"},
        "applies_to": ["THCS"],
        "school_years": {"first": "2030-2031", "last": None},
        "levels": ["Mức 1", "Mức 2"],
        "layout": "theo-tieu-chi",
        "forms": {"plan": "ke-hoach-thu-nghiem"},
        "standards": [{"number": s, "title": f"Tiêu chuẩn thử {s}", "verified": True,
                       "criteria": [c for c in crit if str(c["code"]).startswith(f"{s}.")]} for s in (1, 2)],
    }


def _circular_form() -> dict:
    return {
        "id": "ke-hoach-thu-nghiem", "name": "Bảng kế hoạch thử nghiệm", "part": "both", "verified": True,
        "reviews": [{"id": "cn", "label": "Kết quả cuối năm", "phase": "cuoi-nam"}],
        "columns": [
            {"key": "noi_dung", "header": "Nội dung cải tiến", "role": "content", "required": "ke-hoach", "width": 36},
            {"key": "thoi_gian", "header": "Thời gian", "role": "period", "required": "ke-hoach", "width": 18},
            {"key": "phu_trach", "header": "Người phụ trách", "role": "person", "required": "ke-hoach", "width": 18},
            {"key": "trang_thai", "header": "Trạng thái", "role": "status", "review": "cn", "required": "cuoi-nam"},
            {"key": "ket_qua", "header": "Kết quả", "role": "result", "review": "cn", "width": 30},
        ],
    }


def test_recipe_new_circular(province, tmp_path, capsys):
    _write(province, "frameworks/tt99-2030-thu-nghiem.yaml", _circular())
    _write(province, "forms/ke-hoach-thu-nghiem.yaml", _circular_form())
    # Step 2 of the recipe: without closing the previous circular's range, kdcl refuses (no "first file wins").
    with pytest.raises(DataFileError, match="chồng với bộ tiêu chuẩn"):
        from xlbridge.data.catalog import frameworks
        frameworks()
    previous = _bundled("frameworks/tt57-2026-pho-thong.yaml")
    previous["school_years"]["last"] = "2029-2030"
    _write(province, "frameworks/tt57-2026-pho-thong.yaml", previous)
    files.reload()

    src = _template(tmp_path, "--cap-hoc", "THCS", "--nam-hoc", "2030-2031")
    item = {"noi_dung": "Bồi dưỡng giáo viên về đánh giá học sinh", "thoi_gian": "Tháng 10/2030 - tháng 12/2030",
            "phu_trach": "Tổ chuyên môn"}
    filled = _fill(src, {"info": _info(), "items": [{"criterion": "1.1", "values": item},
                                                    {"criterion": "2.2", "values": {**item, "phu_trach": ""}}]})
    code, report = _check(filled, capsys)
    assert report["framework"] == "tt99-2030-thu-nghiem"
    errors = [f for f in report["findings"] if f["severity"] == "loi"]
    assert code == 1 and len(errors) == 1, errors
    assert errors[0]["sheet"] == "Tiêu chuẩn 2" and "«Người phụ trách»" in errors[0]["message"] and "2.2" in errors[0]["message"]


# ---- recipe: a province's form ----

def test_recipe_province_form(province, tmp_path, capsys):
    form = _bundled("forms/ke-hoach-2018.yaml")
    form["id"] = "ke-hoach-tinh-thu"
    form["name"] = "Bảng kế hoạch cải tiến (mẫu của tỉnh thử)"
    form["columns"].append({"key": "nguon_kinh_phi", "header": "Nguồn kinh phí", "role": "text",
                            "required": "ke-hoach", "width": 16})
    _write(province, "forms/ke-hoach-tinh-thu.yaml", form)

    src = _template(tmp_path, "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "--mau", "ke-hoach-tinh-thu")
    from xlbridge.io.grid import load_grid
    from xlbridge.io.reader import read_grid
    layout = read_grid(load_grid(src), src.name).layout
    assert layout.plan_form.id == "ke-hoach-tinh-thu"
    assert "Nguồn kinh phí" in [c.header for c in layout.plan_form.columns]
    plan = {c["key"]: None for c in form["columns"]}
    values = {"giai_phap": "Tổ chức chuyên đề đổi mới phương pháp dạy học", "ket_qua_can_dat": "100% giáo viên tham gia",
              "thoi_gian": "Tháng 11/2024", "chu_tri": "Phó hiệu trưởng", "kinh_phi": "5 triệu"}
    values = {k: v for k, v in values.items() if k in plan}
    filled = _fill(src, {"info": _info(ngay_bao_cao=date(2024, 10, 15)),
                         "items": [{"criterion": "1.1", "values": {**values, "nguon_kinh_phi": "Ngân sách"}},
                                   {"criterion": "2.1", "values": values}]})
    code, report = _check(filled, capsys)
    errors = [f for f in report["findings"] if f["severity"] == "loi"]
    assert code == 1 and len(errors) == 1, errors
    assert errors[0]["sheet"] == "Tiêu chuẩn 2" and "«Nguồn kinh phí»" in errors[0]["message"]


# ---- recipe: a rule ----

def test_recipe_new_rule(province, tmp_path, capsys, monkeypatch):
    from xlbridge.core import rules
    from xlbridge.core.findings import make_finding
    messages = _bundled("messages/rules.yaml")
    messages["rules"]["TN01"] = {"severity": "canh-bao", "title": "Nội dung còn ghi chú nháp",
                                 "message": "Nội dung «{text}» còn chữ «nháp».",
                                 "hint": "Viết lại nội dung ở ô {cell} cho hoàn chỉnh rồi bỏ chữ «nháp».",
                                 "tested_on": "Sổ THCS 2024-2025 có một nội dung ghi «Bản nháp».",
                                 "false_positive": "Báo một nội dung nói về bản nháp của văn bản khác."}
    _write(province, "messages/rules.yaml", messages)
    rules._load_rule_modules()
    monkeypatch.setattr(rules, "REGISTRY", dict(rules.REGISTRY))

    @rules.rule("TN01")
    def draft_text(ctx: rules.Context):
        for item in ctx.book.items:
            for value in item.values.values():
                if "nháp" in value.text.lower():
                    yield make_finding("TN01", value.cell.sheet, value.cell.a1, text=value.text)

    rules.check_catalogue()
    src = _template(tmp_path, "--cap-hoc", "THCS", "--nam-hoc", "2024-2025")
    filled = _fill(src, {"info": _info(ngay_bao_cao=date(2024, 10, 15)), "items": [
        {"criterion": "1.2", "values": {"giai_phap": "Bản nháp: họp hội đồng trường", "ket_qua_can_dat": "Có nghị quyết",
                                        "thoi_gian": "Tháng 10/2024", "chu_tri": "Hiệu trưởng"}}]})
    _code, report = _check(filled, capsys)
    found = [f for f in report["findings"] if f["rule"] == "TN01"]
    assert len(found) == 1 and found[0]["sheet"] == "Tiêu chuẩn 1" and found[0]["cell"]
    assert found[0]["cell"] in found[0]["hint"] and "Bản nháp" in found[0]["message"]


# ---- recipe: an output format ----

def write_jsonl(tables, folder: Path) -> list[Path]:
    """The function the recipe asks for: one JSON Lines file per consolidation table."""
    from xlbridge.io.atomic import atomic_path
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        dst = folder / f"{table.key}.jsonl"
        with atomic_path(dst) as tmp, tmp.open("w", encoding="utf-8") as fh:
            for row in table.rows():
                pairs = zip(table.columns, row, strict=True)
                record = {c.key: (v.isoformat() if hasattr(v, "isoformat") else v) for c, v in pairs}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        written.append(dst)
    return written


def test_recipe_output_format(province, tmp_path, monkeypatch):
    from xlbridge.consolidate import run
    inbox = tmp_path / "bai-nop"
    inbox.mkdir()
    for i, school in enumerate(("Trường THCS A", "Trường THCS B")):
        src = _template(tmp_path, "--cap-hoc", "THCS", "--nam-hoc", "2024-2025")
        filled = _fill(src, {"info": _info(ten_truong=school, ngay_bao_cao=date(2024, 10, 15)), "items": [
            {"criterion": "1.1", "values": {"giai_phap": f"Nội dung {i}", "ket_qua_can_dat": "Đạt",
                                            "thoi_gian": "Tháng 10/2024", "chu_tri": "Hiệu trưởng"}}]})
        filled.rename(inbox / f"{i}.xlsx")
    monkeypatch.setattr(run, "write_csv", write_jsonl)      # the slot a new --flag fills, next to --csv
    report = run.consolidate(run.Options([str(inbox)], tmp_path / "tong-hop.xlsx", csv=tmp_path / "bang", jobs=1,
                                         today=date(2024, 10, 20), progress=False))
    assert report.schools == 2
    lines = (tmp_path / "bang" / "danh_sach.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines]
    assert sorted(r["ten_truong"] for r in rows) == ["Trường THCS A", "Trường THCS B"]
    assert all(r["so_noi_dung"] == 1 for r in rows)

"""The data files: loaded and schema-checked, with errors that name the file and the field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlbridge.data import files
from xlbridge.data.catalog import choose_framework, frameworks
from xlbridge.data.files import BUNDLED
from xlbridge.data.forms import get_form
from xlbridge.errors import DataFileError, KdclError

ROOT = Path(__file__).resolve().parent.parent


def _clear_caches():
    files.reload()


@pytest.fixture
def user_data(tmp_path, monkeypatch):
    """A province's data folder (KDCL_DU_LIEU) whose files take precedence over the bundled ones."""
    monkeypatch.setenv("KDCL_DU_LIEU", str(tmp_path))
    _clear_caches()
    yield tmp_path
    monkeypatch.delenv("KDCL_DU_LIEU")
    _clear_caches()


def test_framework_catalogue():
    by_id = {f.id: f for f in frameworks()}
    assert {len(by_id[i].criteria()) - len(by_id[i].level4) for i in ("tt17-2018-tieu-hoc", "tt18-2018-trung-hoc",
                                                                      "tt19-2018-mam-non")} == {27, 28, 25}
    for fid in ("tt57-2026-pho-thong", "tt57-2026-mam-non", "tt57-2026-gdtx"):
        fw = by_id[fid]
        assert [len(s.criteria) for s in fw.standards] == [4, 3, 5, 3] and fw.levels == ("Mức 1", "Mức 2")
        assert sorted(c.code for c in fw.criteria() if c.mandatory) == ["1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]
        assert all(c.muc1 and c.muc2 and c.muc1 != c.muc2 for c in fw.criteria()), fid     # every requirement text
    assert len(by_id["tt18-2018-trung-hoc"].level4) == 6
    # unverified titles keep their mark
    assert not by_id["tt18-2018-trung-hoc"].criterion("1.5").verified
    assert not by_id["tt57-2026-pho-thong"].criterion("1.4").verified


@pytest.mark.parametrize("cap_hoc, year, expected", [
    ("Tiểu học", 2023, "tt17-2018-tieu-hoc"), ("THCS", 2025, "tt18-2018-trung-hoc"),
    ("PT nhiều cấp học", 2024, "tt18-2018-trung-hoc"), ("Mầm non", 2025, "tt19-2018-mam-non"),
    ("THPT", 2026, "tt57-2026-pho-thong"), ("Mầm non", 2026, "tt57-2026-mam-non"), ("GDTX", 2027, "tt57-2026-gdtx"),
])
def test_framework_chosen_by_school_year(cap_hoc, year, expected):
    assert choose_framework(cap_hoc, year).id == expected


def test_framework_named_by_user_overrides_year():
    assert choose_framework("THCS", 2026, "18/2018").id == "tt18-2018-trung-hoc"
    assert choose_framework("THCS", 2024, "57/2026").id == "tt57-2026-pho-thong"
    with pytest.raises(KdclError, match="không áp dụng"):
        choose_framework("GDTX", 2024, "18/2018")


def test_province_variant_is_a_data_file(user_data):
    (user_data / "forms").mkdir()
    text = (BUNDLED / "forms" / "tien-do-tien-giang.yaml").read_text(encoding="utf-8")
    (user_data / "forms" / "tinh-moi.yaml").write_text(text.replace("id: tien-do-tien-giang", "id: tinh-moi"), encoding="utf-8")
    form = get_form("tinh-moi")
    assert [c.role for c in form.columns] == ["content", "period", "person", "money", "result"]


@pytest.mark.parametrize("edit, field, words", [
    (lambda s: s.replace("role: period", "role: thoi-gian", 1), "columns[3].role", "thoi-gian"),
    (lambda s: s.replace("    required: ke-hoach\n", "    required: dau-nam\n", 1), "columns[0].required", "dau-nam"),
    (lambda s: s.replace("  - key: giai_phap\n", "  - key: ket_qua_can_dat\n", 1), "columns", "trùng"),
    (lambda s: s.replace("id: ke-hoach-2018", "id: khac"), "id", "trùng tên tệp"),
    (lambda s: s + "\n  - [unclosed", "dòng", "YAML"),
])
def test_broken_form_names_file_and_field(user_data, edit, field, words):
    (user_data / "forms").mkdir()
    src = (BUNDLED / "forms" / "ke-hoach-2018.yaml").read_text(encoding="utf-8")
    (user_data / "forms" / "ke-hoach-2018.yaml").write_text(edit(src), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        get_form("ke-hoach-2018")
    assert "ke-hoach-2018.yaml" in str(err.value) and field in err.value.field and words in str(err.value)


def test_broken_framework_names_file_and_field(user_data):
    (user_data / "frameworks").mkdir()
    src = (BUNDLED / "frameworks" / "tt18-2018-trung-hoc.yaml").read_text(encoding="utf-8")
    (user_data / "frameworks" / "tt18-2018-trung-hoc.yaml").write_text(src.replace("- code: '2.1'", "- code: '3.1'", 1),
                                                                      encoding="utf-8")
    with pytest.raises(DataFileError, match=r"tt18-2018-trung-hoc.yaml, mục standards\[1\]"):
        frameworks()


def test_cli_reports_data_error_without_traceback(user_data, tmp_path, capsys):
    from xlbridge.cli import main
    (user_data / "vocab").mkdir()
    (user_data / "vocab" / "statuses.yaml").write_text("statuses:\n  - name: Hoàn thành\n", encoding="utf-8")
    code = main(["template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 4 and "statuses.yaml" in err and "statuses[0].done" in err and "Traceback" not in err


def test_rules_doc_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rules_doc.py"), "--check"], cwd=ROOT)
    assert result.returncode == 0, "docs/quy-tac-kiem-tra.md is stale: run python scripts/gen_rules_doc.py"


def test_core_needs_no_excel_library():
    """The core (rules, summary, outputs) needs no Excel library, no pandas, and no feature package."""
    features = ("xlbridge.carry", "xlbridge.report", "xlbridge.consolidate", "xlbridge.importer", "xlbridge.commands",
                "xlbridge.template", "xlbridge.bridge", "xlbridge.io")
    code = ("import sys; import xlbridge.core.rules as r, xlbridge.core.summary, xlbridge.core.outputs; r._load_rule_modules(); "
            f"bad = [m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'xlsxwriter', 'xlwings', 'pandas') "
            f"or m.startswith({features!r})]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bundled_data_installs_with_package():
    """pyproject ships every data file: the package-data globs cover what is in workbook_templates."""
    import tomllib
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["workbook_templates"]
    suffixes = {g.rsplit(".", 1)[-1] for g in globs}
    data = [p for p in BUNDLED.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert data and all(p.suffix.lstrip(".") in suffixes for p in data)
    # the console script sits beside the interpreter running the tests (.venv/bin/kdcl; nothing needs activating)
    assert (Path(sys.executable).parent / "kdcl").is_file() or shutil.which("kdcl") is not None


def test_every_cap_hoc_and_status_spelling_means_one_thing():
    """An alias shared by two entries would be read as whichever comes first (a flow list's comma once split
    «TH, THCS và THPT» into «TH», already Tiểu học's); spellings schools type for a multi-level school are read."""
    from xlbridge.core.vntext import fold
    from xlbridge.data.vocab import vocab
    v = vocab()
    for entries in ([(n, (n, *a)) for n, a in v.cap_hoc], [(s.name, (s.name, *s.aliases)) for s in v.statuses]):
        owner: dict[str, str] = {}
        for name, spellings in entries:
            for spelling in spellings:
                assert owner.setdefault(fold(spelling), name) == name, (spelling, owner[fold(spelling)], name)
    for typed in ("TH và THCS", "Tiểu học và THCS", "THCS và THPT", "TH, THCS và THPT"):
        assert v.cap_hoc_name(typed) == "PT nhiều cấp học", typed

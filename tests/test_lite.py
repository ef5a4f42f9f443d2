"""Route 1 — xlwings Lite: the code travels inside the workbook as one bundled main.py."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlwings_remote as xr
import yaml
from conftest import TODAY

from macros.bridge import kiem_tra
from xlbridge.bridge.bundle import Button, build_main_py, data_files, lite_config, module_closure, requirements_txt
from xlbridge.bridge.webext import read_properties
from xlbridge.data.catalog import choose_framework
from xlbridge.examples import load_document
from xlbridge.io.filler import fill_workbook
from xlbridge.layout import NEXT_YEAR_BUTTON_CELL, REPORT_BUTTON_CELL, button_cell
from xlbridge.template.builder import TemplateSpec, build_template

HERE = Path(__file__).parent
REPO = HERE.parent


def all_buttons(layout) -> list[Button]:
    return [Button(s.name, *button_cell(s)) for s in layout.sheets] + [
        Button("Báo cáo", *REPORT_BUTTON_CELL, "tao_bao_cao"), Button("Báo cáo", *NEXT_YEAR_BUTTON_CELL, "ke_hoach_nam_sau")]


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    """A Lite template for the THPT seed school, filled with its real results table."""
    tmp = tmp_path_factory.mktemp("lite")
    data = load_document(HERE / "fixtures" / "seeds" / "bao-cao-ket-qua-thpt-2023-2024.yaml", 5)
    fw = choose_framework("THPT", 2023)
    blank = tmp / "mau-lite.xlsx"
    layout = build_template(TemplateSpec(fw, "THPT", "2023-2024", "Trường THPT Giồng Riềng", flavor="lite"), blank)
    return blank, layout, data, tmp


def test_lite_template_opens_and_carries_the_bundle(lite):
    blank, layout, _, _ = lite
    wb = openpyxl.load_workbook(blank)                   # still a valid workbook for openpyxl
    assert "Tiêu chuẩn 1" in wb.sheetnames
    props = read_properties(blank)
    buttons = all_buttons(layout)
    assert props["main.py"] == build_main_py(buttons)      # decodes back to exactly the bundled source
    assert props["requirements.txt"] == requirements_txt()
    assert set(props) == {"main.py", "requirements.txt", *lite_config()["properties"]}


def test_bundle_holds_the_real_sources(lite):
    blank = lite[0]
    tree = ast.parse(read_properties(blank)["main.py"])
    assigned = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                if isinstance(t, ast.Name)}
    modules = ast.literal_eval(assigned["KDCL_MODULES"])
    data = ast.literal_eval(assigned["KDCL_DATA"])
    parsed = ast.literal_eval(assigned["KDCL_PARSED"])
    assert "macros.bridge" in modules and "xlbridge.core.rules.timing" in modules
    assert not any(m.startswith(("xlbridge.commands", "xlbridge.importer", "xlbridge.cli")) for m in modules)
    for name, (is_package, source) in modules.items():
        base = REPO.joinpath(*name.split("."))
        path = base / "__init__.py" if is_package else base.with_suffix(".py")
        assert source == path.read_text(encoding="utf-8"), name
    files = data_files(lite_config()["data_globs"])
    assert data == {k: v for k, v in files.items() if not k.endswith(".yaml")} and "narrative/ket-qua/tieu-de.j2" in data
    assert set(parsed) == {k for k in files if k.endswith(".yaml")} and "frameworks/tt18-2018-trung-hoc.yaml" in parsed
    assert parsed["vocab/statuses.yaml"] == yaml.safe_load(files["vocab/statuses.yaml"])     # parsed at build time
    assert module_closure("macros.bridge") == modules


def test_every_standard_sheet_has_a_bound_button(lite):
    blank, layout, _, _ = lite
    main_py = read_properties(blank)["main.py"]
    with zipfile.ZipFile(blank) as z:
        names = z.namelist()
        drawings = sorted(n for n in names if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
        assert len(drawings) == len(layout.sheets) + 2        # + the two buttons of Báo cáo, + the chart of Tổng hợp
        targets = sorted(t for d in drawings
                         for t in re.findall(r'Target="#([^"]+)"', z.read(f"xl/drawings/_rels/{Path(d).name}.rels").decode()))
        captions = [z.read(d).decode() for d in drawings]
        assert sum("Kiểm tra" in c for c in captions) == len(layout.sheets) and any("Tạo báo cáo Word" in c for c in captions)
    expected = sorted(b.address for b in all_buttons(layout))
    assert targets == expected
    scripts = re.findall(r'^@script\(button="([^"]+)"', main_py, re.M)
    assert sorted(scripts) == expected


def test_lite_template_opens_in_libreoffice(lite, soffice, tmp_path):
    from lo import convert
    pdf = convert([lite[0]], tmp_path, "pdf")[0]
    assert pdf.stat().st_size > 10_000


def _normalize(actions: list[dict]) -> list[dict]:
    """The two runs happen at different times: drop the clock from status lines and stamps."""
    text = json.dumps(actions, ensure_ascii=False)
    return json.loads(re.sub(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", "HH:MM", text))


def test_bundled_script_runs_under_pyodide_limits(lite, tmp_path):
    blank, layout, data, _ = lite
    filled = tmp_path / "lite-filled.xlsx"
    fill_workbook(blank, filled, layout, data)     # openpyxl drops the Lite parts; the bundle is read from `blank`
    main_py = tmp_path / "main.py"
    main_py.write_text(read_properties(blank)["main.py"], encoding="utf-8")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(xr.payload(filled), ensure_ascii=False, default=str), encoding="utf-8")
    run = subprocess.run([sys.executable, str(HERE / "lite_runner.py"), str(main_py), str(payload), "kiem_tra_1"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    buttons = {m["function_name"]: m.get("button") for m in result["meta"]}
    assert buttons["kiem_tra_1"] == Button(layout.sheets[0].name, *button_cell(layout.sheets[0])).address
    assert buttons["kiem_tra"] is None and buttons["tao_bao_cao"] is None and len(buttons) == len(layout.sheets) + 5
    assert buttons[f"tao_bao_cao_{len(layout.sheets) + 1}"] == f"'Báo cáo'!{'B'}2"
    book = xr.remote_book(filled)
    kiem_tra(book, None, datetime.now())
    assert _normalize(result["actions"]) == _normalize(book.json()["actions"])
    rules = {row[6] for a in result["actions"] if a["func"] == "setValues" for row in a["values"] if len(row) == 7}
    assert "KH08" in rules                               # the seed's real finding came out of the bundle


def test_runner_really_blocks_file_access(tmp_path):
    """The constraint harness is not a test that cannot fail: a script opening a local file is stopped."""
    main_py = tmp_path / "main.py"
    main_py.write_text(f"open({str(REPO / 'README.md')!r}).read()\n", encoding="utf-8")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"client": "Office.js", "version": "0", "book": {"name": "x", "active_sheet_index": 0,
                                   "selection": "A1"}, "names": [], "sheets": []}), encoding="utf-8")
    run = subprocess.run([sys.executable, str(HERE / "lite_runner.py"), str(main_py), str(payload), "x"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode != 0 and "file access not allowed" in run.stderr


def test_checked_copy_keeps_the_lite_code(lite, tmp_path):
    blank = lite[0]
    from xlbridge.check import check_file
    from xlbridge.io.writer import write_checked_copy
    out = tmp_path / "da-kiem-tra.xlsx"
    write_checked_copy(blank, out, check_file(blank, TODAY).output())
    assert read_properties(out) == read_properties(blank)
    assert openpyxl.load_workbook(out)["Kiểm tra"]["A5"].value == 1


def test_one_xlwings_version_everywhere():
    """pyproject, the Lite requirements (what the add-in installs), the Pyodide test's wheels and the installed
    package (whose xlwings.bas goes into the .xlsm) name one xlwings version."""
    import tomllib
    from importlib.metadata import version
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = {re.sub(r"\s", "", d).split("==")[1] for d in deps if d.lower().startswith("xlwings")}
    pins |= set(re.findall(r"^xlwings==([\d.]+)", requirements_txt(), re.M))
    pins |= set(re.findall(r"^xlwings==([\d.]+)", (HERE / "pyodide" / "wheels.txt").read_text(encoding="utf-8"), re.M))
    assert pins == {version("xlwings")}, pins
    mentioned = set(re.findall(r"xlwings[ =]+(\d+\.\d+\.\d+)", (REPO / "README.md").read_text(encoding="utf-8")))
    assert mentioned <= pins, mentioned

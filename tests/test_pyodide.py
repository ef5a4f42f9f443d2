"""xlwings Lite for real: the workbook's bundled main.py in Pyodide 0.27.5 (the npm package, under Node), pressed
the way the add-in presses a button, gives exactly the actions of the CPython run (tests/lite_runner.py), on
payloads made from real filled workbooks and from what the add-in may send (formulas, a second press, a padded used
range, defined names, no `_kdcl` sheet, dates as serial numbers or as text).

Needs Node.js and what scripts/setup-pyodide.sh installs into tests/pyodide (scripts/setup.sh runs it). Skips,
saying so, on a machine without them — never on CI, where a missing piece fails the test.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlwings_remote as xr
from conftest import seed_workbook, tt57_workbook

from xlbridge.bridge.bundle import Button, build_main_py, requirements_txt
from xlbridge.data.catalog import choose_framework
from xlbridge.layout import NEXT_YEAR_BUTTON_CELL, REPORT_BUTTON_CELL, build_layout, button_cell, config

HERE = Path(__file__).parent
PYO = HERE / "pyodide"
COMPILED = {"pandas", "numpy", "yaml"}          # what the button must not need in Lite
ALLOWED = {"xlwings", "jinja2", "markupsafe"}   # all that the Kiểm tra path may import from site-packages


def wheel_specs() -> list[tuple[str, str, str]]:
    """(name, version, kind) of tests/pyodide/wheels.txt."""
    out = []
    for line in (PYO / "wheels.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spec, *kind = line.split()
            name, version = spec.split("==")
            out.append((name, version, kind[0] if kind else "wheel"))
    return out


def wheel_files() -> tuple[list[Path], list[str]]:
    found, missing = [], []
    files = list((PYO / "wheels").glob("*")) if (PYO / "wheels").is_dir() else []
    for name, version, _ in wheel_specs():
        norm = re.compile(re.sub(r"[-_.]", "[-_.]", name) + "-" + re.escape(version) + r"[-.]", re.I)
        match = [f for f in files if norm.match(f.name)]
        (found.append(match[0]) if match else missing.append(f"{name}=={version}"))
    return found, missing


def setup_or_skip() -> list[Path]:
    wheels, missing = wheel_files()
    problems = ([] if shutil.which("node") else ["Node.js (node)"]) + \
        ([] if (PYO / "node_modules" / "pyodide" / "pyodide.mjs").is_file() else ["the pyodide npm package"]) + missing
    if problems:
        message = f"missing {', '.join(problems)}: run scripts/setup-pyodide.sh"
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-Pyodide test; " + message)
        pytest.skip(message)
    return wheels


def all_buttons(layout) -> list[Button]:
    return [Button(s.name, *button_cell(s)) for s in layout.sheets] + [
        Button("Báo cáo", *REPORT_BUTTON_CELL, "tao_bao_cao"), Button("Báo cáo", *NEXT_YEAR_BUTTON_CELL, "ke_hoach_nam_sau")]


def _item_row(ws, layout) -> int:
    """The first row of "Tiêu chuẩn 1" whose solution cell the school filled in."""
    table = layout.sheets[0].table("plan")
    col = table.by_key("giai_phap").index
    return next(r for r in range(table.first_row, table.last_row + 1) if ws.cell(r, col).value)


def with_typing(src: Path, dst: Path, layout) -> None:
    """What users type: a formula in an input cell (text with a leading "="), a real formula, an error formula,
    a number in a text cell, a date in a text cell."""
    wb = openpyxl.load_workbook(src)
    ws = wb[layout.sheets[0].name]
    table = layout.sheets[0].table("plan")
    r = _item_row(ws, layout)
    ws.cell(r, table.by_key("giai_phap").index).value = "=Kiện toàn tổ chuyên môn"
    ws.cell(r, table.by_key("chu_tri").index).value = "=SUM(1,2)"
    ws.cell(r, table.by_key("dieu_kien").index).value = "=1/0"
    ws.cell(r, table.by_key("ghi_chu").index).value = 2024
    ws.cell(r, table.by_key("ket_qua").index).value = datetime(2024, 5, 20)
    wb.save(dst)


def serial(d: datetime) -> float:
    return float((d - datetime(1899, 12, 30)).days)


def rewrite_dates(p: dict, how) -> dict:
    """The payload with every ISO date (what Office.js sends for a date-formatted cell) rewritten by `how`."""
    iso = re.compile(r"\d{4}-\d{2}-\d{2}T00:00:00\.000Z")
    p = json.loads(json.dumps(p))
    for sheet in p["sheets"]:
        sheet["values"] = [[how(datetime.fromisoformat(v[:10])) if isinstance(v, str) and iso.fullmatch(v) else v
                            for v in row] for row in sheet["values"]]
    return p


def with_names(path: Path, p: dict) -> dict:
    """The payload with the workbook's defined names, as Office.js sends book-scope names."""
    wb = openpyxl.load_workbook(path)
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    p = json.loads(json.dumps(p))
    p["names"] = [{"name": n, "sheet_index": index[s], "address": ref.replace("$", ""), "scope_sheet_name": None,
                   "scope_sheet_index": None, "book_scope": True}
                  for n, dn in wb.defined_names.items() for s, ref in dn.destinations]
    return p


def padded(p: dict) -> dict:
    """Values for Excel's whole used range: formatted empty cells around the data (+5 columns, +200 rows)."""
    p = json.loads(json.dumps(p))
    for sheet in p["sheets"]:
        width = max((len(r) for r in sheet["values"]), default=0) + 5
        sheet["values"] = [r + [""] * (width - len(r)) for r in sheet["values"]] + [[""] * width for _ in range(200)]
    return p


def without_meta(p: dict) -> dict:
    p = json.loads(json.dumps(p))
    p["sheets"] = [s for s in p["sheets"] if s["name"] != config().sheets["meta"]]
    return p


def cpython(main_py: Path, payload: Path, formulas: Path, script: str = "kiem_tra_1", block: str = "") -> dict:
    env = dict(os.environ, KDCL_TEST_BLOCK=block)
    run = subprocess.run([sys.executable, str(HERE / "lite_runner.py"), str(main_py), str(payload), script, str(formulas)],
                         capture_output=True, text=True, cwd=payload.parent, timeout=180, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every case pressed once in CPython and (one Node process) in Pyodide; the first case pressed three times."""
    wheels = setup_or_skip()
    tmp = tmp_path_factory.mktemp("pyodide")
    layout = build_layout(choose_framework("THPT", 2023))
    main_py = tmp / "main.py"
    main_py.write_text(build_main_py(all_buttons(layout)), encoding="utf-8")
    books = {"thpt": seed_workbook(tmp, "ket-qua-thpt"), "thcs": seed_workbook(tmp, "ket-qua-thcs"),
             "tien-do": seed_workbook(tmp, "tien-do-tieu-hoc"), "ke-hoach": seed_workbook(tmp, "ke-hoach-th-thcs"),
             "tt57": tt57_workbook(tmp, "pho-thong")}
    with_typing(books["thpt"], tmp / "typed.xlsx", layout)
    books["typed"] = tmp / "typed.xlsx"
    cases: dict[str, tuple[dict, dict]] = {k: (xr.payload(v), xr.formulas(v)) for k, v in books.items()}
    thpt, thpt_formulas = cases["thpt"]
    cases |= {"names": (with_names(books["thpt"], thpt), thpt_formulas), "padded": (padded(thpt), thpt_formulas),
              "no-meta": (without_meta(thpt), thpt_formulas),
              "serial-dates": (rewrite_dates(thpt, serial), thpt_formulas),
              "text-dates": (rewrite_dates(thpt, lambda d: d.strftime("%d/%m/%Y")), thpt_formulas)}

    def files(key: str) -> tuple[Path, Path]:
        payload, formulas = cases[key]
        (tmp / f"{key}.json").write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
        (tmp / f"{key}.formulas.json").write_text(json.dumps(formulas, ensure_ascii=False, default=str), encoding="utf-8")
        return tmp / f"{key}.json", tmp / f"{key}.formulas.json"

    reference = {key: cpython(main_py, *files(key)) for key in cases}
    wb = openpyxl.load_workbook(books["thpt"])            # the workbook after the first press: press again
    xr.apply_actions(wb, reference["thpt"]["actions"])
    wb.save(tmp / "round2.xlsx")
    cases["round2"] = (xr.payload(tmp / "round2.xlsx"), xr.formulas(tmp / "round2.xlsx"))
    reference["round2"] = cpython(main_py, *files("round2"))
    job = {"main": str(main_py), "wheels": [str(w) for w in wheels],
           "presses": [{"key": k, "payload": str(tmp / f"{k}.json"), "formulas": str(tmp / f"{k}.formulas.json"),
                        "script": "kiem_tra_1", "repeat": 3 if k == "thpt" else 1} for k in cases]}
    (tmp / "job.json").write_text(json.dumps(job), encoding="utf-8")
    node = subprocess.run(["node", str(PYO / "run.mjs"), str(tmp / "job.json"), str(tmp / "out.json")],
                          capture_output=True, text=True, cwd=PYO, timeout=600)
    assert node.returncode == 0, node.stderr[-3000:]
    result = json.loads((tmp / "out.json").read_text(encoding="utf-8"))
    assert not result["load_main"]["error"], result["load_main"]["error"]
    return {"reference": reference, "pyodide": result, "main_py": main_py, "layout": layout}


def normalize(actions: list[dict]) -> list[dict]:
    """Runs happen at different times: drop the clock; to_js turns None into an absent key, put it back."""
    keys = ("func", "args", "values", "sheet_position", "start_row", "start_column", "row_count", "column_count")
    actions = [{k: a.get(k) for k in keys} | {k: v for k, v in a.items() if k not in keys} for a in actions]
    return json.loads(re.sub(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", "HH:MM", json.dumps(actions, ensure_ascii=False)))


def findings(actions: list[dict]) -> list[list]:
    return [row for a in actions if a["func"] == "setValues" and a["sheet_position"] is not None
            for row in a["values"] if len(row) == 7 and isinstance(row[0], int)]


def status_lines(actions: list[dict]) -> list[str]:
    return [a["values"][0][0] for a in actions if a["func"] == "setValues" and a["start_row"] == 1
            and a["start_column"] == 0 and a["row_count"] == 1 and isinstance(a["values"][0][0], str)]


def test_the_runtime_is_the_one_lite_uses(runs):
    info = runs["pyodide"]["info"]
    assert (info["pyodide"], info["python"][:4], info["platform"]) == ("0.27.5", "3.12", "emscripten")
    lock = json.loads((PYO / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    pins = {n.lower(): v for n, v, _ in wheel_specs()}
    assert pins["jinja2"] == lock["jinja2"]["version"] and pins["markupsafe"] == lock["markupsafe"]["version"]
    lite = dict(re.findall(r"^([\w-]+)==([\d.]+)", requirements_txt(), re.M))
    assert pins["xlwings"] == lite["xlwings"] and pins["python-dotenv"] == lite["python-dotenv"]


def test_main_py_loads_with_only_xlwings(runs):
    """The add-in registers the buttons from main.py's top level: nothing of kdcl (nor pandas, PyYAML) loads there."""
    load = runs["pyodide"]["load_main"]
    assert load["kdcl_modules"] == [] and set(load["third_party"]) <= ALLOWED, load
    meta = {m["function_name"]: m.get("button") for m in runs["pyodide"]["meta"]}
    assert meta == {m["function_name"]: m.get("button") for m in runs["reference"]["thpt"]["meta"]}
    assert meta["kiem_tra_1"] == "'Tiêu chuẩn 1'!" + re.sub(r"^'.*'!", "", meta["kiem_tra_1"]) and "kiem_tra" in meta


CASES = ["thpt", "thcs", "tien-do", "ke-hoach", "tt57", "typed", "round2", "names", "padded", "no-meta",
         "serial-dates", "text-dates"]


@pytest.mark.parametrize("case", CASES)
def test_pyodide_gives_the_cpython_actions(runs, case):
    press = runs["pyodide"]["presses"][case]
    assert all(not p["error"] for p in press), press[0]["error"]
    expected = normalize(runs["reference"][case]["actions"])
    assert expected, "the CPython run wrote nothing"
    for p in press:                                       # the same on every press
        assert normalize(p["actions"]) == expected


def third_party_imports(source: str) -> dict[str, str]:
    """Non-stdlib, non-kdcl imports written in a module: root -> "top level" or "in a function"."""
    tree = ast.parse(source)
    top = {id(n) for n in tree.body} | {id(s) for n in tree.body if isinstance(n, (ast.If, ast.Try)) for s in ast.walk(n)}
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and not node.level and node.module else []
        for root in {n.split(".")[0] for n in names} - set(sys.stdlib_module_names) - \
                {"xlbridge", "macros", "workbook_templates", "__future__"}:
            if found.get(root) != "top level":
                found[root] = "top level" if id(node) in top else "in a function"
    return found


def test_kiem_tra_path_imports_no_compiled_package(runs):
    """The kdcl modules a press loaded and every third-party import written in them: pandas, numpy and yaml are
    imported by none at top level, and none of them was imported during the press (in Pyodide they are not even
    installed; the CPython run blocks them)."""
    press = runs["pyodide"]["presses"]["thpt"][0]
    assert set(press["third_party"]) <= ALLOWED, press["third_party"]
    assert not COMPILED & set(runs["reference"]["thpt"]["third_party"])
    tree = ast.parse(runs["main_py"].read_text(encoding="utf-8"))
    modules = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                   and getattr(n.targets[0], "id", "") == "KDCL_MODULES")
    listed = {f"{root} <- {name}": where for name in press["kdcl_modules"]
              for root, where in third_party_imports(modules[name][1]).items()}
    top = {k.split(" <- ")[0] for k, where in listed.items() if where == "top level"}
    assert top <= ALLOWED, listed
    assert "yaml <- xlbridge.data.files" in listed and listed["yaml <- xlbridge.data.files"] == "in a function", listed
    assert "macros.bridge" in press["kdcl_modules"] and "xlbridge.core.summary" in press["kdcl_modules"]


def test_a_formula_typed_into_an_input_cell_is_seen(runs):
    rows = findings(runs["pyodide"]["presses"]["typed"][0]["actions"])
    o01 = {row[3] for row in rows if row[6] == "O01"}
    assert len(o01) == 3, rows                             # "=Kiện toàn…", "=SUM(1,2)", "=1/0"


def test_without_the_kdcl_sheet_the_user_is_told(runs):
    lines = status_lines(runs["pyodide"]["presses"]["no-meta"][0]["actions"])
    assert lines and "Không kiểm tra được" in lines[0] and config().sheets["meta"] in lines[0], lines


def test_dates_as_text_names_and_padding_give_the_same_check(runs):
    base = findings(runs["pyodide"]["presses"]["thpt"][0]["actions"])
    for case in ("text-dates", "names", "padded"):
        assert findings(runs["pyodide"]["presses"][case][0]["actions"]) == base, case


def test_a_date_sent_as_a_serial_number_is_named_at_its_cell(runs):
    """A date cell that lost its date format shows (and sends) 45442: the check says so at that cell, in the words
    the user sees, and finds everything else as before."""
    base = [row[1:] for row in findings(runs["pyodide"]["presses"]["thpt"][0]["actions"])]
    got = [row[1:] for row in findings(runs["pyodide"]["presses"]["serial-dates"][0]["actions"])]
    extra = [row for row in got if row not in base]
    assert [r for r in base if r not in got] == [] and len(extra) == 1, extra
    assert extra[0][1:3] == ["Thông tin", "B10"] and re.search(r"«\d{5}» không phải một ngày", extra[0][3]), extra


def test_a_missing_optional_package_is_said_in_the_workbook(runs, tmp_path):
    """Without jinja2 the check still runs and the Báo cáo sheet says why its text is missing; without a package
    kdcl needs at all, the press says so in the status cell (never silence)."""
    main_py = runs["main_py"]
    payload, formulas = main_py.parent / "thpt.json", main_py.parent / "thpt.formulas.json"
    no_jinja = cpython(main_py, payload, formulas, block="jinja2")["actions"]
    assert findings(no_jinja) == findings(runs["reference"]["thpt"]["actions"])
    texts = [v for a in no_jinja if a["func"] == "setValues" for row in a["values"] for v in row if isinstance(v, str)]
    assert any("thiếu gói «jinja2»" in t for t in texts)
    no_fractions = cpython(main_py, payload, formulas, block="fractions")["actions"]   # kdcl needs it, xlwings not
    lines = status_lines(no_fractions)
    assert lines and lines[0].startswith("Nút chưa chạy được") and "«fractions»" in lines[0], lines


def test_first_and_later_press_times_are_reported(runs):
    """Timing lives in benchmarks/ (a busy machine); here only that they are measured on the real runtime."""
    presses = runs["pyodide"]["presses"]["thpt"]
    assert len(presses) == 3 and all(p["seconds"] > 0 for p in presses)

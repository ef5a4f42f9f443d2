"""The xlwings Lite add-in's Python side, in real Pyodide (driven by run.mjs).

Modelled on the public xlwings-server wasm runtime: the workbook's main.py is exec'd into a fresh module,
its scripts are listed with `custom_scripts_meta`, and a button press is
`xw.Book(json=payload)` -> `await custom_scripts_call(...)` -> `book.json()["actions"]`.
Wheels are unpacked into site-packages the way micropip leaves them (the add-in installs requirements.txt
with micropip; here the pinned pure wheels of wheels.txt are given, since Pyodide's CDN is not reachable).
"""

import json
import os
import site
import sys
import tarfile
import time
import traceback
import zipfile

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")    # PolyForm Noncommercial: schools' use
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

KDCL = ("xlbridge", "macros", "workbook_templates")
MODULE = None


def install(paths):
    """Unpack wheels (and the pure-Python package of an sdist) into site-packages; returns what went in."""
    target = site.getsitepackages()[0]
    done = []
    for path in paths:
        if path.endswith(".whl"):
            with zipfile.ZipFile(path) as z:
                z.extractall(target)
        else:   # MarkupSafe's sdist: its pure-Python fallback (src/<pkg>/*.py) is the package without speedups
            with tarfile.open(path) as t:
                for m in t.getmembers():
                    parts = m.name.split("/")
                    if m.isfile() and len(parts) == 4 and parts[1] == "src" and parts[3].endswith((".py", ".typed")):
                        m.name = "/".join(parts[2:])
                        t.extract(m, target, filter="data")
        done.append(os.path.basename(path))
    return json.dumps(done)


def info():
    import platform

    import pyodide_js
    return json.dumps({"python": platform.python_version(), "pyodide": str(pyodide_js.version), "platform": sys.platform})


def _third_party(before):
    """Top-level packages imported from site-packages since `before` (a set of module names)."""
    return sorted({n.split(".")[0] for n, m in sys.modules.items()
                   if n not in before and m is not None and "site-packages" in (getattr(m, "__file__", None) or "")})


def load_main(source):
    """exec main.py into a new module, as the add-in does with the code of the workbook."""
    global MODULE
    before = set(sys.modules)
    t = time.perf_counter()
    try:
        import xlwings  # noqa: F401
        import xlwings.server  # noqa: F401
        module = type(sys)("main")
        exec(compile(source, "main.py", "exec"), module.__dict__)
        sys.modules["main"] = MODULE = module
        error = None
    except BaseException:
        error = traceback.format_exc()
    return json.dumps({"seconds": time.perf_counter() - t, "error": error, "third_party": _third_party(before),
                       "kdcl_modules": sorted(m for m in sys.modules if m.split(".")[0] in KDCL)})


def scripts_meta():
    import xlwings.server
    return json.dumps(xlwings.server.custom_scripts_meta(MODULE), default=str)


async def press(payload_json, script_name):
    """One button press on a workbook whose values are `payload_json` (what Office.js sends)."""
    import xlwings as xw
    import xlwings.server
    before = set(sys.modules)
    t = time.perf_counter()
    try:
        book = xw.Book(json=json.loads(payload_json))
        book = await xlwings.server.custom_scripts_call(module=MODULE, script_name=script_name,
                                                         typehint_to_value={xw.Book: book})
        actions, error = book.json()["actions"], None
    except Exception:
        actions, error = [], traceback.format_exc()
    return json.dumps({"actions": actions, "error": error, "seconds": time.perf_counter() - t,
                       "third_party": _third_party(before),
                       "kdcl_modules": sorted(m for m in sys.modules if m.split(".")[0] in KDCL)},
                      ensure_ascii=False, default=str)


# Every function returns JSON text: Pyodide turns None into JS undefined, which would drop keys.

"""Run the bundled main.py of a Lite workbook the way xlwings Lite does, under Pyodide's limits.

Usage: python lite_runner.py MAIN_PY PAYLOAD_JSON FUNCTION_NAME [FORMULAS_JSON]
       → prints {"meta": …, "actions": …, "kdcl_modules": […], "third_party": […]}

Before main.py runs, an audit hook forbids what Pyodide cannot do or xlwings Lite does not allow:
starting processes or threads, opening sockets, and touching files anywhere but the Python
installation (reading) and /data. The kdcl source tree is outside both, so the bundle must
bring every module and data file it needs; openpyxl and XlsxWriter are made unimportable, and so are
the compiled packages Lite must not need (pandas, numpy, PyYAML). FORMULAS_JSON, if given, answers
the script's `get_formula()` requests as Excel would (tests/xlwings_remote.serve_formulas); modules named
in the environment variable KDCL_TEST_BLOCK (comma-separated) are made unimportable as well.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"
main_py, payload_path, function = sys.argv[1:4]
formulas = json.loads(open(sys.argv[4], encoding="utf-8").read()) if len(sys.argv) > 4 else {}
payload = json.loads(open(payload_path, encoding="utf-8").read())
source = open(main_py, encoding="utf-8").read()
ALLOWED_READ = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
BLOCKED = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "socket.connect",
           "socket.bind", "_thread.start_new_thread", "os.startfile")


def hook(event: str, args: tuple) -> None:
    if event in BLOCKED:
        raise RuntimeError(f"not allowed under Pyodide: {event}")
    if event == "open":
        path, mode = args[0], args[1]
        if isinstance(path, int) or path is None:
            return
        real = os.path.realpath(os.fsdecode(path))
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if real.startswith("/data/"):
            return
        if writing or not real.startswith(ALLOWED_READ):
            raise RuntimeError(f"file access not allowed under xlwings Lite: {real} ({mode})")


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xlwings_remote import serve_formulas  # noqa: E402  (the harness's client side; before the blocks below)

for name in ("openpyxl", "xlsxwriter", "pandas", "numpy", "yaml"):
    sys.modules[name] = None            # not needed by the button in Lite: importing them must fail
sys.path = [p for p in sys.path if p and os.path.realpath(p).startswith(ALLOWED_READ)]
import xlwings as xw  # noqa: E402
from xlwings.server import custom_scripts_call, custom_scripts_meta  # noqa: E402

for name in filter(None, os.environ.get("KDCL_TEST_BLOCK", "").split(",")):
    sys.modules[name] = None            # a test's "this package is missing in the Lite installation"
sys.addaudithook(hook)
before = set(sys.modules)
module = type(sys)("main")
exec(compile(source, "main.py", "exec"), module.__dict__)
book = xw.Book(json=payload)
meta = custom_scripts_meta(module)
with serve_formulas(formulas):
    book = asyncio.run(custom_scripts_call(module, function, typehint_to_value={xw.Book: book}))
kdcl = sorted(m for m in sys.modules if m.split(".")[0] in ("xlbridge", "macros", "workbook_templates"))
outside = sorted({m.split(".")[0] for m, mod in sys.modules.items() if m not in before and mod is not None
                  and "site-packages" in (getattr(mod, "__file__", None) or "")})   # imported by main.py and the press
print(json.dumps({"meta": meta, "actions": book.json()["actions"], "kdcl_modules": kdcl, "third_party": outside},
                 ensure_ascii=False, default=str))

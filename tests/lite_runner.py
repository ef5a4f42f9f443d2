"""Run the bundled main.py of a Lite workbook the way xlwings Lite does, under Pyodide's limits.

Usage: python lite_runner.py MAIN_PY PAYLOAD_JSON FUNCTION_NAME  → prints {"meta": …, "actions": …}

Before main.py runs, an audit hook forbids what Pyodide cannot do or xlwings Lite does not allow:
starting processes or threads, opening sockets, and touching files anywhere but the Python
installation (reading) and /data. The kdcl source tree is outside both, so the bundle must
bring every module and data file it needs; openpyxl and XlsxWriter are made unimportable.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"
main_py, payload_path, function = sys.argv[1:4]
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


for name in ("openpyxl", "xlsxwriter"):
    sys.modules[name] = None            # not in requirements.txt: importing them must fail
sys.path = [p for p in sys.path if p and os.path.realpath(p).startswith(ALLOWED_READ)]
import xlwings as xw  # noqa: E402
from xlwings.server import custom_scripts_call, custom_scripts_meta  # noqa: E402

sys.addaudithook(hook)
module = type(sys)("main")
exec(compile(source, "main.py", "exec"), module.__dict__)
book = xw.Book(json=payload)
meta = custom_scripts_meta(module)
book = asyncio.run(custom_scripts_call(module, function, typehint_to_value={xw.Book: book}))
print(json.dumps({"meta": meta, "actions": book.json()["actions"]}, ensure_ascii=False, default=str))

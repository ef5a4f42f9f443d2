"""Classic xlwings route: a VBA project (xlwings.bas + KdclMacros) built from source, in an .xlsm.

The project is written by `xlbridge.bridge.vba_writer` in a child process (ms-ovba and ms-cfb write
scratch files into the working directory; the child's is a private temporary folder), so building
an .xlsm changes nothing in the calling process: no `os.chdir`, no patched library, no reseeded
`random`. The same input gives the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from xlbridge.data.files import find, load_yaml, read_text
from xlbridge.errors import KdclError

DOC_GUIDS = {"workbook": "0002081900000000C000000000000046", "sheet": "0002082000000000C000000000000046"}
WRITER_TIMEOUT = 120      # seconds; the project is a few hundred kilobytes at most


def vba_config() -> dict:
    return load_yaml(find("vba", "vba.yaml"))


def module_source(name: str) -> str:
    if name == "xlwings":
        # locate the package without importing it: importing xlwings pulls pandas and numpy (≈ 0.6 s)
        import importlib.util
        spec = importlib.util.find_spec("xlwings")
        if spec is None or spec.origin is None:
            raise KdclError(kind="xlwings-khong-co")
        return (Path(spec.origin).parent / "xlwings.bas").read_text(encoding="ascii")
    return read_text(find("vba", f"{name}.bas"))


def build_vba_project(sheet_codenames: list[str]) -> bytes:
    """vbaProject.bin with ThisWorkbook, one document module per sheet, and the standard modules."""
    cfg = vba_config()
    job = {"seed": cfg["seed"],
           "docs": [("ThisWorkbook", DOC_GUIDS["workbook"])] + [(n, DOC_GUIDS["sheet"]) for n in sheet_codenames],
           "modules": [(name, module_source(name)) for name in cfg["modules"]]}
    here = str(Path(__file__).resolve().parents[2])          # the folder holding xlbridge, for a source checkout
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)}
    with tempfile.TemporaryDirectory(prefix="kdcl-vba-") as tmp:
        try:
            run = subprocess.run([sys.executable, "-m", "xlbridge.bridge.vba_writer"], input=json.dumps(job).encode(),
                                 cwd=tmp, env=env, capture_output=True, timeout=WRITER_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise KdclError(kind="vba-qua-lau", seconds=WRITER_TIMEOUT) from None
        except OSError as exc:
            raise KdclError(kind="vba-khong-chay-python", python=sys.executable, errno=exc.errno) from None
        target = Path(tmp) / "vbaProject.bin"
        if run.returncode != 0 or not target.is_file():
            lines = run.stderr.decode("utf-8", "replace").strip().splitlines()
            if not lines:
                raise KdclError(kind="vba-dung-khong-ro-ly-do", code=run.returncode)
            raise KdclError(kind="vba-khong-tao-duoc", reason=lines[-1].split(": ", 1)[-1])   # the message, not the class
        return target.read_bytes()


def add_vba(wb) -> None:
    """Attach the project to an XlsxWriter workbook, with a hidden xlwings.conf sheet."""
    cfg = vba_config()
    conf = wb.add_worksheet(cfg["conf_sheet"])
    for r, (key, value) in enumerate(cfg["conf"].items()):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, str(value))
    conf.hide()
    wb.set_vba_name("ThisWorkbook")
    names = []
    for i, ws in enumerate(wb.worksheets()):
        ws.set_vba_name(f"Sheet{i + 1}")
        names.append(f"Sheet{i + 1}")
    wb.add_vba_project(io.BytesIO(build_vba_project(names)), is_stream=True)

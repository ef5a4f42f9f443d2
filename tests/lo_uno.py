"""Run `uno_script.py` (LibreOffice through UNO) with the system python3, which has python3-uno."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 600


def uno_python() -> str | None:
    """The interpreter that can `import uno`, or None."""
    exe = shutil.which("python3", path="/usr/bin") or (SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else None)
    if exe is None or shutil.which("soffice") is None:
        return None
    ok = subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0
    return exe if ok else None


def require_uno() -> str:
    exe = uno_python()
    if exe is None:
        pytest.skip("LibreOffice with python3-uno is not installed (scripts/setup.sh installs LibreOffice)")
    return exe


def run(files: list[dict], inspect: bool = False) -> list[dict]:
    """Open each file in one LibreOffice session, apply its edits, save/export; results per file."""
    exe = require_uno()
    with tempfile.TemporaryDirectory(prefix="kdcl-uno-") as tmp:
        job = {"profile": str(Path(tmp) / "profile"), "inspect": inspect, "result": str(Path(tmp) / "result.json"),
               "files": [{k: (str(v) if isinstance(v, Path) else v) for k, v in f.items()} for f in files]}
        (Path(tmp) / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env["HOME"] = tmp
        proc = subprocess.run([exe, str(HERE / "uno_script.py"), str(Path(tmp) / "job.json")], capture_output=True,
                              text=True, timeout=TIMEOUT, env=env, cwd=tmp)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads((Path(tmp) / "result.json").read_text(encoding="utf-8"))

"""kdcl as installed: its modules' bytecode compiled (scripts/setup.sh does it, as a wheel install would), so a
cold process measures kdcl's work, not the compilation of its own sources. Where PYTHONDONTWRITEBYTECODE is set
(this machine) nothing else would ever store that bytecode, and every process would compile ≈ 140 modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compile_kdcl() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(ROOT / "xlbridge")], check=True,
                   stdout=subprocess.DEVNULL)
    print("kdcl's bytecode compiled first, as scripts/setup.sh leaves it")

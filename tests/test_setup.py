"""The README's two commands are what CI runs, and they call the set-up's own environment by path."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    """The first two bash blocks of the README: install + demo, then the tests."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [b.strip() for b in blocks[:2]]


def test_ci_runs_exactly_the_readme_commands() -> None:
    """`|| exit 1` only makes a failed set-up stop CI (under `set -e`, a failing `a && b` does not)."""
    lines = [ln.removesuffix(" || exit 1") for ln in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith(("#", "set ", "cd "))]
    assert lines[:2] == readme_commands()
    assert lines[2:] == [".venv/bin/ruff check .", ".venv/bin/mypy"]


def test_the_linter_and_type_checker_ci_runs_are_installed_and_cover_the_package() -> None:
    """`.ci/run` calls .venv/bin/ruff and .venv/bin/mypy: the set-up installs the test extra, so they must be in
    it; mypy is run without arguments, so its `files` must name every Python tree that ships or runs."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    test_extra = {re.split(r"[<>=\[; ]", req, maxsplit=1)[0] for req in config["project"]["optional-dependencies"]["test"]}
    assert {"ruff", "mypy"} <= test_extra
    assert "-e '.[test]'" in (ROOT / "scripts/setup.sh").read_text(encoding="utf-8")
    files = set(config["tool"]["mypy"]["files"])
    trees = {p.parent.name for p in ROOT.glob("*/*.py")} - {"tests", "benchmarks"}   # test code: not checked
    assert "xlbridge" in files and trees <= files, trees - files


def test_readme_commands_need_no_activated_environment() -> None:
    install, tests = readme_commands()
    assert install == "bash scripts/setup.sh && .venv/bin/kdcl demo vi-du"
    assert tests == ".venv/bin/python -m pytest"
    assert 'VENV=.venv' in (ROOT / "scripts/setup.sh").read_text(encoding="utf-8")


def test_setup_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(ROOT / "scripts/setup.sh")], check=True)


def test_version_is_printed_from_one_place() -> None:
    from xlbridge import __version__
    out = subprocess.run([sys.executable, "-m", "xlbridge.cli", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"kdcl {__version__}"
    assert 'attr = "xlbridge.__version__"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")

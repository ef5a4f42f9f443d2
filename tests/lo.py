"""LibreOffice headless helpers for tests: recalculate workbooks, convert them to PDF.

XlsxWriter stores formulas with a cached value of 0; LibreOffice by default trusts cached values
of OOXML files ("never recalculate"). Each call therefore runs soffice with a fresh, throw-away
user profile whose registrymodifications.xcu sets Calc's load-time recalculation modes to
0 = "always recalculate" (schema: officecfg Office/Calc.xcs, group Formula/Load).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TIMEOUT = 180   # seconds for one soffice run (a cold profile takes a few seconds to initialise)
JOBS = min(2, os.cpu_count() or 1)   # soffice runs side by side: each is single-threaded, mostly

RECALC_ALWAYS = 0
REGISTRY = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{RECALC_ALWAYS}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{RECALC_ALWAYS}</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice failed, timed out, or did not write the expected file."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_profile(root: Path, recalc: bool = True) -> Path:
    """A fresh user profile under `root`; with `recalc`, Calc recalculates every formula on load."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    if recalc:
        (user / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
    return root


def convert(sources: Sequence[Path], out_dir: Path, fmt: str = "xlsx", *, recalc: bool = True,
            timeout: float = TIMEOUT, exe: str | None = None, jobs: int = JOBS) -> list[Path]:
    """Convert several files, `jobs` soffice runs side by side (each with its own fresh profile, each
    converting a share of the files); returns the converted files, in the order given.

    Sources must have distinct stems and must not live in `out_dir` (an xlsx → xlsx conversion would
    overwrite them).
    """
    exe = exe or soffice_path()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    sources = [Path(s).resolve() for s in sources]
    out_dir = Path(out_dir).resolve()
    stems = [s.stem for s in sources]
    if len(set(stems)) != len(stems):
        raise ValueError(f"source names must differ: {stems}")
    if any(s.parent == out_dir for s in sources):
        raise ValueError("out_dir must differ from the sources' folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = fmt.split(":", 1)[0]
    outputs = [out_dir / f"{stem}.{ext}" for stem in stems]
    for o in outputs:
        o.unlink(missing_ok=True)
    jobs = max(1, min(jobs, len(sources)))
    shares = [sources[i::jobs] for i in range(jobs)]
    if jobs == 1:
        _run(exe, shares[0], out_dir, fmt, recalc, timeout)
    else:
        with ThreadPoolExecutor(jobs) as pool:
            for done in [pool.submit(_run, exe, share, out_dir, fmt, recalc, timeout) for share in shares]:
                done.result()
    missing = [o.name for o in outputs if not o.is_file() or o.stat().st_size == 0]
    if missing:
        raise LibreOfficeError(f"soffice did not write {missing}")
    return outputs


def _run(exe: str, sources: list[Path], out_dir: Path, fmt: str, recalc: bool, timeout: float) -> None:
    """One soffice process, with a fresh profile, converting `sources` into `out_dir`."""
    with tempfile.TemporaryDirectory(prefix="kdcl-lo-") as tmp:
        profile = make_profile(Path(tmp) / "profile", recalc)
        cmd = [exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", fmt, "--outdir", str(out_dir), *map(str, sources)]
        env = {**os.environ, "HOME": tmp}           # nothing leaks into the real user's profile
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise LibreOfficeError(f"soffice did not finish within {timeout} s: {' '.join(cmd)}") from None
    if proc.returncode != 0:
        raise LibreOfficeError(f"soffice exit code {proc.returncode}\nstdout: {out.decode(errors='replace')}\n"
                               f"stderr: {err.decode(errors='replace')}")


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the soffice run we started (its own session: the wrapper script and soffice.bin)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def recalculate(src: Path, out_dir: Path, timeout: float = TIMEOUT) -> Path:
    """`src` opened in LibreOffice with every formula recalculated, saved as xlsx in `out_dir`."""
    return convert([src], out_dir, "xlsx", timeout=timeout)[0]


def recalculate_many(sources: Sequence[Path], out_dir: Path, timeout: float = TIMEOUT) -> list[Path]:
    return convert(sources, out_dir, "xlsx", timeout=timeout)


def to_pdf(sources: Sequence[Path], out_dir: Path, timeout: float = TIMEOUT) -> list[Path]:
    return convert(sources, out_dir, "pdf", timeout=timeout)

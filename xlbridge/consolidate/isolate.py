"""Untrusted reading in a child process with a memory cap, so that a file nobody foresaw costs that file, never the run.

The size guards (package.py, scan.py) bound what kdcl knows a reader will allocate; this bounds everything else:
the read runs in a forked copy of the (already warm) process under RLIMIT_AS. A Python MemoryError there, a
Rust abort in calamine, a crash in a native library — the child ends, the parent reports the file in Vietnamese
and goes on. The child's stderr goes nowhere (a Rust abort prints a backtrace). Where fork does not exist
(Windows) the read runs in-process, guarded by the size checks alone.

A read also has a time limit, `KDCL_GIAY_DOC` seconds (default 120, 0: none). The cap is `KDCL_BO_NHO_DOC`
megabytes (default 1024) of address space, never less than what the process
already maps plus 64 MB (so a large parent cannot make every read fail); `KDCL_BO_NHO_DOC=0` reads in-process.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

from xlbridge.consolidate.reasons import Rejected
from xlbridge.errors import KdclError

MIB = 1024 * 1024
DEFAULT_LIMIT_MB = 1024
ENV_LIMIT = "KDCL_BO_NHO_DOC"
DEFAULT_SECONDS = 120
ENV_SECONDS = "KDCL_GIAY_DOC"
DEAD = "tiến trình đọc sổ bị dừng đột ngột khi đọc tệp này (có thể vì sổ cần quá nhiều bộ nhớ)"

T = TypeVar("T")
last_peak_kb = 0        # peak resident memory of the last reading child (KB), for benchmarks/bench_hostile.py


def limit_bytes() -> int:
    """The address-space cap of a reading process, in bytes."""
    try:
        wanted = int(os.environ.get(ENV_LIMIT, "") or DEFAULT_LIMIT_MB) * MIB
    except ValueError:
        wanted = DEFAULT_LIMIT_MB * MIB
    return max(wanted, _mapped() + 64 * MIB)


def _mapped() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def read_seconds() -> int:
    """How long reading one file may take (`KDCL_GIAY_DOC` seconds, default 120; 0: no limit): a file that hangs
    the reader costs that file, never the run."""
    try:
        return max(0, int(os.environ.get(ENV_SECONDS, "") or DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


def alarm(seconds: float) -> None:
    """End this process after `seconds` (SIGALRM's default action, which native code cannot hold up); 0 cancels."""
    if not hasattr(signal, "SIGALRM"):
        return
    if seconds > 0:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(max(1, round(seconds)))
    else:
        signal.alarm(0)


def cap_memory() -> None:
    """Limit this process's address space (a reading child, or one of tong-hop's workers); KDCL_BO_NHO_DOC=0: no cap."""
    if os.environ.get(ENV_LIMIT) == "0":
        return
    try:
        import resource
        limit = limit_bytes()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):      # no resource module (Windows), or a lower hard limit already
        pass


def can_fork() -> bool:
    """False on Windows and in Pyodide (no processes), or when KDCL_BO_NHO_DOC=0 turns the child off."""
    return hasattr(os, "fork") and sys.platform != "emscripten" and os.environ.get(ENV_LIMIT) != "0"


def run_capped(name: str, fn: Callable[..., T], *args: Any, seconds: float = 0) -> T:
    """`fn(*args)` in a forked child under the memory cap (and, when `seconds`, a time limit); its result, or its
    KdclError raised again here.

    A child that runs out of memory, out of time or dies raises Rejected for `name` (kinds qua-bo-nho,
    qua-thoi-gian, loi-khac)."""
    if not can_fork():
        return fn(*args)
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:                                # no process to spare (a limit on processes): read here
        os.close(read_end)
        os.close(write_end)
        return fn(*args)
    if pid == 0:                                   # the child: never returns
        _child(read_end, write_end, fn, args, seconds)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as fh:
            data = fh.read()
        global last_peak_kb
        _, status, usage = os.wait4(pid, 0)
        last_peak_kb = usage.ru_maxrss
        pid = 0
    finally:
        if pid:                                     # interrupted (Ctrl+C): do not leave the child running
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    kind: str
    value: Any
    try:
        kind, value = pickle.loads(data) if data else ("dead", status)
    except Exception:                               # noqa: BLE001 — a child cut off in mid-write
        kind, value = "dead", status
    if kind == "ok":
        return cast(T, value)
    if kind == "error" and isinstance(value, KdclError):
        raise value
    if kind == "memory":
        raise Rejected("qua-bo-nho", name, limit=limit_bytes() // MIB)
    if kind == "failed":
        raise Rejected("loi-khac", name, detail=value)
    if kind == "dead" and os.WIFSIGNALED(status) and os.WTERMSIG(status) == getattr(signal, "SIGALRM", None):
        raise Rejected("qua-thoi-gian", name, seconds=round(seconds))
    raise Rejected("loi-khac", name, detail=DEAD)


def _child(read_end: int, write_end: int, fn: Callable[..., Any], args: tuple, seconds: float) -> None:
    code = 0
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl+C ends the child at once; the parent reports it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        import faulthandler
        faulthandler.disable()                         # it would print a dump on its own copy of stderr
        cap_memory()
        alarm(seconds)
        try:
            result: tuple[str, Any] = ("ok", fn(*args))
        except KdclError as exc:
            result = ("error", exc)
        except MemoryError:
            result = ("memory", None)
        except BaseException as exc:  # noqa: B036 — anything else (a Rust panic is a BaseException): the parent says so
            from xlbridge.consolidate.package import short_reason
            result = ("failed", short_reason(exc))
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        with os.fdopen(write_end, "wb") as fh:
            fh.write(data)
    except BaseException:  # noqa: B036 — nothing may escape a forked child (it would run the parent's code)
        code = 1
    finally:
        os._exit(code)

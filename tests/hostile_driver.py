"""Run `kdcl kiem-tra` on each file named on stdin, in this one warm process, under a memory cap: one JSON line each.

Used by tests/test_hostile_corpus.py and benchmarks/bench_hostile.py. The cap (RLIMIT_AS, argv[1] bytes) covers
this process and the reading children it forks; a line {"start": path} is printed before each file, so that the
caller knows which file a crash of the whole driver belongs to (and starts a fresh driver after it).
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from xlbridge.cli import main as kdcl
    from xlbridge.consolidate import isolate
    for line in sys.stdin:
        path = line.rstrip("\n")
        print(json.dumps({"start": path}), flush=True)
        out, err = io.StringIO(), io.StringIO()
        isolate.last_peak_kb = 0
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = kdcl(["kiem-tra", path])
        print(json.dumps({"file": path, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
                          "seconds": time.perf_counter() - started, "child_kb": isolate.last_peak_kb,
                          "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

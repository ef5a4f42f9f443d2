"""The whole consolidation: discover → check in worker processes → store → write the workbook and exports.

Workers get a bounded number of tasks at a time (no queue of every workbook in memory) and send back
small `Outcome`s. A worker that dies (which no input should be able to cause, but a library bug
could) does not end the run: its unfinished inputs are retried one at a time, and the one that kills
a worker again is reported as unreadable.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from xlbridge.consolidate.export import write_csv, write_parquet
from xlbridge.consolidate.isolate import alarm, cap_memory, read_seconds, run_capped
from xlbridge.consolidate.progress import Progress, RunReport
from xlbridge.consolidate.reasons import Rejected
from xlbridge.consolidate.records import Outcome, unreadable_outcome
from xlbridge.consolidate.scratch import Scratch
from xlbridge.consolidate.sources import Entry, discover
from xlbridge.consolidate.store import Store
from xlbridge.consolidate.tables import build_tables
from xlbridge.consolidate.texts import texts
from xlbridge.consolidate.workbook import is_consolidation, publish, write_workbook
from xlbridge.consolidate.worker import check_chunk
from xlbridge.core.summary import completion
from xlbridge.errors import KdclError

CHUNK = 4                 # inputs per task: fewer round trips, still a fine-grained progress bar
IN_FLIGHT = 3             # tasks per worker queued at once (bounded: memory stays flat)
TOP_CRITERIA = 5

Work = Callable[[list[Entry], "date | None"], list[Outcome]]


@dataclass
class Options:
    inputs: list[str]
    output: Path
    csv: Path | None = None
    parquet: Path | None = None
    jobs: int = 0                   # 0: one per CPU core
    today: date | None = None
    overwrite: bool = False
    progress: bool | None = None    # None: a bar when stderr is a terminal


def consolidate(opts: Options, stream: TextIO | None = None, work: Work = check_chunk) -> RunReport:
    stream = stream or sys.stderr
    output = _check_output(opts)
    warm_up()
    skipped: list[Path] = []
    entries = list(discover(opts.inputs, exclude=[output], skipped=skipped))
    if not entries:
        raise KdclError(kind="tong-hop-khong-co-so", inputs=", ".join(map(str, opts.inputs)))
    jobs = opts.jobs or os.cpu_count() or 1
    progress = Progress(len(entries), stream, opts.progress)
    scratch = Scratch()                      # the system temp dir: a killed run leaves nothing in the user's folder
    store = Store(scratch.path)
    try:
        try:
            by_seq = {e.seq: e for e in entries}
            for outcome in outcomes(entries, jobs, opts.today, work):
                try:
                    store.add(outcome)
                except (ValueError, OverflowError) as exc:      # figures SQLite cannot hold: this file only
                    entry = by_seq[outcome.seq]
                    outcome = unreadable_outcome(entry, Rejected("loi-khac", entry.name, detail=str(exc)))
                    store.add(outcome)
                progress.step(outcome.unreadable is not None)
        finally:
            progress.close()                 # end the bar's line, also on Ctrl+C (kdcl then says «Đã dừng»)
        tables = build_tables(store)
        report = _report(store, len(entries))
        report.skipped = skipped
        note = texts().subtitle.format(ngay=datetime.now().strftime("%d/%m/%Y %H:%M"), so_truong=report.schools,
                                       so_khong_doc=report.unreadable, so_trung=report.duplicates)
        draft = scratch.file("tong-hop.xlsx")
        write_workbook(tables, draft, note, tmpdir=scratch.path)
        publish(draft, output)
        report.written.append(output)
        if opts.csv:
            write_csv(tables, opts.csv)
            report.written.append(opts.csv)
        if opts.parquet:
            write_parquet(tables, opts.parquet)
            report.written.append(opts.parquet)
    finally:
        store.close()
        scratch.close()
    report.seconds = progress.elapsed
    return report


def _check_output(opts: Options) -> Path:
    from xlbridge.consolidate.tables import ORDER
    from xlbridge.io.targets import output_file, output_folder
    out = output_file(opts.output, opts.overwrite, (".xlsx",), [p for p in opts.inputs if Path(p).is_file()])
    missing = [p for p in opts.inputs if not Path(p).exists()]
    if missing:
        raise KdclError(kind="khong-tim-thay-thu-muc" if not Path(missing[0]).suffix else "khong-tim-thay",
                        path=", ".join(map(str, missing)))
    folders = [Path(p).resolve() for p in opts.inputs if Path(p).is_dir()]
    if out.exists() and any(f in out.resolve().parents for f in folders) and not is_consolidation(out):
        raise KdclError(kind="ra-trong-thu-muc-vao", path=out)
    for folder, suffix in ((opts.csv, ".csv"), (opts.parquet, ".parquet")):
        if folder is not None:
            output_folder(folder, opts.overwrite, [k + suffix for k in ORDER])
    return out


def warm_up() -> None:
    """Read every data file once in the parent, so that a broken data file stops the run with its own message
    (instead of failing every workbook) and forked workers start with warm caches."""
    from xlbridge.core.findings import rule_specs
    from xlbridge.core.rules import check_catalogue
    from xlbridge.data.catalog import frameworks
    from xlbridge.data.forms import info_form
    from xlbridge.data.vocab import vocab
    from xlbridge.layout import build_layout
    vocab()
    info_form()
    rule_specs()
    check_catalogue()
    texts()
    for fw in frameworks():
        build_layout(fw)
    gc.freeze()     # what the workers inherit is never collected: no full collection walks it, no page copied for it


def outcomes(entries: list[Entry], jobs: int, today: date | None, work: Work = check_chunk) -> Iterator[Outcome]:
    """Outcomes of all entries (in completion order): in `jobs` worker processes, or for a few entries (or one
    job) in one forked child per chunk — never in this process, whose death would end the run (isolate.py)."""
    if jobs <= 1 or len(entries) <= CHUNK:
        for i in range(0, len(entries), CHUNK):
            yield from _capped(entries[i:i + CHUNK], today, work)
        return
    retry: list[Entry] = []
    chunks = [entries[i:i + CHUNK] for i in range(0, len(entries), CHUNK)]
    yield from _pooled(chunks, jobs, IN_FLIGHT * jobs, today, work, retry)
    for entry in retry:          # after a worker died: one at a time, so that a second death names its input
        yield from _capped([entry], today, work)


def _capped(chunk: list[Entry], today: date | None, work: Work) -> Iterator[Outcome]:
    """One chunk in a memory-capped child; when the child dies, its entries one at a time, so a second death
    names its input."""
    try:
        yield from run_capped("", work, chunk, today, seconds=read_seconds() * len(chunk))
        return
    except Rejected as exc:
        if len(chunk) == 1:
            fields = {k: v for k, v in exc.fields.items() if k != "file"}
            yield unreadable_outcome(chunk[0], Rejected(exc.kind, chunk[0].name, **fields))
            return
    for entry in chunk:
        yield from _capped([entry], today, work)


def _timed(work: Work, chunk: list[Entry], today: date | None) -> list[Outcome]:
    """A task in a worker, with the reading time limit: a file that hangs ends its worker (and is then retried
    alone, in a child with the same limit, which names it)."""
    alarm(read_seconds() * len(chunk))
    try:
        return work(chunk, today)
    finally:
        alarm(0)


def _quiet_worker() -> None:
    """Ctrl+C is the parent's to handle (it cancels what is queued); a worker just finishes its task, within the
    memory cap of a reading process (a file that would exhaust memory ends its worker, never the run)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cap_memory()


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_quiet_worker)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def _pooled(chunks: list[list[Entry]], jobs: int, window: int, today: date | None, work: Work,
            failed: list[Entry]) -> Iterator[Outcome]:
    """Run the chunks with at most `window` in flight; entries of tasks lost to a dead worker go to `failed`."""
    queue = iter(chunks)
    pending: dict[Future, list[Entry]] = {}
    pool = _pool(jobs)
    try:
        while True:
            while len(pending) < window and (chunk := next(queue, None)) is not None:
                try:
                    pending[pool.submit(_timed, work, chunk, today)] = chunk
                except BrokenProcessPool:
                    failed.extend(chunk)
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk = pending.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    failed.extend(chunk)
                    broken = True
                    continue
                except Exception:        # noqa: BLE001 — the work itself failed (out of memory …): its entries again, alone
                    failed.extend(chunk)
                    continue
                yield from results
            if broken:           # every task still pending is lost with the pool: retry them later, go on with a new pool
                for chunk in pending.values():
                    failed.extend(chunk)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _pool(jobs)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _report(store: Store, inputs: int) -> RunReport:
    store.finish()
    r = RunReport(inputs=inputs)
    r.schools = int(store.scalar("SELECT COUNT(*) FROM kept"))
    r.duplicates = int(store.scalar("SELECT COUNT(*) FROM schools")) - r.schools
    r.nameless = [str(f) for (f,) in store.query("SELECT file FROM schools WHERE TRIM(COALESCE(name, '')) = '' ORDER BY seq")]
    labels = {k: v.label for k, v in texts().reasons.items()}
    for kind, n in store.query("SELECT kind, COUNT(*) FROM unreadable GROUP BY kind"):
        r.unreadable_kinds[labels.get(kind, kind)] = r.unreadable_kinds.get(labels.get(kind, kind), 0) + n
    r.unreadable = sum(r.unreadable_kinds.values())
    per_school = "SELECT seq, severity, COUNT(*) AS n FROM findings WHERE seq IN (SELECT seq FROM kept) GROUP BY seq, severity"
    for _seq, severity, n in store.query(per_school):
        if severity == "loi":
            r.errors += n
            r.schools_with_errors += 1
        else:
            r.warnings += n
    items, done, cancelled, budget, overdue = store.db.execute(
        "SELECT COALESCE(SUM(items), 0), COALESCE(SUM(done), 0), COALESCE(SUM(cancelled), 0), CAST(TOTAL(budget) AS INTEGER), "
        "COALESCE(SUM(overdue), 0) FROM standards WHERE seq IN (SELECT seq FROM kept)").fetchone()
    r.items, r.budget, r.overdue = items, budget, overdue
    r.overall = completion(items, done, cancelled)
    tables = {t.key: t for t in build_tables(store)}
    for row in tables["theo_tieu_chuan"].rows():
        rec = dict(zip([c.key for c in tables["theo_tieu_chuan"].columns], row, strict=True))
        r.standards.append((rec["bo_tieu_chuan"], rec["tieu_chuan"], rec["ti_le_hoan_thanh"]))
    crit_cols = [c.key for c in tables["theo_tieu_chi"].columns]
    ranked = []
    for row in tables["theo_tieu_chi"].rows():
        rec = dict(zip(crit_cols, row, strict=True))
        if rec["so_truong_co_ke_hoach"]:
            ranked.append((rec["so_truong_co_ke_hoach"], rec["ma_tieu_chi"], rec["tieu_chi"], rec["ti_le_hoan_thanh"]))
    ranked.sort(key=lambda t: (-t[0], t[3] if t[3] is not None else 2.0))
    r.criteria = [(code, title, n, rate) for n, code, title, rate in ranked[:TOP_CRITERIA]]
    return r


"""One input, start to finish, in a worker process: load → open safely → read → check → small rows.

Never raises for anything about the input: every failure becomes an `Outcome` with the reason, so
one bad file cannot stop the batch.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache

from xlbridge.check import check_grid
from xlbridge.consolidate.fastgrid import package_grid
from xlbridge.consolidate.package import open_package, short_reason
from xlbridge.consolidate.reasons import Rejected, from_unreadable
from xlbridge.consolidate.records import Outcome, school_outcome, unreadable_outcome
from xlbridge.consolidate.sources import Entry
from xlbridge.errors import UnreadableWorkbook
from xlbridge.layout import config


@cache
def output_sheets() -> frozenset[str]:
    """The sheets kdcl writes (guide, summary, check list, report): a consolidation reads none of their cells,
    only that they exist."""
    sheets = config().sheets
    return frozenset(sheets[k] for k in ("guide", "summary", "check", "report"))


def check_entry(entry: Entry, today: date | None = None) -> Outcome:
    try:
        data = entry.load()
        package = open_package(data, entry.name, unread=output_sheets())
        grid = package_grid(package)
        result = check_grid(grid, entry.name, today)       # the check `kiem-tra` runs, summary included
        return school_outcome(entry, result, package.saved, hashlib.sha1(data).hexdigest()[:16])
    except Rejected as exc:
        return unreadable_outcome(entry, exc)
    except UnreadableWorkbook as exc:
        return unreadable_outcome(entry, from_unreadable(exc, entry.name))
    except MemoryError:
        from xlbridge.consolidate.isolate import MIB, limit_bytes
        return unreadable_outcome(entry, Rejected("qua-bo-nho", entry.name, limit=limit_bytes() // MIB))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:     # noqa: B036 — also a Rust panic from the reader (a BaseException)
        return unreadable_outcome(entry, Rejected("loi-khac", entry.name,
                                                  detail=f"kdcl gặp lỗi nội bộ khi kiểm tra sổ này: {short_reason(exc)}"))


def check_chunk(entries: list[Entry], today: date | None = None) -> list[Outcome]:
    """A few entries per task: fewer round trips between processes."""
    return [check_entry(e, today) for e in entries]

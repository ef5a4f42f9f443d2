"""The printed results table (Phụ lục 2) ↔ status, result and reason.

The official 2018-era table has no status column: a row's text sits in "đã triển khai xong",
"đang triển khai / chậm" or "chưa triển khai". Importing such a table must pick a status; this
is the one place that decides how.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.vocab import vocab

NOT_DONE_PREFIXES = ("chua thuc hien", "chua trien khai", "chua to chuc", "chua lam")


@dataclass(frozen=True)
class Derived:
    status: str | None
    result: str | None
    reason: str | None
    note: str | None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if not text or vocab().is_placeholder(text) else text


def _statuses() -> tuple[str, str, str]:
    """(done, in progress, not started): the vocabulary's first status of each kind, by its flags, so a
    renamed status in a province's vocabulary is still the one an import picks."""
    st = vocab().statuses
    done = vocab().done_statuses()[0].name
    going = next(s.name for s in st if s.open and s.started and not s.acknowledges_delay)
    waiting = next(s.name for s in st if not s.started)
    return done, going, waiting


def from_official(done: str | None, in_progress: str | None, not_started: str | None,
                  note: str | None = None) -> Derived:
    """Status from which printed result columns hold text; the least advanced state wins."""
    done, in_progress, not_started, note = map(_clean, (done, in_progress, not_started, note))
    is_done, going, waiting = _statuses()
    if in_progress:
        reason = "; ".join(t for t in (in_progress, not_started) if t)
        return Derived(going, done, reason, note)
    if not_started:
        return Derived(going if done else waiting, done, not_started, note)
    if done:
        return Derived(is_done, done, None, note)
    if note and fold(note).startswith(NOT_DONE_PREFIXES):
        return Derived(waiting, None, note, None)
    return Derived(None, None, None, note)

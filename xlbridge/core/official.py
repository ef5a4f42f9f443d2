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


def from_official(done: str | None, in_progress: str | None, not_started: str | None,
                  note: str | None = None) -> Derived:
    """Status from which printed result columns hold text; the least advanced state wins."""
    done, in_progress, not_started, note = map(_clean, (done, in_progress, not_started, note))
    if in_progress:
        reason = "; ".join(t for t in (in_progress, not_started) if t)
        return Derived("Đang thực hiện", done, reason, note)
    if not_started:
        return Derived("Đang thực hiện" if done else "Chưa triển khai", done, not_started, note)
    if done:
        return Derived("Hoàn thành", done, None, note)
    if note and fold(note).startswith(NOT_DONE_PREFIXES):
        return Derived("Chưa triển khai", None, note, None)
    return Derived(None, None, None, note)

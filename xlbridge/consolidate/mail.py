"""Saved e-mails: .eml files and .mbox mailboxes, read (never written) with the standard `email` package.

An mbox is split at its "From " lines exactly as `mailbox.mbox` does, but by byte offsets and
read-only (`mailbox.mbox` opens the file for writing when it can): a worker reads one message back
by its offsets instead of the whole mailbox.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from pathlib import Path

MAX_MESSAGE = 200 * 1024 * 1024     # one message with its attachments (base64 adds a third)
MAX_ATTACHMENTS = 100               # Excel attachments read from one message (a school sends one workbook)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods")
EXCEL_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml", "application/vnd.ms-excel")


class MailError(Exception):
    """A message that cannot be read (too large, not a message)."""


@dataclass(frozen=True)
class Envelope:
    subject: str
    sender: str
    sent: datetime | None          # naive UTC
    attachments: tuple[tuple[int, str], ...]      # (index of the part in walk order, file name) of Excel files
    others: tuple[str, ...]                       # names of the other attachments


def parse(data: bytes) -> EmailMessage:
    if len(data) > MAX_MESSAGE:
        raise MailError(f"thư {len(data) // (1024 * 1024)} MB, lớn hơn giới hạn {MAX_MESSAGE // (1024 * 1024)} MB")
    return email.message_from_bytes(data, policy=email.policy.default)


def envelope(msg: EmailMessage) -> Envelope:
    excel, others = [], []
    for i, part in enumerate(msg.walk()):
        name = _filename(part)
        if is_excel(part, name):
            excel.append((i, name or f"tep-dinh-kem-{i}.xlsx"))
        elif name:
            others.append(name)
    return Envelope(_header(msg, "Subject"), _header(msg, "From"), _date(msg), tuple(excel), tuple(others))


def parse_parts(data: bytes) -> Message:
    """The message for `attachment`: parsed with the compat32 policy, ten times faster than the default one (which
    builds rich header objects nobody reads here); the parts and their walk order are the same."""
    if len(data) > MAX_MESSAGE:
        raise MailError(f"thư {len(data) // (1024 * 1024)} MB, lớn hơn giới hạn {MAX_MESSAGE // (1024 * 1024)} MB")
    return email.message_from_bytes(data, policy=email.policy.compat32)


def attachment(msg: Message, index: int) -> bytes:
    """The decoded bytes of the part at `index` (walk order, as `envelope` numbered it)."""
    for i, part in enumerate(msg.walk()):
        if i == index:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise MailError(f"không còn tệp đính kèm thứ {index}")


def is_excel(part, name: str | None) -> bool:
    if part.is_multipart():
        return False
    if name:
        return name.lower().endswith(EXCEL_SUFFIXES)
    return part.get_content_type().startswith(EXCEL_TYPES)


def _filename(part) -> str | None:
    try:
        name = part.get_filename()
    except Exception:           # a malformed header parameter must not stop the batch
        return None
    return Path(str(name).replace("\\", "/")).name if name else None


MAX_HEADER = 300       # characters of a subject or sender kept for the tables (a crafted header can be megabytes)


def _header(msg: EmailMessage, key: str) -> str:
    try:
        text = " ".join(str(msg.get(key, "") or "")[:MAX_HEADER * 4].split())
    except Exception:
        return ""
    return text if len(text) <= MAX_HEADER else text[:MAX_HEADER - 1] + "…"


def _date(msg: EmailMessage) -> datetime | None:
    try:
        header = msg.get("Date")
        when = getattr(header, "datetime", None)
    except Exception:
        return None
    if when is None:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def mbox_spans(path: Path) -> Iterator[tuple[int, int]]:
    """Byte ranges of the messages of an mbox (each after its "From " line), reading line by line."""
    start = None
    pos = 0
    with path.open("rb") as fh:
        for line in fh:
            if line.startswith(b"From "):
                if start is not None:
                    yield start, pos
                start = pos + len(line)
            pos += len(line)
    if start is not None:
        yield start, pos


def read_span(path: Path, span: tuple[int, int]) -> bytes:
    start, stop = span
    if stop - start > MAX_MESSAGE:
        raise MailError(f"thư {(stop - start) // (1024 * 1024)} MB, lớn hơn giới hạn {MAX_MESSAGE // (1024 * 1024)} MB")
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(stop - start)
    return data[:-1] if data.endswith(b"\n") else data      # the blank line before the next "From "


def looks_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False

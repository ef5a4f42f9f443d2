"""What to consolidate: every workbook named, found in a folder (recursively) or attached to a saved e-mail.

Discovery is light: it lists files and reads e-mail headers and attachment names, and leaves reading
the workbooks to the workers (`Entry.load`), so that only one workbook per worker is in memory.
Inputs that are known to be unusable already here (an e-mail with no Excel attachment, a path that
does not exist) become entries with a `problem`, so nothing is lost; every other file goes to the
reader, which says what it is (Excel's "~$" lock files, an Outlook .msg, a PDF …) as kiem-tra does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from xlbridge.consolidate import mail
from xlbridge.consolidate.package import read_file
from xlbridge.consolidate.reasons import Rejected
from xlbridge.consolidate.texts import texts

WORKBOOK_SUFFIXES = mail.EXCEL_SUFFIXES
MAIL_SUFFIXES = (".eml", ".mbox")
OUTLOOK_SUFFIX = ".msg"


@dataclass(frozen=True)
class Entry:
    """One input to check: a workbook file, or one Excel attachment of one e-mail."""
    seq: int                          # order of discovery; the later of two equal submissions wins ties
    name: str                         # the workbook's file name (or the attachment's)
    origin: str                       # where it came from, for people: a path, or "thư «…» trong …"
    path: str                         # the file that holds it (workbook, .eml or .mbox)
    kind: str = "file"                # "file" | "eml" | "mbox"
    span: tuple[int, int] | None = None        # the message's bytes inside an mbox
    part: int | None = None           # the attachment's index in the message (walk order)
    sender: str = ""
    sent: datetime | None = None      # naive UTC
    problem: str | None = None        # a reason kind already known (no workbook to read)
    detail: dict = field(default_factory=dict)

    def load(self) -> bytes:
        """The workbook's bytes (a worker calls this; raises Rejected)."""
        if self.problem:
            raise Rejected(self.problem, self.name, **self.detail)
        if self.kind == "file":
            return read_file(Path(self.path))
        try:
            if self.kind == "mbox":
                assert self.span is not None          # an mbox entry is one message's bytes inside it
                raw = mail.read_span(Path(self.path), self.span)
            else:
                raw = _read_mail_file(Path(self.path))
            return mail.attachment(mail.parse_parts(raw), self.part or 0)
        except Exception as exc:         # a malformed message, whatever the email package makes of it
            raise Rejected("thu-hong", self.name, detail=str(exc)[:160] or "không rõ nguyên nhân") from None

    @property
    def mtime(self) -> datetime | None:
        """When the file was last changed (naive UTC): the date of a workbook that records none."""
        try:
            return datetime.fromtimestamp(os.stat(self.path).st_mtime, UTC).replace(tzinfo=None)
        except OSError:
            return None


def _read_mail_file(path: Path) -> bytes:
    if path.stat().st_size > mail.MAX_MESSAGE:
        raise mail.MailError(f"thư lớn hơn giới hạn {mail.MAX_MESSAGE // (1024 * 1024)} MB")
    return path.read_bytes()


def discover(inputs: Iterable[str | Path], exclude: Iterable[Path] = (), skipped: list[Path] | None = None) -> Iterator[Entry]:
    """Entries for every input, in a stable order (folders sorted by path), each file once.

    Found in a folder, Excel's lock files (~$…) and kdcl's own consolidation workbooks are not inputs: they
    are left out and added to `skipped` (a file named on the command line is always read)."""
    seen = {_key(p) for p in exclude}
    seq = 0
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            yield Entry(seq, path.name or str(path), str(path), str(path), problem="khong-tim-thay",
                        detail={"path": str(path)})
            seq += 1
            continue
        files = _walk(path, skipped) if path.is_dir() else [path]
        for file in files:
            key = _key(file)
            if key in seen:
                continue
            seen.add(key)
            for entry in _entries(file, named=not path.is_dir()):
                yield replace(entry, seq=seq)
                seq += 1


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path)


def _walk(folder: Path, skipped: list[Path] | None = None) -> list[Path]:
    from xlbridge.consolidate.workbook import is_consolidation
    wanted = (*WORKBOOK_SUFFIXES, *MAIL_SUFFIXES, OUTLOOK_SUFFIX)
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if not name.lower().endswith(wanted):
                continue
            if name.startswith("~$") or (name.lower().endswith(WORKBOOK_SUFFIXES) and is_consolidation(path)):
                if skipped is not None:
                    skipped.append(path)
                continue
            found.append(path)
    return found


def _entries(file: Path, named: bool) -> Iterator[Entry]:
    """The entries of one file: itself, or the Excel attachments of the e-mails it holds.

    A mail is parsed here, in discovery, so in a memory-capped child (xlbridge.consolidate.isolate): a message
    crafted to exhaust the parser's memory costs that mail, never the run."""
    suffix = file.suffix.lower()
    if suffix == ".eml" or suffix == ".mbox" or (named and suffix not in WORKBOOK_SUFFIXES and mail.looks_like_mbox(file)):
        from xlbridge.consolidate.isolate import run_capped
        try:
            yield from run_capped(file.name, _mail_entries, file, suffix == ".eml")
        except Rejected as exc:
            fields = {k: v for k, v in exc.fields.items() if k != "file"}
            yield Entry(0, file.name, str(file), str(file), problem=exc.kind, detail=fields)
    else:
        yield Entry(0, file.name, str(file), str(file))


def _mail_entries(file: Path, eml: bool) -> list[Entry]:
    return list(_eml(file) if eml else _mbox(file))


def _eml(file: Path) -> Iterator[Entry]:
    try:
        env = mail.envelope(mail.parse(_read_mail_file(file)))
    except Exception as exc:             # discovery must go on whatever one message holds
        yield Entry(0, file.name, str(file), str(file), problem="thu-hong", detail={"detail": str(exc)[:160]})
        return
    origin = texts().labels["email_source"].format(subject=env.subject or "…", mailbox=file)
    yield from _attachments(env, file.name, origin, str(file), "eml", None)


def _mbox(file: Path) -> Iterator[Entry]:
    try:
        spans = list(mail.mbox_spans(file))
    except OSError as exc:
        yield Entry(0, file.name, str(file), str(file), problem="thu-hong", detail={"detail": str(exc)[:160]})
        return
    if not spans:                        # an empty mailbox is still listed, never silently dropped
        yield Entry(0, file.name, str(file), str(file), problem="thu-hong", detail={"detail": "hộp thư không có thư nào"})
    for n, span in enumerate(spans, 1):
        label = f"{file.name} #{n}"
        try:
            env = mail.envelope(mail.parse(mail.read_span(file, span)))
        except Exception as exc:         # one malformed message does not hide the others
            yield Entry(0, label, str(file), str(file), "mbox", span, problem="thu-hong", detail={"detail": str(exc)[:160]})
            continue
        origin = texts().labels["mbox_source"].format(n=n, subject=env.subject or "…", mailbox=file)
        yield from _attachments(env, label, origin, str(file), "mbox", span)


def _attachments(env: mail.Envelope, label: str, origin: str, path: str, kind: str,
                 span: tuple[int, int] | None) -> Iterator[Entry]:
    if not env.attachments:
        others = f" (chỉ có: {', '.join(env.others)})" if env.others else ""
        yield Entry(0, label, origin, path, kind, span, sender=env.sender, sent=env.sent, problem="thu-khong-co-so",
                    detail={"attachments": others})
        return
    count = len(env.attachments)
    for n, (index, name) in enumerate(env.attachments):
        if n < mail.MAX_ATTACHMENTS:
            yield Entry(0, name, origin, path, kind, span, index, env.sender, env.sent)
        else:                            # each one listed, none read: a message's cost stays bounded
            yield Entry(0, name, origin, path, kind, span, index, env.sender, env.sent, problem="qua-nhieu-dinh-kem",
                        detail={"count": count, "limit": mail.MAX_ATTACHMENTS})

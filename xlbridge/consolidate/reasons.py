"""Why an input is not a usable workbook: a kind (a key of `reasons` in tong-hop.yaml) and a sentence."""

from __future__ import annotations

from xlbridge.consolidate.texts import Reason, texts
from xlbridge.errors import UnreadableWorkbook


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Rejected(UnreadableWorkbook):
    """An input refused, with the reason's kind; `str()` is the full Vietnamese sentence, naming the file."""

    def __init__(self, kind: str, name: str, **fields: object) -> None:
        self.kind, self.name = kind, name
        self.detail = self.reason.message.format_map(_Blank({k: "" if v is None else v for k, v in fields.items()}))
        super().__init__(f"{name}: {self.detail}" if name else self.detail)

    @property
    def reason(self) -> Reason:
        return texts().reasons[self.kind]


def from_unreadable(exc: UnreadableWorkbook, name: str) -> Rejected:
    """The reader's own refusals (not a kdcl template, unknown version or framework) as a Rejected."""
    if isinstance(exc, Rejected):
        return exc
    message = str(exc)
    if message.startswith(f"{name}: "):
        message = message[len(name) + 2:]
    return Rejected("khong-phai-mau", name, detail=message)

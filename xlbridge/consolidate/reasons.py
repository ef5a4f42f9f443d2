"""Why an input is not a usable workbook: a kind (a key of `reasons` in tong-hop.yaml) and typed fields.

`Rejected` is the consolidation's layer of the error model (xlbridge.errors): its templates are the
reasons of the "Không đọc được" sheet, its category is input, and the file's name is a field.
"""

from __future__ import annotations

from typing import Any

from xlbridge.consolidate.texts import Reason, texts
from xlbridge.errors import UnreadableWorkbook


class Rejected(UnreadableWorkbook):
    """An input refused, with the reason's kind; `str()` is the full Vietnamese sentence, naming the file."""

    def __init__(self, kind: str, name: str, **fields: object) -> None:
        self.name = name
        super().__init__(kind=kind, file=name, **fields)

    @property
    def reason(self) -> Reason:
        return texts().reasons[self.kind]

    def templates(self) -> tuple[str, str, str]:
        reason = self.reason
        return "input", ("{file}: " if self.name else "") + reason.message, reason.hint

    @property
    def detail(self) -> str:
        """The reason's sentence without the file name (the "Lý do" column)."""
        from xlbridge.errors import render
        return render(self.reason.message, self.fields)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "label": self.reason.label}


def from_unreadable(exc: UnreadableWorkbook, name: str) -> Rejected:
    """The reader's own refusals (not a kdcl template, unknown version or framework) as a Rejected."""
    if isinstance(exc, Rejected):
        return exc
    return Rejected("khong-phai-mau", name, detail=exc.detail)

"""Findings (lỗi / cảnh báo): typed, positioned, with a Vietnamese message and a fix hint.

Modelled on frictionless' errors: each finding has a rule code, a severity, a place (sheet,
cell), a human message and a hint; the rule catalogue with the texts lives in
`workbook_templates/messages/rules.yaml`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from xlbridge.data.files import Checker, cached, find, load_yaml
from xlbridge.layout import column_letter, parse_a1
from xlbridge.model import CellRef

SEVERITIES = {"loi": "Lỗi", "canh-bao": "Cảnh báo", "luu-y": "Lưu ý"}   # lưu ý: informs, asks for no fix


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: str
    title: str
    message: str
    hint: str
    tested_on: str = ""          # the real documents the rule was tried on, and what it said there
    false_positive: str = ""     # what a false finding of this rule would look like
    phrases: dict[str, str] = field(default_factory=dict)   # wordings a rule picks from to fill a field


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str              # "loi" | "canh-bao" | "luu-y"
    sheet: str | None
    at: tuple[int, int] | None  # (row, column); None when the finding is about a sheet or the whole book
    message: str
    hint: str
    fields: dict[str, object] = field(default_factory=dict, compare=False, repr=False)   # what the message was made of

    @property
    def cell(self) -> str | None:
        """The cell as users write it ("C7")."""
        return _a1(self.at)

    @property
    def position(self) -> tuple[int, int]:
        """(row, column) of the cell, (0, 0) when the finding is about a sheet or the whole book."""
        return self.at or (0, 0)

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]

    @property
    def is_error(self) -> bool:
        return self.severity == "loi"

    @property
    def is_note(self) -> bool:
        return self.severity == "luu-y"

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["at"]
        data["fields"] = {k: str(v) for k, v in self.fields.items()}
        return {**data, "cell": self.cell, "severity_label": self.severity_label}


@cached
def rule_specs() -> dict[str, RuleSpec]:
    path = find("messages", "rules.yaml")
    root = Checker(path, load_yaml(path))
    specs = {}
    for rid, raw in root.get("rules", dict).items():
        c = Checker(path, raw, f"rules.{rid}")
        specs[rid] = RuleSpec(rid, c.get("severity", str, choices=tuple(SEVERITIES)), c.get("title", str),
                              c.get("message", str), c.get("hint", str), c.get("tested_on", str), c.get("false_positive", str),
                              {str(k): str(v) for k, v in c.get("phrases", dict, {}).items()})
    return specs


def _a1(at: tuple[int, int] | None) -> str | None:
    return f"{column_letter(at[1])}{at[0]}" if at else None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def make_finding(rule: str, sheet: str | None, cell: CellRef | str | None, /, **fields: object) -> Finding:
    """Fill the rule's message and hint with `fields` (missing ones show as "…"); a field may be named `cell`.
    `cell` is the model's CellRef, or an A1 text where a reader names a cell that holds no value."""
    spec = rule_specs()[rule]
    at = (cell.row, cell.col) if isinstance(cell, CellRef) else parse_a1(cell) if cell else None
    values = _Blank({k: "" if v is None else v for k, v in fields.items()})
    values.setdefault("cell", _a1(at) or "")
    return Finding(rule, spec.severity, sheet, at, spec.message.format_map(values), spec.hint.format_map(values),
                   dict(fields))

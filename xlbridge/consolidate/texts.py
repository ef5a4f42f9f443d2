"""The texts of the consolidation workbook (workbook_templates/texts/tong-hop.yaml), schema-checked."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.data.files import Checker, cached, find, load_yaml

TYPES = ("text", "int", "pct", "money", "date", "datetime")


@dataclass(frozen=True)
class OutColumn:
    key: str           # column name in CSV/Parquet
    header: str        # Vietnamese header in Excel
    type: str          # one of TYPES
    width: int


@dataclass(frozen=True)
class TableText:
    key: str
    sheet: str
    title: str
    columns: tuple[OutColumn, ...]
    per_standard: OutColumn | None = None     # template column repeated for each standard sheet
    per_standard_at: int = 0                  # where it goes among `columns`


@dataclass(frozen=True)
class Reason:
    label: str
    message: str
    hint: str


@dataclass(frozen=True)
class Texts:
    title: str
    subtitle: str
    tables: dict[str, TableText]
    chart: dict[str, str]
    labels: dict[str, str]
    reasons: dict[str, Reason]


def _column(c: Checker) -> OutColumn:
    return OutColumn(c.get("key", str), c.get("header", str), c.get("type", str, choices=TYPES), c.get("width", int, 12))


@cached
def texts() -> Texts:
    path = find("texts", "tong-hop.yaml")
    root = Checker(path, load_yaml(path))
    tables = {}
    for key, raw in root.get("tables", dict).items():
        t = Checker(path, raw, f"tables.{key}")
        columns: list[OutColumn] = []
        per, at = None, 0
        for i, col in enumerate(t.get("columns", list)):
            c = Checker(path, col, t.child("columns", i))
            if "per_standard" in c.data:
                per, at = _column(Checker(path, c.get("per_standard", dict), c.child("per_standard"))), len(columns)
            else:
                columns.append(_column(c))
        tables[key] = TableText(key, t.get("sheet", str), t.get("title", str), tuple(columns), per, at)
    reasons = {}
    for key, raw in root.get("reasons", dict).items():
        r = Checker(path, raw, f"reasons.{key}")
        reasons[key] = Reason(r.get("label", str), r.get("message", str), r.get("hint", str))
    return Texts(root.get("title", str), root.get("subtitle", str), tables,
                 {k: str(v) for k, v in root.get("chart", dict).items()},
                 {k: str(v) for k, v in root.get("labels", dict).items()}, reasons)

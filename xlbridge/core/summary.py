"""Status summary per standard and overall, computed with pandas from the model.

Counts follow the same definitions as the "Tổng hợp" sheet's formulas (see
`xlbridge.template.summary_formulas`): an item is a row with any input; its status is the latest
review's; % hoàn thành = Hoàn thành / (items − Không thực hiện).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from xlbridge.core.progress import is_overdue
from xlbridge.data.vocab import vocab
from xlbridge.model import PlanBook

NO_STATUS = "Chưa cập nhật trạng thái"


@dataclass
class Summary:
    table: pd.DataFrame       # one row per standard sheet plus "Tổng cộng"
    report_date: date

    @property
    def total(self) -> pd.Series:
        return self.table.iloc[-1]

    def to_records(self) -> list[dict]:
        return [{k: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)) for k, v in row.items()}
                for row in self.table.to_dict(orient="records")]


def _items_frame(book: PlanBook, when: date) -> pd.DataFrame:
    rows = []
    for it in book.items:
        status = it.status
        rows.append({
            "sheet": it.sheet,
            "status": status.name if status else NO_STATUS,
            "budget": it.budget.amount if it.budget and it.budget.amount is not None else 0,
            "overdue": is_overdue(it, when, book.phase_order),
        })
    return pd.DataFrame(rows, columns=["sheet", "status", "budget", "overdue"])


def summarize(book: PlanBook, today: date | None = None) -> Summary:
    when = book.info.report_date or today or date.today()
    statuses = vocab().status_names()
    done = next(s.name for s in vocab().statuses if s.done)
    cancelled = next((s.name for s in vocab().statuses if not s.open and not s.done), None)
    frame = _items_frame(book, when)
    sheets = [s.name for s in book.layout.sheets]
    counts = (pd.crosstab(frame["sheet"], frame["status"]) if len(frame)
              else pd.DataFrame(index=pd.Index([], name="sheet")))
    counts = counts.reindex(index=sheets, columns=[*statuses, NO_STATUS], fill_value=0)
    table = pd.DataFrame(index=sheets)
    table["Số nội dung"] = counts.sum(axis=1)
    for s in [*statuses, NO_STATUS]:
        table[s] = counts[s]
    grouped = frame.groupby("sheet")
    table["Dự kiến kinh phí (đồng)"] = grouped["budget"].sum().reindex(sheets, fill_value=0)
    table["Nội dung quá hạn"] = grouped["overdue"].sum().reindex(sheets, fill_value=0)
    table.loc["Tổng cộng"] = table.sum(axis=0)
    table = table.astype("int64")
    base = table["Số nội dung"] - (table[cancelled] if cancelled else 0)
    table.insert(len(statuses) + 2, "Tỉ lệ hoàn thành", (table[done] / base.where(base > 0)).astype("float64"))
    table.index.name = "Tiêu chuẩn"
    return Summary(table.reset_index(), when)

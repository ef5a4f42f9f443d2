"""The consolidation's tables, as columns and streamed rows: the same for the workbook, CSV and Parquet.

Each table's `rows()` returns a fresh iterator over the store, so every writer streams the rows
without holding them. Values are typed (int, float rates 0–1, date, datetime, str, None).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from xlbridge.consolidate.records import standard_key
from xlbridge.consolidate.store import Store
from xlbridge.consolidate.texts import OutColumn, TableText, texts
from xlbridge.core.findings import SEVERITIES
from xlbridge.core.summary import completion
from xlbridge.data.catalog import Framework, frameworks
from xlbridge.layout import config

ORDER = ("danh_sach", "loi", "theo_tieu_chi", "theo_tieu_chuan", "theo_muc", "sap_len_muc", "khong_doc_duoc",
         "ban_trung")


@dataclass
class OutTable:
    key: str
    sheet: str
    title: str
    columns: list[OutColumn]
    rows: Callable[[], Iterator[list]]
    size: Callable[[], int] | None = None       # the number of rows, without making them (else: they are counted)

    def count(self) -> int:
        return self.size() if self.size is not None else sum(1 for _ in self.rows())


def build_tables(store: Store) -> list[OutTable]:
    store.finish()
    makers = {"danh_sach": _schools, "loi": _findings, "theo_tieu_chi": _criteria, "theo_tieu_chuan": _standards,
              "theo_muc": _by_level, "sap_len_muc": _one_away, "khong_doc_duoc": _unreadable, "ban_trung": _duplicates}
    sizes = {"danh_sach": _KEPT_SQL, "loi": _FINDINGS_SQL}      # the long tables: one COUNT, not every row made twice
    out = []
    for key in ORDER:
        t = texts().tables[key]
        size = (lambda sql=sizes[key]: int(store.scalar(f"SELECT COUNT(*) {sql}"))) if key in sizes else None
        out.append(OutTable(key, t.sheet, t.title, columns(t), _bind(makers[key], store, columns(t)), size))
    return out


_KEPT_SQL = "FROM schools s JOIN kept k ON k.seq = s.seq"
_FINDINGS_SQL = "FROM findings f JOIN kept k ON k.seq = f.seq JOIN schools s ON s.seq = f.seq"


def _bind(maker, store: Store, cols: list[OutColumn]) -> Callable[[], Iterator[list]]:
    return lambda: maker(store, cols)


def columns(t: TableText) -> list[OutColumn]:
    """The table's columns, with the per-standard template expanded for every standard sheet of any framework."""
    cols = list(t.columns)
    if t.per_standard is not None:
        tpl = t.per_standard
        made = [OutColumn(tpl.key.format(key=key), tpl.header.format(sheet=sheet), tpl.type, tpl.width)
                for key, sheet in standard_sheets()]
        cols[t.per_standard_at:t.per_standard_at] = made
    return cols


def standard_sheets() -> list[tuple[str, str]]:
    """(key, sheet name) of every standard sheet any framework has: tc1…, then muc4."""
    cfg = config()
    numbers = sorted({s.number for fw in frameworks() for s in fw.standards})
    out = [(standard_key(n), cfg.sheets["standard"].format(n=n)) for n in numbers]
    if any(fw.level4 for fw in frameworks()):
        out.append((standard_key(0), cfg.sheets["level4"]))
    return out


def framework_label(fw: Framework) -> str:
    return texts().labels["framework"].format(short=fw.short, levels=", ".join(fw.applies_to))


def local_time(when: datetime | None) -> datetime | None:
    """A UTC time (as stored in workbooks and e-mails) in this computer's time zone, for people."""
    if when is None:
        return None
    return when.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _typed(value: str | int | float | None, kind: str) -> object:
    if value is None or value == "":
        return None if kind != "text" else ""
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if kind == "datetime" and isinstance(value, str):
        return local_time(datetime.fromisoformat(value))
    if kind in ("int", "money"):
        return int(value)
    if kind == "pct":
        return float(value)
    return value


def _row(data: dict, cols: list[OutColumn], **extra: object) -> list:
    data = {**data, **extra}
    return [_typed(data.get(c.key), c.type) for c in cols]


def _schools(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    sql = f"""SELECT s.data, (SELECT COUNT(*) - 1 FROM schools d WHERE d.dedup = s.dedup)
             {_KEPT_SQL} ORDER BY s.sort, s.seq"""
    for n, (data, dups) in enumerate(store.query(sql), 1):
        yield _row(json.loads(data), cols, stt=n, ban_trung=dups)


def _findings(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    sql = f"""SELECT s.name, s.file, f.sheet, f.cell, f.severity, f.rule, f.message, f.hint
             {_FINDINGS_SQL} ORDER BY s.sort, s.seq, f.n"""
    keys = ("ten_truong", "tep", "trang_tinh", "o", "muc_do", "ma", "noi_dung", "cach_sua")
    for n, values in enumerate(store.query(sql), 1):
        row = dict(zip(keys, values, strict=True))
        row["muc_do"] = SEVERITIES.get(row["muc_do"], row["muc_do"])      # stored as the key, shown as the label
        yield _row(row, cols, stt=n)


def _used_frameworks(store: Store) -> list[tuple[Framework, int]]:
    counts = dict(store.query("SELECT s.framework, COUNT(*) FROM schools s JOIN kept k ON k.seq = s.seq GROUP BY 1"))
    return [(fw, counts[fw.id]) for fw in frameworks() if fw.id in counts]


def _criteria(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    # TOTAL (a float) where SUM of crafted budgets would overflow SQLite INTEGER and end the run
    sql = """SELECT c.framework, c.code, SUM(c.items > 0), SUM(c.items), SUM(c.done), SUM(c.cancelled), SUM(c.overdue),
                    CAST(TOTAL(c.budget) AS INTEGER) FROM criteria c JOIN kept k ON k.seq = c.seq GROUP BY 1, 2"""
    sums = {(fw, code): rest for fw, code, *rest in store.query(sql)}
    cfg = config()
    for fw, n_schools in _used_frameworks(store):
        for crit in fw.criteria():
            planning, items, done, cancelled, overdue, budget = sums.get((fw.id, crit.code), (0, 0, 0, 0, 0, 0))
            sheet = cfg.sheets["level4"] if crit.standard == 0 else cfg.sheets["standard"].format(n=crit.standard)
            yield _row({"bo_tieu_chuan": framework_label(fw), "tieu_chuan": sheet, "ma_tieu_chi": crit.code,
                        "tieu_chi": crit.title, "so_truong": n_schools, "so_truong_co_ke_hoach": planning,
                        "ti_le_truong": planning / n_schools, "so_noi_dung": items, "hoan_thanh": done,
                        "khong_thuc_hien": cancelled, "ti_le_hoan_thanh": completion(items, done, cancelled),
                        "qua_han": overdue, "kinh_phi": budget}, cols)


def _standards(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    sql = """SELECT s.framework, s.number, s.sheet, SUM(s.items > 0), SUM(s.items), SUM(s.done), SUM(s.cancelled),
                    SUM(s.overdue), CAST(TOTAL(s.budget) AS INTEGER)
             FROM standards s JOIN kept k ON k.seq = s.seq GROUP BY 1, 2, 3"""
    sums = {(fw, number): rest for fw, number, *rest in store.query(sql)}
    for fw, _n in _used_frameworks(store):
        numbers = [s.number for s in fw.standards] + ([0] if fw.level4 else [])
        for number in numbers:
            if (fw.id, number) not in sums:
                continue
            sheet, schools, items, done, cancelled, overdue, budget = sums[(fw.id, number)]
            yield _row({"bo_tieu_chuan": framework_label(fw), "tieu_chuan": sheet, "so_truong": schools,
                        "so_noi_dung": items, "hoan_thanh": done, "khong_thuc_hien": cancelled,
                        "ti_le_hoan_thanh": completion(items, done, cancelled), "qua_han": overdue, "kinh_phi": budget}, cols)


def _kept_schools(store: Store) -> Iterator[tuple[str, dict]]:
    sql = "SELECT s.framework, s.data FROM schools s JOIN kept k ON k.seq = s.seq ORDER BY s.sort, s.seq"
    for fw, data in store.query(sql):
        yield fw, json.loads(data)


def _by_level(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    """Per framework and place: how many schools at each current level, chuẩn quốc gia, one criterion away."""
    labels = {fw.id: framework_label(fw) for fw in frameworks()}
    groups: dict[tuple[str, str, str], dict[str, int]] = {}
    for fw, s in _kept_schools(store):
        key = (labels.get(fw, fw), s.get("tinh") or "", s.get("huyen") or "")
        g = groups.setdefault(key, {"so_truong": 0})
        g["so_truong"] += 1
        level = s.get("muc_hien_tai")
        names = ["chua_ghi_muc"] if level is None else [f"muc_{level}"]
        names += [f"chuan_quoc_gia_{n}" for n in range(1, (s.get("chuan_quoc_gia") or 0) + 1)]
        names += ["mot_tieu_chi"] if s.get("so_tieu_chi_can_nang") == 1 else []
        for name in names:
            g[name] = g.get(name, 0) + 1
    for (label, tinh, huyen), g in sorted(groups.items(), key=lambda kv: tuple(natural_key(x) for x in kv[0])):
        yield _row({"bo_tieu_chuan": label, "tinh": tinh, "huyen": huyen,
                    **{c.key: g.get(c.key, 0) for c in cols if c.type == "int"}}, cols)


def _one_away(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    n = 0
    for _fw, s in _kept_schools(store):
        if s.get("so_tieu_chi_can_nang") == 1:
            n += 1
            yield _row(s, cols, stt=n)


def natural_key(text: str) -> tuple:
    """ "Số 2" before "Số 10": digits compared as numbers, text by its folded form."""
    import re

    from xlbridge.core.vntext import fold
    return tuple(int(p) if p.isdigit() else fold(p) for p in re.split(r"(\d+)", text or ""))


def _unreadable(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    for n, (data,) in enumerate(store.query("SELECT data FROM unreadable ORDER BY seq"), 1):
        yield _row(json.loads(data), cols, stt=n)


def _duplicates(store: Store, cols: list[OutColumn]) -> Iterator[list]:
    sql = """SELECT s.data, w.data FROM schools s JOIN kept k ON k.dedup = s.dedup JOIN schools w ON w.seq = k.seq
             WHERE s.seq <> k.seq ORDER BY s.sort, s.rank DESC, s.seq"""
    for n, (data, winner) in enumerate(store.query(sql), 1):
        w = json.loads(winner)
        yield _row(json.loads(data), cols, stt=n, tep_giu=w["tep"], nguon_giu=w["nguon"], ngay_luu_giu=w["ngay_luu"])

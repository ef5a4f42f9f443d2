"""The consolidation's tables as CSV or Parquet files (one per table, named by its key), for pandas or DuckDB.

Column names are the tables' keys (ten_truong, so_loi, ht_tc1, …, without diacritics), values are typed
(rates 0–1, dates); rows are streamed in batches, so a national run needs no more memory than one batch.
CSV is UTF-8 with a byte-order mark (so Excel opens it with its diacritics; pandas and DuckDB skip the mark), comma-separated.
Text that Excel would run as a formula when the CSV is double-clicked gets a leading apostrophe (`csv_text`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from xlbridge.consolidate.tables import OutTable
from xlbridge.errors import KdclError
from xlbridge.io.atomic import atomic_path

BATCH = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")     # what makes a spreadsheet read a CSV cell as a formula


def csv_text(value: str) -> str:
    """Text from the schools (a name, a subject, a sender, an attachment's name) as a CSV cell: one that starts
    like a formula ("=HYPERLINK(…)", "+cmd…", "@SUM…") gets a leading apostrophe, so Excel shows it as text —
    what writing it with write_string does in the .xlsx."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _batches(rows: Iterator[list], size: int = BATCH) -> Iterator[list[list]]:
    while batch := list(islice(rows, size)):
        yield batch


def write_csv(tables: list[OutTable], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        dst = folder / f"{table.key}.csv"
        with atomic_path(dst) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:   # BOM: Excel reads UTF-8
            out = csv.writer(fh)
            out.writerow([c.key for c in table.columns])
            text = [c.type == "text" for c in table.columns]
            for row in table.rows():
                out.writerow(["" if v is None else v.isoformat() if isinstance(v, (date, datetime))
                              else csv_text(v) if is_text and isinstance(v, str) else v
                              for v, is_text in zip(row, text, strict=True)])
        written.append(dst)
    return written


def write_parquet(tables: list[OutTable], folder: Path) -> list[Path]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise KdclError(kind="can-pyarrow", path=folder) from None
    types = {"text": pa.string(), "int": pa.int64(), "money": pa.int64(), "pct": pa.float64(),
             "date": pa.date32(), "datetime": pa.timestamp("s")}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        schema = pa.schema([(c.key, types[c.type]) for c in table.columns])
        dst = folder / f"{table.key}.parquet"
        with atomic_path(dst) as tmp, pq.ParquetWriter(tmp, schema) as writer:
            for batch in _batches(table.rows()):
                arrays = [pa.array([row[j] for row in batch], type=schema.field(j).type) for j in range(len(schema))]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
        written.append(dst)
    return written

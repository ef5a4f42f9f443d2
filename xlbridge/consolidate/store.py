"""Outcomes on disk (SQLite in a temporary file) instead of in memory: flat memory for any number of files.

The consolidation adds each outcome as it arrives, then asks for the tables: duplicates resolved,
totals per standard and per criterion summed by SQL, rows streamed in order.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlbridge.consolidate.records import Outcome

_SCHEMA = """
CREATE TABLE schools (seq INTEGER PRIMARY KEY, dedup TEXT, rank TEXT, sort TEXT, framework TEXT, name TEXT,
                      file TEXT, data TEXT);
CREATE TABLE findings (seq INTEGER, n INTEGER, sheet TEXT, cell TEXT, severity TEXT, rule TEXT, message TEXT, hint TEXT);
CREATE TABLE standards (seq INTEGER, framework TEXT, number INTEGER, sheet TEXT, items INTEGER, done INTEGER,
                        cancelled INTEGER, budget INTEGER, overdue INTEGER);
CREATE TABLE criteria (seq INTEGER, framework TEXT, code TEXT, items INTEGER, done INTEGER, cancelled INTEGER,
                       budget INTEGER, overdue INTEGER);
CREATE TABLE unreadable (seq INTEGER PRIMARY KEY, kind TEXT, data TEXT);
"""
_KEPT = """
CREATE TABLE kept AS SELECT seq, dedup FROM (
  SELECT seq, dedup, ROW_NUMBER() OVER (PARTITION BY dedup ORDER BY rank DESC, seq DESC) AS n FROM schools) WHERE n = 1;
CREATE UNIQUE INDEX kept_seq ON kept(seq);
CREATE INDEX schools_dedup ON schools(dedup);
CREATE INDEX findings_seq ON findings(seq);
"""


def _json_default(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


INTEGER_RANGE = range(-2**63, 2**63)


def _check_fits(out: Outcome) -> None:
    for row in (*out.standards, *out.criteria):
        for value in row:
            if isinstance(value, int) and value not in INTEGER_RANGE:
                raise ValueError("số liệu của sổ vượt quá giới hạn lưu trữ (một tổng lớn hơn 9,2 tỷ tỷ)")
    for key, value in (out.school or {}).items():
        if isinstance(value, int) and value not in INTEGER_RANGE:
            raise ValueError(f"số liệu «{key}» của sổ vượt quá giới hạn lưu trữ")


class Store:
    """A temporary SQLite database (deleted by `close`)."""

    def __init__(self, folder: Path | None = None) -> None:
        """`folder`: the run's scratch folder (xlbridge.consolidate.scratch); the system temp dir by default."""
        fd, name = tempfile.mkstemp(prefix=f"kdcl-tong-hop-{os.getpid()}-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.path = Path(name)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;" + _SCHEMA)
        self.finished = False

    def add(self, out: Outcome) -> None:
        """Store one outcome; ValueError (before anything is written) when its figures do not fit SQLite's INTEGER
        (a crafted workbook: the run lists it as unreadable and goes on)."""
        if out.unreadable is None:
            _check_fits(out)
        if out.unreadable is not None:
            self.db.execute("INSERT INTO unreadable VALUES (?, ?, ?)",
                            (out.seq, out.unreadable["_kind"], json.dumps(out.unreadable, default=_json_default)))
            return
        s = out.school or {}
        self.db.execute("INSERT INTO schools VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (out.seq, s["_dedup"], s["_rank"], s["_sort"], s["_framework"], s["ten_truong"], s["tep"],
                         json.dumps(s, default=_json_default)))
        self.db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [(out.seq, i, *f) for i, f in enumerate(out.findings)])
        self.db.executemany("INSERT INTO standards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(out.seq, *r) for r in out.standards])
        self.db.executemany("INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(out.seq, *r) for r in out.criteria])

    def finish(self) -> None:
        """Resolve duplicates: per school and year, the submission saved last is kept."""
        if not self.finished:
            self.db.executescript(_KEPT)
            self.db.commit()
            self.finished = True

    def query(self, sql: str, args: tuple = ()) -> Iterator[tuple]:
        cur = self.db.execute(sql, args)
        while rows := cur.fetchmany(500):
            yield from rows

    def scalar(self, sql: str, args: tuple = ()) -> Any:     # an SQLite value: its type is the stored one (sqlite3 says Any)
        return self.db.execute(sql, args).fetchone()[0]

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

"""One check, whichever way it is started: grid → model → findings + summary → outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xlbridge.core.findings import Finding
from xlbridge.core.levels import LevelReport
from xlbridge.core.outputs import CheckOutput, check_output, fit_rows
from xlbridge.core.rules import validate
from xlbridge.core.school_level import book_levels
from xlbridge.core.status_readings import alias_readings
from xlbridge.core.summary import Summary, summarize
from xlbridge.io.grid import Grid, load_grid
from xlbridge.io.reader import read_grid
from xlbridge.layout import config
from xlbridge.model import PlanBook


@dataclass
class CheckResult:
    book: PlanBook
    findings: list[Finding]
    summary: Summary
    previous_check_rows: list[list[object]] = field(default_factory=list)   # the "Kiểm tra" sheet as read
    levels: LevelReport | None = None
    grid: Grid | None = None          # the cells as read: row heights are fitted to them after writing

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error and not f.is_note for f in self.findings)

    @property
    def notes(self) -> int:
        return sum(f.is_note for f in self.findings)

    def output(self, stamp: datetime | None = None) -> CheckOutput:
        """What a check writes back into the workbook (`kiem-tra --out`, the button)."""
        layout = self.book.layout
        inputs = {s.name for s in layout.sheets} | {layout.info.sheet} | ({layout.levels.sheet} if layout.levels else set())
        out = check_output(self.findings, self.summary, self.book.layout, stamp or datetime.now(), inputs,
                           self.previous_check_rows, self.levels, self.book)
        if config().sheets["report"] in self.book.sheets_present:
            out.report_rows, out.report_problem = self.report_sheet()
        if self.grid is not None:
            fit_rows(out, self.grid, self.book.layout)
        return out

    def report_sheet(self) -> tuple[list[tuple[str, str]], str | None]:
        """The "Báo cáo" sheet's rows: the text for the book's phase, rendered only here (where it is written).
        A narrative template that cannot be rendered (a province's edited copy under KDCL_DU_LIEU) does not
        stop the check: the sheet says why, and the problem is returned for the command to report."""
        from xlbridge.errors import KdclError
        try:
            from xlbridge.report.narrative import report_rows
            return report_rows(self.book, self.summary), None
        except KdclError as exc:
            problem = f"Không lập được văn bản cho trang {config().sheets['report']}: {exc}"
            return [("heading", problem)], problem
        except ModuleNotFoundError as exc:   # jinja2 missing in an xlwings Lite set-up: the check itself still runs
            from xlbridge.bridge.notices import notices
            problem = notices().report_unavailable.format(package=exc.name or "jinja2")
            return [("paragraph", problem)], problem

    def to_dict(self) -> dict:
        return {"file": self.book.source, "framework": self.book.framework.id, "errors": self.errors,
                "warnings": self.warnings, "notes": self.notes, "findings": [f.to_dict() for f in self.findings],
                "report_date": self.summary.report_date.isoformat(), "summary": self.summary.to_dict()["rows"],
                "level": self.levels.as_json() if self.levels else None,
                "status_readings": [{"typed": t, "status": s, "cells": n} for t, s, n in alias_readings(self.book)]}


def check_grid(grid: Grid, source: str = "sổ Excel", today: date | None = None, *,
               clock: date | None = None) -> CheckResult:
    """Read and check a grid. `today` is the date asked for (--ngay), used when the workbook has no report
    date; `clock` stands in for the real today (tests)."""
    book = read_grid(grid, source)
    previous = grid.get(config().sheets["check"], [])
    return CheckResult(book, validate(book, today, clock=clock), summarize(book, today, clock=clock), previous,
                       book_levels(book), grid)


def check_file(path: str | Path, today: date | None = None, *, clock: date | None = None) -> CheckResult:
    path = Path(path)
    return check_grid(load_grid(path), path.name, today, clock=clock)

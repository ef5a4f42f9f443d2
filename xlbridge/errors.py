"""Exceptions that carry a Vietnamese message fit to show a school user as is."""

from __future__ import annotations


class KdclError(Exception):
    """Base class: `str(err)` is a complete Vietnamese sentence saying what to do."""


class DataFileError(KdclError):
    """A data file (framework, form, vocabulary) is missing or malformed."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path, self.field, self.problem = path, field, problem
        super().__init__(f"Tệp dữ liệu {path}, mục {field}: {problem}")


class UnreadableWorkbook(KdclError):
    """The workbook cannot be read as a kdcl template (exit code 2 of `kdcl kiem-tra`)."""

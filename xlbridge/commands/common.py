"""Argument helpers shared by the commands."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from xlbridge.errors import KdclError
from xlbridge.io.targets import output_file, output_folder

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_UNREADABLE", "output_file", "output_folder", "parse_date", "school_year",
           "print_result", "check_output", "input_file"]

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def covered_years() -> tuple[int | None, int | None]:
    """The first and last school year (start years) some framework covers; None = open-ended."""
    from xlbridge.data.catalog import frameworks
    fws = frameworks()
    firsts = [f.first_year for f in fws]
    lasts = [f.last_year for f in fws]
    return (None if None in firsts else min(y for y in firsts if y is not None),
            None if None in lasts else max(y for y in lasts if y is not None))


def _covered_label(first: int | None, last: int | None) -> str:
    if first is not None and last is not None:
        return f"từ {first}-{first + 1} đến {last}-{last + 1}"
    if first is not None:
        return f"từ {first}-{first + 1} trở đi"
    return f"đến {last}-{last + 1}" if last is not None else "mọi năm học"


def school_year(text: str):
    """A school year given on the command line, within the years kdcl has a framework for."""
    from xlbridge.core.periods import SchoolYear
    year = SchoolYear.parse(text)
    first, last = covered_years()
    if year is None or (first is not None and year.start_year < first) or (last is not None and year.start_year > last):
        raise KdclError(kind="nam-hoc", text=text, covered=_covered_label(first, last))
    return year


def cap_hoc(text: str) -> str:
    """A --cap-hoc argument ("THCS", "Trung học cơ sở", …) as the vocabulary's name of the cấp học."""
    from xlbridge.data.vocab import vocab
    name = vocab().cap_hoc_name(text)
    if name is None:
        raise KdclError(kind="cap-hoc", text=text, choices=", ".join(vocab().cap_hoc_names()))
    return name


def parse_date(text: str) -> date:
    """A --ngay argument, read as a workbook's report date is (`xlbridge.core.dates.parse_day`)."""
    from xlbridge.core.dates import parse_day
    day = parse_day(text)
    if day is None:
        raise KdclError(kind="ngay", text=text)
    return day


def input_file(text: str) -> Path:
    """An input file named on the command line: it exists and is a file (a folder is said to be one)."""
    path = Path(text)
    if path.is_dir():
        raise KdclError(kind="dau-vao-la-thu-muc", path=path)
    if not path.exists():
        raise KdclError(kind="khong-tim-thay", path=path)
    return path


def print_result(result, as_json: bool, stream=None) -> None:
    from xlbridge.report.console import render_check
    stream = stream or sys.stdout
    if as_json:
        from xlbridge.io.terminal import json_text
        stream.write(json_text(result.to_dict()) + "\n")
    else:
        stream.write(render_check(result))


def check_output(out: Path, overwrite: bool, inputs: tuple[Path, ...] = ()) -> Path:
    """A new workbook's path (.xlsx): the one rule of `output_file`."""
    return output_file(out, overwrite, (".xlsx",), inputs)

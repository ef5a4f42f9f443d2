"""The buttons' own notices (workbook_templates/texts/nut.yaml): what a press says when its runtime lacks something."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.data.files import Checker, cached, find, load_yaml


@dataclass(frozen=True)
class Notices:
    title: str
    import_failed: str          # {package}, {problem}
    report_unavailable: str     # {package}


@cached
def notices() -> Notices:
    path = find("texts", "nut.yaml")
    c = Checker(path, load_yaml(path))
    return Notices(c.get("title", str), c.get("import_failed", str), c.get("report_unavailable", str))

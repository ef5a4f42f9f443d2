"""Where data files live, and a small checked reader for them.

Files are found first in the folders named by the environment variable ``KDCL_DU_LIEU``
(``os.pathsep``-separated; a province's own forms go there) and then in the bundled
``workbook_templates`` package, so a variant is a data change, never a code change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import workbook_templates
from xlbridge.errors import DataFileError

BUNDLED = Path(workbook_templates.__file__).parent
# In the xlwings Lite bundle there is no file system to read from: the bundle fills EMBEDDED with the texts
# ({"narrative/x.j2": text, …}) and EMBEDDED_PARSED with the YAML files parsed at build time, so Lite needs no
# PyYAML; paths under EMBEDDED_ROOT are served from them.
EMBEDDED: dict[str, str] = {}
EMBEDDED_PARSED: dict[str, Any] = {}
EMBEDDED_ROOT = Path("/kdcl-embedded")
F = TypeVar("F", bound=Callable[..., Any])
_CACHED: list[Any] = []


def cached(fn: F) -> F:
    """`functools.cache` that `reload()` can empty (data files read once, re-read on demand)."""
    wrapped = cache(fn)
    _CACHED.append(wrapped)
    return wrapped  # type: ignore[return-value]


def reload() -> None:
    """Forget every loaded data file, e.g. after KDCL_DU_LIEU changed."""
    for fn in _CACHED:
        fn.cache_clear()


def data_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("KDCL_DU_LIEU", "").split(os.pathsep) if p]
    return [*extra, BUNDLED]


def _embedded() -> bool:
    return bool(EMBEDDED or EMBEDDED_PARSED)


_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def is_identifier(value: str) -> bool:
    """A data id as kdcl writes them (`ket-qua-2018`, `tt18-2018-trung-hoc`): never a path."""
    return bool(_IDENTIFIER.fullmatch(value)) and ".." not in value


def shown_id(value: str) -> str:
    """`value` for a message when it looks like an id; a phrase instead when a received file put a path or junk there."""
    return value if is_identifier(value) else "giá trị trong sổ không phải một mã"


def find(subdir: str, name: str) -> Path:
    if _embedded():
        key = f"{subdir}/{name}" if subdir else name
        if key in EMBEDDED or key in EMBEDDED_PARSED:
            return EMBEDDED_ROOT / key
        raise DataFileError(key, "(tệp)", "không có trong bản kdcl nhúng trong sổ")
    for base in data_dirs():
        path = base / subdir / name
        if path.is_file():
            return path
    raise DataFileError(f"{subdir}/{name}", "(tệp)", "không tìm thấy tệp dữ liệu này")


def list_files(subdir: str, pattern: str = "*.yaml") -> list[Path]:
    """All files of a kind; a user folder's file hides the bundled file of the same name."""
    seen: dict[str, Path] = {}
    if _embedded():
        prefix = f"{subdir}/"
        return [EMBEDDED_ROOT / k for k in sorted({*EMBEDDED, *EMBEDDED_PARSED})
                if k.startswith(prefix) and Path(k).match(pattern)]
    for base in reversed(data_dirs()):
        for path in sorted((base / subdir).glob(pattern)):
            seen[path.name] = path
    return [seen[k] for k in sorted(seen)]


def read_text(path: Path) -> str:
    """A data file's text, from disk or from the embedded copy."""
    if EMBEDDED and path.is_relative_to(EMBEDDED_ROOT):
        return EMBEDDED[path.relative_to(EMBEDDED_ROOT).as_posix()]
    return path.read_text(encoding="utf-8")


@cached
def load_yaml(path: Path, kind: str | None = None) -> Any:
    """A data file's content, checked against the schema of its kind (xlbridge/data/schemas).

    The kind follows from where the file sits in a data folder ("forms/x.yaml"); a file read from
    elsewhere names it (`kind="example"`). Files embedded in an xlwings Lite workbook are the bundled
    ones, parsed and checked when kdcl was built and tested; the button does not parse or check them again.
    """
    if EMBEDDED_PARSED and path.is_relative_to(EMBEDDED_ROOT):
        key = path.relative_to(EMBEDDED_ROOT).as_posix()
        if key in EMBEDDED_PARSED:
            return EMBEDDED_PARSED[key]
    data = parse_yaml(read_text(path), str(path))
    if not _embedded():
        from xlbridge.data import schema
        schema.check_file(path, data, kind or schema.kind_of(relative_name(path)))
    return data


def parse_yaml(text: str, where: str = "(văn bản YAML)") -> Any:
    """YAML text → plain values, with the fastest safe loader this installation has: libyaml's (in PyYAML's
    wheels, about ten times faster, most of a check's start-up), else the pure one (source builds).
    PyYAML is imported only here: the Lite bundle carries its data already parsed."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 — a safe loader (CSafeLoader or SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"dòng {mark.line + 1}" if mark else "(cú pháp)"
        raise DataFileError(where, at, f"sai cú pháp YAML: {exc}") from None


def relative_name(path: Path) -> str:
    """A data file's path inside the data folder holding it ("forms/x.yaml"), which decides its kind."""
    for base in data_dirs():
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return f"{path.parent.name}/{path.name}"


class Checker:
    """Reads fields of one mapping and raises DataFileError naming file and field path."""

    def __init__(self, path: Path | str, data: Any, where: str = "") -> None:
        self.path, self.data, self.where = str(path), data, where
        if not isinstance(data, dict):
            self.fail("phải là một bảng khóa: giá trị")

    def fail(self, problem: str, key: str | None = None) -> None:
        field = ".".join(p for p in (self.where, key) if p) or "(gốc)"
        raise DataFileError(self.path, field, problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., choices: Any = None) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                self.fail("thiếu, bắt buộc phải có", key)
            return default
        value = self.data[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(f"phải có kiểu {names}, đang là {type(value).__name__}", key)
        if choices is not None and value not in choices:
            self.fail(f"giá trị {value!r} không hợp lệ (chọn một trong: {', '.join(map(str, choices))})", key)
        return value

    def child(self, key: str, index: int | None = None) -> str:
        base = ".".join(p for p in (self.where, key) if p)
        return f"{base}[{index}]" if index is not None else base

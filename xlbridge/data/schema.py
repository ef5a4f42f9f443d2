"""Strict schemas for the data files: one JSON Schema per kind of file, checked at load time.

Why JSON Schema, and why this small validator rather than pydantic or the `jsonschema` package:

- A schema is a plain JSON file (`xlbridge/data/schemas/<kind>.json`, copied to `docs/schemas/`)
  that a province officer, an editor plugin or another tool can read; pydantic models are Python.
- The xlwings Lite button runs in Pyodide, where compiled packages are an extra download or missing
  (pydantic needs pydantic-core; `jsonschema` ≥ 4.18 needs rpds-py). This module is pure Python,
  imports and reads its schemas in a few milliseconds (JSON, not YAML: parsing twenty YAML schemas took
  ~50 ms on every `kdcl` start) and speaks Vietnamese: it names the file,
  the path inside it and the key, and suggests the key meant when one is misspelt.
- It implements the subset of draft 2020-12 the schemas use (`KEYWORDS`); a schema using any other
  keyword is refused, so no rule can be written that is silently not enforced. The tests check every
  schema against the official meta-schema and compare this validator's verdicts with the `jsonschema`
  package's on broken copies of every data file.

The files a schema covers are listed in its `x-kdcl-files` (paths relative to a data folder; an exact
name wins over a pattern), so the schema of a kind of file lives in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

from xlbridge.errors import DataFileError

SCHEMA_DIR = Path(__file__).parent / "schemas"
ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples"}
KEYWORDS = ANNOTATIONS | {
    "$ref", "type", "properties", "required", "additionalProperties", "propertyNames", "items", "minItems",
    "enum", "const", "minimum", "maximum", "exclusiveMinimum", "minLength", "pattern", "anyOf"}
TYPE_NAMES = {"string": "chữ", "integer": "số nguyên", "number": "số", "boolean": "true hoặc false",
              "array": "danh sách", "object": "bảng khóa: giá trị", "null": "để trống (null)"}


class SchemaError(Exception):
    """A schema file itself is wrong (a developer's mistake, caught by the tests)."""


class Invalid(Exception):
    """One violation: where in the document and what is wrong."""

    def __init__(self, where: tuple[str | int, ...], problem: str) -> None:
        super().__init__(problem)
        self.where, self.problem = where, problem


def field_path(where: tuple[str | int, ...]) -> str:
    """`("columns", 2, "requried")` → "columns[2].requried" (the style of every data-file message)."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


# ---- schemas ----

@cache
def schemas() -> dict[str, dict]:
    """Every schema by kind (file stem), each checked for keywords this validator does not implement."""
    out = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        _check_keywords(schema, path.stem)
        out[path.stem] = schema
    return out


def _check_keywords(schema: Any, kind: str, where: str = "") -> None:
    if not isinstance(schema, dict):
        if not isinstance(schema, bool):
            raise SchemaError(f"{kind}{where}: a schema must be a mapping or true/false")
        return
    unknown = {k for k in schema if k not in KEYWORDS and not k.startswith("x-")}
    if unknown:
        raise SchemaError(f"{kind}{where}: unsupported keywords {sorted(unknown)}")
    for key in ("properties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            _check_keywords(sub, kind, f"{where}/{key}/{name}")
    for key in ("items", "additionalProperties", "propertyNames"):
        if key in schema:
            _check_keywords(schema[key], kind, f"{where}/{key}")
    for i, sub in enumerate(schema.get("anyOf", [])):
        _check_keywords(sub, kind, f"{where}/anyOf/{i}")


def kind_of(relative: str) -> str | None:
    """The kind of a data file from its path inside a data folder ("forms/x.yaml" → "form")."""
    exact = [k for k, s in schemas().items() if relative in s.get("x-kdcl-files", [])]
    if exact:
        return exact[0]
    return next((k for k, s in schemas().items()
                 if any(fnmatchcase(relative, p) for p in s.get("x-kdcl-files", []))), None)


def check_file(path: Path | str, data: Any, kind: str | None) -> None:
    """Raise DataFileError naming the file, the path inside it and the problem, if `data` breaks its schema."""
    if kind is None:
        raise DataFileError(str(path), "(tệp)", "kdcl không dùng tệp dữ liệu ở chỗ này (không có lược đồ cho tệp này)")
    try:
        validate(data, schemas()[kind])
    except Invalid as bad:
        raise DataFileError(str(path), field_path(bad.where), bad.problem) from None


# ---- the validator ----

def validate(data: Any, schema: dict) -> None:
    """Raise `Invalid` for the first violation (document order: the first mistake a reader meets)."""
    _validate(data, schema, schema, ())


def _resolve(ref: str, root: dict) -> Any:
    if not ref.startswith("#/"):
        raise SchemaError(f"only local references are supported: {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _validate(data: Any, schema: Any, root: dict, where: tuple[str | int, ...]) -> None:
    if schema is True:
        return
    if schema is False:
        raise Invalid(where, "không được có mục này")
    if "$ref" in schema:
        _validate(data, _resolve(schema["$ref"], root), root, where)
    if "anyOf" in schema:
        _any_of(data, schema["anyOf"], root, where)
    if "type" in schema:
        _type(data, schema["type"], where)
    if "const" in schema and not _equal(data, schema["const"]):
        raise Invalid(where, f"phải là {schema['const']!r}, đang là {data!r}")
    if "enum" in schema and not any(_equal(data, e) for e in schema["enum"]):
        raise Invalid(where, f"giá trị {data!r} không hợp lệ (chọn một trong: {', '.join(map(str, schema['enum']))})")
    if isinstance(data, dict):
        _object(data, schema, root, where)
    elif isinstance(data, list):
        _array(data, schema, root, where)
    elif isinstance(data, str):
        _string(data, schema, where)
    elif _is_number(data):
        _number(data, schema, where)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has_type(value: Any, name: str) -> bool:
    if name == "integer":
        return _is_number(value) and float(value).is_integer()
    return {"string": isinstance(value, str), "number": _is_number(value), "boolean": isinstance(value, bool),
            "array": isinstance(value, list), "object": isinstance(value, dict), "null": value is None}[name]


def _type_of(value: Any) -> str:
    return next((n for n in ("null", "boolean", "integer", "number", "string", "array", "object") if _has_type(value, n)),
                type(value).__name__)


def _type(data: Any, expected: str | list[str], where: tuple[str | int, ...]) -> None:
    names = [expected] if isinstance(expected, str) else expected
    if any(_has_type(data, n) for n in names):
        return
    wanted = " hoặc ".join(TYPE_NAMES[n] for n in names)
    actual = {**TYPE_NAMES, "boolean": "giá trị đúng/sai"}.get(_type_of(data), _type_of(data))
    if isinstance(data, (dt.date, dt.datetime)) and "string" in names:
        raise Invalid(where, f"phải là {wanted}: viết trong dấu nháy, ví dụ '{data.isoformat()}' (YAML đọc thành ngày tháng)")
    if data is None:
        raise Invalid(where, f"đang để trống, phải là {wanted}")
    if isinstance(data, (bool, int, float)) and "string" in names:     # YAML read `1.2`, `yes` as a number, a boolean
        text = str(data).lower() if isinstance(data, bool) else str(data)
        raise Invalid(where, f"phải là {wanted}: viết trong dấu nháy, ví dụ '{text}' (YAML đọc {text} thành {actual})")
    shown = "" if isinstance(data, (dict, list)) else f" ({data!r})"
    raise Invalid(where, f"phải là {wanted}, đang là {actual}{shown}")


def _any_of(data: Any, options: list[Any], root: dict, where: tuple[str | int, ...]) -> None:
    deepest: Invalid | None = None
    for option in options:
        try:
            _validate(data, option, root, where)
            return
        except Invalid as bad:
            if deepest is None or len(bad.where) > len(deepest.where):
                deepest = bad
    if deepest is not None and len(deepest.where) > len(where):
        raise deepest          # the value has the right shape; the mistake is inside it
    raise Invalid(where, f"giá trị {data!r} không hợp lệ: phải là " + " hoặc ".join(_describe(o, root) for o in options))


def _describe(schema: Any, root: dict) -> str:
    if "$ref" in schema:
        return _describe(_resolve(schema["$ref"], root), root)
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        return "một trong " + ", ".join(map(repr, schema["enum"]))
    kinds = schema.get("type", "")
    return " hoặc ".join(TYPE_NAMES.get(k, k) for k in ([kinds] if isinstance(kinds, str) else kinds)) or "giá trị khác"


def _object(data: dict, schema: dict, root: dict, where: tuple[str | int, ...]) -> None:
    props: dict = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key in data:
        if key not in props and extra is False:
            raise Invalid((*where, key), _unknown_key(key, list(props)))
    if "propertyNames" in schema:
        for key in data:
            try:
                _validate(key, schema["propertyNames"], root, ())
            except Invalid as bad:
                raise Invalid((*where, key), f"tên khóa {key!r} không hợp lệ: {bad.problem}") from None
    for key in schema.get("required", []):
        if key not in data:
            raise Invalid((*where, key), "thiếu, bắt buộc phải có")
    for key, value in data.items():
        sub = props.get(key, extra if key not in props else None)
        if sub is not None:
            _validate(value, sub, root, (*where, key))


def _unknown_key(key: Any, allowed: list[str]) -> str:
    near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    hint = f"; có phải «{near[0]}»?" if near else f"; các khóa dùng được: {', '.join(allowed)}"
    return f"khóa «{key}» không có trong lược đồ của tệp này (viết sai hoặc thừa){hint}"


def _array(data: list, schema: dict, root: dict, where: tuple[str | int, ...]) -> None:
    if len(data) < schema.get("minItems", 0):
        raise Invalid(where, f"phải có ít nhất {schema['minItems']} phần tử")
    if "items" in schema:
        for i, item in enumerate(data):
            _validate(item, schema["items"], root, (*where, i))


def _string(data: str, schema: dict, where: tuple[str | int, ...]) -> None:
    if len(data) < schema.get("minLength", 0):
        raise Invalid(where, "không được để trống")
    if "pattern" in schema and not re.search(schema["pattern"], data):
        example = schema.get("examples", [None])[0]
        raise Invalid(where, f"{data!r} không đúng dạng" + (f" (ví dụ: {example})" if example is not None else
                                                             f" (mẫu: {schema['pattern']})"))


def _number(data: float, schema: dict, where: tuple[str | int, ...]) -> None:
    if "minimum" in schema and data < schema["minimum"]:
        raise Invalid(where, f"{data} phải lớn hơn hoặc bằng {schema['minimum']}")
    if "exclusiveMinimum" in schema and data <= schema["exclusiveMinimum"]:
        raise Invalid(where, f"{data} phải lớn hơn {schema['exclusiveMinimum']}")
    if "maximum" in schema and data > schema["maximum"]:
        raise Invalid(where, f"{data} phải nhỏ hơn hoặc bằng {schema['maximum']}")


def iter_fields(schema: dict, root: dict | None = None,
                where: tuple[str | int, ...] = ()) -> Iterator[tuple[str, dict, bool]]:
    """(path, sub-schema, required) for every declared field, for the documentation page."""
    root = root or schema
    if "$ref" in schema:
        schema = _resolve(schema["$ref"], root)
    required = set(schema.get("required", []))
    for key, sub in schema.get("properties", {}).items():
        target = _resolve(sub["$ref"], root) if "$ref" in sub else sub
        path = field_path((*where, key))
        yield path, target, key in required
        yield from _children(target, root, path)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        target = _resolve(extra["$ref"], root) if "$ref" in extra else extra
        path = field_path((*where, "<khóa>"))
        yield path, target, False
        yield from _children(target, root, path)


def _children(schema: dict, root: dict, path: str) -> Iterator[tuple[str, dict, bool]]:
    if "properties" in schema or isinstance(schema.get("additionalProperties"), dict):
        yield from iter_fields(schema, root, (path,))
    items = schema.get("items")
    if isinstance(items, dict):
        target = _resolve(items["$ref"], root) if "$ref" in items else items
        if "properties" in target or isinstance(target.get("additionalProperties"), dict):
            yield from iter_fields(target, root, (f"{path}[]",))

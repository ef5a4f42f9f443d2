"""One error model for every failure a user sees, in the manner of frictionless' errors.

An error is a *kind* (a key of `workbook_templates/messages/errors.yaml`) plus typed fields; the
Vietnamese message and hint are rendered from the kind's templates only when shown, so the fields
stay available (a file name is a field, never a prefix to strip again). The kind's category decides
the exit code (also in that file, printed by `kdcl --help`).

Layers: `KdclError` is the base; `DataFileError` (category data) and `UnreadableWorkbook` (input)
fix their kind; `consolidate.reasons.Rejected` is an `UnreadableWorkbook` whose templates are the
reasons of the consolidation's "Không đọc được" sheet. Findings of a check (`core.findings.Finding`)
are not exceptions: they are rows of a report, rendered from the rule catalogue the same way.
"""

from __future__ import annotations

import errno as errnos
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class ErrorKind:
    id: str
    category: str
    message: str
    hint: str


@dataclass(frozen=True)
class ExitCode:
    category: str
    code: int
    label: str


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def render(template: str, fields: dict[str, Any]) -> str:
    """`template` with `{name}` replaced by the fields (a missing one shows as "…")."""
    return template.format_map(_Blank({k: "" if v is None else v for k, v in fields.items()}))


def _catalogue() -> dict[str, Any]:
    from xlbridge.data.files import find, load_yaml  # data.files raises DataFileError: imported late
    return load_yaml(find("messages", "errors.yaml"))


def error_kinds() -> dict[str, ErrorKind]:
    raw = _catalogue()["errors"]
    return {k: ErrorKind(k, v["category"], v["message"], v.get("hint", "")) for k, v in raw.items()}


def exit_codes() -> dict[str, ExitCode]:
    return {k: ExitCode(k, v["code"], v["label"]) for k, v in _catalogue()["exit_codes"].items()}


def exit_code(category: str) -> int:
    return exit_codes()[category].code


class KdclError(Exception):
    """A failure shown to the user: `kind` + `fields`; `str(err)` is the rendered Vietnamese sentence.

    `KdclError("câu hoàn chỉnh")` is the plain kind whose template is the sentence itself, kept for a message
    made elsewhere (argparse's, a reader's detail); kdcl's own failures each have a kind, and
    tests/test_errors_typed.py keeps new sentences out of the code.
    """

    default_kind: ClassVar[str] = "chung"
    fallback: ClassVar[str] = ""     # the message when errors.yaml itself cannot be read (only for its own errors)

    def __init__(self, message: str | None = None, /, *, kind: str | None = None, **fields: Any) -> None:
        self.kind = kind or self.default_kind
        self.fields: dict[str, Any] = dict(fields)
        if message is not None:
            self.fields.setdefault("message", message)
        super().__init__(self.kind, self.fields)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled across tong-hop's worker processes
        return _rebuild, (type(self), self.kind, self.fields, dict(self.__dict__))

    def templates(self) -> tuple[str, str, str]:
        """(category, message template, hint template) of this error's kind."""
        spec = error_kinds()[self.kind]
        return spec.category, spec.message, spec.hint

    def _parts(self) -> tuple[str, str, str]:
        try:
            category, message, hint = self.templates()
        except (KdclError, KeyError):  # the catalogue itself is broken: still say what happened
            text = render(self.fallback, self.fields) if self.fallback else " ".join(map(str, self.fields.values()))
            return "data" if isinstance(self, DataFileError) else "input", text, ""
        return category, render(message, self.fields), render(hint, self.fields)

    @property
    def category(self) -> str:
        return self._parts()[0]

    @property
    def message(self) -> str:
        return self._parts()[1]

    @property
    def hint(self) -> str:
        return self._parts()[2]

    @property
    def exit_code(self) -> int:
        try:
            return exit_code(self.category)
        except (KdclError, KeyError):  # errors.yaml unreadable: the usual codes of data (4) and other failures (2)
            return 4 if isinstance(self, DataFileError) else 2

    def __str__(self) -> str:
        return self.message

    def full_text(self) -> str:
        """Message and hint, as printed by the command line."""
        message, hint = self.message, self.hint
        return f"{message} {hint}" if hint else message

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "category": self.category, "message": self.message, "hint": self.hint,
                "fields": {k: str(v) for k, v in self.fields.items()}}


def _rebuild(cls: type[KdclError], kind: str, fields: dict[str, Any], state: dict[str, Any]) -> KdclError:
    err = cls.__new__(cls)
    Exception.__init__(err, kind, fields)
    err.__dict__.update(state)
    return err


class DataFileError(KdclError):
    """A data file (framework, form, vocabulary) is missing or malformed."""

    default_kind = "du-lieu"
    fallback = "Tệp dữ liệu {path}, mục {field}: {problem}"

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path, self.field, self.problem = path, field, problem
        super().__init__(path=path, field=field, problem=problem)


class UnreadableWorkbook(KdclError):
    """The workbook cannot be read as a kdcl template (category input).

    `UnreadableWorkbook(detail, file=name)` keeps the file's name as a field beside the detail.
    """

    default_kind = "so-khong-doc-duoc"

    def __init__(self, detail: str | None = None, /, *, kind: str | None = None, file: str | None = None,
                 **fields: Any) -> None:
        if kind is None and detail is not None:
            fields.update(detail=detail, file=file)
            kind = self.default_kind if file else "chung"
            super().__init__(detail if not file else None, kind=kind, **fields)
        else:
            super().__init__(kind=kind, file=file, **fields)

    @property
    def detail(self) -> str:
        return str(self.fields.get("detail") or self.message)


class OutputError(KdclError):
    """The result could not be written (category output)."""

    default_kind = "chung-ghi"


_WRITE_KINDS = {errnos.EACCES: "khong-co-quyen-ghi", errnos.EPERM: "khong-co-quyen-ghi", errnos.EROFS: "o-chi-doc",
                errnos.ENOSPC: "dia-day", errnos.EDQUOT: "dia-day", errnos.EISDIR: "ra-la-thu-muc",
                errnos.ENOENT: "thu-muc-ra-khong-co", errnos.ENOTDIR: "thu-muc-ra-khong-co"}
_READ_KINDS = {errnos.EACCES: "khong-co-quyen-doc", errnos.EPERM: "khong-co-quyen-doc", errnos.ENOENT: "khong-tim-thay",
               errnos.EISDIR: "dau-vao-la-thu-muc"}


def write_error(exc: OSError, target: str | Path) -> OutputError:
    """An operating-system refusal to write `target` (the user's path, not a temporary file's) as a kdcl error."""
    target = Path(target)
    kind = _WRITE_KINDS.get(exc.errno or 0, "loi-ghi")
    where = target if kind in ("ra-la-thu-muc", "dia-day", "loi-ghi") else target.parent
    return OutputError(kind=kind, path=where, suffix=target.suffix, errno=exc.errno)


def read_error(exc: OSError, source: str | Path) -> KdclError:
    """An operating-system refusal to read `source` as a kdcl error."""
    return KdclError(kind=_READ_KINDS.get(exc.errno or 0, "loi-doc"), path=source, errno=exc.errno)

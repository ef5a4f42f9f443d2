"""The jinja2 environment of the narrative templates, and Vietnamese error messages for broken ones.

Templates are looked up first in the folder the user names (`--mau-van-ban`), then in
`narrative/` of each KDCL_DU_LIEU folder, then in the bundled `workbook_templates/narrative/`; a file
of the same name earlier in that list wins, so a user copies and edits only the files they change.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from xlbridge.data.files import cached, data_dirs, find, read_text
from xlbridge.errors import DataFileError, KdclError
from xlbridge.report import vn_format
from xlbridge.report.markup import Block, MarkupError, parse

FILTERS = {
    "so": vn_format.number,                 # 1234567 → 1.234.567
    "pct": vn_format.pct,                   # 0.643 → 64,3%
    "vnd": vn_format.vnd,                   # 1234567 → 1.234.567 đồng
    "ds": vn_format.join,                   # ["a", "b", "c"] → a, b và c
    "tieu_chi": vn_format.criteria,         # ["1.4", "1.1"] → tiêu chí 1.1 và 1.4
    "tieu_chuan": vn_format.standards,      # [1, 2] → tiêu chuẩn 1 và 2
    "ngay_dai": vn_format.long_date,        # ngày 30 tháng 5 năm 2024
    "ngay_ngan": vn_format.short_date,      # 30/05/2024
    "cau": vn_format.sentence,              # capital first letter, one final "."
    "menh_de": vn_format.clause,            # small first letter, no final mark
    "bo_cham": vn_format.bare,              # no final punctuation, case kept
    "hoa_dau": vn_format.upper_first,
    "thuong_dau": vn_format.lower_first,
}


def _noi(loop) -> str:
    """Separator after a loop element: ", " between, " và " before the last, "" after it."""
    return "" if loop.last else (" và " if loop.revindex == 2 else ", ")


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """Where templates are looked for, first match wins (for messages)."""
    dirs = [user_dir] if user_dir is not None else []
    return dirs + [d / "narrative" for d in data_dirs()]


class TemplateLoader(jinja2.BaseLoader):
    """The user's folder first, then the data files (KDCL_DU_LIEU, bundled, or the copy embedded in an
    xlwings Lite workbook, where there is no file system to read from)."""

    def __init__(self, user_dir: Path | None) -> None:
        self.user_dir = user_dir

    def get_source(self, environment: jinja2.Environment, template: str):
        parts = [p for p in template.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            raise jinja2.TemplateNotFound(template)
        if self.user_dir is not None and (path := self.user_dir.joinpath(*parts)).is_file():
            return path.read_text(encoding="utf-8"), str(path), lambda: True
        try:
            path = find("narrative", "/".join(parts))
        except DataFileError:
            raise jinja2.TemplateNotFound(template) from None
        return read_text(path), str(path), lambda: True


def environment(user_dir: Path | None = None) -> jinja2.Environment:
    """The environment for a user folder; the one without is built once, so compiled templates are reused."""
    if user_dir is None:
        return _bundled_environment()
    if not Path(user_dir).is_dir():
        raise KdclError(kind="thu-muc-mau-van-ban", path=user_dir)
    return _make_environment(Path(user_dir))


def _make_environment(user_dir: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(loader=TemplateLoader(user_dir), undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, autoescape=False, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    env.filters["noi"] = _noi
    return env


@cached
def _bundled_environment() -> jinja2.Environment:
    return _make_environment(None)


def _where(exc: BaseException, name: str) -> str:
    """"chung/quoc-hieu.j2, dòng 4": the template frame nearest to the error."""
    line, file = None, name
    tb = exc.__traceback__
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname.endswith(".j2"):
            line, file = tb.tb_lineno, fname
        tb = tb.tb_next
    return f"{file}, dòng {line}" if line else file


def render(env: jinja2.Environment, name: str, context: dict) -> list[Block]:
    """One section: the template rendered with `context`, parsed into blocks."""
    try:
        text = env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        user_dir = env.loader.user_dir if isinstance(env.loader, TemplateLoader) else None
        where = ", ".join(str(d) for d in template_dirs(user_dir))
        raise KdclError(kind="mau-van-ban-khong-co", name=exc.name, where=where) from None
    except jinja2.TemplateSyntaxError as exc:
        raise KdclError(kind="mau-van-ban-cu-phap", template=exc.filename or name, line=exc.lineno,
                        detail=exc.message) from None
    except jinja2.UndefinedError as exc:
        raise KdclError(kind="mau-van-ban-ten", where=_where(exc, name), detail=exc.message) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise KdclError(kind="mau-van-ban-dien", where=_where(exc, name), detail=str(exc)) from None
    try:
        return parse(text)
    except MarkupError as exc:
        raise KdclError(kind="mau-van-ban-dinh-dang", name=name, detail=str(exc)) from None

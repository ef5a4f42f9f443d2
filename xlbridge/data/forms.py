"""Table forms (mẫu bảng): the columns of a plan/results table and what each column means.

Rules, the template builder, the reader and the summaries look columns up by *role*, never by
position, so a province's variant with other columns is a new data file, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from xlbridge.data.files import Checker, cached, find, is_identifier, list_files, load_yaml, shown_id
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError

ROLES = {
    "criterion": "mã tiêu chí mà dòng nhắm tới",
    "content": "nội dung chính của việc cải tiến (công việc/giải pháp, nội dung cải tiến)",
    "target": "kết quả/mục tiêu cần đạt",
    "text": "chữ tự do",
    "indicator": "chỉ số đánh giá kết quả",
    "person": "người/bộ phận chủ trì, phụ trách",
    "period": "thời gian thực hiện và hoàn thành",
    "money": "dự kiến kinh phí (số tiền)",
    "resources": "nguồn lực (chữ, có thể kèm số tiền)",
    "evidence": "minh chứng",
    "note": "ghi chú",
    "adjusted": "nội dung đã điều chỉnh",
    "status": "trạng thái / mức độ thực hiện",
    "result": "kết quả đạt được",
    "reason": "lý do chậm, chưa triển khai, không thực hiện",
}
PARTS = ("plan", "results", "both", "issues")


@dataclass(frozen=True)
class Review:
    """One follow-up of the plan (2018: the results; TT57: cuối học kỳ I, cuối năm học)."""
    id: str
    label: str
    phase: str


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    role: str
    required: str | None = None          # phase id from which it must be filled
    required_if_status: tuple[str, ...] = ()
    review: str | None = None             # result columns belong to one review
    width: int = 16
    hint: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class Form:
    id: str
    name: str
    part: str
    group: str
    columns: tuple[Column, ...]
    reviews: tuple[Review, ...]
    official: dict
    verified: bool
    path: str

    def by_role(self, role: str, review: str | None = None) -> list[Column]:
        found = self._by_role.get((role, review))
        if found is None:
            found = self._by_role[(role, review)] = tuple(
                c for c in self.columns if c.role == role and (review is None or c.review == review))
        return list(found)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @cached_property
    def _by_role(self) -> dict[tuple[str, str | None], tuple[Column, ...]]:
        """Answers of `by_role`, kept: the rules ask the same few questions for every item of every workbook."""
        return {}

    def plan_columns(self) -> list[Column]:
        return [c for c in self.columns if c.review is None]

    def review_columns(self, review: str) -> list[Column]:
        return [c for c in self.columns if c.review == review]


def _column(c: Checker, phases: list[str], statuses: list[str], reviews: set[str]) -> Column:
    review = c.get("review", str, None)
    if review is not None and review not in reviews:
        c.fail(f"lần rà soát {review!r} chưa khai báo trong reviews", "review")
    conds = tuple(c.get("required_if_status", list, []))
    for s in conds:
        if s not in statuses:
            c.fail(f"trạng thái {s!r} không có trong vocab/statuses.yaml", "required_if_status")
    return Column(
        key=c.get("key", str), header=c.get("header", str), role=c.get("role", str, choices=list(ROLES)),
        required=c.get("required", str, None, choices=phases), required_if_status=conds, review=review,
        width=c.get("width", int, 16), hint=c.get("hint", str, None), number=c.get("number", int, None))


def form_ids() -> list[str]:
    """The table forms kdcl has (bundled, or in a KDCL_DU_LIEU folder)."""
    return [p.stem for p in list_files("forms")]


@cached
def get_form(form_id: str) -> Form:
    """A table form by its id — an identifier looked up among the data files, never a path: an id read from a
    received workbook (`plan_form` in _kdcl) cannot make kdcl read any other file, and is not echoed unless it
    looks like an id."""
    if not is_identifier(form_id) or form_id not in form_ids():
        raise KdclError(kind="mau-bang-khong-co", id=shown_id(form_id), choices=", ".join(form_ids()))
    path = find("forms", f"{form_id}.yaml")
    c = Checker(path, load_yaml(path))
    phases = [p.id for p in vocab().phases]
    reviews: list[Review] = []
    for i, raw in enumerate(c.get("reviews", list, [])):
        rc = Checker(path, raw, f"reviews[{i}]")
        reviews.append(Review(rc.get("id", str), rc.get("label", str), rc.get("phase", str, choices=phases)))
    ids = {r.id for r in reviews}
    statuses = vocab().status_names()
    cols = tuple(_column(Checker(path, raw, f"columns[{i}]"), phases, statuses, ids)
                 for i, raw in enumerate(c.get("columns", list)))
    keys = [col.key for col in cols]
    if len(set(keys)) != len(keys):
        c.fail("có hai cột trùng khóa (key)", "columns")
    form = Form(id=c.get("id", str), name=c.get("name", str), part=c.get("part", str, choices=PARTS),
                group=c.get("group", str, ""), columns=cols, reviews=tuple(reviews),
                official=c.get("official", dict, {}), verified=c.get("verified", bool, False), path=str(path))
    if form.id != form_id:
        c.fail(f"id {form.id!r} phải trùng tên tệp {form_id!r}", "id")
    for r in form.reviews:
        if len(form.by_role("status", r.id)) > 1:
            c.fail(f"lần rà soát {r.id} có nhiều hơn một cột trạng thái", "columns")
    return form


@dataclass(frozen=True)
class InfoField:
    key: str
    label: str
    required: str | None
    kind: str           # "text" | "date"
    list: str | None    # vocabulary name offered as a drop-down
    hint: str | None
    since: int = 1                          # template version that added the row (older books lack it)
    former_labels: tuple[str, ...] = ()     # labels older template versions printed

    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.former_labels)


@dataclass(frozen=True)
class InfoList:
    key: str
    title: str
    rows: int | str     # a count, or "per-standard"
    columns: tuple[tuple[str, str, bool, int], ...]   # key, header, locked, width


@dataclass(frozen=True)
class InfoForm:
    sheet: str
    title: str
    fields: tuple[InfoField, ...]
    lists: tuple[InfoList, ...]

    def field(self, key: str) -> InfoField:
        return next(f for f in self.fields if f.key == key)


@cached
def info_form() -> InfoForm:
    path = find("forms", "thong-tin.yaml")
    c = Checker(path, load_yaml(path))
    phases = [p.id for p in vocab().phases]
    fields = []
    for i, raw in enumerate(c.get("fields", list)):
        f = Checker(path, raw, f"fields[{i}]")
        fields.append(InfoField(f.get("key", str), f.get("label", str), f.get("required", str, None, choices=phases),
                                f.get("type", str, "text", choices=("text", "date")),
                                f.get("list", str, None, choices=("cap_hoc", "loai_hinh", "phases")), f.get("hint", str, None),
                                f.get("since", int, 1), tuple(f.get("former_labels", list, []))))
    lists = []
    for i, raw in enumerate(c.get("lists", list)):
        lc = Checker(path, raw, f"lists[{i}]")
        cols = []
        for j, rc in enumerate(lc.get("columns", list)):
            cc = Checker(path, rc, lc.child("columns", j))
            cols.append((cc.get("key", str), cc.get("header", str), cc.get("locked", bool, False), cc.get("width", int, 24)))
        rows = lc.get("rows", (int, str))
        if isinstance(rows, str) and rows != "per-standard":
            lc.fail("phải là một số dòng hoặc 'per-standard'", "rows")
        lists.append(InfoList(lc.get("key", str), lc.get("title", str), rows, tuple(cols)))
    return InfoForm(c.get("sheet", str), c.get("title", str), tuple(fields), tuple(lists))

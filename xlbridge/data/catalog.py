"""Frameworks (bộ tiêu chuẩn): one data file per circular and loại hình.

A framework lists standards → criteria (code, title, mandatory, verification mark), its levels,
the Mức 4 list where the circular has one, and which table forms it uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from xlbridge.data.files import Checker, cached, list_files, load_yaml, shown_id
from xlbridge.data.vocab import vocab
from xlbridge.errors import DataFileError, KdclError

LAYOUTS = ("theo-tieu-chi", "van-de-trong-tam")
LEVEL_RULE_KINDS = ("cumulative", "mandatory-quota")


@dataclass(frozen=True)
class LevelRule:
    """How criterion levels become the school's level (the circular's article, as data).

    `cumulative` (2018 circulars): the school is at Mức n when every criterion meets Mức n; a criterion
    whose highest level is below n (max_muc) meets n once it meets its highest; with `level4_list` the top
    level also needs every item of the Mức 4 list. `mandatory-quota` (TT57/2026): Mức n needs every
    mandatory criterion at n and `others_at_least` of the other criteria at n; the top level also needs
    every other criterion at `top_floor` or above.
    """
    kind: str
    names: tuple[str, ...]              # names[n] = how documents name level n; names[0] = below Mức 1
    others_at_least: int = 0
    top_floor: int = 0
    level4_list: bool = False
    accreditation: bool = False          # kiểm định cấp độ n = Mức n (2018 circulars)
    chuan_quoc_gia: tuple[int, ...] = ()  # chuan_quoc_gia[i] = school level that mức độ i+1 needs
    chuan_quoc_gia_note: str = ""
    verified: bool = False
    source: str = ""

    @property
    def top(self) -> int:
        return len(self.names) - 1


@dataclass(frozen=True)
class Criterion:
    code: str                 # "1.2"; Mức 4 items are "M4.1"
    title: str
    standard: int             # 0 for Mức 4 items
    verified: bool = True
    mandatory: bool = False
    max_muc: int | None = None
    muc1: str | None = None
    muc2: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        """How documents name it: "Tiêu chí 1.2" or, for Mức 4, "Tiêu chí 1 (Mức 4)"."""
        if self.code.startswith("M4."):
            return f"Tiêu chí {self.code[3:]} (Mức 4)"
        return f"Tiêu chí {self.code}"


@dataclass(frozen=True)
class Standard:
    number: int
    title: str
    criteria: tuple[Criterion, ...]
    verified: bool = True

    @property
    def label(self) -> str:
        return f"Tiêu chuẩn {self.number}"


@dataclass(frozen=True)
class Framework:
    id: str
    number: str               # "18/2018/TT-BGDĐT"
    title: str
    date: str
    applies_to: tuple[str, ...]
    first_year: int | None    # first school year's start year it governs (None = no lower bound)
    last_year: int | None
    levels: tuple[str, ...]
    layout: str
    forms: dict[str, str]
    standards: tuple[Standard, ...]
    level4: tuple[Criterion, ...] = ()
    citation: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    effective: str = ""       # ISO date the circular took effect
    replaced_by: str = ""     # number of the circular that replaces it ("57/2026/TT-BGDĐT")
    level_rule: LevelRule | None = None
    path: str = ""            # the data file it was read from (for messages)

    @property
    def short(self) -> str:
        """ "18/2018" — how users name the circular on the command line."""
        return "/".join(self.number.split("/")[:2])

    def criteria(self) -> list[Criterion]:
        return [c for s in self.standards for c in s.criteria] + list(self.level4)

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria() if c.code == code), None)

    def standard(self, number: int) -> Standard | None:
        return next((s for s in self.standards if s.number == number), None)

    def governs(self, start_year: int) -> bool:
        return (self.first_year is None or start_year >= self.first_year) and (
            self.last_year is None or start_year <= self.last_year)

    def years_label(self) -> str:
        """ "2026-2027 trở đi", "đến 2025-2026", "2020-2021 đến 2025-2026", "mọi năm học"."""
        first = f"{self.first_year}-{self.first_year + 1}" if self.first_year is not None else None
        last = f"{self.last_year}-{self.last_year + 1}" if self.last_year is not None else None
        if first and last:
            return f"từ {first} đến {last}"
        return f"từ {first} trở đi" if first else (f"đến {last}" if last else "mọi năm học")


def _year(c: Checker, key: str) -> int | None:
    text = c.get(key, str, None)
    if text is None:
        return None
    head = text.split("-")[0]
    if not head.isdigit():
        c.fail(f"năm học {text!r} phải có dạng 2026-2027", key)
    return int(head)


def _criterion(c: Checker, standard: int) -> Criterion:
    return Criterion(
        code=c.get("code", str), title=c.get("title", str), standard=standard,
        verified=c.get("verified", bool, False), mandatory=c.get("mandatory", bool, False),
        max_muc=c.get("max_muc", int, None), muc1=c.get("muc1", str, None), muc2=c.get("muc2", str, None),
        note=c.get("note", str, None))


def _level_rule(path, data: dict | None, fw_levels: list, has_level4: bool) -> LevelRule | None:
    if data is None:
        return None
    c = Checker(path, data, "level_rule")
    names = tuple(str(n) for n in c.get("names", list))
    if names[1:] != tuple(fw_levels):
        c.fail(f"names phải là mức dưới Mức 1 rồi đúng các mức của bộ tiêu chuẩn ({', '.join(fw_levels)})", "names")
    rule = LevelRule(
        kind=c.get("kind", str, choices=LEVEL_RULE_KINDS), names=names,
        others_at_least=c.get("others_at_least", int, 0), top_floor=c.get("top_floor", int, 0),
        level4_list=c.get("level4_list", bool, False), accreditation=c.get("accreditation", bool, False),
        chuan_quoc_gia=tuple(c.get("chuan_quoc_gia", list, [])),
        chuan_quoc_gia_note=c.get("chuan_quoc_gia_note", str, ""), verified=c.get("verified", bool, False),
        source=c.get("source", str, ""))
    if rule.level4_list and not has_level4:
        c.fail("level4_list cần danh sách Mức 4 (level4) trong tệp", "level4_list")
    if any(not isinstance(n, int) or not 1 <= n <= rule.top for n in rule.chuan_quoc_gia):
        c.fail(f"mỗi mức trong chuan_quoc_gia phải là số từ 1 đến {rule.top}", "chuan_quoc_gia")
    return rule


def _load(path: Path) -> Framework:
    c = Checker(path, load_yaml(path))
    circ = Checker(path, c.get("circular", dict), "circular")
    years = Checker(path, c.get("school_years", dict), "school_years")
    standards = []
    for i, raw in enumerate(c.get("standards", list)):
        s = Checker(path, raw, f"standards[{i}]")
        number = s.get("number", int)
        crits = tuple(_criterion(Checker(path, r, s.child("criteria", j)), number)
                      for j, r in enumerate(s.get("criteria", list)))
        for cr in crits:
            if not cr.code.startswith(f"{number}."):
                s.fail(f"tiêu chí {cr.code} không thuộc tiêu chuẩn {number}", "criteria")
        standards.append(Standard(number, s.get("title", str), crits, s.get("verified", bool, False)))
    level4 = tuple(_criterion(Checker(path, r, f"level4[{j}]"), 0) for j, r in enumerate(c.get("level4", list, [])))
    applies = tuple(c.get("applies_to", list))
    known = vocab().cap_hoc_names()
    for a in applies:
        if a not in known:
            c.fail(f"cấp học {a!r} không có trong vocab/cap-hoc.yaml", "applies_to")
    forms = c.get("forms", dict)
    if "plan" not in forms:
        c.fail("phải khai báo mẫu bảng kế hoạch (plan)", "forms")
    return Framework(
        id=c.get("id", str), number=circ.get("number", str), title=circ.get("title", str),
        date=circ.get("date", str), applies_to=applies, first_year=_year(years, "first"),
        last_year=_year(years, "last"), levels=tuple(c.get("levels", list)),
        layout=c.get("layout", str, choices=LAYOUTS), forms={k: str(v) for k, v in forms.items()},
        standards=tuple(standards), level4=level4, citation=circ.get("citation", str, ""),
        effective=circ.get("effective", str, ""), replaced_by=circ.get("replaced_by", str, ""),
        extra={k: c.get(k, str) for k in ("evidence_code",) if c.data.get(k)},
        level_rule=_level_rule(path, c.get("level_rule", dict, None), c.get("levels", list), bool(level4)),
        path=str(path))


def _overlaps(a: Framework, b: Framework) -> bool:
    lo = max(y for y in (a.first_year, b.first_year, -1) if y is not None)
    his = [y for y in (a.last_year, b.last_year) if y is not None]
    return not his or lo <= min(his)


def check_overlaps(found: tuple[Framework, ...]) -> None:
    """One framework per cấp học and school year: two that overlap are an error, not "the first file wins"."""
    for a, b in combinations(found, 2):
        shared = [x for x in a.applies_to if x in b.applies_to]
        if a.id == b.id:
            raise DataFileError(b.path, "id", f"mã {b.id!r} trùng với bộ tiêu chuẩn trong tệp {a.path}")
        if shared and _overlaps(a, b):
            raise DataFileError(
                b.path, "school_years",
                f"năm học {b.years_label()} chồng với bộ tiêu chuẩn {a.id} (năm học {a.years_label()}, tệp {a.path}) "
                f"cho cấp học {', '.join(shared)}; mỗi năm học chỉ có một bộ tiêu chuẩn cho một cấp học — "
                "sửa school_years (first, last) hoặc applies_to của một trong hai tệp")


@cached
def frameworks() -> tuple[Framework, ...]:
    found = tuple(_load(p) for p in list_files("frameworks"))
    check_overlaps(found)
    return found


def get_framework(fid: str) -> Framework:
    for fw in frameworks():
        if fw.id == fid:
            return fw
    raise KdclError(kind="bo-tieu-chuan-khong-co", id=shown_id(fid), choices=", ".join(f.id for f in frameworks()))


def choose_framework(cap_hoc: str, start_year: int, thong_tu: str | None = None) -> Framework:
    """The framework for a cấp học and school year; `thong_tu` ("18/2018", "57/2026") overrides the year."""
    fits = [f for f in frameworks() if cap_hoc in f.applies_to]
    if thong_tu:
        key = thong_tu.strip().upper().replace("TT", "").strip(" -")
        chosen = [f for f in fits if f.number.upper().startswith(key) or f.short == key]
        if not chosen:
            names = ", ".join(sorted({f.short for f in fits}))
            raise KdclError(kind="thong-tu-khong-ap-dung", thong_tu=thong_tu, cap_hoc=cap_hoc, choices=names)
        return chosen[0]
    chosen = [f for f in fits if f.governs(start_year)]
    if not chosen:
        available = "; ".join(f"{f.short} (năm học {f.years_label()})" for f in fits) or "chưa có bộ nào"
        raise KdclError(kind="chua-co-bo-tieu-chuan", cap_hoc=cap_hoc, year=f"{start_year}-{start_year + 1}",
                        available=available)
    return chosen[0]

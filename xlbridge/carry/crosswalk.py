"""Criterion crosswalks between frameworks (workbook_templates/crosswalk/*.yaml).

An old criterion maps to one or more new criteria, each with a confidence; a carried item whose old
criterion has several targets, or a target below the file's `confirm_below`, is marked for the user
to confirm. Carrying within one framework uses the identity (no file, nothing to confirm).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from xlbridge.data.catalog import Framework, get_framework
from xlbridge.data.files import Checker, cached, list_files, load_yaml
from xlbridge.errors import KdclError


@dataclass(frozen=True)
class Target:
    code: str
    confidence: float


@dataclass(frozen=True)
class Mapping:
    source: str
    targets: tuple[Target, ...]          # best first
    judgement: bool = False
    note: str | None = None

    @property
    def best(self) -> Target:
        return self.targets[0]


@dataclass(frozen=True)
class Crosswalk:
    id: str
    source: str                          # framework ids
    target: str
    confirm_below: float
    mappings: dict[str, Mapping]

    @property
    def identity(self) -> bool:
        return self.source == self.target

    def get(self, code: str) -> Mapping | None:
        if self.identity:
            return Mapping(code, (Target(code, 1.0),))
        return self.mappings.get(code)

    def needs_confirmation(self, mapping: Mapping) -> bool:
        """Not one-to-one: kdcl had to choose among several new criteria, or is not sure of the one."""
        return len(mapping.targets) > 1 or mapping.best.confidence < self.confirm_below

    def standard_sources(self, old: Framework, new: Framework) -> dict[int, int]:
        """For each new standard, the old standard whose criteria weigh most in it (to carry working groups)."""
        if self.identity:
            return {s.number: s.number for s in new.standards}
        weight: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for crit in old.criteria():
            mapping = self.mappings[crit.code]
            for t in mapping.targets:
                if crit.standard:
                    weight[int(t.code.split(".")[0])][crit.standard] += t.confidence
        return {n: max(w, key=w.__getitem__) for n, w in weight.items()}


def _load(path) -> Crosswalk:
    c = Checker(path, load_yaml(path))
    source, target = get_framework(c.get("from", str)), get_framework(c.get("to", str))
    confirm = float(c.get("confirm_below", (int, float)))
    mappings: dict[str, Mapping] = {}
    for i, raw in enumerate(c.get("mappings", list)):
        m = Checker(path, raw, f"mappings[{i}]")
        code = m.get("from", str)
        if source.criterion(code) is None:
            m.fail(f"tiêu chí {code} không có trong {source.id}", "from")
        if code in mappings:
            m.fail(f"tiêu chí {code} được khai báo hai lần", "from")
        targets = []
        for j, rt in enumerate(m.get("to", list)):
            t = Checker(path, rt, m.child("to", j))
            tcode, conf = t.get("code", str), float(t.get("confidence", (int, float)))
            if target.criterion(tcode) is None:
                t.fail(f"tiêu chí {tcode} không có trong {target.id}", "code")
            if not 0 < conf <= 1:
                t.fail(f"độ tin cậy {conf} phải trong khoảng (0, 1]", "confidence")
            targets.append(Target(tcode, conf))
        if not targets:
            m.fail("phải có ít nhất một tiêu chí mới", "to")
        targets.sort(key=lambda t: -t.confidence)
        mappings[code] = Mapping(code, tuple(targets), m.get("judgement", bool, False), m.get("note", str, None))
    missing = [cr.code for cr in source.criteria() if cr.code not in mappings]
    if missing:
        c.fail(f"thiếu tiêu chí {', '.join(missing)} của {source.id}", "mappings")
    return Crosswalk(c.get("id", str), source.id, target.id, confirm, mappings)


@cached
def crosswalks() -> tuple[Crosswalk, ...]:
    return tuple(_load(p) for p in list_files("crosswalk"))


def get_crosswalk(source: Framework, target: Framework) -> Crosswalk:
    """The crosswalk from one framework to another; the identity within one framework."""
    if source.id == target.id:
        return Crosswalk(f"{source.id}--{target.id}", source.id, target.id, 1.0, {})
    for cw in crosswalks():
        if cw.source == source.id and cw.target == target.id:
            return cw
    raise KdclError(kind="chua-co-doi-chieu", source=source.number, source_id=source.id, target=target.number,
                    target_id=target.id)

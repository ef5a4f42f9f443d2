"""From criterion levels to the school's level, and the gap to the next one.

Pure functions over plain values: a mapping criterion code → level (0 = below Mức 1, 1 … the
criterion's highest; for the Mức 4 list 1 = Đạt, 0 = Chưa đạt; None = not assessed). The circular's
article is data (`Framework.level_rule`); this module only applies it. A criterion that was not
assessed meets no level: the school's level is then the one its assessed criteria prove.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.catalog import Criterion, Framework, LevelRule

Levels = Mapping[str, int | None]


def rule_of(fw: Framework) -> LevelRule:
    if fw.level_rule is None:
        raise ValueError(f"framework {fw.id} has no level_rule")
    return fw.level_rule


def is_level4_item(crit: Criterion) -> bool:
    return crit.standard == 0


def criterion_top(fw: Framework, crit: Criterion) -> int:
    """The highest level a criterion can be given (1 for a Mức 4 item: Đạt)."""
    if is_level4_item(crit):
        return 1
    rule = rule_of(fw)
    top = rule.top - (1 if rule.level4_list else 0)
    return min(crit.max_muc or top, top)


def meets(fw: Framework, crit: Criterion, level: int | None, n: int) -> bool:
    """Whether a criterion at `level` meets the requirements of Mức n (cumulative levels: a criterion
    with no requirements above its highest level meets those levels once it meets its highest)."""
    if level is None:
        return False
    top = criterion_top(fw, crit)
    return level >= n or (level >= top and n > top)


@dataclass(frozen=True)
class Gap:
    """What stands between the levels given and Mức `level`: every criterion of `required` must be raised,
    and `choose` more among `candidates` (TT57's "at least 5 of the other 7")."""
    level: int
    required: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    choose: int = 0

    @property
    def size(self) -> int:
        """The fewest criteria to raise."""
        return len(self.required) + self.choose

    @property
    def blocking(self) -> tuple[str, ...]:
        return self.required + (self.candidates if self.choose else ())


def _main(fw: Framework) -> list[Criterion]:
    return [c for s in fw.standards for c in s.criteria]


def gap(fw: Framework, levels: Levels, n: int) -> Gap:
    """The criteria that keep the school below Mức n."""
    rule = rule_of(fw)
    crits = _main(fw)
    if rule.kind == "cumulative":
        base = min(n, rule.top - 1) if rule.level4_list else n
        required = [c.code for c in crits if not meets(fw, c, levels.get(c.code), base)]
        if rule.level4_list and n == rule.top:
            required += [c.code for c in fw.level4 if (levels.get(c.code) or 0) < 1]
        return Gap(n, tuple(required))
    mandatory = [c for c in crits if c.mandatory]
    others = [c for c in crits if not c.mandatory]
    required = [c.code for c in mandatory if not meets(fw, c, levels.get(c.code), n)]
    below_floor = [c.code for c in others if n == rule.top and not meets(fw, c, levels.get(c.code), rule.top_floor)]
    at_n = [c for c in others if meets(fw, c, levels.get(c.code), n)]
    short = max(0, min(rule.others_at_least, len(others)) - len(at_n))
    # criteria below the floor must be raised anyway; raised to Mức n they also fill the quota
    choose = max(0, short - len(below_floor))
    candidates = tuple(c.code for c in others if c not in at_n and c.code not in below_floor) if choose else ()
    return Gap(n, tuple(required + below_floor), candidates, choose)


def school_level(fw: Framework, levels: Levels) -> int:
    """The school's level: the highest Mức n with nothing in the way (0 = below Mức 1)."""
    reached = 0
    for n in range(1, rule_of(fw).top + 1):
        if gap(fw, levels, n).size:
            break
        reached = n
    return reached


def chuan_quoc_gia(fw: Framework, level: int) -> int:
    """The mức độ of chuẩn quốc gia that a school level allows (0 = none, or not applicable)."""
    return sum(1 for needed in rule_of(fw).chuan_quoc_gia if level >= needed)


def level_name(fw: Framework, level: int) -> str:
    return rule_of(fw).names[level]


@dataclass(frozen=True)
class CriterionPlan:
    """One criterion as the workbook states it: levels given and the plan items aimed at it."""
    code: str
    current: int | None
    target: int | None
    items: int = 0          # plan items for this criterion
    done: int = 0           # of which completed


def planned_levels(plans: Mapping[str, CriterionPlan]) -> dict[str, int | None]:
    """Each criterion at its target where the plan has items for it (as if every item is completed)."""
    return {code: (p.target if p.target is not None and p.items else p.current) for code, p in plans.items()}


def achieved_levels(plans: Mapping[str, CriterionPlan]) -> dict[str, int | None]:
    """Each criterion at its target where every one of its items is completed, else where it was."""
    return {code: (p.target if p.target is not None and p.items and p.done == p.items else p.current)
            for code, p in plans.items()}


@dataclass(frozen=True)
class Blocking:
    code: str
    required: bool          # False: one of several candidates (TT57 quota)
    planned: bool           # the plan has items for it


@dataclass(frozen=True)
class LevelReport:
    current: int
    planned: int
    achieved: int
    chuan_quoc_gia: int
    next_level: int | None          # None at the top level
    gap: Gap | None
    blocking: tuple[Blocking, ...]
    assessed: int                   # criteria (not counting the Mức 4 list) with a current level
    total: int

    def as_json(self) -> dict:
        return {"current": self.current, "planned": self.planned, "achieved": self.achieved,
                "chuan_quoc_gia": self.chuan_quoc_gia, "next": self.next_level,
                "blocking": [b.code for b in self.blocking],
                "gap": self.gap.size if self.gap else 0, "assessed": self.assessed, "total": self.total}


def report(fw: Framework, plans: Mapping[str, CriterionPlan]) -> LevelReport:
    """The three levels (now, if the plan is completed, at the results so far) and what blocks the next one."""
    current = {code: p.current for code, p in plans.items()}
    now = school_level(fw, current)
    nxt = now + 1 if now < rule_of(fw).top else None
    g = gap(fw, current, nxt) if nxt else None
    blocking: tuple[Blocking, ...] = ()
    if g is not None:
        blocking = tuple(Blocking(code, code in g.required, bool(plans.get(code) and plans[code].items))
                         for code in g.blocking)
    every = [c.code for c in _main(fw)]          # the Mức 4 list is counted by the level, not here
    return LevelReport(now, school_level(fw, planned_levels(plans)), school_level(fw, achieved_levels(plans)),
                       chuan_quoc_gia(fw, now), nxt, g, blocking,
                       sum(1 for c in every if plans.get(c) and plans[c].current is not None), len(every))


def choices(fw: Framework, crit: Criterion, level4_names: tuple[str, ...]) -> tuple[str, ...]:
    """The drop-down of a criterion's level cell: position = level."""
    if is_level4_item(crit):
        return level4_names
    return rule_of(fw).names[: criterion_top(fw, crit) + 1]


def parse_level(text: str, options: tuple[str, ...]) -> int | None:
    """A level cell as typed: one of the drop-down's names (any case or spacing), or a bare number
    ("2", "2.0"); None when empty or not one of them."""
    folded = fold(text)
    if not folded:
        return None
    for n, name in enumerate(options):
        if fold(name) == folded:
            return n
    digits = folded.removeprefix("muc").strip()
    try:
        n = int(float(digits))
    except (ValueError, OverflowError):      # "9" * 400 is inf as a float
        return None
    return n if 0 <= n < len(options) and float(digits) == n else None

"""The level engine against cases worked by hand from each circular's article (levels-notes.md §4)."""

from __future__ import annotations

import pytest

from xlbridge.core.levels import (
    CriterionPlan,
    achieved_levels,
    chuan_quoc_gia,
    criterion_top,
    gap,
    planned_levels,
    report,
    school_level,
)
from xlbridge.data.catalog import get_framework

TT18 = get_framework("tt18-2018-trung-hoc")
TT17 = get_framework("tt17-2018-tieu-hoc")
TT19 = get_framework("tt19-2018-mam-non")
TT57 = get_framework("tt57-2026-pho-thong")
GDTX = get_framework("tt57-2026-gdtx")
MN57 = get_framework("tt57-2026-mam-non")


def main(fw):
    return [c for s in fw.standards for c in s.criteria]


def all_at(fw, n, m4=0):
    """Every criterion at Mức n (or its highest, when lower), the Mức 4 list at `m4`."""
    levels = {c.code: min(n, criterion_top(fw, c)) for c in main(fw)}
    levels.update({c.code: m4 for c in fw.level4})
    return levels


# ---- 2018 circulars: cumulative, every criterion ---------------------------------------------------

@pytest.mark.parametrize("fw", [TT17, TT18, TT19], ids=lambda f: f.id)
def test_2018_every_criterion_at_a_level_gives_that_level(fw):
    for n in (0, 1, 2, 3):
        assert school_level(fw, all_at(fw, n)) == n


@pytest.mark.parametrize("fw", [TT17, TT18, TT19], ids=lambda f: f.id)
def test_2018_level4_is_level3_plus_every_level4_item(fw):
    assert school_level(fw, all_at(fw, 3, m4=1)) == 4
    levels = all_at(fw, 3, m4=1)
    first = fw.level4[0].code
    levels[first] = 0
    assert school_level(fw, levels) == 3
    assert gap(fw, levels, 4).required == (first,)
    # the Mức 4 list alone does not lift a school that is not at Mức 3
    assert school_level(fw, all_at(fw, 2, m4=1)) == 2


def test_2018_one_criterion_below_holds_the_school_at_its_level():
    levels = all_at(TT18, 3)
    levels["1.1"] = 1
    assert school_level(TT18, levels) == 1
    assert gap(TT18, levels, 2).required == ("1.1",)
    assert gap(TT18, levels, 2).size == 1


def test_2018_criterion_without_level3_requirements_meets_level3_at_its_highest():
    two = [c for c in main(TT18) if c.max_muc == 2]
    assert two, "TT18 has criteria whose highest level is Mức 2"
    levels = {c.code: 3 for c in main(TT18)}
    for c in two:
        levels[c.code] = 2
    assert school_level(TT18, levels) == 3
    levels[two[0].code] = 1
    assert school_level(TT18, levels) == 1


def test_2018_unassessed_criterion_meets_no_level():
    levels = all_at(TT18, 3)
    levels["2.1"] = None
    assert school_level(TT18, levels) == 0
    assert gap(TT18, levels, 1).required == ("2.1",)


@pytest.mark.parametrize("level,expected", [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2)])
def test_2018_chuan_quoc_gia(level, expected):
    assert chuan_quoc_gia(TT18, level) == expected
    assert chuan_quoc_gia(TT17, level) == expected


# ---- TT57/2026: 8 mandatory, at least 5 of the other 7 --------------------------------------------

def tt57(mandatory: int, others: list[int], fw=TT57):
    mand = [c for c in main(fw) if c.mandatory]
    rest = [c for c in main(fw) if not c.mandatory]
    assert len(mand) == 8 and len(rest) == 7 == len(others)
    levels = {c.code: mandatory for c in mand}
    levels.update({c.code: v for c, v in zip(rest, others, strict=True)})
    return levels, [c.code for c in rest]


def test_tt57_mandatory_list_is_the_articles():
    assert [c.code for c in main(TT57) if c.mandatory] == ["1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]


def test_tt57_level1_needs_five_of_seven():
    levels, _ = tt57(1, [1, 1, 1, 1, 1, 0, 0])
    assert school_level(TT57, levels) == 1
    levels, rest = tt57(1, [1, 1, 1, 1, 0, 0, 0])
    assert school_level(TT57, levels) == 0
    g = gap(TT57, levels, 1)
    assert g.required == () and g.choose == 1 and g.candidates == tuple(rest[4:]) and g.size == 1


def test_tt57_mandatory_below_level1_is_not_compensated():
    levels, _ = tt57(2, [2] * 7)
    levels["3.2"] = 0
    assert school_level(TT57, levels) == 0
    assert gap(TT57, levels, 1).required == ("3.2",)


def test_tt57_level2_edges():
    levels, _ = tt57(2, [2, 2, 2, 2, 2, 1, 1])
    assert school_level(TT57, levels) == 2
    # five at Mức 2, but one of the others below Mức 1: the floor holds the school at Mức 1
    levels, rest = tt57(2, [2, 2, 2, 2, 2, 1, 0])
    assert school_level(TT57, levels) == 1
    g = gap(TT57, levels, 2)
    assert g.required == (rest[6],) and g.choose == 0 and g.size == 1
    # four at Mức 2: one more of the three at Mức 1
    levels, rest = tt57(2, [2, 2, 2, 2, 1, 1, 1])
    g = gap(TT57, levels, 2)
    assert school_level(TT57, levels) == 1 and g.choose == 1 and g.candidates == tuple(rest[4:])
    # three at Mức 2 and two below Mức 1: raising those two to Mức 2 fills the quota too
    levels, rest = tt57(2, [2, 2, 2, 1, 1, 0, 0])
    g = gap(TT57, levels, 2)
    assert school_level(TT57, levels) == 1 and g.required == tuple(rest[5:]) and g.choose == 0 and g.size == 2
    # one mandatory criterion only at Mức 1
    levels, _ = tt57(2, [2] * 7)
    levels["1.3"] = 1
    assert school_level(TT57, levels) == 1 and gap(TT57, levels, 2).required == ("1.3",)


@pytest.mark.parametrize("fw", [MN57, GDTX], ids=lambda f: f.id)
def test_tt57_other_loai_hinh(fw):
    levels, _ = tt57(2, [2, 2, 2, 2, 2, 0, 1], fw)
    assert school_level(fw, levels) == 1
    levels, _ = tt57(2, [2, 2, 2, 2, 2, 1, 1], fw)
    assert school_level(fw, levels) == 2


def test_tt57_chuan_quoc_gia_follows_the_level_and_not_for_gdtx():
    assert [chuan_quoc_gia(TT57, n) for n in (0, 1, 2)] == [0, 1, 2]
    assert [chuan_quoc_gia(GDTX, n) for n in (0, 1, 2)] == [0, 0, 0]


# ---- planned and achieved ------------------------------------------------------------------------

def test_planned_and_achieved_levels():
    levels, rest = tt57(2, [2, 2, 2, 2, 1, 1, 1])
    plans = {code: CriterionPlan(code, lvl, lvl) for code, lvl in levels.items()}
    target = rest[4]
    plans[target] = CriterionPlan(target, 1, 2, items=2, done=1)
    assert planned_levels(plans)[target] == 2 and achieved_levels(plans)[target] == 1
    r = report(TT57, plans)
    assert (r.current, r.planned, r.achieved, r.chuan_quoc_gia) == (1, 2, 1, 1)
    assert r.next_level == 2 and {b.code for b in r.blocking} == set(rest[4:])
    assert [b.planned for b in r.blocking] == [True, False, False]
    plans[target] = CriterionPlan(target, 1, 2, items=2, done=2)
    assert report(TT57, plans).achieved == 2
    # a target without any plan item does not count as planned
    plans[target] = CriterionPlan(target, 1, 2)
    assert report(TT57, plans).planned == 1


def test_report_json_shape():
    plans = {code: CriterionPlan(code, lvl, None) for code, lvl in all_at(TT18, 2).items()}
    j = report(TT18, plans).as_json()
    assert {k: j[k] for k in ("current", "planned", "achieved", "chuan_quoc_gia")} == {
        "current": 2, "planned": 2, "achieved": 2, "chuan_quoc_gia": 1}
    assert all(isinstance(j[k], int) for k in ("current", "planned", "achieved", "chuan_quoc_gia"))
    assert set(j["blocking"]) == {c.code for c in main(TT18) if c.max_muc == 3}

"""The school's levels in Vietnamese sentences, for the terminal, the "Báo cáo" sheet and the Word reports.
Wording is data (workbook.yaml, labels.level_sentences); the figures come from the one level report."""

from __future__ import annotations

from xlbridge.core.levels import LevelReport, level_name
from xlbridge.data.catalog import Framework
from xlbridge.layout import config


def _cqg(fw: Framework, n: int) -> str:
    names = config().labels["level_chuan_quoc_gia"]
    return names[n] if fw.level_rule and fw.level_rule.chuan_quoc_gia else config().labels["level_chuan_quoc_gia_na"]


def _blocking(levels: LevelReport) -> str:
    from xlbridge.core.outputs import blocking_text
    return blocking_text(levels)


def level_lines(fw: Framework, levels: LevelReport | None) -> list[str]:
    """One line each: now, if the plan is completed, at the results so far, and what blocks the next level."""
    s = config().labels["level_sentences"]
    if levels is None:
        return []
    if not levels.assessed:
        return [s["not_assessed"]]
    out = [s["current"].format(level=level_name(fw, levels.current), cqg=_cqg(fw, levels.chuan_quoc_gia)),
           s["planned"].format(level=level_name(fw, levels.planned)),
           s["achieved"].format(level=level_name(fw, levels.achieved))]
    if levels.next_level is not None:
        out.append(s["next"].format(next=level_name(fw, levels.next_level), n=levels.gap.size if levels.gap else 0,
                                    criteria=_blocking(levels)))
    if levels.assessed < levels.total:
        out.append(s["partial"].format(assessed=levels.assessed, total=levels.total))
    return out


def plan_sentence(fw: Framework, levels: LevelReport | None) -> str:
    """The plan's one sentence: "Nếu hoàn thành kế hoạch, nhà trường đạt Mức 2 (hiện tại: Mức 1)." """
    if levels is None or not levels.assessed:
        return ""
    s = config().labels["level_sentences"]
    return s["plan_report"].format(planned=level_name(fw, levels.planned), current=level_name(fw, levels.current))


def results_sentence(fw: Framework, levels: LevelReport | None) -> str:
    """The results report's one sentence: where the results so far put the school, against the start of the year."""
    if levels is None or not levels.assessed:
        return ""
    s = config().labels["level_sentences"]
    key = "results_report_up" if levels.achieved > levels.current else "results_report_same"
    return s[key].format(achieved=level_name(fw, levels.achieved), current=level_name(fw, levels.current),
                         planned=level_name(fw, levels.planned))

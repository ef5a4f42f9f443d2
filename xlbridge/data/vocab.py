"""Vocabularies: statuses, phases, cấp học, placeholder words (workbook_templates/vocab)."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.files import Checker, cached, find, load_yaml


@dataclass(frozen=True)
class Status:
    name: str
    done: bool
    open: bool
    started: bool
    acknowledges_delay: bool
    aliases: tuple[str, ...]

    @property
    def cancelled(self) -> bool:
        """Taken out of the plan: neither done nor still open ("Không thực hiện")."""
        return not self.done and not self.open


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    order: int
    ends: str | None = None      # when the phase ends, written as a period cell ("cuối học kỳ I")


@dataclass(frozen=True)
class Vocab:
    statuses: tuple[Status, ...]
    phases: tuple[Phase, ...]
    cap_hoc: tuple[tuple[str, tuple[str, ...]], ...]
    placeholders: frozenset[str]
    loai_hinh: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def status(self, text: str) -> Status | None:
        """The status a typed text means (exact name or alias, case/diacritics-insensitive)."""
        key = fold(text).rstrip(".")
        for st in self.statuses:
            if key in {fold(st.name), *map(fold, st.aliases)}:
                return st
        return None

    def status_names(self) -> list[str]:
        return [s.name for s in self.statuses]

    def done_statuses(self) -> list[Status]:
        """Statuses that count as completed: the numerator of every completion rate (summary, sheet
        formulas, consolidation, narrative)."""
        return [s for s in self.statuses if s.done]

    def cancelled_statuses(self) -> list[Status]:
        """Statuses that take an item out of the plan (neither done nor still open): left out of the
        completion rate's base."""
        return [s for s in self.statuses if s.cancelled]

    def phase(self, text: str) -> Phase | None:
        key = fold(text)
        for ph in self.phases:
            if key in (fold(ph.id), fold(ph.name)) or fold(ph.name).startswith(key) and len(key) >= 6:
                return ph
        return None

    def phase_by_id(self, pid: str) -> Phase:
        return next(p for p in self.phases if p.id == pid)

    def cap_hoc_name(self, text: str) -> str | None:
        key = fold(text)
        for name, aliases in self.cap_hoc:
            if key in {fold(name), *map(fold, aliases)}:
                return name
        return None

    def loai_hinh_name(self, text: str) -> str | None:
        """The loại hình (công lập, dân lập, tư thục) a typed text means, or None."""
        key = fold(text).rstrip(".")
        return next((name for name, aliases in self.loai_hinh if key in {fold(name), *map(fold, aliases)}), None)

    def loai_hinh_names(self) -> list[str]:
        return [n for n, _ in self.loai_hinh]

    def cap_hoc_names(self) -> list[str]:
        return [n for n, _ in self.cap_hoc]

    def is_placeholder(self, text: str) -> bool:
        return fold(text) in self.placeholders


@cached
def vocab() -> Vocab:
    statuses = []
    path = find("vocab", "statuses.yaml")
    for i, raw in enumerate(Checker(path, load_yaml(path)).get("statuses", list)):
        c = Checker(path, raw, f"statuses[{i}]")
        statuses.append(Status(c.get("name", str), c.get("done", bool), c.get("open", bool),
                               c.get("started", bool, True),
                               c.get("acknowledges_delay", bool, False), tuple(c.get("aliases", list, []))))
    path = find("vocab", "phases.yaml")
    phases = []
    for i, raw in enumerate(Checker(path, load_yaml(path)).get("phases", list)):
        c = Checker(path, raw, f"phases[{i}]")
        phases.append(Phase(c.get("id", str), c.get("name", str), i, c.get("ends", str, None)))
    path = find("vocab", "cap-hoc.yaml")
    levels = []
    for i, raw in enumerate(Checker(path, load_yaml(path)).get("cap_hoc", list)):
        c = Checker(path, raw, f"cap_hoc[{i}]")
        levels.append((c.get("name", str), tuple(str(a) for a in c.get("aliases", list, []))))
    path = find("vocab", "loai-hinh.yaml")
    kinds = []
    for i, raw in enumerate(Checker(path, load_yaml(path)).get("loai_hinh", list)):
        c = Checker(path, raw, f"loai_hinh[{i}]")
        kinds.append((c.get("name", str), tuple(str(a) for a in c.get("aliases", list, []))))
    path = find("vocab", "placeholders.yaml")
    words = Checker(path, load_yaml(path)).get("placeholders", list)
    return Vocab(tuple(statuses), tuple(phases), tuple(levels), frozenset(fold(str(w)) for w in words), tuple(kinds))

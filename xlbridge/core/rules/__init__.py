"""The validation engine: every rule is a function registered under its code.

A rule receives the whole model and yields findings; the engine runs them all and sorts the
findings by sheet order, row and column, so users read them top to bottom.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from xlbridge.core.findings import Finding, rule_specs
from xlbridge.core.progress import report_date, report_date_basis
from xlbridge.data.forms import Review
from xlbridge.model import PlanBook

RuleFn = Callable[["Context"], Iterator[Finding]]
REGISTRY: dict[str, RuleFn] = {}


@dataclass
class Context:
    book: PlanBook
    asked: date | None = None                            # the date the caller asked for (--ngay), if any
    clock: date = field(default_factory=date.today)      # today

    @property
    def report_date(self) -> date:
        """The date deadlines are judged against (`xlbridge.core.progress.report_date`)."""
        return report_date(self.book, self.asked, self.clock)

    @property
    def report_date_basis(self) -> str:
        """Why it is that date: "report", "asked", "phase_end" or "today" (`xlbridge.core.progress`)."""
        return report_date_basis(self.book, self.asked, self.clock)[1]

    def review_note(self, review: Review) -> str:
        """« (Rà soát lần 1 …)» after a message's subject when the table has several reviews; nothing when it has
        one (2018's «Kết quả thực hiện»: the column header already says it)."""
        return f" ({review.label})" if len(self.book.layout.reviews) > 1 else ""


def rule(*codes: str) -> Callable[[RuleFn], RuleFn]:
    """Register a function as the check for one or more rule codes of rules.yaml."""
    def deco(fn: RuleFn) -> RuleFn:
        for code in codes:
            if code in REGISTRY:
                raise RuntimeError(f"rule {code} registered twice")
            REGISTRY[code] = fn
        return fn
    return deco


def _load_rule_modules() -> None:
    from xlbridge.core.rules import budget, carry, cells, info, levels, plan, results, structure, timing, wording  # noqa: F401


def _sort_key(book: PlanBook, f: Finding) -> tuple:
    order: dict[str | None, int] = {name: i for i, name in enumerate(book.sheets_present)}
    return (order.get(f.sheet, -1), *f.position, f.rule)


def validate(book: PlanBook, today: date | None = None, *, clock: date | None = None) -> list[Finding]:
    """All findings for a workbook, in reading order; `today` is the date asked for (--ngay), which
    stands in for a blank report date, `clock` for the real today (tests). Rules never raise on user data."""
    _load_rule_modules()
    ctx = Context(book, today, clock or date.today())
    seen: set[RuleFn] = set()
    findings: list[Finding] = []
    for fn in REGISTRY.values():
        if fn not in seen:
            seen.add(fn)
            findings.extend(fn(ctx))
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: _sort_key(book, f))


def registered_codes() -> set[str]:
    _load_rule_modules()
    return set(REGISTRY)


def check_catalogue() -> None:
    """Every code of rules.yaml has a check and every check a text (run by the tests)."""
    missing = set(rule_specs()) - registered_codes()
    unknown = registered_codes() - set(rule_specs())
    if missing or unknown:
        raise RuntimeError(f"rules without a check: {sorted(missing)}; checks without a text: {sorted(unknown)}")

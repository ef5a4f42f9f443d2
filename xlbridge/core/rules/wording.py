"""Rules on what a result says: bland stock phrases (KQ08), a finished status whose text says otherwise
(KQ09), a result or reason that only repeats the plan (KQ10)."""

from __future__ import annotations

from collections.abc import Iterator

from xlbridge.core.findings import Finding, make_finding
from xlbridge.core.rules import Context, rule
from xlbridge.core.rules.plan import blank
from xlbridge.core.wording import is_bland, same_sentence, unfinished_clause
from xlbridge.model import Item, ReviewResult, Value


def _texts(it: Item, res: ReviewResult, role: str) -> Iterator[tuple[str, Value]]:
    for key, v in res.values.items():
        col = it.columns[key]
        if col.role == role and not blank(v) and not v.formula and v.error is None:
            yield col.header, v


@rule("KQ08")
def bland_results(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        for res in it.results:
            for _header, v in _texts(it, res, "result"):
                if is_bland(v.text):
                    yield make_finding("KQ08", it.sheet, v.cell, value=v.text, review=ctx.review_note(res.review))


@rule("KQ09")
def done_but_unfinished(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        for res in it.results:
            if res.status is None or not res.status.done:
                continue
            for _header, v in _texts(it, res, "result"):
                clause = unfinished_clause(v.text)
                if clause:
                    yield make_finding("KQ09", it.sheet, v.cell, status=res.status.name, clause=clause)


PLAN_SENTENCE_ROLES = ("content", "text")     # what the plan says is done: «Nội dung», «Hoạt động/giải pháp»…


def _plan_sentences(it: Item) -> list[str]:
    """The plan's own sentences a result or reason may only repeat: the content (adjusted or not) and the
    activities (TT57's «Hoạt động/giải pháp»); not the target, which a result may rightly restate as met."""
    texts = [it.content] + [v.text for role in PLAN_SENTENCE_ROLES for v in it.by_role(role)]
    return [t for t in dict.fromkeys(texts) if t]


@rule("KQ10")
def repeats_the_plan(ctx: Context) -> Iterator[Finding]:
    for it in ctx.book.items:
        plan = _plan_sentences(it)
        for res in it.results:
            for role in ("result", "reason"):
                for header, v in _texts(it, res, role):
                    if any(same_sentence(v.text, p) for p in plan):
                        yield make_finding("KQ10", it.sheet, v.cell, header=header, review=ctx.review_note(res.review))

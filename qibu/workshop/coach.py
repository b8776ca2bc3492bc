"""The OKR coach on an objective being distilled in the workshop (WS-5): the same rules the OKR editor applies to
a company objective's title — an objective says in words where to go, not a number (COACH-1); not more objectives
than the method keeps (SET-3) — and whether it says nearly what another column's objective says (COACH-2: jieba
cuts Chinese titles into words, loaded only when two titles are compared)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from qibu.okrs.coach import near_duplicates
from qibu.okrs.models import Level
from qibu.okrs.quality import Advice, objective_warnings
from qibu.org.models import Organisation

TITLE_RULES = frozenset({"COACH-1", "SET-3"})


def distil_advice(
    *, organisation: Organisation, title: str, others: Mapping[int, str], objective_count: int
) -> list[Advice]:
    """The coach's advice on `title`, the objective of one column, beside the group's other objectives
    (`others`: column id → objective). `objective_count`: how many objectives the group would have with it."""
    title = title.strip()
    if not title:
        return []
    advice = [
        a
        for a in objective_warnings(
            organisation=organisation,
            owner_objective_count=objective_count,
            key_results=[],
            has_alignment=True,
            level=Level.COMPANY,
            start_date=None,
            end_date=None,
            title=title,
        )
        if a.rule in TITLE_RULES
    ]
    others = {pk: text for pk, text in others.items() if text.strip() and pk != 0}
    if others:
        alike = near_duplicates({0: title, **others}).get(0, [])
        if alike:
            text = _(
                "This objective says nearly what “%(other)s” says. Two objectives that say the same split the "
                "effort: merge the two columns, or write what makes each one different."
            )
            advice.append(Advice("COACH-2", text % {"other": others[alike[0]]}))
    return advice

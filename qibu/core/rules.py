"""The method's rules as people read them: a short plain statement for each rule ID a page shows.

Rule IDs (SET-3, EXE-4 …, from the method) name rules in code, tests and history; a person reads the statement.
Pages show the statement first and may add the ID after it as a small label: `{% rule_id "SET-6" %}` (from
`rule_tags`) renders `<abbr class="rule-id" title="statement">SET-6</abbr>`, so the ID never stands alone.
`tests/project/test_rule_ids.py` fails on any rule ID in a page's visible text outside such a label.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULES: dict[str, Promise] = {
    "VIS-1": _("The company's vision and mission are shown wherever objectives are written."),
    "VIS-2": _("Strategic goals sit between the vision and the objectives; each company objective serves one."),
    "VIS-3": _("A project has its own vision and mission, written before its objectives."),
    "SET-3": _("Each owner keeps only a few objectives in a cycle: the most important ones."),
    "SET-4": _("Each objective has a few key results, so that each one gets attention."),
    "SET-5": _("A key result is specific and measurable: a number to reach by a date."),
    "SET-6": _("Every objective serves the company's strategy: it aligns to a parent objective or key result."),
    "SET-7": _("Most objectives are written by the people who own them, not by their leaders."),
    "SET-8": _("Every objective and key result has a start and an end date."),
    "EXE-4": _("A big fall in confidence is explained: why, and what changed."),
    "MEAS-6": _("Health follows confidence and pace: on track, at risk or off track."),
    "MEAS-8": _("A key result without a recent check-in is marked as not updated."),
    "PUB-1": _("When the OKRs are set, they are compiled and mailed to every employee."),
    "PUB-2": _("Every OKR is open to everyone in the company, so that everyone sees the priorities."),
    "PUB-3": _("Leaders explain why these OKRs matter and invite feedback."),
}


def rule_statement(rule: str) -> str:
    """The rule's statement in the active language ("" for an ID the pages do not show)."""
    statement = RULES.get(rule)
    return str(statement) if statement is not None else ""

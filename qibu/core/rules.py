"""The method's rules as people read them: a short plain statement for each rule ID a page shows.

Rule IDs (SET-3, EXE-4 …, from the method) name rules in code, tests and history; a person reads the statement.
Pages show the statement first and may add the ID after it as a small label: `{% rule_id "SET-6" %}` (from
`rule_tags`) renders `<abbr class="rule-id" title="statement">SET-6</abbr>`, so the ID never stands alone.
`tests/project/test_rule_ids.py` fails on any rule ID in a page's visible text outside such a label.

The OKR coach (`qibu.okrs.quality`, `qibu.okrs.coach`) checks the rules a machine can check; two of its checks
have no number in the method and carry the coach's own IDs: COACH-1 (an objective that is itself a number) and
COACH-2 (near-duplicate objectives in a department). `COACH_CHECKS` says in plain words what it checks for each
rule that an administrator may make block a submission (`Organisation.coach_blocking_rules`).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULES: dict[str, Promise] = {
    "VIS-1": _("The company's vision and mission are shown wherever objectives are written."),
    "VIS-2": _("Strategic goals sit between the vision and the objectives; each company objective serves one."),
    "SET-1": _("OKRs are set top-down first: the company's year, its quarter, each department's, then each person's."),
    "SET-2": _(
        "Then bottom-up: departments gather their people's proposals and submit; the company adjusts to the "
        "submissions; departments adjust; people finalise theirs."
    ),
    "VIS-3": _("A project has its own vision and mission, written before its objectives."),
    "SET-3": _("Each owner keeps only a few objectives in a cycle: the most important ones."),
    "SET-4": _("Each objective has a few key results, so that each one gets attention."),
    "SET-5": _("A key result is specific and measurable: a number to reach by a date."),
    "SET-6": _("Every objective serves the company's strategy: it aligns to a parent objective or key result."),
    "SET-7": _("Most objectives are written by the people who own them, not by their leaders."),
    "SET-8": _("Every objective and key result has a start and an end date."),
    "SET-10": _("Objectives carry a priority that orders plans and resources."),
    "COACH-1": _("An objective says in words where to go; the numbers that show it are its key results."),
    "COACH-2": _("A department does not keep two objectives that say the same."),
    "SET-9": _("Key results may be written first, then gathered under the objective they serve."),
    "EXE-1": _(
        "Each group holds a daily stand-up of at most 15 minutes: yesterday's progress, today's plan, blockers."
    ),
    "EXE-2": _(
        "Blockers are listed, not discussed, in the stand-up; afterwards the people concerned settle them, and "
        "one left open climbs to the department's, then the management's weekly meeting."
    ),
    "EXE-3": _(
        "Each department meets weekly: each person shows the week's results, the department's progress is "
        "summarised, and the confidence of every key result is set."
    ),
    "EXE-4": _("A big fall in confidence is explained: why, and what changed."),
    "EXE-5": _(
        "A weekly meeting gives about a quarter of its time to progress, the rest to next steps; ending early is fine."
    ),
    "EXE-6": _(
        "The management meets weekly: it reviews the company's OKRs and fixes this week's concrete tasks that move "
        "them."
    ),
    "EXE-12": _("Progress is tracked with data and indicators, not impressions."),
    "EXE-8": _(
        "Action plans are concrete steps, each with who does it, who answers for it and who decides, its "
        "resources and its timetable."
    ),
    "EXE-7": _("OKRs are the priority of daily work: each person sees every day what to push first."),
    "EXE-9": _(
        "Supervisors follow progress through key-result milestones, regular progress checks and 1-on-1 meetings."
    ),
    "EXE-10": _("Supervisors support their people: they resolve difficulties and provide resources."),
    "EXE-11": _(
        "When a result goes off track, correct it: re-evaluate the objective, revise key results, adjust the "
        "strategy or the resources, and say why."
    ),
    "MEAS-6": _("Health follows confidence and pace: on track, at risk or off track."),
    "MEAS-8": _("A key result without a recent check-in is marked as not updated."),
    "PUB-1": _("When the OKRs are set, they are compiled and mailed to every employee."),
    "PUB-2": _("Every OKR is open to everyone in the company, so that everyone sees the priorities."),
    "PUB-3": _("Leaders explain why these OKRs matter and invite feedback."),
    "PLAY-EXEC": _("A quarter runs in seven steps: set, publish, execute, self-assess, reflect, update and celebrate."),
    "MEAS-7": _(
        "Each key result ends with a score from 0.0 to 1.0, its progress unless adjusted with a reason; 0.7 is good "
        "for an aspirational one, 1.0 is expected of a committed one."
    ),
    "SELF-1": _("Monthly or quarterly, each person scores their own OKRs and presents them in the department meeting."),
    "SELF-2": _(
        "Self-assessment is not a performance appraisal: it finds the root cause of unfinished work and prompts "
        "changes."
    ),
    "SELF-3": _("Scores are numbers, so that colleagues can look at them closely."),
    "REF-1": _("Right after self-assessment come a department reflection and a management reflection."),
    "REF-2": _("A department reflection ends with concrete measures for the next month or quarter."),
    "REF-3": _("In the management reflection every manager tells how they used OKRs and what they plan next."),
    "REF-4": _("Reflection rests on the aggregated self-assessment data, not on feelings."),
    "REF-5": _(
        "No blame: the aim is to improve; the gaps between expected and actual results are studied to forecast better."
    ),
    "UPD-1": _(
        "OKRs are updated in the first week of the new quarter, after self-assessment and reflection; monthly "
        "updates are allowed."
    ),
    "UPD-2": _("The update goes in order: the company, then the departments, then each person."),
    "UPD-3": _(
        "The company's update is about direction and keeps continuity: a new or changed company objective needs a "
        "stated justification of its importance and feasibility."
    ),
    "UPD-4": _("Department and personal updates are about the details of key results."),
    "UPD-5": _("The update happens on time, so that everyone keeps the rhythm."),
    "CEL-1": _("Celebrate on several levels: the team on Fridays, the department monthly, the management quarterly."),
    "CEL-2": _("Celebrations take simple forms: drinks, snacks, fruit, a team activity."),
    "CEL-3": _("Rewards follow results: a department that did well celebrates more richly than one that did not."),
    "CEL-4": _(
        "Recognise people: timely praise, promotion opportunities, financial and career incentives, team activities."
    ),
    "CEL-5": _("Sum up: results and lessons learned are recorded and used when the next cycle is drafted."),
    "WS-1": _("The workshop's participants are drawn into random groups of five to seven, with a leader each."),
    "WS-2": _("The leader introduces the topic, this year's company objectives, with a short OKR refresher."),
    "WS-3": _("Each person writes five notes, one idea each, of 8 to 20 characters, plainly worded."),
    "WS-4": _(
        "The notes are read aloud, explained and sorted into at most five columns by kind; a dispute is settled "
        "by vote, after asking for the reasons behind the dissent."
    ),
    "WS-5": _("Each column's key words are written as an objective and read aloud."),
    "WS-6": _("The group ranks its objectives by importance and presents them."),
    "WS-7": _("The plenary combines every group's objectives; the CEO speaks last and decides the year's objectives."),
}


# What the coach checks on a stored objective, by rule, in the order pages list them: the rules an administrator
# may make block a submission. The dates (SET-8) and the priority (SET-10) are advised while one types only: a
# stored objective always has them (its cycle's dates, priority P1 when none was chosen).
COACH_CHECKS: dict[str, Promise] = {
    "SET-3": _("The owner has more objectives in the cycle than the policy keeps."),
    "SET-4": _("The objective has fewer or more key results than the policy keeps."),
    "SET-5": _(
        "A key result has no number or target to measure it by, or reads as a task (“hold”, “完成”) rather than "
        "an outcome."
    ),
    "SET-6": _("An objective below the company's aligns to no parent objective, key result or strategic goal."),
    "VIS-2": _("A company objective serves no strategic goal."),
    "COACH-1": _("The objective is itself a number (“Revenue 5M”) rather than an ambition in words."),
    "COACH-2": _("The objective says nearly the same as another of its department in the cycle."),
}


def coach_check(rule: str) -> str:
    """What the coach checks for `rule`, in the active language ("" for a rule it does not check)."""
    check = COACH_CHECKS.get(rule)
    return str(check) if check is not None else ""


def rule_statement(rule: str) -> str:
    """The rule's statement in the active language ("" for an ID the pages do not show)."""
    statement = RULES.get(rule)
    return str(statement) if statement is not None else ""

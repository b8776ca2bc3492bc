"""The agenda of a weekly meeting built from data (EXE-3, EXE-6, EXE-12), as unsaved rows for `meeting_start` to
store as the meeting's snapshot. Sections come in `SECTION_ORDER`: key results at risk, off track, behind pace or
stale first (the okrs' rules, `okrs.selectors.key_result_status`); the week's confidence falls with their reasons;
escalated blockers; overdue action steps; the last reflection's measures not done (REF-2); corrections of the week;
last week's commitments; points not reached last time, carried forward.

A department's meeting looks at its own objectives (department and team level) and at the falls on the objectives
of its people; the management's at the company's key results and, across the company, the largest falls and the
stale key results. Private objectives never reach an agenda. A fixed number of queries per meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.blockers.models import Tier
from qibu.blockers.selectors import escalated_blockers
from qibu.meetings.models import AgendaItem, AgendaKind, Commitment, Meeting
from qibu.okrs import progress as meas
from qibu.okrs.corrections import corrections_between
from qibu.okrs.models import CheckIn, KeyResult, Level, Objective, Status, Visibility, agreed_q
from qibu.okrs.selectors import key_result_status
from qibu.org.models import Department, Organisation, Person
from qibu.plans.models import ActionStep, overdue_q
from qibu.reflect.models import Measure, ReflectionKind

# At most this many points per section: a meeting of an hour discusses no more.
SECTION_LIMIT = 30
# The management meeting's falls across the company: the largest first.
LARGEST_FALLS = 10


def _objective_url(objective_id: int, key_result_id: int | None = None) -> str:
    url = reverse("okrs:objective", args=[objective_id])
    return f"{url}#kr-{key_result_id}" if key_result_id else url


def department_subtree(department: Department) -> QuerySet[Department]:
    return Department.objects.filter(path__startswith=department.path)


def running_objectives(meeting: Meeting) -> QuerySet[Objective]:
    """The objectives the meeting reviews: a department's own (department and team level) or the company's, in
    a cycle running on the meeting's date, agreed, active, not private."""
    on_date = Q(cycle__start__lte=meeting.date, cycle__end__gte=meeting.date, cycle__is_closed=False)
    q = Objective.objects.filter(on_date, agreed_q(), status=Status.ACTIVE).exclude(visibility=Visibility.PRIVATE)
    if meeting.department_id is None:
        return q.filter(level=Level.COMPANY)
    return q.filter(department_id=meeting.department_id, level__in=[Level.DEPARTMENT, Level.TEAM])


def _people_objectives_q(meeting: Meeting, prefix: str = "key_result__") -> Q:
    """Objectives whose falls the meeting hears of: the department's and its people's (department meeting), every
    one in the company (management)."""
    if meeting.department is None:
        return Q()
    department = meeting.department
    return Q(**{f"{prefix}objective__department__path__startswith": department.path}) | Q(
        **{f"{prefix}objective__owner__department__path__startswith": department.path}
    )


def _week_bounds(meeting: Meeting, organisation: Organisation) -> tuple[dt.datetime, dt.datetime]:
    zone = organisation.zone
    start = dt.datetime.combine(meeting.week_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(meeting.date, dt.time.max, tzinfo=zone)
    return start, end


def key_result_numbers(kr: KeyResult, organisation: Organisation, now: dt.datetime) -> dict[str, Any]:
    status = key_result_status(kr, organisation, now=now, today=timezone.localdate(now, organisation.zone))
    return {
        "progress": str(kr.progress),
        "confidence": kr.confidence,
        "current": str(kr.current_value),
        "target": str(kr.target_value),
        "unit": kr.unit,
        "health": status.health,
        "stale": status.stale,
        "behind_pace": status.behind_pace,
        "last_check_in": kr.last_checkin_at.isoformat() if kr.last_checkin_at else None,
    }


def _why_key_result(numbers: dict[str, Any]) -> str:
    reasons = []
    if numbers["health"] == meas.Health.OFF_TRACK:
        reasons.append(_("off track"))
    elif numbers["health"] == meas.Health.AT_RISK:
        reasons.append(_("at risk"))
    if numbers["behind_pace"]:
        reasons.append(_("behind pace"))
    if numbers["stale"]:
        reasons.append(_("no recent check-in"))
    return ", ".join(reasons)


def _key_result_items(meeting: Meeting, organisation: Organisation, now: dt.datetime) -> list[AgendaItem]:
    objectives = running_objectives(meeting)
    if meeting.department_id is None:
        # EXE-6: the company's key results, and the stale ones of the departments across the company.
        scope = Q(objective__in=objectives) | Q(
            objective__in=Objective.objects.filter(
                agreed_q(),
                status=Status.ACTIVE,
                level=Level.DEPARTMENT,
                cycle__start__lte=meeting.date,
                cycle__end__gte=meeting.date,
                cycle__is_closed=False,
            ).exclude(visibility=Visibility.PRIVATE)
        )
    else:
        scope = Q(objective__in=objectives)
    key_results = KeyResult.objects.filter(scope).select_related("objective", "owner").order_by("confidence", "pk")
    items = []
    for kr in key_results:
        numbers = key_result_numbers(kr, organisation, now)
        company_kr = kr.objective.level == Level.COMPANY
        slipping = numbers["health"] in (meas.Health.OFF_TRACK, meas.Health.AT_RISK) or numbers["behind_pace"]
        if not (numbers["stale"] or (slipping and (meeting.department_id is not None or company_kr))):
            continue
        items.append(
            AgendaItem(
                section=AgendaKind.KEY_RESULT,
                title=kr.title[:300],
                detail=_why_key_result(numbers),
                key_result=kr,
                url=_objective_url(kr.objective_id, kr.pk),
                numbers=numbers | {"objective": kr.objective.title, "owner": str(kr.owner or "")},
            )
        )
        if len(items) >= SECTION_LIMIT:
            break
    return items


def _fall_items(meeting: Meeting, organisation: Organisation) -> list[AgendaItem]:
    start, end = _week_bounds(meeting, organisation)
    falls = (
        CheckIn.objects.filter(created_at__range=(start, end), previous_confidence__gt=F("confidence"))
        .filter(
            _people_objectives_q(meeting),
            key_result__objective__status=Status.ACTIVE,
        )
        .exclude(key_result__objective__visibility=Visibility.PRIVATE)
        .select_related("key_result__objective", "author")
        .annotate(fall=F("previous_confidence") - F("confidence"))
    )
    if meeting.department_id is None:
        falls = falls.order_by("-fall", "-created_at")[:LARGEST_FALLS]
    else:
        falls = falls.order_by("-created_at")[:SECTION_LIMIT]
    items = []
    for checkin in falls:
        kr = checkin.key_result
        items.append(
            AgendaItem(
                section=AgendaKind.CONFIDENCE_FALL,
                title=kr.title[:300],
                detail=checkin.confidence_reason or _("No reason was given."),
                key_result=kr,
                check_in=checkin,
                url=_objective_url(kr.objective_id, kr.pk),
                numbers={
                    "before": checkin.previous_confidence,
                    "after": checkin.confidence,
                    "note": checkin.note,
                    "by": str(checkin.author or ""),
                    "at": checkin.created_at.isoformat(),
                    "objective": kr.objective.title,
                },
            )
        )
    return items


def _overdue_items(meeting: Meeting) -> list[AgendaItem]:
    if meeting.department is None:
        return []
    department = meeting.department
    steps = (
        ActionStep.objects.filter(overdue_q(meeting.date))
        .filter(
            Q(key_result__objective__in=running_objectives(meeting))
            | Q(owner__department__path__startswith=department.path, key_result__objective__status=Status.ACTIVE)
        )
        .exclude(key_result__objective__visibility=Visibility.PRIVATE)
        .select_related("owner", "key_result")
        .order_by("deadline", "pk")[:SECTION_LIMIT]
    )
    return [
        AgendaItem(
            section=AgendaKind.OVERDUE_STEP,
            title=step.title[:300],
            detail=_("%(owner)s, due %(deadline)s, for “%(key_result)s”")
            % {"owner": step.owner, "deadline": date_format(step.deadline), "key_result": step.key_result.title},
            key_result=step.key_result,
            ref_type="plans.actionstep",
            ref_id=step.pk,
            url=reverse("plans:step", args=[step.pk]),
            numbers={"deadline": step.deadline.isoformat(), "status": step.status, "owner": str(step.owner)},
        )
        for step in steps
    ]


def _measure_items(meeting: Meeting) -> list[AgendaItem]:
    """REF-2: the measures of the department's reflection (the management's, in the management meeting) on a
    period already over, not done yet: they come up every week of the next period until done. One query."""
    measures = Measure.objects.filter(done_at__isnull=True, reflection__cycle__end__lt=meeting.date)
    if meeting.department_id is None:
        measures = measures.filter(reflection__kind=ReflectionKind.MANAGEMENT)
    else:
        measures = measures.filter(reflection__department_id=meeting.department_id)
    rows = measures.select_related("owner", "reflection__cycle").order_by("due_date", "pk")[:SECTION_LIMIT]
    return [
        AgendaItem(
            section=AgendaKind.MEASURE,
            title=m.title[:300],
            detail=_("%(owner)s, due %(due)s, from the reflection on %(period)s")
            % {"owner": m.owner, "due": date_format(m.due_date), "period": m.reflection.cycle.name},
            key_result_id=m.key_result_id,
            ref_type="reflect.measure",
            ref_id=m.pk,
            url=reverse("reflect:detail", args=[m.reflection_id]) + f"#measure-{m.pk}",
            numbers={"due": m.due_date.isoformat(), "owner": str(m.owner)},
        )
        for m in rows
    ]


def _blocker_items(meeting: Meeting, viewer: Person | None, now: dt.datetime) -> list[AgendaItem]:
    """EXE-2: open blockers escalated to this tier (the department's weekly meeting, or the management's)."""
    if viewer is None:
        return []
    tier = Tier.MANAGEMENT if meeting.department_id is None else Tier.DEPARTMENT
    rows = escalated_blockers(viewer=viewer, tier=tier, department=meeting.department)[:SECTION_LIMIT]
    return [
        AgendaItem(
            section=AgendaKind.BLOCKER,
            title=row.title[:300],
            detail=_("%(owner)s settles it; open %(days)d days (%(group)s)")
            % {"owner": row.owner_name, "days": (now - row.created_at).days, "group": row.group or "—"},
            ref_type="blockers.blocker",
            ref_id=row.id,
            url=row.url,
            numbers={
                "owner": row.owner_name,
                "concerned": list(row.concerned_names),
                "raised": row.created_at.isoformat(),
                "escalated": row.escalated_at.isoformat() if row.escalated_at else None,
                "tier": row.tier,
            },
        )
        for row in rows
    ]


def _correction_items(meeting: Meeting, organisation: Organisation) -> list[AgendaItem]:
    """EXE-11: the corrections of the week (objectives re-evaluated, targets or dates revised, strategy changed),
    with their reasons and approvers, on the objectives the meeting hears of."""
    on_date = Q(cycle__start__lte=meeting.date, cycle__end__gte=meeting.date)
    objectives = Objective.objects.filter(on_date).exclude(visibility=Visibility.PRIVATE)
    if meeting.department is None:
        objectives = objectives.filter(level__in=[Level.COMPANY, Level.DEPARTMENT])
    else:
        path = meeting.department.path
        objectives = objectives.filter(
            Q(department__path__startswith=path) | Q(owner__department__path__startswith=path)
        )
    start, end = _week_bounds(meeting, organisation)
    rows = corrections_between(
        objective_ids=objectives.values_list("pk", flat=True), start=start, end=end + dt.timedelta(microseconds=1)
    )
    return [
        AgendaItem(
            section=AgendaKind.CORRECTION,
            title=(row.key_result or row.objective)[:300],
            detail=f"{row.kind_label}: {row.reason}" + (f" ({'; '.join(row.changes)})" if row.changes else ""),
            key_result_id=row.key_result_id,
            ref_type="okrs.correction",
            ref_id=row.id,
            url=row.url,
            numbers={
                "objective": row.objective,
                "kind": row.kind,
                "changes": row.changes,
                "by": row.actor,
                "approver": row.approver,
                "approval": row.approval,
                "at": row.at.isoformat(),
            },
        )
        for row in rows[:SECTION_LIMIT]
    ]


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The same group's last closed meeting before this one."""
    return (
        Meeting.objects.filter(
            Q(department__isnull=True) if meeting.department_id is None else Q(department_id=meeting.department_id),
            kind=meeting.kind,
            status="closed",
            date__lte=meeting.date,
        )
        .exclude(pk=meeting.pk)
        .order_by("-date", "-pk")
        .first()
    )


def _follow_up_items(previous: Meeting | None) -> list[AgendaItem]:
    if previous is None:
        return []
    commitments = Commitment.objects.filter(meeting=previous).select_related("owner", "key_result")
    return [
        AgendaItem(
            section=AgendaKind.COMMITMENT,
            title=c.text[:300],
            detail=_("%(owner)s, due %(due)s: %(status)s")
            % {"owner": c.owner, "due": date_format(c.due), "status": c.get_status_display()},
            key_result=c.key_result,
            ref_type="meetings.commitment",
            ref_id=c.pk,
            url=reverse("meetings:meeting", args=[previous.pk]) + f"#commitment-{c.pk}",
            numbers={"owner": str(c.owner), "due": c.due.isoformat(), "status": c.status},
        )
        for c in commitments
    ]


def _carried_items(previous: Meeting | None) -> list[AgendaItem]:
    if previous is None:
        return []
    missed = AgendaItem.objects.filter(meeting=previous, reached=False).order_by("position", "pk")[:SECTION_LIMIT]
    return [
        AgendaItem(
            section=AgendaKind.CARRIED,
            title=item.title,
            detail=item.detail,
            key_result_id=item.key_result_id,
            check_in_id=item.check_in_id,
            ref_type=item.ref_type,
            ref_id=item.ref_id,
            url=item.url,
            numbers=item.numbers | {"section": item.section},
            carried_from=item.carried_from or item,
        )
        for item in missed
    ]


def agenda_build(
    meeting: Meeting, organisation: Organisation, now: dt.datetime, viewer: Person | None = None
) -> list[AgendaItem]:
    """The meeting's agenda from today's data, in order, unsaved (positions set). `viewer` (who opens it) is whom
    the blockers must be visible to."""
    previous = previous_meeting(meeting)
    by_section: dict[str, list[AgendaItem]] = {
        AgendaKind.KEY_RESULT: _key_result_items(meeting, organisation, now),
        AgendaKind.CONFIDENCE_FALL: _fall_items(meeting, organisation),
        AgendaKind.BLOCKER: _blocker_items(meeting, viewer, now),
        AgendaKind.OVERDUE_STEP: _overdue_items(meeting),
        AgendaKind.MEASURE: _measure_items(meeting),
        AgendaKind.CORRECTION: _correction_items(meeting, organisation),
        AgendaKind.COMMITMENT: _follow_up_items(previous),
        AgendaKind.CARRIED: _carried_items(previous),
    }
    items: list[AgendaItem] = []
    for section in AgendaKind.values:
        for item in by_section.get(section, []):
            item.meeting = meeting
            item.position = len(items)
            items.append(item)
    return items


def attendees(meeting: Meeting) -> QuerySet[Person]:
    """Who attends: the department's people (with its sub-departments') and its head; for the management meeting,
    executives, administrators and department heads."""
    if meeting.department is None:
        heads = Department.objects.filter(head__isnull=False).values("head_id")
        return Person.objects.filter(
            Q(role__in=["admin", "executive", "department_head"]) | Q(pk__in=heads), is_active=True
        )
    department = meeting.department
    return Person.objects.filter(
        Q(department__path__startswith=department.path) | Q(pk=department.head_id or 0), is_active=True
    )

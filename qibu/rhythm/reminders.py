"""Sending the reminders: every few minutes the worker finds the occurrences that fell due and tells each schedule's
people through the inbox (and mail or digest, as each chose).

An occurrence is claimed by inserting its `Occurrence` row (unique per schedule, due time and stage) in the same
transaction as the notifications: a second worker running at once fails on the key and sends nothing, a worker that
dies before committing leaves no row and the next run sends it. Reminders more than `LOOKBACK` late are not sent
(a stand-up reminder three hours after the stand-up helps no one), nor those due before the schedule was set.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.models import KeyResult, Status, agreed_q
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.rhythm.models import Occurrence, OccurrenceStage, Schedule, ScheduleKind
from qibu.rhythm.rules import CycleSpan, occurrences
from qibu.rhythm.selectors import cycle_of, cycle_spans, group_name, rule_of, schedule_people

LOOKBACK = dt.timedelta(hours=2)
# The late reminder lists at most this many names (and says how many more).
NAMES_SHOWN = 20


def _clock(moment: dt.datetime) -> str:
    return formats.date_format(moment, "H:i")


def _first_text(schedule: Schedule, due: dt.datetime, cycle: CycleSpan | None) -> str:
    values = {"group": group_name(schedule), "time": _clock(due), "cycle": cycle.name if cycle else ""}
    texts = {
        ScheduleKind.CHECK_IN: _("Time to check in on your key results (%(group)s): progress and confidence."),
        ScheduleKind.STAND_UP: _(
            "Stand-up of %(group)s at %(time)s: yesterday's progress, today's plan, blockers (15 minutes at most)."
        ),
        ScheduleKind.WEEKLY_MEETING: _(
            "Weekly meeting of %(group)s at %(time)s: show the week's results and adjust each key result's confidence."
        ),
        ScheduleKind.MANAGEMENT_MEETING: _(
            "Management weekly meeting at %(time)s: review the company's OKRs and fix this week's tasks."
        ),
        ScheduleKind.SELF_ASSESSMENT: _(
            "Self-assessment of %(cycle)s (%(group)s): score your own OKRs and report in the department meeting."
        ),
        ScheduleKind.UPDATE_WEEK: _(
            "Update week (%(group)s): update the OKRs for %(cycle)s, the company first, then departments, then people."
        ),
        ScheduleKind.CELEBRATION: _("Celebration of %(group)s at %(time)s: recognise what was achieved."),
    }
    text = texts[ScheduleKind(schedule.kind)] % values
    return f"{schedule.title}: {text}" if schedule.title else text


def _not_checked_in(people: list[Person], since: dt.datetime) -> list[Person]:
    """MEAS-8: those of `people` who own a key result of an active objective, in an open cycle, with no check-in
    since `since` (one query)."""
    ids = {p.pk for p in people}
    owners = set(
        KeyResult.objects.filter(
            agreed_q("objective__"), objective__status=Status.ACTIVE, objective__cycle__is_closed=False
        )
        .annotate(responsible=Coalesce("owner_id", "objective__owner_id"))
        .filter(responsible__in=ids)
        .filter(Q(last_checkin_at__isnull=True) | Q(last_checkin_at__lt=since))
        .values_list("responsible", flat=True)
        .distinct()
    )
    return [p for p in people if p.pk in owners]


def _late_text(schedule: Schedule, due: dt.datetime, laggards: list[Person]) -> str:
    names = "、".join(str(p) for p in laggards[:NAMES_SHOWN])
    more = len(laggards) - NAMES_SHOWN
    if more > 0:
        names += " " + _("and %(count)d more") % {"count": more}
    return _("Not checked in yet since %(time)s (%(group)s): %(names)s.") % {
        "time": formats.date_format(due, "SHORT_DATETIME_FORMAT"),
        "group": group_name(schedule),
        "names": names,
    }


def _leads(schedule: Schedule) -> set[int]:
    if schedule.team is not None and schedule.team.lead_id:
        return {schedule.team.lead_id}
    if schedule.department is not None and schedule.department.head_id:
        return {schedule.department.head_id}
    return set()


def _send(schedule: Schedule, due: dt.datetime, stage: str, cycles: list[CycleSpan], zone: dt.tzinfo) -> int:
    """Claim and send one occurrence; answers how many people were told (0 when another worker has it)."""
    local_due = due.astimezone(zone)
    cycle = cycle_of(schedule, due, zone, cycles)
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(schedule=schedule, due_at=due, stage=stage)
            people = list(schedule_people(schedule))
            if stage == OccurrenceStage.LATE:
                laggards = _not_checked_in(people, since=due)
                # The people who have not checked in, and the lead who keeps the cadence, see the names.
                leads = _leads(schedule)
                recipients = [p for p in people if p in laggards or p.pk in leads] if laggards else []
            else:
                laggards, recipients = [], people

            def text(person: Person) -> str:
                # Called by notify in each recipient's language.
                if stage == OccurrenceStage.LATE:
                    return _late_text(schedule, local_due, laggards)
                return _first_text(schedule, local_due, cycle)

            told = notify(
                kind=NotificationKind.REMINDER,
                recipients=recipients,
                text=text,
                key=f"reminder:{schedule.pk}:{due.astimezone(dt.UTC):%Y%m%dT%H%M}:{stage}",
                subject=Subject(type="rhythm.schedule", id=schedule.pk, url=reverse("okrs:my")),
            )
            occurrence.recipients = len(told)
            occurrence.save(update_fields=["recipients"])
            return len(told)
    except IntegrityError:
        return 0


Due = list[tuple[dt.datetime, str]]


def _due(schedule: Schedule, now: dt.datetime, zone: dt.tzinfo, cycles: list[CycleSpan]) -> Due:
    """The (due time, stage) pairs of a schedule to send now: fallen due within the look-back, after it was set."""
    rule = rule_of(schedule)
    since = max(now - LOOKBACK, schedule.updated_at)
    until = now + dt.timedelta(microseconds=1)  # due at this very moment is due
    first = occurrences(rule, start=since, end=until, zone=zone, cycles=cycles)
    found = [(t, OccurrenceStage.FIRST.value) for t in first]
    if schedule.kind == ScheduleKind.CHECK_IN and schedule.late_after_hours:
        late = dt.timedelta(hours=schedule.late_after_hours)
        start = max(since - late, schedule.updated_at)
        earlier = occurrences(rule, start=start, end=until - late, zone=zone, cycles=cycles)
        found += [(t, OccurrenceStage.LATE.value) for t in earlier]
    return found


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder due; answers how many people were told. Safe to run on several workers at once."""
    now = now or timezone.now()
    zone = organisation_get().zone
    schedules = list(Schedule.objects.filter(active=True).select_related("team", "department").order_by("pk"))
    cycles = cycle_spans() if any(rule_of(s).by_cycle for s in schedules) else []
    told = 0
    for schedule in schedules:
        for due, stage in _due(schedule, now, zone, cycles):
            if not Occurrence.objects.filter(schedule=schedule, due_at=due, stage=stage).exists():
                told += _send(schedule, due, stage, cycles, zone)
    return told

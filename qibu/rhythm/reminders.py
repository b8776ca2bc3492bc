"""Sending the reminders: every few minutes the worker finds the occurrences that fell due and tells each schedule's
people through the inbox (and mail or digest, as each chose); a team's stand-up reminder goes to the team's chat too.
Holidays have no reminders, and people away that day are not reminded.

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
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qibu.notify.chat.services import chat_language, chat_post
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.models import KeyResult, Status, agreed_q
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.rhythm.models import Occurrence, OccurrenceStage, Schedule, ScheduleKind
from qibu.rhythm.registry import hooks_for
from qibu.rhythm.rules import CycleSpan, occurrences
from qibu.rhythm.selectors import absent_ids, cycle_of, cycle_spans, group_name, holiday_days, rule_of, schedule_people

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


def _names(laggards: list[Person]) -> str:
    names = "、".join(str(p) for p in laggards[:NAMES_SHOWN])
    more = len(laggards) - NAMES_SHOWN
    if more > 0:
        names += " " + _("and %(count)d more") % {"count": more}
    return names


def _late_text(schedule: Schedule, due: dt.datetime, laggards: list[Person]) -> str:
    values = {
        "time": formats.date_format(due, "SHORT_DATETIME_FORMAT"),
        "clock": _clock(due),
        "group": group_name(schedule),
        "names": _names(laggards),
    }
    if schedule.kind == ScheduleKind.STAND_UP:
        return _("Not posted yet for the stand-up of %(group)s at %(clock)s: %(names)s.") % values
    return _("Not checked in yet since %(time)s (%(group)s): %(names)s.") % values


def _leads(schedule: Schedule) -> set[int]:
    if schedule.team is not None and schedule.team.lead_id:
        return {schedule.team.lead_id}
    if schedule.department is not None and schedule.department.head_id:
        return {schedule.department.head_id}
    return set()


def _laggards(schedule: Schedule, due: dt.datetime, people: list[Person]) -> list[Person]:
    """Who the late reminder names: who has not checked in (MEAS-8), or what the kind's app says is pending."""
    if schedule.kind == ScheduleKind.CHECK_IN:
        return _not_checked_in(people, since=due)
    hooks = hooks_for(schedule.kind)
    return hooks.pending(schedule, due, people) if hooks is not None and hooks.pending is not None else []


def _link(schedule: Schedule, due: dt.datetime) -> str:
    hooks = hooks_for(schedule.kind)
    return hooks.link(schedule, due) if hooks is not None else reverse("okrs:my")


def _chat(schedule: Schedule, due: dt.datetime, stage: str, laggards: list[Person], link: str, key: str) -> None:
    """A team's stand-up reminder goes to the team's chat too, in the chat's language."""
    if schedule.kind != ScheduleKind.STAND_UP or schedule.team is None:
        return
    with translation.override(chat_language()):
        text = (
            _late_text(schedule, due, laggards) if stage == OccurrenceStage.LATE else _first_text(schedule, due, None)
        )
        chat_post(target=schedule.team, title=str(schedule), lines=[text], link=link, key=f"{key}:chat")


def _send(schedule: Schedule, due: dt.datetime, stage: str, cycles: list[CycleSpan], zone: dt.tzinfo) -> int:
    """Claim and send one occurrence; answers how many people were told (0 when another worker has it). People
    away that day are not told (and not named as late)."""
    local_due = due.astimezone(schedule.zone(zone))
    cycle = cycle_of(schedule, due, zone, cycles)
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(schedule=schedule, due_at=due, stage=stage)
            everyone = list(schedule_people(schedule))
            away = absent_ids(local_due.date(), [p.pk for p in everyone])
            people = [p for p in everyone if p.pk not in away]
            if stage == OccurrenceStage.LATE:
                laggards = _laggards(schedule, due, people)
                # The people who have not done it, and the lead who keeps the cadence, see the names.
                leads = _leads(schedule)
                recipients = [p for p in people if p in laggards or p.pk in leads] if laggards else []
            else:
                laggards, recipients = [], people

            def text(person: Person) -> str:
                # Called by notify in each recipient's language.
                if stage == OccurrenceStage.LATE:
                    return _late_text(schedule, local_due, laggards)
                return _first_text(schedule, local_due, cycle)

            key = f"reminder:{schedule.pk}:{due.astimezone(dt.UTC):%Y%m%dT%H%M}:{stage}"
            link = _link(schedule, due)
            kind = NotificationKind.STAND_UP if schedule.kind == ScheduleKind.STAND_UP else NotificationKind.REMINDER
            told = notify(
                kind=kind,
                recipients=recipients,
                text=text,
                key=key,
                subject=Subject(type="rhythm.schedule", id=schedule.pk, url=link),
            )
            if recipients:
                _chat(schedule, local_due, stage, laggards, link, key)
            occurrence.recipients = len(told)
            occurrence.save(update_fields=["recipients"])
            return len(told)
    except IntegrityError:
        return 0


Due = list[tuple[dt.datetime, str]]


def _due(schedule: Schedule, now: dt.datetime, zone: dt.tzinfo, cycles: list[CycleSpan], holidays: set[dt.date]) -> Due:
    """The (due time, stage) pairs of a schedule to send now: fallen due within the look-back, after it was set.
    A meeting's first reminder goes `remind_before_minutes` before it; a stand-up's late one `late_before_minutes`
    before it; a check-in's late one `late_after_hours` after the first. Holidays have none."""
    rule = rule_of(schedule)
    own_zone = schedule.zone(zone)
    since = max(now - LOOKBACK, schedule.updated_at)
    until = now + dt.timedelta(microseconds=1)  # due at this very moment is due

    def between(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        return occurrences(rule, start=start, end=end, zone=own_zone, cycles=cycles, holidays=holidays)

    before = dt.timedelta(minutes=schedule.remind_before_minutes or 0)
    found = [(t, OccurrenceStage.FIRST.value) for t in between(since + before, until + before)]
    if schedule.kind == ScheduleKind.CHECK_IN and schedule.late_after_hours:
        late = dt.timedelta(hours=schedule.late_after_hours)
        start = max(since - late, schedule.updated_at)
        found += [(t, OccurrenceStage.LATE.value) for t in between(start, until - late)]
    if schedule.kind == ScheduleKind.STAND_UP and schedule.late_before_minutes:
        ahead = dt.timedelta(minutes=schedule.late_before_minutes)
        found += [(t, OccurrenceStage.LATE.value) for t in between(since + ahead, until + ahead)]
    return found


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder due; answers how many people were told. Safe to run on several workers at once."""
    now = now or timezone.now()
    zone = organisation_get().zone
    schedules = list(Schedule.objects.filter(active=True).select_related("team", "department").order_by("pk"))
    cycles = cycle_spans() if any(rule_of(s).by_cycle for s in schedules) else []
    today = now.astimezone(zone).date()
    # Every zone's local days around now, with the longest late reminder (72 hours) before it.
    holidays = holiday_days(today - dt.timedelta(days=5), today + dt.timedelta(days=2)) if schedules else set()
    told = 0
    for schedule in schedules:
        for due, stage in _due(schedule, now, zone, cycles, holidays):
            if not Occurrence.objects.filter(schedule=schedule, due_at=due, stage=stage).exists():
                told += _send(schedule, due, stage, cycles, zone)
    return told

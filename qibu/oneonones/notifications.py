"""The reminder before each 1-on-1 (EXE-9): both of the pair, once per meeting (again if it is moved), a day ahead
(`REMIND_AHEAD`), through the inbox and their chosen delivery. Called by the periodic job `oneonones.remind`; a
meeting is claimed with an optimistic update, so two workers never remind of it twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.oneonones.models import Meeting, OneOnOneStatus
from qibu.oneonones.services import meeting_url
from qibu.org.models import Organisation, Person

REMIND_AHEAD = dt.timedelta(hours=24)
CHUNK = 500


def due_for_reminder(now: dt.datetime) -> Q:
    return Q(
        status=OneOnOneStatus.PLANNED,
        series__active=True,
        scheduled_at__gt=now,
        scheduled_at__lte=now + REMIND_AHEAD,
    ) & (Q(reminded_for__isnull=True) | ~Q(reminded_for=F("scheduled_at")))


def _reminder_text(meeting: Meeting, when: str) -> Callable[[Person], str]:
    def text(person: Person) -> str:
        series = meeting.series
        other = series.report if person.pk == series.manager_id else series.manager
        return _("Your 1-on-1 with %(other)s is on %(when)s: add your talking points to its agenda.") % {
            "other": other,
            "when": when,
        }

    return text


def meetings_reminded(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """Remind both of the pair of each 1-on-1 starting within a day. Answers how many were told."""
    now = now or timezone.now()
    told = 0
    meetings = (
        Meeting.objects.filter(due_for_reminder(now)).select_related("series__manager", "series__report").order_by("pk")
    )
    for meeting in meetings.iterator(chunk_size=CHUNK):
        claimed = (
            Meeting.objects.filter(pk=meeting.pk, scheduled_at=meeting.scheduled_at)
            .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("scheduled_at")))
            .update(reminded_for=F("scheduled_at"))
        )
        if not claimed:
            continue
        series = meeting.series
        when = date_format(timezone.localtime(meeting.scheduled_at, policy.zone), "SHORT_DATETIME_FORMAT")
        told += len(
            notify(
                kind=NotificationKind.ONE_ON_ONE,
                recipients=[series.manager, series.report],
                text=_reminder_text(meeting, when),
                key=f"one_on_one:{meeting.pk}:reminder:{meeting.scheduled_at.isoformat()}",
                subject=Subject(type="oneonones.meeting", id=meeting.pk, url=meeting_url(meeting)),
                now=now,
            )
        )
    return told

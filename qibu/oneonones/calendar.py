"""The 1-on-1s in each of the pair's calendars (the rhythm's subscription, through its registry): one event per
meeting of the last eight weeks and the one planned, at its time in the organisation's zone; a skipped one is
cancelled, a moved one comes again with a higher sequence, so a calendar program updates it in place. One query."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.core.http import site_url
from qibu.oneonones.models import Meeting, OneOnOneStatus
from qibu.oneonones.services import meeting_url
from qibu.org.models import Organisation, Person

PAST = dt.timedelta(weeks=8)


def one_on_one_events(person: Person, organisation: Organisation, host: str) -> list[icalendar.Event]:
    since = timezone.now() - PAST
    meetings = (
        Meeting.objects.filter(Q(series__manager=person) | Q(series__report=person), scheduled_at__gte=since)
        .select_related("series__manager", "series__report")
        .order_by("scheduled_at", "pk")
    )
    events = []
    for meeting in meetings:
        series = meeting.series
        other = series.report if series.manager_id == person.pk else series.manager
        event = icalendar.Event()
        event.add("uid", f"qibu-one-on-one-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.created_at.astimezone(dt.UTC).replace(microsecond=0))
        event.add("summary", _("1-on-1 with %(other)s") % {"other": other})
        url = site_url() + meeting_url(meeting)
        event.add("description", _("Agenda, talking points and notes: %(url)s") % {"url": url})
        event.add("dtstart", meeting.scheduled_at.astimezone(organisation.zone))
        event.add("duration", dt.timedelta(minutes=series.duration_minutes))
        event.add("sequence", 1 if meeting.moved_from else 0)
        if meeting.status == OneOnOneStatus.SKIPPED:
            event.add("status", "CANCELLED")
        events.append(event)
    return events

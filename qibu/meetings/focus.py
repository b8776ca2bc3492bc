"""The daily focus's source `meetings.today` (EXE-7): a weekly meeting the person attends today, and their
commitments due today or overdue. Two queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.meetings.models import Meeting, MeetingStatus
from qibu.meetings.notifications import meeting_title
from qibu.meetings.selectors import attended_meetings_q, open_commitments
from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person


def meetings_today(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    if not person.is_active:
        return []
    today = timezone.localdate(now, organisation.zone)
    items = []
    meetings = (
        Meeting.objects.filter(attended_meetings_q(person), date=today)
        .exclude(status=MeetingStatus.CLOSED)
        .select_related("department", "schedule")
    )
    for meeting in meetings:
        when = None
        if meeting.schedule is not None:
            when = dt.datetime.combine(today, meeting.schedule.time, tzinfo=organisation.zone)
        items.append(
            FocusItem(
                source="meetings.today",
                rank=Rank.MEETING,
                title=meeting_title(meeting),
                reason=_("Today: write your week before it starts."),
                url=reverse("meetings:meeting", args=[meeting.pk]),
                when=when,
            )
        )
    for commitment in open_commitments(person, today):
        overdue = commitment.due < today
        items.append(
            FocusItem(
                source="meetings.today",
                rank=Rank.OVERDUE if overdue else Rank.DUE_TODAY,
                title=commitment.text,
                reason=(
                    _("You committed to it for %(due)s, in the weekly meeting.") % {"due": date_format(commitment.due)}
                    if overdue
                    else _("You committed to it for today, in the weekly meeting.")
                ),
                url=reverse("meetings:meeting", args=[commitment.meeting_id]) + f"#commitment-{commitment.pk}",
                when=dt.datetime.combine(commitment.due, dt.time.max, tzinfo=organisation.zone),
            )
        )
    return items

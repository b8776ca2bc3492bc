"""rhythm's source of the daily focus (EXE-7), registered in `RhythmConfig.ready()`: what the person's schedules hold
today, at its time. Meetings (the stand-up, the weekly meetings, a celebration) rank as the day's meetings; deadlines
(the check-in, the self-assessment, the update week) as what falls due today. The home page's "Due this week" panel
keeps the week ahead."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person
from qibu.rhythm.models import ScheduleKind
from qibu.rhythm.registry import hooks_for
from qibu.rhythm.selectors import HOME_DAYS, due_soon

SOURCE = "rhythm.meetings"

DEADLINES = (ScheduleKind.CHECK_IN, ScheduleKind.SELF_ASSESSMENT, ScheduleKind.UPDATE_WEEK)


def meetings_source(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """EXE-1, EXE-3, EXE-6, MEAS-8: today's occurrences of the person's schedules not over an hour ago: one query
    (two when one of them follows the cycles), none on the home page, whose "Due this week" has read the week
    at the same moment (`due_soon` is memoised)."""
    items = []
    for due in due_soon(person, organisation=organisation, now=now, days=HOME_DAYS):
        if not due.today:
            continue
        schedule = due.schedule
        if schedule.kind == ScheduleKind.STAND_UP and schedule.team_id and hooks_for(schedule.kind) is not None:
            continue  # the stand-up's own source names it, while the person has not posted (qibu.standups)
        if schedule.kind == ScheduleKind.CHECK_IN:
            reason = _("check in on your key results by then · %(group)s") % {"group": due.group}
            url = reverse("okrs:my")
        elif schedule.kind in DEADLINES:
            reason = _("due today · %(group)s") % {"group": due.group}
            url = reverse("rhythm:schedule_invitation", args=[schedule.pk])
        else:
            reason = _("%(group)s · %(minutes)d minutes") % {
                "group": due.group,
                "minutes": schedule.duration_minutes,
            }
            url = reverse("rhythm:schedule_invitation", args=[schedule.pk])
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.DUE_TODAY if schedule.kind in DEADLINES else Rank.MEETING,
                title=due.title,
                reason=reason,
                url=url,
                when=due.at,
            )
        )
    return items

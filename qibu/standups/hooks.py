"""What the stand-up adds to other apps through their registries: the rhythm's reminder of a stand-up opens the
posting page and its late reminder names who has not posted (rhythm), and the daily focus (EXE-7)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person
from qibu.rhythm.models import Holiday, Schedule, ScheduleKind
from qibu.rhythm.selectors import rule_of
from qibu.standups.models import Entry

# As the rhythm's meetings: an hour after it began, the stand-up is gone from the day's focus.
FOCUS_AFTER_START = dt.timedelta(hours=1)


def reminder_link(schedule: Schedule, due: dt.datetime) -> str:
    """The posting page of the team's stand-up that day (made when first opened)."""
    if schedule.team_id is None:
        return reverse("standups:home")
    return reverse("standups:today", args=[schedule.team_id])


def not_posted(schedule: Schedule, due: dt.datetime, people: list[Person]) -> list[Person]:
    """Of `people`, who has no entry in the team's stand-up of that day (one query)."""
    if schedule.team_id is None:
        return []
    day = due.astimezone(schedule.zone(due.tzinfo or dt.UTC)).date()
    posted = set(
        Entry.objects.filter(stand_up__team_id=schedule.team_id, stand_up__day=day).values_list("person_id", flat=True)
    )
    return [p for p in people if p.pk not in posted]


def focus_today(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """EXE-7: the stand-up of my team (or of the team I lead) today, while I have not posted, until an hour after
    it began (one query)."""
    today = now.astimezone(organisation.zone).date()
    mine = Q(team__lead=person)
    if person.team_id:
        mine |= Q(team_id=person.team_id)
    schedule = (
        Schedule.objects.filter(mine, kind=ScheduleKind.STAND_UP, active=True)
        .select_related("team")
        .annotate(
            holiday=Exists(Holiday.objects.filter(day=today)),
            posted=Exists(
                Entry.objects.filter(stand_up__team_id=OuterRef("team_id"), stand_up__day=today, person=person)
            ),
        )
        .order_by("pk")
        .first()
    )
    if schedule is None or schedule.team is None or schedule.holiday or schedule.posted:
        return []
    zone = schedule.zone(organisation.zone)
    local_today = now.astimezone(zone).date()
    if local_today.weekday() not in rule_of(schedule).days():
        return []
    start = dt.datetime.combine(local_today, schedule.time, tzinfo=zone)
    if now > start + FOCUS_AFTER_START:
        return []
    return [
        FocusItem(
            source="standups.today",
            rank=Rank.MEETING,
            title=schedule.title or _("Stand-up of %(team)s") % {"team": schedule.team.name},
            reason=_("%(team)s · %(minutes)d minutes: post yesterday's progress, today's plan and blockers first.")
            % {"team": schedule.team.name, "minutes": schedule.duration_minutes},
            url=reverse("standups:today", args=[schedule.team.pk]),
            when=start,
        )
    ]

"""The 1-on-1s in the daily focus (EXE-7): a 1-on-1 of mine today (Rank.MEETING) and the requests for support I own
that are still open (Rank.WAITING_ON_YOU). One query: the two lists as one UNION."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, DateField, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.okrs.focus import FocusItem, Rank
from qibu.oneonones.models import Meeting, OneOnOneStatus, SupportRequest, SupportStatus
from qibu.org.models import Organisation, Person

SOURCE = "oneonones.today"
# Open requests listed, at most (the oldest first).
REQUESTS_LIMIT = 10


def _name(person: str) -> Coalesce:
    """A person's name as `str(person)` gives it: the full name, else the username."""
    return Coalesce(NullIf(f"{person}__full_name", Value("")), F(f"{person}__username"), output_field=CharField())


def today_focus(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    zone = organisation.zone
    local = now.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=1)
    name = CharField()
    meetings = (
        Meeting.objects.filter(status=OneOnOneStatus.PLANNED, series__active=True, scheduled_at__gte=start)
        .filter(scheduled_at__lt=end)
        .filter(Q(series__manager=person) | Q(series__report=person))
        .annotate(
            what=Value("meeting", output_field=name),
            other_manager=_name("series__manager"),
            other_report=_name("series__report"),
            moment=F("scheduled_at"),
            day=Value(None, output_field=DateField()),
            series_ref=F("series_id"),
            manager_ref=F("series__manager_id"),
        )
        .values_list("what", "pk", "other_manager", "other_report", "moment", "day", "series_ref", "manager_ref")
    )
    requests = (
        SupportRequest.objects.filter(owner=person, status=SupportStatus.OPEN, series__active=True)
        .annotate(
            what=Value("request", output_field=name),
            other_manager=F("text"),
            other_report=_name("asked_by"),
            moment=F("created_at"),
            day=F("due"),
            series_ref=F("series_id"),
            manager_ref=F("series__manager_id"),
        )
        .values_list("what", "pk", "other_manager", "other_report", "moment", "day", "series_ref", "manager_ref")
        .order_by()
    )
    rows = list(meetings.order_by().union(requests, all=True))
    items: list[FocusItem] = []
    waiting = 0
    for what, pk, first, second, moment, day, series_id, manager_id in sorted(
        rows, key=lambda r: (r[0], r[4] or now, r[1])
    ):
        if what == "meeting":
            other = second if manager_id == person.pk else first
            items.append(
                FocusItem(
                    source=SOURCE,
                    rank=Rank.MEETING,
                    title=_("1-on-1 with %(other)s") % {"other": other},
                    reason=_("Today at %(time)s.") % {"time": date_format(moment.astimezone(zone), "TIME_FORMAT")},
                    url=reverse("oneonones:meeting", args=[pk]),
                    when=moment,
                )
            )
        elif waiting < REQUESTS_LIMIT:
            waiting += 1
            reason = (
                _("%(name)s asked you for it, due %(day)s.")
                % {"name": second, "day": date_format(day, "SHORT_DATE_FORMAT")}
                if day
                else _("%(name)s asked you for it in your 1-on-1s.") % {"name": second}
            )
            when = dt.datetime.combine(day, dt.time(0), tzinfo=zone) if day else None
            items.append(
                FocusItem(
                    source=SOURCE,
                    rank=Rank.WAITING_ON_YOU,
                    title=first[:120],
                    reason=reason,
                    url=reverse("oneonones:series", args=[series_id]) + f"#request-{pk}",
                    when=when,
                )
            )
    return items

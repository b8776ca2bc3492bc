"""What the weekly meeting tests share: a sales meeting on a Tuesday of the fixture's quarter, started and closed
the short way, and signing in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import Client

from qibu.meetings.models import Meeting
from qibu.meetings.services import meeting_create, meeting_start
from qibu.org.models import Department, Person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Tuesday of 2026 Q4, the fixture's quarter.
DAY = dt.date(2026, 11, 10)
AT = dt.datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)


def make_meeting(actor: Person, department: Department | None, day: dt.date = DAY, **fields: object) -> Meeting:
    kind = "department" if department is not None else "management"
    return meeting_create(actor=actor, kind=kind, department=department, date=day, **fields)  # type: ignore[arg-type]


def started(actor: Person, department: Department | None, day: dt.date = DAY, at: dt.datetime = AT) -> Meeting:
    meeting = make_meeting(actor, department, day)
    return meeting_start(actor=actor, meeting=meeting, now=at)


def login(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client

"""What the 1-on-1 tests share: hank (head of sales) and mia (his report) meet weekly on Mondays at 10:00."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import Client

from qibu.oneonones.models import Meeting, OneOnOneStatus, Series
from qibu.oneonones.services import series_create
from qibu.org.models import Person
from tests.conftest import Company

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Sunday evening of the fixture's quarter (2026 Q4): the first meeting is the next morning.
START = dt.datetime(2026, 11, 1, 20, 0, tzinfo=ZONE)


def pair(c: Company, now: dt.datetime = START, **fields: object) -> Series:
    return series_create(actor=c.hank, manager=c.hank, report=c.mia, time="10:00", now=now, **fields)


def planned(series: Series) -> Meeting:
    return Meeting.objects.get(series=series, status=OneOnOneStatus.PLANNED)


def login(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client

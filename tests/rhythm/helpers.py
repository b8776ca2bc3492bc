"""Schedules for the rhythm's tests, set as if made well before the moments the tests run the reminders at."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from qibu.rhythm.models import Schedule
from qibu.rhythm.services import ScheduleInput, schedule_create

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LONG_AGO = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on the organisation's clock (the `company` fixture keeps Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_schedule(*, since: dt.datetime = LONG_AGO, **values: Any) -> Schedule:
    """A schedule made by no one in particular, dated `since` (reminders are sent only for times after it)."""
    schedule = schedule_create(actor=None, data=ScheduleInput(**values))
    Schedule.objects.filter(pk=schedule.pk).update(created_at=since, updated_at=since)
    schedule.refresh_from_db()
    return schedule

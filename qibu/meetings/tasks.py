"""The weekly meetings' periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qibu.jobs.registry import task
from qibu.meetings.notifications import checkin_report_due, checkin_report_send
from qibu.org.selectors import organisation_get


@task("meetings.checkin_report", every=dt.timedelta(hours=1))
def checkin_report() -> None:
    """EXE-3: the day after a department's weekly meeting, its managers hear who checked in that week and who did
    not — once per meeting, whichever run (or worker) claims it first."""
    organisation = organisation_get()
    now = timezone.now()
    for meeting in checkin_report_due(now, organisation):
        with transaction.atomic():
            checkin_report_send(meeting=meeting, organisation=organisation, now=now)

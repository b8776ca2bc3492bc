"""The OKRs' periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.okrs.digest import weekly_digests_mail
from qibu.okrs.milestones import overdue_milestones_told
from qibu.okrs.notifications import stale_key_results_told
from qibu.org.selectors import organisation_get


@task("okrs.tell_stale_key_results", every=dt.timedelta(hours=6))
def tell_stale_key_results() -> None:
    """MEAS-8: owners hear of their stale key results (once a week per key result, whichever run finds it)."""
    stale_key_results_told(policy=organisation_get())


@task("okrs.mail_weekly_digests", every=dt.timedelta(hours=1))
def mail_weekly_digests() -> None:
    """Each person's weekly digest, on Monday from 9:00 in the organisation's time zone (once a week per person)."""
    weekly_digests_mail(policy=organisation_get())


@task("okrs.tell_overdue_milestones", every=dt.timedelta(hours=1))
def tell_overdue_milestones() -> None:
    """EXE-9: owners and their managers hear of overdue milestones, once a day per milestone (whichever run of the
    day finds it first)."""
    overdue_milestones_told(policy=organisation_get())

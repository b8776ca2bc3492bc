"""The quarter's periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.org.selectors import organisation_get
from qibu.quarter.reminders import phase_reminders


@task("quarter.remind", every=dt.timedelta(days=1))
def remind_phases() -> None:
    """PLAY-EXEC: remind who still owes a phase ending within two days, and who is late the day after."""
    phase_reminders(organisation=organisation_get())

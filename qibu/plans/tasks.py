"""The action plans' periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.org.selectors import organisation_get
from qibu.plans.notifications import overdue_steps_told


@task("plans.tell_overdue_steps", every=dt.timedelta(hours=1))
def tell_overdue_steps() -> None:
    """EXE-8: owners and their managers hear of overdue action steps, once a day per step (whichever run of the
    day finds it first; the hourly runs after it tell no one again)."""
    overdue_steps_told(policy=organisation_get())

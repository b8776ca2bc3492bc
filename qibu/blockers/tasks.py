"""The blockers' periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.blockers.escalation import blockers_escalate
from qibu.jobs.registry import task
from qibu.org.selectors import organisation_get


@task("blockers.escalate", every=dt.timedelta(hours=1))
def escalate_blockers() -> None:
    """EXE-2: open blockers older than the policy's days climb to the department's, then the management's weekly
    meeting (each step once, whichever run finds it first)."""
    blockers_escalate(policy=organisation_get())

"""The 1-on-1s' periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.oneonones.notifications import meetings_reminded
from qibu.org.selectors import organisation_get


@task("oneonones.remind", every=dt.timedelta(minutes=15))
def remind() -> None:
    """EXE-9: both of the pair hear of their 1-on-1 a day ahead, once per meeting (again when it is moved)."""
    meetings_reminded(policy=organisation_get())

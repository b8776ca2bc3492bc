"""The stand-up's periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.standups.services import stand_ups_close_due


@task("standups.close_due", every=dt.timedelta(minutes=15))
def close_due() -> None:
    """EXE-1, EXE-2: a stand-up nobody closed is closed an hour after its end, so its summary and the blockers'
    follow-up go out all the same (once: closing twice is refused)."""
    stand_ups_close_due()

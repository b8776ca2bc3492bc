"""The update's periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.updates.services import cycles_close_ended


@task("updates.close_ended", every=dt.timedelta(days=1))
def close_ended() -> None:
    """UPD-5: a cycle whose update window is over is closed (locked), once; the runs after it change nothing."""
    cycles_close_ended()

"""The reflection's periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.reflect.services import reflections_open_due


@task("reflect.open_due", every=dt.timedelta(days=1))
def open_due_reflections() -> None:
    """REF-1: open the reflections that are due (idempotent: what is open stays as it is)."""
    reflections_open_due()

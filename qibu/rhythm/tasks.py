"""The rhythm's periodic work for the background worker."""

from __future__ import annotations

import datetime as dt

from qibu.jobs.registry import task
from qibu.rhythm.reminders import reminders_send


@task("rhythm.send_reminders", every=dt.timedelta(minutes=5))
def send_reminders() -> None:
    """MEAS-8, EXE-1, EXE-3, EXE-6, SELF-1, UPD-1, CEL-1: remind each schedule's people of what fell due (each
    occurrence once, whichever worker claims it first)."""
    reminders_send()

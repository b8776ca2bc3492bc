"""The worker's side of the outbox: drain it when mail is queued, and every minute for the retries due."""

from __future__ import annotations

import datetime as dt
import os
import socket

from qibu.jobs.registry import task
from qibu.notify import inbox, services


def _worker() -> str:
    return f"mail:{socket.gethostname()}:{os.getpid()}"


@task("notify.send_mail", max_attempts=3)
def send_mail() -> None:
    """Send what is due; messages keep their own attempts and back-off, so this job itself rarely fails."""
    services.drain(_worker())


@task("notify.send_mail_retries", every=dt.timedelta(minutes=1))
def send_mail_retries() -> None:
    """Messages whose back-off ended, and any left by a worker that died."""
    services.drain(_worker())


@task("notify.mail_notifications", every=dt.timedelta(minutes=1))
def mail_notifications() -> None:
    """Notifications to be mailed at once, as soon as their recipient's quiet hours allow."""
    inbox.mail_due()


@task("notify.mail_digests", every=dt.timedelta(hours=1))
def mail_digests() -> None:
    """The daily digests of the people whose digest hour it is."""
    inbox.mail_digests()

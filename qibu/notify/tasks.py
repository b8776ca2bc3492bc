"""The worker's side of the outbox: drain it when mail is queued, and every minute for the retries due."""

from __future__ import annotations

import datetime as dt
import os
import socket

from qibu.jobs.registry import task
from qibu.notify import inbox, services
from qibu.notify.chat import sending


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


def _chat_worker() -> str:
    return f"chat:{socket.gethostname()}:{os.getpid()}"


@task("notify.send_chat", max_attempts=3)
def send_chat() -> None:
    """Post the chat messages that are due; each keeps its own attempts and back-off."""
    sending.drain(_chat_worker())


@task("notify.send_chat_retries", every=dt.timedelta(minutes=1))
def send_chat_retries() -> None:
    """Chat messages whose back-off or rate-limit wait ended, and any left by a worker that died."""
    sending.drain(_chat_worker())

"""The worker's side of chat: claim due messages under a lease, post each (signed as it goes), and record how it
went.

- A webhook that answers an HTTP error, hangs past `timeout()`, or answers 200 with a platform error code (DingTalk
  and WeCom `errcode`, Feishu `code`) fails the message: it goes again after a back-off, and the webhook counts
  one more failure in a row. After `FAILURES_TO_DISABLE` in a row the webhook is disabled, with its last error, for
  an administrator to re-enable; its messages wait (nothing is dropped). One success forgets the failures.
- DingTalk and WeCom take 20 messages a minute per robot: a message over that waits for the minute to pass
  (scheduled, not dropped, its attempt not counted).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from qibu.audit.services import history_record
from qibu.notify.chat import platforms
from qibu.notify.chat.services import webhook_target
from qibu.notify.models import ChatMessage, ChatStatus, ChatWebhook

FAILURES_TO_DISABLE = int(getattr(settings, "QIBU_CHAT_FAILURES_TO_DISABLE", 5))
LEASE = dt.timedelta(seconds=120)
BATCH_SIZE = 20  # at most 20 × the timeout under one lease
MINUTE = dt.timedelta(minutes=1)
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_MOST = dt.timedelta(hours=1)
ERROR_MAX = 2000

_CLAIM_SQL = """\
UPDATE {message} SET status = %s, worker = %s, lease_until = %s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM {message}
    WHERE ((status = %s AND next_attempt_at <= %s) OR (status = %s AND lease_until < %s))
      AND webhook_id IN (SELECT id FROM {webhook} WHERE enabled)
    ORDER BY next_attempt_at, id
    LIMIT %s{skip_locked}
)
RETURNING *
"""


def timeout() -> float:
    """Seconds a webhook has to answer (QIBU_CHAT_TIMEOUT_SECONDS, 5 by default): a hung one costs no more."""
    return float(getattr(settings, "QIBU_CHAT_TIMEOUT_SECONDS", 5))


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … up to an hour, ±20 % so that failures spread out."""
    wait = min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 12)), BACKOFF_MOST)
    return wait * random.uniform(0.8, 1.2)  # noqa: S311 — spreading retries, not a secret


def claim(worker: str, *, now: dt.datetime, limit: int = BATCH_SIZE) -> list[ChatMessage]:
    """Take up to `limit` due messages of enabled webhooks: queued and due, or sending under a lapsed lease."""
    sql = _CLAIM_SQL.format(
        message=connection.ops.quote_name(ChatMessage._meta.db_table),
        webhook=connection.ops.quote_name(ChatWebhook._meta.db_table),
        skip_locked=" FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else "",
    )
    sending, queued = ChatStatus.SENDING.value, ChatStatus.QUEUED.value
    params = [sending, worker, now + LEASE, queued, now, sending, now, limit]
    messages = list(ChatMessage.objects.raw(sql, params))
    return sorted(messages, key=lambda m: (m.next_attempt_at, m.pk))


def _held(message: ChatMessage, worker: str) -> QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(pk=message.pk, worker=worker, status=ChatStatus.SENDING)


@dataclass
class _Robot:
    """One webhook within a batch: its recent sends (for the rate limit) and whether it failed in this batch."""

    webhook: ChatWebhook
    recent: list[dt.datetime] = field(default_factory=list)
    failed_until: dt.datetime | None = None


def _recent_sends(webhook: ChatWebhook, now: dt.datetime) -> list[dt.datetime]:
    if webhook.platform not in platforms.PER_MINUTE:
        return []
    most = platforms.PER_MINUTE[webhook.platform]
    sent = ChatMessage.objects.filter(webhook=webhook, status=ChatStatus.SENT, sent_at__gt=now - MINUTE)
    return sorted(t for t in sent.order_by("-sent_at").values_list("sent_at", flat=True)[:most] if t is not None)


def _wait_for_slot(robot: _Robot, now: dt.datetime) -> dt.datetime | None:
    """When the robot may take another message, if not now (the oldest of its last 20 a minute ago)."""
    most = platforms.PER_MINUTE.get(robot.webhook.platform)
    if most is None:
        return None
    robot.recent = [t for t in robot.recent if t > now - MINUTE]
    if len(robot.recent) < most:
        return None
    return robot.recent[-most] + MINUTE


def _release(message: ChatMessage, worker: str, when: dt.datetime) -> None:
    """Back to the queue for `when`, this claim not counted as an attempt."""
    _held(message, worker).update(
        status=ChatStatus.QUEUED, lease_until=None, next_attempt_at=when, attempts=F("attempts") - 1
    )


def _post(client: httpx.Client, webhook: ChatWebhook, message: ChatMessage, now: dt.datetime) -> str | None:
    """Post one message; answers what went wrong, or None."""
    url, body = platforms.signed(webhook.platform, webhook.url, webhook.secret, message.payload, now)
    try:
        response = client.post(url, content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    except httpx.TimeoutException:
        return f"No answer within {timeout():g} s (timed out)."
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:ERROR_MAX]
    return platforms.refusal(webhook.platform, response.status_code, response.text)


def _sent(message: ChatMessage, robot: _Robot, worker: str, now: dt.datetime) -> None:
    _held(message, worker).update(status=ChatStatus.SENT, sent_at=now, lease_until=None, last_error="")
    ChatWebhook.objects.filter(pk=robot.webhook.pk).update(consecutive_failures=0, last_sent_at=now)
    robot.recent.append(now)


def _failed(message: ChatMessage, robot: _Robot, worker: str, error: str, now: dt.datetime) -> None:
    error = error[:ERROR_MAX]
    later = now + backoff(message.attempts)
    if message.attempts >= message.max_attempts:
        _held(message, worker).update(status=ChatStatus.FAILED, lease_until=None, last_error=error)
    else:
        _held(message, worker).update(
            status=ChatStatus.QUEUED, lease_until=None, next_attempt_at=later, last_error=error
        )
    robot.failed_until = later
    webhook = robot.webhook
    ChatWebhook.objects.filter(pk=webhook.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=error, last_error_at=now
    )
    webhook.refresh_from_db(fields=["consecutive_failures", "enabled"])
    if webhook.enabled and webhook.consecutive_failures >= FAILURES_TO_DISABLE:
        ChatWebhook.objects.filter(pk=webhook.pk, enabled=True).update(enabled=False, disabled_at=now)
        history_record(
            actor=None,
            action="chat_webhook.disable",
            subject=webhook_target(webhook),
            target=webhook,
            before={"enabled": True},
            after={"enabled": False, "consecutive_failures": webhook.consecutive_failures},
        )
        webhook.enabled = False


def send_batch(worker: str, *, now: dt.datetime | None = None, client: httpx.Client | None = None) -> tuple[int, int]:
    """Claim up to a batch of due messages and post them over one HTTP client; answers (claimed, sent)."""
    now = now or timezone.now()
    messages = claim(worker, now=now)
    if not messages:
        return 0, 0
    webhooks = ChatWebhook.objects.select_related("department", "team").in_bulk({m.webhook_id for m in messages})
    robots = {pk: _Robot(webhook, _recent_sends(webhook, now)) for pk, webhook in webhooks.items()}
    own = client is None
    client = client or httpx.Client(timeout=timeout(), follow_redirects=False)
    sent = 0
    try:
        for message in messages:
            sent += _send_one(client, robots[message.webhook_id], message, worker, now)
    finally:
        if own:
            client.close()
    return len(messages), sent


def _send_one(client: httpx.Client, robot: _Robot, message: ChatMessage, worker: str, now: dt.datetime) -> int:
    if robot.failed_until is not None or not robot.webhook.enabled:
        # It failed a moment ago in this batch: its other messages wait with the one that failed.
        _release(message, worker, robot.failed_until or now)
        return 0
    slot = _wait_for_slot(robot, now)
    if slot is not None:
        _release(message, worker, slot)
        return 0
    error = _post(client, robot.webhook, message, now)
    if error is None:
        _sent(message, robot, worker, now)
        return 1
    _failed(message, robot, worker, error, now)
    return 0


def drain(worker: str, *, now: dt.datetime | None = None) -> int:
    """Send batches until nothing is due (what failed or is over the rate limit waits); answers how many went."""
    total = 0
    client = httpx.Client(timeout=timeout(), follow_redirects=False)
    try:
        while True:
            claimed, sent = send_batch(worker, now=now, client=client)
            total += sent
            if not claimed:
                return total
    finally:
        client.close()

"""What the Chat settings page shows: each webhook with its target, masked credentials, status and queue."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

from django.db.models import Count, Q

from qibu.notify.chat import access
from qibu.notify.models import ChatMessage, ChatStatus, ChatWebhook
from qibu.org.models import Person

RECENT_MESSAGES = 20


def mask_url(url: str) -> str:
    """The address with its credentials hidden: scheme, host and path start, and the last four characters."""
    parts = urllib.parse.urlsplit(url)
    tail = url[-4:] if len(url) > 12 else ""
    return f"{parts.scheme}://{parts.netloc}/…{tail}"


def mask_secret(secret: str) -> str:
    return "" if not secret else ("•" * 8) + secret[-3:] if len(secret) > 8 else "•" * 8


@dataclass(frozen=True)
class WebhookRow:
    pk: int
    name: str
    platform: str
    platform_label: str
    target: str
    target_kind: str  # "department" or "team"
    department_id: int | None
    team_id: int | None
    url_masked: str
    secret_masked: str
    enabled: bool
    consecutive_failures: int
    last_error: str
    last_error_at: dt.datetime | None
    last_sent_at: dt.datetime | None
    disabled_at: dt.datetime | None
    waiting: int
    failed: int


def _row(webhook: ChatWebhook, waiting: int, failed: int) -> WebhookRow:
    if webhook.team is not None:
        target, kind = f"{webhook.team.department} · {webhook.team}", "team"
    else:
        target, kind = str(webhook.department), "department"
    return WebhookRow(
        pk=webhook.pk,
        name=webhook.name,
        platform=webhook.platform,
        platform_label=webhook.get_platform_display(),
        target=target,
        target_kind=kind,
        department_id=webhook.department_id,
        team_id=webhook.team_id,
        url_masked=mask_url(webhook.url),
        secret_masked=mask_secret(webhook.secret),
        enabled=webhook.enabled,
        consecutive_failures=webhook.consecutive_failures,
        last_error=webhook.last_error,
        last_error_at=webhook.last_error_at,
        last_sent_at=webhook.last_sent_at,
        disabled_at=webhook.disabled_at,
        waiting=waiting,
        failed=failed,
    )


def webhook_rows(person: Person) -> list[WebhookRow]:
    """The webhooks the person may set up, disabled ones first, then by name (one query at any size)."""
    webhooks = access.webhooks_for(person).annotate(
        n_waiting=Count("messages", filter=Q(messages__status__in=[ChatStatus.QUEUED, ChatStatus.SENDING])),
        n_failed=Count("messages", filter=Q(messages__status=ChatStatus.FAILED)),
    )
    return [_row(w, w.n_waiting, w.n_failed) for w in webhooks.order_by("enabled", "name", "pk")]


def webhook_row(webhook: ChatWebhook) -> WebhookRow:
    counts = dict(ChatMessage.objects.filter(webhook=webhook).values_list("status").annotate(n=Count("pk")).order_by())
    waiting = counts.get(ChatStatus.QUEUED, 0) + counts.get(ChatStatus.SENDING, 0)
    return _row(webhook, waiting, counts.get(ChatStatus.FAILED, 0))


def recent_messages(webhook: ChatWebhook) -> list[ChatMessage]:
    fields = ("pk", "kind", "title", "status", "attempts", "shortened", "created_at", "sent_at", "last_error")
    return list(
        ChatMessage.objects.filter(webhook=webhook).only(*fields).order_by("-created_at", "-id")[:RECENT_MESSAGES]
    )

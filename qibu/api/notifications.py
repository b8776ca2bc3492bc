"""The caller's inbox and how they are told (issue 7, items 5 and 9): the same services as the inbox pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PageOut, PageQuery, QuerySchema
from qibu.notify import inbox
from qibu.notify.models import Delivery, Notification, NotificationKind, NotificationSettings
from qibu.org.models import Person

router = Router()


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    text: str = Field(description="Plain text in the recipient's language, as written when it was made.")
    url: str = Field(description="The page it is about (a path), or empty.")
    actor: int | None = Field(description="Who caused it, if someone did.")
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(PageOut):
    unread: int = Field(description="The caller's unread notifications, on every page.")
    items: list[NotificationOut]


class NotificationFilters(QuerySchema):
    unread: bool = Field(False, description="Only the unread ones.")


class MarkRead(InputSchema):
    """Mark these notifications read; leave `ids` out to mark every one."""

    ids: list[Id] | None = Field(None, max_length=1000)


class Marked(Schema):
    marked: int = Field(description="How many were unread and are now read.")


class NotificationSettingsIn(InputSchema):
    NULLABLE = frozenset({"quiet_from", "quiet_until"})

    deliveries: dict[NotificationKind, Delivery] = Field(
        default_factory=dict,
        description="How each kind reaches the caller besides the inbox; a kind left out keeps its default.",
    )
    quiet_from: dt.time | None = Field(
        None, description="Mail waits from this time … (both ends, or null for neither)."
    )
    quiet_until: dt.time | None = Field(None, description="… until this time, in the organisation's time zone.")
    digest_hour: int = Field(9, ge=0, le=23, description="The hour of the daily digest mail.")
    weekly_digest: bool = True


class NotificationSettingsOut(Schema):
    deliveries: dict[NotificationKind, Delivery] = Field(description="Every kind, with its delivery.")
    quiet_from: dt.time | None
    quiet_until: dt.time | None
    digest_hour: int
    weekly_digest: bool


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "actor": notification.actor_id,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


def _settings_out(choices: NotificationSettings) -> dict[str, Any]:
    return {
        "deliveries": {kind: choices.delivery(kind) for kind in NotificationKind.values},
        "quiet_from": choices.quiet_from,
        "quiet_until": choices.quiet_until,
        "digest_hour": choices.digest_hour,
        "weekly_digest": choices.weekly_digest,
    }


@router.get(
    "/notifications",
    response={200: NotificationPage, **ERRORS},
    summary="The caller's inbox, newest first",
    tags=["notifications"],
)
def inbox_list(request: HttpRequest, filters: Query[NotificationFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    person: Person = request.auth  # type: ignore[attr-defined]
    mine = Notification.objects.filter(recipient=person)
    shown = mine.filter(read_at__isnull=True) if filters.unread else mine
    items, counters = paginate(shown.order_by("-created_at", "-id"), paging)
    unread = mine.filter(read_at__isnull=True).count()
    return {**counters, "unread": unread, "items": [_out(n) for n in items]}


@router.post(
    "/notifications/read",
    response={200: Marked, **WRITE_ERRORS},
    summary="Mark the caller's notifications read",
    tags=["notifications"],
)
def inbox_read(request: HttpRequest, payload: MarkRead) -> dict[str, int]:
    person: Person = request.auth  # type: ignore[attr-defined]
    return {"marked": inbox.mark_read(person=person, ids=payload.ids)}


@router.get(
    "/notification-settings",
    response={200: NotificationSettingsOut, **ERRORS},
    summary="How the caller is told",
    tags=["notification settings"],
)
def inbox_settings_get(request: HttpRequest) -> dict[str, Any]:
    person: Person = request.auth  # type: ignore[attr-defined]
    return _settings_out(inbox.settings_for(person))


@router.put(
    "/notification-settings",
    response={200: NotificationSettingsOut, **WRITE_ERRORS},
    summary="Choose how the caller is told",
    tags=["notification settings"],
)
def inbox_settings_put(request: HttpRequest, payload: NotificationSettingsIn) -> dict[str, Any]:
    person: Person = request.auth  # type: ignore[attr-defined]
    choices = inbox.settings_for(person)
    deliveries = {kind: choices.delivery(kind) for kind in NotificationKind.values}
    deliveries.update({str(kind): str(delivery) for kind, delivery in payload.deliveries.items()})
    saved = inbox.settings_update(
        person=person,
        deliveries=deliveries,
        quiet_from=payload.quiet_from,
        quiet_until=payload.quiet_until,
        digest_hour=payload.digest_hour,
        weekly_digest=payload.weekly_digest,
    )
    return _settings_out(saved)

"""Chat webhooks of departments and teams (issue 7, item 7), with the Chat settings page's rules
(`qibu.notify.chat.access`) and masking (`qibu.notify.chat.selectors`): the address and the secret are written,
never read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PageOut, PageQuery, PathId
from qibu.core.validation import SHORT_NAME_MAX, field_problems
from qibu.notify.chat import access, selectors, services
from qibu.notify.chat.services import SECRET_MAX, URL_MAX, Target
from qibu.notify.models import ChatPlatform, ChatWebhook
from qibu.org.models import Department, Person, Team

router = Router(tags=["chat webhooks"])


class WebhookOut(Schema):
    id: int
    name: str
    platform: ChatPlatform
    department: int | None = Field(description="The department whose chat this is, or null for a team's.")
    team: int | None = Field(description="The team whose chat this is, or null for a department's.")
    target: str = Field(description="The department's or team's name, as the settings page shows it.")
    url_masked: str = Field(description="The address with its credentials hidden; the full address is never sent.")
    secret_masked: str = Field(description="The signing secret's last characters behind dots, or empty for none.")
    enabled: bool = Field(description="False after repeated failures: messages wait until it is enabled again.")
    consecutive_failures: int
    last_error: str
    last_error_at: dt.datetime | None
    last_sent_at: dt.datetime | None
    disabled_at: dt.datetime | None
    waiting: int = Field(description="Messages queued or being sent.")
    failed: int = Field(description="Messages given up on.")


class WebhookPage(PageOut):
    items: list[WebhookOut]


class WebhookCreate(InputSchema):
    """A webhook for one department or one team (exactly one of `department`, `team`)."""

    department: Id | None = None
    team: Id | None = None
    name: str = Field(max_length=SHORT_NAME_MAX, json_schema_extra={"minLength": 1})
    platform: ChatPlatform
    url: str = Field(max_length=URL_MAX, description="The robot's https:// address from the chat group's settings.")
    secret: str = Field(
        "", max_length=SECRET_MAX, description="DingTalk's and Feishu's signing secret (加签); empty otherwise."
    )


class WebhookUpdate(InputSchema):
    """Only the fields sent change. `department` or `team` moves the webhook there; a new `url` or `secret`
    enables it afresh; `secret: null` removes the secret."""

    NULLABLE = frozenset({"secret"})

    department: Id | None = None
    team: Id | None = None
    name: str | None = Field(None, max_length=SHORT_NAME_MAX, json_schema_extra={"minLength": 1})
    platform: ChatPlatform | None = None
    url: str | None = Field(None, min_length=1, max_length=URL_MAX)
    secret: str | None = Field(None, min_length=1, max_length=SECRET_MAX)


class TestQueued(Schema):
    message: int = Field(description="The queued chat message's id.")
    waits: bool = Field(description="True when the webhook is disabled: the message waits until it is enabled.")
    notice: str = Field(description="The same, in words, in the caller's language.")


def _out(row: selectors.WebhookRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "platform": row.platform,
        "department": row.department_id,
        "team": row.team_id,
        "target": row.target,
        "url_masked": row.url_masked,
        "secret_masked": row.secret_masked,
        "enabled": row.enabled,
        "consecutive_failures": row.consecutive_failures,
        "last_error": row.last_error,
        "last_error_at": row.last_error_at,
        "last_sent_at": row.last_sent_at,
        "disabled_at": row.disabled_at,
        "waiting": row.waiting,
        "failed": row.failed,
    }


def _may_set_up(person: Person) -> None:
    if not access.may_set_up_chat(person):
        raise PermissionDenied(_("Only administrators and department heads set up chat webhooks."))


def _webhook(person: Person, pk: int) -> ChatWebhook:
    """403 for who may set up no chat, 404 for a webhook not theirs (`access.webhook_for`)."""
    _may_set_up(person)
    return access.webhook_for(person, pk)


def _target(data: dict[str, Any]) -> tuple[Target | None, str]:
    """The department or team named in the body, and the field that named it (the service's errors about the
    target are about that field)."""
    department_id, team_id = data.get("department"), data.get("team")
    if department_id is not None and team_id is not None:
        raise ValidationError({"team": [_("Choose a department or a team, not both.")]})
    if team_id is not None:
        team = Team.objects.select_related("department").filter(pk=team_id).first()
        if team is None:
            raise ValidationError({"team": [_("There is no such team.")]})
        return team, "team"
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationError({"department": [_("There is no such department.")]})
        return department, "department"
    return None, "department"


def _named(exc: ValidationError, field: str) -> ValidationError:
    """The service's problems, with "target" (a choice on the page) named as the body's field."""
    problems: dict[str, list[str]] = {}
    for name, message in field_problems(exc):
        problems.setdefault(field if name == "target" else name or "__all__", []).append(message)
    return ValidationError(problems)


@router.get("/chat-webhooks", response={200: WebhookPage, **ERRORS}, summary="The webhooks the caller sets up")
def chat_webhooks_list(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """Administrators: every department's and team's; a department's head: those of it, its sub-departments and
    their teams (403 for everyone else). Disabled ones first, then by name."""
    person = caller(request)
    _may_set_up(person)
    rows = selectors.webhook_rows(person)
    start = (paging.page - 1) * paging.page_size
    items = rows[start : start + paging.page_size]
    return {"count": len(rows), "page": paging.page, "page_size": paging.page_size, "items": [_out(r) for r in items]}


@router.get("/chat-webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS}, summary="A chat webhook")
def chat_webhook_get(request: HttpRequest, webhook_id: PathId) -> dict[str, Any]:
    webhook = _webhook(caller(request), webhook_id)
    return _out(selectors.webhook_row(webhook))


@router.post("/chat-webhooks", response={201: WebhookOut, **WRITE_ERRORS}, summary="Set up a chat webhook")
def chat_webhook_create(request: HttpRequest, payload: WebhookCreate) -> Status[dict[str, Any]]:
    """For a department or team the caller may set up (`422` naming `department` or `team` otherwise)."""
    person = caller(request)
    _may_set_up(person)
    data = payload.model_dump()
    target, field = _target(data)
    try:
        webhook = services.chat_webhook_create(
            actor=person,
            target=target,
            name=data["name"],
            platform=data["platform"],
            url=data["url"],
            secret=data["secret"],
        )
    except ValidationError as exc:
        raise _named(exc, field) from exc
    return Status(201, _out(selectors.webhook_row(webhook)))


@router.patch("/chat-webhooks/{webhook_id}", response={200: WebhookOut, **WRITE_ERRORS}, summary="Change a webhook")
def chat_webhook_update(request: HttpRequest, payload: WebhookUpdate, webhook_id: PathId) -> dict[str, Any]:
    person = caller(request)
    webhook = _webhook(person, webhook_id)
    data = payload.model_dump(exclude_unset=True)
    target, field = _target(data)
    try:
        services.chat_webhook_update(
            actor=person,
            webhook=webhook,
            target=target or services.webhook_target(webhook),
            name=data.get("name", webhook.name),
            platform=data.get("platform", webhook.platform),
            url=data.get("url") or "",
            secret=data.get("secret") or "",
            forget_secret="secret" in data and data["secret"] is None,
        )
    except ValidationError as exc:
        raise _named(exc, field) from exc
    return _out(selectors.webhook_row(webhook))


@router.delete("/chat-webhooks/{webhook_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a webhook")
def chat_webhook_delete(request: HttpRequest, webhook_id: PathId) -> Status[None]:
    person = caller(request)
    webhook = _webhook(person, webhook_id)
    services.chat_webhook_delete(actor=person, webhook=webhook)
    return Status(204, None)


@router.post(
    "/chat-webhooks/{webhook_id}/test", response={202: TestQueued, **WRITE_ERRORS}, summary="Send a test message"
)
def chat_webhook_test(request: HttpRequest, webhook_id: PathId) -> Status[dict[str, Any]]:
    """Queues a test message; the worker sends it within moments (a disabled webhook's waits until it is enabled)."""
    person = caller(request)
    webhook = _webhook(person, webhook_id)
    message = services.chat_test_send(actor=person, webhook=webhook)
    if webhook.enabled:
        notice = _("A test message is queued: it should reach the group within a minute.")
    else:
        notice = _("A test message is queued; it waits until the webhook is enabled again.")
    return Status(202, {"message": message.pk, "waits": not webhook.enabled, "notice": notice})


@router.post(
    "/chat-webhooks/{webhook_id}/enable", response={200: WebhookOut, **WRITE_ERRORS}, summary="Enable a webhook again"
)
def chat_webhook_enable(request: HttpRequest, webhook_id: PathId) -> dict[str, Any]:
    """Its failures forgotten and its waiting messages sent (`waiting` counts them)."""
    person = caller(request)
    webhook = _webhook(person, webhook_id)
    services.chat_webhook_enable(actor=person, webhook=webhook)
    return _out(selectors.webhook_row(webhook))

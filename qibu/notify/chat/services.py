"""Chat webhooks set up per department or team, and the messages Qibu posts to them.

`chat_post(target=…, title=…, lines=…, link=…, key=…)` is what other apps call (confidence falls today; reminders
and the publication later): in the caller's transaction it writes one outbox row per webhook of the department or
team, in the platform's format and the organisation's language, and a job that sends them. The user's action
never waits for a chat platform; `qibu.notify.chat.sending` posts them from the worker.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qibu.audit.services import history_record, snapshot
from qibu.core.http import site_url
from qibu.core.validation import SHORT_NAME_MAX, FieldErrors, clean_choice, clean_text
from qibu.jobs import services as jobs
from qibu.notify.chat import access, platforms
from qibu.notify.models import ChatMessage, ChatPlatform, ChatStatus, ChatWebhook
from qibu.org.models import Department, Organisation, Person, Team
from qibu.org.selectors import organisation_get

URL_MAX = 500
SECRET_MAX = 200
MESSAGES_PER_SEND_JOB = 50
# What history keeps of a webhook: never its address or secret, which hold its credentials.
WEBHOOK_FIELDS = ("name", "platform", "department", "team", "enabled")

Target = Department | Team


def _development() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def clean_webhook_url(errors: FieldErrors, value: Any, *, required: bool) -> str:
    """An https address (http only to 127.0.0.1, and only in development and tests)."""
    url = "" if value is None else str(value).strip()
    if not url:
        if required:
            errors.add("url", _("Paste the webhook address the chat platform gave you."))
        return ""
    if len(url) > URL_MAX:
        errors.add("url", _("At most %(max)d characters (this one has %(n)d).") % {"max": URL_MAX, "n": len(url)})
        return url
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname == "127.0.0.1" or parts.hostname == str(ipaddress.IPv6Address("::1"))
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and local and _development():
        return url
    errors.add("url", _("Enter an address that starts with https:// and names a server."))
    return url


def _clean(
    errors: FieldErrors, *, name: Any, platform: Any, url: Any, secret: Any, url_required: bool
) -> tuple[str, str, str, str]:
    name = clean_text(errors, "name", name, max_length=SHORT_NAME_MAX, missing=_("Give it a name, e.g. the group's."))
    if platform in (None, ""):
        errors.add("platform", _("Choose the chat platform."))
    platform = clean_choice(errors, "platform", platform, ChatPlatform, "")
    url = clean_webhook_url(errors, url, required=url_required)
    secret = clean_text(errors, "secret", secret, max_length=SECRET_MAX)
    if secret and platform and platform not in platforms.SIGNED:
        errors.add("secret", _("WeCom and Slack webhooks are not signed: leave the secret empty."))
    return name, platform, url, secret


def webhook_target(webhook: ChatWebhook) -> Target:
    """The department or team whose webhook it is (its history is theirs)."""
    target = webhook.department if webhook.department_id else webhook.team
    if target is None:  # the table's constraint allows no other
        raise ValueError(f"chat webhook {webhook.pk} has neither a department nor a team")
    return target


def _target_fields(errors: FieldErrors, actor: Person, target: Target | None) -> dict[str, Any]:
    department = target if isinstance(target, Department) else None
    team = target if isinstance(target, Team) else None
    if target is None:
        errors.add("target", _("Choose the department or team whose chat this is."))
    elif not access.may_target(actor, department=department, team=team):
        errors.add("target", _("You may set up chat only for the departments you head and their teams."))
    return {"department": department, "team": team}


@transaction.atomic
def chat_webhook_create(
    *, actor: Person, target: Target | None, name: Any, platform: Any, url: Any, secret: Any = ""
) -> ChatWebhook:
    errors = FieldErrors()
    name, platform, url, secret = _clean(
        errors, name=name, platform=platform, url=url, secret=secret, url_required=True
    )
    where = _target_fields(errors, actor, target)
    errors.raise_if_any()
    webhook = ChatWebhook.objects.create(name=name, platform=platform, url=url, secret=secret, **where)
    history_record(
        actor=actor,
        action="chat_webhook.create",
        subject=webhook_target(webhook),
        target=webhook,
        after=snapshot(webhook, WEBHOOK_FIELDS),
    )
    return webhook


@transaction.atomic
def chat_webhook_update(
    *,
    actor: Person,
    webhook: ChatWebhook,
    target: Target | None,
    name: Any,
    platform: Any,
    url: Any = "",
    secret: Any = "",
    forget_secret: bool = False,
) -> ChatWebhook:
    """Change a webhook; an empty address or secret keeps the one stored. A new address or secret starts afresh:
    the webhook is enabled and its failures forgotten."""
    errors = FieldErrors()
    name, platform, url, secret = _clean(
        errors, name=name, platform=platform, url=url, secret=secret, url_required=False
    )
    where = _target_fields(errors, actor, target)
    if not secret and not forget_secret and webhook.secret and platform not in platforms.SIGNED:
        forget_secret = True  # now a platform that does not sign
    errors.raise_if_any()
    before = snapshot(webhook, WEBHOOK_FIELDS)
    fresh = bool(url and url != webhook.url) or bool(secret and secret != webhook.secret)
    webhook.name, webhook.platform = name, platform
    webhook.department, webhook.team = where["department"], where["team"]
    webhook.url = url or webhook.url
    webhook.secret = "" if forget_secret else (secret or webhook.secret)
    if fresh:
        webhook.enabled, webhook.consecutive_failures, webhook.disabled_at = True, 0, None
    webhook.save()
    after = snapshot(webhook, WEBHOOK_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    credentials = {"credentials": True} if fresh or forget_secret else {}
    history_record(
        actor=actor,
        action="chat_webhook.update",
        subject=webhook_target(webhook),
        target=webhook,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed} | credentials,
    )
    if fresh:
        _send_waiting(webhook)
    return webhook


@transaction.atomic
def chat_webhook_delete(*, actor: Person, webhook: ChatWebhook) -> None:
    history_record(
        actor=actor,
        action="chat_webhook.delete",
        subject=webhook_target(webhook),
        target=webhook,
        before=snapshot(webhook, WEBHOOK_FIELDS),
    )
    webhook.delete()


def _send_waiting(webhook: ChatWebhook) -> int:
    """The webhook's waiting messages, due now with their attempts counted afresh, and a job to send them."""
    now = timezone.now()
    waiting = ChatMessage.objects.filter(webhook=webhook, status=ChatStatus.QUEUED).update(
        attempts=0, next_attempt_at=now
    )
    jobs.enqueue("notify.send_chat", key=f"notify.send_chat:webhook:{webhook.pk}:{now.isoformat()}")
    return waiting


@transaction.atomic
def chat_webhook_enable(*, actor: Person, webhook: ChatWebhook) -> int:
    """Enable a webhook the sender disabled: its failures forgotten, its waiting messages sent. Answers how many
    messages were waiting."""
    if not webhook.enabled:
        ChatWebhook.objects.filter(pk=webhook.pk).update(enabled=True, consecutive_failures=0, disabled_at=None)
        webhook.enabled, webhook.consecutive_failures, webhook.disabled_at = True, 0, None
        history_record(
            actor=actor,
            action="chat_webhook.enable",
            subject=webhook_target(webhook),
            target=webhook,
            before={"enabled": False},
            after={"enabled": True},
        )
    return _send_waiting(webhook)


def _language(organisation: Organisation | None = None) -> str:
    """Chat groups have many readers: messages are written in the organisation's language."""
    organisation = organisation or organisation_get()
    return organisation.default_language or settings.LANGUAGE_CODE


def _queue(webhook: ChatWebhook, *, key: str, kind: str, title: str, lines: Sequence[str], link: str) -> ChatMessage:
    existing = ChatMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    built = platforms.build(webhook.platform, title=title, lines=list(lines), link=link)
    message = ChatMessage(
        key=key, webhook=webhook, kind=kind, title=title[:300], payload=built.payload, shortened=built.shortened
    )
    try:
        with transaction.atomic():  # a savepoint: a race on the key must not spoil the caller's transaction
            message.save()
    except IntegrityError:
        return ChatMessage.objects.get(key=key)
    jobs.enqueue("notify.send_chat", key=f"notify.send_chat:{message.pk // MESSAGES_PER_SEND_JOB}")
    return message


def _absolute(link: str) -> str:
    if not link or urllib.parse.urlsplit(link).scheme:
        return link
    return site_url() + link


def chat_post(
    *,
    target: Target,
    title: str,
    lines: Sequence[str],
    link: str = "",
    key: str,
    kind: str = "message",
    organisation: Organisation | None = None,
) -> list[ChatMessage]:
    """Post to every webhook of the department or team, once per `key` and webhook, in the caller's transaction.
    A disabled webhook's messages wait until it is enabled again: nothing is lost. `link` may be a path of Qibu's
    (made absolute with QIBU_SITE_URL). Title and lines are written by the caller, in `chat_language()`."""
    where = {"department": target} if isinstance(target, Department) else {"team": target}
    webhooks = list(ChatWebhook.objects.filter(**where).order_by("pk"))
    if not webhooks:
        return []
    link = _absolute(link)
    with translation.override(_language(organisation)):
        return [
            _queue(webhook, key=f"{key}:webhook:{webhook.pk}", kind=kind, title=title, lines=lines, link=link)
            for webhook in webhooks
        ]


def chat_language(organisation: Organisation | None = None) -> str:
    """The language chat messages are written in (callers wrap their text in `translation.override` of it)."""
    return _language(organisation)


@transaction.atomic
def chat_test_send(*, actor: Person, webhook: ChatWebhook) -> ChatMessage:
    """Queue a test message to one webhook, sent by the worker within moments (a disabled webhook's waits, like its
    other messages, until it is enabled again)."""
    now = timezone.now()
    with translation.override(_language()):
        title = _("Qibu test message")
        lines = [
            _("%(person)s sent this test from Qibu's chat settings.") % {"person": actor},
            _("Messages for %(target)s will appear here.") % {"target": webhook_target(webhook)},
        ]
        message = _queue(
            webhook, key=f"chat_test:{webhook.pk}:{now.isoformat()}", kind="test", title=title, lines=lines, link=""
        )
    history_record(actor=actor, action="chat_webhook.test", subject=webhook_target(webhook), target=webhook)
    return message

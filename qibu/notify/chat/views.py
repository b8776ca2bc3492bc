"""Settings → Chat: the webhooks of the departments and teams one may set up (administrators: all; a department's
head: theirs), with their status and last error; add, edit, delete, send a test, re-enable."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person
from qibu.notify.chat import access, selectors, services
from qibu.notify.chat.forms import ChatWebhookForm
from qibu.notify.models import ChatWebhook


def _list_page(request: HttpRequest, form: ChatWebhookForm, status: int = 200) -> HttpResponse:
    person = current_person(request)
    context = {"form": form, "webhooks": selectors.webhook_rows(person), "section": "chat"}
    return render(request, "notify/chat.html", context, status=status)


@login_required
def chat_settings(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not access.may_set_up_chat(person):
        raise PermissionDenied
    if request.method != "POST":
        return _list_page(request, ChatWebhookForm(person=person))
    form = ChatWebhookForm(request.POST, person=person)
    if form.is_valid():
        try:
            webhook = services.chat_webhook_create(actor=person, **form.service_arguments())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The webhook “%(name)s” is added.") % {"name": webhook.name})
            return redirect("notify:chat_settings")
    return _list_page(request, form, status=400)


def _edit_page(request: HttpRequest, webhook: ChatWebhook, form: ChatWebhookForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "webhook": selectors.webhook_row(webhook),
        "recent": selectors.recent_messages(webhook),
        "section": "chat",
    }
    return render(request, "notify/chat_edit.html", context, status=status)


@login_required
def chat_webhook(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    webhook = access.webhook_for(person, pk)
    if request.method != "POST":
        return _edit_page(request, webhook, ChatWebhookForm(person=person, webhook=webhook))
    form = ChatWebhookForm(request.POST, person=person, webhook=webhook)
    if form.is_valid():
        try:
            services.chat_webhook_update(
                actor=person,
                webhook=webhook,
                forget_secret=bool(form.cleaned_data.get("forget_secret")),
                **form.service_arguments(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The webhook “%(name)s” is saved.") % {"name": webhook.name})
            return redirect("notify:chat_webhook", pk=webhook.pk)
    webhook.refresh_from_db()
    return _edit_page(request, webhook, form, status=400)


@login_required
@require_POST
def chat_webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    webhook = access.webhook_for(person, pk)
    services.chat_webhook_delete(actor=person, webhook=webhook)
    messages.success(request, _("The webhook “%(name)s” is deleted.") % {"name": webhook.name})
    return redirect("notify:chat_settings")


@login_required
@require_POST
def chat_webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    webhook = access.webhook_for(person, pk)
    services.chat_test_send(actor=person, webhook=webhook)
    if webhook.enabled:
        messages.success(request, _("A test message is queued: it should reach the group within a minute."))
    else:
        messages.warning(request, _("A test message is queued; it waits until the webhook is enabled again."))
    return redirect("notify:chat_webhook", pk=webhook.pk)


@login_required
@require_POST
def chat_webhook_enable(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    webhook = access.webhook_for(person, pk)
    waiting = services.chat_webhook_enable(actor=person, webhook=webhook)
    messages.success(
        request,
        _("The webhook “%(name)s” is enabled again; %(n)d waiting messages are being sent.")
        % {"name": webhook.name, "n": waiting},
    )
    return redirect("notify:chat_webhook", pk=webhook.pk)

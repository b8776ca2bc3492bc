"""Everyone's inbox: what they were told, unread first in the menu's count, and how they want to be told."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qibu.core.forms import apply_errors
from qibu.core.http import current_person, safe_next
from qibu.notify import inbox as service
from qibu.notify.models import Delivery, Notification, NotificationKind, NotificationSettings

PER_PAGE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    shown = request.GET.get("show")
    notifications = Notification.objects.filter(recipient=person).select_related("actor").order_by("-created_at", "-id")
    if shown == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page") or 1)
    return render(request, "notify/inbox.html", {"page": page, "show": shown})


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read, and the page it is about opens (or the inbox when it has none)."""
    person = current_person(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=person)
    service.mark_read(person=person, ids=[notification.pk])
    return redirect(notification.url or "notify:inbox")


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one (`id`) or every notification read."""
    person = current_person(request)
    raw = request.POST.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    count = service.mark_read(person=person, ids=ids)
    if ids is None:
        messages.success(request, _("All your notifications are marked read (%(count)d).") % {"count": count})
    return redirect(safe_next(request, "notify:inbox"))


class NotificationSettingsForm(forms.Form):
    quiet_from = forms.TimeField(
        label=gettext_lazy("quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_until = forms.TimeField(
        label=gettext_lazy("quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    digest_hour = forms.TypedChoiceField(
        label=gettext_lazy("daily digest at"), coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)]
    )
    weekly_digest = forms.BooleanField(
        label=gettext_lazy(
            "weekly personal digest (your key results, stale ones, confidence falls in your department)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[f"delivery_{kind}"] = forms.ChoiceField(label=label, choices=Delivery.choices)

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"delivery_{kind}"] for kind in NotificationKind.values}


def _initial(choices: NotificationSettings) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "quiet_from": choices.quiet_from,
        "quiet_until": choices.quiet_until,
        "digest_hour": choices.digest_hour,
        "weekly_digest": choices.weekly_digest,
    }
    initial.update({f"delivery_{kind}": choices.delivery(kind) for kind in NotificationKind.values})
    return initial


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    choices = service.settings_for(person)
    form = NotificationSettingsForm(request.POST or None, initial=_initial(choices))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.settings_update(
                person=person,
                deliveries=form.deliveries(),
                quiet_from=data["quiet_from"],
                quiet_until=data["quiet_until"],
                digest_hour=data["digest_hour"],
                weekly_digest=data["weekly_digest"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notify:notification_settings")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "section": "notifications"}
    return render(request, "notify/notification_settings.html", context, status=status)

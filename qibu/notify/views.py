"""The administrators' mail pages: the outbox by status, each message as it is (or would be) sent, and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qibu.core.http import admin_required
from qibu.notify import selectors, services
from qibu.notify.models import MailStatus, OutboxMail

MAILS_PER_PAGE = 50
# The HTML part of a message, shown in a sandboxed frame of its own: its inline styles allowed, nothing else.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@admin_required
def mail_outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    page = Paginator(selectors.mail_list(status), MAILS_PER_PAGE).get_page(request.GET.get("page") or 1)
    context = {
        "page": page,
        "status": status if status in MailStatus.values else None,
        "counts": selectors.mail_counts(),
        "statuses": MailStatus.choices,
        "sends": services.mail_sends(),
        "section": "mail",
    }
    return render(request, "notify/outbox.html", context)


@admin_required
def mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(OutboxMail.objects.select_related("recipient"), pk=pk)
    return render(request, "notify/mail.html", {"mail": mail, "section": "mail"})


@admin_required
def mail_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The message's HTML part alone, for the detail page's sandboxed frame (scripts could not run there anyway)."""
    mail = get_object_or_404(OutboxMail.objects.only("html"), pk=pk)
    response = HttpResponse(mail.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@admin_required
@require_POST
def mail_retry(request: HttpRequest, pk: int) -> HttpResponse:
    mail = services.retry(get_object_or_404(OutboxMail, pk=pk))
    if mail.status == MailStatus.QUEUED:
        messages.success(request, _("The message to %(address)s is queued again.") % {"address": mail.to_address})
    else:
        messages.info(request, _("This message was not failed or kept: nothing to send again."))
    return redirect("notify:mail_detail", pk=mail.pk)

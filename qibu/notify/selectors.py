"""Reads on the outbox, for the administrators' mail pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from qibu.notify.models import MailStatus, OutboxMail


def mail_counts() -> dict[str, int]:
    """How many messages are in each status (every status named, zero when none)."""
    counted = dict(OutboxMail.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counted.get(status, 0) for status in MailStatus.values}


def mail_list(status: str | None) -> QuerySet[OutboxMail]:
    """The newest messages first, of one status when given; without the bodies, which the list does not show."""
    mails = OutboxMail.objects.defer("text", "html").select_related("recipient").order_by("-created_at", "-id")
    return mails.filter(status=status) if status in MailStatus.values else mails

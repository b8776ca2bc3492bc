"""The outbox: one row per recipient and message, written with the action that causes it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # No mail server is configured: kept here, readable by administrators as it would be sent.
    HELD = "held", _("kept in the outbox")


class OutboxMail(models.Model):
    # One message per key (e.g. "publication:12:person:34"): queueing it again changes nothing.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_address = models.EmailField(_("address"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"), blank=True)
    # Derived from the key: a message sent again (its worker died after the server took it) keeps its id, which
    # mail providers use to show it once.
    message_id = models.CharField(_("message id"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=8)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease"),
            models.Index(fields=["kind", "status"], name="outbox_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.status})"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("someone mentions you")
    COMMENT = "comment", _("a comment on your OKRs")
    CONFIDENCE_FALL = "confidence_fall", _("confidence falls in your department")
    STALE = "stale", _("a key result of yours goes stale")
    APPROVAL = "approval", _("an approval is asked of you")
    REMINDER = "reminder", _("a reminder of what is due")


class Delivery(models.TextChoices):
    """Besides the inbox, where every notification is kept: how else it reaches the person."""

    INBOX = "inbox", _("only in Qibu's inbox")
    MAIL = "mail", _("also by mail at once (after quiet hours)")
    DIGEST = "digest", _("also in one daily digest mail")


# What a person gets until they choose: what asks something of them by mail at once, the rest in the digest.
DEFAULT_DELIVERY: dict[str, str] = {
    NotificationKind.MENTION: Delivery.MAIL,
    NotificationKind.COMMENT: Delivery.MAIL,
    NotificationKind.CONFIDENCE_FALL: Delivery.DIGEST,
    NotificationKind.STALE: Delivery.DIGEST,
    NotificationKind.APPROVAL: Delivery.MAIL,
    NotificationKind.REMINDER: Delivery.MAIL,
}


class NotificationSettings(models.Model):
    """A person's choices; a person without a row has the defaults."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # kind → Delivery; a kind not named has its DEFAULT_DELIVERY.
    deliveries = models.JSONField(_("deliveries"), default=dict, blank=True)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    digest_hour = models.PositiveSmallIntegerField(_("daily digest at (hour)"), default=9)
    weekly_digest = models.BooleanField(_("weekly personal digest"), default=True)

    class Meta:
        verbose_name = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of {self.person_id}"

    def delivery(self, kind: str) -> str:
        chosen = self.deliveries.get(kind)
        return chosen if chosen in Delivery.values else DEFAULT_DELIVERY.get(kind, Delivery.INBOX)


class Notification(models.Model):
    """One thing one person is told, kept in their inbox. The text is written in the recipient's language when it
    is made, as plain text (pages escape it), so the inbox, the mail and the API say the same."""

    # One notification per key (e.g. "stale:kr:12:2026-W48:person:5"): telling again changes nothing.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=1000)
    url = models.CharField(_("link"), max_length=300, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.INBOX)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Mail: when it may go (now, or when the recipient's quiet hours end); when its mail was queued.
    mail_due_at = models.DateTimeField(_("mail due"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["delivery", "mailed_at", "mail_due_at"], name="notification_mail_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

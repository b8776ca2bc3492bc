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
    STEP_ASSIGNED = "step_assigned", _("an action step is given to you")
    OVERDUE_STEP = "overdue_step", _("an action step of yours or your team's is overdue")
    BLOCKER = "blocker", _("a blocker you own or that concerns you")
    STAND_UP = "stand_up", _("your team's stand-up: the reminder and the summary")
    MEETING = "meeting", _("a weekly meeting's minutes and what was committed")
    ONE_ON_ONE = "one_on_one", _("your 1-on-1s and the support asked in them")
    CORRECTION = "correction", _("a correction of OKRs you approve or follow")
    MILESTONE = "milestone", _("a milestone of yours is due or overdue")
    SELF_ASSESSMENT = "self_assessment", _("self-assessments: yours due, your people's submitted")
    REFLECTION = "reflection", _("reflections and the measures they give you")
    UPDATE = "update", _("the update of OKRs after a cycle: your turn, and approvals")
    CELEBRATION = "celebration", _("celebrations of your team and department")
    RECOGNITION = "recognition", _("recognition given to you")
    PHASE = "phase", _("the quarter's calendar: a phase that begins or that you are late for")
    WORKSHOP = "workshop", _("co-creation workshops you are invited to, and their result")


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
    NotificationKind.STEP_ASSIGNED: Delivery.MAIL,
    NotificationKind.OVERDUE_STEP: Delivery.DIGEST,
    NotificationKind.BLOCKER: Delivery.MAIL,
    NotificationKind.STAND_UP: Delivery.INBOX,
    NotificationKind.MEETING: Delivery.MAIL,
    NotificationKind.ONE_ON_ONE: Delivery.MAIL,
    NotificationKind.CORRECTION: Delivery.DIGEST,
    NotificationKind.MILESTONE: Delivery.DIGEST,
    NotificationKind.SELF_ASSESSMENT: Delivery.MAIL,
    NotificationKind.REFLECTION: Delivery.MAIL,
    NotificationKind.UPDATE: Delivery.MAIL,
    NotificationKind.CELEBRATION: Delivery.DIGEST,
    NotificationKind.RECOGNITION: Delivery.MAIL,
    NotificationKind.PHASE: Delivery.DIGEST,
    NotificationKind.WORKSHOP: Delivery.MAIL,
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


class ChatPlatform(models.TextChoices):
    FEISHU = "feishu", _("Feishu / Lark")
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")
    SLACK = "slack", _("Slack")


class ChatWebhook(models.Model):
    """A chat group's incoming webhook (a robot), set up for one department or one team: what Qibu tells that
    department or team goes there, in the platform's own format. Disabled by the sender after repeated failure."""

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=ChatPlatform.choices)
    # The webhook's address holds its access token: shown masked, like the secret.
    url = models.CharField(_("webhook address"), max_length=500)
    # DingTalk's and Feishu's signing secret ("加签"); empty when the robot is not signed.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        "org.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    consecutive_failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("chat webhook")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, team__isnull=True)
                | models.Q(department__isnull=True, team__isnull=False),
                name="chatwebhook_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChatStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class ChatMessage(models.Model):
    """The chat outbox: one row per webhook and message, written in the transaction of the action that causes it
    and posted by the worker. The payload is built (in the organisation's language) when it is queued and signed
    when it is sent, since the platforms refuse old signatures."""

    # One message per key and webhook (e.g. "confidence_fall:checkin:12:webhook:3"): queueing it again changes
    # nothing.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    webhook = models.ForeignKey(ChatWebhook, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    payload = models.JSONField(_("payload"))
    # Lines were left out to fit the platform's limit (the message says so).
    shortened = models.BooleanField(_("shortened"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ChatStatus.choices, default=ChatStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=8)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat message")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "next_attempt_at"], name="chat_due"),
            models.Index(fields=["status", "lease_until"], name="chat_lease"),
            # A robot's messages sent in the last minute (the rate limit) and its queue on the settings page.
            models.Index(fields=["webhook", "status", "sent_at"], name="chat_webhook_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.webhook_id} ({self.status})"

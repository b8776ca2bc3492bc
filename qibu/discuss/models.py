"""A comment on an objective, or on one of its key results or check-ins, and the people it mentions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.okrs.models import CheckIn, KeyResult, Objective


class Comment(models.Model):
    # Always the objective (who may see it decides who may see the comment); a key result or a check-in of it
    # when the comment is about one (a check-in's comment names its key result too).
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="comments", verbose_name=_("objective")
    )
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("key result"),
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="comments", verbose_name=_("check-in")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        verbose_name = _("comment")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["objective", "created_at", "id"], name="comment_objective_order")]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Mention(models.Model):
    """A person a comment mentions and who may see its objective (and so was told)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("comment"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        verbose_name = _("mention")
        constraints: ClassVar = [models.UniqueConstraint(fields=["comment", "person"], name="mention_once")]

    def __str__(self) -> str:
        return f"@{self.person_id}"

"""History: who changed what, when, and the values before and after.

An entry names its *subject*, the thing whose history lists it (an objective, a department, a person, the
organisation's policy …), and its *target*, the row that changed (a key result of that objective, say). Both
are a model label (`okrs.objective`) and an id, so that history belongs to anything without a foreign key to
everything; a subject's page reads its newest entries from one index."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    subject_type = models.CharField(max_length=50)
    subject_id = models.BigIntegerField(null=True)
    target_type = models.CharField(max_length=50)
    target_id = models.BigIntegerField(null=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes: ClassVar = [
            models.Index(fields=["target_type", "target_id"], name="history_target"),
            # A subject's page shows its newest history first: read in index order, not sorted.
            models.Index(fields=["subject_type", "subject_id", "-at", "-id"], name="history_subject_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

"""A reflection (反思, REF-1): right after the self-assessments, a department's reflection on its cycle and the
management's reflection on the company's. Each starts from the aggregated data (REF-4, read by the selectors, not
stored), ends in measures with owners and dates for the next period (REF-2) and, in the management's, every
manager's account of how they used OKRs and what they plan (REF-3). Blame-free (REF-5)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qibu.core.validation import TITLE_MAX
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult
from qibu.org.models import Department


class ReflectionKind(models.TextChoices):
    DEPARTMENT = "department", _("department reflection")
    MANAGEMENT = "management", _("management reflection")


class ReflectionState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Reflection(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReflectionKind.choices)
    # The department reflecting; none for the management's.
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("department"),
    )
    # The period reflected on: the self-assessments' cycle (a quarter, or a month).
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reflections", verbose_name=_("cycle"))
    state = models.CharField(_("state"), max_length=20, choices=ReflectionState.choices, default=ReflectionState.OPEN)
    summary = models.TextField(_("what we learned"), blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("reflection")
        ordering: ClassVar = ["cycle", "kind", "department"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cycle", "department"], condition=Q(kind="department"), name="reflect_one_per_department"
            ),
            models.UniqueConstraint(fields=["cycle"], condition=Q(kind="management"), name="reflect_one_management"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.department or ''} · {self.cycle}"

    @property
    def is_closed(self) -> bool:
        return self.state == ReflectionState.CLOSED


class Measure(models.Model):
    """REF-2: a concrete measure for the next period, with its owner and its date; it appears in that period's
    meetings and in its owner's daily focus until done."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=TITLE_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reflection_measures", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due"))
    # Optional: the key result of the next period it serves.
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflection_measures",
        verbose_name=_("key result"),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measure")
        ordering: ClassVar = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class ManagerAccount(models.Model):
    """REF-3: in the management reflection, how one manager used OKRs and what they plan next."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="accounts")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflection_accounts",
        verbose_name=_("manager"),
    )
    how_used = models.TextField(_("how I used OKRs"))
    plan_next = models.TextField(_("my plan for the next period"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manager's account")
        ordering: ClassVar = ["reflection", "manager"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["reflection", "manager"], name="reflect_one_account_per_manager")
        ]

    def __str__(self) -> str:
        return f"{self.manager} · {self.reflection}"

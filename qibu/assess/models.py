"""A self-assessment (自评, SELF-1): one person's scores of their key results for one period — a quarter, or a month
where the policy says so — with what worked, the root cause where a result fell short and what to change. It is a
draft until submitted; submitted, it is read-only until its owner reopens it (history keeps every step). It is not
a performance appraisal (SELF-2): no appraisal or HR export reads it."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class SelfAssessment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("person")
    )
    # The period assessed: a quarter, or a month of it (SELF-1); the key results are those of its quarter.
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("cycle"))
    state = models.CharField(_("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-assessment")
        ordering: ClassVar = ["cycle", "person"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "cycle"], name="assess_one_per_person_and_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.cycle}"

    @property
    def is_submitted(self) -> bool:
        return self.state == AssessmentState.SUBMITTED


class KeyResultScore(models.Model):
    """One key result's score (MEAS-7: 0.0–1.0, its progress unless adjusted, then with a reason) and its account."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("self-assessment")
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="self_scores", verbose_name=_("key result")
    )
    score = models.DecimalField(
        _("score"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # The key result's progress (clamped, 0–1) when it was scored: the default the score departs from.
    progress = models.DecimalField(_("progress when scored"), max_digits=7, decimal_places=4)
    # The key result's confidence at the start of the cycle (REF-5: expected against actual).
    start_confidence = models.PositiveSmallIntegerField(_("confidence at the start (%)"), null=True, blank=True)
    score_reason = models.TextField(_("why the score differs from the progress"), blank=True)
    worked = models.TextField(_("what worked"), blank=True)
    root_cause = models.TextField(_("root cause where it fell short"), blank=True)
    change = models.TextField(_("what to change"), blank=True)

    class Meta:
        verbose_name = _("key result score")
        ordering: ClassVar = ["assessment", "key_result__position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["assessment", "key_result"], name="assess_one_score_per_key_result")
        ]

    def __str__(self) -> str:
        return f"{self.key_result} · {self.score}"

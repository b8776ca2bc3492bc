"""The celebration's rows (CEL-1 … CEL-5): a celebration planned for a level (a team, a department, the
management) in a cycle and then held, with its simple forms and the reward tier its results earn; recognition from
anyone to anyone, tied to a key result; incentives per person and cycle that only their managers and administrators
see; the lessons learned of a cycle, read when the next one is drafted; and the company's values a recognition may
name."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Team
from qibu.rhythm.models import Schedule


class CelebrationLevel(models.TextChoices):
    """CEL-1: Friday for the team, monthly for the department, quarterly for the management."""

    TEAM = "team", _("team")
    DEPARTMENT = "department", _("department")
    MANAGEMENT = "management", _("management")


class CelebrationState(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")


class RewardTier(models.TextChoices):
    """CEL-3: the reward a result earns, from the policy's thresholds."""

    RICH = "rich", _("rich")
    STANDARD = "standard", _("standard")
    SIMPLE = "simple", _("simple")


class CelebrationForm(models.TextChoices):
    """CEL-2: simple forms."""

    DRINKS = "drinks", _("drinks")
    SNACKS = "snacks", _("snacks")
    FRUIT = "fruit", _("fruit")
    TEAM_ACTIVITY = "team_activity", _("team activity")
    OTHER = "other", _("other")


class CompanyValue(models.Model):
    """One of the company's values, which a recognition may name (CEL-4). Kept by administrators."""

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("company value")

    def __str__(self) -> str:
        return self.name


class Celebration(models.Model):
    level = models.CharField(_("level"), max_length=20, choices=CelebrationLevel.choices)
    # A team's: the team (and its department); a department's: the department; the management's: neither.
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="celebrations",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="celebrations", verbose_name=_("team")
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="celebrations", verbose_name=_("cycle"))
    at = models.DateTimeField(_("date and time"))
    # The rhythm's celebration schedule of the group, when there is one: its reminders apply.
    schedule = models.ForeignKey(
        Schedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="celebrations",
        verbose_name=_("schedule"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CelebrationState.choices, default=CelebrationState.PLANNED
    )
    forms = models.JSONField(_("forms"), default=list, blank=True)
    form_other = models.CharField(_("other form"), max_length=200, blank=True)
    # CEL-3: the average score the tier was suggested from (None: nothing scored), the suggestion and the choice.
    score = models.DecimalField(_("average score"), max_digits=4, decimal_places=2, null=True, blank=True)
    suggested_tier = models.CharField(_("suggested tier"), max_length=20, choices=RewardTier.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=RewardTier.choices)
    tier_reason = models.TextField(_("why another tier"), blank=True)
    notes = models.TextField(_("what was celebrated"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name = _("celebration")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.team or self.department or ''} {self.at:%Y-%m-%d}".strip()

    @property
    def is_held(self) -> bool:
        return self.state == CelebrationState.HELD

    @property
    def group(self) -> Team | Department | None:
        return self.team or self.department


class Recognition(models.Model):
    """Praise from anyone to anyone (CEL-4), for a key result; public (the wall, the team's chat) or private
    (only the giver, the receiver and the receiver's managers see it)."""

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognitions_given", verbose_name=_("from")
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognitions_received", verbose_name=_("to")
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="recognitions", verbose_name=_("key result")
    )
    value = models.ForeignKey(
        CompanyValue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("company value"),
    )
    message = models.TextField(_("message"))
    public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("recognition")

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.receiver_id}"


class IncentiveKind(models.TextChoices):
    FINANCIAL = "financial", _("financial")
    PROMOTION = "promotion", _("promotion opportunity")
    TEAM_ACTIVITY = "team_activity", _("team activity")


class Incentive(models.Model):
    """An incentive for a person in a cycle (CEL-4): seen by their managers and administrators only."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incentives", verbose_name=_("person")
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="incentives", verbose_name=_("cycle"))
    kind = models.CharField(_("kind"), max_length=20, choices=IncentiveKind.choices)
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("incentive")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.kind}"


class Lesson(models.Model):
    """A lesson learned in a cycle (CEL-5), of a department or (no department) of the company; shown beside the
    OKR editor when the next cycle is drafted."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("cycle"))
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("department"),
    )
    text = models.TextField(_("lesson"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["cycle", "department_id", "id"]
        verbose_name = _("lesson learned")

    def __str__(self) -> str:
        return self.text[:50]

"""A blocker (EXE-2): what stands in someone's way, listed (not discussed) where it came up — a stand-up, a weekly
meeting, a 1-on-1 or its own page — with an owner who settles it and the people concerned. It stays open until
resolved, and climbs the method's meeting tiers while it stays open: from the team (its stand-up) to the
department's weekly meeting, then to the management's weekly meeting (the days are the organisation's policy)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.core.validation import TITLE_MAX
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Team
from qibu.plans.models import ActionStep


class BlockerSource(models.TextChoices):
    """Where the blocker was raised. The stand-ups, weekly meetings and 1-on-1s sit above blockers, so the record
    it came from is kept by id (`source_id`), not by a foreign key."""

    PAGE = "page", _("its own page")
    STAND_UP = "stand_up", _("a stand-up")
    WEEKLY_MEETING = "weekly_meeting", _("a weekly meeting")
    ONE_ON_ONE = "one_on_one", _("a 1-on-1")


class Tier(models.TextChoices):
    """The meeting that looks at the blocker now: the team's stand-up, the department's weekly meeting, the
    management's weekly meeting."""

    TEAM = "team", _("team")
    DEPARTMENT = "department", _("department weekly meeting")
    MANAGEMENT = "management", _("management weekly meeting")


# The order in which a blocker climbs.
TIER_ORDER: tuple[str, ...] = (Tier.TEAM, Tier.DEPARTMENT, Tier.MANAGEMENT)


class BlockerStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class Blocker(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_blockers",
        verbose_name=_("raised by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_blockers", verbose_name=_("owner")
    )
    concerned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="concerning_blockers", verbose_name=_("people concerned")
    )
    # The group it was raised in (either may be empty: a management meeting's blocker has neither).
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="blockers", verbose_name=_("team")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blockers",
        verbose_name=_("department"),
    )
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blockers",
        verbose_name=_("key result"),
    )
    action_step = models.ForeignKey(
        ActionStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blockers",
        verbose_name=_("action step"),
    )
    source = models.CharField(_("raised in"), max_length=20, choices=BlockerSource.choices, default=BlockerSource.PAGE)
    source_id = models.PositiveIntegerField(_("raised in (id)"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.TEAM)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=BlockerStatus.choices, default=BlockerStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Not auto_now_add: the age of a blocker counts from here, and the demo and imports give older ones.
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("blocker")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            # The escalation sweep and the lists of open blockers, oldest first.
            models.Index(fields=["status", "created_at"], name="blocker_status_age"),
            # The daily focus: the open blockers a person owns.
            models.Index(fields=["owner", "status", "created_at"], name="blocker_owner_open"),
            models.Index(fields=["team", "status"], name="blocker_team_open"),
            models.Index(fields=["department", "status", "tier"], name="blocker_department_open"),
            models.Index(fields=["tier", "status"], name="blocker_tier_open"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | models.Q(status="resolved", resolved_at__isnull=False),
                name="blocker_resolved_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == BlockerStatus.OPEN

    def age_days(self, now: dt.datetime) -> int:
        """Whole days since it was raised, until it was resolved (or now)."""
        end = self.resolved_at or now
        return max((end - self.created_at).days, 0)

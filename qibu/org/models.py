"""The organisation: its policy, vision and strategy, departments, teams and people."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The one company this installation serves, with the method policy (defaults from METHOD.md)."""

    name = models.CharField(_("name"), max_length=200)
    vision = models.TextField(_("vision"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year start month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    default_language = models.CharField(_("default language"), max_length=10, default="zh-hans")
    # SET-3
    max_objectives_per_owner = models.PositiveSmallIntegerField(
        _("objectives per owner per cycle"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # SET-4
    min_key_results = models.PositiveSmallIntegerField(
        _("fewest key results per objective"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    max_key_results = models.PositiveSmallIntegerField(
        _("most key results per objective"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # EXE-4
    confidence_fall_threshold = models.PositiveSmallIntegerField(
        _("confidence fall that needs a reason (points)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # SET-7
    bottom_up_target = models.PositiveSmallIntegerField(
        _("share of OKRs written by employees (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    # MEAS-8
    checkin_cadence_days = models.PositiveSmallIntegerField(
        _("check-in cadence (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    # MEAS-6
    on_track_confidence = models.PositiveSmallIntegerField(
        _("on track from confidence (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    at_risk_confidence = models.PositiveSmallIntegerField(
        _("at risk from confidence (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    behind_pace_points = models.PositiveSmallIntegerField(
        _("behind pace after (points)"), default=20, validators=[MaxValueValidator(100)]
    )
    # EXE-2: an open blocker climbs the meeting tiers after so many days: from the team's stand-up to the
    # department's weekly meeting, then to the management's weekly meeting (days since it was raised).
    blocker_department_after_days = models.PositiveSmallIntegerField(
        _("blocker to the department meeting after (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    blocker_management_after_days = models.PositiveSmallIntegerField(
        _("blocker to the management meeting after (days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )

    # SELF-1, UPD-1: self-assessment and the update come every quarter, or every month (especially in the first
    # year of OKRs); 3 or 1.
    self_assessment_every_months = models.PositiveSmallIntegerField(
        _("self-assessment every (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    update_every_months = models.PositiveSmallIntegerField(
        _("update every (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    # The quarter's calendar (PLAY-EXEC; `qibu.cycles.phases`): the days each phase takes around its cycle.
    set_lead_days = models.PositiveSmallIntegerField(
        _("setting starts before the cycle (days)"), default=14, validators=[MaxValueValidator(90)]
    )
    publish_within_days = models.PositiveSmallIntegerField(
        _("published within the cycle's first (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    self_assessment_days = models.PositiveSmallIntegerField(
        _("self-assessment in the cycle's last (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    reflection_days = models.PositiveSmallIntegerField(
        _("reflection within the days after the cycle"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # UPD-1: the first week of the next cycle.
    update_days = models.PositiveSmallIntegerField(
        _("update in the next cycle's first (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    celebration_days = models.PositiveSmallIntegerField(
        _("celebration within the days after the cycle"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # CEL-3: the celebration a result earns, from a score (0.0–1.0, the department objectives' average): from
    # `reward_rich_from` a rich one, from `reward_standard_from` a standard one, below a simple one.
    reward_rich_from = models.DecimalField(
        _("rich celebration from a score of"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    reward_standard_from = models.DecimalField(
        _("standard celebration from a score of"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # UPD-5: a closed cycle is locked; these people may still update it, and what they change is flagged as late.
    late_updaters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("may update a closed cycle"),
        help_text=_("A closed cycle is locked; the people named here may still change it, flagged as late (UPD-5)."),
    )

    # SET-1, SET-2: OKRs are agreed before they count. Off, an OKR is approved the moment it is written.
    approval_required = models.BooleanField(
        _("OKRs need approval"),
        default=True,
        help_text=_("A new objective is a draft until its approver approves it (SET-1, SET-2)."),
    )
    # SET-1: the first pass runs top-down, so an objective waits for the approved level above it.
    approval_order_enforced = models.BooleanField(
        _("approve in the method's order"),
        default=True,
        help_text=_(
            "Company annual, then company quarterly, then department, then personal objectives: an objective "
            "cannot be approved before the objectives of the level above it in its cycle (SET-1)."
        ),
    )
    approval_on_change = models.BooleanField(
        _("changes go back through approval"),
        default=True,
        help_text=_("An approved objective whose title or key results change is submitted again."),
    )
    # The OKR coach's rules (their IDs, such as "SET-4") that block a submission instead of warning.
    coach_blocking_rules = models.JSONField(_("coach rules that block submission"), default=list, blank=True)
    ceo = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("CEO"),
        help_text=_("Approves the company's objectives; unset, any executive does."),
    )

    class Meta:
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The organisation's time zone, for pages, reminders, digests and calendars alike; the installation's
        (settings.TIME_ZONE) should the stored name be one this machine does not know."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    POLICY_FIELDS: ClassVar[tuple[str, ...]] = (
        "max_objectives_per_owner",
        "min_key_results",
        "max_key_results",
        "confidence_fall_threshold",
        "bottom_up_target",
        "checkin_cadence_days",
        "on_track_confidence",
        "at_risk_confidence",
        "behind_pace_points",
        "blocker_department_after_days",
        "blocker_management_after_days",
        "self_assessment_every_months",
        "update_every_months",
        "set_lead_days",
        "publish_within_days",
        "self_assessment_days",
        "reflection_days",
        "update_days",
        "celebration_days",
    )
    # CEL-3: the reward tiers' thresholds, scores from 0.0 to 1.0 (the other policy fields are whole numbers).
    SCORE_POLICY_FIELDS: ClassVar[tuple[str, ...]] = ("reward_rich_from", "reward_standard_from")
    DEFAULTS: ClassVar[dict[str, int]] = {
        "max_objectives_per_owner": 3,
        "min_key_results": 1,
        "max_key_results": 3,
        "confidence_fall_threshold": 30,
        "bottom_up_target": 60,
        "checkin_cadence_days": 7,
        "on_track_confidence": 70,
        "at_risk_confidence": 40,
        "behind_pace_points": 20,
        "blocker_department_after_days": 2,
        "blocker_management_after_days": 5,
        "self_assessment_every_months": 3,
        "update_every_months": 3,
        "set_lead_days": 14,
        "publish_within_days": 7,
        "self_assessment_days": 7,
        "reflection_days": 5,
        "update_days": 7,
        "celebration_days": 14,
    }
    SCORE_DEFAULTS: ClassVar[dict[str, Decimal]] = {
        "reward_rich_from": Decimal("0.70"),
        "reward_standard_from": Decimal("0.40"),
    }

    @classmethod
    def policy_default(cls, name: str) -> int | Decimal:
        """The method's default of policy field `name`: a whole number (`DEFAULTS`) or a reward tier's score
        threshold (`SCORE_DEFAULTS`). The one place pages, the coach and the departures read a default from."""
        if name in cls.SCORE_DEFAULTS:
            return cls.SCORE_DEFAULTS[name]
        return cls.DEFAULTS[name]

    def departures_from_method(self) -> list[str]:
        """Policy fields set away from the method's default, so pages can show the departure."""
        fields = (*self.POLICY_FIELDS, *self.SCORE_POLICY_FIELDS)
        return [f for f in fields if getattr(self, f) != self.policy_default(f)]


class StrategicGoal(models.Model):
    """VIS-2: strategic goals sit between the vision and the company objectives."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("strategic goal")

    def __str__(self) -> str:
        return self.title


class Department(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # The name as the search box matches it (`qibu.core.pinyin.search_key`), set by the services that write it.
    search_key = models.TextField(_("search key"), blank=True, default="", db_default="", editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    head = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    # Materialised path "/1/4/9/" of ids from the root: ancestors and descendants in one query.
    path = models.CharField(max_length=500, db_index=True, default="/", editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["path", "position", "name"]
        verbose_name = _("department")

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this department."""
        return [int(p) for p in self.path.strip("/").split("/") if p]

    @property
    def depth(self) -> int:
        return len(self.ancestor_ids) - 1


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("department")
    )
    lead = models.ForeignKey(
        "Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams", verbose_name=_("lead")
    )

    class Meta:
        ordering: ClassVar = ["department_id", "name"]
        verbose_name = _("team")
        constraints: ClassVar = [models.UniqueConstraint(fields=["department", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    EXECUTIVE = "executive", _("executive")
    DEPARTMENT_HEAD = "department_head", _("department head")
    MEMBER = "member", _("member")


class Person(AbstractUser):
    """A person in the company. Signs in with the username; shown by full name."""

    full_name = models.CharField(_("full name"), max_length=200)
    # Name and username as the search box matches them (`qibu.core.pinyin.search_key`), set by the services.
    search_key = models.TextField(_("search key"), blank=True, default="", db_default="", editable=False)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("manager")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Empty: the organisation's default.")
    )

    objects: ClassVar[UserManager[Person]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar = ["full_name", "username"]
        verbose_name = _("person")
        # People lists are paged in this order: an index scan stops after one page.
        indexes: ClassVar = [models.Index(fields=["full_name", "username"], name="person_name_order")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_executive(self) -> bool:
        return self.role == Role.EXECUTIVE or self.is_admin


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

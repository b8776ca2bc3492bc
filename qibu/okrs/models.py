"""Objectives, key results, alignment and check-ins.

Roll-ups (progress, confidence) are stored on each row and recomputed by services after every change,
so that pages read them with a constant number of queries whatever the size of the company.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle
from qibu.org.models import Department, StrategicGoal, Team

ZERO = Decimal(0)
ONE = Decimal(1)


class Level(models.TextChoices):
    COMPANY = "company", _("company")
    DEPARTMENT = "department", _("department")
    TEAM = "team", _("team")
    PERSON = "person", _("person")
    # PLAY-PROJ: an objective of a project stage, owned by a member of the project (qibu.projects).
    PROJECT = "project", _("project")


class Commitment(models.TextChoices):
    COMMITTED = "committed", _("committed")
    ASPIRATIONAL = "aspirational", _("aspirational")


class Visibility(models.TextChoices):
    COMPANY = "company", _("everyone in the company")
    DEPARTMENT = "department", _("the department only")
    PRIVATE = "private", _("private")


class Status(models.TextChoices):
    """Whether an objective still runs. Being a draft is its approval (`Approval`), not its status: the status
    "draft" of before approval existed became `Approval.DRAFT` (migration 0007)."""

    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class Approval(models.TextChoices):
    """SET-1, SET-2: where an objective stands in being agreed. An objective approved once stays visible and
    takes check-ins while a later change of it waits for approval again (`approved_at` is set)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


def agreed_q(prefix: str = "") -> models.Q:
    """`Objective.is_agreed` as a filter (approved now or once before), on objectives or, with `prefix` such as
    "objective__", on rows that lead to one: what counts in roll-ups, the publication and reminders."""
    return models.Q(**{f"{prefix}approval": Approval.APPROVED}) | models.Q(**{f"{prefix}approved_at__isnull": False})


class RollupMode(models.TextChoices):
    KEY_RESULTS = "key_results", _("its key results")
    KEY_RESULTS_AND_CHILDREN = "key_results_and_children", _("its key results and aligned objectives")
    CHILDREN = "children", _("only the objectives aligned under it")


class Priority(models.IntegerChoices):
    P0 = 0, _("P0 — must")
    P1 = 1, _("P1 — high")
    P2 = 2, _("P2 — normal")
    P3 = 3, _("P3 — nice to have")


class Objective(models.Model):
    title = models.CharField(_("title"), max_length=200)
    # The title as the search box matches it (`qibu.core.pinyin.search_key`), set by the services that write it.
    search_key = models.TextField(_("search key"), blank=True, default="", db_default="", editable=False)
    description = models.TextField(_("description"), blank=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("cycle"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_objectives",
        verbose_name=_("owner"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="objectives", verbose_name=_("team")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_objectives",
        verbose_name=_("author"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.P1)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=ONE, validators=[MinValueValidator(Decimal("0.01"))]
    )
    commitment = models.CharField(
        _("commitment"), max_length=20, choices=Commitment.choices, default=Commitment.ASPIRATIONAL
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.COMPANY
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    rollup_mode = models.CharField(
        _("progress from"), max_length=30, choices=RollupMode.choices, default=RollupMode.KEY_RESULTS
    )
    # SET-1, SET-2: set by okrs.services.approval. Objectives written before approval existed are approved.
    approval = models.CharField(
        _("approval"), max_length=20, choices=Approval.choices, default=Approval.APPROVED, db_default="approved"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When it was last approved; None until the first approval, while only its owner and approvers see it.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # VIS-2: the strategic goal a company objective traces to.
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("strategic goal"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Stored roll-ups (MEAS-4, MEAS-5), kept right by okrs.services.rollup.
    progress = models.DecimalField(max_digits=7, decimal_places=4, default=ZERO)
    confidence = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    # MEAS-7 end score, set at self-assessment.
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # UPD-1, UPD-3: the objective of the closing cycle this one continues (kept at the update), so the company page
    # reads the continuity of its objectives from quarter to quarter.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried from"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["priority", "id"]
        verbose_name = _("objective")
        # Each list of a cycle is read in priority order: with the order in the index the database stops
        # after one page instead of sorting the whole cycle (7.7 → 0.03 ms at 10,000 people on SQLite).
        indexes: ClassVar = [
            models.Index(fields=["cycle", "priority", "id"], name="objective_cycle_order"),
            models.Index(fields=["cycle", "level", "priority", "id"], name="objective_cycle_level"),
            models.Index(fields=["cycle", "owner", "priority", "id"], name="objective_cycle_owner"),
            models.Index(fields=["cycle", "department", "priority", "id"], name="objective_cycle_department"),
            # Department roll-ups group a level's objectives by department (5.8 → 1.4 ms on SQLite).
            models.Index(fields=["cycle", "level", "department"], name="objective_cycle_level_dept"),
            # SET-7: who wrote the cycle's objectives, answered from the index alone.
            models.Index(fields=["cycle", "author"], name="objective_cycle_author"),
            # The planning board and the approver's queue read a cycle's objectives by where they stand.
            models.Index(fields=["cycle", "approval"], name="objective_cycle_approval"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="objective_dates")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_agreed(self) -> bool:
        """Approved now or once before (a later change may be waiting for approval again): it counts, it is
        shown as its visibility says, and it takes check-ins."""
        return self.approval == Approval.APPROVED or self.approved_at is not None

    @property
    def takes_changes(self) -> bool:
        """It may still be changed: neither it nor its cycle is closed."""
        return not self.cycle.is_closed and self.status != Status.CLOSED

    @property
    def takes_check_ins(self) -> bool:
        """Check-ins go to an agreed objective (SET-1, SET-2: approved now or once before) that is not closed, in a
        cycle that is not closed (EXE-3)."""
        return self.takes_changes and self.is_agreed


class KeyResultKind(models.TextChoices):
    INCREASE = "increase", _("increase to a target")
    DECREASE = "decrease", _("decrease to a target")
    BAND = "band", _("keep within a band")
    MILESTONES = "milestones", _("milestones")
    BOOLEAN = "boolean", _("done or not done")


# The fields each kind is measured by (MEAS-1 … MEAS-3); the others mean nothing for it: the form shows only
# these, and the services ignore the rest (a form sent without JavaScript carries every field).
KIND_FIELDS: dict[str, frozenset[str]] = {
    KeyResultKind.INCREASE: frozenset({"start_value", "target_value", "current_value", "unit"}),
    KeyResultKind.DECREASE: frozenset({"start_value", "target_value", "current_value", "unit"}),
    KeyResultKind.BAND: frozenset({"band_low", "band_high", "current_value", "unit"}),
    KeyResultKind.MILESTONES: frozenset({"milestones"}),
    KeyResultKind.BOOLEAN: frozenset({"current_value"}),
}


class KeyResult(models.Model):
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="key_results", verbose_name=_("objective")
    )
    title = models.CharField(_("title"), max_length=200)
    # The title as the search box matches it (`qibu.core.pinyin.search_key`), set by the services that write it.
    search_key = models.TextField(_("search key"), blank=True, default="", db_default="", editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=KeyResultKind.choices, default=KeyResultKind.INCREASE)
    start_value = models.DecimalField(_("start value"), max_digits=18, decimal_places=4, default=ZERO)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4, default=ONE)
    current_value = models.DecimalField(_("current value"), max_digits=18, decimal_places=4, default=ZERO)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    band_low = models.DecimalField(_("band low"), max_digits=18, decimal_places=4, null=True, blank=True)
    band_high = models.DecimalField(_("band high"), max_digits=18, decimal_places=4, null=True, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=ONE, validators=[MinValueValidator(Decimal("0.01"))]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_key_results",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    confidence = models.PositiveSmallIntegerField(
        _("confidence (%)"), default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # MEAS-1: the raw value is kept and shown (over 100 % = over-achieved); the clamped one rolls up.
    progress_raw = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    progress = models.DecimalField(max_digits=7, decimal_places=4, default=ZERO)
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # UPD-1: the key result of the closing cycle this one continues; its history reads across the cycles.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried from"),
    )
    last_checkin_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # PLAY-PROJ "decompose and empower": the people who carry the key result with its owner.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="carried_key_results", verbose_name=_("contributors")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["objective_id", "position", "id"]
        verbose_name = _("key result")
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="key_result_dates")
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=ONE, validators=[MinValueValidator(Decimal("0.01"))]
    )
    done = models.BooleanField(_("done"), default=False)
    # EXE-9: when it is due (optional, within its key result's dates); overdue while not done after it.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["key_result_id", "position", "id"]
        verbose_name = _("milestone")
        # Overdue milestones are read by due date among those not done (the daily job, the manager's panel).
        indexes: ClassVar = [models.Index(fields=["done", "due_date"], name="milestone_open_due")]

    def __str__(self) -> str:
        return self.title


class DraftKeyResult(models.Model):
    """SET-9, PLAY-LOKR steps 3 and 4: a key result written before the objective it will serve, in its owner's pool
    for a cycle. Gathering drafts under an objective turns each into a `KeyResult` and removes it from the pool.
    An executive's drafts may sit under a strategic goal (vision → strategic goals → key results → objectives)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="draft_key_results",
        verbose_name=_("owner"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="draft_key_results", verbose_name=_("cycle")
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft_key_results",
        verbose_name=_("strategic goal"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=KeyResultKind.choices, default=KeyResultKind.INCREASE)
    start_value = models.DecimalField(_("start value"), max_digits=18, decimal_places=4, default=ZERO)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4, default=ONE)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    band_low = models.DecimalField(_("band low"), max_digits=18, decimal_places=4, null=True, blank=True)
    band_high = models.DecimalField(_("band high"), max_digits=18, decimal_places=4, null=True, blank=True)
    # The titles of a milestone key result's milestones, in order.
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    # Empty: the dates of the objective it will serve.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("drafted key result")
        # A pool is read by its owner and cycle, in order.
        indexes: ClassVar = [models.Index(fields=["owner", "cycle", "position", "id"], name="draft_kr_pool")]

    def __str__(self) -> str:
        return self.title


class Alignment(models.Model):
    """SET-6: a child objective aligns to a parent objective or to a parent key result (several allowed)."""

    child = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments_up")
    parent_objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="alignments_down"
    )
    parent_key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="alignments_down"
    )
    # The objective the link rolls up into: the parent objective, or the parent key result's objective.
    # Stored so that "children of X" and the loop check are one indexed query.
    rollup_parent = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="rollup_children")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alignment")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(parent_objective__isnull=False, parent_key_result__isnull=True)
                    | models.Q(parent_objective__isnull=True, parent_key_result__isnull=False)
                ),
                name="alignment_one_parent",
            ),
            # One link per (child, parent objective): to the objective or to one of its key results, so a
            # child is never counted twice in its parent's roll-up.
            models.UniqueConstraint(fields=["child", "rollup_parent"], name="alignment_unique_parent"),
        ]

    def __str__(self) -> str:
        parent = (
            f"kr:{self.parent_key_result_id}" if self.parent_key_result_id else f"objective:{self.parent_objective_id}"
        )
        return f"{self.child_id} → {parent}"


class ApprovalAction(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    APPROVE = "approve", _("approved")
    RETURN = "return", _("returned")
    REOPEN = "reopen", _("reopened")


class ApprovalDecision(models.Model):
    """One step of an objective's approval (SET-1, SET-2): who submitted, approved or returned it, and why."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="approval_decisions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=ApprovalAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("approval decision")
        indexes: ClassVar = [models.Index(fields=["objective", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.action}"


class CheckIn(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    milestones_done = models.JSONField(_("milestones done"), default=list, blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    previous_confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence_reason = models.TextField(_("why confidence fell"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # Progress of the key result after this check-in, for the chart over time.
    progress_raw = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    progress = models.DecimalField(max_digits=7, decimal_places=4, default=ZERO)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("check-in")
        indexes: ClassVar = [models.Index(fields=["key_result", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.key_result_id} @ {self.created_at:%Y-%m-%d}"

    @property
    def confidence_fall(self) -> int:
        if self.previous_confidence is None:
            return 0
        return max(0, self.previous_confidence - self.confidence)


class CorrectionKind(models.TextChoices):
    """EXE-11: what a corrective action changes."""

    RE_EVALUATE = "re_evaluate", _("re-evaluate the objective")
    TARGET = "target", _("revise a key result's target")
    DATES = "dates", _("revise the dates")
    STRATEGY = "strategy", _("change strategy or resources")


class CorrectionApproval(models.TextChoices):
    """Where a correction stands with the objective's approvers."""

    AGREED = "agreed", _("agreed")
    PENDING = "pending", _("waiting for approval")
    RETURNED = "returned", _("returned by the approver")
    NOT_ASKED = "not_asked", _("no approval asked")


class Correction(models.Model):
    """EXE-11, PLAY-SALES step 5: a corrective action on an objective (or one of its key results), recorded with its
    reason, what it changed (`before` → `after`, as stored values) and who agreed it. Made by
    `qibu.okrs.services.corrections.correction_make`, which applies the change through the other services."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("objective")
    )
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("key result"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CorrectionKind.choices)
    reason = models.TextField(_("reason"))
    # The fields changed, as stored before and after (dates as ISO text, numbers as text); a change of strategy
    # or resources keeps its words under "strategy".
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    # The key result's progress just before and after (a revised target moves it): the chart marks the step.
    progress_before = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    progress_after = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    approval = models.CharField(
        _("approval"), max_length=20, choices=CorrectionApproval.choices, default=CorrectionApproval.NOT_ASKED
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("correction")
        indexes: ClassVar = [
            models.Index(fields=["objective", "-created_at"], name="correction_objective"),
            # The weekly meetings' agenda reads the week's corrections of many objectives.
            models.Index(fields=["created_at"], name="correction_created"),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.kind}"

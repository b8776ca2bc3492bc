"""The publication (PUB-1): a quarter's OKRs compiled and frozen at the moment they are published.

A publication is a snapshot: its entries copy what the objectives said then (titles, key results with their
targets, owners, alignment parents, progress), so that it reads the same however the OKRs change afterwards, and
the next publication of the quarter can say what changed. Each entry keeps the objective's visibility and the
facts `can_view` decides by (owner, author, the owner's manager, the department's path), so that the page filters
on read as the OKR pages do (PUB-2); private objectives are never copied.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle


class Part(models.TextChoices):
    ANNUAL = "annual", _("Company annual OKRs")
    COMPANY = "company", _("Company quarterly OKRs")
    DEPARTMENT = "department", _("Department quarterly OKRs")
    PERSON = "person", _("Personal quarterly OKRs")
    PREVIOUS = "previous", _("Summary of the previous quarter")


class State(models.TextChoices):
    COMPILING = "compiling", _("compiling")
    PUBLISHED = "published", _("published")
    FAILED = "failed", _("compiling failed")
    UNCHANGED = "unchanged", _("nothing changed")


class Publication(models.Model):
    """Asked for in the request (state "compiling": the message, who was missing, who asked); the worker then
    compiles its snapshot (`services.publication_compile`) and it becomes "published" with its number and mailing,
    "unchanged" (the same as `same_as`, mailed to nobody) or "failed" with its error, to retry."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="publications", verbose_name=_("cycle"))
    # 1, 2, … within the cycle: a quarter published again after changes gets the next number.
    # Given when compiled (none while compiling, when it failed or nothing changed).
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PUBLISHED)
    error = models.TextField(_("error"), blank=True)
    # An "unchanged" publication: the publication of the quarter it would have repeated.
    same_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("same as")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    previous_cycle = models.ForeignKey(
        Cycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous quarter"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # PUB-3: the leaders' word on why these OKRs matter, shown as text (never as HTML).
    message = models.TextField(_("leaders' message"))
    # Who was not ready when it was published anyway: [{"kind", "id", "name", "reason"}].
    missing = models.JSONField(_("not ready"), default=list, blank=True)
    # What changed since the previous publication of the cycle: [{"change", "what", "title", …}].
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # What the update carried into the cycle from the one before (`qibu.publish.carry`): kept, changed, dropped, new.
    carried = models.JSONField(_("carried over"), default=list, blank=True)
    # How many people it is mailed to (active, with an address), counted when it was published.
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    mails_built = models.PositiveIntegerField(_("mails built"), default=0)

    class Meta:
        ordering: ClassVar = ["-published_at", "-id"]
        verbose_name = _("publication")
        constraints: ClassVar = [models.UniqueConstraint(fields=["cycle", "number"], name="publication_unique_number")]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.number or '-'}"

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED


class Entry(models.Model):
    """One objective as it was published, with its key results."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="entries", verbose_name=_("publication")
    )
    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    # The objective it copies (no foreign key: the snapshot outlives the objective).
    objective_id = models.PositiveBigIntegerField(_("objective"))
    level = models.CharField(_("level"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    owner_id = models.PositiveBigIntegerField(_("owner"), null=True, blank=True)
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    department_id = models.PositiveBigIntegerField(_("department"), null=True, blank=True)
    department_name = models.CharField(_("department's name"), max_length=200, blank=True)
    team_name = models.CharField(_("team's name"), max_length=200, blank=True)
    # What `qibu.okrs.access.can_view` decides by, as it was: read through `qibu.publish.access`.
    visibility = models.CharField(_("visibility"), max_length=20)
    author_id = models.PositiveBigIntegerField(_("author"), null=True, blank=True)
    owner_manager_id = models.PositiveBigIntegerField(_("owner's manager"), null=True, blank=True)
    department_path = models.CharField(_("department's path"), max_length=500, blank=True)
    progress = models.DecimalField(_("progress"), max_digits=7, decimal_places=4, default=Decimal(0))
    confidence = models.DecimalField(_("confidence"), max_digits=7, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, null=True, blank=True)
    # Titles of the objectives and key results it aligns to (only those everyone may see).
    parents = models.JSONField(_("aligned to"), default=list, blank=True)
    # [{"id", "title", "kind", "start", "target", "current", "unit", "low", "high", "owner", "progress", "score"}]
    key_results = models.JSONField(_("key results"), default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["publication_id", "part", "position", "id"]
        verbose_name = _("published objective")
        indexes: ClassVar = [
            models.Index(fields=["publication", "part", "position"], name="entry_part_order"),
            models.Index(fields=["publication", "owner_id"], name="entry_owner"),
            models.Index(fields=["publication", "department_id"], name="entry_department"),
        ]

    def __str__(self) -> str:
        return self.title

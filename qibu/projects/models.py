"""Projects (PLAY-PROJ): a project's vision and mission (VIS-3), its lead and members from any department, and its
stages, each a cycle of its own (`CycleKind.PROJECT_STAGE`) whose objectives are the project's.

A stage's objectives are okrs objectives of `Level.PROJECT` in the stage's cycle: they align to department and
company objectives like any other, and roll up into the project's page (`selectors.project_page`).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class Project(models.Model):
    name = models.CharField(_("name"), max_length=150)
    # The name as the search box matches it (`qibu.core.pinyin.search_key`), set by the services that write it.
    search_key = models.TextField(_("search key"), blank=True, default="", db_default="", editable=False)
    # VIS-3: what the project wants to become, and what it is for (项目 步骤一).
    vision = models.TextField(_("vision"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-start", "id"]
        verbose_name = _("project")
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="project_dates")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.status == ProjectStatus.CLOSED


class ProjectMember(models.Model):
    """Someone on the project, from any department, with their role in it (PLAY-PROJ "decompose and empower").
    The lead is a member too: the services add them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="project_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in the project"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["project_id", "id"]
        verbose_name = _("project member")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "person"], name="project_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.person_id}"


class Stage(models.Model):
    """A stage of a project with its own time frame (PLAY-PROJ 步骤四): a cycle made for it, within the project's
    dates, holding the stage's objectives."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="project_stage", verbose_name=_("cycle"))

    class Meta:
        ordering: ClassVar = ["project_id", "position", "id"]
        verbose_name = _("project stage")

    def __str__(self) -> str:
        return self.name

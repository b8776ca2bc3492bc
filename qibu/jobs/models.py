"""A job is a row: what to run (a registered task and its arguments), when, by whom, and how it went."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    task = models.CharField(_("task"), max_length=100)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    priority = models.SmallIntegerField(_("priority"), default=0, help_text=_("Lower runs first."))
    run_after = models.DateTimeField(_("not before"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=5)
    # While running: the worker holding the job must renew the lease (heartbeat) before it ends, or the job is
    # claimed again by another worker.
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Enqueueing twice with one key gives one job (e.g. one per reminder and occurrence).
    key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            # What a worker claims: queued and due, most urgent first.
            models.Index(fields=["status", "priority", "run_after"], name="job_claim_order"),
            # Running jobs whose lease ran out, found by the next claim.
            models.Index(fields=["status", "lease_until"], name="job_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.task}#{self.pk} ({self.status})"


class Probe(models.Model):
    """An administrator's check that background work runs: a probe job answers it by writing `answered_at`."""

    token = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=100, blank=True)
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("worker probe")

    def __str__(self) -> str:
        return self.token

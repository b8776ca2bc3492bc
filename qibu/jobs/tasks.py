"""The queue's own task: a probe that answers an administrator's check that the workers run."""

from __future__ import annotations

import time

from django.db.models import F
from django.utils import timezone

from qibu.jobs.models import Probe
from qibu.jobs.registry import task

PROBE_LONGEST_SECONDS = 30


@task("jobs.probe", max_attempts=3)
def probe(*, token: str, seconds: float = 0, worker: str = "") -> None:
    """Answer the probe `token` once, after `seconds` (to see a slow job's lease kept or taken over). Run again
    after its worker died, it answers again but the probe keeps its first answer: idempotent."""
    time.sleep(min(max(float(seconds), 0.0), PROBE_LONGEST_SECONDS))
    Probe.objects.filter(token=token).update(answers=F("answers") + 1)
    Probe.objects.filter(token=token, answered_at__isnull=True).update(answered_at=timezone.now(), answered_by=worker)

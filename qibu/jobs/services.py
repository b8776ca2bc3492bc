"""The queue's writes: enqueue, claim under a lease, renew it, finish, fail and retry.

A job is enqueued in the transaction of the action that causes it (the transactional outbox): it exists only if
the action commits, and no worker can see it before then. Workers claim due jobs in one short transaction —
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers on several machines never take the same job; SQLite
runs write transactions one at a time (IMMEDIATE), which gives the same guarantee for one machine.
"""

from __future__ import annotations

import datetime as dt
import random
import traceback
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qibu.jobs import registry
from qibu.jobs.models import Job, JobStatus

# How long a claim holds without a heartbeat; a worker renews it every third of that.
LEASE = dt.timedelta(seconds=getattr(settings, "QIBU_JOB_LEASE_SECONDS", 60))
# Retries wait 10 s, 20 s, 40 s … up to an hour, each ±20 % so that failures spread out.
BACKOFF_FIRST = dt.timedelta(seconds=10)
BACKOFF_MOST = dt.timedelta(hours=1)
ERROR_MAX = 10_000


def enqueue(
    task: str,
    args: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    run_after: dt.datetime | None = None,
    priority: int = 0,
) -> Job:
    """A job for the registered `task`, written in the caller's transaction. With `key`, enqueueing again (in this
    transaction or any other) answers the job already there instead of making a second."""
    registered = registry.get(task)
    fields = {
        "task": task,
        "args": args or {},
        "priority": priority,
        "run_after": run_after or timezone.now(),
        "max_attempts": registered.max_attempts,
        "key": key,
    }
    if key is None:
        return Job.objects.create(**fields)
    existing = Job.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a race on the key must not spoil the caller's transaction
            return Job.objects.create(**fields)
    except IntegrityError:
        return Job.objects.get(key=key)


def _period_start(every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    periods = (now - epoch) // every
    return epoch + periods * every


def enqueue_periodic(now: dt.datetime | None = None, *, done: dict[str, dt.datetime] | None = None) -> list[Job]:
    """One job per periodic task and period, whichever worker asks first: the period is in the job's key, so a
    second worker (or a second ask) finds it there. `done` remembers the periods this worker already asked for,
    so that it asks once per period, not on every loop."""
    now = now or timezone.now()
    done = {} if done is None else done
    jobs = []
    for periodic in registry.periodic():
        if periodic.every is None:
            continue
        start = _period_start(periodic.every, now)
        if done.get(periodic.name) == start:
            continue
        jobs.append(enqueue(periodic.name, key=f"periodic:{periodic.name}:{start.isoformat()}", run_after=start))
        done[periodic.name] = start
    return jobs


# One statement: due jobs (queued and due, or running under a lease that ran out because their worker stopped
# heartbeating), most urgent first, taken for one worker. PostgreSQL skips rows another worker is taking at the
# same moment; SQLite runs one writing statement at a time. One round trip instead of five (select, update,
# commit, read back): the claim costs what a job's own work costs, so it sets the queue's speed.
_CLAIM_SQL = """\
UPDATE {job} SET status = %s, worker = %s, lease_until = %s, attempts = attempts + 1, started_at = %s
WHERE id IN (
    SELECT id FROM {job}
    WHERE (status = %s AND run_after <= %s) OR (status = %s AND lease_until < %s)
    ORDER BY priority, run_after, id
    LIMIT %s{skip_locked}
)
RETURNING *
"""


def claim(worker: str, *, limit: int = 1, now: dt.datetime | None = None) -> list[Job]:
    """Take up to `limit` due jobs for `worker`, leased until now + LEASE, most urgent first."""
    now = now or timezone.now()
    sql = _CLAIM_SQL.format(
        job=connection.ops.quote_name(Job._meta.db_table),
        skip_locked=" FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else "",
    )
    running, queued = JobStatus.RUNNING.value, JobStatus.QUEUED.value
    params = [running, worker, now + LEASE, now, queued, now, running, now, limit]
    jobs = list(Job.objects.raw(sql, params))
    return sorted(jobs, key=lambda job: (job.priority, job.run_after, job.pk))


def heartbeat(worker: str, job_ids: list[int], now: dt.datetime | None = None) -> int:
    """Renew the lease of the worker's running jobs; answers how many it still holds."""
    now = now or timezone.now()
    return Job.objects.filter(pk__in=job_ids, worker=worker, status=JobStatus.RUNNING).update(lease_until=now + LEASE)


def complete(job: Job, worker: str) -> bool:
    """Mark the job done, if the worker still holds it (a worker whose lease ran out has lost it)."""
    return bool(
        Job.objects.filter(pk=job.pk, worker=worker, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, lease_until=None, finished_at=timezone.now(), last_error=""
        )
    )


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt `attempts + 1`: doubling from BACKOFF_FIRST, capped at BACKOFF_MOST, ±20 %."""
    wait = min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 20)), BACKOFF_MOST)
    return wait * random.uniform(0.8, 1.2)  # noqa: S311 — spreading retries, not a secret


def fail(job: Job, worker: str, error: BaseException | str) -> bool:
    """Record the failure; queue the job again after a back-off, or mark it failed after its last attempt."""
    text = error if isinstance(error, str) else "".join(traceback.format_exception(error))
    now = timezone.now()
    held = Job.objects.filter(pk=job.pk, worker=worker, status=JobStatus.RUNNING)
    if job.attempts >= job.max_attempts:
        return bool(
            held.update(status=JobStatus.FAILED, lease_until=None, finished_at=now, last_error=text[-ERROR_MAX:])
        )
    return bool(
        held.update(
            status=JobStatus.QUEUED,
            lease_until=None,
            run_after=now + backoff(job.attempts),
            last_error=text[-ERROR_MAX:],
        )
    )


def give_up_abandoned(job: Job, worker: str) -> bool:
    """A job claimed again after its worker stopped, once too often: failed, not run once more."""
    return fail(job, worker, f"The worker running it stopped {job.attempts - 1} times; given up.")


def retry(job: Job) -> Job:
    """An administrator's retry of a failed job: queued now, with its attempts counted afresh."""
    Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, attempts=0, run_after=timezone.now(), finished_at=None
    )
    job.refresh_from_db()
    return job

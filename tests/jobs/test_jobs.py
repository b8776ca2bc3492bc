"""Background work that survives a crash (issue 7): jobs enqueued in the action's transaction, claimed under a
lease, taken over when a worker stops heartbeating, retried with back-off, periodic work once per period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from qibu.jobs import services
from qibu.jobs.models import Job, JobStatus, Probe
from qibu.jobs.registry import TASKS, task
from qibu.jobs.worker import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_this_tests_periodic_work() -> Iterator[None]:
    """The apps' own periodic tasks (the mail retry sweep) are set aside, so a worker here runs only what the
    test enqueued; the test's count of jobs run is then exact."""
    apps_periodic = {name: t for name, t in TASKS.items() if t.every is not None}
    for name in apps_periodic:
        del TASKS[name]
    yield
    TASKS.update(apps_periodic)


@pytest.fixture
def failing() -> Iterator[list[int]]:
    """A task that fails its first `times` runs, registered for the test only."""
    runs: list[int] = []

    @task("test.failing", max_attempts=3)
    def failing_task(*, times: int) -> None:
        runs.append(1)
        if len(runs) <= times:
            raise RuntimeError(f"failure {len(runs)}")

    yield runs
    TASKS.pop("test.failing")


def _probe(token: str = "t1", **args: object) -> Job:
    Probe.objects.create(token=token)
    return services.enqueue("jobs.probe", {"token": token, **args})


def test_it_enqueues_in_the_transaction_of_the_action() -> None:
    """A job exists only if the action that caused it commits."""
    with transaction.atomic():
        _probe("kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        _probe("undone")
        raise RuntimeError("the action failed")
    assert list(Job.objects.values_list("args__token", flat=True)) == ["kept"]


def test_it_makes_one_job_for_one_key() -> None:
    first = services.enqueue("jobs.probe", {"token": "a"}, key="reminder:7:2026-12-01")
    again = services.enqueue("jobs.probe", {"token": "a"}, key="reminder:7:2026-12-01")
    assert first.pk == again.pk
    assert Job.objects.count() == 1


def test_it_refuses_a_task_nobody_registered() -> None:
    with pytest.raises(LookupError):
        services.enqueue("no.such.task")


def test_it_runs_a_job_and_marks_it_done() -> None:
    job = _probe()
    assert Worker(name="w1").run(until_empty=True) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (JobStatus.DONE, 1, "w1")
    assert Probe.objects.get(token="t1").answered_at is not None


def test_it_retries_a_failure_after_a_back_off_then_gives_up(failing: list[int]) -> None:
    job = services.enqueue("test.failing", {"times": 5})
    worker = Worker(name="w1")
    assert worker.run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert "failure 1" in job.last_error
    wait = job.run_after - timezone.now()
    assert dt.timedelta(seconds=7) < wait <= dt.timedelta(seconds=12)  # 10 s ± 20 %
    assert not worker.run_one(), "not retried before its back-off"
    for _attempt in (2, 3):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        assert worker.run_one()
    job.refresh_from_db()
    assert (job.status, job.attempts, len(failing)) == (JobStatus.FAILED, 3, 3)
    assert "failure 3" in job.last_error


def test_it_doubles_the_back_off_up_to_an_hour() -> None:
    for attempts, seconds in ((1, 10), (2, 20), (3, 40), (4, 80)):
        assert 0.8 * seconds <= services.backoff(attempts).total_seconds() <= 1.2 * seconds
    assert dt.timedelta(minutes=48) <= services.backoff(30) <= dt.timedelta(hours=1, minutes=12)


def test_it_gives_a_job_to_another_worker_when_its_lease_runs_out() -> None:
    """A worker that stops heartbeating (killed, lost) loses the job; its late completion is ignored."""
    job = _probe()
    (claimed,) = services.claim("dead")
    assert services.claim("alive") == [], "leased to the first worker"
    later = timezone.now() + services.LEASE + dt.timedelta(seconds=1)
    (taken,) = services.claim("alive", now=later)
    assert (taken.pk, taken.attempts, taken.worker) == (job.pk, 2, "alive")
    assert not services.complete(claimed, "dead"), "the dead worker no longer holds it"
    assert services.complete(taken, "alive")


def test_it_keeps_a_lease_alive_while_the_heartbeat_beats() -> None:
    _probe()
    (job,) = services.claim("w1")
    soon = timezone.now() + services.LEASE - dt.timedelta(seconds=1)
    assert services.heartbeat("w1", [job.pk], now=soon) == 1
    assert services.claim("w2", now=soon + dt.timedelta(seconds=2)) == [], "renewed, so still leased"


def test_it_gives_up_a_job_whose_workers_keep_dying() -> None:
    job = _probe()
    at = timezone.now()
    for _death in range(job.max_attempts):
        services.claim("doomed", now=at)
        at += services.LEASE + dt.timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert Worker(name="last").run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped" in job.last_error
    assert Probe.objects.get(token="t1").answers == 0


def test_it_enqueues_periodic_work_once_per_period_whoever_asks() -> None:
    @task("test.every_minute", every=dt.timedelta(minutes=1))
    def every_minute() -> None:
        pass

    try:
        at = dt.datetime(2026, 12, 1, 9, 30, 15, tzinfo=dt.UTC)
        first, second = services.enqueue_periodic(at), services.enqueue_periodic(at + dt.timedelta(seconds=30))
        assert [j.pk for j in first] == [j.pk for j in second]
        (next_minute,) = services.enqueue_periodic(at + dt.timedelta(minutes=1))
        assert next_minute.pk != first[0].pk
        assert Job.objects.filter(task="test.every_minute").count() == 2
    finally:
        TASKS.pop("test.every_minute")


def test_it_lets_an_administrator_retry_a_failed_job(failing: list[int]) -> None:
    job = services.enqueue("test.failing", {"times": 0})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, attempts=3)
    job.refresh_from_db()
    services.retry(job)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    assert Worker(name="w").run(until_empty=True) == 1

"""The worker: claims due jobs, runs each under a lease that a heartbeat keeps alive, and retries failures.

Several workers, on one machine or many sharing a PostgreSQL database, run side by side: each claim is atomic,
and each periodic task is enqueued once per period whoever asks. A worker stopped with SIGTERM finishes its job
first; one killed outright (`kill -9`, a lost machine) stops heartbeating, its lease runs out, and the next worker
takes the job over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import close_old_connections, connection, connections

from qibu.jobs import registry, services
from qibu.jobs.models import Job

log = logging.getLogger("qibu.jobs")


class _Heartbeat(threading.Thread):
    """Renews the lease of the job being run, every third of the lease, until told to stop."""

    def __init__(self, worker: str, job_id: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.worker, self.job_id = worker, job_id
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(services.LEASE.total_seconds() / 3):
                if not services.heartbeat(self.worker, [self.job_id]):
                    log.warning("job %s: lease lost to another worker", self.job_id)
                    return
        finally:
            connections.close_all()


class Worker:
    def __init__(self, *, name: str | None = None, poll_seconds: float = 1.0) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self._periods: dict[str, datetime] = {}

    def stop(self, *_args: object) -> None:
        """Finish the job in hand, then stop (SIGTERM, Ctrl-C)."""
        self.stopping.set()

    def run_one(self) -> bool:
        """Enqueue what periodic work is due, then claim and run one job; False when there was none."""
        if not connection.in_atomic_block:  # between jobs, as between requests (never inside a test's transaction)
            close_old_connections()
        services.enqueue_periodic(done=self._periods)
        claimed = services.claim(self.name)
        if not claimed:
            return False
        self._run(claimed[0])
        return True

    def _run(self, job: Job) -> None:
        if job.attempts > job.max_attempts:
            services.give_up_abandoned(job, self.name)
            return
        heartbeat = _Heartbeat(self.name, job.pk)
        heartbeat.start()
        try:
            registry.get(job.task).function(**job.args)
        except Exception as error:
            log.warning("job %s (%s) failed, attempt %s of %s", job.pk, job.task, job.attempts, job.max_attempts)
            services.fail(job, self.name, error)
        else:
            services.complete(job, self.name)
        finally:
            heartbeat.stopping.set()
            heartbeat.join()

    def run(
        self, *, until_empty: bool = False, max_jobs: int | None = None, idle: Callable[[], None] | None = None
    ) -> int:
        """Run jobs until stopped (or, with `until_empty`, until none is due); answers how many ran."""
        ran = 0
        while not self.stopping.is_set() and (max_jobs is None or ran < max_jobs):
            if self.run_one():
                ran += 1
                continue
            if until_empty:
                break
            if idle is not None:
                idle()
            self.stopping.wait(self.poll_seconds)
        return ran

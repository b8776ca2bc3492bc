"""The publication's mailing, for the background worker (never in the publishing request)."""

from __future__ import annotations

from qibu.jobs.registry import task
from qibu.publish import mailing, services


@task("publish.compile")
def compile_publication(*, publication: int) -> None:
    """Compile the snapshot of a publication asked for, then enqueue its mailing (a second run compiles nothing)."""
    services.publication_compile(publication)


@task("publish.mail")
def mail(*, publication: int) -> None:
    """Split the recipients into batches, a job each (their keys make a second run enqueue nothing new)."""
    mailing.mailing_plan(publication)


@task("publish.mail_batch")
def mail_batch(*, publication: int, first: int, last: int) -> None:
    """Build one batch's mails; those already in the outbox are skipped, so a batch run again mails nobody twice."""
    mailing.mailing_batch(publication, first, last)

"""Publishing a quarter (PUB-1 … PUB-3) in two steps, so that no web request holds while 25,000 objectives are copied.

1. `publication_publish` (the request): checks the permission, the leaders' message and who is ready, writes the
   publication in the state "compiling" with what it needs, and enqueues its compile job. It answers at once.
2. `publication_compile` (the worker, job "publish.compile"): under a lock on the publication, compiles the snapshot,
   says what changed since the last publication of the quarter, gives it its number, records it in the cycle's
   history and enqueues the mailing (`qibu.publish.mailing`). Run twice, it compiles once: a publication no longer
   "compiling" is left alone. A failure leaves it "failed" with its error; `publication_retry` compiles it again.

"Nothing changed → the same publication back" (a form sent twice mails nobody twice) is decided in two places by
what each can know: the request answers a publication of the quarter still compiling with the same message and
the same people missing (a form sent twice while the first is compiling); the compile job, which alone sees the
OKRs as they are, marks a publication that would say exactly what the previous one says "unchanged", pointing to
it, and mails nobody."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.audit.services import history_record
from qibu.core.validation import TEXT_MAX, FieldErrors, clean_text
from qibu.cycles.models import Cycle, CycleKind
from qibu.jobs import services as jobs
from qibu.jobs.models import Job
from qibu.org.models import Person
from qibu.publish import access, selectors, snapshot
from qibu.publish.carry import carry_over
from qibu.publish.models import Publication, State

# How many of those not ready a refusal names before it says "and N more".
NAMED_IN_REFUSAL = 10


def _not_ready_message(readiness: selectors.Readiness) -> str:
    people, departments = readiness.people_missing, readiness.departments_missing
    names = ", ".join(m.name for m in readiness.missing[:NAMED_IN_REFUSAL])
    more = len(readiness.missing) - NAMED_IN_REFUSAL
    counted = _("%(people)s and %(departments)s are not ready (no objectives, or objectives not approved yet)") % {
        "people": ngettext("%(n)d person", "%(n)d people", len(people)) % {"n": len(people)},
        "departments": ngettext("%(n)d department", "%(n)d departments", len(departments)) % {"n": len(departments)},
    }
    named = names + (ngettext(" and %(n)d more", " and %(n)d more", more) % {"n": more} if more > 0 else "")
    return _("%(counted)s: %(names)s. Publish anyway to publish without them.") % {"counted": counted, "names": named}


# How much of a failed compile's error the publication keeps for the administrator (the traceback goes to the log).
ERROR_KEPT = 4000
logger = logging.getLogger(__name__)


def _locked(pk: int) -> Publication | None:
    """The publication, locked for this transaction: `FOR UPDATE` on PostgreSQL; on SQLite a first write takes the
    database's write lock before anything is read, so a second worker waits and then reads the state as committed."""
    if not connection.features.has_select_for_update:
        Publication.objects.filter(pk=pk).update(state=F("state"))
    return Publication.objects.select_for_update().select_related("cycle").filter(pk=pk).first()


def _is_repeat(publication: Publication, previous: Publication | None) -> bool:
    return (
        previous is not None
        and not publication.changes
        and previous.carried == publication.carried
        and (previous.message, previous.missing) == (publication.message, publication.missing)
    )


class _Unchanged(Exception):
    """The publication would say exactly what the previous one of the quarter says (its snapshot is rolled back)."""


def _compile_snapshot(publication: Publication, previous: Publication | None) -> None:
    with transaction.atomic():  # a savepoint: an unchanged publication keeps no entries
        snapshot.snapshot_write(publication)
        publication.changes = snapshot.changes_since(previous, publication)
        publication.carried = carry_over(publication.cycle)
        if _is_repeat(publication, previous):
            raise _Unchanged


def _compile(publication: Publication) -> None:
    cycle = publication.cycle
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one compile at a time per cycle
    published = Publication.objects.filter(cycle=cycle, state=State.PUBLISHED)
    last = published.aggregate(n=Max("number"))["n"] or 0
    previous = published.filter(number=last).first() if last else None
    try:
        _compile_snapshot(publication, previous)
    except _Unchanged:
        publication.state, publication.same_as, publication.changes = State.UNCHANGED, previous, []
        publication.save(update_fields=["state", "same_as", "changes"])
        return
    publication.number = last + 1
    publication.state, publication.error = State.PUBLISHED, ""
    publication.published_at = timezone.now()
    publication.recipients = selectors.recipients().count()
    publication.save(update_fields=["number", "state", "error", "published_at", "recipients", "changes", "carried"])
    history_record(
        actor=publication.published_by,
        action="publication.publish",
        subject=cycle,
        target=publication,
        after={
            "number": publication.number,
            "missing": len(publication.missing),
            "changes": len(publication.changes),
            "recipients": publication.recipients,
        },
    )
    jobs.enqueue("publish.mail", {"publication": publication.pk}, key=f"publication:{publication.pk}:mail")


def publication_compile(publication_id: int) -> str:
    """Compile a publication asked for (the worker's job): its snapshot, what changed, its number, its history and
    its mailing, in one transaction. Answers the state it is left in. Idempotent: a publication no longer
    "compiling" (compiled by an earlier run, or failed) is left as it is. An error rolls the compile back and
    leaves the publication "failed" with the error, for an administrator to read and retry."""
    try:
        with transaction.atomic():
            publication = _locked(publication_id)
            if publication is None or publication.state != State.COMPILING:
                return publication.state if publication else ""
            _compile(publication)
            return publication.state
    except Exception as exc:
        logger.exception("Compiling publication %s failed", publication_id)
        text = f"{type(exc).__name__}: {exc}"[-ERROR_KEPT:]
        Publication.objects.filter(pk=publication_id, state=State.COMPILING).update(state=State.FAILED, error=text)
        return State.FAILED


def _enqueue_compile(publication: Publication, attempt: int) -> None:
    jobs.enqueue(
        "publish.compile", {"publication": publication.pk}, key=f"publication:{publication.pk}:compile:{attempt}"
    )


@transaction.atomic
def publication_publish(*, actor: Person, cycle: Cycle, message: str, anyway: bool = False) -> Publication:
    """Ask for the quarter to be published: when everyone is ready, or `anyway`, naming who is not. The leaders'
    message (PUB-3) is required. Answers the publication, "compiling": the job this enqueues compiles it and then
    mails it, in batches. A publication of the quarter still compiling with the same message and the same people
    missing is answered instead of a second one."""
    if not access.can_publish(actor):
        raise PermissionDenied
    errors = FieldErrors()
    if cycle.kind != CycleKind.QUARTER:
        errors.add("cycle", _("Only a quarter is published: choose a quarter, not “%(name)s”.") % {"name": cycle.name})
    text = clean_text(
        errors,
        "message",
        message,
        max_length=TEXT_MAX,
        missing=_("Write the leaders' message: why these OKRs matter."),
    )
    readiness = selectors.readiness(cycle)
    if not readiness.ready and not anyway:
        errors.add("anyway", _not_ready_message(readiness))
    errors.raise_if_any()
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one request at a time per cycle
    missing = [m.as_json() for m in readiness.missing]
    waiting = Publication.objects.filter(cycle=cycle, state=State.COMPILING).order_by("-id").first()
    if waiting is not None and (waiting.message, waiting.missing) == (text, missing):
        return waiting
    publication = Publication.objects.create(
        cycle=cycle,
        state=State.COMPILING,
        previous_cycle=selectors.previous_quarter(cycle),
        published_by=actor,
        message=text,
        missing=missing,
    )
    _enqueue_compile(publication, 1)
    return publication


@transaction.atomic
def publication_retry(*, actor: Person, publication: Publication) -> Publication:
    """Compile a failed publication again (administrators and executives, as publishing)."""
    if not access.can_publish(actor):
        raise PermissionDenied
    locked = _locked(publication.pk)
    if locked is None or locked.state != State.FAILED:
        errors = FieldErrors()
        errors.add("state", _("Only a publication whose compiling failed is compiled again."))
        errors.raise_if_any()
    assert locked is not None  # noqa: S101 — for the type checker: raise_if_any raised otherwise
    attempts = Job.objects.filter(key__startswith=f"publication:{locked.pk}:compile:").count()
    locked.state, locked.error = State.COMPILING, ""
    locked.save(update_fields=["state", "error"])
    _enqueue_compile(locked, attempts + 1)
    return locked

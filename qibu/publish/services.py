"""Publishing a quarter (PUB-1 … PUB-3): one transaction that checks who is ready, compiles the snapshot, says what
changed since the last publication of the quarter, records it in the cycle's history and enqueues the mailing.
The mails themselves are built by the worker (`qibu.publish.mailing`), never in the request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.audit.services import history_record
from qibu.core.validation import TEXT_MAX, FieldErrors, clean_text
from qibu.cycles.models import Cycle, CycleKind
from qibu.jobs import services as jobs
from qibu.org.models import Person
from qibu.publish import access, selectors, snapshot
from qibu.publish.models import Publication

# How many of those not ready a refusal names before it says "and N more".
NAMED_IN_REFUSAL = 10


def _not_ready_message(readiness: selectors.Readiness) -> str:
    people, departments = readiness.people_missing, readiness.departments_missing
    names = ", ".join(m.name for m in readiness.missing[:NAMED_IN_REFUSAL])
    more = len(readiness.missing) - NAMED_IN_REFUSAL
    counted = _("%(people)s and %(departments)s are not ready (no objectives, or objectives still in draft)") % {
        "people": ngettext("%(n)d person", "%(n)d people", len(people)) % {"n": len(people)},
        "departments": ngettext("%(n)d department", "%(n)d departments", len(departments)) % {"n": len(departments)},
    }
    named = names + (ngettext(" and %(n)d more", " and %(n)d more", more) % {"n": more} if more > 0 else "")
    return _("%(counted)s: %(names)s. Publish anyway to publish without them.") % {"counted": counted, "names": named}


class _Unchanged(Exception):
    """The publication would say exactly what the previous one of the quarter says."""

    def __init__(self, previous: Publication) -> None:
        super().__init__()
        self.previous = previous


def _compiled(
    actor: Person,
    cycle: Cycle,
    number: int,
    text: str,
    readiness: selectors.Readiness,
    previous: Publication | None,
) -> Publication:
    """The new publication with its snapshot, in a savepoint: when nothing changed since the previous publication
    (the same OKRs, the same message, the same people missing) it is rolled back, and publishing again (a form sent
    twice) answers the previous one, which mails nobody again."""
    with transaction.atomic():
        publication = Publication.objects.create(
            cycle=cycle,
            number=number,
            previous_cycle=selectors.previous_quarter(cycle),
            published_by=actor,
            message=text,
            missing=[m.as_json() for m in readiness.missing],
            recipients=selectors.recipients().count(),
        )
        snapshot.snapshot_write(publication)
        publication.changes = snapshot.changes_since(previous, publication)
        if (
            previous is not None
            and not publication.changes
            and (previous.message, previous.missing)
            == (
                publication.message,
                publication.missing,
            )
        ):
            raise _Unchanged(previous)
        publication.save(update_fields=["changes"])
    return publication


@transaction.atomic
def publication_publish(*, actor: Person, cycle: Cycle, message: str, anyway: bool = False) -> Publication:
    """Publish the quarter: when everyone is ready, or `anyway`, naming who is not. The leaders' message (PUB-3)
    is required. Answers the publication; its mails are built by the job this enqueues, in batches."""
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
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one publication at a time per cycle
    last = Publication.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0
    previous = Publication.objects.filter(cycle=cycle, number=last).first() if last else None
    try:
        publication = _compiled(actor, cycle, last + 1, text, readiness, previous)
    except _Unchanged as unchanged:
        return unchanged.previous
    history_record(
        actor=actor,
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
    return publication

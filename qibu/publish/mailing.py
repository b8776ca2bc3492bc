"""The publication's mail (PUB-1): one message per employee, in their language, that puts their own OKRs first,
then their department's, then the company's, then the link to the whole publication.

Built by the worker, never in the request: `mailing_plan` (the job the publishing enqueues) splits the recipients
into batches of `BATCH` people, each a job of its own with its own key; `mailing_batch` builds that batch's mails
in a fixed number of queries plus the outbox's own, through `qibu.notify.services.mail_queue` with the key
`publication:<pk>:person:<pk>`, so that a job run again, or the publication mailed again, mails nobody twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qibu.core.http import site_url
from qibu.core.numbers import NumberFormat
from qibu.jobs import services as jobs
from qibu.notify.models import OutboxMail
from qibu.notify.services import mail_queue
from qibu.org.models import Department, Organisation, Person
from qibu.publish import access, selectors
from qibu.publish.models import Entry, Part, Publication

BATCH = 500


def mailing_plan(publication_id: int) -> int:
    """Enqueue one job per batch of recipients (by primary key); answers how many batches."""
    pks = list(selectors.recipients().order_by("pk").values_list("pk", flat=True))
    batches = 0
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        jobs.enqueue(
            "publish.mail_batch",
            {"publication": publication_id, "first": chunk[0], "last": chunk[-1]},
            key=f"publication:{publication_id}:batch:{batches}",
        )
        batches += 1
    return batches


@dataclass(frozen=True)
class Section:
    label: str
    cards: list[selectors.EntryCard]


@dataclass(frozen=True)
class PersonMail:
    person: Person
    sections: list[Section]  # own, department, company (annual and quarterly)


def _by(entries: list[Entry], key: str) -> dict[int, list[Entry]]:
    found: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        value = getattr(entry, key)
        if value is not None:
            found[value].append(entry)
    return found


def _cards(numbers: NumberFormat, person: Person, entries: list[Entry]) -> list[selectors.EntryCard]:
    return [selectors.entry_card(numbers, e) for e in entries if access.can_read(person, e)]


def _headed_paths(people: list[Person]) -> None:
    """What `access.can_read` asks of each person's headed departments, for the whole batch in one query."""
    headed: dict[int, list[str]] = defaultdict(list)
    for head_id, path in Department.objects.filter(head__in=people).values_list("head_id", "path"):
        headed[head_id].append(path)
    for person in people:
        person._headed_paths = headed.get(person.pk, [])  # type: ignore[attr-defined]


def person_mail(person: Person, *, company: list[Entry], department: list[Entry], own: list[Entry]) -> PersonMail:
    """One person's mail, in the current language: their OKRs, their department's, the company's."""
    numbers = NumberFormat()
    annual = [e for e in company if e.part == Part.ANNUAL]
    quarterly = [e for e in company if e.part == Part.COMPANY]
    dept_name = person.department.name if person.department else ""
    sections = [
        Section(_("Your OKRs"), _cards(numbers, person, own)),
        Section(
            _("Your department's OKRs · %(name)s") % {"name": dept_name} if dept_name else _("Your department's OKRs"),
            _cards(numbers, person, department),
        ),
        Section(_("The company's OKRs this quarter"), _cards(numbers, person, quarterly)),
        Section(_("The company's OKRs this year"), _cards(numbers, person, annual)),
    ]
    return PersonMail(person, sections)


def _render(publication: Publication, mail: PersonMail) -> tuple[str, str, str]:
    context = {
        "mail": mail,
        "publication": publication,
        "url": site_url() + reverse("publish:detail", args=[publication.pk]),
    }
    subject = _("The OKRs of %(cycle)s are published") % {"cycle": publication.cycle.name}
    return (
        subject,
        render_to_string("publish/mail/publication.txt", context),
        render_to_string("publish/mail/publication.html", context),
    )


def mailing_batch(publication_id: int, first: int, last: int) -> int:
    """Build the mails of the recipients with primary keys from `first` to `last` (those not mailed yet); answers
    how many it queued. Idempotent: a message already in the outbox is neither built nor queued again."""
    publication = Publication.objects.select_related("cycle").filter(pk=publication_id).first()
    if publication is None:
        return 0
    prefix = selectors.mail_key_prefix(publication)
    people = list(
        selectors.recipients().filter(pk__gte=first, pk__lte=last).select_related("department").order_by("pk")
    )
    done = set(OutboxMail.objects.filter(key__in=[f"{prefix}{p.pk}" for p in people]).values_list("key", flat=True))
    people = [p for p in people if f"{prefix}{p.pk}" not in done]
    if not people:
        return 0
    _headed_paths(people)
    entries = Entry.objects.filter(publication=publication).order_by("position", "id")
    company = list(entries.filter(part__in=[Part.ANNUAL, Part.COMPANY]))
    departments = _by(
        list(entries.filter(part=Part.DEPARTMENT, department_id__in={p.department_id for p in people} - {None})),
        "department_id",
    )
    own = _by(list(entries.filter(part=Part.PERSON, owner_id__in=[p.pk for p in people])), "owner_id")
    default_language = Organisation.objects.values_list("default_language", flat=True).first() or settings.LANGUAGE_CODE
    with transaction.atomic():
        for person in people:
            language = person.language or default_language
            with translation.override(language):
                mail = person_mail(
                    person,
                    company=company,
                    department=departments.get(person.department_id or 0, []),
                    own=own.get(person.pk, []),
                )
                subject, text, html = _render(publication, mail)
            mail_queue(
                key=f"{prefix}{person.pk}",
                kind=selectors.MAIL_KIND,
                recipient=person,
                subject=subject,
                text=text,
                html=html,
                language=language,
            )
        Publication.objects.filter(pk=publication.pk).update(mails_built=F("mails_built") + len(people))
    return len(people)

"""Telling people: a notification in each recipient's inbox, and by mail at once or in a daily digest as they chose.

Apps call `notify(...)` in the transaction of the action that causes it (a fall in confidence, a mention): the rows
exist only if the action commits, and nothing is sent in the request. The worker mails what is due every minute
(`mail_due`) and the digests every hour (`mail_digests`), through the outbox, so a mail server that is down slows
no one and loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qibu.core.http import site_url
from qibu.core.validation import FieldErrors
from qibu.notify.models import Delivery, Notification, NotificationKind, NotificationSettings
from qibu.notify.services import mail_queue
from qibu.org.models import Person
from qibu.org.selectors import organisation_get

TEXT_MAX = 1000


def settings_for(person: Person) -> NotificationSettings:
    """The person's choices, or the defaults (not stored until they change something)."""
    found = NotificationSettings.objects.filter(person=person).first()
    return found if found is not None else NotificationSettings(person=person)


def quiet_until(choices: NotificationSettings, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime | None:
    """When the person's quiet hours end, if `now` is inside them (a window may run over midnight)."""
    start, end = choices.quiet_from, choices.quiet_until
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += dt.timedelta(days=1)
    return ends


@dataclass(frozen=True)
class Subject:
    """What a notification is about: the model label and id (as in history), and the page that shows it."""

    type: str
    id: int
    url: str


def notify(
    *,
    kind: NotificationKind,
    recipients: Iterable[Person],
    text: Callable[[Person], str],
    key: str,
    subject: Subject | None = None,
    actor: Person | None = None,
    now: dt.datetime | None = None,
) -> list[Notification]:
    """Tell each recipient (never the actor themself) once per `key`: `text(person)` is called in the recipient's
    language. Call it inside the action's transaction."""
    now = now or timezone.now()
    people = {p.pk: p for p in recipients if p.is_active and (actor is None or p.pk != actor.pk)}
    if not people:
        return []
    keys = {pk: f"{key}:to:{pk}" for pk in people}
    taken = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    choices = {c.person_id: c for c in NotificationSettings.objects.filter(person_id__in=list(people))}
    organisation = organisation_get()
    default_language, zone = organisation.default_language, organisation.zone
    made = []
    for pk, person in people.items():
        if keys[pk] in taken:
            continue
        chosen = choices.get(pk) or NotificationSettings(person=person)
        delivery = chosen.delivery(kind)
        with translation.override(person.language or default_language):
            message = text(person)[:TEXT_MAX]
        due = (quiet_until(chosen, now, zone) or now) if delivery == Delivery.MAIL else None
        made.append(
            Notification(
                key=keys[pk],
                recipient=person,
                kind=kind,
                actor=actor,
                text=message,
                url=subject.url if subject else "",
                subject_type=subject.type if subject else "",
                subject_id=subject.id if subject else None,
                delivery=delivery,
                created_at=now,
                mail_due_at=due,
            )
        )
    with transaction.atomic():  # a savepoint: a race on a key must not spoil the caller's transaction
        Notification.objects.bulk_create(made, ignore_conflicts=True)
    # Read back: rows written with ignore_conflicts come back without their ids.
    return list(Notification.objects.filter(key__in=[n.key for n in made]).select_related("recipient"))


@transaction.atomic
def mark_read(*, person: Person, ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Mark the person's notifications read (those named, or all); answers how many were unread."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now or timezone.now())


@transaction.atomic
def settings_update(
    *,
    person: Person,
    deliveries: dict[str, str],
    quiet_from: dt.time | None,
    quiet_until: dt.time | None,
    digest_hour: int,
    weekly_digest: bool,
) -> NotificationSettings:
    errors = FieldErrors()
    for kind, delivery in deliveries.items():
        if kind not in NotificationKind.values:
            errors.add(None, _("There is no kind of notification “%(kind)s”.") % {"kind": kind})
        elif delivery not in Delivery.values:
            errors.add(f"delivery_{kind}", _("Choose how this kind of notification reaches you."))
    if (quiet_from is None) != (quiet_until is None):
        errors.add("quiet_until", _("Give both ends of the quiet hours, or neither."))
    elif quiet_from is not None and quiet_from == quiet_until:
        errors.add("quiet_until", _("Quiet hours must end at another time than they start."))
    if not 0 <= digest_hour <= 23:
        errors.add("digest_hour", _("Choose an hour from 0 to 23."))
    errors.raise_if_any()
    choices = settings_for(person)
    choices.deliveries = dict(deliveries)
    choices.quiet_from, choices.quiet_until = quiet_from, quiet_until
    choices.digest_hour, choices.weekly_digest = digest_hour, weekly_digest
    choices.save()
    return choices


# --- the worker's side ------------------------------------------------------------------------------------


def _mail(person: Person, notifications: list[Notification], *, key: str, digest: bool, site: str) -> None:
    language = person.language or organisation_get().default_language
    with translation.override(language):
        context = {"person": person, "notifications": notifications, "site": site.rstrip("/"), "digest": digest}
        if digest:
            subject = _("Your Qibu digest: %(count)d new") % {"count": len(notifications)}
        elif len(notifications) == 1:
            # A notification of several lines (a meeting's minutes) is named by its first: a header has one line.
            subject = (notifications[0].text.splitlines() or [""])[0][:200]
        else:
            subject = _("%(count)d new notifications in Qibu") % {"count": len(notifications)}
        mail_queue(
            key=key,
            kind="notification_digest" if digest else "notification",
            recipient=person,
            subject=subject,
            text=render_to_string("notify/mail/notifications.txt", context),
            html=render_to_string("notify/mail/notifications.html", context),
            language=language,
        )


@transaction.atomic
def mail_due(now: dt.datetime | None = None) -> int:
    """Queue one mail per person for their notifications to be mailed at once whose time has come (quiet hours
    over). Answers how many notifications went."""
    now = now or timezone.now()
    due = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(delivery=Delivery.MAIL, mailed_at__isnull=True, mail_due_at__lte=now)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")[:2000]
    )
    return _mail_grouped(due, now, digest=False)


def _mail_grouped(notifications: list[Notification], now: dt.datetime, *, digest: bool) -> int:
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_person[notification.recipient_id].append(notification)
    site = site_url()
    for items in by_person.values():
        prefix = "digest" if digest else "notifications"
        _mail(items[0].recipient, items, key=f"{prefix}:{items[0].pk}-{items[-1].pk}", digest=digest, site=site)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(mailed_at=now)
    return len(notifications)


@transaction.atomic
def mail_digests(now: dt.datetime | None = None) -> int:
    """Queue the daily digest of everyone whose digest hour it is (in the organisation's time zone): what they were
    told since their last digest and have not read. Answers how many notifications went."""
    now = now or timezone.now()
    hour = now.astimezone(organisation_get().zone).hour
    waiting = Notification.objects.filter(delivery=Delivery.DIGEST, mailed_at__isnull=True)
    people = set(waiting.values_list("recipient_id", flat=True).distinct())
    if not people:
        return 0
    chosen_hours = dict(
        NotificationSettings.objects.filter(person_id__in=people).values_list("person_id", "digest_hour")
    )
    due_people = [pk for pk in people if chosen_hours.get(pk, 9) == hour]
    items = list(
        waiting.select_for_update(skip_locked=True)
        .filter(recipient_id__in=due_people)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    read = [n for n in items if n.read_at is not None]
    unread = [n for n in items if n.read_at is None]
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(mailed_at=now)  # seen already: no mail
    return _mail_grouped(unread, now, digest=True)


def unread_count_expression() -> models.Subquery:
    """The number of a person's unread notifications, as a subquery the sign-in backend adds to the one query that
    loads the signed-in person: the menu shows it on every page at no extra query."""
    return models.Subquery(
        Notification.objects.filter(recipient=models.OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=models.Count("pk"))
        .values("n"),
        output_field=models.IntegerField(),
    )

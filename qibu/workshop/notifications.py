"""Telling people about a workshop (in their inbox, by mail unless they chose otherwise): its start, with the
group each participant is in, and the CEO's decision. Called inside the service's transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.org.models import Person
from qibu.workshop.models import Group, Participant, Workshop


def _started(workshop: Workshop, group: Group) -> Callable[[Person], str]:
    """The start's words for a participant of `group`, in the reader's language (called with it active)."""

    def text(_person: Person) -> str:
        words = _("The co-creation workshop “%(topic)s” begins: you are in %(group)s, led by %(leader)s.")
        return words % {"topic": workshop.topic, "group": group, "leader": group.leader or "—"}

    return text


def tell_started(*, actor: Person, workshop: Workshop) -> None:
    """Each participant, with their group and its leader; the observer, with the overview."""
    participants = list(Participant.objects.filter(workshop=workshop).select_related("person", "group__leader"))
    for participant in participants:
        group: Group | None = participant.group
        if group is None:
            continue
        url = reverse("workshop:room", args=[workshop.pk, group.pk])
        notify(
            kind=NotificationKind.WORKSHOP,
            recipients=[participant.person],
            text=_started(workshop, group),
            key=f"workshop:{workshop.pk}:start",
            subject=Subject("workshop.workshop", workshop.pk, url),
            actor=actor,
        )
    if workshop.observer is not None:
        notify(
            kind=NotificationKind.WORKSHOP,
            recipients=[workshop.observer],
            text=lambda _p: (
                _("The co-creation workshop “%(topic)s” begins: you observe the groups and decide.")
                % {"topic": workshop.topic}
            ),
            key=f"workshop:{workshop.pk}:start",
            subject=Subject("workshop.workshop", workshop.pk, reverse("workshop:detail", args=[workshop.pk])),
            actor=actor,
        )


def tell_decided(*, actor: Person, workshop: Workshop, titles: list[str]) -> None:
    people = [p.person for p in Participant.objects.filter(workshop=workshop).select_related("person")]
    if workshop.moderator_id != actor.pk:
        people.append(workshop.moderator)
    day = timezone.localdate(workshop.decided_at or timezone.now())
    notify(
        kind=NotificationKind.WORKSHOP,
        recipients=people,
        text=lambda _p: (
            _("The CEO decided the year's company objectives (%(day)s): %(objectives)s.")
            % {"day": day.isoformat(), "objectives": "; ".join(titles)}
        ),
        key=f"workshop:{workshop.pk}:decided",
        subject=Subject("workshop.workshop", workshop.pk, reverse("workshop:detail", args=[workshop.pk])),
        actor=actor,
    )

"""EXE-2: a blocker left open climbs the method's meeting tiers — from the team (its stand-up) to the department's
weekly meeting after the policy's `blocker_department_after_days`, then to the management's weekly meeting after
`blocker_management_after_days` (both counted from when it was raised). Each step is recorded in the blocker's
history and told to its owner and the people concerned, and to those who run the meeting it reaches: the head of
its department (at the department tier), the executives (at the management tier)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.blockers.models import Blocker, BlockerStatus, Tier
from qibu.blockers.services import blocker_url
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.org.models import Organisation, Person, Role

# A sweep handles at most this many blockers; the next run takes the rest.
BATCH = 500


def _due_q(policy: Organisation, now: dt.datetime) -> Q:
    to_department = now - dt.timedelta(days=policy.blocker_department_after_days)
    to_management = now - dt.timedelta(days=policy.blocker_management_after_days)
    # A blocker without a department (raised in no group) goes straight to the management meeting.
    return (Q(tier=Tier.TEAM) & Q(created_at__lte=to_department)) | (
        Q(tier__in=[Tier.TEAM, Tier.DEPARTMENT]) & Q(created_at__lte=to_management)
    )


def _tier_for(blocker: Blocker, policy: Organisation, now: dt.datetime) -> str:
    age = now - blocker.created_at
    if age >= dt.timedelta(days=policy.blocker_management_after_days) or blocker.department_id is None:
        return Tier.MANAGEMENT
    return Tier.DEPARTMENT


def _text(tier: str, title: str, days: int, person: Person, blocker: Blocker) -> str:
    values = {"title": title, "days": days, "owner": str(blocker.owner)}
    if tier == Tier.MANAGEMENT:
        if person.pk == blocker.owner_id:
            return (
                _(
                    "The blocker “%(title)s”, yours to settle, has been open %(days)d days: it goes to the management "
                    "weekly meeting."
                )
                % values
            )
        return (
            _(
                "The blocker “%(title)s” has been open %(days)d days: it goes to the management weekly meeting "
                "(%(owner)s settles it)."
            )
            % values
        )
    if person.pk == blocker.owner_id:
        return (
            _(
                "The blocker “%(title)s”, yours to settle, has been open %(days)d days: it goes to the department "
                "weekly meeting."
            )
            % values
        )
    return (
        _(
            "The blocker “%(title)s” has been open %(days)d days: it goes to the department weekly meeting "
            "(%(owner)s settles it)."
        )
        % values
    )


def _texts(tier: str, blocker: Blocker, days: int) -> Callable[[Person], str]:
    return lambda person: _text(tier, blocker.title, days, person, blocker)


def blockers_escalate(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """Move every open blocker due to its next tier; answers how many moved. Safe to run again and from several
    workers at once: a blocker moves only from the tier it was read at (`filter(tier=old).update(...)`), and each
    message has its key (blocker, tier)."""
    now = now or timezone.now()
    due = list(
        Blocker.objects.filter(_due_q(policy, now), status=BlockerStatus.OPEN)
        .select_related("owner", "department__head")
        .prefetch_related("concerned")
        .order_by("created_at", "id")[:BATCH]
    )
    if not due:
        return 0
    executives = list(Person.objects.filter(is_active=True, role__in=[Role.EXECUTIVE, Role.ADMIN]))
    moved = 0
    for blocker in due:
        tier = _tier_for(blocker, policy, now)
        with transaction.atomic():
            if not Blocker.objects.filter(pk=blocker.pk, tier=blocker.tier, status=BlockerStatus.OPEN).update(
                tier=tier, escalated_at=now, updated_at=now
            ):
                continue  # another worker moved it, or it was resolved meanwhile
            history_record(
                actor=None,
                action="blocker.escalate",
                subject=blocker,
                target=blocker,
                before={"tier": blocker.tier},
                after={"tier": tier},
            )
            people = [blocker.owner, *blocker.concerned.all()]
            if tier == Tier.DEPARTMENT and blocker.department is not None and blocker.department.head is not None:
                people.append(blocker.department.head)
            if tier == Tier.MANAGEMENT:
                people += executives
            notify(
                kind=NotificationKind.BLOCKER,
                recipients=list({p.pk: p for p in people}.values()),
                text=_texts(tier, blocker, blocker.age_days(now)),
                key=f"blocker:{blocker.pk}:escalated:{tier}",
                subject=Subject(type="blockers.blocker", id=blocker.pk, url=blocker_url(blocker)),
                now=now,
            )
            moved += 1
    return moved

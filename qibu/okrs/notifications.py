"""What the OKRs tell people (through qibu.notify): a fall in confidence to the department's head and the owner's
manager (and to the chat groups of the department and the owner's team), a key result gone stale to its owner.
Called by the check-in service and the daily stale sweep."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qibu.notify.chat.services import Target, chat_language, chat_post
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs import access
from qibu.okrs import progress as meas
from qibu.okrs.models import CheckIn, KeyResult, Objective, Status, Visibility, agreed_q
from qibu.org.models import Department, Organisation, Person, Team


def _subject(objective: Objective, key_result: KeyResult) -> Subject:
    url = reverse("okrs:objective", args=[objective.pk]) + f"#kr-{key_result.pk}"
    return Subject(type="okrs.objective", id=objective.pk, url=url)


def _leads_of(objective: Objective, owner: Person | None) -> list[Person]:
    """The heads of the objective's department and of the owner's, and the owner's manager: who must hear of a fall."""
    department_ids = {d for d in (objective.department_id, owner.department_id if owner else None) if d}
    leads = Q(headed_departments__in=department_ids) if department_ids else Q(pk__in=[])
    if owner is not None and owner.manager_id:
        leads |= Q(pk=owner.manager_id)
    if owner is not None:
        leads |= Q(pk=owner.pk)
    return list(Person.objects.filter(leads, is_active=True).select_related("department").distinct())


def confidence_fell(*, actor: Person, checkin: CheckIn, objective: Objective, policy: Organisation) -> None:
    """EXE-4: a fall of the policy's threshold or more, with its reason, reaches those who lead the owner (and the
    owner, when someone else checked in), if they may see the objective."""
    previous = checkin.previous_confidence if checkin.previous_confidence is not None else checkin.confidence
    if previous - checkin.confidence < policy.confidence_fall_threshold:
        return
    key_result = checkin.key_result
    owner = objective.owner
    recipients = [p for p in _leads_of(objective, owner) if access.can_view(p, objective)]

    def text(person: Person) -> str:
        return _("Confidence in “%(key_result)s” fell from %(old)d%% to %(new)d%% (%(by)s): %(reason)s") % {
            "key_result": key_result.title,
            "old": previous,
            "new": checkin.confidence,
            "by": actor,
            "reason": checkin.confidence_reason,
        }

    notify(
        kind=NotificationKind.CONFIDENCE_FALL,
        recipients=recipients,
        text=text,
        key=f"confidence_fall:checkin:{checkin.pk}",
        subject=_subject(objective, key_result),
        actor=actor,
    )
    _confidence_fell_in_chat(actor=actor, checkin=checkin, objective=objective, policy=policy, previous=previous)


def _chat_targets(objective: Objective, owner: Person | None) -> list[Target]:
    """The chat groups that hear of a fall: the objective's department, the owner's department and team. Only
    those whose members may all see the objective: none for a private one, the department's own for one limited
    to the department."""
    if objective.visibility == Visibility.PRIVATE:
        return []
    candidates: list[Department | Team | None] = [
        objective.department,
        owner.department if owner is not None else None,
        owner.team if owner is not None else None,
    ]
    targets: list[Target] = []
    for target in candidates:
        if target is None or target in targets:
            continue
        if objective.visibility == Visibility.DEPARTMENT:
            inside = objective.department
            path = target.path if isinstance(target, Department) else target.department.path
            if inside is None or not path.startswith(inside.path):
                continue
        targets.append(target)
    return targets


def _confidence_fell_in_chat(
    *, actor: Person, checkin: CheckIn, objective: Objective, policy: Organisation, previous: int
) -> None:
    targets = _chat_targets(objective, objective.owner)
    if not targets:
        return
    key_result = checkin.key_result
    with translation.override(chat_language(policy)):
        title = _("Confidence fell: %(key_result)s") % {"key_result": key_result.title}
        lines = [
            _("%(old)d%% → %(new)d%%, checked in by %(by)s")
            % {"old": previous, "new": checkin.confidence, "by": actor},
            _("Reason: %(reason)s") % {"reason": checkin.confidence_reason},
            _("Objective: %(objective)s (%(owner)s)")
            % {"objective": objective.title, "owner": objective.owner or objective.department or "—"},
        ]
    for target in targets:
        chat_post(
            target=target,
            title=title,
            lines=lines,
            link=_subject(objective, key_result).url,
            key=f"confidence_fall:checkin:{checkin.pk}",
            kind="confidence_fall",
            organisation=policy,
        )


def stale_key_results_told(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """MEAS-8: tell each owner, once a week per key result, that a key result of an active objective has had no
    check-in for longer than the cadence (an objective not approved yet takes none). Answers how many were told."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=policy.checkin_cadence_days)
    week = now.isocalendar()
    stale = (
        KeyResult.objects.filter(
            agreed_q("objective__"), objective__status=Status.ACTIVE, objective__owner__isnull=False
        )
        .alias(since_checkin=Coalesce("last_checkin_at", "created_at"))
        .filter(since_checkin__lt=since)
        .select_related("objective__owner")
        .order_by("pk")
    )
    told = 0
    for key_result in stale.iterator(chunk_size=500):
        objective = key_result.objective
        owner = objective.owner
        still_stale = meas.is_stale(
            last_checkin_at=key_result.last_checkin_at,
            created_at=key_result.created_at,
            now=now,
            cadence_days=policy.checkin_cadence_days,
        )
        if owner is None or not still_stale:
            continue
        days = (now - key_result.last_checkin_at).days if key_result.last_checkin_at else None

        def text(person: Person, key_result: KeyResult = key_result, days: int | None = days) -> str:
            if days is None:
                return _("“%(key_result)s” has had no check-in yet.") % {"key_result": key_result.title}
            return _("“%(key_result)s” has had no check-in for %(days)d days.") % {
                "key_result": key_result.title,
                "days": days,
            }

        told += len(
            notify(
                kind=NotificationKind.STALE,
                recipients=[owner],
                text=text,
                key=f"stale:kr:{key_result.pk}:{week.year}-W{week.week:02d}",
                subject=_subject(objective, key_result),
                now=now,
            )
        )
    return told

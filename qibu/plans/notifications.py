"""Overdue action steps told to whoever should act (EXE-8, EXE-9: supervisors monitor through progress checks): the
step's owner and the owner's manager, once per step per day, through the inbox (and the daily digest, unless they
chose otherwise). Called by the periodic job `plans.tell_overdue_steps`, whichever worker runs it; a run again the
same day tells no one twice (the key holds the day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view
from qibu.okrs.models import Status
from qibu.org.models import Organisation, Person
from qibu.plans.models import ActionStep, overdue_q
from qibu.plans.services import step_url

CHUNK = 500


def overdue_steps(today: dt.date) -> QuerySet[ActionStep]:
    """Open steps past their deadline under objectives still running (a closed one's plan is history)."""
    return (
        ActionStep.objects.filter(overdue_q(today), owner__is_active=True)
        .filter(key_result__objective__status=Status.ACTIVE, key_result__objective__cycle__is_closed=False)
        .select_related(
            "owner__manager",
            "owner__department",
            "key_result__objective__owner",
            "key_result__objective__department",
            "key_result__objective__cycle",
        )
        .order_by("pk")
    )


def _text(step: ActionStep, days: int) -> Callable[[Person], str]:
    def text(person: Person) -> str:
        values = {
            "step": step.title,
            "key_result": step.key_result.title,
            "deadline": date_format(step.deadline),
            "days": days,
            "owner": step.owner,
        }
        if person.pk == step.owner_id:
            return (
                _("Your action step “%(step)s” (for “%(key_result)s”) was due on %(deadline)s and is not done.")
                % values
            )
        return (
            _(
                "“%(step)s”, an action step of %(owner)s (for “%(key_result)s”), was due on %(deadline)s and is not "
                "done."
            )
            % values
        )

    return text


def overdue_steps_told(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """Tell each overdue step's owner and the owner's manager (if they may see its objective), once a day per
    step. Answers how many notifications were made."""
    now = now or timezone.now()
    today = timezone.localdate(now, policy.zone)
    told = 0
    steps = overdue_steps(today)
    for step in steps.iterator(chunk_size=CHUNK):
        objective = step.key_result.objective
        owner: Person = step.owner
        recipients = [p for p in (owner, owner.manager) if p is not None and p.is_active and can_view(p, objective)]
        if not recipients:
            continue
        days = (today - step.deadline).days
        told += len(
            notify(
                kind=NotificationKind.OVERDUE_STEP,
                recipients=recipients,
                text=_text(step, days),
                key=f"overdue_step:{step.pk}:{today.isoformat()}",
                subject=Subject(type="plans.actionstep", id=step.pk, url=step_url(step)),
                now=now,
            )
        )
    return told

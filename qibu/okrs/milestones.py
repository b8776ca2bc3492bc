"""Key-result milestones with due dates (EXE-9: supervisors monitor through key-result milestones): the overdue ones
of a person's reports (the manager's home panel), a person's own due and overdue ones (the daily focus, EXE-7), and
the daily job telling each overdue milestone's owner and their manager, once per milestone and day.

A milestone's owner is its key result's owner. Overdue: not done, its due date before today (in the organisation's
time zone), under an objective still running in an open cycle. Each read is one query whatever the size of the
company, limited, and holds only what the reader may see (`visible_objectives_q`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view, visible_objectives_q
from qibu.okrs.focus import FocusItem, Rank
from qibu.okrs.models import Milestone, Objective, Status
from qibu.okrs.panels import HomePanel
from qibu.org.models import Organisation, Person

# The overdue milestones a manager's panel lists, at most (soonest due first).
PANEL_LIMIT = 10
# A person's milestones the daily focus lists, at most.
FOCUS_LIMIT = 10
CHUNK = 500


@dataclass(frozen=True)
class OverdueMilestone:
    """A milestone past its due date (or due today), as a panel or the focus shows it."""

    id: int
    title: str
    due_date: dt.date
    days_late: int  # 0: due today
    key_result_id: int
    key_result: str
    objective_id: int
    objective: str
    owner_id: int | None
    owner: str

    @property
    def url(self) -> str:
        return reverse("okrs:objective", args=[self.objective_id]) + f"#kr-{self.key_result_id}"

    @property
    def late(self) -> str:
        """ "due today", "3 days overdue", in the current language."""
        if self.days_late <= 0:
            return _("due today")
        return ngettext("%(n)d day overdue", "%(n)d days overdue", self.days_late) % {"n": self.days_late}


def _running() -> Q:
    return Q(
        done=False,
        due_date__isnull=False,
        key_result__objective__status=Status.ACTIVE,
        key_result__objective__cycle__is_closed=False,
    )


def _rows(queryset: QuerySet[Milestone], today: dt.date, limit: int) -> list[OverdueMilestone]:
    rows = (
        queryset.select_related("key_result__objective", "key_result__owner")
        .only(
            "title",
            "due_date",
            "key_result__title",
            "key_result__owner__full_name",
            "key_result__owner__username",
            "key_result__objective__title",
        )
        .order_by("due_date", "pk")[:limit]
    )
    return [
        OverdueMilestone(
            id=m.pk,
            title=m.title,
            due_date=m.due_date,
            days_late=(today - m.due_date).days,
            key_result_id=m.key_result_id,
            key_result=m.key_result.title,
            objective_id=m.key_result.objective_id,
            objective=m.key_result.objective.title,
            owner_id=m.key_result.owner_id,
            owner=str(m.key_result.owner) if m.key_result.owner is not None else "",
        )
        for m in rows
        if m.due_date is not None
    ]


def _visible(viewer: Person) -> QuerySet[Objective]:
    return Objective.objects.filter(visible_objectives_q(viewer))


def overdue_of_reports(*, manager: Person, today: dt.date, limit: int = PANEL_LIMIT) -> list[OverdueMilestone]:
    """The overdue milestones of the people `manager` manages (their key results'), those the manager may see,
    soonest due first; one query."""
    queryset = Milestone.objects.filter(
        _running(),
        due_date__lt=today,
        key_result__owner__manager=manager,
        key_result__owner__is_active=True,
        key_result__objective__in=_visible(manager),
    )
    return _rows(queryset, today, limit)


def overdue_of_people(
    *, viewer: Person, owner_ids: list[int], today: dt.date, limit: int = PANEL_LIMIT
) -> list[OverdueMilestone]:
    """The overdue milestones of the key results of `owner_ids` that `viewer` may see (e.g. on a report's person
    page); one query."""
    queryset = Milestone.objects.filter(
        _running(), due_date__lt=today, key_result__owner_id__in=owner_ids, key_result__objective__in=_visible(viewer)
    )
    return _rows(queryset, today, limit)


def due_of_owner(*, person: Person, today: dt.date, limit: int = FOCUS_LIMIT) -> list[OverdueMilestone]:
    """The person's own milestones due today or overdue; one query."""
    queryset = Milestone.objects.filter(
        _running(), due_date__lte=today, key_result__owner=person, key_result__objective__in=_visible(person)
    )
    return _rows(queryset, today, limit)


# --- the home page: my reports' overdue milestones ------------------------------------------------


def reports_panel(person: Person, organisation: Organisation, now: dt.datetime) -> HomePanel | None:
    """EXE-9: a manager's home panel of their reports' overdue milestones (nothing when there are none); one query."""
    if not person.is_authenticated:
        return None
    today = timezone.localdate(now, organisation.zone)
    rows = overdue_of_reports(manager=person, today=today, limit=PANEL_LIMIT + 1)
    if not rows:
        return None
    return HomePanel(
        template="okrs/_milestones_panel.html",
        context={"milestones": rows[:PANEL_LIMIT], "more": len(rows) > PANEL_LIMIT},
    )


# --- the daily focus (EXE-7) -----------------------------------------------------------------------


def focus_items(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """`okrs.milestones`: the person's milestones overdue (Rank.OVERDUE) or due today (Rank.DUE_TODAY); one query."""
    today = timezone.localdate(now, organisation.zone)
    items = []
    for row in due_of_owner(person=person, today=today):
        overdue = row.days_late > 0
        reason = (
            _("A milestone of “%(key_result)s”, due on %(due)s: %(late)s.")
            % {"key_result": row.key_result, "due": date_format(row.due_date, "SHORT_DATE_FORMAT"), "late": row.late}
            if overdue
            else _("A milestone of “%(key_result)s”, due today.") % {"key_result": row.key_result}
        )
        items.append(
            FocusItem(
                source="okrs.milestones",
                rank=Rank.OVERDUE if overdue else Rank.DUE_TODAY,
                title=row.title,
                reason=reason,
                url=row.url,
                when=timezone.make_aware(dt.datetime.combine(row.due_date, dt.time.min), organisation.zone),
            )
        )
    return items


# --- the daily job -----------------------------------------------------------------------------------


def _text(milestone: Milestone, today: dt.date) -> Callable[[Person], str]:
    kr = milestone.key_result
    owner = kr.owner

    def text(person: Person) -> str:
        values = {
            "milestone": milestone.title,
            "key_result": kr.title,
            "due": date_format(milestone.due_date) if milestone.due_date else "—",
            "owner": owner,
        }
        if owner is not None and person.pk == owner.pk:
            return _("Your milestone “%(milestone)s” of “%(key_result)s” was due on %(due)s and is not done.") % values
        return (
            _(
                "“%(milestone)s”, a milestone of %(owner)s's key result “%(key_result)s”, was due on %(due)s and "
                "is not done."
            )
            % values
        )

    return text


def overdue_milestones_told(*, policy: Organisation, now: dt.datetime | None = None) -> int:
    """Tell each overdue milestone's owner and the owner's manager (when they may see its objective), once a day per
    milestone (NotificationKind.MILESTONE). Answers how many notifications were made."""
    now = now or timezone.now()
    today = timezone.localdate(now, policy.zone)
    milestones = (
        Milestone.objects.filter(_running(), due_date__lt=today, key_result__owner__is_active=True)
        .select_related(
            "key_result__owner__manager",
            "key_result__owner__department",
            "key_result__objective__owner",
            "key_result__objective__department",
            "key_result__objective__cycle",
        )
        .order_by("pk")
    )
    told = 0
    for milestone in milestones.iterator(chunk_size=CHUNK):
        kr = milestone.key_result
        owner = kr.owner
        if owner is None:
            continue
        objective = kr.objective
        recipients = [p for p in (owner, owner.manager) if p is not None and p.is_active and can_view(p, objective)]
        told += len(
            notify(
                kind=NotificationKind.MILESTONE,
                recipients=recipients,
                text=_text(milestone, today),
                key=f"milestone:{milestone.pk}:{today.isoformat()}",
                subject=Subject(
                    type="okrs.objective",
                    id=objective.pk,
                    url=reverse("okrs:objective", args=[objective.pk]) + f"#kr-{kr.pk}",
                ),
                now=now,
            )
        )
    return told

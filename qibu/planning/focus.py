"""planning's source of the daily focus (EXE-7), registered in `PlanningConfig.ready()`: what waits on the person —
the objectives in their approval queue (SET-1, SET-2) and the employees' proposals and objections on their drafts
that they have not answered yet."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.okrs.focus import FocusItem, Rank
from qibu.okrs.models import Approval, Objective
from qibu.org.models import Organisation, Person
from qibu.planning.access import VOICED_LEVELS
from qibu.planning.models import ProposalKind, ProposalStatus
from qibu.planning.selectors.queue import queue_objectives

SOURCE = "planning.waiting"

# The oldest submissions are named one by one; the rest are counted in one line that leads to the queue.
QUEUE_NAMED = 3


def _waiting(days: int, owner: str) -> str:
    if days == 0:
        return _("%(owner)s submitted it today; it waits for your approval") % {"owner": owner}
    if days == 1:
        return _("%(owner)s submitted it yesterday; it waits for your approval") % {"owner": owner}
    return _("%(owner)s submitted it %(days)d days ago; it waits for your approval") % {"owner": owner, "days": days}


def _approvals(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """The oldest submissions waiting for the person's decision and how many there are: one query."""
    rows = list(queue_objectives(person, organisation).annotate(total=Window(Count("pk")))[:QUEUE_NAMED])
    items = []
    for objective in rows:
        days = (now - objective.submitted_at).days if objective.submitted_at else 0
        owner = objective.owner.full_name or objective.owner.username if objective.owner else ""
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.WAITING_ON_YOU,
                title=objective.title,
                reason=_waiting(days, owner),
                url=reverse("okrs:objective", args=[objective.pk]),
                order=-days,
            )
        )
    more = rows[0].total - len(rows) if rows else 0
    if more > 0:
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.WAITING_ON_YOU,
                title=ngettext(
                    "%(n)d more objective waits for your approval",
                    "%(n)d more objectives wait for your approval",
                    more,
                )
                % {"n": more},
                reason=_("your approval queue, oldest first"),
                url=reverse("planning:queue"),
                order=1,
            )
        )
    return items


def _voices(person: Person) -> list[FocusItem]:
    """The person's own drafts (owned or written) that still take proposals, with the open proposals and objections
    of others on them: one query."""
    others_open = Q(proposals__status=ProposalStatus.OPEN) & ~Q(proposals__author_id=person.pk)
    drafts = (
        Objective.objects.filter(Q(owner_id=person.pk) | Q(author_id=person.pk))
        .filter(level__in=VOICED_LEVELS, cycle__is_closed=False)
        .exclude(approval=Approval.APPROVED)
        .annotate(
            proposals_open=Count("proposals", filter=others_open & Q(proposals__kind=ProposalKind.PROPOSAL)),
            objections_open=Count("proposals", filter=others_open & Q(proposals__kind=ProposalKind.OBJECTION)),
        )
        .filter(Q(proposals_open__gt=0) | Q(objections_open__gt=0))
        .only("id", "title")
        .order_by("id")
    )
    items = []
    for draft in drafts:
        parts = []
        if draft.proposals_open:
            n = draft.proposals_open
            parts.append(ngettext("%(n)d proposal", "%(n)d proposals", n) % {"n": n})
        if draft.objections_open:
            n = draft.objections_open
            parts.append(ngettext("%(n)d objection", "%(n)d objections", n) % {"n": n})
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.WAITING_ON_YOU,
                title=draft.title,
                reason=_("%(what)s on your draft to answer") % {"what": _(", ").join(parts)},
                url=reverse("okrs:objective", args=[draft.pk]) + "#proposals",
                order=2,
            )
        )
    return items


def waiting_source(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """EXE-7, SET-1, SET-2: what waits on the person: two queries."""
    return _approvals(person, organisation, now) + _voices(person)

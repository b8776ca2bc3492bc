"""okrs's own source of the daily focus (EXE-7), registered in `OkrsConfig.ready()`: the person's key results that
are slipping. The rules are those of every page (`selectors.key_result_status`: MEAS-6 health and pace, MEAS-8
staleness), so that the focus says what the cards say."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.okrs.access import visible_objectives_q
from qibu.okrs.focus import FocusItem, Rank
from qibu.okrs.models import KeyResult, Objective, Status, agreed_q
from qibu.okrs.progress import Health
from qibu.okrs.selectors import elapsed_share, key_result_status
from qibu.org.models import Organisation, Person

SOURCE = "okrs.key_results"

_FIELDS = (
    "id", "title", "objective_id", "owner_id", "start_date", "end_date", "confidence", "progress", "progress_raw",
    "last_checkin_at", "created_at", "objective__title", "objective__priority",
)  # fmt: skip


def my_key_results(person: Person, today: dt.date) -> list[KeyResult]:
    """The key results the person answers for (theirs, or of their objectives when nobody else owns them) under
    agreed, running objectives of open cycles that have begun, not reached yet, and that the person may see: one
    query."""
    visible = Objective.objects.filter(visible_objectives_q(person)).values("pk")
    return list(
        KeyResult.objects.filter(Q(owner_id=person.pk) | Q(owner__isnull=True, objective__owner_id=person.pk))
        .filter(
            agreed_q("objective__"),
            objective__in=visible,
            objective__status=Status.ACTIVE,
            objective__cycle__is_closed=False,
            objective__start_date__lte=today,
            progress_raw__lt=1,
        )
        .select_related("objective")
        .only(*_FIELDS)
        .order_by("objective__priority", "confidence", "id")
    )


def key_results_source(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """EXE-7: off track (confidence below the policy's "at risk") first, then behind pace or without a check-in
    within the cadence; each key result once, at its most urgent rank, with every reason."""
    today = timezone.localdate(now, organisation.zone)
    items = []
    for kr in my_key_results(person, today):
        status = key_result_status(kr, organisation, now=now, today=today)
        reasons = []
        if status.health == Health.OFF_TRACK:
            reasons.append(_("confidence %(n)d%%, off track") % {"n": kr.confidence})
        if status.behind_pace:
            reasons.append(
                _("%(progress)d%% done with %(elapsed)d%% of the time gone")
                % {
                    "progress": round(kr.progress * 100),
                    "elapsed": round(elapsed_share(kr.start_date, kr.end_date, today) * 100),
                }
            )
        if status.stale:
            since = kr.last_checkin_at or kr.created_at
            days = (now - since).days
            reasons.append(
                _("no check-in for %(days)d days") % {"days": days} if kr.last_checkin_at else _("never checked in")
            )
        if not reasons:
            continue
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.OFF_TRACK if status.health == Health.OFF_TRACK else Rank.BEHIND_PACE,
                title=kr.title,
                reason=_("%(objective)s: %(reasons)s")
                % {"objective": kr.objective.title, "reasons": _("; ").join(reasons)},
                url=reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}",
                order=kr.objective.priority * 1000 + kr.confidence,
            )
        )
    return items

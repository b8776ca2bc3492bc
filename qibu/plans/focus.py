"""plans's source of the daily focus (EXE-7), registered in `PlansConfig.ready()`: the person's action steps that are
overdue or due today. The home page's "My action steps" panel keeps the whole list by deadline; the focus names only
what cannot wait, so neither says what the other says."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from qibu.okrs.focus import FocusItem, Rank
from qibu.okrs.models import Status
from qibu.org.models import Organisation, Person
from qibu.plans.models import OPEN_STATUSES
from qibu.plans.selectors import local_today, visible_steps

SOURCE = "plans.steps"


def steps_source(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """EXE-7, EXE-8: my open steps past their deadline (the oldest first) or due today, under objectives still
    running and that I may see: one query."""
    today = local_today(organisation, now)
    steps = (
        visible_steps(person)
        .filter(owner=person, status__in=OPEN_STATUSES, deadline__lte=today)
        .filter(key_result__objective__status=Status.ACTIVE, key_result__objective__cycle__is_closed=False)
        .select_related("key_result")
        .only("id", "title", "deadline", "key_result__title")
        .order_by("deadline", "priority", "id")
    )
    items = []
    for step in steps:
        late = (today - step.deadline).days
        if late == 1:
            reason = _("%(kr)s: due yesterday") % {"kr": step.key_result.title}
        elif late > 1:
            reason = _("%(kr)s: due %(days)d days ago (%(date)s)") % {
                "kr": step.key_result.title,
                "days": late,
                "date": formats.date_format(step.deadline, "SHORT_DATE_FORMAT"),
            }
        else:
            reason = _("%(kr)s: due today") % {"kr": step.key_result.title}
        items.append(
            FocusItem(
                source=SOURCE,
                rank=Rank.OVERDUE if late > 0 else Rank.DUE_TODAY,
                title=step.title,
                reason=reason,
                url=reverse("plans:step", args=[step.pk]),
                order=step.deadline.toordinal(),
            )
        )
    return items

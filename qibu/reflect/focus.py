"""The daily focus's source `reflect.measures` (REF-2): the person's measures from a reflection, until done —
overdue ones among the overdue, the others after what others wait for, soonest due first."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person
from qibu.reflect.selectors import open_measures_of


def measures_due(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """One query: the person's measures not done."""
    today = timezone.localdate(now, organisation.zone)
    items = []
    for m in open_measures_of(person):
        late = m.due_date < today
        items.append(
            FocusItem(
                source="reflect.measures",
                rank=Rank.OVERDUE if late else Rank.WAITING_ON_YOU,
                title=m.title,
                reason=(
                    _("A measure from the reflection on %(period)s, due %(day)s: it is overdue.")
                    if late
                    else _("A measure from the reflection on %(period)s, due %(day)s.")
                )
                % {"period": m.reflection.cycle.name, "day": m.due_date.isoformat()},
                url=reverse("reflect:detail", args=[m.reflection_id]) + f"#measure-{m.pk}",
                order=m.due_date.toordinal(),
            )
        )
    return items

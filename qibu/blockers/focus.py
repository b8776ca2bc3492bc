"""The daily focus's source `blockers.owned` (EXE-7, EXE-2): the open blockers a person owns, oldest first."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.blockers.models import Tier
from qibu.blockers.selectors import owned_open
from qibu.okrs.focus import FocusItem, Rank
from qibu.org.models import Organisation, Person


def owned_blockers(person: Person, organisation: Organisation, now: dt.datetime) -> list[FocusItem]:
    """One query: a person sees the blockers they own (they are its owner)."""
    items = []
    for blocker in owned_open(person):
        days = blocker.age_days(now)
        reason = ngettext(
            "A blocker you settle, open %(days)d day.", "A blocker you settle, open %(days)d days.", days
        ) % {"days": days}
        if blocker.tier == Tier.DEPARTMENT:
            reason += " " + _("It is on the department weekly meeting's agenda.")
        elif blocker.tier == Tier.MANAGEMENT:
            reason += " " + _("It is on the management weekly meeting's agenda.")
        items.append(
            FocusItem(
                source="blockers.owned",
                rank=Rank.BLOCKER,
                title=blocker.title,
                reason=reason,
                url=reverse("blockers:detail", args=[blocker.pk]),
                when=blocker.created_at,
            )
        )
    return items

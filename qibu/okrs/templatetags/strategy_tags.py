"""`{% draft_measure draft %}`: what a drafted key result (SET-9) will measure, in words."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from qibu.core.numbers import NumberFormat
from qibu.okrs.models import DraftKeyResult, KeyResultKind

register = template.Library()


@register.simple_tag
def draft_measure(draft: DraftKeyResult) -> str:
    """ "From 0 to 10 家", "keep between 30 and 40 %", "2 milestones: 选址, 开业", "done or not done"."""
    numbers = NumberFormat()
    unit = f" {draft.unit}" if draft.unit else ""
    if draft.kind == KeyResultKind.MILESTONES:
        titles = list(draft.milestones or [])
        return ngettext("%(n)d milestone: %(titles)s", "%(n)d milestones: %(titles)s", len(titles)) % {
            "n": len(titles),
            "titles": ", ".join(titles),
        }
    if draft.kind == KeyResultKind.BOOLEAN:
        return str(draft.get_kind_display())
    if draft.kind == KeyResultKind.BAND:
        return gettext("keep between %(low)s and %(high)s%(unit)s") % {
            "low": numbers.number(draft.band_low),
            "high": numbers.number(draft.band_high),
            "unit": unit,
        }
    return gettext("from %(start)s to %(target)s%(unit)s") % {
        "start": numbers.number(draft.start_value),
        "target": numbers.number(draft.target_value),
        "unit": unit,
    }

"""Display helpers for OKR numbers: percentages, health badges, progress bars."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, gettext_lazy

register = template.Library()

HEALTH_LABELS = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "off_track": gettext_lazy("Off track"),
    "no_data": gettext_lazy("No confidence yet"),
}


class NumberFormat:
    """The current language's separators and grouping, read once: `number_format` for many numbers."""

    def __init__(self) -> None:
        lang = get_language()
        self.decimal_sep = get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
        self.thousand_sep = get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)

    def format(self, value: Any, decimal_pos: int | None = None, force_grouping: bool = False) -> str:
        return numberformat.format(
            value,
            self.decimal_sep,
            decimal_pos,
            self.grouping,
            self.thousand_sep,
            force_grouping=force_grouping,
            use_l10n=True,
        )

    def pct(self, value: Any, digits: int = 0) -> str:
        if value is None or value == "":
            return "—"
        try:
            number = Decimal(str(value)) * 100
        except (InvalidOperation, ValueError):
            return "—"
        return f"{self.format(round(number, int(digits)), int(digits))}%"

    def number(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
        d = d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize()
        exponent = d.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return self.format(d, places, force_grouping=True)


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage: 0.456 → "46%". Empty for None."""
    return NumberFormat().pct(value, digits)


@register.filter
def percent_width(value: Any) -> str:
    """A fraction clamped to 0–100 as a CSS width."""
    try:
        number = max(Decimal(0), min(Decimal(1), Decimal(str(value or 0))))
    except (InvalidOperation, ValueError):
        number = Decimal(0)
    return f"{(number * 100):.1f}%"


@register.filter
def number(value: Any) -> str:
    """A Decimal without trailing zeros, localised: 1200.5000 → "1,200.5"."""
    return NumberFormat().number(value)


@register.simple_tag
def health_badge(health: str | None) -> str:
    key = health or "no_data"
    return format_html('<span class="health {}">{}</span>', key, HEALTH_LABELS.get(key, HEALTH_LABELS["no_data"]))


@register.simple_tag
def progress_bar(value: Any, label: str = "") -> str:
    return format_html(
        '<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{}"'
        ' aria-label="{}"><span style="width:{}"></span></div>',
        percent_width(value).rstrip("%"),
        label,
        percent_width(value),
    )


@register.simple_tag
def kr_measure(kr: Any) -> str:
    """Where a key result stands, in words: "3 / 4 家 (from 0)", "2 of 5 milestones", "done"."""
    kind = getattr(kr, "kind", "increase")
    if kind == "milestones":
        milestones = list(kr.milestones.all())
        done = sum(1 for m in milestones if m.done)
        return gettext("%(done)d of %(total)d milestones done") % {"done": done, "total": len(milestones)}
    if kind == "boolean":
        return str(gettext("done") if kr.current_value >= 1 else gettext("not done"))
    unit = f" {kr.unit}" if kr.unit else ""
    fmt = NumberFormat()
    if kind == "band":
        return gettext("%(current)s%(unit)s (keep between %(low)s and %(high)s)") % {
            "current": fmt.number(kr.current_value),
            "unit": unit,
            "low": fmt.number(kr.band_low),
            "high": fmt.number(kr.band_high),
        }
    return gettext("%(current)s / %(target)s%(unit)s (from %(start)s)") % {
        "current": fmt.number(kr.current_value),
        "target": fmt.number(kr.target_value),
        "unit": unit,
        "start": fmt.number(kr.start_value),
    }

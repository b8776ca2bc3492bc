"""Display helpers for OKR numbers: percentages, health badges, progress bars. The markup of the badges and bars
is in `okrs/_marks.html`; the reports pages use these too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language, gettext, gettext_lazy

from qibu.core.numbers import NumberFormat
from qibu.core.validation import NOTE_MAX

register = template.Library()


@register.simple_tag
def note_max() -> int:
    """The length limit of a check-in's note and reason, for the `maxlength` of boxes written by hand."""
    return NOTE_MAX


HEALTH_LABELS = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "off_track": gettext_lazy("Off track"),
    "no_data": gettext_lazy("No confidence yet"),
}


class _Numbers(NumberFormat):
    """`NumberFormat` that writes whole numbers under a thousand itself: they read the same in every language (no
    grouping, no decimal separator), and they are most of what OKR pages show, a dozen times a key result."""

    def number(self, value: Any) -> str:
        if isinstance(value, Decimal) and value.is_finite() and -1000 < value < 1000 and value == value.to_integral():
            return str(int(value))
        return super().number(value)

    def pct(self, value: Any, digits: int = 0) -> str:
        if not digits and isinstance(value, Decimal) and value.is_finite():
            whole = round(value * 100)  # half to even, as `NumberFormat.pct` rounds
            if -1000 < whole < 1000:
                return f"{whole}%"
        return super().pct(value, digits)


_NUMBER_FORMATS: dict[str, NumberFormat] = {}


def _numbers() -> NumberFormat:
    """The current language's number format, made once per language: its separators come from the language's
    format module and the settings, which do not change while the process runs."""
    language = get_language() or ""
    found = _NUMBER_FORMATS.get(language)
    if found is None:
        found = _NUMBER_FORMATS[language] = _Numbers()
    return found


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage: 0.456 → "46%". Empty for None."""
    return _numbers().pct(value, digits)


_ZERO, _ONE, _HUNDRED = Decimal(0), Decimal(1), Decimal(100)


@register.filter
def percent_width(value: Any) -> str:
    """A fraction clamped to 0–100 as a CSS width."""
    try:
        number = max(_ZERO, min(_ONE, value if isinstance(value, Decimal) else Decimal(str(value or 0))))
    except (InvalidOperation, ValueError):
        number = _ZERO
    return f"{(number * _HUNDRED):.1f}%"


@register.filter
def number(value: Any) -> str:
    """A Decimal without trailing zeros, localised: 1200.5000 → "1,200.5"."""
    return _numbers().number(value)


# The marks every OKR page repeats, written by the partials of `okrs/_marks.html`: in templates as inclusion tags
# (`{% health_badge health %}`, `{% progress_bar value label %}`), and for Python that still writes table rows
# (the reports' until they are templates too) as functions of the same names giving the same HTML.
BADGE = "okrs/_marks.html#health_badge"
BAR = "okrs/_marks.html#progress_bar"


def _badge(health: str | None) -> dict[str, Any]:
    """The health as a coloured label (MEAS-6)."""
    key = health or "no_data"
    return {"key": key, "label": HEALTH_LABELS.get(key, HEALTH_LABELS["no_data"])}


def _bar(value: Any, label: str = "") -> dict[str, Any]:
    """A fraction as a bar, clamped to 0–100 % (MEAS-1: over-achievement shows in the number beside it)."""
    width = percent_width(value)
    # The fill's width is a class (`w-0` … `w-100` in qibu.css): the Content-Security-Policy allows no style="".
    step = round(Decimal(width.rstrip("%")))
    return {"now": width.rstrip("%"), "step": step, "label": label}


register.inclusion_tag(BADGE, name="health_badge")(_badge)
register.inclusion_tag(BAR, name="progress_bar")(_bar)


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
    fmt = _numbers()
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

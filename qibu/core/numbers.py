"""Numbers as people read them, in the current language: grouped, without trailing zeros, percentages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language


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
        """A fraction as a percentage: 0.456 → "46%"; "—" for nothing."""
        if value is None or value == "":
            return "—"
        try:
            number = Decimal(str(value)) * 100
        except (InvalidOperation, ValueError):
            return "—"
        return f"{self.format(round(number, int(digits)), int(digits))}%"

    def number(self, value: Any) -> str:
        """A decimal without trailing zeros, grouped: 1200.5000 → "1,200.5"; "—" for nothing."""
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


def plain(value: Decimal | None) -> str:
    """A Decimal for an input field: no grouping, no trailing zeros, no exponent."""
    if value is None:
        return ""
    return format(value.normalize(), "f")

"""Helpers for the long tables and lists of the report pages, where every cell counts.

A cell of Django's template engine costs about 35 Python calls for the plainest `{{ value }}`, and some cost
far more; with 50 people on a department page, that is what the page costs. Measured on the department
page's rows (10,000-person demo, SQLite, calls counted by cProfile, timeit alike):

- `{% url %}` reverses its path again for every row (about 35 µs): a table reverses each of its views once
  (`{% url_pattern "reports:person" query=cycle_query as person_url %}`) and puts each row's key into it
  (`{{ person_url|with_pk:p.pk }}`, 5 µs), the query string included.
- `{% health_badge %}` (okr_tags) builds its badge anew for every row (92 calls): a table renders each
  health's badge once with that same tag (`{% health_badges as badges %}`) and picks one a row
  (`{{ badges|badge:r.health }}`, 37 calls, as much as a plain value).
- `floatformat:0` costs 18 µs; `whole` writes the same whole number in 3.

What they give the template is text escaped by the engine like any other value, or the badge that okr_tags'
own tag rendered.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.safestring import SafeString

from qibu.okrs.progress import Health

register = template.Library()

# A key no row has, put where the primary key goes and found again in the reversed path.
_MARKER = 2147483647


@dataclass(frozen=True)
class UrlPattern:
    """The path of a view that takes one primary key, split where the key goes, and a query string after it."""

    head: str
    tail: str

    def with_pk(self, pk: Any) -> str:
        return f"{self.head}{pk}{self.tail}"


@register.simple_tag
def url_pattern(name: str, query: str = "") -> UrlPattern:
    """The path of the view `name` (one primary-key argument), reversed once for a whole table; `query` (such
    as "?cycle=3") follows every path."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return UrlPattern(head, tail + query)


@register.filter
def with_pk(pattern: UrlPattern, pk: Any) -> str:
    """The path of `pattern` for the primary key `pk`: `{{ person_url|with_pk:m.person.pk }}`."""
    return pattern.with_pk(pk)


@functools.cache
def _badge_template(engine: template.Engine) -> template.Template:
    """`{% health_badge %}` alone, compiled once per engine."""
    return engine.from_string("{% load okr_tags %}{% health_badge health %}")


class HealthBadges:
    """The badge of each health as `{% health_badge %}` renders it, rendered once for a whole table."""

    def __init__(self, engine: template.Engine) -> None:
        self._template = _badge_template(engine)
        self._badges: dict[str, SafeString] = {str(key): self._render(key) for key in Health}

    def _render(self, health: str) -> SafeString:
        return self._template.render(Context({"health": health}))

    def of(self, health: str | None) -> SafeString:
        key = str(health or Health.NO_DATA)
        if key not in self._badges:  # not a health this table knew of: as the tag would show it
            self._badges[key] = self._render(key)
        return self._badges[key]


@register.simple_tag(takes_context=True)
def health_badges(context: Context) -> HealthBadges:
    """`{% health_badges as badges %}`: every health's badge, rendered once for a table."""
    bound = context.template  # the template (or partial) being rendered, which knows its engine
    return HealthBadges(bound.engine if bound is not None else template.engines["django"].engine)  # type: ignore[attr-defined]


@register.filter
def badge(badges: HealthBadges, health: str | None) -> SafeString:
    """The badge of `health`, as `{% health_badge health %}` shows it: `{{ badges|badge:r.health }}`."""
    return badges.of(health)


_ONE = Decimal(1)


@register.filter
def whole(value: Any) -> str:
    """A number rounded half up to a whole one, as `floatformat:0` writes it: Decimal("55.5") → "56"; ""
    for what is not a number. Confidences (0–100), which are never large enough for thousands separators."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return str(int(number.quantize(_ONE, rounding=ROUND_HALF_UP)))
    except (InvalidOperation, ValueError):
        return ""

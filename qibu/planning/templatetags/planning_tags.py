"""What the planning pages need besides the project's tags."""

from __future__ import annotations

from django import template

from qibu.org.models import Department

register = template.Library()

# A choice list cannot be indented by style: each level below the top is marked by two no-break spaces.
_INDENT = "\u00a0\u00a0"


@register.filter
def indented(department: Department) -> str:
    """The department's name indented by its depth, for a choice list of the tree."""
    return _INDENT * department.depth + department.name

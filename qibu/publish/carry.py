"""What the update carried into a cycle (UPD-3, UPD-4), for the cycle's publication: an app above publish
(`qibu.updates`) registers a function from its `AppConfig.ready()` that lists the cycle's objectives kept, changed,
dropped and new since the cycle before. The compile stores the lines with the publication (`Publication.carried`),
each with the access keys of its objective, so a reader sees only those `can_read` lets them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qibu.cycles.models import Cycle

# One line: {"change": "kept|modified|dropped|new", "title", "before", "level", and the access keys}.
CarryOverFn = Callable[["Cycle"], list[dict[str, Any]]]
_SOURCES: dict[str, CarryOverFn] = {}


def register_carry_over(name: str, source: CarryOverFn) -> None:
    _SOURCES[name] = source


def carry_over(cycle: Cycle) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for source in _SOURCES.values():
        lines.extend(source(cycle))
    return lines

"""Sections that apps above okrs add to the objective page (comments, later the publication's feedback).

okrs imports no app above it, so such an app registers a panel from its `AppConfig.ready()`: a template and a
function giving that template's context. The objective page calls each panel with what it has already read
(`PanelPage`), so that a panel reads only its own rows, in a number of queries of its own that does not grow
with the company, and includes the template where its section goes. The page works without JavaScript: a
panel is part of the page as it is first sent, not loaded after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from qibu.okrs.models import KeyResult, Objective
    from qibu.org.models import Person


@dataclass(frozen=True)
class CheckInRef:
    """A check-in the page's list shows: its id, its key result's title, and when (in the viewer's format)."""

    id: int
    key_result: str
    at: str


@dataclass(frozen=True)
class PanelPage:
    """What the objective page read before its panels: the objective, its key results (in their order), and the
    check-ins its list shows (newest first)."""

    request: HttpRequest
    viewer: Person
    objective: Objective
    editable: bool
    key_results: list[KeyResult]
    checkins: list[CheckInRef]


@dataclass(frozen=True)
class ObjectivePanel:
    name: str
    template: str
    context: Callable[[PanelPage], dict[str, Any]]


@dataclass(frozen=True)
class RenderedPanel:
    """A panel's template with its context, as `okrs/objective.html` includes it (`panel` in the template)."""

    name: str
    template: str
    context: dict[str, Any]


_panels: dict[str, ObjectivePanel] = {}


def register_objective_panel(name: str, *, template: str, context: Callable[[PanelPage], dict[str, Any]]) -> None:
    """Add a section to the objective page, below the check-ins and above the history (in the order registered)."""
    _panels[name] = ObjectivePanel(name=name, template=template, context=context)


def objective_panels(page: PanelPage) -> list[RenderedPanel]:
    return [RenderedPanel(p.name, p.template, p.context(page)) for p in _panels.values()]

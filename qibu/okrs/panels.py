"""Sections that apps above okrs add to its pages without okrs importing them: an app registers from its
`AppConfig.ready()`, and the page renders each in the order registered.

- The objective page's panels (comments, later the publication's feedback): a template and a function giving its
  context from what the page has already read (`PanelPage`), so that a panel reads only its own rows, in a number
  of queries that does not grow with the company. Part of the page as first sent: it works without JavaScript.
- The home page's panels (my OKRs; the rhythm's "due this week"): a function of the signed-in person, the
  organisation and the moment, answering a template and its context, or None to show nothing; a fixed number of
  queries whatever the size of the company (the page's query count is asserted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from qibu.okrs.models import KeyResult, Objective
    from qibu.org.models import Organisation, Person


# --- the objective page -----------------------------------------------------------------------------


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


# --- the home page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Shown at the top of the page's main column rather than beside it (the daily focus, EXE-7: what the page
    # opens with, also on a phone); the others go in the side column, in the order registered.
    main: bool = False


PanelFunction = Callable[["Person", "Organisation", dt.datetime], "HomePanel | None"]

_PANELS: dict[str, PanelFunction] = {}


def register_home_panel(name: str, function: PanelFunction) -> None:
    """Add (or replace) the panel `name`."""
    _PANELS[name] = function


def home_panels(person: Person, organisation: Organisation, now: dt.datetime) -> list[HomePanel]:
    panels = (function(person, organisation, now) for function in _PANELS.values())
    return [panel for panel in panels if panel is not None]


# --- the OKR editor ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorPage:
    """What the editor knows of the objective being drafted: who drafts it, its cycle, level and department (the
    department of the objective, else the drafter's)."""

    viewer: Person
    cycle_id: int | None
    level: str
    department_id: int | None


EditorPanelContext = Callable[[EditorPage], "dict[str, Any] | None"]
_editor_panels: dict[str, tuple[str, EditorPanelContext]] = {}


def register_editor_panel(name: str, *, template: str, context: EditorPanelContext) -> None:
    """Add a section beside the OKR editor (the celebration's lessons learned of the cycle before, CEL-5); a context
    of None shows nothing. A fixed number of queries."""
    _editor_panels[name] = (template, context)


def editor_panels(page: EditorPage) -> list[RenderedPanel]:
    found = ((name, template, context(page)) for name, (template, context) in _editor_panels.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]

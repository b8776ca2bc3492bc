"""Panels that apps above okrs add to the home page (my OKRs) without okrs importing them: an app registers a
function in its `AppConfig.ready`, and the page renders what each answers, in the order registered.

A panel function takes the signed-in person and the request's organisation and moment, and answers the template
and context to include in the page's side column, or None to show nothing. It must read a fixed number of queries
whatever the size of the company (the page's query count is asserted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qibu.org.models import Organisation, Person


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelFunction = Callable[[Person, Organisation, dt.datetime], HomePanel | None]

_PANELS: dict[str, PanelFunction] = {}


def register_home_panel(name: str, function: PanelFunction) -> None:
    """Add (or replace) the panel `name`."""
    _PANELS[name] = function


def home_panels(person: Person, organisation: Organisation, now: dt.datetime) -> list[HomePanel]:
    panels = (function(person, organisation, now) for function in _PANELS.values())
    return [panel for panel in panels if panel is not None]

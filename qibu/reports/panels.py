"""Sections that apps above reports add to the company page without reports importing them (`qibu.updates`: the
continuity of the company's objectives from quarter to quarter, UPD-3). An app registers a template and a function
of the viewer and the chosen cycle from its `AppConfig.ready()`; the function answers the template's context, or
None to show nothing, in a fixed number of queries whatever the company's size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qibu.cycles.models import Cycle
    from qibu.org.models import Person

CompanyPanelFn = Callable[["Person", "Cycle"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class CompanyPanel:
    name: str
    template: str
    context: CompanyPanelFn


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    context: dict[str, Any]


_panels: dict[str, CompanyPanel] = {}


def register_company_panel(name: str, *, template: str, context: CompanyPanelFn) -> None:
    """Add a section to the company page, below its objectives (in the order registered)."""
    _panels[name] = CompanyPanel(name, template, context)


def company_panels(viewer: Person, cycle: Cycle) -> list[RenderedPanel]:
    rendered = []
    for panel in _panels.values():
        context = panel.context(viewer, cycle)
        if context is not None:
            rendered.append(RenderedPanel(panel.name, panel.template, context))
    return rendered

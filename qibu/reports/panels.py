"""Sections that apps above reports add to the person's and the department's pages without reports importing them:
an app registers a template and a context function from its `AppConfig.ready()` (the celebration's recognitions,
CEL-4); the page includes each panel in the order registered. A panel reads only its own rows, in a fixed number of
queries, only what the viewer may see; a context of None shows nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qibu.org.models import Department, Person


@dataclass(frozen=True)
class RenderedPanel:
    """A panel's template with its context, as the page includes it (`panel` in the template)."""

    name: str
    template: str
    context: dict[str, Any]


PersonPanelContext = Callable[["Person", "Person"], "dict[str, Any] | None"]
DepartmentPanelContext = Callable[["Person", "Department"], "dict[str, Any] | None"]

_person: dict[str, tuple[str, PersonPanelContext]] = {}
_department: dict[str, tuple[str, DepartmentPanelContext]] = {}


def register_person_panel(name: str, *, template: str, context: PersonPanelContext) -> None:
    """Add a section to the person's page: `context(viewer, person)`."""
    _person[name] = (template, context)


def register_department_panel(name: str, *, template: str, context: DepartmentPanelContext) -> None:
    """Add a section to the department's page: `context(viewer, department)`."""
    _department[name] = (template, context)


def person_panels(viewer: Person, person: Person) -> list[RenderedPanel]:
    found = ((name, template, context(viewer, person)) for name, (template, context) in _person.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]


def department_panels(viewer: Person, department: Department) -> list[RenderedPanel]:
    found = ((name, template, context(viewer, department)) for name, (template, context) in _department.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]

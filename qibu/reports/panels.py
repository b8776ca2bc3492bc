"""Sections that apps above reports add to the company's, the person's and the department's pages without reports
importing them (`qibu.updates`: the continuity of the company's objectives from quarter to quarter, UPD-3;
`qibu.celebrate`: the recognitions of a person and of a department, CEL-4). An app registers a template and a
context function from its `AppConfig.ready()`; the page includes each panel in the order registered. A panel reads
only its own rows, in a fixed number of queries whatever the company's size, only what the viewer may see; a
context of None shows nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qibu.cycles.models import Cycle
    from qibu.org.models import Department, Person

CompanyPanelContext = Callable[["Person", "Cycle"], "dict[str, Any] | None"]
PersonPanelContext = Callable[["Person", "Person"], "dict[str, Any] | None"]
DepartmentPanelContext = Callable[["Person", "Department"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class RenderedPanel:
    """A panel's template with its context, as the page includes it (`panel` in the template)."""

    name: str
    template: str
    context: dict[str, Any]


_company: dict[str, tuple[str, CompanyPanelContext]] = {}
_person: dict[str, tuple[str, PersonPanelContext]] = {}
_department: dict[str, tuple[str, DepartmentPanelContext]] = {}


def register_company_panel(name: str, *, template: str, context: CompanyPanelContext) -> None:
    """Add a section to the company page, below its objectives: `context(viewer, cycle)`."""
    _company[name] = (template, context)


def register_person_panel(name: str, *, template: str, context: PersonPanelContext) -> None:
    """Add a section to the person's page: `context(viewer, person)`."""
    _person[name] = (template, context)


def register_department_panel(name: str, *, template: str, context: DepartmentPanelContext) -> None:
    """Add a section to the department's page: `context(viewer, department)`."""
    _department[name] = (template, context)


def company_panels(viewer: Person, cycle: Cycle) -> list[RenderedPanel]:
    found = ((name, template, context(viewer, cycle)) for name, (template, context) in _company.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]


def person_panels(viewer: Person, person: Person) -> list[RenderedPanel]:
    found = ((name, template, context(viewer, person)) for name, (template, context) in _person.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]


def department_panels(viewer: Person, department: Department) -> list[RenderedPanel]:
    found = ((name, template, context(viewer, department)) for name, (template, context) in _department.items())
    return [RenderedPanel(name, template, c) for name, template, c in found if c is not None]

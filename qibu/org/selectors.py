"""Reads on the organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from qibu.org.models import Department, Organisation, Person, Team


def organisation_get() -> Organisation:
    """The organisation; an installation without one gets a blank one with the method's defaults."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation, _created = Organisation.objects.get_or_create(pk=1, defaults={"name": "Qibu"})
    return organisation


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("head", "parent").order_by("path")


def department_descendant_ids(department: Department) -> list[int]:
    return list(Department.objects.filter(path__startswith=department.path).values_list("id", flat=True))


def team_list() -> QuerySet[Team]:
    return Team.objects.select_related("department", "lead")


def person_list() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("department", "team", "manager")

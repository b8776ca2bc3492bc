"""Reads on the organisation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qibu.org.models import Department, Organisation, Person, Team


def organisation_get() -> Organisation:
    """The organisation; an installation without one gets a blank one with the method's defaults."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation, _created = Organisation.objects.get_or_create(pk=1, defaults={"name": "Qibu"})
    return organisation


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("head", "parent").order_by("path")


def team_list() -> QuerySet[Team]:
    return Team.objects.select_related("department", "lead")


def person_list() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("department", "team", "manager")


def departments_with_counts() -> QuerySet[Department]:
    return department_list().annotate(member_count=Count("members", filter=Q(members__is_active=True)))


def people_search(query: str) -> QuerySet[Person]:
    people = person_list().order_by("full_name", "username")
    if query:
        people = people.filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
        )
    return people

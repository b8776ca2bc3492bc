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


def people_search(query: str, status: str = "active") -> QuerySet[Person]:
    """People whose name, user name, e-mail address or job title holds `query`: the active ones, the deactivated
    ones (`status` "inactive") or everyone ("all")."""
    people = Person.objects.select_related("department", "team", "manager").order_by("full_name", "username")
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    if query:
        people = people.filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
        )
    return people

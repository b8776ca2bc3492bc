"""Who may set up chat webhooks: administrators for every department and team; the head of a department for it,
its sub-departments and their teams (as they head those departments' OKRs). Nobody else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from qibu.notify.models import ChatWebhook
from qibu.org.models import Department, Person, Team


def headed_paths(person: Person) -> list[str]:
    """Paths of the departments the person heads, memoised on the person for the request."""
    cached: list[str] | None = getattr(person, "_chat_headed_paths", None)
    if cached is None:
        cached = list(Department.objects.filter(head=person).values_list("path", flat=True))
        person._chat_headed_paths = cached  # type: ignore[attr-defined]
    return cached


def may_set_up_chat(person: Person) -> bool:
    """Whether the Chat settings page is theirs at all (403 otherwise)."""
    return person.is_active and (person.is_admin or bool(headed_paths(person)))


def _under(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def departments_for(person: Person) -> QuerySet[Department]:
    departments = Department.objects.all()
    return departments if person.is_admin else departments.filter(_under(headed_paths(person), "path"))


def teams_for(person: Person) -> QuerySet[Team]:
    teams = Team.objects.select_related("department")
    return teams if person.is_admin else teams.filter(_under(headed_paths(person), "department__path"))


def webhooks_for(person: Person) -> QuerySet[ChatWebhook]:
    webhooks = ChatWebhook.objects.select_related("department", "team__department")
    if person.is_admin:
        return webhooks
    paths = headed_paths(person)
    return webhooks.filter(_under(paths, "department__path") | _under(paths, "team__department__path"))


def may_target(person: Person, *, department: Department | None, team: Team | None) -> bool:
    """Whether the person may send a department's or team's chat to a webhook."""
    if person.is_admin:
        return True
    path = department.path if department is not None else team.department.path if team is not None else None
    return path is not None and any(path.startswith(p) for p in headed_paths(person))


def webhook_for(person: Person, pk: int) -> ChatWebhook:
    """The webhook, for someone who may set it up: 403 for who may set up none, 404 for one not theirs."""
    if not may_set_up_chat(person):
        raise PermissionDenied
    webhook = webhooks_for(person).filter(pk=pk).first()
    if webhook is None:
        raise Http404
    return webhook

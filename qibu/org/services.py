"""Writes on the organisation: policy, departments, teams, people, API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record, snapshot
from qibu.org.models import ApiToken, Department, Organisation, Person, Role, StrategicGoal, Team

ORGANISATION_FIELDS = (
    "name",
    "vision",
    "mission",
    "fiscal_year_start_month",
    "time_zone",
    "default_language",
    *Organisation.POLICY_FIELDS,
)


@transaction.atomic
def organisation_update(*, actor: Person | None, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change the company's identity and its method policy; every change is kept in history."""
    before = snapshot(organisation, ORGANISATION_FIELDS)
    saved = {field: getattr(organisation, field) for field in ORGANISATION_FIELDS}
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    errors: dict[str, list[str]] = {}
    try:
        organisation.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        zoneinfo.ZoneInfo(str(organisation.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors.setdefault("time_zone", []).append(_("Unknown time zone “%(tz)s”.") % {"tz": organisation.time_zone})
    if organisation.default_language not in ("zh-hans", "en"):
        errors.setdefault("default_language", []).append(_("Choose Chinese (zh-hans) or English (en)."))
    if organisation.min_key_results > organisation.max_key_results:
        errors.setdefault("min_key_results", []).append(_("The fewest key results is above the most key results."))
    if organisation.at_risk_confidence > organisation.on_track_confidence:
        errors.setdefault("at_risk_confidence", []).append(_("“At risk” must start below “on track”."))
    if errors:
        # The caller's instance is the request's policy: leave it as stored, not half-set.
        for field in ORGANISATION_FIELDS:
            setattr(organisation, field, saved[field])
        raise ValidationError(errors)
    after = snapshot(organisation, ORGANISATION_FIELDS)
    changed = [k for k in ORGANISATION_FIELDS if before[k] != after[k]]
    if changed:
        organisation.save(update_fields=changed)
        history_record(
            actor=actor,
            action="organisation.update",
            subject=organisation,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return organisation


def _required_name(field: str, value: str | None, max_length: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("At most %(max)d characters.") % {"max": max_length}]})
    return value


def strategic_goal_create(*, title: str, description: str = "") -> StrategicGoal:
    """VIS-2: a strategic goal between the vision and the company objectives."""
    return StrategicGoal.objects.create(
        title=_required_name("title", title),
        description=(description or "").strip(),
        position=StrategicGoal.objects.count(),
    )


def _path_for(department: Department) -> str:
    parent_path = department.parent.path if department.parent else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_create(*, name: str, parent: Department | None = None, head: Person | None = None) -> Department:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the department a name.")]})
    if len(name) > 200:
        raise ValidationError({"name": [_("At most %(max)d characters.") % {"max": 200}]})
    department = Department.objects.create(name=name, parent=parent, head=head)
    department.path = _path_for(department)
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def department_move(*, department: Department, parent: Department | None) -> Department:
    """Move a department (and its sub-departments) under a new parent; a loop is refused."""
    if parent is not None and parent.path.startswith(department.path):
        raise ValidationError({"parent": [_("A department cannot sit under itself or its sub-departments.")]})
    old_path = department.path
    department.parent = parent
    department.path = _path_for(department)
    department.save(update_fields=["parent", "path"])
    for sub in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
        sub.path = department.path + sub.path[len(old_path) :]
        sub.save(update_fields=["path"])
    return department


@transaction.atomic
def team_create(*, name: str, department: Department, lead: Person | None = None) -> Team:
    name = _required_name("name", name)
    if Team.objects.filter(department=department, name=name).exists():
        raise ValidationError({"name": [_("This department already has a team called “%(name)s”.") % {"name": name}]})
    return Team.objects.create(name=name, department=department, lead=lead)


@transaction.atomic
def person_create(
    *,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    role: str = Role.MEMBER,
    department: Department | None = None,
    team: Team | None = None,
    manager: Person | None = None,
    job_title: str = "",
    language: str = "",
) -> Person:
    person = Person(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        role=role,
        department=department,
        team=team,
        manager=manager,
        job_title=job_title.strip(),
        language=language,
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    return person


def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns it with the secret, which is never stored and shown only now."""
    secret = "qibu_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=(name or "").strip()[:100] or _("API token"),
        prefix=secret[:12],
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    return token, secret


def api_token_authenticate(secret: str) -> Person | None:
    """The active person owning this token secret, or None; notes when it was last used."""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    token = ApiToken.objects.select_related("person", "person__department").filter(key_hash=digest).first()
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    # Writing on every request would serialise readers on SQLite; once a minute is enough to know.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


@transaction.atomic
def strategic_goal_delete(*, actor: Person, goal: StrategicGoal) -> None:
    history_record(
        actor=actor, action="strategic_goal.delete", subject=goal, before=snapshot(goal, ("title", "description"))
    )
    goal.delete()


@transaction.atomic
def department_set_head(*, actor: Person, department: Department, head: Person | None) -> Department:
    before = snapshot(department, ("head",))
    department.head = head
    department.save(update_fields=["head"])
    history_record(
        actor=actor,
        action="department.set_head",
        subject=department,
        before=before,
        after=snapshot(department, ("head",)),
    )
    return department


def api_token_revoke(*, person: Person, token_id: int) -> bool:
    """Revoke one of the person's own tokens; False when they hold no such token."""
    deleted, _rows = ApiToken.objects.filter(person=person, pk=token_id).delete()
    return deleted > 0


def person_set_language(*, person: Person, language: str) -> Person:
    if language not in ("", "zh-hans", "en"):
        raise ValidationError({"language": [_("Choose Chinese (zh-hans), English (en) or the default.")]})
    person.language = language
    person.save(update_fields=["language"])
    return person

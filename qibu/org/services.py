"""Writes on the organisation: policy, strategy, departments, teams, people, API tokens and the sign-in
throttle's locks.

Every write takes its `actor` (the signed-in person, or None for the system: a command, the demo generator,
the importer run from the command line), runs in one transaction, collects every problem of its input in one
`FieldErrors` before it writes anything, and records what it changed in the history of the subject concerned:
the organisation (its settings and strategic goals), a department, a team, or a person (their tokens too).
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import zoneinfo
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record, snapshot
from qibu.core.validation import TITLE_MAX, FieldErrors, clean_text
from qibu.org.models import ApiToken, Department, Organisation, Person, Role, StrategicGoal, Team
from qibu.org.selectors import organisation_get

ORGANISATION_FIELDS = (
    "name",
    "vision",
    "mission",
    "fiscal_year_start_month",
    "time_zone",
    "default_language",
    *Organisation.POLICY_FIELDS,
)
LANGUAGES = ("zh-hans", "en")
NAME_MAX = 200
TOKEN_NAME_MAX = 100
# What history keeps of each row: never a password hash, a token's secret or its hash.
GOAL_FIELDS = ("title", "description")
DEPARTMENT_FIELDS = ("name", "parent", "head")
TEAM_FIELDS = ("name", "department", "lead")
PERSON_FIELDS = ("username", "full_name", "email", "role", "department", "team", "manager", "job_title", "language")
ADMIN_FIELDS = ("role", "is_staff", "is_superuser", "is_active")
TOKEN_FIELDS = ("name", "prefix")


# --- the organisation and its policy ----------------------------------------------------------------


def _check_organisation(errors: FieldErrors, organisation: Organisation) -> None:
    """The model's ranges, then the rules that tie fields together."""
    try:
        organisation.full_clean()
    except ValidationError as exc:
        errors.merge(exc)
    try:
        zoneinfo.ZoneInfo(str(organisation.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors.add("time_zone", _("Unknown time zone “%(tz)s”.") % {"tz": organisation.time_zone})
    if organisation.default_language not in LANGUAGES:
        errors.add("default_language", _("Choose Chinese (zh-hans) or English (en)."))
    if organisation.min_key_results > organisation.max_key_results:
        errors.add("min_key_results", _("The fewest key results is above the most key results."))
    if organisation.at_risk_confidence > organisation.on_track_confidence:
        errors.add("at_risk_confidence", _("“At risk” must start below “on track”."))


@transaction.atomic
def organisation_update(*, actor: Person | None, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change the company's identity and its method policy; every change is kept in history."""
    before = snapshot(organisation, ORGANISATION_FIELDS)
    saved = {field: getattr(organisation, field) for field in ORGANISATION_FIELDS}
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    errors = FieldErrors()
    _check_organisation(errors, organisation)
    if errors:
        # The caller's instance is the request's policy: leave it as stored, not half-set.
        for field in ORGANISATION_FIELDS:
            setattr(organisation, field, saved[field])
        errors.raise_if_any()
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


# --- vision and strategy: in the organisation's history ---------------------------------------------


@transaction.atomic
def strategic_goal_create(*, actor: Person | None, title: str, description: str = "") -> StrategicGoal:
    """VIS-2: a strategic goal between the vision and the company objectives."""
    errors = FieldErrors()
    goal = StrategicGoal(
        title=clean_text(errors, "title", title, max_length=TITLE_MAX, missing=_("This field is required.")),
        description=clean_text(errors, "description", description),
    )
    errors.raise_if_any()
    goal.position = StrategicGoal.objects.count()
    goal.save()
    history_record(
        actor=actor,
        action="strategic_goal.create",
        subject=organisation_get(),
        target=goal,
        after=snapshot(goal, GOAL_FIELDS),
    )
    return goal


@transaction.atomic
def strategic_goal_delete(*, actor: Person | None, goal: StrategicGoal) -> None:
    history_record(
        actor=actor,
        action="strategic_goal.delete",
        subject=organisation_get(),
        target=goal,
        before=snapshot(goal, GOAL_FIELDS),
    )
    goal.delete()


# --- departments and teams --------------------------------------------------------------------------


def department_path(department: Department) -> str:
    """The materialised path of a saved department under its parent: "/1/4/" + its id + "/"."""
    parent_path = department.parent.path if department.parent else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_create(
    *, actor: Person | None, name: str, parent: Department | None = None, head: Person | None = None
) -> Department:
    errors = FieldErrors()
    name = clean_text(errors, "name", name, max_length=NAME_MAX, missing=_("Give the department a name."))
    errors.raise_if_any()
    department = Department.objects.create(name=name, parent=parent, head=head)
    department.path = department_path(department)
    department.save(update_fields=["path"])
    history_record(
        actor=actor, action="department.create", subject=department, after=snapshot(department, DEPARTMENT_FIELDS)
    )
    return department


@transaction.atomic
def department_move(*, actor: Person | None, department: Department, parent: Department | None) -> Department:
    """Move a department (and its sub-departments) under a new parent; a loop is refused."""
    errors = FieldErrors()
    if parent is not None and parent.path.startswith(department.path):
        errors.add("parent", _("A department cannot sit under itself or its sub-departments."))
    errors.raise_if_any()
    if (parent.pk if parent is not None else None) == department.parent_id:
        return department
    before = snapshot(department, ("parent",))
    old_path = department.path
    department.parent = parent
    department.path = department_path(department)
    department.save(update_fields=["parent", "path"])
    # Every sub-department's path in one statement: "/1/4/9/" under a new "/2/4/" becomes "/2/4/9/".
    Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk).update(
        path=Concat(Value(department.path), Substr("path", len(old_path) + 1))
    )
    after = snapshot(department, ("parent",))
    history_record(actor=actor, action="department.move", subject=department, before=before, after=after)
    return department


@transaction.atomic
def department_set_head(*, actor: Person | None, department: Department, head: Person | None) -> Department:
    before = snapshot(department, ("head",))
    department.head = head
    after = snapshot(department, ("head",))
    if before != after:
        department.save(update_fields=["head"])
        history_record(actor=actor, action="department.set_head", subject=department, before=before, after=after)
    return department


@transaction.atomic
def team_create(*, actor: Person | None, name: str, department: Department, lead: Person | None = None) -> Team:
    errors = FieldErrors()
    name = clean_text(errors, "name", name, max_length=NAME_MAX, missing=_("This field is required."))
    if name and Team.objects.filter(department=department, name=name).exists():
        errors.add("name", _("This department already has a team called “%(name)s”.") % {"name": name})
    errors.raise_if_any()
    team = Team.objects.create(name=name, department=department, lead=lead)
    history_record(actor=actor, action="team.create", subject=team, after=snapshot(team, TEAM_FIELDS))
    return team


# --- people -----------------------------------------------------------------------------------------


def _new_person(errors: FieldErrors, *, password: str | None, **fields: Any) -> Person:
    """An unsaved person checked by the model's own rules (username characters and uniqueness, email, role)."""
    for key in ("username", "full_name", "email", "job_title"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    person = Person(**fields)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.merge(exc)
    return person


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
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
    errors = FieldErrors()
    person = _new_person(
        errors,
        password=password,
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        department=department,
        team=team,
        manager=manager,
        job_title=job_title,
        language=language,
    )
    errors.raise_if_any()
    person.save()
    history_record(actor=actor, action="person.create", subject=person, after=snapshot(person, PERSON_FIELDS))
    return person


def _check_password(errors: FieldErrors, password: str | None, person: Person) -> None:
    if password:
        try:
            validate_password(password, person)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", message)


def _grant_admin(person: Person) -> None:
    person.role = Role.ADMIN
    person.is_staff = True
    person.is_superuser = True
    person.is_active = True


@transaction.atomic
def person_make_admin(
    *, actor: Person | None, username: str, full_name: str, email: str = "", password: str | None = None
) -> tuple[Person, bool]:
    """An administrator with every right (`create_admin`): a new person, or the person of that username
    promoted, whose password changes only when one is given. Returns the person and whether they are new."""
    errors = FieldErrors()
    existing = Person.objects.filter(username=username.strip()).first()
    if existing is None:
        person = _new_person(errors, password=password, username=username, full_name=full_name, email=email)
        _check_password(errors, password, person)
        errors.raise_if_any()
        _grant_admin(person)
        person.save()
        after = snapshot(person, (*PERSON_FIELDS, "is_staff", "is_superuser", "is_active"))
        history_record(actor=actor, action="person.create_admin", subject=person, after=after)
        return person, True
    _check_password(errors, password, existing)
    errors.raise_if_any()
    before = snapshot(existing, ADMIN_FIELDS)
    if password:
        existing.set_password(password)
    _grant_admin(existing)
    existing.save(update_fields=[*ADMIN_FIELDS, "password"])
    history_record(
        actor=actor,
        action="person.promote_admin",
        subject=existing,
        before=before,
        after=snapshot(existing, ADMIN_FIELDS),
    )
    return existing, False


@transaction.atomic
def person_set_language(*, actor: Person | None, person: Person, language: str) -> Person:
    errors = FieldErrors()
    if language not in ("", *LANGUAGES):
        errors.add("language", _("Choose Chinese (zh-hans), English (en) or the default."))
    errors.raise_if_any()
    if person.language != language:
        before = snapshot(person, ("language",))
        person.language = language
        person.save(update_fields=["language"])
        history_record(
            actor=actor,
            action="person.set_language",
            subject=person,
            before=before,
            after=snapshot(person, ("language",)),
        )
    return person


# --- the sign-in throttle ---------------------------------------------------------------------------


@transaction.atomic
def sign_in_unlock(*, actor: Person | None, account: str = "", address: str = "") -> int:
    """Lift the sign-in throttle's lock on an account (every failure recorded for that user name, from anywhere) or
    on an address (every failure from it, whatever the account); answers how many failure records went. Recorded
    in the person's history for an account that is someone's, in the organisation's otherwise."""
    errors = FieldErrors()
    if not account and not address:
        errors.add(None, _("Say which account or address to unlock."))
    if address:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            errors.add("address", _("“%(value)s” is not an IP address.") % {"value": address})
    errors.raise_if_any()
    removed = 0
    if account:
        removed += int(axes_reset(username=account))
        person = Person.objects.filter(username=account).first()
        subject: Any = person if person is not None else organisation_get()
        history_record(actor=actor, action="sign_in.unlock_account", subject=subject, after={"account": account})
    if address:
        removed += int(axes_reset(ip=address))
        history_record(
            actor=actor, action="sign_in.unlock_address", subject=organisation_get(), after={"address": address}
        )
    return removed


# --- API tokens: in their person's history ----------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: Person | None, person: Person, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns it with the secret, which is never stored and shown only now."""
    secret = "qibu_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=(name or "").strip()[:TOKEN_NAME_MAX] or _("API token"),
        prefix=secret[:12],
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    # The prefix is what the tokens page shows to tell tokens apart, not enough of the secret to use it.
    history_record(
        actor=actor, action="api_token.create", subject=person, target=token, after=snapshot(token, TOKEN_FIELDS)
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
def api_token_revoke(*, actor: Person | None, person: Person, token_id: int) -> bool:
    """Revoke one of the person's own tokens; False when they hold no such token."""
    token = ApiToken.objects.filter(person=person, pk=token_id).first()
    if token is None:
        return False
    history_record(
        actor=actor, action="api_token.revoke", subject=person, target=token, before=snapshot(token, TOKEN_FIELDS)
    )
    token.delete()
    return True

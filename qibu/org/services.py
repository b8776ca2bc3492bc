"""Writes on the organisation: policy, strategy, departments, teams, people, passwords, API tokens and the
sign-in throttle's locks.

Every write takes its `actor` (the signed-in person, or None for the system: a command, the demo generator,
the importer run from the command line), runs in one transaction, collects every problem of its input in one
`FieldErrors` before it writes anything, and records what it changed in the history of the subject concerned:
the organisation (its settings and strategic goals), a department, a team, or a person (their tokens too).
History never holds a password or its hash: a password change is recorded as having happened, nothing more.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.audit.services import history_entry, history_record, history_record_many, snapshot
from qibu.core.pinyin import search_key
from qibu.core.rules import COACH_CHECKS
from qibu.core.validation import (
    NAME_MAX,
    SHORT_NAME_MAX,
    STATEMENT_MAX,
    TITLE_MAX,
    FieldErrors,
    clean_text,
)
from qibu.org.models import ApiToken, Department, Organisation, Person, Role, StrategicGoal, Team
from qibu.org.passwords import SetPasswordLink, link_for, links_for
from qibu.org.selectors import organisation_get

ORGANISATION_FIELDS = (
    "name",
    "vision",
    "mission",
    "fiscal_year_start_month",
    "time_zone",
    "default_language",
    *Organisation.POLICY_FIELDS,
    *Organisation.SCORE_POLICY_FIELDS,
    "approval_required",
    "approval_order_enforced",
    "approval_on_change",
    "ceo",
)
LANGUAGES = ("zh-hans", "en")
# What history keeps of each row: never a password hash, a token's secret or its hash.
GOAL_FIELDS = ("title", "description")
DEPARTMENT_FIELDS = ("name", "parent", "head")
TEAM_FIELDS = ("name", "department", "lead")
PERSON_FIELDS = ("username", "full_name", "email", "role", "department", "team", "manager", "job_title", "language")
ADMIN_FIELDS = ("role", "is_staff", "is_superuser", "is_active")
# What an administrator may change on a person's page; moving someone changes the last three only.
EDITABLE_FIELDS = ("full_name", "username", "email", "job_title", "role", "department", "team", "manager", "language")
PLACEMENT_FIELDS = ("department", "team", "manager")
# Kept in history when a person changes: their fields, and the rights that go with leaving the administrator role.
PERSON_HISTORY_FIELDS = (*PERSON_FIELDS, "is_superuser", "is_staff")
# Following managers upwards stops here: no company is this deep, so a longer chain is a loop already stored.
MANAGER_CHAIN_MAX = 500
TOKEN_FIELDS = ("name", "prefix")


# --- the organisation and its policy ----------------------------------------------------------------


# The organisation's texts and how long each may be (its vision is on every member's home page).
ORGANISATION_TEXTS = {"name": NAME_MAX, "vision": STATEMENT_MAX, "mission": STATEMENT_MAX}


def _clean_organisation_texts(errors: FieldErrors, organisation: Organisation, data: Mapping[str, Any]) -> None:
    for field, limit in ORGANISATION_TEXTS.items():
        if field in data:
            missing = _("This field is required.") if field == "name" else None
            setattr(organisation, field, clean_text(errors, field, data[field], max_length=limit, missing=missing))


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
    for field in ("self_assessment_every_months", "update_every_months"):
        if getattr(organisation, field) not in (1, 3):
            errors.add(field, _("Choose 3 (every quarter) or 1 (every month)."))
    # CEL-3: the tiers may not overlap: the standard one starts below the rich one.
    if organisation.reward_standard_from >= organisation.reward_rich_from:
        errors.add(
            "reward_standard_from",
            _("The standard celebration must start below the rich one: the tiers cannot overlap."),
        )
    if organisation.blocker_management_after_days <= organisation.blocker_department_after_days:
        errors.add(
            "blocker_management_after_days",
            _("A blocker reaches the management meeting after it reached the department meeting: give more days."),
        )


@transaction.atomic
def organisation_update(*, actor: Person | None, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change the company's identity and its method policy; every change is kept in history."""
    before = snapshot(organisation, ORGANISATION_FIELDS)
    saved = {field: getattr(organisation, field) for field in ORGANISATION_FIELDS}
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    errors = FieldErrors()
    _clean_organisation_texts(errors, organisation, data)
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


@transaction.atomic
def organisation_set_late_updaters(
    *, actor: Person | None, organisation: Organisation, people: Sequence[Any]
) -> Organisation:
    """UPD-5: the people who may still update a closed cycle (flagged late): ids of active people; an unknown one
    is refused, naming it; the change is kept in history."""
    errors = FieldErrors()
    ids = []
    for value in people:
        try:
            ids.append(int(str(value)))
        except (TypeError, ValueError):
            errors.add("late_updaters", _("“%(value)s” is not a person.") % {"value": value})
    found = set(Person.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    for pk in ids:
        if pk not in found:
            errors.add("late_updaters", _("There is no active person #%(id)s.") % {"id": pk})
    errors.raise_if_any()
    before = sorted(organisation.late_updaters.values_list("pk", flat=True))
    after = sorted(found)
    if before != after:
        organisation.late_updaters.set(after)
        history_record(
            actor=actor,
            action="organisation.update",
            subject=organisation,
            before={"late_updaters": before},
            after={"late_updaters": after},
        )
    return organisation


@transaction.atomic
def organisation_set_coach_blocking(
    *, actor: Person | None, organisation: Organisation, rules: Sequence[Any]
) -> Organisation:
    """Choose the coach's rules that block a submission (`qibu.core.rules.COACH_CHECKS`: their IDs, such as
    "SET-4"); the others only advise. An unknown ID is refused, naming it; the change is kept in history."""
    errors = FieldErrors()
    unknown = [str(rule) for rule in rules if rule not in COACH_CHECKS]
    if unknown:
        errors.add(
            "coach_blocking_rules",
            ngettext("The coach has no rule %(rules)s.", "The coach has no rules %(rules)s.", len(unknown))
            % {"rules": ", ".join(f"“{rule}”" for rule in unknown)},
        )
    errors.raise_if_any()
    chosen = [rule for rule in COACH_CHECKS if rule in set(rules)]
    before = list(organisation.coach_blocking_rules or [])
    if chosen != before:
        organisation.coach_blocking_rules = chosen
        organisation.save(update_fields=["coach_blocking_rules"])
        history_record(
            actor=actor,
            action="organisation.coach_blocking",
            subject=organisation,
            before={"coach_blocking_rules": before},
            after={"coach_blocking_rules": chosen},
        )
    return organisation


# --- vision and strategy: in the organisation's history -------------------------------------------
# Every entry about a strategic goal is in the organisation's history with the goal as its target, so the
# organisation's page lists the whole strategy and each goal's page lists its own (`audit.target_entries`).


def _clean_goal(errors: FieldErrors, goal: StrategicGoal, title: Any, description: Any) -> None:
    goal.title = clean_text(errors, "title", title, max_length=TITLE_MAX, missing=_("This field is required."))
    goal.description = clean_text(errors, "description", description)


@transaction.atomic
def strategic_goal_create(*, actor: Person | None, title: str, description: str = "") -> StrategicGoal:
    """VIS-2: a strategic goal between the vision and the company objectives, placed last."""
    errors = FieldErrors()
    goal = StrategicGoal()
    _clean_goal(errors, goal, title, description)
    errors.raise_if_any()
    last = StrategicGoal.objects.order_by("-position").values_list("position", flat=True).first()
    goal.position = 0 if last is None else last + 1
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
def strategic_goal_update(*, actor: Person | None, goal: StrategicGoal, data: Mapping[str, Any]) -> StrategicGoal:
    """Change a goal's title or description (those given in `data`); the objectives tracing to it keep it."""
    errors = FieldErrors()
    before = snapshot(goal, GOAL_FIELDS)
    _clean_goal(errors, goal, data.get("title", goal.title), data.get("description", goal.description))
    if errors:
        goal.refresh_from_db(fields=list(GOAL_FIELDS))
        errors.raise_if_any()
    after = snapshot(goal, GOAL_FIELDS)
    changed = [name for name in GOAL_FIELDS if before[name] != after[name]]
    if changed:
        goal.save(update_fields=[*changed, "updated_at"])
        history_record(
            actor=actor,
            action="strategic_goal.update",
            subject=organisation_get(),
            target=goal,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return goal


@transaction.atomic
def strategic_goal_move(*, actor: Person | None, goal: StrategicGoal, position: int) -> StrategicGoal:
    """Put a goal at `position` (0 first) among the goals, the others keeping their order; out-of-range positions
    are taken as the first or the last place. The goals are numbered 0, 1, 2 … again as they are now ordered."""
    goals = list(StrategicGoal.objects.select_for_update().order_by("position", "id"))
    ids = [g.pk for g in goals]
    if goal.pk not in ids:
        raise StrategicGoal.DoesNotExist
    old = ids.index(goal.pk)
    new = max(0, min(int(position), len(ids) - 1))
    if new == old and all(g.position == i for i, g in enumerate(goals)):
        return goal
    ids.insert(new, ids.pop(old))
    for i, pk in enumerate(ids):
        StrategicGoal.objects.filter(pk=pk).exclude(position=i).update(position=i)
    goal.position = new
    if new != old:
        history_record(
            actor=actor,
            action="strategic_goal.move",
            subject=organisation_get(),
            target=goal,
            # "place", not "position": positions are hidden from history, a goal's place in the list is not.
            before={"place": old + 1},
            after={"place": new + 1},
        )
    return goal


def strategic_goal_objective_ids(goal: StrategicGoal) -> list[int]:
    """The objectives tracing to the goal, of any cycle, read through the reverse relation (objectives live in an
    app above this one)."""
    return list(goal.objectives.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def strategic_goal_delete(*, actor: Person | None, goal: StrategicGoal) -> int:
    """Delete a goal. The objectives tracing to it stay and trace to no goal any more: each one's history says
    so, and the strategy page flags the company objectives of the cycle tracing to none (VIS-2). Answers how
    many objectives lost the link."""
    StrategicGoal.objects.select_for_update().filter(pk=goal.pk).first()
    unlinked = strategic_goal_objective_ids(goal)
    history_record(
        actor=actor,
        action="strategic_goal.delete",
        subject=organisation_get(),
        target=goal,
        before=snapshot(goal, GOAL_FIELDS),
        after={"objectives_unlinked": len(unlinked)} if unlinked else None,
    )
    history_record_many(
        history_entry(
            actor=actor,
            action="objective.strategic_goal_deleted",
            subject=("okrs.objective", pk),
            before={"strategic_goal": goal.pk},
            after={"strategic_goal": None},
        )
        for pk in unlinked
    )
    # The foreign key sets the objectives' link to null (on_delete=SET_NULL).
    goal.delete()
    return len(unlinked)


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
    department = Department.objects.create(name=name, parent=parent, head=head, search_key=search_key(name))
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
    for key in ("username", "email"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key in ("full_name", "job_title"):  # names by the one rule for names; the model checks the rest
        if key in fields:
            fields[key] = clean_text(errors, key, fields[key], max_length=NAME_MAX)
    person = Person(**fields)
    person.search_key = search_key(person.full_name, person.username)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.merge(exc)
    if "email" not in errors:
        _check_email_free(errors, person)
    return person


def _check_email_free(errors: FieldErrors, person: Person) -> None:
    """An e-mail address is one person's, whatever its letter case (Zhang.Wei@ and zhang.wei@ are one mailbox)."""
    if not person.email:
        return
    other = Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk).first()
    if other is not None:
        errors.add(
            "email",
            _("%(name)s (%(username)s) already has the e-mail address “%(email)s”.")
            % {"name": other, "username": other.username, "email": person.email},
        )


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
    _check_team(errors, person)
    errors.raise_if_any()
    person.save()
    history_record(actor=actor, action="person.create", subject=person, after=snapshot(person, PERSON_FIELDS))
    return person


def password_problems(password: str, person: Person) -> list[str]:
    """What Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) say against this password for this
    person, in the reader's language. Django 5.2's "too short" message changed its wording and its Chinese
    translation did not follow, so it would stay English: that one is ours."""
    try:
        validate_password(password, person)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.error_list:
            if error.code == "password_too_short":
                least = int((error.params or {}).get("min_length", 8))
                problems.append(
                    ngettext(
                        "This password is too short: it needs at least %(least)d character.",
                        "This password is too short: it needs at least %(least)d characters.",
                        least,
                    )
                    % {"least": least}
                )
            else:
                problems.extend(error.messages)
        return problems
    return []


def _check_password(errors: FieldErrors, password: str | None, person: Person) -> None:
    if password:
        for message in password_problems(password, person):
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


# --- people: edit, move, deactivate and reactivate ---------------------------------------------------


def _other_active_admins(person: Person) -> int:
    """Active administrators besides `person`. Their rows stay locked to the end of the transaction, so two
    administrators taking each other's rights at the same moment cannot leave the company with none."""
    admins = Person.objects.select_for_update().filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    return len(admins.exclude(pk=person.pk).values_list("pk", flat=True))


def _last_admin_message(person: Person) -> str:
    return _(
        "%(name)s is the last active administrator: make someone else an administrator first, "
        "or nobody could manage Qibu."
    ) % {"name": person}


def _check_manager(errors: FieldErrors, person: Person) -> None:
    """A manager is an active person other than oneself, and following managers upwards never comes back."""
    manager = person.manager
    if manager is None:
        return
    if manager.pk == person.pk:
        errors.add("manager", _("A person cannot be their own manager."))
        return
    if not manager.is_active:
        errors.add("manager", _("%(name)s is deactivated; choose an active manager.") % {"name": manager})
        return
    chain = [str(person), str(manager)]
    seen = {manager.pk}
    above = manager.manager_id
    # One query per level of the management chain, which is as deep as the company, not as large.
    while above is not None and above not in seen and len(seen) < MANAGER_CHAIN_MAX:
        if above == person.pk:
            chain.append(str(person))
            errors.add("manager", _("The managers form a loop: %(chain)s.") % {"chain": " → ".join(chain)})
            return
        seen.add(above)
        row = Person.objects.filter(pk=above).values_list("manager_id", "full_name", "username").first()
        if row is None:
            return
        above, full_name, username = row
        chain.append(full_name or username)


def _check_team(errors: FieldErrors, person: Person) -> None:
    team = person.team
    if team is not None and team.department_id != person.department_id:
        errors.add(
            "team",
            _("The team “%(team)s” is part of the department “%(department)s”: choose that department or another team.")
            % {"team": team.name, "department": team.department.name},
        )


def _clean_person_texts(errors: FieldErrors, person: Person, data: Mapping[str, Any]) -> None:
    """The texts given, without surrounding blanks, checked for presence and length."""
    required = {"username": _("Give the person a user name."), "full_name": _("Give the person a full name.")}
    for name in ("username", "full_name", "email", "job_title"):
        if name in data:
            # Names and job titles by the one rule for names; the user name and e-mail by their columns.
            column = int(getattr(Person._meta.get_field(name), "max_length", NAME_MAX) or NAME_MAX)
            limit = NAME_MAX if name in ("full_name", "job_title") else column
            setattr(person, name, clean_text(errors, name, data[name], max_length=limit, missing=required.get(name)))
    if "email" in data:
        person.email = Person.objects.normalize_email(person.email)


def _check_person(
    errors: FieldErrors, person: Person, *, actor: Person | None, changed: set[str], losing_admin: bool
) -> None:
    """The person as they would be stored: the model's rules (user name characters and uniqueness, e-mail form,
    role), then those that tie fields together or depend on who is acting. Those are checked for what changes
    only: someone whose manager has left, or who shares an address from before, can still be edited."""
    try:
        person.full_clean(exclude=["password", *(name for name in EDITABLE_FIELDS if name in errors)])
    except ValidationError as exc:
        errors.merge(exc)
    if person.language not in ("", *LANGUAGES):
        errors.add("language", _("Choose Chinese (zh-hans), English (en) or the default."))
    if "email" in changed and "email" not in errors:
        _check_email_free(errors, person)
    if changed & {"department", "team"}:
        _check_team(errors, person)
    if "manager" in changed:
        _check_manager(errors, person)
    if losing_admin:
        if actor is not None and actor.pk == person.pk:
            errors.add("role", _("You cannot take away your own administrator role: ask another administrator."))
        elif not _other_active_admins(person):
            errors.add("role", _last_admin_message(person))


def _search_key_changed(person: Person, changed: list[str]) -> list[str]:
    """Set the person's search key again when their name changed: the field to save with them, if any."""
    if not {"full_name", "username"} & set(changed):
        return []
    person.search_key = search_key(person.full_name, person.username)
    return ["search_key"]


def _person_change(*, actor: Person | None, person: Person, data: Mapping[str, Any], action: str | None) -> Person:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not fields a person's page changes: {sorted(unknown)}")
    before = snapshot(person, PERSON_HISTORY_FIELDS)
    was_admin = person.is_admin
    errors = FieldErrors()
    _clean_person_texts(errors, person, data)
    for name in ("role", "department", "team", "manager"):
        if name in data:
            setattr(person, name, data[name])
    if "language" in data:
        person.language = data["language"] or ""
    if "team" not in data and person.team is not None and person.team.department_id != person.department_id:
        # As in an import: a move to another department leaves the old department's team.
        person.team = None
    if before["role"] == Role.ADMIN and person.role != Role.ADMIN:
        # The role is what makes an administrator in Qibu: leaving it takes the rights that came with it.
        person.is_superuser = person.is_staff = False
    after = snapshot(person, PERSON_HISTORY_FIELDS)
    changed = [name for name in PERSON_HISTORY_FIELDS if before[name] != after[name]]
    _check_person(errors, person, actor=actor, changed=set(changed), losing_admin=was_admin and not person.is_admin)
    if errors:
        # The caller's instance is the page's: leave it as stored, not half-changed.
        person.refresh_from_db(fields=[*EDITABLE_FIELDS, "is_superuser", "is_staff"])
        errors.raise_if_any()
    if not changed:
        return person
    person.save(update_fields=[*changed, *_search_key_changed(person, changed)])
    if action is None:
        action = "person.move" if set(changed) <= set(PLACEMENT_FIELDS) else "person.update"
    history_record(
        actor=actor,
        action=action,
        subject=person,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return person


@transaction.atomic
def person_update(*, actor: Person | None, person: Person, data: Mapping[str, Any]) -> Person:
    """Change any of a person's `EDITABLE_FIELDS` given in `data` (a field not given is left as it is).

    Refused, naming the field: what the model refuses (an invalid or taken user name, an invalid e-mail address),
    an e-mail address another person has (in any letter case), a team outside the person's department, a manager
    who is the person, is deactivated or would make a loop, and taking the administrator role from the last active
    administrator or from oneself."""
    return _person_change(actor=actor, person=person, data=data, action=None)


@transaction.atomic
def person_move(
    *, actor: Person | None, person: Person, department: Department | None, team: Team | None, manager: Person | None
) -> Person:
    """Move a person to another department, team or manager (the rules of `person_update`)."""
    data = {"department": department, "team": team, "manager": manager}
    return _person_change(actor=actor, person=person, data=data, action="person.move")


@transaction.atomic
def person_deactivate(*, actor: Person | None, person: Person) -> Person:
    """Sign a person out of Qibu for good, until reactivated: their password, sessions and API tokens stop working
    and nobody can give them new OKRs, while the OKRs, check-ins and history they own stay, under their name.
    The last active administrator cannot be deactivated, nor can an administrator deactivate themself."""
    if not person.is_active:
        return person
    errors = FieldErrors()
    if actor is not None and actor.pk == person.pk:
        errors.add(None, _("You cannot deactivate yourself: ask another administrator."))
    elif person.is_admin and not _other_active_admins(person):
        errors.add(None, _last_admin_message(person))
    errors.raise_if_any()
    person.is_active = False
    person.save(update_fields=["is_active"])
    history_record(
        actor=actor, action="person.deactivate", subject=person, before={"is_active": True}, after={"is_active": False}
    )
    return person


@transaction.atomic
def person_reactivate(*, actor: Person | None, person: Person) -> Person:
    """Let a deactivated person sign in again, with the password and tokens they had."""
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    history_record(
        actor=actor, action="person.reactivate", subject=person, before={"is_active": False}, after={"is_active": True}
    )
    return person


# --- passwords: recorded as set or changed, never their value ----------------------------------------


def _check_new_password(
    errors: FieldErrors, person: Person, password: str, again: str, *, field: str, again_field: str
) -> None:
    """A new password typed twice alike and accepted by Django's validators (their messages in the reader's
    language: too short, too common, too like the person's name, entirely numeric)."""
    if not password:
        errors.add(field, _("Enter the new password."))
    elif password != again:
        errors.add(again_field, _("The two passwords are not the same."))
    else:
        for message in password_problems(password, person):
            errors.add(field, message)


def _store_password(person: Person, password: str) -> None:
    person.set_password(password)
    person.save(update_fields=["password"])


@transaction.atomic
def person_set_password(*, actor: Person | None, person: Person, password: str, password_again: str) -> Person:
    """An administrator sets a person's password; the person's other sessions end with the old one."""
    errors = FieldErrors()
    _check_new_password(errors, person, password, password_again, field="password", again_field="password_again")
    errors.raise_if_any()
    _store_password(person, password)
    history_record(actor=actor, action="person.set_password", subject=person)
    return person


@transaction.atomic
def person_password_link(*, actor: Person | None, person: Person, disable_password: bool) -> SetPasswordLink:
    """A one-time link for the person to choose their own password (`qibu.org.passwords`). With `disable_password`
    the password they have stops working now: a reset, for a forgotten or exposed password."""
    errors = FieldErrors()
    if not person.is_active:
        errors.add(None, _("%(name)s is deactivated: reactivate them before they set a password.") % {"name": person})
    errors.raise_if_any()
    if disable_password and person.has_usable_password():
        person.set_unusable_password()
        person.save(update_fields=["password"])
        history_record(actor=actor, action="person.reset_password", subject=person)
    else:
        history_record(actor=actor, action="person.password_link", subject=person)
    return link_for(person)


@transaction.atomic
def password_links_export(*, actor: Person | None, people: Sequence[Person]) -> list[SetPasswordLink]:
    """The set-password links of these people, for the administrator to hand out; the organisation's history says
    who took how many (a link is a key to an account until it is used)."""
    links = links_for(people)
    history_record(
        actor=actor, action="person.password_links_export", subject=organisation_get(), after={"people": len(links)}
    )
    return links


@transaction.atomic
def password_change(*, person: Person, old_password: str, new_password: str, new_password_again: str) -> Person:
    """A person changes their own password, giving the one they have."""
    errors = FieldErrors()
    if not person.check_password(old_password):
        errors.add("old_password", _("That is not your current password."))
    _check_new_password(
        errors, person, new_password, new_password_again, field="new_password", again_field="new_password_again"
    )
    errors.raise_if_any()
    _store_password(person, new_password)
    history_record(actor=person, action="person.change_password", subject=person)
    return person


@transaction.atomic
def password_set_by_link(*, person: Person, new_password: str, new_password_again: str) -> Person:
    """A person chooses their password through a set-password link (the page has checked the link)."""
    errors = FieldErrors()
    _check_new_password(
        errors, person, new_password, new_password_again, field="new_password", again_field="new_password_again"
    )
    errors.raise_if_any()
    _store_password(person, new_password)
    history_record(actor=person, action="person.set_password_by_link", subject=person)
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
    errors = FieldErrors()
    name = clean_text(errors, "name", name, max_length=SHORT_NAME_MAX)
    errors.raise_if_any()
    secret = "qibu_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name or _("API token"),
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

"""Writing reflections (REF-1 … REF-3): open one (idempotent: the daily task and the page's "open now" both call
it), close it with what was learned, reopen it; record the measures for the next period and mark them done; each
manager's account. One transaction each, every step in the reflection's history (audit).

Refused by field (`FieldErrors`, nothing written):

- writing by someone who may not (`qibu.reflect.access`): only its heads and administrators write a department's
  reflection, executives and administrators the management's; every manager writes only their own account;
- writing into a closed reflection (reopen it first);
- a measure without a title, an owner or a due date; an owner outside the department (the management's: not a
  manager); a due date outside the next period; a key result not of the next period (or not the department's);
- closing without a summary of what was learned.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import NOTE_MAX, TEXT_MAX, FieldErrors, clean_text, clean_title
from qibu.cycles.models import Cycle
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.org.models import Department, Person
from qibu.reflect.access import can_write_department, is_manager, rights_on
from qibu.reflect.models import ManagerAccount, Measure, Reflection, ReflectionKind, ReflectionState
from qibu.reflect.selectors import managers, measure_owners, next_key_results, next_period


def reflection_url(reflection: Reflection) -> str:
    return reverse("reflect:detail", args=[reflection.pk])


def _tell_opened(reflection: Reflection, actor: Person | None) -> None:
    """REF-1: the people concerned hear that the reflection is open: the department's people (and its head), or
    the managers for the management's."""
    department = reflection.department
    if department is not None:
        people = list(Person.objects.filter(department=department, is_active=True))
        if department.head is not None and all(p.pk != department.head_id for p in people):
            people.append(department.head)

        def text(_person: Person) -> str:
            return _("The reflection of %(department)s on %(period)s is open: look at the numbers together.") % {
                "department": department.name,
                "period": reflection.cycle.name,
            }
    else:
        people = managers()

        def text(_person: Person) -> str:
            return _("The management reflection on %(period)s is open: write how you used OKRs and your plan.") % {
                "period": reflection.cycle.name
            }

    notify(
        kind=NotificationKind.REFLECTION,
        recipients=people,
        text=text,
        key=f"reflection:{reflection.pk}:opened",
        subject=Subject(type="reflect.reflection", id=reflection.pk, url=reflection_url(reflection)),
        actor=actor,
    )


@transaction.atomic
def reflection_open(*, actor: Person | None, cycle: Cycle, department: Department | None = None) -> Reflection:
    """REF-1: the department's reflection on the period (with `department`), or the management's; the one there
    is when it is open already (idempotent). `actor` None is the daily task; a person must be allowed to write it
    (a head of the department or an administrator; an executive or administrator for the management's)."""
    errors = FieldErrors()
    if actor is not None:
        allowed = actor.is_executive if department is None else can_write_department(actor, department)
        if not allowed:
            errors.add(
                None,
                _("Only the department's head or an administrator opens its reflection.")
                if department is not None
                else _("Only an executive or an administrator opens it."),
            )
    errors.raise_if_any()
    kind = ReflectionKind.DEPARTMENT if department is not None else ReflectionKind.MANAGEMENT
    found = Reflection.objects.filter(cycle=cycle, kind=kind, department=department).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(cycle=cycle, kind=kind, department=department)
    except IntegrityError:  # opened meanwhile by the task or another person
        return Reflection.objects.get(cycle=cycle, kind=kind, department=department)
    history_record(
        actor=actor,
        action="reflection.open",
        subject=reflection,
        after={"cycle": cycle.pk, "kind": kind, "department": department.pk if department else None},
    )
    _tell_opened(reflection, actor)
    return reflection


def _may_write(errors: FieldErrors, actor: Person, reflection: Reflection) -> None:
    rights = rights_on(actor, reflection)
    if rights is None or not rights.write:
        if reflection.kind == ReflectionKind.MANAGEMENT:
            errors.add(None, _("Only an executive or an administrator writes the management reflection."))
        else:
            errors.add(None, _("Only the department's head or an administrator writes its reflection."))


def _open_only(errors: FieldErrors, reflection: Reflection) -> None:
    if reflection.is_closed:
        errors.add(None, _("This reflection is closed: reopen it to change it."))


def _locked(reflection: Reflection) -> Reflection:
    """The reflection read again under a lock, with what the rights need."""
    # Locked alone: PostgreSQL locks no row on the nullable side of an outer join (the management's department).
    Reflection.objects.select_for_update().filter(pk=reflection.pk).values_list("pk", flat=True).get()
    return Reflection.objects.select_related("cycle__parent", "department__head__manager").get(pk=reflection.pk)


@transaction.atomic
def reflection_close(*, actor: Person, reflection: Reflection, summary: object) -> Reflection:
    """Close it with what was learned (required)."""
    errors = FieldErrors()
    reflection = _locked(reflection)
    _may_write(errors, actor, reflection)
    errors.raise_if_any()
    _open_only(errors, reflection)
    text = clean_text(
        errors, "summary", summary, max_length=TEXT_MAX, missing=_("Say what you learned before closing it.")
    )
    errors.raise_if_any()
    before = {"state": reflection.state, "summary": reflection.summary}
    reflection.state, reflection.summary = ReflectionState.CLOSED, text
    reflection.closed_at, reflection.closed_by = timezone.now(), actor
    reflection.save(update_fields=["state", "summary", "closed_at", "closed_by"])
    history_record(
        actor=actor,
        action="reflection.close",
        subject=reflection,
        before=before,
        after={"state": reflection.state, "summary": text},
    )
    return reflection


@transaction.atomic
def reflection_reopen(*, actor: Person, reflection: Reflection) -> Reflection:
    """Open it again to change it; its history keeps the close and the summary."""
    errors = FieldErrors()
    reflection = _locked(reflection)
    _may_write(errors, actor, reflection)
    errors.raise_if_any()
    if not reflection.is_closed:
        raise ValidationError(_("This reflection is open: there is nothing to reopen."))
    reflection.state, reflection.closed_at, reflection.closed_by = ReflectionState.OPEN, None, None
    reflection.save(update_fields=["state", "closed_at", "closed_by"])
    history_record(
        actor=actor,
        action="reflection.reopen",
        subject=reflection,
        before={"state": ReflectionState.CLOSED},
        after={"state": ReflectionState.OPEN},
    )
    return reflection


def _clean_date(errors: FieldErrors, value: object, following: Cycle | None) -> dt.date | None:
    if isinstance(value, dt.date):
        day: dt.date | None = value
    else:
        text = "" if value is None else str(value).strip()
        try:
            day = parse_date(text) if text else None
        except ValueError:
            day = None
        if text and day is None:
            errors.add("due_date", _("Give the due date as a date (YYYY-MM-DD)."))
            return None
    if day is None:
        errors.add("due_date", _("Give the measure a due date."))
        return None
    if following is None:
        errors.add("due_date", _("The next period is not set up yet: add its cycle first."))
        return None
    if not following.start <= day <= following.end:
        errors.add(
            "due_date",
            _("The due date is in the next period, %(period)s: from %(start)s to %(end)s.")
            % {"period": following.name, "start": following.start.isoformat(), "end": following.end.isoformat()},
        )
        return None
    return day


def _id(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


@transaction.atomic
def measure_create(
    *,
    actor: Person,
    reflection: Reflection,
    title: object,
    owner_id: object,
    due_date: object,
    key_result_id: object = None,
) -> Measure:
    """REF-2: a concrete measure for the next period with its owner (one of the department's people; a manager
    in the management's) and its due date in the next period, optionally serving one of its key results."""
    errors = FieldErrors()
    reflection = _locked(reflection)
    _may_write(errors, actor, reflection)
    errors.raise_if_any()
    _open_only(errors, reflection)
    errors.raise_if_any()
    text = clean_title(errors, "title", title)
    following = next_period(reflection.cycle)
    owner_key = _id(owner_id)
    owner = None
    if owner_key is None:
        errors.add("owner", _("Name who owns the measure."))
    else:
        owner = next((p for p in measure_owners(reflection) if p.pk == owner_key), None)
        if owner is None:
            errors.add(
                "owner",
                _("The owner is one of the department's people.")
                if reflection.department_id is not None
                else _("The owner of a management measure is one of the managers."),
            )
    day = _clean_date(errors, due_date, following)
    kr_key = _id(key_result_id)
    key_result = None
    if kr_key is not None:
        candidates = next_key_results(reflection, following) if following is not None else []
        key_result = next((kr for kr in candidates if kr.pk == kr_key), None)
        if key_result is None:
            errors.add("key_result", _("The key result is one of the department's in the next period."))
    errors.raise_if_any()
    if owner is None or day is None:  # named above: never reached
        raise ValidationError(_("Name who owns the measure and when it is due."))
    measure = Measure.objects.create(
        reflection=reflection, title=text, owner=owner, due_date=day, key_result=key_result, created_by=actor
    )
    history_record(
        actor=actor,
        action="reflection.measure",
        subject=reflection,
        target=measure,
        after={"title": text, "owner": owner.pk, "due_date": day.isoformat()},
    )
    notify(
        kind=NotificationKind.REFLECTION,
        recipients=[owner],
        text=lambda _p: (
            _("A measure from the reflection is yours, due %(day)s: %(title)s")
            % {"day": day.isoformat(), "title": text}
        ),
        key=f"reflection:measure:{measure.pk}",
        subject=Subject(type="reflect.reflection", id=reflection.pk, url=reflection_url(reflection)),
        actor=actor,
    )
    return measure


@transaction.atomic
def measure_done(*, actor: Person, measure: Measure, done: bool = True) -> Measure:
    """Mark the measure done (or not done again): its owner or whoever writes its reflection."""
    errors = FieldErrors()
    Measure.objects.select_for_update().filter(pk=measure.pk).values_list("pk", flat=True).get()
    measure = Measure.objects.select_related("reflection__cycle", "reflection__department__head__manager").get(
        pk=measure.pk
    )
    rights = rights_on(actor, measure.reflection)
    if measure.owner_id != actor.pk and (rights is None or not rights.write):
        errors.add(None, _("Only the measure's owner or the department's head marks it done."))
    errors.raise_if_any()
    before = measure.done_at
    measure.done_at = (measure.done_at or timezone.now()) if done else None
    if before != measure.done_at:
        measure.save(update_fields=["done_at"])
        history_record(
            actor=actor,
            action="reflection.measure_done" if done else "reflection.measure_undone",
            subject=measure.reflection,
            target=measure,
            after={"title": measure.title},
        )
    return measure


@transaction.atomic
def account_save(*, actor: Person, reflection: Reflection, how_used: object, plan_next: object) -> ManagerAccount:
    """REF-3: the actor's own account in the management reflection: how they used OKRs, their plan next. Saving
    again changes it."""
    errors = FieldErrors()
    reflection = _locked(reflection)
    if reflection.kind != ReflectionKind.MANAGEMENT:
        errors.add(None, _("Managers' accounts belong to the management reflection."))
    elif not is_manager(actor):
        errors.add(None, _("Only managers — executives and department heads — write an account."))
    errors.raise_if_any()
    _open_only(errors, reflection)
    errors.raise_if_any()
    used = clean_text(errors, "how_used", how_used, max_length=NOTE_MAX, missing=_("Tell how you used OKRs."))
    plan = clean_text(
        errors, "plan_next", plan_next, max_length=NOTE_MAX, missing=_("Give your plan for the next period.")
    )
    errors.raise_if_any()
    account = ManagerAccount.objects.select_for_update().filter(reflection=reflection, manager=actor).order_by().first()
    before = {"how_used": account.how_used, "plan_next": account.plan_next} if account else {}
    account = account or ManagerAccount(reflection=reflection, manager=actor)
    account.how_used, account.plan_next = used, plan
    account.save()
    history_record(
        actor=actor,
        action="reflection.account",
        subject=reflection,
        target=account,
        before=before,
        after={"how_used": used, "plan_next": plan},
    )
    return account


def reflections_open_due(*, today: dt.date | None = None) -> list[Reflection]:
    """REF-1, the daily task: for the period running today and the one before, open each department's reflection
    once its people have all submitted their self-assessments or the reflect window has begun, and the
    management's once the window has begun or every department's is open. Answers what it opened."""
    from qibu.cycles.phases import Phase, phase_window
    from qibu.org.selectors import organisation_get
    from qibu.reflect.selectors import owners_by_department, recent_periods, submitted_people

    organisation = organisation_get()
    today = today or timezone.localdate(timezone.now(), organisation.zone)
    opened: list[Reflection] = []
    for cycle in recent_periods(organisation, today):
        begun = phase_window(cycle, organisation, Phase.REFLECT).has_begun(today)
        owners = owners_by_department(cycle)
        if not owners:
            continue
        submitted = submitted_people(cycle)
        existing: set[tuple[str, int | None]] = set(
            Reflection.objects.filter(cycle=cycle).values_list("kind", "department_id")
        )
        departments = {d.pk: d for d in Department.objects.filter(pk__in=list(owners)).select_related("head")}
        all_open = True
        for department_id, people in sorted(owners.items()):
            if (ReflectionKind.DEPARTMENT, department_id) in existing:
                continue
            if begun or people <= submitted:
                opened.append(reflection_open(actor=None, cycle=cycle, department=departments[department_id]))
            else:
                all_open = False
        if (ReflectionKind.MANAGEMENT, None) not in existing and (begun or all_open):
            opened.append(reflection_open(actor=None, cycle=cycle))
    return opened

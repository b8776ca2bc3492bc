"""Writing the celebration (CEL-1 … CEL-5): plan and hold a celebration, give recognition, record an incentive or a
lesson, keep the company's values. One transaction each, every write in history; refused input is named by field
(`FieldErrors`), nothing written. The views and the API look the resource up in `qibu.celebrate.access` first; the
services check the same rights again, so that a command or an import cannot step around them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.celebrate import access
from qibu.celebrate.models import (
    Celebration,
    CelebrationForm,
    CelebrationLevel,
    CelebrationState,
    CompanyValue,
    Incentive,
    IncentiveKind,
    Lesson,
    Recognition,
    RewardTier,
)
from qibu.celebrate.selectors import tier_suggestion
from qibu.core.validation import NOTE_MAX, FieldErrors, clean_text
from qibu.cycles.models import Cycle
from qibu.notify.chat.services import chat_language, chat_post
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Organisation, Person, Role, Team
from qibu.org.selectors import organisation_get
from qibu.rhythm.models import Schedule, ScheduleKind

FORM_OTHER_MAX = 200
VALUE_NAME_MAX = 100
VALUE_DESCRIPTION_MAX = 500


def _clean_forms(errors: FieldErrors, forms: Iterable[str], other: str) -> tuple[list[str], str]:
    chosen: list[str] = []
    for form in forms:
        if form not in CelebrationForm.values:
            errors.add("forms", _("Choose the forms from the list: drinks, snacks, fruit, a team activity or other."))
            break
        if form not in chosen:
            chosen.append(form)
    other = clean_text(errors, "form_other", other, max_length=FORM_OTHER_MAX)
    if CelebrationForm.OTHER in chosen and not other:
        errors.add("form_other", _("Say what the other form is."))
    if CelebrationForm.OTHER not in chosen:
        other = ""
    return chosen, other


def _clean_tier(errors: FieldErrors, tier: str, suggested: str, reason: str) -> tuple[str, str]:
    tier = tier or suggested
    if tier not in RewardTier.values:
        errors.add("tier", _("Choose a tier: rich, standard or simple."))
        return suggested, ""
    reason = clean_text(errors, "tier_reason", reason, max_length=NOTE_MAX)
    if tier != suggested and not reason:
        errors.add(
            "tier_reason",
            _("The results suggest a %(suggested)s celebration: say why you choose %(tier)s.")
            % {"suggested": RewardTier(suggested).label, "tier": RewardTier(tier).label},
        )
    return tier, reason


def _group_schedule(level: str, department: Department | None, team: Team | None) -> Schedule | None:
    """The rhythm's active celebration schedule of the group (the management's has no group)."""
    return (
        Schedule.objects.filter(
            kind=ScheduleKind.CELEBRATION,
            active=True,
            team=team if level == CelebrationLevel.TEAM else None,
            department=department if level == CelebrationLevel.DEPARTMENT else None,
        )
        .order_by("pk")
        .first()
    )


def _people_of(celebration: Celebration) -> list[Person]:
    if celebration.level == CelebrationLevel.TEAM:
        q = Q(team_id=celebration.team_id)
    elif celebration.level == CelebrationLevel.DEPARTMENT and celebration.department is not None:
        q = Q(department__path__startswith=celebration.department.path)
    else:
        q = Q(role__in=[Role.EXECUTIVE, Role.ADMIN]) | Q(headed_departments__isnull=False)
    return list(Person.objects.filter(q, is_active=True).distinct())


def _snapshot(c: Celebration) -> dict[str, Any]:
    return {
        "level": c.level,
        "cycle": c.cycle_id,
        "at": c.at.isoformat(),
        "state": c.state,
        "forms": list(c.forms),
        "form_other": c.form_other,
        "tier": c.tier,
        "tier_reason": c.tier_reason,
        "notes": c.notes,
    }


@transaction.atomic
def celebration_plan(
    *,
    actor: Person,
    level: str,
    cycle: Cycle | None,
    at: dt.datetime | None,
    department: Department | None = None,
    team: Team | None = None,
    forms: Iterable[str] = (),
    form_other: str = "",
    tier: str = "",
    tier_reason: str = "",
    notes: str = "",
) -> Celebration:
    """CEL-1 … CEL-3: a celebration of a team (its department with it), a department or the management, in a cycle,
    at a time; its forms; the tier its results earn, or another with the reason. The group's people are told."""
    errors = FieldErrors()
    if level not in CelebrationLevel.values:
        errors.add("level", _("Choose the level: a team, a department or the management."))
    if level == CelebrationLevel.TEAM:
        if team is None:
            errors.add("team", _("Choose the team."))
        else:
            department = team.department
    elif level == CelebrationLevel.DEPARTMENT:
        team = None
        if department is None:
            errors.add("department", _("Choose the department."))
    else:
        team = department = None
    if cycle is None:
        errors.add("cycle", _("Choose the cycle whose results are celebrated."))
    if at is None:
        errors.add("at", _("Give the date and time."))
    chosen, other = _clean_forms(errors, forms, form_other)
    notes = clean_text(errors, "notes", notes, max_length=NOTE_MAX)
    if not errors and not access.can_plan(actor, level=level, department=department, team=team):
        errors.add("level", str(access.PLAN_REFUSED))
    errors.raise_if_any()
    if cycle is None or at is None:  # refused above
        raise ValidationError(_("Give the date and time."))
    organisation = organisation_get()
    suggestion = tier_suggestion(organisation=organisation, level=level, cycle=cycle, department=department, team=team)
    chosen_tier, reason = _clean_tier(errors, tier, suggestion.tier, tier_reason)
    errors.raise_if_any()
    celebration = Celebration.objects.create(
        level=level,
        department=department,
        team=team,
        cycle=cycle,
        at=at,
        schedule=_group_schedule(level, department, team),
        forms=chosen,
        form_other=other,
        score=suggestion.score,
        suggested_tier=suggestion.tier,
        tier=chosen_tier,
        tier_reason=reason,
        notes=notes,
        planned_by=actor,
    )
    history_record(actor=actor, action="celebration.plan", subject=celebration, after=_snapshot(celebration))
    url = reverse("celebrate:detail", args=[celebration.pk])
    notify(
        kind=NotificationKind.CELEBRATION,
        recipients=_people_of(celebration),
        text=lambda _p: (
            _("A celebration of %(group)s on %(day)s: %(tier)s.")
            % {
                "group": celebration.group or _("the management"),
                "day": timezone.localtime(celebration.at, organisation.zone).strftime("%Y-%m-%d %H:%M"),
                "tier": RewardTier(celebration.tier).label,
            }
        ),
        key=f"celebration:{celebration.pk}:planned",
        subject=Subject("celebrate.celebration", celebration.pk, url),
        actor=actor,
    )
    return celebration


@transaction.atomic
def celebration_hold(
    *,
    actor: Person,
    celebration: Celebration,
    notes: str,
    forms: Iterable[str] | None = None,
    form_other: str | None = None,
    tier: str | None = None,
    tier_reason: str | None = None,
) -> Celebration:
    """CEL-1, CEL-5: the celebration was held: what was celebrated (required), and the forms and tier as they were."""
    errors = FieldErrors()
    locked = (
        Celebration.objects.select_for_update(of=("self",))
        .select_related("department", "team__department")
        .get(pk=celebration.pk)
    )
    if not access.can_plan(actor, level=locked.level, department=locked.department, team=locked.team):
        errors.add(None, str(access.PLAN_REFUSED))
        errors.raise_if_any()
    if locked.is_held:
        errors.add(None, _("This celebration is already held."))
    notes = clean_text(errors, "notes", notes, max_length=NOTE_MAX, missing=_("Say what was celebrated."))
    chosen, other = _clean_forms(
        errors, locked.forms if forms is None else forms, locked.form_other if form_other is None else form_other
    )
    chosen_tier, reason = _clean_tier(
        errors,
        locked.tier if tier is None else tier,
        locked.suggested_tier,
        locked.tier_reason if tier_reason is None else tier_reason,
    )
    errors.raise_if_any()
    before = _snapshot(locked)
    locked.notes, locked.forms, locked.form_other = notes, chosen, other
    locked.tier, locked.tier_reason = chosen_tier, reason
    locked.state, locked.held_at = CelebrationState.HELD, timezone.now()
    locked.save(update_fields=["notes", "forms", "form_other", "tier", "tier_reason", "state", "held_at"])
    history_record(actor=actor, action="celebration.hold", subject=locked, before=before, after=_snapshot(locked))
    return locked


def _chat_target(person: Person) -> Team | Department | None:
    return person.team or person.department


@transaction.atomic
def recognition_give(
    *,
    actor: Person,
    receiver: Person | None,
    key_result: KeyResult | None,
    message: str,
    value: CompanyValue | None = None,
    public: bool = True,
    organisation: Organisation | None = None,
) -> Recognition:
    """CEL-4: praise from `actor` to someone else, for a key result the giver may see, optionally naming a company
    value. The receiver is told; a public one goes to the receiver's team chat (their department's without one)."""
    errors = FieldErrors()
    if receiver is None or not receiver.is_active:
        errors.add("receiver", _("Choose whom you recognise."))
    elif receiver.pk == actor.pk:
        errors.add("receiver", _("Recognise someone else: you cannot recognise yourself."))
    if key_result is None or not can_view(actor, key_result.objective):
        errors.add("key_result", _("Choose the key result the recognition is for."))
    message = clean_text(errors, "message", message, max_length=NOTE_MAX, missing=_("Say what you recognise."))
    errors.raise_if_any()
    if receiver is None or key_result is None:  # refused above
        raise ValidationError(_("Choose whom you recognise."))
    recognition = Recognition.objects.create(
        giver=actor, receiver=receiver, key_result=key_result, value=value, message=message, public=public
    )
    history_record(
        actor=actor,
        action="recognition.give",
        subject=receiver,
        target=recognition,
        after={"key_result": key_result.pk, "value": value.pk if value else None, "public": public},
    )
    url = reverse("celebrate:wall")
    notify(
        kind=NotificationKind.RECOGNITION,
        recipients=[receiver],
        text=lambda _p: (
            _("%(giver)s recognised you for “%(key_result)s”: %(message)s")
            % {"giver": actor, "key_result": key_result.title, "message": message}
        ),
        key=f"recognition:{recognition.pk}",
        subject=Subject("celebrate.recognition", recognition.pk, url),
        actor=actor,
    )
    target = _chat_target(receiver)
    if public and target is not None:
        with translation.override(chat_language(organisation)):
            title = _("%(giver)s recognised %(receiver)s") % {"giver": actor, "receiver": receiver}
            lines = [message, _("Key result: %(title)s") % {"title": key_result.title}]
            if value is not None:
                lines.append(_("Value: %(value)s") % {"value": value.name})
        chat_post(
            target=target,
            title=title,
            lines=lines,
            link=url,
            key=f"recognition:{recognition.pk}",
            kind="recognition",
            organisation=organisation,
        )
    return recognition


@transaction.atomic
def incentive_record(
    *, actor: Person, person: Person | None, cycle: Cycle | None, kind: str, description: str
) -> Incentive:
    """CEL-4: a financial incentive, a promotion opportunity or a team activity for a person in a cycle, recorded by
    one of their managers or an administrator."""
    errors = FieldErrors()
    if person is None:
        errors.add("person", _("Choose the person."))
    elif not access.can_record_incentive(actor, person):
        errors.add("person", str(access.INCENTIVE_REFUSED))
    if cycle is None:
        errors.add("cycle", _("Choose the cycle."))
    if kind not in IncentiveKind.values:
        errors.add("kind", _("Choose the kind: financial, a promotion opportunity or a team activity."))
    description = clean_text(
        errors, "description", description, max_length=NOTE_MAX, missing=_("Describe the incentive.")
    )
    errors.raise_if_any()
    if person is None or cycle is None:  # refused above
        raise ValidationError(_("Choose the person."))
    incentive = Incentive.objects.create(
        person=person, cycle=cycle, kind=kind, description=description, recorded_by=actor
    )
    # Its history is the incentive's own, never the person's (their page would show it).
    history_record(
        actor=actor,
        action="incentive.record",
        subject=incentive,
        after={"person": person.pk, "cycle": cycle.pk, "kind": kind},
    )
    return incentive


@transaction.atomic
def lesson_record(*, actor: Person, cycle: Cycle | None, department: Department | None, text: str) -> Lesson:
    """CEL-5: a lesson learned in a cycle, of a department (by its people) or of the company (by the executives)."""
    errors = FieldErrors()
    if cycle is None:
        errors.add("cycle", _("Choose the cycle."))
    text = clean_text(errors, "text", text, max_length=NOTE_MAX, missing=_("Write the lesson."))
    if not access.can_record_lesson(actor, department):
        errors.add("department", str(access.LESSON_REFUSED))
    errors.raise_if_any()
    if cycle is None:  # refused above
        raise ValidationError(_("Choose the cycle."))
    lesson = Lesson.objects.create(cycle=cycle, department=department, text=text, recorded_by=actor)
    history_record(
        actor=actor,
        action="lesson.record",
        subject=department if department is not None else organisation_get(),
        target=lesson,
        after={"cycle": cycle.pk, "text": text},
    )
    return lesson


@transaction.atomic
def company_value_add(*, actor: Person, name: str, description: str = "") -> CompanyValue:
    """One of the company's values (administrators)."""
    errors = FieldErrors()
    if not actor.is_admin:
        errors.add(None, _("Only administrators keep the company's values."))
    name = clean_text(errors, "name", name, max_length=VALUE_NAME_MAX, missing=_("Name the value."))
    description = clean_text(errors, "description", description, max_length=VALUE_DESCRIPTION_MAX)
    if name and CompanyValue.objects.filter(name=name).exists():
        errors.add("name", _("This value is already in the list."))
    errors.raise_if_any()
    last = CompanyValue.objects.order_by("-position").values_list("position", flat=True).first() or 0
    value = CompanyValue.objects.create(name=name, description=description, position=last + 1)
    history_record(
        actor=actor, action="company_value.add", subject=organisation_get(), target=value, after={"name": name}
    )
    return value


@transaction.atomic
def company_value_remove(*, actor: Person, value: CompanyValue) -> None:
    """Remove a value; recognitions that named it keep their text and name none."""
    errors = FieldErrors()
    if not actor.is_admin:
        errors.add(None, _("Only administrators keep the company's values."))
    errors.raise_if_any()
    history_record(actor=actor, action="company_value.remove", subject=organisation_get(), before={"name": value.name})
    value.delete()

"""Preparing a workshop (WS-1): its topic, date and people, the random groups of 5–7 with a leader each, and the
start. The moderator (or an administrator) prepares; until the start, groups may be redrawn and adjusted by hand."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import FieldErrors, clean_text
from qibu.cycles.models import Cycle, CycleKind
from qibu.org.models import Department, Person
from qibu.org.selectors import organisation_get
from qibu.workshop import access
from qibu.workshop.events import record
from qibu.workshop.models import Group, GroupPhase, Participant, Workshop, WorkshopState
from qibu.workshop.notifications import tell_started
from qibu.workshop.rules import draw_groups, pick_leaders
from qibu.workshop.services._common import enter, require_manager, require_state

TOPIC_MAX = 300
PLACE_MAX = 200
BUDGET_MAX = 20
IMPORT_ROWS_MAX = 2000


def _clean_budget(errors: FieldErrors, value: Any) -> int:
    try:
        budget = int(str(value))
    except (TypeError, ValueError):
        budget = 0
    if not 1 <= budget <= BUDGET_MAX:
        errors.add("vote_budget", _("Give each person 1 to %(max)d votes.") % {"max": BUDGET_MAX})
    return budget


def _clean_person(errors: FieldErrors, field: str, person: Person | None, missing: str) -> Person | None:
    if person is None:
        errors.add(field, missing)
    elif not person.is_active:
        errors.add(field, _("%(name)s can no longer sign in.") % {"name": person})
    return person


def _clean_fields(errors: FieldErrors, workshop: Workshop, data: dict[str, Any]) -> None:
    _clean_plan(errors, workshop, data)
    _clean_people(errors, workshop, data)


def _clean_plan(errors: FieldErrors, workshop: Workshop, data: dict[str, Any]) -> None:
    if "cycle" in data:
        cycle: Cycle | None = data["cycle"]
        if cycle is None or cycle.kind != CycleKind.ANNUAL:
            errors.add("cycle", _("A co-creation workshop sets a year's objectives: choose an annual cycle."))
        elif cycle.is_closed:
            errors.add("cycle", _("That year is closed."))
        else:
            workshop.cycle = cycle
    if "topic" in data:
        workshop.topic = clean_text(
            errors, "topic", data["topic"], max_length=TOPIC_MAX, missing=_("Say what the workshop is about.")
        )
    if "scheduled_for" in data:
        when = data["scheduled_for"]
        if not isinstance(when, dt.datetime):
            errors.add("scheduled_for", _("Give the date and time of the workshop."))
        else:
            workshop.scheduled_for = when if timezone.is_aware(when) else timezone.make_aware(when)
    if "place" in data:
        workshop.place = clean_text(errors, "place", data["place"], max_length=PLACE_MAX)
    if "refresher" in data:
        workshop.refresher = bool(data["refresher"])
    if "vote_budget" in data:
        workshop.vote_budget = _clean_budget(errors, data["vote_budget"])


def _clean_people(errors: FieldErrors, workshop: Workshop, data: dict[str, Any]) -> None:
    if "moderator" in data:
        moderator = _clean_person(errors, "moderator", data["moderator"], _("Choose the moderator."))
        if moderator is not None:
            workshop.moderator = moderator
    if "observer" in data:
        observer = _clean_person(
            errors, "observer", data["observer"], _("Choose the CEO, who observes the groups and decides.")
        )
        workshop.observer = observer


@transaction.atomic
def workshop_create(
    *,
    actor: Person,
    cycle: Cycle | None,
    topic: str,
    scheduled_for: dt.datetime | None,
    place: str = "",
    moderator: Person | None = None,
    observer: Person | None = None,
    refresher: bool = True,
    vote_budget: Any = None,
) -> Workshop:
    """A new workshop in preparation, moderated by `moderator` (the actor when not given) and observed by the CEO
    (`observer`, the organisation's CEO when not given)."""
    if not access.may_create(actor):
        raise PermissionDenied(access.CREATE_REFUSED)
    errors = FieldErrors()
    workshop = Workshop(created_by=actor, moderator=actor)
    _clean_fields(
        errors,
        workshop,
        {
            "cycle": cycle,
            "topic": topic,
            "scheduled_for": scheduled_for,
            "place": place,
            "refresher": refresher,
            "vote_budget": 3 if vote_budget in (None, "") else vote_budget,
            "moderator": moderator or actor,
            "observer": observer or organisation_get().ceo,
        },
    )
    errors.raise_if_any()
    workshop.save()
    record(workshop, "workshop.create", actor=actor)
    history_record(actor=actor, action="workshop.create", subject=workshop, after={"topic": workshop.topic})
    return workshop


# The fields that may change while the groups work (the vote budget, WS-4) and those fixed once it starts.
LIVE_FIELDS = frozenset({"vote_budget"})
UPDATE_FIELDS = frozenset(
    {"cycle", "topic", "scheduled_for", "place", "refresher", "vote_budget", "moderator", "observer"}
)


@transaction.atomic
def workshop_update(*, actor: Person, workshop: Workshop, **data: Any) -> Workshop:
    """Change the workshop's settings: all of them in preparation, the default vote budget until it is decided."""
    seat = enter(actor, workshop)
    require_manager(seat)
    unknown = set(data) - UPDATE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if set(data) - LIVE_FIELDS:
        require_state(seat, WorkshopState.PREPARING)
    else:
        require_state(seat, WorkshopState.PREPARING, WorkshopState.RUNNING, WorkshopState.PLENARY)
    workshop = seat.workshop
    errors = FieldErrors()
    _clean_fields(errors, workshop, data)
    if "observer" in data and workshop.observer_id is not None:
        # The CEO observes: not counted in any group.
        Participant.objects.filter(workshop=workshop, person_id=workshop.observer_id).delete()
    errors.raise_if_any()
    workshop.save(update_fields=list(data))
    record(workshop, "workshop.update", actor=actor, fields=sorted(data))
    return workshop


def _addable(errors: FieldErrors, workshop: Workshop, people: Iterable[Person]) -> list[Person]:
    present = set(Participant.objects.filter(workshop=workshop).values_list("person_id", flat=True))
    chosen: list[Person] = []
    for person in people:
        if person.pk in present or person.pk == workshop.observer_id:
            continue  # already in; the observer is never counted in a group (WS-1)
        if not person.is_active:
            errors.add("people", _("%(name)s can no longer sign in.") % {"name": person})
            continue
        present.add(person.pk)
        chosen.append(person)
    return chosen


def _add(actor: Person, workshop: Workshop, people: list[Person], how: str) -> int:
    Participant.objects.bulk_create([Participant(workshop=workshop, person=p) for p in people])
    if people:
        record(workshop, "participants.add", actor=actor, how=how, people=[p.pk for p in people])
    return len(people)


@transaction.atomic
def participants_add(*, actor: Person, workshop: Workshop, people: Iterable[Person]) -> int:
    """Invite people by hand; those already invited (and the observer) are left as they are. The number added."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    errors = FieldErrors()
    chosen = _addable(errors, seat.workshop, people)
    errors.raise_if_any()
    return _add(actor, seat.workshop, chosen, "hand")


@transaction.atomic
def participants_add_department(*, actor: Person, workshop: Workshop, department: Department) -> int:
    """Invite everyone of a department and its sub-departments who can sign in."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    people = Person.objects.filter(department__path__startswith=department.path, is_active=True)
    chosen = _addable(FieldErrors(), seat.workshop, people)
    return _add(actor, seat.workshop, chosen, "department")


@transaction.atomic
def participants_import(*, actor: Person, workshop: Workshop, rows: Sequence[str]) -> int:
    """Invite the people a list names, one username or email address per row (a pasted column, or the first
    column of a spreadsheet). Every row that names nobody is refused by its number; nothing is added then."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    errors = FieldErrors()
    wanted = [(number, str(row or "").strip()) for number, row in enumerate(rows, start=1)]
    wanted = [(number, row) for number, row in wanted if row]
    if not wanted:
        errors.add("rows", _("The list is empty: give one username or email address per row."))
    if len(wanted) > IMPORT_ROWS_MAX:
        errors.add("rows", _("At most %(max)d rows at a time.") % {"max": IMPORT_ROWS_MAX})
    errors.raise_if_any()
    keys = {row.lower() for _, row in wanted}
    found: dict[str, Any] = {}
    lowered = Person.objects.annotate(login=Lower("username"), address=Lower("email"))
    for match in lowered.filter(Q(login__in=keys) | Q(address__in=keys)):
        for key in (match.username.lower(), (match.email or "").lower()):
            if key in keys:
                found.setdefault(key, match)
    people: list[Person] = []
    for number, row in wanted:
        person = found.get(row.lower())
        if person is None:
            errors.add("rows", _("Row %(row)d: nobody signs in as “%(value)s”.") % {"row": number, "value": row})
        else:
            people.append(person)
    chosen = _addable(errors, seat.workshop, people)
    errors.raise_if_any()
    return _add(actor, seat.workshop, chosen, "import")


@transaction.atomic
def participant_remove(*, actor: Person, workshop: Workshop, person: Person) -> None:
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    Group.objects.filter(workshop=seat.workshop, leader=person).update(leader=None)
    Participant.objects.filter(workshop=seat.workshop, person=person).delete()
    record(seat.workshop, "participants.remove", actor=actor, person=person.pk)


@transaction.atomic
def groups_draw(*, actor: Person, workshop: Workshop, seed: int | None = None) -> list[Group]:
    """WS-1: draw the participants into random groups of 5–7 with a random leader each, replacing any groups
    drawn before. `seed` makes the draw repeatable (tests); unset, it is random."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    workshop = seat.workshop
    participants = list(Participant.objects.filter(workshop=workshop).order_by("id"))
    if not participants:
        errors = FieldErrors()
        errors.add(None, _("Invite the participants first."))
        errors.raise_if_any()
    rng = random.Random(seed) if seed is not None else random.SystemRandom()  # noqa: S311 - not for secrets
    drawn = draw_groups([p.person_id for p in participants], rng)
    leaders = pick_leaders(drawn, rng)
    Participant.objects.filter(workshop=workshop).update(group=None)
    Group.objects.filter(workshop=workshop).delete()
    groups = Group.objects.bulk_create(
        [Group(workshop=workshop, number=n, leader_id=leader) for n, leader in enumerate(leaders, start=1)]
    )
    by_person = {p.person_id: p for p in participants}
    for group, members in zip(groups, drawn, strict=True):
        for person_id in members:
            by_person[person_id].group = group
    Participant.objects.bulk_update(participants, ["group"])
    record(workshop, "groups.draw", actor=actor, groups=[len(m) for m in drawn])
    return groups


@transaction.atomic
def group_add(*, actor: Person, workshop: Workshop) -> Group:
    """An empty group, to fill by hand."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    number = (Group.objects.filter(workshop=seat.workshop).aggregate(n=Max("number"))["n"] or 0) + 1
    group = Group.objects.create(workshop=seat.workshop, number=number)
    record(seat.workshop, "groups.add", actor=actor, target=group.pk)
    return group


@transaction.atomic
def group_remove(*, actor: Person, workshop: Workshop, group: Group) -> None:
    """Remove a group; its members wait to be placed in another."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    Participant.objects.filter(workshop=seat.workshop, group_id=group.pk).update(group=None)
    Group.objects.filter(workshop=seat.workshop, pk=group.pk).delete()
    record(seat.workshop, "groups.remove", actor=actor, target=group.pk)


def _participant(errors: FieldErrors, workshop: Workshop, person: Person) -> Participant | None:
    participant = Participant.objects.filter(workshop=workshop, person=person).first()
    if participant is None:
        errors.add("person", _("%(name)s is not invited to this workshop.") % {"name": person})
    return participant


@transaction.atomic
def participant_move(*, actor: Person, workshop: Workshop, person: Person, group: Group | None) -> None:
    """Adjust the draw by hand: put a participant into another group (None: into no group yet)."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    errors = FieldErrors()
    participant = _participant(errors, seat.workshop, person)
    if group is not None and group.workshop_id != seat.workshop.pk:
        errors.add("group", _("Choose a group of this workshop."))
    errors.raise_if_any()
    if participant is None:
        return
    leading = Group.objects.filter(workshop=seat.workshop, leader=person)
    (leading.exclude(pk=group.pk) if group is not None else leading).update(leader=None)
    participant.group = group
    participant.save(update_fields=["group"])
    record(seat.workshop, "participants.move", actor=actor, person=person.pk, target=getattr(group, "pk", None))


@transaction.atomic
def group_leader_set(*, actor: Person, workshop: Workshop, group: Group, person: Person) -> None:
    """WS-1: the group's leader, one of its members."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    errors = FieldErrors()
    participant = _participant(errors, seat.workshop, person)
    if participant is not None and participant.group_id != group.pk:
        errors.add(
            "person", _("The leader is one of the group's members: put %(name)s into it first.") % {"name": person}
        )
    errors.raise_if_any()
    Group.objects.filter(workshop=seat.workshop, pk=group.pk).update(leader=person)
    record(seat.workshop, "groups.leader", actor=actor, target=group.pk, person=person.pk)


def start_problems(workshop: Workshop) -> list[str]:
    """What keeps the workshop from starting (empty: it may start): every participant in a group, every group
    with members and a leader among them, a CEO who observes."""
    problems: list[str] = []
    groups = list(Group.objects.filter(workshop=workshop, is_plenary=False))
    participants = list(Participant.objects.filter(workshop=workshop).select_related("person"))
    if workshop.observer_id is None:
        problems.append(_("Choose the CEO, who observes the groups and decides."))
    if not groups:
        problems.append(_("Draw the groups first."))
    unplaced = [str(p.person) for p in participants if p.group_id is None]
    if unplaced:
        problems.append(_("Not in a group yet: %(names)s.") % {"names": ", ".join(unplaced)})
    members: dict[int, set[int]] = {}
    for p in participants:
        if p.group_id is not None:
            members.setdefault(p.group_id, set()).add(p.person_id)
    for group in groups:
        if not members.get(group.pk):
            problems.append(_("%(group)s has nobody in it: remove it or move people into it.") % {"group": group})
        elif group.leader_id not in members[group.pk]:
            problems.append(_("%(group)s has no leader: choose one of its members.") % {"group": group})
    return problems


@transaction.atomic
def workshop_start(*, actor: Person, workshop: Workshop) -> Workshop:
    """Open the workshop: every group begins with its leader introducing the topic (WS-2)."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.PREPARING)
    workshop = seat.workshop
    problems = start_problems(workshop)
    if problems:
        errors = FieldErrors()
        for problem in problems:
            errors.add(None, problem)
        errors.raise_if_any()
    workshop.state, workshop.started_at = WorkshopState.RUNNING, timezone.now()
    workshop.save(update_fields=["state", "started_at"])
    Group.objects.filter(workshop=workshop, is_plenary=False).update(phase=GroupPhase.TOPIC)
    record(workshop, "workshop.start", actor=actor)
    history_record(actor=actor, action="workshop.start", subject=workshop)
    tell_started(actor=actor, workshop=workshop)
    return workshop

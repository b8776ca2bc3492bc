"""A group's steps and its notes (WS-2 … WS-4): the leader moves the group from step to step; each member writes
five notes, hidden from everyone else until the leader reveals them (WS-3), picks their most important one, and
explains it when the leader shows it on every screen (WS-4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.core.validation import FieldErrors, clean_text
from qibu.org.models import Person
from qibu.workshop import access
from qibu.workshop.events import record
from qibu.workshop.models import (
    NOTES_PER_PERSON,
    Column,
    Group,
    GroupPhase,
    Note,
    Participant,
    Vote,
    VoteState,
    WorkshopState,
)
from qibu.workshop.rules import clean_note, note_problem
from qibu.workshop.services._common import (
    enter,
    locked_group,
    phase_index,
    require_leader,
    require_phase,
    require_state,
)

CLARIFICATION_MAX = 1000

# The steps a group may go to from each, forwards and one back; the plenary starts at combine (WS-7).
_FORWARD = {
    GroupPhase.TOPIC: GroupPhase.BRAINSTORM,
    GroupPhase.BRAINSTORM: GroupPhase.COMBINE,
    GroupPhase.COMBINE: GroupPhase.DISTIL,
    GroupPhase.DISTIL: GroupPhase.RANK,
    GroupPhase.RANK: GroupPhase.PRESENTED,
}
# Back one step, never behind the reveal: a revealed note cannot be hidden again.
_BACK = {
    GroupPhase.DISTIL: GroupPhase.COMBINE,
    GroupPhase.RANK: GroupPhase.DISTIL,
    GroupPhase.PRESENTED: GroupPhase.RANK,
}


def _advance_problems(group: Group, to: str) -> list[str]:
    """What the step the group leaves must have done before it goes on to `to`."""
    problems: list[str] = []
    if to == GroupPhase.DISTIL:
        columns = Column.objects.filter(group=group).count()
        unsorted = Note.objects.filter(group=group, column__isnull=True).count()
        if not columns:
            problems.append(_("Sort the notes into columns first."))
        if unsorted:
            problems.append(
                ngettext(
                    "%(count)d note is not in a column yet: sort every note.",
                    "%(count)d notes are not in a column yet: sort every note.",
                    unsorted,
                )
                % {"count": unsorted}
            )
        if Vote.objects.filter(group=group, state=VoteState.OPEN).exists():
            problems.append(_("Close the open vote first."))
    elif to == GroupPhase.RANK:
        missing = list(Column.objects.filter(group=group, objective="").values_list("title", flat=True))
        if missing:
            problems.append(
                _("Write the objective of every column first; still without one: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
    elif to == GroupPhase.PRESENTED and group.is_plenary:
        problems.append(_("The plenary ends with the CEO's decision."))
    return problems


def _rank_by_position(group: Group) -> None:
    """Entering the ranking: columns not ranked yet take their place after those that are."""
    columns = list(Column.objects.filter(group=group).order_by("rank", "position", "id"))
    ranked = sorted(columns, key=lambda c: (c.rank is None, c.rank or 0, c.position, c.pk))
    for rank, column in enumerate(ranked, start=1):
        column.rank = rank
    Column.objects.bulk_update(ranked, ["rank"])


@transaction.atomic
def group_phase_set(*, actor: Person, group: Group, phase: str) -> Group:
    """The leader takes the group to the next step (or back one, never before the reveal). Going from the brainstorm
    to combining reveals the notes to the group (WS-3)."""
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    require_leader(seat, group)
    require_state(seat, WorkshopState.PLENARY if group.is_plenary else WorkshopState.RUNNING)
    errors = FieldErrors()
    current = GroupPhase(group.phase)
    if phase not in GroupPhase.values or phase not in (_FORWARD.get(current), _BACK.get(current)):
        errors.add(
            "phase",
            _("From “%(phase)s” the group goes on to the next step or back one.") % {"phase": current.label},
        )
        errors.raise_if_any()
    forward = phase_index(phase) > phase_index(current)
    for problem in _advance_problems(group, phase) if forward else []:
        errors.add("phase", problem)
    errors.raise_if_any()
    fields = ["phase", "spotlight_note", "spotlight_column"]
    group.phase, group.spotlight_note, group.spotlight_column = phase, None, None
    if phase == GroupPhase.COMBINE and group.revealed_at is None:
        group.revealed_at = timezone.now()
        fields.append("revealed_at")
    if phase == GroupPhase.RANK and forward:
        _rank_by_position(group)
    if phase == GroupPhase.PRESENTED:
        group.presented_at = timezone.now()
        fields.append("presented_at")
    group.save(update_fields=fields)
    record(seat.workshop, "group.phase", actor=actor, group=group, phase=phase, back=not forward)
    return group


def _member_group(seat: access.Seat, group: Group) -> None:
    if group.is_plenary or not seat.member_of(group):
        raise PermissionDenied(access.WRITE_REFUSED)


def _clean_note_text(errors: FieldErrors, text: object) -> str:
    cleaned = clean_note(str(text or ""))
    problem = note_problem(cleaned)
    if problem:
        errors.add("text", problem)
    return cleaned


@transaction.atomic
def note_write(*, actor: Person, group: Group, text: str) -> Note:
    """WS-3: one of the member's five notes, one idea of 8–20 characters (3–12 words in Latin script)."""
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    _member_group(seat, group)
    require_state(seat, WorkshopState.RUNNING)
    require_phase(group, GroupPhase.BRAINSTORM)
    errors = FieldErrors()
    cleaned = _clean_note_text(errors, text)
    written = Note.objects.filter(group=group, author=actor).count()
    if written >= NOTES_PER_PERSON:
        errors.add(
            "text",
            _("You have written your %(count)d notes: change one of them instead.") % {"count": NOTES_PER_PERSON},
        )
    errors.raise_if_any()
    position = (Note.objects.filter(group=group).aggregate(p=Max("position"))["p"] or 0) + 1
    note = Note.objects.create(group=group, author=actor, text=cleaned, position=position)
    # Hidden until the reveal: the event says that a note was written, never what it says.
    record(seat.workshop, "note.write", actor=actor, group=group, note=note.pk)
    return note


def _own_note(seat: access.Seat, note: Note) -> Group:
    group = locked_group(seat, note.group_id)
    if note.author_id != seat.viewer.pk:
        raise PermissionDenied(_("Only its author changes a note."))
    return group


@transaction.atomic
def note_edit(*, actor: Person, note: Note, text: str) -> Note:
    """Rewrite one's own note, until the notes are revealed."""
    seat = enter(actor, note.group.workshop_id)
    note = Note.objects.get(pk=note.pk)
    group = _own_note(seat, note)
    require_phase(group, GroupPhase.BRAINSTORM)
    errors = FieldErrors()
    note.text = _clean_note_text(errors, text)
    errors.raise_if_any()
    note.version += 1
    note.save(update_fields=["text", "version"])
    record(seat.workshop, "note.edit", actor=actor, group=group, note=note.pk)
    return note


@transaction.atomic
def note_delete(*, actor: Person, note: Note) -> None:
    seat = enter(actor, note.group.workshop_id)
    note = Note.objects.get(pk=note.pk)
    group = _own_note(seat, note)
    require_phase(group, GroupPhase.BRAINSTORM)
    Participant.objects.filter(workshop=seat.workshop, person=actor).update(done_at=None)
    note.delete()
    record(seat.workshop, "note.delete", actor=actor, group=group)


@transaction.atomic
def participant_done(*, actor: Person, group: Group, done: bool = True) -> None:
    """WS-3: the member says they have written their notes (or takes it back); the leader sees who is done."""
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    _member_group(seat, group)
    require_phase(group, GroupPhase.BRAINSTORM)
    errors = FieldErrors()
    written = Note.objects.filter(group=group, author=actor).count()
    if done and written < NOTES_PER_PERSON:
        errors.add(
            None,
            ngettext(
                "Write your %(total)d notes first: you have written %(count)d.",
                "Write your %(total)d notes first: you have written %(count)d.",
                written,
            )
            % {"total": NOTES_PER_PERSON, "count": written},
        )
    errors.raise_if_any()
    Participant.objects.filter(workshop=seat.workshop, person=actor).update(done_at=timezone.now() if done else None)
    record(seat.workshop, "participant.done", actor=actor, group=group, done=done)


@transaction.atomic
def note_pick(*, actor: Person, note: Note) -> Note:
    """WS-4: the author's most important note, handed to the leader first (one per member)."""
    seat = enter(actor, note.group.workshop_id)
    note = Note.objects.get(pk=note.pk)
    group = _own_note(seat, note)
    require_phase(group, GroupPhase.BRAINSTORM, GroupPhase.COMBINE)
    if note.shown_at is None:
        shown = Note.objects.filter(group=group, author=actor, is_pick=True, shown_at__isnull=False).exists()
        if shown:
            errors = FieldErrors()
            errors.add(None, _("Your most important note has been shown to the group already."))
            errors.raise_if_any()
    Note.objects.filter(group=group, author=actor, is_pick=True).exclude(pk=note.pk).update(is_pick=False)
    note.is_pick = True
    note.save(update_fields=["is_pick"])
    record(seat.workshop, "note.pick", actor=actor, group=group, note=note.pk)
    return note


@transaction.atomic
def note_show(*, actor: Person, note: Note) -> Note:
    """WS-4: the leader reads a note aloud: it is shown large on every screen of the group."""
    seat = enter(actor, note.group.workshop_id)
    note = Note.objects.get(pk=note.pk)
    group = locked_group(seat, note.group_id)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    if note.shown_at is None:
        note.shown_at = timezone.now()
        note.save(update_fields=["shown_at"])
    group.spotlight_note, group.spotlight_column = note, None
    group.save(update_fields=["spotlight_note", "spotlight_column"])
    record(seat.workshop, "note.show", actor=actor, group=group, note=note.pk)
    return note


@transaction.atomic
def spotlight_clear(*, actor: Person, group: Group) -> None:
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    require_leader(seat, group)
    group.spotlight_note, group.spotlight_column = None, None
    group.save(update_fields=["spotlight_note", "spotlight_column"])
    record(seat.workshop, "spotlight.clear", actor=actor, group=group)


@transaction.atomic
def note_clarify(*, actor: Person, note: Note, text: str) -> Note:
    """WS-4: the author explains their note until everyone understands it alike; the explanation is kept."""
    seat = enter(actor, note.group.workshop_id)
    note = Note.objects.get(pk=note.pk)
    group = _own_note(seat, note)
    require_phase(group, GroupPhase.COMBINE)
    errors = FieldErrors()
    note.clarification = clean_text(
        errors, "clarification", text, max_length=CLARIFICATION_MAX, missing=_("Say what the note means.")
    )
    errors.raise_if_any()
    note.save(update_fields=["clarification"])
    record(seat.workshop, "note.clarify", actor=actor, group=group, note=note.pk)
    return note

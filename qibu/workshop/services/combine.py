"""Combining the notes (WS-4, and the plenary's combine, WS-7): at most five columns by kind, each note sorted into
one, Qibu's grouping by key words accepted or undone in one step, and votes on what is disputed.

A move names the version of the note it was made on: when two leaders move the same note at once, the first move
wins and the second is refused with where the note went, so nothing is lost and the second leader sees it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.core.validation import FieldErrors, clean_text
from qibu.org.models import Person
from qibu.workshop import access
from qibu.workshop.events import record
from qibu.workshop.grouping import propose_grouping
from qibu.workshop.models import (
    MAX_COLUMNS,
    Ballot,
    Column,
    Group,
    GroupingProposal,
    GroupPhase,
    Note,
    Vote,
    VoteOption,
    VoteReason,
    VoteState,
)
from qibu.workshop.services._common import enter, locked_group, require_leader, require_phase

COLUMN_TITLE_MAX = 100
QUESTION_MAX = 300
REASON_MAX = 1000
OPTIONS_MAX = 10


def _too_many_columns(errors: FieldErrors, group: Group, adding: int = 1) -> None:
    if Column.objects.filter(group=group).count() + adding > MAX_COLUMNS:
        errors.add(
            "title",
            _("At most %(max)d columns: merge two columns, or sort the note into one of them.") % {"max": MAX_COLUMNS},
        )


@transaction.atomic
def column_create(*, actor: Person, group: Group, title: str) -> Column:
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    errors = FieldErrors()
    title = clean_text(errors, "title", title, max_length=COLUMN_TITLE_MAX, missing=_("Name the kind of notes."))
    _too_many_columns(errors, group)
    errors.raise_if_any()
    position = (Column.objects.filter(group=group).aggregate(p=Max("position"))["p"] or 0) + 1
    column = Column.objects.create(group=group, title=title, position=position)
    record(seat.workshop, "column.create", actor=actor, group=group, column=column.pk, title=title)
    return column


@transaction.atomic
def column_rename(*, actor: Person, column: Column, title: str) -> Column:
    seat = enter(actor, column.group.workshop_id)
    group = locked_group(seat, column.group_id)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE, GroupPhase.DISTIL)
    errors = FieldErrors()
    column = Column.objects.get(pk=column.pk)
    column.title = clean_text(errors, "title", title, max_length=COLUMN_TITLE_MAX, missing=_("Name the kind of notes."))
    errors.raise_if_any()
    column.version += 1
    column.save(update_fields=["title", "version"])
    record(seat.workshop, "column.rename", actor=actor, group=group, column=column.pk, title=column.title)
    return column


@transaction.atomic
def column_delete(*, actor: Person, column: Column) -> None:
    """Remove a column; its notes go back among those not sorted yet."""
    seat = enter(actor, column.group.workshop_id)
    group = locked_group(seat, column.group_id)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    moved = list(Note.objects.filter(column_id=column.pk).values_list("pk", flat=True))
    Note.objects.filter(column_id=column.pk).update(column=None, version=F("version") + 1)
    Column.objects.filter(pk=column.pk).delete()
    record(seat.workshop, "column.delete", actor=actor, group=group, column=column.pk, notes=moved)


def _moved_meanwhile(note: Note) -> str:
    where = note.column.title if note.column is not None else _("the notes not sorted yet")
    return _(
        "Someone moved this note meanwhile: it is now in “%(where)s”. Look again and move it if you still want to."
    ) % {"where": where}


@transaction.atomic
def note_move(*, actor: Person, note: Note, column: Column | None, version: int | None = None) -> Note:
    """WS-4: the leader sorts a note into a column (None: back among the unsorted). `version`: the note's version
    the leader's screen showed; when the note has moved since, nothing is written and the answer says where it is."""
    seat = enter(actor, note.group.workshop_id)
    group = locked_group(seat, note.group_id)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    note = Note.objects.select_related("column").get(pk=note.pk)
    errors = FieldErrors()
    if version is not None and int(version) != note.version:
        errors.add("note", _moved_meanwhile(note))
    if column is not None and column.group_id != group.pk:
        errors.add("column", _("Choose a column of this group."))
    errors.raise_if_any()
    before = note.column_id
    note.column = column
    note.version += 1
    note.save(update_fields=["column", "version"])
    record(
        seat.workshop,
        "note.move",
        actor=actor,
        group=group,
        note=note.pk,
        from_column=before,
        to_column=getattr(column, "pk", None),
    )
    return note


# --- Qibu's grouping by key words ------------------------------------------------------------------------


@transaction.atomic
def proposal_make(*, actor: Person, group: Group) -> GroupingProposal:
    """WS-4: Qibu's proposal of where the unsorted notes go, by their key words (jieba for Chinese)."""
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    notes = list(Note.objects.filter(group=group).values_list("pk", "text", "column_id"))
    unsorted = {pk: text for pk, text, column_id in notes if column_id is None}
    columns = list(Column.objects.filter(group=group).values_list("pk", "title"))
    texts: dict[int, list[str]] = {}
    for _pk, text, column_id in notes:
        if column_id is not None:
            texts.setdefault(column_id, []).append(text)
    proposed = propose_grouping(
        unsorted, [(pk, title, texts.get(pk, [])) for pk, title in columns], max_columns=MAX_COLUMNS
    )
    proposal = GroupingProposal.objects.create(
        group=group,
        made_by=actor,
        proposal=[
            {"column": p.column_id, "title": p.title, "keywords": list(p.keywords), "notes": list(p.note_ids)}
            for p in proposed
            if p.note_ids
        ],
    )
    record(seat.workshop, "proposal.make", actor=actor, group=group, proposal=proposal.pk)
    return proposal


def _proposal(seat: access.Seat, proposal: GroupingProposal) -> tuple[GroupingProposal, Group]:
    proposal = GroupingProposal.objects.get(pk=proposal.pk)
    group = locked_group(seat, proposal.group_id)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE)
    return proposal, group


@transaction.atomic
def proposal_accept(
    *, actor: Person, proposal: GroupingProposal, titles: Mapping[int, str] | None = None
) -> GroupingProposal:
    """Apply the proposal in one step: its new columns created (their titles as the leader changed them, by the
    proposal's index), its notes moved. What it replaced is kept, so that `proposal_undo` restores it."""
    seat = enter(actor, proposal.group.workshop_id)
    proposal, group = _proposal(seat, proposal)
    errors = FieldErrors()
    if proposal.accepted_at is not None:
        errors.add(None, _("This proposal has been applied already."))
    errors.raise_if_any()
    columns = list(Column.objects.filter(group=group))
    notes = {n.pk: n for n in Note.objects.filter(group=group)}
    previous: dict[str, Any] = {
        "columns": [c.pk for c in columns],
        "notes": {str(pk): n.column_id for pk, n in notes.items()},
    }
    existing = {c.pk: c for c in columns}
    new = [p for p in proposal.proposal if p["column"] is None]
    _too_many_columns(errors, group, adding=len(new))
    errors.raise_if_any()
    position = max((c.position for c in columns), default=0)
    created: list[int] = []
    for index, item in enumerate(proposal.proposal):
        if item["column"] is not None:
            column = existing.get(item["column"])
            if column is None:
                continue  # deleted since the proposal was made: its notes stay where they are
        else:
            position += 1
            title = clean_text(
                errors,
                "title",
                (titles or {}).get(index, item["title"]),
                max_length=COLUMN_TITLE_MAX,
                missing=_("Name the kind of notes."),
            )
            column = Column.objects.create(group=group, title=title, position=position)
            created.append(column.pk)
        for note_id in item["notes"]:
            note = notes.get(note_id)
            if note is not None and note.column_id is None:  # a note sorted by hand since stays where it is
                note.column, note.version = column, note.version + 1
    errors.raise_if_any()
    Note.objects.bulk_update(list(notes.values()), ["column", "version"])
    previous["created"] = created
    proposal.previous, proposal.accepted_at = previous, timezone.now()
    proposal.save(update_fields=["previous", "accepted_at"])
    record(seat.workshop, "proposal.accept", actor=actor, group=group, proposal=proposal.pk, columns=created)
    return proposal


@transaction.atomic
def proposal_undo(*, actor: Person, proposal: GroupingProposal) -> GroupingProposal:
    """Undo an accepted proposal in one step: the columns it created are gone, every note back where it was."""
    seat = enter(actor, proposal.group.workshop_id)
    proposal, group = _proposal(seat, proposal)
    errors = FieldErrors()
    if proposal.accepted_at is None or proposal.undone_at is not None or not proposal.previous:
        errors.add(None, _("Only an applied proposal can be undone, once."))
    errors.raise_if_any()
    previous = proposal.previous or {}
    kept_columns = set(Column.objects.filter(group=group).values_list("pk", flat=True))
    created = set(previous.get("created", []))
    for note in (notes := list(Note.objects.filter(group=group))):
        if str(note.pk) in previous["notes"]:
            was = previous["notes"][str(note.pk)]
            note.column_id = was if was in kept_columns and was not in created else None
        elif note.column_id in created:
            note.column_id = None
        note.version += 1
    Note.objects.bulk_update(notes, ["column", "version"])
    Column.objects.filter(group=group, pk__in=created).delete()
    proposal.undone_at = timezone.now()
    proposal.save(update_fields=["undone_at"])
    record(seat.workshop, "proposal.undo", actor=actor, group=group, proposal=proposal.pk)
    return proposal


# --- votes --------------------------------------------------------------------------------------------------


def _clean_budget(errors: FieldErrors, value: Any) -> int:
    try:
        budget = int(str(value))
    except (TypeError, ValueError):
        budget = 0
    if not 1 <= budget <= 20:
        errors.add("budget", _("Give each person 1 to %(max)d votes.") % {"max": 20})
    return budget


@transaction.atomic
def vote_open(
    *,
    actor: Person,
    group: Group,
    question: str,
    options: Sequence[str] = (),
    column_ids: Sequence[int] = (),
    note: Note | None = None,
    budget: Any = None,
) -> Vote:
    """WS-4: settle a dispute by vote. The options are texts, or columns of the group (for a disputed note: the
    columns it might go into; closing the vote moves it into the winner). Each member has the workshop's vote
    budget unless `budget` says otherwise."""
    seat = enter(actor, group.workshop_id)
    group = locked_group(seat, group)
    require_leader(seat, group)
    require_phase(group, GroupPhase.COMBINE, GroupPhase.DISTIL, GroupPhase.RANK)
    errors = FieldErrors()
    question = clean_text(
        errors, "question", question, max_length=QUESTION_MAX, missing=_("Say what the vote decides.")
    )
    chosen = {c.pk: c for c in Column.objects.filter(group=group, pk__in=list(column_ids))}
    if len(chosen) != len(set(column_ids)):
        errors.add("column_ids", _("Choose columns of this group."))
    labels = [text for text in (str(o).strip() for o in options) if text]
    if note is not None and note.group_id != group.pk:
        errors.add("note", _("Choose a note of this group."))
    if note is not None and not chosen and not labels:
        chosen = {c.pk: c for c in Column.objects.filter(group=group)}
    count = len(chosen) + len(labels)
    if count < 2:
        errors.add("options", _("A vote needs at least two options."))
    elif count > OPTIONS_MAX:
        errors.add("options", _("At most %(max)d options.") % {"max": OPTIONS_MAX})
    if any(len(label) > QUESTION_MAX for label in labels):
        errors.add("options", _("An option has at most %(max)d characters.") % {"max": QUESTION_MAX})
    spent = seat.workshop.vote_budget if budget in (None, "") else _clean_budget(errors, budget)
    if Vote.objects.filter(group=group, state=VoteState.OPEN).exists():
        errors.add(None, _("A vote is open already: close it first."))
    errors.raise_if_any()
    vote = Vote.objects.create(group=group, question=question, note=note, budget=spent, opened_by=actor)
    rows = [VoteOption(vote=vote, label=c.objective or c.title, column=c) for c in chosen.values()]
    rows += [VoteOption(vote=vote, label=label) for label in labels]
    for position, row in enumerate(rows, start=1):
        row.position = position
    VoteOption.objects.bulk_create(rows)
    record(seat.workshop, "vote.open", actor=actor, group=group, vote=vote.pk)
    return vote


def _open_vote(seat: access.Seat, vote: Vote) -> tuple[Vote, Group]:
    vote = Vote.objects.get(pk=vote.pk)
    group = locked_group(seat, vote.group_id)
    if vote.state != VoteState.OPEN:
        errors = FieldErrors()
        errors.add(None, _("This vote is closed."))
        errors.raise_if_any()
    return vote, group


@transaction.atomic
def vote_cast(*, actor: Person, vote: Vote, points: Mapping[int, Any], reason: str = "") -> None:
    """A member's votes, spread over the options within the budget, and the reason behind them (asked for
    especially from those who dissent). Casting again replaces the member's earlier votes. Secret: nobody else
    sees whom a member voted for."""
    seat = enter(actor, vote.group.workshop_id)
    vote, group = _open_vote(seat, vote)
    if not seat.member_of(group):
        raise PermissionDenied(access.VOTE_REFUSED)
    errors = FieldErrors()
    options = set(VoteOption.objects.filter(vote=vote).values_list("pk", flat=True))
    given: dict[int, int] = {}
    for option, value in points.items():
        try:
            option_id, count = int(option), int(str(value or 0))
        except (TypeError, ValueError):
            errors.add("points", _("Give a whole number of votes for each option."))
            break
        if option_id not in options:
            errors.add("points", _("Vote for the options of this vote."))
            break
        if count < 0:
            errors.add("points", _("Give a whole number of votes for each option."))
            break
        if count:
            given[option_id] = count
    total = sum(given.values())
    if total > vote.budget:
        errors.add(
            "points",
            _("You have %(budget)d votes; these are %(total)d.") % {"budget": vote.budget, "total": total},
        )
    if not given and not str(reason or "").strip():
        errors.add("points", _("Give at least one vote."))
    reason = clean_text(errors, "reason", reason, max_length=REASON_MAX)
    errors.raise_if_any()
    Ballot.objects.filter(vote=vote, voter=actor).delete()
    Ballot.objects.bulk_create(
        [Ballot(vote=vote, voter=actor, option_id=option_id, points=count) for option_id, count in given.items()]
    )
    if reason:
        VoteReason.objects.update_or_create(vote=vote, voter=actor, defaults={"text": reason, "at": timezone.now()})
    else:
        VoteReason.objects.filter(vote=vote, voter=actor).delete()
    record(seat.workshop, "vote.cast", actor=actor, group=group, vote=vote.pk)


@transaction.atomic
def vote_budget_set(*, actor: Person, vote: Vote, budget: Any) -> Vote:
    """Change the votes each member has, during the vote; never below what a member has given already."""
    seat = enter(actor, vote.group.workshop_id)
    vote, group = _open_vote(seat, vote)
    require_leader(seat, group)
    errors = FieldErrors()
    budget_value = _clean_budget(errors, budget)
    spent = Ballot.objects.filter(vote=vote).values("voter").annotate(total=Sum("points")).order_by("-total").first()
    if spent and spent["total"] > budget_value and "budget" not in errors:
        errors.add(
            "budget",
            _("A member has given %(spent)d votes already: the budget cannot go below that.")
            % {"spent": spent["total"]},
        )
    errors.raise_if_any()
    vote.budget = budget_value
    vote.save(update_fields=["budget"])
    record(seat.workshop, "vote.budget", actor=actor, group=group, vote=vote.pk, budget=budget_value)
    return vote


@transaction.atomic
def vote_close(*, actor: Person, vote: Vote) -> Vote:
    """Close the vote: the option with the most votes wins (a tie: none, the leader decides); a disputed note moves
    into the winning column. The totals and the reasons are kept."""
    seat = enter(actor, vote.group.workshop_id)
    vote, group = _open_vote(seat, vote)
    require_leader(seat, group)
    totals = dict(
        Ballot.objects.filter(vote=vote).values("option").annotate(total=Sum("points")).values_list("option", "total")
    )
    best = max(totals.values(), default=0)
    leaders = [option for option, total in totals.items() if total == best and best > 0]
    winner = VoteOption.objects.get(pk=leaders[0]) if len(leaders) == 1 else None
    vote.state, vote.closed_at, vote.winner = VoteState.CLOSED, timezone.now(), winner
    vote.save(update_fields=["state", "closed_at", "winner"])
    moved = None
    if winner is not None and winner.column_id is not None and vote.note_id is not None:
        note = Note.objects.get(pk=vote.note_id)
        if note.column_id != winner.column_id and group.phase == GroupPhase.COMBINE:
            note.column_id, note.version = winner.column_id, note.version + 1
            note.save(update_fields=["column", "version"])
            moved = note.pk
    record(
        seat.workshop,
        "vote.close",
        actor=actor,
        group=group,
        vote=vote.pk,
        winner=getattr(winner, "pk", None),
        moved=moved,
    )
    return vote

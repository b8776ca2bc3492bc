"""From columns to the company's annual objectives: each column distilled into an objective and read aloud (WS-5),
the objectives ranked with who moved what (WS-6), the plenary across every group's objectives, and the CEO's
decision, which writes the chosen ones as company objectives of the year, linked to where they came from (WS-7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import TITLE_MAX, FieldErrors, clean_text, clean_title
from qibu.okrs.models import Level, Objective
from qibu.okrs.services import objective_create
from qibu.org.models import Person
from qibu.workshop import access
from qibu.workshop.events import record
from qibu.workshop.models import Column, Group, GroupPhase, Note, Workshop, WorkshopState
from qibu.workshop.notifications import tell_decided
from qibu.workshop.services._common import (
    enter,
    locked_group,
    require_leader,
    require_manager,
    require_phase,
    require_state,
)

STATEMENT_MAX = 5000


def _column(seat: access.Seat, column: Column) -> tuple[Column, Group]:
    column = Column.objects.get(pk=column.pk)
    return column, locked_group(seat, column.group_id)


@transaction.atomic
def column_objective_set(*, actor: Person, column: Column, objective: str) -> Column:
    """WS-5: the objective the leader writes from the column's key words (the coach checks it as it is typed)."""
    seat = enter(actor, column.group.workshop_id)
    column, group = _column(seat, column)
    require_leader(seat, group)
    require_phase(group, GroupPhase.DISTIL)
    errors = FieldErrors()
    column.objective = clean_title(errors, "objective", objective, max_length=TITLE_MAX)
    errors.raise_if_any()
    column.version += 1
    column.save(update_fields=["objective", "version"])
    record(seat.workshop, "column.objective", actor=actor, group=group, column=column.pk, objective=column.objective)
    return column


@transaction.atomic
def column_read_aloud(*, actor: Person, column: Column) -> Column:
    """WS-5: the objective is read aloud: shown large on every screen of the group."""
    seat = enter(actor, column.group.workshop_id)
    column, group = _column(seat, column)
    require_leader(seat, group)
    require_phase(group, GroupPhase.DISTIL, GroupPhase.RANK)
    if not column.objective:
        errors = FieldErrors()
        errors.add("objective", _("Write the column's objective first."))
        errors.raise_if_any()
    group.spotlight_note, group.spotlight_column = None, column
    group.save(update_fields=["spotlight_note", "spotlight_column"])
    record(seat.workshop, "column.read", actor=actor, group=group, column=column.pk)
    return column


@transaction.atomic
def column_rank_move(*, actor: Person, column: Column, rank: int) -> Column:
    """WS-6: move an objective to another place in the group's ranking (1: the most important); any member may,
    and the record keeps who moved what from where to where."""
    seat = enter(actor, column.group.workshop_id)
    column, group = _column(seat, column)
    if not (seat.member_of(group) or seat.leads(group)):
        raise PermissionDenied(access.VOTE_REFUSED)
    require_phase(group, GroupPhase.RANK)
    ranked = list(Column.objects.filter(group=group).order_by("rank", "position", "id"))
    errors = FieldErrors()
    try:
        to = int(rank)
    except (TypeError, ValueError):
        to = 0
    if not 1 <= to <= len(ranked):
        errors.add("rank", _("Choose a place from 1 to %(count)d.") % {"count": len(ranked)})
    errors.raise_if_any()
    before = next(i for i, c in enumerate(ranked, start=1) if c.pk == column.pk)
    moving = ranked.pop(before - 1)
    ranked.insert(to - 1, moving)
    for place, row in enumerate(ranked, start=1):
        row.rank = place
    Column.objects.bulk_update(ranked, ["rank"])
    record(seat.workshop, "column.rank", actor=actor, group=group, column=column.pk, from_rank=before, to_rank=to)
    moving.refresh_from_db()
    return moving


@transaction.atomic
def plenary_start(*, actor: Person, workshop: Workshop) -> Group:
    """WS-7: the moderator gathers every group's objectives, in each group's order, as the plenary's notes; the
    plenary combines them (columns, votes), distils and ranks them, and the CEO decides."""
    seat = enter(actor, workshop)
    require_manager(seat)
    require_state(seat, WorkshopState.RUNNING)
    workshop = seat.workshop
    groups = list(Group.objects.filter(workshop=workshop, is_plenary=False).order_by("number"))
    waiting = [str(g) for g in groups if g.phase != GroupPhase.PRESENTED]
    if waiting:
        errors = FieldErrors()
        errors.add(
            None, _("Every group presents its objectives first; not yet: %(groups)s.") % {"groups": ", ".join(waiting)}
        )
        errors.raise_if_any()
    now = timezone.now()
    plenary = Group.objects.create(
        workshop=workshop,
        number=0,
        is_plenary=True,
        leader=workshop.moderator,
        phase=GroupPhase.COMBINE,
        revealed_at=now,
    )
    leaders = {g.pk: g.leader_id or workshop.moderator_id for g in groups}
    columns = Column.objects.filter(group__in=groups).exclude(objective="").order_by("group__number", "rank", "id")
    Note.objects.bulk_create(
        [
            Note(group=plenary, author_id=leaders[c.group_id], text=c.objective, source=c, position=position)
            for position, c in enumerate(columns, start=1)
        ]
    )
    workshop.state, workshop.plenary_at = WorkshopState.PLENARY, now
    workshop.save(update_fields=["state", "plenary_at"])
    record(workshop, "plenary.start", actor=actor, group=None, plenary=plenary.pk)
    return plenary


def _origin(workshop: Workshop) -> str:
    return _("From the co-creation workshop “%(topic)s” of %(date)s.") % {
        "topic": workshop.topic,
        "date": timezone.localdate(workshop.scheduled_for).isoformat(),
    }


def _picked(errors: FieldErrors, columns: dict[int, Column], chosen: Sequence[int]) -> list[Column]:
    picked: list[Column] = []
    for pk in chosen:
        try:
            column = columns.get(int(pk))
        except (TypeError, ValueError):
            column = None
        if column is None:
            errors.add("chosen", _("Choose among the plenary's objectives."))
            break
        if column not in picked:
            picked.append(column)
    return picked


@transaction.atomic
def workshop_decide(
    *,
    actor: Person,
    workshop: Workshop,
    chosen: Sequence[int],
    statement: str = "",
    titles: Mapping[int, str] | None = None,
    into: Mapping[int, Objective] | None = None,
) -> list[Objective]:
    """WS-7: the CEO speaks last and decides. The chosen plenary columns (their ids) become the company's annual
    objectives, as drafts in the workshop's year (a title may be reworded in `titles`, by column id), each linked to
    the column it came from; the others are recorded as not chosen. The workshop is then over.

    `into` (column id → a company objective of the workshop's year) links a chosen column to an objective that
    exists already instead of writing a new one: a company that typed its annual objectives in before recording the
    workshop in Qibu keeps them, and each now shows where it came from."""
    seat = enter(actor, workshop)
    if not seat.may_decide:
        raise PermissionDenied(access.DECIDE_REFUSED)
    require_state(seat, WorkshopState.PLENARY)
    workshop = seat.workshop
    plenary = Group.objects.get(workshop=workshop, is_plenary=True)
    require_phase(plenary, GroupPhase.DISTIL, GroupPhase.RANK)
    columns = {c.pk: c for c in Column.objects.filter(group=plenary).order_by("rank", "position", "id")}
    errors = FieldErrors()
    picked = _picked(errors, columns, chosen)
    if not picked and "chosen" not in errors:
        errors.add("chosen", _("Choose at least one objective: the workshop's result is the year's objectives."))
    reworded: dict[int, str] = {}
    for column in picked:
        title = (titles or {}).get(column.pk) or column.objective
        reworded[column.pk] = clean_title(errors, f"title_{column.pk}", title)
    statement = clean_text(errors, "statement", statement, max_length=STATEMENT_MAX)
    for objective in (into or {}).values():
        if objective.level != Level.COMPANY or objective.cycle_id != workshop.cycle_id:
            errors.add("into", _("Link a chosen objective only to a company objective of the workshop's year."))
    errors.raise_if_any()
    objectives: list[Objective] = []
    picked.sort(key=lambda c: (c.rank or 0, c.position, c.pk))
    for column in picked:
        existing = (into or {}).get(column.pk)
        if existing is not None:
            column.chosen, column.result = True, existing
            objectives.append(existing)
            continue
        objective = objective_create(
            actor=actor,
            cycle=workshop.cycle,
            level=Level.COMPANY,
            title=reworded[column.pk],
            owner=actor,
            description=_origin(workshop),
        )
        column.chosen, column.result = True, objective
        objectives.append(objective)
    for column in columns.values():
        if column.chosen is None:
            column.chosen = False
    Column.objects.bulk_update(list(columns.values()), ["chosen", "result"])
    workshop.state, workshop.decided_at, workshop.decision_statement = WorkshopState.DECIDED, timezone.now(), statement
    workshop.save(update_fields=["state", "decided_at", "decision_statement"])
    plenary.spotlight_note, plenary.spotlight_column = None, None
    plenary.save(update_fields=["spotlight_note", "spotlight_column"])
    record(workshop, "workshop.decide", actor=actor, objectives=[o.pk for o in objectives])
    tell_decided(actor=actor, workshop=workshop, titles=[o.title for o in objectives])
    history_record(
        actor=actor, action="workshop.decide", subject=workshop, after={"objectives": [o.pk for o in objectives]}
    )
    return objectives

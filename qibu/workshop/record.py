"""The record of a workshop (afterwards): its phases with their times, every group's notes, columns, objectives and
ranking moves, the votes with their totals and reasons (never who voted for what), the plenary and the CEO's
decision. Read in a fixed number of queries, for the page, its spreadsheet and the API alike.

Who may read it: the moderator, the observer and administrators at any time; the participants once the workshop is
decided (before that, a participant's own group's screen shows them what they may see)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from qibu.workshop.access import Seat
from qibu.workshop.models import (
    Ballot,
    Column,
    Event,
    Group,
    GroupPhase,
    Note,
    Participant,
    Vote,
    VoteReason,
    Workshop,
    WorkshopState,
)


@dataclass(frozen=True)
class PhaseRow:
    group: str
    phase: str
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class NoteRow:
    group: str
    author: str
    text: str
    pick: bool
    clarification: str
    column: str


@dataclass(frozen=True)
class ColumnRow:
    group: str
    title: str
    objective: str
    rank: int | None
    notes: int
    chosen: bool | None
    result_id: int | None


@dataclass(frozen=True)
class MoveRow:
    group: str
    who: str
    objective: str
    from_rank: int
    to_rank: int
    at: dt.datetime


@dataclass(frozen=True)
class VoteRow:
    group: str
    question: str
    budget: int
    totals: list[tuple[str, int]]
    winner: str
    reasons: list[str]
    voters: int
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class GroupRow:
    name: str
    leader: str
    members: list[str]


@dataclass(frozen=True)
class Record:
    workshop: Workshop
    groups: list[GroupRow]
    phases: list[PhaseRow]
    notes: list[NoteRow]
    columns: list[ColumnRow]
    moves: list[MoveRow]
    votes: list[VoteRow]


def may_read(seat: Seat) -> bool:
    return seat.can_manage or seat.is_observer or seat.workshop.state == WorkshopState.DECIDED


PHASE_KINDS = ("workshop.start", "group.phase", "plenary.start", "workshop.decide")


def workshop_record(seat: Seat) -> Record:
    """The record, for a viewer who may read it (Http404 otherwise). Nine queries."""
    if not may_read(seat):
        raise Http404
    workshop = seat.workshop
    groups = {g.pk: g for g in Group.objects.filter(workshop=workshop).select_related("leader")}
    names = {pk: str(g) for pk, g in groups.items()}
    members: dict[int, list[str]] = defaultdict(list)
    for participant in Participant.objects.filter(workshop=workshop).select_related("person").order_by("id"):
        if participant.group_id is not None:
            members[participant.group_id].append(str(participant.person))
    columns = list(
        Column.objects.filter(group__workshop=workshop).order_by(
            "group__is_plenary", "group__number", "rank", "position"
        )
    )
    column_names = {c.pk: c.objective or c.title for c in columns}
    notes = list(
        Note.objects.filter(group__workshop=workshop)
        .select_related("author")
        .order_by("group__is_plenary", "group__number", "position", "id")
    )
    per_column = Counter(n.column_id for n in notes if n.column_id)
    events = list(
        Event.objects.filter(workshop=workshop, kind__in=(*PHASE_KINDS, "column.rank")).select_related("actor")
    )
    phases, moves = [], []
    for event in events:
        who = str(event.actor or "")
        where = names.get(event.group_id or 0, "")
        if event.kind == "column.rank":
            moves.append(
                MoveRow(
                    where,
                    who,
                    column_names.get(int(event.data.get("column", 0)), ""),
                    int(event.data.get("from_rank", 0)),
                    int(event.data.get("to_rank", 0)),
                    event.at,
                )
            )
        elif event.kind == "group.phase":
            phases.append(PhaseRow(where, str(GroupPhase(event.data.get("phase", "waiting")).label), event.at, who))
        else:
            phases.append(PhaseRow(where, _kind_label(event.kind), event.at, who))
    votes = list(Vote.objects.filter(group__workshop=workshop).prefetch_related("options").order_by("opened_at", "id"))
    totals: Counter[int] = Counter()
    voters: dict[int, set[int]] = defaultdict(set)
    for ballot in Ballot.objects.filter(vote__group__workshop=workshop).only(
        "vote_id", "voter_id", "option_id", "points"
    ):
        totals[ballot.option_id] += ballot.points
        voters[ballot.vote_id].add(ballot.voter_id)
    reasons: dict[int, list[str]] = defaultdict(list)
    for reason in VoteReason.objects.filter(vote__group__workshop=workshop).order_by("at", "id"):
        reasons[reason.vote_id].append(reason.text)
    return Record(
        workshop=workshop,
        groups=[
            GroupRow(str(g), str(g.leader or ""), members.get(g.pk, []))
            for g in sorted(groups.values(), key=lambda g: (g.is_plenary, g.number))
        ],
        phases=phases,
        notes=[
            NoteRow(
                names.get(n.group_id, ""),
                str(n.author),
                n.text,
                n.is_pick,
                n.clarification,
                column_names.get(n.column_id or 0, ""),
            )
            for n in notes
        ],
        columns=[
            ColumnRow(
                names.get(c.group_id, ""), c.title, c.objective, c.rank, per_column.get(c.pk, 0), c.chosen, c.result_id
            )
            for c in columns
        ],
        moves=moves,
        votes=[
            VoteRow(
                names.get(v.group_id, ""),
                v.question,
                v.budget,
                [(o.label, totals.get(o.pk, 0)) for o in v.options.all()],
                next((o.label for o in v.options.all() if o.pk == v.winner_id), ""),
                reasons.get(v.pk, []),
                len(voters.get(v.pk, set())),
                v.closed_at,
            )
            for v in votes
        ],
    )


def _kind_label(kind: str) -> str:
    labels = {
        "workshop.start": _("the workshop started"),
        "plenary.start": _("the plenary started"),
        "workshop.decide": _("the CEO decided"),
    }
    return labels.get(kind, kind)

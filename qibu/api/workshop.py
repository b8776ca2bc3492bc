"""The co-creation workshop (团队共创, PLAY-ANNUAL, WS-1 … WS-7): the workshops a caller takes part in, a group's state
as its screen shows it (a note stays hidden from all but its author until the leader reveals the notes), writing a
note, the group's steps, moving a note (refused when it moved since the caller's version, saying where it is), a
vote, the CEO's decision, the newest event for a client that polls, and the record. A workshop the caller does not
take part in is 404; an action that is not the caller's (a member's leader action, anyone's decision but the CEO's)
is 403; bad input 400 or 422, naming the field; nothing is written when refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PathId, QuerySchema
from qibu.workshop import access, selectors, services
from qibu.workshop.models import Column, GroupPhase, Note, Participant, Vote, WorkshopState
from qibu.workshop.record import workshop_record

router = Router(tags=["workshops"])


class WorkshopGroupSummaryOut(Schema):
    id: int
    name: str
    is_plenary: bool
    leader: str
    phase: GroupPhase
    members: list[str]
    notes: int = Field(description="How many notes the group holds (never their text).")
    done: int = Field(description="WS-3: how many members have written their notes.")


class WorkshopOut(Schema):
    id: int
    topic: str
    cycle: int
    scheduled_for: dt.datetime
    place: str
    moderator: int
    observer: int | None = Field(description="The CEO, who observes and decides (WS-7).")
    state: WorkshopState
    vote_budget: int
    my_group: int | None = Field(description="The caller's group, when they take part in one.")


class WorkshopDetailOut(WorkshopOut):
    groups: list[WorkshopGroupSummaryOut]
    seq: int = Field(description="The newest event of the workshop: follow it with the events endpoint.")
    objectives: list[int] = Field(description="WS-7: the company objectives the CEO decided, once decided.")


class WorkshopMemberOut(Schema):
    person: int
    name: str
    is_leader: bool
    notes: int
    done: bool


class WorkshopNoteOut(Schema):
    id: int
    text: str
    author: int
    author_name: str
    is_pick: bool
    clarification: str
    column: int | None
    version: int = Field(description="Give it back when moving the note: a move on an older version is refused.")
    source_group: str = Field(description="In the plenary: the group whose objective this is.")


class WorkshopColumnOut(Schema):
    id: int
    title: str
    objective: str
    rank: int | None
    notes: list[int]
    chosen: bool | None
    result: int | None = Field(description="The company objective it became (WS-7).")


class WorkshopOptionOut(Schema):
    id: int
    label: str
    total: int | None = Field(description="Null while the vote is open: ballots are secret until it closes.")
    mine: int


class WorkshopVoteOut(Schema):
    id: int
    question: str
    budget: int
    open: bool
    options: list[WorkshopOptionOut]
    voters: int
    reasons: list[str] = Field(description="Without names; while open, only the leader reads them.")
    winner: int | None


class WorkshopRoomOut(Schema):
    id: int
    name: str
    phase: GroupPhase
    revealed: bool
    leads: bool = Field(description="Whether the caller leads this group.")
    member: bool
    seq: int
    members: list[WorkshopMemberOut]
    notes: list[WorkshopNoteOut] = Field(description="The notes the caller may see.")
    hidden: int = Field(description="WS-3: notes of others not revealed to the caller.")
    columns: list[WorkshopColumnOut]
    spotlight_note: int | None
    spotlight_column: int | None
    votes: list[WorkshopVoteOut]


class WorkshopNoteIn(InputSchema):
    text: str = Field(max_length=200, description="WS-3: one idea, 8–20 Chinese characters or 3–12 words.")


class WorkshopPhaseIn(InputSchema):
    phase: GroupPhase = Field(description="The next step, or the one before (never back behind the reveal).")


class WorkshopMoveIn(InputSchema):
    column: Id | None = Field(None, description="Null: back among the unsorted notes.")
    version: int | None = Field(None, ge=1, description="The note's version the caller saw.")


class WorkshopBallotIn(InputSchema):
    points: dict[str, int] = Field(description="Option id → votes, within the vote's budget.")
    reason: str = Field("", max_length=1000, description="The thinking behind the vote, especially a dissent.")


class WorkshopDecisionIn(InputSchema):
    chosen: list[Id] = Field(description="The plenary's columns that become the year's company objectives.")
    statement: str = Field("", max_length=5000)
    titles: dict[str, str] = Field(default_factory=dict, description="Column id → a reworded title.")


class WorkshopEventsQuery(QuerySchema):
    after: int = Field(0, ge=0)


class WorkshopSeqOut(Schema):
    seq: int


class WorkshopRecordVoteOut(Schema):
    group: str
    question: str
    totals: list[tuple[str, int]]
    winner: str
    reasons: list[str]


class WorkshopRecordOut(Schema):
    phases: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    moves: list[dict[str, Any]]
    votes: list[WorkshopRecordVoteOut]
    statement: str


def _workshop(seat: access.Seat) -> dict[str, Any]:
    w = seat.workshop
    return {
        "id": w.pk,
        "topic": w.topic,
        "cycle": w.cycle_id,
        "scheduled_for": w.scheduled_for,
        "place": w.place,
        "moderator": w.moderator_id,
        "observer": w.observer_id,
        "state": w.state,
        "vote_budget": w.vote_budget,
        "my_group": seat.group_id,
    }


@router.get("/workshops", response={200: list[WorkshopOut], **ERRORS}, summary="Co-creation workshops")
def workshop_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The workshops the caller moderates, observes or takes part in (all of them for administrators)."""
    person = caller(request)
    workshops = list(access.visible_workshops(person)[:200])
    mine = dict(
        Participant.objects.filter(person=person, workshop__in=workshops).values_list("workshop_id", "group_id")
    )
    return [
        {**_workshop(access.Seat(workshop=w, viewer=person, participant=None)), "my_group": mine.get(w.pk)}
        for w in workshops
    ]


@router.get("/workshops/{workshop_id}", response={200: WorkshopDetailOut, **ERRORS}, summary="A workshop")
def workshop_get(request: HttpRequest, workshop_id: PathId) -> dict[str, Any]:
    seat = access.seat_for(caller(request), workshop_id)
    overview = selectors.workshop_overview(seat)
    results = selectors.workshop_results(seat.workshop)
    return {
        **_workshop(seat),
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "is_plenary": g.is_plenary,
                "leader": g.leader,
                "phase": g.phase,
                "members": g.members,
                "notes": g.notes,
                "done": g.done,
            }
            for g in overview.groups
        ],
        "seq": overview.seq,
        "objectives": [r.objective_id for r in results if r.objective_id],
    }


@router.get(
    "/workshops/{workshop_id}/events",
    response={200: WorkshopSeqOut, **ERRORS},
    summary="The newest event that concerns the caller",
)
def workshop_events(request: HttpRequest, workshop_id: PathId, query: Query[WorkshopEventsQuery]) -> dict[str, int]:
    """For a client that polls: when `seq` is greater than the one it holds, fetch the group again."""
    seat = access.seat_for(caller(request), workshop_id)
    return {"seq": selectors.relevant_seq(seat.workshop.pk, selectors.scope_of(seat))}


def _room(seat: access.Seat, group_id: int) -> dict[str, Any]:
    group = access.group_for(seat, group_id)
    room = selectors.group_room(seat, group)
    return {
        "id": group.pk,
        "name": str(group),
        "phase": group.phase,
        "revealed": group.is_revealed,
        "leads": room.leads,
        "member": room.member,
        "seq": room.seq,
        "members": [
            {"person": m.person_id, "name": m.name, "is_leader": m.is_leader, "notes": m.notes, "done": m.done}
            for m in room.members
        ],
        "notes": [
            {
                "id": n.id,
                "text": n.text,
                "author": n.author_id,
                "author_name": n.author,
                "is_pick": n.is_pick,
                "clarification": n.clarification,
                "column": n.column_id,
                "version": n.version,
                "source_group": n.source_group,
            }
            for n in room.notes
        ],
        "hidden": room.hidden,
        "columns": [
            {
                "id": c.id,
                "title": c.title,
                "objective": c.objective,
                "rank": c.rank,
                "notes": [n.id for n in c.notes],
                "chosen": c.chosen,
                "result": c.result_id,
            }
            for c in room.columns
        ],
        "spotlight_note": room.spotlight_note.id if room.spotlight_note else None,
        "spotlight_column": room.spotlight_column.id if room.spotlight_column else None,
        "votes": [
            {
                "id": v.id,
                "question": v.question,
                "budget": v.budget,
                "open": v.is_open,
                "options": [{"id": o.id, "label": o.label, "total": o.total, "mine": o.mine} for o in v.options],
                "voters": v.voters,
                "reasons": v.reasons,
                "winner": v.winner_id,
            }
            for v in room.votes
        ],
    }


@router.get(
    "/workshops/{workshop_id}/groups/{group_id}",
    response={200: WorkshopRoomOut, **ERRORS},
    summary="A group as its screen shows it",
)
def workshop_group(request: HttpRequest, workshop_id: PathId, group_id: PathId) -> dict[str, Any]:
    return _room(access.seat_for(caller(request), workshop_id), group_id)


@router.post(
    "/workshops/{workshop_id}/groups/{group_id}/notes",
    response={201: WorkshopNoteOut, **WRITE_ERRORS},
    summary="Write a note",
)
def workshop_note_write(
    request: HttpRequest, workshop_id: PathId, group_id: PathId, payload: WorkshopNoteIn
) -> tuple[int, dict[str, Any]]:
    """WS-3: one of the caller's five notes, during the brainstorm; hidden from the others until revealed."""
    person = caller(request)
    seat = access.seat_for(person, workshop_id)
    note = services.note_write(actor=person, group=access.group_for(seat, group_id), text=payload.text)
    return 201, {
        "id": note.pk,
        "text": note.text,
        "author": person.pk,
        "author_name": str(person),
        "is_pick": note.is_pick,
        "clarification": note.clarification,
        "column": note.column_id,
        "version": note.version,
        "source_group": "",
    }


@router.post(
    "/workshops/{workshop_id}/groups/{group_id}/phase",
    response={200: WorkshopRoomOut, **WRITE_ERRORS},
    summary="Take the group to another step",
)
def workshop_group_phase(
    request: HttpRequest, workshop_id: PathId, group_id: PathId, payload: WorkshopPhaseIn
) -> dict[str, Any]:
    """The leader's (the moderator's in the plenary). Going on to combine reveals the notes (WS-3)."""
    person = caller(request)
    seat = access.seat_for(person, workshop_id)
    services.group_phase_set(actor=person, group=access.group_for(seat, group_id), phase=payload.phase)
    return _room(access.seat_for(person, workshop_id), group_id)


@router.post(
    "/workshops/{workshop_id}/groups/{group_id}/notes/{note_id}/move",
    response={200: WorkshopRoomOut, **WRITE_ERRORS},
    summary="Sort a note into a column",
)
def workshop_note_move(
    request: HttpRequest, workshop_id: PathId, group_id: PathId, note_id: PathId, payload: WorkshopMoveIn
) -> dict[str, Any]:
    """WS-4, the leader's. With `version`, a note moved since by someone else is not moved again: 400 says where
    it is now."""
    person = caller(request)
    seat = access.seat_for(person, workshop_id)
    group = access.group_for(seat, group_id)
    note = Note.objects.filter(group=group, pk=note_id).first()
    if note is None:
        raise Http404
    column = Column.objects.filter(group=group, pk=payload.column).first() if payload.column else None
    if payload.column and column is None:
        raise Http404
    services.note_move(actor=person, note=note, column=column, version=payload.version)
    return _room(access.seat_for(person, workshop_id), group_id)


@router.post(
    "/workshops/{workshop_id}/groups/{group_id}/votes/{vote_id}/ballot",
    response={200: WorkshopRoomOut, **WRITE_ERRORS},
    summary="Vote",
)
def workshop_vote_cast(
    request: HttpRequest, workshop_id: PathId, group_id: PathId, vote_id: PathId, payload: WorkshopBallotIn
) -> dict[str, Any]:
    """WS-4: the caller's votes within the budget, and their reason; again replaces them. Members only."""
    person = caller(request)
    seat = access.seat_for(person, workshop_id)
    group = access.group_for(seat, group_id)
    vote = Vote.objects.filter(group=group, pk=vote_id).first()
    if vote is None:
        raise Http404
    points = {int(k): v for k, v in payload.points.items() if k.isdigit()}
    services.vote_cast(actor=person, vote=vote, points=points, reason=payload.reason)
    return _room(access.seat_for(person, workshop_id), group_id)


@router.post(
    "/workshops/{workshop_id}/decision",
    response={200: WorkshopDetailOut, **WRITE_ERRORS},
    summary="Decide the workshop's result",
)
def workshop_decide(request: HttpRequest, workshop_id: PathId, payload: WorkshopDecisionIn) -> dict[str, Any]:
    """WS-7: the CEO's alone. The chosen plenary columns become the year's company objectives, as drafts."""
    person = caller(request)
    seat = access.seat_for(person, workshop_id)
    titles = {int(k): v for k, v in payload.titles.items() if k.isdigit()}
    services.workshop_decide(
        actor=person, workshop=seat.workshop, chosen=payload.chosen, statement=payload.statement, titles=titles
    )
    return workshop_get(request, workshop_id)


@router.get("/workshops/{workshop_id}/record", response={200: WorkshopRecordOut, **ERRORS}, summary="The record")
def workshop_record_get(request: HttpRequest, workshop_id: PathId) -> dict[str, Any]:
    """Phases, notes, columns, ranking moves, votes (totals and reasons, never who voted for what) and the
    decision. Participants read it once the workshop is decided."""
    record = workshop_record(access.seat_for(caller(request), workshop_id))
    return {
        "phases": [{"group": p.group, "phase": p.phase, "at": p.at.isoformat(), "by": p.by} for p in record.phases],
        "notes": [
            {"group": n.group, "author": n.author, "text": n.text, "pick": n.pick, "column": n.column}
            for n in record.notes
        ],
        "columns": [
            {"group": c.group, "title": c.title, "objective": c.objective, "rank": c.rank, "chosen": c.chosen}
            for c in record.columns
        ],
        "moves": [
            {"group": m.group, "who": m.who, "objective": m.objective, "from": m.from_rank, "to": m.to_rank}
            for m in record.moves
        ],
        "votes": [
            {"group": v.group, "question": v.question, "totals": v.totals, "winner": v.winner, "reasons": v.reasons}
            for v in record.votes
        ],
        "statement": record.workshop.decision_statement,
    }

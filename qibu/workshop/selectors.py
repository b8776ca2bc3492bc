"""Reading a co-creation workshop: what one group's screen shows to one viewer (`group_room`), the workshop's
overview (`workshop_overview`). Each in a fixed number of queries, whatever the number of notes and people.

What a viewer may not see never leaves here: before the reveal, a note's text reaches only its author (the others
get how many each member wrote, and who is done, WS-3); ballots are secret (totals once the vote is closed, the
reasons without names)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from qibu.workshop.access import Seat
from qibu.workshop.events import latest_seq
from qibu.workshop.models import (
    MAX_COLUMNS,
    NOTES_PER_PERSON,
    Ballot,
    Column,
    Event,
    Group,
    GroupingProposal,
    GroupPhase,
    Note,
    Participant,
    Vote,
    VoteReason,
    VoteState,
    Workshop,
)


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    is_leader: bool
    notes: int  # how many notes they wrote (never what they say)
    done: bool


@dataclass(frozen=True)
class NoteCard:
    id: int
    text: str
    author_id: int
    author: str
    mine: bool
    is_pick: bool
    clarification: str
    column_id: int | None
    version: int
    shown: bool
    source_group: str  # in the plenary: the group the objective came from


@dataclass(frozen=True)
class ColumnCard:
    id: int
    title: str
    position: int
    objective: str
    rank: int | None
    version: int
    notes: list[NoteCard]
    chosen: bool | None
    result_id: int | None


@dataclass(frozen=True)
class OptionRow:
    id: int
    label: str
    column_id: int | None
    total: int | None  # None while the vote is open: secret until closed
    mine: int


@dataclass(frozen=True)
class VoteCard:
    id: int
    question: str
    budget: int
    is_open: bool
    note_id: int | None
    options: list[OptionRow]
    voters: int  # how many have voted
    my_reason: str
    reasons: list[str]  # without names
    winner_id: int | None
    spent: int  # the viewer's votes given


@dataclass(frozen=True)
class ProposalCard:
    id: int
    columns: list[dict[str, object]]
    accepted: bool
    undone: bool


@dataclass(frozen=True)
class GroupRoom:
    """What the group's screen shows to the viewer."""

    seat: Seat
    group: Group
    seq: int
    members: list[MemberRow]
    my_notes: list[NoteCard]
    notes: list[NoteCard]  # every note the viewer may see, in order
    unsorted: list[NoteCard]
    columns: list[ColumnCard]
    spotlight_note: NoteCard | None
    spotlight_column: ColumnCard | None
    votes: list[VoteCard]
    proposal: ProposalCard | None
    leads: bool
    member: bool
    hidden: int  # notes of others not revealed yet
    notes_per_person: int = NOTES_PER_PERSON
    max_columns: int = MAX_COLUMNS
    picks: list[NoteCard] = field(default_factory=list)

    @property
    def open_vote(self) -> VoteCard | None:
        return next((v for v in self.votes if v.is_open), None)

    @property
    def can_add_column(self) -> bool:
        return len(self.columns) < self.max_columns

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.members if m.done)


def _card(note: Note, seat: Seat, names: dict[int, str], sources: dict[int, str]) -> NoteCard:
    return NoteCard(
        id=note.pk,
        text=note.text,
        author_id=note.author_id,
        author=names.get(note.author_id, ""),
        mine=note.author_id == seat.viewer.pk,
        is_pick=note.is_pick,
        clarification=note.clarification,
        column_id=note.column_id,
        version=note.version,
        shown=note.shown_at is not None,
        source_group=sources.get(note.source_id or 0, ""),
    )


def _votes(group: Group, seat: Seat) -> list[VoteCard]:
    votes = list(
        Vote.objects.filter(group=group).prefetch_related(
            "options",
            Prefetch("ballots", queryset=Ballot.objects.only("vote_id", "voter_id", "option_id", "points")),
            Prefetch("reasons", queryset=VoteReason.objects.order_by("at", "id")),
        )
    )
    cards: list[VoteCard] = []
    for vote in votes:
        is_open = vote.state == VoteState.OPEN
        totals: Counter[int] = Counter()
        mine: Counter[int] = Counter()
        voters = set()
        for ballot in vote.ballots.all():
            totals[ballot.option_id] += ballot.points
            voters.add(ballot.voter_id)
            if ballot.voter_id == seat.viewer.pk:
                mine[ballot.option_id] += ballot.points
        reasons = list(vote.reasons.all())
        voters |= {r.voter_id for r in reasons}
        options = [
            OptionRow(
                id=o.pk,
                label=o.label,
                column_id=o.column_id,
                total=None if is_open else totals[o.pk],
                mine=mine[o.pk],
            )
            for o in vote.options.all()
        ]
        cards.append(
            VoteCard(
                id=vote.pk,
                question=vote.question,
                budget=vote.budget,
                is_open=is_open,
                note_id=vote.note_id,
                options=options,
                voters=len(voters),
                my_reason=next((r.text for r in reasons if r.voter_id == seat.viewer.pk), ""),
                reasons=[r.text for r in reasons] if not is_open or seat.leads(group) else [],
                winner_id=vote.winner_id,
                spent=sum(mine.values()),
            )
        )
    return cards


def _proposal(group: Group) -> ProposalCard | None:
    latest = GroupingProposal.objects.filter(group=group, undone_at__isnull=True).order_by("-made_at", "-id").first()
    if latest is None:
        return None
    return ProposalCard(
        id=latest.pk, columns=list(latest.proposal), accepted=latest.accepted_at is not None, undone=False
    )


def group_room(seat: Seat, group: Group) -> GroupRoom:
    """The group's screen for the viewer of `seat` (who may see the group: `access.group_for`). Nine queries."""
    # The sequence number first: what is read after it is at least as new, so a screen that shows it is never
    # behind the number it claims (an event between the two reads is shown and told again, never lost).
    seq = latest_seq(seat.workshop.pk)
    group = Group.objects.select_related("leader", "spotlight_note", "spotlight_column").filter(pk=group.pk).get()
    if group.is_plenary:
        participants = list(Participant.objects.filter(workshop=seat.workshop).select_related("person"))
    else:
        participants = list(Participant.objects.filter(group=group).select_related("person"))
    names = {p.person_id: str(p.person) for p in participants}
    if group.leader is not None:
        names.setdefault(group.leader_id or 0, str(group.leader))
    notes = list(Note.objects.filter(group=group).select_related("source__group").order_by("position", "id"))
    sources = {n.source.pk: str(n.source.group) for n in notes if n.source is not None}
    written = Counter(n.author_id for n in notes)
    visible = [n for n in notes if seat.sees_note(n, group)]
    cards = [_card(n, seat, names, sources) for n in visible]
    by_column: dict[int, list[NoteCard]] = defaultdict(list)
    for card in cards:
        if card.column_id is not None:
            by_column[card.column_id].append(card)
    columns = [
        ColumnCard(
            id=c.pk,
            title=c.title,
            position=c.position,
            objective=c.objective,
            rank=c.rank,
            version=c.version,
            notes=by_column.get(c.pk, []),
            chosen=c.chosen,
            result_id=c.result_id,
        )
        for c in Column.objects.filter(group=group).order_by("position", "id")
    ]
    if group.phase in (GroupPhase.RANK, GroupPhase.PRESENTED) or (group.is_plenary and group.phase == GroupPhase.RANK):
        columns.sort(key=lambda c: (c.rank is None, c.rank or 0, c.position, c.id))
    members = [
        MemberRow(
            person_id=p.person_id,
            name=str(p.person),
            is_leader=p.person_id == group.leader_id,
            notes=written.get(p.person_id, 0),
            done=p.done_at is not None,
        )
        for p in participants
    ]
    spot_note = next((c for c in cards if c.id == group.spotlight_note_id), None)
    spot_column = next((c for c in columns if c.id == group.spotlight_column_id), None)
    return GroupRoom(
        seat=seat,
        group=group,
        seq=seq,
        members=members,
        my_notes=[c for c in cards if c.mine],
        notes=cards,
        unsorted=[c for c in cards if c.column_id is None],
        columns=columns,
        spotlight_note=spot_note,
        spotlight_column=spot_column,
        votes=_votes(group, seat),
        proposal=_proposal(group) if seat.leads(group) else None,
        leads=seat.leads(group),
        member=seat.member_of(group),
        hidden=len(notes) - len(visible),
        picks=[c for c in cards if c.is_pick],
    )


@dataclass(frozen=True)
class GroupSummary:
    id: int
    name: str
    number: int
    is_plenary: bool
    leader: str
    phase: str
    phase_label: str
    members: list[str]
    notes: int
    done: int


@dataclass(frozen=True)
class WorkshopOverview:
    seat: Seat
    groups: list[GroupSummary]
    unplaced: list[str]
    participants: int
    seq: int

    @property
    def plenary(self) -> GroupSummary | None:
        return next((g for g in self.groups if g.is_plenary), None)


def workshop_overview(seat: Seat) -> WorkshopOverview:
    """Every group of the workshop at a glance (the moderator's and the observer's view; a participant's lists
    only what they may see of it). Four queries."""
    workshop = seat.workshop
    seq = latest_seq(workshop.pk)  # first, as in `group_room`
    groups = list(Group.objects.filter(workshop=workshop).select_related("leader").order_by("is_plenary", "number"))
    participants = list(Participant.objects.filter(workshop=workshop).select_related("person").order_by("id"))
    counts = Counter(Note.objects.filter(group__workshop=workshop).values_list("group_id", flat=True))
    members: dict[int, list[str]] = defaultdict(list)
    done: Counter[int] = Counter()
    for p in participants:
        if p.group_id is not None:
            members[p.group_id].append(str(p.person))
            done[p.group_id] += p.done_at is not None
    summaries = [
        GroupSummary(
            id=g.pk,
            name=str(g),
            number=g.number,
            is_plenary=g.is_plenary,
            leader=str(g.leader) if g.leader else "",
            phase=g.phase,
            phase_label=str(GroupPhase(g.phase).label),
            members=members.get(g.pk, []),
            notes=counts.get(g.pk, 0),
            done=done.get(g.pk, 0),
        )
        for g in groups
        if seat.sees_group(g)
    ]
    return WorkshopOverview(
        seat=seat,
        groups=summaries,
        unplaced=[str(p.person) for p in participants if p.group_id is None],
        participants=len(participants),
        seq=seq,
    )


@dataclass(frozen=True)
class ResultRow:
    objective_id: int | None
    title: str
    rank: int | None


def workshop_results(workshop: Workshop) -> list[ResultRow]:
    """WS-7: the objectives the CEO chose, in the plenary's order, with the company objective each became."""
    columns = Column.objects.filter(group__workshop=workshop, group__is_plenary=True, chosen=True).order_by(
        "rank", "position", "id"
    )
    return [ResultRow(objective_id=c.result_id, title=c.objective, rank=c.rank) for c in columns]


# --- the live channel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The events that change a viewer's screens: every event of the workshop (`everything`: the moderator, the
    observer, administrators), or those of the workshop as a whole, of the plenary and of the viewer's group."""

    everything: bool
    group_id: int | None = None

    def covers(self, group_id: int | None, plenary: bool) -> bool:
        return self.everything or group_id is None or plenary or group_id == self.group_id


def scope_of(seat: Seat) -> Scope:
    if seat.can_manage or seat.is_observer:
        return Scope(everything=True)
    return Scope(everything=False, group_id=seat.group_id)


def relevant_seq(workshop_id: int, scope: Scope) -> int:
    """The newest event id that concerns the scope (0 before any): the sequence number of an up-to-date screen."""
    events = Event.objects.filter(workshop_id=workshop_id)
    if not scope.everything:
        mine = Q(group__isnull=True) | Q(group__is_plenary=True)
        if scope.group_id is not None:
            mine |= Q(group_id=scope.group_id)
        events = events.filter(mine)
    newest = events.order_by("-id").values_list("id", flat=True).first()
    return int(newest or 0)

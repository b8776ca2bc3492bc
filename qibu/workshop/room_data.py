"""What the group's screen shows beside the room itself, by step: the OKR refresher's examples from the company's
own OKRs (WS-2), each column's key words (WS-5), the ranking's moves with who made them (WS-6). A fixed number of
queries each, only for the step that shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from qibu.cycles.selectors import cycle_current
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.workshop.access import Seat
from qibu.workshop.grouping import column_keywords
from qibu.workshop.models import Event, GroupPhase
from qibu.workshop.selectors import GroupRoom


@dataclass(frozen=True)
class RankMove:
    who: str
    column: str
    from_rank: int
    to_rank: int
    at: object


@dataclass(frozen=True)
class RoomExtras:
    example_objective: str = ""
    example_key_result: str = ""
    keywords: dict[int, list[str]] = field(default_factory=dict)
    rank_moves: list[RankMove] = field(default_factory=list)


def _examples(seat: Seat) -> tuple[str, str]:
    """WS-2: a company objective of the current quarter and one of its key results, as the refresher's example."""
    quarter = cycle_current()
    if quarter is None:
        return "", ""
    objective = (
        Objective.objects.filter(visible_objectives_q(seat.viewer), cycle=quarter, level=Level.COMPANY)
        .order_by("priority", "pk")
        .first()
    )
    if objective is None:
        return "", ""
    key_result = KeyResult.objects.filter(objective=objective).order_by("position", "pk").first()
    return objective.title, key_result.title if key_result else ""


def room_extras(seat: Seat, room: GroupRoom) -> RoomExtras:
    phase = room.group.phase
    if phase == GroupPhase.TOPIC and seat.workshop.refresher:
        objective, key_result = _examples(seat)
        return RoomExtras(example_objective=objective, example_key_result=key_result)
    if phase == GroupPhase.DISTIL:
        return RoomExtras(keywords={c.id: column_keywords([n.text for n in c.notes]) for c in room.columns})
    if phase in (GroupPhase.RANK, GroupPhase.PRESENTED):
        titles = {c.id: c.objective or c.title for c in room.columns}
        events = Event.objects.filter(group=room.group, kind="column.rank").select_related("actor").order_by("id")
        moves = [
            RankMove(
                who=str(e.actor or ""),
                column=titles.get(int(e.data.get("column", 0)), ""),
                from_rank=int(e.data.get("from_rank", 0)),
                to_rank=int(e.data.get("to_rank", 0)),
                at=e.at,
            )
            for e in events
        ]
        return RoomExtras(rank_moves=moves)
    return RoomExtras()

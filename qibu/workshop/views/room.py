"""A group's screen through every step (WS-2 … WS-7): the same page for the leader, the members, the moderator and
the observer, each seeing what they may (`selectors.group_room`). The part that changes is one element that
`static/workshop/live.js` refreshes when the live channel says something changed.

Every action is a plain form posted to `act` (it works without JavaScript: on success back to the room, on a
refusal the room again with the message and what was typed); buttons that need no typing also post through htmx
and get the refreshed part at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.core.validation import field_problems
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.workshop import access, selectors, services
from qibu.workshop.access import Seat
from qibu.workshop.coach import distil_advice
from qibu.workshop.models import Column, Group, GroupingProposal, Note, Vote
from qibu.workshop.room_data import room_extras


def _look_up(request: HttpRequest, pk: int, group_pk: int) -> tuple[Seat, Group]:
    seat = access.seat_for(current_person(request), pk)
    return seat, access.group_for(seat, group_pk)


def _render(
    request: HttpRequest,
    seat: Seat,
    group: Group,
    *,
    errors: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    room = selectors.group_room(seat, group)
    context = {
        "workshop": seat.workshop,
        "room": room,
        "group": room.group,
        "seat": seat,
        "extras": room_extras(seat, room),
        "errors": errors or [],
        "values": values or {},
        "refresh_url": reverse("workshop:room", args=[seat.workshop.pk, group.pk]) + "?part=live",
    }
    template = (
        "workshop/room.html#live" if is_htmx(request) or request.GET.get("part") == "live" else "workshop/room.html"
    )
    return vary_on_htmx(render(request, template, context, status=status))


@login_required
@require_GET
def room(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    seat, group = _look_up(request, pk, group_pk)
    return _render(request, seat, group)


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _note(group: Group, value: Any) -> Note:
    note = Note.objects.filter(group=group, pk=_int(value) or 0).first()
    if note is None:
        raise Http404
    return note


def _column(group: Group, value: Any) -> Column | None:
    if value in (None, ""):
        return None
    column = Column.objects.filter(group=group, pk=_int(value) or 0).first()
    if column is None:
        raise Http404
    return column


def _required_column(group: Group, value: Any) -> Column:
    column = _column(group, value)
    if column is None:
        raise Http404
    return column


def _vote(group: Group, value: Any) -> Vote:
    vote = Vote.objects.filter(group=group, pk=_int(value) or 0).first()
    if vote is None:
        raise Http404
    return vote


def _proposal(group: Group, value: Any) -> GroupingProposal:
    proposal = GroupingProposal.objects.filter(group=group, pk=_int(value) or 0).first()
    if proposal is None:
        raise Http404
    return proposal


Action = Callable[[Person, Group, Any], Any]


def _points(post: Any) -> dict[int, Any]:
    return {int(key[6:]): value for key, value in post.items() if key.startswith("points") and key[6:].isdigit()}


def _titles(post: Any, prefix: str) -> dict[int, str]:
    return {
        int(key[len(prefix) :]): value
        for key, value in post.items()
        if key.startswith(prefix) and key[len(prefix) :].isdigit()
    }


ACTIONS: dict[str, Action] = {
    "phase": lambda a, g, p: services.group_phase_set(actor=a, group=g, phase=p.get("phase", "")),
    "note": lambda a, g, p: services.note_write(actor=a, group=g, text=p.get("text", "")),
    "note_edit": lambda a, g, p: services.note_edit(actor=a, note=_note(g, p.get("note")), text=p.get("text", "")),
    "note_delete": lambda a, g, p: services.note_delete(actor=a, note=_note(g, p.get("note"))),
    "done": lambda a, g, p: services.participant_done(actor=a, group=g, done=p.get("done") != "0"),
    "pick": lambda a, g, p: services.note_pick(actor=a, note=_note(g, p.get("note"))),
    "show": lambda a, g, p: services.note_show(actor=a, note=_note(g, p.get("note"))),
    "clear": lambda a, g, p: services.spotlight_clear(actor=a, group=g),
    "clarify": lambda a, g, p: services.note_clarify(
        actor=a, note=_note(g, p.get("note")), text=p.get("clarification", "")
    ),
    "column": lambda a, g, p: services.column_create(actor=a, group=g, title=p.get("title", "")),
    "column_rename": lambda a, g, p: services.column_rename(
        actor=a, column=_required_column(g, p.get("column")), title=p.get("title", "")
    ),
    "column_delete": lambda a, g, p: services.column_delete(actor=a, column=_required_column(g, p.get("column"))),
    "move": lambda a, g, p: services.note_move(
        actor=a, note=_note(g, p.get("note")), column=_column(g, p.get("column")), version=_int(p.get("version"))
    ),
    "propose": lambda a, g, p: services.proposal_make(actor=a, group=g),
    "accept": lambda a, g, p: services.proposal_accept(
        actor=a, proposal=_proposal(g, p.get("proposal")), titles=_titles(p, "title")
    ),
    "undo": lambda a, g, p: services.proposal_undo(actor=a, proposal=_proposal(g, p.get("proposal"))),
    "vote_open": lambda a, g, p: services.vote_open(
        actor=a,
        group=g,
        question=p.get("question", ""),
        options=[line for line in str(p.get("options", "")).splitlines() if line.strip()],
        column_ids=[c for c in (_int(v) for v in p.getlist("columns")) if c is not None],
        note=_note(g, p.get("note")) if p.get("note") else None,
        budget=p.get("budget") or None,
    ),
    "vote_cast": lambda a, g, p: services.vote_cast(
        actor=a, vote=_vote(g, p.get("vote")), points=_points(p), reason=p.get("reason", "")
    ),
    "vote_budget": lambda a, g, p: services.vote_budget_set(
        actor=a, vote=_vote(g, p.get("vote")), budget=p.get("budget")
    ),
    "vote_close": lambda a, g, p: services.vote_close(actor=a, vote=_vote(g, p.get("vote"))),
    "objective": lambda a, g, p: services.column_objective_set(
        actor=a, column=_required_column(g, p.get("column")), objective=p.get("objective", "")
    ),
    "read": lambda a, g, p: services.column_read_aloud(actor=a, column=_required_column(g, p.get("column"))),
    "rank": lambda a, g, p: services.column_rank_move(
        actor=a, column=_required_column(g, p.get("column")), rank=_int(p.get("rank")) or 0
    ),
    "decide": lambda a, g, p: services.workshop_decide(
        actor=a,
        workshop=g.workshop,
        chosen=[c for c in (_int(v) for v in p.getlist("chosen")) if c is not None],
        statement=p.get("statement", ""),
        titles=_titles(p, "title_"),
    ),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, group_pk: int, action: str) -> HttpResponse:
    """One action on the group (see ACTIONS), by the signed-in person; the service decides whether they may."""
    if action not in ACTIONS:
        raise Http404
    seat, group = _look_up(request, pk, group_pk)
    actor = current_person(request)
    try:
        ACTIONS[action](actor, group, request.POST)
    except PermissionDenied as refused:
        if is_htmx(request):
            return _render(request, seat, group, errors=[str(refused)], status=403)
        raise
    except ValidationError as refused:
        problems = [message for _field, message in field_problems(refused)]
        seat = access.seat_for(actor, pk)
        return _render(
            request,
            seat,
            access.group_for(seat, group_pk),
            errors=problems,
            values=dict(request.POST.items()),
            status=400,
        )
    seat = access.seat_for(actor, pk)
    group = access.group_for(seat, group_pk)
    if is_htmx(request):
        return _render(request, seat, group)
    if action == "decide":
        return redirect("workshop:detail", pk)
    return redirect(reverse("workshop:room", args=[pk, group_pk]) + "#room-live")


@login_required
@require_GET
def coach(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    """WS-5: the coach's advice on the objective being typed for a column, as it is typed."""
    _seat, group = _look_up(request, pk, group_pk)
    column_id = _int(request.GET.get("column"))
    others = dict(Column.objects.filter(group=group).exclude(pk=column_id or 0).values_list("pk", "objective"))
    advice = distil_advice(
        organisation=request_organisation(request),
        title=str(request.GET.get("objective", ""))[:300],
        others=others,
        objective_count=len(others) + 1,
    )
    return render(request, "workshop/room.html#advice", {"advice": advice, "column_id": column_id})


urlpatterns: list[URLPattern] = [
    path("<int:pk>/groups/<int:group_pk>/", room, name="room"),
    path("<int:pk>/groups/<int:group_pk>/coach/", coach, name="coach"),
    path("<int:pk>/groups/<int:group_pk>/<slug:action>/", act, name="act"),
]

"""Daily stand-ups (EXE-1, EXE-2): a team's stand-up of today and its past ones, posting and editing one's own
entry (yesterday's progress, today's plan, blockers, each line optionally linked to one of one's key results or
action steps), closing it (its summary to the team's chat and people), and the live mode's state and controls.
The rules are the pages' (`qibu.standups.access`): 404 for a team one may not see, 403 for a change one may not
make, 422 naming the field for bad input (an entry for another person among them), nothing written then."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PathId, QuerySchema
from qibu.org.models import Person, Team
from qibu.standups import access, services
from qibu.standups.models import Section, StandUp, Timing
from qibu.standups.selectors import EntryView, LiveState, history_of, live_state, my_team, stand_up_page
from qibu.standups.services import ITEM_MAX, ITEMS_PER_SECTION, ItemInput

router = Router(tags=["stand-ups"])


class StandUpItemOut(Schema):
    section: Section
    text: str
    key_result: int | None
    action_step: int | None
    blocker: int | None = Field(description="The blocker this line became (EXE-2).")


class StandUpEntryOut(Schema):
    person: int
    timing: Timing = Field(description="Posted before the meeting (in the reporting window), during or after it.")
    posted_at: dt.datetime
    updated_at: dt.datetime
    edits: int
    items: list[StandUpItemOut]


class StandUpOut(Schema):
    id: int
    team: int
    day: dt.date
    starts_at: dt.datetime = Field(description="The reporting window closes then.")
    duration_minutes: int
    closed_at: dt.datetime | None
    live: bool
    entries: list[StandUpEntryOut]
    missing: list[int] = Field(description="People who have not posted, absent people left out.")
    away: list[int] = Field(description="People away that day who have not posted.")
    may_post: bool
    may_close: bool


class StandUpBrief(Schema):
    id: int
    day: dt.date
    starts_at: dt.datetime
    closed_at: dt.datetime | None
    posted: int
    blockers: int


class HistoryFilters(QuerySchema):
    team: Id | None = Field(None, description="The team; left out: yours.")
    before: dt.date | None = Field(None, description="Only stand-ups before this day (the next page).")
    limit: int = Field(30, ge=1, le=100)


class TodayQuery(QuerySchema):
    team: Id | None = Field(None, description="The team; left out: yours.")


class StandUpItemIn(InputSchema):
    section: Section
    text: str = Field(max_length=ITEM_MAX)
    link: str = Field("", description='"kr:<id>" or "step:<id>": one of your own key results or open action steps.')
    owner: Id | None = Field(None, description="A blocker's owner; left out: you.")
    concerned: list[Id] = Field(default_factory=list, description="A blocker's people concerned.")


class StandUpEntryIn(InputSchema):
    """Your own entry; it replaces the lines of the one you posted (the edit is recorded)."""

    person: Id | None = Field(None, description="Left out or yours: an entry for another person is refused.")
    items: list[StandUpItemIn] = Field(max_length=3 * ITEMS_PER_SECTION)


class StandUpLiveOut(Schema):
    live: bool
    closed: bool
    facilitator: int | None
    order: list[int] = Field(description="Speakers in order: present people first, then those away.")
    away: list[int]
    speaker: int | None
    index: int
    meeting_started_at: dt.datetime | None
    speaker_started_at: dt.datetime | None
    total_seconds: int = Field(description="The whole group's time (15 minutes by default).")
    share_seconds: int = Field(description="Each present person's share of it.")
    remaining_seconds: int
    speaker_remaining_seconds: int
    server_time: dt.datetime
    version: int = Field(description="Changes whenever the state moves: poll and redraw when it differs.")


def _entry_out(view: EntryView) -> dict[str, Any]:
    items = [*view.yesterday, *view.today, *view.blockers]
    return {
        "person": view.entry.person_id,
        "timing": view.entry.timing,
        "posted_at": view.entry.posted_at,
        "updated_at": view.entry.updated_at,
        "edits": view.entry.edits,
        "items": [
            {
                "section": i.section,
                "text": i.text,
                "key_result": i.key_result_id,
                "action_step": i.action_step_id,
                "blocker": i.blocker_id,
            }
            for i in items
        ],
    }


def _out(person: Person, stand_up: StandUp) -> dict[str, Any]:
    page = stand_up_page(person, stand_up)
    return {
        "id": stand_up.pk,
        "team": stand_up.team_id,
        "day": stand_up.day,
        "starts_at": stand_up.starts_at,
        "duration_minutes": stand_up.duration_minutes,
        "closed_at": stand_up.closed_at,
        "live": stand_up.is_live,
        "entries": [_entry_out(r.entry) for r in page.posted if r.entry is not None],
        "missing": [r.person.pk for r in page.missing],
        "away": [r.person.pk for r in page.away],
        "may_post": page.may_post,
        "may_close": page.may_close,
    }


def _live_out(state: LiveState) -> dict[str, Any]:
    stand_up = state.stand_up
    return {
        "live": stand_up.is_live,
        "closed": stand_up.is_closed,
        "facilitator": stand_up.facilitator_id,
        "order": [p.pk for p in state.order],
        "away": sorted(state.away),
        "speaker": state.speaker.pk if state.speaker else None,
        "index": state.index,
        "meeting_started_at": state.meeting_started,
        "speaker_started_at": state.speaker_started,
        "total_seconds": state.total_seconds,
        "share_seconds": state.share_seconds,
        "remaining_seconds": state.remaining_seconds,
        "speaker_remaining_seconds": state.speaker_remaining_seconds,
        "server_time": state.now,
        "version": stand_up.live_version,
    }


def _team(person: Person, team_id: int | None) -> Team:
    if team_id is None:
        team = my_team(person)
        if team is None:
            raise Http404(_("You are in no team."))
        return team
    return access.team_for(person, team_id)


@router.get("/stand-ups/today", response={200: StandUpOut, **ERRORS}, summary="Today's stand-up")
def stand_up_today(request: HttpRequest, query: Query[TodayQuery]) -> dict[str, Any]:
    """The team's stand-up of today (made when first asked for); 404 when it has none today (no schedule, not one
    of its days, a holiday)."""
    person = caller(request)
    team = _team(person, query.team)
    day = services.local_today(services.team_schedule(team), timezone.now())
    stand_up = services.stand_up_get_or_make(team=team, day=day)
    if stand_up is None:
        raise Http404(_("The team has no stand-up today."))
    return _out(person, stand_up)


@router.get("/stand-ups", response={200: list[StandUpBrief], **ERRORS}, summary="Past stand-ups")
def stand_ups_list(request: HttpRequest, filters: Query[HistoryFilters]) -> list[dict[str, Any]]:
    """The team's stand-ups, latest first, with how many posted and how many blockers."""
    team = _team(caller(request), filters.team)
    return [
        {
            "id": s.pk,
            "day": s.day,
            "starts_at": s.starts_at,
            "closed_at": s.closed_at,
            "posted": s.posted,  # type: ignore[attr-defined]
            "blockers": s.blocker_count,  # type: ignore[attr-defined]
        }
        for s in history_of(team, before=filters.before, limit=filters.limit)
    ]


@router.get("/stand-ups/{stand_up_id}", response={200: StandUpOut, **ERRORS}, summary="A stand-up")
def stand_up_get(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    person = caller(request)
    return _out(person, access.stand_up_for(person, stand_up_id))


@router.put("/stand-ups/{stand_up_id}/entry", response={200: StandUpOut, **WRITE_ERRORS}, summary="Post my entry")
def entry_put(request: HttpRequest, stand_up_id: PathId, payload: StandUpEntryIn) -> dict[str, Any]:
    """Post or edit your own entry (EXE-1); each blocker line becomes a blocker (EXE-2). 422 for an entry for
    another person (`person`), in a closed stand-up, or with a link that is not yours; 403 outside the team."""
    person = caller(request)
    stand_up = access.stand_up_for(person, stand_up_id)
    if not access.is_participant(person, stand_up.team):
        raise PermissionDenied(_("Only the team's people post in its stand-up."))
    other = None
    if payload.person is not None and payload.person != person.pk:
        other = Person.objects.filter(pk=payload.person).first() or Person(pk=payload.person)
    items = [
        ItemInput(section=i.section, text=i.text, link=i.link, owner=i.owner, concerned=i.concerned)
        for i in payload.items
    ]
    services.entry_post(actor=person, stand_up=stand_up, items=items, person=other)
    stand_up.refresh_from_db()
    return _out(person, stand_up)


@router.post("/stand-ups/{stand_up_id}/close", response={200: StandUpOut, **WRITE_ERRORS}, summary="Close")
def stand_up_close(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    """Close it: the summary goes to the team's chat and its people, blockers' people get the follow-up. 422 when
    it is closed already."""
    person = caller(request)
    stand_up = access.stand_up_for(person, stand_up_id)
    if not access.may_close(person, stand_up):
        raise PermissionDenied(_("Only the team's lead, a head above it or the facilitator closes the stand-up."))
    services.stand_up_close(actor=person, stand_up=stand_up)
    stand_up.refresh_from_db()
    return _out(person, stand_up)


@router.get("/stand-ups/{stand_up_id}/live", response={200: StandUpLiveOut, **ERRORS}, summary="Live state")
def live_get(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    person = caller(request)
    return _live_out(live_state(person, access.stand_up_for(person, stand_up_id)))


def _control(request: HttpRequest, stand_up_id: int, action: str) -> dict[str, Any]:
    person = caller(request)
    stand_up = access.stand_up_for(person, stand_up_id)
    if action == "start":
        if not access.may_facilitate(person, stand_up):
            raise PermissionDenied(_("Only the team's people or its lead run its stand-up."))
        services.live_start(actor=person, stand_up=stand_up)
    else:
        if not access.is_facilitator(person, stand_up):
            raise PermissionDenied(_("Only the facilitator moves to the next speaker."))
        if action == "end":
            services.live_end(actor=person, stand_up=stand_up)
        else:
            services.live_move(actor=person, stand_up=stand_up, step=1 if action == "next" else -1)
    stand_up.refresh_from_db()
    return _live_out(live_state(person, stand_up))


@router.post(
    "/stand-ups/{stand_up_id}/live/start", response={200: StandUpLiveOut, **WRITE_ERRORS}, summary="Start live"
)
def live_start(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    """Start the live mode: you become the facilitator."""
    return _control(request, stand_up_id, "start")


@router.post(
    "/stand-ups/{stand_up_id}/live/next", response={200: StandUpLiveOut, **WRITE_ERRORS}, summary="Next speaker"
)
def live_next(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    """The facilitator only."""
    return _control(request, stand_up_id, "next")


@router.post(
    "/stand-ups/{stand_up_id}/live/previous", response={200: StandUpLiveOut, **WRITE_ERRORS}, summary="Previous speaker"
)
def live_previous(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    """The facilitator only."""
    return _control(request, stand_up_id, "previous")


@router.post("/stand-ups/{stand_up_id}/live/end", response={200: StandUpLiveOut, **WRITE_ERRORS}, summary="End live")
def live_end(request: HttpRequest, stand_up_id: PathId) -> dict[str, Any]:
    """The facilitator only; it closes the stand-up (its summary goes out)."""
    return _control(request, stand_up_id, "end")

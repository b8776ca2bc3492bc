"""The stand-up's reads: the day's page (everyone's entries, who is missing, who is away), the live mode's state,
the team's history, and the lines one may link. Each in a fixed number of queries whatever the team's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from qibu.okrs.models import KeyResult
from qibu.org.models import Person, Team
from qibu.plans.models import OPEN_STATUSES, ActionStep
from qibu.rhythm.models import Absence
from qibu.standups import access
from qibu.standups.models import Entry, EntryItem, Section, StandUp
from qibu.standups.services import participants

HISTORY_PAGE = 30


@dataclass(frozen=True)
class EntryView:
    entry: Entry
    yesterday: list[EntryItem]
    today: list[EntryItem]
    blockers: list[EntryItem]


@dataclass(frozen=True)
class PersonRow:
    person: Person
    entry: EntryView | None
    absence: Absence | None

    @property
    def absent(self) -> bool:
        return self.absence is not None


@dataclass(frozen=True)
class StandUpPage:
    stand_up: StandUp
    rows: list[PersonRow]  # the posted first (in the order they posted), then the missing, then who is away
    mine: EntryView | None
    may_post: bool
    may_close: bool
    may_facilitate: bool

    @property
    def posted(self) -> list[PersonRow]:
        return [r for r in self.rows if r.entry is not None]

    @property
    def missing(self) -> list[PersonRow]:
        return [r for r in self.rows if r.entry is None and not r.absent]

    @property
    def away(self) -> list[PersonRow]:
        return [r for r in self.rows if r.entry is None and r.absent]

    @property
    def blockers(self) -> list[EntryItem]:
        return [item for r in self.rows if r.entry is not None for item in r.entry.blockers]


def _view(entry: Entry) -> EntryView:
    items = list(entry.items.all())
    return EntryView(
        entry=entry,
        yesterday=[i for i in items if i.section == Section.YESTERDAY],
        today=[i for i in items if i.section == Section.TODAY],
        blockers=[i for i in items if i.section == Section.BLOCKER],
    )


def entries_of(stand_up: StandUp) -> list[Entry]:
    """The stand-up's entries with their lines, links and blockers (two queries)."""
    items = EntryItem.objects.select_related("key_result", "action_step", "blocker", "blocker__owner").order_by(
        "section", "position", "pk"
    )
    return list(
        Entry.objects.filter(stand_up=stand_up)
        .select_related("person")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("posted_at", "pk")
    )


def stand_up_page(viewer: Person, stand_up: StandUp) -> StandUpPage:
    """Everything the day's page shows (four queries, and those of the rights)."""
    people = participants(stand_up)
    ids = [p.pk for p in people]
    absences = {
        a.person_id: a
        for a in Absence.objects.filter(person_id__in=ids, start__lte=stand_up.day, end__gte=stand_up.day)
    }
    views = {e.person_id: _view(e) for e in entries_of(stand_up)}
    by_id = {p.pk: p for p in people}
    posted = [PersonRow(by_id.get(pk) or v.entry.person, v, absences.get(pk)) for pk, v in views.items()]
    others = [PersonRow(p, None, absences.get(p.pk)) for p in people if p.pk not in views]
    rows = posted + [r for r in others if not r.absent] + [r for r in others if r.absent]
    participant = access.is_participant(viewer, stand_up.team)
    leads = access.can_lead(viewer, stand_up.team)
    return StandUpPage(
        stand_up=stand_up,
        rows=rows,
        mine=views.get(viewer.pk),
        may_post=participant and not stand_up.is_closed,
        may_close=not stand_up.is_closed and (leads or stand_up.facilitator_id == viewer.pk),
        may_facilitate=not stand_up.is_closed and (participant or leads),
    )


# --- the live mode -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveState:
    stand_up: StandUp
    order: list[Person]
    away: set[int]
    speaker: Person | None
    index: int
    present_count: int
    total_seconds: int
    share_seconds: int
    meeting_started: dt.datetime | None
    speaker_started: dt.datetime | None
    now: dt.datetime
    is_facilitator: bool
    entries: dict[int, EntryView]

    @property
    def elapsed_seconds(self) -> int:
        return int((self.now - self.meeting_started).total_seconds()) if self.meeting_started else 0

    @property
    def remaining_seconds(self) -> int:
        return self.total_seconds - self.elapsed_seconds

    @property
    def speaker_remaining_seconds(self) -> int:
        if self.speaker_started is None:
            return self.share_seconds
        return self.share_seconds - int((self.now - self.speaker_started).total_seconds())

    @property
    def remaining_text(self) -> str:
        return clock_text(self.remaining_seconds)

    @property
    def speaker_remaining_text(self) -> str:
        return clock_text(self.speaker_remaining_seconds)

    @property
    def speaker_entry(self) -> EntryView | None:
        return self.entries.get(self.speaker.pk) if self.speaker else None

    @property
    def has_previous(self) -> bool:
        return self.index > 0

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.order)


def clock_text(seconds: int) -> str:
    """Seconds as the countdown shows them: 12:05, −0:40 when over."""
    sign = "−" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{rest:02d}"


def live_state(viewer: Person, stand_up: StandUp, *, now: dt.datetime | None = None) -> LiveState:
    """The live mode as every participant's screen shows it: the speaker, the order, the whole group's countdown
    and each person's share of it (the meeting's minutes / the people present). Four queries."""
    now = now or timezone.now()
    ids = [int(pk) for pk in stand_up.speaker_order or ()]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    order = [people[pk] for pk in ids if pk in people]
    away = set(
        Absence.objects.filter(person_id__in=ids, start__lte=stand_up.day, end__gte=stand_up.day).values_list(
            "person_id", flat=True
        )
    )
    present = max(1, len([p for p in order if p.pk not in away]))
    total = stand_up.duration_minutes * 60
    index = min(stand_up.speaker_index, max(0, len(order) - 1))
    entries = {e.person_id: _view(e) for e in entries_of(stand_up)}
    return LiveState(
        stand_up=stand_up,
        order=order,
        away=away,
        speaker=order[index] if order and stand_up.is_live else None,
        index=index,
        present_count=present,
        total_seconds=total,
        share_seconds=total // present,
        meeting_started=stand_up.live_started_at,
        speaker_started=stand_up.speaker_started_at,
        now=now,
        is_facilitator=stand_up.facilitator_id == viewer.pk,
        entries=entries,
    )


# --- history and links -------------------------------------------------------------------------------------------


def history_of(team: Team, *, before: dt.date | None = None, limit: int = HISTORY_PAGE) -> QuerySet[StandUp]:
    """The team's stand-ups, latest first, with how many posted and how many blockers (one query)."""
    stand_ups = StandUp.objects.filter(team=team)
    if before is not None:
        stand_ups = stand_ups.filter(day__lt=before)
    return stand_ups.annotate(
        posted=Count("entries", distinct=True),
        blocker_count=Count("entries__items", filter=Q(entries__items__section=Section.BLOCKER)),
    ).order_by("-day")[:limit]


@dataclass(frozen=True)
class LinkChoice:
    value: str  # "kr:12" or "step:7"
    label: str


def link_choices(person: Person) -> list[LinkChoice]:
    """The person's key results in open cycles and open action steps, to link a line to (two queries)."""
    key_results = (
        KeyResult.objects.filter(objective__cycle__is_closed=False)
        .annotate(responsible=Coalesce("owner_id", "objective__owner_id"))
        .filter(responsible=person.pk)
        .order_by("objective__cycle__start", "pk")
        .values_list("pk", "title")
    )
    steps = (
        ActionStep.objects.filter(owner=person, status__in=OPEN_STATUSES)
        .order_by("deadline", "pk")
        .values_list("pk", "title")
    )
    return [LinkChoice(f"kr:{pk}", title) for pk, title in key_results] + [
        LinkChoice(f"step:{pk}", title) for pk, title in steps
    ]


def my_team(person: Person) -> Team | None:
    """The team whose stand-up is the person's: their own, else the first they lead (one query at most)."""
    if person.team_id:
        return Team.objects.select_related("department", "lead").filter(pk=person.team_id).first()
    return Team.objects.select_related("department", "lead").filter(lead=person).order_by("name", "pk").first()

"""Reads of 1-on-1s for pages and API (EXE-9, EXE-10), each in a fixed number of queries whatever the size of the
company. The agenda builds itself from data: the report's key results off track or behind pace (MEAS-6), stale
ones (MEAS-8), confidence falls since the pair's last 1-on-1 with their reasons (EXE-4), open blockers (EXE-2) and
overdue action steps (EXE-8) — only what the viewer may see of the report's OKRs — then the talking points of the
meeting (those carried from the last one marked), then the requests for support still open (EXE-10)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.blockers.selectors import open_blockers
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import CheckIn, KeyResult, Objective, Status
from qibu.okrs.progress import Health
from qibu.okrs.selectors import key_result_status
from qibu.oneonones.access import SeriesRights
from qibu.oneonones.models import (
    Meeting,
    Note,
    NoteSharing,
    OneOnOneStatus,
    Series,
    SupportRequest,
    SupportStatus,
    TalkingPoint,
)
from qibu.org.models import Organisation, Person
from qibu.plans.models import ActionStep, overdue_q

# Series listed on the administrators' page of every series, at most.
ALL_SERIES_LIMIT = 500
# Meetings listed on a series' page, newest first, at most.
MEETINGS_LISTED = 60
# Agenda items of each kind, at most (the rest are on the report's page).
AGENDA_LIMIT = 20


# --- my 1-on-1s ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    series: Series
    other: Person  # the other of the pair for the viewer (the report for a manager)
    next_at: dt.datetime | None
    next_id: int | None
    open_requests: int


@dataclass(frozen=True)
class MyOneOnOnes:
    as_manager: list[SeriesRow]
    as_report: list[SeriesRow]
    everyone: list[SeriesRow] = field(default_factory=list)  # administrators: that each series exists


def _annotated(queryset: QuerySet[Series]) -> QuerySet[Series]:
    planned = Meeting.objects.filter(series=OuterRef("pk"), status=OneOnOneStatus.PLANNED).order_by("scheduled_at")
    return queryset.select_related("manager", "report").annotate(
        next_at=Subquery(planned.values("scheduled_at")[:1]),
        next_id=Subquery(planned.values("pk")[:1]),
        open_requests=Count("requests", filter=Q(requests__status=SupportStatus.OPEN), distinct=True),
    )


def _row(series: Series, viewer: Person) -> SeriesRow:
    other = series.report if series.manager_id == viewer.pk else series.manager
    return SeriesRow(
        series=series,
        other=other,
        next_at=getattr(series, "next_at", None),
        next_id=getattr(series, "next_id", None),
        open_requests=getattr(series, "open_requests", 0),
    )


def my_one_on_ones(viewer: Person) -> MyOneOnOnes:
    """The viewer's series as manager (one row per report) and as report: one query; administrators also get every
    series of the company (one more), without anything said in them."""
    mine = list(
        _annotated(Series.objects.filter(Q(manager=viewer) | Q(report=viewer))).order_by(
            "-active", "report__full_name", "manager__full_name", "pk"
        )
    )
    everyone: list[SeriesRow] = []
    if viewer.is_admin:
        everyone = [
            _row(s, viewer)
            for s in _annotated(Series.objects.all()).order_by("manager__full_name", "report__full_name", "pk")[
                :ALL_SERIES_LIMIT
            ]
        ]
    return MyOneOnOnes(
        as_manager=[_row(s, viewer) for s in mine if s.manager_id == viewer.pk],
        as_report=[_row(s, viewer) for s in mine if s.report_id == viewer.pk],
        everyone=everyone,
    )


# --- a series' page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    rights: SeriesRights
    meetings: list[Meeting]  # newest first
    next_meeting: Meeting | None
    open_requests: list[SupportRequest]
    settled_requests: list[SupportRequest]


def series_page(*, series: Series, rights: SeriesRights) -> SeriesPage:
    """Two queries for the pair (the meetings, the requests); one for an administrator, who sees the dates only."""
    meetings = list(Meeting.objects.filter(series=series).order_by("-scheduled_at", "-pk")[:MEETINGS_LISTED])
    planned = [m for m in meetings if m.is_planned]
    requests: list[SupportRequest] = []
    if rights.member:
        requests = list(
            SupportRequest.objects.filter(series=series)
            .select_related("asked_by", "owner", "raised_in")
            .order_by("-created_at", "-pk")
        )
    return SeriesPage(
        series=series,
        rights=rights,
        meetings=meetings,
        next_meeting=planned[-1] if planned else None,
        open_requests=[r for r in requests if r.is_open],
        settled_requests=[r for r in requests if not r.is_open],
    )


# --- a meeting's agenda ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # off_track, behind_pace, stale, confidence_fall, blocker, overdue_step
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class PointRow:
    point: TalkingPoint
    carried_from: dt.datetime | None  # the date of the meeting it was carried from


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    series: Series
    rights: SeriesRights
    previous: Meeting | None  # the pair's last 1-on-1 held before this one
    agenda: list[AgendaItem]
    points: list[PointRow]
    notes: list[Note]  # those the viewer may read: shared ones and their own private ones
    requests: list[SupportRequest]  # open ones, and those raised in this meeting

    @property
    def shared_notes(self) -> list[Note]:
        return [n for n in self.notes if n.visibility == NoteSharing.SHARED]

    @property
    def private_notes(self) -> list[Note]:
        return [n for n in self.notes if n.visibility == NoteSharing.PRIVATE]

    def agenda_of(self, kind: str) -> list[AgendaItem]:
        return [i for i in self.agenda if i.kind == kind]


def _percent(value: object) -> str:
    return f"{value}%"


def _okr_items(
    *, viewer: Person, report: Person, organisation: Organisation, since: dt.datetime | None, now: dt.datetime
) -> list[AgendaItem]:
    """Two queries: the report's key results running now (as far as the viewer sees them), and the confidence
    falls of their check-ins since the last 1-on-1."""
    today = timezone.localdate(now, organisation.zone)
    visible = Objective.objects.filter(visible_objectives_q(viewer))
    key_results = list(
        KeyResult.objects.filter(
            owner=report,
            objective__in=visible,
            objective__status=Status.ACTIVE,
            objective__cycle__is_closed=False,
            start_date__lte=today,
        )
        .select_related("objective")
        .order_by("objective_id", "position", "pk")
    )
    items: list[AgendaItem] = []
    stale: list[AgendaItem] = []
    for kr in key_results:
        url = reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}"
        status = key_result_status(kr, organisation, now=now, today=today)
        if status.health == Health.OFF_TRACK:
            detail = _("Off track: confidence %(confidence)s.") % {"confidence": _percent(kr.confidence)}
            items.append(AgendaItem("off_track", kr.title, detail, url))
        elif status.behind_pace:
            detail = _("Behind pace: %(progress)s done.") % {"progress": _percent(round(kr.progress * 100))}
            items.append(AgendaItem("behind_pace", kr.title, detail, url))
        if status.stale:
            detail = (
                _("No check-in since %(day)s.")
                % {"day": timezone.localdate(kr.last_checkin_at, organisation.zone).isoformat()}
                if kr.last_checkin_at
                else _("Never checked in.")
            )
            stale.append(AgendaItem("stale", kr.title, detail, url))
    falls: list[AgendaItem] = []
    if key_results:
        check_ins = CheckIn.objects.filter(
            key_result__in=[kr.pk for kr in key_results],
            previous_confidence__isnull=False,
            previous_confidence__gt=F("confidence"),
        )
        if since is not None:
            check_ins = check_ins.filter(created_at__gt=since)
        titles = {kr.pk: kr for kr in key_results}
        for check_in in check_ins.order_by("-created_at", "-pk")[:AGENDA_LIMIT]:
            kr = titles[check_in.key_result_id]
            detail = _("Confidence %(before)s → %(after)s: %(reason)s") % {
                "before": _percent(check_in.previous_confidence),
                "after": _percent(check_in.confidence),
                "reason": check_in.confidence_reason or "—",
            }
            url = reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}"
            falls.append(AgendaItem("confidence_fall", kr.title, detail, url))
    return items[:AGENDA_LIMIT] + falls + stale[:AGENDA_LIMIT]


def _blockers(*, viewer: Person, report: Person) -> list[AgendaItem]:
    """The open blockers the report owns or is concerned by, as far as the viewer sees them (EXE-2)."""
    return [
        AgendaItem(
            "blocker",
            row.title,
            ngettext(
                "Open for %(days)d day, owned by %(owner)s.",
                "Open for %(days)d days, owned by %(owner)s.",
                row.age_days,
            )
            % {"days": row.age_days, "owner": row.owner_name},
            row.url,
        )
        for row in open_blockers(viewer=viewer, person=report, limit=AGENDA_LIMIT)
    ]


def _overdue_steps(*, viewer: Person, report: Person, today: dt.date) -> list[AgendaItem]:
    """One query: the report's action steps past their deadline, under objectives the viewer sees."""
    visible = Objective.objects.filter(visible_objectives_q(viewer))
    steps = (
        ActionStep.objects.filter(overdue_q(today), owner=report)
        .filter(key_result__objective__in=visible, key_result__objective__status=Status.ACTIVE)
        .select_related("key_result")
        .order_by("deadline", "pk")[:AGENDA_LIMIT]
    )
    return [
        AgendaItem(
            "overdue_step",
            step.title,
            _("Due on %(day)s, for “%(key_result)s”.")
            % {"day": step.deadline.isoformat(), "key_result": step.key_result.title},
            reverse("plans:step", args=[step.pk]),
        )
        for step in steps
    ]


def meeting_page(
    *,
    meeting: Meeting,
    viewer: Person,
    rights: SeriesRights,
    organisation: Organisation,
    now: dt.datetime | None = None,
) -> MeetingPage:
    """The meeting with its agenda, points, the notes the viewer reads and the requests: a fixed number of
    queries (the previous meeting, the OKR items, the steps, the blockers, points, notes, requests)."""
    now = now or timezone.now()
    series = meeting.series
    previous = (
        Meeting.objects.filter(series=series, status=OneOnOneStatus.HELD, scheduled_at__lt=meeting.scheduled_at)
        .exclude(pk=meeting.pk)
        .order_by("-scheduled_at", "-pk")
        .first()
    )
    agenda: list[AgendaItem] = []
    if meeting.is_planned:
        # Today's picture for the meeting to come; a past meeting keeps its points, notes and requests.
        since = previous.held_at if previous is not None else None
        today = timezone.localdate(now, organisation.zone)
        agenda = _okr_items(viewer=viewer, report=series.report, organisation=organisation, since=since, now=now)
        agenda += _blockers(viewer=viewer, report=series.report)
        agenda += _overdue_steps(viewer=viewer, report=series.report, today=today)
    points = list(
        TalkingPoint.objects.filter(meeting=meeting)
        .select_related("author", "carried_from__meeting")
        .order_by("created_at", "pk")
    )
    notes = list(
        Note.objects.filter(meeting=meeting)
        .filter(Q(visibility=NoteSharing.SHARED) | Q(author=viewer))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    requests_q = Q(raised_in=meeting)
    if meeting.is_planned:
        requests_q |= Q(status=SupportStatus.OPEN)
    requests = list(
        SupportRequest.objects.filter(requests_q, series=series)
        .select_related("asked_by", "owner", "raised_in")
        .order_by("status", "due", "created_at", "pk")
    )
    return MeetingPage(
        meeting=meeting,
        series=series,
        rights=rights,
        previous=previous,
        agenda=agenda,
        points=[
            PointRow(point=p, carried_from=p.carried_from.meeting.scheduled_at if p.carried_from else None)
            for p in points
        ],
        notes=notes,
        requests=requests,
    )


def pair_candidates(manager: Person) -> list[Person]:
    """Whom `manager` may start 1-on-1s with and does not yet: their reports and the people of the departments they
    head (two queries)."""
    from qibu.org.models import Department

    paths = list(Department.objects.filter(head=manager).values_list("path", flat=True))
    likely = Q(manager=manager)
    for path in paths:
        likely |= Q(department__path__startswith=path)
    return list(
        Person.objects.filter(likely, is_active=True)
        .exclude(pk=manager.pk)
        .exclude(one_on_ones_had__manager=manager)
        .select_related("department")
        .order_by("full_name", "username")
        .distinct()
    )

"""What weekly meetings tell people: the minutes on closing (EXE-3, EXE-6) to those who attend — by mail unless they
chose otherwise (`NotificationKind.MEETING`) — and to the department's chat; the day after a department's meeting,
each of its managers hears who checked in that week and who did not (the job `meetings.checkin_report`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.core.numbers import NumberFormat
from qibu.meetings.agenda import attendees, running_objectives
from qibu.meetings.models import Commitment, ConfidenceChange, Meeting, MeetingKind, MeetingStatus
from qibu.notify.chat.services import chat_post
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.models import CheckIn, Objective
from qibu.org.models import Organisation, Person, Team

MEETING = "meetings.meeting"


def meeting_title(meeting: Meeting) -> str:
    """The meeting's name in the current language."""
    if meeting.kind == MeetingKind.MANAGEMENT:
        return _("Management weekly meeting of %(date)s") % {"date": date_format(meeting.date)}
    return _("Weekly meeting of %(department)s, %(date)s") % {
        "department": meeting.department,
        "date": date_format(meeting.date),
    }


@dataclass(frozen=True)
class MinutesData:
    """What the minutes say, read once for every recipient (each gets them in their own language)."""

    meeting: Meeting
    objectives: list[Objective]
    changes: list[ConfidenceChange]
    commitments: list[Commitment]


def minutes_data(meeting: Meeting) -> MinutesData:
    return MinutesData(
        meeting=meeting,
        objectives=list(running_objectives(meeting).order_by("priority", "pk")),
        changes=list(ConfidenceChange.objects.filter(meeting=meeting).select_related("key_result").order_by("pk")),
        commitments=list(Commitment.objects.filter(meeting=meeting).select_related("owner").order_by("due", "pk")),
    )


def minutes_lines(data: MinutesData) -> list[str]:
    """The minutes in short lines, in the current language: progress, every confidence change with its reason,
    the commitments with owners and dates. No queries."""
    numbers = NumberFormat()
    lines = []
    for objective in data.objectives:
        confidence = numbers.pct(objective.confidence / 100) if objective.confidence is not None else "—"
        lines.append(
            _("%(objective)s: progress %(progress)s, confidence %(confidence)s")
            % {"objective": objective.title, "progress": numbers.pct(objective.progress), "confidence": confidence}
        )
    for change in data.changes:
        line = _("%(key_result)s: confidence %(before)d%% → %(after)d%%") % {
            "key_result": change.key_result.title,
            "before": change.before,
            "after": change.after,
        }
        if change.reason:
            line += " — " + _("why: %(reason)s") % {"reason": change.reason}
        if change.what_changed:
            line += "; " + _("what changed: %(what)s") % {"what": change.what_changed}
        lines.append(line)
    for commitment in data.commitments:
        lines.append(
            _("Commitment: %(text)s — %(owner)s, by %(due)s")
            % {"text": commitment.text, "owner": commitment.owner, "due": date_format(commitment.due)}
        )
    if data.meeting.ended_early:
        lines.append(_("The meeting ended early."))
    return lines


def _minutes_text(data: MinutesData) -> Callable[[Person], str]:
    def text(person: Person) -> str:
        head = _("The minutes of the %(meeting)s:") % {"meeting": meeting_title(data.meeting)}
        return "\n".join([head, *minutes_lines(data)])

    return text


def minutes_sent(*, actor: Person, meeting: Meeting, organisation: Organisation) -> int:
    """Tell everyone who attends (their choice of delivery; mail by default) and post to the department's chat,
    once per meeting. Answers how many people were told."""
    from qibu.meetings.services import meeting_url

    url = meeting_url(meeting) + "minutes/"
    data = minutes_data(meeting)
    told = notify(
        kind=NotificationKind.MEETING,
        recipients=list(attendees(meeting)),
        text=_minutes_text(data),
        key=f"meeting:{meeting.pk}:minutes",
        subject=Subject(type=MEETING, id=meeting.pk, url=url),
        actor=actor,
    )
    if meeting.department is not None:
        from django.utils import translation

        from qibu.notify.chat.services import chat_language

        with translation.override(chat_language(organisation)):
            title, lines = meeting_title(meeting), minutes_lines(data)
        chat_post(
            target=meeting.department,
            title=title,
            lines=lines,
            link=url,
            key=f"meeting:{meeting.pk}:minutes",
            organisation=organisation,
        )
    return len(told)


# --- the day after: who checked in ----------------------------------------------------------------------------


def _checked_in(people: Sequence[Person], meeting: Meeting, organisation: Organisation) -> set[int]:
    zone = organisation.zone
    start = dt.datetime.combine(meeting.week_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(meeting.date, dt.time.max, tzinfo=zone)
    return set(
        CheckIn.objects.filter(author_id__in=[p.pk for p in people], created_at__range=(start, end)).values_list(
            "author_id", flat=True
        )
    )


def _report_text(meeting: Meeting, people: Sequence[Person], checked: set[int]) -> Callable[[Person], str]:
    def text(person: Person) -> str:
        did = [str(p) for p in people if p.pk in checked]
        did_not = [str(p) for p in people if p.pk not in checked]
        return "\n".join(
            [
                _("Check-ins of the week before the %(meeting)s:") % {"meeting": meeting_title(meeting)},
                _("Checked in: %(names)s") % {"names": ", ".join(did) or "—"},
                _("Did not check in: %(names)s") % {"names": ", ".join(did_not) or "—"},
            ]
        )

    return text


def checkin_report_due(now: dt.datetime, organisation: Organisation) -> list[Meeting]:
    """Closed department meetings of before today whose managers have not had the report yet."""
    today = timezone.localdate(now, organisation.zone)
    return list(
        Meeting.objects.filter(
            kind=MeetingKind.DEPARTMENT,
            status=MeetingStatus.CLOSED,
            date__lt=today,
            checkin_report_sent_at__isnull=True,
        ).select_related("department__head")
    )


def checkin_report_send(*, meeting: Meeting, organisation: Organisation, now: dt.datetime | None = None) -> int:
    """Once per meeting (the claim is the update of `checkin_report_sent_at`, so that two workers never send it
    twice): the department's head hears of everyone in it, each team lead of their team. Answers how many
    managers were told."""
    now = now or timezone.now()
    claimed = Meeting.objects.filter(pk=meeting.pk, checkin_report_sent_at__isnull=True).update(
        checkin_report_sent_at=now
    )
    if not claimed or meeting.department is None:
        return 0
    department = meeting.department
    people = list(
        Person.objects.filter(department__path__startswith=department.path, is_active=True).order_by(
            "full_name", "username"
        )
    )
    checked = _checked_in(people, meeting, organisation)
    told = 0
    key = f"meeting:{meeting.pk}:checkins"
    subject = Subject(type=MEETING, id=meeting.pk, url=f"/meetings/{meeting.pk}/minutes/")
    if department.head is not None:
        told += len(
            notify(
                kind=NotificationKind.MEETING,
                recipients=[department.head],
                text=_report_text(meeting, people, checked),
                key=key,
                subject=subject,
                now=now,
            )
        )
    teams = Team.objects.filter(Q(department_id=department.pk), lead__isnull=False).select_related("lead")
    for team in teams:
        if team.lead_id == department.head_id:
            continue
        members = [p for p in people if p.team_id == team.pk]
        told += len(
            notify(
                kind=NotificationKind.MEETING,
                recipients=[team.lead] if team.lead else [],
                text=_report_text(meeting, members, checked),
                key=f"{key}:team:{team.pk}",
                subject=subject,
                now=now,
            )
        )
    return told

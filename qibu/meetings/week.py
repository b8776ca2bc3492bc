"""Each person's week for the weekly meeting (EXE-3: each person shows the week's results): plans, progress and
problems, pre-filled from their check-ins, stand-up entries and action steps of the week until they write their
own (`WeekReport`). For many people at once in a fixed number of queries (one per source)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.core.numbers import NumberFormat
from qibu.meetings.models import Meeting, WeekReport
from qibu.okrs.models import CheckIn, Visibility
from qibu.org.models import Organisation, Person
from qibu.plans.models import OPEN_STATUSES, ActionStep, StepStatus
from qibu.standups.models import EntryItem
from qibu.standups.models import Section as StandUpSection


@dataclass
class WeekDraft:
    """What a person's report says (their own words once saved, else the pre-filled draft)."""

    person: Person
    progress: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def texts(self) -> tuple[str, str, str]:
        return "\n".join(self.progress), "\n".join(self.plans), "\n".join(self.problems)


@dataclass(frozen=True)
class PersonWeek:
    person: Person
    progress: str
    plans: str
    problems: str
    written: bool  # saved by the person (else pre-filled)
    checked_in: bool  # checked in at least once in the week


def _bullet(text: str) -> str:
    return f"• {text}"


def _checkins(people: Sequence[Person], start: dt.datetime, end: dt.datetime, drafts: dict[int, WeekDraft]) -> set[int]:
    numbers = NumberFormat()
    checked: set[int] = set()
    rows = (
        CheckIn.objects.filter(author_id__in=[p.pk for p in people], created_at__range=(start, end))
        .exclude(key_result__objective__visibility=Visibility.PRIVATE)
        .select_related("key_result")
        .order_by("created_at", "pk")
    )
    for checkin in rows:
        if checkin.author_id is None:
            continue
        checked.add(checkin.author_id)
        draft = drafts[checkin.author_id]
        kr = checkin.key_result
        value = numbers.number(checkin.value) if checkin.value is not None else ""
        line = _("%(key_result)s: %(value)s%(unit)s, confidence %(confidence)d%%") % {
            "key_result": kr.title,
            "value": value,
            "unit": f" {kr.unit}" if kr.unit and value else "",
            "confidence": checkin.confidence,
        }
        if checkin.note:
            line += f" — {checkin.note}"
        draft.progress.append(_bullet(line))
        fall = checkin.confidence_fall
        if fall:
            draft.problems.append(
                _bullet(
                    _("%(key_result)s: confidence %(old)d%% → %(new)d%%: %(reason)s")
                    % {
                        "key_result": kr.title,
                        "old": checkin.previous_confidence,
                        "new": checkin.confidence,
                        "reason": checkin.confidence_reason or _("no reason given"),
                    }
                )
            )
    return checked


def _steps(people: Sequence[Person], first: dt.date, last: dt.date, drafts: dict[int, WeekDraft]) -> None:
    next_week = last + dt.timedelta(days=7)
    rows = (
        ActionStep.objects.filter(owner_id__in=[p.pk for p in people])
        .filter(
            Q(status=StepStatus.DONE, done_at__date__range=(first, last))
            | Q(status__in=OPEN_STATUSES, deadline__lte=next_week)
        )
        .exclude(key_result__objective__visibility=Visibility.PRIVATE)
        .order_by("deadline", "pk")
    )
    for step in rows:
        draft = drafts[step.owner_id]
        if step.status == StepStatus.DONE:
            draft.progress.append(_bullet(_("Done: %(step)s") % {"step": step.title}))
            continue
        if step.status == StepStatus.BLOCKED:
            draft.problems.append(_bullet(_("Blocked: %(step)s") % {"step": step.title}))
        if step.deadline < last:
            draft.problems.append(
                _bullet(
                    _("Overdue since %(deadline)s: %(step)s")
                    % {"step": step.title, "deadline": date_format(step.deadline)}
                )
            )
        else:
            draft.plans.append(
                _bullet(_("%(step)s (due %(deadline)s)") % {"step": step.title, "deadline": date_format(step.deadline)})
            )


def _stand_ups(people: Sequence[Person], first: dt.date, last: dt.date, drafts: dict[int, WeekDraft]) -> None:
    """EXE-1: what each said at the week's stand-ups — yesterday's progress, today's plan, blockers."""
    lines = (
        EntryItem.objects.filter(entry__person_id__in=[p.pk for p in people], entry__stand_up__day__range=(first, last))
        .select_related("entry__stand_up")
        .order_by("entry__stand_up__day", "entry_id", "position", "pk")
    )
    for line in lines:
        draft = drafts[line.entry.person_id]
        text = _bullet(f"{date_format(line.entry.stand_up.day, 'SHORT_DATE_FORMAT')} {line.text}")
        if line.section == StandUpSection.YESTERDAY:
            draft.progress.append(text)
        elif line.section == StandUpSection.TODAY:
            draft.plans.append(text)
        else:
            draft.problems.append(text)


def week_drafts(
    people: Sequence[Person], meeting: Meeting, organisation: Organisation
) -> tuple[dict[int, WeekDraft], set[int]]:
    """The pre-filled drafts of these people for the meeting's week, and who checked in in it."""
    drafts = {p.pk: WeekDraft(person=p) for p in people}
    if not people:
        return drafts, set()
    zone = organisation.zone
    start = dt.datetime.combine(meeting.week_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(meeting.date, dt.time.max, tzinfo=zone)
    checked = _checkins(people, start, end, drafts)
    _steps(people, meeting.week_start, meeting.date, drafts)
    _stand_ups(people, meeting.week_start, meeting.date, drafts)
    return drafts, checked


def people_weeks(people: Sequence[Person], meeting: Meeting, organisation: Organisation) -> list[PersonWeek]:
    """Everyone's week: their saved report, else the draft (one query for the reports, plus `week_drafts`)."""
    saved = {r.person_id: r for r in WeekReport.objects.filter(meeting=meeting, person_id__in=[p.pk for p in people])}
    drafts, checked = week_drafts(people, meeting, organisation)
    out = []
    for person in people:
        report = saved.get(person.pk)
        if report is not None:
            out.append(PersonWeek(person, report.progress, report.plans, report.problems, True, person.pk in checked))
        else:
            progress, plans, problems = drafts[person.pk].texts()
            out.append(PersonWeek(person, progress, plans, problems, False, person.pk in checked))
    return out

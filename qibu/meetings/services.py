"""Writing weekly meetings (EXE-3 … EXE-6): one transaction each, every change in the meeting's history.

Who may do what is `qibu.meetings.access`, asked by pages and API before they call these; the services refuse bad
input by field (`FieldErrors`, nothing written): a meeting closed twice, a confidence fall without its reason and
what changed (EXE-4), a week's report for someone else, a commitment without owner or date.

Two facilitators edit one meeting at once without losing anything: every point, confidence and commitment is its
own small write under a lock of the meeting's row, and the minutes' free text is saved with the version it was
edited from (`meeting_notes_save`): a save from an older version is refused with both texts (`NotesConflict`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.blockers.models import Blocker
from qibu.blockers.services import blockers_follow_up
from qibu.core.validation import NOTE_MAX, TEXT_MAX, FieldErrors, clean_confidence, clean_text
from qibu.meetings.agenda import agenda_build
from qibu.meetings.models import (
    AgendaItem,
    Commitment,
    CommitmentStatus,
    ConfidenceChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    WeekReport,
)
from qibu.okrs.access import can_view
from qibu.okrs.models import KeyResult
from qibu.okrs.services import checkin_record
from qibu.okrs.services._common import fall_message, lock_key_result
from qibu.org.models import Department, Organisation, Person
from qibu.org.selectors import organisation_get
from qibu.rhythm.models import Schedule, ScheduleKind

COMMITMENT_MAX = 500
NOTES_MAX = 20000
MINUTES_MIN, MINUTES_MAX = 10, 240
SHARE_MIN, SHARE_MAX = 5, 95


class NotesConflict(ValidationError):
    """The minutes changed since the version the writer edited: both texts, so that nothing is lost."""

    def __init__(self, *, theirs: str, ours: str, version: int) -> None:
        super().__init__(
            {"notes": [_("Someone saved the minutes while you were writing. Both texts are shown: merge them.")]}
        )
        self.theirs = theirs
        self.ours = ours
        self.version = version


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.pk])


def _lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for the rest of the transaction, read afresh (another facilitator may have
    written since the caller read it)."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    for name in ("status", "started_at", "progress_ended_at", "ended_at", "ended_early", "notes", "notes_version"):
        setattr(meeting, name, getattr(fresh, name))
    return meeting


def _require_open(errors: FieldErrors, meeting: Meeting, field: str | None = None) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        errors.add(field, _("This meeting is closed: its minutes stay as they were."))


def _int(errors: FieldErrors, field: str, value: Any, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, message)
        return low
    if not low <= number <= high:
        errors.add(field, message)
    return number


def _date(errors: FieldErrors, field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if value in (None, ""):
        errors.add(field, _("Give the date."))
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("“%(value)s” is not a date: write it as 2026-10-01.") % {"value": value})
        return None


# --- creating, starting, the two parts, closing ---------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Person | None,
    kind: str,
    date: Any,
    department: Department | None = None,
    schedule: Schedule | None = None,
    planned_minutes: Any = None,
    progress_share: Any = None,
) -> Meeting:
    """A planned meeting of a department (EXE-3) or of the management (EXE-6), one per group and day."""
    errors = FieldErrors()
    if kind not in MeetingKind.values:
        errors.add("kind", _("Choose a department's weekly meeting or the management's."))
    if kind == MeetingKind.DEPARTMENT and department is None:
        errors.add("department", _("Name the department whose weekly meeting this is."))
    if kind == MeetingKind.MANAGEMENT:
        department = None
    day = _date(errors, "date", date)
    if schedule is not None:
        wanted = ScheduleKind.MANAGEMENT_MEETING if kind == MeetingKind.MANAGEMENT else ScheduleKind.WEEKLY_MEETING
        if schedule.kind != wanted or schedule.department_id != (department.pk if department else None):
            errors.add("schedule", _("This schedule is not the weekly meeting of this group."))
    default_minutes = schedule.duration_minutes if schedule is not None else 60
    minutes = _int(
        errors,
        "planned_minutes",
        default_minutes if planned_minutes in (None, "") else planned_minutes,
        MINUTES_MIN,
        MINUTES_MAX,
        _("A meeting is planned for %(low)d to %(high)d minutes.") % {"low": MINUTES_MIN, "high": MINUTES_MAX},
    )
    share = _int(
        errors,
        "progress_share",
        25 if progress_share in (None, "") else progress_share,
        SHARE_MIN,
        SHARE_MAX,
        _("The share of time on progress is %(low)d %% to %(high)d %% (the method says about 25 %%).")
        % {"low": SHARE_MIN, "high": SHARE_MAX},
    )
    if day is not None and "kind" not in errors:
        twin = Meeting.objects.filter(kind=kind, department=department, date=day)
        if twin.exists():
            errors.add("date", _("This group already has a weekly meeting on that day."))
    errors.raise_if_any()
    if day is None:  # named in `errors` above
        raise ValidationError({"date": [_("Give the date.")]})
    meeting = Meeting.objects.create(
        kind=kind,
        department=department,
        schedule=schedule,
        date=day,
        planned_minutes=minutes,
        progress_share=share,
        created_by=actor,
    )
    history_record(
        actor=actor,
        action="meeting.create",
        subject=meeting,
        after={"kind": kind, "date": day.isoformat(), "planned_minutes": minutes, "progress_share": share},
    )
    return meeting


@transaction.atomic
def meeting_start(
    *, actor: Person, meeting: Meeting, now: dt.datetime | None = None, organisation: Organisation | None = None
) -> Meeting:
    """Open the meeting: its agenda is built from today's data and kept as it is (a snapshot), its progress part
    (EXE-5) begins."""
    errors = FieldErrors()
    _lock(meeting)
    if meeting.status == MeetingStatus.IN_PROGRESS:
        errors.add(None, _("This meeting has already started."))
    _require_open(errors, meeting)
    errors.raise_if_any()
    now = now or timezone.now()
    organisation = organisation or organisation_get()
    AgendaItem.objects.bulk_create(agenda_build(meeting, organisation, now, viewer=actor))
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.started_at = now
    meeting.facilitator = actor
    meeting.save(update_fields=["status", "started_at", "facilitator", "updated_at"])
    history_record(actor=actor, action="meeting.start", subject=meeting, after={"started_at": now.isoformat()})
    return meeting


@transaction.atomic
def meeting_progress_end(*, actor: Person, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """EXE-5: the progress part is over; the rest of the time is for next steps."""
    errors = FieldErrors()
    _lock(meeting)
    _require_open(errors, meeting)
    if meeting.status == MeetingStatus.PLANNED:
        errors.add(None, _("Start the meeting first."))
    elif meeting.progress_ended_at is not None:
        errors.add(None, _("The progress part has already ended."))
    errors.raise_if_any()
    meeting.progress_ended_at = now or timezone.now()
    meeting.save(update_fields=["progress_ended_at", "updated_at"])
    history_record(
        actor=actor,
        action="meeting.progress_end",
        subject=meeting,
        after={"progress_ended_at": meeting.progress_ended_at.isoformat()},
    )
    return meeting


@transaction.atomic
def meeting_close(
    *, actor: Person, meeting: Meeting, now: dt.datetime | None = None, organisation: Organisation | None = None
) -> Meeting:
    """End the meeting (early is fine, and recorded: EXE-5) and send its minutes to those who attend, by their
    notification choice (mail by default), and to the department's chat. A meeting closes once."""
    from qibu.meetings.notifications import meeting_title, minutes_sent

    errors = FieldErrors()
    _lock(meeting)
    if meeting.status == MeetingStatus.CLOSED:
        errors.add(None, _("This meeting is already closed."))
    elif meeting.status == MeetingStatus.PLANNED:
        errors.add(None, _("Start the meeting before closing it."))
    errors.raise_if_any()
    now = now or timezone.now()
    started_at = meeting.started_at or now
    planned_end = started_at + dt.timedelta(minutes=meeting.planned_minutes)
    meeting.status = MeetingStatus.CLOSED
    meeting.ended_at = now
    meeting.ended_early = now < planned_end
    meeting.progress_ended_at = meeting.progress_ended_at or now
    meeting.save(update_fields=["status", "ended_at", "ended_early", "progress_ended_at", "updated_at"])
    history_record(
        actor=actor,
        action="meeting.close",
        subject=meeting,
        before={"status": MeetingStatus.IN_PROGRESS},
        after={"status": MeetingStatus.CLOSED, "ended_at": now.isoformat(), "ended_early": meeting.ended_early},
    )
    minutes_sent(actor=actor, meeting=meeting, organisation=organisation or organisation_get())
    # EXE-2: the blockers on the agenda were listed, not settled here: their owners and the people concerned, and
    # only they, hear what they have to settle.
    blocker_ids = AgendaItem.objects.filter(meeting=meeting, ref_type="blockers.blocker").values_list(
        "ref_id", flat=True
    )
    blockers_follow_up(
        actor=actor,
        blockers=Blocker.objects.filter(pk__in=list(blocker_ids)),
        meeting=meeting_title(meeting),
        url=meeting_url(meeting),
    )
    return meeting


# --- small writes during the meeting ---------------------------------------------------------------------------


@transaction.atomic
def agenda_item_reach(*, actor: Person, item: AgendaItem, reached: bool, now: dt.datetime | None = None) -> AgendaItem:
    """Mark a point reached (or not): points not reached are carried to the next meeting."""
    errors = FieldErrors()
    meeting = _lock(item.meeting)
    _require_open(errors, meeting, "reached")
    if meeting.status == MeetingStatus.PLANNED:
        errors.add("reached", _("Start the meeting first."))
    errors.raise_if_any()
    item.refresh_from_db(fields=["reached", "reached_at"])
    if item.reached == reached:
        return item
    item.reached = reached
    item.reached_at = (now or timezone.now()) if reached else None
    item.save(update_fields=["reached", "reached_at"])
    history_record(
        actor=actor,
        action="agenda_item.reach",
        subject=meeting,
        target=item,
        before={"reached": not reached},
        after={"reached": reached},
    )
    return item


@transaction.atomic
def meeting_confidence_set(
    *,
    actor: Person,
    meeting: Meeting,
    key_result: KeyResult,
    confidence: Any,
    reason: str = "",
    what_changed: str = "",
    now: dt.datetime | None = None,
    organisation: Organisation | None = None,
) -> ConfidenceChange:
    """EXE-3: the meeting sets a key result's confidence, recorded as its check-in (okrs' `checkin_record`).
    EXE-4: a fall of the policy's threshold or more needs why and what changed; nothing is written without."""
    errors = FieldErrors()
    _lock(meeting)
    _require_open(errors, meeting)
    if meeting.status == MeetingStatus.PLANNED:
        errors.add(None, _("Start the meeting first."))
    policy = organisation or organisation_get()
    lock_key_result(key_result)
    new = clean_confidence(errors, "confidence", confidence)
    reason = clean_text(errors, "reason", reason, max_length=NOTE_MAX)
    what_changed = clean_text(errors, "what_changed", what_changed, max_length=NOTE_MAX)
    before = key_result.confidence
    fall = before - new
    if "confidence" not in errors and fall >= policy.confidence_fall_threshold:
        if not reason:
            errors.add("reason", fall_message(fall, before, new))
        if not what_changed:
            errors.add("what_changed", _("Say what changed since the last check-in."))
    errors.raise_if_any()
    # The check-in's own refusals (a closed cycle, an objective not approved) come through as they are.
    checkin = checkin_record(
        actor=actor,
        key_result=key_result,
        confidence=new,
        confidence_reason=reason,
        note=what_changed,
        at=now,
        organisation=policy,
    )
    change = ConfidenceChange.objects.create(
        meeting=meeting,
        key_result=key_result,
        check_in=checkin,
        before=before,
        after=new,
        reason=reason,
        what_changed=what_changed,
        set_by=actor,
    )
    history_record(
        actor=actor,
        action="meeting.confidence",
        subject=meeting,
        target=change,
        before={"confidence": before},
        after={"key_result": key_result.pk, "confidence": new, "reason": reason, "what_changed": what_changed},
    )
    return change


@transaction.atomic
def commitment_add(
    *,
    actor: Person,
    meeting: Meeting,
    text: Any,
    owner: Person | None,
    due: Any,
    key_result: KeyResult | None = None,
) -> Commitment:
    """Next week's commitment (EXE-3) or this week's task that moves a company key result (EXE-6): owner and
    deadline, followed up on the next meeting's agenda."""
    errors = FieldErrors()
    _lock(meeting)
    _require_open(errors, meeting)
    words = clean_text(errors, "text", text, max_length=COMMITMENT_MAX, missing=_("Say what is committed."))
    if owner is None:
        errors.add("owner", _("Name who owns this commitment."))
    elif not owner.is_active:
        errors.add("owner", _("%(name)s is no longer active in the company: choose someone who is.") % {"name": owner})
    day = _date(errors, "due", due)
    if day is not None and day < meeting.date:
        errors.add("due", _("A commitment is due on the meeting's day or later."))
    if key_result is not None and not can_view(actor, key_result.objective):
        errors.add("key_result", _("There is no such key result."))
    if meeting.is_management and key_result is not None and key_result.objective.level != "company":
        errors.add("key_result", _("A task of the management meeting moves a company key result."))
    errors.raise_if_any()
    if owner is None or day is None:  # named in `errors` above
        raise ValidationError({"owner": [_("Name who owns this commitment.")]})
    commitment = Commitment.objects.create(
        meeting=meeting, text=words, owner=owner, due=day, key_result=key_result, created_by=actor
    )
    history_record(
        actor=actor,
        action="commitment.create",
        subject=meeting,
        target=commitment,
        after={"text": words, "owner": owner.pk, "due": day.isoformat(), "key_result": key_result and key_result.pk},
    )
    return commitment


@transaction.atomic
def commitment_set_status(
    *, actor: Person, commitment: Commitment, status: Any, now: dt.datetime | None = None
) -> Commitment:
    """Done, dropped or open again: at the next meeting's follow-up, or by its owner."""
    errors = FieldErrors()
    if status not in CommitmentStatus.values:
        errors.add("status", _("“%(value)s” is not one of the choices.") % {"value": status})
    errors.raise_if_any()
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    before = locked.status
    if before == status:
        return locked
    locked.status = status
    locked.done_at = (now or timezone.now()) if status == CommitmentStatus.DONE else None
    locked.save(update_fields=["status", "done_at"])
    history_record(
        actor=actor,
        action="commitment.status",
        subject=("meetings.meeting", locked.meeting_id),
        target=locked,
        before={"status": before},
        after={"status": status},
    )
    return locked


@transaction.atomic
def meeting_notes_save(*, actor: Person, meeting: Meeting, text: Any, version: Any) -> Meeting:
    """The minutes in words, saved only over the version they were edited from: a stale save raises
    `NotesConflict` with both texts and writes nothing."""
    errors = FieldErrors()
    _lock(meeting)
    _require_open(errors, meeting, "notes")
    words = clean_text(errors, "notes", text, max_length=NOTES_MAX)
    try:
        edited_from = int(version)
    except (TypeError, ValueError):
        errors.add("version", _("The minutes' version is missing: reload the page."))
        edited_from = -1
    errors.raise_if_any()
    if edited_from != meeting.notes_version:
        raise NotesConflict(theirs=meeting.notes, ours=words, version=meeting.notes_version)
    before = meeting.notes
    meeting.notes = words
    meeting.notes_version += 1
    meeting.save(update_fields=["notes", "notes_version", "updated_at"])
    history_record(
        actor=actor, action="meeting.notes", subject=meeting, before={"notes": before}, after={"notes": words}
    )
    return meeting


@transaction.atomic
def week_report_save(
    *,
    actor: Person,
    meeting: Meeting,
    person: Person,
    progress: Any = "",
    plans: Any = "",
    problems: Any = "",
) -> WeekReport:
    """EXE-3: a person's week (plans, progress, problems), written by them alone, until the meeting closes."""
    errors = FieldErrors()
    _lock(meeting)
    if person.pk != actor.pk:
        errors.add("person", _("Each person writes their own week: you cannot write someone else's."))
    _require_open(errors, meeting)
    texts = {
        "progress": clean_text(errors, "progress", progress, max_length=TEXT_MAX),
        "plans": clean_text(errors, "plans", plans, max_length=TEXT_MAX),
        "problems": clean_text(errors, "problems", problems, max_length=TEXT_MAX),
    }
    errors.raise_if_any()
    report, made = WeekReport.objects.select_for_update().get_or_create(meeting=meeting, person=person, defaults=texts)
    before = {} if made else {k: getattr(report, k) for k in texts}
    if not made:
        for key, value in texts.items():
            setattr(report, key, value)
        report.save(update_fields=[*texts, "updated_at"])
    history_record(actor=actor, action="week_report.save", subject=meeting, target=report, before=before, after=texts)
    return report

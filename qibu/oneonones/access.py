"""Who may see and change 1-on-1s (EXE-9, EXE-10). One lookup per resource, for pages and API alike:

- A series, its meetings, talking points, shared notes and requests are the pair's: the manager and the report.
  Nobody else reads them — not the manager's manager, not a department head above, not an administrator: for them
  a meeting, a point, a note or a request does not exist (404).
- A private note is its author's alone (404 for the other of the pair too).
- Administrators may see that a series exists (who meets whom, on what cadence, the meetings' dates) and nothing
  of what is said in it: `series_for` lets them see the series, `meeting_for` does not.
- Who may pair: a manager with a report, that is the report's `manager`, or the head of the report's department
  or of a department above it (a head may hold 1-on-1s with anyone in their part of the company).
- Changes need the person to be active (a deactivated one reads, 403 for a change).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from qibu.oneonones.models import Meeting, Note, NoteSharing, Series, SupportRequest, TalkingPoint
from qibu.org.models import Person


def may_pair(manager: Person, report: Person) -> bool:
    """May `manager` hold 1-on-1s with `report` (no query when `report.department` is loaded)?"""
    if manager.pk == report.pk or not manager.is_active or not report.is_active:
        return False
    if report.manager_id == manager.pk:
        return True
    department = report.department
    return department is not None and manager.pk in _heads(department.ancestor_ids)


def _heads(department_ids: list[int]) -> set[int]:
    from qibu.org.models import Department

    return set(Department.objects.filter(pk__in=department_ids, head__isnull=False).values_list("head_id", flat=True))


@dataclass(frozen=True)
class SeriesRights:
    member: bool  # one of the pair: reads everything of theirs in it
    change: bool  # one of the pair and active: adds, changes, holds

    @property
    def sees_content(self) -> bool:
        return self.member


def _load_series(pk: int | str) -> Series | None:
    try:
        return Series.objects.select_related("manager", "report").filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def series_rights(person: Person, series: Series) -> SeriesRights:
    member = series.has(person.pk)
    return SeriesRights(member=member, change=member and person.is_active)


def series_for(person: Person, pk: int | str) -> tuple[Series, SeriesRights]:
    """The series, if `person` is one of the pair or an administrator (who sees only that it exists); else 404."""
    series = _load_series(pk)
    if series is None:
        raise Http404
    rights = series_rights(person, series)
    if not rights.member and not person.is_admin:
        raise Http404
    return series, rights


def meeting_for(person: Person, pk: int | str) -> tuple[Meeting, SeriesRights]:
    """A meeting of the pair, for the pair only (404 for anyone else, administrators too)."""
    try:
        meeting = Meeting.objects.select_related("series__manager", "series__report").filter(pk=pk).first()
    except (ValueError, TypeError):
        meeting = None
    if meeting is None or not meeting.series.has(person.pk):
        raise Http404
    return meeting, series_rights(person, meeting.series)


def point_for(person: Person, pk: int | str) -> tuple[TalkingPoint, SeriesRights]:
    try:
        point = (
            TalkingPoint.objects.select_related("meeting__series__manager", "meeting__series__report", "author")
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError):
        point = None
    if point is None or not point.meeting.series.has(person.pk):
        raise Http404
    return point, series_rights(person, point.meeting.series)


def note_for(person: Person, pk: int | str) -> tuple[Note, bool]:
    """A note its reader may see: a shared one for the pair, a private one for its author. Answers whether the
    person may change it (its author, active)."""
    try:
        note = Note.objects.select_related("meeting__series", "author").filter(pk=pk).first()
    except (ValueError, TypeError):
        note = None
    if note is None or not can_read_note(person, note):
        raise Http404
    return note, note.author_id == person.pk and person.is_active


def can_read_note(person: Person, note: Note) -> bool:
    if note.visibility == NoteSharing.PRIVATE:
        return note.author_id == person.pk
    return note.meeting.series.has(person.pk)


def request_for(person: Person, pk: int | str) -> tuple[SupportRequest, SeriesRights]:
    try:
        request = (
            SupportRequest.objects.select_related("series__manager", "series__report", "asked_by", "owner")
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError):
        request = None
    if request is None or not request.series.has(person.pk):
        raise Http404
    return request, series_rights(person, request.series)


def may_settle(person: Person, request: SupportRequest) -> bool:
    """The owner settles a request (done, or declined with a note)."""
    return person.is_active and request.owner_id == person.pk

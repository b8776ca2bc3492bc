"""The demo company's weekly meetings (EXE-3 … EXE-6): eight weeks of department meetings with minutes, confidence
changes with reasons, commitments, and the management's meetings."""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import F
from django.test import Client

from qibu.demo.generator import generate_company, minimum_people
from qibu.meetings.models import AgendaItem, Commitment, ConfidenceChange, Meeting, MeetingKind, MeetingStatus
from qibu.org.models import Person, Role


def test_the_demo_company_holds_eight_weeks_of_weekly_meetings_EXE_3_EXE_4_EXE_6(db: None) -> None:
    today = dt.date(2026, 11, 18)
    began = time.monotonic()
    generate_company(people=minimum_people() + 10, seed=5, today=today, finished_quarter=False)
    took = time.monotonic() - began
    closed = Meeting.objects.filter(status=MeetingStatus.CLOSED)
    departments = closed.filter(kind=MeetingKind.DEPARTMENT)
    per_department = {
        d: departments.filter(department_id=d).count() for d in departments.values_list("department_id", flat=True)
    }
    assert len(per_department) >= 2 and set(per_department.values()) == {8}
    assert closed.filter(kind=MeetingKind.MANAGEMENT).count() == 2
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, date__gte=today).count() == len(per_department)
    assert all(m.started_at and m.ended_at and m.progress_ended_at for m in closed)
    assert closed.filter(ended_early=True).exists()
    assert AgendaItem.objects.filter(reached=False).exists() and AgendaItem.objects.filter(reached=True).exists()
    assert AgendaItem.objects.filter(section="carried").exists(), "points not reached were carried forward"
    falls = ConfidenceChange.objects.filter(after__lt=F("before"))
    assert falls.exists() and all(c.reason for c in falls if c.before - c.after >= 20), "EXE-4"
    assert Commitment.objects.filter(meeting__kind=MeetingKind.MANAGEMENT).count() == 4
    assert Commitment.objects.count() == 2 * closed.count()
    meeting = departments.order_by("-date").select_related("department__head").first()
    assert meeting is not None and meeting.department is not None and meeting.department.head is not None
    client = Client()
    client.force_login(meeting.department.head)
    assert client.get(f"/meetings/{meeting.pk}/minutes/").status_code == 200
    member = Person.objects.filter(department=meeting.department, role=Role.MEMBER).first()
    assert member is not None
    client.force_login(member)
    assert client.get(f"/meetings/department/{meeting.department_id}/").status_code == 200
    assert took < 120

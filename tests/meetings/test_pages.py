"""The meeting's pages on a phone (EXE-3 … EXE-5): the list and a new meeting, the meeting as it runs, its small
htmx writes, the minutes' version check (two facilitators lose nothing), each person's week, the minutes page, and
what each persona may do."""

from __future__ import annotations

import datetime as dt

import pytest

from qibu.meetings.models import AgendaItem, Commitment, Meeting, WeekReport
from qibu.okrs.services import checkin_record
from qibu.org.models import Person
from qibu.org.services import person_create
from tests.conftest import Company, Okrs
from tests.meetings.helpers import AT, DAY, login, make_meeting, started

HTMX = {"HX-Request": "true"}


def test_it_plans_a_meeting_from_the_department_list(company: Company, okrs: Okrs) -> None:
    client = login(company.hank)
    page = client.get(f"/meetings/department/{company.sales.pk}/")
    assert page.status_code == 200 and "Plan a meeting" in page.content.decode()
    answer = client.post(
        f"/meetings/department/{company.sales.pk}/",
        {"date": "2026-11-10", "planned_minutes": "45", "progress_share": ""},
    )
    meeting = Meeting.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.planned_minutes, meeting.progress_share) == (45, 25)
    twice = client.post(f"/meetings/department/{company.sales.pk}/", {"date": "2026-11-10"})
    assert twice.status_code == 400 and "already has a weekly meeting on that day" in twice.content.decode()
    assert Meeting.objects.count() == 1


def test_it_runs_the_meeting_on_its_page_with_htmx_writes(company: Company, okrs: Okrs) -> None:
    c = company
    checkin_record(
        actor=c.hank, key_result=okrs["department_kr"], value=1, confidence=30, confidence_reason="竞品降价", at=AT
    )
    meeting = make_meeting(c.hank, c.sales)
    client = login(c.hank)
    assert client.post(f"/meetings/{meeting.pk}/start/").status_code == 302
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "签约标杆客户 10 家" in page and 'data-ends-at="' in page and "Progress 15 min, next steps 45 min" in page
    item = AgendaItem.objects.filter(meeting=meeting).first()
    assert item is not None
    fragment = client.post(f"/meetings/{meeting.pk}/items/{item.pk}/reach/", {"reached": "1"}, headers=HTMX)
    assert fragment.status_code == 200 and fragment.content.decode().lstrip().startswith('<div id="live"')
    assert AgendaItem.objects.get(pk=item.pk).reached
    refused = client.post(
        f"/meetings/{meeting.pk}/confidence/{okrs['department_kr'].pk}/", {"confidence": "0"}, headers=HTMX
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and 'id="confidence"' in body, "htmx swaps the form with its errors"
    assert "Confidence fell by 30 points" in body and "Say what changed" in body
    added = client.post(
        f"/meetings/{meeting.pk}/commitments/",
        {"text": "周五前拜访三家客户", "owner": str(c.mia.pk), "due": "2026-11-13"},
        headers=HTMX,
    )
    assert added.status_code == 200 and Commitment.objects.get().owner_id == c.mia.pk
    assert client.post(f"/meetings/{meeting.pk}/progress-end/").status_code == 302
    closed = client.post(f"/meetings/{meeting.pk}/close/")
    assert closed.status_code == 302 and closed["Location"] == f"/meetings/{meeting.pk}/minutes/"
    minutes = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "周五前拜访三家客户" in minutes and "米娅" in minutes
    again = client.post(f"/meetings/{meeting.pk}/close/")
    assert again.status_code == 400 and "This meeting is already closed." in again.content.decode()


def test_it_keeps_both_texts_when_two_facilitators_save_the_minutes_at_once(company: Company, okrs: Okrs) -> None:
    """Two facilitators lose nothing: the second save, from an older version, shows both texts and overwrites
    neither."""
    meeting = started(company.hank, company.sales)
    hank, erin = login(company.hank), login(company.erin)
    first = hank.post(f"/meetings/{meeting.pk}/notes/", {"notes": "韩：大客户要跟进", "version": "0"}, headers=HTMX)
    assert first.status_code == 200
    second = erin.post(f"/meetings/{meeting.pk}/notes/", {"notes": "Erin：预算下周定", "version": "0"}, headers=HTMX)
    body = second.content.decode()
    assert second.status_code == 200, "htmx swaps the section with both texts"
    assert erin.post(f"/meetings/{meeting.pk}/notes/", {"notes": "Erin：预算下周定", "version": "0"}).status_code == 409
    assert "韩：大客户要跟进" in body and "Erin：预算下周定" in body and "Both texts are shown" in body
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.notes_version) == ("韩：大客户要跟进", 1)
    merged = erin.post(
        f"/meetings/{meeting.pk}/notes/", {"notes": "韩：大客户要跟进\nErin：预算下周定", "version": "1"}, headers=HTMX
    )
    assert merged.status_code == 200
    meeting.refresh_from_db()
    assert meeting.notes == "韩：大客户要跟进\nErin：预算下周定" and meeting.notes_version == 2


def test_it_prefills_each_persons_week_and_lets_only_them_edit_it_EXE_3(company: Company, okrs: Okrs) -> None:
    c = company
    checkin_record(
        actor=c.mia,
        key_result=okrs["my_kr"],
        value=2,
        confidence=60,
        confidence_reason="客户犹豫",
        at=AT - dt.timedelta(days=1),
    )
    meeting = make_meeting(c.hank, c.sales)
    mia = login(c.mia)
    page = mia.get(f"/meetings/{meeting.pk}/week/").content.decode()
    assert "苏州新签 4 家客户: 2 家, confidence 60%" in page
    assert "confidence 80% → 60%: 客户犹豫" in page
    saved = mia.post(
        f"/meetings/{meeting.pk}/week/", {"progress": "签下两家", "plans": "再拜访三家", "problems": "预算"}
    )
    assert saved.status_code == 302
    report = WeekReport.objects.get()
    assert (report.person_id, report.plans) == (c.mia.pk, "再拜访三家")
    shown = login(c.hank).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "再拜访三家" in shown
    assert login(c.oscar).get(f"/meetings/{meeting.pk}/week/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "see", "start"),
    [("alice", 200, 302), ("erin", 200, 302), ("hank", 200, 302), ("mia", 200, 403), ("oscar", 404, 404)],
)
def test_it_shows_and_runs_a_department_meeting_for_whom_it_should(
    company: Company, okrs: Okrs, persona: str, see: int, start: int
) -> None:
    meeting = make_meeting(company.hank, company.sales)
    client = login(getattr(company, persona))
    assert client.get(f"/meetings/{meeting.pk}/").status_code == see
    assert client.post(f"/meetings/{meeting.pk}/start/").status_code == start
    assert Meeting.objects.get(pk=meeting.pk).status == ("in_progress" if start == 302 else "planned")


@pytest.mark.parametrize(("persona", "see"), [("erin", 200), ("hank", 200), ("mia", 404), ("oscar", 404)])
def test_it_shows_the_management_meeting_to_executives_and_heads_EXE_6(
    company: Company, okrs: Okrs, persona: str, see: int
) -> None:
    meeting = make_meeting(company.erin, None)
    assert login(getattr(company, persona)).get(f"/meetings/{meeting.pk}/").status_code == see


def _grow(company: Company, n: int) -> None:
    for i in range(n):
        person = person_create(
            actor=None,
            username=f"p{n}_{i}",
            full_name=f"销售{i}",
            password="x",
            department=company.sales,
            manager=company.hank,
        )
        checkin_record(
            actor=person, key_result=_mine(person, company), value=1, confidence=70, at=AT - dt.timedelta(days=1)
        )


def _mine(person: Person, company: Company):  # type: ignore[no-untyped-def]
    from qibu.okrs.models import Level
    from qibu.okrs.services import key_result_create, objective_create

    objective = objective_create(
        actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"{person}的目标"
    )
    return key_result_create(actor=person, objective=objective, title="客户", start_value=0, target_value=4)


@pytest.mark.parametrize("people", [2, 8])
def test_it_reads_the_meeting_page_in_a_fixed_number_of_queries(
    company: Company, okrs: Okrs, people: int, django_assert_num_queries: object
) -> None:
    _grow(company, people)
    meeting = started(company.hank, company.sales)
    client = login(company.hank)
    client.get(f"/meetings/{meeting.pk}/")  # warm the session
    with django_assert_num_queries(QUERIES):  # type: ignore[operator]
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


# Session and person (2), the meeting and its rights (3), the agenda, objectives with key results, changes,
# commitments, attendees, their reports, check-ins, steps and stand-up lines, the roll-up, the people and key
# results offered.
QUERIES = 20


def test_it_prefills_the_week_from_the_stand_ups_EXE_1_EXE_3(company: Company, okrs: Okrs) -> None:
    from qibu.rhythm.services import ScheduleInput, schedule_create
    from qibu.standups.services import ItemInput, entry_post, stand_up_get_or_make

    c = company
    schedule_create(
        actor=None, data=ScheduleInput(kind="stand_up", team_id=c.sales_team.pk, recurrence="workdays", time="09:30")
    )
    stand_up = stand_up_get_or_make(team=c.sales_team, day=DAY - dt.timedelta(days=1))
    assert stand_up is not None
    entry_post(
        actor=c.mia,
        stand_up=stand_up,
        items=[
            ItemInput("yesterday", "拜访了两家门店"),
            ItemInput("today", "整理报价"),
            ItemInput("blocker", "缺样机"),
        ],
        now=AT - dt.timedelta(days=1),
    )
    meeting = make_meeting(c.hank, c.sales)
    page = login(c.mia).get(f"/meetings/{meeting.pk}/week/").content.decode()
    assert "拜访了两家门店" in page and "整理报价" in page and "缺样机" in page


@pytest.mark.parametrize("people", [2, 8])
def test_it_builds_the_agenda_in_a_fixed_number_of_queries_EXE_12(
    company: Company, okrs: Okrs, people: int, django_assert_num_queries: object
) -> None:
    from qibu.meetings.agenda import agenda_build

    _grow(company, people)
    meeting = make_meeting(company.hank, company.sales)
    meeting.department = company.sales
    with django_assert_num_queries(AGENDA_QUERIES):  # type: ignore[operator]
        agenda_build(meeting, company.org, AT, viewer=company.hank)


# The previous meeting (none here: its commitments and missed points are not read), the key results, the week's
# falls, the escalated blockers (with the departments the viewer heads), the overdue steps, the reflection's
# measures not done (qibu.reflect), the corrections.
AGENDA_QUERIES = 8

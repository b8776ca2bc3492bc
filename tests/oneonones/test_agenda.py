"""EXE-9: the agenda builds itself from the report's OKRs and from the pair's talking points; points not discussed
carry to the next meeting, marked as carried."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qibu.blockers.services import blocker_create
from qibu.okrs.models import KeyResult
from qibu.okrs.services import checkin_record, key_result_create
from qibu.oneonones.access import meeting_for
from qibu.oneonones.models import TalkingPoint
from qibu.oneonones.selectors import meeting_page
from qibu.oneonones.services import meeting_hold, meeting_skip, point_add, point_mark
from qibu.plans.services import step_create
from tests.conftest import Company, Okrs
from tests.oneonones.helpers import START, pair, planned

pytestmark = pytest.mark.django_db


def _page(company: Company, viewer: Any, meeting: Any, now: dt.datetime | None = None) -> Any:
    meeting, rights = meeting_for(viewer, meeting.pk)
    return meeting_page(
        meeting=meeting, viewer=viewer, rights=rights, organisation=company.org, now=now or timezone.now()
    )


def test_it_builds_the_agenda_from_the_reports_okrs_EXE_9(company: Company, okrs: Okrs) -> None:
    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    kr = okrs["my_kr"]
    # A fall of confidence with its reason, an off-track key result; a step past its deadline.
    checkin_record(actor=c.mia, key_result=kr, value=1, confidence=30, confidence_reason="大客户推迟签约")
    step_create(
        actor=c.mia,
        key_result=kr,
        title="拜访苏州客户",
        owner=c.mia,
        start=dt.date(2026, 10, 5),
        deadline=dt.date(2026, 10, 20),
    )
    page = _page(c, c.hank, planned(series))
    kinds = {item.kind: item for item in page.agenda}
    assert kinds["off_track"].title == kr.title
    assert "大客户推迟签约" in kinds["confidence_fall"].detail
    assert "80%" in kinds["confidence_fall"].detail and "30%" in kinds["confidence_fall"].detail
    assert kinds["overdue_step"].title == "拜访苏州客户"
    # Only the report's key results: hank's own are not on mia's agenda.
    assert all(item.title != okrs["department_kr"].title for item in page.agenda)


def test_it_lists_only_the_falls_since_the_last_one_on_one_EXE_9(company: Company, okrs: Okrs) -> None:
    c = company
    kr = okrs["my_kr"]
    checkin_record(actor=c.mia, key_result=kr, value=1, confidence=60, confidence_reason="早先的回落")
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    meeting_hold(actor=c.hank, meeting=planned(series))
    page = _page(c, c.hank, planned(series))
    assert not [item for item in page.agenda if item.kind == "confidence_fall"]


def test_it_lists_a_stale_key_result(company: Company, okrs: Okrs) -> None:
    c = company
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(last_checkin_at=timezone.now() - dt.timedelta(days=30))
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    page = _page(c, c.mia, planned(series))
    assert [i.title for i in page.agenda if i.kind == "stale"] == [okrs["my_kr"].title]


def test_it_carries_points_not_discussed_to_the_next_meeting_marked_as_carried_EXE_9(company: Company) -> None:
    c = company
    series = pair(c)
    first = planned(series)
    talked = point_add(actor=c.mia, meeting=first, text="想参加销售培训")
    left = point_add(actor=c.hank, meeting=first, text="下季度的区域划分")
    point_mark(actor=c.hank, point=talked, discussed=True)
    following = meeting_hold(actor=c.hank, meeting=first, now=START + dt.timedelta(hours=14))
    assert following is not None
    carried = TalkingPoint.objects.get(meeting=following)
    assert carried.text == "下季度的区域划分" and carried.carried_from_id == left.pk and carried.author_id == c.hank.pk
    page = _page(c, c.mia, following)
    assert page.points[0].carried_from == first.scheduled_at
    # Skipped: carried again, from the skipped meeting.
    third = meeting_skip(actor=c.mia, meeting=following, now=START + dt.timedelta(days=8))
    assert third is not None
    assert list(TalkingPoint.objects.filter(meeting=third).values_list("text", flat=True)) == ["下季度的区域划分"]


def test_it_refuses_a_point_on_a_meeting_already_held(company: Company) -> None:
    c = company
    series = pair(c)
    first = planned(series)
    meeting_hold(actor=c.hank, meeting=first, now=START + dt.timedelta(hours=14))
    with pytest.raises(ValidationError, match="already held"):
        point_add(actor=c.mia, meeting=first, text="迟到的话题")
    with pytest.raises(ValidationError) as empty:
        point_add(actor=c.mia, meeting=planned(series), text="  ")
    assert "text" in empty.value.message_dict
    assert not TalkingPoint.objects.exists()


def test_it_lists_the_reports_open_blockers_EXE_9(company: Company, okrs: Okrs) -> None:
    c = company
    blocker_create(actor=c.mia, title="样机缺货", owner=c.mia, team=c.sales_team)
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    page = _page(c, c.hank, planned(series))
    assert [i.title for i in page.agenda if i.kind == "blocker"] == ["样机缺货"]


QUERIES = 10


def _more_okrs(company: Company, okrs: Okrs, n: int) -> None:
    for i in range(n):
        key_result_create(
            actor=company.mia, objective=okrs["mine"], title=f"新签客户 {i}", start_value=0, target_value=4
        )


@pytest.mark.parametrize("extra", [0, 6])
def test_it_reads_a_meeting_in_the_same_queries_at_two_sizes(
    company: Company, okrs: Okrs, django_assert_num_queries: Any, extra: int
) -> None:
    """The previous meeting, the key results, their falls, the blockers, the steps, the points, the notes, the
    requests."""
    c = company
    _more_okrs(c, okrs, extra)
    for i in range(1 + extra):
        blocker_create(actor=c.mia, title=f"样机缺货 {i}", owner=c.mia, team=c.sales_team, key_result=okrs["my_kr"])
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    meeting = planned(series)
    for i in range(extra):
        point_add(actor=c.mia, meeting=meeting, text=f"话题 {i}")
    meeting, rights = meeting_for(c.hank, meeting.pk)
    with django_assert_num_queries(QUERIES):
        meeting_page(meeting=meeting, viewer=c.hank, rights=rights, organisation=c.org)


def test_it_raises_a_blocker_from_a_one_on_one_EXE_2(company: Company) -> None:
    from qibu.blockers.models import Blocker
    from tests.oneonones.helpers import login

    c = company
    meeting = planned(pair(c, now=timezone.now() - dt.timedelta(days=1)))
    answer = login(c.mia).post(
        f"/one-on-ones/meetings/{meeting.pk}/blockers/", {"title": "样机迟迟不到", "owner": str(c.hank.pk)}
    )
    assert answer.status_code == 302
    blocker = Blocker.objects.get()
    assert (blocker.source, blocker.source_id, blocker.owner_id) == ("one_on_one", meeting.pk, c.hank.pk)
    assert list(blocker.concerned.values_list("pk", flat=True)) == [c.mia.pk]
    page = _page(c, c.hank, meeting)
    assert [i.title for i in page.agenda if i.kind == "blocker"] == ["样机迟迟不到"]
    refused = login(c.mia).post(f"/one-on-ones/meetings/{meeting.pk}/blockers/", {"title": "", "owner": str(c.hank.pk)})
    assert refused.status_code == 400 and Blocker.objects.count() == 1
    assert login(c.oscar).post(f"/one-on-ones/meetings/{meeting.pk}/blockers/", {"title": "x"}).status_code == 404

"""EXE-10: requests for support or resources, asked by either of the pair, owned by one of them, with a due date;
open ones come back on every planned meeting until their owner settles them; the owner is told, then whoever
asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qibu.notify.models import Notification, NotificationKind
from qibu.oneonones.access import meeting_for
from qibu.oneonones.models import SupportRequest, SupportStatus
from qibu.oneonones.selectors import meeting_page
from qibu.oneonones.services import meeting_hold, request_create, request_settle
from tests.conftest import Company
from tests.oneonones.helpers import START, login, pair, planned

pytestmark = pytest.mark.django_db


def _requests_on(company: Company, meeting: object) -> list[str]:
    found, rights = meeting_for(company.mia, meeting.pk)  # type: ignore[attr-defined]
    page = meeting_page(meeting=found, viewer=company.mia, rights=rights, organisation=company.org)
    return [r.text for r in page.requests]


def test_it_tells_the_owner_and_brings_an_open_request_back_until_settled_EXE_10(company: Company) -> None:
    c = company
    series = pair(c)
    first = planned(series)
    asked = request_create(
        actor=c.mia, series=series, meeting=first, text="需要市场部支持两场路演", due=dt.date(2026, 11, 20), now=START
    )
    assert asked.owner == c.hank  # the manager by default
    told = Notification.objects.get(recipient=c.hank, kind=NotificationKind.ONE_ON_ONE)
    assert "需要市场部支持两场路演" in told.text
    second = meeting_hold(actor=c.hank, meeting=first, now=START + dt.timedelta(hours=14))
    third = meeting_hold(actor=c.hank, meeting=second, now=START + dt.timedelta(days=8))  # type: ignore[arg-type]
    assert _requests_on(c, third) == ["需要市场部支持两场路演"]
    request_settle(actor=c.hank, request=asked, status="done", note="已协调市场部", now=START + dt.timedelta(days=9))
    assert _requests_on(c, third) == []
    assert _requests_on(c, first) == ["需要市场部支持两场路演"]  # where it was raised, it stays listed
    assert Notification.objects.filter(recipient=c.mia, text__contains="did what you asked").exists()


def test_it_refuses_declining_without_a_note_and_settling_by_another_EXE_10(company: Company) -> None:
    c = company
    series = pair(c)
    asked = request_create(actor=c.mia, series=series, text="增加一名助理", now=START)
    with pytest.raises(ValidationError) as refused:
        request_settle(actor=c.hank, request=asked, status="declined", note="")
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError, match="Only the request's owner"):
        request_settle(actor=c.mia, request=asked, status="done")
    asked.refresh_from_db()
    assert asked.status == SupportStatus.OPEN and asked.resolved_at is None
    request_settle(actor=c.hank, request=asked, status="declined", note="本季度没有编制")
    with pytest.raises(ValidationError, match="already settled"):
        request_settle(actor=c.hank, request=asked, status="done")


def test_it_refuses_an_owner_outside_the_pair_and_a_past_due_date(company: Company) -> None:
    c = company
    series = pair(c)
    with pytest.raises(ValidationError) as refused:
        request_create(actor=c.mia, series=series, text="预算", owner=c.oscar, due=dt.date(2026, 10, 1), now=START)
    assert {"owner", "due"} <= set(refused.value.message_dict)
    assert not SupportRequest.objects.exists()


def test_it_settles_a_request_from_the_page(company: Company) -> None:
    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    asked = request_create(actor=c.mia, series=series, meeting=planned(series), text="需要一台样机")
    declined = login(c.hank).post(f"/one-on-ones/requests/{asked.pk}/settle/", {"status": "declined", "note": ""})
    assert declined.status_code == 302
    asked.refresh_from_db()
    assert asked.is_open
    assert login(c.mia).post(f"/one-on-ones/requests/{asked.pk}/settle/", {"status": "done"}).status_code == 403
    done = login(c.hank).post(f"/one-on-ones/requests/{asked.pk}/settle/", {"status": "done", "note": "已寄出"})
    assert done.status_code == 302
    asked.refresh_from_db()
    assert asked.status == SupportStatus.DONE and asked.resolution == "已寄出"

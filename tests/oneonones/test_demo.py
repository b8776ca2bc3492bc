"""The demo company's 1-on-1s (EXE-9, EXE-10): eight weeks of meetings for a few manager–report pairs, with notes,
carried points and requests done, declined and open."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from qibu.demo.generator import generate_company, minimum_people
from qibu.oneonones.models import Meeting, Note, OneOnOneStatus, Series, SupportRequest, SupportStatus, TalkingPoint


def test_the_demo_company_holds_eight_weeks_of_one_on_ones_EXE_9_EXE_10(db: None) -> None:
    generate_company(
        people=minimum_people() + 10, seed=5, today=dt.date(2026, 11, 18), checkin_weeks=2, finished_quarter=False
    )
    series = list(Series.objects.select_related("manager", "report"))
    assert len(series) >= 3
    assert all(s.report.manager_id == s.manager_id for s in series)
    weekly = Meeting.objects.filter(series=series[0])
    assert weekly.filter(status=OneOnOneStatus.HELD).count() >= 6
    assert weekly.filter(status=OneOnOneStatus.SKIPPED).count() == 1
    assert weekly.filter(moved_from__isnull=False).count() == 1
    assert Meeting.objects.filter(status=OneOnOneStatus.PLANNED).count() == len(series)
    assert TalkingPoint.objects.filter(carried_from__isnull=False).exists()
    assert Note.objects.filter(visibility="private").exists() and Note.objects.filter(visibility="shared").exists()
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == {SupportStatus.OPEN, SupportStatus.DONE, SupportStatus.DECLINED}
    assert not SupportRequest.objects.filter(status=SupportStatus.DECLINED, resolution="").exists()
    client = Client()
    client.force_login(series[0].manager)
    assert client.get("/one-on-ones/").status_code == 200
    upcoming = Meeting.objects.get(series=series[0], status=OneOnOneStatus.PLANNED)
    page = client.get(f"/one-on-ones/meetings/{upcoming.pk}/")
    assert page.status_code == 200

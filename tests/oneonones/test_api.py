"""The 1-on-1s' API (EXE-9, EXE-10): the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qibu.oneonones.models import Note, SupportRequest
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company
from tests.oneonones.helpers import pair, planned

pytestmark = pytest.mark.django_db


def _api(person: Person) -> Client:
    _token, secret = api_token_create(actor=None, person=person, name="t")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=body, content_type="application/json")


def test_it_runs_a_one_on_one_through_the_api_EXE_9_EXE_10(company: Company) -> None:
    c = company
    hank, mia = _api(c.hank), _api(c.mia)
    created = _post(hank, "/api/v1/one-on-ones", {"manager": c.hank.pk, "report": c.mia.pk, "time": "10:00"})
    assert created.status_code == 201, created.json()
    series = created.json()
    meeting_id = series["next_meeting"]
    assert mia.get("/api/v1/one-on-ones").json()["count"] == 1
    point = _post(mia, f"/api/v1/one-on-one-meetings/{meeting_id}/talking-points", {"text": "职业发展"})
    assert point.status_code == 201
    note = _post(mia, f"/api/v1/one-on-one-meetings/{meeting_id}/notes", {"text": "自己记", "visibility": "private"})
    assert note.status_code == 201
    asked = _post(mia, f"/api/v1/one-on-one-meetings/{meeting_id}/support-requests", {"text": "培训预算"})
    assert asked.status_code == 201 and asked.json()["owner"] == c.hank.pk
    seen = hank.get(f"/api/v1/one-on-one-meetings/{meeting_id}").json()
    assert [p["text"] for p in seen["points"]] == ["职业发展"]
    assert seen["notes"] == []  # mia's private note is hers alone
    assert hank.get(f"/api/v1/one-on-one-notes/{note.json()['id']}").status_code == 404
    held = _post(hank, f"/api/v1/one-on-one-meetings/{meeting_id}/hold", {})
    assert held.status_code == 200
    following = held.json()["next_meeting"]["id"]
    carried = hank.get(f"/api/v1/one-on-one-meetings/{following}").json()
    assert carried["points"][0]["carried_from"] == point.json()["id"]
    assert [r["text"] for r in carried["requests"]] == ["培训预算"]
    again = _post(hank, f"/api/v1/one-on-one-meetings/{meeting_id}/hold", {})
    assert again.status_code == 422
    settled = _post(hank, f"/api/v1/support-requests/{asked.json()['id']}/settle", {"status": "declined"})
    assert settled.status_code == 422 and settled.json()["detail"][0]["field"] == "note"
    settled = _post(hank, f"/api/v1/support-requests/{asked.json()['id']}/settle", {"status": "done", "note": "已批"})
    assert settled.status_code == 200 and settled.json()["status"] == "done"


def test_it_answers_a_third_person_404_and_an_admin_the_series_only(company: Company) -> None:
    c = company
    series = pair(c, now=timezone.now() - dt.timedelta(days=1))
    meeting = planned(series)
    assert _api(c.erin).get(f"/api/v1/one-on-ones/{series.pk}").status_code == 404
    admin = _api(c.alice).get(f"/api/v1/one-on-ones/{series.pk}")
    assert admin.status_code == 200 and admin.json()["member"] is False and admin.json()["open_requests"] is None
    assert _api(c.alice).get(f"/api/v1/one-on-one-meetings/{meeting.pk}").status_code == 404
    refused = _api(c.alice).patch(
        f"/api/v1/one-on-ones/{series.pk}", data={"time": "09:00"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not Note.objects.exists() and not SupportRequest.objects.exists()

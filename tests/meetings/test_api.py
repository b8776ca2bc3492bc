"""The weekly meetings' API (EXE-3 … EXE-6): the same services as the pages, answered in the API's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from qibu.meetings.models import ConfidenceChange, Meeting
from qibu.okrs.models import CheckIn
from qibu.okrs.services import checkin_record
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs
from tests.meetings.helpers import AT


def _api(person: Person) -> Client:
    _token, secret = api_token_create(actor=person, person=person, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _json(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    call = getattr(client, method)
    answer = (
        call(f"/api/v1{path}", body or {}, content_type="application/json")
        if body is not None
        else call(f"/api/v1{path}")
    )
    return answer.status_code, answer.json() if answer.content else None


def test_it_runs_a_meeting_through_the_api_EXE_3_EXE_4(company: Company, okrs: Okrs) -> None:
    c = company
    checkin_record(actor=c.hank, key_result=okrs["department_kr"], confidence=80, at=AT - dt.timedelta(days=21))
    hank = _api(c.hank)
    status, made = _json(
        hank, "post", "/meetings", {"kind": "department", "department": c.sales.pk, "date": "2026-11-10"}
    )
    assert status == 201 and made["progress_minutes"] == 15 and made["status"] == "planned"
    meeting = made["id"]
    status, detail = _json(hank, "post", f"/meetings/{meeting}/start", {})
    assert status == 200 and detail["status"] == "in_progress"
    checkins = CheckIn.objects.count()
    status, refused = _json(
        hank, "post", f"/meetings/{meeting}/confidence", {"key_result": okrs["department_kr"].pk, "confidence": 20}
    )
    assert status == 422 and {p["field"] for p in refused["detail"]} == {"reason", "what_changed"}
    assert CheckIn.objects.count() == checkins and not ConfidenceChange.objects.exists()
    status, change = _json(
        hank,
        "post",
        f"/meetings/{meeting}/confidence",
        {"key_result": okrs["department_kr"].pk, "confidence": 20, "reason": "大客户流失", "what_changed": "预算冻结"},
    )
    assert status == 201 and (change["before"], change["after"]) == (80, 20) and change["check_in"]
    status, commitment = _json(
        hank, "post", f"/meetings/{meeting}/commitments", {"text": "拜访三家", "owner": c.mia.pk, "due": "2026-11-13"}
    )
    assert status == 201 and commitment["owner"] == c.mia.pk
    status, _ = _json(hank, "put", f"/meetings/{meeting}/notes", {"notes": "第一版", "version": 0})
    assert status == 200
    status, conflict = _json(hank, "put", f"/meetings/{meeting}/notes", {"notes": "另一版", "version": 0})
    assert status == 409 and (conflict["theirs"], conflict["ours"]) == ("第一版", "另一版")
    status, closed = _json(hank, "post", f"/meetings/{meeting}/close", {})
    assert status == 200 and closed["status"] == "closed"
    status, twice = _json(hank, "post", f"/meetings/{meeting}/close", {})
    assert status == 422 and twice["detail"][0]["message"] == "This meeting is already closed."
    status, listed = _json(_api(c.mia), "get", f"/meetings?department={c.sales.pk}")
    assert status == 200 and [m["id"] for m in listed["items"]] == [meeting] and not listed["items"][0]["can_run"]
    status, done = _json(_api(c.mia), "post", f"/commitments/{commitment['id']}/status", {"status": "done"})
    assert status == 200 and done["status"] == "done"


def test_it_refuses_the_api_to_those_who_may_not(company: Company, okrs: Okrs) -> None:
    c = company
    status, _ = _json(
        _api(c.mia), "post", "/meetings", {"kind": "department", "department": c.sales.pk, "date": "2026-11-10"}
    )
    assert status == 403
    status, _ = _json(
        _api(c.oscar), "post", "/meetings", {"kind": "department", "department": c.sales.pk, "date": "2026-11-10"}
    )
    assert status == 404
    status, _ = _json(_api(c.mia), "post", "/meetings", {"kind": "management", "date": "2026-11-10"})
    assert status == 404
    assert not Meeting.objects.exists()
    status, made = _json(_api(c.erin), "post", "/meetings", {"kind": "management", "date": "2026-11-10"})
    assert status == 201
    status, _ = _json(_api(c.oscar), "get", f"/meetings/{made['id']}")
    assert status == 404
    status, weeks = _json(_api(c.hank), "get", f"/meetings/{made['id']}/weeks")
    assert status == 200 and weeks == []


def test_it_writes_only_my_own_week_through_the_api_EXE_3(company: Company, okrs: Okrs) -> None:
    c = company
    status, made = _json(
        _api(c.hank), "post", "/meetings", {"kind": "department", "department": c.sales.pk, "date": "2026-11-10"}
    )
    status, week = _json(_api(c.mia), "put", f"/meetings/{made['id']}/week", {"progress": "签下两家"})
    assert status == 200 and week["person"] == c.mia.pk and week["written"]
    status, weeks = _json(_api(c.hank), "get", f"/meetings/{made['id']}/weeks")
    assert {w["person"]: w["progress"] for w in weeks}[c.mia.pk] == "签下两家"
    status, _ = _json(_api(c.oscar), "put", f"/meetings/{made['id']}/week", {"progress": "不是我的"})
    assert status == 404

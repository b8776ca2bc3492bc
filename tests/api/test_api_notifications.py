"""The inbox through the API (issue 7, item 11): the caller's notifications, marking them read, and how they are
told; the same services as the pages, so the same refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from qibu.notify.inbox import notify
from qibu.notify.models import Notification, NotificationKind, NotificationSettings
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company


def _api(person: Person) -> tuple[Client, dict[str, str]]:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return Client(), {"Authorization": f"Bearer {secret}"}


def _reminder(i: int) -> Callable[[Person], str]:
    return lambda person: f"提醒 {i}"


def _tell(person: Person, n: int) -> None:
    for i in range(n):
        notify(kind=NotificationKind.REMINDER, recipients=[person], text=_reminder(i), key=f"t{i}")


def test_it_lists_the_callers_notifications_only_newest_first(company: Company) -> None:
    _tell(company.mia, 3)
    _tell(company.hank, 1)
    client, headers = _api(company.mia)
    body = client.get("/api/v1/notifications", headers=headers).json()
    assert (body["count"], body["unread"]) == (3, 3)
    assert [item["text"] for item in body["items"]] == ["提醒 2", "提醒 1", "提醒 0"]
    assert body["items"][0]["kind"] == "reminder" and body["items"][0]["read_at"] is None


def test_it_marks_some_or_all_read_and_never_someone_elses(company: Company) -> None:
    _tell(company.mia, 3)
    _tell(company.hank, 1)
    theirs = Notification.objects.get(recipient=company.hank).pk
    first = Notification.objects.filter(recipient=company.mia).order_by("pk").first()
    assert first is not None
    client, headers = _api(company.mia)
    marked = client.post(
        "/api/v1/notifications/read", json.dumps({"ids": [first.pk, theirs]}), "application/json", headers=headers
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true", headers=headers).json()["count"] == 2
    rest = client.post("/api/v1/notifications/read", "{}", "application/json", headers=headers)
    assert rest.json() == {"marked": 2}
    assert Notification.objects.get(pk=theirs).read_at is None


def test_it_reads_and_changes_how_the_caller_is_told(company: Company) -> None:
    client, headers = _api(company.mia)
    before = client.get("/api/v1/notification-settings", headers=headers).json()
    assert before["deliveries"]["mention"] == "mail" and before["deliveries"]["stale"] == "digest"
    body: dict[str, Any] = {"deliveries": {"stale": "inbox"}, "quiet_from": "22:00:00", "quiet_until": "07:30:00"}
    after = client.put("/api/v1/notification-settings", json.dumps(body), "application/json", headers=headers)
    assert after.status_code == 200, after.content
    saved = NotificationSettings.objects.get(person=company.mia)
    assert saved.delivery("stale") == "inbox" and saved.delivery("mention") == "mail"
    assert after.json()["quiet_until"] == "07:30:00"


def test_it_refuses_quiet_hours_with_one_end_naming_the_field_and_writes_nothing(company: Company) -> None:
    client, headers = _api(company.mia)
    body = {"quiet_from": "22:00:00"}
    answer = client.put("/api/v1/notification-settings", json.dumps(body), "application/json", headers=headers)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "quiet_until", "message": "Give both ends of the quiet hours, or neither."}
    ]
    assert not NotificationSettings.objects.exists()


def test_it_refuses_a_delivery_that_does_not_exist_naming_the_field(company: Company) -> None:
    client, headers = _api(company.mia)
    body = {"deliveries": {"mention": "pigeon"}}
    answer = client.put("/api/v1/notification-settings", json.dumps(body), "application/json", headers=headers)
    assert answer.status_code == 422
    assert "deliveries" in json.dumps(answer.json())

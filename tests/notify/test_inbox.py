"""The inbox (issue 7, items 5 and 9): what people are told about their OKRs, in their inbox with the count in
the menu, and by mail at once (after quiet hours) or in a daily digest, as each chooses."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.jobs.worker import Worker
from qibu.notify import inbox
from qibu.notify.models import Delivery, Notification, NotificationKind, NotificationSettings, OutboxMail
from qibu.okrs.notifications import stale_key_results_told
from qibu.okrs.services import checkin_record
from qibu.org.models import Person
from tests.conftest import Company
from tests.smtp_sink import SmtpSink, part_text

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _fall(company: Company, okrs: dict[str, Any], *, to: int = 40, reason: str = "大客户推迟签约") -> None:
    """Mia's confidence in her key result falls from 80."""
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=to, confidence_reason=reason)


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _choose(person: Person, **deliveries: str) -> None:
    NotificationSettings.objects.update_or_create(person=person, defaults={"deliveries": deliveries})


def test_it_tells_the_department_head_of_a_fall_in_confidence_with_its_reason_EXE_4(
    company: Company, okrs: dict[str, Any]
) -> None:
    """EXE-4: a fall that needed a reason reaches the head of the owner's department, who sees it in the inbox."""
    _fall(company, okrs, reason="大客户推迟签约 <script>alert(1)</script>")
    (told,) = Notification.objects.all()
    assert (told.recipient, told.kind, told.actor) == (company.hank, NotificationKind.CONFIDENCE_FALL, company.mia)
    assert "苏州新签 4 家客户" in told.text and "80% to 40%" in told.text and "大客户推迟签约" in told.text
    page = _signed_in(company.hank).get(reverse("notify:inbox")).content.decode()
    assert "苏州新签 4 家客户" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert '<span class="count">1</span>' in page


def test_it_tells_nobody_of_a_small_fall_or_a_rise_EXE_4(company: Company, okrs: dict[str, Any]) -> None:
    """EXE-4: below the threshold (30 points) a fall needs no reason and bothers no one."""
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=60)
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=2, confidence=90)
    assert not Notification.objects.exists()


def test_it_tells_the_owner_when_someone_else_checked_in(company: Company, okrs: dict[str, Any]) -> None:
    checkin_record(
        actor=company.hank, key_result=okrs["my_kr"], value=1, confidence=20, confidence_reason="客户预算冻结"
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"mia"}, "not the actor"


def test_it_opens_what_a_notification_is_about_and_counts_it_read(company: Company, okrs: dict[str, Any]) -> None:
    _fall(company, okrs)
    told = Notification.objects.get()
    client = _signed_in(company.hank)
    response = client.get(reverse("notify:inbox_open", args=[told.pk]))
    assert response["Location"] == f"/objectives/{okrs['mine'].pk}/#kr-{okrs['my_kr'].pk}"
    told.refresh_from_db()
    assert told.read_at is not None
    assert '<span class="count">' not in client.get(reverse("notify:inbox")).content.decode()


def test_it_opens_only_ones_own_notifications(company: Company, okrs: dict[str, Any]) -> None:
    _fall(company, okrs)
    told = Notification.objects.get()
    assert _signed_in(company.oscar).get(reverse("notify:inbox_open", args=[told.pk])).status_code == 404
    assert _signed_in(company.oscar).post(reverse("notify:inbox_read"), {"id": told.pk}).status_code == 302
    told.refresh_from_db()
    assert told.read_at is None, "someone else's notification stays unread"


def test_it_marks_everything_read_at_once(company: Company, okrs: dict[str, Any]) -> None:
    _fall(company, okrs)
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=90)
    _fall(company, okrs, to=10, reason="第二次下降")
    assert Notification.objects.filter(recipient=company.hank, read_at__isnull=True).count() == 2
    response = _signed_in(company.hank).post(reverse("notify:inbox_read"), follow=True)
    assert "All your notifications are marked read (2)" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_tells_each_person_once_per_key(company: Company) -> None:
    for _again in range(2):
        inbox.notify(kind=NotificationKind.REMINDER, recipients=[company.mia], text=lambda p: "签到提醒", key="k:1")
    assert Notification.objects.count() == 1


def test_it_counts_unread_without_a_query_more_on_any_page(
    company: Company, okrs: dict[str, Any], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The count rides on the query that loads the signed-in person: the same queries with 1 or 30 unread."""
    client = _signed_in(company.hank)
    inbox.notify(kind=NotificationKind.REMINDER, recipients=[company.hank], text=lambda p: "提醒", key="r")
    client.get(reverse("notify:inbox"))
    with django_assert_num_queries(5) as empty:
        client.get(reverse("notify:inbox"))
    for n in range(29):
        inbox.notify(kind=NotificationKind.REMINDER, recipients=[company.hank], text=lambda p: "提醒", key=f"r:{n}")
    with django_assert_num_queries(len(empty.captured_queries)):
        page = client.get(reverse("notify:inbox")).content.decode()
    assert '<span class="count">30</span>' in page


def test_it_mails_at_once_when_the_person_chose_so(company: Company, okrs: dict[str, Any], smtp: SmtpSink) -> None:
    company.hank.email = "hank@yunzhou.example"
    company.hank.save(update_fields=["email"])
    _choose(company.hank, confidence_fall=Delivery.MAIL)
    _fall(company, okrs)
    Worker(name="w").run(until_empty=True)
    (received,) = smtp.received
    assert received.to == ["hank@yunzhou.example"]
    body = part_text(received.message, "text/plain")
    assert "苏州新签 4 家客户" in body and f"/objectives/{okrs['mine'].pk}/" in body
    Worker(name="w").run(until_empty=True)
    assert len(smtp.received) == 1, "mailed once"


def test_it_keeps_mail_until_quiet_hours_end(company: Company) -> None:
    NotificationSettings.objects.create(
        person=company.mia, deliveries={"reminder": "mail"}, quiet_from=dt.time(22), quiet_until=dt.time(7)
    )
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI)
    (told,) = inbox.notify(
        kind=NotificationKind.REMINDER, recipients=[company.mia], text=lambda p: "签到", key="q", now=late
    )
    assert told.mail_due_at == dt.datetime(2026, 12, 2, 7, 0, tzinfo=SHANGHAI)
    assert inbox.mail_due(now=late + dt.timedelta(hours=2)) == 0
    assert inbox.mail_due(now=dt.datetime(2026, 12, 2, 7, 1, tzinfo=SHANGHAI)) == 1
    assert OutboxMail.objects.filter(recipient=company.mia, kind="notification").count() == 1


def _numbered(n: int) -> Callable[[Person], str]:
    return lambda person: f"第 {n} 条"


def test_it_gathers_the_rest_into_one_daily_digest_at_the_chosen_hour(company: Company) -> None:
    morning = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)
    for n in range(3):
        inbox.notify(
            kind=NotificationKind.STALE,
            recipients=[company.mia],
            text=_numbered(n),
            key=f"s{n}",
            now=morning,
        )
    inbox.mark_read(person=company.mia, ids=[Notification.objects.get(key=f"s0:to:{company.mia.pk}").pk])
    assert inbox.mail_digests(now=morning) == 0, "the default digest hour is 9"
    assert inbox.mail_digests(now=morning + dt.timedelta(hours=1)) == 2, "not the one already read"
    (digest,) = OutboxMail.objects.filter(kind="notification_digest")
    assert "第 1 条" in digest.text and "第 2 条" in digest.text and "第 0 条" not in digest.text
    assert digest.subject == "Your Qibu digest: 2 new"
    assert inbox.mail_digests(now=morning + dt.timedelta(hours=1, minutes=30)) == 0


def test_it_tells_an_owner_of_a_stale_key_result_once_a_week_MEAS_8(company: Company, okrs: dict[str, Any]) -> None:
    """MEAS-8: no check-in within the cadence (7 days) → the owner hears of it, once a week per key result."""
    later = okrs["my_kr"].created_at + dt.timedelta(days=8)
    assert stale_key_results_told(policy=company.org, now=later) == 3, "erin's, hank's and mia's key results"
    assert stale_key_results_told(policy=company.org, now=later + dt.timedelta(hours=6)) == 0
    mine = Notification.objects.get(recipient=company.mia)
    assert mine.text == "“苏州新签 4 家客户” has had no check-in yet."
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=80, at=later)
    next_week = later + dt.timedelta(days=7)
    assert stale_key_results_told(policy=company.org, now=next_week) == 2, "mia checked in since"


def test_it_tells_in_the_recipients_language(company: Company, okrs: dict[str, Any]) -> None:
    company.hank.language = "zh-hans"
    company.hank.save(update_fields=["language"])
    _fall(company, okrs)
    assert Notification.objects.get().text.startswith("对“苏州新签 4 家客户”的信心从 80% 降到 40%")


def test_it_saves_how_a_person_wants_to_be_told(company: Company) -> None:
    client = _signed_in(company.mia)
    data: dict[str, str] = {f"delivery_{kind}": Delivery.INBOX for kind in NotificationKind.values}
    data |= {"delivery_mention": Delivery.DIGEST, "quiet_from": "21:00", "quiet_until": "08:00", "digest_hour": "18"}
    assert client.post(reverse("notify:notification_settings"), data).status_code == 302
    saved = NotificationSettings.objects.get(person=company.mia)
    assert saved.delivery("mention") == Delivery.DIGEST and saved.delivery("stale") == Delivery.INBOX
    assert (saved.quiet_from, saved.quiet_until, saved.digest_hour, saved.weekly_digest) == (
        dt.time(21),
        dt.time(8),
        18,
        False,
    )


def test_it_refuses_quiet_hours_with_one_end_naming_the_field(company: Company) -> None:
    client = _signed_in(company.mia)
    data = {f"delivery_{kind}": Delivery.INBOX for kind in NotificationKind.values}
    response = client.post(reverse("notify:notification_settings"), data | {"quiet_from": "21:00", "digest_hour": "9"})
    assert response.status_code == 400
    assert "Give both ends of the quiet hours, or neither." in response.content.decode()
    assert not NotificationSettings.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_shows_an_empty_inbox_that_says_what_will_come(company: Company, language: str) -> None:
    client = _signed_in(company.mia)
    client.cookies["qibu_language"] = language
    page = client.get(reverse("notify:inbox")).content.decode()
    assert ("Nothing yet." if language == "en" else "还没有通知。") in page

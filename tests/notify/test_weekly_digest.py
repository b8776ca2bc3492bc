"""The weekly personal digest (issue 7, item 9): Monday from 9:00, once a week per person, their key results with
the stale ones first and the falls in confidence of the week in their department; off for whoever turns it off."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from qibu.notify.models import NotificationSettings, OutboxMail
from qibu.okrs.digest import digests_for_week, weekly_digests_mail
from qibu.okrs.models import Visibility
from qibu.okrs.services import checkin_record, objective_update
from tests.conftest import Company

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 11, 30, 9, 5, tzinfo=SHANGHAI)


def _addresses(company: Company) -> None:
    for person in (company.alice, company.erin, company.hank, company.mia, company.oscar):
        person.email = f"{person.username}@yunzhou.example"
        person.save(update_fields=["email"])


def test_it_mails_each_owner_their_key_results_on_monday_morning_once_MEAS_8(
    company: Company, okrs: dict[str, Any]
) -> None:
    _addresses(company)
    company.org.refresh_from_db()
    assert weekly_digests_mail(policy=company.org, now=MONDAY_9 - dt.timedelta(hours=1)) == 0, "before 9:00"
    assert weekly_digests_mail(policy=company.org, now=MONDAY_9 + dt.timedelta(days=1)) == 0, "not on Tuesday"
    assert weekly_digests_mail(policy=company.org, now=MONDAY_9) == 3, "erin, hank and mia own key results"
    assert weekly_digests_mail(policy=company.org, now=MONDAY_9 + dt.timedelta(hours=3)) == 0, "once a week"
    mia = OutboxMail.objects.get(recipient=company.mia, kind="weekly_digest")
    assert mia.subject == "Your OKRs this week"
    assert "苏州新签 4 家客户: 0%, confidence 80%" in mia.text
    assert f"/objectives/{okrs['mine'].pk}/#kr-{okrs['my_kr'].pk}" in mia.html and "<script" not in mia.html


def test_it_names_the_weeks_falls_in_the_department_but_not_private_ones_EXE_4(
    company: Company, okrs: dict[str, Any]
) -> None:
    now = timezone.now()
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=30, confidence_reason="客户流失")
    digests = {d.person.username: d for d in digests_for_week(company.org, now + dt.timedelta(minutes=1))}
    assert digests == {}, "nobody has an address yet"
    _addresses(company)
    digests = {d.person.username: d for d in digests_for_week(company.org, now + dt.timedelta(minutes=1))}
    (fall,) = digests["hank"].falls
    assert (fall.title, fall.owner, fall.before, fall.after, fall.reason) == (
        "苏州新签 4 家客户",
        "米娅",
        80,
        30,
        "客户流失",
    )
    assert digests["mia"].falls == [fall], "her department's"
    assert "oscar" not in digests, "marketing: no key results, no falls"
    objective_update(actor=company.mia, objective=okrs["mine"], data={"visibility": Visibility.PRIVATE})
    digests = {d.person.username: d for d in digests_for_week(company.org, now + dt.timedelta(minutes=1))}
    assert digests["hank"].falls == [], "a private objective's fall is not told to the department"


def test_it_sends_nothing_to_whoever_turned_it_off(company: Company, okrs: dict[str, Any]) -> None:
    _addresses(company)
    NotificationSettings.objects.create(person=company.mia, weekly_digest=False)
    weekly_digests_mail(policy=company.org, now=MONDAY_9)
    assert set(OutboxMail.objects.values_list("recipient__username", flat=True)) == {"erin", "hank"}


def test_it_puts_stale_key_results_first_MEAS_8(company: Company, okrs: dict[str, Any]) -> None:
    _addresses(company)
    later = okrs["my_kr"].created_at + dt.timedelta(days=10)
    digests = {d.person.username: d for d in digests_for_week(company.org, later)}
    assert [line.stale for line in digests["mia"].key_results] == [True]

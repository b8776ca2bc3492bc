"""Closing the stand-up (EXE-1, EXE-2): the summary names who posted, who is missing and, apart, who is away, and
lists the blockers; it goes to the team's chat and to its people (inbox or mail); each blocker's people get the
follow-up; closing twice is refused and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qibu.blockers.models import Blocker
from qibu.jobs.worker import Worker
from qibu.notify.models import ChatMessage, ChatWebhook, Delivery, Notification, NotificationKind, NotificationSettings
from qibu.org.services import person_create
from qibu.rhythm.services import absence_create
from qibu.standups.models import StandUp
from qibu.standups.services import ItemInput, entry_post, stand_up_close, stand_ups_close_due
from tests.conftest import Company
from tests.smtp_sink import SmtpSink, part_text
from tests.standups.helpers import BEFORE, MONDAY, START, lines, monday_stand_up

END = START + dt.timedelta(minutes=15)


def _webhook(company: Company) -> ChatWebhook:
    return ChatWebhook.objects.create(
        name="销售群", platform="wecom", team=company.sales_team, url="https://chat.invalid/hook"
    )


def test_the_summary_names_the_missing_and_the_away_apart_and_goes_to_chat_EXE_1(company: Company) -> None:
    _webhook(company)
    lin = person_create(actor=None, username="lin", full_name="林请假", password="x" * 12,
                        department=company.sales, team=company.sales_team)  # fmt: skip
    absence_create(actor=company.alice, person=lin, start=MONDAY, end=MONDAY, note="年假")
    stand_up = monday_stand_up(company)
    entry_post(actor=company.mia, stand_up=stand_up, items=lines(blocker="等法务审合同"), now=BEFORE)
    summary = stand_up_close(actor=company.hank, stand_up=stand_up, now=END)
    assert [p.username for p in summary.posted] == ["mia"]
    assert [p.username for p in summary.missing] == ["hank"]
    assert [p.username for p in summary.absent] == ["lin"]
    message = ChatMessage.objects.get()
    text = str(message.payload)
    assert "Posted (1): 米娅" in text and "Missing (1): 韩销售" in text and "Away (1): 林请假" in text
    assert "等法务审合同" in text
    # The people present are told (the closer is not told of what they did); the absent one is not.
    told = set(
        Notification.objects.filter(kind=NotificationKind.STAND_UP).values_list("recipient__username", flat=True)
    )
    assert told == {"mia"}


def test_the_summary_goes_by_mail_to_who_chose_mail_EXE_1(company: Company, smtp: SmtpSink) -> None:
    company.mia.email = "mia@yunzhou.example"
    company.mia.save(update_fields=["email"])
    NotificationSettings.objects.create(person=company.mia, deliveries={NotificationKind.STAND_UP: Delivery.MAIL})
    stand_up = monday_stand_up(company)
    entry_post(actor=company.mia, stand_up=stand_up, items=lines(), now=BEFORE)
    stand_up_close(actor=company.hank, stand_up=stand_up, now=END)
    Worker(name="w").run(until_empty=True)
    (received,) = smtp.received
    assert received.to == ["mia@yunzhou.example"]
    assert "Missing (1): 韩销售" in part_text(received.message, "text/plain")


def test_blockers_are_followed_up_by_their_people_only_after_the_close_EXE_2(company: Company) -> None:
    stand_up = monday_stand_up(company)
    items = [*lines(), ItemInput(section="blocker", text="报价审批卡在财务", owner=company.hank.pk,
                                 concerned=[company.erin.pk])]  # fmt: skip
    entry_post(actor=company.mia, stand_up=stand_up, items=items, now=BEFORE)
    Notification.objects.all().delete()
    stand_up_close(actor=company.hank, stand_up=stand_up, now=END)
    follow_ups = Notification.objects.filter(kind=NotificationKind.BLOCKER)
    assert set(follow_ups.values_list("recipient__username", flat=True)) == {"hank", "erin"}
    assert Blocker.objects.get().status == "open"


def test_closing_twice_is_refused_and_nothing_changes_EXE_1(company: Company) -> None:
    _webhook(company)
    stand_up = monday_stand_up(company)
    stand_up_close(actor=company.hank, stand_up=stand_up, now=END)
    closed_at = StandUp.objects.get().closed_at
    counts = (ChatMessage.objects.count(), Notification.objects.count())
    with pytest.raises(ValidationError, match="closed already"):
        stand_up_close(actor=company.hank, stand_up=stand_up, now=END + dt.timedelta(minutes=5))
    assert StandUp.objects.get().closed_at == closed_at
    assert (ChatMessage.objects.count(), Notification.objects.count()) == counts


def test_a_member_may_not_close_it_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    with pytest.raises(ValidationError, match="Only the team's lead"):
        stand_up_close(actor=company.mia, stand_up=stand_up, now=END)
    assert StandUp.objects.get().closed_at is None


def test_the_worker_closes_a_stand_up_nobody_closed_an_hour_after_it_EXE_1(company: Company) -> None:
    stand_up = monday_stand_up(company)
    assert stand_ups_close_due(now=END + dt.timedelta(minutes=30)) == 0
    assert stand_ups_close_due(now=END + dt.timedelta(hours=1)) == 1
    assert stand_ups_close_due(now=END + dt.timedelta(hours=2)) == 0
    stand_up.refresh_from_db()
    assert stand_up.closed_at is not None and stand_up.closed_by is None

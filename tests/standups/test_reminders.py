"""The stand-up's reminders through the rhythm (EXE-1): the first one before the meeting opens the posting page and
goes to the team's chat too; the late one names only those who have not posted (absent people neither told nor
named); none on a holiday."""

from __future__ import annotations

import datetime as dt

from qibu.notify.models import ChatMessage, ChatWebhook, Notification, NotificationKind
from qibu.org.services import person_create
from qibu.rhythm.reminders import reminders_send
from qibu.rhythm.services import absence_create, holiday_create
from qibu.standups.services import entry_post, stand_up_get_or_make
from tests.conftest import Company, present
from tests.rhythm.helpers import local
from tests.standups.helpers import MONDAY, lines, stand_up_schedule


def _told(stage_text: str) -> dict[str, str]:
    rows = Notification.objects.filter(kind=NotificationKind.STAND_UP, text__contains=stage_text)
    return dict(rows.values_list("recipient__username", "text"))


def test_the_first_reminder_opens_the_posting_page_and_goes_to_the_chat_EXE_1(company: Company) -> None:
    ChatWebhook.objects.create(name="群", platform="wecom", team=company.sales_team, url="https://chat.invalid/h")
    stand_up_schedule(company, remind_before_minutes=60, late_before_minutes=10)
    assert reminders_send(now=local(2026, 10, 5, 8, 31)) == 2
    notification = Notification.objects.get(recipient=company.mia)
    assert notification.url == f"/standups/teams/{company.sales_team.pk}/"
    assert "Stand-up of 华东大客户组 at 09:30" in notification.text
    assert ChatMessage.objects.count() == 1


def test_the_late_reminder_names_only_those_who_have_not_posted_EXE_1(company: Company) -> None:
    lin = person_create(actor=None, username="lin", full_name="林请假", password="x" * 12,
                        department=company.sales, team=company.sales_team)  # fmt: skip
    absence_create(actor=company.alice, person=lin, start=MONDAY, end=MONDAY)
    stand_up_schedule(company, remind_before_minutes=60, late_before_minutes=10)
    reminders_send(now=local(2026, 10, 5, 8, 31))
    stand_up = present(stand_up_get_or_make(team=company.sales_team, day=MONDAY))
    entry_post(actor=company.hank, stand_up=stand_up, items=lines(), now=local(2026, 10, 5, 9, 0))
    assert reminders_send(now=local(2026, 10, 5, 9, 21)) == 2
    late = _told("Not posted yet")
    # mia, who has not posted, and hank, the lead; lin is away: neither told nor named.
    assert set(late) == {"mia", "hank"}
    assert late["mia"] == "Not posted yet for the stand-up of 华东大客户组 at 09:30: 米娅."


def test_no_late_reminder_when_everyone_posted_EXE_1(company: Company) -> None:
    stand_up_schedule(company, remind_before_minutes=60, late_before_minutes=10)
    assert reminders_send(now=local(2026, 10, 5, 8, 31)) == 2
    stand_up = present(stand_up_get_or_make(team=company.sales_team, day=MONDAY))
    for person in (company.hank, company.mia):
        entry_post(actor=person, stand_up=stand_up, items=lines(), now=local(2026, 10, 5, 9, 0))
    assert reminders_send(now=local(2026, 10, 5, 9, 21)) == 0


def test_no_reminder_on_a_holiday_EXE_1(company: Company) -> None:
    stand_up_schedule(company, remind_before_minutes=60, late_before_minutes=10)
    holiday_create(actor=company.alice, day=MONDAY, name="国庆节")
    assert reminders_send(now=local(2026, 10, 5, 8, 31)) == 0
    assert reminders_send(now=local(2026, 10, 5, 9, 21)) == 0
    assert reminders_send(now=local(2026, 10, 5, 8, 31) + dt.timedelta(days=1)) == 2

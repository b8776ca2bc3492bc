"""A forgotten password (issue 7, item 5): a reset link mailed through the outbox to a real SMTP server, the same
answer whether or not the address is someone's, one mail per quarter hour, a link that works once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qibu.audit.models import AuditEntry
from qibu.jobs.worker import Worker
from qibu.notify.models import OutboxMail
from qibu.notify.password_reset import password_reset_request
from tests.conftest import PASSWORD, Company
from tests.smtp_sink import SmtpSink, part_text

NEW = "a quite different horse 42"
SITE = "http://testserver/"


@pytest.fixture
def mia(company: Company) -> Company:
    company.mia.email = "mia@yunzhou.example"
    company.mia.save(update_fields=["email"])
    return company


def _ask(address: str, language: str = "en") -> tuple[int, str]:
    client = Client()
    client.cookies["qibu_language"] = language
    response = client.post(reverse("password_reset"), {"email": address})
    return response.status_code, response.content.decode()


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", page)


def _link_in(text: str) -> str:
    match = re.search(r"http://testserver(/reset-password/[^/\s]+/[^/\s]+/)", text)
    assert match, text
    return match.group(1)


def test_it_mails_a_link_that_sets_a_new_password_once(mia: Company, smtp: SmtpSink) -> None:
    status, page = _ask("MIA@yunzhou.example")
    assert status == 200 and "a link to choose a new password is on its way" in page
    Worker(name="w").run(until_empty=True)
    (received,) = smtp.received
    assert received.to == ["mia@yunzhou.example"]
    message = received.message
    assert message["Subject"] == "Reset your Qibu password"
    text, html = part_text(message, "text/plain"), part_text(message, "text/html")
    link = _link_in(text)
    assert link in html and "<script" not in html

    client = Client()
    confirm = client.get(link, follow=True)
    assert b"Choose your password" in confirm.content
    response = client.post(confirm.redirect_chain[-1][0], {"new_password": NEW, "new_password_again": NEW})
    assert response.status_code == 302
    mia.mia.refresh_from_db()
    assert mia.mia.check_password(NEW)
    again = Client().get(link, follow=True)
    assert b"This link does not work" in again.content and b"Ask for a new link" in again.content
    assert Client().post(reverse("login"), {"username": "mia", "password": NEW}).status_code == 302
    assert AuditEntry.objects.filter(action="person.password_reset_mailed", subject_id=mia.mia.pk).count() == 1


def test_it_answers_the_same_for_an_address_nobody_has_and_mails_nothing(mia: Company, smtp: SmtpSink) -> None:
    known = _ask("mia@yunzhou.example")
    unknown = _ask("nobody@yunzhou.example")
    assert known[0] == unknown[0] == 200
    assert _without_tokens(known[1]).replace("mia@", "X@") == _without_tokens(unknown[1]).replace("nobody@", "X@")
    Worker(name="w").run(until_empty=True)
    assert [r.to for r in smtp.received] == [["mia@yunzhou.example"]]


def test_it_mails_nobody_deactivated(mia: Company, smtp: SmtpSink) -> None:
    mia.mia.is_active = False
    mia.mia.save(update_fields=["is_active"])
    assert password_reset_request(address="mia@yunzhou.example", site=SITE) == 0
    assert not OutboxMail.objects.exists()


def test_it_mails_once_a_quarter_hour_however_often_asked(mia: Company) -> None:
    at = timezone.now().replace(minute=0, second=0, microsecond=0)
    assert password_reset_request(address="mia@yunzhou.example", site=SITE, now=at) == 1
    assert password_reset_request(address="mia@yunzhou.example", site=SITE, now=at + dt.timedelta(minutes=14)) == 0
    assert password_reset_request(address="mia@yunzhou.example", site=SITE, now=at + dt.timedelta(minutes=15)) == 1
    assert OutboxMail.objects.filter(kind="password_reset").count() == 2


def test_it_mails_in_the_persons_language(mia: Company) -> None:
    mia.mia.language = "zh-hans"
    mia.mia.save(update_fields=["language"])
    password_reset_request(address="mia@yunzhou.example", site=SITE)
    mail = OutboxMail.objects.get()
    assert mail.subject == "重置你的七步密码"
    assert "你" in mail.text and "您" not in mail.text + mail.html


@pytest.mark.parametrize(
    ("address", "message", "language"),
    [
        ("", "Enter your e-mail address.", "en"),
        ("not an address", "Enter a valid e-mail address.", "en"),
        ("x@", "请输入有效的电子邮箱地址。", "zh-hans"),
    ],
)
def test_it_refuses_what_is_no_address_naming_the_field(
    mia: Company, address: str, message: str, language: str
) -> None:
    status, page = _ask(address, language)
    assert status == 400
    assert message in page and 'id="id_email"' in page
    assert not OutboxMail.objects.exists()


def test_it_links_the_sign_in_page_to_the_reset(db: None) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in page


def test_it_keeps_the_mail_for_administrators_without_a_mail_server(mia: Company) -> None:
    status, page = _ask("mia@yunzhou.example")
    assert status == 200
    assert "This installation has no mail server yet" in page
    Worker(name="w").run(until_empty=True)
    assert OutboxMail.objects.get().status == "held"
    mia.mia.refresh_from_db()
    assert mia.mia.check_password(PASSWORD), "the old password still works until a new one is set"

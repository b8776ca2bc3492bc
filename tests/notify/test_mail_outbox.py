"""Mail you can trust (issue 7): an outbox row per recipient and message, written in the action's transaction,
sent by a worker over one SMTP connection per batch to a real SMTP server, retried with back-off, never twice."""

from __future__ import annotations

from email.message import Message

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import Settings

from qibu.jobs.models import Job
from qibu.jobs.worker import Worker
from qibu.notify import services
from qibu.notify.models import MailStatus, OutboxMail
from qibu.org.models import Person
from tests.conftest import Company
from tests.smtp_sink import SmtpSink, free_port


def _queue(person: Person, key: str = "test:1", **fields: str) -> OutboxMail:
    return services.mail_queue(
        key=key,
        kind="test",
        recipient=person,
        subject=fields.get("subject", "季度 OKR 已发布"),
        text=fields.get("text", "你好,本季度的 OKR 已发布。"),
        html=fields.get("html", "<p>你好,本季度的 <strong>OKR</strong> 已发布。</p>"),
    )


def _decoded(part: Message) -> str:
    """The text of one part of a message, its transfer encoding undone."""
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


@pytest.fixture
def people(company: Company) -> Company:
    for person in (company.alice, company.erin, company.hank, company.mia, company.oscar):
        person.email = f"{person.username}@yunzhou.example"
        person.save(update_fields=["email"])
    return company


def test_it_queues_mail_only_if_the_action_commits(people: Company) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(people.mia)
        raise RuntimeError("the action failed")
    assert not OutboxMail.objects.exists()
    assert not Job.objects.exists()
    _queue(people.mia)
    assert OutboxMail.objects.get().status == MailStatus.QUEUED
    assert Job.objects.filter(task="notify.send_mail").count() == 1


def test_it_queues_one_message_per_key(people: Company) -> None:
    first = _queue(people.mia, key="publication:1:person:4")
    again = _queue(people.mia, key="publication:1:person:4", subject="另一个主题")
    assert first.pk == again.pk
    assert OutboxMail.objects.count() == 1


def test_it_records_a_recipient_without_an_address_and_sends_nothing(people: Company) -> None:
    people.oscar.email = ""
    people.oscar.save(update_fields=["email"])
    mail = _queue(people.oscar)
    assert mail.status == MailStatus.FAILED
    assert "no e-mail address" in mail.last_error
    assert not Job.objects.exists()


def test_it_keeps_mail_in_the_outbox_without_a_mail_server(people: Company, settings: Settings) -> None:
    settings.QIBU_MAIL_SENDS = False
    _queue(people.mia)
    Worker(name="w").run(until_empty=True)
    mail = OutboxMail.objects.get()
    assert mail.status == MailStatus.HELD
    assert mail.text == "你好,本季度的 OKR 已发布。"


def test_it_sends_a_batch_over_one_connection_with_text_and_html(people: Company, smtp: SmtpSink) -> None:
    for person in (people.erin, people.hank, people.mia):
        _queue(person, key=f"test:{person.pk}")
    Worker(name="w").run(until_empty=True)
    assert smtp.sessions == 1
    received = {r.to[0]: r.message for r in smtp.received}
    assert set(received) == {"erin@yunzhou.example", "hank@yunzhou.example", "mia@yunzhou.example"}
    message = received["mia@yunzhou.example"]
    assert message.is_multipart()
    parts = {part.get_content_type(): _decoded(part) for part in message.walk() if not part.is_multipart()}
    assert "本季度的 OKR 已发布" in parts["text/plain"]
    assert "<strong>OKR</strong>" in parts["text/html"]
    assert "米娅" in str(message["To"]) or "=?utf-8?" in str(message["To"])
    stored = OutboxMail.objects.get(recipient=people.mia)
    assert (stored.status, stored.attempts, message["Message-ID"]) == (MailStatus.SENT, 1, stored.message_id)
    assert stored.sent_at is not None


def test_it_fails_a_refused_address_for_good_and_sends_the_others(people: Company, smtp: SmtpSink) -> None:
    smtp.refuse("hank@yunzhou.example")
    for person in (people.hank, people.mia):
        _queue(person, key=f"test:{person.pk}")
    Worker(name="w").run(until_empty=True)
    hank, mia = OutboxMail.objects.get(recipient=people.hank), OutboxMail.objects.get(recipient=people.mia)
    assert (hank.status, mia.status) == (MailStatus.FAILED, MailStatus.SENT)
    assert "550" in hank.last_error
    assert [r.to for r in smtp.received] == [["mia@yunzhou.example"]]


def test_it_retries_later_when_the_server_cannot_be_reached(people: Company, settings: Settings) -> None:
    settings.QIBU_MAIL_SENDS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    _queue(people.mia)
    Worker(name="w").run(until_empty=True)
    mail = OutboxMail.objects.get()
    assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 1)
    assert mail.next_attempt_at > timezone.now()
    assert "refused" in mail.last_error.lower() or "connect" in mail.last_error.lower()


def test_it_sends_a_kept_or_failed_message_again_when_an_administrator_asks(
    people: Company, smtp: SmtpSink, settings: Settings
) -> None:
    settings.QIBU_MAIL_SENDS = False
    mail = _queue(people.mia)
    Worker(name="w").run(until_empty=True)
    settings.QIBU_MAIL_SENDS = True
    services.retry(OutboxMail.objects.get(pk=mail.pk))
    Worker(name="w").run(until_empty=True)
    assert OutboxMail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert len(smtp.received) == 1


def test_it_never_sends_a_sent_message_again(people: Company, smtp: SmtpSink) -> None:
    mail = _queue(people.mia)
    Worker(name="w").run(until_empty=True)
    _queue(people.mia)  # the same key: the action repeated
    services.retry(OutboxMail.objects.get(pk=mail.pk))  # a retry of a sent message is nothing
    Worker(name="w").run(until_empty=True)
    assert len(smtp.received) == 1

"""Administrators read the outbox (issue 7): queued, sent, failed and kept mail, each message as it is sent, and
send a failed one again. Without a mail server, the outbox is where mail can be read."""

from __future__ import annotations

from typing import TypedDict

import pytest
from django.test import Client

from qibu.notify.models import MailStatus, OutboxMail
from qibu.notify.services import mail_queue
from tests.conftest import Company


class Outbox(TypedDict):
    kept: OutboxMail
    failed: OutboxMail


@pytest.fixture
def outbox(company: Company) -> Outbox:
    company.mia.email = "mia@yunzhou.example"
    company.mia.save(update_fields=["email"])
    kept = mail_queue(
        key="t:1",
        kind="test",
        recipient=company.mia,
        subject="季度 OKR 已发布",
        text="你好 <b>米娅</b>",
        html="<p style='color:#333'>你好 <script>alert(1)</script></p>",
    )
    failed = mail_queue(key="t:2", kind="test", to_address="nobody@yunzhou.example", subject="退信", text="…")
    OutboxMail.objects.filter(pk=failed.pk).update(status=MailStatus.FAILED, last_error="550 No such user here")
    OutboxMail.objects.filter(pk=kept.pk).update(status=MailStatus.HELD)
    return {"kept": kept, "failed": failed}


def _admin(company: Company) -> Client:
    client = Client()
    client.force_login(company.alice)
    return client


def test_it_lists_the_outbox_by_status_with_counts(company: Company, outbox: Outbox) -> None:
    page = _admin(company).get("/settings/mail/").content.decode()
    assert "季度 OKR 已发布" in page and "退信" in page
    assert "No mail server is set up" in page
    failed_only = _admin(company).get("/settings/mail/?status=failed").content.decode()
    assert "退信" in failed_only and "季度 OKR 已发布" not in failed_only
    assert "550 No such user here" in failed_only


def test_it_shows_a_message_as_it_would_be_sent_without_running_it(company: Company, outbox: Outbox) -> None:
    client = _admin(company)
    detail = client.get(f"/settings/mail/{outbox['kept'].pk}/").content.decode()
    assert "你好 &lt;b&gt;米娅&lt;/b&gt;" in detail, "the text part is shown as text"
    assert 'sandbox src="/settings/mail/' in detail
    preview = client.get(f"/settings/mail/{outbox['kept'].pk}/preview/")
    assert preview["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in preview["Content-Security-Policy"], "no script may run in the preview"


def test_it_sends_a_failed_message_again_when_asked(company: Company, outbox: Outbox) -> None:
    response = _admin(company).post(f"/settings/mail/{outbox['failed'].pk}/retry/")
    assert response.status_code == 302
    mail = OutboxMail.objects.get(pk=outbox["failed"].pk)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.QUEUED, 0, "")


@pytest.mark.parametrize("persona", ["erin", "hank", "mia", "oscar"])
def test_it_shows_the_outbox_to_administrators_only(company: Company, outbox: Outbox, persona: str) -> None:
    client = Client()
    client.force_login(getattr(company, persona))
    for url in (
        "/settings/mail/",
        f"/settings/mail/{outbox['kept'].pk}/",
        f"/settings/mail/{outbox['kept'].pk}/preview/",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/settings/mail/{outbox['failed'].pk}/retry/").status_code == 403
    assert OutboxMail.objects.get(pk=outbox["failed"].pk).status == MailStatus.FAILED

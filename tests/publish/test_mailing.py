"""The publication's mail (PUB-1): one per employee, in their language, their own OKRs first, then their
department's, then the company's, then the link; built by the worker in batches, never in the request."""

from __future__ import annotations

from email.message import Message

import pytest
from django.test import Client

from qibu.jobs.models import Job
from qibu.jobs.worker import Worker
from qibu.notify.models import OutboxMail
from qibu.org.models import Person
from qibu.publish import mailing, selectors
from qibu.publish.models import Publication
from qibu.publish.services import publication_publish
from tests.conftest import Company
from tests.publish.conftest import Quarter
from tests.smtp_sink import SmtpSink, part_text

MESSAGE = "为什么重要:<b>聚焦</b>"


@pytest.fixture
def addressed(company: Company) -> Company:
    for person in (company.alice, company.erin, company.hank, company.mia, company.oscar):
        Person.objects.filter(pk=person.pk).update(email=f"{person.username}@yunzhou.example")
    Person.objects.filter(pk=company.oscar.pk).update(language="zh-hans")
    return company


def _mail_of(smtp: SmtpSink, username: str) -> Message:
    found = [r.message for r in smtp.received if r.to == [f"{username}@yunzhou.example"]]
    assert len(found) == 1, f"{username} got {len(found)} messages"
    return found[0]


def _publish(c: Company) -> Publication:
    return publication_publish(actor=c.erin, cycle=c.quarter, message=MESSAGE, anyway=True)


def test_it_puts_their_own_okrs_first_then_department_company_and_the_link_PUB_1(
    addressed: Company, quarter: Quarter, smtp: SmtpSink
) -> None:
    publication = _publish(addressed)
    Worker(name="w").run(until_empty=True)
    message = _mail_of(smtp, "mia")
    for kind in ("text/plain", "text/html"):
        body = part_text(message, kind)
        order = [body.index(t) for t in ("打开苏州市场", "销售部拿下十家标杆客户", "成为华东市场第一", "全年营收翻番")]
        assert order == sorted(order), kind
        assert body.index("全年营收翻番") < body.index(f"/publications/{publication.pk}/")
        assert "销售部内部目标" in body  # her department's own, limited to it
        assert "私人目标" not in body  # private: in no mail, not even hers
    html = part_text(message, "text/html")
    assert "<script" not in html.lower() and "<img" not in html.lower() and "src=" not in html
    assert "&lt;b&gt;聚焦&lt;/b&gt;" in html  # the message is text, never markup
    assert "0 → 4 家" in html
    assert "销售部内部目标" not in part_text(_mail_of(smtp, "oscar"), "text/plain")


def test_it_mails_each_person_in_their_language_PUB_1(addressed: Company, quarter: Quarter, smtp: SmtpSink) -> None:
    _publish(addressed)
    Worker(name="w").run(until_empty=True)
    english, chinese = _mail_of(smtp, "mia"), _mail_of(smtp, "oscar")
    assert "Your OKRs" in part_text(english, "text/plain")
    assert "are published" in str(english["Subject"]) or "published" in part_text(english, "text/plain")
    text = part_text(chinese, "text/plain")
    assert "你的 OKR" in text and "Your OKRs" not in text and "您" not in text
    assert OutboxMail.objects.get(recipient=addressed.oscar).language == "zh-hans"


def test_it_mails_nobody_twice_PUB_1(addressed: Company, quarter: Quarter, smtp: SmtpSink) -> None:
    """Publishing twice (the same publication) and a batch run again mail everyone once."""
    publication = _publish(addressed)
    assert _publish(addressed).pk == publication.pk
    Worker(name="w").run(until_empty=True)
    assert mailing.mailing_batch(publication.pk, 1, 10**9) == 0
    mailing.mailing_plan(publication.pk)
    Worker(name="w").run(until_empty=True)
    addresses = sorted(r.to[0] for r in smtp.received)
    assert addresses == sorted(f"{u}@yunzhou.example" for u in ("alice", "erin", "hank", "mia", "oscar"))
    assert len({r.message_id for r in smtp.received}) == 5


def test_it_builds_the_mails_in_batches_of_their_own_jobs(
    addressed: Company, quarter: Quarter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mailing, "BATCH", 2)
    publication = _publish(addressed)
    Worker(name="w").run(until_empty=True)
    batches = Job.objects.filter(task="publish.mail_batch").order_by("pk")
    assert [job.key for job in batches] == [f"publication:{publication.pk}:batch:{n}" for n in range(3)]
    assert OutboxMail.objects.filter(kind="publication").count() == 5


def test_it_answers_the_publish_request_before_any_mail_is_built(
    addressed: Company, quarter: Quarter, smtp: SmtpSink
) -> None:
    client = Client()
    client.force_login(addressed.alice)
    response = client.post(
        f"/publications/quarters/{addressed.quarter.pk}/publish/", {"message": "请大家反馈", "anyway": "on"}
    )
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publications/{publication.pk}/progress/"
    assert OutboxMail.objects.count() == 0  # the request built nothing
    assert Job.objects.filter(task="publish.compile", status="queued").count() == 1
    assert not publication.entries.exists()  # nor copied the OKRs
    progress = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in progress and "<html" not in progress
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page and f'href="/publications/{publication.pk}/progress/">Reload' in page
    assert "Compiling the publication" in page
    Worker(name="w").run(until_empty=True)
    publication.refresh_from_db()
    assert (publication.state, publication.number) == ("published", 1)
    done = selectors.mailing_progress(publication)
    assert (done.recipients, done.built, done.queued, done.sent, done.failed) == (5, 5, 0, 5, 0)
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and '<td class="sent">5</td>' in fragment


def test_it_counts_a_refused_address_as_failed(addressed: Company, quarter: Quarter, smtp: SmtpSink) -> None:
    smtp.refuse("oscar@yunzhou.example")
    publication = _publish(addressed)
    Worker(name="w").run(until_empty=True)
    done = selectors.mailing_progress(publication)
    assert (done.sent, done.failed, done.done) == (4, 1, True)


def test_it_reads_the_recipients_of_a_mail_batch_in_one_query(addressed: Company, smtp: SmtpSink) -> None:
    """The To: header names each recipient: their names come with one query per batch, not one per message."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qibu.notify.services import mail_queue, send_batch

    for person in Person.objects.exclude(email=""):
        mail_queue(key=f"t:{person.pk}", kind="test", recipient=person, subject="s", text="t")
    with CaptureQueriesContext(connection) as queries:
        assert send_batch("w") == (5, 5)
    people = [q["sql"] for q in queries.captured_queries if 'FROM "org_person"' in q["sql"]]
    assert len(people) == 1, people

"""Chat (issue 7, item 7): Feishu/Lark, DingTalk, WeCom and Slack incoming webhooks per department or team, each
message in the platform's format, signed as the platform signs, within its limits, posted by the worker to a
local HTTP receiver; a failing webhook is retried, disabled after failures in a row, and enabled again.

The signatures are computed here with hmac, hashlib and base64, written out, not with the code under test."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from qibu.audit.models import AuditEntry
from qibu.jobs.models import Job
from qibu.jobs.worker import Worker
from qibu.notify.chat import sending, services
from qibu.notify.models import ChatMessage, ChatPlatform, ChatStatus, ChatWebhook
from qibu.okrs.models import KeyResult, Objective, Visibility
from qibu.okrs.services import checkin_record
from qibu.org.models import Department, Team
from tests.chat_receiver import Answer, ChatReceiver
from tests.conftest import Company, Okrs

# A moment after every message of a test is queued (the sender is told the time, so retries and limits are exact).
NOW = dt.datetime.now(dt.UTC).replace(microsecond=123456) + dt.timedelta(hours=1)
WORKER = "test-chat"


@pytest.fixture(autouse=True)
def _site(settings: Settings) -> None:
    settings.QIBU_SITE_URL = "https://qibu.example"


@pytest.fixture
def receiver() -> Iterator[ChatReceiver]:
    with ChatReceiver() as running:
        yield running


def _webhook(
    receiver: ChatReceiver,
    company: Company,
    platform: str,
    *,
    secret: str = "",
    target: Department | Team | None = None,
) -> ChatWebhook:
    return services.chat_webhook_create(
        actor=company.alice,
        target=target or company.sales,
        name=f"销售群 {platform}",
        platform=platform,
        url=receiver.url(f"/{platform}"),
        secret=secret,
    )


def _post(target: Department | Team, key: str = "test:1", lines: list[str] | None = None) -> list[ChatMessage]:
    return services.chat_post(
        target=target,
        title="信心下降：苏州新签 4 家客户",
        lines=lines if lines is not None else ["80% → 40%", "原因：大客户推迟签约"],
        link="/objectives/7/#kr-9",
        key=key,
    )


# --- each platform's format and signature --------------------------------------------------------------------


def test_it_signs_dingtalk_with_the_secret_keyed_hmac_of_timestamp_and_secret_in_the_query(
    company: Company, receiver: ChatReceiver
) -> None:
    secret = "SEC3c1f0d2e9b8a7f6e5d4c3b2a1"
    _webhook(receiver, company, ChatPlatform.DINGTALK, secret=secret)
    _post(company.sales)

    assert sending.drain(WORKER, now=NOW) == 1

    [request] = receiver.received
    timestamp_ms = int(NOW.timestamp() * 1000)
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()).decode()
    assert request.query == {"timestamp": str(timestamp_ms), "sign": expected}
    # URL-encoded in the address as sent (base64 has + / =, which must not reach the server raw).
    assert f"sign={urllib.parse.quote_plus(expected)}" in request.raw_query
    body = request.body
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "信心下降：苏州新签 4 家客户"
    assert "- 原因：大客户推迟签约" in body["markdown"]["text"]
    assert body["markdown"]["text"].endswith("[Open in Qibu](https://qibu.example/objectives/7/#kr-9)")
    assert "sign" not in body and "timestamp" not in body


def test_it_signs_feishu_with_an_empty_message_keyed_by_timestamp_and_secret_in_the_body(
    company: Company, receiver: ChatReceiver
) -> None:
    secret = "fs-secret-9Qx"
    _webhook(receiver, company, ChatPlatform.FEISHU, secret=secret)
    _post(company.sales)

    sending.drain(WORKER, now=NOW)

    [request] = receiver.received
    timestamp_s = int(NOW.timestamp())
    key = f"{timestamp_s}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    body = request.body
    assert body["timestamp"] == str(timestamp_s)
    assert body["sign"] == expected
    assert request.query == {}
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"] == {"tag": "plain_text", "content": "信心下降：苏州新签 4 家客户"}
    assert card["elements"][0]["text"]["content"] == "80% → 40%\n原因：大客户推迟签约"
    assert card["elements"][1]["actions"][0]["url"].endswith("/objectives/7/#kr-9")


def test_it_leaves_unsigned_robots_unsigned(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.DINGTALK)
    _webhook(receiver, company, ChatPlatform.FEISHU)
    _post(company.sales)

    sending.drain(WORKER, now=NOW)

    by_path = {r.path: r for r in receiver.received}
    assert by_path["/dingtalk"].query == {}
    assert "sign" not in by_path["/feishu"].body and "timestamp" not in by_path["/feishu"].body


def test_it_posts_wecom_markdown_unsigned(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.WECOM)
    _post(company.sales, lines=["80% → 40%", "原因：<@zhangsan> 推迟"])

    sending.drain(WORKER, now=NOW)

    [request] = receiver.received
    assert request.query == {}
    body = request.body
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**信心下降：苏州新签 4 家客户**\n80% → 40%\n")
    assert "<@zhangsan>" not in content, "a reason cannot mention people in the group"
    assert "[Open in Qibu](https://qibu.example/objectives/7/#kr-9)" in content


def test_it_posts_slack_blocks_with_mentions_escaped(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.SLACK)
    _post(company.sales, lines=["80% → 40%", "reason: <!channel> & co"])
    receiver.answer(Answer(body="ok"))

    sending.drain(WORKER, now=NOW)

    body = receiver.received[0].body
    assert body["text"] == "信心下降：苏州新签 4 家客户"
    header, section, actions = body["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "信心下降：苏州新签 4 家客户"}}
    assert section["text"] == {"type": "mrkdwn", "text": "80% → 40%\nreason: &lt;!channel&gt; &amp; co"}
    assert actions["elements"][0]["url"] == "https://qibu.example/objectives/7/#kr-9"
    assert ChatMessage.objects.get().status == ChatStatus.SENT


# --- faults: HTTP 500, a hang, an error code in a 200 body ---------------------------------------------------


def test_it_records_an_http_500_and_retries_it_after_a_back_off(company: Company, receiver: ChatReceiver) -> None:
    webhook = _webhook(receiver, company, ChatPlatform.DINGTALK)
    _post(company.sales)
    receiver.answer(Answer(status=500, body="upstream broke"), Answer())

    assert sending.drain(WORKER, now=NOW) == 0

    message = ChatMessage.objects.get()
    assert message.status == ChatStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error == "HTTP 500: upstream broke"
    assert message.next_attempt_at >= NOW + dt.timedelta(seconds=24)
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.enabled, webhook.last_error) == (1, True, "HTTP 500: upstream broke")
    # Not again before its back-off ends; then it goes, and the failure is forgotten.
    assert sending.drain(WORKER, now=NOW + dt.timedelta(seconds=5)) == 0
    assert len(receiver.received) == 1
    assert sending.drain(WORKER, now=NOW + dt.timedelta(minutes=1)) == 1
    message.refresh_from_db()
    webhook.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (ChatStatus.SENT, 2, "")
    assert webhook.consecutive_failures == 0
    assert webhook.last_sent_at == NOW + dt.timedelta(minutes=1)


def test_a_hanging_webhook_times_out_quickly_and_is_retried(
    company: Company, receiver: ChatReceiver, settings: Settings
) -> None:
    settings.QIBU_CHAT_TIMEOUT_SECONDS = 0.3
    _webhook(receiver, company, ChatPlatform.WECOM)
    _post(company.sales)
    receiver.answer(Answer(hang_seconds=5))

    started = time.monotonic()
    assert sending.drain(WORKER, now=NOW) == 0

    assert time.monotonic() - started < 2
    message = ChatMessage.objects.get()
    assert message.status == ChatStatus.QUEUED
    assert "timed out" in message.last_error


@pytest.mark.parametrize(
    ("platform", "answer", "shown"),
    [
        (ChatPlatform.DINGTALK, '{"errcode":310000,"errmsg":"sign not match"}', "errcode 310000, sign not match"),
        (
            ChatPlatform.FEISHU,
            '{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}',
            "code 19021",
        ),
        (ChatPlatform.WECOM, '{"errcode":93000,"errmsg":"invalid webhook url"}', "errcode 93000, invalid webhook url"),
    ],
)
def test_a_platform_error_code_in_a_200_answer_is_a_failure(
    company: Company, receiver: ChatReceiver, platform: str, answer: str, shown: str
) -> None:
    webhook = _webhook(receiver, company, platform)
    _post(company.sales)
    receiver.answer(Answer(status=200, body=answer))

    assert sending.drain(WORKER, now=NOW) == 0

    message = ChatMessage.objects.get()
    assert message.status == ChatStatus.QUEUED
    assert shown in message.last_error
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1 and shown in webhook.last_error


def test_feishu_code_zero_is_success(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.FEISHU)
    _post(company.sales)
    receiver.answer(Answer(body='{"code":0,"msg":"success","data":{}}'))

    assert sending.drain(WORKER, now=NOW) == 1


def _fail_until_disabled(webhook: ChatWebhook) -> dt.datetime:
    """Drain every two hours (past any back-off) until the webhook is disabled; answers the time then."""
    at = NOW
    for _attempt in range(sending.FAILURES_TO_DISABLE):
        sending.drain(WORKER, now=at)
        at += dt.timedelta(hours=2)
    webhook.refresh_from_db()
    return at


def test_a_webhook_failing_five_times_in_a_row_is_disabled_and_its_messages_wait(
    company: Company, receiver: ChatReceiver
) -> None:
    webhook = _webhook(receiver, company, ChatPlatform.DINGTALK)
    _post(company.sales, key="a")
    _post(company.sales, key="b")
    receiver.answer(Answer(status=500, body="down"))

    at = _fail_until_disabled(webhook)

    assert not webhook.enabled
    assert webhook.consecutive_failures == sending.FAILURES_TO_DISABLE
    assert webhook.disabled_at is not None
    assert webhook.last_error == "HTTP 500: down"
    # One attempt a round: the second message waited with the first, it was not posted to a failing robot.
    assert len(receiver.received) == sending.FAILURES_TO_DISABLE
    assert AuditEntry.objects.filter(action="chat_webhook.disable", subject_id=company.sales.pk).exists()
    # Disabled: nothing is posted, and nothing is dropped.
    assert sending.drain(WORKER, now=at + dt.timedelta(days=1)) == 0
    assert len(receiver.received) == sending.FAILURES_TO_DISABLE
    assert list(ChatMessage.objects.values_list("status", flat=True)) == [ChatStatus.QUEUED] * 2
    # New messages for the department wait too.
    _post(company.sales, key="c")
    assert ChatMessage.objects.filter(status=ChatStatus.QUEUED).count() == 3


def test_the_settings_page_shows_a_disabled_webhook_and_re_enables_it(
    company: Company, receiver: ChatReceiver, client: Client
) -> None:
    webhook = _webhook(receiver, company, ChatPlatform.DINGTALK)
    _post(company.sales)
    receiver.answer(Answer(status=500, body="down"))
    _fail_until_disabled(webhook)
    client.force_login(company.alice)

    listed = client.get("/settings/chat/").content.decode()
    page = client.get(f"/settings/chat/{webhook.pk}/").content.decode()

    assert "disabled" in listed and "HTTP 500: down" in listed
    assert "Disabled at" in page and "HTTP 500: down" in page and "Enable again" in page

    receiver.answer(Answer())
    response = client.post(f"/settings/chat/{webhook.pk}/enable/")
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.enabled and webhook.consecutive_failures == 0
    assert Job.objects.filter(task="notify.send_chat", key__startswith="notify.send_chat:webhook:").exists()
    assert sending.drain(WORKER) == 1
    assert ChatMessage.objects.get().status == ChatStatus.SENT
    assert AuditEntry.objects.filter(action="chat_webhook.enable", actor=company.alice).exists()


# --- limits: 20 messages a minute per robot, 20 KB a Feishu body ----------------------------------------------


@pytest.mark.parametrize("platform", [ChatPlatform.DINGTALK, ChatPlatform.WECOM])
def test_a_robot_takes_twenty_messages_a_minute_and_the_rest_wait_for_the_next(
    company: Company, receiver: ChatReceiver, platform: str
) -> None:
    _webhook(receiver, company, platform)
    for n in range(25):
        _post(company.sales, key=f"m{n}")

    assert sending.drain(WORKER, now=NOW) == 20

    waiting = ChatMessage.objects.filter(status=ChatStatus.QUEUED)
    assert waiting.count() == 5
    assert {m.next_attempt_at for m in waiting} == {NOW + dt.timedelta(minutes=1)}
    assert {m.attempts for m in waiting} == {0}, "waiting for the limit is not a failed attempt"
    assert sending.drain(WORKER, now=NOW + dt.timedelta(seconds=30)) == 0
    assert sending.drain(WORKER, now=NOW + dt.timedelta(minutes=1)) == 5
    assert len(receiver.received) == 25
    assert ChatMessage.objects.filter(status=ChatStatus.SENT).count() == 25


def test_slack_has_no_per_minute_limit_here(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.SLACK)
    receiver.answer(Answer(body="ok"))
    for n in range(25):
        _post(company.sales, key=f"m{n}")

    assert sending.drain(WORKER, now=NOW) == 25


def test_a_feishu_card_is_cut_to_20_kb_and_says_so(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.FEISHU, secret="s3cret")
    lines = [f"第 {n} 行：" + "销售部的关键结果进展" * 8 for n in range(400)]
    [message] = _post(company.sales, lines=lines)

    sending.drain(WORKER, now=NOW)

    [request] = receiver.received
    assert len(request.raw) <= 20 * 1024
    assert message.shortened
    shown = request.body["card"]["elements"][0]["text"]["content"].split("\n")
    kept = len(shown) - 1
    assert 10 < kept < 400
    assert shown[:kept] == lines[:kept]
    assert shown[-1] == (
        f"… {400 - kept} more lines left out to fit Feishu / Lark's size limit; the link shows everything."
    )
    assert request.body["sign"], "still signed"


def test_a_short_feishu_card_is_not_cut(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.FEISHU)
    [message] = _post(company.sales)
    assert not message.shortened


# --- queued with the action, never slowing it -----------------------------------------------------------------


def test_a_fall_in_confidence_queues_chat_for_the_department_and_the_owners_team_EXE_4(
    company: Company, okrs: Okrs, receiver: ChatReceiver
) -> None:
    """EXE-4: a fall of the threshold or more reaches the department's and the owner's team's chat groups."""
    department = _webhook(receiver, company, ChatPlatform.DINGTALK)
    team = _webhook(receiver, company, ChatPlatform.SLACK, target=company.sales_team)
    _webhook(receiver, company, ChatPlatform.WECOM, target=company.marketing)

    checkin = checkin_record(
        actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=40, confidence_reason="大客户推迟签约"
    )

    assert receiver.received == [], "nothing is posted during the user's action"
    messages = {m.webhook_id: m for m in ChatMessage.objects.all()}
    assert set(messages) == {department.pk, team.pk}
    text = messages[department.pk].payload["markdown"]["text"]
    assert "苏州新签 4 家客户" in text and "80% → 40%" in text and "大客户推迟签约" in text
    assert {m.key for m in messages.values()} == {
        f"confidence_fall:checkin:{checkin.pk}:webhook:{department.pk}",
        f"confidence_fall:checkin:{checkin.pk}:webhook:{team.pk}",
    }
    assert Job.objects.filter(task="notify.send_chat").exists()
    receiver.answer(Answer(body='{"errcode":0}'))
    Worker(name="w").run(until_empty=True)
    assert len(receiver.received) == 2


def test_a_small_fall_or_a_private_objective_posts_nothing_EXE_4(
    company: Company, okrs: Okrs, receiver: ChatReceiver
) -> None:
    """EXE-4: below the threshold nothing is told; a private objective is not told to a group."""
    _webhook(receiver, company, ChatPlatform.DINGTALK)
    checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=75)
    assert not ChatMessage.objects.exists()
    Objective.objects.filter(pk=okrs["mine"].pk).update(visibility=Visibility.PRIVATE)
    key_result = KeyResult.objects.get(pk=okrs["my_kr"].pk)  # with its objective as it now is
    checkin_record(actor=company.mia, key_result=key_result, value=2, confidence=20, confidence_reason="流失")
    assert not ChatMessage.objects.exists()


def test_chat_is_queued_only_if_the_action_commits_and_once_per_key(company: Company, receiver: ChatReceiver) -> None:
    _webhook(receiver, company, ChatPlatform.DINGTALK)
    with pytest.raises(RuntimeError), transaction.atomic():
        _post(company.sales)
        raise RuntimeError("the action failed")
    assert not ChatMessage.objects.exists() and not Job.objects.exists()

    first = _post(company.sales)
    again = _post(company.sales)

    assert [m.pk for m in first] == [m.pk for m in again]
    assert ChatMessage.objects.count() == 1


# --- setting webhooks up --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://oapi.dingtalk.com/robot/send?access_token=abc", True),
        ("http://oapi.dingtalk.com/robot/send?access_token=abc", False),
        ("http://127.0.0.1:9/robot", True),
        ("ftp://example.com/robot", False),
        ("https:///robot", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_a_webhook_address_is_https_or_local_http_in_tests(company: Company, url: str, ok: bool) -> None:
    arguments: dict[str, Any] = {"target": company.sales, "name": "群", "platform": "dingtalk", "url": url}
    if ok:
        assert services.chat_webhook_create(actor=company.alice, **arguments).url == url
    else:
        with pytest.raises(ValidationError) as refused:
            services.chat_webhook_create(actor=company.alice, **arguments)
        assert "url" in refused.value.message_dict


def test_http_to_127_0_0_1_is_refused_outside_development(company: Company, settings: Settings) -> None:
    settings.TESTING, settings.DEBUG = False, False
    with pytest.raises(ValidationError) as refused:
        services.chat_webhook_create(
            actor=company.alice, target=company.sales, name="群", platform="wecom", url="http://127.0.0.1:9/r"
        )
    assert "https://" in refused.value.message_dict["url"][0]


def test_a_secret_is_refused_for_platforms_that_do_not_sign(company: Company) -> None:
    with pytest.raises(ValidationError) as refused:
        services.chat_webhook_create(
            actor=company.alice,
            target=company.sales,
            name="群",
            platform="wecom",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret="x",
        )
    assert set(refused.value.message_dict) == {"secret"}


def test_an_administrator_adds_a_webhook_whose_secret_and_address_show_masked(company: Company, client: Client) -> None:
    client.force_login(company.alice)
    url = "https://oapi.dingtalk.com/robot/send?access_token=4b1d2c3e5f60718293a4b5c6d7e8f901"
    response = client.post(
        "/settings/chat/",
        {
            "target": f"team:{company.sales_team.pk}",
            "name": "华东大客户群",
            "platform": "dingtalk",
            "url": url,
            "secret": "SECabcdef0123456789",
        },
    )
    assert response.status_code == 302
    webhook = ChatWebhook.objects.get()
    assert (webhook.team, webhook.department, webhook.secret) == (company.sales_team, None, "SECabcdef0123456789")

    listed = client.get("/settings/chat/").content.decode()
    page = client.get(f"/settings/chat/{webhook.pk}/").content.decode()
    for html in (listed, page):
        assert "华东大客户群" in html
        assert "SECabcdef0123456789" not in html and "4b1d2c3e5f60718293a4b5c6d7e8f901" not in html
    assert "789" in page and "f901" in page

    # Saved with the address and secret left empty: both kept.
    response = client.post(
        f"/settings/chat/{webhook.pk}/",
        {
            "target": f"department:{company.sales.pk}",
            "name": "销售部群",
            "platform": "dingtalk",
            "url": "",
            "secret": "",
        },
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.department, webhook.team) == ("销售部群", company.sales, None)
    assert (webhook.url, webhook.secret) == (url, "SECabcdef0123456789")
    entry = AuditEntry.objects.get(action="chat_webhook.update")
    assert "SECabcdef" not in str(entry.before) + str(entry.after) and "access_token" not in str(entry.after)


def test_a_test_message_is_queued_from_the_page(company: Company, receiver: ChatReceiver, client: Client) -> None:
    webhook = _webhook(receiver, company, ChatPlatform.WECOM)
    client.force_login(company.hank)

    response = client.post(f"/settings/chat/{webhook.pk}/test/")

    assert response.status_code == 302
    message = ChatMessage.objects.get()
    assert message.kind == "test" and receiver.received == []
    assert sending.drain(WORKER) == 1
    assert "Qibu test message" in receiver.received[0].body["markdown"]["content"]


def test_a_department_head_sets_up_only_their_departments_and_teams(company: Company, client: Client) -> None:
    """Hank heads sales: he may choose sales and its team, not marketing."""
    client.force_login(company.hank)
    page = client.get("/settings/chat/").content.decode()
    assert f"department:{company.sales.pk}" in page and f"team:{company.sales_team.pk}" in page
    assert f"department:{company.marketing.pk}" not in page

    response = client.post(
        "/settings/chat/",
        {
            "target": f"department:{company.marketing.pk}",
            "name": "市场部群",
            "platform": "slack",
            "url": "https://hooks.slack.com/services/T/B/x",
        },
    )
    assert response.status_code == 400
    assert not ChatWebhook.objects.exists()
    with pytest.raises(ValidationError):
        services.chat_webhook_create(
            actor=company.hank, target=company.marketing, name="x", platform="slack", url="https://hooks.slack.com/x"
        )


def test_the_chat_page_makes_the_same_queries_for_two_webhooks_as_for_twelve(
    company: Company,
    receiver: ChatReceiver,
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(company.alice)
    for n in range(2):
        _webhook(receiver, company, ChatPlatform.SLACK, target=company.sales_team if n else company.sales)
    _post(company.sales)
    client.get("/settings/chat/")
    with django_assert_max_num_queries(30) as few:
        assert client.get("/settings/chat/").status_code == 200
    for _n in range(10):
        _webhook(receiver, company, ChatPlatform.DINGTALK, target=company.marketing)
    _post(company.marketing, key="more")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/settings/chat/").status_code == 200

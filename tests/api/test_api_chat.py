"""Chat webhooks through the API (issue 7, items 7 and 11): the Chat settings page's rules (administrators; a
department's head for their departments), its masking (the address and the secret are never read back), and
refusals that write nothing."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from qibu.audit.models import AuditEntry
from qibu.notify.chat.selectors import mask_url
from qibu.notify.chat.services import chat_webhook_create
from qibu.notify.models import ChatMessage, ChatWebhook
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company

SECRET = "SECd6f3b1c2a9e8f7d6c5b4a3"
# The token with its person, the organisation's language, the departments he heads, the webhooks with their counts.
QUERIES = 4
URL = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123"


def _send(person: Person, method: str, path: str, body: Any = None) -> Any:
    secret = api_token_create(actor=None, person=person, name="test")[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def _written() -> tuple[Any, ...]:
    return (
        list(ChatWebhook.objects.order_by("pk").values_list("pk", "name", "url", "secret", "enabled", "team_id")),
        ChatMessage.objects.count(),
        AuditEntry.objects.exclude(action="api_token.create").count(),
    )


def _sales_chat(company: Company) -> ChatWebhook:
    return chat_webhook_create(
        actor=company.alice, target=company.sales, name="销售部群", platform="dingtalk", url=URL, secret=SECRET
    )


def test_it_sets_up_a_webhook_and_never_answers_its_address_or_secret(company: Company) -> None:
    made = _send(
        company.hank,
        "post",
        "/chat-webhooks",
        {"team": company.sales_team.pk, "name": "华东组群", "platform": "dingtalk", "url": URL, "secret": SECRET},
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["team"], body["department"], body["platform"], body["enabled"]) == (
        company.sales_team.pk,
        None,
        "dingtalk",
        True,
    )
    # Masked as the settings page masks them.
    assert body["url_masked"] == mask_url(URL) and body["secret_masked"].endswith(SECRET[-3:])
    webhook = ChatWebhook.objects.get(pk=body["id"])
    assert (webhook.url, webhook.secret) == (URL, SECRET)
    answers = [
        made,
        _send(company.hank, "get", "/chat-webhooks"),
        _send(company.hank, "get", f"/chat-webhooks/{webhook.pk}"),
        _send(company.hank, "patch", f"/chat-webhooks/{webhook.pk}", {"name": "华东组大群"}),
        _send(company.hank, "post", f"/chat-webhooks/{webhook.pk}/enable"),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201)
        text = answer.content.decode()
        assert SECRET not in text and "access_token" not in text and "0123456789abcdef" not in text
    history = json.dumps(list(AuditEntry.objects.filter(action__startswith="chat_webhook").values("before", "after")))
    assert SECRET not in history and "access_token" not in history


def test_it_lists_only_the_webhooks_of_the_callers_departments(company: Company) -> None:
    sales = _sales_chat(company)
    chat_webhook_create(
        actor=company.alice,
        target=company.marketing,
        name="市场部群",
        platform="slack",
        url="https://hooks.slack.com/x",
    )
    hanks = _send(company.hank, "get", "/chat-webhooks").json()
    assert [item["id"] for item in hanks["items"]] == [sales.pk]
    assert _send(company.alice, "get", "/chat-webhooks").json()["count"] == 2


def test_it_refuses_who_may_set_up_no_chat_and_writes_nothing(company: Company) -> None:
    webhook = _sales_chat(company)
    before = _written()
    body = {"department": company.sales.pk, "name": "群", "platform": "slack", "url": "https://hooks.slack.com/y"}
    for person in (company.mia, company.erin):
        assert _send(person, "get", "/chat-webhooks").status_code == 403
        assert _send(person, "post", "/chat-webhooks", body).status_code == 403
        assert _send(person, "patch", f"/chat-webhooks/{webhook.pk}", {"name": "改"}).status_code == 403
        assert _send(person, "post", f"/chat-webhooks/{webhook.pk}/test").status_code == 403
        assert _send(person, "delete", f"/chat-webhooks/{webhook.pk}").status_code == 403
    refused = _send(company.mia, "get", f"/chat-webhooks/{webhook.pk}").json()
    assert refused == {"detail": [{"field": None, "message": refused["detail"][0]["message"]}]}
    assert _written() == before


def test_it_answers_another_departments_webhook_as_not_found_to_a_head(company: Company) -> None:
    theirs = chat_webhook_create(
        actor=company.alice,
        target=company.marketing,
        name="市场部群",
        platform="slack",
        url="https://hooks.slack.com/x",
    )
    before = _written()
    assert _send(company.hank, "get", f"/chat-webhooks/{theirs.pk}").status_code == 404
    assert _send(company.hank, "patch", f"/chat-webhooks/{theirs.pk}", {"name": "改"}).status_code == 404
    assert _send(company.hank, "delete", f"/chat-webhooks/{theirs.pk}").status_code == 404
    # Nor may he move his own webhook there: the field is named.
    mine = _sales_chat(company)
    before = _written()
    moved = _send(company.hank, "patch", f"/chat-webhooks/{mine.pk}", {"department": company.marketing.pk})
    assert moved.status_code == 422
    assert [p["field"] for p in moved.json()["detail"]] == ["department"]
    assert _written() == before


def test_it_names_the_field_of_bad_input_and_writes_nothing(company: Company) -> None:
    before = _written()
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"department": company.sales.pk, "name": "群", "platform": "slack", "url": "http://x.example"}, {"url"}),
        ({"name": "群", "platform": "slack", "url": "https://hooks.slack.com/x"}, {"department"}),
        (
            {"department": company.sales.pk, "team": company.sales_team.pk, "name": "群", "platform": "slack",
             "url": "https://hooks.slack.com/x"},
            {"team"},
        ),
        (
            {"department": company.sales.pk, "name": "群", "platform": "wecom", "url": "https://qyapi.weixin.qq.com/x",
             "secret": "s3cret"},
            {"secret"},
        ),
        ({"department": company.sales.pk, "name": " ", "platform": "icq", "url": "https://x.example"}, {"platform"}),
        ({"department": 999999, "name": "群", "platform": "slack", "url": "https://x.example"}, {"department"}),
        ({"department": company.sales.pk, "name": "群", "platform": "slack", "url": "https://x.example", "x": 1}, {"x"}),
    ]  # fmt: skip
    for body, fields in cases:
        answer = _send(company.alice, "post", "/chat-webhooks", body)
        assert answer.status_code == 422, body
        assert {p["field"] for p in answer.json()["detail"]} == fields, answer.json()
    webhook = _sales_chat(company)
    before = _written()
    for change, field in (({"name": None}, "name"), ({"url": ""}, "url"), ({"url": "ftp://x.example"}, "url")):
        answer = _send(company.alice, "patch", f"/chat-webhooks/{webhook.pk}", change)
        assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == field, answer.json()
    assert _written() == before


def test_it_removes_the_secret_with_null_and_keeps_it_when_left_out(company: Company) -> None:
    webhook = _sales_chat(company)
    kept = _send(company.alice, "patch", f"/chat-webhooks/{webhook.pk}", {"name": "销售群"})
    assert kept.json()["secret_masked"] and ChatWebhook.objects.get(pk=webhook.pk).secret == SECRET
    removed = _send(company.alice, "patch", f"/chat-webhooks/{webhook.pk}", {"secret": None})
    assert removed.status_code == 200 and removed.json()["secret_masked"] == ""
    assert ChatWebhook.objects.get(pk=webhook.pk).secret == ""


def test_it_queues_a_test_message_and_enables_a_disabled_webhook(company: Company) -> None:
    webhook = _sales_chat(company)
    ChatWebhook.objects.filter(pk=webhook.pk).update(enabled=False, consecutive_failures=5)
    queued = _send(company.hank, "post", f"/chat-webhooks/{webhook.pk}/test")
    assert queued.status_code == 202
    assert queued.json()["waits"] is True and ChatMessage.objects.filter(pk=queued.json()["message"]).exists()
    enabled = _send(company.hank, "post", f"/chat-webhooks/{webhook.pk}/enable").json()
    assert (enabled["enabled"], enabled["consecutive_failures"], enabled["waiting"]) == (True, 0, 1)
    assert AuditEntry.objects.filter(action="chat_webhook.enable").count() == 1


def test_it_deletes_a_webhook(company: Company) -> None:
    webhook = _sales_chat(company)
    assert _send(company.hank, "delete", f"/chat-webhooks/{webhook.pk}").status_code == 204
    assert not ChatWebhook.objects.filter(pk=webhook.pk).exists()
    assert _send(company.hank, "get", f"/chat-webhooks/{webhook.pk}").status_code == 404


def test_it_lists_webhooks_in_the_same_queries_for_few_and_many(
    company: Company, django_assert_num_queries: Any
) -> None:
    secret = api_token_create(actor=None, person=company.hank, name="test")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    Client().get("/api/v1/me", headers=headers)  # the token's first use is noted once
    for n in (1, 20):
        while ChatWebhook.objects.count() < n:
            chat_webhook_create(
                actor=company.alice, target=company.sales_team, name=f"群 {ChatWebhook.objects.count()}",
                platform="slack", url="https://hooks.slack.com/x",
            )  # fmt: skip
        with django_assert_num_queries(QUERIES):
            assert len(Client().get("/api/v1/chat-webhooks", headers=headers).json()["items"]) == n

"""Comments and mentions (PUB-3): on objectives, key results and check-ins, by anyone who may see the objective;
the owner and the mentioned told, the mentioned who cannot see it not told (and the commenter told so)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.core.validation import COMMENT_MAX
from qibu.discuss.models import Comment, Mention
from qibu.discuss.services import comment_create, comment_hide, comment_update
from qibu.notify.models import Notification
from qibu.okrs.models import Level, Objective, Visibility
from qibu.okrs.services import checkin_record, objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs, present

# The objective page's queries without comments (tests/okrs/test_pages_okrs.py, the action plans' and the planning's
# sections included); with comments two more, whatever their number: the people they mention, and the names of the
# commenters in the objective's history.
# With the open blockers on its key results (qibu.blockers): one query.
OBJECTIVE_QUERIES = 15
# mia may edit her objective: the coach's advice adds three (tests/okrs/test_pages_okrs.py, COACH_QUERIES).
WITH_COMMENTS = OBJECTIVE_QUERIES + 3 + 2
# The API's list: the organisation, the token, the objective, the caller's departments (may they see it?), the
# comments, the people they mention (a page of 50: 30 comments need no count).
API_LIST_QUERIES = 6


def _login(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _told(person: Person) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("kind", "text"))


@pytest.fixture
def private(company: Company) -> Objective:
    return objective_create(
        actor=company.mia,
        cycle=company.quarter,
        level=Level.PERSON,
        owner=company.mia,
        title="私人目标",
        visibility=Visibility.PRIVATE,
    )


def test_it_tells_the_owner_and_the_mentioned_PUB_3(client: Client, company: Company, okrs: Okrs) -> None:
    """oscar comments on erin's company objective and mentions mia by her Chinese name."""
    _login(client, company.oscar)
    url = reverse("discuss:comments", args=[okrs["company"].pk])
    response = client.post(url, {"text": "@米娅 市场部可以配合做苏州的活动", "about": f"kr-{okrs['revenue'].pk}"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{okrs['company'].pk}/#comment-{comment.pk}"
    assert comment.key_result == okrs["revenue"] and comment.author == company.oscar
    assert list(Mention.objects.values_list("person__username", flat=True)) == ["mia"]
    assert _told(company.mia) == [
        ("mention", "欧斯卡 mentioned you on “成为华东市场第一”: @米娅 市场部可以配合做苏州的活动")
    ]
    assert _told(company.erin) == [
        ("comment", "欧斯卡 commented on “成为华东市场第一”: @米娅 市场部可以配合做苏州的活动")
    ]
    assert not _told(company.oscar)
    entry = AuditEntry.objects.get(action="comment.create")
    assert (entry.subject_type, entry.subject_id) == ("okrs.objective", okrs["company"].pk)

    page = _login(Client(), company.hank).get(reverse("okrs:objective", args=[okrs["company"].pk])).content.decode()
    assert f'id="comment-{comment.pk}"' in page
    assert f'<a class="mention" href="/people/{company.mia.pk}/">@米娅</a> 市场部可以配合做苏州的活动' in page
    assert "on 季度收入达到 1000 万元" in page
    assert "<strong>欧斯卡</strong> commented “季度收入达到 1000 万元”" in page  # in the objective's history


def test_it_does_not_tell_a_mentioned_person_who_cannot_see_the_objective_and_says_so_PUB_3(
    client: Client, company: Company, private: Objective
) -> None:
    _login(client, company.mia)
    response = client.post(
        reverse("discuss:comments", args=[private.pk]), {"text": "@欧斯卡 @hank 你们看看"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "欧斯卡 cannot see this objective and was not told." in html
    assert not _told(company.oscar)
    assert [kind for kind, _text in _told(company.hank)] == ["mention"]  # mia's manager sees it
    assert list(Mention.objects.values_list("person__username", flat=True)) == ["hank"]


def test_it_says_so_in_chinese_to_a_chinese_reader_PUB_3(client: Client, company: Company, private: Objective) -> None:
    _login(client, company.mia)
    client.cookies["qibu_language"] = "zh-hans"
    html = client.post(
        reverse("discuss:comments", args=[private.pk]),
        {"text": "@欧斯卡 看看"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "欧斯卡 看不到这个目标，没有收到通知。" in html
    assert "评论" in html


def test_it_shows_html_in_a_comment_and_never_runs_it(client: Client, company: Company, okrs: Okrs) -> None:
    comment_create(actor=company.mia, objective=okrs["mine"], text='<script>alert("x")</script><b>粗</b>')
    html = _login(client, company.hank).get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;" in html
    assert "<b>粗</b>" not in html


def test_it_refuses_a_comment_too_long_or_empty_naming_the_field_and_writes_nothing(
    client: Client, company: Company, okrs: Okrs
) -> None:
    _login(client, company.mia)
    url = reverse("discuss:comments", args=[okrs["mine"].pk])
    response = client.post(url, {"text": "长" * (COMMENT_MAX + 1)})
    assert response.status_code == 400
    assert f"Comment: At most {COMMENT_MAX} characters (this one has {COMMENT_MAX + 1})." in response.content.decode()
    response = client.post(url, {"text": "   "}, headers={"HX-Request": "true"})
    assert "Write something to comment." in response.content.decode()
    assert not Comment.objects.exists() and not AuditEntry.objects.filter(action__startswith="comment.").exists()


def test_it_refuses_a_key_result_of_another_objective(company: Company, okrs: Okrs) -> None:
    with pytest.raises(ValidationError) as refused:
        comment_create(actor=company.mia, objective=okrs["mine"], text="看", key_result=okrs["revenue"])
    assert refused.value.message_dict == {"key_result": ["This is not part of this objective."]}
    assert not Comment.objects.exists()


def test_it_comments_on_a_check_in_and_names_it_on_the_page(client: Client, company: Company, okrs: Okrs) -> None:
    checkin = checkin_record(actor=company.mia, key_result=okrs["my_kr"], value=1, confidence=70)
    _login(client, company.hank)
    page = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert f'value="checkin-{checkin.pk}"' in page  # offered in the form
    client.post(reverse("discuss:comments", args=[okrs["mine"].pk]), {"text": "不错", "about": f"checkin-{checkin.pk}"})
    comment = Comment.objects.get()
    assert (comment.check_in, comment.key_result) == (checkin, okrs["my_kr"])
    page = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert "on the check-in of 苏州新签 4 家客户" in page
    assert [kind for kind, _text in _told(company.mia)] == ["comment"]


def test_its_author_edits_it_and_it_shows_edited_and_only_the_newly_mentioned_are_told_PUB_3(
    client: Client, company: Company, okrs: Okrs
) -> None:
    result = comment_create(actor=company.oscar, objective=okrs["mine"], text="@hank 看看")
    comment = result.comment
    _login(client, company.oscar)
    response = client.post(reverse("discuss:comment_edit", args=[comment.pk]), {"text": "@hank @erin 看看这个"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "@hank @erin 看看这个" and comment.edited_at is not None
    assert [kind for kind, _text in _told(company.hank)] == ["mention"]  # not told twice
    assert [kind for kind, _text in _told(company.erin)] == ["mention"]
    assert [kind for kind, _text in _told(company.mia)] == ["comment"]  # the owner, once
    page = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert "edited" in page[page.index(f'id="comment-{comment.pk}"') :]
    assert AuditEntry.objects.get(action="comment.update").before == {
        "text": "@hank 看看",
        "mentions": [company.hank.pk],
    }


def test_no_one_but_its_author_edits_or_deletes_it(client: Client, company: Company, okrs: Okrs) -> None:
    comment = comment_create(actor=company.oscar, objective=okrs["mine"], text="原话").comment
    _login(client, company.mia)
    assert client.post(reverse("discuss:comment_edit", args=[comment.pk]), {"text": "改"}).status_code == 403
    assert client.post(reverse("discuss:comment_delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.text == "原话"
    _login(client, company.oscar)
    assert client.post(reverse("discuss:comment_delete", args=[comment.pk])).status_code == 302
    assert not Comment.objects.exists()
    assert present(AuditEntry.objects.get(action="comment.delete").before)["text"] == "原话"


def test_an_administrator_hides_it_others_read_that_it_is_hidden_administrators_its_text(
    client: Client, company: Company, okrs: Okrs
) -> None:
    comment = comment_create(actor=company.oscar, objective=okrs["mine"], text="不该说的话").comment
    _login(client, company.alice)
    assert client.post(reverse("discuss:comment_hide", args=[comment.pk]), {"hidden": "1"}).status_code == 302
    url = reverse("okrs:objective", args=[okrs["mine"].pk])
    for person in (company.mia, company.oscar):
        html = _login(Client(), person).get(url).content.decode()
        assert "hidden by an administrator" in html and "不该说的话" not in html
    html = client.get(url).content.decode()
    assert "hidden by an administrator" in html and "不该说的话" in html
    # Its author may still delete it, not change it.
    assert _login(Client(), company.oscar).post(reverse("discuss:comment_edit", args=[comment.pk])).status_code == 403
    assert _login(Client(), company.mia).post(reverse("discuss:comment_hide", args=[comment.pk])).status_code == 403


def _comments(company: Company, okrs: Okrs, count: int) -> None:
    people = [company.alice, company.erin, company.hank, company.oscar]
    for i in range(count):
        comment_create(
            actor=people[i % 4],
            objective=okrs["mine"],
            text=f"第{i}条 @米娅 @hank",
            key_result=okrs["my_kr"] if i % 2 else None,
        )


def test_it_reads_the_objective_page_with_its_comments_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _login(client, company.mia)
    url = reverse("okrs:objective", args=[okrs["mine"].pk])
    _comments(company, okrs, 2)
    with django_assert_num_queries(WITH_COMMENTS):
        assert client.get(url).content.decode().count('class="mention"') == 4
    _comments(company, okrs, 28)
    with django_assert_num_queries(WITH_COMMENTS):
        assert client.get(url).content.decode().count('class="mention"') == 60


def _api(client: Client, person: Person) -> dict[str, Any]:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_lists_comments_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    auth = _api(client, company.oscar)
    url = f"/api/v1/comments?objective={okrs['mine'].pk}"
    _comments(company, okrs, 2)
    client.get(url, **auth)
    with django_assert_num_queries(API_LIST_QUERIES):
        assert client.get(url, **auth).json()["count"] == 2
    _comments(company, okrs, 28)
    with django_assert_num_queries(API_LIST_QUERIES):
        body = client.get(url, **auth).json()
    assert body["count"] == 30 and body["items"][0]["mentions"] == [company.mia.pk, company.hank.pk]


def test_the_api_comments_edits_hides_and_deletes_with_the_pages_rules_PUB_3(
    client: Client, company: Company, okrs: Okrs, private: Objective
) -> None:
    oscar, alice = _api(client, company.oscar), _api(client, company.alice)
    json: dict[str, Any] = {"content_type": "application/json"}
    answer = client.post("/api/v1/comments", {"objective": okrs["mine"].pk, "text": "@米娅 <i>好</i>"}, **json, **oscar)
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["text"] == "@米娅 <i>好</i>" and made["mentions"] == [company.mia.pk] and made["notices"] == []
    url = f"/api/v1/comments/{made['id']}"
    assert client.patch(url, {"hidden": True}, **json, **oscar).status_code == 403
    assert client.patch(url, {"hidden": True}, **json, **alice).json()["hidden"] is True
    listed = client.get(f"/api/v1/comments?objective={okrs['mine'].pk}", **_api(client, company.hank)).json()
    assert listed["items"][0]["text"] is None
    assert client.patch(url, {"text": "改"}, **json, **alice).status_code == 403
    # Invisible: not found; too long: the field named; another objective's key result: named.
    assert client.post("/api/v1/comments", {"objective": private.pk, "text": "x"}, **json, **oscar).status_code == 404
    too_long = client.post(
        "/api/v1/comments", {"objective": okrs["mine"].pk, "text": "长" * (COMMENT_MAX + 1)}, **json, **oscar
    )
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["field"] == "text"
    elsewhere = client.post(
        "/api/v1/comments",
        {"objective": okrs["mine"].pk, "key_result": okrs["revenue"].pk, "text": "看"},
        **json,
        **oscar,
    )
    assert elsewhere.json() == {"detail": [{"field": "key_result", "message": "This is not part of this objective."}]}
    not_told = client.post(
        "/api/v1/comments", {"objective": private.pk, "text": "@oscar 看"}, **json, **_api(client, company.mia)
    )
    assert not_told.json()["notices"] == ["欧斯卡 cannot see this objective and was not told."]
    assert client.delete(url, **alice).status_code == 403
    assert client.delete(url, **oscar).status_code == 204
    assert Comment.objects.count() == 1


def test_a_hidden_comment_can_be_shown_again(company: Company, okrs: Okrs) -> None:
    comment = comment_create(actor=company.oscar, objective=okrs["mine"], text="话").comment
    comment_hide(actor=company.alice, comment=comment, hidden=True)
    comment_hide(actor=company.alice, comment=comment, hidden=False)
    comment.refresh_from_db()
    assert not comment.is_hidden
    actions = AuditEntry.objects.filter(action__startswith="comment.").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["comment.create", "comment.hide", "comment.show"]
    comment.objective = okrs["mine"]
    assert comment_update(actor=company.oscar, comment=comment, text="话").told == []  # unchanged: nothing written

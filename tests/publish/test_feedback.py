"""The publication's feedback (issue 7, item 4; PUB-3): the comments made on its objectives since it was published,
each as visible as its objective, hidden ones as "hidden by an administrator", in the same number of queries for
any number of people and comments."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from qibu.discuss.services import comment_create, comment_hide
from qibu.okrs.models import Level
from qibu.okrs.services import objective_create
from qibu.org.services import person_create
from qibu.publish.models import Publication
from qibu.publish.services import publication_publish
from tests.conftest import Company, Okrs
from tests.publish.conftest import Quarter, compiled


def _publish(c: Company, message: str = "为什么重要") -> Publication:
    return compiled(publication_publish(actor=c.erin, cycle=c.quarter, message=message, anyway=True))


def _feedback(client: Client, publication: Publication) -> str:
    page = client.get(f"/publications/{publication.pk}/").content.decode()
    return page[page.index('id="feedback"') : page.index("</section>", page.index('id="feedback"'))]


@pytest.mark.parametrize(("persona", "sees_limited"), [("mia", True), ("hank", True), ("oscar", False)])
def test_it_shows_the_comments_since_it_was_published_as_visible_as_their_objectives_PUB_3(
    company: Company, okrs: Okrs, quarter: Quarter, client: Client, persona: str, sees_limited: bool
) -> None:
    c = company
    comment_create(actor=c.hank, objective=okrs["mine"], text="发布之前的评论")
    publication = _publish(c)
    comment_create(actor=c.hank, objective=okrs["mine"], text="苏州加油 @米娅")
    comment_create(actor=c.mia, objective=quarter["limited"], text="部门内部的看法")
    comment_create(actor=c.erin, objective=quarter["previous"], text="上季度的事")
    hidden = comment_create(actor=c.oscar, objective=okrs["company"], text="<b>不该说的话</b>").comment
    comment_hide(actor=c.alice, comment=hidden, hidden=True)
    client.force_login(getattr(c, persona))
    feedback = _feedback(client, publication)
    assert "苏州加油" in feedback and f'href="/objectives/{okrs["mine"].pk}/#comments"' in feedback
    assert 'class="mention"' in feedback  # @米娅 links to her page
    assert "发布之前的评论" not in feedback  # made before the publication
    assert "上季度的事" not in feedback  # the previous quarter's summary is not asked for feedback
    assert ("部门内部的看法" in feedback) is sees_limited
    assert "hidden by an administrator" in feedback and "不该说的话" not in feedback


def test_it_shows_a_hidden_comments_text_to_an_administrator_as_text(
    company: Company, okrs: Okrs, quarter: Quarter, client: Client
) -> None:
    publication = _publish(company)
    hidden = comment_create(actor=company.oscar, objective=okrs["company"], text="<b>不该说的话</b>").comment
    comment_hide(actor=company.alice, comment=hidden, hidden=True)
    client.force_login(company.alice)
    feedback = _feedback(client, publication)
    assert "hidden by an administrator" in feedback and "&lt;b&gt;不该说的话&lt;/b&gt;" in feedback


def test_it_reads_the_feedback_in_the_same_number_of_queries_for_more_people_and_comments(
    company: Company, quarter: Quarter, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(company.hank)
    for size in (2, 30):
        objectives = []
        for index in range(size):
            person = person_create(
                actor=None, username=f"f{size}-{index}", full_name=f"员工{size}-{index}", department=company.sales
            )
            objectives.append(
                objective_create(
                    actor=person, cycle=company.quarter, level=Level.PERSON, owner=person, title=f"目标{index}"
                )
            )
        publication = _publish(company, message=f"第{size}版")
        for objective in objectives:
            comment_create(actor=company.mia, objective=objective, text="加油 @韩销售")
        with django_assert_num_queries(9):  # the page's 7, the comments, the people they mention
            page = client.get(f"/publications/{publication.pk}/").content.decode()
        assert page.count('class="mention"') == size

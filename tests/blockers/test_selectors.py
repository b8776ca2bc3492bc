"""What the meetings above read of blockers (EXE-2), the daily focus's `blockers.owned` (EXE-7) and the objective
page's panel: only what the viewer may see, in a fixed number of queries at two sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.blockers.escalation import blockers_escalate
from qibu.blockers.focus import owned_blockers
from qibu.blockers.models import Tier
from qibu.blockers.selectors import escalated_blockers, open_blockers
from qibu.blockers.services import blocker_create, blocker_resolve
from qibu.okrs.focus import Rank, daily_focus
from qibu.okrs.models import Visibility
from qibu.org.models import Organisation, Person
from tests.conftest import Company, Okrs


def _many(c: Company, okrs: Okrs, n: int, *, ago: dt.timedelta = dt.timedelta(0)) -> None:
    for i in range(n):
        blocker_create(
            actor=c.mia,
            title=f"障碍 {i}",
            owner=c.mia if i % 2 else c.hank,
            concerned=[c.oscar, c.hank],
            team=c.sales_team,
            key_result=okrs["my_kr"],
            now=timezone.now() - ago - dt.timedelta(minutes=i),
        )


@pytest.mark.parametrize("size", [2, 20])
def test_open_blockers_read_in_a_fixed_number_of_queries_EXE_2(
    company: Company, okrs: Okrs, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    _many(c, okrs, size)
    hank = Person.objects.get(pk=c.hank.pk)  # as a request reads him
    # hank heads sales: the departments he heads, the blockers, the people concerned, and the objectives he may see
    # (with the draft circle's own question).
    with django_assert_num_queries(5):
        rows = open_blockers(viewer=hank, team=c.sales_team)
    assert len(rows) == size
    assert rows[0].created_at <= rows[-1].created_at  # oldest first
    row = rows[0]
    assert row.group == c.sales_team.name and row.tier == Tier.TEAM and row.key_result_title == okrs["my_kr"].title
    assert set(row.concerned_names) <= {str(c.oscar), str(c.hank)}


def test_a_key_result_the_viewer_may_not_see_is_not_named(company: Company, okrs: Okrs) -> None:
    c = company
    blocker_create(actor=c.mia, title="私事", owner=c.mia, concerned=[c.oscar], key_result=okrs["my_kr"])
    okrs["mine"].visibility = Visibility.PRIVATE
    okrs["mine"].save(update_fields=["visibility"])
    (row,) = open_blockers(viewer=c.oscar, person=c.oscar)
    assert row.key_result_title == "" and row.key_result_url == "" and row.key_result_id is None


@pytest.mark.parametrize("size", [2, 20])
def test_escalated_blockers_list_those_at_a_tier_EXE_2(
    company: Company, okrs: Okrs, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    _many(c, okrs, size, ago=dt.timedelta(days=3))
    blocker_create(actor=c.mia, title="新的", owner=c.mia, team=c.sales_team)
    assert blockers_escalate(policy=Organisation.objects.get(pk=1)) == size
    erin = Person.objects.get(pk=c.erin.pk)
    # erin is an executive, who sees them all: the blockers, the people concerned, the departments she heads and
    # the objectives she may see (for the key results' titles).
    with django_assert_num_queries(4):
        rows = escalated_blockers(viewer=erin, tier=Tier.DEPARTMENT, department=c.sales)
    assert len(rows) == size and "新的" not in {r.title for r in rows}
    assert escalated_blockers(viewer=c.erin, tier=Tier.MANAGEMENT) == []
    assert escalated_blockers(viewer=c.oscar, tier=Tier.DEPARTMENT, department=c.sales) != []  # concerned


@pytest.mark.parametrize("size", [2, 20])
def test_the_daily_focus_lists_the_open_blockers_i_own_oldest_first_EXE_7(
    company: Company, okrs: Okrs, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    _many(c, okrs, size, ago=dt.timedelta(days=3))
    resolved = blocker_create(actor=c.mia, title="已解决", owner=c.mia)
    blocker_resolve(actor=c.mia, blocker=resolved, resolution="好了")
    with django_assert_num_queries(1):
        items = owned_blockers(c.mia, company.org, timezone.now())
    assert 1 <= len(items) <= 5 and all(i.rank == Rank.BLOCKER for i in items)
    assert [i.when for i in items] == sorted(i.when for i in items if i.when)
    assert "已解决" not in {i.title for i in items}
    assert "open 3 days" in items[0].reason
    assert any(i.source == "blockers.owned" for i in daily_focus(c.mia, company.org, timezone.now()))


@pytest.mark.parametrize("size", [2, 20])
def test_the_objective_page_lists_the_open_blockers_on_its_key_results(
    client: Client, company: Company, okrs: Okrs, size: int
) -> None:
    c = company
    _many(c, okrs, size)
    client.force_login(c.mia)
    html = client.get(reverse("okrs:objective", args=[okrs["mine"].pk])).content.decode()
    assert 'id="blockers"' in html and "障碍 0" in html
    assert f"/blockers/new/?key_result={okrs['my_kr'].pk}" in html

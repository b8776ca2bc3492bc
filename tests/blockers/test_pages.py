"""The blockers' pages (EXE-2): list with filters and age, a blocker's page with its history, raise, edit, resolve,
reopen; refusals (404 invisible, 403 read-only) change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.blockers.models import Blocker, BlockerStatus
from qibu.blockers.services import blocker_create
from qibu.org.services import person_create
from tests.conftest import Company, Okrs


def _login(client: Client, person: object) -> Client:
    client.force_login(person)  # type: ignore[arg-type]
    return client


def _blocker(c: Company, **fields: object) -> Blocker:
    fields.setdefault("team", c.sales_team)
    fields.setdefault("title", "合同卡在法务")
    return blocker_create(actor=c.mia, owner=c.mia, **fields)  # type: ignore[arg-type]


def test_it_raises_a_blocker_from_the_form_linked_to_my_key_result_EXE_2(
    client: Client, company: Company, okrs: Okrs
) -> None:
    c = company
    _login(client, c.mia)
    page = client.get(f"/blockers/new/?key_result={okrs['my_kr'].pk}")
    assert page.status_code == 200
    assert f'value="kr:{okrs["my_kr"].pk}" selected' in page.content.decode()
    answer = client.post(
        "/blockers/new/",
        {
            "title": "苏州客户的采购流程太长",
            "owner": "hank",
            "concerned": "oscar, mia",
            "link": f"kr:{okrs['my_kr'].pk}",
            "group": f"team:{c.sales_team.pk}",
        },
    )
    blocker = Blocker.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/blockers/{blocker.pk}/"
    assert blocker.owner == c.hank and blocker.key_result == okrs["my_kr"] and blocker.team == c.sales_team
    assert sorted(p.username for p in blocker.concerned.all()) == ["mia", "oscar"]
    detail = client.get(answer["Location"]).content.decode()
    assert "苏州客户的采购流程太长" in detail and "raised a blocker" in detail


def test_the_form_shows_an_owner_who_left_next_to_the_field_and_writes_nothing_EXE_2(
    client: Client, company: Company
) -> None:
    left = person_create(actor=None, username="lee", full_name="离职的李", password="x" * 12)
    left.is_active = False
    left.save(update_fields=["is_active"])
    _login(client, company.mia)
    answer = client.post("/blockers/new/", {"title": "x", "owner": "lee"})
    assert answer.status_code == 400
    assert "离职的李 is no longer active in the company" in answer.content.decode()
    answer = client.post("/blockers/new/", {"title": "x", "owner": "nobody"})
    assert answer.status_code == 400 and "Nobody in the company has the username" in answer.content.decode()
    assert not Blocker.objects.exists()


def test_it_resolves_and_reopens_from_its_page(client: Client, company: Company) -> None:
    c = company
    blocker = _blocker(c)
    _login(client, c.hank)  # the team's lead
    assert client.post(f"/blockers/{blocker.pk}/resolve/", {"resolution": ""}).status_code == 400
    assert client.post(f"/blockers/{blocker.pk}/resolve/", {"resolution": "找法务总监签了"}).status_code == 302
    blocker.refresh_from_db()
    assert blocker.status == BlockerStatus.RESOLVED and blocker.resolution == "找法务总监签了"
    assert client.post(f"/blockers/{blocker.pk}/reopen/").status_code == 302
    blocker.refresh_from_db()
    assert blocker.is_open


def test_refusals_change_nothing_EXE_2(client: Client, company: Company) -> None:
    c = company
    blocker = _blocker(c)
    # oscar is in another department: he does not see it.
    _login(client, c.oscar)
    assert client.get(f"/blockers/{blocker.pk}/").status_code == 404
    assert client.post(f"/blockers/{blocker.pk}/resolve/", {"resolution": "x"}).status_code == 404
    # erin, an executive, sees it but may not change it.
    _login(client, c.erin)
    assert client.get(f"/blockers/{blocker.pk}/").status_code == 200
    assert client.post(f"/blockers/{blocker.pk}/resolve/", {"resolution": "x"}).status_code == 403
    assert client.post(f"/blockers/{blocker.pk}/edit/", {"title": "y", "owner": "erin"}).status_code == 403
    blocker.refresh_from_db()
    assert blocker.is_open and blocker.title == "合同卡在法务" and blocker.owner == c.mia


def test_the_list_filters_and_shows_the_age(client: Client, company: Company) -> None:
    c = company
    old = _blocker(c, now=timezone.now() - dt.timedelta(days=3))
    blocker_create(actor=c.hank, title="预算没批", owner=c.hank, concerned=[c.mia], team=c.sales_team)
    _login(client, c.mia)
    page = client.get("/blockers/").content.decode()
    assert "合同卡在法务" in page and "预算没批" in page and "open 3 days" in page
    mine = client.get("/blockers/?mine=on").content.decode()
    assert "合同卡在法务" in mine and "预算没批" not in mine
    concerning = client.get("/blockers/?concerning=on").content.decode()
    assert "预算没批" in concerning and "合同卡在法务" not in concerning
    assert old.pk


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Client, company: Company, okrs: Okrs, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    for n in range(size):
        _blocker(c, concerned=[c.hank, c.oscar], key_result=okrs["my_kr"], title=f"障碍 {n}")
    _login(client, c.mia)
    client.get("/blockers/")
    # The page's own (session, person, organisation), teams, departments, headed departments; the blockers' count,
    # page, people concerned and the objectives the viewer may see: the same at both sizes.
    with django_assert_num_queries(10):
        assert client.get("/blockers/").status_code == 200

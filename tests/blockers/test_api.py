"""The blockers' API (EXE-2): raise, list with filters, get, change, resolve, reopen; the pages' rules and messages,
nothing written on a refusal; the organisation's policy for escalation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.blockers.models import Blocker
from qibu.blockers.services import blocker_create
from qibu.org.models import Organisation, Person
from qibu.org.services import api_token_create, person_create
from tests.conftest import Company, Okrs


def _api(person: Person) -> dict[str, str]:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _send(client: Client, method: str, person: Person, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(
        method, f"/api/v1{url}", json.dumps(body or {}), content_type="application/json", headers=_api(person)
    )


def test_it_raises_changes_resolves_and_reopens_a_blocker_EXE_2(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    answer = _send(
        client,
        "POST",
        c.mia,
        "/blockers",
        {"title": "等法务", "owner": c.hank.pk, "concerned": [c.oscar.pk], "key_result": okrs["my_kr"].pk},
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    # Left out, the group is the caller's team (and its department).
    assert (body["team"], body["department"], body["tier"], body["source"]) == (
        c.sales_team.pk,
        c.sales.pk,
        "team",
        "page",
    )
    assert body["concerned"] == [c.oscar.pk] and body["key_result"] == okrs["my_kr"].pk and body["can_change"]
    pk = body["id"]
    changed = _send(client, "PATCH", c.mia, f"/blockers/{pk}", {"title": "等法务签字", "key_result": None})
    assert changed.status_code == 200 and changed.json()["title"] == "等法务签字"
    assert changed.json()["key_result"] is None
    resolved = _send(client, "POST", c.hank, f"/blockers/{pk}/resolve", {"resolution": "签了"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    again = _send(client, "POST", c.hank, f"/blockers/{pk}/resolve", {"resolution": "签了"})
    assert again.status_code == 422
    assert _send(client, "POST", c.hank, f"/blockers/{pk}/reopen").json()["status"] == "open"


def test_it_refuses_an_owner_outside_the_company_naming_the_field_EXE_2(client: Client, company: Company) -> None:
    c = company
    left = person_create(actor=None, username="lee", full_name="离职的李", password="x" * 12)
    left.is_active = False
    left.save(update_fields=["is_active"])
    for owner in (left.pk, 987654):
        answer = _send(client, "POST", c.mia, "/blockers", {"title": "x", "owner": owner})
        assert answer.status_code == 422
        assert [item["field"] for item in answer.json()["detail"]] == ["owner"]
    assert not Blocker.objects.exists() and not AuditEntry.objects.filter(action__startswith="blocker.").exists()


def test_refusals_change_nothing_EXE_2(client: Client, company: Company) -> None:
    c = company
    blocker = blocker_create(actor=c.mia, title="预算", owner=c.mia, team=c.sales_team)
    assert _send(client, "GET", c.oscar, f"/blockers/{blocker.pk}").status_code == 404
    assert _send(client, "PATCH", c.oscar, f"/blockers/{blocker.pk}", {"title": "y"}).status_code == 404
    assert _send(client, "GET", c.erin, f"/blockers/{blocker.pk}").json()["can_change"] is False
    assert _send(client, "PATCH", c.erin, f"/blockers/{blocker.pk}", {"title": "y"}).status_code == 403
    assert _send(client, "POST", c.erin, f"/blockers/{blocker.pk}/resolve", {"resolution": "x"}).status_code == 403
    blocker.refresh_from_db()
    assert blocker.title == "预算" and blocker.is_open


def test_the_list_filters(client: Client, company: Company) -> None:
    c = company
    blocker_create(actor=c.mia, title="我的", owner=c.mia, team=c.sales_team)
    blocker_create(actor=c.hank, title="关于我的", owner=c.hank, concerned=[c.mia], team=c.sales_team)

    def titles(url: str) -> list[str]:
        return [item["title"] for item in _send(client, "GET", c.mia, url).json()["items"]]

    assert titles("/blockers") == ["我的", "关于我的"]
    assert titles("/blockers?mine=true") == ["我的"]
    assert titles("/blockers?concerning=true") == ["关于我的"]
    assert titles("/blockers?tier=management") == []
    assert titles(f"/blockers?team={c.sales_team.pk}&status=open") == ["我的", "关于我的"]
    assert _send(client, "GET", c.oscar, "/blockers").json()["count"] == 0


@pytest.mark.parametrize("size", [12, 40])
def test_the_list_reads_in_a_fixed_number_of_queries(
    client: Client, company: Company, okrs: Okrs, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    for n in range(size):
        blocker_create(actor=c.mia, title=f"障碍 {n}", owner=c.mia, concerned=[c.hank], key_result=okrs["my_kr"])
    headers = _api(c.mia)
    client.get("/api/v1/blockers", headers=headers)
    # The token with its person (and its last use), the departments the caller heads, the page, its count, the
    # people concerned and the objectives the caller may see: the same at both sizes.
    with django_assert_num_queries(7):
        assert client.get("/api/v1/blockers?page_size=10", headers=headers).status_code == 200


def test_the_policy_reads_and_changes_by_administrators_only(client: Client, company: Company) -> None:
    c = company
    got = _send(client, "GET", c.mia, "/organisation/policy").json()
    assert (got["blocker_department_after_days"], got["blocker_management_after_days"]) == (2, 5)
    assert (
        _send(client, "PATCH", c.mia, "/organisation/policy", {"blocker_department_after_days": 3}).status_code == 403
    )
    bad = _send(client, "PATCH", c.alice, "/organisation/policy", {"blocker_management_after_days": 1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "blocker_management_after_days"
    ok = _send(client, "PATCH", c.alice, "/organisation/policy", {"blocker_department_after_days": 3})
    assert ok.status_code == 200 and ok.json()["departures"] == ["blocker_department_after_days"]
    assert Organisation.objects.get(pk=1).blocker_department_after_days == 3

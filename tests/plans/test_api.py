"""The action plans' API (EXE-8): steps created, listed, changed, given, moved, split, their status set, deleted;
the timetable's data; the pages' rules and messages, warnings in the answer, nothing written on a refusal."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.org.models import Person
from qibu.org.services import api_token_create
from qibu.plans.models import ActionStep
from tests.conftest import Company, Okrs
from tests.plans.helpers import END, make_step


def _api(person: Person) -> dict[str, str]:
    _token, secret = api_token_create(actor=None, person=person, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _post(client: Client, person: Person, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{url}", json.dumps(body), content_type="application/json", headers=_api(person))


def test_it_plans_a_step_and_answers_the_late_deadline_warning_EXE_8(
    client: Client, company: Company, okrs: Okrs
) -> None:
    c = company
    body = {
        "key_result": okrs["department_kr"].pk,
        "title": "华东巡回路演",
        "owner": c.mia.pk,
        "responsible": c.hank.pk,
        "decider": c.erin.pk,
        "resource_people": [c.oscar.pk],
        "budget": "12000.50",
        "currency": "CNY",
        "start": "2026-10-10",
        "deadline": "2027-01-10",
        "priority": 0,
    }
    response = _post(client, c.hank, "/action-steps", body)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["owner"], answer["responsible"], answer["decider"], answer["resource_people"]) == (
        c.mia.pk, c.hank.pk, c.erin.pk, [c.oscar.pk],
    )  # fmt: skip
    assert (answer["budget"], answer["status"], answer["due_after_key_result"], answer["can_change"]) == (
        "12000.50", "todo", True, True,
    )  # fmt: skip
    (warning,) = answer["warnings"]
    assert warning["rule"] == "EXE-8" and "after its key result ends" in warning["message"]


def test_it_refuses_an_owner_outside_the_company_by_field_and_writes_nothing_EXE_8(
    client: Client, company: Company, okrs: Okrs
) -> None:
    left = Person.objects.create(username="left", full_name="离职员工", is_active=False)
    history = AuditEntry.objects.exclude(action="api_token.create")
    before = history.count()
    for owner, message in ((999999, "There is no person #999999."),
                           (left.pk, "离职员工 is no longer active in the company: choose someone who is.")):  # fmt: skip
        response = _post(
            client,
            company.hank,
            "/action-steps",
            {"key_result": okrs["department_kr"].pk, "title": "x", "owner": owner},
        )
        assert response.status_code == 422
        assert response.json() == {"detail": [{"field": "owner", "message": message}]}
    assert not ActionStep.objects.exists() and history.count() == before


def test_it_refuses_planning_a_key_result_one_may_only_see(client: Client, company: Company, okrs: Okrs) -> None:
    response = _post(client, company.oscar, "/action-steps", {"key_result": okrs["my_kr"].pk, "title": "插手"})
    assert response.status_code == 403 and not ActionStep.objects.exists()


def test_it_changes_gives_moves_splits_and_deletes_a_step(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    step = make_step(c.hank, okrs["department_kr"], start=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 10))
    headers = _api(c.hank)
    changed = client.patch(
        f"/api/v1/action-steps/{step.pk}", json.dumps({"title": "拜访十家客户", "budget": "300"}),
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json()["title"] == "拜访十家客户"
    assert changed.json()["warnings"] == []
    given = _post(client, c.hank, f"/action-steps/{step.pk}/reassign", {"owner": c.mia.pk, "decider": None})
    assert (given.json()["owner"], given.json()["decider"]) == (c.mia.pk, None)
    moved = _post(client, c.hank, f"/action-steps/{step.pk}/move", {"key_result": okrs["my_kr"].pk, "position": 0})
    assert moved.status_code == 200 and moved.json()["key_result"] == okrs["my_kr"].pk
    split = _post(client, c.hank, f"/action-steps/{step.pk}/split", {"second_budget": "100"})
    assert split.status_code == 201
    parts = split.json()
    assert (parts["step"]["deadline"], parts["new_step"]["start"], parts["new_step"]["split_from"]) == (
        "2026-10-05", "2026-10-06", step.pk,
    )  # fmt: skip
    assert (parts["step"]["budget"], parts["new_step"]["budget"]) == ("200.00", "100.00")
    status = _post(client, c.mia, f"/action-steps/{step.pk}/status", {"status": "done"})
    assert status.status_code == 200 and status.json()["done_at"] is not None
    deleted = client.delete(f"/api/v1/action-steps/{parts['new_step']['id']}", headers=headers)
    assert deleted.status_code == 204 and ActionStep.objects.count() == 1


def test_it_lets_the_owner_set_the_status_only(client: Client, company: Company, okrs: Okrs) -> None:
    step = make_step(company.mia, okrs["my_kr"], owner=company.oscar)
    got = client.get(f"/api/v1/action-steps/{step.pk}", headers=_api(company.oscar)).json()
    assert (got["can_change"], got["can_set_status"]) == (False, True)
    assert _post(client, company.oscar, f"/action-steps/{step.pk}/status", {"status": "doing"}).status_code == 200
    refused = _post(client, company.oscar, f"/action-steps/{step.pk}/split", {})
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["message"] == "You may see this action step but not change it."
    assert ActionStep.objects.count() == 1


def test_it_lists_steps_by_filter_in_a_constant_number_of_queries(
    client: Client, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    c = company
    headers = _api(c.erin)
    late = make_step(c.mia, okrs["my_kr"], "逾期", start=dt.date(2026, 1, 1), deadline=dt.date(2026, 1, 2))
    make_step(c.hank, okrs["department_kr"], "路演", resource_people=[c.oscar])
    client.get("/api/v1/me", headers=headers)  # the token's first use is noted once
    with django_assert_num_queries(LIST_QUERIES) as few:
        assert client.get("/api/v1/action-steps?page_size=1", headers=headers).json()["count"] == 2
    for i in range(30):
        make_step(c.hank, okrs["department_kr"] if i % 2 else okrs["my_kr"], f"第{i}步", resource_people=[c.mia])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/action-steps?page_size=10", headers=headers).json()["count"] == 32
    overdue = client.get("/api/v1/action-steps?overdue=true", headers=headers).json()
    assert [s["id"] for s in overdue["items"]] == [late.pk]
    mine = client.get(f"/api/v1/action-steps?objective={okrs['mine'].pk}&owner={c.mia.pk}", headers=headers).json()
    assert mine["count"] == 16


# The organisation, the token and its person, the page of steps (with their key results and objectives), the page's
# resource people, the count.
LIST_QUERIES = 6  # with the departments the caller heads, for the drafts they may see (okrs.access)


def test_it_answers_the_timetable_of_a_department(client: Client, company: Company, okrs: Okrs) -> None:
    c = company
    make_step(c.hank, okrs["department_kr"], "路演", owner=c.hank)
    make_step(c.mia, okrs["my_kr"], "拜访", owner=c.mia, start=dt.date(2026, 12, 1), deadline=END)
    body = client.get(f"/api/v1/timetable?department={c.sales.pk}", headers=_api(c.oscar)).json()
    assert body["title"] == "Timetable of 销售部" and body["count"] == 2
    assert [(g["title"], [s["title"] for s in g["steps"]]) for g in body["groups"]] == [
        ("签约标杆客户 10 家", ["路演"]), ("苏州新签 4 家客户", ["拜访"]),
    ]  # fmt: skip
    october = client.get(
        f"/api/v1/timetable?department={c.sales.pk}&start=2026-10-01&end=2026-10-31", headers=_api(c.oscar)
    ).json()
    assert october["count"] == 1
    assert client.get("/api/v1/timetable?team=999999", headers=_api(c.oscar)).status_code == 404


def test_the_page_and_the_api_refuse_alike_and_store_alike(client: Client, company: Company, okrs: Okrs) -> None:
    """One rule, one message (docs/ARCHITECTURE.md): the same bad step refused by page and API with the same words;
    the same good one stored the same."""
    c = company
    Person.objects.create(username="left", full_name="离职员工", is_active=False)
    left = Person.objects.get(username="left")
    kr = okrs["department_kr"]
    api = _post(client, c.hank, "/action-steps", {"key_result": kr.pk, "title": "路演", "owner": left.pk,
                                                  "budget": "-3"}).json()  # fmt: skip
    client.force_login(c.hank)
    page = client.post(f"/plans/key-results/{kr.pk}/steps/new/", {"title": "路演", "owner": "left", "budget": "-3",
                                                                   "priority": "2"}).content.decode()  # fmt: skip
    for problem in api["detail"]:
        assert problem["message"] in page
    assert {p["field"] for p in api["detail"]} == {"owner", "budget"} and not ActionStep.objects.exists()
    body = {"key_result": kr.pk, "title": "路演", "owner": c.mia.pk, "start": "2026-10-05", "deadline": "2026-10-30"}
    _post(client, c.hank, "/action-steps", body)
    client.post(f"/plans/key-results/{kr.pk}/steps/new/", {"title": "路演", "owner": "mia", "start": "2026-10-05",
                                                           "deadline": "2026-10-30", "priority": "2"})  # fmt: skip
    fields = ("title", "owner", "responsible", "decider", "start", "deadline", "priority", "budget", "currency")
    via_api, via_page = ActionStep.objects.order_by("pk").values_list(*fields)
    assert via_api == via_page

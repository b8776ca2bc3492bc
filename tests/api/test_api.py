"""The HTTP API under /api/v1: who may call it, what it answers, and that a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

import pytest
from django.db.models import Exists, F, Q
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from qibu.audit.models import AuditEntry
from qibu.cycles.services import cycle_close
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Alignment, CheckIn, KeyResult, Level, Objective, Visibility
from qibu.okrs.services import alignment_set, key_result_create, objective_create
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs, okr_pks

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

API = "/api/v1"


class Call(Protocol):
    def __call__(
        self,
        method: str,
        path: str,
        person: Person | None = None,
        body: object = None,
        headers: dict[str, str] | None = None,
    ) -> Response: ...


class Private(TypedDict):
    objective: Objective
    kr: KeyResult


# --- helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def tokens() -> Callable[[Person], str]:
    made: dict[int, str] = {}

    def token_for(person: Person) -> str:
        if person.pk not in made:
            made[person.pk] = api_token_create(actor=None, person=person, name="tests")[1]
        return made[person.pk]

    return token_for


@pytest.fixture
def call(client: Client, tokens: Callable[[Person], str]) -> Callable[..., Any]:
    """call("get", "/objectives", person) → the response; `body` is sent as JSON."""

    def _call(
        method: str, path: str, person: Person | None = None, body: object = None, headers: dict[str, str] | None = None
    ) -> Response:
        sent = dict(headers or {})
        if person is not None:
            sent["Authorization"] = f"Bearer {tokens(person)}"
        kwargs: dict[str, Any] = {"headers": sent}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response: Response = getattr(client, method.lower())(API + path, **kwargs)
        return response

    return _call


def fields_of(response: Response) -> list[str | None]:
    return [item["field"] for item in response.json()["detail"]]


def snapshot() -> dict[str, Any]:
    """Everything a write could touch, to prove a refused request wrote nothing."""
    return {
        "objectives": sorted(Objective.objects.values_list("id", "title", "status", "owner_id", "progress")),
        "key_results": sorted(
            KeyResult.objects.values_list("id", "title", "start_value", "target_value", "current_value", "confidence")
        ),
        "check_ins": CheckIn.objects.count(),
        "alignments": sorted(Alignment.objects.values_list("child_id", "rollup_parent_id")),
        # Tokens are made on a person's first call (`tokens`), recorded in their history, not by the request.
        "history": AuditEntry.objects.exclude(action="api_token.create").count(),
    }


@pytest.fixture
def private(company: Company, okrs: Okrs) -> Private:
    """Oscar's private objective, aligned under the sales department's objective (PUB-2's limit)."""
    c = company
    objective = objective_create(
        actor=c.oscar,
        cycle=c.quarter,
        level=Level.PERSON,
        owner=c.oscar,
        title="私人目标",
        visibility=Visibility.PRIVATE,
        parent_objective_ids=[okrs["department"].pk],
    )
    kr = key_result_create(actor=c.oscar, objective=objective, title="读完三本书", start_value=0, target_value=3)
    return {"objective": objective, "kr": kr}


# --- authentication -----------------------------------------------------------------------------------


ENDPOINTS = [
    ("get", "/me"),
    ("get", "/people"),
    ("get", "/people/1"),
    ("get", "/departments"),
    ("get", "/departments/1"),
    ("get", "/teams"),
    ("get", "/cycles"),
    ("get", "/cycles/1"),
    ("get", "/objectives"),
    ("get", "/objectives/1"),
    ("post", "/objectives"),
    ("patch", "/objectives/1"),
    ("delete", "/objectives/1"),
    ("put", "/objectives/1/alignment"),
    ("get", "/key-results"),
    ("get", "/key-results/1"),
    ("post", "/key-results"),
    ("patch", "/key-results/1"),
    ("delete", "/key-results/1"),
    ("get", "/check-ins"),
    ("post", "/check-ins"),
    ("get", "/alignment-tree"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_answers_anonymous_callers_with_401_json(call: Call, okrs: Okrs, method: str, path: str) -> None:
    before = snapshot()
    response = call(method, path, body={} if method in ("post", "patch", "put") else None)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"][0]["field"] is None
    assert "Bearer" in response["WWW-Authenticate"]
    assert snapshot() == before


def test_it_refuses_an_unknown_token(call: Call, okrs: Okrs) -> None:
    response = call("get", "/objectives", headers={"Authorization": "Bearer qibu_not-a-real-token"})
    assert response.status_code == 401


def test_it_accepts_a_personal_token(call: Call, company: Company, okrs: Okrs) -> None:
    response = call("get", "/objectives", company.mia)
    assert response.status_code == 200
    assert {o["title"] for o in response.json()["items"]} == {
        "成为华东市场第一",
        "销售部拿下十家标杆客户",
        "打开苏州市场",
    }


def test_it_does_not_accept_a_token_of_a_deactivated_person(
    call: Call, company: Company, okrs: Okrs, tokens: Callable[[Person], str]
) -> None:
    token = tokens(company.mia)
    Person.objects.filter(pk=company.mia.pk).update(is_active=False)
    response = call("get", "/objectives", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_it_accepts_the_session_of_a_signed_in_person(client: Client, company: Company, okrs: Okrs) -> None:
    client.force_login(company.mia)
    response = client.get(f"{API}/objectives/{okrs['mine'].pk}")
    assert response.status_code == 200
    assert response.json()["can_edit"] is True


def test_it_enforces_csrf_on_session_writes(company: Company, okrs: Okrs) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(company.mia)
    body = json.dumps({"key_result": okrs["my_kr"].pk, "confidence": 70, "value": 1})
    before = snapshot()

    refused = browser.post(
        f"{API}/check-ins", data=body, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"][0]["message"]
    assert snapshot() == before

    secret = "a" * 32
    browser.cookies["csrftoken"] = secret
    accepted = browser.post(
        f"{API}/check-ins", data=body, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert accepted.status_code == 201
    assert CheckIn.objects.count() == 1


def test_it_needs_no_csrf_with_a_token(company: Company, okrs: Okrs, tokens: Callable[[Person], str]) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        f"{API}/check-ins",
        data=json.dumps({"key_result": okrs["my_kr"].pk, "confidence": 70, "value": 1}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens(company.mia)}"},
    )
    assert response.status_code == 201


def test_it_answers_an_anonymous_write_with_401_before_any_csrf_check(okrs: Okrs) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"{API}/objectives", data="{}", content_type="application/json")
    assert response.status_code == 401


# --- the organisation and cycles ----------------------------------------------------------------------


def test_it_shows_people_departments_teams_and_cycles_to_anyone_signed_in(call: Call, company: Company) -> None:
    c = company
    people = call("get", "/people", c.oscar).json()
    assert people["count"] == 5
    assert {p["username"] for p in people["items"]} == {"alice", "erin", "hank", "mia", "oscar"}

    sales_people = call("get", f"/people?department={c.sales.pk}", c.oscar).json()
    assert {p["username"] for p in sales_people["items"]} == {"hank", "mia"}
    mia = call("get", f"/people/{c.mia.pk}", c.oscar).json()
    assert (mia["full_name"], mia["manager"], mia["team"]) == ("米娅", c.hank.pk, c.sales_team.pk)

    departments = call("get", "/departments", c.oscar).json()
    assert {d["name"] for d in departments["items"]} == {"销售部", "市场部"}
    sales = call("get", f"/departments/{c.sales.pk}", c.oscar).json()
    assert (sales["head"], sales["depth"]) == (c.hank.pk, 0)

    teams = call("get", f"/teams?department={c.sales.pk}", c.oscar).json()
    assert [(t["name"], t["lead"]) for t in teams["items"]] == [("华东大客户组", c.hank.pk)]

    quarters = call("get", "/cycles?kind=quarter", c.oscar).json()
    assert [q["name"] for q in quarters["items"]] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    quarter = call("get", f"/cycles/{c.quarter.pk}", c.oscar).json()
    assert (quarter["start"], quarter["end"], quarter["parent"]) == ("2026-10-01", "2026-12-31", c.year.pk)

    assert call("get", "/people/999999", c.oscar).status_code == 404
    assert call("get", "/cycles/999999", c.oscar).status_code == 404


# --- objectives ---------------------------------------------------------------------------------------


def test_it_filters_and_pages_objectives(call: Call, company: Company, okrs: Okrs) -> None:
    c = company

    def titles(query: str) -> list[str]:
        response = call("get", f"/objectives{query}", c.mia)
        assert response.status_code == 200
        return [o["title"] for o in response.json()["items"]]

    assert titles("?level=company") == ["成为华东市场第一"]
    assert titles(f"?owner={c.mia.pk}") == ["打开苏州市场"]
    assert titles(f"?department={c.sales.pk}") == ["销售部拿下十家标杆客户", "打开苏州市场"]
    assert titles(f"?cycle={c.quarter.pk}&level=department") == ["销售部拿下十家标杆客户"]
    assert titles(f"?cycle={c.year.pk}") == []

    page = call("get", "/objectives?page=2&page_size=1", c.mia).json()
    assert (page["count"], page["page"], page["page_size"], len(page["items"])) == (3, 2, 1, 1)
    assert page["items"][0]["title"] == "销售部拿下十家标杆客户"

    too_big = call("get", "/objectives?page_size=201", c.mia)
    assert too_big.status_code == 422
    assert fields_of(too_big) == ["page_size"]
    assert fields_of(call("get", "/objectives?page=0", c.mia)) == ["page"]
    assert fields_of(call("get", "/objectives?level=galaxy", c.mia)) == ["level"]


def test_it_shows_an_objective_with_its_stored_rollups_health_and_key_results(
    call: Call, company: Company, okrs: Okrs
) -> None:
    body = call("get", f"/objectives/{okrs['mine'].pk}", company.mia).json()
    assert body["title"] == "打开苏州市场"
    assert body["owner"] == company.mia.pk
    assert body["owner_name"] == "米娅"
    assert body["department"] == company.sales.pk
    assert body["progress"] == "0.0000"
    assert body["confidence"] == 80  # a whole percentage, as on key results (MEAS-5)
    assert body["health"] == "on_track"  # MEAS-6 with the organisation's policy
    assert body["key_result_ids"] == [okrs["my_kr"].pk]
    assert body["parent_objective_ids"] == [okrs["department"].pk]
    assert body["can_edit"] is True


def test_it_creates_changes_and_deletes_an_objective(call: Call, company: Company, okrs: Okrs) -> None:
    c = company
    created = call(
        "post",
        "/objectives",
        c.mia,
        {
            "cycle": c.quarter.pk,
            "level": "person",
            "owner": c.mia.pk,
            "title": "  做好客户回访  ",
            "priority": 0,
            "weight": "2.5",
            "parent_key_result_ids": [okrs["department_kr"].pk],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["priority"], body["weight"]) == ("做好客户回访", 0, "2.50")
    assert body["parent_key_result_ids"] == [okrs["department_kr"].pk]
    assert (body["start_date"], body["end_date"]) == ("2026-10-01", "2026-12-31")
    objective = Objective.objects.get(pk=body["id"])
    assert objective.author == c.mia
    assert objective.department == c.sales

    changed = call("patch", f"/objectives/{objective.pk}", c.mia, {"title": "做好重点客户回访", "status": "closed"})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["status"]) == ("做好重点客户回访", "closed")
    objective.refresh_from_db()
    assert (objective.title, objective.status, objective.priority) == ("做好重点客户回访", "closed", 0)

    deleted = call("delete", f"/objectives/{objective.pk}", c.mia)
    assert deleted.status_code == 204
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert call("get", f"/objectives/{objective.pk}", c.mia).status_code == 404


def test_it_returns_html_in_a_title_as_data(call: Call, company: Company) -> None:
    title = '<script>alert("x")</script><b>粗</b>'
    created = call(
        "post",
        "/objectives",
        company.mia,
        {"cycle": company.quarter.pk, "level": "person", "owner": company.mia.pk, "title": title},
    )
    assert created.status_code == 201
    assert created["Content-Type"].startswith("application/json")
    fetched = call("get", f"/objectives/{created.json()['id']}", company.mia)
    assert fetched.json()["title"] == title


def test_it_sets_and_replaces_the_alignment_SET_6(call: Call, company: Company, okrs: Okrs) -> None:
    """SET-6."""
    mine = okrs["mine"]
    response = call(
        "put", f"/objectives/{mine.pk}/alignment", company.mia, {"parent_key_result_ids": [okrs["department_kr"].pk]}
    )
    assert response.status_code == 200
    assert response.json()["parent_objective_ids"] == []
    assert response.json()["parent_key_result_ids"] == [okrs["department_kr"].pk]
    assert list(Alignment.objects.filter(child=mine).values_list("parent_key_result_id", flat=True)) == [
        okrs["department_kr"].pk
    ]


def test_it_does_not_align_to_an_objective_the_caller_cannot_see(
    call: Call, company: Company, okrs: Okrs, private: Private
) -> None:
    """Answered as if the private objective did not exist (PUB-2's limit), on alignment and on creation."""
    before = snapshot()
    response = call(
        "put",
        f"/objectives/{okrs['mine'].pk}/alignment",
        company.mia,
        {"parent_objective_ids": [private["objective"].pk]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "parent_objective_ids", "message": f"There is no objective #{private['objective'].pk}."}
    ]
    created = call(
        "post",
        "/objectives",
        company.mia,
        {
            "cycle": company.quarter.pk,
            "level": "person",
            "owner": company.mia.pk,
            "title": "跟着私人目标走",
            "parent_key_result_ids": [private["kr"].pk],
        },
        headers={"Accept-Language": "en"},
    )
    assert created.status_code == 422
    assert fields_of(created) == ["parent_key_result_ids"]
    assert snapshot() == before


# --- the alignment tree -------------------------------------------------------------------------------


def test_it_opens_the_alignment_tree_level_by_level(call: Call, company: Company, okrs: Okrs, private: Private) -> None:
    c = company
    top = call("get", f"/alignment-tree?cycle={c.quarter.pk}", c.mia).json()
    assert top["cycle"] == c.quarter.pk
    assert [(n["title"], n["child_count"], n["key_result_count"]) for n in top["items"]] == [("成为华东市场第一", 1, 1)]
    assert top["items"][0]["health"] == "at_risk"
    assert top["items"][0]["progress"] == "0.0000"

    under_company = call("get", f"/alignment-tree?parent={okrs['company'].pk}", c.mia).json()
    assert [n["title"] for n in under_company["items"]] == ["销售部拿下十家标杆客户"]
    # Oscar's private objective sits under the department objective too, but mia may not see it.
    assert under_company["items"][0]["child_count"] == 1
    as_admin = call("get", f"/alignment-tree?parent={okrs['company'].pk}", c.alice).json()
    assert as_admin["items"][0]["child_count"] == 2

    under_department = call("get", f"/alignment-tree?parent={okrs['department'].pk}", c.mia).json()
    assert [n["title"] for n in under_department["items"]] == ["打开苏州市场"]
    assert call("get", f"/alignment-tree?parent={private['objective'].pk}", c.mia).status_code == 404


# --- key results and check-ins ------------------------------------------------------------------------


def test_it_lists_and_shows_key_results_with_decimal_strings_and_staleness_MEAS_8(
    call: Call, company: Company, okrs: Okrs
) -> None:
    """MEAS-8."""
    c = company
    KeyResult.objects.filter(pk=okrs["my_kr"].pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    listed = call("get", f"/key-results?objective={okrs['mine'].pk}", c.mia).json()
    assert [kr["title"] for kr in listed["items"]] == ["苏州新签 4 家客户"]
    kr = listed["items"][0]
    assert (kr["kind"], kr["start_value"], kr["target_value"], kr["current_value"]) == (
        "increase",
        "0.0000",
        "4.0000",
        "0.0000",
    )
    assert (kr["progress_raw"], kr["progress"], kr["confidence"]) == ("0.0000", "0.0000", 80)
    assert kr["stale"] is True  # eight days without a check-in, cadence seven

    checked = call("post", "/check-ins", c.mia, {"key_result": okrs["my_kr"].pk, "value": 5, "confidence": 90})
    assert checked.status_code == 201
    fresh = call("get", f"/key-results/{okrs['my_kr'].pk}", c.mia).json()
    assert fresh["stale"] is False
    assert (fresh["current_value"], fresh["progress_raw"], fresh["progress"]) == ("5.0000", "1.2500", "1.0000")

    everything = call("get", f"/key-results?cycle={c.quarter.pk}", c.mia).json()
    assert everything["count"] == 3
    assert call("get", f"/key-results?owner={c.hank.pk}", c.mia).json()["count"] == 1


def test_it_creates_changes_and_deletes_a_key_result(call: Call, company: Company, okrs: Okrs) -> None:
    c = company
    created = call(
        "post",
        "/key-results",
        c.mia,
        {
            "objective": okrs["mine"].pk,
            "title": "交付三个里程碑",
            "kind": "milestones",
            "milestones": [{"title": "签约"}, {"title": "上线", "weight": 2}],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert [(m["title"], m["weight"], m["done"]) for m in body["milestones"]] == [
        ("签约", "1.00", False),
        ("上线", "2.00", False),
    ]
    assert body["owner"] == c.mia.pk

    changed = call("patch", f"/key-results/{body['id']}", c.mia, {"title": "交付两个里程碑", "confidence": 65})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["confidence"]) == ("交付两个里程碑", 65)
    assert KeyResult.objects.get(pk=body["id"]).confidence == 65

    assert call("delete", f"/key-results/{body['id']}", c.mia).status_code == 204
    assert not KeyResult.objects.filter(pk=body["id"]).exists()


def test_it_refuses_a_confidence_fall_without_a_reason_then_accepts_it_with_one_EXE_4(
    call: Call, company: Company, okrs: Okrs
) -> None:
    """EXE-4."""
    kr = okrs["my_kr"]
    before = snapshot()
    refused = call("post", "/check-ins", company.mia, {"key_result": kr.pk, "value": 1, "confidence": 20})
    assert refused.status_code == 422
    assert fields_of(refused) == ["confidence_reason"]
    assert "60" in refused.json()["detail"][0]["message"]
    assert snapshot() == before

    accepted = call(
        "post",
        "/check-ins",
        company.mia,
        {"key_result": kr.pk, "value": 1, "confidence": 20, "confidence_reason": "最大的客户推迟到明年采购"},
    )
    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["confidence"], body["previous_confidence"], body["progress"]) == (20, 80, "0.2500")
    kr.refresh_from_db()
    assert (kr.confidence, kr.current_value) == (20, Decimal(1))

    listed = call("get", f"/check-ins?key_result={kr.pk}", company.hank).json()
    assert [c["confidence_reason"] for c in listed["items"]] == ["最大的客户推迟到明年采购"]
    assert call("get", f"/check-ins?objective={okrs['mine'].pk}", company.hank).json()["count"] == 1


def test_it_refuses_a_checkin_on_a_closed_cycle(call: Call, company: Company, okrs: Okrs) -> None:
    cycle_close(actor=None, cycle=company.quarter)
    before = snapshot()
    response = call("post", "/check-ins", company.mia, {"key_result": okrs["my_kr"].pk, "value": 2, "confidence": 80})
    assert response.status_code == 422
    assert fields_of(response) == ["cycle"]
    assert snapshot() == before


# --- permissions: the same lookup as the pages (invisible → 404, read-only → 403) ---------------------


def _rows() -> list[tuple[str, str, str, dict[str, object] | None, int]]:
    """(method, path, persona, …, body, status): paths name fixture objects as {company}, {private_kr}, …"""
    patch: dict[str, object] = {"title": "改过的标题"}
    return [
        ("get", "/objectives/{private}", "mia", None, 404),
        ("get", "/objectives/{private}", "hank", None, 404),
        ("get", "/objectives/{private}", "erin", None, 404),
        ("get", "/objectives/{private}", "oscar", None, 200),
        ("get", "/objectives/{private}", "alice", None, 200),
        ("patch", "/objectives/{private}", "mia", patch, 404),
        ("delete", "/objectives/{private}", "hank", None, 404),
        ("put", "/objectives/{private}/alignment", "mia", {}, 404),
        ("get", "/key-results/{private_kr}", "mia", None, 404),
        ("get", "/key-results?objective={private}", "mia", None, 404),
        ("get", "/check-ins?key_result={private_kr}", "mia", None, 404),
        ("patch", "/key-results/{private_kr}", "mia", patch, 404),
        ("post", "/check-ins", "mia", {"key_result": "{private_kr}", "confidence": 50}, 404),
        ("post", "/key-results", "mia", {"objective": "{private}", "title": "x", "target_value": 2}, 404),
        ("patch", "/objectives/{company}", "mia", patch, 403),
        ("patch", "/objectives/{company}", "hank", patch, 403),
        ("patch", "/objectives/{company}", "erin", patch, 200),
        ("delete", "/objectives/{company}", "mia", None, 403),
        ("put", "/objectives/{company}/alignment", "hank", {}, 403),
        ("patch", "/objectives/{department}", "mia", patch, 403),
        ("patch", "/objectives/{department}", "oscar", patch, 403),
        ("patch", "/objectives/{department}", "hank", patch, 200),
        ("patch", "/objectives/{mine}", "oscar", patch, 403),
        ("patch", "/objectives/{mine}", "hank", patch, 200),
        ("post", "/key-results", "mia", {"objective": "{company}", "title": "x", "target_value": 2}, 403),
        ("patch", "/key-results/{revenue}", "mia", patch, 403),
        ("delete", "/key-results/{revenue}", "oscar", None, 403),
        ("post", "/check-ins", "mia", {"key_result": "{revenue}", "confidence": 50}, 403),
        ("post", "/check-ins", "hank", {"key_result": "{my_kr}", "confidence": 70}, 201),
        ("post", "/objectives", "mia", {"cycle": "{quarter}", "level": "company", "title": "x"}, 403),
        ("post", "/objectives", "erin", {"cycle": "{quarter}", "level": "company", "title": "x"}, 201),
        (
            "post",
            "/objectives",
            "mia",
            {"cycle": "{quarter}", "level": "person", "owner": "{oscar}", "title": "x"},
            403,
        ),
        (
            "post",
            "/objectives",
            "hank",
            {"cycle": "{quarter}", "level": "person", "owner": "{oscar}", "title": "x"},
            403,
        ),
        ("post", "/objectives", "hank", {"cycle": "{quarter}", "level": "person", "owner": "{mia}", "title": "x"}, 201),
        (
            "post",
            "/objectives",
            "oscar",
            {"cycle": "{quarter}", "level": "department", "department": "{sales}", "title": "x"},
            403,
        ),
    ]


@pytest.mark.parametrize(("method", "path", "persona", "body", "status"), _rows())
def test_it_answers_each_persona_as_the_pages_do_PUB_2(
    call: Call,
    company: Company,
    okrs: Okrs,
    private: Private,
    method: str,
    path: str,
    persona: str,
    body: dict[str, object] | None,
    status: int,
) -> None:
    """PUB-2."""
    c = company
    ids = {
        **okr_pks(okrs),
        "private": private["objective"].pk,
        "private_kr": private["kr"].pk,
        "quarter": c.quarter.pk,
        "sales": c.sales.pk,
        "mia": c.mia.pk,
        "oscar": c.oscar.pk,
    }

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return ids[value[1:-1]]
        return value

    before = snapshot()
    response = call(method, path.format(**ids), getattr(c, persona), fill(body))
    assert response.status_code == status, response.content
    if status >= 400:
        assert response.json()["detail"][0]["message"]
        assert snapshot() == before


# --- bad input: JSON naming the field, nothing written ------------------------------------------------


def _bad_inputs() -> list[tuple[str, str, str, dict[str, object], str]]:
    """(what, method, path, body, field) — all sent by the objective's owner."""
    person_objective = {"cycle": "{quarter}", "level": "person", "owner": "{mia}"}
    kr = {"objective": "{mine}", "title": "新增客户"}
    return [
        ("empty title", "post", "/objectives", {**person_objective, "title": "   "}, "title"),
        ("over-long title", "post", "/objectives", {**person_objective, "title": "长" * 201}, "title"),
        ("unknown owner", "post", "/objectives", {**person_objective, "owner": 999999, "title": "x"}, "owner"),
        ("missing cycle", "post", "/objectives", {"level": "person", "owner": "{mia}", "title": "x"}, "cycle"),
        ("unknown field", "post", "/objectives", {**person_objective, "title": "x", "levle": "team"}, "levle"),
        ("bad level", "post", "/objectives", {**person_objective, "level": "galaxy", "title": "x"}, "level"),
        (
            "dates reversed",
            "post",
            "/objectives",
            {**person_objective, "title": "x", "start_date": "2026-12-01", "end_date": "2026-11-01"},
            "end_date",
        ),
        ("title emptied", "patch", "/objectives/{mine}", {"title": ""}, "title"),
        ("weight zero", "patch", "/objectives/{mine}", {"weight": 0}, "weight"),
        ("target equals start", "post", "/key-results", {**kr, "start_value": 5, "target_value": 5}, "target_value"),
        (
            "band low above high",
            "post",
            "/key-results",
            {**kr, "kind": "band", "band_low": 10, "band_high": 5},
            "band_low",
        ),
        ("confidence 101", "post", "/key-results", {**kr, "target_value": 3, "confidence": 101}, "confidence"),
        ("not a number", "patch", "/key-results/{my_kr}", {"target_value": "many"}, "target_value"),
        ("milestones without any", "post", "/key-results", {**kr, "kind": "milestones"}, "milestones"),
        ("check-in confidence 101", "post", "/check-ins", {"key_result": "{my_kr}", "confidence": 101}, "confidence"),
        ("check-in without confidence", "post", "/check-ins", {"key_result": "{my_kr}", "value": 1}, "confidence"),
        (
            "alignment loop",
            "put",
            "/objectives/{department}/alignment",
            {"parent_objective_ids": ["{mine}"]},
            "parent_objective_ids",
        ),
        (
            "align to itself",
            "put",
            "/objectives/{mine}/alignment",
            {"parent_objective_ids": ["{mine}"]},
            "parent_objective_ids",
        ),
    ]


@pytest.mark.parametrize(("what", "method", "path", "body", "field"), _bad_inputs(), ids=[r[0] for r in _bad_inputs()])
def test_it_names_the_field_of_bad_input_and_writes_nothing(
    call: Call,
    company: Company,
    okrs: Okrs,
    what: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
    field: str,
) -> None:
    c = company
    ids = {**okr_pks(okrs), "quarter": c.quarter.pk, "mia": c.mia.pk}

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return ids[value[1:-1]]
        return value

    # hank may edit both his department's objective and mia's (he is her manager).
    before = snapshot()
    response = call(method, path.format(**ids), c.hank, fill(body))
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert all(item["message"] for item in response.json()["detail"])
    assert snapshot() == before


def test_it_answers_a_body_that_is_not_json_with_400(
    client: Client, company: Company, tokens: Callable[[Person], str]
) -> None:
    response = client.post(
        f"{API}/objectives",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens(company.mia)}"},
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] is None


# --- language -----------------------------------------------------------------------------------------


def test_it_answers_in_the_language_of_the_request(call: Call, company: Company) -> None:
    """Accept-Language, the language cookie, or the person's own language, as for pages."""
    c = company
    english = call("get", "/objectives/abc", c.mia, headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert english.json()["detail"] == [{"field": "objective_id", "message": "Enter a whole number."}]
    chinese = call("get", "/objectives/abc", c.mia, headers={"Accept-Language": "zh-hans"})
    assert chinese.json()["detail"][0]["message"] == "请输入整数。"

    Person.objects.filter(pk=c.mia.pk).update(language="en")
    own_language = call("get", "/objectives/abc", c.mia)
    assert own_language.json()["detail"][0]["message"] == "Enter a whole number."


def test_it_prefers_the_language_cookie_over_the_persons_language(
    client: Client, company: Company, tokens: Callable[[Person], str]
) -> None:
    Person.objects.filter(pk=company.mia.pk).update(language="en")
    client.cookies["qibu_language"] = "zh-hans"
    response = client.get(f"{API}/objectives/abc", headers={"Authorization": f"Bearer {tokens(company.mia)}"})
    assert response.json()["detail"][0]["message"] == "请输入整数。"


# --- queries ------------------------------------------------------------------------------------------


def _add_objectives(company: Company, okrs: Okrs, count: int) -> None:
    c = company
    owners = [c.mia, c.oscar, c.hank]
    for i in range(count):
        owner = owners[i % 3]
        objective = objective_create(
            actor=c.alice,
            cycle=c.quarter,
            level=Level.PERSON,
            owner=owner,
            title=f"目标 {i}",
            visibility=Visibility.DEPARTMENT if i % 4 == 0 else Visibility.COMPANY,
        )
        if i % 2:
            alignment_set(actor=c.alice, objective=objective, parent_objective_ids=[okrs["department"].pk])
        if i % 3 == 0:
            key_result_create(actor=c.alice, objective=objective, title=f"结果 {i}", start_value=0, target_value=10)


def test_it_lists_objectives_in_the_same_number_of_queries_for_ten_times_more(
    call: Call, company: Company, okrs: Okrs, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _add_objectives(company, okrs, 6)
    call("get", "/objectives", company.mia)  # the token's first use is noted once

    # token, organisation, the departments mia heads, page, key result ids, visible parents (no count: a page
    # that is not full is the last one, so it tells the count)
    with django_assert_num_queries(6):
        small = call("get", "/objectives?page_size=200", company.mia)
    _add_objectives(company, okrs, 60)
    with django_assert_num_queries(6):
        large = call("get", "/objectives?page_size=200", company.mia)
    assert small.json()["count"] < large.json()["count"]
    assert large.json()["count"] == len(large.json()["items"])


LISTS = [
    "/objectives",
    "/objectives?cycle={quarter}",
    "/objectives?cycle={quarter}&level=person",
    "/key-results",
    "/key-results?cycle={quarter}",
    "/key-results?cycle={quarter}&owner={hank}",
    "/key-results?objective={department}",
    "/check-ins",
    "/alignment-tree?parent={department}",
]


def _checked_in_everywhere(company: Company, okrs: Okrs) -> None:
    """A check-in on every key result, by someone who may make it."""
    for kr in KeyResult.objects.select_related("objective"):
        CheckIn.objects.create(key_result=kr, author=company.alice, created_at=timezone.now(), value=1, confidence=50)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("who", ["mia", "oscar", "hank", "erin", "alice"])
def test_it_pages_each_list_exactly_as_the_whole_list(
    call: Call, company: Company, okrs: Okrs, private: Private, path: str, who: str
) -> None:
    """Every page, full, partial or past the end, has the count of the whole list and its slice of it."""
    _add_objectives(company, okrs, 13)
    for i in range(3):
        key_result_create(actor=company.hank, objective=okrs["department"], title=f"更多 {i}", target_value=5)
    _checked_in_everywhere(company, okrs)
    person = getattr(company, who)
    url = path.format(quarter=company.quarter.pk, department=okrs["department"].pk, hank=company.hank.pk)
    join = "&" if "?" in url else "?"
    whole = call("get", f"{url}{join}page_size=200", person).json()
    ids = [item["id"] for item in whole["items"]]
    assert whole["count"] == len(ids) > 2
    for size in (1, 2, 3, 5, len(ids), len(ids) + 1):
        for page in range(1, len(ids) // size + 3):
            body = call("get", f"{url}{join}page={page}&page_size={size}", person).json()
            assert body["count"] == len(ids), (size, page)
            assert [item["id"] for item in body["items"]] == ids[(page - 1) * size : page * size], (size, page)


@pytest.mark.parametrize("who", ["mia", "oscar", "hank", "erin", "alice"])
def test_it_lists_what_the_person_may_see_PUB_2(
    call: Call, company: Company, okrs: Okrs, private: Private, who: str
) -> None:
    """PUB-2: The lists show exactly the objectives (and their key results, check-ins and parents) that
    `visible_objectives_q` lets the person see."""
    _add_objectives(company, okrs, 13)
    _checked_in_everywhere(company, okrs)
    person = getattr(company, who)
    visible = Objective.objects.filter(visible_objectives_q(person))
    expected_objectives = list(visible.order_by("priority", "id").values_list("pk", flat=True))
    expected_krs = KeyResult.objects.filter(objective__in=visible).order_by("objective_id", "position", "id")
    expected_checkins = CheckIn.objects.filter(key_result__objective__in=visible).order_by("-created_at", "-id")

    def listed(path: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = call("get", f"{path}?page_size=200", person).json()["items"]
        return items

    objectives = listed("/objectives")
    assert [o["id"] for o in objectives] == expected_objectives
    assert [kr["id"] for kr in listed("/key-results")] == list(expected_krs.values_list("pk", flat=True))
    assert [ci["id"] for ci in listed("/check-ins")] == list(expected_checkins.values_list("pk", flat=True))
    visible_ids = set(expected_objectives)
    for o in objectives:
        parents = Alignment.objects.filter(child_id=o["id"], rollup_parent_id__in=visible_ids)
        assert o["parent_objective_ids"] == [a.parent_objective_id for a in parents if a.parent_objective_id]
        assert o["parent_key_result_ids"] == [a.parent_key_result_id for a in parents if a.parent_key_result_id]
    tree = call("get", f"/alignment-tree?parent={okrs['department'].pk}", person)
    if okrs["department"].pk in visible_ids:
        children = Alignment.objects.filter(rollup_parent=okrs["department"], child_id__in=visible_ids)
        assert sorted(n["id"] for n in tree.json()["items"]) == sorted(children.values_list("child_id", flat=True))
    else:
        assert tree.status_code == 404


@pytest.mark.parametrize("who", ["mia", "oscar", "alice"])
def test_it_applies_visibility_through_a_join_or_else_exists_with_the_same_answer(
    company: Company, okrs: Okrs, private: Private, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    """Plain lookups and stand-alone subqueries are joined through the foreign key; a filter that names
    fields of the row (here F()) is applied as EXISTS. All give the rows of the visible objectives."""
    from qibu.api.okrs import visible_through
    from qibu.okrs import access

    person = getattr(company, who)
    original = access.visible_objectives_q
    expected = sorted(
        KeyResult.objects.filter(objective__in=Objective.objects.filter(original(person))).values_list("pk", flat=True)
    )
    variants = {
        "plain": (lambda p: original(p), Q),
        "subquery": (lambda p: Q(pk__in=Objective.objects.filter(original(p)).values("pk")), Q),
        "expression": (lambda p: original(p) & Q(id=F("id")), Exists),
    }
    for name, (visible_q, kind) in variants.items():
        monkeypatch.setattr(access, "visible_objectives_q", visible_q)
        through = visible_through(person, "objective")
        assert isinstance(through, kind), name
        assert sorted(KeyResult.objects.filter(through).values_list("pk", flat=True)) == expected, name
    assert (private["kr"].pk in expected) == (who != "mia")


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # token, organisation, the departments mia heads, page, count, then the page's own:
        ("/objectives?cycle={quarter}&page_size=2", 7),  # key result ids, visible parents
        ("/key-results?cycle={quarter}&page_size=2", 6),  # milestones
        ("/check-ins?page_size=2", 5),
        ("/alignment-tree?parent={department}&page_size=2", 6),  # the parent's lookup
    ],
)
def test_it_answers_a_full_page_in_the_same_number_of_queries_for_ten_times_more(
    call: Call,
    company: Company,
    okrs: Okrs,
    path: str,
    queries: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _add_objectives(company, okrs, 6)
    _checked_in_everywhere(company, okrs)
    url = path.format(quarter=company.quarter.pk, department=okrs["department"].pk)
    call("get", url, company.mia)  # the token's first use is noted once
    with django_assert_num_queries(queries):
        small = call("get", url, company.mia).json()
    _add_objectives(company, okrs, 60)
    _checked_in_everywhere(company, okrs)
    with django_assert_num_queries(queries):
        large = call("get", url, company.mia).json()
    assert small["count"] < large["count"]
    assert len(small["items"]) == len(large["items"]) == 2


def test_it_answers_an_unknown_api_address_with_json(client: Client, db: None) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": [{"field": None, "message": "There is no such address in the API."}]}

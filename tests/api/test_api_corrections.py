"""Corrections through the API (EXE-11): the same service and answers as the pages."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.test import Client

from qibu.okrs.models import Correction, KeyResult
from qibu.org.models import Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

API = "/api/v1"


def call(method: str, path: str, person: Person, body: Any = None) -> Response:
    secret = api_token_create(actor=None, person=person, name="tests")[1]
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {secret}"}, "content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    response: Response = getattr(Client(), method)(API + path, **kwargs)
    return response


def test_exe11_api_makes_and_lists_a_correction(company: Company, okrs: Okrs) -> None:
    url = f"/objectives/{okrs['mine'].pk}/corrections"
    made = call(
        "post",
        url,
        company.hank,
        {"kind": "target", "reason": "市场小", "key_result": okrs["my_kr"].pk, "target_value": "3"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind"] == "target" and body["approval"] == "agreed" and body["approver"] == company.hank.pk
    assert body["changes"] == ["target 4 家 → 3 家"]
    assert body["progress_before"] == "0.0000"
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).target_value == Decimal(3)
    listed = call("get", url, company.mia)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [body["id"]]


def test_exe11_api_refuses_a_correction_by_someone_who_may_not_edit(company: Company, okrs: Okrs) -> None:
    """EXE-11, bad input: 403, nothing written."""
    answer = call(
        "post",
        f"/objectives/{okrs['mine'].pk}/corrections",
        company.oscar,
        {"kind": "strategy", "reason": "r", "strategy": "s"},
    )
    assert answer.status_code == 403
    assert "may not correct" in answer.json()["detail"][0]["message"]
    assert not Correction.objects.exists()


def test_exe11_api_refuses_bad_corrections_by_field(company: Company, okrs: Okrs) -> None:
    url = f"/objectives/{okrs['mine'].pk}/corrections"
    no_reason = call("post", url, company.mia, {"kind": "target", "reason": "", "key_result": okrs["my_kr"].pk,
                                                "target_value": "3"})  # fmt: skip
    assert no_reason.status_code == 422
    assert {d["field"] for d in no_reason.json()["detail"]} == {"reason"}
    other = call("post", url, company.hank, {"kind": "target", "reason": "r", "key_result": okrs["department_kr"].pk,
                                             "target_value": "3"})  # fmt: skip
    assert other.status_code == 422
    assert {d["field"] for d in other.json()["detail"]} == {"key_result"}
    wrong_field = call("post", url, company.mia, {"kind": "strategy", "reason": "r", "strategy": "s", "title": "x"})
    assert wrong_field.status_code == 422
    assert "title" in {d["field"] for d in wrong_field.json()["detail"]}
    assert not Correction.objects.exists()


def test_exe11_api_hides_the_corrections_of_an_invisible_objective(company: Company, okrs: Okrs) -> None:
    assert call("get", "/objectives/999999/corrections", company.mia).status_code == 404


def test_exe9_api_takes_and_shows_milestone_due_dates(company: Company, okrs: Okrs) -> None:
    body = {
        "objective": okrs["mine"].pk,
        "title": "苏州办事处开业",
        "kind": "milestones",
        "milestones": [{"title": "选址", "due_date": "2026-10-20"}, {"title": "开业"}],
    }
    made = call("post", "/key-results", company.mia, body)
    assert made.status_code == 201, made.content
    assert [(m["title"], m["due_date"]) for m in made.json()["milestones"]] == [("选址", "2026-10-20"), ("开业", None)]
    outside = call(
        "post", "/key-results", company.mia, body | {"milestones": [{"title": "晚", "due_date": "2027-05-01"}]}
    )
    assert outside.status_code == 422
    assert {d["field"] for d in outside.json()["detail"]} == {"milestones"}

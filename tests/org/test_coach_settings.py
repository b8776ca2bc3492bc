"""The coach's settings: administrators choose which rules block submission (SET-1, SET-2), on the settings page and
through the API, with history; an unknown rule is refused, naming it, and nothing is written."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qibu.audit.models import AuditEntry
from qibu.core.rules import COACH_CHECKS
from qibu.okrs.models import Level
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Organisation, Person
from qibu.org.services import api_token_create, organisation_set_coach_blocking
from tests.conftest import Company, Okrs

URL = reverse("org:coach")


def _client(person: Person, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.cookies["qibu_language"] = language
    client.force_login(person)
    return client


def _rules() -> list[str]:
    return list(Organisation.objects.get().coach_blocking_rules)


def test_it_lists_every_rule_of_the_coach_with_a_box_each(company: Company) -> None:
    html = _client(company.alice).get(URL).content.decode()
    for rule in COACH_CHECKS:
        assert f'name="blocking" value="{rule}"' in html
    assert "A key result has no number or target to measure it by, or reads as a task" in html
    assert html.count(" checked") == 0


def test_it_saves_the_rules_chosen_in_the_methods_order_with_history(company: Company) -> None:
    response = _client(company.alice).post(URL, {"blocking": ["COACH-2", "SET-4"]}, follow=True)
    assert response.status_code == 200
    assert "The coach&#x27;s rules are saved." in response.content.decode()
    assert _rules() == ["SET-4", "COACH-2"]
    entry = AuditEntry.objects.get(action="organisation.coach_blocking")
    assert entry.before == {"coach_blocking_rules": []}
    assert entry.after == {"coach_blocking_rules": ["SET-4", "COACH-2"]}
    assert response.content.decode().count(" checked") == 2
    history = _client(company.alice).get(reverse("org:history")).content.decode()
    assert "changed which of the coach&#x27;s rules block submission" in history
    assert "The objective says nearly the same as another of its department in the cycle." in history


def test_it_refuses_an_unknown_rule_naming_it_and_writes_nothing(company: Company) -> None:
    response = _client(company.alice).post(URL, {"blocking": ["SET-4", "SET-99", "<b>x</b>"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The coach has no rules “SET-99”, “&lt;b&gt;x&lt;/b&gt;”." in html
    assert _rules() == []
    assert not AuditEntry.objects.filter(action="organisation.coach_blocking").exists()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["VIS-9"])
    assert refused.value.message_dict == {"coach_blocking_rules": ["The coach has no rule “VIS-9”."]}


def test_it_says_the_refusal_in_chinese(company: Company) -> None:
    html = _client(company.alice, "zh-hans").post(URL, {"blocking": ["SET-99"]}).content.decode()
    assert "教练没有规则 “SET-99”。" in html


def test_it_writes_no_history_when_nothing_changes(company: Company) -> None:
    organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["SET-5"])
    organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["SET-5", "SET-5"])
    assert AuditEntry.objects.filter(action="organisation.coach_blocking").count() == 1


@pytest.mark.parametrize("persona", ["erin", "hank", "mia"])
def test_it_leaves_the_choice_to_administrators(persona: str, company: Company) -> None:
    assert _client(getattr(company, persona)).post(URL, {"blocking": ["SET-4"]}).status_code == 403
    assert _rules() == []


# --- the API ---------------------------------------------------------------------------------------------------


def _api(person: Person, method: str, path: str, body: Any = None, language: str = "en") -> Any:
    token = api_token_create(actor=None, person=person, name="tests")[1]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    data = json.dumps(body) if body is not None else None
    return getattr(Client(), method)(f"/api/v1{path}", data=data, content_type="application/json", headers=headers)


def test_it_answers_the_coachs_rules_in_the_api(company: Company) -> None:
    organisation_set_coach_blocking(actor=company.alice, organisation=company.org, rules=["VIS-2"])
    response = _api(company.mia, "get", "/organisation/coach")
    assert response.status_code == 200
    rules = {r["rule"]: r for r in response.json()["rules"]}
    assert list(rules) == list(COACH_CHECKS)
    assert rules["VIS-2"]["blocks_submission"] is True and rules["SET-5"]["blocks_submission"] is False
    assert rules["VIS-2"]["statement"].startswith("Strategic goals sit between the vision and the objectives")
    assert rules["COACH-1"]["checks"].startswith("The objective is itself a number")


def test_it_lets_administrators_choose_them_in_the_api(company: Company) -> None:
    response = _api(company.alice, "put", "/organisation/coach", {"coach_blocking_rules": ["SET-6", "SET-3"]})
    assert response.status_code == 200
    assert [r["rule"] for r in response.json()["rules"] if r["blocks_submission"]] == ["SET-3", "SET-6"]
    assert _rules() == ["SET-3", "SET-6"]
    refused = _api(company.alice, "put", "/organisation/coach", {"coach_blocking_rules": ["SET-42"]}, "zh-hans")
    assert refused.status_code == 422
    assert refused.json() == {"detail": [{"field": "coach_blocking_rules", "message": "教练没有规则 “SET-42”。"}]}
    assert _api(company.hank, "put", "/organisation/coach", {"coach_blocking_rules": []}).status_code == 403
    assert _rules() == ["SET-3", "SET-6"]


def test_it_answers_the_coachs_advice_on_an_objective_in_the_api_SET_5(okrs: Okrs, company: Company) -> None:
    """SET-5, COACH-1: the advice the objective's page shows, each with its rule and whether it blocks."""
    c = company
    number = objective_create(
        actor=c.mia, cycle=c.quarter, level=Level.PERSON, owner=c.mia, title="Revenue 5M",
        parent_objective_ids=[okrs["department"].pk],
    )  # fmt: skip
    key_result_create(actor=c.mia, objective=number, title="Hold 3 workshops", start_value=0, target_value=3)
    organisation_set_coach_blocking(actor=c.alice, organisation=c.org, rules=["SET-5"])
    response = _api(c.oscar, "get", f"/objectives/{number.pk}/advice")
    assert response.status_code == 200
    body = response.json()
    assert body["objective"] == number.pk
    assert [(a["rule"], a["blocks_submission"]) for a in body["advice"]] == [("COACH-1", False), ("SET-5", True)]
    assert body["advice"][1]["message"].startswith("Key result 1 “Hold 3 workshops” reads as a task (“Hold …”)")
    assert not re.search(r"(SET|COACH)-\d", body["advice"][1]["message"])
    assert _api(c.mia, "get", f"/objectives/{okrs['mine'].pk}/advice").json()["advice"] == []
    assert _api(c.mia, "get", "/objectives/999999/advice").status_code == 404

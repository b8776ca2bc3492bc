"""The coach warns when something is added past the policy, not only later: a 4th key result on an objective
(SET-4) and a 4th objective for an owner in a cycle (SET-3), on the form before saving, on the objective page after
saving, and in the API's answer — in words, in the reader's language. A warning, never a refusal."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.quality import addition_warnings
from qibu.okrs.services import key_result_create, objective_create
from qibu.org.models import Organisation, Person
from qibu.org.services import api_token_create
from tests.conftest import Company, Okrs

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

KR_BEFORE = {
    "en": "This objective already has 3 key results; this one would make 4. The method keeps 1 to 3 per objective",
    "zh-hans": "这个目标已有 3 个关键结果,加上这个将达到 4 个。方法建议每个目标保留 1 到 3 个",
}
KR_AFTER = {
    "en": "This objective now has 4 key results. The method keeps 1 to 3 per objective",
    "zh-hans": "这个目标现在有 4 个关键结果。方法建议每个目标保留 1 到 3 个",
}
OBJECTIVE_BEFORE = {
    "en": "The owner already has 3 objectives in this cycle; this one would make 4. The method keeps at most 3",
    "zh-hans": "负责人在这个周期内已有 3 个目标,加上这个将达到 4 个。方法建议每位负责人最多保留 3 个",
}
OBJECTIVE_AFTER = {
    "en": "The owner now has 4 objectives in this cycle. The method keeps at most 3 per owner",
    "zh-hans": "负责人在这个周期内现在有 4 个目标。方法建议每位负责人最多保留 3 个",
}
LANGUAGES = ["en", "zh-hans"]


def _client(person: Person, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.cookies["qibu_language"] = language
    client.force_login(person)
    return client


def _text(response: Response) -> str:
    """The page as read: tags dropped, entities of quotes undone."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&#x27;", "'")
    return " ".join(page.split())


def _three_key_results(okrs: Okrs, company: Company) -> Objective:
    """mia's objective with 3 key results: the policy's most (SET-4)."""
    for n in (2, 3):
        key_result_create(actor=company.mia, objective=okrs["mine"], title=f"第 {n} 项", start_value=0, target_value=n)
    return okrs["mine"]


def _three_objectives(company: Company) -> None:
    """mia owns 3 objectives in the quarter: the policy's most (SET-3)."""
    for n in range(3):
        objective_create(actor=company.mia, cycle=company.quarter, level=Level.PERSON, owner=company.mia, title=f"O{n}")


KR_POST = {"title": "第四项", "kind": "increase", "start_value": "0", "target_value": "4", "weight": "1"}


# --- a 4th key result -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_warns_on_the_form_before_a_4th_key_result_is_added_SET_4(
    language: str, okrs: Okrs, company: Company
) -> None:
    """SET-4: the add-key-result page says, before saving, that this would be the 4th and why 1–3 is kept."""
    objective = _three_key_results(okrs, company)
    response = _client(company.mia, language).get(reverse("okrs:kr_new", args=[objective.pk]))
    assert response.status_code == 200
    assert KR_BEFORE[language] in _text(response)
    assert '<abbr class="rule-id" title="' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_says_nothing_on_the_form_while_there_is_room_SET_4(language: str, okrs: Okrs, company: Company) -> None:
    """SET-4: a 2nd or 3rd key result is within the policy: no warning."""
    response = _client(company.mia, language).get(reverse("okrs:kr_new", args=[okrs["mine"].pk]))
    assert 'class="warnings"' not in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_adds_the_4th_key_result_and_warns_on_the_objective_page_SET_4(
    language: str, okrs: Okrs, company: Company
) -> None:
    """SET-4: a warning, not a refusal: the 4th is stored, and the objective page says the objective now has 4."""
    objective = _three_key_results(okrs, company)
    client = _client(company.mia, language)
    response = client.post(reverse("okrs:kr_new", args=[objective.pk]), KR_POST, follow=True)
    assert response.status_code == 200
    assert KeyResult.objects.filter(objective=objective).count() == 4
    assert response.redirect_chain[-1][0].startswith(reverse("okrs:objective", args=[objective.pk]))
    assert KR_AFTER[language] in _text(response)
    assert 'class="msg-warning"' in response.content.decode()


def test_it_warns_again_when_the_form_comes_back_with_an_error_SET_4(okrs: Okrs, company: Company) -> None:
    """SET-4: a refused form keeps the warning beside the errors."""
    objective = _three_key_results(okrs, company)
    response = _client(company.mia, "en").post(reverse("okrs:kr_new", args=[objective.pk]), {**KR_POST, "title": ""})
    assert response.status_code == 400
    assert KR_BEFORE["en"] in _text(response)


def test_it_follows_the_organisations_own_limit_SET_4(okrs: Okrs, company: Company) -> None:
    """SET-4: the policy's number, and its departure from the method, are in the sentence."""
    company.org.max_key_results = 1
    company.org.save()
    response = _client(company.mia, "en").get(reverse("okrs:kr_new", args=[okrs["mine"].pk]))
    text = _text(response)
    assert "This objective already has 1 key result; this one would make 2. The method keeps 1 to 1" in text
    assert "the method's default is 3" in text


def test_it_makes_the_same_queries_for_the_form_with_few_or_many_key_results(
    okrs: Okrs, company: Company, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The count is one query, whatever the number of key results."""
    client = _client(company.mia, "en")
    url = reverse("okrs:kr_new", args=[okrs["mine"].pk])
    client.get(url)
    with django_assert_num_queries(KR_FORM_QUERIES):
        client.get(url)
    for n in range(6):
        key_result_create(actor=company.mia, objective=okrs["mine"], title=f"KR {n}", start_value=0, target_value=5)
    with django_assert_num_queries(KR_FORM_QUERIES):
        client.get(url)


KR_FORM_QUERIES = 7


# --- a 4th objective --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_warns_on_the_new_objective_page_for_a_4th_objective_SET_3(language: str, company: Company) -> None:
    """SET-3: the new-objective page, opened for an owner who has 3 already, says this would be the 4th."""
    _three_objectives(company)
    response = _client(company.mia, language).get(reverse("okrs:objective_new") + f"?cycle={company.quarter.pk}")
    assert response.status_code == 200
    assert OBJECTIVE_BEFORE[language] in _text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_creates_the_4th_objective_and_warns_on_its_page_SET_3(language: str, company: Company) -> None:
    """SET-3: a warning, not a refusal: the 4th objective is stored, and its page says the owner now has 4."""
    _three_objectives(company)
    data = {
        "title": "第四个目标",
        "level": Level.PERSON,
        "cycle": company.quarter.pk,
        "owner": company.mia.pk,
        "priority": "1",
        **{f"kr{i}-kind": "increase" for i in range(3)},
    }
    response = _client(company.mia, language).post(reverse("okrs:objective_new"), data, follow=True)
    assert response.status_code == 200, _text(response)
    assert Objective.objects.filter(cycle=company.quarter, owner=company.mia).count() == 4
    assert OBJECTIVE_AFTER[language] in _text(response)


def test_it_warns_after_saving_about_too_many_key_results_written_first_SET_4(company: Company) -> None:
    """SET-4: the editor's key-result rows past the organisation's limit are kept, and the objective page says so."""
    company.org.max_key_results = 2
    company.org.save()
    rows: dict[str, Any] = {}
    for i in range(3):
        rows |= {f"kr{i}-title": f"KR {i}", f"kr{i}-kind": "increase", f"kr{i}-target_value": "5"}
    data = {"title": "三个关键结果", "level": Level.PERSON, "cycle": company.quarter.pk, "owner": company.mia.pk}
    response = _client(company.mia, "en").post(reverse("okrs:objective_new"), {**data, **rows}, follow=True)
    assert response.status_code == 200
    assert "This objective now has 3 key results. The method keeps 1 to 2 per objective" in _text(response)


# --- the API --------------------------------------------------------------------------------------------------


def _api(person: Person, path: str, body: dict[str, Any], language: str) -> Response:
    token = api_token_create(actor=None, person=person, name="tests")[1]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    response: Response = Client().post(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )
    return response


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_answers_a_4th_key_result_with_its_warning_in_the_api_SET_4(
    language: str, okrs: Okrs, company: Company
) -> None:
    """SET-4: the API adds the key result (201) and its answer's `warnings` say what the page says."""
    objective = _three_key_results(okrs, company)
    body = {"objective": objective.pk, "title": "第四项", "start_value": "0", "target_value": "4"}
    response = _api(company.mia, "/key-results", body, language)
    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert [w["rule"] for w in warnings] == ["SET-4"]
    assert KR_AFTER[language] in warnings[0]["message"]


def test_it_answers_a_key_result_within_the_policy_with_no_warnings_SET_4(okrs: Okrs, company: Company) -> None:
    """SET-4."""
    body = {"objective": okrs["mine"].pk, "title": "第二项", "start_value": "0", "target_value": "4"}
    response = _api(company.mia, "/key-results", body, "en")
    assert response.status_code == 201
    assert response.json()["warnings"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_answers_a_4th_objective_with_its_warning_in_the_api_SET_3(language: str, company: Company) -> None:
    """SET-3: the API creates the objective (201) and its answer's `warnings` say what the page says."""
    _three_objectives(company)
    body = {"title": "第四个目标", "level": "person", "cycle": company.quarter.pk, "owner": company.mia.pk}
    response = _api(company.mia, "/objectives", body, language)
    assert response.status_code == 201, response.json()
    warnings = response.json()["warnings"]
    assert [w["rule"] for w in warnings] == ["SET-3"]
    assert OBJECTIVE_AFTER[language] in warnings[0]["message"]
    assert "SET-3" not in warnings[0]["message"]


def test_it_says_the_same_on_the_page_and_in_the_api() -> None:
    """One function says it: the page's message after saving is the API's warning."""
    organisation = Organisation(name="Test")
    translation.activate("en")
    (advice,) = addition_warnings(organisation=organisation, key_result_count=4, saved=True)
    assert advice.rule == "SET-4" and advice.text.startswith(KR_AFTER["en"])
    assert addition_warnings(organisation=organisation, key_result_count=3, owner_objective_count=3, saved=False) == []
    (advice,) = addition_warnings(organisation=organisation, owner_objective_count=4, saved=False)
    assert advice.rule == "SET-3" and advice.text.startswith(OBJECTIVE_BEFORE["en"])

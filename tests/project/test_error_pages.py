"""Error pages (issue 6, item 1): 400, 403, 404, 405, 413 and 500 in the product's layout and the reader's language,
saying what happened and where to go; the API answers JSON in its error shape, also for an oversized body; a
refused request logs one line on the console, without a traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory

from qibu.core.errors import server_error
from qibu.org.models import Organisation, Person
from qibu.org.services import api_token_create
from tests.conftest import Company

ZH, EN = "zh-hans", "en"
# What each page says, by language: its title, and a word of where to go.
SAYS = {
    (400, EN): "This request could not be understood",
    (400, ZH): "无法理解这个请求",
    (403, EN): "You do not have permission to do this",
    (403, ZH): "你没有权限这样做",
    (404, EN): "This page does not exist",
    (404, ZH): "这个页面不存在",
    (405, EN): "This page does not accept that action",
    (405, ZH): "这个页面不接受这个操作",
    (413, EN): "What you sent is too large",
    (413, ZH): "你发送的内容太大",
    (500, EN): "Something went wrong on our side",
    (500, ZH): "服务器出了问题",
}
HOME = {EN: "Go to my OKRs", ZH: "前往我的 OKR"}
BIG = 3 * 1024 * 1024


def _signed_in(company: Company, language: str, person: Person | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(person or company.mia)
    return client


def _page_says(response: object, status: int, language: str) -> None:
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == status  # type: ignore[attr-defined]
    assert SAYS[(status, language)] in html
    assert HOME[language] in html
    assert 'class="topbar"' in html  # the product's layout
    assert f'lang="{language}"' in html


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_missing_objective_with_the_404_page(company: Company, language: str) -> None:
    client = _signed_in(company, language)
    _page_says(client.get("/objectives/999999/"), 404, language)


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_get_of_a_post_only_page_with_the_405_page_keeping_allow(company: Company, language: str) -> None:
    client = _signed_in(company, language)
    response = client.get("/logout/")
    _page_says(response, 405, language)
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_page_the_person_may_not_open_with_the_403_page(company: Company, language: str) -> None:
    client = _signed_in(company, language)  # mia is no administrator
    _page_says(client.get("/settings/"), 403, language)


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_bad_host_with_the_400_page_without_a_signed_in_person(company: Company, language: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE=language)
    _page_says(response, 400, language)


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_suspicious_request_with_the_400_page(
    company: Company, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def suspicious(*args: object, **kwargs: object) -> None:
        raise SuspiciousOperation("a request the test made suspicious")

    monkeypatch.setattr("qibu.okrs.views.pages.objective_for", suspicious)
    client = _signed_in(company, language)
    _page_says(client.get("/objectives/1/"), 400, language)


@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_an_oversized_form_with_the_413_page_naming_the_limit(company: Company, language: str) -> None:
    client = _signed_in(company, language, company.alice)
    response = client.post("/strategy/goals/new/", {"title": "x", "description": "x" * BIG})
    _page_says(response, 413, language)
    assert "2.5 MB" in response.content.decode()


@pytest.mark.urls("tests.project.error_urls")
@pytest.mark.parametrize("language", [ZH, EN])
def test_it_answers_a_fault_with_the_500_page(company: Company, language: str) -> None:
    client = _signed_in(company, language)
    _page_says(client.get("/test-only/fails/"), 500, language)


@pytest.mark.urls("tests.project.error_urls")
def test_it_answers_a_fault_with_the_500_page_without_a_signed_in_person(company: Company) -> None:
    response = Client(raise_request_exception=False).get("/test-only/fails/", HTTP_ACCEPT_LANGUAGE=EN)
    assert response.status_code == 500
    assert SAYS[(500, EN)] in response.content.decode()


def test_it_renders_the_500_page_without_the_database() -> None:
    """No `db` fixture: any query would fail the test. The database may be what failed."""
    response = server_error(RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=EN))
    assert response.status_code == 500
    assert SAYS[(500, EN)] in response.content.decode()


# --- the API keeps its JSON ----------------------------------------------------------------------------


def _detail(response: object) -> str:
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    body = json.loads(response.content)  # type: ignore[attr-defined]
    [problem] = body["detail"]
    assert problem["field"] is None
    return str(problem["message"])


@pytest.fixture
def token(company: Company) -> str:
    return api_token_create(actor=None, person=company.mia, name="tests")[1]


def test_it_answers_json_for_a_missing_objective_in_the_api(token: str) -> None:
    response = Client().get("/api/v1/objectives/999999", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    assert _detail(response)


def test_it_answers_json_405_for_a_method_the_api_does_not_accept(token: str) -> None:
    response = Client().delete("/api/v1/check-ins", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=EN)
    assert response.status_code == 405
    assert "DELETE" in _detail(response)
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(("language", "says"), [(EN, "larger than the 2.5 MB"), (ZH, "2.5 MB")])
def test_it_answers_json_413_for_an_oversized_api_body_naming_the_limit(
    company: Company, token: str, language: str, says: str
) -> None:
    body = json.dumps({"title": "x" * BIG, "cycle_id": company.quarter.pk, "level": "person"})
    response = Client(raise_request_exception=False).post(
        "/api/v1/objectives",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 413
    assert says in _detail(response)


@pytest.mark.urls("tests.project.error_urls")
def test_it_answers_json_500_for_a_fault_in_the_api(token: str) -> None:
    response = Client(raise_request_exception=False).get(
        "/api/v1/test-only/fails/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 500
    assert _detail(response)


# --- the console -----------------------------------------------------------------------------------------


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the refused-request loggers print, as the console shows it."""
    stream = io.StringIO()
    handlers = {
        h
        for name in ("django.request", "django.security")
        for h in logging.getLogger(name).handlers
        if h.get_name() == "refusals"
    }
    assert handlers, "the refused-request loggers print nowhere"
    previous = [(h, h.setStream(stream)) for h in handlers if isinstance(h, logging.StreamHandler)]
    try:
        yield stream
    finally:
        for handler, old in previous:
            handler.setStream(old)


def test_it_logs_a_refused_request_in_one_line_without_a_traceback(company: Company, console: io.StringIO) -> None:
    client = _signed_in(company, EN, company.alice)
    client.get("/", HTTP_HOST="evil.example")  # DisallowedHost
    client.post("/strategy/goals/new/", {"description": "x" * BIG})  # RequestDataTooBig
    client.get("/objectives/999999/")  # Http404
    _signed_in(company, EN).get("/settings/")  # PermissionDenied
    printed = console.getvalue()
    assert "Traceback" not in printed
    lines = printed.strip().splitlines()
    assert len(lines) == 4, printed
    assert "DisallowedHost" in lines[0] and "evil.example" in lines[0]
    assert "RequestDataTooBig" in lines[1]


@pytest.mark.urls("tests.project.error_urls")
def test_it_still_logs_a_server_error_with_its_traceback(company: Company, console: io.StringIO) -> None:
    _signed_in(company, EN).get("/test-only/fails/")
    assert "Traceback" in console.getvalue()
    assert "a fault the test provoked" in console.getvalue()


def test_it_keeps_the_organisation_unchanged_by_an_oversized_form(company: Company) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(company.alice)
    response = client.post("/settings/", {"name": "x", "vision": "x" * BIG})
    assert response.status_code == 413
    assert Organisation.objects.get().vision == company.org.vision

"""The OpenAPI document of /api/v1, and a property-based run of every GET operation against it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from qibu.api.urls import api
from qibu.okrs.services import checkin_record
from qibu.org.services import api_token_create

PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/people": {"get"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/departments": {"get"},
    "/api/v1/departments/{department_id}": {"get"},
    "/api/v1/teams": {"get"},
    "/api/v1/cycles": {"get"},
    "/api/v1/cycles/{cycle_id}": {"get"},
    "/api/v1/objectives": {"get", "post"},
    "/api/v1/objectives/{objective_id}": {"get", "patch", "delete"},
    "/api/v1/objectives/{objective_id}/alignment": {"put"},
    "/api/v1/key-results": {"get", "post"},
    "/api/v1/key-results/{key_result_id}": {"get", "patch", "delete"},
    "/api/v1/check-ins": {"get", "post"},
    "/api/v1/alignment-tree": {"get"},
}


def test_it_publishes_a_valid_openapi_document_listing_every_path(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}  # bearer token, session cookie
    # Every operation documents the one error shape.
    for operations in document["paths"].values():
        for operation in operations.values():
            for status in ("401", "403", "404", "422"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"
                }


@pytest.fixture
def api_token(okrs: dict, company: Any) -> str:
    """Mia's token: she sees the company's objectives but not everyone's private ones."""
    return api_token_create(actor=None, person=company.mia, name="schemathesis")[1]


@pytest.fixture(scope="module")
def api_schema() -> Any:
    """The document /api/v1/openapi.json serves (checked above), bound to Django's WSGI application."""
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def same_connection(db: None) -> Iterator[None]:
    """Keep the WSGI requests on the test's database connection, as Django's test client does: the
    test's transaction, and the data the fixtures made, live on it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


GETS = sorted(path for path, methods in PATHS.items() if "get" in methods)


# schemathesis' pytest integration (`schemathesis.pytest.from_fixture`) needs pytest < 9, so each operation
# is driven through its Hypothesis strategy instead: the same cases and checks, one test per path and mode.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("path", GETS)
def test_it_answers_every_get_within_its_schema(
    api_schema: Any, same_connection: None, api_token: str, path: str, mode: GenerationMode
) -> None:
    """No 5xx, documented status codes and content types, bodies that match the published schemas;
    invalid parameters are refused with a 4xx."""
    operation = api_schema[path]["GET"]
    headers = {"Authorization": f"Bearer {api_token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers)

    check()


@pytest.mark.parametrize("path", GETS)
def test_it_answers_with_real_data_within_its_schema(
    api_schema: Any, same_connection: None, api_token: str, company: Any, okrs: dict, path: str
) -> None:
    """The same checks on the answers a client mostly sees: existing rows, full pages."""
    c = company
    checkin_record(actor=c.mia, key_result=okrs["my_kr"], value=1, confidence=75, note="<b>周报</b>")
    ids = {
        "person_id": c.mia.pk,
        "department_id": c.sales.pk,
        "cycle_id": c.quarter.pk,
        "objective_id": okrs["mine"].pk,
        "key_result_id": okrs["my_kr"].pk,
    }
    operation = api_schema[path]["GET"]
    parameters = {p.name: ids[p.name] for p in operation.path_parameters}
    query = {"cycle": c.quarter.pk} if path.endswith("alignment-tree") else {}
    headers = {"Authorization": f"Bearer {api_token}"}
    case = operation.Case(path_parameters=parameters, query=query, headers=headers)
    response = case.call_and_validate(headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["items"] if "items" in body else body["id"] in ids.values()

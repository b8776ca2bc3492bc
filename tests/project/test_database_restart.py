"""A restarted database costs no failed request (issue 6): persistent connections are checked before a request
reuses one (`CONN_HEALTH_CHECKS`), so a connection the server ended is replaced instead of answering 500.

The request goes through Django's own WSGI handler in this thread, as gunicorn's worker calls it (the test client
turns the connection check off), and the connection it keeps is ended from a second connection with
`pg_terminate_backend`, as a restart ends it; the shared PostgreSQL itself is never restarted."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

if TYPE_CHECKING:
    from _typeshed import OptExcInfo

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="ends PostgreSQL connections")


def _get(path: str) -> str:
    status: list[str] = []

    def start_response(
        line: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        status.append(line)
        return lambda body: None  # Django answers with an iterable; it never writes through this

    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")  # type: ignore[attr-defined]  # private, not in django-stubs
    response = WSGIHandler()(environ, start_response)
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE), not closed
    return status[0]


def _end(pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_it_answers_after_the_database_ended_its_connections() -> None:
    assert _get("/login/").startswith("200")
    kept = connection.connection
    assert kept is not None, "the connection is kept between requests"
    _end(kept.info.backend_pid)
    for _request in range(3):
        assert _get("/login/").startswith("200")
    assert connection.connection is not kept

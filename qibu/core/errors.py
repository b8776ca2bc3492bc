"""What a refused or failed request answers: a page in the product's layout and the reader's language for people,
JSON in the API's one error shape (`{"detail": [{"field": null, "message": "…"}]}`, as `qibu/api/errors.py`) for
API clients. `qibu/urls.py` names these as Django's handler400/403/404/500; `MethodNotAllowedMiddleware` gives the
bare 405 of `require_POST` (and of the API's routes) the same treatment.

The 500 page renders without the request's context processors (they read the database, which may be what failed)
and without the signed-in person: only the template, the language and static addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, message: str) -> JsonResponse:
    """One problem about no field, in the API's error shape."""
    return JsonResponse({"detail": [{"field": None, "message": str(message)}]}, status=status)


def body_limit() -> str:
    """The largest request body accepted, as a reader says it (Django's 2,621,440 bytes: 2.5 MB)."""
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    megabytes = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return _("%(size)s MB") % {"size": megabytes}


@contextmanager
def _reader_language(request: HttpRequest) -> Iterator[None]:
    """The request's language; when it was refused before the language was chosen (a bad Host), the one its
    cookie or browser asks for."""
    if hasattr(request, "LANGUAGE_CODE"):
        yield
        return
    with translation.override(translation.get_language_from_request(request)):
        yield


def _page(request: HttpRequest, status: int, context: dict[str, Any]) -> HttpResponse:
    with _reader_language(request):
        body = loader.render_to_string(f"errors/{status}.html", {"status": status, **context}, request)
        return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400; 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, naming the limit."""
    too_big = isinstance(exception, RequestDataTooBig)
    with _reader_language(request):
        if too_big and is_api(request):
            message = _("The request body is larger than the %(limit)s the server accepts.") % {"limit": body_limit()}
            return api_error(413, message)
        if is_api(request):
            return api_error(400, _("The server could not understand this request."))
    if too_big:
        return _page(request, 413, {"limit": body_limit()})
    return _page(request, 400, {})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        with _reader_language(request):
            return api_error(403, str(exception or "") or _("You may see this but not change it."))
    return _page(request, 403, {})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        with _reader_language(request):
            return api_error(404, _("Not found, or not visible to you."))
    return _page(request, 404, {})


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without the database: no context processors, no person (the failure may be the database)."""
    with _reader_language(request):
        if is_api(request):
            return api_error(500, _("Something went wrong on the server. It has been logged; try again later."))
        body = loader.get_template("errors/500.html").render({"status": 500})
        return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (often an old page): say so, instead of Django's English page."""
    if is_api(request):
        with _reader_language(request):
            return api_error(403, _("The CSRF check failed: send the X-CSRFToken header with a session."))
    return _page(request, 403, {"csrf": True})


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    if is_api(request):
        with _reader_language(request):
            response: HttpResponse = api_error(
                405, _("This address does not accept %(method)s.") % {"method": request.method}
            )
    else:
        response = _page(request, 405, {"method": request.method})
    response["Allow"] = allowed
    return response


class MethodNotAllowedMiddleware:
    """A bare 405 (`require_POST` and the API's routes answer an empty or plain-text one) becomes the 405 page, or
    the API's JSON, keeping its Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(request, response.get("Allow", ""))
        return response

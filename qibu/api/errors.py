"""One shape for every error: `{"detail": [{"field": "title" | null, "message": "…"}]}`.

Schema validation (pydantic, via ninja) and the services' `ValidationError` both answer 422 and name the
field; messages are translated into the request's language (activated by the middleware, or by the token
authentication for token callers) before anything is raised, so they are in that language here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

Problem = tuple[str | None, str]


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def error_body(problems: Iterable[Problem]) -> dict[str, list[dict[str, str | None]]]:
    return {"detail": [{"field": field, "message": str(message)} for field, message in problems]}


def _django_problems(exc: DjangoValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in exc.messages]


# Body parameters are all called `payload`; the name is an implementation detail, not a field.
_PARAMETER_NAMES = {"payload", "filters", "paging", "query"}


def _field_of(loc: Iterable[Any]) -> str | None:
    parts = [str(p) for p in list(loc)[1:]]  # drop the source: body, query, path
    if parts and parts[0] in _PARAMETER_NAMES:
        parts = parts[1:]
    return ".".join(parts) or None


def _limit(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, ""))


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A translated message for one pydantic error; pydantic's own English one when the kind is unusual."""
    kind = error.get("type", "")
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    if kind == "string_too_long":
        return _("At most %(max)s characters.") % {"max": _limit(ctx, "max_length")}
    if kind == "string_too_short":
        return _("At least %(min)s characters.") % {"min": _limit(ctx, "min_length")}
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": _limit(ctx, "ge")}
    if kind == "greater_than":
        return _("Enter a value above %(limit)s.") % {"limit": _limit(ctx, "gt")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": _limit(ctx, "le")}
    if kind == "less_than":
        return _("Enter a value below %(limit)s.") % {"limit": _limit(ctx, "lt")}
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("Enter a whole number.")
    if kind.startswith("decimal_") or kind in ("float_parsing", "float_type", "finite_number"):
        return _("Enter a number.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": _limit(ctx, "expected")}
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    return str(error.get("msg", _("This value is not valid.")))


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, problems: Iterable[Problem]) -> HttpResponse:
        return api.create_response(request, error_body(problems), status=status)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, [(_field_of(e.get("loc", ())), pydantic_message(e)) for e in exc.errors])

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, _django_problems(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, [(None, _("Not found, or not visible to you."))])

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You may see this but not change it.")
        return respond(request, 403, [(None, message)])

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            response = respond(
                request, 401, [(None, _("Sign in, or send a personal API token as “Authorization: Bearer <token>”."))]
            )
            response["WWW-Authenticate"] = 'Bearer realm="qibu"'
            return response
        if isinstance(exc, CsrfFailed):
            message = _("The CSRF check failed: send the X-CSRFToken header with a session, or use an API token.")
            return respond(request, 403, [(None, message)])
        if exc.status_code == 400:
            # ninja's only 400: a body that is not JSON.
            return respond(request, 400, [(None, _("The request body is not valid JSON."))])
        return respond(request, exc.status_code, [(None, str(exc))])

    # ninja types a handler's argument as "the exception or its class"; these receive instances only.
    handlers: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, on_ninja_validation),
        (DjangoValidationError, on_django_validation),
        (Http404, on_not_found),
        (PermissionDenied, on_permission_denied),
        (HttpError, on_http_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /api/v1 answers JSON in the API's error shape, not an HTML page."""
    return JsonResponse(error_body([(None, _("There is no such address in the API."))]), status=404)

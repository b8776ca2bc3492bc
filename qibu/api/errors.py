"""One shape for every error: `{"detail": [{"field": "title" | null, "message": "…"}]}`.

Schema validation (pydantic, via ninja) and the services' `ValidationError` both answer 422 and name the
field; messages are translated into the request's language (activated by the middleware, or by the token
authentication for token callers) before anything is raised, so they are in that language here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from qibu.core.validation import field_problems

if TYPE_CHECKING:
    from ninja import NinjaAPI

Problem = tuple[str | None, str]


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def error_body(problems: Iterable[Problem]) -> dict[str, list[dict[str, str | None]]]:
    return {"detail": [{"field": field, "message": str(message)} for field, message in problems]}


# Body parameters are all called `payload`; the name is an implementation detail, not a field.
_PARAMETER_NAMES = {"payload", "filters", "paging", "query"}


def _field_of(loc: Iterable[Any]) -> str | None:
    parts = [str(p) for p in list(loc)[1:]]  # drop the source: body, query, path
    if parts and parts[0] in _PARAMETER_NAMES:
        parts = parts[1:]
    return ".".join(parts) or None


def _limit(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, ""))


# pydantic's error kinds, each with a translated message; `ctx` holds the limit a message names.
_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "extra_forbidden": lambda ctx: _("Unknown field."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
    "string_too_long": lambda ctx: _("At most %(max)s characters.") % {"max": _limit(ctx, "max_length")},
    "string_too_short": lambda ctx: _("At least %(min)s characters.") % {"min": _limit(ctx, "min_length")},
    "greater_than_equal": lambda ctx: _("Enter a value of at least %(limit)s.") % {"limit": _limit(ctx, "ge")},
    "greater_than": lambda ctx: _("Enter a value above %(limit)s.") % {"limit": _limit(ctx, "gt")},
    "less_than_equal": lambda ctx: _("Enter a value of at most %(limit)s.") % {"limit": _limit(ctx, "le")},
    "less_than": lambda ctx: _("Enter a value below %(limit)s.") % {"limit": _limit(ctx, "lt")},
    # qibu.api.schemas: a decimal outside its pattern, a null where null means nothing.
    "decimal_pattern": lambda ctx: (
        _(
            "Enter a number as a decimal string such as “12.5”, with at most %(digits)s digits before the point and "
            "%(places)s after it."
        )
        % {"digits": _limit(ctx, "digits"), "places": _limit(ctx, "places")}
    ),
    "null_refused": lambda ctx: _("This field does not take null; leave it out instead."),
}
# Kinds that read alike, by the message of the first kind of their group.
_SAME_AS = {
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), "object"),
    **dict.fromkeys(("string_type", "string_unicode"), "text"),
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float", "int_parsing_size"), "integer"),
    **dict.fromkeys(("float_parsing", "float_type", "finite_number"), "number"),
    **dict.fromkeys(("bool_parsing", "bool_type"), "boolean"),
    **dict.fromkeys(("enum", "literal_error"), "choice"),
    **dict.fromkeys(("list_type", "tuple_type", "set_type"), "list"),
}
_GROUP_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "object": lambda ctx: _("Send a JSON object."),
    "text": lambda ctx: _("Enter text."),
    "integer": lambda ctx: _("Enter a whole number."),
    "number": lambda ctx: _("Enter a number."),
    "date": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "boolean": lambda ctx: _("Enter true or false."),
    "choice": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": _limit(ctx, "expected")},
    "list": lambda ctx: _("Enter a list."),
}


def _group(kind: str) -> str | None:
    if kind in _SAME_AS:
        return _SAME_AS[kind]
    if kind.startswith("decimal_"):
        return "number"
    if kind.startswith("date"):  # date_… and datetime_…
        return "date"
    return None


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A translated message for one pydantic error; pydantic's own English one when the kind is unusual."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind](ctx)
    group = _group(kind)
    if group is not None:
        return _GROUP_MESSAGES[group](ctx)
    return str(error.get("msg", _("This value is not valid.")))


class _Handlers:
    """The answer to each kind of error, in the API's one shape."""

    def __init__(self, api: NinjaAPI) -> None:
        self.api = api

    def respond(self, request: HttpRequest, status: int, problems: Iterable[Problem]) -> HttpResponse:
        return self.api.create_response(request, error_body(problems), status=status)

    def ninja_validation(self, request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return self.respond(request, 422, [(_field_of(e.get("loc", ())), pydantic_message(e)) for e in exc.errors])

    def django_validation(self, request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return self.respond(request, 422, field_problems(exc))

    def not_found(self, request: HttpRequest, exc: Http404) -> HttpResponse:
        return self.respond(request, 404, [(None, _("Not found, or not visible to you."))])

    def permission_denied(self, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You may see this but not change it.")
        return self.respond(request, 403, [(None, message)])

    def http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            message = _("Sign in, or send a personal API token as “Authorization: Bearer <token>”.")
            response = self.respond(request, 401, [(None, message)])
            response["WWW-Authenticate"] = 'Bearer realm="qibu"'
            return response
        if isinstance(exc, CsrfFailed):
            message = _("The CSRF check failed: send the X-CSRFToken header with a session, or use an API token.")
            return self.respond(request, 403, [(None, message)])
        if exc.status_code == 400:
            # ninja's only 400: a body that is not JSON.
            return self.respond(request, 400, [(None, _("The request body is not valid JSON."))])
        return self.respond(request, exc.status_code, [(None, str(exc))])


def install_error_handlers(api: NinjaAPI) -> None:
    handlers = _Handlers(api)
    # ninja types a handler's argument as "the exception or its class"; these receive instances only.
    routes: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, handlers.ninja_validation),
        (DjangoValidationError, handlers.django_validation),
        (Http404, handlers.not_found),
        (PermissionDenied, handlers.permission_denied),
        (HttpError, handlers.http_error),
    ]
    for exception, handler in routes:
        api.add_exception_handler(exception, handler)


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /api/v1 answers JSON in the API's error shape, not an HTML page."""
    return JsonResponse(error_body([(None, _("There is no such address in the API."))]), status=404)

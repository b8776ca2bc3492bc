"""Language and time zone for each request, and the one read of the organisation it shares."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from qibu.org.models import Organisation
from qibu.org.selectors import organisation_get

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def choose_language(request: HttpRequest, *, person_language: str | None, default: str) -> str:
    """The switcher's cookie, else the person's own language, else the language the browser (or API
    client) asks for in Accept-Language, else the organisation's default language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in _SUPPORTED:
        return str(chosen)
    if person_language in _SUPPORTED:
        return str(person_language)
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return default if default in _SUPPORTED else settings.LANGUAGE_CODE


def request_organisation(request: HttpRequest) -> Organisation:
    """The organisation this request already read (set by PersonLocaleMiddleware), else a fresh read."""
    found: Organisation | None = getattr(request, "organisation", None)
    return found if found is not None else organisation_get()


class PersonLocaleMiddleware:
    """Runs after authentication: activates the language and the organisation's time zone, and
    keeps the organisation on the request so views and templates do not read it again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        organisation = organisation_get()
        request.organisation = organisation  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        language = choose_language(
            request,
            person_language=(user.language or "") if signed_in else None,  # type: ignore[union-attr]
            default=organisation.default_language,
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        timezone.activate(organisation.zone)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

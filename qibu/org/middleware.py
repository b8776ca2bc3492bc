"""Language and time zone per person, falling back to the organisation's defaults."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from qibu.org.selectors import organisation_get

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PersonLanguageMiddleware:
    """Chooses the language: the language cookie (the switcher), else the browser's, else Chinese.

    Runs before authentication so it cannot read the person; a signed-in person's own language is
    applied by PersonTimezoneMiddleware, which runs after it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response


class PersonTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in _SUPPORTED else (user.language or None)
            if language in _SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # One read of the organisation per request, shared by views and templates (policy, time zone).
        organisation = organisation_get()
        request.organisation = organisation  # type: ignore[attr-defined]
        try:
            timezone.activate(zoneinfo.ZoneInfo(organisation.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

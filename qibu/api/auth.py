"""Who is calling: a personal token (`Authorization: Bearer <secret>`) or the browser's session.

A token is sent deliberately by its holder, so it needs no CSRF check; a session cookie is sent by the
browser on its own, so unsafe methods with a session must carry the CSRF token (X-CSRFToken header).
An anonymous caller gets 401 whatever the method, before any CSRF check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from qibu.api.errors import CsrfFailed
from qibu.org.middleware import choose_language, request_organisation
from qibu.org.models import Person
from qibu.org.services import api_token_authenticate


def _activate_person_language(request: HttpRequest, person: Person) -> None:
    """The same choice as for pages (`choose_language`), made again now that the person is known:
    the middleware cannot do it for token callers, as it runs before the token is read."""
    organisation = request_organisation(request)
    language = choose_language(request, person_language=person.language or "", default=organisation.default_language)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        if not token:
            return None
        person = api_token_authenticate(token)
        if person is not None:
            _activate_person_language(request, person)
        return person


class SessionAuth(APIKeyCookie):
    """Django's session; CSRF is checked only once the caller is known to be signed in."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        if key is None:
            return None
        user: Any = request.user
        return user if isinstance(user, Person) and user.is_active else None

"""No copy of a signed-in person's pages or of an API answer is kept by a browser or a proxy.

`Cache-Control: private, no-store` goes on every API answer and on every response to a request that carries a
session (every signed-in person's pages and htmx fragments). Anonymous visitors' pages (the sign-in page) and
static files (served before this, by WhiteNoise) may stay cacheable. Whether someone is signed in is read from the
session cookie, not from `request.user`, so that no request makes an extra query for it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from qibu.core.errors import is_api

NO_STORE = "private, no-store"


def _signed_in(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)  # a person signed in by this very request (the sign-in form)
    return bool(user is not None and user.is_authenticated)


class PrivateNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) or _signed_in(request):
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response

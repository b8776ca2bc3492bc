"""Request helpers every view uses: who asks, whether htmx asks, and where it is safe to send them back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:  # a type only: core sits below org and imports no app at run time
    from qibu.org.models import Person


def current_person(request: HttpRequest) -> Person:
    """The signed-in person of a view behind `login_required` (the user model is `org.Person`)."""
    return cast("Person", request.user)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (and so wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """An answer that differs for htmx and plain requests must say so to caches."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address of the form or query string when it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Signed-out people go to the sign-in page; signed-in people who are not administrators get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not current_person(request).is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def site_url() -> str:
    """Where people open Qibu (`QIBU_SITE_URL`, without a trailing slash): what mail, chat and calendars link to,
    since they are read away from any request."""
    from django.conf import settings

    return str(getattr(settings, "QIBU_SITE_URL", "") or "http://localhost:8000").rstrip("/")
